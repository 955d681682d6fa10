"""Where the policy in force lives, and its versions.

The policy is ``<home>/governance/policies.yaml`` when that file exists, else the built-in
``default.yaml`` beside this module. Its version is the SHA-256 of its text: every audit
record of a read names the version that decided it. Changes made through
:meth:`PolicyStore.save` (``greenroom governance grant|revoke``) replace the file atomically
and append the new text to ``ops.policy_versions``, so every version that was ever in force
can be read back; a hand edit is recorded the next time ``greenroom governance policies``
runs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import yaml
from pydantic import ValidationError

from greenroom.files import write_atomic
from greenroom.governance._keyfile import read_or_create
from greenroom.governance.exceptions import PolicyInvalidError
from greenroom.governance.policy.model import PolicyDocument

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

VERSIONS_TABLE = "ops.policy_versions"
BUILT_IN = "built-in"


@dataclass(frozen=True)
class LoadedPolicy:
    document: PolicyDocument
    version: str
    """SHA-256 of the text, first 16 hex digits."""
    source: str
    """The file's path, or ``built-in``."""
    text: str


def parse(text: str, path: Path | None = None) -> PolicyDocument:
    try:
        data: Any = yaml.safe_load(text) or {}
        return PolicyDocument.model_validate(data)
    except yaml.YAMLError as exc:
        raise PolicyInvalidError(f"not valid YAML ({exc})", path) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PolicyInvalidError(f"{where}: {first['msg']}", path) from None


def render(document: PolicyDocument) -> str:
    data = document.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


class PolicyStore:
    """The policy of one home."""

    _lock: ClassVar[threading.Lock] = threading.Lock()
    _cache: ClassVar[dict[Path, tuple[tuple[int, int], LoadedPolicy]]] = {}

    def __init__(self, home: Path) -> None:
        self.home = home
        self.path = home / "governance" / "policies.yaml"

    def load(self) -> LoadedPolicy:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return _built_in()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._cache.get(self.path)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        text = self.path.read_text(encoding="utf-8")
        loaded = LoadedPolicy(parse(text, self.path), _version(text), str(self.path), text)
        with self._lock:
            self._cache[self.path] = (stamp, loaded)
        return loaded

    def save(self, document: PolicyDocument) -> LoadedPolicy:
        """Replace the policy file atomically; the new version."""
        text = render(document)
        parse(text, self.path)  # what we write must load
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, text.encode("utf-8"))
        return self.load()

    def pseudonym_key(self) -> str:
        """The secret behind `keyed_hash` masks (created once, mode 0600)."""
        return read_or_create(
            self.home / "governance" / "pseudonym.key", lambda: secrets.token_hex(32)
        )

    def record(self, lake: Lakehouse, loaded: LoadedPolicy, *, by: str, change: str) -> bool:
        """Append `loaded` to ``ops.policy_versions`` unless that version is its latest row."""
        import pyarrow as pa

        if lake.exists(VERSIONS_TABLE):
            last = lake.read(VERSIONS_TABLE, columns=["version", "recorded_at"])
            if last.num_rows:
                order = sorted(
                    zip(last["recorded_at"].to_pylist(), last["version"].to_pylist(), strict=True)
                )
                if order[-1][1] == loaded.version:
                    return False
        row = pa.table(
            {
                "version": [loaded.version],
                "recorded_at": pa.array([dt.datetime.now(dt.UTC)], pa.timestamp("us", "UTC")),
                "recorded_by": [by],
                "change": [change],
                "source": [loaded.source],
                "policy": [loaded.text],
            }
        )
        if not lake.exists(VERSIONS_TABLE):
            lake.create_table(VERSIONS_TABLE, row.schema)
        lake.append(VERSIONS_TABLE, row)
        return True


def _version(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_BUILT_IN: LoadedPolicy | None = None


def _built_in() -> LoadedPolicy:
    global _BUILT_IN
    if _BUILT_IN is None:
        text = resources.files("greenroom.governance.policy").joinpath("default.yaml").read_text()
        _BUILT_IN = LoadedPolicy(parse(text), _version(text), BUILT_IN, text)
    return _BUILT_IN
