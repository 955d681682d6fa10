"""The simulator's view of one HTTP exchange, independent of the server that carries it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SimRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    client: str = "127.0.0.1"

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def base_url(self) -> str:
        return f"http://{self.header('host') or '127.0.0.1'}"


@dataclass
class SimResponse:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_json(self) -> bool:
        return self.headers.get("Content-Type", "").startswith("application/json")


def json_response(status: int, doc: Any, headers: dict[str, str] | None = None) -> SimResponse:
    body = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    return SimResponse(
        status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    )
