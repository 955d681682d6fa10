"""Model-backed planning: a configured model proposes a plan; the semantic layer checks it.

The proposal's query is validated as a `SemanticQuery` and compiled before it is used;
on any failure (the provider's, or a proposal that does not validate) this returns None
and the offline planner's plan stands.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from pydantic import ValidationError

from greenroom.agent.planner.offline import Context, Plan
from greenroom.agent.providers import PlanRequest, ProviderError
from greenroom.errors import UserError
from greenroom.semantic.query import SemanticQuery

if TYPE_CHECKING:
    from greenroom.agent.providers import ModelProvider
    from greenroom.semantic import SemanticLayer

log = logging.getLogger(__name__)


def propose(
    provider: ModelProvider, message: str, today: dt.date, context: Context, layer: SemanticLayer
) -> Plan | None:
    request = PlanRequest(
        message=message,
        today=today,
        catalogue=layer.catalog.describe(),
        query_schema=SemanticQuery.model_json_schema(),
        previous=context.previous.model_dump(mode="json") if context.previous else None,
    )
    try:
        proposal = provider.propose(request)
        if proposal.kind == "query":
            query = SemanticQuery.model_validate(proposal.query or {})
            layer.compile(query)  # unknown names, bad filters → UserError
            return Plan("query", query=query, notes=(f"planned by {provider.name}",))
        if proposal.kind == "refusal":
            return Plan("refusal", message=proposal.message)
        return Plan("clarification", message=proposal.message, suggestions=tuple(proposal.options))
    except (ProviderError, ValidationError, UserError) as exc:
        log.info("model proposal not used (%s); the offline planner answers", exc)
        return None
