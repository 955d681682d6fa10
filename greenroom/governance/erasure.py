"""Right to erasure: remove one customer from every table and zone greenroom holds.

`erase_customer` resolves the id given (a golden `cus_…` id or a source id such as
`CRM-…`) to every id the person has (through `silver.entity_xref`) and their emails, then
removes every row, record and file line that mentions one of them:

1. every lake table (bronze, quarantine, silver, gold, ops): rows where any text column —
   ids, JSON payloads, reject details, lists of text — holds an id or an email as a whole
   token, one copy-on-write commit per table (`Lakehouse.remove_rows`);
2. the raw zone: each file rewritten without the records (`greenroom.ingest.redact`);
3. the local stream log (`greenroom.ingest.stream.redact`) and text files under `state/`;
4. chat memory and other SQLite stores under the home (rows deleted, then vacuumed);
5. the history: every snapshot but the current one of each touched table is expired and
   the files only they reached — data, manifests, manifest lists, old `metadata.json`
   files with their column bounds — are deleted (`Lakehouse.purge_history`).

Then a record of the erasure (a keyed hash of each id, never the data) is kept in
`<home>/governance/erasures.json`, and one `erasure` audit record holds the counts and
the keyed hash of the id asked for. The landing folder stands for the source systems and
is left alone. Running the same erasure again is safe: it finds nothing more to remove.
See docs/governance-erasure.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from greenroom.governance.exceptions import ErasureIncompleteError, UnknownCustomerError

if TYPE_CHECKING:
    import pyarrow as pa

    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

_ID = re.compile(r"^[A-Za-z0-9_.:@+-]{1,128}$")
_IDENTITY_TABLES = frozenset(
    {"silver.entity_xref", "silver.customers", "bronze.crm_customers", "quarantine.crm_customers"}
)
_SKIP_STATE = (".seg", ".lock", ".db", ".db-wal", ".db-shm", ".tmp")


@dataclass(frozen=True)
class Subject:
    """Who is erased: every id of the person and their emails (names only for checks)."""

    ids: frozenset[str]
    emails: frozenset[str]
    names: frozenset[str]

    def tokens(self, *, names: bool = False) -> list[str]:
        """The ids and emails; with `names`, the full names too (also JSON-escaped)."""
        out = set(self.ids | self.emails)
        if names:
            out |= self.names | {json.dumps(n)[1:-1] for n in self.names}
        return sorted(out, key=lambda t: (-len(t), t))

    def pattern(self, *, names: bool = False) -> str:
        """A case-insensitive RE2/Python regex matching any token as a whole word.

        Records in the lake and the raw zone carry the person's ids, so they are matched
        by ids and emails only: a name alone is not unique. Free text (chat memory, state
        files) is matched by name too.
        """
        alternatives = "|".join(re.escape(t) for t in self.tokens(names=names))
        return f"(?i)(?:^|[^A-Za-z0-9_])(?:{alternatives})(?:$|[^A-Za-z0-9_])"


@dataclass(frozen=True)
class ErasureResult:
    """What one erasure removed (counts only: no personal data)."""

    subject_sha256: str
    ids: int
    dry_run: bool
    rows_removed: dict[str, int] = field(default_factory=dict)
    data_files_rewritten: int = 0
    raw_records_removed: dict[str, int] = field(default_factory=dict)
    stream_records_removed: int = 0
    state_records_removed: int = 0
    memory_rows_removed: int = 0
    snapshots_expired: int = 0
    files_deleted: int = 0
    audit_seq: int | None = None

    @property
    def total_rows(self) -> int:
        return sum(self.rows_removed.values())

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"total_rows": self.total_rows}


def subject_hash(home: Path, customer_id: str) -> str:
    """HMAC-SHA-256 of an id under the home's secret pseudonym key: ids are short and
    guessable, so a plain hash could be reversed by trying them all."""
    from greenroom.governance.policy.store import PolicyStore

    key = PolicyStore(home).pseudonym_key().encode()
    return hmac.new(key, customer_id.encode(), hashlib.sha256).hexdigest()


def erase_customer(
    settings: Settings, customer_id: str, *, requested_by: str, dry_run: bool = False
) -> ErasureResult:
    """Remove the customer `customer_id` from every table and zone of the home; see module doc."""
    from greenroom.lake import Lakehouse

    lake = Lakehouse.open(settings)
    for info in lake.list_tables():
        lake.check_owned(info.name)  # before any file changes: never touch another home
    subject = resolve_subject(lake, customer_id)
    regex = re.compile(subject.pattern())
    free_text = re.compile(subject.pattern(names=True))
    # Files first, the lake next, the tables that resolve the person last: a run that
    # stops part way can be repeated with the same id and finishes the job.
    raw = _erase_files(settings.raw_dir, settings.home, regex, dry_run)
    stream = _erase_stream(settings.state_dir, regex, dry_run)
    state = sum(_erase_files(settings.state_dir, settings.home, free_text, dry_run).values())
    memory = sum(_erase_sqlite(path, free_text, dry_run) for path in _sqlite_stores(settings))
    rows, rewritten, touched = _erase_tables(lake, subject, dry_run)
    expired = deleted = 0
    if not dry_run:
        for name in touched:
            try:
                purge = lake.purge_history(name)
            except OSError as exc:  # a file that could not be deleted
                raise ErasureIncompleteError(f"purge {name}", str(exc)) from exc
            expired += purge.snapshots_expired
            deleted += purge.files_deleted
    result = ErasureResult(
        subject_sha256=subject_hash(settings.home, customer_id),
        ids=len(subject.ids),
        dry_run=dry_run,
        rows_removed=rows,
        data_files_rewritten=rewritten,
        raw_records_removed=raw,
        stream_records_removed=stream,
        state_records_removed=state,
        memory_rows_removed=memory,
        snapshots_expired=expired,
        files_deleted=deleted,
    )
    if dry_run:
        return result
    _suppress(settings.home, subject)
    from greenroom.governance.audit import AuditLog

    detail = {k: v for k, v in result.as_dict().items() if k not in ("audit_seq", "dry_run")}
    record = AuditLog(settings.home).append(
        requested_by, "erasure", f"customer:sha256:{result.subject_sha256}", detail
    )
    return ErasureResult(**{**asdict(result), "audit_seq": record.seq})


# ---- who ----------------------------------------------------------------------------


def resolve_subject(lake: Lakehouse, customer_id: str) -> Subject:
    """Every id and email of the person behind `customer_id`; `UnknownCustomerError` if none."""
    given = customer_id.strip()
    if not _ID.match(given):
        raise UnknownCustomerError(customer_id)
    xref = _rows(
        lake,
        "silver.entity_xref",
        f"entity_type = 'customer' AND (entity_id = '{given}' OR source_record_id = '{given}')",
    )
    golden = {str(r["entity_id"]) for r in xref}
    if golden:
        xref = _rows(
            lake, "silver.entity_xref", f"entity_type = 'customer' AND {_in('entity_id', golden)}"
        )
    ids = {given} | golden | {str(r["source_record_id"]) for r in xref}
    emails: set[str] = set()
    names: set[str] = set()
    found = bool(xref)
    for row in _rows(lake, "silver.customers", _in("customer_id", ids)):
        found = True
        _add(emails, row.get("email"))
        _add(names, row.get("full_name"))
    for row in _rows(lake, "bronze.crm_customers", _in("customer_id", ids)):
        found = True
        _add(emails, row.get("email"))
        _add(names, " ".join(str(row.get(k) or "") for k in ("first_name", "last_name")))
    for row in _rows(lake, "quarantine.crm_customers", _in("source_record_id", ids)):
        found = True
        try:
            payload = json.loads(str(row.get("payload") or "{}"))
        except ValueError:
            payload = {}
        if isinstance(payload, dict):
            _add(emails, payload.get("email"))
            first, last = payload.get("first_name") or "", payload.get("last_name") or ""
            _add(names, f"{first} {last}")
    if not found:
        raise UnknownCustomerError(customer_id)
    return Subject(frozenset(ids), frozenset(e.lower() for e in emails), frozenset(names))


def _rows(lake: Lakehouse, table: str, where: str) -> list[dict[str, Any]]:
    if not lake.exists(table):
        return []
    rows: list[dict[str, Any]] = lake.read(table, where=where).to_pylist()
    return rows


def _in(column: str, values: Iterable[str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in sorted(values) if _ID.match(v))
    return f"{column} IN ({quoted})"


def _add(into: set[str], value: object) -> None:
    text = str(value or "").strip()
    if text:
        into.add(text)


# ---- lake ---------------------------------------------------------------------------


def _erase_tables(
    lake: Lakehouse, subject: Subject, dry_run: bool
) -> tuple[dict[str, int], int, list[str]]:
    from greenroom.governance._match import row_mask

    pattern = subject.pattern()
    rows: dict[str, int] = {}
    rewritten = 0
    touched: list[str] = []
    for info in sorted(lake.list_tables(), key=lambda i: (i.name in _IDENTITY_TABLES, i.name)):
        if info.rows == 0:
            continue

        def mask(table: pa.Table) -> pa.Array:
            return row_mask(table, pattern)

        try:
            removal = lake.remove_rows(
                info.name, mask, dry_run=dry_run, properties={"greenroom.operation": "erasure"}
            )
        except OSError as exc:  # a data file that could not be read or written
            raise ErasureIncompleteError(f"remove rows {info.name}", str(exc)) from exc
        if removal.rows_removed:
            rows[info.name] = removal.rows_removed
            rewritten += removal.files_rewritten
            touched.append(info.name)
    return rows, rewritten, touched


# ---- files --------------------------------------------------------------------------


def _erase_files(root: Path, home: Path, regex: re.Pattern[str], dry_run: bool) -> dict[str, int]:
    """Records removed per text file under `root` (path relative to the home)."""
    from greenroom.ingest.redact import redact_file

    out: dict[str, int] = {}
    if not root.is_dir():
        return out
    stream_root = root / "stream"
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.is_relative_to(stream_root) or path.name.endswith(_SKIP_STATE):
            continue
        try:
            removed = redact_file(path, lambda text: regex.search(text) is not None, dry_run)
        except (ValueError, UnicodeError):  # not text we can parse: checked by name below
            removed = 0
        if removed:
            out[str(path.relative_to(home))] = removed
    return out


def _erase_stream(state_dir: Path, regex: re.Pattern[str], dry_run: bool) -> int:
    from greenroom.ingest.stream.redact import local_streams, redact_stream

    def match(data: bytes) -> bool:
        return regex.search(data.decode("utf-8", "replace")) is not None

    return sum(redact_stream(root, match, dry_run=dry_run) for root in local_streams(state_dir))


def _sqlite_stores(settings: Settings) -> list[Path]:
    from greenroom.agent.memory import memory_path

    stores = [memory_path(settings.home)]
    if settings.state_dir.is_dir():
        stores += sorted(settings.state_dir.rglob("*.db"))
    return [p for p in stores if p.is_file()]


def _erase_sqlite(path: Path, regex: re.Pattern[str], dry_run: bool) -> int:
    """Delete rows with a matching text value from every table of the SQLite file `path`,
    then vacuum and truncate its WAL so no freed page keeps the text."""
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(str(path), timeout=30, isolation_level=None)) as conn:
        conn.create_function(
            "erased", 1, lambda v: isinstance(v, str) and regex.search(v) is not None
        )
        conn.execute("PRAGMA secure_delete = ON")
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        removed = 0
        for table in tables:
            cols = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            if not cols:
                continue
            where = " OR ".join(f'erased("{c}")' for c in cols)
            if dry_run:
                removed += conn.execute(f'SELECT count(*) FROM "{table}" WHERE {where}').fetchone()[
                    0
                ]
            else:
                removed += conn.execute(f'DELETE FROM "{table}" WHERE {where}').rowcount
        if removed and not dry_run:
            conn.execute("VACUUM")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return removed


def _suppress(home: Path, subject: Subject) -> None:
    """Add the ids' keyed hashes to `<home>/governance/erasures.json` (atomically)."""
    path = home / "governance" / "erasures.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        known: list[str] = json.loads(path.read_text())["id_sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        known = []
    body = {
        "about": "HMAC-SHA-256 (key: pseudonym.key) of every id of each erased customer",
        "updated_at": dt.datetime.now(dt.UTC).isoformat(),
        "id_sha256": sorted(set(known) | {subject_hash(home, i) for i in subject.ids}),
    }
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n")
    os.replace(tmp, path)
