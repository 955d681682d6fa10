"""SIGKILL the consumer again and again while sales stream in: the sink ends exactly once.

A consumer process (`_consumer_proc.py`) reads the local stream into a SQLite sink keyed
by sale id and is killed at random moments (at least 20 times, while it still has work),
plus at the two exact points that matter: after the sink commit but before the checkpoint,
and halfway through writing the checkpoint. Meanwhile this process keeps producing,
including replayed events. At the end every produced sale id is in the sink exactly once.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from greenroom.ingest.stream import FileCheckpointStore, LocalStream
from greenroom.ingest.stream.producer import produce
from greenroom.ingest.stream.sink import SqliteSaleSink
from tests.ingest.stream.conftest import sale_events

REPO = Path(__file__).resolve().parents[3]
KILLS = 20
BATCH = 25


def start(
    stream_dir: Path, sink: Path, crash: str = "", batch: int = BATCH
) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.ingest.stream._consumer_proc",
            str(stream_dir),
            str(sink),
            str(batch),
            *([crash] if crash else []),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        _, err = proc.communicate(timeout=30)
        pytest.fail(f"consumer process did not start: {line!r} {err}")
    return proc


@pytest.mark.integration
def test_consumer_killed_at_random_moments_commits_every_sale_exactly_once(tmp_path: Path) -> None:
    events = sale_events(24_000, replays=1_200, concerts=40, seed=3)
    events = events.take(random.Random(5).sample(range(events.num_rows), events.num_rows))
    chunks = [events.slice(i, 600) for i in range(0, events.num_rows, 600)]
    stream_dir, sink_db = tmp_path / "stream", tmp_path / "sink.db"
    stream = LocalStream(stream_dir, shards=3)
    produce(stream, chunks.pop(0), batch_size=100)
    rng = random.Random(20260630)
    kills = finished = 0
    progress: list[int] = []
    while kills < KILLS:
        proc = start(stream_dir, sink_db)
        time.sleep(rng.uniform(0.0, 0.06))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        else:
            finished += 1  # caught up before the kill: give it more work
        _, err = proc.communicate(timeout=30)
        assert proc.returncode in (0, -signal.SIGKILL), err
        progress.append(_count(sink_db))
        assert chunks, f"ran out of events after {kills} kills; produce more per round"
        produce(stream, chunks.pop(0), batch_size=100)
    assert kills >= KILLS
    assert progress == sorted(progress) and progress[-1] > 0  # committed sales are never lost

    # the two exact windows: committed but not checkpointed; checkpoint written, not in place
    for crash in ("after-commit:3", "before-replace:2"):
        proc = start(stream_dir, sink_db, crash)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
    assert list((stream_dir / "checkpoints").glob("*.tmp"))  # the torn checkpoint write

    for chunk in chunks:
        produce(stream, chunk, batch_size=100)
    proc = start(stream_dir, sink_db, batch=500)  # the rest, in bigger batches
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err

    sink = SqliteSaleSink(sink_db)
    produced = set(events.column("sale_id").to_pylist())
    assert len(produced) == 24_000
    assert sink.count() == len(produced)  # none twice (the key) ...
    assert set(sink.sale_ids()) == produced  # ... and none missing
    totals = sink.totals()
    assert totals.inserted == len(produced) and totals.rejected == 0
    # replays in the stream are 1,200; the rest of the duplicates are crash redeliveries
    assert totals.duplicates > 1_200
    assert totals.received == events.num_rows + (totals.duplicates - 1_200)
    sink.close()
    positions = FileCheckpointStore(stream_dir / "checkpoints").get_all("bronze")
    assert positions == {s: stream.backlog(s, None).last_sequence for s in stream.shards()}
    assert not list((stream_dir / "checkpoints").glob("*.tmp"))  # cleaned by the next lease
    stream.close()


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    sink = SqliteSaleSink(db)
    try:
        return sink.count()
    finally:
        sink.close()
