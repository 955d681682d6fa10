"""What to measure on each table: metric specs, declared in `tables.yaml`.

A `TableSpec` is everything the metric kinds (`metrics.py`) need to write one table's
query: its columns (completeness), key (uniqueness), foreign keys (referential
integrity), checks (validity), freshness column and, for bronze, the `_warnings` column
and the feed whose batches in `ops.ingestion_batches` give the quarantine share.

Every table of a monitored layer gets the layer's defaults; `tables.yaml` adds the
promises of CONTRACT.md. A bronze table's key is its feed's record id (from the feed's
data contract), so a new feed is monitored without editing anything here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import sqlglot
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlglot.errors import ParseError

from greenroom.quality.contract import load_contract
from greenroom.quality.exceptions import ContractError
from greenroom.quality.monitor.exceptions import MonitorSpecError

SPEC_FILE = "tables.yaml"
MONITORED_LAYERS: tuple[str, ...] = ("bronze", "silver", "gold")
WARNINGS_COLUMN = "_warnings"


class LayerDefaults(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    freshness: list[str] = Field(
        default_factory=list, description="Candidate freshness columns; the first present is used."
    )
    max_age_hours: float | None = Field(default=None, gt=0)
    strict: bool = False


class TableDecl(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: list[str] = Field(default_factory=list)
    references: dict[str, str] = Field(
        default_factory=dict, description="column → `ns.parent.column`"
    )
    checks: dict[str, str] = Field(default_factory=dict, description="name → SQL boolean")
    freshness: str | None = None
    max_age_hours: float | None = Field(default=None, gt=0)


class SpecFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    layers: dict[str, LayerDefaults] = Field(default_factory=dict)
    tables: dict[str, TableDecl] = Field(default_factory=dict)


@dataclass(frozen=True)
class ForeignKey:
    column: str
    parent: str
    """The parent table, `ns.name`."""
    parent_column: str


@dataclass(frozen=True)
class Check:
    name: str
    sql: str
    """A SQL boolean over one row of the table; the row passes when it is TRUE."""


@dataclass(frozen=True)
class TableSpec:
    table: str
    columns: tuple[str, ...]
    key: tuple[str, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    checks: tuple[Check, ...] = ()
    freshness: str | None = None
    max_age_hours: float | None = None
    warnings_column: str | None = None
    quarantine_feed: str | None = None
    strict: bool = False

    @property
    def layer(self) -> str:
        return self.table.split(".", 1)[0]


def parse_spec_file(text: str, origin: str) -> SpecFile:
    try:
        spec = SpecFile.model_validate(yaml.safe_load(text) or {})
    except yaml.YAMLError as exc:
        raise MonitorSpecError(f"monitor spec `{origin}` is not valid YAML: {exc}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise MonitorSpecError(f"monitor spec `{origin}`: `{where}` {err['msg']}") from None
    for table, decl in spec.tables.items():
        for name, check in decl.checks.items():
            _check_parses(origin, table, name, check)
        for column, target in decl.references.items():
            if target.count(".") != 2:
                raise MonitorSpecError(
                    f"monitor spec `{origin}`: reference `{table}.{column}` must be "
                    f"`ns.table.column`, not `{target}`"
                )
    return spec


def _check_parses(origin: str, table: str, name: str, sql: str) -> None:
    try:
        sqlglot.parse_one(sql, read="duckdb")
    except ParseError as exc:
        first = str(exc).splitlines()[0]
        raise MonitorSpecError(
            f"monitor spec `{origin}`: check `{table}.{name}` is not a SQL expression ({first}); "
            "write a boolean over the table's columns, e.g. `quantity >= 1`"
        ) from None


@cache
def shipped_specs() -> SpecFile:
    """The spec file shipped with greenroom (greenroom/quality/monitor/tables.yaml)."""
    text = resources.files(__package__).joinpath(SPEC_FILE).read_text(encoding="utf-8")
    return parse_spec_file(text, SPEC_FILE)


@dataclass(frozen=True)
class TablePolicy:
    """How the anomaly checks treat a table (see `anomaly.py`)."""

    strict: bool
    max_age_hours: float | None


def table_policy(table: str, specs: SpecFile | None = None) -> TablePolicy:
    specs = specs or shipped_specs()
    defaults = specs.layers.get(table.split(".", 1)[0], LayerDefaults())
    decl = specs.tables.get(table, TableDecl())
    return TablePolicy(defaults.strict, decl.max_age_hours or defaults.max_age_hours)


def table_spec(
    table: str,
    columns: Sequence[str],
    *,
    has_batches: bool = False,
    specs: SpecFile | None = None,
) -> TableSpec:
    """The spec of `table` (with these `columns`): layer defaults plus its declarations.

    `has_batches`: `ops.ingestion_batches` exists, so bronze gets a quarantine share.
    """
    specs = specs or shipped_specs()
    layer, name = table.split(".", 1)
    defaults = specs.layers.get(layer, LayerDefaults())
    decl = specs.tables.get(table, TableDecl())
    policy = table_policy(table, specs)
    have = set(columns)

    def need(column: str, role: str) -> str:
        if column not in have:
            raise MonitorSpecError(
                f"the {role} column `{column}` is not in `{table}` (columns: {', '.join(columns)}); "
                f"fix `{table}` in greenroom/quality/monitor/{SPEC_FILE}"
            )
        return column

    key = tuple(need(c, "key") for c in decl.key)
    if not key and layer == "bronze":
        key = _record_id(name, have)
    fks = tuple(
        ForeignKey(need(column, "reference"), *target.rsplit(".", 1))
        for column, target in decl.references.items()
    )
    freshness = (
        need(decl.freshness, "freshness")
        if decl.freshness
        else next((c for c in defaults.freshness if c in have), None)
    )
    return TableSpec(
        table=table,
        columns=tuple(columns),
        key=key,
        foreign_keys=fks,
        checks=tuple(Check(n, sql) for n, sql in decl.checks.items()),
        freshness=freshness,
        max_age_hours=policy.max_age_hours,
        warnings_column=WARNINGS_COLUMN if layer == "bronze" and WARNINGS_COLUMN in have else None,
        quarantine_feed=name if layer == "bronze" and has_batches else None,
        strict=policy.strict,
    )


def _record_id(feed: str, have: set[str]) -> tuple[str, ...]:
    """A bronze table's key: its feed's record id, as its data contract names it."""
    try:
        record_id = load_contract(feed).table.record_id
    except ContractError:
        return ()  # a bronze table without a contract: no key to measure
    return (record_id,) if record_id in have else ()
