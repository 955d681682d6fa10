"""The insights' gold tables, as pipeline jobs (wired in by `greenroom.compose.pipeline_jobs`).

- `gold.ticket_sales_forecast` — the serving `ticket_sales_forecast` model's forecast of
  every scheduled concert, one row per concert, model version and prediction date (the
  date the forecast is made as of: the model's training date). A run replaces the rows of
  the serving version's prediction date and keeps every earlier forecast, so a concert
  forecast by version 1 and then by version 2 has two rows; once a show is completed its
  rows get `actual_value`, and accuracy over time is a query. Skipped (mode `unchanged`,
  note `no_serving_forecaster`) while no forecaster serves.
- `gold.trend_growth`, `gold.trend_anomalies` — `trend_growth` / `trend_anomalies` over
  the last 12 months before the reference date, recomputed whole.

The pipeline package knows nothing of these; they read through the pipeline's session
(the `system` principal), as the pipeline's own jobs do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.insights._versions import TABLE as MODELS_TABLE
from greenroom.pipeline.job import Job, JobContext, JobOutput
from greenroom.pipeline.lineage import ColumnLineage

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

MODEL = "ticket_sales_forecast"
FORECAST = "gold.ticket_sales_forecast"
GROWTH = "gold.trend_growth"
ANOMALIES = "gold.trend_anomalies"
PERIOD = "last_12_months"
SILVER = ("silver.artists", "silver.concerts", "silver.ticket_sales", "silver.venues")
_TS = pa.timestamp("us", tz="UTC")

FORECAST_SCHEMA = pa.schema(
    [
        ("concert_id", pa.string()),
        ("artist_id", pa.string()),
        ("venue_id", pa.string()),
        ("show_date", pa.date32()),
        ("predicted_value", pa.float64()),
        ("lower_80", pa.float64()),
        ("upper_80", pa.float64()),
        ("lower_95", pa.float64()),
        ("upper_95", pa.float64()),
        ("confidence_score", pa.float64()),
        ("low_confidence", pa.bool_()),
        ("sold_so_far", pa.float64()),
        ("actual_value", pa.float64()),
        ("model_version", pa.int64()),
        ("prediction_date", pa.date32()),
        ("calculated_at", _TS),
    ]
)
_PREDICTED = (
    "predicted_value",
    "lower_80",
    "upper_80",
    "lower_95",
    "upper_95",
    "confidence_score",
    "low_confidence",
)

_FORECAST_SQL = """
WITH sold AS (
    SELECT concert_id, SUM(quantity)::DOUBLE AS tickets
    FROM silver.ticket_sales GROUP BY concert_id
),
actual AS (
    SELECT concert_id, CAST(total_attendance AS DOUBLE) AS actual_value
    FROM silver.concerts WHERE status = 'completed'
),
fresh AS (
    SELECT f.concert_id, c.artist_id, c.venue_id,
           CAST(COALESCE(c.local_start, c.event_date) AS DATE) AS show_date,
           f.predicted_value, f.lower_80, f.upper_80, f.lower_95, f.upper_95,
           f.confidence_score, f.low_confidence,
           COALESCE(s.tickets, 0)::DOUBLE AS sold_so_far,
           f.model_version, f.prediction_date, (SELECT run_at FROM params) AS calculated_at
    FROM forecast_fresh f
    JOIN silver.concerts c ON c.concert_id = f.concert_id
    LEFT JOIN sold s ON s.concert_id = f.concert_id
),
kept AS (
    SELECT e.* EXCLUDE (actual_value) FROM forecast_earlier e
    WHERE NOT EXISTS (
        SELECT 1 FROM fresh n
        WHERE n.concert_id = e.concert_id AND n.model_version = e.model_version
          AND n.prediction_date = e.prediction_date
    )
),
rows AS (SELECT * FROM fresh UNION ALL SELECT * FROM kept)
SELECT r.concert_id, r.artist_id, r.venue_id, r.show_date, r.predicted_value,
       r.lower_80, r.upper_80, r.lower_95, r.upper_95, r.confidence_score, r.low_confidence,
       r.sold_so_far, a.actual_value, r.model_version, r.prediction_date, r.calculated_at
FROM rows r LEFT JOIN actual a ON a.concert_id = r.concert_id
ORDER BY r.prediction_date, r.model_version, r.concert_id
"""


def forecast_rows(ctx: JobContext) -> pa.Table | None:
    """This run's `gold.ticket_sales_forecast`: the serving forecaster's forecasts of the
    scheduled concerts, with the table's earlier rows kept; None when nothing serves."""
    from greenroom.insights.forecast.backtest import forecast_scheduled
    from greenroom.insights.forecast.model import TrainedForecaster
    from greenroom.insights.registry import ModelRegistry

    registry = ModelRegistry(ctx.lake, ctx.settings)
    serving = registry.serving(MODEL)
    if serving is None:
        return None
    model = TrainedForecaster.from_artefact(registry.load_artefact(MODEL, serving.version))
    predicted = forecast_scheduled(ctx.session, model)
    n = predicted.num_rows
    fresh = predicted.select(["concert_id", *_PREDICTED])
    fresh = fresh.append_column("model_version", pa.array([serving.version] * n, pa.int64()))
    fresh = fresh.append_column("prediction_date", pa.array([model.today] * n, pa.date32()))
    ctx.register("forecast_fresh", fresh)
    earlier = ctx.lake.read(FORECAST) if ctx.exists(FORECAST) else FORECAST_SCHEMA.empty_table()
    ctx.register("forecast_earlier", earlier.select(FORECAST_SCHEMA.names).cast(FORECAST_SCHEMA))
    return ctx.session.sql(_FORECAST_SQL).cast(FORECAST_SCHEMA)


