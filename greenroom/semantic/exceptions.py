"""Errors of the semantic layer. Each carries a stable `code` and the data behind it."""

from __future__ import annotations

from greenroom.errors import UserError


class SemanticError(UserError):
    """A semantic query that cannot be compiled as asked."""

    code = "semantic_invalid_query"


class UnknownNameError(SemanticError):
    """A metric, dimension or value that the semantic layer does not know."""

    code = "semantic_unknown_name"

    def __init__(self, kind: str, name: str, closest: list[str]) -> None:
        self.kind = kind
        self.name = name
        self.closest = closest
        hint = f"; did you mean {', '.join(f'`{c}`' for c in closest)}?" if closest else ""
        super().__init__(
            f"unknown {kind} `{name}`{hint} (`greenroom metrics list` lists what there is)"
        )


class IncompatibleQueryError(SemanticError):
    """Metrics and dimensions that cannot be combined (no grain holds them all)."""

    code = "semantic_incompatible"
