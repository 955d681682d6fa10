"""Choose and build a chart for a query result, as a Plotly figure in plain JSON.

:func:`build_chart` looks at the shape of a result (how many rows, which columns are
dimensions, time dimensions and metrics, whether a comparison or a share was asked for) and
returns ``{"data": [...], "layout": {...}}``, ready for ``Plotly.newPlot`` in the browser.
No plotly import is needed here, and every value is JSON-safe (``Decimal``, numpy scalars
and dates are converted).

The automatic choice, first match wins:

====================================================  ==========================================
shape                                                 chart
====================================================  ==========================================
no rows                                               ``None``
no metrics, or more than two dimensions               table
no dimensions, one row                                indicator (``number+delta`` on comparison)
no dimensions, several rows                           table
one time dimension                                    line (plus a dashed previous-period line)
one dimension, ``share=True``                         pie
one dimension, two or more metrics, no comparison     scatter of metric 1 vs metric 2, labelled
one dimension, comparison with ``<metric>_previous``  grouped bar: current vs previous
one dimension                                         bar
two dimensions                                        grouped bar, one trace per second-dim value
====================================================  ==========================================

An explicit ``chart_type`` wins when the data fits it, else the automatic choice is used:
``indicator`` needs one row; ``line`` and ``bar`` one or two dimensions (the second one
becomes one trace per value); ``pie`` exactly one dimension; ``scatter`` two metrics and at
most one dimension; ``grouped_bar`` two dimensions, or one with a ``<metric>_previous``
comparison or two or more metrics; ``table`` always fits. Every chart except ``table``
also needs a metric.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, assert_never, cast, get_args

import numpy as np
import pyarrow as pa

from greenroom.errors import UserError

ChartType = Literal["auto", "indicator", "line", "bar", "pie", "scatter", "grouped_bar", "table"]
CHART_TYPES: tuple[str, ...] = get_args(ChartType)
Figure = dict[str, Any]

TIME_NAMES = frozenset({"year", "quarter", "month", "week", "weekday", "day", "date", "hour"})
"""Column names (or ``_``-suffixes, e.g. ``sale_month``) that make a column a time dimension."""


def humanise(name: str) -> str:
    """``tickets_sold`` → ``tickets sold``: a column name as an axis or legend title."""
    return " ".join(name.split("_")).strip()


def json_value(value: Any) -> Any:
    """A JSON-safe Python value: ``Decimal`` and numpy numbers to float/int, dates to ISO text,
    NaN and infinities to ``None``."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, np.datetime64):
        return str(np.datetime_as_string(value))
    if isinstance(value, np.generic):
        return json_value(value.item())
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


@dataclass(frozen=True)
class _Result:
    columns: list[str]
    rows: list[list[Any]]
    dims: list[str]
    metrics: list[str]
    time_dims: frozenset[str]
    comparison: bool
    share: bool

    def values(self, column: str) -> list[Any]:
        i = self.columns.index(column)
        return [json_value(row[i]) for row in self.rows]

    def previous(self, metric: str) -> str | None:
        """The ``<metric>_previous`` column when a comparison was asked for and is present."""
        name = f"{metric}_previous"
        return name if self.comparison and name in self.columns else None

    def uniques(self, column: str) -> list[Any]:
        return list(dict.fromkeys(self.values(column)))


def build_chart(
    columns: list[str],
    rows: list[list[Any]],
    *,
    dimensions: Sequence[str],
    metrics: Sequence[str],
    time_dimensions: Sequence[str] = (),
    comparison: bool = False,
    share: bool = False,
    chart_type: ChartType = "auto",
    title: str | None = None,
) -> Figure | None:
    """A Plotly figure for the result, or ``None`` when there is nothing to draw (no rows)."""
    missing = [c for c in (*dimensions, *metrics) if c not in columns]
    if missing:
        raise UserError(
            f"chart column `{missing[0]}` is not in the result; pass names among {columns}"
        )
    if not rows:
        return None
    result = _Result(
        list(columns),
        [list(r) for r in rows],
        list(dimensions),
        list(metrics),
        frozenset(time_dimensions),
        comparison,
        share,
    )
    figure = _explicit(result, chart_type) if chart_type != "auto" else None
    figure = figure or _auto(result)
    layout = figure["layout"]
    text = title if title is not None else _default_title(result)
    if text:
        layout["title"] = {"text": text}
    return figure


def _auto(r: _Result) -> Figure:
    n_dims, n_metrics = len(r.dims), len(r.metrics)
    if n_metrics == 0 or n_dims > 2:
        return _table(r)
    if n_dims == 0:
        return _indicator(r) if len(r.rows) == 1 else _table(r)
    if n_dims == 2:
        return _grouped_bar(r)
    if r.dims[0] in r.time_dims:
        return _line(r)
    if r.share:
        return _pie(r)
    if n_metrics >= 2 and not r.comparison:
        return _scatter(r)
    if r.previous(r.metrics[0]):
        return _comparison_bar(r)
    return _bar(r)


