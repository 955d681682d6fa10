"""Words for people: formatted numbers, the interpretation of a query, the answer sentence
and the next questions to suggest (phrased so the planner understands them)."""

from __future__ import annotations

import datetime as dt
import decimal
from functools import cache
from typing import Any

from greenroom.semantic.catalog import Metric, get_catalog
from greenroom.semantic.query import Filter, SemanticQuery
from greenroom.semantic.timeexpr import MONTHS, describe

_PREPOSITION = {
    "artist": "for",
    "genre": "for",
    "venue": "at",
    "city": "in",
    "country": "in",
    "venue_type": "at",
    "price_tier": "for",
    "customer_segment": "for segment",
    "channel": "",
    "status": "for",
    "growth_trend": "with trend",
    "year": "in",
    "quarter": "in",
    "month": "in",
    "weekday": "on",
}
_CHANNEL = {
    "box_office": "at the box office",
    "online": "online",
    "stream": "through the live stream",
}
_PLURAL_VALUE = {
    "arena": "arenas",
    "theater": "theaters",
    "club": "clubs",
    "outdoor": "outdoor venues",
}


def _country_name(code: str) -> str:
    return _country_names().get(code, code)


@cache
def _country_names() -> dict[str, str]:
    """ISO code → country name, read once from the shipped reference table."""
    from greenroom import reference

    table = reference.load("countries")
    codes, names = table.column("iso2").to_pylist(), table.column("name").to_pylist()
    return {str(c): str(n) for c, n in zip(codes, names, strict=True)}


def number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, decimal.Decimal | int | float):
        return float(value)
    return None


def fmt(value: Any, metric: Metric | None, *, ratio: bool = False) -> str:
    """A value as people read it: $1,234,567, 12,345, 85.3%."""
    num = number(value)
    if num is None:
        return "none" if value is None else str(value)
    if ratio or (metric is not None and metric.format == "percent"):
        return f"{num * 100:.1f}%"
    if metric is None or metric.format == "count":
        return f"{num:,.0f}"
    if metric.format == "currency":
        return f"${num:,.2f}" if abs(num) < 1_000 else f"${num:,.0f}"
    if metric.format == "rank":
        return f"#{num:.0f}"
    return f"{num:,.1f}"


_PLURALS = {
    "city": "cities",
    "country": "countries",
    "price tier": "price tiers",
    "customer segment": "customer segments",
    "concert status": "statuses",
}


def plural(noun: str) -> str:
    return _PLURALS.get(noun, noun if noun.endswith("s") else noun + "s")


def label(value: Any, dimension: str | None = None) -> str:
    if dimension == "month" and isinstance(value, int) and 1 <= value <= 12:
        return MONTHS[value - 1].title()
    if dimension == "quarter" and isinstance(value, int):
        return f"Q{value}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def scope(query: SemanticQuery, period: tuple[dt.date | None, dt.date | None] | None) -> str:
    """The filters and period in words: "for punk artists at clubs in 2025"."""
    parts = [_filter_words(f) for f in query.filters]
    if period is not None:
        when = describe(*period)
        parts.append(when if when.startswith(("from", "until")) else f"in {when}")
    return " ".join(p for p in parts if p)


def _filter_words(flt: Filter) -> str:
    catalog = get_catalog()
    dim = catalog.dimension(flt.dimension)
    values = [str(v) for v in flt.values]
    if flt.dimension == "venue_type":
        values = [_PLURAL_VALUE.get(v, v) for v in values]
    if flt.dimension == "genre":
        values = [f"{v} artists" for v in values]
    if flt.dimension in ("quarter", "month"):
        values = [label(int(v), flt.dimension) for v in flt.values]
    if flt.dimension == "channel":
        values = [_CHANNEL.get(v, v) for v in values]
    if flt.dimension == "country":
        values = [_country_name(v) for v in values]
    if flt.dimension == "price_tier":
        values = [f"{v} tickets" for v in values]
    joined = values[0] if len(values) == 1 else ", ".join(values[:-1]) + " or " + values[-1]
    if flt.op in ("ne", "not_in"):
        return f"excluding {joined}"
    if flt.op in ("gte", "lte", "between"):
        return f"with {dim.label} {flt.op} {joined}"
    if flt.dimension == "status":
        return f"for {joined} concerts"
    return f"{_PREPOSITION.get(flt.dimension, 'for')} {joined}".strip()


def interpretation(
    query: SemanticQuery,
    period: tuple[dt.date | None, dt.date | None] | None,
    notes: tuple[str, ...] = (),
    *,
    share_of: Filter | None = None,
) -> str:
    catalog = get_catalog()
    metrics = [catalog.metric(m) for m in query.metrics]
    what = " and ".join(f"{m.label} ({m.description})" for m in metrics)
    text = what
    if query.dimensions:
        text += " by " + " and ".join(catalog.dimension(d).label for d in query.dimensions)
    where = scope(query, period)
    if where:
        text += ", " + where
    if query.order and query.limit:
        first = query.order[0]
        best_first = first.descending != (
            first.by in catalog.metrics and catalog.metric(first.by).better == "lower"
        )
        text += (
            f", {'top' if best_first else 'bottom'} {query.limit} by {first.by.replace('_', ' ')}"
        )
    if query.compare is not None:
        text += ", compared with " + (
            "the same period a year earlier"
            if query.compare.kind == "year_ago"
            else "the period before"
        )
    if query.share:
        text += ", with each row's share of the total"
    if share_of is not None:
        text += f", as a share of the same {metrics[0].label} without that condition"
    grains = {m.grain for m in metrics}
    if not any(f.dimension == "status" for f in query.filters) and grains & {"sales", "concerts"}:
        text += "; cancelled concerts excluded"
    if any(m.where for m in metrics):
        text += "; completed concerts only"
    if notes:
        text += " (" + "; ".join(notes) + ")"
    return text[0].upper() + text[1:]


