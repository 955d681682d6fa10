"""Column lineage a job declares beside the Python code that computes a relation.

SQL models need no declaration: lineage reads their SQL. What Python computes — a relation
a job registers in its session (`artist_map`), a table it writes (`silver.entity_xref`), or
columns it adds to a model's relation (`coords_plausible` on `stg_venues`) — is declared
next to the function that computes it and listed in the job's `lineage`:

    COORDINATES = ColumnLineage(
        "stg_venues",
        code=run,
        columns={"coords_plausible": ("stg_venues.latitude", "ref_cities.latitude", ...)},
        augments=True,
    )
    JOB = Job(name="venues", ..., lineage=(COORDINATES, ...))

An input is `relation.column`, or a bare relation when the value depends only on its rows
(a constant per row). `greenroom.governance.lineage` reads these from the job graph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from greenroom.pipeline.models import Materialized


@dataclass(frozen=True)
class ColumnLineage:
    target: str
    """The relation computed: registered (`artist_map`) or a lake table (`ns.table`)."""
    code: Callable[..., Any]
    """The module-level function that computes it (lineage names it `module:function`)."""
    columns: Mapping[str, tuple[str, ...]]
    """Each output column and the inputs its value is computed from."""
    materialized: Materialized = "ephemeral"
    identity: frozenset[str] = frozenset()
    """Output columns copied unchanged from their single input."""
    augments: bool = False
    """The columns are added to a relation a SQL model computes (`target` is that model)."""

    @property
    def transformation(self) -> str:
        """Where the code lives, `module:function`."""
        return f"{self.code.__module__}:{self.code.__qualname__}"
