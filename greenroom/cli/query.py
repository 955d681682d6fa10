"""`greenroom query "SQL"`: read-only SQL over every lakehouse table."""

from __future__ import annotations

from typing import Annotated

import typer


def query(
    sql: Annotated[
        str, typer.Argument(help="A SELECT over tables named `ns.table`, e.g. silver.concerts.")
    ],
    json_out: Annotated[
        bool, typer.Option("--json", help='Print {"columns": [...], "rows": [[...]]}.')
    ] = False,
    max_rows: Annotated[int, typer.Option(help="Rows to show in the table view.")] = 50,
) -> None:
    """Run read-only SQL (DuckDB dialect) against the lakehouse."""
    from greenroom.cli._output import print_json, print_table
    from greenroom.lake import Lakehouse
    from greenroom.lake.jsonable import table_to_json

    with Lakehouse.open().session() as session:
        result = session.sql(sql)
    if json_out:
        print_json(table_to_json(result))
    else:
        print_table(result, max_rows=max_rows)
