"""Tools the assistant calls. One file per tool; each implements `Tool` (see `base`).

`semantic_query` (numbers through the semantic layer) and the insights tools:
`ticket_forecast`, `recommend_concerts`, `trends` and `revenue_outlook` (serving models
from the registry, `models.registry_artefacts`). The code interpreter, web fetch and MCP
tools plug in beside them with the same interface.
"""

from greenroom.agent.tools.base import Tool, ToolResult
from greenroom.agent.tools.forecast import TicketForecastTool
from greenroom.agent.tools.models import ArtefactSource, ModelNotTrainedError, registry_artefacts
from greenroom.agent.tools.outlook import RevenueOutlookTool
from greenroom.agent.tools.recommend import RecommendConcertsTool
from greenroom.agent.tools.semantic import SemanticQueryTool
from greenroom.agent.tools.trends import TrendsTool

__all__ = [
    "ArtefactSource",
    "ModelNotTrainedError",
    "RecommendConcertsTool",
    "RevenueOutlookTool",
    "SemanticQueryTool",
    "TicketForecastTool",
    "Tool",
    "ToolResult",
    "TrendsTool",
    "registry_artefacts",
]
