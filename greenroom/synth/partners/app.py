"""The simulator's request router: partner protocols, faults, counters and the admin API.

Admin endpoints (JSON, loopback only like the rest of the simulator):

- ``GET  /__admin/health``  → ``{"status": "ok", "partners": [...]}``
- ``POST /__admin/faults``  ``{"partner", "kind", "count", "retry_after", "status", "delay"}``
- ``DELETE /__admin/faults`` → drop every pending fault
- ``GET  /__admin/stats``   → per partner: requests, violations, faults served, statuses
- ``DELETE /__admin/stats`` → zero the counters (and the rate-limit buckets)
- ``POST /__admin/records`` ``{"feed", "records": [...]}`` → add or replace records by id
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from greenroom.errors import UserError
from greenroom.synth.partners._wire import SimRequest, SimResponse, json_response
from greenroom.synth.partners.base import PartnerProtocol
from greenroom.synth.partners.config import SimulatorConfig
from greenroom.synth.partners.faults import Fault, FaultBook
from greenroom.synth.partners.limits import RateLimiter
from greenroom.synth.partners.musicbrainz import MusicBrainzProtocol
from greenroom.synth.partners.spotify import SpotifyProtocol
from greenroom.synth.partners.ticketmaster import TicketmasterProtocol
from greenroom.synth.partners.world import PartnerWorld

ADMIN = "/__admin/"


@dataclass(frozen=True)
class PartnerStats:
    partner: str
    requests: int
    violations: int
    faults_served: int
    faults_pending: int
    statuses: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "violations": self.violations,
            "faults_served": self.faults_served,
            "faults_pending": self.faults_pending,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
        }


class SimulatorApp:
    def __init__(
        self, world: PartnerWorld, config: SimulatorConfig, hold: Callable[[float], None]
    ) -> None:
        self.world = world
        self.config = config
        self.faults = FaultBook()
        self._lock = threading.Lock()
        self._statuses: dict[str, Counter[int]] = {}
        rates = {
            "musicbrainz": config.musicbrainz_rps,
            "ticketmaster": config.ticketmaster_rps,
            "spotify": config.spotify_rps,
        }
        classes: list[type[PartnerProtocol]] = [
            MusicBrainzProtocol,
            TicketmasterProtocol,
            SpotifyProtocol,
        ]
        self.protocols: dict[str, PartnerProtocol] = {
            cls.name: cls(
                world,
                config,
                RateLimiter(rates[cls.name], config.burst),
                hold=hold,
                malformed_variant=self.faults.next_malformed_variant,
            )
            for cls in classes
        }

    def inject(self, fault: Fault) -> None:
        if fault.kind == "expire_token" and fault.partner != "spotify":
            raise UserError(
                f"`expire_token` applies to `spotify` only (OAuth), not `{fault.partner}`"
            )
        self.faults.add(fault)

    def stats(self, partner: str) -> PartnerStats:
        if partner not in self.protocols:
            raise UserError(f"unknown partner `{partner}`; use one of {sorted(self.protocols)}")
        with self._lock:
            statuses = dict(self._statuses.get(partner, Counter()))
        return PartnerStats(
            partner=partner,
            requests=sum(statuses.values()),
            violations=self.protocols[partner].limiter.violations,
            faults_served=self.faults.served(partner),
            faults_pending=self.faults.pending(partner),
            statuses=statuses,
        )

    def reset_stats(self) -> None:
        with self._lock:
            self._statuses.clear()
        for protocol in self.protocols.values():
            protocol.limiter.reset()

    def dispatch(self, req: SimRequest) -> SimResponse:
        if req.path.startswith(ADMIN):
            try:
                return self._admin(req)
            except (UserError, ValidationError, ValueError) as exc:
                return json_response(400, {"error": str(exc).splitlines()[0]})
        for protocol in self.protocols.values():
            if protocol.owns(req.path):
                fault = self.faults.take(protocol.name, skip=protocol.faults_to_skip(req))
                resp = protocol.serve(req, fault)
                with self._lock:
                    self._statuses.setdefault(protocol.name, Counter())[resp.status] += 1
                return resp
        return json_response(404, {"error": f"no simulated partner serves {req.path}"})

    def _admin(self, req: SimRequest) -> SimResponse:
        what = req.path.removeprefix(ADMIN).rstrip("/")
        if what == "health" and req.method == "GET":
            return json_response(200, {"status": "ok", "partners": sorted(self.protocols)})
        if what == "faults" and req.method == "POST":
            fault = Fault.model_validate_json(req.body)
            self.inject(fault)
            return json_response(201, {"queued": fault.model_dump()})
        if what == "faults" and req.method == "DELETE":
            self.faults.clear()
            return json_response(200, {"cleared": True})
        if what == "stats" and req.method == "GET":
            return json_response(200, {p: self.stats(p).as_dict() for p in self.protocols})
        if what == "stats" and req.method == "DELETE":
            self.reset_stats()
            return json_response(200, {"reset": True})
        if what == "records" and req.method == "POST":
            doc = json.loads(req.body)
            records = doc.get("records") if isinstance(doc, dict) else None
            if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                raise UserError('records must be {"feed": ..., "records": [{...}, ...]}')
            added = self.world.store(str(doc.get("feed"))).upsert(records)
            return json_response(200, {"added": added, "replaced": len(records) - added})
        return json_response(404, {"error": f"no admin endpoint {req.method} {req.path}"})
