"""Choosing and building Plotly figures from a result's shape."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pytest

from greenroom.agent.charts import build_chart, generate_visualization, humanise, json_value
from greenroom.errors import UserError

CITIES = [["Lisbon", 120, 2400.0], ["Porto", 80, 1500.0], ["Berlin", 200, 5200.0]]


def _by_city(**kw: Any) -> dict[str, Any] | None:
    kw.setdefault("dimensions", ["city"])
    kw.setdefault("metrics", ["tickets_sold"])
    return build_chart(["city", "tickets_sold", "revenue"], CITIES, **kw)


def _figure(figure: dict[str, Any] | None) -> dict[str, Any]:
    assert figure is not None
    json.dumps(figure, allow_nan=False)
    return figure


def test_no_rows_is_no_chart() -> None:
    assert build_chart(["city", "n"], [], dimensions=["city"], metrics=["n"]) is None
    no_rows = build_chart(["city", "n"], [], dimensions=["city"], metrics=["n"], chart_type="bar")
    assert no_rows is None


def test_one_row_without_dimensions_is_an_indicator() -> None:
    fig = _figure(build_chart(["tickets_sold"], [[1234]], dimensions=[], metrics=["tickets_sold"]))
    (trace,) = fig["data"]
    assert trace["type"] == "indicator"
    assert trace["mode"] == "number"
    assert trace["value"] == 1234
    assert fig["layout"]["title"] == {"text": "tickets sold"}


def test_indicator_with_comparison_shows_a_delta() -> None:
    fig = _figure(
        build_chart(
            ["revenue", "revenue_previous"],
            [[Decimal("1500.50"), Decimal("1200.00")]],
            dimensions=[],
            metrics=["revenue"],
            comparison=True,
        )
    )
    (trace,) = fig["data"]
    assert trace["mode"] == "number+delta"
    assert trace["value"] == 1500.5
    assert trace["delta"] == {"reference": 1200.0}


def test_indicator_comparison_without_previous_column_is_plain() -> None:
    fig = _figure(build_chart(["n"], [[3]], dimensions=[], metrics=["n"], comparison=True))
    assert fig["data"][0]["mode"] == "number"
    assert "delta" not in fig["data"][0]


def test_a_time_dimension_is_a_line() -> None:
    rows = [[dt.date(2026, 1, 1), 10], [dt.date(2026, 2, 1), 14], [dt.date(2026, 3, 1), 9]]
    fig = _figure(
        build_chart(
            ["month", "tickets_sold"],
            rows,
            dimensions=["month"],
            metrics=["tickets_sold"],
            time_dimensions=["month"],
        )
    )
    (trace,) = fig["data"]
    assert trace["type"] == "scatter"
    assert trace["mode"] == "lines+markers"
    assert trace["x"] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert trace["y"] == [10, 14, 9]
    assert fig["layout"]["xaxis"]["title"] == {"text": "month"}
    assert fig["layout"]["yaxis"]["title"] == {"text": "tickets sold"}
    assert fig["layout"]["title"] == {"text": "tickets sold by month"}


def test_a_time_line_with_comparison_adds_the_previous_period() -> None:
    fig = _figure(
        build_chart(
            ["month", "n", "n_previous"],
            [[1, 10, 8], [2, 12, 11]],
            dimensions=["month"],
            metrics=["n"],
            time_dimensions=["month"],
            comparison=True,
        )
    )
    current, previous = fig["data"]
    assert current["y"] == [10, 12]
    assert previous["y"] == [8, 11]
    assert previous["name"] == "n (previous)"
    assert previous["line"] == {"dash": "dash"}


def test_share_with_one_dimension_is_a_pie() -> None:
    fig = _figure(_by_city(share=True))
    (trace,) = fig["data"]
    assert trace["type"] == "pie"
    assert trace["labels"] == ["Lisbon", "Porto", "Berlin"]
    assert trace["values"] == [120, 80, 200]


def test_two_metrics_and_one_dimension_is_a_labelled_scatter() -> None:
    fig = _figure(_by_city(metrics=["tickets_sold", "revenue"]))
    (trace,) = fig["data"]
    assert trace["type"] == "scatter"
    assert trace["mode"] == "markers+text"
    assert trace["x"] == [120, 80, 200]
    assert trace["y"] == [2400.0, 1500.0, 5200.0]
    assert trace["text"] == ["Lisbon", "Porto", "Berlin"]
    assert fig["layout"]["xaxis"]["title"] == {"text": "tickets sold"}
    assert fig["layout"]["yaxis"]["title"] == {"text": "revenue"}


def test_comparison_with_a_dimension_is_a_grouped_bar() -> None:
    fig = _figure(
        build_chart(
            ["city", "tickets_sold", "tickets_sold_previous"],
            [["Lisbon", 120, 100], ["Porto", 80, 90]],
            dimensions=["city"],
            metrics=["tickets_sold"],
            comparison=True,
        )
    )
    current, previous = fig["data"]
    assert (current["type"], previous["type"]) == ("bar", "bar")
    assert current["x"] == previous["x"] == ["Lisbon", "Porto"]
    assert current["y"] == [120, 80]
    assert previous["y"] == [100, 90]
    assert current["name"] == "tickets sold"
    assert previous["name"] == "tickets sold (previous)"
    assert fig["layout"]["barmode"] == "group"


def test_one_dimension_is_a_bar_in_row_order() -> None:
    fig = _figure(_by_city())
    (trace,) = fig["data"]
    assert trace["type"] == "bar"
    assert trace["x"] == ["Lisbon", "Porto", "Berlin"]
    assert trace["y"] == [120, 80, 200]
    assert fig["layout"]["xaxis"] == {"title": {"text": "city"}, "type": "category"}
    assert fig["layout"]["yaxis"] == {"title": {"text": "tickets sold"}}
    assert "barmode" not in fig["layout"]


def test_two_dimensions_is_a_grouped_bar_per_second_dimension_value() -> None:
    rows = [
        ["Lisbon", "rock", 10],
        ["Lisbon", "jazz", 4],
        ["Porto", "rock", 7],
        ["Berlin", "jazz", 9],
    ]
    fig = _figure(
        build_chart(["city", "genre", "n"], rows, dimensions=["city", "genre"], metrics=["n"])
    )
    rock, jazz = fig["data"]
    assert rock["type"] == jazz["type"] == "bar"
    assert (rock["name"], jazz["name"]) == ("rock", "jazz")
    assert rock["x"] == jazz["x"] == ["Lisbon", "Porto", "Berlin"]
    assert rock["y"] == [10, 7, None]
    assert jazz["y"] == [4, None, 9]
    assert fig["layout"]["barmode"] == "group"
    assert fig["layout"]["legend"] == {"title": {"text": "genre"}}


def test_table_trace() -> None:
    fig = _figure(_by_city(chart_type="table"))
    (trace,) = fig["data"]
    assert trace["type"] == "table"
    assert trace["header"]["values"] == ["city", "tickets sold", "revenue"]
    assert trace["cells"]["values"] == [
        ["Lisbon", "Porto", "Berlin"],
        [120, 80, 200],
        [2400.0, 1500.0, 5200.0],
    ]


def test_no_metrics_or_many_dimensions_is_a_table() -> None:
    assert _figure(_by_city(metrics=[]))["data"][0]["type"] == "table"
    fig = build_chart(
        ["a", "b", "c", "n"], [["x", "y", "z", 1]], dimensions=["a", "b", "c"], metrics=["n"]
    )
    assert _figure(fig)["data"][0]["type"] == "table"


@pytest.mark.parametrize(
    ("chart_type", "trace_type"),
    [("line", "scatter"), ("pie", "pie"), ("bar", "bar"), ("table", "table")],
)
def test_an_explicit_chart_type_that_fits_overrides_auto(chart_type: Any, trace_type: str) -> None:
    fig = _figure(_by_city(metrics=["tickets_sold", "revenue"], chart_type=chart_type))
    assert fig["data"][0]["type"] == trace_type


def test_line_on_a_ranking_is_allowed() -> None:
    (trace,) = _figure(_by_city(chart_type="line"))["data"]
    assert trace["mode"] == "lines+markers"
    assert trace["x"] == ["Lisbon", "Porto", "Berlin"]


def test_explicit_grouped_bar_with_two_metrics_has_a_trace_per_metric() -> None:
    fig = _figure(_by_city(metrics=["tickets_sold", "revenue"], chart_type="grouped_bar"))
    assert [t["name"] for t in fig["data"]] == ["tickets sold", "revenue"]
    assert fig["layout"]["barmode"] == "group"


def test_an_explicit_chart_type_that_does_not_fit_falls_back_to_auto() -> None:
    rows = [["Lisbon", "rock", 10], ["Porto", "jazz", 7]]
    pie = build_chart(
        ["city", "genre", "n"], rows, dimensions=["city", "genre"], metrics=["n"], chart_type="pie"
    )
    assert _figure(pie)["layout"]["barmode"] == "group"
    assert _figure(_by_city(chart_type="scatter"))["data"][0]["type"] == "bar"
    assert _figure(_by_city(chart_type="indicator"))["data"][0]["type"] == "bar"


def test_explicit_title_wins() -> None:
    fig = _figure(_by_city(title="Top cities"))
    assert fig["layout"]["title"] == {"text": "Top cities"}


def test_unknown_columns_are_a_user_error() -> None:
    with pytest.raises(UserError, match="`town`"):
        _by_city(dimensions=["town"])


def test_values_are_made_json_safe() -> None:
    rows = [
        [dt.date(2026, 1, 1), Decimal("10.25"), np.int64(3), np.float64(1.5)],
        [dt.date(2026, 1, 2), Decimal("NaN"), np.int32(4), float("nan")],
    ]
    fig = _figure(build_chart(["day", "a", "b", "c"], rows, dimensions=[], metrics=["a"]))
    cells = fig["data"][0]["cells"]["values"]
    assert cells == [["2026-01-01", "2026-01-02"], [10.25, None], [3, 4], [1.5, None]]
    assert type(cells[2][0]) is int
    assert json_value(dt.datetime(2026, 1, 1, 20, 30, tzinfo=dt.UTC)) == "2026-01-01T20:30:00+00:00"
    assert json_value(np.bool_(True)) is True
    assert json_value(np.datetime64("2026-01-01")) == "2026-01-01"


def test_humanise() -> None:
    assert humanise("tickets_sold") == "tickets sold"
    assert humanise("revenue") == "revenue"


# -- generate_visualization --------------------------------------------------------------


def test_generate_visualization_infers_a_bar_from_strings_and_numbers() -> None:
    table = pa.table(
        {
            "city": ["Lisbon", "Porto"],
            "venue_id": [1, 2],
            "revenue": pa.array([Decimal("10.50"), Decimal("4.00")], pa.decimal128(10, 2)),
        }
    )
    fig = _figure(generate_visualization(table.select(["city", "revenue"])))
    (trace,) = fig["data"]
    assert trace["type"] == "bar"
    assert trace["x"] == ["Lisbon", "Porto"]
    assert trace["y"] == [10.5, 4.0]
    # an integer *_id column is a dimension, not a metric
    two = _figure(generate_visualization(table))
    assert two["layout"]["barmode"] == "group"


def test_generate_visualization_infers_time_dimensions() -> None:
    table = pa.table({"year": [2024, 2025, 2026], "tickets_sold": [10, 20, 15]})
    (trace,) = _figure(generate_visualization(table))["data"]
    assert trace["mode"] == "lines+markers"
    assert trace["x"] == [2024, 2025, 2026]
    dates = pa.table({"sold_on": [dt.date(2026, 1, 1)], "n": [1.0], "m": [2.0]})
    assert _figure(generate_visualization(dates))["data"][0]["mode"] == "lines+markers"


def test_generate_visualization_detects_a_comparison_and_honours_overrides() -> None:
    table = pa.table(
        {"city": ["Lisbon", "Porto"], "n": [5, 6], "n_previous": [4, 7]},
    )
    fig = _figure(generate_visualization(table))
    assert [t["name"] for t in fig["data"]] == ["n", "n (previous)"]
    single = _figure(generate_visualization(pa.table({"n": [5], "n_previous": [4]})))
    assert single["data"][0]["delta"] == {"reference": 4}
    assert _figure(generate_visualization(table, "pie"))["data"][0]["type"] == "pie"
    assert _figure(generate_visualization(table, "nonsense"))["layout"]["barmode"] == "group"
    plain = _figure(generate_visualization(table, comparison=False))
    assert [t["name"] for t in plain["data"]] == ["n"]
    assert generate_visualization(table.slice(0, 0)) is None
