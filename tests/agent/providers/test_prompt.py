"""The prompt every provider sends and the parser of every reply (no model involved)."""

from __future__ import annotations

import dataclasses
import json
import socket

import pytest

from greenroom.agent.providers import PlanProposal, PlanRequest, ProviderError
from greenroom.agent.providers._prompt import build_prompt, parse_proposal
from tests.agent.providers.conftest import QUERY_SCHEMA

QUERY = {"metrics": ["revenue"], "filters": [{"dimension": "city", "op": "=", "value": "Berlin"}]}


def test_system_prompt_holds_rules_catalogue_and_schema(plan_request: PlanRequest) -> None:
    system, _user = build_prompt(plan_request)
    assert "ONE JSON object" in system
    assert "never write SQL" in system
    assert "personal data" in system
    assert '"kind": "query" | "clarification" | "refusal"' in system
    assert "- revenue: Gross ticket revenue in EUR" in system
    assert "- city: City of the venue" in system
    assert json.dumps(QUERY_SCHEMA, sort_keys=True) in system


def test_user_message_holds_today_and_question(plan_request: PlanRequest) -> None:
    _system, user = build_prompt(plan_request)
    assert "Today is 2026-06-30 (Tuesday)." in user
    assert "first question" in user
    assert user.endswith("Question: How much revenue did Berlin make last month?")


def test_follow_up_carries_the_previous_query(plan_request: PlanRequest) -> None:
    follow_up = dataclasses.replace(plan_request, message="and in Paris?", previous=QUERY)
    _system, user = build_prompt(follow_up)
    assert f"The previous query was: {json.dumps(QUERY, sort_keys=True)}" in user
    assert "first question" not in user


def test_empty_catalogue_is_said_so(plan_request: PlanRequest) -> None:
    system, _user = build_prompt(dataclasses.replace(plan_request, catalogue={}))
    assert "Metrics:\n- (none)\nDimensions:\n- (none)" in system


GOOD = json.dumps({"kind": "query", "query": QUERY, "message": "Revenue in Berlin", "options": []})


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        f"  {GOOD}\n",
        f"```json\n{GOOD}\n```",
        f"```\n{GOOD}\n```",
        f"Here is the plan:\n```json\n{GOOD}\n```\nHope this helps.",
        f"Sure! {GOOD} Let me know.",
        f"Using {{metrics}} from the catalogue: {GOOD}",
    ],
    ids=["bare", "padded", "fenced-json", "fenced", "fenced-in-prose", "in-prose", "brace-prose"],
)
def test_a_query_reply_is_parsed(text: str) -> None:
    assert parse_proposal(text) == PlanProposal(
        kind="query", query=QUERY, message="Revenue in Berlin", options=[]
    )


def test_query_object_passes_through_unvalidated() -> None:
    odd = {"metrics": ["no_such_metric"], "anything": {"nested": [1, 2]}}
    proposal = parse_proposal(json.dumps({"kind": "query", "query": odd}))
    assert proposal.query == odd
    assert (proposal.message, proposal.options) == (None, [])


def test_clarification_and_refusal_are_parsed() -> None:
    clarification = parse_proposal(
        '{"kind": "clarification", "query": null, "message": "Which year?",'
        ' "options": ["2025", "2026"]}'
    )
    assert clarification == PlanProposal(
        kind="clarification", message="Which year?", options=["2025", "2026"]
    )
    refusal = parse_proposal(
        '{"kind": "refusal", "message": "I cannot delete data.", "options": null}'
    )
    assert refusal == PlanProposal(kind="refusal", message="I cannot delete data.")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty text"),
        ("   \n", "empty text"),
        ("SELECT sum(revenue) FROM gold.sales_daily", "did not reply with JSON"),
        ("{not json at all", "did not reply with JSON"),
        ("[1, 2]", "an array, not an object"),
        ('"query"', "a string, not an object"),
        ('{"query": {"metrics": []}}', "`kind` is missing"),
        ('{"kind": "sql", "query": null}', "`kind` is `sql`, not one of query"),
        ('{"kind": "query", "query": "SELECT 1"}', "`query` is a string"),
        ('{"kind": "query", "query": null}', "`query` is missing"),
        ('{"kind": "refusal", "query": {"metrics": []}, "message": "no"}', "a `query` was given"),
        ('{"kind": "clarification", "query": null, "message": ""}', "`message` is empty"),
        ('{"kind": "refusal"}', "`message` is empty"),
        ('{"kind": "refusal", "message": 3}', "`message` is a number"),
        ('{"kind": "clarification", "message": "?", "options": "2025"}', "`options` is not"),
        ('{"kind": "clarification", "message": "?", "options": [2025]}', "`options` is not"),
        ('{"kind": "query", "query": {}, "sql": "SELECT 1"}', "unexpected keys `sql`"),
    ],
)
def test_anything_else_is_a_provider_error_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ProviderError) as err:
        parse_proposal(text, who="model `m`")
    assert reason in str(err.value)
    assert str(err.value).startswith("model `m`")


def test_a_long_non_json_reply_is_quoted_short() -> None:
    with pytest.raises(ProviderError) as err:
        parse_proposal("word " * 500)
    assert len(str(err.value)) < 200


def test_provider_tests_cannot_reach_the_internet() -> None:
    """The autouse guard of conftest refuses any non-loopback address (TEST-NET-1 here)."""
    with socket.socket() as sock, pytest.raises(AssertionError, match="tried to connect"):
        sock.connect(("192.0.2.1", 443))
