"""`greenroom governance erase` and `greenroom governance retention apply`."""

from __future__ import annotations

from typing import Annotated

import typer

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
DryRunFlag = Annotated[bool, typer.Option("--dry-run", help="Count what would go; change nothing.")]


def erase(
    customer: Annotated[
        str,
        typer.Option("--customer", help="A golden id (`cus_…`) or a source id (`CRM-…`)."),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    dry_run: DryRunFlag = False,
    requested_by: Annotated[
        str, typer.Option("--requested-by", help="Who asked, for the audit record.")
    ] = "admin",
    json_out: JsonFlag = False,
) -> None:
    """Erase a customer from every table and zone (right to erasure); not undoable."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.governance.erasure import erase_customer

    settings = get_settings()
    if not (yes or dry_run):
        typer.confirm(
            f"Erase customer `{customer}` from every table, raw file, the stream log and chat "
            "memory, and delete the table history that held them? This cannot be undone",
            abort=True,
        )
    result = erase_customer(settings, customer, requested_by=requested_by, dry_run=dry_run)
    if json_out:
        print_json(result.as_dict())
        return
    rows = [[table, n] for table, n in sorted(result.rows_removed.items())]
    rows += [[path, n] for path, n in sorted(result.raw_records_removed.items())]
    rows += [
        ["stream log records", result.stream_records_removed],
        ["state file records", result.state_records_removed],
        ["chat memory rows", result.memory_rows_removed],
    ]
    verb = "would remove" if dry_run else "removed"
    print_rows(["where", verb], rows, title=f"erasure of {result.ids} id(s)")
    if dry_run:
        typer.echo("dry run: nothing was changed")
        return
    typer.echo(
        f"{result.data_files_rewritten:,} data files rewritten, {result.snapshots_expired:,} "
        f"snapshots expired, {result.files_deleted:,} files deleted; audit record "
        f"#{result.audit_seq} (subject sha256 {result.subject_sha256[:16]}…)"
    )


def retention_apply(dry_run: DryRunFlag = False, json_out: JsonFlag = False) -> None:
    """Delete what is past retention: raw files, table rows, stream segments, snapshots."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.governance.retention import apply_retention

    result = apply_retention(get_settings(), dry_run=dry_run)
    if json_out:
        print_json(result.as_dict())
        return
    rows: list[list[object]] = [[f, "folder"] for f in result.raw_folders_deleted]
    rows += [[t, n] for t, n in sorted(result.rows_deleted.items())]
    rows += [[t, f"skipped: {why}"] for t, why in sorted(result.skipped.items())]
    verb = "would delete" if dry_run else "deleted"
    print_rows(["where", verb], rows, title="retention")
    if dry_run:
        typer.echo("dry run: nothing was changed")
        return
    typer.echo(
        f"{result.raw_files_deleted:,} raw files, {result.stream_segments_dropped or 0:,} stream "
        f"segments, {result.snapshots_expired:,} snapshots and {result.files_deleted:,} "
        "unreferenced table files deleted"
    )
