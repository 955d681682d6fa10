"""The seam between the assistant and a language model.

The assistant asks a provider to *propose* a plan for one message: a semantic query as
JSON (validated and compiled by the semantic layer, never run as SQL), a clarification, or
a refusal. Any failure (timeout, HTTP error, refusal by the model, output that is not the
JSON asked for) raises :class:`ProviderError`, and the offline planner answers instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from greenroom.errors import TransientError


class ProviderError(TransientError):
    """The model could not give a usable proposal (timeout, HTTP error, invalid output)."""

    code = "model_provider_failed"


@dataclass(frozen=True)
class PlanRequest:
    """Everything a model needs to propose a plan for one message."""

    message: str
    today: dt.date
    catalogue: dict[str, Any]
    """``{"metrics": [{"name", "description"}], "dimensions": [{"name", "description"}]}``."""
    query_schema: dict[str, Any]
    """JSON schema of the semantic query object the model must return under ``query``."""
    previous: dict[str, Any] | None = None
    """The previous turn's semantic query (JSON), for follow-ups; ``None`` on a first turn."""


@dataclass(frozen=True)
class PlanProposal:
    """What the model proposed. ``query`` is unvalidated JSON: the caller validates it."""

    kind: Literal["query", "clarification", "refusal"]
    query: dict[str, Any] | None = None
    message: str | None = None
    options: list[str] = field(default_factory=list)


class ModelProvider(Protocol):
    """A configured language model that proposes plans. Implementations: one file each."""

    name: str

    def propose(self, request: PlanRequest) -> PlanProposal:
        """One proposal; raises :class:`ProviderError` on any failure."""
        ...
