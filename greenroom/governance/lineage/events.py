"""OpenLineage RunEvents for one job: inputs and outputs as datasets, the output's schema
and its `columnLineage` facet.

Staging (ephemeral) models are part of the job that uses them, so datasets are lake tables
and reference relations only, and column lineage is resolved through staging down to
their columns. A column traced only at table level lists every column of the input it
may come from, with a description that says so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.facet_v2 import (
    DatasetFacet,
    JobFacet,
    RunFacet,
    column_lineage_dataset,
    error_message_run,
    job_type_job,
    parent_run,
    schema_dataset,
    sql_job,
)

from greenroom import __version__
from greenroom.governance.lineage.graph import LineageGraph, Origin, only_ephemeral
from greenroom.governance.lineage.records import JobLineage
from greenroom.governance.lineage.schemas import UNKNOWN, Schemas

PRODUCER = f"urn:greenroom:governance.lineage:{__version__}"
PARENT_JOB = "greenroom.pipeline"
_IDS = uuid.UUID("5d0c8a52-6a43-4a8e-9a7e-5b0f8e2f6c11")
_FALLBACK = "table-level: sqlglot could not trace this column; any column of the input may feed it"

Phase = Literal["START", "COMPLETE", "FAIL"]


def run_uuid(run_id: str, job: str | None = None) -> str:
    """A stable UUID for a pipeline run (`job` None) or one job of it."""
    if job is None:
        try:
            return str(uuid.UUID(run_id))
        except ValueError:
            pass
    return str(uuid.uuid5(_IDS, run_id if job is None else f"{run_id}/{job}"))


def run_event(
    graph: LineageGraph,
    schemas: Schemas,
    job: JobLineage,
    *,
    phase: Phase,
    namespace: str,
    run_id: str,
    at: dt.datetime,
    error: str | None = None,
) -> RunEvent:
    target = job.job.target
    inputs = sorted(rel for rel, _ in graph.resolve(target, None, only_ephemeral) if rel != target)
    run_facets: dict[str, RunFacet] = {
        "parent": parent_run.ParentRunFacet(
            run=parent_run.Run(runId=run_uuid(run_id)),
            job=parent_run.Job(namespace=namespace, name=PARENT_JOB),
        )
    }
    if error is not None:
        run_facets["errorMessage"] = error_message_run.ErrorMessageRunFacet(
            message=error, programmingLanguage="python"
        )
    output_facets: dict[str, DatasetFacet] = {"schema": _schema(schemas, target, job.columns)}
    if phase != "START":
        output_facets["columnLineage"] = _column_lineage(graph, schemas, job, namespace)
    return RunEvent(
        eventType=RunState[phase],
        eventTime=at.astimezone(dt.UTC).isoformat(),
        producer=PRODUCER,
        run=Run(runId=run_uuid(run_id, job.job.name), facets=run_facets),
        job=Job(namespace=namespace, name=job.job.name, facets=_job_facets(job)),
        inputs=[
            InputDataset(namespace=namespace, name=rel, facets=_input_facets(schemas, rel))
            for rel in inputs
        ],
        outputs=[OutputDataset(namespace=namespace, name=target, facets=output_facets)],
    )


def _job_facets(job: JobLineage) -> dict[str, JobFacet]:
    facets: dict[str, JobFacet] = {
        "jobType": job_type_job.JobTypeJobFacet(
            processingType="BATCH",
            integration="GREENROOM",
            jobType="MODEL" if job.job.language == "sql" else "TASK",
        )
    }
    if job.job.sql is not None:
        facets["sql"] = sql_job.SQLJobFacet(query=job.job.sql, dialect="duckdb")
    return facets


def _input_facets(schemas: Schemas, relation: str) -> dict[str, DatasetFacet]:
    columns = schemas.columns(relation)
    return {"schema": _schema(schemas, relation, columns)} if columns else {}


def _schema(schemas: Schemas, relation: str, columns: tuple[str, ...]) -> DatasetFacet:
    types = schemas.types(relation)
    return schema_dataset.SchemaDatasetFacet(
        fields=[
            schema_dataset.SchemaDatasetFacetFields(
                name=c, type=None if types.get(c, UNKNOWN) == UNKNOWN else types[c]
            )
            for c in columns
        ]
    )


def _column_lineage(
    graph: LineageGraph, schemas: Schemas, job: JobLineage, namespace: str
) -> DatasetFacet:
    fields: dict[str, column_lineage_dataset.Fields] = {}
    for column in job.columns:
        inputs: list[column_lineage_dataset.InputField] = []
        rows: list[str] = []
        resolved = graph.resolve(job.job.target, column, only_ephemeral)
        for (relation, source_column), origin in sorted(resolved.items(), key=_order):
            if source_column is not None:
                inputs.append(_field(namespace, relation, source_column, origin))
            elif not origin.precise:
                everything = graph.columns(relation) or schemas.columns(relation)
                inputs += [_field(namespace, relation, c, origin) for c in everything]
            else:
                rows.append(relation)
        description = f"one value per row of {', '.join(rows)}" if rows and not inputs else None
        fields[column] = column_lineage_dataset.Fields(
            inputFields=inputs, transformationDescription=description
        )
    return column_lineage_dataset.ColumnLineageDatasetFacet(fields=fields)


def _field(
    namespace: str, relation: str, column: str, origin: Origin
) -> column_lineage_dataset.InputField:
    transformation = column_lineage_dataset.Transformation(
        type="DIRECT",
        subtype=origin.subtype or "TRANSFORMATION",
        description=None if origin.precise else _FALLBACK,
    )
    return column_lineage_dataset.InputField(
        namespace=namespace, name=relation, field=column, transformations=[transformation]
    )


def _order(item: tuple[tuple[str, str | None], Origin]) -> tuple[str, str]:
    (relation, column), _ = item
    return relation, column or ""
