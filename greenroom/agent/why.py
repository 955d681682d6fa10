""" "Why?": decompose a change of the previous answer's first metric.

The previous query is compared with the period before (or a year earlier when it asked
so; last year against the year before when it had no period), broken down by each of a
few dimensions in turn; the dimension whose largest single move explains most of the
total change is reported with its top contributors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from greenroom.agent import answer as words
from greenroom.agent.planner.offline import Plan
from greenroom.errors import UserError
from greenroom.semantic.engine import SemanticResult
from greenroom.semantic.query import Comparison, SemanticQuery, TimeRange

if TYPE_CHECKING:
    from greenroom.agent.chat import ChatResponse, ConcertAIChatbot

_CANDIDATES = ("country", "venue_type", "genre", "artist", "channel", "city")


def explain(
    bot: ConcertAIChatbot, previous: SemanticQuery, session: str
) -> tuple[ChatResponse, dict[str, Any]]:
    from greenroom.agent.chat import ChatResponse

    base = previous.with_changes(
        dimensions=(),
        order=(),
        limit=None,
        share=False,
        compare=(previous.compare or Comparison(kind="previous_period")).model_dump(),
        time=(previous.time or TimeRange(relative="last_year", label="last year")).model_dump(),
        metrics=previous.metrics[:1],
    )
    layer = bot.tool.layer
    metric = layer.catalog.metric(base.metrics[0])
    try:
        total = layer.run(base)
    except UserError as exc:
        return ChatResponse(
            session_id=session,
            kind="clarification",
            answer=f"I can't explain that change: {exc}",
            interpretation="A decomposition of the last answer's change.",
        ), {"kind": "clarification"}
    change = words.number(total.table.column("change")[0].as_py()) if total.table.num_rows else None
    filtered = {f.dimension for f in base.filters}
    best: tuple[float, Any] | None = None
    for dim in _CANDIDATES:
        if dim in filtered:
            continue
        try:
            broken = layer.run(base.with_changes(dimensions=(dim,)))
        except UserError:
            continue
        rows = [r for r in broken.table.to_pylist() if words.number(r.get("change")) is not None]
        if not rows or not change:
            continue
        top = max(abs(words.number(r["change"]) or 0.0) for r in rows)
        weight = top / abs(change)
        if best is None or weight > best[0]:
            best = (weight, broken)
    head = words.sentence(base, total.table.to_pylist(), total.period, total.previous_period)
    if best is None:
        return bot.render(Plan("query", query=base), total, session), {
            "kind": "answer",
            "query": base.model_dump(mode="json"),
        }
    broken = best[1]
    rows = sorted(
        broken.table.to_pylist(), key=lambda r: -abs(words.number(r.get("change")) or 0.0)
    )[:5]
    dim = broken.query.dimensions[0]
    parts = ", ".join(
        f"{words.label(r[dim])} ({'+' if (words.number(r['change']) or 0) >= 0 else '−'}"
        f"{words.fmt(abs(words.number(r['change']) or 0.0), metric)})"
        for r in rows
    )
    label = layer.catalog.dimension(dim).label
    import pyarrow as pa

    top = pa.Table.from_pylist(rows, schema=broken.table.schema)
    shown = SemanticResult(
        broken.query.with_changes(order=(), limit=None),
        top,
        broken.compiled,
        broken.period,
        broken.previous_period,
    )
    response = bot.render(Plan("query", query=shown.query, chart="grouped_bar"), shown, session)
    response.answer = f"{head} The biggest moves by {label}: {parts}."
    response.interpretation = (
        f"Why {metric.label} changed: "
        + words.interpretation(base, total.period)
        + f"; the change split by {label}, largest moves first"
    )
    return response, {"kind": "answer", "query": base.model_dump(mode="json")}
