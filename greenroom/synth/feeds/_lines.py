"""Line-oriented feeds (CSV, NDJSON) built as byte matrices, chunk by chunk.

A :class:`Column` renders one field of a chunk of records as a matrix; rows can be
overridden (a defect's replacement text) or blanked (a missing field). A line is the
``hstack`` of its columns, so a million lines cost a few dozen numpy operations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from greenroom.synth import chars

Render = Callable[[np.ndarray], np.ndarray]


class Column:
    def __init__(self, n: int, render: Render) -> None:
        self._render = render
        self._pos = np.full(n, -1, dtype=np.int64)
        self._parts: list[np.ndarray] = []
        self._count = 0
        self._table: np.ndarray | None = None

    def override(self, rows: np.ndarray, texts: np.ndarray) -> None:
        """Rows (distinct) render as ``texts`` (a matrix, one row per entry of ``rows``)."""
        if len(rows) == 0:
            return
        self._pos[rows] = self._count + np.arange(len(rows))
        self._parts.append(np.asarray(texts, dtype=np.uint8))
        self._count += len(rows)
        self._table = None

    def blank(self, rows: np.ndarray) -> None:
        self.override(rows, np.zeros((len(rows), 1), dtype=np.uint8))

    def chunk(self, idx: np.ndarray) -> np.ndarray:
        base = self._render(idx)
        pos = self._pos[idx]
        hit = pos >= 0
        if not hit.any():
            return base
        if self._table is None:
            width = max(p.shape[1] for p in self._parts)
            self._table = np.zeros((self._count, width), dtype=np.uint8)
            start = 0
            for part in self._parts:
                self._table[start : start + len(part), : part.shape[1]] = part
                start += len(part)
        over = self._table[pos[hit]]
        out = np.zeros((len(idx), max(base.shape[1], over.shape[1])), dtype=np.uint8)
        out[:, : base.shape[1]] = base
        out[hit] = 0
        out[hit, : over.shape[1]] = over
        return out


def csv_lines(columns: Sequence[Column], idx: np.ndarray) -> bytes:
    """CSV lines (no quoting needed: values never hold commas, quotes or newlines)."""
    n = len(idx)
    parts: list[np.ndarray] = []
    for i, col in enumerate(columns):
        if i:
            parts.append(chars.literal(n, ","))
        parts.append(col.chunk(idx))
    parts.append(chars.literal(n, "\n"))
    return chars.to_bytes(chars.hstack(parts))


def json_lines(columns: Sequence[Column], idx: np.ndarray) -> bytes:
    """NDJSON lines; each column renders its whole ``, "key": value`` fragment."""
    n = len(idx)
    parts = [chars.literal(n, "{"), *(c.chunk(idx) for c in columns), chars.literal(n, "}\n")]
    return chars.to_bytes(chars.hstack(parts))


def fragment(
    key: str, first: bool = False, quoted: bool = True
) -> Callable[[np.ndarray], np.ndarray]:
    """Wrap a value matrix as a JSON ``"key": value`` fragment."""
    lead = "" if first else ", "

    def wrap(value: np.ndarray) -> np.ndarray:
        n = len(value)
        if quoted:
            return chars.hstack(
                [chars.literal(n, f'{lead}"{key}": "'), value, chars.literal(n, '"')]
            )
        return chars.hstack([chars.literal(n, f'{lead}"{key}": '), value])

    return wrap


def take_rows(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return np.take(table, rows, axis=0)
