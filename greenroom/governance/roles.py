"""Roles and the rights they grant: which parts of the product a principal may use.

A right opens a surface (the chat, the semantic layer, the analytics, the operations
views, raw SQL); what rows and columns a principal then sees inside it is a data policy
(the governance issue adds those behind :func:`~greenroom.governance.principals.governed_session`).
Roles that only make sense with data policies (`data_scientist`'s pseudonyms,
`venue_partner`'s own venues) arrive with them, so no role is offered that would see more
than it should.
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
    "public_chat": frozenset({"chat"}),
}
"""Every role, and what it may use. `admin` also manages tokens (from the CLI)."""

ROLE_HELP = {
    "admin": "everything; the built-in `admin` principal",
    "data_engineer": "everything: analytics, operations views and raw SQL",
    "analyst": "the chat, the semantic layer and the analytics; no operations, no raw SQL",
    "public_chat": "the chat only",
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
