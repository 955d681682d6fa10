"""`Reader`: the small protocol every consumer of lake SQL depends on.

The semantic layer, the assistant and (later) the web app ask a `Reader` for rows, never a
DuckDB connection, so a governed session or another engine can stand in for `Session`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyarrow as pa


class Reader(Protocol):
    """Read-only SQL over the lake's tables (`ns.name`) plus registered Arrow relations."""

    def sql(self, query: str, params: Sequence[object] | None = None) -> pa.Table:
        """Run one read-only statement; the result as an Arrow table."""
        ...

    def register(self, name: str, data: pa.Table) -> None:
        """Make `data` queryable as `name` in this reader's SQL."""
        ...
