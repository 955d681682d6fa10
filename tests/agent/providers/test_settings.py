"""ModelSettings from the environment, and build_provider's choices and complaints."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from greenroom.agent.providers.bedrock import BedrockProvider
from greenroom.agent.providers.openai import OpenAICompatibleProvider
from greenroom.agent.providers.settings import ModelSettings, build_provider
from greenroom.errors import ConfigError

BEDROCK_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"


class Root(BaseSettings):
    """Stands in for ``greenroom.config.Settings`` once it mounts ``model``."""

    model_config = SettingsConfigDict(env_prefix="GREENROOM_", env_nested_delimiter="__")
    model: ModelSettings = ModelSettings()


def test_offline_by_default_means_no_provider() -> None:
    settings = ModelSettings()
    assert settings.provider == "offline"
    assert (settings.timeout_s, settings.max_tokens, settings.temperature) == (20.0, 1024, 0.0)
    assert build_provider(settings) is None


def test_settings_come_from_greenroom_model_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_MODEL__PROVIDER", "openai")
    monkeypatch.setenv("GREENROOM_MODEL__MODEL", "gpt-4o-mini")
    monkeypatch.setenv("GREENROOM_MODEL__BASE_URL", "http://127.0.0.1:8001/v1")
    monkeypatch.setenv("GREENROOM_MODEL__API_KEY", "sk-secret")
    monkeypatch.setenv("GREENROOM_MODEL__TIMEOUT_S", "5")
    settings = Root().model
    assert (settings.provider, settings.model) == ("openai", "gpt-4o-mini")
    assert settings.api_key == SecretStr("sk-secret")
    assert "sk-secret" not in repr(settings)
    assert settings.timeout_s == 5.0


def test_openai_provider_is_built_from_settings() -> None:
    provider = build_provider(
        ModelSettings(
            provider="openai",
            model="gpt-4o-mini",
            base_url="http://127.0.0.1:8001/v1/",
            api_key=SecretStr("sk-secret"),
            timeout_s=7.0,
            max_tokens=200,
            temperature=0.3,
        )
    )
    assert isinstance(provider, OpenAICompatibleProvider)
    assert provider.name == "openai"
    assert provider.url == "http://127.0.0.1:8001/v1/chat/completions"
    assert (provider.model, provider.timeout_s, provider.max_tokens) == ("gpt-4o-mini", 7.0, 200)
    assert provider.temperature == 0.3


def test_bedrock_provider_is_built_from_settings() -> None:
    provider = build_provider(
        ModelSettings(
            provider="bedrock",
            model=BEDROCK_MODEL,
            region="eu-central-1",
            endpoint_url="http://127.0.0.1:9",
        )
    )
    assert isinstance(provider, BedrockProvider)
    assert provider.name == "bedrock"
    assert (provider.model, provider.region) == (BEDROCK_MODEL, "eu-central-1")
    assert provider.endpoint_url == "http://127.0.0.1:9"
    assert provider._client is None  # no client until the first proposal


def test_bedrock_region_may_come_from_the_aws_chain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    provider = build_provider(ModelSettings(provider="bedrock", model=BEDROCK_MODEL))
    assert isinstance(provider, BedrockProvider)
    assert provider.region == "us-west-2"


@pytest.mark.parametrize(
    ("fields", "env"),
    [
        ({"provider": "openai", "model": "gpt-4o-mini"}, "GREENROOM_MODEL__BASE_URL"),
        ({"provider": "openai", "base_url": "http://127.0.0.1:8001/v1"}, "GREENROOM_MODEL__MODEL"),
        ({"provider": "openai"}, "GREENROOM_MODEL__BASE_URL"),
        ({"provider": "bedrock", "region": "us-east-1"}, "GREENROOM_MODEL__MODEL"),
        ({"provider": "bedrock", "model": BEDROCK_MODEL}, "GREENROOM_MODEL__REGION"),
    ],
)
def test_missing_fields_are_config_errors_naming_the_env_var(
    fields: dict[str, str], env: str
) -> None:
    with pytest.raises(ConfigError) as err:
        build_provider(ModelSettings.model_validate(fields))
    message = str(err.value)
    assert f"`{env}`" in message
    assert f"`model.provider` is `{fields['provider']}`" in message
    assert "GREENROOM_MODEL__PROVIDER=offline" in message


def test_openai_base_url_must_be_http() -> None:
    settings = ModelSettings(provider="openai", model="m", base_url="127.0.0.1:8001/v1")
    with pytest.raises(ConfigError, match="must be an http"):
        build_provider(settings)


@pytest.mark.parametrize(
    "fields",
    [
        {"provider": "anthropic"},
        {"timeout_s": 0},
        {"max_tokens": 0},
        {"temperature": -1},
        {"base_uri": "http://127.0.0.1"},
    ],
)
def test_invalid_settings_are_rejected(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        ModelSettings.model_validate(fields)
