"""Text repair shared by ingestion and the pipeline: mojibake (UTF-8 text that was decoded
as Latin-1/Windows-1252, ``"MotÃ¶rhead" -> "Motörhead"``), undone only where the round
trip is valid. Vectorised over Arrow; the Python step runs over the distinct suspicious
values only (a few per thousand names)."""

from __future__ import annotations

from typing import TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

ArrayLike: TypeAlias = pa.Array | pa.ChunkedArray

# A Latin-1/cp1252 rendering of a UTF-8 lead byte followed by a continuation byte.
_MOJIBAKE = (
    r"[\x{00C2}-\x{00F4}][\x{0080}-\x{00BF}\x{0152}\x{0153}\x{0160}\x{0161}\x{0178}\x{017D}"
    r"\x{017E}\x{0192}\x{02C6}\x{02DC}\x{2013}\x{2014}\x{2018}-\x{201E}\x{2020}-\x{2022}"
    r"\x{2026}\x{2030}\x{2039}\x{203A}\x{20AC}\x{2122}]"
)


def as_strings(values: ArrayLike) -> pa.Array:
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if pa.types.is_large_string(arr.type) or pa.types.is_string_view(arr.type):
        arr = pc.cast(arr, pa.string())
    if not pa.types.is_string(arr.type):
        raise TypeError(f"expected a string array, got `{arr.type}`; cast the column first")
    return arr


def _cp1252_reverse() -> dict[int, int]:
    """Code point → byte for the characters Windows-1252 puts at 0x80–0x9F."""
    out: dict[int, int] = {}
    for byte in range(0x80, 0xA0):
        try:
            out[ord(bytes([byte]).decode("cp1252"))] = byte
        except UnicodeDecodeError:  # the five holes read as Latin-1 control characters
            continue
    return out


_CP1252_REVERSE = _cp1252_reverse()


def _as_read_bytes(text: str) -> bytes | None:
    """The bytes a Windows-1252 (or Latin-1) reader turned into ``text``, if any."""
    out = bytearray()
    for char in text:
        code = ord(char)
        if code < 0x100:
            out.append(code)
        elif code in _CP1252_REVERSE:
            out.append(_CP1252_REVERSE[code])
        else:
            return None
    return bytes(out)


def _repair_one(text: str) -> str:
    """The UTF-8 reading of the bytes behind ``text``, repeated for double damage."""
    for _ in range(3):
        raw = _as_read_bytes(text)
        try:
            fixed = raw.decode("utf-8") if raw is not None else text
        except UnicodeDecodeError:
            return text
        if fixed == text:
            return text
        text = fixed
    return text


def repair_mojibake(values: ArrayLike) -> pa.Array:
    """Undo UTF-8-read-as-Latin-1 (``"MotÃ¶rhead" -> "Motörhead"``) where it is valid.

    Values without the tell-tale byte pairs, or whose bytes are not valid UTF-8, are
    returned unchanged.
    """
    arr = as_strings(values)
    suspicious = pc.fill_null(pc.match_substring_regex(arr, _MOJIBAKE), False)
    if not pc.any(suspicious).as_py():
        return arr
    candidates = pc.unique(pc.filter(arr, suspicious))
    fixed = pa.array([_repair_one(text) for text in candidates.to_pylist()], pa.string())
    repaired = pc.take(fixed, pc.index_in(arr, value_set=candidates))
    return pc.if_else(suspicious, repaired, arr)
