"""Amazon Bedrock through the Converse API (boto3 ``bedrock-runtime``).

One ``converse`` call per proposal. The client is built on first use with the configured
region and endpoint, connect and read timeouts from ``timeout_s`` and at most two attempts
(botocore retries a throttle once); tests inject a client wrapped in botocore's ``Stubber``.
Credentials come from the usual AWS chain (env, profile, role).
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from greenroom.agent.providers._prompt import build_prompt, parse_proposal
from greenroom.agent.providers.base import PlanProposal, PlanRequest, ProviderError

_BLOCKED = {
    "guardrail_intervened": "a guardrail blocked the reply",
    "content_filtered": "its content filter blocked the reply",
}
MAX_ATTEMPTS = 2
"""Tries per proposal, the first included (botocore's ``max_attempts`` would add one)."""


class BedrockProvider:
    """Proposes plans with a Bedrock model (any model the Converse API serves)."""

    name = "bedrock"

    def __init__(
        self,
        *,
        model: str,
        region: str | None = None,
        endpoint_url: str | None = None,
        timeout_s: float = 20.0,
        max_tokens: int = 1024,
        temperature: float = 0.0,
        client: Any | None = None,
    ) -> None:
        self.model = model
        self.region = region
        self.endpoint_url = endpoint_url
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.temperature = temperature
        self._client = client
        self._who = f"Bedrock model `{model}`"

    @property
    def client(self) -> Any:
        """The ``bedrock-runtime`` client, built on first use."""
        if self._client is None:
            config = Config(
                connect_timeout=self.timeout_s,
                read_timeout=self.timeout_s,
                retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
            )
            try:
                self._client = boto3.client(
                    "bedrock-runtime",
                    region_name=self.region,
                    endpoint_url=self.endpoint_url,
                    config=config,
                )
            except BotoCoreError as exc:
                raise ProviderError(
                    f"{self._who}: no client ({exc}); set `GREENROOM_MODEL__REGION`"
                ) from exc
        return self._client

    def propose(self, request: PlanRequest) -> PlanProposal:
        system, user = build_prompt(request)
        response = self._converse(
            modelId=self.model,
            system=[{"text": system}],
            messages=[{"role": "user", "content": [{"text": user}]}],
            inferenceConfig={"maxTokens": self.max_tokens, "temperature": self.temperature},
        )
        stop = response.get("stopReason")
        if stop in _BLOCKED:
            raise ProviderError(f"{self._who} stopped: {_BLOCKED[stop]} (`{stop}`)")
        if stop == "max_tokens":
            raise ProviderError(
                f"{self._who} was cut off at {self.max_tokens} tokens; "
                "raise `GREENROOM_MODEL__MAX_TOKENS`"
            )
        return parse_proposal(_text(response, self._who), self._who)

    def _converse(self, **kwargs: Any) -> dict[str, Any]:
        client = self.client
        try:
            response: dict[str, Any] = client.converse(**kwargs)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", "ClientError"), error.get("Message", "")
            raise ProviderError(f"{self._who} failed with `{code}`: {message}") from exc
        except BotoCoreError as exc:
            raise ProviderError(f"{self._who} could not be reached: {exc}") from exc
        return response


def default_region() -> str | None:
    """The region the AWS chain resolves (``AWS_REGION``, ``AWS_DEFAULT_REGION``, profile)."""
    region: str | None = boto3.session.Session().region_name
    return region


def _text(response: dict[str, Any], who: str) -> str:
    """The text blocks of the assistant's message, joined."""
    try:
        blocks = response["output"]["message"]["content"]
    except (KeyError, TypeError):
        raise ProviderError(f"{who} sent no `output.message.content`") from None
    parts = [b["text"] for b in blocks if isinstance(b, dict) and isinstance(b.get("text"), str)]
    text = "".join(parts)
    if not text.strip():
        raise ProviderError(f"{who} sent no text content")
    return text
