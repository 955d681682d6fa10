"""One shard of the local stream: a directory of append-only segment files.

Segments are named by the first sequence number they hold (`00000000000000000001.seg`)
and only the newest one is appended to. Readers need no lock: they read frames up to the
first incomplete one. The writer (one at a time, under the stream's writer lock) repairs a
torn tail left by a crash when it opens the shard, appends whole batches with one write,
and drops old sealed segments for retention.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import os
from collections.abc import Sequence
from pathlib import Path

from greenroom.ingest.stream import _segment
from greenroom.ingest.stream.exceptions import StreamCorruptError

log = logging.getLogger(__name__)
_SUFFIX = ".seg"
_EVERYTHING = 1 << 62


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class ShardLog:
    def __init__(self, directory: Path, shard_id: str, segment_bytes: int) -> None:
        self.dir = directory
        self.shard_id = shard_id
        self.segment_bytes = segment_bytes
        self._cursor: tuple[int, int, int] | None = None  # (after, segment, offset)
        self._tail: tuple[int, int, int | None] | None = None  # (segment, offset, last seq)
        self._fd: int | None = None
        self._active = 0
        self._size = 0
        self._next = 1

    def segments(self) -> list[int]:
        try:
            names = os.listdir(self.dir)
        except FileNotFoundError:
            return []
        return sorted(
            int(n[: -len(_SUFFIX)]) for n in names if n.endswith(_SUFFIX) and n[:-4].isdigit()
        )

    def path(self, first: int) -> Path:
        return self.dir / f"{first:020d}{_SUFFIX}"

    # -- writer ------------------------------------------------------------------------
    def open_for_append(self) -> int:
        """Take over the newest segment, truncating a torn tail; returns bytes cut off."""
        self.dir.mkdir(parents=True, exist_ok=True)
        segs = self.segments()
        if not segs:
            self._create(1)
            self._next = 1
            return 0
        self._active = segs[-1]
        path = self.path(self._active)
        with open(path, "rb") as f:
            found = _segment.scan(f, 0, 0, _EVERYTHING, decode=False)
            size = f.seek(0, os.SEEK_END)
        cut = size - found.end
        if cut:
            log.warning(
                "stream shard %s: truncating %d bytes of torn tail at %s:%d (%s)",
                self.shard_id,
                cut,
                path,
                found.end,
                found.problem,
            )
            with open(path, "r+b") as f:
                f.truncate(found.end)
                os.fsync(f.fileno())
        self._next = self._active if found.last_sequence is None else found.last_sequence + 1
        self._size = found.end
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        return cut

    def append(self, keys: Sequence[bytes], datas: Sequence[bytes], arrival_us: int) -> int:
        """Append records with consecutive sequence numbers; returns the first one."""
        assert self._fd is not None, "open_for_append first"
        if self._size >= self.segment_bytes:
            self._roll()
        first = self._next
        buf = _segment.encode(first, arrival_us, keys, datas)
        try:
            view = memoryview(buf)
            while view:
                view = view[os.write(self._fd, view) :]
        except BaseException:
            os.ftruncate(self._fd, self._size)  # leave no half-written batch behind
            raise
        self._size += len(buf)
        self._next = first + len(datas)
        return first

    def sync(self) -> None:
        if self._fd is not None:
            os.fdatasync(self._fd)  # data and the file size; the name was synced at creation

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def drop_old(self, max_age_us: int | None, max_bytes: int | None, now_us: int) -> int:
        """Delete whole sealed segments past retention (never the newest); returns how many."""
        segs = self.segments()
        doomed: list[int] = []
        if max_age_us is not None:
            for first, following in itertools.pairwise(segs):
                newest = self._first_arrival(following)  # every record of `first` is older
                if newest is None or newest >= now_us - max_age_us:
                    break
                doomed.append(first)
        if max_bytes is not None:
            sizes = {s: self.path(s).stat().st_size for s in segs}
            total = sum(sizes[s] for s in segs if s not in doomed)
            for first in segs[len(doomed) : -1]:
                if total <= max_bytes:
                    break
                doomed.append(first)
                total -= sizes[first]
        for first in doomed:
            self.path(first).unlink(missing_ok=True)
        if doomed:
            fsync_dir(self.dir)
        return len(doomed)

    def _create(self, first: int) -> None:
        self._fd = os.open(
            self.path(first), os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644
        )
        fsync_dir(self.dir)
        self._active, self._size = first, 0

    def _roll(self) -> None:
        assert self._fd is not None
        os.fsync(self._fd)
        os.close(self._fd)
        self._fd = None
        self._create(self._next)

    def _first_arrival(self, first: int) -> int | None:
        try:
            with open(self.path(first), "rb") as f:
                found = _segment.scan(f, 0, 0, 1)
        except FileNotFoundError:
            return None
        return found.frames[0].arrival_us if found.frames else None

    # -- readers -----------------------------------------------------------------------
    def read(self, after: int, limit: int) -> list[_segment.Frame]:
        """Up to `limit` frames with a sequence above `after` (0: from the oldest retained)."""
        if self._cursor is not None and self._cursor[0] == after:
            seg, offset = self._cursor[1], self._cursor[2]
        else:
            segs = self.segments()
            if not segs:
                return []
            seg, offset = segs[max(0, bisect.bisect_right(segs, after + 1) - 1)], 0
        out: list[_segment.Frame] = []
        rescanned = False
        while len(out) < limit:
            try:
                with open(self.path(seg), "rb") as f:
                    found = _segment.scan(f, offset, after, limit - len(out))
            except FileNotFoundError:  # dropped by retention meanwhile: go to the oldest kept
                segs = self.segments()
                if not segs or seg >= segs[0]:
                    break
                seg, offset = segs[0], 0
                continue
            out.extend(found.frames)
            offset = found.end
            if found.frames:
                after = found.frames[-1].sequence
            if found.stop == "limit":
                break
            later = [s for s in self.segments() if s > seg]
            if found.stop != "end":
                if not later:
                    break  # the newest segment: a write in progress or an unrepaired crash
                if not rescanned:  # the writer may have finished and rolled since we looked
                    rescanned = True
                    continue
                raise StreamCorruptError(str(self.path(seg)), found.end, found.problem)
            if not later:
                break
            seg, offset, rescanned = later[0], 0, False
        self._cursor = (after, seg, offset)
        return out

    def bounds(self) -> tuple[int | None, int | None]:
        """The first and last sequence numbers retained (None, None when empty).

        Sequence numbers are contiguous and a segment is named by its first one, so only
        the newest segment is scanned, and only past where the previous call stopped.
        """
        segs = self.segments()
        if not segs:
            return None, None
        newest = segs[-1]
        offset, last = 0, None
        if self._tail is not None and self._tail[0] == newest:
            offset, last = self._tail[1], self._tail[2]
        try:
            with open(self.path(newest), "rb") as f:
                found = _segment.scan(f, offset, 0, _EVERYTHING, decode=False)
        except FileNotFoundError:
            return None, None
        if found.last_sequence is not None:
            last = found.last_sequence
        self._tail = (newest, found.end, last)
        if last is None:
            last = newest - 1  # the newest segment is still empty
        if last < segs[0]:
            return None, None
        return segs[0], last
