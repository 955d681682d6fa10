"""Forecasts for any artist × venue × date, the artefact round trip, and bad input."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from greenroom.insights.forecast import TrainedForecaster, predict_ticket_sales
from greenroom.insights.forecast.exceptions import (
    HorizonTooFarError,
    InvalidDateError,
    UnknownArtistError,
    UnknownVenueError,
)
from greenroom.lake.session import Session


def _never_played(reader: Session) -> tuple[str, str]:
    row = reader.sql(
        "SELECT a.artist_id, v.venue_id FROM silver.artists a CROSS JOIN silver.venues v"
        " WHERE NOT EXISTS (SELECT 1 FROM silver.concerts c"
        "   WHERE c.artist_id = a.artist_id AND c.venue_id = v.venue_id)"
        " ORDER BY 1, 2 LIMIT 1"
    ).to_pylist()[0]
    return row["artist_id"], row["venue_id"]


def test_a_pair_that_never_played_gets_ordered_intervals(
    messy_reader: Session, forecaster: TrainedForecaster
) -> None:
    artist, venue = _never_played(messy_reader)
    show = forecaster.today + dt.timedelta(days=120)
    result = predict_ticket_sales(messy_reader, forecaster, artist, venue, show.isoformat())
    assert result.concert_id is None and result.actual_value is None
    assert result.prediction_date == forecaster.today
    assert 0 <= result.lower_95 <= result.lower_80 <= result.predicted_value
    assert result.predicted_value <= result.upper_80 <= result.upper_95
    capacity = messy_reader.sql(
        "SELECT capacity FROM silver.venues WHERE venue_id = ?", [venue]
    ).to_pylist()[0]["capacity"]
    assert result.upper_95 <= capacity
    assert 0 <= result.confidence_score <= 1
    assert result.low_confidence == (result.confidence_score < 0.70)
    assert result.input_features["days_ahead"] == 120
    assert result.prediction_id.startswith("pred_")
    again = predict_ticket_sales(messy_reader, forecaster, artist, venue, show)
    assert replace(again, input_features={}) == replace(result, input_features={})
    for name, value in result.input_features.items():  # DuckDB's float sums may reorder
        assert again.input_features[name] == (value if value is None else pytest.approx(value))


def test_a_past_show_carries_its_actual_beside_the_forecast(
    messy_reader: Session, forecaster: TrainedForecaster
) -> None:
    row = messy_reader.sql(
        "SELECT c.artist_id, c.venue_id, CAST(c.local_start AS DATE) AS day,"
        " SUM(s.quantity) AS sold FROM silver.concerts c"
        " JOIN silver.ticket_sales s ON s.concert_id = c.concert_id"
        " WHERE c.status = 'completed' GROUP BY ALL ORDER BY day DESC LIMIT 1"
    ).to_pylist()[0]
    result = predict_ticket_sales(
        messy_reader, forecaster, row["artist_id"], row["venue_id"], row["day"]
    )
    assert result.actual_value == row["sold"]
    assert result.concert_id is not None
    assert result.prediction_date == row["day"]
    assert result.input_features["days_ahead"] == 0


def test_the_artefact_rebuilds_the_same_forecaster(
    messy_reader: Session, forecaster: TrainedForecaster
) -> None:
    rebuilt = TrainedForecaster.from_artefact(forecaster.artefact)
    assert rebuilt.version == forecaster.version
    assert rebuilt.features == forecaster.features
    artist, venue = _never_played(messy_reader)
    day = forecaster.today + dt.timedelta(days=30)
    one = predict_ticket_sales(messy_reader, forecaster, artist, venue, day)
    two = predict_ticket_sales(messy_reader, rebuilt, artist, venue, day)
    assert (one.predicted_value, one.upper_95) == (two.predicted_value, two.upper_95)
    assert {"train_rows", "calibration_rows", "calibration_mae"} <= set(forecaster.metrics)


def test_unknown_names_suggest_the_closest(
    messy_reader: Session, forecaster: TrainedForecaster
) -> None:
    artist = messy_reader.sql("SELECT name FROM silver.artists ORDER BY artist_id LIMIT 1")
    name = artist["name"][0].as_py()
    venue_id = messy_reader.sql("SELECT min(venue_id) AS v FROM silver.venues")["v"][0].as_py()
    day = forecaster.today + dt.timedelta(days=10)
    with pytest.raises(UnknownArtistError) as err:
        predict_ticket_sales(messy_reader, forecaster, name[:-1] + "x", venue_id, day)
    assert any(name in s for s in err.value.suggestions)
    assert err.value.error_payload()["code"] == "forecast_unknown_artist"
    by_name = predict_ticket_sales(messy_reader, forecaster, name.upper(), venue_id, day)
    assert by_name.artist_id.startswith("art_")
    with pytest.raises(UnknownVenueError) as verr:
        predict_ticket_sales(messy_reader, forecaster, name, "ven_nope", day)
    assert len(verr.value.suggestions) == 3 and "closest" in str(verr.value)


@pytest.mark.parametrize("bad", ["next friday", "2026-13-01", 20260701, None])
def test_a_date_that_is_not_a_date(
    messy_reader: Session, forecaster: TrainedForecaster, bad: object
) -> None:
    with pytest.raises(InvalidDateError) as err:
        predict_ticket_sales(messy_reader, forecaster, "x", "y", bad)
    assert err.value.code == "forecast_invalid_date"


def test_more_than_two_years_ahead_is_refused(
    messy_reader: Session, forecaster: TrainedForecaster
) -> None:
    far = forecaster.today + dt.timedelta(days=731)
    with pytest.raises(HorizonTooFarError) as err:
        predict_ticket_sales(messy_reader, forecaster, "x", "y", far)
    assert err.value.code == "forecast_horizon_exceeded"
    assert err.value.latest == (forecaster.today + dt.timedelta(days=730)).isoformat()
