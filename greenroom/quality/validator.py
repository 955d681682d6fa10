"""Run a feed's contract over a batch of records: split it into accepted and rejected.

One SQL query per batch (set-based, in DuckDB, in a session that sees only the batch and
the ids its lookups need) decides every record; Python turns the rule bits it returns into
masks and lists of rule ids with numpy and splits the Arrow table. For every batch
`received == accepted + rejected`. A `ContractChecker` runs the query batch after batch and
decides when the lookups read the lake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.quality.compiler import (
    RULES_PER_WORD,
    CompiledContract,
    LakeLookup,
    compile_contract,
)
from greenroom.quality.contract import Contract, load_contract
from greenroom.quality.rules import Rule
from greenroom.quality.rules.base import ColumnKind, sql_string

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse, Session
    from greenroom.lake.keys import KeyIndex

EMPTY_LOOKUP = "SELECT CAST(NULL AS VARCHAR) AS value WHERE false"


@dataclass(frozen=True)
class ValidationResult:
    """The seed's ValidationResult for one batch."""

    feed: str
    accepted: pa.Table
    """The accepted records, plus `_warnings` (list of rule ids that flagged them) and
    `_record_hash` (md5 of the record as received)."""
    rejected: pa.Table
    """The rejected records, plus `_reasons` (rule ids that rejected them) and `_payload`."""
    rule_counts: dict[str, int] = field(default_factory=dict)
    """How many records broke each rule (rejecting or warning)."""
    skipped_rules: tuple[str, ...] = ()
    """Rules not checked because no lakehouse was given to look ids up in."""

    @property
    def received(self) -> int:
        return int(self.accepted.num_rows) + int(self.rejected.num_rows)

    @property
    def valid(self) -> bool:
        return int(self.rejected.num_rows) == 0


def lookup_sql(lookup: LakeLookup, lake: Lakehouse | None, where: str = "") -> str:
    """SQL listing the values a reference or uniqueness rule compares against (`where`
    narrows the bronze rows, letting their column statistics prune files)."""
    if lake is None:
        return EMPTY_LOOKUP
    parts = []
    for table, column in lookup.lake_sources:
        if lake.exists(table):
            name = f'"{column}"'
            narrow = f" WHERE {name} {where}" if where and table.startswith("bronze.") else ""
            parts.append(f"SELECT CAST({name} AS VARCHAR) AS value FROM {table}{narrow}")
    return " UNION ALL ".join(parts) if parts else EMPTY_LOOKUP


