"""Text as numpy byte matrices: fast, vectorised building of ids, numbers and lines.

A column of short ASCII texts is an ``(n, width)`` ``uint8`` matrix; byte 0 is padding
and is dropped when the matrix becomes Arrow strings (:func:`to_strings`) or file bytes
(:func:`to_bytes`). Building a sales line this way is one ``hstack`` of field matrices,
instead of tens of Arrow string kernels per row — what keeps ``sf10`` inside its budget.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

BASE62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
HEX = b"0123456789abcdef"
_ZERO = ord("0")


def literal(n: int, text: str) -> np.ndarray:
    """``text`` repeated on ``n`` rows."""
    row = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    return np.broadcast_to(row, (n, len(row)))


_PAIRS = np.array([[_ZERO + i // 10, _ZERO + i % 10] for i in range(100)], dtype=np.uint8)


def digits(values: np.ndarray, width: int, pad: bool = True) -> np.ndarray:
    """Non-negative integers as ``width`` decimal digits; leading zeros kept if ``pad``."""
    v = np.asarray(values)
    big = v.size > 0 and int(v.max()) >= 2**32
    rest: np.ndarray = v.astype(np.int64 if big else np.uint32)
    hundred: np.ndarray = np.asarray(100, dtype=rest.dtype)
    out = np.empty((len(v), width), dtype=np.uint8)
    col = width
    while col > 0:
        quot = rest // hundred
        pair = np.take(_PAIRS, (rest - quot * hundred).astype(np.intp), axis=0)
        rest = quot
        if col >= 2:
            out[:, col - 2 : col] = pair
            col -= 2
        else:
            out[:, 0] = pair[:, 1]
            col -= 1
    if not pad and width > 1:
        ndig = np.ones(len(v), dtype=np.int8)
        power = 10
        for _ in range(width - 1):
            ndig += v >= power
            power *= 10
        lead = np.arange(width, dtype=np.int8)[None, :] < (width - ndig)[:, None]
        np.putmask(out, lead, 0)
    return out


def amount(cents: np.ndarray, int_width: int = 9) -> np.ndarray:
    """Signed integer cents as ``-45.50`` (exactly two decimals, no leading zeros)."""
    c = np.asarray(cents, dtype=np.int64)
    mag = np.abs(c)
    sign = np.where(c < 0, ord("-"), 0).astype(np.uint8)[:, None]
    dot = literal(len(c), ".")
    return np.hstack([sign, digits(mag // 100, int_width, pad=False), dot, digits(mag % 100, 2)])


def vocab(codes: np.ndarray, words: Sequence[str]) -> np.ndarray:
    """``words[codes]`` as a padded matrix (words must be ASCII or UTF-8 without NUL)."""
    encoded = [w.encode("utf-8") for w in words]
    width = max((len(w) for w in encoded), default=0)
    table = np.zeros((len(encoded), max(width, 1)), dtype=np.uint8)
    for i, w in enumerate(encoded):
        table[i, : len(w)] = np.frombuffer(w, dtype=np.uint8)
    return table[np.asarray(codes, dtype=np.int64)]


def blank(mat: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A copy of ``mat`` with the rows in ``mask`` emptied (all padding)."""
    out = np.array(mat, dtype=np.uint8, copy=True)
    out[np.asarray(mask, dtype=bool)] = 0
    return out


def hstack(parts: Sequence[np.ndarray]) -> np.ndarray:
    return np.hstack([np.asarray(p, dtype=np.uint8) for p in parts])


def tokens(rng: np.random.Generator, n: int, length: int, alphabet: bytes = BASE62) -> np.ndarray:
    table = np.frombuffer(alphabet, dtype=np.uint8)
    return table[rng.integers(0, len(table), size=(n, length), dtype=np.uint8)]


def unique_tokens(
    rng: np.random.Generator, n: int, length: int, alphabet: bytes = BASE62
) -> np.ndarray:
    """Like :func:`tokens`, but every row distinct (duplicates are redrawn)."""
    out = tokens(rng, n, length, alphabet)
    while n:
        _, first = np.unique(out.view(f"S{length}").reshape(n), return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        out[dup] = tokens(rng, int(dup.sum()), length, alphabet)
    return out


def uuid4(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` random version-4 UUIDs (36 characters each)."""
    raw = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    table = np.frombuffer(HEX, dtype=np.uint8)
    nib = np.empty((n, 32), dtype=np.uint8)
    nib[:, 0::2] = table[raw >> 4]
    nib[:, 1::2] = table[raw & 0x0F]
    dash = literal(n, "-")
    return hstack(
        [
            nib[:, :8],
            dash,
            nib[:, 8:12],
            dash,
            nib[:, 12:16],
            dash,
            nib[:, 16:20],
            dash,
            nib[:, 20:],
        ]
    )


def to_strings(mat: np.ndarray) -> pa.StringArray:
    """Rows of ``mat`` as Arrow strings, padding bytes dropped."""
    m = np.ascontiguousarray(mat, dtype=np.uint8)
    n = m.shape[0]
    keep = m != 0
    lengths = keep.sum(axis=1, dtype=np.int64)
    data = m.reshape(-1) if keep.all() else m[keep]
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    arr = pa.Array.from_buffers(
        pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data.tobytes())]
    )
    return pc.cast(arr, pa.string())


def to_bytes(mat: np.ndarray) -> bytes:
    """Rows of ``mat`` concatenated, padding dropped (rows should end in ``\\n``)."""
    m = np.ascontiguousarray(mat, dtype=np.uint8)
    return bytes(m[m != 0].tobytes())


def from_strings(values: pa.Array | Sequence[str]) -> np.ndarray:
    """Arrow/Python strings as a padded matrix (for the few variable-width ids)."""
    arr = pa.array(values, type=pa.string()) if not isinstance(values, pa.Array) else values
    arr = pc.cast(arr, pa.large_string())
    n = len(arr)
    if n == 0:
        return np.zeros((0, 1), dtype=np.uint8)
    arr = arr.fill_null("")
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    lengths = np.diff(offsets)
    width = max(int(lengths.max()), 1)
    out = np.zeros((n, width), dtype=np.uint8)
    col = np.arange(width)
    mask = col[None, :] < lengths[:, None]
    out[mask] = data[offsets[0] : offsets[-1]]
    return out


_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "œ": "oe",
        "Œ": "OE",
        "ð": "d",
        "þ": "th",
    }
)


def fold_ascii(text: str) -> str:
    """``"Motörhead" -> "Motorhead"``: accents dropped, a few letters transliterated."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))
