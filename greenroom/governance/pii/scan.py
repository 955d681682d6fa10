"""Scan the lake's tables for personal data: every zone a data engineer reads.

Two passes, each one SQL statement per table over a repeatable reservoir sample:

1. the pattern kinds (`kinds.PREDICATES`) per column;
2. `customer_id`: a table where a column holds emails or phone numbers is a table
   of persons, and its first unique, id-shaped column is their key; a column elsewhere
   whose values are found among those keys holds customer ids (a semi-join, by content).

Each column keeps its most confident kind. The system session reads (platform job).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyarrow as pa

from greenroom import reference
from greenroom.governance.pii.classify import (
    KEYS_RELATION,
    NAMES_RELATION,
    PAYLOAD,
    Column,
    classify_sql,
    columns_of,
    keys_sql,
    references_sql,
)
from greenroom.governance.pii.kinds import DIRECT, PREDICATES, PiiKind, confidence
from greenroom.governance.pii.records import ColumnFinding, ScanResult
from greenroom.lake import Lakehouse, Session

ZONES: tuple[str, ...] = ("bronze", "silver", "gold", "quarantine")
"""What a data engineer reads besides operations tables (`ops` holds no source data)."""
SAMPLE_ROWS = 2000
PERSON_TABLE_CONFIDENCE = 0.8
"""A table is a table of persons when a column holds emails or phones with this confidence."""


@dataclass(frozen=True)
class _Counts:
    table: str
    column: str
    sampled: int
    matched: dict[PiiKind, int]
    distinct: int
    id_shaped: int


def scan_lake(
    lake: Lakehouse,
    *,
    tables: Sequence[str] | None = None,
    sample_rows: int = SAMPLE_ROWS,
) -> ScanResult:
    """Classify every scanned column of `tables` (default: all of bronze, silver, gold and
    quarantine) by content."""
    names = list(tables) if tables is not None else _lake_tables(lake)
    today = lake.settings.today
    with lake.session() as session:
        session.register(NAMES_RELATION, _reference_names())
        counts: list[_Counts] = []
        plans: dict[str, tuple[list[Column], bool]] = {}
        for name in names:
            payload = name.startswith("quarantine.") and PAYLOAD in lake.schema(name).names
            columns = columns_of(lake.schema(name), payload=payload)
            if not columns and not payload:
                continue
            plans[name] = (columns, payload)
            sql = classify_sql(name, columns, payload=payload, sample=sample_rows, today=today)
            counts.extend(_pattern_counts(name, session.sql(sql), columns))
        findings = {(c.table, c.column): _best(c) for c in counts}
        blind = {(c.table, c.column): _best(c, use_name=False) for c in counts}
        keys = _person_keys(counts, findings)
        if keys:
            session.register(KEYS_RELATION, _keys(session, keys))
            for name, (columns, payload) in plans.items():
                shaped = {c.column for c in counts if c.table == name and _id_like(c)}
                chosen = [c for c in columns if c.name in shaped]
                payload_ids = any(s.startswith(f"{PAYLOAD}.") for s in shaped)
                if not chosen and not payload_ids:
                    continue
                sql = references_sql(
                    name, chosen, payload=payload and payload_ids, sample=sample_rows
                )
                for row in session.sql(sql).to_pylist():
                    if row["col"] not in shaped:
                        continue
                    for use_name, into in ((True, findings), (False, blind)):
                        found = _finding(
                            name, row["col"], "customer_id", row["customer_id"],
                            row["sampled"], use_name,
                        )  # fmt: skip
                        current = into.get((name, row["col"]))
                        if found is not None and (
                            current is None or found.confidence > current.confidence
                        ):
                            into[(name, row["col"])] = found
    return ScanResult(
        _kept(findings),
        tuple(plans),
        sum(len(c) for c, _ in plans.values()),
        sample_rows,
        _kept(blind),
    )


def _kept(findings: dict[tuple[str, str], ColumnFinding | None]) -> tuple[ColumnFinding, ...]:
    found = (f for f in findings.values() if f is not None)
    return tuple(sorted(found, key=lambda f: (f.table, f.column)))


def _lake_tables(lake: Lakehouse) -> list[str]:
    return [t.name for zone in ZONES for t in lake.list_tables(zone)]


def _reference_names() -> pa.Table:
    names = reference.person_names()
    return pa.table({"name": names.column("name")})


def _pattern_counts(table: str, result: pa.Table, columns: Sequence[Column]) -> Iterable[_Counts]:
    """The counts in schema order (payload keys last, by name)."""
    order = {c.name: i for i, c in enumerate(columns)}
    rows = sorted(result.to_pylist(), key=lambda r: (order.get(r["col"], len(order)), r["col"]))
    for row in rows:
        yield _Counts(
            table,
            row["col"],
            row["sampled"],
            {kind: row[kind] for kind in PREDICATES},
            row["distinct_values"],
            row["id_shaped"],
        )


def _finding(
    table: str, column: str, kind: PiiKind, matched: int, sampled: int, use_name: bool = True
) -> ColumnFinding | None:
    conf = confidence(kind, column, matched, sampled, use_name=use_name)
    if conf.value <= 0:
        return None
    return ColumnFinding(
        table, column, kind, conf.value, conf.content, conf.hinted, matched, sampled
    )


def _best(counts: _Counts, use_name: bool = True) -> ColumnFinding | None:
    best: ColumnFinding | None = None
    for kind, matched in counts.matched.items():
        found = _finding(counts.table, counts.column, kind, matched, counts.sampled, use_name)
        if found is not None and (best is None or found.confidence > best.confidence):
            best = found
    return best


def _id_like(counts: _Counts) -> bool:
    return counts.sampled > 0 and counts.id_shaped >= counts.sampled / 2


def _person_keys(
    counts: Sequence[_Counts], findings: dict[tuple[str, str], ColumnFinding | None]
) -> list[tuple[str, str]]:
    """(table, column) of the key of every table of persons."""
    persons = {
        f.table
        for f in findings.values()
        if f is not None and f.kind in DIRECT and f.confidence >= PERSON_TABLE_CONFIDENCE
    }
    keys: list[tuple[str, str]] = []
    for table in sorted(persons):
        for c in counts:  # schema order: the first unique id-shaped column is the key
            other = findings.get((table, c.column))
            if (
                c.table == table
                and c.sampled > 0
                and c.distinct == c.sampled
                and c.id_shaped == c.sampled
                and (other is None or other.confidence < PERSON_TABLE_CONFIDENCE)
            ):
                keys.append((table, c.column))
                break
    return keys


def _keys(session: Session, keys: Sequence[tuple[str, str]]) -> pa.Table:
    parts = [session.sql(keys_sql(table, column)) for table, column in keys]
    return pa.concat_tables(parts).combine_chunks()
