"""`ConcertAIChatbot`: a question in words → CONTRACT.md's chat response.

One turn: read the session's memory (earlier turns, a pending clarification) and the
actor's long-term preferences; plan (a configured model proposes, the offline planner
decides when it cannot); run the query through the `semantic_query` tool on the
principal's reader; word the answer, choose a chart, suggest next questions; remember the
turn. If memory fails the assistant answers without context and says so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

from greenroom.agent import answer as words
from greenroom.agent.planner.offline import Choice, Context, Plan, plan
from greenroom.errors import GreenroomError, UserError
from greenroom.semantic.catalog import get_catalog
from greenroom.semantic.query import Filter, SemanticQuery

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.agent.memory import MemoryBackend
    from greenroom.agent.planner.lexicon import Lexicon
    from greenroom.agent.providers import ModelProvider
    from greenroom.agent.tools import SemanticQueryTool, Tool
    from greenroom.semantic import SemanticResult

Kind = Literal["answer", "clarification", "refusal", "error"]
TurnListener = Callable[[str, "ChatResponse"], None]
"""Called with each question and the response about to be returned."""


class ResultTable(BaseModel):
    columns: list[str]
    rows: list[list[Any]]


class ChatResponse(BaseModel):
    """The chat API's response (CONTRACT.md); `greenroom ask --json` prints the same."""

    session_id: str
    kind: Kind
    answer: str
    interpretation: str
    result: ResultTable | None = None
    sql: str | None = None
    chart: dict[str, Any] | None = None
    suggestions: list[str] = Field(default_factory=list)


