"""Golden files for the SQL models: hand-made inputs and the exact rows each model must give.

Each `tests/fixtures/models/<model>.yaml` holds cases (as sqlglot's optimizer fixtures hold
input/expected pairs):

```yaml
model: stg_sales
cases:
  - title: what the case shows
    today: 2025-06-30                     # optional reference date
    inputs:
      bronze.box_office_sales:            # a lake table, or a relation a job registers
        types: {_ingested_at: TIMESTAMPTZ} # DuckDB types for columns YAML cannot type
        rows: [{transaction_id: BOX-1, ...}]
    expected:
      columns: [source_record_id, unit_price]
      order_by: [source_record_id]
      rows: [[BOX-1, 45.0]]
```

The model runs in a detached DuckDB session (no lake): lake tables are registered as
`ns__table` and the model's references are swapped for them, the reference relations and
`params` as the pipeline registers them. Timestamps compare as ISO strings in UTC, floats
to 1e-9, maps as dicts.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
import yaml

from greenroom.lake import Session
from greenroom.pipeline import models
from greenroom.pipeline.context import register_context

FIXTURES = Path(__file__).parents[1] / "fixtures" / "models"
RUN_AT = dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


def _cases() -> list[Any]:
    params = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["model"], case, id=f"{path.stem}: {case['title']}"))
    return params


def _relation(session: Session, spec: dict[str, Any]) -> pa.Table:
    given: list[dict[str, Any]] = spec.get("rows") or []
    keys = list(dict.fromkeys(k for row in given for k in row))
    rows = [{k: row.get(k) for k in keys} for row in given]  # from_pylist reads row 1's keys
    types: dict[str, str] = spec.get("types") or {}
    raw = pa.Table.from_pylist(rows) if rows else pa.table({"_empty": pa.array([], pa.null())})
    session.register("fixture_raw", raw)
    present = set(raw.column_names) - {"_empty"}
    select = [
        f'CAST("{c}" AS {types[c]}) AS "{c}"' if c in types else f'"{c}"'
        for c in raw.column_names
        if c in present
    ]
    select += [f'CAST(NULL AS {t}) AS "{c}"' for c, t in types.items() if c not in present]
    where = "" if rows else " WHERE FALSE"
    return session.sql(f"SELECT {', '.join(select)} FROM fixture_raw{where}")


def _plain(value: Any) -> Any:
    """One value as the fixtures write it."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list) and value and all(isinstance(v, tuple) for v in value):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(actual, float) and isinstance(expected, int | float):
        return math.isclose(actual, expected, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            _equal(actual[k], expected[k]) for k in actual
        )
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(
            _equal(a, e) for a, e in zip(actual, expected, strict=True)
        )
    return bool(actual == expected)


def run_model(name: str, case: dict[str, Any]) -> pa.Table:
    model = models.get(name)
    sql = model.sql()
    with Session.detached() as session:
        today = case.get("today", dt.date(2026, 6, 30))
        register_context(session, today, RUN_AT)
        for relation, spec in case["inputs"].items():
            session.register(relation.replace(".", "__"), _relation(session, spec))
        swapped = {t: t.replace(".", "__") for t in models.lake_tables(sql)}
        return session.sql(models.render(sql, swapped))


@pytest.mark.parametrize(("model", "case"), _cases())
def test_model_gives_the_expected_rows(model: str, case: dict[str, Any]) -> None:
    expected = case["expected"]
    result = run_model(model, case)
    columns: list[str] = expected["columns"]
    missing = [c for c in columns if c not in result.column_names]
    assert not missing, f"{model} lacks {missing}"
    order = [(c, "ascending") for c in expected.get("order_by", columns[:1])]
    rows = result.sort_by(order).select(columns).to_pylist()
    actual = [[_plain(r[c]) for c in columns] for r in rows]
    wanted = [[_plain(v) for v in row] for row in expected["rows"]]
    assert len(actual) == len(wanted), f"{len(actual)} rows, expected {len(wanted)}: {actual}"
    for got, want in zip(actual, wanted, strict=True):
        assert all(_equal(g, w) for g, w in zip(got, want, strict=True)), (
            f"\n got  {got}\n want {want}"
        )


def test_every_sql_model_has_a_golden_file() -> None:
    covered = {p.stem for p in FIXTURES.glob("*.yaml")}
    sql_models = set()
    for model in models.MODELS:
        try:
            model.sql()
        except FileNotFoundError:
            continue  # computed in Python by its job
        sql_models.add(model.name.replace(".", "__"))
    assert sql_models <= covered, sorted(sql_models - covered)


def test_every_sql_model_transpiles_to_spark() -> None:
    """The models stay portable SQL: sqlglot translates each to Spark without giving up
    on a construct (whether Spark then computes the same is the Spark engine's test)."""
    import sqlglot
    from sqlglot.errors import ErrorLevel

    for model in models.MODELS:
        try:
            sql = model.sql()
        except FileNotFoundError:
            continue
        (spark,) = sqlglot.transpile(
            sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE
        )
        assert isinstance(sqlglot.parse_one(spark, read="spark"), sqlglot.exp.Query), model.name