class ContractChecker:
    """A feed's contract, ready to check batch after batch; also a context manager.

    Reference and uniqueness rules compare against ids in the lake (without `lake` they
    are skipped, listed in each result's `skipped_rules`). How they read them depends on
    how long the checker lives:

    - For one delivery (a file, an API sync), the default: reference ids are read once,
      when the checker opens. Uniqueness reads, per batch, the lake's keys in the batch's
      key range (column statistics prune the files outside it), and keys from the
      delivery's earlier batches count as seen, so a duplicate split across two batches of
      a file is still caught.
    - `follow=True`, for a checker that outlives many deliveries (the stream consumer's):
      every lookup is a :class:`~greenroom.lake.keys.KeyIndex`, which reads the ids once and
      then follows the lake's commits, whoever makes them. Each batch only asks it about
      the batch's own keys.
    """

    def __init__(
        self,
        feed: str,
        *,
        lake: Lakehouse | None = None,
        contract: Contract | None = None,
        follow: bool = False,
    ) -> None:
        from greenroom.lake import Session

        self.contract = contract or load_contract(feed)
        self.lake = lake
        self.follow = follow
        self._compiled: dict[pa.Schema, CompiledContract] = {}
        self._session = Session.detached()
        self._delivered: dict[str, list[pa.Array]] = {}  # unique relation → earlier keys
        self._indexes: dict[str, KeyIndex] = {}
        generic = compile_contract(self.contract)
        self.lookups = generic.lookups if lake is not None else ()
        self.skipped: tuple[str, ...] = ()
        if lake is None:
            self.skipped = tuple(r.id for r in generic.rules if r.kind in ("reference", "unique"))
        self._lake_session = lake.session() if lake is not None and not follow else None
        if self._lake_session is not None:
            for lk in self.lookups:
                if lk.kind == "reference":
                    found = self._lake_session.sql(lookup_sql(lk, lake))
                    self._session.register(lk.relation, found)

    def __enter__(self) -> ContractChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()
        if self._lake_session is not None:
            self._lake_session.close()
        for index in self._indexes.values():
            index.close()

    def check(
        self,
        records: pa.Table,
        *,
        flags: Mapping[str, pa.Array] | None = None,
        original: pa.Table | None = None,
    ) -> ValidationResult:
        """Check one batch. `flags` are warnings raised before validation (name → per-record
        mask), added to `_warnings`; `original` is the batch as received, used for the
        quarantine payload when `records` was repaired."""
        compiled = self._compile(records.schema)
        if flags:
            compiled = with_flags(compiled, list(flags))
            records = records.append_column(
                "_flags",
                pa.StructArray.from_arrays(list(flags.values()), names=_flag_names(flags)),
            )
        relations = {lk.relation: f"SELECT value FROM {lk.relation}" for lk in self.lookups}
        for lk in self.lookups:
            if self.follow:
                self._register_followed(lk, records)
            elif lk.kind == "unique":
                self._register_seen(lk, records)
        result = _run(compiled, records, original, relations, self.skipped, self._session)
        for lk in self.lookups:
            if lk.kind == "unique" and not self.follow and lk.column in records.column_names:
                keys = pc.cast(records.column(lk.column), pa.string()).combine_chunks()
                self._delivered.setdefault(lk.relation, []).append(keys.drop_null())
        return result

    def _compile(self, schema: pa.Schema) -> CompiledContract:
        compiled = self._compiled.get(schema)
        if compiled is None:
            kinds: dict[str, ColumnKind] = {
                f.name: "text" if pa.types.is_string(f.type) else "other" for f in schema
            }
            compiled = compile_contract(self.contract, kinds)
            if self.lake is None:
                compiled = CompiledContract(
                    compiled.contract,
                    tuple(r for r in compiled.rules if r.id not in self.skipped),
                    (),
                )
            self._compiled[schema] = compiled
        return compiled

    def _register_seen(self, lookup: LakeLookup, records: pa.Table) -> None:
        """`lookup.relation`: the keys of the batch's range already in the lake, plus the
        delivery's earlier keys."""
        parts = list(self._delivered.get(lookup.relation, []))
        where = ""
        if lookup.column in records.column_names:
            keys = records.column(lookup.column)
            if pa.types.is_string(keys.type):
                low, high = (v.as_py() for v in pc.min_max(keys).values())
                if low is not None:
                    where = f"BETWEEN {sql_string(low)} AND {sql_string(high)}"
        assert self._lake_session is not None  # a delivery checker with a lake has one
        found = self._lake_session.sql(lookup_sql(lookup, self.lake, where))
        parts.append(pc.cast(found.column("value"), pa.string()).combine_chunks())
        self._session.register(
            lookup.relation, pa.table({"value": pa.chunked_array(parts, pa.string())})
        )

    def _register_followed(self, lookup: LakeLookup, records: pa.Table) -> None:
        """`lookup.relation`: those of the batch's keys the lake holds."""
        index = self._indexes.get(lookup.relation)
        if index is None:
            from greenroom.lake.keys import KeyIndex

            assert self.lake is not None  # lookups exist only with a lake
            index = self._indexes[lookup.relation] = KeyIndex(self.lake, lookup.lake_sources)
        asked = [c for c in lookup.asked_by if c is not None and c in records.column_names]
        if len(asked) < len(lookup.asked_by):  # a nested column: the batch cannot say
            values = index.values()
        else:
            keys = pa.chunked_array(
                [pc.cast(records.column(c), pa.string()) for c in asked], pa.string()
            )
            values = keys.filter(index.contains(keys))
        self._session.register(lookup.relation, pa.table({"value": values}))


def validate(
    records: pa.Table,
    feed: str,
    *,
    lake: Lakehouse | None = None,
    contract: Contract | None = None,
    flags: Mapping[str, pa.Array] | None = None,
    original: pa.Table | None = None,
) -> ValidationResult:
    """Check one batch of `feed` against its contract (see :class:`ContractChecker`)."""
    with ContractChecker(feed, lake=lake, contract=contract) as checker:
        return checker.check(records, flags=flags, original=original)


def _flag_names(flags: Mapping[str, pa.Array]) -> list[str]:
    return [f"f{i}" for i in range(len(flags))]


def with_flags(compiled: CompiledContract, names: Sequence[str]) -> CompiledContract:
    """`compiled` plus one warning rule per pre-validation flag (read from `t._flags.f<i>`)."""
    extra = tuple(
        Rule(name, "flag", name.split(".")[1], "warn", f"t._flags.f{i}", name)
        for i, name in enumerate(names)
    )
    return CompiledContract(compiled.contract, compiled.rules + extra, compiled.lookups)


