"""BedrockProvider on a real ``bedrock-runtime`` client wrapped in botocore's Stubber.

The stubbed tests send nothing anywhere; the two marked ``integration`` point the real
client at 127.0.0.1 (a closed port, and the scripted server answering too slowly).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import boto3
import pytest
from botocore.stub import ANY, Stubber

from greenroom.agent.providers import PlanProposal, PlanRequest, ProviderError
from greenroom.agent.providers.bedrock import MAX_ATTEMPTS, BedrockProvider
from tests.agent.providers._scripted import Reply, ScriptedModel
from tests.agent.providers.conftest import QUERY_SCHEMA

MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
QUERY = {"metrics": ["tickets_sold"], "dimensions": ["city"]}
GOOD = json.dumps({"kind": "query", "query": QUERY, "message": "Tickets by city"})


def converse_response(*texts: str, stop: str = "end_turn") -> dict[str, Any]:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": t} for t in texts]}},
        "stopReason": stop,
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 12},
    }


@pytest.fixture
def stubbed() -> Iterator[tuple[BedrockProvider, Stubber]]:
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    with Stubber(client) as stubber:
        yield BedrockProvider(model=MODEL, max_tokens=512, client=client), stubber
        stubber.assert_no_pending_responses()


def test_request_shape_and_good_reply(
    stubbed: tuple[BedrockProvider, Stubber], plan_request: PlanRequest
) -> None:
    provider, stubber = stubbed
    expected = {
        "modelId": MODEL,
        "system": [{"text": ANY}],
        "messages": [{"role": "user", "content": [{"text": ANY}]}],
        "inferenceConfig": {"maxTokens": 512, "temperature": 0.0},
    }
    stubber.add_response("converse", converse_response(GOOD), expected)
    assert provider.propose(plan_request) == PlanProposal(
        kind="query", query=QUERY, message="Tickets by city"
    )


def test_prompt_reaches_the_client(plan_request: PlanRequest) -> None:
    client = boto3.client("bedrock-runtime", region_name="us-east-1")
    sent: dict[str, Any] = {}
    client.meta.events.register("provide-client-params.bedrock-runtime.Converse", _keep(sent))
    with Stubber(client) as stubber:
        stubber.add_response("converse", converse_response(GOOD))
        BedrockProvider(model=MODEL, client=client).propose(plan_request)
    assert json.dumps(QUERY_SCHEMA, sort_keys=True) in sent["system"][0]["text"]
    assert plan_request.message in sent["messages"][0]["content"][0]["text"]


def _keep(sent: dict[str, Any]) -> Any:
    def handler(params: dict[str, Any], **_: Any) -> None:
        sent.update(params)

    return handler


def test_text_blocks_are_joined_and_fences_tolerated(
    stubbed: tuple[BedrockProvider, Stubber], plan_request: PlanRequest
) -> None:
    provider, stubber = stubbed
    stubber.add_response("converse", converse_response("```json\n", GOOD, "\n```"))
    assert provider.propose(plan_request).query == QUERY


@pytest.mark.parametrize(
    ("code", "status"), [("ThrottlingException", 429), ("AccessDeniedException", 403)]
)
def test_client_errors_are_provider_errors(
    stubbed: tuple[BedrockProvider, Stubber], plan_request: PlanRequest, code: str, status: int
) -> None:
    provider, stubber = stubbed
    stubber.add_client_error(
        "converse", service_error_code=code, service_message="nope", http_status_code=status
    )
    with pytest.raises(ProviderError, match=rf"`{MODEL}` failed with `{code}`: nope"):
        provider.propose(plan_request)


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (converse_response("Blocked.", stop="guardrail_intervened"), "a guardrail blocked"),
        (converse_response("", stop="content_filtered"), "content filter blocked"),
        (converse_response(GOOD[:30], stop="max_tokens"), "cut off at 512 tokens"),
        (converse_response("The answer is 42 tickets."), "did not reply with JSON"),
        (converse_response('{"kind": "sql", "query": "SELECT 1"}'), "wrong shape: `kind` is `sql`"),
        (converse_response(), "sent no text content"),
    ],
    ids=["guardrail", "content-filter", "max-tokens", "garbage", "wrong-shape", "no-text"],
)
def test_unusable_replies_are_provider_errors(
    stubbed: tuple[BedrockProvider, Stubber],
    plan_request: PlanRequest,
    response: dict[str, Any],
    reason: str,
) -> None:
    provider, stubber = stubbed
    stubber.add_response("converse", response)
    with pytest.raises(ProviderError, match=f"^Bedrock model `{MODEL}`") as err:
        provider.propose(plan_request)
    assert reason in str(err.value)


def test_client_is_built_lazily_with_region_endpoint_and_timeouts() -> None:
    provider = BedrockProvider(
        model=MODEL, region="eu-west-1", endpoint_url="http://127.0.0.1:9", timeout_s=3.5
    )
    assert provider._client is None
    client = provider.client
    assert client is provider.client
    assert client.meta.region_name == "eu-west-1"
    assert client.meta.endpoint_url == "http://127.0.0.1:9"
    assert (client.meta.config.connect_timeout, client.meta.config.read_timeout) == (3.5, 3.5)
    assert client.meta.config.retries["total_max_attempts"] == MAX_ATTEMPTS


def test_no_region_anywhere_is_a_provider_error(plan_request: PlanRequest) -> None:
    with pytest.raises(ProviderError, match="GREENROOM_MODEL__REGION"):
        BedrockProvider(model=MODEL).propose(plan_request)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.integration
def test_unreachable_endpoint(plan_request: PlanRequest) -> None:
    provider = BedrockProvider(
        model=MODEL, region="us-east-1", endpoint_url=f"http://127.0.0.1:{_closed_port()}"
    )
    with pytest.raises(ProviderError, match="could not be reached: Could not connect"):
        provider.propose(plan_request)


@pytest.mark.integration
def test_slow_endpoint_times_out(scripted_model: ScriptedModel, plan_request: PlanRequest) -> None:
    scripted_model.fallback = Reply(converse_response(GOOD), delay_s=3.0)
    endpoint = scripted_model.base_url.removesuffix("/v1")
    provider = BedrockProvider(
        model=MODEL, region="us-east-1", endpoint_url=endpoint, timeout_s=0.2
    )
    with pytest.raises(ProviderError, match="could not be reached: Read timeout"):
        provider.propose(plan_request)
    paths = {r.path for r in scripted_model.requests}
    assert paths == {f"/model/{quote(MODEL, safe='')}/converse"}
    assert 1 <= len(scripted_model.requests) <= MAX_ATTEMPTS
