"""Fit Arrow data to a table's schema before a write, and Arrow schemas to Iceberg's types.

Writes are by column name: every table column is taken from the data (cast to the table
type, so `string` vs `large_string`, `int32` vs `int64` or `ms` vs `us` timestamps never
fail), missing nullable columns become nulls, and anything that cannot fit raises
`SchemaMismatchError` naming the column. Batches are conformed one at a time, so a
`RecordBatchReader` stays a stream.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.lake.exceptions import SchemaMismatchError


def iceberg_compatible_schema(schema: pa.Schema) -> pa.Schema:
    """`schema` with types Iceberg cannot store replaced by the nearest ones it can."""
    return pa.schema([f.with_type(_storable(f.type)) for f in schema], metadata=schema.metadata)


def _storable(t: pa.DataType) -> pa.DataType:
    if pa.types.is_null(t):
        return pa.string()  # a field that was null in every record seen so far
    if pa.types.is_timestamp(t):
        return pa.timestamp("us", tz="UTC" if t.tz else None)
    if pa.types.is_dictionary(t):
        return _storable(t.value_type)
    if pa.types.is_int8(t) or pa.types.is_int16(t) or pa.types.is_uint8(t) or pa.types.is_uint16(t):
        return pa.int32()
    if pa.types.is_uint32(t) or pa.types.is_uint64(t):
        return pa.int64()
    if pa.types.is_float16(t):
        return pa.float32()
    if pa.types.is_string_view(t):
        return pa.large_string()
    if pa.types.is_binary_view(t):
        return pa.large_binary()
    if pa.types.is_date64(t):
        return pa.date32()
    if pa.types.is_time(t):
        return pa.time64("us")
    if pa.types.is_map(t):
        return pa.map_(_storable(t.key_type), _storable(t.item_type))
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return pa.large_list(t.value_field.with_type(_storable(t.value_type)))
    if pa.types.is_struct(t):
        return pa.struct([f.with_type(_storable(f.type)) for f in t])
    return t


class Conformer:
    """Casts batches of incoming data to one table's Arrow schema."""

    def __init__(self, table: str, target: pa.Schema, source: pa.Schema) -> None:
        self.table = table
        self.target = target
        self._plan = self._plan_columns(target, source)

    def _plan_columns(
        self, target: pa.Schema, source: pa.Schema
    ) -> list[tuple[pa.Field, int | None]]:
        extra = [n for n in source.names if target.get_field_index(n) < 0]
        if extra:
            raise SchemaMismatchError(
                self.table,
                extra[0],
                f"the table has no such column (it has {', '.join(target.names)})",
            )
        plan: list[tuple[pa.Field, int | None]] = []
        for field in target:
            idx = source.get_field_index(field.name)
            if idx < 0:
                if not field.nullable:
                    raise SchemaMismatchError(self.table, field.name, "it is required but missing")
                plan.append((field, None))
                continue
            src_type = source.field(idx).type
            if src_type != field.type and not _castable(src_type, field.type):
                raise SchemaMismatchError(
                    self.table, field.name, f"type {src_type} cannot be cast to {field.type}"
                )
            plan.append((field, idx))
        return plan

    def conform_batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        columns: list[pa.Array] = []
        for field, idx in self._plan:
            if idx is None:
                columns.append(pa.nulls(batch.num_rows, type=field.type))
                continue
            columns.append(self._cast(batch.column(idx), field))
        return pa.RecordBatch.from_arrays(columns, schema=self.target)

    def _cast(self, column: pa.Array, field: pa.Field) -> pa.Array:
        if column.type != field.type:
            try:
                # timestamps: allow truncation of sub-microsecond digits, nothing else
                safe = not pa.types.is_timestamp(field.type)
                column = pc.cast(column, field.type, safe=safe)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
                raise SchemaMismatchError(self.table, field.name, _first_line(exc)) from None
        if not field.nullable and column.null_count:
            raise SchemaMismatchError(
                self.table, field.name, f"it is required but {column.null_count} values are null"
            )
        return column

    def conform_table(self, data: pa.Table) -> pa.Table:
        batches = [self.conform_batch(b) for b in data.to_batches()]
        return pa.Table.from_batches(batches, schema=self.target)

    def conform_reader(self, data: pa.RecordBatchReader) -> pa.RecordBatchReader:
        def _gen() -> Iterator[pa.RecordBatch]:
            for b in data:
                yield self.conform_batch(b)

        return pa.RecordBatchReader.from_batches(self.target, _gen())


def _castable(src: pa.DataType, dst: pa.DataType) -> bool:
    try:
        pc.cast(pa.array([], type=src), dst)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        return False
    return True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
