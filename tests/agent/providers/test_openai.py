"""OpenAICompatibleProvider against a scripted model served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import time

import pytest

from greenroom.agent.providers import PlanProposal, PlanRequest, ProviderError
from greenroom.agent.providers.openai import OpenAICompatibleProvider
from tests.agent.providers._scripted import Received, Reply, ScriptedModel, completion
from tests.agent.providers.conftest import QUERY_SCHEMA

pytestmark = pytest.mark.integration

QUERY = {"metrics": ["revenue"], "dimensions": ["month"]}
GOOD = json.dumps({"kind": "query", "query": QUERY, "message": None, "options": []})


def provider(model: ScriptedModel, **kwargs: object) -> OpenAICompatibleProvider:
    options: dict[str, object] = {"model": "gpt-4o-mini", "api_key": "sk-test", "timeout_s": 5.0}
    options.update(kwargs)
    return OpenAICompatibleProvider(base_url=model.base_url, **options)  # type: ignore[arg-type]


def test_request_shape(scripted_model: ScriptedModel, plan_request: PlanRequest) -> None:
    scripted_model.reply(Reply(completion(GOOD)))
    provider(scripted_model, max_tokens=300, temperature=0.1).propose(plan_request)

    (got,) = scripted_model.requests
    assert (got.method, got.path) == ("POST", "/v1/chat/completions")
    assert got.headers["authorization"] == "Bearer sk-test"
    assert got.headers["content-type"] == "application/json"
    body = got.body
    assert body["model"] == "gpt-4o-mini"
    assert (body["temperature"], body["max_tokens"]) == (0.1, 300)
    assert body["response_format"] == {"type": "json_object"}
    system, user = body["messages"]
    assert system["role"] == "system"
    assert json.dumps(QUERY_SCHEMA, sort_keys=True) in system["content"]
    assert "- revenue: Gross ticket revenue in EUR" in system["content"]
    assert user["role"] == "user"
    assert plan_request.message in user["content"]
    assert "2026-06-30" in user["content"]


def test_no_api_key_sends_no_authorization(
    scripted_model: ScriptedModel, plan_request: PlanRequest
) -> None:
    scripted_model.reply(Reply(completion(GOOD)))
    provider(scripted_model, api_key=None).propose(plan_request)
    assert "authorization" not in scripted_model.requests[0].headers


def test_a_trailing_slash_on_base_url_is_harmless(
    scripted_model: ScriptedModel, plan_request: PlanRequest
) -> None:
    scripted_model.reply(Reply(completion(GOOD)))
    OpenAICompatibleProvider(base_url=scripted_model.base_url + "/", model="m").propose(
        plan_request
    )
    assert scripted_model.requests[0].path == "/v1/chat/completions"


def test_good_reply_is_the_proposal(
    scripted_model: ScriptedModel, plan_request: PlanRequest
) -> None:
    scripted_model.reply(Reply(completion(GOOD)))
    assert provider(scripted_model).propose(plan_request) == PlanProposal(kind="query", query=QUERY)


def test_fenced_reply_is_the_proposal(
    scripted_model: ScriptedModel, plan_request: PlanRequest
) -> None:
    fenced = (
        '```json\n{"kind": "clarification", "message": "Which city?", "options": ["Berlin"]}\n```'
    )
    scripted_model.reply(Reply(completion(fenced)))
    assert provider(scripted_model).propose(plan_request) == PlanProposal(
        kind="clarification", message="Which city?", options=["Berlin"]
    )


def test_script_can_answer_from_the_request(
    scripted_model: ScriptedModel, plan_request: PlanRequest
) -> None:
    """A function of the request: refuse when the question asks to delete."""

    def answer(got: Received) -> Reply:
        question = got.body["messages"][-1]["content"]
        if "delete" in question.lower():
            return Reply(completion('{"kind": "refusal", "message": "Read-only."}'))
        return Reply(completion(GOOD))

    scripted_model.fallback = answer
    model = provider(scripted_model)
    assert model.propose(plan_request).kind == "query"
    deleting = PlanRequest("Delete all sales", plan_request.today, {}, QUERY_SCHEMA)
    assert model.propose(deleting) == PlanProposal(kind="refusal", message="Read-only.")
    assert len(scripted_model.requests) == 2


def test_slow_reply_times_out(scripted_model: ScriptedModel, plan_request: PlanRequest) -> None:
    scripted_model.reply(Reply(completion(GOOD), delay_s=3.0))
    started = time.monotonic()
    with pytest.raises(ProviderError, match=r"did not answer within 0\.2s"):
        provider(scripted_model, timeout_s=0.2).propose(plan_request)
    assert time.monotonic() - started < 2.0  # gave up long before the reply came


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_unreachable_endpoint(plan_request: PlanRequest) -> None:
    dead = OpenAICompatibleProvider(base_url=f"http://127.0.0.1:{_closed_port()}/v1", model="m")
    with pytest.raises(ProviderError, match=r"could not be reached \(ConnectError"):
        dead.propose(plan_request)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply({"error": {"message": "boom"}}, status=500), 'HTTP 500: `{"error": {"message": "boom"}}`'),
        (Reply({"error": {"message": "Rate limit reached"}}, status=429), "HTTP 429: `{\"error\": {\"message\": \"Rate limit"),
        (Reply("<html>" + "x" * 5000, status=502), "HTTP 502: `<html>xxx"),
        (Reply("I think the answer is 42."), "sent no chat completion"),
        (Reply({"choices": []}), "sent no chat completion"),
        (Reply(completion("The revenue was 42 EUR.")), "did not reply with JSON"),
        (Reply(completion('{"answer": 42}')), "wrong shape: unexpected keys `answer`"),
        (Reply(completion('["query"]')), "wrong shape: an array, not an object"),
        (Reply(completion(None, finish_reason="content_filter")), "content filter blocked"),
        (Reply(completion(GOOD[:40], finish_reason="length")), "cut off at 1024 tokens"),
        (Reply(completion(None, refusal="I can't help with that.")), "refused: I can't help with that."),
        (Reply(completion(None)), "sent no text content"),
        (Reply(completion("   ")), "sent no text content"),
    ],
    ids=[
        "500", "429", "502-long-body", "not-json-body", "no-choices", "prose", "wrong-shape",
        "array", "content-filter", "length", "refusal", "null-content", "blank-content",
    ],
)  # fmt: skip
def test_failures_are_provider_errors(
    scripted_model: ScriptedModel, plan_request: PlanRequest, reply: Reply, reason: str
) -> None:
    scripted_model.reply(reply)
    with pytest.raises(ProviderError) as err:
        provider(scripted_model).propose(plan_request)
    message = str(err.value)
    assert reason in message
    assert message.startswith(
        f"model `gpt-4o-mini` at `{scripted_model.base_url}/chat/completions`"
    )
    assert len(message) < 400  # a long body is cut to an excerpt
    assert len(scripted_model.requests) == 1  # no retry: the offline planner answers instead
