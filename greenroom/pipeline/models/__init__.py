"""The SQL models, in the order they run.

A model is one SELECT in a `.sql` file beside this module. `ephemeral` models live only in
the build's DuckDB session (staging, ids); `table` models are written to the lakehouse as
one atomic Iceberg overwrite. Models refer to lakehouse tables as `ns.name`, to earlier
ephemeral models by name, and to the reference relations `ref_countries`, `ref_cities`,
`ref_fx_rates` and `params(today, run_at)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Literal

Materialized = Literal["ephemeral", "table"]


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
        return resources.files(__package__).joinpath(self.path).read_text(encoding="utf-8")


MODELS: tuple[Model, ...] = (
    Model("stg_artists", "ephemeral"),
    Model("stg_venues", "ephemeral"),
    Model("artist_map", "ephemeral"),
    Model("venue_map", "ephemeral"),
    Model("stg_concerts", "ephemeral"),
    Model("stg_customers", "ephemeral"),
    Model("stg_sales", "ephemeral"),
    Model("silver.entity_xref", "table", (("entity_type", "identity"),)),
    Model("silver.artists", "table"),
    Model("silver.venues", "table"),
    Model("silver.customers", "table"),
    Model("silver.ticket_sales", "table", (("purchase_timestamp", "year"),)),
    Model("silver.concerts", "table"),
    Model("gold.venue_popularity", "table"),
    Model("gold.artist_performance", "table"),
)
