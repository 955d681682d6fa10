"""Serving models for the insights tools: the registry's serving artefact, or a clear
`ModelNotTrainedError` naming `greenroom ml train`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from greenroom.errors import UserError

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

ArtefactSource = Callable[[str], bytes]
"""The serving artefact of a model by its registry name."""


class ModelNotTrainedError(UserError):
    """No version of the model serves yet."""

    code = "model_not_trained"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"no `{name}` model is trained yet: run `greenroom ml train` (it trains the "
            "forecaster and the recommender), then ask again"
        )


def registry_artefacts(lake: Lakehouse, settings: Settings) -> ArtefactSource:
    """Artefacts from `greenroom.insights.registry.ModelRegistry` (sha256-checked)."""
    from greenroom.insights.exceptions import UnknownModelError, UnknownVersionError
    from greenroom.insights.registry import ModelRegistry

    registry = ModelRegistry(lake, settings)

    def load(name: str) -> bytes:
        try:
            return registry.load_artefact(name)
        except (UnknownModelError, UnknownVersionError):
            raise ModelNotTrainedError(name) from None

    return load
