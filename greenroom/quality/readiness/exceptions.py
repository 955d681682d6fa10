"""Errors of the readiness scorecard."""

from __future__ import annotations

from greenroom.errors import UserError


class ReadinessError(UserError):
    """The scorecard cannot be computed from this lake."""

    code = "readiness_unavailable"


class LakeEmptyError(ReadinessError):
    """The lake has no ingested feeds or no pipeline run to score."""

    code = "readiness_lake_empty"

    def __init__(self, missing: str) -> None:
        self.missing = missing
        super().__init__(
            f"nothing to score: the lake has no `{missing}` yet; run `greenroom demo` first"
        )


class RecordNotFoundError(ReadinessError):
    """The record or entity asked for is not in the lake."""

    code = "readiness_record_not_found"

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} `{key}` in the lake; `greenroom query` lists what is there")
