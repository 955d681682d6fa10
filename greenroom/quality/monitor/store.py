"""The monitor's ops tables: `ops.quality_metrics` and `ops.quality_alerts`.

A run's rows are written with one atomic overwrite restricted to that run (and to the
tables measured), so measuring a run again replaces its rows instead of doubling them.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom.quality.monitor.exceptions import InvalidRunIdError
from greenroom.quality.rules.base import sql_string

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

METRICS_TABLE = "ops.quality_metrics"
ALERTS_TABLE = "ops.quality_alerts"
MEASUREMENT_FAILED = "measurement_failed"

_TS = pa.timestamp("us", tz="UTC")
METRICS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("table_name", pa.string()),
        ("snapshot_id", pa.int64()),
        ("metric", pa.string()),
        ("column_name", pa.string()),
        ("value", pa.float64()),
        ("measured_at", _TS),
    ]
)
ALERTS_SCHEMA = pa.schema(
    [
        ("run_id", pa.string()),
        ("table_name", pa.string()),
        ("metric", pa.string()),
        ("column_name", pa.string()),
        ("rule", pa.string()),
        ("severity", pa.string()),
        ("value", pa.float64()),
        ("expected", pa.float64()),
        ("message", pa.string()),
        ("raised_at", _TS),
    ]
)

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:+\-]{0,127}$")


def check_run_id(run_id: str) -> str:
    if not _RUN_ID.match(run_id):
        raise InvalidRunIdError(
            f"run id `{run_id}` cannot be stored; use letters, digits and `_ . : + -` "
            "(at most 128 characters, starting with a letter or digit)"
        )
    return run_id


def adhoc_run_id(now: dt.datetime | None = None) -> str:
    """A run id for a measurement outside a pipeline run: `adhoc-<UTC time>-<random>`."""
    at = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"adhoc-{at:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"


def in_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(sql_string(v) for v in values) + ")"


def replace_run_rows(
    lake: Lakehouse, table: str, schema: pa.Schema, data: pa.Table, where: str
) -> None:
    """Replace the rows matching `where` (a run's slice) by `data`, in one commit."""
    lake.create_table(table, schema, evolve=True)
    if data.num_rows == 0:
        # The lake cannot write an empty table (pyiceberg's bin packing divides by its rows).
        lake.delete(table, where)
        return
    lake.overwrite(table, data.select(schema.names).cast(schema), where=where)


def empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()
