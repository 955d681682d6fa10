"""Record framing of the local stream's segment files.

A segment is a sequence of frames, each `length:u32 crc:u32 body`, little-endian, where
`body = sequence:u64 arrival_us:i64 key_len:u16 key data` and `crc = crc32(body)`.
Scanning stops at the first frame that is incomplete (a torn tail: a write cut short by
a crash, or one still in progress) or fails its checks; the caller decides whether that
is the end of the log or corruption.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import BinaryIO, Literal

_HEAD = struct.Struct("<II")
_BODY = struct.Struct("<QqH")
HEAD_SIZE = _HEAD.size
BODY_HEAD_SIZE = _BODY.size
MAX_BODY = 2 * 1024 * 1024 + BODY_HEAD_SIZE
_CHUNK = 1 << 20

Stop = Literal["limit", "end", "torn", "corrupt"]
"""Why a scan stopped: enough frames, clean end of file, incomplete frame, bad frame."""


@dataclass(frozen=True, slots=True)
class Frame:
    sequence: int
    arrival_us: int
    key: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Scan:
    frames: list[Frame]
    end: int
    """File offset just past the last good frame scanned."""
    stop: Stop
    last_sequence: int | None
    """Sequence of the last good frame scanned, returned or skipped."""
    problem: str = ""


def encode(
    first_sequence: int, arrival_us: int, keys: Sequence[bytes], datas: Sequence[bytes]
) -> bytes:
    """Frames for consecutive sequence numbers from `first_sequence`, as one buffer."""
    parts: list[bytes] = []
    pack_head, pack_body, crc32 = _HEAD.pack, _BODY.pack, zlib.crc32
    seq = first_sequence
    for key, data in zip(keys, datas, strict=True):
        body = b"".join((pack_body(seq, arrival_us, len(key)), key, data))
        parts.append(pack_head(len(body), crc32(body)))
        parts.append(body)
        seq += 1
    return b"".join(parts)


def scan(f: BinaryIO, offset: int, after: int, limit: int, decode: bool = True) -> Scan:
    """Frames of `f` from byte `offset` with a sequence above `after`, at most `limit`.

    With `decode=False` frames are only checked (for recovery and tail lookups).
    """
    f.seek(offset)
    frames: list[Frame] = []
    pending = b""
    base = offset
    last: int | None = None
    while True:
        chunk = f.read(_CHUNK)
        if not chunk:
            return Scan(frames, base, "torn" if pending else "end", last, "incomplete frame")
        buf = pending + chunk if pending else chunk
        pos, stop, problem, last = _parse(buf, after, limit, decode, frames, last)
        base += pos
        pending = buf[pos:]
        if stop is not None:
            return Scan(frames, base, stop, last, problem)


def _parse(
    buf: bytes, after: int, limit: int, decode: bool, out: list[Frame], last: int | None
) -> tuple[int, Stop | None, str, int | None]:
    """Parse whole frames of `buf` into `out`; returns (bytes consumed, stop or None, problem)."""
    n = len(buf)
    pos = 0
    unpack_head, unpack_body, crc32 = _HEAD.unpack_from, _BODY.unpack_from, zlib.crc32
    while pos + HEAD_SIZE <= n:
        if len(out) >= limit:
            return pos, "limit", "", last
        length, crc = unpack_head(buf, pos)
        if length < BODY_HEAD_SIZE or length > MAX_BODY:
            return pos, "corrupt", f"frame length {length} out of range", last
        end = pos + HEAD_SIZE + length
        if end > n:
            return pos, None, "", last
        start = pos + HEAD_SIZE
        seq, arrival_us, key_len = unpack_body(buf, start)
        if seq > after or not decode:
            if crc32(memoryview(buf)[start:end]) != crc:
                return pos, "corrupt", "CRC mismatch", last
            if decode:
                key_end = start + BODY_HEAD_SIZE + key_len
                key = buf[start + BODY_HEAD_SIZE : key_end].decode()
                out.append(Frame(seq, arrival_us, key, buf[key_end:end]))
        last = seq
        pos = end
    if len(out) >= limit:
        return pos, "limit", "", last
    return pos, None, "", last
