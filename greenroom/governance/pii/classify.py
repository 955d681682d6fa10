"""The SQL that classifies a table's columns by content: one statement per table.

A reservoir sample of the table's rows (repeatable) is unfolded into ``(col, v)`` pairs —
one per non-null value of each scanned column, struct leaf or JSON payload key — and every
kind's predicate is counted per column with ``count(*) FILTER (WHERE …)``. No Python
touches a row; the result is one Arrow row per column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pyarrow as pa

from greenroom.governance.pii.kinds import PREDICATES

NAMES_RELATION = "pii_reference_names"
"""The registered relation of known names (column `name`)."""
KEYS_RELATION = "pii_person_keys"
"""The registered relation of keys of persons (column `k`) for the customer_id pass."""
SEED = 7

_ID_SHAPED = "regexp_full_match(v, '[A-Za-z0-9_:.-]{4,64}') AND regexp_matches(v, '[0-9]')"

PAYLOAD = "payload"
"""A quarantine table's column holding the record as received (JSON text)."""


@dataclass(frozen=True)
class Column:
    """A scanned column: its name in findings and the SQL expression reading it."""

    name: str
    expression: str


def _literal(text: str) -> str:
    return text.replace("'", "''")


def quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def columns_of(schema: pa.Schema, *, payload: bool = False) -> list[Column]:
    """The columns worth reading: text, dates and integers, struct leaves included;
    loader bookkeeping (``_…``) and lists are skipped. `payload` keeps the JSON column
    out (its keys are unfolded instead, see `classify_sql`)."""
    out: list[Column] = []

    def walk(field: pa.Field, path: tuple[str, ...]) -> None:
        t = field.type
        if pa.types.is_struct(t):
            for i in range(t.num_fields):
                walk(t.field(i), (*path, field.name))
        elif (
            pa.types.is_string(t)
            or pa.types.is_large_string(t)
            or pa.types.is_date(t)
            or pa.types.is_integer(t)
        ):
            parts = (*path, field.name)
            out.append(Column(".".join(parts), ".".join(quote(p) for p in parts)))

    for f in schema:
        if f.name.startswith("_") or (payload and f.name == PAYLOAD):
            continue
        walk(f, ())
    return out


def _values_sql(table: str, columns: Sequence[Column], payload: bool, sample: int) -> str:
    parts = [
        f"SELECT '{_literal(c.name)}' AS col, CAST({c.expression} AS VARCHAR) AS raw FROM s"
        for c in columns
    ]
    if payload:
        parts.append(
            f"SELECT '{PAYLOAD}.' || k AS col, json_extract_string({PAYLOAD}, '$.\"' || k || '\"') "
            f"FROM s, unnest(json_keys({PAYLOAD})) AS j(k) WHERE json_valid({PAYLOAD}) "
            f"AND json_type({PAYLOAD}) = 'OBJECT'"
        )
    unfolded = "\n  UNION ALL ".join(parts)
    return (
        f"WITH s AS (SELECT * FROM {table} USING SAMPLE reservoir({sample} ROWS) "
        f"REPEATABLE ({SEED})),\n"
        f"u AS (\n  {unfolded}\n),\n"
        "x AS (SELECT col, trim(raw) AS v FROM u WHERE raw IS NOT NULL AND trim(raw) <> ''),\n"
        "z AS (SELECT col, v, regexp_replace(v, '[^0-9]', '', 'g') AS d, "
        "length(regexp_replace(v, '[^0-9]', '', 'g')) AS nd FROM x)\n"
    )


def classify_sql(
    table: str, columns: Sequence[Column], *, payload: bool, sample: int, today: date
) -> str:
    """Per column: `sampled`, one count per pattern kind, `distinct_values`, `id_shaped`."""
    names = f"(SELECT list(name) FROM {NAMES_RELATION})"
    counts = ",\n  ".join(
        f"count(*) FILTER (WHERE ({_fill(pred, today, names)})) AS {kind}"
        for kind, pred in PREDICATES.items()
    )
    return (
        _values_sql(table, columns, payload, sample)
        + f"SELECT col, count(*) AS sampled,\n  {counts},\n"
        f"  count(DISTINCT v) AS distinct_values,\n"
        f"  count(*) FILTER (WHERE {_ID_SHAPED}) AS id_shaped\n"
        "FROM z GROUP BY col ORDER BY col"
    )


def _fill(predicate: str, today: date, names: str) -> str:
    return predicate.replace("{today}", today.isoformat()).replace("{names}", names)


def references_sql(table: str, columns: Sequence[Column], *, payload: bool, sample: int) -> str:
    """Per column: `sampled` and `customer_id`, the values found among the keys of persons."""
    return (
        _values_sql(table, columns, payload, sample) + "SELECT col, count(*) AS sampled, "
        f"count(*) FILTER (WHERE v IN (SELECT k FROM {KEYS_RELATION})) AS customer_id\n"
        "FROM z GROUP BY col ORDER BY col"
    )


def keys_sql(table: str, column: str) -> str:
    """Every distinct value of one column (a key of persons) as text, as column `k`."""
    if column.startswith(f"{PAYLOAD}."):
        key = column[len(PAYLOAD) + 1 :].replace("'", "''").replace('"', '\\"')
        expr = f"json_extract_string({PAYLOAD}, '$.\"{key}\"')"
        where = f" WHERE json_valid({PAYLOAD})"
    else:
        expr = ".".join(quote(p) for p in column.split("."))
        where = ""
    return f"SELECT DISTINCT CAST({expr} AS VARCHAR) AS k FROM {table}{where}"