class ConcertAIChatbot:
    """The assistant for one principal (its tool's reader is bound to that principal)."""

    def __init__(
        self,
        tool: SemanticQueryTool,
        lexicon: Lexicon,
        *,
        memory: MemoryBackend | None = None,
        provider: ModelProvider | None = None,
        actor_id: str = "admin",
        on_turn: TurnListener | None = None,
        insights: Mapping[str, Tool] | None = None,
    ) -> None:
        self.tool = tool
        self.insights: dict[str, Tool] = dict(insights or {})
        """The insights tools by name (`ticket_forecast`, …); a missing one is declined."""
        self.on_turn = on_turn
        """Told of every turn before its answer is returned (the composition root wires the
        audit here); if it raises, the question gets no answer."""
        self.lexicon = lexicon
        self.memory = memory
        self.provider = provider
        self.actor_id = actor_id
        self.default_today = tool.layer.today
        self._favourite: str | None = None

    @property
    def today(self) -> dt.date:
        return self.tool.layer.today

    # ---- the seed's interface -----------------------------------------------------------

    def process_user_query(
        self, query: str, session_id: str | None = None, today: dt.date | None = None
    ) -> ChatResponse:
        session = session_id or uuid.uuid4().hex
        self.tool.layer.today = today or self.default_today
        context, memory_ok = self._recall(session)
        turn = self._plan(query, context)
        response, remembered = self._respond(turn, session)
        if self.on_turn is not None:
            self.on_turn(query, response)
        if not memory_ok:
            response.answer += (
                " (I could not reach the conversation memory, so I answered this on its own.)"
            )
        elif not self.maintain_conversation_memory(
            session, {"message": query, "answer": response.answer, **remembered}
        ):
            response.answer += " (I could not save this turn to memory.)"
        return response

    def generate_visualization(
        self, data: pa.Table, chart_type: str = "auto"
    ) -> dict[str, Any] | None:
        from greenroom.agent.charts import generate_visualization

        return generate_visualization(data, chart_type)

    def maintain_conversation_memory(self, session_id: str, interaction: dict[str, Any]) -> bool:
        """Store one turn (and count the actor's interests); False if memory failed."""
        if self.memory is None:
            return True
        from greenroom.agent.memory import MemoryUnavailableError

        try:
            self.memory.create_event(self.actor_id, session_id, interaction)
            metrics = (interaction.get("query") or {}).get("metrics", ())
            if metrics:
                records = self.memory.list_records(self.actor_id, "interests")
                counts = {r.content.get("metric"): r.content.get("count", 0) for r in records}
                for metric in metrics:
                    count = counts.get(metric, 0) + 1
                    self.memory.put_record(
                        self.actor_id, "interests", metric, {"metric": metric, "count": count}
                    )
            if "preferences" in interaction:
                self.memory.put_record(
                    self.actor_id, "preferences", "filters", {"filters": interaction["preferences"]}
                )
        except MemoryUnavailableError:
            return False
        return True

    # ---- one turn -----------------------------------------------------------------------

    def _recall(self, session_id: str) -> tuple[Context, bool]:
        self._favourite = None
        if self.memory is None:
            return Context(), True
        from greenroom.agent.memory import MemoryUnavailableError

        try:
            events = self.memory.list_events(session_id, limit=20)
            records = self.memory.list_records(self.actor_id, "preferences")
            interests = self.memory.list_records(self.actor_id, "interests")
        except MemoryUnavailableError:
            return Context(), False
        previous: SemanticQuery | None = None
        focus: Filter | None = None
        top: tuple[Filter, ...] = ()
        pending: tuple[Choice, ...] = ()
        for event in events:
            payload = event.payload
            if payload.get("query"):
                previous = SemanticQuery.model_validate(payload["query"])
                focus = Filter.model_validate(payload["focus"]) if payload.get("focus") else None
                top = tuple(Filter.model_validate(f) for f in payload.get("top") or ())
            pending = tuple(
                Choice(c["label"], SemanticQuery.model_validate(c["query"]))
                for c in payload.get("choices", ())
            )
        counts = {r.content.get("metric"): r.content.get("count", 0) for r in interests}
        self._favourite = max(counts, key=lambda m: counts[m]) if counts else None
        prefs: tuple[Filter, ...] = ()
        for record in records:
            prefs = tuple(Filter.model_validate(f) for f in record.content.get("filters", ()))
        context = Context(
            previous=previous, focus=focus, top=top, pending=pending, preferences=prefs
        )
        return context, True

    def _plan(self, message: str, context: Context) -> Plan:
        offline = plan(message, self.lexicon, self.today, context)
        if self.provider is None or offline.kind in ("refusal", "preference", "why", "insight"):
            return offline
        from greenroom.agent.model_planner import propose

        return propose(self.provider, message, self.today, context, self.tool.layer) or offline

    def _respond(self, turn: Plan, session: str) -> tuple[ChatResponse, dict[str, Any]]:
        if turn.kind in ("clarification", "refusal"):
            resp = ChatResponse(
                session_id=session,
                kind=turn.kind,
                answer=turn.message or "",
                interpretation="The question needs "
                + (
                    "one more detail before I can answer."
                    if turn.kind == "clarification"
                    else "data I cannot give; nothing was run."
                ),
                suggestions=list(turn.suggestions),
            )
            return resp, {
                "kind": turn.kind,
                "choices": [
                    {"label": c.label, "query": c.query.model_dump(mode="json")}
                    for c in turn.choices
                ],
            }
        if turn.kind == "preference":
            filters = [f.model_dump(mode="json") for f in (turn.preferences or ())]
            said = words.scope(
                SemanticQuery(metrics=("revenue",), filters=turn.preferences or ()), None
            )
            text = turn.message or (
                f"Noted: from now on I count only {said.split(' ', 1)[-1]} unless you ask otherwise. "
                "Say \u201cforget my preferences\u201d to undo."
            )
            return ChatResponse(
                session_id=session,
                kind="answer",
                answer=text,
                interpretation="A standing preference for this user; nothing was run.",
            ), {"kind": "preference", "preferences": filters}
        if turn.kind == "insight":
            from greenroom.agent.insight_answer import answer_insight

            return answer_insight(self, turn, session)
        assert turn.query is not None
        if turn.kind == "why":
            from greenroom.agent.why import explain

            return explain(self, turn.query, session)
        return self._answer(turn, session)

    def _answer(self, turn: Plan, session: str) -> tuple[ChatResponse, dict[str, Any]]:
        assert turn.query is not None
        try:
            if turn.focus is not None:
                result = self.tool.layer.share_of(turn.query, turn.focus)
            else:
                result = self.tool.run(turn.query.model_dump(mode="json")).data["result"]
        except UserError as exc:
            if exc.category == "authorization":  # the policy, not the question: say so
                return ChatResponse(
                    session_id=session,
                    kind="refusal",
                    answer=f"I can't answer that with your access: {exc}",
                    interpretation=words.interpretation(turn.query, None, turn.notes),
                ), {"kind": "refusal"}
            return ChatResponse(
                session_id=session,
                kind="clarification",
                answer=f"I can't answer that as asked: {exc}",
                interpretation=words.interpretation(turn.query, None, turn.notes),
                suggestions=list(
                    words.suggestions(turn.query.with_changes(dimensions=(), filters=()), "")
                ),
            ), {"kind": "clarification"}
        except GreenroomError as exc:
            return ChatResponse(
                session_id=session,
                kind="error",
                answer=f"The query failed: {exc}",
                interpretation=words.interpretation(turn.query, None, turn.notes),
            ), {"kind": "error"}
        response = self.render(turn, result, session)
        return response, {
            "kind": "answer",
            "query": turn.query.model_dump(mode="json"),
            "focus": turn.focus.model_dump(mode="json") if turn.focus else None,
            "top": _top(turn.query, result),
            "summary": {"answer": response.answer, "rows": result.table.num_rows},
            "chart": turn.chart,
        }

    def render(self, turn: Plan, result: SemanticResult, session: str) -> ChatResponse:
        from greenroom.agent.charts import build_chart
        from greenroom.lake.jsonable import jsonable

        query = result.query
        table = result.table
        rows = table.to_pylist()
        columns = table.column_names
        text = words.sentence(query, rows, result.period, result.previous_period)
        if turn.focus is not None:
            text = words.share_sentence(query, turn.focus, rows, result.period)
        period_words = words.scope(query.with_changes(filters=()), result.period)
        chart = build_chart(
            columns,
            [[jsonable(v) for v in r.values()] for r in rows],
            dimensions=list(query.dimensions),
            metrics=list(query.metrics),
            time_dimensions=[d for d in query.dimensions if get_catalog().dimension(d).time],
            comparison=query.compare is not None,
            share=query.share,
            chart_type=turn.chart or "auto",
            title=words.interpretation(query, result.period).split(" (")[0],
        )
        return ChatResponse(
            session_id=session,
            kind="answer",
            answer=text,
            interpretation=words.interpretation(
                query, result.period, turn.notes, share_of=turn.focus
            ),
            result=ResultTable(
                columns=columns, rows=[[jsonable(v) for v in r.values()] for r in rows]
            ),
            sql=result.compiled.display_sql,
            chart=chart,
            suggestions=words.suggestions(query, period_words, favourite=self._favourite),
        )


def _top(query: SemanticQuery, result: SemanticResult) -> list[dict[str, Any]]:
    """The one row a ranking answered, as filters ("it" in the next question)."""
    if query.limit != 1 or not query.dimensions or result.table.num_rows != 1:
        return []
    row = result.table.to_pylist()[0]
    return [
        {"dimension": d, "op": "eq", "values": [row[d]]}
        for d in query.dimensions
        if row.get(d) is not None and not get_catalog().dimension(d).time
    ]
