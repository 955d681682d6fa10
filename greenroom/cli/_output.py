"""Printing results: a rich table for people, `{"columns", "rows"}` JSON for scripts."""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import typer

from greenroom.lake.jsonable import jsonable

if TYPE_CHECKING:
    import pyarrow as pa
    from rich.console import Console
    from rich.table import Table

NAME_WIDTH = 40
"""The first column (a table or job name) never wraps if no value is wider than this."""
ID_WIDTH = 10
"""Ids longer than this are shortened in a human table that would not fit the terminal
(start and end kept: run ids of one day share their first 12 characters)."""


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(jsonable(payload), indent=None, ensure_ascii=False))


def print_table(
    table: pa.Table,
    *,
    title: str | None = None,
    max_rows: int = 50,
    optional: Sequence[str] = (),
) -> None:
    """`table` for people: see `print_rows`; at most `max_rows` rows."""
    shown = table.slice(0, max_rows)
    # by column, not `to_pylist()`: two columns may share a name (`a.name, v.name`)
    rows = [list(row) for row in zip(*(c.to_pylist() for c in shown.columns), strict=True)]
    console = _print(table.column_names, rows, title, optional)
    if table.num_rows > max_rows:
        console.print(f"… {table.num_rows - max_rows:,} more rows (use --json for all)")


def print_rows(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str | None = None,
    optional: Sequence[str] = (),
) -> None:
    """A rich table that fits the terminal.

    The first column (the row's name) never wraps; times show to the second; long ids are
    shortened, and the `optional` columns hidden in turn, only when the table would not
    fit otherwise. `--json` output keeps every column and full values.
    """
    _print(columns, rows, title, optional)


def _print(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    title: str | None,
    optional: Sequence[str],
) -> Console:
    from rich.console import Console

    console = Console()
    shown = list(range(len(columns)))
    layout = _layout(columns, rows, shown, console.width, short_ids=False, squeeze=False)
    if layout is None:
        layout = _layout(columns, rows, shown, console.width, short_ids=True, squeeze=True)
    hidden: list[str] = []
    for name in optional:
        if layout is not None:
            break
        hidden.append(name)
        shown = [i for i in shown if columns[i] != name]
        layout = _layout(columns, rows, shown, console.width, short_ids=True, squeeze=True)
    if layout is None:  # too narrow for any layout: let rich fold whatever it must
        layout = _layout(columns, rows, shown, 1_000_000, short_ids=True, squeeze=False)
        assert layout is not None
        layout.width_of, layout.fold_all = {}, True
    console.print(layout.table(title))
    if hidden:
        console.print(f"[dim]{', '.join(hidden)} hidden at this width; --json has every column[/]")
    return console


@dataclass
class _Layout:
    """Cells as text, and a fixed width per column that no word has to be split for."""

    headers: list[str]
    cells: list[list[str]]
    right: list[bool]
    width_of: dict[int, int]
    fold_all: bool = False

    def table(self, title: str | None) -> Table:
        from rich.table import Table

        out = Table(title=title)
        for i, header in enumerate(self.headers):
            out.add_column(
                header,
                width=self.width_of.get(i),
                no_wrap=i == 0 and not self.fold_all and self.width_of.get(0, 0) <= NAME_WIDTH,
                overflow="fold",
                justify="right" if self.right[i] else "left",
            )
        for row in self.cells:
            out.add_row(*row)
        return out


def _layout(
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    shown: Sequence[int],
    width: int,
    *,
    short_ids: bool,
    squeeze: bool,
) -> _Layout | None:
    """Widths for the `shown` columns within `width`, or None if they cannot fit.

    The first column, numbers, ids and times keep their full width; other text may wrap
    between words (`squeeze`), headers between the parts of their snake_case name.
    """
    from rich.cells import cell_len

    headers = [columns[i].replace("_", " ") for i in shown]
    cells = [[_cell(row[i], columns[i], short_ids=short_ids) for i in shown] for row in rows]
    natural, floor, right = [], [], []
    for j, i in enumerate(shown):
        values = [row[i] for row in rows if row[i] is not None]
        texts = [row[j] for row in cells]
        number = bool(values) and all(_is_number(v) for v in values) and not _is_label(columns[i])
        widest = max((cell_len(t) for t in texts), default=1)
        solid = (j == 0 and widest <= NAME_WIDTH) or number or _is_label(columns[i])
        solid = solid or (bool(values) and all(isinstance(v, dt.datetime) for v in values))
        words = max((cell_len(w) for t in texts for w in t.split()), default=1)
        natural.append(max(widest, cell_len(headers[j])))
        floor.append(max(widest if solid else words, *(cell_len(w) for w in headers[j].split())))
        right.append(number)
    budget = width - (3 * len(shown) + 1)  # borders and one space of padding each side
    widths = list(natural)
    excess = sum(widths) - budget
    if excess > 0 and not squeeze:
        return None
    while excess > 0:
        slack = [(w - f, w, k) for k, (w, f) in enumerate(zip(widths, floor, strict=True))]
        gap, _, k = max(slack)
        if gap <= 0:
            return None
        widths[k] -= 1
        excess -= 1
    return _Layout(headers, cells, right, dict(enumerate(widths)))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


def _is_label(column: str) -> bool:
    """Ids and years are labels: no thousands separators."""
    return column.endswith("_id") or column in ("id", "year")


def _cell(value: Any, column: str, *, short_ids: bool = False) -> str:
    """Numbers with thousands separators, except labels; times to the second; with
    `short_ids`, ids longer than `ID_WIDTH` keep their start and end around an ellipsis."""
    if value is None:
        return "∅"
    label = _is_label(column)
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool) and not label:
        return f"{value:,}"
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    if isinstance(value, dt.time):
        return f"{value:%H:%M:%S}"
    text = str(jsonable(value))
    if label and short_ids and len(text) > ID_WIDTH:
        head = (ID_WIDTH - 1) // 2
        return f"{text[:head]}…{text[head + 1 - ID_WIDTH :]}"
    return text
