"""`greenroom readiness [--json]`: the data-readiness scorecard, per source feed and per
silver/gold table, with one merged entity cluster and one sale followed from raw to gold."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from greenroom.quality.readiness import MergedCluster, ReadinessReport

COLUMNS = ("table", "complete", "valid", "unique", "consistent", "timely", "documented",
           "lineage", "personal data", "overall")  # fmt: skip


def readiness(
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """Score every feed and silver/gold table on completeness, validity, uniqueness,
    consistency, timeliness, documentation, lineage and personal data (docs/readiness.md)."""
    from greenroom.cli._output import print_json
    from greenroom.compose import personal_data_scorer
    from greenroom.governance.session import governed_session
    from greenroom.lake import Lakehouse
    from greenroom.quality.readiness import readiness_report

    lake = Lakehouse.open()
    with governed_session(lake) as reader:
        report = readiness_report(
            lake, reader, personal_data=personal_data_scorer(lake, lake.settings)
        )
    if json_out:
        print_json(report.to_dict())
        return
    _print(report)


def _print(report: ReadinessReport) -> None:
    from greenroom.cli._output import print_rows
    from greenroom.quality.readiness import DIMENSIONS

    rows = [
        [t.feed or t.table, *(_pct(t.dimension(d).score) for d in DIMENSIONS), _pct(t.overall)]
        for t in report.tables
    ]
    print_rows(
        COLUMNS,
        rows,
        title=f"data readiness · pipeline run {report.pipeline_run_id or '∅'}",
        optional=("personal data", "documented"),
    )
    typer.echo(
        "personal data: the share of a table's pii-tagged columns no role without clearance "
        "reads unmasked; --json has the evidence behind every score"
    )
    if report.cluster is not None:
        _print_cluster(report.cluster)
    if report.journey is not None:
        j = report.journey
        gold = j.gold
        daily = gold.get("sales_daily") or {}
        typer.echo(
            f"one sale followed: {j.raw.get('origin')} line {j.raw.get('line_number')} → "
            f"bronze.{j.silver.get('source')} → silver.ticket_sales {j.sale_id} → "
            f"gold.sales_daily {daily.get('event_date')} ({daily.get('tickets_sold')} tickets, "
            f"${daily.get('revenue'):,.2f})"
            if daily
            else f"one sale followed: {j.sale_id} (no gold row yet)"
        )


def _print_cluster(c: MergedCluster) -> None:
    from greenroom.cli._output import print_rows

    print_rows(
        ("source", "source_record_id", "name", "match probability"),
        [[r.source, r.source_record_id, r.name, _prob(r.match_probability)] for r in c.records],
        title=f"one merged {c.entity_type}: {c.canonical_name} ({c.entity_id})",
    )


def _pct(score: float | None) -> str:
    return "–" if score is None else f"{100 * score:.1f}%"


def _prob(p: float | None) -> str:
    return "–" if p is None else f"{p:.4f}"
