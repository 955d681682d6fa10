"""Principals: who is asking. Every read on behalf of a person or an agent names one.

Today a principal is a name, roles and attributes, and reads are not yet restricted by
them (the governance issue adds policies, grants, masking and audit behind
:func:`governed_session`). The seam exists now so that no path reads the lake anonymously.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyarrow as pa

    from greenroom.lake import Lakehouse, Session


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


class GovernedSession:
    """A lake session bound to one principal; implements the `Reader` protocol.

    Never shared across principals. Policy checks, row filters and masks attach here.
    """

    def __init__(self, session: Session, principal: Principal) -> None:
        self._session = session
        self.principal = principal

    def sql(self, query: str, params: Sequence[object] | None = None) -> pa.Table:
        return self._session.sql(query, params)

    def register(self, name: str, data: pa.Table) -> None:
        self._session.register(name, data)

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> GovernedSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def governed_session(lake: Lakehouse, principal: Principal = ADMIN) -> GovernedSession:
    """A read-only session over `lake` on behalf of `principal`."""
    return GovernedSession(lake.session(), principal)
