"""Settings: one pydantic-settings root, a section per layer, built on demand.

Environment variables use the ``GREENROOM_`` prefix and ``__`` for nesting, e.g.
``GREENROOM_HOME=/data/gr`` or ``GREENROOM_LAKE__CATALOG=glue``. A ``greenroom.toml`` in
the working directory is read too (environment wins). Never build settings at import
time: call :func:`get_settings`, which caches, and :func:`reset_settings` in tests.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from greenroom.agent.providers.settings import ModelSettings
from greenroom.errors import ConfigError
from greenroom.governance.lineage.settings import LineageSettings
from greenroom.governance.retention_settings import RetentionSettings
from greenroom.ingest.sources.settings import PartnersSettings

DEFAULT_TODAY = dt.date(2026, 6, 30)


class LakeSettings(BaseModel):
    """Where the Iceberg catalog and warehouse live.

    ``catalog="sql"`` (default) keeps a SQLite catalog and a local warehouse under
    ``home``; ``catalog="glue"`` uses the AWS Glue Data Catalog with ``warehouse`` on S3.
    """

    catalog: Literal["sql", "glue"] = "sql"
    catalog_uri: str | None = Field(
        default=None, description="SQLAlchemy URI of the SQL catalog; default <home>/catalog.db"
    )
    warehouse: str | None = Field(
        default=None, description="Warehouse location; default file://<home>/warehouse"
    )
    glue_region: str | None = None
    glue_endpoint: str | None = Field(default=None, description="Override, e.g. a moto server")


class StreamSettings(BaseModel):
    """The live ticket stream: the embedded durable log (`local`) or Amazon Kinesis."""

    backend: Literal["local", "kinesis"] = "local"
    name: str = "ticket-sales"
    shards: int = Field(default=4, ge=1)
    retention_hours: int = Field(default=168, ge=1)
    batch_size: int = Field(default=25_000, ge=1, description="Records per consumer micro-batch.")
    consumer: str = "bronze"
    kinesis_endpoint: str | None = Field(default=None, description="Override, e.g. a moto server")
    kinesis_region: str | None = None


class AuthSettings(BaseModel):
    """Who may use the web app and its API (`docs/web.md`)."""

    admin_token: SecretStr | None = Field(
        default=None,
        description="The built-in admin's bearer token; default: generated once, kept in "
        "<home>/auth/admin.token",
    )
    rate_limit_per_minute: int = Field(
        default=1200, ge=1, description="Requests a minute per token (429 past it)."
    )
    rate_limit_burst: int = Field(
        default=120, ge=1, description="Requests a token may send at once before pacing."
    )
    session_hours: float = Field(default=12, gt=0, description="How long a browser sign-in lasts.")
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure (set when served over HTTPS)."
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GREENROOM_",
        env_nested_delimiter="__",
        toml_file="greenroom.toml",
        extra="ignore",
    )

    home: Path = Field(
        default_factory=lambda: Path.home() / ".greenroom",
        description="Raw zone, warehouse, catalog and state live here.",
    )
    today: dt.date = Field(default=DEFAULT_TODAY, description="The reference date.")
    lake: LakeSettings = Field(default_factory=LakeSettings)
    stream: StreamSettings = Field(default_factory=StreamSettings)
    partners: PartnersSettings = Field(default_factory=PartnersSettings)
    lineage: LineageSettings = Field(default_factory=LineageSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    model: ModelSettings = Field(
        default_factory=ModelSettings,
        description="The chat's language model; `offline` (default) needs none.",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, TomlConfigSettingsSource(settings_cls))

    # Layout of the home. Every path a stage writes to is derived here, nowhere else.
    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def warehouse_dir(self) -> Path:
        return self.home / "warehouse"

    @property
    def state_dir(self) -> Path:
        return self.home / "state"

    @property
    def models_dir(self) -> Path:
        """The model registry's artefacts: `<home>/models/<name>/<version>/`."""
        return self.home / "models"

    @property
    def landing_dir(self) -> Path:
        """Where the demo writes the synthetic source files before ingesting them."""
        return self.home / "landing"

    @property
    def catalog_uri(self) -> str:
        return self.lake.catalog_uri or f"sqlite:///{self.home / 'catalog.db'}"

    @property
    def warehouse(self) -> str:
        return self.lake.warehouse or self.warehouse_dir.resolve().as_uri()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, built on first use from env and ``greenroom.toml``."""
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "settings"
        env = "GREENROOM_" + "__".join(str(p) for p in first["loc"]).upper()
        raise ConfigError(
            f"setting `{where}` is invalid ({first['msg']}); fix `{env}` or greenroom.toml"
        ) from None


def reset_settings() -> None:
    """Forget the cached settings (tests, or after changing the environment)."""
    get_settings.cache_clear()
