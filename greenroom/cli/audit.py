"""`greenroom audit …`: read the audit log, check that its hash chain is intact, and copy
it into ``ops.audit`` (`log` does that first too)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from greenroom.config import Settings

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
    """List audit records, oldest first (from the log file; `ops.audit` is synced first)."""
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
    settings = get_settings()
    _sync_quietly(settings)
    records = AuditLog(settings.home).records(principal, start)
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


@app.command("sync")
def sync(json_out: JsonFlag = False) -> None:
    """Copy the log's new records into the `ops.audit` table (one commit; idempotent)."""
    from greenroom.cli._output import print_json
    from greenroom.config import get_settings
    from greenroom.governance.audit_table import AUDIT_TABLE, sync_audit_table
    from greenroom.lake import Lakehouse

    result = sync_audit_table(Lakehouse.open(get_settings()))
    if json_out:
        print_json({"table": AUDIT_TABLE, "added": result.added, "last_seq": result.last_seq})
        return
    typer.echo(f"{AUDIT_TABLE}: {result.added:,} record(s) added; up to seq {result.last_seq:,}")


def _sync_quietly(settings: Settings) -> None:
    """Sync `ops.audit` before listing; a home without a lake has no table to sync, and a
    failed sync is a warning (the listing reads the file, the source of truth)."""
    from greenroom.errors import GreenroomError
    from greenroom.governance.audit_table import sync_audit_table
    from greenroom.lake import Lakehouse
    from greenroom.lake.exceptions import HomeError

    try:
        lake = Lakehouse.open(settings)
    except HomeError:
        return
    try:
        sync_audit_table(lake)
    except GreenroomError as exc:
        typer.echo(f"warning: `ops.audit` was not synced: {exc}", err=True)
