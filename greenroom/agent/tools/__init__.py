"""Tools the assistant calls. One file per tool; each implements `Tool` (see `base`).

Today: `semantic_query` (numbers through the semantic layer). The code interpreter, web
fetch and MCP tools plug in beside it with the same interface.
"""

from greenroom.agent.tools.base import Tool, ToolResult
from greenroom.agent.tools.semantic import SemanticQueryTool

__all__ = ["SemanticQueryTool", "Tool", "ToolResult"]
