"""Web fixtures: the app over a copy of the tiny messy lake, with a known admin token; and
for the browser tests, a real `greenroom serve` over another copy and a real browser
(Debian's chromium driven by Playwright).

The browser is `/usr/bin/chromium` (`make test` installs it when missing and it may).
Without it the browser tests skip, saying so — except under `CI=true`, where they fail:
CI must run them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from greenroom.config import AuthSettings, Settings
from tests.conftest import BuiltWorld

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ADMIN_TOKEN = "grn_admin_test-admin-token-0123456789"


@pytest.fixture(scope="session")
def web_home(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny messy lake's home: tokens and memory land here, not in the shared one."""
    home = tmp_path_factory.mktemp("web") / "home"
    shutil.copytree(messy_world.settings.home, home)
    return home


def web_settings(home: Path, **auth: object) -> Settings:
    return Settings(
        home=home,
        auth=AuthSettings(admin_token=SecretStr(ADMIN_TOKEN), **auth),  # type: ignore[arg-type]
    )


@pytest.fixture
def client(web_home: Path) -> Iterator[TestClient]:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(web_home))) as c:
        yield c


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}


# ---- the browser tests ----------------------------------------------------------------
CHROMIUM = Path(os.environ.get("GREENROOM_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "bench-out" / "screenshots"
LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Server:
    url: str
    home: Path
    admin_token: str
    analyst_token: str

    def api(self, token: str | None = None) -> httpx.Client:
        """An API client with a bearer token (the admin's by default)."""
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {token or self.admin_token}"},
            timeout=120,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def server(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`greenroom serve` in a subprocess on a free port, over a copy of the tiny messy
    lake's home (the server writes its token store and chat memory there)."""
    from greenroom.governance.tokens import TokenStore

    home = tmp_path_factory.mktemp("web") / "home"
    shutil.copytree(messy_world.settings.home, home)
    admin = "grn_admin_" + os.urandom(12).hex()
    analyst = TokenStore(home).create("ana", "analyst").token
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENROOM_")}
    env |= {
        "GREENROOM_HOME": str(home),
        "GREENROOM_AUTH__ADMIN_TOKEN": admin,
        "PYTHONPATH": str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
    }
    log = (home.parent / "server.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "greenroom", "serve", "--port", str(port)],
        env=env,
        cwd=home.parent,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            if proc.poll() is not None:
                pytest.fail(f"the server exited: {(home.parent / 'server.log').read_text()}")
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        else:
            pytest.fail("the server did not answer /api/health within 30 s")
        yield Server(url, home, admin, analyst)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, headless. Missing: a failure under CI=true, else a skip naming the fix."""
    if not CHROMIUM.is_file():
        message = (
            f"chromium is not installed at `{CHROMIUM}`; `make test` installs it as root "
            "(apt-get install chromium), or set GREENROOM_CHROMIUM to a chromium binary"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Tab:
    """A browser page and the console errors it logged."""

    page: Page
    errors: list[str]
    server: Server

    def goto(self, path: str) -> Any:
        return self.page.goto(self.server.url + path)

    def sign_in(self, token: str | None = None) -> None:
        self.goto("/signin")
        self.page.fill("#token", token or self.server.admin_token)
        self.page.click("form[action='/signin'] button[type=submit]")
        self.page.wait_for_load_state()

    def charts_drawn(self, timeout: float = 20_000) -> int:
        """Wait until every chart block has drawn (or said it has nothing to draw); their
        count."""
        self.page.wait_for_function(
            "() => [...document.querySelectorAll('[data-chart-block]')]"
            ".every(el => el.dataset.rendered)",
            timeout=timeout,
        )
        count: int = self.page.locator("[data-chart-block]").count()
        return count


def _open(browser: Browser, server: Server, viewport: dict[str, int]) -> Iterator[Tab]:
    context = browser.new_context(viewport=viewport, accept_downloads=True)  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(30_000)
    try:
        yield Tab(page, errors, server)
    finally:
        context.close()


@pytest.fixture
def tab(browser: Browser, server: Server) -> Iterator[Tab]:
    """A fresh browser context (no cookies) at laptop width."""
    yield from _open(browser, server, LAPTOP)


@pytest.fixture
def phone_tab(browser: Browser, server: Server) -> Iterator[Tab]:
    """A fresh browser context at phone width."""
    yield from _open(browser, server, PHONE)
