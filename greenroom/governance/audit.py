"""The audit log: an append-only, hash-chained record of who did what, in the home.

``<home>/audit/audit.log`` holds one JSON object a line. Each record carries ``seq`` (1, 2,
…), ``prev`` (the previous record's ``hash``; 64 zeros for the first) and ``hash``: the
SHA-256 of ``prev`` followed by the canonical JSON of the record without ``hash`` (sorted
keys, no spaces, UTF-8). Editing, deleting, inserting or reordering a record breaks the
chain, and :meth:`AuditLog.verify` names the first bad record.

Appending is fail-closed: if the record cannot be written and synced,
:class:`AuditUnavailableError` is raised so the access that asked for it fails too. Several
processes may append at once: each holds an exclusive ``flock`` on the file while it reads
the last record and writes the next.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, get_args

from greenroom.errors import UserError
from greenroom.governance.exceptions import AuditUnavailableError

Action = Literal[
    "access_allowed", "access_denied", "query", "chat", "grant", "revoke", "token_used", "erasure"
]
ACTIONS: tuple[str, ...] = get_args(Action)
GENESIS = "0" * 64
"""The ``prev`` of the first record."""

_TAIL_CHUNK = 4096


@dataclass(frozen=True)
class AuditRecord:
    """One line of the audit log."""

    seq: int
    at: str
    principal: str
    action: Action
    resource: str
    detail: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    prev: str = GENESIS
    hash: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"detail": dict(self.detail)}

    def expected_hash(self) -> str:
        """The hash this record must carry, from its other fields."""
        body = {k: v for k, v in self.as_dict().items() if k != "hash"}
        return chain_hash(self.prev, body)


@dataclass(frozen=True)
class VerifyResult:
    """What `AuditLog.verify` found: `ok`, how many records it checked, or the first bad one."""

    ok: bool
    checked: int
    bad_seq: int | None = None
    line: int | None = None
    reason: str | None = None


def canonical(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev: str, body: Mapping[str, Any]) -> str:
    return hashlib.sha256(prev.encode() + canonical(body)).hexdigest()


def _parse(line: bytes) -> AuditRecord:
    """A record from one line; ValueError/KeyError/TypeError when it is not one."""
    raw = json.loads(line)
    if not isinstance(raw, dict) or raw.get("action") not in ACTIONS:
        raise ValueError("not an audit record")
    return AuditRecord(
        seq=int(raw["seq"]),
        at=str(raw["at"]),
        principal=str(raw["principal"]),
        action=raw["action"],
        resource=str(raw["resource"]),
        detail=MappingProxyType(dict(raw["detail"])),
        prev=str(raw["prev"]),
        hash=str(raw["hash"]),
    )


class AuditLog:
    """The audit log of one greenroom home."""

    def __init__(self, home: Path) -> None:
        self.path = home / "audit" / "audit.log"

    def append(
        self, principal: str, action: Action, resource: str, detail: Mapping[str, Any] | None = None
    ) -> AuditRecord:
        """Write the next record and sync it, or raise `AuditUnavailableError`."""
        if action not in ACTIONS:
            raise UserError(f"no audit action `{action}`; choose one of {', '.join(ACTIONS)}")
        body_detail = dict(detail or {})
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o640)
        except OSError as exc:
            raise AuditUnavailableError(self.path, str(exc) or type(exc).__name__) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            last = _last_line(fd)
            try:
                previous = _parse(last) if last else None
            except (ValueError, KeyError, TypeError) as exc:
                raise AuditUnavailableError(self.path, "its last record is unreadable") from exc
            seq, prev = (previous.seq + 1, previous.hash) if previous else (1, GENESIS)
            at = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
            record = AuditRecord(seq, at, principal, action, resource, body_detail, prev)
            record = AuditRecord(**(record.as_dict() | {"hash": record.expected_hash()}))
            _write_all(fd, canonical(record.as_dict()) + b"\n")
            _sync(fd)
            return record
        except OSError as exc:
            raise AuditUnavailableError(self.path, str(exc) or type(exc).__name__) from exc
        finally:
            os.close(fd)  # releases the lock

    def records(
        self, principal: str | None = None, since: dt.datetime | None = None
    ) -> list[AuditRecord]:
        """The records, oldest first, of `principal` and at or after `since` when given."""
        out = []
        for line_no, line in enumerate(self._lines(), start=1):
            try:
                record = _parse(line)
            except (ValueError, KeyError, TypeError) as exc:
                reason = f"line {line_no} is unreadable"
                raise AuditUnavailableError(self.path, reason) from exc
            if principal is not None and record.principal != principal:
                continue
            if since is not None and dt.datetime.fromisoformat(record.at) < since:
                continue
            out.append(record)
        return out

    def verify(self) -> VerifyResult:
        """Walk the chain; the first record whose hash, `seq` or `prev` is wrong is named."""
        prev, line_no = GENESIS, 0
        for line_no, line in enumerate(self._lines(), start=1):
            try:
                record = _parse(line)
            except (ValueError, KeyError, TypeError):
                return VerifyResult(False, line_no - 1, line_no, line_no, "unreadable record")
            bad = None
            if record.hash != record.expected_hash():
                bad = "hash mismatch: the record was edited"
            elif record.seq != line_no:
                bad = f"sequence gap: expected seq {line_no}, found {record.seq}"
            elif record.prev != prev:
                bad = "broken chain: `prev` is not the previous record's hash"
            if bad:
                return VerifyResult(False, line_no - 1, record.seq, line_no, bad)
            prev = record.hash
        return VerifyResult(True, line_no)

    def _lines(self) -> Iterator[bytes]:
        if not self.path.exists():
            return
        try:
            with self.path.open("rb") as f:
                fcntl.flock(f.fileno(), fcntl.LOCK_SH)
                data = f.read()
        except OSError as exc:
            raise AuditUnavailableError(self.path, str(exc) or type(exc).__name__) from exc
        yield from (line for line in data.split(b"\n") if line.strip())


def _last_line(fd: int) -> bytes:
    """The last non-empty line of the open file, read backwards from its end."""
    end = os.fstat(fd).st_size
    tail = b""
    while end > 0:
        start = max(0, end - _TAIL_CHUNK)
        tail = os.pread(fd, end - start, start) + tail
        end = start
        stripped = tail.rstrip(b"\n")
        if b"\n" in stripped:
            return stripped.rsplit(b"\n", 1)[1]
    return tail.strip(b"\n")


def _sync(fd: int) -> None:
    """Flush the appended bytes (and the new size) to disk: `fdatasync` where the platform
    has it (the timestamps it skips are not needed to read the record back), else `fsync`."""
    getattr(os, "fdatasync", os.fsync)(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
