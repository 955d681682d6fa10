"""A token bucket per API token: `burst` requests at once, refilled at `per_minute`."""

from __future__ import annotations

import math
import threading
import time

from greenroom.governance.exceptions import RateLimitedError


class RateLimiter:
    def __init__(self, per_minute: int, burst: int) -> None:
        self.per_minute = per_minute
        self.burst = burst
        self._rate = per_minute / 60.0
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last refill)
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> None:
        """Take one request from `key`'s bucket, or raise `RateLimitedError`."""
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self._rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                wait = max(1, math.ceil((1.0 - tokens) / self._rate))
                raise RateLimitedError(wait, self.per_minute)
            self._buckets[key] = (tokens - 1.0, now)
