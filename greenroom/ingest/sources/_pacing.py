"""Client-side pacing and the partners' throttling headers.

A :class:`Pacer` spaces request starts at least ``1 / requests_per_second`` apart (with a
small safety margin, so network jitter never makes two requests arrive closer than the
partner allows) and, after a response that says the quota is spent
(``Rate-Limit-Available: 0`` with a ``Rate-Limit-Reset`` time, Ticketmaster's headers),
holds the next request until the reset.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping

SAFETY = 1.05  # space requests 5% wider than the partner's limit


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP date)."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - now, 0.0)


def parse_rate_limit_reset(headers: Mapping[str, str], *, now: float) -> float | None:
    """Seconds until a spent quota resets, from ``Rate-Limit-Available``/``-Reset``.

    ``Rate-Limit-Reset`` is an epoch timestamp in milliseconds (Ticketmaster); values that
    look like seconds are accepted too. ``None`` unless the quota is reported as spent.
    """
    available = headers.get("rate-limit-available")
    reset = headers.get("rate-limit-reset")
    if available is None or reset is None:
        return None
    try:
        if int(available) > 0:
            return None
        stamp = float(reset)
    except ValueError:
        return None
    if stamp > 1e11:  # milliseconds
        stamp /= 1000.0
    return max(stamp - now, 0.0)


class Pacer:
    def __init__(
        self,
        requests_per_second: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = SAFETY / requests_per_second
        self._clock = clock
        self._sleep = sleep
        self._next_at = 0.0

    def wait(self) -> float:
        """Sleep until the next request may start; returns the seconds slept."""
        delay = self._next_at - self._clock()
        if delay > 0:
            self._sleep(delay)
        else:
            delay = 0.0
        self._next_at = max(self._clock(), self._next_at) + self.interval
        return delay

    def hold(self, seconds: float) -> None:
        """Make the next request wait at least ``seconds`` from now."""
        self._next_at = max(self._next_at, self._clock() + seconds)
