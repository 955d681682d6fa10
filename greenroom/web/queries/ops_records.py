"""The operations views' response models (the REST API's response schemas).

Timestamps are UTC. Iceberg snapshot ids are 64-bit integers: a JavaScript client must
read them as strings or BigInt to keep every digit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class SnapshotRow(_Record):
    snapshot_id: int = Field(description="Iceberg snapshot id.")
    parent_id: int | None = Field(description="The snapshot before it, if any.")
    committed_at: dt.datetime = Field(description="When it was committed (UTC).")
    operation: str = Field(description="`append`, `overwrite`, `delete` or `replace`.")
    added_records: int = Field(description="Records the commit added.")
    total_records: int = Field(description="Records in the table after the commit.")


class TableRow(_Record):
    name: str = Field(description="`namespace.table`.")
    namespace: str = Field(description="`bronze`, `silver`, `gold`, `quarantine` or `ops`.")
    rows: int = Field(description="Rows in the current snapshot.")
    snapshot_id: int | None = Field(description="The current snapshot (null: never written).")
    last_updated: dt.datetime | None = Field(description="Last metadata change (UTC).")
    data_files: int = Field(description="Data files in the current snapshot.")
    size_bytes: int = Field(description="Bytes of those data files.")
    snapshot_count: int = Field(description="Snapshots the table keeps (its history).")
    snapshots: list[SnapshotRow] = Field(description="The newest snapshots, newest first.")


class IngestionBatchRow(_Record):
    batch_id: str = Field(description="`<feed>-<content hash>`: one per delivery.")
    feed: str = Field(description="The source feed.")
    origin: str | None = Field(description="The file name, API endpoint or stream.")
    raw_path: str | None = Field(description="Where the raw delivery is kept.")
    bytes: int | None = Field(description="Size of the delivery.")
    received: int = Field(description="Records received (= accepted + quarantined).")
    accepted: int = Field(description="Records written to bronze.")
    quarantined: int = Field(description="Records written to quarantine.")
    duplicates: int | None = Field(description="Records dropped as already ingested.")
    snapshot_id: int | None = Field(description="The bronze snapshot holding the records.")
    started_at: dt.datetime | None = Field(description="When loading began (UTC).")
    finished_at: dt.datetime | None = Field(description="started_at + seconds (UTC).")
    seconds: float | None = Field(description="How long the delivery took.")
    status: Literal["ok", "partial", "rejected", "empty"] = Field(
        description="`ok` nothing quarantined, `partial` some, `rejected` all, `empty` none "
        "received."
    )


class QuarantineSample(_Record):
    source_record_id: str | None = Field(description="The record's id in its feed, if any.")
    batch_id: str | None = Field(description="The delivery it came in.")
    ingested_at: dt.datetime | None = Field(description="When it was ingested (UTC).")
    reasons: list[str] = Field(description="Every rule the record broke.")
    record: dict[str, Any] = Field(
        description="The record as received (strings cut to 200 characters; a record that "
        "is not a JSON object is under `payload`)."
    )


class QuarantineReason(_Record):
    rule: str = Field(description="The id of the broken rule (`feed.field.check`).")
    records: int = Field(description="Quarantined records that broke it.")
    samples: list[QuarantineSample] = Field(description="A few of them, oldest first.")


class QuarantineTable(_Record):
    table: str = Field(description="`quarantine.<feed>`.")
    records: int = Field(description="Quarantined records in the table.")
    reasons: list[QuarantineReason] = Field(description="Per rule, most records first.")


class QuarantineView(_Record):
    records: int = Field(description="Quarantined records over all tables.")
    tables: list[QuarantineTable] = Field(description="Per quarantine table, by name.")


class PipelineRunRow(_Record):
    run_id: str = Field(description="The run's id.")
    status: str = Field(description="How the run ended, e.g. `succeeded`, `failed`.")
    full: bool | None = Field(description="True for a `--full` rebuild.")
    started_at: dt.datetime | None = Field(description="Start (UTC).")
    finished_at: dt.datetime | None = Field(description="End (UTC).")
    seconds: float | None = Field(description="Duration.")
    jobs_succeeded: int | None = Field(description="Jobs that ran and succeeded.")
    jobs_skipped: int | None = Field(description="Jobs up to date, not run.")
    jobs_failed: int | None = Field(description="Jobs that failed.")
    jobs_blocked: int | None = Field(description="Jobs not run because an upstream failed.")
    rows_in: int | None = Field(description="Rows read by its jobs.")
    rows_out: int | None = Field(description="Rows written by its jobs.")
    failed_jobs: list[str] | None = Field(description="Names of the failed jobs.")
    message: str | None = Field(description="One-line summary.")


class JobRunRow(_Record):
    job: str = Field(description="The job's name.")
    status: str = Field(description="`succeeded`, `skipped`, `failed` or `blocked`.")
    mode: str | None = Field(description="`full` or `incremental`.")
    reason: str | None = Field(description="Why it ran (or did not).")
    attempts: int | None = Field(description="Attempts made (retries after transient errors).")
    started_at: dt.datetime | None = Field(description="Start (UTC).")
    finished_at: dt.datetime | None = Field(description="End (UTC).")
    seconds: float | None = Field(description="Duration.")
    rows_in: int | None = Field(description="Rows read.")
    rows_out: int | None = Field(description="Rows written.")
    written: list[str] | None = Field(description="Tables it wrote.")
    error_type: str | None = Field(description="The error's class, when it failed.")
    error: str | None = Field(description="The error's message, when it failed.")
    retryable: bool | None = Field(description="Whether the error was transient.")
    blocked_by: str | None = Field(description="The failed upstream job, when blocked.")


class PipelineRunDetail(_Record):
    run: PipelineRunRow = Field(description="The run.")
    jobs: list[JobRunRow] = Field(description="Its jobs, in the order they ran.")


class QualityMetric(_Record):
    metric: str = Field(description="`row_count`, `completeness`, `freshness_hours`, …")
    column: str | None = Field(description="The column, for per-column metrics.")
    value: float | None = Field(description="The measured value (rates are fractions).")
    measured_at: dt.datetime | None = Field(description="When it was measured (UTC).")


class QualityAlert(_Record):
    metric: str = Field(description="The metric that raised it.")
    column: str | None = Field(description="The column, for per-column metrics.")
    rule: str = Field(description="The anomaly rule.")
    severity: str = Field(description="`error` or `warn`.")
    value: float | None = Field(description="The measured value.")
    expected: float | None = Field(description="What the rule expected.")
    message: str = Field(description="What is wrong, in words.")
    raised_at: dt.datetime | None = Field(description="When (UTC).")


class TableQuality(_Record):
    table: str = Field(description="The measured table.")
    snapshot_id: int | None = Field(description="The snapshot measured.")
    errors: int = Field(description="Alerts of severity `error`.")
    warnings: int = Field(description="Alerts of severity `warn`.")
    metrics: list[QualityMetric] = Field(description="Its metrics, in metric-kind order.")
    alerts: list[QualityAlert] = Field(description="Its alerts, errors first.")


class QualityView(_Record):
    run_id: str | None = Field(description="The run reported; null when none was measured.")
    errors: int = Field(description="Error alerts over all tables.")
    warnings: int = Field(description="Warning alerts over all tables.")
    tables: list[TableQuality] = Field(description="One report per measured table, by name.")


class LineageNode(_Record):
    id: str = Field(description="`ns.table`, `ns.table.column` or `raw:<path>`.")
    relation: str = Field(description="The table (or the raw file's path).")
    column: str | None = Field(description="The column; null for a table or a file.")
    kind: Literal["bronze", "lake", "ephemeral", "reference", "raw"] = Field(
        description="What the node is: a lake table, a bronze table, a staging model, "
        "reference data or a raw file."
    )


class LineageEdge(_Record):
    source: str = Field(description="The input node's id.")
    target: str = Field(description="The output node's id.")
    transformation: str = Field(description="The model file, job or ingest batch.")
    precise: bool = Field(description="False when only traced to the table, not the column.")
    subtype: str | None = Field(description="How the column is derived (e.g. aggregation).")


class ColumnLineage(_Record):
    target: str = Field(description="The column asked for, `ns.table.column`.")
    origin: str = Field(description="Where the lineage came from (recorded or the models).")
    nodes: list[LineageNode] = Field(description="Every node upstream, the target first.")
    edges: list[LineageEdge] = Field(description="Input → output edges.")


class TableFreshness(_Record):
    table: str = Field(description="`namespace.table`.")
    last_updated: dt.datetime | None = Field(description="Last update (UTC).")
    hours_since: float | None = Field(description="Hours from then to now.")
