"""What the CLI calls: open a stream by backend, and report its shards and consumers' lag."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenroom.ingest.stream import (
    Consumer,
    LocalStream,
    open_checkpoints,
    open_stream,
    stream_status,
)
from greenroom.ingest.stream.exceptions import InvalidPositionError, StreamNotFoundError
from greenroom.ingest.stream.producer import produce
from tests.ingest.stream.conftest import sale_events


def test_open_stream_lays_out_the_state_directory(tmp_path: Path) -> None:
    with pytest.raises(StreamNotFoundError):
        open_stream("local", "sales", state_dir=tmp_path, create=False)
    stream = open_stream("local", "sales", state_dir=tmp_path, shards=2)
    assert isinstance(stream, LocalStream) and stream.root == tmp_path / "stream" / "sales"
    assert open_checkpoints("local", "sales", state_dir=tmp_path).dir == stream.root / "checkpoints"
    assert (
        open_checkpoints("kinesis", "sales", state_dir=tmp_path).dir
        == tmp_path / "stream-checkpoints" / "kinesis" / "sales"
    )
    stream.close()


def test_status_reports_shards_and_each_consumers_lag(tmp_path: Path) -> None:
    stream = open_stream("local", "sales", state_dir=tmp_path, shards=2)
    checkpoints = open_checkpoints("local", "sales", state_dir=tmp_path)
    produce(stream, sale_events(40, concerts=5))
    Consumer(stream, checkpoints, "bronze", lambda _: None, 10).run(max_batches=3)
    Consumer(stream, checkpoints, "audit", lambda _: None).run(until_idle=True)
    status = stream_status(stream, checkpoints)
    assert status.retained == 40 and status.backend == "local"
    assert status.behind("bronze") == 10 and status.behind("audit") == 0
    doc = json.loads(json.dumps(status.to_dict()))
    assert doc["name"] == "sales" and doc["retained"] == 40
    assert {name: c["behind"] for name, c in doc["consumers"].items()} == {"audit": 0, "bronze": 10}
    assert sum(s["retained"] for s in doc["shards"]) == 40
    stream.close()


def test_a_bad_position_is_a_user_error(tmp_path: Path) -> None:
    stream = open_stream("local", "sales", state_dir=tmp_path, shards=1)
    with pytest.raises(InvalidPositionError, match="`abc` is not a sequence number"):
        stream.read(stream.shards()[0], "abc", 1)
    stream.close()