def run_forecast(ctx: JobContext) -> JobOutput:
    data = forecast_rows(ctx)
    if data is None:
        return JobOutput(rows_in=0, mode="unchanged", notes={"no_serving_forecaster": 1})
    ctx.write(FORECAST, data, compare=True, volatile=("calculated_at",))
    rows_in = sum(ctx.snapshots.rows(t) for t in ("silver.concerts", "silver.ticket_sales"))
    return JobOutput(rows_in=rows_in, notes={"forecasts": data.num_rows})


def _with_calculated_at(ctx: JobContext, data: pa.Table) -> pa.Table:
    return data.append_column("calculated_at", pa.array([ctx.run_at] * data.num_rows, _TS))


def growth_rows(ctx: JobContext) -> pa.Table:
    """`trend_growth` of the last 12 months, with the run's `calculated_at`."""
    from greenroom.insights.trends import trend_growth

    reader: Reader = ctx.session
    return _with_calculated_at(ctx, trend_growth(reader, PERIOD, today=ctx.settings.today))


def anomaly_rows(ctx: JobContext) -> pa.Table:
    """`trend_anomalies` of the last 12 months, with the run's `calculated_at`."""
    from greenroom.insights.trends import trend_anomalies

    reader: Reader = ctx.session
    return _with_calculated_at(ctx, trend_anomalies(reader, PERIOD, today=ctx.settings.today))


def run_growth(ctx: JobContext) -> JobOutput:
    data = growth_rows(ctx)
    ctx.write(GROWTH, data, compare=True, volatile=("calculated_at",))
    return JobOutput(rows_in=ctx.snapshots.rows("silver.ticket_sales"))


def run_anomalies(ctx: JobContext) -> JobOutput:
    data = anomaly_rows(ctx)
    ctx.write(ANOMALIES, data, compare=True, volatile=("calculated_at",))
    return JobOutput(rows_in=ctx.snapshots.rows("silver.ticket_sales"))


_SHOW = ("silver.concerts", "silver.artists", "silver.venues", "silver.ticket_sales")
_MODEL_INPUTS = (*_SHOW, MODELS_TABLE)
FORECAST_LINEAGE = ColumnLineage(
    FORECAST,
    code=forecast_rows,
    materialized="table",
    columns={
        "concert_id": ("silver.concerts.concert_id",),
        "artist_id": ("silver.concerts.artist_id",),
        "venue_id": ("silver.concerts.venue_id",),
        "show_date": ("silver.concerts.local_start", "silver.concerts.event_date"),
        **{name: _MODEL_INPUTS for name in _PREDICTED},
        "sold_so_far": ("silver.ticket_sales.quantity",),
        "actual_value": ("silver.concerts.total_attendance", "silver.concerts.status"),
        "model_version": (f"{MODELS_TABLE}.version",),
        "prediction_date": (MODELS_TABLE,),
        "calculated_at": (FORECAST,),
    },
    identity=frozenset({"concert_id", "artist_id", "venue_id"}),
)
_TREND_INPUTS = ("silver.ticket_sales", "silver.concerts")
GROWTH_LINEAGE = ColumnLineage(
    GROWTH,
    code=growth_rows,
    materialized="table",
    columns={
        "metric": _TREND_INPUTS,
        "dimension": _TREND_INPUTS,
        "key": (
            "silver.artists.artist_id",
            "silver.artists.genres",
            "silver.venues.venue_id",
            "silver.venues.city",
            "silver.venues.country",
        ),
        "member": ("silver.artists.name", "silver.venues.name", "silver.venues.city"),
        "period_start": ("silver.ticket_sales",),
        "period_end": ("silver.ticket_sales",),
        **{
            name: SILVER
            for name in (
                "value_now",
                "value_before",
                "change",
                "growth",
                "concerts_now",
                "concerts_before",
                "p_value",
                "q_value",
                "significant",
            )
        },
        "drivers": ("silver.artists.name", "silver.ticket_sales", "silver.concerts.artist_id"),
        "calculated_at": (GROWTH,),
    },
)
ANOMALY_LINEAGE = ColumnLineage(
    ANOMALIES,
    code=anomaly_rows,
    materialized="table",
    columns={
        "metric": _TREND_INPUTS,
        "day": ("silver.concerts.event_date",),
        "value": _TREND_INPUTS,
        "expected": _TREND_INPUTS,
        "robust_z": _TREND_INPUTS,
        "direction": _TREND_INPUTS,
        "calculated_at": (ANOMALIES,),
    },
)

TICKET_SALES_FORECAST = Job(
    name="ticket_sales_forecast",
    inputs=(*_SHOW, MODELS_TABLE, FORECAST),
    optional_inputs=(MODELS_TABLE, FORECAST),
    outputs=(FORECAST,),
    run=run_forecast,
    description="the serving forecaster's forecast of every scheduled concert, and actuals",
    lineage=(FORECAST_LINEAGE,),
)
TREND_GROWTH = Job(
    name="trend_growth",
    inputs=SILVER,
    outputs=(GROWTH,),
    run=run_growth,
    description="growth of the last 12 months per artist, genre, city, country and venue",
    lineage=(GROWTH_LINEAGE,),
)
TREND_ANOMALIES = Job(
    name="trend_anomalies",
    inputs=SILVER,
    outputs=(ANOMALIES,),
    run=run_anomalies,
    description="anomalous days of the last 12 months and the year before",
    lineage=(ANOMALY_LINEAGE,),
)
JOBS: tuple[Job, ...] = (TICKET_SALES_FORECAST, TREND_GROWTH, TREND_ANOMALIES)
"""The insights' jobs, after the pipeline's own (`greenroom.compose.pipeline_jobs`)."""
