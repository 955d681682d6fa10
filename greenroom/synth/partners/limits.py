"""Rate limits the simulator enforces: a token bucket per (partner, client).

``rate`` tokens per second refill a bucket holding at most ``burst``; a request takes one
token or is refused, and every refusal is counted as a *violation* of the partner's
limit — a well-behaved connector leaves that count at zero. Injected faults are not
violations.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(
        self, rate: float, burst: float = 1.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = max(burst, 1.0)
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)
        self.violations = 0

    def acquire(self, key: str) -> float | None:
        """Take a token for ``key``; ``None`` if allowed, else seconds until one is free."""
        with self._lock:
            now = self._clock()
            tokens, at = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = (tokens - 1.0, now)
                return None
            self._buckets[key] = (tokens, now)
            self.violations += 1
            return (1.0 - tokens) / self.rate

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()
            self.violations = 0


def retry_after_header(seconds: float) -> str:
    """HTTP ``Retry-After`` is whole seconds: round up, at least 1 for a real wait."""
    return str(max(1, math.ceil(seconds))) if seconds > 0 else "0"
