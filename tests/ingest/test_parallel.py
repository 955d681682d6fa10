"""`greenroom ingest file` processes started at once on a fresh home all succeed, and load
what one process loading the same files in turn loads."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from greenroom import synth
from greenroom.config import Settings
from greenroom.demo import ingest_world
from greenroom.ingest.feeds import ingest_order
from greenroom.lake import Lakehouse
from greenroom.quality.contract import load_contract

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def referenced_feeds(feeds: list[str]) -> set[str]:
    """Feeds whose ids other feeds' contracts check: loaded first, as a real run would."""
    return {
        p.references.partition(".")[0]
        for name in feeds
        for p in load_contract(name).table.properties
        if p.references
    }


def row_counts(settings: Settings) -> dict[str, int]:
    lake = Lakehouse.open(settings)
    return {
        t.name: t.rows for t in lake.list_tables() if t.name.startswith(("bronze.", "quarantine."))
    }


def ingest(settings: Settings, path: Path, feed: str) -> subprocess.Popen[str]:
    env = {**os.environ, "GREENROOM_HOME": str(settings.home), "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-m", "greenroom", "ingest", "file", str(path), "--source", feed],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_parallel_ingest_matches_a_serial_one(tmp_path: Path, lake_settings: Settings) -> None:
    world = tmp_path / "world"
    manifest = synth.generate(world, scale="tiny", seed=5, today=lake_settings.today)
    sources = world / "sources"

    serial = Settings(home=tmp_path / "serial", today=lake_settings.today)
    ingest_world(Lakehouse.open(serial, create=True), serial, world, manifest, lambda _s: None)

    parallel = Settings(home=tmp_path / "parallel", today=lake_settings.today)
    first = referenced_feeds(list(manifest.files))
    for feed in ingest_order([f for f in manifest.files if f in first]):
        for rel in manifest.files[feed]:
            done = ingest(parallel, sources / rel, feed)
            _, err = done.communicate(timeout=120)
            assert done.returncode == 0, err
    rest = [
        (feed, rel) for feed, files in manifest.files.items() if feed not in first for rel in files
    ]
    assert len(rest) >= 8
    procs = [(rel, ingest(parallel, sources / rel, feed)) for feed, rel in rest]
    failed = {}
    for rel, proc in procs:
        _, err = proc.communicate(timeout=180)
        if proc.returncode != 0:
            failed[rel] = err.strip().splitlines()[-1:]
    assert failed == {}

    expected = row_counts(serial)
    assert any(name.startswith("quarantine.") for name in expected)
    assert row_counts(parallel) == expected