def _explicit(r: _Result, kind: ChartType) -> Figure | None:
    """The asked-for chart when the data fits it, else ``None`` (the caller falls back)."""
    n_dims, n_metrics = len(r.dims), len(r.metrics)
    plottable = n_metrics >= 1 and 1 <= n_dims <= 2
    if kind == "auto":
        return None
    if kind == "table":
        return _table(r)
    if kind == "indicator":
        return _indicator(r) if len(r.rows) == 1 and n_metrics >= 1 else None
    if kind == "line":
        return _line(r) if plottable else None
    if kind == "bar":
        return (_bar(r) if n_dims == 1 else _grouped_bar(r)) if plottable else None
    if kind == "pie":
        return _pie(r) if n_dims == 1 and n_metrics >= 1 else None
    if kind == "scatter":
        return _scatter(r) if n_metrics >= 2 and n_dims <= 1 else None
    if kind == "grouped_bar":
        if n_dims == 2 and n_metrics >= 1:
            return _grouped_bar(r)
        if n_dims != 1 or n_metrics == 0:
            return None
        if r.previous(r.metrics[0]):
            return _comparison_bar(r)
        return _metric_bars(r) if n_metrics >= 2 else None
    assert_never(kind)


# -- figures -----------------------------------------------------------------------------


def _axes(x: str, y: str, *, categorical: bool = False) -> dict[str, Any]:
    xaxis: dict[str, Any] = {"title": {"text": humanise(x)}}
    if categorical:
        xaxis["type"] = "category"
    return {"xaxis": xaxis, "yaxis": {"title": {"text": humanise(y)}}}


def _indicator(r: _Result) -> Figure:
    traces: list[dict[str, Any]] = []
    n = len(r.metrics)
    for i, metric in enumerate(r.metrics):
        trace: dict[str, Any] = {
            "type": "indicator",
            "mode": "number",
            "value": r.values(metric)[0],
            "title": {"text": humanise(metric)},
            "domain": {"x": [i / n, (i + 1) / n], "y": [0, 1]},
        }
        previous = r.previous(metric)
        reference = r.values(previous)[0] if previous else None
        if reference is not None:
            trace["mode"] = "number+delta"
            trace["delta"] = {"reference": reference}
        traces.append(trace)
    return {"data": traces, "layout": {}}


def _line(r: _Result) -> Figure:
    dim, metric = r.dims[0], r.metrics[0]
    if len(r.dims) == 2:
        traces = [
            {"type": "scatter", "mode": "lines+markers", "name": str(name), "x": x, "y": y}
            for name, x, y in _series(r)
        ]
        layout = {**_axes(dim, metric), "legend": {"title": {"text": humanise(r.dims[1])}}}
        return {"data": traces, "layout": layout}
    traces = [_xy("scatter", r, dim, metric, mode="lines+markers")]
    previous = r.previous(metric)
    if previous:
        traces.append(
            _xy("scatter", r, dim, previous, mode="lines", line={"dash": "dash"}, previous=True)
        )
    return {"data": traces, "layout": _axes(dim, metric, categorical=dim not in r.time_dims)}


def _bar(r: _Result) -> Figure:
    dim, metric = r.dims[0], r.metrics[0]
    return {
        "data": [_xy("bar", r, dim, metric)],
        "layout": _axes(dim, metric, categorical=dim not in r.time_dims),
    }


def _comparison_bar(r: _Result) -> Figure:
    dim, metric = r.dims[0], r.metrics[0]
    previous = r.previous(metric)
    assert previous is not None
    traces = [_xy("bar", r, dim, metric), _xy("bar", r, dim, previous, previous=True)]
    layout = {**_axes(dim, metric, categorical=dim not in r.time_dims), "barmode": "group"}
    return {"data": traces, "layout": layout}


def _metric_bars(r: _Result) -> Figure:
    dim = r.dims[0]
    traces = [_xy("bar", r, dim, metric) for metric in r.metrics]
    layout = {**_axes(dim, r.metrics[0], categorical=dim not in r.time_dims), "barmode": "group"}
    layout["yaxis"] = {"title": {"text": ", ".join(humanise(m) for m in r.metrics)}}
    return {"data": traces, "layout": layout}


def _grouped_bar(r: _Result) -> Figure:
    dim, metric = r.dims[0], r.metrics[0]
    traces = [{"type": "bar", "name": str(name), "x": x, "y": y} for name, x, y in _series(r)]
    layout = {
        **_axes(dim, metric, categorical=dim not in r.time_dims),
        "barmode": "group",
        "legend": {"title": {"text": humanise(r.dims[1])}},
    }
    return {"data": traces, "layout": layout}


def _pie(r: _Result) -> Figure:
    dim, metric = r.dims[0], r.metrics[0]
    trace = {
        "type": "pie",
        "labels": r.values(dim),
        "values": r.values(metric),
        "name": humanise(metric),
    }
    return {"data": [trace], "layout": {}}


