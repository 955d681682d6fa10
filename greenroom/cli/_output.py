"""Printing results: a rich table for people, `{"columns", "rows"}` JSON for scripts."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    import pyarrow as pa


def jsonable(value: Any) -> Any:
    """A JSON-safe version of one Arrow-produced Python value."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        # Arrow maps come out as lists of (key, value) tuples.
        if value and all(isinstance(v, tuple) and len(v) == 2 for v in value):
            return {str(k): jsonable(v) for k, v in value}
        return [jsonable(v) for v in value]
    return value


def table_to_json(table: pa.Table) -> dict[str, Any]:
    columns = table.column_names
    rows = [[jsonable(v) for v in row.values()] for row in table.to_pylist()]
    return {"columns": columns, "rows": rows}


def print_json(payload: Any) -> None:
    typer.echo(json.dumps(jsonable(payload), indent=None, ensure_ascii=False))


def print_table(table: pa.Table, *, title: str | None = None, max_rows: int = 50) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Table(title=title, show_lines=False)
    for name in table.column_names:
        out.add_column(name, overflow="fold")
    for row in table.slice(0, max_rows).to_pylist():
        out.add_row(*(_cell(v, k) for k, v in row.items()))
    console = Console()
    console.print(out)
    if table.num_rows > max_rows:
        console.print(f"… {table.num_rows - max_rows:,} more rows (use --json for all)")


def print_rows(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None
) -> None:
    from rich.console import Console
    from rich.table import Table

    out = Table(title=title)
    for name in columns:
        out.add_column(name)
    for row in rows:
        out.add_row(*(_cell(v, k) for k, v in zip(columns, row, strict=True)))
    Console().print(out)


def _cell(value: Any, column: str) -> str:
    """Numbers with thousands separators, except ids and years, which are labels."""
    if value is None:
        return "∅"
    label = column.endswith("_id") or column in ("id", "year")
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool) and not label:
        return f"{value:,}"
    return str(jsonable(value))
