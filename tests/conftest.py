"""Shared fixtures. Every test runs isolated from the developer's own greenroom config."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from greenroom.config import Settings, get_settings, reset_settings
from greenroom.lake import Lakehouse


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No GREENROOM_* from the environment, a fresh home per test, no greenroom.toml."""
    for key in list(os.environ):
        if key.startswith("GREENROOM_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GREENROOM_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def lake_settings() -> Settings:
    """The isolated settings of this test (home on tmp_path)."""
    return get_settings()


@pytest.fixture
def lake(lake_settings: Settings) -> Lakehouse:
    """A created, empty lakehouse on tmp_path (namespaces bronze … ops exist)."""
    return Lakehouse.open(lake_settings, create=True)


@dataclass(frozen=True)
class BuiltWorld:
    """A tiny world generated, ingested and built once per test session."""

    settings: Settings
    world: Path


def _build_world(root: Path, *, clean: bool) -> BuiltWorld:
    from greenroom import synth
    from greenroom.demo import ingest_world
    from greenroom.pipeline import run_pipeline

    settings = Settings(home=root / "home")
    world = root / "world"
    manifest = synth.generate(world, scale="tiny", seed=11, today=settings.today, clean=clean)
    lake = Lakehouse.open(settings, create=True)
    ingest_world(lake, settings, world, manifest, lambda _s: None)
    run = run_pipeline(lake, settings)
    assert run.ok, run.message
    return BuiltWorld(settings, world)


@pytest.fixture(scope="session")
def clean_world(tmp_path_factory: pytest.TempPathFactory) -> BuiltWorld:
    """A tiny world with no defects, through bronze, silver and gold."""
    return _build_world(tmp_path_factory.mktemp("clean"), clean=True)


@pytest.fixture(scope="session")
def messy_world(tmp_path_factory: pytest.TempPathFactory) -> BuiltWorld:
    """A tiny world with the default defect rates, through bronze, silver and gold."""
    return _build_world(tmp_path_factory.mktemp("messy"), clean=False)


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> BuiltWorld:
    """The demo-scale world through the whole pipeline, once per test session (~1 min)."""
    from greenroom.demo import run_demo

    root = tmp_path_factory.mktemp("demo-scale")
    settings = Settings(home=root / "home")
    lake = Lakehouse.open(settings, create=True)
    result = run_demo(lake, settings, "demo", seed=7)
    assert result.pipeline.ok, result.pipeline.message
    return BuiltWorld(settings, result.world)


@contextmanager
def audit_unwritable(home: Path) -> Iterator[None]:
    """The home's audit log cannot be written while inside: its folder is read-only, or —
    for root, who writes through file modes — the log's path is a folder."""
    folder = home / "audit"
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "audit.log"
    if os.geteuid() != 0:
        folder.chmod(0o500)
        if log.exists():
            log.chmod(0o400)
        try:
            yield
        finally:
            folder.chmod(0o700)
            if log.exists():
                log.chmod(0o600)
        return
    aside = folder / "audit.log.aside"
    if log.exists():
        log.rename(aside)
    log.mkdir()
    try:
        yield
    finally:
        log.rmdir()
        if aside.exists():
            aside.rename(log)
