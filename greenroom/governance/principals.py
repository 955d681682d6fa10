"""Principals: who is asking. Every read on behalf of a person or an agent names one.

A principal is a name, roles and attributes (``venue_ids=ven_1,ven_2``). Policies decide
what it may read (:mod:`greenroom.governance.policy`); every read goes through
:func:`greenroom.governance.session.governed_session` bound to one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Principal:
    """A person, a service or an agent that reads the lake."""

    name: str
    roles: tuple[str, ...] = ()
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


ADMIN = Principal("admin", ("admin",))
"""The built-in administrator (the CLI's and the assistant's default)."""

SYSTEM = Principal("system", ("system",))
"""The pipeline and other platform jobs."""
