"""Operations over HTTP: tables and snapshots, ingestion, quarantine, pipeline runs, quality,
lineage, freshness and the readiness scorecard. Needs the `operations` right."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from greenroom.web import queries as q
from greenroom.web.api.analytics import cached
from greenroom.web.auth import Caller
from greenroom.web.deps import StateDep, requires, strict_query
from greenroom.web.errors import ERROR_RESPONSES

router = APIRouter(
    prefix="/api/ops",
    tags=["operations"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(strict_query)],
)

OpsCaller = Annotated[Caller, Depends(requires("operations"))]
PageParams = Annotated[q.Pagination, Query()]
NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
TABLE = r"^(bronze|silver|gold|ops|quarantine)\.[A-Za-z_][A-Za-z0-9_]*$"


@router.get("/tables", response_model=list[q.TableRow], summary="Tables with their snapshots")
async def tables(request: Request, state: StateDep, caller: OpsCaller) -> Response:
    return await cached(request, state, caller, lambda _r: q.tables(state.lake))


@router.get("/freshness", response_model=list[q.TableFreshness], summary="Hours since each update")
def freshness(state: StateDep, _caller: OpsCaller) -> list[q.TableFreshness]:
    return q.freshness(state.lake)  # not cached: the hours move with the clock


@router.get(
    "/ingestion/batches",
    response_model=q.Page[q.IngestionBatchRow],
    summary="Ingestion batches: received, accepted, quarantined",
)
async def ingestion_batches(
    request: Request, state: StateDep, caller: OpsCaller, page: PageParams
) -> Response:
    return await cached(request, state, caller, lambda r: q.ingestion_batches(r, page))


@router.get(
    "/quarantine", response_model=q.QuarantineView, summary="Quarantine by rule, with samples"
)
async def quarantine(
    request: Request,
    state: StateDep,
    caller: OpsCaller,
    sample: Annotated[int, Query(ge=0, le=50, description="Sample records per rule.")] = 5,
) -> Response:
    return await cached(request, state, caller, lambda r: q.quarantine(r, sample))


@router.get("/pipeline/runs", response_model=q.Page[q.PipelineRunRow], summary="Pipeline runs")
async def pipeline_runs(
    request: Request, state: StateDep, caller: OpsCaller, page: PageParams
) -> Response:
    return await cached(request, state, caller, lambda r: q.pipeline_runs(r, page))


@router.get(
    "/pipeline/runs/{run_id}", response_model=q.PipelineRunDetail, summary="One run and its jobs"
)
async def pipeline_run(
    request: Request,
    state: StateDep,
    caller: OpsCaller,
    run_id: Annotated[str, Path(min_length=1, max_length=100)],
) -> Response:
    return await cached(request, state, caller, lambda r: q.pipeline_run(r, run_id))


@router.get("/quality", response_model=q.QualityView, summary="Quality metrics and alerts")
async def quality(
    request: Request,
    state: StateDep,
    caller: OpsCaller,
    run_id: Annotated[str | None, Query(max_length=100, description="Default: latest.")] = None,
) -> Response:
    return await cached(request, state, caller, lambda _r: q.quality(state.lake, run_id))


@router.get(
    "/lineage/{table}/{column}",
    response_model=q.ColumnLineage,
    summary="What a column is computed from, back to bronze and raw files",
)
async def lineage(
    request: Request,
    state: StateDep,
    caller: OpsCaller,
    table: Annotated[str, Path(pattern=TABLE, description="`ns.name`, e.g. `gold.sales_daily`")],
    column: Annotated[str, Path(pattern=NAME)],
) -> Response:
    return await cached(
        request, state, caller, lambda _r: q.column_lineage(state.lake, table, column)
    )


@router.get(
    "/readiness",
    response_model=dict[str, Any],
    summary="The data-readiness scorecard (as `greenroom readiness --json`)",
)
async def readiness(request: Request, state: StateDep, caller: OpsCaller) -> Response:
    from greenroom.compose import personal_data_scorer
    from greenroom.quality.readiness import readiness_report

    personal = personal_data_scorer(state.lake, state.lake.settings)
    return await cached(
        request,
        state,
        caller,
        lambda r: readiness_report(state.lake, r, personal_data=personal).to_dict(),
    )
