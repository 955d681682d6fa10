"""The semantic layer on a real (tiny) lake: every metric equals CONTRACT.md's SQL."""

from __future__ import annotations

import datetime as dt

import pytest

from greenroom.governance.principals import ADMIN
from greenroom.governance.session import governed_session
from greenroom.lake import Lakehouse
from greenroom.semantic import Comparison, Filter, SemanticLayer, SemanticQuery, TimeRange
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow

SALES = (
    "FROM silver.ticket_sales s JOIN silver.concerts c ON s.concert_id = c.concert_id "
    "JOIN silver.venues v ON c.venue_id = v.venue_id JOIN silver.artists a ON c.artist_id = a.artist_id "
)
CONTRACT = {
    "tickets_sold": f"SELECT SUM(s.quantity) {SALES} WHERE c.status <> 'cancelled'",
    "revenue": f"SELECT SUM(s.quantity * s.unit_price) {SALES} WHERE c.status <> 'cancelled'",
    "concerts": "SELECT COUNT(DISTINCT concert_id) FROM silver.concerts WHERE status <> 'cancelled'",
    "avg_ticket_price": f"SELECT SUM(s.quantity * s.unit_price) / SUM(s.quantity) {SALES} WHERE c.status <> 'cancelled'",
    "attendance_rate": "SELECT AVG(c.total_attendance / v.capacity) FROM silver.concerts c "
    "JOIN silver.venues v ON c.venue_id = v.venue_id WHERE c.status = 'completed'",
    "average_attendance": f"SELECT SUM(s.quantity) / COUNT(DISTINCT c.concert_id) {SALES} WHERE c.status = 'completed'",
    "customers": f"SELECT COUNT(DISTINCT s.customer_id) {SALES} WHERE c.status <> 'cancelled'",
}


@pytest.fixture(scope="module")
def layer(clean_world: BuiltWorld) -> SemanticLayer:
    session = governed_session(Lakehouse.open(clean_world.settings), ADMIN)
    return SemanticLayer(session, clean_world.settings.today)


@pytest.mark.parametrize("metric", sorted(CONTRACT))
def test_each_metric_matches_the_contract(layer: SemanticLayer, metric: str) -> None:
    got = layer.run(SemanticQuery(metrics=(metric,))).table.column(0)[0].as_py()
    want = layer.reader.sql(CONTRACT[metric]).column(0)[0].as_py()
    assert float(got) == pytest.approx(float(want), rel=1e-9)


def test_breakdown_by_genre_uses_the_primary_genre_and_filters_by_membership(
    layer: SemanticLayer,
) -> None:
    by_genre = layer.run(SemanticQuery(metrics=("revenue",), dimensions=("genre",))).table
    total = layer.run(SemanticQuery(metrics=("revenue",))).table.column(0)[0].as_py()
    assert sum(by_genre.column("revenue").to_pylist()) == pytest.approx(total)  # no fan-out
    genre = by_genre.column("genre")[0].as_py()
    member = layer.run(
        SemanticQuery(metrics=("revenue",), filters=(Filter(dimension="genre", values=(genre,)),))
    )
    want = (
        layer.reader.sql(
            f"SELECT SUM(s.quantity * s.unit_price) {SALES} WHERE c.status <> 'cancelled' "
            "AND list_contains(a.genres, $1)",
            [genre],
        )
        .column(0)[0]
        .as_py()
    )
    assert member.table.column(0)[0].as_py() == pytest.approx(want)


def test_comparison_adds_previous_change_and_growth(layer: SemanticLayer) -> None:
    year = layer.today.year - 1
    q = SemanticQuery(
        metrics=("tickets_sold",),
        time=TimeRange(start=dt.date(year, 1, 1), end=dt.date(year + 1, 1, 1)),
        compare=Comparison(),
    )
    row = layer.run(q).table.to_pylist()[0]

    def tickets(y: int) -> float:
        sql = f"SELECT SUM(s.quantity) {SALES} WHERE c.status <> 'cancelled' AND year(c.event_date) = {y}"
        return float(layer.reader.sql(sql).column(0)[0].as_py() or 0)

    assert float(row["tickets_sold"]) == tickets(year)
    assert row["tickets_sold_previous"] == tickets(year - 1)
    assert row["growth"] == pytest.approx((tickets(year) - tickets(year - 1)) / tickets(year - 1))


def test_share_rows_add_up_to_one(layer: SemanticLayer) -> None:
    table = layer.run(
        SemanticQuery(metrics=("revenue",), dimensions=("channel",), share=True)
    ).table
    assert sum(table.column("share").to_pylist()) == pytest.approx(1.0)
