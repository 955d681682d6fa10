"""Chart blocks: a Plotly figure and the rows behind it, as one JSON spec.

A block's spec is `{figure: {data, layout}, columns, rows, filename}`; the page renders it
into a `<script type="application/json">` and `static/app.js` draws the figure, shows the
rows as a table and downloads them as CSV, so the chart, the table and the file always
hold the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from greenroom.lake.jsonable import jsonable

ACCENT = "#1f6f5c"
SECOND = "#d17a22"
PALETTE = (ACCENT, SECOND, "#3b6db3", "#8e44ad", "#c0392b", "#7f8c8d")


def spec(
    figure: dict[str, Any], columns: Sequence[str], rows: Sequence[Sequence[Any]], filename: str
) -> dict[str, Any]:
    return {
        "figure": figure,
        "columns": list(columns),
        "rows": [[jsonable(v) for v in row] for row in rows],
        "filename": filename,
    }


def _axis(title: str | None, **extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {"automargin": True, "gridcolor": "#e6e9ee", **extra}
    if title:
        axis["title"] = {"text": title}
    return axis


def bar(
    labels: Sequence[Any],
    values: Sequence[Any],
    *,
    name: str,
    value_title: str,
    horizontal: bool = False,
    money: bool = False,
) -> dict[str, Any]:
    """One series of bars; horizontal ones keep the first label on top."""
    fmt = {"tickprefix": "$"} if money else {}
    labels = [jsonable(v) for v in labels]
    values = [jsonable(v) for v in values]
    if horizontal:
        trace = {
            "type": "bar",
            "orientation": "h",
            "x": values,
            "y": labels,
            "name": name,
            "marker": {"color": ACCENT},
        }
        layout = {
            "xaxis": _axis(value_title, **fmt),
            "yaxis": _axis(None, autorange="reversed", type="category"),
            "showlegend": False,
        }
    else:
        trace = {"type": "bar", "x": labels, "y": values, "name": name, "marker": {"color": ACCENT}}
        layout = {"xaxis": _axis(None), "yaxis": _axis(value_title, **fmt), "showlegend": False}
    return {"data": [trace], "layout": layout}


def bars_and_line(
    x: Sequence[Any],
    bars: Sequence[Any],
    line: Sequence[Any],
    *,
    bar_name: str,
    line_name: str,
    money_bars: bool = True,
) -> dict[str, Any]:
    """Bars on the left axis and a line on the right one (revenue and tickets per month)."""
    xs = [jsonable(v) for v in x]
    return {
        "data": [
            {
                "type": "bar",
                "x": xs,
                "y": [jsonable(v) for v in bars],
                "name": bar_name,
                "marker": {"color": ACCENT},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": xs,
                "y": [jsonable(v) for v in line],
                "name": line_name,
                "yaxis": "y2",
                "line": {"color": SECOND, "width": 2},
            },
        ],
        "layout": {
            "xaxis": _axis(None),
            "yaxis": _axis(bar_name, **({"tickprefix": "$"} if money_bars else {})),
            "yaxis2": _axis(line_name, overlaying="y", side="right", showgrid=False),
            "legend": {"orientation": "h", "y": -0.2},
            "bargap": 0.2,
        },
    }


def lines(
    x: Sequence[Any], series: dict[str, Sequence[Any]], *, value_title: str
) -> dict[str, Any]:
    xs = [jsonable(v) for v in x]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines",
                "x": xs,
                "y": [jsonable(v) for v in ys],
                "name": name,
                "line": {"color": PALETTE[i % len(PALETTE)], "width": 2},
            }
            for i, (name, ys) in enumerate(series.items())
        ],
        "layout": {
            "xaxis": _axis(None),
            "yaxis": _axis(value_title),
            "legend": {"orientation": "h", "y": -0.2},
        },
    }


def scatter(
    x: Sequence[Any],
    y: Sequence[Any],
    labels: Sequence[str],
    *,
    x_title: str,
    y_title: str,
    y_percent: bool = False,
) -> dict[str, Any]:
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "x": [jsonable(v) for v in x],
                "y": [jsonable(v) for v in y],
                "text": list(labels),
                "hovertemplate": "%{text}<br>%{x:,}<br>%{y}<extra></extra>",
                "marker": {"color": ACCENT, "size": 9, "opacity": 0.75},
            }
        ],
        "layout": {
            "xaxis": _axis(x_title),
            "yaxis": _axis(y_title, **({"tickformat": ".0%"} if y_percent else {})),
            "showlegend": False,
        },
    }


def intervals(
    labels: Sequence[Any],
    predicted: Sequence[float],
    bounds_80: tuple[Sequence[float], Sequence[float]],
    bounds_95: tuple[Sequence[float], Sequence[float]],
    sold: Sequence[Any],
    *,
    value_title: str,
) -> dict[str, Any]:
    """Forecasts as points with their 95% (thin) and 80% (thick) intervals, beside bars of
    what has happened so far; one category per label, first on top."""
    labels = [jsonable(v) for v in labels]

    def whisker(lo: Sequence[float], hi: Sequence[float], width: int) -> dict[str, Any]:
        return {
            "type": "data",
            "symmetric": False,
            "array": [h - p for h, p in zip(hi, predicted, strict=True)],
            "arrayminus": [p - low for p, low in zip(predicted, lo, strict=True)],
            "thickness": width,
            "width": 0 if width > 2 else 4,
            "color": ACCENT,
        }

    point = {"type": "scatter", "mode": "markers", "orientation": "h", "y": labels,
             "x": list(predicted), "marker": {"color": ACCENT, "size": 8}}  # fmt: skip
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [jsonable(v) for v in sold],
                "name": "Sold so far",
                "marker": {"color": SECOND, "opacity": 0.55},
            },
            {**point, "name": "95% interval", "error_x": whisker(*bounds_95, 1)},
            {**point, "name": "Forecast, 80% interval", "error_x": whisker(*bounds_80, 6)},
        ],
        "layout": {
            "xaxis": _axis(value_title),
            "yaxis": _axis(None, autorange="reversed", type="category"),
            "legend": {"orientation": "h", "y": -0.15},
        },
    }
