"""Run a feed's contract over a batch of records: split it into accepted and rejected.

One SQL query per batch (set-based, in DuckDB through the lakehouse session) decides every
record; Python only splits the Arrow table by the resulting mask. For every batch
`received == accepted + rejected`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.quality.compiler import CompiledContract, LakeLookup, compile_contract
from greenroom.quality.contract import Contract, load_contract
from greenroom.quality.rules import Rule

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse, Session

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


def lookup_sql(lookup: LakeLookup, lake: Lakehouse | None) -> str:
    """SQL listing the values a reference or uniqueness rule compares against."""
    if lake is None:
        return EMPTY_LOOKUP
    parts = []
    if lake.exists(f"bronze.{lookup.feed}"):
        parts.append(
            f'SELECT CAST("{lookup.column}" AS VARCHAR) AS value FROM bronze.{lookup.feed}'
        )
    if lookup.kind == "reference" and lake.exists(f"quarantine.{lookup.feed}"):
        parts.append(f"SELECT source_record_id AS value FROM quarantine.{lookup.feed}")
    return " UNION ALL ".join(parts) if parts else EMPTY_LOOKUP


def validate(
    records: pa.Table,
    feed: str,
    *,
    lake: Lakehouse | None = None,
    session: Session | None = None,
    contract: Contract | None = None,
    flags: Mapping[str, pa.Array] | None = None,
    original: pa.Table | None = None,
) -> ValidationResult:
    """Check `records` of `feed` against its contract.

    With `lake`, reference and uniqueness rules look ids up in bronze and quarantine;
    without it they are skipped (listed in `skipped_rules`). `flags` are warnings raised
    before validation (name → per-record mask), added to `_warnings`; `original` is the
    batch as received, used for the quarantine payload when `records` was repaired.
    """
    compiled = compile_contract(contract or load_contract(feed))
    if flags:
        compiled = with_flags(compiled, list(flags))
        records = records.append_column(
            "_flags", pa.StructArray.from_arrays(list(flags.values()), names=_flag_names(flags))
        )
    skipped: tuple[str, ...] = ()
    if lake is None:
        skipped = tuple(r.id for r in compiled.rules if r.kind in ("reference", "unique"))
        compiled = CompiledContract(
            compiled.contract,
            tuple(r for r in compiled.rules if r.id not in skipped),
            (),
        )

    def run(session: Session) -> ValidationResult:
        return _run(compiled, records, original, lake, skipped, session)

    if session is not None:
        return run(session)
    if lake is not None:
        with lake.session() as own:
            return run(own)
    from greenroom.lake import Session as _Session

    with _Session.detached() as own:
        return run(own)


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
    lake: Lakehouse | None,
    skipped: tuple[str, ...],
    session: Session,
) -> ValidationResult:
    feed = compiled.contract.feed
    n = records.num_rows
    batch = records.append_column("_row", pa.array(np.arange(n, dtype=np.int64)))
    session.register("batch", batch)
    columns = [c for c in records.column_names if c not in ("_row", "_flags")]
    sql = compiled.sql(
        {lk.relation: lookup_sql(lk, lake) for lk in compiled.lookups},
        {"_hash": record_hash_sql(records.select(columns).schema)},
    )
    verdict = session.sql(sql)
    reject = verdict.column("_reject").combine_chunks()
    warn = verdict.column("_warn").combine_chunks()
    ok = pc.equal(pc.list_value_length(reject), 0)
    bad = pc.invert(ok)

    plain = records.drop_columns(["_flags"]) if "_flags" in records.column_names else records
    accepted = (
        plain.filter(ok)
        .append_column("_warnings", warn.filter(ok))
        .append_column("_record_hash", verdict.column("_hash").combine_chunks().filter(ok))
    )
    rejected = (original if original is not None else plain).filter(bad)
    payload = _payloads(session, rejected)
    rejected = rejected.append_column("_reasons", reject.filter(bad)).append_column(
        "_payload", payload
    )
    counts = _counts(pa.concat_arrays([reject, warn]) if n else reject)
    return ValidationResult(feed, accepted, rejected, counts, skipped)


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


def _counts(reasons: pa.Array) -> dict[str, int]:
    flat = pc.list_flatten(reasons)
    if len(flat) == 0:
        return {}
    counted = pc.value_counts(flat)
    return {
        str(k): int(v)
        for k, v in zip(
            counted.field("values").to_pylist(), counted.field("counts").to_pylist(), strict=True
        )
    }
