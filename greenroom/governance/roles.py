"""Roles and the rights they grant: which parts of the product a principal may use.

A right opens a surface (the chat, the semantic layer, the analytics, the operations
views, raw SQL); what rows and columns a principal then sees inside it is a data policy
(``greenroom/governance/policy/default.yaml``, enforced by
:func:`~greenroom.governance.session.governed_session`): an analyst's raw SQL still sees no
personal data, a venue partner's only its own venues.
"""

from __future__ import annotations

from typing import Literal, get_args

from greenroom.governance.exceptions import UnknownRoleError

Right = Literal["chat", "metrics", "analytics", "operations", "sql"]
RIGHTS: tuple[Right, ...] = get_args(Right)

ROLES: dict[str, frozenset[Right]] = {
    "admin": frozenset(RIGHTS),
    "data_engineer": frozenset(RIGHTS),
    "analyst": frozenset({"chat", "metrics", "analytics"}),
    "data_scientist": frozenset({"chat", "metrics", "analytics", "sql"}),
    "venue_partner": frozenset({"chat", "metrics", "analytics"}),
    "public_chat": frozenset({"chat"}),
}
"""Every role, and what it may use. `admin` also manages tokens (from the CLI)."""

ROLE_HELP = {
    "admin": "everything; the built-in `admin` principal",
    "data_engineer": "everything: analytics, operations views and raw SQL",
    "analyst": "the chat, the semantic layer and the analytics over silver and gold, without "
    "personal data; no operations, no raw SQL",
    "data_scientist": "as analyst, plus raw SQL; customer ids are stable pseudonyms, emails "
    "partial, names redacted",
    "venue_partner": "the chat and analytics over its own venues' concerts and sales only "
    "(attribute venue_ids)",
    "public_chat": "the chat only, over gold aggregates",
}


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownRoleError(role, tuple(ROLES))
    return role


def rights_of(roles: tuple[str, ...]) -> frozenset[Right]:
    """The union of the rights of `roles` (unknown roles grant nothing)."""
    out: frozenset[Right] = frozenset()
    for role in roles:
        out |= ROLES.get(role, frozenset())
    return out
