"""The words every provider sends, and the one parser of what comes back.

:func:`build_prompt` turns a :class:`PlanRequest` into a system prompt (rules, catalogue,
query schema) and a user message (today, the previous query, the question).
:func:`parse_proposal` reads a model's text reply: it tolerates a fenced ```json block or
prose around the object, but the object itself must have exactly the agreed shape. The
``query`` object is passed through as is; the semantic layer validates it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal, cast

from greenroom.agent.providers.base import PlanProposal, PlanRequest, ProviderError

Kind = Literal["query", "clarification", "refusal"]
KINDS: tuple[Kind, ...] = ("query", "clarification", "refusal")
KEYS = frozenset({"kind", "query", "message", "options"})
_FENCE = re.compile(r"```[a-zA-Z]*[ \t]*\n?(.*?)```", re.S)
_MAX_OBJECT_STARTS = 20
"""Positions of ``{`` tried when prose surrounds the JSON object."""

RULES = """\
You plan answers for greenroom, a live-music data platform (concerts, venues, artists, \
ticket sales). You never write SQL and you never answer from your own knowledge: you \
propose a semantic query over the catalogue below, which greenroom validates and runs.

Answer with ONE JSON object and nothing else, of this shape:
{"kind": "query" | "clarification" | "refusal", "query": {...} | null, \
"message": string | null, "options": [string]}

- "query": the question can be answered from the catalogue. Put a query object that \
follows the query schema below under "query"; "message" may briefly say what it shows.
- "clarification": the question is ambiguous (which metric, which period, which place). \
"query" is null; "message" asks one short question; "options" lists 2-5 likely answers.
- "refusal": the question asks to change data (insert, update, delete, drop, load), is \
outside the catalogue, or asks for personal data about individual people (customers' \
names, emails, phone numbers, addresses, purchases). "query" is null; "message" says \
briefly why and what can be asked instead.

Use only metric and dimension names from the catalogue. Resolve relative dates ("last \
month", "this year") against today's date. A follow-up ("and in 2024?", "only Berlin") \
changes the previous query; an unrelated question starts a new one. Never put SQL in any \
field."""


def build_prompt(request: PlanRequest) -> tuple[str, str]:
    """``(system, user)`` for one planning request."""
    catalogue = "\n".join(
        [
            "Metrics:",
            *_entries(request.catalogue.get("metrics", [])),
            "Dimensions:",
            *_entries(request.catalogue.get("dimensions", [])),
        ]
    )
    schema = json.dumps(request.query_schema, sort_keys=True)
    system = f'{RULES}\n\nCatalogue\n{catalogue}\n\nQuery schema (JSON schema of "query")\n{schema}'
    today = f"Today is {request.today.isoformat()} ({request.today:%A})."
    if request.previous is None:
        context = "This is the first question of the conversation."
    else:
        context = f"The previous query was: {json.dumps(request.previous, sort_keys=True)}"
    user = f"{today}\n{context}\n\nQuestion: {request.message}"
    return system, user


def _entries(items: Any) -> list[str]:
    lines = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and "name" in item:
            description = item.get("description")
            lines.append(f"- {item['name']}: {description}" if description else f"- {item['name']}")
    return lines or ["- (none)"]


def parse_proposal(text: str, who: str = "the model") -> PlanProposal:
    """The proposal in a model's reply; :class:`ProviderError` saying why if there is none."""
    return _to_proposal(_extract_json(text, who), who)


def _excerpt(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _extract_json(text: str, who: str) -> Any:
    stripped = text.strip()
    if not stripped:
        raise ProviderError(f"{who} replied with empty text; the offline planner answers")
    for candidate in [stripped, *(m.group(1).strip() for m in _FENCE.finditer(stripped))]:
        try:
            return json.loads(candidate)
        except ValueError:
            pass
    decoder = json.JSONDecoder()
    start = stripped.find("{")
    for _ in range(_MAX_OBJECT_STARTS):
        if start < 0:
            break
        try:
            return decoder.raw_decode(stripped, start)[0]
        except ValueError:
            start = stripped.find("{", start + 1)
    raise ProviderError(f"{who} did not reply with JSON: `{_excerpt(stripped)}`")


_JSON_TYPES = {"list": "an array", "str": "a string", "int": "a number", "float": "a number"}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _JSON_TYPES.get(type(value).__name__, "an object")


def _shape_error(who: str, reason: str) -> ProviderError:
    return ProviderError(f"{who} replied with JSON of the wrong shape: {reason}")


def _to_proposal(data: Any, who: str) -> PlanProposal:
    if not isinstance(data, dict):
        raise _shape_error(who, f"{_json_type(data)}, not an object")
    extra = sorted(set(data) - KEYS)
    if extra:
        raise _shape_error(who, f"unexpected keys {', '.join(f'`{k}`' for k in extra)}")
    kind, query, message = data.get("kind"), data.get("query"), data.get("message")
    options = data.get("options") or []
    if kind not in KINDS:
        got = "missing" if kind is None else f"`{kind}`"
        raise _shape_error(who, f"`kind` is {got}, not one of {', '.join(KINDS)}")
    if query is not None and not isinstance(query, dict):
        raise _shape_error(who, f"`query` is {_json_type(query)}, not an object or null")
    if message is not None and not isinstance(message, str):
        raise _shape_error(who, f"`message` is {_json_type(message)}, not a string")
    if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
        raise _shape_error(who, "`options` is not a list of strings")
    if kind == "query" and query is None:
        raise _shape_error(who, "`kind` is query but `query` is missing")
    if kind != "query" and query is not None:
        raise _shape_error(who, f"`kind` is {kind} but a `query` was given")
    if kind != "query" and not (message and message.strip()):
        raise _shape_error(who, f"`kind` is {kind} but `message` is empty")
    return PlanProposal(kind=cast(Kind, kind), query=query, message=message, options=list(options))
