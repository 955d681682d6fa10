"""File checkpoints: merged, monotonic, atomic on disk, and one live consumer per name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from greenroom.ingest.stream import FileCheckpointStore
from greenroom.ingest.stream.exceptions import StreamBusyError, StreamConfigError


def test_positions_merge_per_shard_and_never_move_back(tmp_path: Path) -> None:
    store = FileCheckpointStore(tmp_path / "cp")
    assert store.get_all("lambda") == {} and store.get("lambda", "s0") is None
    store.put_many("lambda", {"s0": "5", "s1": "9"})
    store.put("lambda", "s0", "12")
    store.put_many("lambda", {"s1": "3", "s2": "1"})  # s1 going back is ignored
    assert store.get_all("lambda") == {"s0": "12", "s1": "9", "s2": "1"}
    store.put("lambda", "s0", "100")  # compared as numbers, not strings ("100" < "12")
    assert store.get("lambda", "s0") == "100"
    store.put("other", "s0", "1")
    assert store.consumers() == ["lambda", "other"]
    assert store.delete("other") and not store.delete("other")
    assert store.consumers() == ["lambda"]


def test_the_file_is_replaced_whole_and_leaves_no_temporaries(tmp_path: Path) -> None:
    store = FileCheckpointStore(tmp_path / "cp")
    for i in range(1, 6):
        store.put("lambda", "s0", str(i))
    doc = json.loads((tmp_path / "cp" / "lambda.json").read_text())
    assert doc["consumer"] == "lambda" and doc["shards"] == {"s0": "5"}
    assert not list((tmp_path / "cp").glob("*.tmp"))


def test_a_consumer_name_is_leased_to_one_runner(tmp_path: Path) -> None:
    store = FileCheckpointStore(tmp_path / "cp")
    other_process = FileCheckpointStore(tmp_path / "cp")  # its own file descriptors
    with store.lease("lambda"):
        with pytest.raises(StreamBusyError, match="already running"), other_process.lease("lambda"):
            pass
        with other_process.lease("another"):
            pass
    with other_process.lease("lambda"):
        pass


def test_consumer_names_are_checked(tmp_path: Path) -> None:
    with pytest.raises(StreamConfigError, match=r"consumer name `\.\./x` is invalid"):
        FileCheckpointStore(tmp_path).put("../x", "s0", "1")
