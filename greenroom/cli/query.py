"""`greenroom query "SQL"`: read-only SQL over the lakehouse, as the admin or as another
principal (`--as`), governed and audited like every other read."""

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
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Run as this registered principal: see exactly what it sees (audited, "
            "naming you as the admin who asked).",
        ),
    ] = None,
) -> None:
    """Run read-only SQL (DuckDB dialect) against the lakehouse."""
    from greenroom.cli._output import print_json, print_table
    from greenroom.config import get_settings
    from greenroom.governance.principals import ADMIN
    from greenroom.governance.service import DataGovernanceService
    from greenroom.governance.session import governed_session
    from greenroom.lake import Lakehouse
    from greenroom.lake.jsonable import table_to_json

    settings = get_settings()
    lake = Lakehouse.open(settings)
    principal = ADMIN
    if as_ is not None:
        principal = DataGovernanceService(settings, lake).principal(as_.strip())
    acting = ADMIN.name if principal != ADMIN else None
    with governed_session(lake, principal, acting_for=acting) as session:
        result = session.sql(sql)
    if json_out:
        print_json(table_to_json(result))
    else:
        print_table(result, max_rows=max_rows)
