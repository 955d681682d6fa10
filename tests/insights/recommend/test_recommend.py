"""Recommendations on tiny worlds: only upcoming, never bought, reasons, cold start, errors."""

from __future__ import annotations

import pytest

from greenroom.errors import UserError
from greenroom.governance.principals import ADMIN
from greenroom.governance.session import governed_session
from greenroom.insights.recommend import (
    EmptyPreferencesError,
    TrainedRecommender,
    UnknownCustomerError,
    UserPreferences,
    generate_recommendations,
    train_recommender,
)
from greenroom.lake import Lakehouse
from greenroom.lake.reader import Reader
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", params=["clean", "messy"])
def setup(request: pytest.FixtureRequest) -> tuple[Reader, TrainedRecommender, BuiltWorld]:
    world: BuiltWorld = request.getfixturevalue(f"{request.param}_world")
    reader = governed_session(Lakehouse.open(world.settings), ADMIN)
    return reader, train_recommender(reader, world.settings.today), world


def _busiest_customer(reader: Reader) -> str:
    return str(
        reader.sql(
            "SELECT customer_id FROM silver.ticket_sales GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).column(0)[0]
    )


def test_known_customer_gets_upcoming_unbought_concerts_with_reasons(
    setup: tuple[Reader, TrainedRecommender, BuiltWorld],
) -> None:
    reader, model, world = setup
    cid = _busiest_customer(reader)
    recs = generate_recommendations(reader, model, UserPreferences(customer_id=cid, limit=5))
    assert 0 < len(recs) <= 5
    ids = [r.concert_id for r in recs]
    upcoming = (
        reader.sql(
            "SELECT concert_id FROM silver.concerts WHERE status = 'scheduled' AND event_date > ?",
            [str(world.settings.today)],
        )
        .column(0)
        .to_pylist()
    )
    bought = (
        reader.sql("SELECT concert_id FROM silver.ticket_sales WHERE customer_id = ?", [cid])
        .column(0)
        .to_pylist()
    )
    assert set(ids) <= set(upcoming)
    assert not set(ids) & set(bought)
    assert all(r.reason and r.artist and r.venue and r.city for r in recs)
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_cold_start_from_preferences_alone(
    setup: tuple[Reader, TrainedRecommender, BuiltWorld],
) -> None:
    reader, model, _ = setup
    city, genre, artist = (
        reader.sql(
            "SELECT v.city, a.primary_genre, a.name FROM silver.concerts c "
            "JOIN silver.venues v USING (venue_id) JOIN silver.artists a USING (artist_id) "
            "WHERE c.status = 'scheduled' ORDER BY c.concert_id LIMIT 1"
        )
        .to_pylist()[0]
        .values()
    )
    recs = generate_recommendations(
        reader, model, UserPreferences(genres=(genre,), cities=(city,), liked_artists=(artist,))
    )
    assert recs and recs[0].city == city
    assert all(r.reason for r in recs)
    cheap = generate_recommendations(reader, model, UserPreferences(cities=(city,), budget=1.0))
    assert cheap == []


def test_model_round_trips_through_bytes(
    setup: tuple[Reader, TrainedRecommender, BuiltWorld],
) -> None:
    _, model, _ = setup
    again = TrainedRecommender.from_bytes(model.to_bytes())
    assert again.metrics == model.metrics and again.weights == model.weights
    assert (again.factors.items == model.factors.items).all()
    assert set(model.metrics) == {"hybrid", "popularity", "content_only"}


def test_errors_say_what_to_do(setup: tuple[Reader, TrainedRecommender, BuiltWorld]) -> None:
    reader, model, _ = setup
    with pytest.raises(UnknownCustomerError) as info:
        generate_recommendations(reader, model, UserPreferences(customer_id="cus_nope"))
    assert isinstance(info.value, UserError) and info.value.code == "unknown_customer"
    assert "silver.customers" in str(info.value)
    with pytest.raises(EmptyPreferencesError, match="customer_id"):
        generate_recommendations(reader, model, UserPreferences())