def sentence(
    query: SemanticQuery,
    rows: list[dict[str, Any]],
    period: tuple[dt.date | None, dt.date | None] | None,
    previous: tuple[dt.date | None, dt.date | None] | None,
) -> str:
    catalog = get_catalog()
    metric = catalog.metric(query.metrics[0])
    where = scope(query, period)
    where = f" {where}" if where else ""
    name = metric.label[0].upper() + metric.label[1:]
    status = next((f for f in query.filters if f.dimension == "status" and f.op == "eq"), None)
    if metric.name == "concerts" and status is not None:
        name = f"{str(status.values[0]).title()} concerts"
        rest = query.with_changes(filters=tuple(f for f in query.filters if f is not status))
        where = scope(rest, period)
        where = f" {where}" if where else ""
    if not rows or all(number(r.get(metric.name)) is None for r in rows):
        return f"There is no {metric.label}{where}: nothing matched."
    if not query.dimensions:
        row = rows[0]
        text = f"{name}{where}: {fmt(row[metric.name], metric)}"
        for extra in query.metrics[1:]:
            other = catalog.metric(extra)
            text += f"; {other.label}: {fmt(row.get(extra), other)}"
        if query.compare is not None and previous is not None:
            text += _change(row, metric, previous)
        return text + "."
    dims = list(query.dimensions)

    def item(row: dict[str, Any]) -> str:
        key = ", ".join(label(row.get(d), d) for d in dims)
        value = fmt(row.get(metric.name), metric)
        if query.share and row.get("share") is not None:
            value += f", {fmt(row['share'], None, ratio=True)}"
        if query.compare is not None and row.get("growth") is not None:
            value += f", {'+' if (number(row['growth']) or 0) >= 0 else ''}{fmt(row['growth'], None, ratio=True)}"
        return f"{key} ({value})"

    by = " and ".join(catalog.dimension(d).label for d in dims)
    if query.limit == 1 and query.order:
        best = rows[0]
        high = query.order[0].descending
        if metric.format == "count":
            word = "the most" if high else "the fewest"
        else:
            word = "the highest" if high else "the lowest"
        if metric.better == "lower":
            word = "the best" if not high else "the worst"
        return (
            f"{label(best.get(dims[0]), dims[0])} has {word} {metric.label}{where}: "
            f"{fmt(best.get(metric.name), metric)}."
        )
    shown = ", ".join(item(r) for r in rows[:8])
    more = f", and {len(rows) - 8:,} more" if len(rows) > 8 else ""
    head = (
        f"Top {len(rows)} by {metric.label}" if query.order and query.limit else f"{name} by {by}"
    )
    if query.order and query.limit:
        best_first = query.order[0].descending != (metric.better == "lower")
        head = f"{'Top' if best_first else 'Bottom'} {len(rows)} {plural(by)} by {metric.label}"
    return f"{head}{where}: {shown}{more}."


def _change(
    row: dict[str, Any], metric: Metric, previous: tuple[dt.date | None, dt.date | None]
) -> str:
    before = number(row.get(f"{metric.name}_previous"))
    growth = number(row.get("growth"))
    when = describe(*previous)
    if before is None:
        return f" (no {metric.label} in {when} to compare with)"
    if growth is None:
        return f", against {fmt(before, metric)} in {when}"
    direction = "up" if growth >= 0 else "down"
    return f", {direction} {abs(growth) * 100:.1f}% from {fmt(before, metric)} in {when}"


def suggestions(
    query: SemanticQuery, period_words: str, *, favourite: str | None = None
) -> list[str]:
    """Next questions, phrased so the planner reads them; the actor's most asked measure
    (long-term memory) first when this answer is about another."""
    catalog = get_catalog()
    metric = catalog.metric(query.metrics[0])
    when = f" {period_words}" if period_words else ""
    out: list[str] = []
    if favourite and favourite not in query.metrics and favourite in catalog.metrics:
        out.append(f"and {catalog.metric(favourite).label}?")
    if not query.dimensions:
        if metric.grain in ("sales", "concerts"):
            out.append(f"{metric.label} by month{when}")
            out.append(f"top 5 artists by {metric.label}{when}")
        if (
            query.time is not None
            and query.compare is None
            and metric.grain in ("sales", "concerts")
        ):
            out.append(f"{metric.label}{when} compared with the year before")
    else:
        if query.compare is not None:
            out.append("why?")
        if "country" not in query.dimensions and metric.grain != "artists":
            out.append("break it down by country")
        if "month" not in query.dimensions and metric.grain in ("sales", "concerts"):
            out.append("now by month")
        out.append("show it as a bar chart")
    return out[:3]


def share_sentence(
    query: SemanticQuery,
    part: Filter,
    rows: list[dict[str, Any]],
    period: tuple[dt.date | None, dt.date | None] | None,
) -> str:
    """ "Online made 40.8% of revenue in 2025 ($3,310,000 of $8,111,114)."""
    metric = get_catalog().metric(query.metrics[0])
    rest = query.with_changes(filters=tuple(f for f in query.filters if f != part))
    where = scope(rest, period)
    where = f" {where}" if where else ""
    row = rows[0] if rows else {}
    if row.get("share") is None:
        return f"There is no {metric.label}{where} to take a share of."
    who = _filter_words(part)
    return (
        f"{fmt(row['share'], None, ratio=True)} of {metric.label}{where} was {who} "
        f"({fmt(row.get(metric.name), metric)} of {fmt(row.get(metric.name + '_total'), metric)})."
    )
