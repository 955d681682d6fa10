"""Fixtures of the provider tests: a sample request, a scripted model, and two guards.

Every test here runs with sockets limited to the loopback interface (a connection
anywhere else fails the test) and with AWS configuration isolated to dummy values, so no
test can reach a real model or the internet.
"""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from greenroom.agent.providers import PlanRequest
from tests.agent.providers._scripted import ScriptedModel, serve_scripted_model

LOOPBACK = {"127.0.0.1", "::1", "localhost"}

QUERY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "metrics": {"type": "array", "items": {"enum": ["revenue", "tickets_sold"]}},
        "dimensions": {"type": "array", "items": {"enum": ["city", "month"]}},
        "filters": {"type": "array"},
    },
    "required": ["metrics"],
}
CATALOGUE: dict[str, Any] = {
    "metrics": [
        {"name": "revenue", "description": "Gross ticket revenue in EUR"},
        {"name": "tickets_sold", "description": "Tickets sold"},
    ],
    "dimensions": [
        {"name": "city", "description": "City of the venue"},
        {"name": "month", "description": "Month of the sale"},
    ],
}


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to open an internet socket to somewhere other than this machine."""
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> None:
        host = address[0] if isinstance(address, tuple) else None
        if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOOPBACK:
            raise AssertionError(f"a provider test tried to connect to {address!r}")
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _isolated_aws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dummy credentials, no region, and none of the developer's AWS files."""
    for key in ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def plan_request() -> PlanRequest:
    return PlanRequest(
        message="How much revenue did Berlin make last month?",
        today=dt.date(2026, 6, 30),
        catalogue=CATALOGUE,
        query_schema=QUERY_SCHEMA,
    )


@pytest.fixture
def scripted_model() -> Iterator[ScriptedModel]:
    """An OpenAI-compatible model on 127.0.0.1 replying from ``model.reply(...)``."""
    with serve_scripted_model() as model:
        yield model
