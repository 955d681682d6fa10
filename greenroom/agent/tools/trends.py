"""`trends`: growth against the same dates a year earlier, with its significance."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from greenroom.agent.tools.base import ToolResult

if TYPE_CHECKING:
    from greenroom.lake.reader import Reader

_COLUMNS = ["member", "value_now", "value_before", "growth", "p_value", "q_value", "significant"]
_PLURAL = {"genre": "genres", "city": "cities", "country": "countries", "venue": "venues"}


class TrendsTool:
    name = "trends"
    description = (
        "Which genres, cities, countries or venues grow (or the total, with insights): "
        "revenue, tickets or concerts in a period against the same dates a year earlier, "
        "with p- and q-values (significant: q < 0.05)."
    )

    def __init__(self, reader: Reader, today: dt.date) -> None:
        self.reader = reader
        self.today = today

    def input_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                "metric": {"enum": ["revenue", "tickets", "concerts"]},
                "period": {"type": "string", "description": "last_12_months, 2025, …"},
                "dimension": {"enum": [None, *_PLURAL]},
            },
        }

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        from greenroom.insights.trends import analyze_trends, trend_growth

        metric = arguments.get("metric") or "revenue"
        period = arguments.get("period") or "last_12_months"
        dimension = arguments.get("dimension")
        if dimension:
            growth = trend_growth(self.reader, period, [metric], today=self.today)
            rows = [r for r in growth.to_pylist() if r["dimension"] == dimension]
            return self._ranking(metric, dimension, rows)
        found = analyze_trends(self.reader, period, [metric], today=self.today)
        total = [r for r in found.growth.to_pylist() if r["dimension"] == "total"]
        for dim in ("genre", "city"):
            total += _top([r for r in found.growth.to_pylist() if r["dimension"] == dim], 3)
        label = f"{found.period.label} ({found.period.start} to {found.period.end})"
        text = " ".join(found.insights) or f"No notable trend in {metric} for {label}."
        return _result(
            text,
            [{"dimension": r["dimension"], **{c: r[c] for c in _COLUMNS}} for r in total],
            f"{metric.title()} trends for {label} against the same dates a year earlier",
        )

    def _ranking(self, metric: str, dimension: str, rows: list[dict[str, Any]]) -> ToolResult:
        if not rows:
            return _result(f"No {_PLURAL[dimension]} had {metric} in that period.", [], "")
        first = rows[0]
        label = f"{first['period_start']} to {first['period_end']}"
        ranked = _top(rows, len(rows))
        up = [r for r in ranked if (r["growth"] or 0) > 0]
        sure = [r for r in up if r["significant"]]
        said = ", ".join(f"{r['member']} ({_pct(r['growth'])}{_sig(r)})" for r in up[:5])
        if not up:
            text = f"No {dimension} grew in {metric} from a year earlier ({label})."
        else:
            text = f"Growing {_PLURAL[dimension]} by {metric}, {label} vs a year earlier: {said}."
            text += (
                f" {len(sure)} of {len(up)} growing are significant (q < 0.05)."
                if sure
                else " None of these changes is statistically significant (q ≥ 0.05): they "
                "may be noise."
            )
        return _result(
            text,
            [{c: r[c] for c in _COLUMNS} for r in ranked],
            f"{metric.title()} growth by {dimension}, {label} against the same dates a year "
            "earlier; significance by a compound-Poisson test, Benjamini-Hochberg q-values",
        )


def _top(rows: list[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: -(r["growth"] if r["growth"] is not None else -1e9))[:n]


def _pct(growth: float | None) -> str:
    return "new" if growth is None else f"{growth:+.0%}"


def _sig(row: dict[str, Any]) -> str:
    if row["q_value"] is None:
        return ", too few concerts to test"
    return ", significant" if row["significant"] else ", not significant"


def _result(text: str, rows: list[dict[str, Any]], interpretation: str) -> ToolResult:
    import pyarrow as pa

    return ToolResult(
        table=pa.Table.from_pylist(rows) if rows else None,
        text=text,
        data={
            "interpretation": interpretation,
            "chart": "bar" if rows else None,
            "chart_columns": ["member", "growth"],
            "suggestions": ["trends in tickets this year", "which cities are growing?"],
        },
    )
