"""The OpenLineage client greenroom emits through: one NDJSON file per pipeline run under
`<home>/state/lineage/` by default, or HTTP to a Marquez (any OpenLineage) endpoint."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import assert_never

from openlineage.client import OpenLineageClient
from openlineage.client.transport import Transport
from openlineage.client.transport.file import FileConfig, FileTransport
from openlineage.client.transport.http import (
    ApiKeyTokenProvider,
    HttpConfig,
    HttpTransport,
    TokenProvider,
)
from openlineage.client.transport.http_common import DEFAULT_RETRY_CONFIG

from greenroom.governance.lineage.settings import LineageSettings

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Emitter:
    client: OpenLineageClient
    destination: str
    """The file the events are appended to, or the URL they are posted to."""


def open_emitter(settings: LineageSettings, home: Path, run_id: str) -> Emitter:
    transport: Transport
    kind = settings.effective_transport
    if kind == "file":
        directory = Path(settings.directory) if settings.directory else home / "state" / "lineage"
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{_UNSAFE.sub('_', run_id)}.ndjson"
        transport = FileTransport(FileConfig(log_file_path=str(path), append=True))
        return Emitter(OpenLineageClient(transport=transport), str(path))
    if kind == "http":
        assert settings.url is not None  # LineageSettings validates it
        auth = (
            ApiKeyTokenProvider({"api_key": settings.api_key.get_secret_value()})
            if settings.api_key
            else TokenProvider({})
        )
        retries = settings.retries
        config = HttpConfig(
            url=settings.url,
            endpoint=settings.endpoint,
            timeout=settings.timeout_seconds,
            auth=auth,
            retry={**DEFAULT_RETRY_CONFIG, "total": retries, "connect": retries, "read": retries},
        )
        transport = HttpTransport(config)
        destination = f"{settings.url.rstrip('/')}/{settings.endpoint.lstrip('/')}"
        return Emitter(OpenLineageClient(transport=transport), destination)
    assert_never(kind)
