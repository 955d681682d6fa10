"""Plain-language insights, templated from the computed figures (deterministic).

Every sentence is filled from a row of the growth or anomaly tables, a change point or a
seasonal factor; nothing is written that the figures do not say. Only significant growth
(BH q < 0.05) is reported as a finding.
"""

from __future__ import annotations

import calendar as cal
import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from greenroom.insights.trends.daily import ChangePoint
    from greenroom.insights.trends.period import Period
    from greenroom.insights.trends.series import Seasonality

TOP_MOVERS = 5
_NUMBERS = {1: "one", 2: "two", 3: "three"}


def amount(metric: str, value: float) -> str:
    """`$1.2M`, `$45.3k`, `$980` for revenue; `12,345 tickets`, `7 concerts` otherwise."""
    if metric == "revenue":
        for div, suffix in ((1e6, "M"), (1e3, "k")):
            if abs(value) >= div:
                return f"${value / div:,.1f}{suffix}"
        return f"${value:,.0f}"
    return f"{value:,.0f} {metric}"


def percent(fraction: float) -> str:
    p = abs(fraction) * 100
    return f"{p:.1f}%" if p < 10 else f"{p:.0f}%"


def _p(p: float | None) -> str:
    if p is None or math.isnan(p):
        return "too few concerts to test"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3g}"


def _subject(row: Mapping[str, Any]) -> str:
    metric, member, dim = str(row["metric"]), row["member"], row["dimension"]
    subjects: dict[str, str] = {
        "genre": f"{str(member).title()} {metric}",
        "artist": f"{member}'s {metric}",
        "city": f"{metric.capitalize()} in {member}",
        "country": f"{metric.capitalize()} in {member}",
        "venue": f"{metric.capitalize()} at {member}",
    }
    return subjects.get(dim, metric.capitalize())


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def growth_sentence(row: Mapping[str, Any]) -> str:
    metric, now, before, growth = (
        row["metric"],
        row["value_now"],
        row["value_before"],
        row["growth"],
    )
    if growth is None:
        text = f"{_subject(row)} is new: {amount(metric, now)}, none a year earlier"
    else:
        verb = "grew" if growth > 0 else "fell" if growth < 0 else "held steady at"
        text = (
            f"{_subject(row)} {verb} {percent(growth)} year on year "
            f"({amount(metric, now)} against {amount(metric, before)}"
        )
        text += f", {_p(row['p_value'])})"
    drivers = row.get("drivers") or []
    if drivers and row["dimension"] != "artist":
        n = _NUMBERS.get(len(drivers), str(len(drivers)))
        text += f", driven by {n} artist{'s' if len(drivers) > 1 else ''}: {_names(drivers)}"
    return text + "."


def write_insights(
    period: Period,
    growth: pa.Table,
    anomalies: pa.Table,
    changes: Sequence[ChangePoint],
    seasonality: Mapping[str, Seasonality],
) -> list[str]:
    """Totals, the largest significant movers, seasonality, change points, anomalies."""
    out: list[str] = []
    totals = growth.filter(pc.equal(growth["dimension"], "total")).to_pylist()
    for row in totals:
        sig = "significant" if row["significant"] else "not significant"
        out.append(f"{growth_sentence(row)[:-1]} in {period.label}; {sig}.")
    movers = growth.filter(
        pc.and_(pc.not_equal(growth["dimension"], "total"), growth["significant"])
    )
    if movers.num_rows:
        movers = movers.append_column("size", pc.abs(movers["change"]))
        movers = movers.sort_by([("metric", "ascending"), ("size", "descending")])
        first = totals[0]["metric"] if totals else None
        for row in (
            movers.filter(pc.equal(movers["metric"], first)).slice(0, TOP_MOVERS).to_pylist()
        ):
            out.append(growth_sentence(row))
    for metric, s in seasonality.items():
        wd = [cal.day_name[i] for i in range(7)]
        hi, lo = int(s.weekday.argmax()), int(s.weekday.argmin())
        mhi, mlo = int(s.month.argmax()), int(s.month.argmin())
        out.append(
            f"Seasonality of {metric}: {wd[hi]} is the busiest weekday ({s.weekday[hi]:.2f}× "
            f"an average day), {wd[lo]} the quietest ({s.weekday[lo]:.2f}×); "
            f"{cal.month_name[mhi + 1]} is the strongest month ({s.month[mhi]:.2f}×), "
            f"{cal.month_name[mlo + 1]} the weakest ({s.month[mlo]:.2f}×)."
        )
        break  # the first metric's profile; the others are in `seasonality`
    for c in changes[:3]:
        rel = (c.level_after - c.level_before) / c.level_before if c.level_before else math.nan
        direction = "up" if c.level_after > c.level_before else "down"
        out.append(
            f"Daily {c.metric} (after weekday and month effects) shifted {direction} on {c.day}: "
            f"a typical day went from {amount(c.metric, c.level_before)} to "
            f"{amount(c.metric, c.level_after)}"
            + (f" ({percent(rel)})." if not math.isnan(rel) else ".")
        )
    for row in anomalies.slice(0, 3).to_pylist():
        out.append(
            f"Anomaly: {row['metric']} on {row['day']:%A %Y-%m-%d} was "
            f"{amount(row['metric'], row['value'])} against "
            f"{amount(row['metric'], row['expected'])} expected "
            f"(robust z = {row['robust_z']:.1f}, a {row['direction']})."
        )
    return out
