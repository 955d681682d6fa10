"""A circuit breaker: stop calling a partner that keeps failing, try again after a cool-down.

``closed`` lets every call through and counts consecutive failures; ``threshold`` of them
open the circuit. ``open`` refuses calls (:class:`CircuitOpenError`) until ``reset_after``
seconds have passed, then lets one trial call through (``half_open``): its success closes
the circuit, its failure opens it for another cool-down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from greenroom.ingest.exceptions import CircuitOpenError

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self,
        partner: str,
        *,
        threshold: int = 5,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.partner = partner
        self.threshold = threshold
        self.reset_after = reset_after
        self._clock = clock
        self._state: BreakerState = "closed"
        self._failures = 0
        self._opened_at = 0.0
        self.times_opened = 0

    @property
    def state(self) -> BreakerState:
        return self._state

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def before_request(self) -> None:
        """Raise :class:`CircuitOpenError` unless a call may go out now."""
        if self._state == "closed":
            return
        waited = self._clock() - self._opened_at
        if self._state == "open" and waited >= self.reset_after:
            self._state = "half_open"
            return
        if self._state == "half_open":
            # One trial at a time; a caller that raced it waits for the verdict.
            raise self._open_error(0.0)
        raise self._open_error(self.reset_after - waited)

    def record_success(self) -> None:
        self._state = "closed"
        self._failures = 0

    def record_failure(self) -> None:
        self._failures += 1
        if self._state == "half_open" or self._failures >= self.threshold:
            if self._state != "open":
                self.times_opened += 1
            self._state = "open"
            self._opened_at = self._clock()

    def _open_error(self, remaining: float) -> CircuitOpenError:
        return CircuitOpenError(
            f"circuit to `{self.partner}` is open after {self._failures} consecutive failures; "
            f"calls resume in {max(remaining, 0.0):.1f}s — check the partner's status or "
            "retry the sync later",
            partner=self.partner,
            retry_after=max(remaining, 0.0),
        )
