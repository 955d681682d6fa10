"""The insights views: forecasts of scheduled concerts and recommendations.

Forecasts are read from `gold.ticket_sales_forecast` (the pipeline materialises it from the
serving forecaster) through the caller's governed reader, joined to the silver concerts,
venues and artists the way the analytics views join them: a venue partner's filtered
`silver.concerts` limits the forecasts to its venues even before the policy's own row
filter on the forecast table. Recommendations run the serving recommender of the model
registry over the same governed reader.
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any

from greenroom.lake.exceptions import TableNotFoundError
from greenroom.web.queries.filters import (
    Pagination,
    add_param,
    page_rows,
    paged_sql,
    sql_conditions,
)
from greenroom.web.queries.insights_records import (
    NO_FORECASTS,
    NO_RECOMMENDER,
    ForecastFilter,
    ForecastPage,
    ForecastRow,
    RecommendationRow,
    Recommendations,
)

if TYPE_CHECKING:
    from greenroom.insights.recommend import TrainedRecommender, UserPreferences
    from greenroom.lake import Lakehouse
    from greenroom.lake.reader import Reader

FORECAST_TABLE = "gold.ticket_sales_forecast"
RECOMMENDER = "recommender"

_LATEST = f"""
SELECT fc.concert_id, a.name AS artist, v.name AS venue, v.city, v.country,
       CAST(fc.show_date AS DATE) AS show_date, fc.predicted_value, fc.lower_80, fc.upper_80,
       fc.lower_95, fc.upper_95, fc.confidence_score, fc.low_confidence, fc.sold_so_far,
       CASE WHEN fc.predicted_value > 0 THEN fc.sold_so_far / fc.predicted_value END
           AS progress,
       fc.model_version, CAST(fc.prediction_date AS DATE) AS prediction_date
FROM {FORECAST_TABLE} fc
JOIN silver.concerts c ON c.concert_id = fc.concert_id
JOIN silver.venues v ON v.venue_id = c.venue_id
JOIN silver.artists a ON a.artist_id = c.artist_id
WHERE c.status = 'scheduled'{{conditions}}
QUALIFY row_number() OVER (
    PARTITION BY fc.concert_id ORDER BY fc.prediction_date DESC, fc.calculated_at DESC) = 1
"""
"""The latest forecast of each scheduled concert (a forecast is remade every run)."""


def forecasts(
    reader: Reader, f: ForecastFilter | None = None, page: Pagination | None = None
) -> ForecastPage:
    """The latest forecast of each scheduled concert under `f`, soonest show first; a lake
    without `gold.ticket_sales_forecast` gives an empty page that says what to run."""
    f = f or ForecastFilter()
    page = page or Pagination()
    params: list[object] = []
    conditions = sql_conditions(f.analytics(), params)
    if f.low_confidence is not None:
        conditions.append(f"fc.low_confidence = {add_param(params, f.low_confidence)}")
    rows_sql = _LATEST.format(conditions="".join(f" AND {c}" for c in conditions))
    sql = paged_sql(rows_sql, "show_date, artist, concert_id", params, page)
    try:
        rows = reader.sql(sql, params).to_pylist()
    except TableNotFoundError as exc:
        if FORECAST_TABLE not in str(exc):
            raise
        return ForecastPage(
            items=[],
            total=0,
            limit=page.limit,
            offset=page.offset,
            available=False,
            message=NO_FORECASTS,
        )
    items, total = page_rows(rows)
    return ForecastPage(
        items=[ForecastRow(**r) for r in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
        available=True,
    )


def recommendations(reader: Reader, lake: Lakehouse, prefs: UserPreferences) -> Recommendations:
    """The serving recommender's picks for `prefs`, computed over `reader` (the caller's
    governed session); without a serving recommender, none and what to run."""
    from greenroom.insights.exceptions import RegistryError
    from greenroom.insights.recommend import EmptyPreferencesError, generate_recommendations
    from greenroom.insights.registry import ModelRegistry

    if prefs.is_empty():
        raise EmptyPreferencesError()
    registry = ModelRegistry(lake)
    try:
        serving = registry.version(RECOMMENDER)
        data = registry.load_artefact(RECOMMENDER, serving.version)
    except RegistryError:
        return Recommendations(
            available=False, message=NO_RECOMMENDER, model_version=None, items=[]
        )
    model = _model(data)
    picked = generate_recommendations(reader, model, prefs)
    return Recommendations(
        available=True,
        model_version=serving.version,
        items=[
            RecommendationRow(
                concert_id=r.concert_id,
                artist=r.artist,
                venue=r.venue,
                city=r.city,
                date=r.date,
                score=r.score,
                reason=r.reason,
            )
            for r in picked
        ],
    )


_models: dict[str, Any] = {}
_models_lock = threading.Lock()


def _model(data: bytes) -> TrainedRecommender:
    """The recommender in `data`, decoded once per artefact (keyed by its digest)."""
    from greenroom.insights.recommend import TrainedRecommender

    key = hashlib.sha256(data).hexdigest()
    with _models_lock:
        model = _models.get(key)
        if model is None:
            _models.clear()  # only the serving one is worth keeping
            model = _models[key] = TrainedRecommender.from_bytes(data)
    assert isinstance(model, TrainedRecommender)
    return model
