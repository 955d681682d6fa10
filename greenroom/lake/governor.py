"""`Governor`: how a session bound to a principal shapes each lake table it reads.

The lake does not know policies; it asks a governor (the governance layer implements one)
for a :class:`TableView` of each table a query names, and plans that table as a view with
only those columns, each computed by its expression (masks), and only the rows of ``where``.
User SQL runs over the views, so every aggregate, join and window sees only what the
principal may see. A session with a governor also refuses any SQL that could reach data
around the views (see ``_guard``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol


@dataclass(frozen=True)
class HiddenColumn:
    """A column the principal may not see, and the policy that hides it."""

    column: str
    policy: str
    reason: str


@dataclass(frozen=True)
class TableView:
    """One table as one principal sees it."""

    columns: tuple[tuple[str, str], ...]
    """(output name, SQL expression over the table's own columns), in table order."""
    where: str | None = None
    """A SQL predicate over the table's columns (a row filter), or None for every row."""
    depends: tuple[str, ...] = ()
    """Lake tables ``where`` reads (planned, governed, before this one)."""
    protected: frozenset[str] = frozenset()
    """Columns whose raw values must not steer the scan (masked or hidden): no predicate on
    them is pushed into the file scan."""
    hidden: Mapping[str, HiddenColumn] = field(default_factory=lambda: MappingProxyType({}))
    """Lower-cased name → why it is hidden, for the error a query naming it gets."""
    version: str = ""
    """Changes whenever the view's definition would (the policy's version)."""


class Governor(Protocol):
    """Decides, for one principal, how each lake table is seen."""

    def view(
        self,
        table: str,
        columns: Sequence[str],
        tags: Mapping[str, Mapping[str, str]] | None = None,
    ) -> TableView:
        """The view of `table` (``ns.name``) with physical `columns` and column `tags` (of
        the snapshot being planned, so the governor need not load the table again);
        raises an access error if the principal may not read it at all."""
        ...
