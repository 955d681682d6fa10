"""Model providers that propose a semantic query for a question (Bedrock, OpenAI-compatible).

A provider never writes SQL that runs: it proposes a JSON object that the semantic layer
validates and compiles, exactly as it does for the offline planner's queries.
"""

from greenroom.agent.providers.base import ModelProvider, PlanProposal, PlanRequest, ProviderError

__all__ = ["ModelProvider", "PlanProposal", "PlanRequest", "ProviderError"]
