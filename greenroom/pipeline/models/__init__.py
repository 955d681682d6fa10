"""The SQL models: one SELECT per `.sql` file beside this module, in the order jobs use them.

A model refers to lake tables as `ns.table`, to earlier ephemeral models and to relations
a job registers by plain name, and to the reference relations `ref_countries`,
`ref_cities`, `ref_fx_rates(currency, usd_per_unit, valid_from, valid_to)` and
`params(today, run_at)`. `ephemeral` models live only in a job's DuckDB session; `table`
models are what a job writes to the lake. Models with no `.sql` file (`artist_map`,
`venue_map`) are computed in Python by their job (entity resolution), which declares their
lineage (`Job.lineage`); they are listed so lineage knows the relation. Which job runs which model: `greenroom.pipeline.jobs`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from greenroom import reference
from greenroom.pipeline.exceptions import PipelineError

Materialized = Literal["ephemeral", "table"]
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_QUALIFIED = re.compile(r"\b(bronze|silver|gold|quarantine|ops)\.([A-Za-z_][A-Za-z0-9_]*)\b")


@dataclass(frozen=True)
class Model:
    name: str
    """`stg_artists` for an ephemeral model, `silver.artists` for a table."""
    materialized: Materialized
    partition_by: tuple[tuple[str, str], ...] = ()

    @property
    def path(self) -> str:
        layer, _, base = self.name.rpartition(".")
        return f"{layer or 'staging'}/{base}.sql"

    def sql(self) -> str:
        """The model's SQL (FileNotFoundError for a model computed in Python)."""
        return _read(self.path)


@cache
def _read(path: str) -> str:
    return resources.files(__package__).joinpath(path).read_text(encoding="utf-8")


MODELS: tuple[Model, ...] = (
    Model("stg_artists", "ephemeral"),
    Model("artist_map", "ephemeral"),
    Model("silver.artists", "table"),
    Model("stg_venues", "ephemeral"),
    Model("venue_map", "ephemeral"),
    Model("silver.venues", "table"),
    Model("stg_customers", "ephemeral"),
    Model("silver.customers", "table"),
    Model("stg_concerts", "ephemeral"),
    Model("concert_rejects", "ephemeral"),
    Model("stg_sales", "ephemeral"),
    Model("sale_rejects", "ephemeral"),
    Model("silver.ticket_sales", "table", (("purchase_timestamp", "year"),)),
    Model("silver.concerts", "table"),
    Model("gold.venue_popularity", "table"),
    Model("gold.artist_performance", "table"),
    Model("gold.sales_daily", "table"),
)
_BY_NAME = {m.name: m for m in MODELS}


def get(name: str) -> Model:
    try:
        return _BY_NAME[name]
    except KeyError:
        raise PipelineError(
            f"model `{name}` does not exist; known models: {', '.join(_BY_NAME)}"
        ) from None


def render(sql: str, replace: Mapping[str, str]) -> str:
    """`sql` with lake table references swapped for registered relations (`ns.t` → name).

    Jobs use it to run a model over a subset (the new batches of a bronze table), tests to
    run a model over hand-made relations.
    """
    if not replace:
        return sql
    lowered = {k.lower(): v for k, v in replace.items()}

    def swap(match: re.Match[str]) -> str:
        return lowered.get(match.group(0).lower(), match.group(0))

    return _QUALIFIED.sub(swap, sql)


def lake_tables(sql: str) -> set[str]:
    """The `ns.table` names a model's SQL refers to (comments aside)."""
    code = _COMMENT.sub(" ", sql)
    return {f"{m.group(1)}.{m.group(2)}".lower() for m in _QUALIFIED.finditer(code)}


@cache
def reference_digest() -> str:
    """A digest of the shipped reference data (a new exchange rate reruns the jobs)."""
    digest = hashlib.sha256()
    for name in reference.NAMES:
        digest.update(name.encode())
        digest.update(resources.files(reference).joinpath(f"{name}.csv").read_bytes())
    return digest.hexdigest()[:16]
