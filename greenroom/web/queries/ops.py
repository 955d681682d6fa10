"""Operations views: tables and snapshots, ingestion, quarantine, pipeline runs, quality,
lineage and freshness — what `greenroom lake|ingest|pipeline|quality|lineage` show, as
models.

Catalog facts (tables, snapshots, freshness), quality reports and lineage reuse the
functions the CLI calls, over the `Lakehouse`; the `ops.*` and `quarantine.*` rows are
read through the caller's `Reader`, paged in SQL. A view over an `ops` table that does not
exist yet (a fresh lake) is empty, not an error.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from greenroom.lake.exceptions import TableNotFoundError
from greenroom.web.queries.exceptions import PipelineRunNotFoundError
from greenroom.web.queries.filters import Page, Pagination, add_param, page_rows, paged_sql
from greenroom.web.queries.ops_records import (
    ColumnLineage,
    IngestionBatchRow,
    JobRunRow,
    LineageEdge,
    LineageNode,
    PipelineRunDetail,
    PipelineRunRow,
    QualityAlert,
    QualityMetric,
    QualityView,
    QuarantineReason,
    QuarantineSample,
    QuarantineTable,
    QuarantineView,
    SnapshotRow,
    TableFreshness,
    TableQuality,
    TableRow,
)

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse
    from greenroom.lake.reader import Reader

MAX_TEXT = 200
"""Longest string kept in a quarantine sample record (longer ones end with `…`)."""
_MAX_PAYLOAD = 20_000
"""Payloads longer than this are not parsed, only cut (a sample is for reading)."""


def tables(
    lake: Lakehouse, namespace: str | None = None, max_snapshots: int = 20
) -> list[TableRow]:
    """Every table (or those of `namespace`) as `greenroom lake tables` lists them, each with
    its newest `max_snapshots` snapshots, newest first (`greenroom lake snapshots`)."""
    rows = []
    for info in lake.list_tables(namespace):
        snaps = lake.snapshots(info.name)
        shown = snaps[::-1][:max_snapshots]
        rows.append(
            TableRow(
                name=info.name,
                namespace=info.name.split(".", 1)[0],
                rows=info.rows,
                snapshot_id=info.snapshot_id,
                last_updated=info.last_updated,
                data_files=info.data_files,
                size_bytes=info.size_bytes,
                snapshot_count=len(snaps),
                snapshots=[
                    SnapshotRow(
                        snapshot_id=s.snapshot_id,
                        parent_id=s.parent_id,
                        committed_at=s.committed_at,
                        operation=s.operation,
                        added_records=int(s.summary.get("added-records", 0)),
                        total_records=int(s.summary.get("total-records", 0)),
                    )
                    for s in shown
                ],
            )
        )
    return rows


def ingestion_batches(reader: Reader, page: Pagination | None = None) -> Page[IngestionBatchRow]:
    """Deliveries recorded in `ops.ingestion_batches`, newest first.

    `status`: `ok` (nothing quarantined), `partial` (some records quarantined), `rejected`
    (every record quarantined), `empty` (no records). `started_at` is when loading began
    (`ingested_at`); `finished_at` adds the recorded `seconds`.
    """
    page = page or Pagination()
    rows_sql = (
        "SELECT batch_id, feed, origin, raw_path, bytes, received, accepted, quarantined, "
        "duplicates, snapshot_id, ingested_at AS started_at, "
        "ingested_at + to_microseconds(CAST(seconds * 1e6 AS BIGINT)) AS finished_at, seconds, "
        "CASE WHEN received = 0 THEN 'empty' WHEN quarantined = 0 THEN 'ok' "
        "WHEN accepted = 0 THEN 'rejected' ELSE 'partial' END AS status "
        "FROM ops.ingestion_batches"
    )
    return _paged(reader, rows_sql, "started_at DESC, batch_id", page, IngestionBatchRow)


def quarantine(reader: Reader, sample: int = 5) -> QuarantineView:
    """Quarantined records per `quarantine.<feed>` table and per broken rule, with up to
    `sample` records per rule (oldest first; a record breaking two rules is counted under
    each rule once and in its table once).

    The tables are those of the feeds whose batches quarantined records
    (`ops.ingestion_batches`), limited to the feeds greenroom knows.
    """
    from greenroom.ingest.feeds import FEEDS

    sample = max(sample, 0)
    try:
        listed = reader.sql(
            "SELECT DISTINCT feed FROM ops.ingestion_batches WHERE quarantined > 0 ORDER BY 1"
        ).column(0)
    except TableNotFoundError:
        return QuarantineView(records=0, tables=[])
    feeds = [f for f in listed.to_pylist() if f in FEEDS]  # known names only reach the SQL
    if not feeds:
        return QuarantineView(records=0, tables=[])
    union = " UNION ALL ".join(
        f"SELECT '{f}' AS feed, source_record_id, _batch_id AS batch_id, "
        f"_ingested_at AS ingested_at, reasons, payload FROM quarantine.{f}"
        for f in feeds
    )
    params: list[object] = []
    keep = add_param(params, max(sample, 1))
    shown = add_param(params, sample)
    rows = reader.sql(
        f"WITH q AS (SELECT *, count(*) OVER (PARTITION BY feed) AS table_records FROM ({union})), "
        "r AS (SELECT q.*, unnest(CASE WHEN coalesce(len(reasons), 0) = 0 THEN ['(none)'] "
        "ELSE reasons END) AS rule FROM q), "
        "n AS (SELECT *, row_number() OVER (PARTITION BY feed, rule "
        "ORDER BY ingested_at, source_record_id) AS k, "
        "count(*) OVER (PARTITION BY feed, rule) AS rule_records FROM r) "
        f"SELECT feed, table_records, rule, rule_records, k <= {shown} AS sampled, "
        "source_record_id, batch_id, ingested_at, reasons, payload "
        f"FROM n WHERE k <= {keep} ORDER BY feed, rule_records DESC, rule, k",
        params,
    ).to_pylist()
    by_table: dict[str, dict[str, Any]] = {}
    for row in rows:
        table = by_table.setdefault(
            row["feed"],
            {"table": f"quarantine.{row['feed']}", "records": row["table_records"], "reasons": {}},
        )
        reason = table["reasons"].setdefault(
            row["rule"], {"rule": row["rule"], "records": row["rule_records"], "samples": []}
        )
        if row["sampled"]:
            reason["samples"].append(
                QuarantineSample(
                    source_record_id=row["source_record_id"],
                    batch_id=row["batch_id"],
                    ingested_at=row["ingested_at"],
                    reasons=list(row["reasons"] or []),
                    record=_record(row["payload"]),
                )
            )
    found = [
        QuarantineTable.model_validate(
            t | {"reasons": [QuarantineReason.model_validate(r) for r in t["reasons"].values()]}
        )
        for t in by_table.values()
    ]
    return QuarantineView(records=sum(t.records for t in found), tables=found)


def pipeline_runs(reader: Reader, page: Pagination | None = None) -> Page[PipelineRunRow]:
    """Pipeline runs from `ops.pipeline_runs`, newest first (`greenroom pipeline history`)."""
    page = page or Pagination()
    return _paged(
        reader, "SELECT * FROM ops.pipeline_runs", "started_at DESC, run_id", page, PipelineRunRow
    )


def pipeline_run(reader: Reader, run_id: str) -> PipelineRunDetail:
    """One run and its jobs in the order they ran (`greenroom pipeline history --run`).
    Raises `PipelineRunNotFoundError` (`pipeline_run_not_found`) for an unknown id."""
    try:
        found = reader.sql("SELECT * FROM ops.pipeline_runs WHERE run_id = $1", [run_id])
    except TableNotFoundError:
        raise PipelineRunNotFoundError(run_id) from None
    if found.num_rows == 0:
        raise PipelineRunNotFoundError(run_id)
    try:
        jobs = reader.sql(
            "SELECT * FROM ops.job_runs WHERE run_id = $1 ORDER BY started_at, job", [run_id]
        ).to_pylist()
    except TableNotFoundError:
        jobs = []
    return PipelineRunDetail(
        run=PipelineRunRow.model_validate(found.to_pylist()[0]),
        jobs=[JobRunRow.model_validate(j) for j in jobs],
    )


def quality(lake: Lakehouse, run_id: str | None = None) -> QualityView:
    """The quality report of `run_id` (default: the latest measured run) and its alerts, as
    `greenroom quality report` shows them. With no run measured yet and no `run_id` asked,
    an empty view; an unknown `run_id` raises the monitor's `NoMetricsError`."""
    from greenroom.quality.monitor import NoMetricsError, quality_report

    try:
        reports = quality_report(lake, run_id)
    except NoMetricsError:
        if run_id is not None:
            raise
        return QualityView(run_id=None, errors=0, warnings=0, tables=[])
    tables = [
        TableQuality(
            table=r.table,
            snapshot_id=r.snapshot_id,
            errors=r.errors,
            warnings=r.warnings,
            metrics=[
                QualityMetric.model_validate(m | {"column": m["column_name"]})
                for m in r.metrics.to_pylist()
            ],
            alerts=[
                QualityAlert.model_validate(a | {"column": a["column_name"]})
                for a in r.alerts.to_pylist()
            ],
        )
        for r in reports
    ]
    return QualityView(
        run_id=reports[0].run_id if reports else run_id,
        errors=sum(t.errors for t in tables),
        warnings=sum(t.warnings for t in tables),
        tables=tables,
    )


