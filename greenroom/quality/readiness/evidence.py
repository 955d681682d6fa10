"""What the lake itself records, read once per report: quality metrics, ingestion batches,
quarantine reasons, silver rejects, entity-resolution output, job counts and lineage.

Every query is one set-based statement over an `ops`, `quarantine` or `silver` table; the
results are small summaries (a row per table, column or rule), keyed for the scorers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

Metrics = dict[str, dict[str, dict[str, float | None]]]
"""table → metric → column ('' for table-level metrics) → value."""


@dataclass(frozen=True)
class LakeEvidence:
    tables: Mapping[str, int]
    """Every lake table that exists → its row count."""
    quality_run_id: str | None = None
    metrics: Metrics = field(default_factory=dict)
    batches: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    quarantine_rules: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    rejects: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    """source feed → silver reject reason → records (ops.silver_rejects)."""
    rejects_by_entity: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    xref: Mapping[tuple[str, str], Mapping[str, int]] = field(default_factory=dict)
    """(entity_type, source) → records, entities, merged (records of an entity that
    also has a record from another source)."""
    entity_counts: Mapping[str, int] = field(default_factory=dict)
    """entity_type → canonical entities in silver.entity_xref."""
    jobs: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """job → `counts`, `written`, `inputs` of its latest successful run."""
    lineage_targets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    lineage_sources: Mapping[str, frozenset[str]] = field(default_factory=dict)
    pipeline_run_id: str | None = None

    def has(self, table: str) -> bool:
        return table in self.tables

    def job_writing(self, table: str) -> Mapping[str, Any] | None:
        """The latest successful run of the job that writes `table`."""
        return next((j for j in self.jobs.values() if table in j["written"]), None)


def gather(reader: Reader, tables: Mapping[str, int]) -> LakeEvidence:
    """Read the lake's own records of what happened to its data."""
    have = set(tables)
    return LakeEvidence(
        tables=dict(tables),
        quality_run_id=_one(
            reader,
            have,
            "ops.quality_metrics",
            "SELECT arg_max(run_id, measured_at) FROM ops.quality_metrics",
        ),
        metrics=_metrics(reader) if "ops.quality_metrics" in have else {},
        batches=_batches(reader) if "ops.ingestion_batches" in have else {},
        quarantine_rules=_quarantine(
            reader, sorted(t for t in have if t.startswith("quarantine."))
        ),
        rejects=_nested(
            reader,
            have,
            "ops.silver_rejects",
            "SELECT source, reason, count(*) FROM ops.silver_rejects GROUP BY ALL",
        ),
        rejects_by_entity=_nested(
            reader,
            have,
            "ops.silver_rejects",
            "SELECT entity_type, reason, count(*) FROM ops.silver_rejects GROUP BY ALL",
        ),
        xref=_xref(reader) if "silver.entity_xref" in have else {},
        entity_counts={
            k: v.get("entities", 0)
            for k, v in _nested(
                reader,
                have,
                "silver.entity_xref",
                "SELECT entity_type, 'entities', count(DISTINCT entity_id) "
                "FROM silver.entity_xref GROUP BY ALL",
            ).items()
        },
        jobs=_jobs(reader) if "ops.job_runs" in have else {},
        lineage_targets=_lineage(reader, have, "target"),
        lineage_sources=_lineage(reader, have, "source"),
        pipeline_run_id=_one(
            reader,
            have,
            "ops.pipeline_runs",
            "SELECT arg_max(run_id, finished_at) FROM ops.pipeline_runs "
            "WHERE status = 'succeeded' AND jobs_succeeded > 0",
        ),
    )


