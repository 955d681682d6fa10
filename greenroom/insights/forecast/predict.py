"""One forecast for any artist × venue × date, real concert or not.

The forecast is made as of the model's reference date (``model.today``), or as of the show
date itself for a show in the past — then ``actual_value`` carries the tickets it really
sold, where the lake knows the concert, beside the model's value.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from rapidfuzz import fuzz, process

from greenroom.insights.forecast.exceptions import (
    HorizonTooFarError,
    InvalidDateError,
    UnknownArtistError,
    UnknownVenueError,
)
from greenroom.insights.forecast.features import (
    FEATURES,
    TARGETS_SCHEMA,
    build_features,
    concert_targets,
)
from greenroom.insights.forecast.model import TrainedForecaster
from greenroom.lake.reader import Reader

HORIZON_DAYS = 730


@dataclass(frozen=True)
class PredictionResult:
    """A ticket-sales forecast (the columns of gold.ticket_sales_forecast, per show)."""

    prediction_id: str
    model_type: str
    model_version: str
    artist_id: str
    venue_id: str
    show_date: dt.date
    input_features: dict[str, Any]
    predicted_value: float
    lower_80: float
    upper_80: float
    lower_95: float
    upper_95: float
    confidence_score: float
    low_confidence: bool
    prediction_date: dt.date
    actual_value: float | None
    concert_id: str | None


def parse_date(value: object) -> dt.date:
    """A date from a date, a datetime or an ISO string; :class:`InvalidDateError` otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidDateError(str(value))


def _resolve(reader: Reader, kind: str, given: str) -> str:
    table = reader.sql(f"SELECT {kind}_id AS id, name FROM silver.{kind}s ORDER BY id")
    ids = [str(v) for v in table["id"].to_pylist()]
    names = [str(v) for v in table["name"].to_pylist()]
    if given in ids:
        return given
    exact = [i for i, n in zip(ids, names, strict=True) if n.casefold() == given.casefold()]
    if len(exact) == 1:
        return exact[0]
    labels = [f"{n} ({i})" for i, n in zip(ids, names, strict=True)]
    choices = {k: label for k, label in enumerate(labels)}
    best = process.extract(given, choices, scorer=fuzz.WRatio, limit=3)
    suggestions = [label for label, _score, _key in best]
    if kind == "artist":
        raise UnknownArtistError(given, suggestions)
    raise UnknownVenueError(given, suggestions)


def predict_ticket_sales(
    reader: Reader, model: TrainedForecaster, artist_id: str, venue_id: str, date: object
) -> PredictionResult:
    """Forecast the tickets ``artist_id`` would sell at ``venue_id`` on ``date``.

    ``artist_id`` / ``venue_id`` may also be exact names. Raises a
    :class:`~greenroom.insights.forecast.exceptions.ForecastInputError` subclass for an
    unknown artist or venue (naming the closest), a non-date, or a date over 2 years ahead.
    """
    show = parse_date(date)
    latest = model.today + dt.timedelta(days=HORIZON_DAYS)
    if show > latest:
        raise HorizonTooFarError(show.isoformat(), latest.isoformat())
    artist = _resolve(reader, "artist", str(artist_id))
    venue = _resolve(reader, "venue", str(venue_id))
    as_of = min(show, model.today)
    known = concert_targets(
        reader,
        "c.artist_id = ? AND c.venue_id = ? AND c.status <> 'cancelled'"
        " AND CAST(COALESCE(c.local_start, c.event_date) AS DATE) = ?",
        "?::DATE",
        [as_of, artist, venue, show],
    )
    if known.num_rows:
        targets = known.slice(0, 1)
        concert_id: str | None = targets["concert_id"][0].as_py()
        actual = targets["actual"][0].as_py() if show < model.today else None
    else:
        row = {"row_id": 1, "artist_id": artist, "venue_id": venue, "show_date": show}
        row |= {"as_of": as_of, "price_min": None, "price_max": None, "n_tiers": None}
        targets = pa.Table.from_pylist([row], schema=TARGETS_SCHEMA)
        concert_id, actual = None, None
    features = build_features(reader, targets)
    out = model.predict(features).to_pylist()[0]
    inputs = {name: features[name][0].as_py() for name in FEATURES}
    key = f"{model.version}|{artist}|{venue}|{show}|{as_of}"
    return PredictionResult(
        prediction_id="pred_" + hashlib.sha256(key.encode()).hexdigest()[:16],
        model_type=model.model_type,
        model_version=model.version,
        artist_id=artist,
        venue_id=venue,
        show_date=show,
        input_features=inputs,
        predicted_value=round(float(out["predicted_value"]), 1),
        lower_80=round(float(out["lower_80"]), 1),
        upper_80=round(float(out["upper_80"]), 1),
        lower_95=round(float(out["lower_95"]), 1),
        upper_95=round(float(out["upper_95"]), 1),
        confidence_score=round(float(out["confidence_score"]), 3),
        low_confidence=bool(out["low_confidence"]),
        prediction_date=as_of,
        actual_value=float(actual) if actual is not None else None,
        concert_id=concert_id,
    )
