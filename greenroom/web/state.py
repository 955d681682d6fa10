"""What the app holds for its lifetime: settings, the lake, auth, pools and the cache."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.governance.audit import AuditLog
    from greenroom.lake import Lakehouse
    from greenroom.web.auth import Authenticator
    from greenroom.web.cache import LakeVersion, ResponseCache
    from greenroom.web.pool import AssistantPool, ReaderPool


class WebState:
    """Built lazily: the first request that needs a part opens it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def lake(self) -> Lakehouse:
        from greenroom.lake import Lakehouse

        return Lakehouse.open(self.settings)

    @cached_property
    def audit(self) -> AuditLog:
        from greenroom.governance.audit import AuditLog

        return AuditLog(self.settings.home)

    @cached_property
    def version(self) -> LakeVersion:
        from greenroom.web.cache import LakeVersion

        return LakeVersion(self.lake)

    @cached_property
    def auth(self) -> Authenticator:
        from greenroom.governance.tokens import token_store
        from greenroom.web.auth import Authenticator
        from greenroom.web.ratelimit import RateLimiter

        cfg = self.settings.auth
        return Authenticator(
            token_store(self.settings),
            RateLimiter(cfg.rate_limit_per_minute, cfg.rate_limit_burst),
            session_hours=cfg.session_hours,
            secure=cfg.secure_cookies,
        )

    @cached_property
    def readers(self) -> ReaderPool:
        from greenroom.web.pool import ReaderPool

        return ReaderPool(self.lake)

    @cached_property
    def assistants(self) -> AssistantPool:
        from greenroom.agent.memory import SqliteMemory, memory_path
        from greenroom.web.pool import AssistantPool

        memory = SqliteMemory(memory_path(self.settings.home))
        return AssistantPool(self.lake, self.settings, memory, self.version)

    @cached_property
    def cache(self) -> ResponseCache:
        from greenroom.web.cache import ResponseCache

        return ResponseCache(self.version)

    def close(self) -> None:
        for name in ("readers", "assistants"):
            if name in self.__dict__:
                self.__dict__[name].close()
