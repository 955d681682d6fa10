"""The semantic layer over HTTP: its catalogue, typed queries, and raw SQL for those allowed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from greenroom.governance.session import GovernedSession
from greenroom.semantic import SemanticQuery
from greenroom.web.auth import Caller
from greenroom.web.deps import StateDep, reader_for, requires, strict_query
from greenroom.web.errors import ERROR_RESPONSES

router = APIRouter(
    prefix="/api",
    tags=["semantic layer"],
    responses=ERROR_RESPONSES,
    dependencies=[Depends(strict_query)],
)

SQL_ROW_CAP = 10_000


class MetricInfo(BaseModel):
    name: str
    label: str
    description: str


class DimensionInfo(BaseModel):
    name: str
    label: str
    time: bool = Field(description="A period dimension (year, quarter, month, weekday).")


class Catalogue(BaseModel):
    metrics: list[MetricInfo]
    dimensions: list[DimensionInfo]


class QueryResult(BaseModel):
    columns: list[str]
    rows: list[list[Any]]
    sql: str | None = Field(default=None, description="The SQL that produced the rows.")
    truncated: bool = Field(default=False, description="More rows existed than were returned.")


class SqlRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sql: str = Field(min_length=1, max_length=20_000, description="One read-only statement.")


@router.get("/metrics", response_model=Catalogue, summary="Every metric and dimension")
def metrics(_caller: Annotated[Caller, Depends(requires("metrics"))]) -> Catalogue:
    from greenroom.semantic import get_catalog

    return Catalogue.model_validate(get_catalog().describe())


@router.post("/metrics/query", response_model=QueryResult, summary="Run a typed query")
def metrics_query(
    query: SemanticQuery,
    reader: Annotated[GovernedSession, Depends(reader_for("metrics"))],
    state: StateDep,
) -> QueryResult:
    from greenroom.lake.jsonable import table_to_json
    from greenroom.semantic import SemanticLayer

    result = SemanticLayer(reader, state.settings.today).run(query)
    return QueryResult(**table_to_json(result.table), sql=result.compiled.display_sql)


@router.post("/sql", response_model=QueryResult, summary="Run read-only SQL (DuckDB dialect)")
def sql(
    body: SqlRequest,
    reader: Annotated[GovernedSession, Depends(reader_for("sql"))],
) -> QueryResult:
    from greenroom.lake.jsonable import table_to_json

    table = reader.sql(body.sql)
    truncated = table.num_rows > SQL_ROW_CAP
    return QueryResult(**table_to_json(table.slice(0, SQL_ROW_CAP)), truncated=truncated)
