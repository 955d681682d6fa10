"""Errors of lineage, each on the right branch of the root hierarchy."""

from __future__ import annotations

from collections.abc import Sequence

from greenroom.errors import TransientError, UserError


class LineageError(UserError):
    """Lineage was asked wrongly: an unknown table or column, a malformed reference."""

    code = "lineage_invalid"


class UnknownRelationError(LineageError):
    """No job produces the relation and no lineage was recorded for it."""

    code = "lineage_relation_not_found"

    def __init__(self, relation: str, known: Sequence[str]) -> None:
        self.relation = relation
        self.known = tuple(known)
        super().__init__(
            f"no lineage for `{relation}`; tables with lineage: {', '.join(self.known)} "
            "(check the name with `greenroom lake tables`)"
        )


class UnknownColumnError(LineageError):
    """The table is known, the column is not one of its columns."""

    code = "lineage_column_not_found"

    def __init__(self, relation: str, column: str, columns: Sequence[str]) -> None:
        self.relation = relation
        self.column = column
        self.columns = tuple(columns)
        super().__init__(
            f"column `{column}` is not in `{relation}`; its columns are {', '.join(self.columns)}"
        )


class LineageEmitError(TransientError):
    """OpenLineage events could not be delivered (Marquez down, a file not writable).

    The edges are already in `ops.lineage_edges`; emitting again may succeed."""

    code = "lineage_emit_failed"

    def __init__(self, destination: str, detail: str) -> None:
        self.destination = destination
        super().__init__(
            f"could not emit OpenLineage events to `{destination}` ({detail}); check that it "
            "is reachable or set `GREENROOM_LINEAGE__TRANSPORT=file`, then emit again"
        )
