"""Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp, Ollama, …).

One ``POST {base_url}/chat/completions`` per proposal with ``response_format`` set to
``json_object``, a bearer token when one is configured, and the configured timeout. No
retries here: on any failure the offline planner answers at once, which beats making the
person wait for a second try.
"""

from __future__ import annotations

from typing import Any

import httpx

from greenroom.agent.providers._prompt import build_prompt, parse_proposal
from greenroom.agent.providers.base import PlanProposal, PlanRequest, ProviderError

_BODY_EXCERPT = 200


class OpenAICompatibleProvider:
    """Proposes plans with a chat-completions model behind ``base_url``."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout_s: float = 20.0,
        max_tokens: int = 1024,
        temperature: float = 0.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self._api_key = api_key
        self.timeout_s = timeout_s
        self.max_tokens = max_tokens
        self.temperature = temperature
        self._transport = transport
        self._who = f"model `{model}` at `{self.url}`"

    def propose(self, request: PlanRequest) -> PlanProposal:
        system, user = build_prompt(request)
        payload = {
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": user},
            ],
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "response_format": {"type": "json_object"},
        }
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        return parse_proposal(self._content(self._post(payload, headers)), self._who)

    def _post(self, payload: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
        try:
            with httpx.Client(timeout=self.timeout_s, transport=self._transport) as client:
                return client.post(self.url, json=payload, headers=headers)
        except httpx.TimeoutException:
            raise ProviderError(
                f"{self._who} did not answer within {self.timeout_s:g}s; "
                "raise `GREENROOM_MODEL__TIMEOUT_S` or check the endpoint"
            ) from None
        except httpx.HTTPError as exc:
            raise ProviderError(
                f"{self._who} could not be reached ({type(exc).__name__}: {exc}); "
                "check `GREENROOM_MODEL__BASE_URL`"
            ) from exc

    def _content(self, resp: httpx.Response) -> str:
        if not resp.is_success:
            excerpt = " ".join(resp.text.split())[:_BODY_EXCERPT]
            raise ProviderError(f"{self._who} answered HTTP {resp.status_code}: `{excerpt}`")
        try:
            choice = resp.json()["choices"][0]
            message = choice["message"]
        except (ValueError, KeyError, IndexError, TypeError):
            excerpt = " ".join(resp.text.split())[:_BODY_EXCERPT]
            raise ProviderError(
                f"{self._who} sent no chat completion (no `choices[0].message`): `{excerpt}`"
            ) from None
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        if finish == "content_filter":
            raise ProviderError(f"{self._who} stopped: its content filter blocked the reply")
        if finish == "length":
            raise ProviderError(
                f"{self._who} was cut off at {self.max_tokens} tokens; "
                "raise `GREENROOM_MODEL__MAX_TOKENS`"
            )
        if not isinstance(message, dict):
            raise ProviderError(f"{self._who} sent a `message` that is not an object")
        if message.get("refusal"):
            raise ProviderError(f"{self._who} refused: {message['refusal']}")
        content = message.get("content")
        if not isinstance(content, str) or not content.strip():
            raise ProviderError(f"{self._who} sent no text content")
        return content
