"""The operations pages' contexts: data health (freshness, quality, quarantine, ingestion,
pipeline runs, tables) and the journey (the readiness scorecard, raw beside ready; one sale
from raw bytes to gold; one merged entity; one column's lineage).

A section whose data cannot be read (an empty lake, a table not built yet) shows its
error in place; the rest of the page still renders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from greenroom.errors import GreenroomError
from greenroom.web.pages import charts
from greenroom.web.pages.format import count, pct, score

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse
    from greenroom.lake.reader import Reader
    from greenroom.quality.readiness import ReadinessReport, TableReadiness
    from greenroom.quality.readiness.records import DimensionName

T = TypeVar("T")


def section(make: Callable[[], T]) -> tuple[T | None, str | None]:
    """`make()`, or None and the error's one line (a GreenroomError only; bugs propagate)."""
    try:
        return make(), None
    except GreenroomError as exc:
        return None, str(exc)


def scorecard(lake: Lakehouse, reader: Reader) -> dict[str, Any]:
    """The readiness scorecard, raw (each source feed) beside ready (silver and gold), and
    the story its evidence tells: what was caught, merged and fixed."""
    from greenroom.compose import personal_data_scorer
    from greenroom.quality.readiness import DIMENSIONS, readiness_report

    personal = personal_data_scorer(lake, lake.settings)
    report, report_error = section(
        lambda: readiness_report(lake, reader, stories=False, personal_data=personal)
    )
    rows: list[list[str]] = []
    score_chart = None
    if report is not None:
        for t in report.tables:
            rows.append(
                [t.table, t.layer, count(t.rows), score(t.overall)]
                + [score(t.dimension(d).score) for d in DIMENSIONS]
            )
        score_chart = charts.spec(
            charts.bar(
                [t.table for t in report.tables],
                [None if t.overall is None else round(100 * t.overall, 1) for t in report.tables],
                name="Readiness",
                value_title="Readiness score (0–100)",
                horizontal=True,
            ),
            ["table", "layer", "rows", "overall", *DIMENSIONS],
            [
                [t.table, t.layer, t.rows, _round(t.overall)]
                + [_round(t.dimension(d).score) for d in DIMENSIONS]
                for t in report.tables
            ],
            "readiness-scorecard.csv",
        )
    return {
        "dimensions": DIMENSIONS,
        "report": report,
        "report_error": report_error,
        "scorecard": rows,
        "score_chart": score_chart,
        "story": story(report) if report is not None else None,
    }


def story(report: ReadinessReport) -> dict[str, int | float | None]:
    """The headline numbers of the journey, summed from the scorecard's evidence."""
    feeds = [t for t in report.tables if t.layer == "feed"]
    refined = [t for t in report.tables if t.layer != "feed"]

    def total(tables: list[TableReadiness], dimension: DimensionName, key: str) -> int:
        return sum(int(t.dimension(dimension).evidence.get(key) or 0) for t in tables)

    rules = {
        rule
        for t in feeds
        for rule, n in (t.dimension("validity").evidence.get("by_rule") or {}).items()
        if n
    }
    traced = [t.dimension("lineage").score for t in refined]
    known = [x for x in traced if x is not None]
    return {
        "feeds": len(feeds),
        "received": total(feeds, "validity", "received"),
        "quarantined": total(feeds, "validity", "quarantined"),
        "rules": len(rules),
        "merged_away": total(refined, "uniqueness", "records_merged_away"),
        "source_records": total(refined, "uniqueness", "source_records"),
        "entities": total(refined, "uniqueness", "entities"),
        "replays_dropped": total(refined, "uniqueness", "replays_dropped"),
        "normalised": total(feeds, "consistency", "values_changed"),
        "lineage": sum(known) / len(known) if known else None,
    }


def health(lake: Lakehouse, reader: Reader) -> dict[str, Any]:
    from greenroom.web import queries

    quality, quality_error = section(lambda: queries.quality(lake))
    quarantine, quarantine_error = section(lambda: queries.quarantine(reader, sample=3))
    quarantine_chart = None
    if quarantine is not None:
        reasons = [(t.table, r) for t in quarantine.tables for r in t.reasons]
        reasons.sort(key=lambda tr: tr[1].records, reverse=True)
        quarantine_chart = charts.spec(
            charts.bar(
                [r.rule for _t, r in reasons],
                [r.records for _t, r in reasons],
                name="Records",
                value_title="Quarantined records",
                horizontal=True,
            ),
            ["table", "rule", "records"],
            [[t, r.rule, r.records] for t, r in reasons],
            "quarantine-by-rule.csv",
        )
    batches, batches_error = section(
        lambda: queries.ingestion_batches(reader, queries.Pagination(limit=25))
    )
    runs, runs_error = section(lambda: queries.pipeline_runs(reader, queries.Pagination(limit=10)))
    tables, tables_error = section(lambda: queries.tables(lake, max_snapshots=1))
    fresh, _fresh_error = section(lambda: queries.freshness(lake))
    hours = {f.table: f.hours_since for f in fresh or []}
    return {
        "quality": quality,
        "quality_error": quality_error,
        "quarantine": quarantine,
        "quarantine_error": quarantine_error,
        "quarantine_chart": quarantine_chart,
        "batches": batches,
        "batches_error": batches_error,
        "runs": runs,
        "runs_error": runs_error,
        "tables": tables,
        "tables_error": tables_error,
        "hours": hours,
    }


def journey(
    lake: Lakehouse,
    reader: Reader,
    *,
    sale_id: str | None,
    entity_type: str,
    entity_id: str | None,
    column: str,
) -> dict[str, Any]:
    from greenroom.quality.readiness import follow_record, merged_cluster
    from greenroom.web import queries

    card = scorecard(lake, reader)
    record, record_error = section(lambda: follow_record(lake, reader, sale_id))
    cluster, cluster_error = section(
        lambda: merged_cluster(reader, entity_type, entity_id)  # type: ignore[arg-type]
    )
    cluster_chart = None
    if cluster is not None:
        cluster_chart = charts.spec(
            charts.bar(
                [f"{r.source}:{r.source_record_id}" for r in cluster.records],
                [r.match_probability for r in cluster.records],
                name="Match probability",
                value_title="Highest match probability",
                horizontal=True,
            ),
            ["source", "source_record_id", "name", "match_probability"],
            [[r.source, r.source_record_id, r.name, r.match_probability] for r in cluster.records],
            "merged-cluster.csv",
        )
    table, _, name = column.rpartition(".")
    lineage, lineage_error = section(lambda: queries.column_lineage(lake, table, name))
    return {
        **card,
        "record": record.to_dict() if record is not None else None,
        "record_error": record_error,
        "cluster": cluster,
        "cluster_error": cluster_error,
        "cluster_chart": cluster_chart,
        "lineage": lineage,
        "lineage_error": lineage_error,
        "sale_id": sale_id or "",
        "entity_type": entity_type,
        "entity_id": entity_id or "",
        "column": column,
        "pct": pct,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