def _rows(reader: Reader, sql: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = reader.sql(sql).to_pylist()
    return rows


def _one(reader: Reader, have: set[str], table: str, sql: str) -> str | None:
    if table not in have:
        return None
    value = reader.sql(sql).column(0)[0].as_py()
    return None if value is None else str(value)


def _metrics(reader: Reader) -> Metrics:
    """The latest measurement of every table (each table's newest monitor run)."""
    rows = _rows(
        reader,
        "WITH latest AS (SELECT table_name, arg_max(run_id, measured_at) AS run_id "
        "FROM ops.quality_metrics GROUP BY table_name) "
        "SELECT m.table_name, m.metric, coalesce(m.column_name, '') AS col, m.value "
        "FROM ops.quality_metrics AS m JOIN latest USING (table_name, run_id)",
    )
    out: Metrics = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        out[r["table_name"]][r["metric"]][r["col"]] = r["value"]
    return {t: dict(m) for t, m in out.items()}


def _batches(reader: Reader) -> dict[str, dict[str, Any]]:
    rows = _rows(
        reader,
        "SELECT feed, count(*) AS batches, CAST(sum(received) AS BIGINT) AS received, "
        "CAST(sum(accepted) AS BIGINT) AS accepted, CAST(sum(quarantined) AS BIGINT) AS quarantined, "
        "CAST(sum(duplicates) AS BIGINT) AS duplicate_batches_skipped, "
        "max(ingested_at) AS last_ingested_at "
        "FROM ops.ingestion_batches GROUP BY feed",
    )
    return {r.pop("feed"): r for r in rows}


def _quarantine(reader: Reader, tables: Iterable[str]) -> dict[str, dict[str, int]]:
    """feed → rule id → quarantined records that broke it (a record may break several)."""
    parts = [f"SELECT '{t.split('.', 1)[1]}' AS feed, reasons FROM {t}" for t in tables]
    if not parts:
        return {}
    sql = (
        "SELECT feed, rule, count(*) AS n FROM (SELECT feed, unnest(reasons) AS rule FROM ("
        + " UNION ALL ".join(parts)
        + ")) GROUP BY ALL"
    )
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for r in _rows(reader, sql):
        out[r["feed"]][r["rule"]] = int(r["n"])
    return dict(out)


def _nested(reader: Reader, have: set[str], table: str, sql: str) -> dict[str, dict[str, int]]:
    if table not in have:
        return {}
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for key, sub, n in (tuple(r.values()) for r in _rows(reader, sql)):
        out[str(key)][str(sub)] = int(n)
    return dict(out)


def _xref(reader: Reader) -> dict[tuple[str, str], dict[str, int]]:
    rows = _rows(
        reader,
        "WITH x AS (SELECT entity_type, source, entity_id, "
        "count(DISTINCT source) OVER (PARTITION BY entity_type, entity_id) AS sources "
        "FROM silver.entity_xref) "
        "SELECT entity_type, source, count(*) AS records, "
        "count(DISTINCT entity_id) AS entities, count(*) FILTER (sources > 1) AS merged "
        "FROM x GROUP BY ALL",
    )
    return {(r.pop("entity_type"), r.pop("source")): r for r in rows}


def _jobs(reader: Reader) -> dict[str, dict[str, Any]]:
    rows = _rows(
        reader,
        "SELECT job, run_id, counts, written, "
        "map_keys(input_snapshots) AS inputs FROM ops.job_runs "
        "WHERE status = 'succeeded' AND mode <> 'none' "
        "QUALIFY row_number() OVER (PARTITION BY job ORDER BY finished_at DESC) = 1",
    )
    return {
        r["job"]: {
            "run_id": r["run_id"],
            "counts": dict(r["counts"] or []),
            "written": list(r["written"] or []),
            "inputs": list(r["inputs"] or []),
        }
        for r in rows
    }


def _lineage(reader: Reader, have: set[str], side: str) -> dict[str, frozenset[str]]:
    """table → its columns that have a lineage edge (as `side`), in the latest run's graph."""
    if "ops.lineage_edges" not in have:
        return {}
    rows = _rows(
        reader,
        f"WITH latest AS (SELECT {side}_table AS t, arg_max(run_id, recorded_at) AS run_id "
        f"FROM ops.lineage_edges GROUP BY 1) "
        f"SELECT e.{side}_table AS t, list(DISTINCT e.{side}_column) AS columns "
        f"FROM ops.lineage_edges AS e JOIN latest AS l ON l.t = e.{side}_table "
        f"AND l.run_id = e.run_id WHERE e.{side}_column IS NOT NULL GROUP BY 1",
    )
    return {r["t"]: frozenset(r["columns"]) for r in rows}
