"""The tool interface: a name, a description, a JSON schema of its input, and `run`.

A tool runs on behalf of the principal its reader is bound to; it never opens the lake
itself. Results carry a table (Arrow) and whatever else the caller needs to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class ToolResult:
    table: pa.Table | None = None
    text: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class Tool(Protocol):
    name: str
    description: str

    def input_schema(self) -> dict[str, Any]:
        """JSON schema of `arguments` (what a model must send)."""
        ...

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        """Run once; raises a `GreenroomError` for input it cannot serve."""
        ...
