"""The last good response body per request, on disk.

Every page a connector validates is stored under a key made of the partner, the method,
the path and the sorted query parameters with secrets left out (an API key or a token
never reaches the disk). When the partner is down — retries exhausted or the circuit
open — the connector serves the stored body instead and marks its result
``from_cache=True``. Entries are overwritten atomically, one file per key, under
``<state_dir>/partners/cache/<partner>/``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from greenroom.files import write_atomic
from greenroom.ingest.sources._http import SECRET_PARAMS


@dataclass(frozen=True)
class CachedBody:
    key: str
    body: bytes
    stored_at: dt.datetime


def cache_key(method: str, path: str, params: Mapping[str, str | int] | None) -> str:
    items = sorted((k, str(v)) for k, v in (params or {}).items() if k.lower() not in SECRET_PARAMS)
    query = "&".join(f"{k}={v}" for k, v in items)
    return f"{method.upper()} {path}?{query}"


class ResponseCache:
    def __init__(self, state_dir: Path, partner: str) -> None:
        self.root = Path(state_dir) / "partners" / "cache" / partner

    def _paths(self, key: str) -> tuple[Path, Path]:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return self.root / f"{digest}.body", self.root / f"{digest}.meta.json"

    def put(self, key: str, body: bytes) -> None:
        body_path, meta_path = self._paths(key)
        self.root.mkdir(parents=True, exist_ok=True)
        meta = {"key": key, "stored_at": dt.datetime.now(dt.UTC).isoformat(), "bytes": len(body)}
        # Body first, then the metadata that vouches for it: a reader trusts a body only
        # when the metadata names the same key and length.
        write_atomic(body_path, body)
        write_atomic(meta_path, json.dumps(meta).encode())

    def get(self, key: str) -> CachedBody | None:
        body_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        if meta.get("key") != key or meta.get("bytes") != len(body):
            return None
        return CachedBody(key, body, dt.datetime.fromisoformat(meta["stored_at"]))
