"""Removing records from the local stream log (right to erasure).

A segment holding a matching record is rewritten without it (temporary file, fsync,
rename) while the stream's writer lock is held, so no producer appends meanwhile. Kept
records keep their sequence numbers and arrival times: consumers' checkpoints stay valid,
and a gap in the numbers is normal (readers take any sequence above their position). A
sealed segment left empty is deleted. When the newest record of a shard is removed, an
empty segment named after it is left as the newest, so the writer never issues a sequence
number a consumer has already passed.

Amazon Kinesis cannot remove a record: there the records age out by the stream's own
retention (24 hours by default), which `docs/governance-erasure.md` says.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path

from greenroom.ingest.stream import _segment
from greenroom.ingest.stream._shard_log import fsync_dir
from greenroom.ingest.stream.exceptions import StreamBusyError

Match = Callable[[bytes], bool]
_EVERYTHING = 1 << 62
_SUFFIX = ".seg"


def local_streams(state_dir: Path) -> list[Path]:
    """The local streams' directories under `<state_dir>/stream`."""
    root = Path(state_dir) / "stream"
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if (p / "stream.json").is_file())


def redact_stream(
    root: Path, match: Match, *, dry_run: bool = False, lock_timeout: float = 10.0
) -> int:
    """Remove every record of the local stream at `root` whose data `match`es; how many
    (with `dry_run`: only count them)."""
    fd = _lock(root, lock_timeout)
    try:
        removed = 0
        for shard in sorted((root / "shards").glob("shardId-*")):
            removed += _redact_shard(shard, match, dry_run)
        return removed
    finally:
        os.close(fd)


def _redact_shard(shard: Path, match: Match, dry_run: bool) -> int:
    segments = sorted(int(p.name[: -len(_SUFFIX)]) for p in shard.glob(f"*{_SUFFIX}"))
    removed = 0
    for i, first in enumerate(segments):
        newest = i == len(segments) - 1
        path = shard / f"{first:020d}{_SUFFIX}"
        with open(path, "rb") as f:
            frames = _segment.scan(f, 0, 0, _EVERYTHING).frames
        kept = [fr for fr in frames if not (match(fr.data) or match(fr.key.encode()))]
        if len(kept) == len(frames):
            continue
        removed += len(frames) - len(kept)
        if dry_run:
            continue
        if not kept and not newest:
            path.unlink()
            fsync_dir(shard)
            continue
        _replace(path, kept)
        if newest and (not kept or kept[-1].sequence < frames[-1].sequence):
            # keep the high-water mark: the writer numbers on from the newest segment
            _replace(shard / f"{frames[-1].sequence + 1:020d}{_SUFFIX}", [])
    return removed


def _replace(path: Path, frames: list[_segment.Frame]) -> None:
    body = b"".join(
        _segment.encode(fr.sequence, fr.arrival_us, [fr.key.encode()], [fr.data]) for fr in frames
    )
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    fsync_dir(path.parent)


def _lock(root: Path, timeout: float) -> int:
    fd = os.open(root / "writer.lock", os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(fd)
                raise StreamBusyError(
                    f"another process is writing to the stream at `{root}`; stop the producer "
                    "(or wait for it to finish) and run the erasure again"
                ) from None
            time.sleep(0.05)
