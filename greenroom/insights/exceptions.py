"""Errors of the model registry and drift checks, each on its branch of the root hierarchy."""

from __future__ import annotations

from collections.abc import Sequence

from greenroom.errors import TerminalError, UserError


class RegistryError(UserError):
    """The registry was asked for something it cannot do."""

    code = "model_registry_invalid"


class UnknownModelError(RegistryError):
    """A model name with no registered version."""

    code = "model_not_found"

    def __init__(self, name: str, known: Sequence[str]) -> None:
        self.name = name
        self.known = list(known)
        listed = ", ".join(f"`{k}`" for k in known) or "none yet"
        super().__init__(
            f"model `{name}` has no registered version; known models: {listed} "
            f"(`greenroom ml models` lists them)"
        )


class UnknownVersionError(RegistryError):
    """A version number the model does not have (or one that cannot serve)."""

    code = "model_version_not_found"

    def __init__(self, name: str, version: int, known: Sequence[int], why: str = "") -> None:
        self.name = name
        self.version = version
        self.known = list(known)
        listed = ", ".join(str(v) for v in known) or "none"
        super().__init__(
            f"model `{name}` has no {why}version `{version}`; its {why}versions are {listed} "
            f"(`greenroom ml models` lists them)"
        )


class NothingToRollBackError(RegistryError):
    """A rollback without `--to` when no earlier version ever served."""

    code = "model_rollback_impossible"

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"model `{name}` has no earlier serving version to roll back to; "
            f"give one with `--to VERSION`"
        )


class InvalidModelError(RegistryError):
    """A trained model that cannot be registered as given (no primary metric, bad name)."""

    code = "model_invalid"


class ArtefactTamperedError(TerminalError):
    """An artefact whose bytes no longer match the sha256 recorded when it was registered."""

    code = "model_artefact_tampered"

    def __init__(self, name: str, version: int, path: str, expected: str, actual: str) -> None:
        self.name = name
        self.version = version
        self.path = path
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"the artefact of model `{name}` version {version} at `{path}` was changed "
            f"after registration (sha256 {actual[:12]}…, recorded {expected[:12]}…); "
            f"retrain it or roll back with `greenroom ml rollback {name} --to VERSION`"
        )


class ArtefactMissingError(TerminalError):
    """A registered artefact (or feature sample) whose file is gone."""

    code = "model_artefact_missing"

    def __init__(self, name: str, version: int, path: str) -> None:
        self.name = name
        self.version = version
        self.path = path
        super().__init__(
            f"the artefact of model `{name}` version {version} is missing (`{path}`); "
            f"retrain it from its snapshot ids or roll back to another version"
        )


class DriftInputError(RegistryError):
    """A drift check without what it needs (no training sample, a missing feature column)."""

    code = "drift_input_invalid"
