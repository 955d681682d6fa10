"""Governed sessions and assistants, pooled per principal; never shared across principals.

A request borrows a session bound to its caller's principal and gives it back; up to
`idle` sessions per principal are kept warm (their DuckDB views stay planned until a table
changes). An assistant is pooled the same way, and rebuilt when the lake has changed since
it was built, so its vocabulary of names follows the data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from greenroom.agent.chat import ConcertAIChatbot
    from greenroom.agent.memory import MemoryBackend
    from greenroom.config import Settings
    from greenroom.governance.principals import Principal
    from greenroom.governance.session import GovernedSession
    from greenroom.lake import Lakehouse

T = TypeVar("T")


def principal_key(principal: Principal) -> Hashable:
    return (principal.name, principal.roles, tuple(sorted(principal.attributes.items())))


class _Pool(Generic[T]):
    """Idle items per key; `make` builds one, `close` disposes of one, `fresh` vets one."""

    def __init__(
        self,
        make: Callable[[Principal], T],
        close: Callable[[T], None],
        *,
        idle: int,
        fresh: Callable[[T], bool] = lambda _item: True,
    ) -> None:
        self._make = make
        self._close = close
        self._fresh = fresh
        self._idle_max = idle
        self._idle: dict[Hashable, list[T]] = {}
        self._lock = threading.Lock()

    @contextmanager
    def borrow(self, principal: Principal) -> Iterator[T]:
        key = principal_key(principal)
        item: T | None = None
        with self._lock:
            idle = self._idle.setdefault(key, [])
            while idle and item is None:
                candidate = idle.pop()
                if self._fresh(candidate):
                    item = candidate
                else:
                    self._close(candidate)
        if item is None:
            item = self._make(principal)
        try:
            yield item
        finally:
            with self._lock:
                idle = self._idle.setdefault(key, [])
                keep = len(idle) < self._idle_max
                if keep:
                    idle.append(item)
            if not keep:
                self._close(item)

    def close(self) -> None:
        with self._lock:
            items = [i for idle in self._idle.values() for i in idle]
            self._idle.clear()
        for item in items:
            self._close(item)


class ReaderPool:
    """Governed read sessions over one lake, per principal."""

    def __init__(self, lake: Lakehouse, *, idle: int = 8) -> None:
        from greenroom.governance.session import governed_session

        self._pool: _Pool[GovernedSession] = _Pool(
            lambda p: governed_session(lake, p), lambda s: s.close(), idle=idle
        )

    def reader(self, principal: Principal) -> AbstractContextManager[GovernedSession]:
        return self._pool.borrow(principal)

    def close(self) -> None:
        self._pool.close()


class AssistantPool:
    """Chat assistants per principal, each with its own governed session."""

    def __init__(
        self,
        lake: Lakehouse,
        settings: Settings,
        memory: MemoryBackend | None,
        version: Callable[[], str],
        *,
        idle: int = 16,
    ) -> None:
        self._lake = lake
        self._settings = settings
        self.memory = memory
        self._version = version
        self._pool: _Pool[_Assistant] = _Pool(
            self._build, lambda a: a.session.close(), idle=idle, fresh=self._is_fresh
        )

    def assistant(self, principal: Principal) -> AbstractContextManager[_Assistant]:
        return self._pool.borrow(principal)

    def close(self) -> None:
        self._pool.close()

    def _build(self, principal: Principal) -> _Assistant:
        from greenroom.compose import build_assistant

        version = self._version()
        bot, session = build_assistant(
            self._lake,
            self._settings,
            principal=principal,
            memory=self.memory if self.memory is not None else False,
        )
        return _Assistant(bot, session, version)

    def _is_fresh(self, item: _Assistant) -> bool:
        return item.version == self._version()


class _Assistant:
    def __init__(self, bot: ConcertAIChatbot, session: GovernedSession, version: str) -> None:
        self.bot = bot
        self.session = session
        self.version = version
