"""The compiler: golden SQL per query shape (tests/fixtures/semantic/*.sql), bound values,
errors that name the closest valid names, and results equal to hand-written SQL."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from greenroom.semantic import (
    Comparison,
    Filter,
    IncompatibleQueryError,
    Order,
    SemanticError,
    SemanticQuery,
    TimeRange,
    UnknownNameError,
    compile_query,
)

GOLDEN = Path(__file__).parents[1] / "fixtures" / "semantic"
TODAY = dt.date(2026, 6, 30)
Y2025 = TimeRange(start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))

SHAPES = {
    "total": SemanticQuery(metrics=("revenue",), time=Y2025),
    "ranking": SemanticQuery(
        metrics=("revenue",),
        dimensions=("artist",),
        time=Y2025,
        order=(Order(by="revenue"),),
        limit=5,
    ),
    "time_series": SemanticQuery(metrics=("tickets_sold",), dimensions=("month",), time=Y2025),
    "weekday": SemanticQuery(metrics=("tickets_sold",), dimensions=("weekday",)),
    "genre_membership": SemanticQuery(
        metrics=("tickets_sold",), filters=(Filter(dimension="genre", values=("metal",)),)
    ),
    "completed_only": SemanticQuery(
        metrics=("attendance_rate",), filters=(Filter(dimension="venue_type", values=("arena",)),)
    ),
    "status_replaces_default": SemanticQuery(
        metrics=("concerts",), filters=(Filter(dimension="status", values=("cancelled",)),)
    ),
    "two_grains": SemanticQuery(
        metrics=("revenue", "concerts", "attendance_rate"), dimensions=("city",)
    ),
    "share": SemanticQuery(metrics=("revenue",), dimensions=("channel",), share=True),
    "membership_and_exclusion": SemanticQuery(
        metrics=("revenue",),
        dimensions=("city",),
        filters=(
            Filter(dimension="city", op="in", values=("Berlin", "Chicago")),
            Filter(dimension="channel", op="ne", values=("stream",)),
        ),
    ),
    "gold_venues": SemanticQuery(
        metrics=("popularity_rank",),
        dimensions=("venue",),
        order=(Order(by="popularity_rank", descending=False),),
        limit=1,
    ),
    "relative": SemanticQuery(metrics=("customers",), time=TimeRange(relative="last_90_days")),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_golden_sql(shape: str) -> None:
    compiled = compile_query(SHAPES[shape], TODAY)
    path = GOLDEN / f"{shape}.sql"
    text = f"-- params: {compiled.params}\n{compiled.sql}\n"
    if os.environ.get("GREENROOM_UPDATE_GOLDEN") or not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text()


def test_values_are_bound_never_spliced() -> None:
    evil = "Berlin'; DROP TABLE silver.concerts; --"
    q = SemanticQuery(metrics=("revenue",), filters=(Filter(dimension="city", values=(evil,)),))
    compiled = compile_query(q, TODAY)
    assert "DROP" not in compiled.sql
    assert compiled.params == [evil]
    assert "'Berlin''; DROP" in compiled.display_sql  # shown escaped, for reading only


def test_unknown_names_suggest_the_closest() -> None:
    with pytest.raises(UnknownNameError, match="`revenue`") as err:
        compile_query(SemanticQuery(metrics=("revenu",)), TODAY)
    assert err.value.closest[0] == "revenue"
    with pytest.raises(UnknownNameError, match="`city`"):
        compile_query(SemanticQuery(metrics=("revenue",), dimensions=("citty",)), TODAY)


def test_closed_value_sets_are_checked() -> None:
    q = SemanticQuery(
        metrics=("revenue",), filters=(Filter(dimension="venue_type", values=("stadium",)),)
    )
    with pytest.raises(SemanticError, match="arena, theater, club, outdoor"):
        compile_query(q, TODAY)


def test_a_metric_without_event_dates_refuses_a_period() -> None:
    q = SemanticQuery(metrics=("popularity_rank",), dimensions=("venue",), time=Y2025)
    with pytest.raises(IncompatibleQueryError):
        compile_query(q, TODAY)


def test_order_must_name_a_metric_or_dimension_of_the_query() -> None:
    q = SemanticQuery(metrics=("revenue",), order=(Order(by="tickets_sold"),))
    with pytest.raises(SemanticError, match="order by one of"):
        compile_query(q, TODAY)


def test_another_dialect_is_a_setting() -> None:
    compiled = compile_query(SHAPES["genre_membership"], TODAY, dialect="spark")
    assert "ARRAY_CONTAINS" in compiled.sql
    assert compile_query(SHAPES["total"], TODAY, dialect="spark").params == [
        "2025-01-01",
        "2026-01-01",
    ]


def test_comparison_is_part_of_the_query_model() -> None:
    q = SemanticQuery(metrics=("revenue",), time=Y2025, compare=Comparison(kind="year_ago"))
    assert SemanticQuery.model_validate(q.model_dump(mode="json")) == q
