"""Errors of entity resolution."""

from __future__ import annotations

from greenroom.errors import TerminalError, UserError


class RecordsError(UserError):
    """Resolution was asked wrongly: records lacking columns or keys, an unknown entity
    type, a threshold that is no probability."""

    code = "records_invalid"


class ResolutionFailedError(TerminalError):
    """Splink failed while training, scoring or clustering valid records."""

    code = "resolution_failed"
