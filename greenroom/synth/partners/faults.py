"""Faults the simulator injects on demand, per partner, into its next requests.

A fault applies to the next ``count`` requests to its partner (in the order queued):

- ``rate_limit_storm``: the partner's own throttling answer (Ticketmaster 429 with a spent
  ``Rate-Limit-*`` quota resetting in ``retry_after`` s, Spotify 429 with ``Retry-After``,
  MusicBrainz 503 with ``Retry-After``);
- ``server_error``: a 5xx (``status``, default 503) in the partner's error shape;
- ``timeout``: the answer is held ``delay`` seconds, longer than any sane client timeout;
- ``malformed``: a 200 whose body is broken — alternately cut in half (not JSON) and with
  the record array replaced (JSON of the wrong shape);
- ``expire_token`` (Spotify): the presented access token is revoked and the request gets
  the 401 "The access token expired"; token requests do not consume it.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FaultKind = Literal["rate_limit_storm", "server_error", "timeout", "malformed", "expire_token"]
FAULT_KINDS: tuple[FaultKind, ...] = (
    "rate_limit_storm",
    "server_error",
    "timeout",
    "malformed",
    "expire_token",
)


class Fault(BaseModel):
    """One fault order, as the admin endpoint and :meth:`Simulator.inject` take it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    partner: Literal["musicbrainz", "ticketmaster", "spotify"]
    kind: FaultKind
    count: int = Field(default=1, ge=1, le=1_000_000)
    retry_after: int = Field(default=1, ge=0, le=3600, description="rate_limit_storm")
    status: int = Field(default=503, ge=500, le=599, description="server_error")
    delay: float = Field(default=5.0, ge=0, le=600, description="timeout: seconds held")


@dataclass
class _Pending:
    fault: Fault
    remaining: int


class FaultBook:
    """Thread-safe queues of pending faults, one per partner."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: dict[str, deque[_Pending]] = {}
        self._served: dict[str, int] = {}
        self._malformed_seq = 0

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._queues.setdefault(fault.partner, deque()).append(_Pending(fault, fault.count))

    def clear(self, partner: str | None = None) -> None:
        with self._lock:
            if partner is None:
                self._queues.clear()
            else:
                self._queues.pop(partner, None)

    def pending(self, partner: str) -> int:
        with self._lock:
            return sum(p.remaining for p in self._queues.get(partner, ()))

    def served(self, partner: str) -> int:
        with self._lock:
            return self._served.get(partner, 0)

    def take(self, partner: str, *, skip: frozenset[FaultKind] = frozenset()) -> Fault | None:
        """The fault for this request, if one is due (kinds in ``skip`` stay queued)."""
        with self._lock:
            queue = self._queues.get(partner)
            if not queue or queue[0].fault.kind in skip:
                return None
            head = queue[0]
            head.remaining -= 1
            if head.remaining == 0:
                queue.popleft()
            self._served[partner] = self._served.get(partner, 0) + 1
            return head.fault

    def next_malformed_variant(self) -> int:
        """0: cut the body in half; 1: replace the record array (alternating, cut first)."""
        with self._lock:
            variant = self._malformed_seq % 2
            self._malformed_seq += 1
            return variant
