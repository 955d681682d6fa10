"""The local stream's own promises: durable across reopen, torn tails, corruption, retention, locks."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from greenroom.ingest.stream import LocalStream, Retention, StreamRecord
from greenroom.ingest.stream.exceptions import (
    StreamBusyError,
    StreamConfigError,
    StreamCorruptError,
    StreamNotFoundError,
)

SHARD = "shardId-000000000000"


def put(stream: LocalStream, *datas: bytes) -> list[str]:
    result = stream.put_records(list(datas), ["k"] * len(datas))
    return [s or "" for s in result.sequence_numbers]


def read_all(stream: LocalStream, after: str | None = None) -> list[StreamRecord]:
    return stream.read(SHARD, after, 1_000_000)


def segments(root: Path) -> list[Path]:
    return sorted((root / "shards" / SHARD).glob("*.seg"))


def test_records_survive_reopen_and_sequence_numbers_continue(tmp_path: Path) -> None:
    with LocalStream(tmp_path / "s", shards=1) as stream:
        assert put(stream, b"a", b"b") == ["00000000000000000001", "00000000000000000002"]
    with LocalStream(tmp_path / "s") as again:  # shard count read back from stream.json
        assert again.shard_count == 1
        assert [r.data for r in read_all(again)] == [b"a", b"b"]
        assert put(again, b"c") == ["00000000000000000003"]
        assert [r.data for r in read_all(again)] == [b"a", b"b", b"c"]


def test_a_reader_sees_what_a_writer_appends_later(tmp_path: Path) -> None:
    writer = LocalStream(tmp_path / "s", shards=1)
    reader = LocalStream(tmp_path / "s")
    put(writer, b"a")
    first = reader.read(SHARD, None, 10)
    assert [r.data for r in first] == [b"a"]
    assert reader.read(SHARD, first[-1].sequence_number, 10) == []
    put(writer, b"b", b"c")
    assert [r.data for r in reader.read(SHARD, first[-1].sequence_number, 10)] == [b"b", b"c"]
    writer.close()


@pytest.mark.parametrize("torn", [b"\x07\x00", b"\x40\x00\x00\x00\x11\x22\x33\x44" + b"x" * 20])
def test_a_torn_tail_is_ignored_by_readers_and_truncated_by_the_next_writer(
    tmp_path: Path, torn: bytes
) -> None:
    with LocalStream(tmp_path / "s", shards=1) as stream:
        put(stream, b"a", b"b")
    seg = segments(tmp_path / "s")[-1]
    good_size = seg.stat().st_size
    with open(seg, "ab") as f:  # a crash in the middle of a write
        f.write(torn)
    with LocalStream(tmp_path / "s") as reader:
        assert [r.data for r in read_all(reader)] == [b"a", b"b"]
    with LocalStream(tmp_path / "s") as writer:
        assert put(writer, b"c") == ["00000000000000000003"]
    assert seg.stat().st_size > good_size
    with LocalStream(tmp_path / "s") as reader:
        assert [r.data for r in read_all(reader)] == [b"a", b"b", b"c"]


def test_a_failed_write_leaves_no_partial_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = LocalStream(tmp_path / "s", shards=1)
    put(stream, b"a")
    real_write = os.write

    def disk_full(fd: int, data: bytes | memoryview) -> int:
        real_write(fd, bytes(data[:5]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError, match="No space"):
        put(stream, b"bbbbbbbbbbbb")
    monkeypatch.setattr(os, "write", real_write)
    assert put(stream, b"c") == ["00000000000000000002"]
    assert [r.data for r in read_all(stream)] == [b"a", b"c"]
    stream.close()


def test_corruption_in_a_sealed_segment_is_an_error(tmp_path: Path) -> None:
    with LocalStream(tmp_path / "s", shards=1, segment_bytes=100) as stream:
        for i in range(4):
            put(stream, f"record-{i}".encode() * 5)
    first = segments(tmp_path / "s")[0]
    raw = bytearray(first.read_bytes())
    raw[40] ^= 0xFF
    first.write_bytes(bytes(raw))
    with LocalStream(tmp_path / "s") as reader, pytest.raises(StreamCorruptError, match="CRC"):
        read_all(reader)


def test_retention_by_age_drops_whole_old_segments(tmp_path: Path) -> None:
    t0, minute = 1_000_000.0, 60.0
    now = [t0]
    stream = LocalStream(
        tmp_path / "s",
        shards=1,
        segment_bytes=1,  # every put starts a new segment
        retention=Retention(max_age=dt.timedelta(hours=1)),
        clock=lambda: now[0],
    )
    for m in (0, 15, 30, 45, 60):
        now[0] = t0 + m * minute
        put(stream, f"m{m}".encode())
    assert len(segments(tmp_path / "s")) == 5  # nothing is an hour old yet
    early_reader = LocalStream(tmp_path / "s")
    early = early_reader.read(SHARD, None, 1)
    assert [r.data for r in early] == [b"m0"]
    # at minute 91, m0 and m15 are past the hour and so is m30, but a segment goes only when
    # its newest record surely is: that is known from the next segment's first arrival
    assert stream.enforce_retention(now=t0 + 91 * minute) == 2
    kept = read_all(stream)
    assert [r.data for r in kept] == [b"m30", b"m45", b"m60"]
    assert kept[0].arrival == dt.datetime.fromtimestamp(t0 + 30 * minute, dt.UTC)
    # a reader positioned in a dropped segment, or a checkpoint behind the trim, resumes at
    # the oldest retained record
    assert [r.data for r in early_reader.read(SHARD, early[0].sequence_number, 10)] == [
        b"m30",
        b"m45",
        b"m60",
    ]
    assert [r.data for r in stream.read(SHARD, "00000000000000000001", 10)] == [
        b"m30",
        b"m45",
        b"m60",
    ]
    backlog = stream.backlog(SHARD, None)
    assert (backlog.records, backlog.last_sequence) == (3, "00000000000000000005")
    # puts enforce retention on their own; the newest segment is never dropped, however old
    now[0] = t0 + 600 * minute
    put(stream, b"m600")
    assert [r.data for r in read_all(stream)] == [b"m60", b"m600"]
    assert stream.enforce_retention(now=t0 + 6000 * minute) == 1
    assert [r.data for r in read_all(stream)] == [b"m600"]
    assert len(segments(tmp_path / "s")) == 1
    stream.close()


def test_retention_by_size_drops_the_oldest_segments(tmp_path: Path) -> None:
    stream = LocalStream(
        tmp_path / "s",
        shards=1,
        segment_bytes=1,
        retention=Retention(max_age=None, max_bytes=250),
    )
    for i in range(6):
        put(stream, bytes([65 + i]) * 73)  # 100-byte frames with the 27 bytes of framing
    assert stream.enforce_retention() == 4
    assert [r.data[:1] for r in read_all(stream)] == [b"E", b"F"]
    assert sum(p.stat().st_size for p in segments(tmp_path / "s")) == 200
    stream.close()


def test_only_one_process_writes_at_a_time(tmp_path: Path) -> None:
    first = LocalStream(tmp_path / "s", shards=1)
    put(first, b"a")
    second = LocalStream(tmp_path / "s", lock_timeout=0)
    with pytest.raises(StreamBusyError, match="one producer at a time"):
        put(second, b"b")
    assert [r.data for r in read_all(second)] == [b"a"]  # reading needs no lock
    first.close()
    assert put(second, b"b") == ["00000000000000000002"]
    second.close()


def test_opening_with_wrong_settings_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StreamNotFoundError, match="`greenroom stream produce`"):
        LocalStream(tmp_path / "missing", create=False)
    LocalStream(tmp_path / "s", shards=2).close()
    with pytest.raises(StreamConfigError, match="has 2 shards, not 3"):
        LocalStream(tmp_path / "s", shards=3)
    with pytest.raises(StreamConfigError, match="name `bad name!` is invalid"):
        LocalStream(tmp_path / "x", "bad name!")
    with pytest.raises(StreamConfigError, match="must be 1-1024"):
        LocalStream(tmp_path / "y", shards=0)