def _scatter(r: _Result) -> Figure:
    x, y = r.metrics[0], r.metrics[1]
    trace: dict[str, Any] = {"type": "scatter", "mode": "markers", "x": r.values(x)}
    trace["y"] = r.values(y)
    if r.dims:
        trace["mode"] = "markers+text"
        trace["text"] = [str(v) for v in r.values(r.dims[0])]
        trace["textposition"] = "top center"
    return {"data": [trace], "layout": _axes(x, y)}


def _table(r: _Result) -> Figure:
    trace = {
        "type": "table",
        "header": {"values": [humanise(c) for c in r.columns]},
        "cells": {"values": [r.values(c) for c in r.columns]},
    }
    return {"data": [trace], "layout": {}}


def _xy(
    kind: str, r: _Result, x: str, y: str, *, previous: bool = False, **extra: Any
) -> dict[str, Any]:
    name = f"{humanise(y.removesuffix('_previous'))} (previous)" if previous else humanise(y)
    return {"type": kind, "name": name, "x": r.values(x), "y": r.values(y), **extra}


def _series(r: _Result) -> list[tuple[Any, list[Any], list[Any]]]:
    """One ``(name, x, y)`` per value of the second dimension, ``y`` aligned on the first
    dimension's values in order of appearance (``None`` where a pair has no row)."""
    first, second, metric = r.values(r.dims[0]), r.values(r.dims[1]), r.values(r.metrics[0])
    categories = list(dict.fromkeys(first))
    cells = {(a, b): v for a, b, v in zip(first, second, metric, strict=True)}
    return [
        (name, categories, [cells.get((c, name)) for c in categories])
        for name in dict.fromkeys(second)
    ]


def _default_title(r: _Result) -> str:
    if not r.metrics:
        return ""
    what = ", ".join(humanise(m) for m in r.metrics[:2])
    return f"{what} by {' and '.join(humanise(d) for d in r.dims)}" if r.dims else what


# -- from an Arrow table -----------------------------------------------------------------


def generate_visualization(data: pa.Table, chart_type: str = "auto", **kw: Any) -> Figure | None:
    """:func:`build_chart` for an Arrow table, inferring the roles of its columns.

    The inference is deliberately simple; pass ``dimensions=``, ``metrics=`` or
    ``time_dimensions=`` to override it:

    - a **time dimension** is a date/timestamp column, or a string/integer column named
      like a calendar part (``year``, ``quarter``, ``month``, ``week``, ``weekday``, ``day``,
      ``date``, ``hour``, alone or as a suffix: ``sale_month``);
    - a **dimension** is a time dimension, any non-numeric column (strings, booleans,
      dates), or an integer column named ``id`` / ``*_id``;
    - a **metric** is any other numeric column (integer, float, decimal), except a
      ``<metric>_previous`` column, which is the comparison value of ``<metric>``;
    - ``comparison`` defaults to whether the first metric has a ``_previous`` column.

    An unknown ``chart_type`` is treated as ``"auto"``.
    """
    columns = list(data.column_names)
    types = {field.name: field.type for field in data.schema}
    times = [c for c in columns if _is_time(c, types[c])]
    dims = [c for c in columns if c in times or _is_dimension(c, types[c])]
    metrics = [
        c
        for c in columns
        if c not in dims
        and not (c.endswith("_previous") and c.removesuffix("_previous") in columns)
    ]
    kw.setdefault("dimensions", dims)
    kw.setdefault("metrics", metrics)
    kw.setdefault("time_dimensions", times)
    first = kw["metrics"][0] if kw["metrics"] else None
    kw.setdefault("comparison", first is not None and f"{first}_previous" in columns)
    rows = [list(row) for row in zip(*(col.to_pylist() for col in data.columns), strict=True)]
    kind = cast(ChartType, chart_type) if chart_type in CHART_TYPES else "auto"
    return build_chart(columns, rows, chart_type=kind, **kw)


def _named_like_time(name: str) -> bool:
    lowered = name.lower()
    return lowered in TIME_NAMES or lowered.rsplit("_", 1)[-1] in TIME_NAMES


def _is_time(name: str, type_: pa.DataType) -> bool:
    if pa.types.is_temporal(type_) and not pa.types.is_duration(type_):
        return True
    named_type = (
        pa.types.is_integer(type_) or pa.types.is_string(type_) or pa.types.is_large_string(type_)
    )
    return named_type and _named_like_time(name)


def _is_dimension(name: str, type_: pa.DataType) -> bool:
    numeric = pa.types.is_integer(type_) or pa.types.is_floating(type_)
    numeric = numeric or pa.types.is_decimal(type_)
    if not numeric:
        return True
    lowered = name.lower()
    return pa.types.is_integer(type_) and (lowered == "id" or lowered.endswith("_id"))
