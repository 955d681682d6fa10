"""Dimensions scored the same way for a feed and a silver/gold table."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence

from greenroom.quality.monitor.specs import table_policy
from greenroom.quality.readiness.evidence import LakeEvidence
from greenroom.quality.readiness.records import Dimension

PERSONAL_DATA_NOTE = "not checked: no personal-data scorer was given"

PersonalDataScorer = Callable[[str], Dimension]
"""A table's `personal_data` dimension (the governance layer supplies one; see
`greenroom.compose.personal_data_scorer`)."""


def mean(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def timeliness(ev: LakeEvidence, table: str) -> Dimension:
    """1 within the freshness SLA, then SLA / age: the newest row's age when the quality
    monitor last measured the table (`ops.quality_metrics.freshness_hours`), against the
    layer's or table's `max_age_hours` (quality/monitor/tables.yaml)."""
    ages = ev.metrics.get(table, {}).get("freshness_hours", {})
    sla = table_policy(table).max_age_hours
    age = next(iter(ages.values()), None)
    column = next(iter(ages), None)
    evidence = {"freshness_hours": age, "sla_hours": sla, "column": column}
    if age is None or sla is None:
        return Dimension("timeliness", None, evidence, "not measured by the quality monitor")
    return Dimension("timeliness", 1.0 if age <= sla else sla / age, evidence)


def documentation(table: str, columns: Sequence[str], docs: Mapping[str, str]) -> Dimension:
    """Share of the table's columns with a description: the Iceberg schema's field `doc`
    (silver/gold: declared in `pipeline/models/<layer>/<name>.yaml`; bronze: ingestion
    copies the contract's), or for a feed its contract's property `description`."""
    documented = sorted(c for c in columns if docs.get(c))
    return Dimension(
        "documentation",
        share(len(documented), len(columns)),
        {"columns": len(columns), "documented": len(documented), "documented_columns": documented},
    )


def lineage(
    columns: Sequence[str],
    traced: Collection[str] | None,
    direction: str,
    **extra: object,
) -> Dimension:
    """Share of the columns with an edge in the latest run's `ops.lineage_edges`
    (`traced` None: the lake records no lineage at all)."""
    if traced is None:
        return Dimension("lineage", None, {"direction": direction, **extra},
                         "no lineage recorded: ops.lineage_edges does not exist")  # fmt: skip
    hit = sorted(c for c in columns if c in traced)
    missing = sorted(c for c in columns if c not in traced)
    evidence = {
        "direction": direction,
        "columns": len(columns),
        "traced": len(hit),
        "untraced_columns": missing,
        **extra,
    }
    return Dimension("lineage", share(len(hit), len(columns)), evidence)


def personal_data(_table: str) -> Dimension:
    """Without a scorer the dimension is not measured (library callers and tests)."""
    return Dimension("personal_data", None, {}, PERSONAL_DATA_NOTE)


LINEAGE_COLUMNS = frozenset({"_source", "_batch_id", "_ingested_at", "_warnings", "_record_hash"})
"""The bookkeeping columns ingestion adds to every bronze table (greenroom/ingest/docs.py
describes them in the Iceberg schema)."""


def user_columns(columns: Sequence[str]) -> list[str]:
    """The feed's own columns: the lineage columns are the platform's, the same in every
    feed, so a feed's scores (documentation, lineage) are about the fields its source sends
    (a source field may start with `_`, as Ticketmaster's `_embedded`)."""
    return [c for c in columns if c not in LINEAGE_COLUMNS]
