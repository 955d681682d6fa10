"""What a simulated partner protocol implements, and the order a request goes through.

:meth:`PartnerProtocol.serve` is the same for every partner: authenticate (the partner's
own scheme) → rate limit (the partner's own throttling answer, counted as a violation) →
the injected fault, if any → the endpoint. Subclasses supply the scheme, the answers and
the endpoints in their partner's shapes.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, ClassVar

from greenroom.synth.partners._wire import SimRequest, SimResponse, json_response
from greenroom.synth.partners.config import SimulatorConfig
from greenroom.synth.partners.faults import Fault, FaultKind
from greenroom.synth.partners.limits import RateLimiter
from greenroom.synth.partners.world import PartnerWorld


class PartnerProtocol(ABC):
    name: ClassVar[str]
    prefixes: ClassVar[tuple[str, ...]]
    # Faults that this request should leave queued (e.g. token requests skip expire_token).
    skip_faults: ClassVar[frozenset[FaultKind]] = frozenset()

    def __init__(
        self,
        world: PartnerWorld,
        config: SimulatorConfig,
        limiter: RateLimiter,
        *,
        hold: Callable[[float], None],
        malformed_variant: Callable[[], int],
    ) -> None:
        self.world = world
        self.config = config
        self.limiter = limiter
        self._hold = hold
        self._malformed_variant = malformed_variant

    def owns(self, path: str) -> bool:
        return path.startswith(self.prefixes)

    def faults_to_skip(self, req: SimRequest) -> frozenset[FaultKind]:
        return self.skip_faults

    def serve(self, req: SimRequest, fault: Fault | None) -> SimResponse:
        client = self.authenticate(req, fault)
        if isinstance(client, SimResponse):
            return client
        wait = self.limiter.acquire(client)
        if wait is not None:
            return self.throttled(req, wait, client=client, injected=False)
        if fault is not None:
            if fault.kind == "timeout":
                self._hold(fault.delay)
            elif fault.kind == "rate_limit_storm":
                return self.throttled(req, float(fault.retry_after), client=client, injected=True)
            elif fault.kind == "server_error":
                return self.error(fault.status, "The server is temporarily unable to answer.")
        resp = self.handle(req, client)
        if fault is not None and fault.kind == "malformed" and resp.status == 200:
            return self._corrupt(resp)
        return resp

    def _corrupt(self, resp: SimResponse) -> SimResponse:
        if self._malformed_variant() == 0:
            return SimResponse(200, resp.body[: len(resp.body) // 2], dict(resp.headers))
        doc = json.loads(resp.body)
        return json_response(
            200,
            self.break_shape(doc),
            {k: v for k, v in resp.headers.items() if k != "Content-Type"},
        )

    @abstractmethod
    def authenticate(self, req: SimRequest, fault: Fault | None) -> str | SimResponse:
        """The client's rate-limit key, or the partner's refusal."""

    @abstractmethod
    def throttled(
        self, req: SimRequest, wait: float, *, client: str, injected: bool
    ) -> SimResponse:
        """The partner's answer to a client over its limit."""

    @abstractmethod
    def error(self, status: int, message: str) -> SimResponse:
        """An error in the partner's error shape."""

    @abstractmethod
    def handle(self, req: SimRequest, client: str) -> SimResponse:
        """The endpoint itself."""

    @abstractmethod
    def break_shape(self, doc: Any) -> Any:
        """The document with its record array replaced by something else."""


def int_param(req: SimRequest, name: str, default: int) -> int | None:
    raw = req.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        return None
