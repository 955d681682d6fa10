"""Errors of the PII scanner."""

from __future__ import annotations

from pathlib import Path

from greenroom.errors import UserError


class PiiTruthNotFoundError(UserError):
    """No ``truth/pii.parquet`` to score against."""

    code = "pii_truth_not_found"

    def __init__(self, looked: Path, found: int = 0) -> None:
        self.looked = str(looked)
        self.found = found
        what = "several" if found > 1 else "no"
        super().__init__(
            f"{what} `truth/pii.parquet` under `{looked}`; pass one with `--truth PATH` "
            "(`greenroom synth generate --out DIR` writes DIR/truth/pii.parquet)"
        )


class PiiTruthInvalidError(UserError):
    """The truth file lacks the columns ``source, field, kind``."""

    code = "pii_truth_invalid"

    def __init__(self, path: Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(
            f"`{path}` is not a PII truth file ({reason}); it needs columns source, field, kind"
        )


class PiiMinConfidenceError(UserError):
    code = "pii_min_confidence_invalid"

    def __init__(self, value: float) -> None:
        self.value = value
        super().__init__(f"`--min-confidence {value}` must lie between 0 and 1, e.g. 0.8")
