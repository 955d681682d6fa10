"""Answers from the insights tools: one `InsightCall` → the chat API's response.

The tool runs on the principal's governed reader (a venue partner sees only its venues,
so another venue is unknown to it). No model trained yet → a refusal naming
`greenroom ml train`; an unknown name → a clarification with the closest names; the
policy → a refusal; other bad input → a clarification.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from greenroom.errors import GreenroomError, UserError

if TYPE_CHECKING:
    from greenroom.agent.chat import ChatResponse, ConcertAIChatbot
    from greenroom.agent.planner.offline import Plan

_WHAT = {
    "ticket_forecast": "a ticket-sales forecast",
    "recommend_concerts": "concert recommendations",
    "trends": "trends",
    "revenue_outlook": "a revenue outlook",
}
_EXAMPLES = {
    "ticket_forecast": "how many tickets will <artist> sell at <venue> on 12 September?",
    "recommend_concerts": "recommend metal concerts in Berlin",
}


def answer_insight(
    bot: ConcertAIChatbot, turn: Plan, session: str
) -> tuple[ChatResponse, dict[str, Any]]:
    from greenroom.agent.chat import ChatResponse, ResultTable
    from greenroom.agent.tools.models import ModelNotTrainedError
    from greenroom.insights.forecast.exceptions import UnknownArtistError, UnknownVenueError
    from greenroom.lake.jsonable import jsonable

    call = turn.insight
    assert call is not None
    what = _WHAT[call.tool]

    def reply(kind: str, text: str, suggestions: list[str] | None = None) -> ChatResponse:
        return ChatResponse(
            session_id=session,
            kind=kind,  # type: ignore[arg-type]
            answer=text,
            interpretation=f"A request for {what}; nothing was run.",
            suggestions=suggestions or [],
        )

    tool = bot.insights.get(call.tool)
    if tool is None:
        return reply("refusal", f"I can't give {what} here: that tool is not enabled."), {
            "kind": "refusal"
        }
    if call.missing:
        example = _EXAMPLES.get(call.tool, "")
        hint = f" For example: \u201c{example}\u201d." if example else ""
        return reply("clarification", f"For {what} I need the {call.missing}.{hint}"), {
            "kind": "clarification"
        }
    try:
        found = tool.run(dict(call.arguments))
    except ModelNotTrainedError as exc:
        return reply("refusal", f"I can't give {what} yet: {exc}."), {"kind": "refusal"}
    except (UnknownArtistError, UnknownVenueError) as exc:
        kind = "artist" if isinstance(exc, UnknownArtistError) else "venue"
        names = [s.rsplit(" (", 1)[0] for s in exc.suggestions]
        args = call.arguments
        options = [
            f"how many tickets will {n if kind == 'artist' else args['artist']} sell at "
            f"{n if kind == 'venue' else args['venue']} on {args['date']}?"
            for n in names
        ]
        listed = ", ".join(names) or "none"
        return reply(
            "clarification",
            f"I don't know the {kind} \u201c{exc.given}\u201d. Closest: {listed}.",
            options,
        ), {"kind": "clarification"}
    except UserError as exc:
        if exc.category == "authorization":
            return reply("refusal", f"I can't answer that with your access: {exc}"), {
                "kind": "refusal"
            }
        return reply("clarification", f"I can't give {what} as asked: {exc}"), {
            "kind": "clarification"
        }
    except GreenroomError as exc:
        return reply("error", f"The {what} failed: {exc}"), {"kind": "error"}
    table = found.table
    rows = [[jsonable(v) for v in r.values()] for r in table.to_pylist()] if table else []
    chart = None
    if table is not None and found.data.get("chart"):
        shown = found.data.get("chart_columns")
        chart = bot.generate_visualization(
            table.select(list(shown)) if shown else table, str(found.data["chart"])
        )
    response = ChatResponse(
        session_id=session,
        kind="answer",
        answer=found.text or "",
        interpretation=str(found.data.get("interpretation") or what),
        result=ResultTable(columns=table.column_names, rows=rows) if table else None,
        chart=chart,
        suggestions=list(found.data.get("suggestions") or []),
    )
    return response, {
        "kind": "answer",
        "insight": {"tool": call.tool, "arguments": call.arguments},
        "summary": {"answer": response.answer, "rows": len(rows)},
    }
