"""Errors of the quality layer."""

from __future__ import annotations

from greenroom.errors import UserError


class ContractError(UserError):
    """A data contract file is missing or malformed."""

    code = "contract_invalid"
