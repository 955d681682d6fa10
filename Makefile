# greenroom — the two commands are `make demo` and `make test`; everything else is optional.
# Each target sets up what it needs: a virtualenv in .venv with the locked dependencies.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
SCALE  ?= demo
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install demo test test-fast bench lint clean browser

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)  ## create .venv with the locked dependencies

demo: $(STAMP)  ## build the demo-scale world and lakehouse, print what is in it, serve the dashboard (Ctrl-C stops)
	$(BIN)/greenroom demo --scale $(SCALE)

test: $(STAMP) browser  ## run every test (unit, slow, integration, browser)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser tests drive Debian's chromium; the sandbox tests need bubblewrap. As root,
# install what is missing (one `apt-get update`, then the missing packages); otherwise the
# tests skip and say why. Under CI=true a missing one is a failure here, and in the tests.
CHROMIUM ?= /usr/bin/chromium
BWRAP    ?= /usr/bin/bwrap
browser:  ## install chromium and bubblewrap for the browser and sandbox tests (as root, when missing)
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium"; \
	[ -x "$(BWRAP)" ] || missing="$$missing bubblewrap"; \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing$$missing for the browser and sandbox tests (apt-get)"; \
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi
	@for tool in "$(CHROMIUM)" "$(BWRAP)"; do \
		if [ ! -x "$$tool" ]; then \
			if [ "$$CI" = "true" ]; then \
				echo "error: $$tool is missing and CI=true: the tests that need it must run" >&2; exit 1; \
			else \
				echo "note: no $$tool (install it as root); the tests that need it will skip"; \
			fi; \
		fi; \
	done

test-fast: $(STAMP)  ## only the fast unit tests
	$(BIN)/python -m pytest -m "not slow and not integration and not e2e" $(PYTEST_ARGS)

bench: $(STAMP)  ## benchmarks: print speed and memory figures (sf1 and sf10 take minutes)
	$(BIN)/python benchmarks/run_all.py

lint: $(STAMP)  ## ruff and mypy --strict
	$(BIN)/ruff check greenroom tests benchmarks
	$(BIN)/ruff format --check greenroom tests benchmarks
	$(BIN)/mypy

clean:  ## remove the virtualenv and caches (your GREENROOM_HOME is left alone)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