def column_lineage(lake: Lakehouse, table: str, column: str) -> ColumnLineage:
    """Where `table.column` comes from, back to bronze columns, bronze tables and the raw
    files of their batches (`greenroom lineage table.column --json`). An unknown table or
    column raises lineage's `UnknownRelationError` / `UnknownColumnError`."""
    from greenroom.governance.lineage import trace_back

    path = trace_back(lake, f"{table}.{column}")
    return ColumnLineage(
        target=path.root,
        origin=path.origin,
        nodes=[
            LineageNode(id=n.id, relation=n.relation, column=n.column, kind=n.kind)
            for n in path.nodes.values()
        ],
        edges=[
            LineageEdge(
                source=e.source,
                target=e.target,
                transformation=e.transformation,
                precise=e.precise,
                subtype=e.subtype,
            )
            for e in path.edges
        ],
    )


def freshness(lake: Lakehouse, now: dt.datetime | None = None) -> list[TableFreshness]:
    """Per table, its last update (the current snapshot's commit time) and the hours since
    then (`now` defaults to the current UTC time)."""
    now = now or dt.datetime.now(dt.UTC)
    return [
        TableFreshness(
            table=t.name,
            last_updated=t.last_updated,
            hours_since=(
                None if t.last_updated is None else (now - t.last_updated).total_seconds() / 3600
            ),
        )
        for t in lake.list_tables()
    ]


# ---- helpers ------------------------------------------------------------------------------


def _paged(
    reader: Reader, rows_sql: str, order_by: str, page: Pagination, model: type[Any]
) -> Page[Any]:
    params: list[object] = []
    try:
        found = reader.sql(paged_sql(rows_sql, order_by, params, page), params).to_pylist()
    except TableNotFoundError:
        found = []
    items, total = page_rows(found)
    return Page[model](  # type: ignore[valid-type]
        items=[model.model_validate(r) for r in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


def _record(payload: str | None) -> dict[str, Any]:
    """A quarantined record as a JSON-able dict with strings cut to `MAX_TEXT`."""
    if payload is None:
        return {}
    if len(payload) <= _MAX_PAYLOAD:
        try:
            parsed = json.loads(payload)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            return {str(k): _cut(v, 0) for k, v in parsed.items()}
    return {"payload": _cut(payload, 0)}


def _cut(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return value if len(value) <= MAX_TEXT else value[: MAX_TEXT - 1] + "…"
    if depth >= 3 and isinstance(value, dict | list):
        return _cut(json.dumps(value, ensure_ascii=False), depth)
    if isinstance(value, dict):
        return {str(k): _cut(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut(v, depth + 1) for v in value[:50]]
    return value
