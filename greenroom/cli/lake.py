"""`greenroom lake …`: what the lakehouse holds."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Inspect the Iceberg lakehouse.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@app.command("tables")
def tables(
    namespace: Annotated[str | None, typer.Argument(help="Only this namespace.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """List tables with row counts, current snapshot and size."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.lake import Lakehouse

    infos = Lakehouse.open().list_tables(namespace)
    columns = ["table", "rows", "snapshot_id", "data_files", "size_bytes", "last_updated"]
    rows = [
        [t.name, t.rows, t.snapshot_id, t.data_files, t.size_bytes, t.last_updated] for t in infos
    ]
    if json_out:
        print_json({"columns": columns, "rows": rows})
    else:
        print_rows(
            columns,
            rows,
            title="lakehouse tables",
            optional=("data_files", "size_bytes", "last_updated"),
        )


@app.command("snapshots")
def snapshots(
    table: Annotated[str, typer.Argument(help="Table name `ns.table`.")],
    json_out: JsonFlag = False,
) -> None:
    """List a table's snapshots, oldest first: its history for time travel."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.lake import Lakehouse

    snaps = Lakehouse.open().snapshots(table)
    columns = [
        "snapshot_id",
        "parent_id",
        "committed_at",
        "operation",
        "added_records",
        "total_records",
    ]
    rows = [
        [
            s.snapshot_id,
            s.parent_id,
            s.committed_at,
            s.operation,
            int(s.summary.get("added-records", 0)),
            int(s.summary.get("total-records", 0)),
        ]
        for s in snaps
    ]
    if json_out:
        print_json({"columns": columns, "rows": rows})
    else:
        print_rows(
            columns,
            rows,
            title=f"snapshots of {table}",
            optional=("parent_id", "added_records"),
        )
