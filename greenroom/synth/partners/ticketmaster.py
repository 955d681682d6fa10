"""Ticketmaster Discovery API v2, as the simulator serves it.

``GET /discovery/v2/venues.json`` and ``/discovery/v2/events.json`` with ``apikey``
(missing or unknown: 401 with Apigee's fault JSON), ``page``/``size`` (size <= 200)
paging answered with ``page`` and ``_links.next``, and the deep-paging limit
``page * size < 1000`` (400 DIS1035). Events filter on ``startDateTime`` <= start <
``endDateTime`` (``YYYY-MM-DDTHH:mm:ssZ``), ``includeTBD`` (``no`` default / ``yes`` /
``only``: events whose start is not a date), ``keyword``, ``venueId``; venues on
``keyword`` and ``countryCode``; ``sort=date,asc|date,desc|name,asc`` (default: listing
order). ``updatedSince`` (ISO 8601) keeps records changed since then — a simulator
extension for incremental sync; the public Discovery API has no change filter.

Limits: a spike arrest of ``ticketmaster_rps`` per key (429 ``SpikeArrestViolation``)
and a quota per window (429 ``QuotaViolation``); every answer carries ``Rate-Limit``,
``Rate-Limit-Available``, ``Rate-Limit-Over`` and ``Rate-Limit-Reset`` (epoch ms).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from greenroom.synth.partners._wire import SimRequest, SimResponse, json_response
from greenroom.synth.partners.base import PartnerProtocol, int_param
from greenroom.synth.partners.faults import Fault
from greenroom.synth.partners.world import Entry

DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
ENDPOINTS = {"/discovery/v2/venues.json": "venues", "/discovery/v2/events.json": "events"}


def _fault(status: int, text: str, code: str) -> tuple[int, dict[str, Any]]:
    return status, {"fault": {"faultstring": text, "detail": {"errorcode": code}}}


@lru_cache(maxsize=200_000)
def event_start(value: object) -> dt.datetime | None:
    """An event's UTC start, or ``None`` when the feed's value is not a date (TBD)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _start_of(record: dict[str, Any]) -> dt.datetime | None:
    start = (record.get("dates") or {}).get("start") or {}
    return event_start(start.get("dateTime") if isinstance(start, dict) else None)


