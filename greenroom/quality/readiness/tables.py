"""A silver or gold table's readiness: the quality monitor's latest metrics, entity
resolution's merges, the pipeline's rejects and replays, lineage and schema docs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from greenroom.quality.readiness import dimensions as dim
from greenroom.quality.readiness.evidence import LakeEvidence
from greenroom.quality.readiness.records import Dimension, TableReadiness


def score_table(
    ev: LakeEvidence,
    table: str,
    columns: Sequence[str],
    docs: Mapping[str, str],
    feed_changes: Mapping[str, int],
    personal_data: dim.PersonalDataScorer = dim.personal_data,
) -> TableReadiness:
    """`feed_changes`: per source feed, the values its normalisation changed."""
    layer: Literal["silver", "gold"] = "gold" if table.startswith("gold.") else "silver"
    metrics = ev.metrics.get(table, {})
    return TableReadiness(
        table=table,
        layer=layer,
        rows=ev.tables.get(table, 0),
        dimensions=(
            _completeness(metrics.get("completeness", {}), columns),
            _validity(ev, table, metrics.get("validity", {})),
            _uniqueness(ev, table, metrics.get("uniqueness", {})),
            _consistency(ev, table, metrics.get("referential_integrity", {}), feed_changes),
            dim.timeliness(ev, table),
            dim.documentation(table, columns, docs),
            dim.lineage(
                columns,
                ev.lineage_targets.get(table, frozenset()) if ev.has("ops.lineage_edges") else None,
                "upstream",
            ),
            personal_data(table),
        ),
    )


def entity_type(table: str) -> str:
    """`silver.ticket_sales` → `ticket_sale`: the name the run log gives its records."""
    return table.split(".", 1)[1].removesuffix("s")


def _completeness(values: Mapping[str, float | None], columns: Sequence[str]) -> Dimension:
    """Mean non-null share over the table's columns (quality metric `completeness`)."""
    measured = {c: values[c] for c in columns if c in values}
    gaps = {c: v for c, v in measured.items() if v is not None and v < 1}
    evidence = {"columns": len(columns), "measured": len(measured), "incomplete_columns": gaps}
    if not measured:
        return Dimension("completeness", None, evidence, "not measured by the quality monitor")
    return Dimension("completeness", dim.mean(list(measured.values())), evidence)


def _validity(ev: LakeEvidence, table: str, checks: Mapping[str, float | None]) -> Dimension:
    """Mean share of rows passing the table's checks (quality/monitor/tables.yaml); the
    records the pipeline refused to let in (ops.silver_rejects) are the evidence."""
    rejected = ev.rejects_by_entity.get(entity_type(table), {})
    evidence = {
        "checks": dict(checks),
        "rejected_by_pipeline": sum(rejected.values()),
        "rejected_by_reason": dict(sorted(rejected.items())),
    }
    if not checks:
        return Dimension("validity", None, evidence, "no validity checks declared")
    return Dimension("validity", dim.mean(list(checks.values())), evidence)


def _uniqueness(ev: LakeEvidence, table: str, keys: Mapping[str, float | None]) -> Dimension:
    """Share of distinct keys (quality metric `uniqueness`); the source records entity
    resolution merged (silver.entity_xref) and the replays the job dropped are evidence."""
    kind = entity_type(table)
    xref = {s: v for (t, s), v in ev.xref.items() if t == kind}
    records = sum(v["records"] for v in xref.values())
    job = ev.job_writing(table)
    counts = job["counts"] if job else {}
    entities = _entities(ev, kind)
    evidence: dict[str, object] = {"key": ",".join(keys) or None}
    if xref:
        evidence |= {
            "source_records": records,
            "entities": entities,
            "records_merged_away": records - entities,
            "by_source": {s: v["records"] for s, v in sorted(xref.items())},
        }
    if "replays" in counts:
        evidence["replays_dropped"] = counts["replays"]
    if not keys:
        return Dimension("uniqueness", None, evidence, "no key declared")
    return Dimension("uniqueness", dim.mean(list(keys.values())), evidence)


def _entities(ev: LakeEvidence, kind: str) -> int:
    """Canonical entities of one type (an entity with records in several sources counts once)."""
    return ev.entity_counts.get(kind, 0)


def _consistency(
    ev: LakeEvidence,
    table: str,
    references: Mapping[str, float | None],
    feed_changes: Mapping[str, int],
) -> Dimension:
    """Mean share of rows whose references resolve in the parent table (quality metric
    `referential_integrity`); the values normalised upstream, per input feed, are evidence."""
    job = ev.job_writing(table)
    feeds = sorted(
        t.split(".", 1)[1] for t in (job["inputs"] if job else []) if t.startswith("bronze.")
    )
    evidence = {
        "references": dict(references),
        "normalised_upstream": {f: feed_changes.get(f, 0) for f in feeds},
    }
    if not references:
        return Dimension("consistency", None, evidence, "no references declared")
    return Dimension("consistency", dim.mean(list(references.values())), evidence)
