"""The data layer of the REST API and the dashboard: typed views over a `Reader`.

    with governed_session(lake, principal) as reader:
        overview(reader, settings.today, AnalyticsFilter(genre="metal"))
        venue_popularity(reader, settings.today, AnalyticsFilter(), Pagination(limit=20))
        tables(lake)

`analytics` holds the business numbers (all through the semantic layer, so the dashboard
and the chat agree), `insights` the forecasts and recommendations, `ops` the operations views (tables, ingestion, quarantine, pipeline
runs, quality, lineage, freshness). Every result is a pydantic model: the API's response
schema. Errors are `greenroom.errors.GreenroomError`s with stable codes.
"""

from greenroom.web.queries.analytics import (
    artist_performance,
    breakdown,
    concert_detail,
    filter_options,
    overview,
    sales_by_day,
    venue_popularity,
)
from greenroom.web.queries.exceptions import (
    ConcertNotFoundError,
    PeriodConflictError,
    PipelineRunNotFoundError,
    WebQueryError,
)
from greenroom.web.queries.filters import AnalyticsFilter, Page, Pagination
from greenroom.web.queries.insights import forecasts, recommendations
from greenroom.web.queries.insights_records import (
    ForecastFilter,
    ForecastPage,
    ForecastRow,
    RecommendationRow,
    Recommendations,
)
from greenroom.web.queries.ops import (
    column_lineage,
    freshness,
    ingestion_batches,
    pipeline_run,
    pipeline_runs,
    quality,
    quarantine,
    tables,
)
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
from greenroom.web.queries.records import (
    ArtistRow,
    Breakdown,
    BreakdownBy,
    BreakdownRow,
    ConcertDetail,
    DayRow,
    FilterOptions,
    Kpi,
    MonthPoint,
    Overview,
    PeriodSpan,
    SalesDay,
    TopItem,
    VenueRow,
)

__all__ = [
    "AnalyticsFilter",
    "ArtistRow",
    "Breakdown",
    "BreakdownBy",
    "BreakdownRow",
    "ColumnLineage",
    "ConcertDetail",
    "ConcertNotFoundError",
    "DayRow",
    "FilterOptions",
    "ForecastFilter",
    "ForecastPage",
    "ForecastRow",
    "IngestionBatchRow",
    "JobRunRow",
    "Kpi",
    "LineageEdge",
    "LineageNode",
    "MonthPoint",
    "Overview",
    "Page",
    "Pagination",
    "PeriodConflictError",
    "PeriodSpan",
    "PipelineRunDetail",
    "PipelineRunNotFoundError",
    "PipelineRunRow",
    "QualityAlert",
    "QualityMetric",
    "QualityView",
    "QuarantineReason",
    "QuarantineSample",
    "QuarantineTable",
    "QuarantineView",
    "RecommendationRow",
    "Recommendations",
    "SalesDay",
    "SnapshotRow",
    "TableFreshness",
    "TableQuality",
    "TableRow",
    "TopItem",
    "VenueRow",
    "WebQueryError",
    "artist_performance",
    "breakdown",
    "column_lineage",
    "concert_detail",
    "filter_options",
    "forecasts",
    "freshness",
    "ingestion_batches",
    "overview",
    "pipeline_run",
    "pipeline_runs",
    "quality",
    "quarantine",
    "recommendations",
    "sales_by_day",
    "tables",
    "venue_popularity",
]