class TicketmasterProtocol(PartnerProtocol):
    name = "ticketmaster"
    prefixes = ("/discovery/v2/",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._quota_lock = threading.Lock()
        self._quota: dict[str, tuple[float, int]] = {}  # key -> (window start, used)
        self.quota_rejections = 0

    def authenticate(self, req: SimRequest, fault: Fault | None) -> str | SimResponse:
        key = req.query.get("apikey")
        if not key:
            status, doc = _fault(
                401,
                "Failed to resolve API Key variable request.queryparam.apikey",
                "steps.oauth.v2.FailedToResolveAPIKey",
            )
            return json_response(status, doc)
        if key not in self.config.api_keys:
            return json_response(*_fault(401, "Invalid ApiKey", "oauth.v2.InvalidApiKey"))
        return key

    def _quota_headers(self, key: str, *, consume: bool) -> tuple[dict[str, str], bool]:
        window = self.config.ticketmaster_quota_window_s
        quota = self.config.ticketmaster_quota
        with self._quota_lock:
            now = time.time()
            start, used = self._quota.get(key, (now, 0))
            if now - start >= window:
                start, used = now, 0
            ok = used < quota
            if consume and ok:
                used += 1
            self._quota[key] = (start, used)
        headers = {
            "Rate-Limit": str(quota),
            "Rate-Limit-Available": str(max(quota - used, 0)),
            "Rate-Limit-Over": "0" if ok else "1",
            "Rate-Limit-Reset": str(int((start + window) * 1000)),
        }
        return headers, ok

    def throttled(
        self, req: SimRequest, wait: float, *, client: str, injected: bool
    ) -> SimResponse:
        headers, _ = self._quota_headers(client, consume=False)
        if injected:  # a spent quota that resets in `wait` seconds
            headers["Rate-Limit-Available"] = "0"
            headers["Rate-Limit-Over"] = "1"
            headers["Rate-Limit-Reset"] = str(int((time.time() + wait) * 1000))
            status, doc = _fault(
                429,
                f"Rate limit quota violation. Quota limit  exceeded. Identifier : {client}",
                "policies.ratelimit.QuotaViolation",
            )
            return json_response(status, doc, headers)
        rate = self.config.ticketmaster_rps
        status, doc = _fault(
            429,
            f"Spike arrest violation. Allowed rate : MessageRate{{messagesPerPeriod={rate:g}, "
            "periodInMicroseconds=1000000, maxBurstMessageCount=1.0}",
            "policies.ratelimit.SpikeArrestViolation",
        )
        return json_response(status, doc, headers)

    def error(self, status: int, message: str, code: str = "DIS1001") -> SimResponse:
        return json_response(
            status,
            {
                "errors": [
                    {
                        "code": code,
                        "detail": message,
                        "status": str(status),
                        "_links": {"about": {"href": f"/discovery/v2/errors.html#{code}"}},
                    }
                ]
            },
        )

    def handle(self, req: SimRequest, client: str) -> SimResponse:
        kind = ENDPOINTS.get(req.path)
        if req.method != "GET" or kind is None:
            return self.error(404, f"Resource not found: {req.path}", "DIS1004")
        headers, ok = self._quota_headers(client, consume=True)
        if not ok:
            self.quota_rejections += 1
            status, fault = _fault(
                429,
                f"Rate limit quota violation. Quota limit  exceeded. Identifier : {client}",
                "policies.ratelimit.QuotaViolation",
            )
            return json_response(status, fault, headers)
        size, page = int_param(req, "size", 20), int_param(req, "page", 0)
        if size is None or page is None or size < 0 or page < 0:
            return self._with(self.error(400, "Invalid page or size", "DIS1016"), headers)
        size = min(size, 200)
        if page * size >= self.config.ticketmaster_max_depth:
            return self._with(
                self.error(
                    400,
                    (
                        "API Limits Exceeded: Max paging depth exceeded. (page * size) must be less "
                        f"than {self.config.ticketmaster_max_depth:,}"
                    ),
                    "DIS1035",
                ),
                headers,
            )
        filtered = self._filter(req, kind)
        if isinstance(filtered, SimResponse):
            return self._with(filtered, headers)
        total = len(filtered)
        items = filtered[page * size : (page + 1) * size]
        doc: dict[str, Any] = {}
        if items:
            doc["_embedded"] = {kind: items}
        pages = -(-total // size) if size else 0
        links = {"self": {"href": self._href(req, page)}}
        if page + 1 < pages:
            links["next"] = {"href": self._href(req, page + 1)}
        doc["_links"] = links
        doc["page"] = {"size": size, "totalElements": total, "totalPages": pages, "number": page}
        return json_response(200, doc, headers)

    @staticmethod
    def _with(resp: SimResponse, headers: dict[str, str]) -> SimResponse:
        resp.headers.update(headers)
        return resp

    @staticmethod
    def _href(req: SimRequest, page: int) -> str:
        query = {k: v for k, v in req.query.items() if k != "apikey"}
        query["page"] = str(page)
        return f"{req.path}?{urlencode(query)}"

    def _filter(self, req: SimRequest, kind: str) -> list[dict[str, Any]] | SimResponse:
        entries = self.world.store(f"ticketmaster_{kind}").snapshot()
        since = req.query.get("updatedSince")
        if since:
            when = event_start(since)
            if when is None:
                return self.error(400, "updatedSince must be an ISO 8601 date-time", "DIS1015")
            cutoff = when.timestamp()
            entries = [e for e in entries if e.updated_at >= cutoff]
        keyword = req.query.get("keyword", "").lower()
        if keyword:
            entries = [e for e in entries if keyword in str(e.record.get("name", "")).lower()]
        if kind == "venues":
            country = req.query.get("countryCode")
            if country:
                entries = [
                    e
                    for e in entries
                    if (e.record.get("country") or {}).get("countryCode") == country
                ]
            records = [e.record for e in entries]
        else:
            selected = self._filter_events(req, entries)
            if isinstance(selected, SimResponse):
                return selected
            records = selected
        sort = req.query.get("sort", "relevance,desc")
        if sort.startswith("name,"):
            records.sort(key=lambda r: str(r.get("name", "")), reverse=sort.endswith("desc"))
        elif sort.startswith("date,") and kind == "events":
            far = dt.datetime.max.replace(tzinfo=dt.UTC)
            records.sort(
                key=lambda r: (_start_of(r) or far, str(r.get("id"))), reverse=sort.endswith("desc")
            )
        return records

    def _filter_events(
        self, req: SimRequest, entries: list[Entry]
    ) -> list[dict[str, Any]] | SimResponse:
        bounds: list[dt.datetime | None] = []
        for name in ("startDateTime", "endDateTime"):
            raw = req.query.get(name)
            if not raw:
                bounds.append(None)
                continue
            try:
                bounds.append(dt.datetime.strptime(raw, DATE_FORMAT).replace(tzinfo=dt.UTC))
            except ValueError:
                return self.error(
                    400,
                    (
                        f"Query param with date must be of valid format YYYY-MM-DDTHH:mm:ssZ "
                        f"{{example: 2016-12-08T15:00:00Z}} ({name}={raw})"
                    ),
                    "DIS1015",
                )
        lo, hi = bounds
        tbd = req.query.get("includeTBD", "no")
        venue_id = req.query.get("venueId")
        out: list[dict[str, Any]] = []
        for entry in entries:
            rec = entry.record
            start = _start_of(rec)
            if start is None:
                if tbd not in ("yes", "only"):
                    continue
            elif tbd == "only" or (lo and start < lo) or (hi and start >= hi):
                continue
            if venue_id:
                venues = ((rec.get("_embedded") or {}).get("venues")) or []
                if not any(v.get("id") == venue_id for v in venues):
                    continue
            out.append(rec)
        return out

    def break_shape(self, doc: Any) -> Any:
        broken = {k: v for k, v in doc.items() if k != "_embedded"}
        broken["_embedded"] = {"note": "results temporarily unavailable"}
        return broken
