"""`LineageSettings`: where OpenLineage events go (mounted as `settings.lineage`).

By default every event is written as one JSON file under `<home>/state/lineage/`. Setting a
URL (`GREENROOM_LINEAGE__URL=http://localhost:5000`, a Marquez server) sends them over HTTP
instead; `transport` forces one or the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator

if TYPE_CHECKING:
    from greenroom.config import Settings

Transport = Literal["file", "http"]


class LineageSettings(BaseModel):
    transport: Transport | None = Field(
        default=None,
        description="`file` or `http`; default: `http` when `url` is set, else `file`.",
    )
    url: str | None = Field(default=None, description="OpenLineage endpoint base, e.g. Marquez.")
    endpoint: str = Field(default="api/v1/lineage", description="Path under `url` events go to.")
    api_key: SecretStr | None = Field(default=None, description="Bearer token for the endpoint.")
    timeout_seconds: float = Field(default=5.0, gt=0)
    retries: int = Field(default=3, ge=0, description="HTTP retries on connection errors and 5xx.")
    namespace: str = Field(
        default="greenroom", min_length=1, description="Job and dataset namespace."
    )
    directory: str | None = Field(
        default=None, description="File transport directory; default <home>/state/lineage."
    )

    @model_validator(mode="after")
    def _http_needs_url(self) -> LineageSettings:
        if self.transport == "http" and not self.url:
            raise ValueError("transport `http` needs `url` (e.g. http://localhost:5000)")
        return self

    @property
    def effective_transport(self) -> Transport:
        if self.transport is not None:
            return self.transport
        return "http" if self.url else "file"


def lineage_settings(settings: Settings) -> LineageSettings:
    """`settings.lineage` once the root settings mount it; the defaults until then."""
    mounted = getattr(settings, "lineage", None)
    return mounted if isinstance(mounted, LineageSettings) else LineageSettings()
