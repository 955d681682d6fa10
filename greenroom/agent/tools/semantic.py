"""`semantic_query`: run a semantic query (validated, compiled, governed) for the assistant."""

from __future__ import annotations

from typing import Any

from greenroom.agent.tools.base import ToolResult
from greenroom.semantic import SemanticLayer, SemanticQuery


class SemanticQueryTool:
    name = "semantic_query"
    description = (
        "Numbers from the concert lakehouse: metrics (revenue, tickets sold, concerts, …) by "
        "dimensions (artist, city, month, …) under filters and a period."
    )

    def __init__(self, layer: SemanticLayer) -> None:
        self.layer = layer

    def input_schema(self) -> dict[str, Any]:
        return SemanticQuery.model_json_schema()

    def run(self, arguments: dict[str, Any]) -> ToolResult:
        query = SemanticQuery.model_validate(arguments)
        result = self.layer.run(query)
        return ToolResult(
            table=result.table,
            data={
                "result": result,
                "sql": result.compiled.display_sql,
            },
        )