def validate_data_quality(
    data: Mapping[str, Any] | Sequence[Mapping[str, Any]] | pa.Table,
    feed: str,
    *,
    lake: Lakehouse | None = None,
) -> ValidationResult:
    """The seed's `validate_data_quality(data)`: one record, a few records, or a table."""
    if isinstance(data, pa.Table):
        table = data
    else:
        from greenroom.ingest.formats.json_document import records_to_arrow

        rows = [data] if isinstance(data, Mapping) else list(data)
        table = records_to_arrow(rows)
    return validate(table, feed, lake=lake)


def _run(
    compiled: CompiledContract,
    records: pa.Table,
    original: pa.Table | None,
    relations: Mapping[str, str],
    skipped: tuple[str, ...],
    session: Session,
) -> ValidationResult:
    feed = compiled.contract.feed
    n = records.num_rows
    batch = records.append_column("_row", pa.array(np.arange(n, dtype=np.int64)))
    session.register("batch", batch)
    columns = [c for c in records.column_names if c not in ("_row", "_flags")]
    sql = compiled.sql(relations, {"_hash": record_hash_sql(records.select(columns).schema)})
    verdict = session.sql(sql)
    # Back in batch order: scatter each column by its `_row`.
    rows = verdict.column("_row").to_numpy()
    words = [
        _scatter(verdict.column(f"_broken{w}").to_numpy(), rows) for w in range(compiled.word_count)
    ]
    hashes = verdict.column("_hash").combine_chunks().take(pa.array(np.argsort(rows)))
    hits = [_bit_set(words, i) for i in range(len(compiled.rules))]
    rejecting = [i for i, r in enumerate(compiled.rules) if r.severity == "reject"]
    bad_mask = np.zeros(n, dtype=bool)
    for i in rejecting:
        bad_mask |= hits[i]
    ok = pa.array(~bad_mask)
    bad = pa.array(bad_mask)
    reject = _rule_lists(compiled.rules, hits, rejecting, n)
    warn = _rule_lists(compiled.rules, hits, [i for i in range(len(hits)) if i not in rejecting], n)

    plain = records.drop_columns(["_flags"]) if "_flags" in records.column_names else records
    accepted = (
        plain.filter(ok)
        .append_column("_warnings", warn.filter(ok))
        .append_column("_record_hash", hashes.filter(ok))
    )
    rejected = (original if original is not None else plain).filter(bad)
    payload = _payloads(session, rejected)
    rejected = rejected.append_column("_reasons", reject.filter(bad)).append_column(
        "_payload", payload
    )
    counts = {r.id: int(h.sum()) for r, h in zip(compiled.rules, hits, strict=True) if h.any()}
    return ValidationResult(feed, accepted, rejected, counts, skipped)


def _scatter(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    out = np.empty_like(values)
    out[rows] = values
    return out


def _bit_set(words: list[np.ndarray], rule: int) -> np.ndarray:
    word = words[rule // RULES_PER_WORD]
    hit: np.ndarray = (word & (1 << (rule % RULES_PER_WORD))) != 0
    return hit


def _rule_lists(
    rules: Sequence[Rule], hits: list[np.ndarray], which: list[int], n: int
) -> pa.ListArray:
    """Per record, the ids of the rules in `which` it broke (in contract order)."""
    rows = [np.flatnonzero(hits[i]) for i in which]
    flat_rows = np.concatenate([np.empty(0, np.int64), *rows])
    rule_of = np.concatenate(
        [np.empty(0, np.int64), *(np.full(len(r), i) for i, r in zip(which, rows, strict=True))]
    )
    order = np.argsort(flat_rows, kind="stable")  # stable: contract order within a record
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(np.bincount(flat_rows, minlength=n), out=offsets[1:])
    ids = pa.array([r.id for r in rules], pa.string())
    return pa.ListArray.from_arrays(pa.array(offsets), ids.take(pa.array(rule_of[order])))


def record_hash_sql(schema: pa.Schema) -> str:
    """md5 of the record as received: its fields joined with a unit separator when flat
    (cheap), its JSON text when nested."""
    nested = any(pa.types.is_nested(f.type) for f in schema)
    if nested or not schema.names:
        fields = ", ".join(f"'{n}': t.\"{n}\"" for n in schema.names)
        return f"md5(CAST(to_json({{{fields}}}) AS VARCHAR))"
    parts = ", ".join(f"coalesce(CAST(t.\"{n}\" AS VARCHAR), '\\N')" for n in schema.names)
    return f"md5(concat_ws(chr(31), {parts}))"


def _payloads(session: Session, rejected: pa.Table) -> pa.Array:
    if rejected.num_rows == 0:
        return pa.array([], pa.string())
    session.register("rejected_batch", rejected)
    out = session.sql("SELECT CAST(to_json(t) AS VARCHAR) AS payload FROM rejected_batch AS t")
    return out.column("payload").combine_chunks()
