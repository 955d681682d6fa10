"""The columns (and SQL types) of every relation a job reads, for sqlglot to resolve `*`,
`USING` and struct access.

Sources, in order of trust: the lakehouse (`lake.schema`) for tables that exist, the CSV
headers of the reference relations and `params(today, run_at)`, the output columns of
models traced earlier in the same pass, and, for a relation none of these knows (a bronze
feed not ingested yet), the columns the models reference on it (type unknown).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom import reference
from greenroom.governance.lineage.records import relation_kind

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

PSEUDO_DB = "_"
"""The namespace unqualified relations (ephemeral models, references) get for sqlglot."""

UNKNOWN = "UNKNOWN"


def sql_type(t: pa.DataType) -> str:
    """A DuckDB type name for an Arrow type, nested types included."""
    if pa.types.is_struct(t):
        fields = ", ".join(f'"{f.name}" {sql_type(f.type)}' for f in t)
        return f"STRUCT({fields})"
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return f"{sql_type(t.value_type)}[]"
    if pa.types.is_map(t):
        return f"MAP({sql_type(t.key_type)}, {sql_type(t.item_type)})"
    simple = (
        (pa.types.is_boolean, "BOOLEAN"),
        (pa.types.is_int64, "BIGINT"),
        (pa.types.is_integer, "INT"),
        (pa.types.is_floating, "DOUBLE"),
        (pa.types.is_decimal, "DOUBLE"),
        (pa.types.is_date, "DATE"),
        (pa.types.is_string, "TEXT"),
        (pa.types.is_large_string, "TEXT"),
        (pa.types.is_binary, "BLOB"),
    )
    for check, name in simple:
        if check(t):
            return name
    if pa.types.is_timestamp(t):
        return "TIMESTAMPTZ" if t.tz else "TIMESTAMP"
    return UNKNOWN


class Schemas:
    """Relation → {column: SQL type}, columns in their stored spelling."""

    def __init__(self) -> None:
        self._tables: dict[str, dict[str, str]] = {}

    def __contains__(self, relation: object) -> bool:
        return relation in self._tables

    def set(self, relation: str, columns: Mapping[str, str]) -> None:
        self._tables[relation] = dict(columns)

    def set_arrow(self, relation: str, schema: pa.Schema) -> None:
        self.set(relation, {f.name: sql_type(f.type) for f in schema})

    def columns(self, relation: str) -> tuple[str, ...]:
        return tuple(self._tables.get(relation, ()))

    def types(self, relation: str) -> dict[str, str]:
        return dict(self._tables.get(relation, {}))

    def canonical(self, relation: str, column: str) -> str:
        """`column` as the relation spells it (sqlglot lower-cases unquoted names)."""
        for name in self._tables.get(relation, ()):
            if name.lower() == column.lower():
                return name
        return column

    def mapping(self) -> dict[str, dict[str, dict[str, str]]]:
        """The nested `{db: {table: {column: type}}}` sqlglot's MappingSchema takes."""
        out: dict[str, dict[str, dict[str, str]]] = {}
        for relation, columns in self._tables.items():
            db, _, table = relation.rpartition(".")
            out.setdefault(db or PSEUDO_DB, {})[table] = columns
        return out


def add_references(schemas: Schemas) -> None:
    """`ref_<name>` for every shipped reference table, and `params(today, run_at)`."""
    for name in reference.NAMES:
        schemas.set_arrow(f"ref_{name}", reference.load(name).schema)
    schemas.set("params", {"today": "DATE", "run_at": "TIMESTAMPTZ"})


def add_lake_tables(schemas: Schemas, lake: Lakehouse | None, relations: Iterable[str]) -> None:
    """The stored schema of each lakehouse table among `relations` that exists."""
    if lake is None:
        return
    for relation in sorted(set(relations)):
        if relation_kind(relation) in ("bronze", "lake") and lake.exists(relation):
            schemas.set_arrow(relation, lake.schema(relation))


def add_inferred(schemas: Schemas, referenced: Mapping[str, Iterable[str]]) -> list[str]:
    """Columns the SQL references on a relation but no schema lists get type unknown: a
    bronze feed not ingested yet, a column a Python job adds or a job registers (the
    SQL would not run without them). Returns the relations that gained columns."""
    grown = []
    for relation, columns in sorted(referenced.items()):
        types = schemas.types(relation)
        known = {c.lower() for c in types}
        missing = sorted({c for c in columns if c.lower() not in known})
        if missing:
            schemas.set(relation, {**types, **dict.fromkeys(missing, UNKNOWN)})
            grown.append(relation)
    return grown
