"""Settings of the optional language model that proposes plans for the chat assistant.

Mounted by the root settings as ``settings.model`` (env ``GREENROOM_MODEL__…``), e.g.
``GREENROOM_MODEL__PROVIDER=openai``, ``GREENROOM_MODEL__BASE_URL=http://127.0.0.1:8001/v1``
and ``GREENROOM_MODEL__MODEL=gpt-4o-mini``. The default, ``offline``, uses no model at all:
the offline planner answers every question. :func:`build_provider` turns the settings into
a provider, checking that the fields the chosen provider needs are set.
"""

from __future__ import annotations

from typing import Literal, assert_never

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from greenroom.agent.providers.base import ModelProvider
from greenroom.errors import ConfigError

ProviderName = Literal["offline", "bedrock", "openai"]


class ModelSettings(BaseModel):
    """``settings.model``: which model proposes plans, and how to reach it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    provider: ProviderName = Field(
        default="offline", description="`offline` (no model), `bedrock` or `openai`."
    )
    model: str | None = Field(
        default=None,
        description="Model id, e.g. `anthropic.claude-3-5-sonnet-20240620-v1:0` or `gpt-4o-mini`.",
    )
    base_url: str | None = Field(
        default=None, description="OpenAI-compatible API root, e.g. `http://127.0.0.1:8001/v1`."
    )
    api_key: SecretStr | None = Field(
        default=None, description="Bearer token of the OpenAI-compatible endpoint."
    )
    region: str | None = Field(default=None, description="AWS region of Bedrock.")
    endpoint_url: str | None = Field(default=None, description="Bedrock endpoint override.")
    timeout_s: float = Field(default=20.0, gt=0, description="Per-request timeout.")
    max_tokens: int = Field(default=1024, ge=1)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)


def _require(value: str | None, field: str, provider: str, example: str) -> str:
    if value:
        return value
    env = f"GREENROOM_MODEL__{field.upper()}"
    raise ConfigError(
        f"`model.{field}` is required when `model.provider` is `{provider}`; "
        f"set `{env}` (e.g. {example}) or `GREENROOM_MODEL__PROVIDER=offline`"
    )


def build_provider(settings: ModelSettings) -> ModelProvider | None:
    """The configured provider, or ``None`` when the offline planner should answer alone.

    Raises :class:`ConfigError` naming the environment variable to set when the chosen
    provider lacks a field it needs. Builds no network client: the first proposal does.
    """
    if settings.provider == "offline":
        return None
    if settings.provider == "openai":
        from greenroom.agent.providers.openai import OpenAICompatibleProvider

        base_url = _require(settings.base_url, "base_url", "openai", "http://127.0.0.1:8001/v1")
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"`model.base_url` must be an http(s) URL, not `{base_url}`; "
                "fix `GREENROOM_MODEL__BASE_URL` (e.g. http://127.0.0.1:8001/v1)"
            )
        return OpenAICompatibleProvider(
            base_url=base_url,
            model=_require(settings.model, "model", "openai", "gpt-4o-mini"),
            api_key=settings.api_key.get_secret_value() if settings.api_key else None,
            timeout_s=settings.timeout_s,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
        )
    if settings.provider == "bedrock":
        from greenroom.agent.providers.bedrock import BedrockProvider, default_region

        model = _require(
            settings.model, "model", "bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0"
        )
        region = _require(settings.region or default_region(), "region", "bedrock", "us-east-1")
        return BedrockProvider(
            model=model,
            region=region,
            endpoint_url=settings.endpoint_url,
            timeout_s=settings.timeout_s,
            max_tokens=settings.max_tokens,
            temperature=settings.temperature,
        )
    assert_never(settings.provider)
