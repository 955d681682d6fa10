"""`greenroom quality …`: data quality metrics and alerts per table per run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from greenroom.quality.monitor import QualityReport

app = typer.Typer(help="Data quality: metrics per table per run, and alerts.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
TablesOption = Annotated[
    list[str] | None, typer.Option("--table", "-t", help="Only this table (repeatable).")
]


@app.command("report")
def report(
    run_id: Annotated[
        str | None, typer.Option("--run", help="The run to report (default: the latest).")
    ] = None,
    tables: TablesOption = None,
    json_out: JsonFlag = False,
) -> None:
    """Show a run's quality metrics and alerts, one table per lake table."""
    from greenroom.lake import Lakehouse
    from greenroom.quality.monitor import quality_report

    reports = quality_report(Lakehouse.open(), run_id, tables or None)
    _emit(reports, json_out)


@app.command("monitor")
def monitor(
    tables: Annotated[
        list[str] | None,
        typer.Argument(help="Tables to measure (default: every bronze, silver and gold table)."),
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Measure the lake now (an ad hoc run kept in the history), then report it."""
    from greenroom.lake import Lakehouse
    from greenroom.quality.monitor import quality_report, run_monitor
    from greenroom.quality.monitor.store import adhoc_run_id

    lake = Lakehouse.open()
    result = run_monitor(lake, adhoc_run_id(), tables=tables or None)
    if result.metrics.num_rows == 0 and result.alerts.num_rows == 0:
        typer.echo("nothing to measure: the lake has no bronze, silver or gold tables yet")
        return
    _emit(quality_report(lake, result.run_id), json_out)


def _emit(reports: list[QualityReport], json_out: bool) -> None:
    from greenroom.cli._output import print_json

    if json_out:
        run_id = reports[0].run_id if reports else None
        print_json({"run_id": run_id, "tables": [r.to_dict() for r in reports]})
        return
    for r in reports:
        _print_report(r)
    errors = sum(r.errors for r in reports)
    warnings = sum(r.warnings for r in reports)
    run_id = reports[0].run_id if reports else "?"
    typer.echo(
        f"run {run_id}: {_n(len(reports), 'table')}, {_n(errors, 'error')}, "
        f"{_n(warnings, 'warning')} (alerts are in ops.quality_alerts)"
    )


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _print_report(r: QualityReport) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    alerts = {(a["metric"], a["column_name"]): a for a in r.alerts.to_pylist()}
    state = "ok" if not alerts else f"{_n(r.errors, 'error')}, {_n(r.warnings, 'warning')}"
    out = Table(
        title=escape(f"{r.table} · snapshot {r.snapshot_id} · {state}"), title_justify="left"
    )
    for name in ("metric", "column", "value", "alert"):
        out.add_column(name, overflow="fold", justify="right" if name == "value" else "left")
    for m in r.metrics.to_pylist():
        alert = alerts.get((m["metric"], m["column_name"]))
        out.add_row(
            m["metric"],
            escape(m["column_name"] or ""),
            _format(m["metric"], m["value"]),
            _alert_cell(alert),
        )
    console = Console()
    console.print(out)
    for a in r.alerts.to_pylist():
        colour = "red" if a["severity"] == "error" else "yellow"
        console.print(f"  [{colour}]{a['severity']}[/{colour}] {a['rule']}: {escape(a['message'])}")


def _alert_cell(alert: dict[str, Any] | None) -> str:
    if alert is None:
        return ""
    colour = "red" if alert["severity"] == "error" else "yellow"
    return f"[{colour}]{alert['severity']}: {alert['rule']}[/{colour}]"


def _format(metric: str, value: float | None) -> str:
    if value is None:
        return "∅"
    if metric == "row_count":
        return f"{value:,.0f}"
    if metric == "freshness_hours":
        return f"{value:,.1f} h"
    return f"{100 * value:.2f}%"
