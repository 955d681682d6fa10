"""`greenroom audit …`: read the audit log and check that its hash chain is intact."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@app.command("log")
def log(
    principal: Annotated[
        str | None, typer.Option("--principal", help="Only this principal's records.")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only records at or after this ISO time (UTC).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """List audit records, oldest first."""
    import datetime as dt

    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.errors import UserError
    from greenroom.governance.audit import AuditLog

    start = None
    if since is not None:
        try:
            start = dt.datetime.fromisoformat(since)
        except ValueError as exc:
            raise UserError(f"`{since}` is not an ISO time; try `2024-05-01T12:00:00`") from exc
        if start.tzinfo is None:
            start = start.replace(tzinfo=dt.UTC)
    records = AuditLog(get_settings().home).records(principal, start)
    if json_out:
        print_json([r.as_dict() for r in records])
        return
    columns = ["seq", "at", "principal", "action", "resource"]
    rows = [[r.seq, r.at, r.principal, r.action, r.resource] for r in records]
    print_rows(columns, rows, title="audit log")


@app.command("verify")
def verify() -> None:
    """Check the hash chain; exit 1 naming the first bad record."""
    from greenroom.config import get_settings
    from greenroom.governance.audit import AuditLog

    log_ = AuditLog(get_settings().home)
    result = log_.verify()
    if not result.ok:
        typer.echo(f"audit log `{log_.path}`: record seq {result.bad_seq} (line {result.line}) "
                   f"is bad: {result.reason}", err=True)  # fmt: skip
        raise typer.Exit(1)
    typer.echo(f"audit log intact: {result.checked:,} records checked")
