"""The one HTTP client every partner connector uses.

:meth:`HttpClient.send` sends a request with: client-side pacing; a circuit breaker;
retries with exponential backoff and full jitter (``uniform(0, min(cap, base * 2**n))``,
the AWS architecture blog's recommendation) that never wait less than the partner's
``Retry-After`` / ``Rate-Limit-Reset``; one token refresh on a 401 when an
:class:`Authenticator` is attached; and a ``validate`` callback that turns the body into
a value or raises :class:`MalformedResponseError`, which is retried like a 5xx.

Failures are classified into the types of :mod:`greenroom.ingest.exceptions`: transient
ones are retried until ``max_attempts`` and then raised; terminal ones are raised at once.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

import httpx

from greenroom.ingest.exceptions import (
    MalformedResponseError,
    PartnerAuthError,
    PartnerError,
    PartnerRateLimitedError,
    PartnerRequestError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from greenroom.ingest.sources._breaker import CircuitBreaker
from greenroom.ingest.sources._pacing import Pacer, parse_rate_limit_reset, parse_retry_after

T = TypeVar("T")
SECRET_PARAMS = frozenset({"apikey", "api_key", "client_secret", "access_token"})


class Authenticator(Protocol):
    """Supplies auth headers and can renew them once the partner says they expired."""

    def headers(self) -> dict[str, str]: ...

    def refresh(self) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: a uniform wait in ``[0, min(cap, base * 2**(attempt-1))]``."""
        return rng.uniform(0.0, min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1)))


@dataclass
class HttpStats:
    requests: int = 0
    retries: int = 0
    throttled: int = 0
    token_refreshes: int = 0
    slept: float = 0.0


def redact(url: httpx.URL | str) -> str:
    """The URL with secret query parameters blanked, fit for messages and cache keys."""
    parsed = httpx.URL(str(url))
    params = [
        (k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in parsed.params.multi_items()
    ]
    return str(parsed.copy_with(params=params)) if params else str(parsed)


class HttpClient:
    def __init__(
        self,
        partner: str,
        base_url: str,
        *,
        policy: RetryPolicy,
        breaker: CircuitBreaker,
        pacer: Pacer,
        timeout: float,
        user_agent: str,
        auth: Authenticator | None = None,
        transport: httpx.BaseTransport | None = None,
        wall_clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.partner = partner
        self.policy = policy
        self.breaker = breaker
        self.pacer = pacer
        self.auth = auth
        self.stats = HttpStats()
        self._wall = wall_clock
        self._rng = rng or random.Random()
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers={"User-Agent": user_agent, "Accept": "application/json"},
            transport=transport,
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        validate: Callable[[httpx.Response], T],
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        data: Mapping[str, str] | None = None,
        authenticated: bool = True,
    ) -> T:
        """Send one logical request, retrying transient failures; return ``validate(resp)``."""
        attempt = 0
        refreshed = False
        while True:
            all_headers = dict(headers or {})
            if authenticated and self.auth is not None:
                # Before pacing: fetching a token is a request of its own.
                all_headers.update(self.auth.headers())
            self.breaker.before_request()
            self.stats.slept += self.pacer.wait()
            attempt += 1
            self.stats.requests += 1
            failure = self._attempt(method, url, params, all_headers, data, validate)
            if not isinstance(failure, PartnerError):
                return failure
            if (
                isinstance(failure, PartnerAuthError)
                and failure.status == 401
                and authenticated
                and self.auth is not None
                and not refreshed
            ):
                refreshed = True
                self.stats.token_refreshes += 1
                self.auth.refresh()
                attempt -= 1  # an expired token is not the partner's failure
                continue
            if not isinstance(failure, PartnerUnavailableError):
                raise failure
            if attempt >= self.policy.max_attempts:
                raise failure
            wait = self.policy.backoff(attempt, self._rng)
            if failure.retry_after is not None:
                if failure.retry_after > self.policy.max_retry_after:
                    raise failure
                wait = max(wait, failure.retry_after)
            self.stats.retries += 1
            self.pacer.hold(wait)

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, str | int] | None,
        headers: dict[str, str],
        data: Mapping[str, str] | None,
        validate: Callable[[httpx.Response], T],
    ) -> T | PartnerError:
        try:
            resp = self._client.request(method, url, params=params, headers=headers, data=data)
        except httpx.TimeoutException:
            self.breaker.record_failure()
            where = redact(self._client.build_request(method, url, params=params).url)
            return PartnerTimeoutError(
                f"`{self.partner}` did not answer {where} within {self._client.timeout.read}s; "
                "it is slow or down — retry later or raise the partner's `timeout_s`",
                partner=self.partner,
                url=where,
            )
        except httpx.TransportError as exc:
            self.breaker.record_failure()
            where = redact(self._client.build_request(method, url, params=params).url)
            return PartnerUnavailableError(
                f"`{self.partner}` is unreachable at {where} ({type(exc).__name__}); start the "
                "partner simulator (`greenroom partners serve`) or check the partner's `base_url`",
                partner=self.partner,
                url=where,
            )
        where = redact(resp.request.url)
        failure = self._classify(resp, where)
        if failure is None:
            try:
                value = validate(resp)
            except MalformedResponseError as exc:
                self.breaker.record_failure()
                exc.url = where
                return exc
            self.breaker.record_success()
            reset = parse_rate_limit_reset(resp.headers, now=self._wall())
            if reset is not None and reset <= self.policy.max_retry_after:
                self.pacer.hold(reset)  # the quota is spent: wait for its reset
            return value
        if isinstance(failure, PartnerUnavailableError) and not isinstance(
            failure, PartnerRateLimitedError
        ):
            self.breaker.record_failure()
        else:
            self.breaker.record_success()  # it answered: the partner is up
        return failure

    def _classify(self, resp: httpx.Response, where: str) -> PartnerError | None:
        status = resp.status_code
        if 200 <= status < 300:
            return None
        now = self._wall()
        retry_after = parse_retry_after(resp.headers.get("retry-after"), now=now)
        if retry_after is None:
            retry_after = parse_rate_limit_reset(resp.headers, now=now)
        snippet = resp.text[:200].replace("\n", " ")
        if status == 429:
            self.stats.throttled += 1
            return PartnerRateLimitedError(
                f"`{self.partner}` throttled {where} (429: {snippet}); lower the partner's "
                "`requests_per_second` or retry later",
                partner=self.partner,
                status=status,
                url=where,
                retry_after=retry_after,
            )
        if status >= 500 or status == 408:
            return PartnerUnavailableError(
                f"`{self.partner}` failed on {where} ({status}: {snippet}); retry later",
                partner=self.partner,
                status=status,
                url=where,
                retry_after=retry_after,
            )
        if status in (401, 403):
            return PartnerAuthError(
                f"`{self.partner}` refused our credentials on {where} ({status}: {snippet}); "
                f"check `GREENROOM_PARTNERS__{self.partner.upper()}__…` credentials and user agent",
                partner=self.partner,
                status=status,
                url=where,
            )
        return PartnerRequestError(
            f"`{self.partner}` rejected {where} ({status}: {snippet}); the request is invalid "
            "for this partner — check the connector's settings",
            partner=self.partner,
            status=status,
            url=where,
        )
