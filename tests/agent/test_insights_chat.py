"""The chat answers insights questions through the insights tools, with the library's numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from greenroom.compose import build_assistant
from greenroom.governance.principals import Principal
from greenroom.insights.forecast import TrainedForecaster, predict_ticket_sales
from greenroom.insights.recommend import (
    TrainedRecommender,
    UserPreferences,
    generate_recommendations,
)
from greenroom.insights.registry import ModelRegistry
from greenroom.insights.train import train
from greenroom.insights.trends import trend_growth
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld, _build_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    built: BuiltWorld = _build_world(tmp_path_factory.mktemp("insights-chat"), clean=True)
    lake = Lakehouse.open(built.settings)
    bot, session = build_assistant(lake, built.settings, memory=False)
    show = session.sql(
        "SELECT a.name AS artist, v.name AS venue, v.venue_id FROM silver.concerts c"
        " JOIN silver.artists a USING (artist_id) JOIN silver.venues v USING (venue_id)"
        " WHERE c.status = 'scheduled' ORDER BY c.event_date, c.concert_id LIMIT 1"
    ).to_pylist()[0]
    question = f"how many tickets will {show['artist']} sell at {show['venue']} on 12 September?"
    untrained = bot.process_user_query(question)
    for name in ("ticket_sales_forecast", "recommender"):
        assert train(lake, built.settings, name).status == "serving"
    return {"built": built, "lake": lake, "bot": bot, "reader": session, "show": show,
            "question": question, "untrained": untrained}  # fmt: skip


def test_untrained_refusal_names_the_command(world: dict[str, Any]) -> None:
    response = world["untrained"]
    assert response.kind == "refusal"
    assert "greenroom ml train" in response.answer


def test_forecast_matches_the_library(world: dict[str, Any]) -> None:
    show, lake, reader = world["show"], world["lake"], world["reader"]
    response = world["bot"].process_user_query(world["question"])
    assert response.kind == "answer", response.answer
    model = TrainedForecaster.from_artefact(
        ModelRegistry(lake).load_artefact("ticket_sales_forecast")
    )
    day = dt.date(2026, 9, 12)
    expected = predict_ticket_sales(reader, model, show["artist"], show["venue"], day)
    assert response.result is not None
    row = dict(zip(response.result.columns, response.result.rows[0], strict=True))
    assert row["predicted_tickets"] == expected.predicted_value
    assert (row["lower_80"], row["upper_80"]) == (expected.lower_80, expected.upper_80)
    assert f"{expected.lower_80:,.0f}–{expected.upper_80:,.0f}" in response.answer
    assert ("Low confidence" in response.answer) == expected.low_confidence
    assert response.chart is not None


def test_unknown_artist_gets_the_closest_names(world: dict[str, Any]) -> None:
    response = world["bot"].process_user_query(
        f"how many tickets will Zzyzx Quorble sell at {world['show']['venue']} on 12 September?"
    )
    assert response.kind == "clarification"
    assert "Closest:" in response.answer and response.suggestions


def test_partner_cannot_forecast_another_venue(world: dict[str, Any]) -> None:
    built, show = world["built"], world["show"]
    other = (
        world["reader"]
        .sql(
            "SELECT venue_id FROM silver.venues WHERE venue_id <> ? ORDER BY venue_id LIMIT 1",
            [show["venue_id"]],
        )
        .to_pylist()[0]["venue_id"]
    )
    partner = Principal("vp", ("venue_partner",), {"venue_ids": other})
    bot, session = build_assistant(world["lake"], built.settings, principal=partner, memory=False)
    try:
        response = bot.process_user_query(world["question"])
    finally:
        session.close()
    assert response.kind in ("clarification", "refusal")
    assert response.result is None
    assert show["venue"] not in response.answer.split("Closest:")[-1]


def test_recommendations_match_the_library(world: dict[str, Any]) -> None:
    reader, lake = world["reader"], world["lake"]
    customer = reader.sql(
        "SELECT customer_id FROM silver.ticket_sales ORDER BY customer_id LIMIT 1"
    ).to_pylist()[0]["customer_id"]
    response = world["bot"].process_user_query(f"recommend concerts for customer {customer}")
    assert response.kind == "answer", response.answer
    model = TrainedRecommender.from_bytes(ModelRegistry(lake).load_artefact("recommender"))
    expected = generate_recommendations(reader, model, UserPreferences(customer, limit=5))
    assert response.result is not None
    cols = response.result.columns
    got = [(r[cols.index("concert_id")], r[cols.index("reason")]) for r in response.result.rows]
    assert got == [(r.concert_id, r.reason) for r in expected]
    assert all(r.reason in response.answer for r in expected)


def test_genre_growth_matches_the_library(world: dict[str, Any]) -> None:
    bot, reader = world["bot"], world["reader"]
    response = bot.process_user_query("which genres are growing?")
    assert response.kind == "answer", response.answer
    growth = trend_growth(reader, "last_12_months", ["revenue"], today=bot.today)
    expected = {r["member"]: r["growth"] for r in growth.to_pylist() if r["dimension"] == "genre"}
    assert response.result is not None
    cols = response.result.columns
    got = {r[cols.index("member")]: r[cols.index("growth")] for r in response.result.rows}
    assert got == pytest.approx(expected, nan_ok=True)
    assert "significant" in response.answer


def test_revenue_outlook_is_honest(world: dict[str, Any]) -> None:
    response = world["bot"].process_user_query("what will next month's revenue be?")
    assert response.kind == "answer", response.answer
    assert "no revenue forecast" in response.answer and "not a forecast" in response.answer


def test_pizza_is_still_refused(world: dict[str, Any]) -> None:
    response = world["bot"].process_user_query(
        "can you recommend a good pizza place near the venue?"
    )
    assert response.kind == "refusal"
