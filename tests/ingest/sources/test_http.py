"""The shared HTTP client, driven by httpx.MockTransport: no server, no real sleeping."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest

from greenroom.errors import TerminalError, TransientError
from greenroom.ingest.exceptions import (
    CircuitOpenError,
    MalformedResponseError,
    PartnerAuthError,
    PartnerRateLimitedError,
    PartnerRequestError,
    PartnerTimeoutError,
    PartnerUnavailableError,
)
from greenroom.ingest.sources._breaker import CircuitBreaker
from greenroom.ingest.sources._http import HttpClient, RetryPolicy, redact
from greenroom.ingest.sources._pacing import Pacer
from greenroom.ingest.sources.base import parse_json

Handler = Callable[[httpx.Request], httpx.Response]
WALL = 1_700_000_000.0  # the fake wall clock, epoch seconds


class Clock:
    """Fake monotonic time that advances only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(
    handler: Handler,
    clock: Clock,
    *,
    attempts: int = 4,
    threshold: int = 10,
    max_retry_after: float = 60.0,
    auth: object = None,
) -> HttpClient:
    return HttpClient(
        "testpartner",
        "http://partner.test",
        policy=RetryPolicy(
            max_attempts=attempts,
            backoff_base=0.5,
            backoff_max=4.0,
            max_retry_after=max_retry_after,
        ),
        breaker=CircuitBreaker("testpartner", threshold=threshold, reset_after=30.0, clock=clock),
        pacer=Pacer(10.0, clock=clock, sleep=clock.sleep),
        timeout=1.0,
        user_agent="greenroom-tests/1",
        auth=auth,  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
        rng=random.Random(1),
        wall_clock=lambda: WALL,
    )


def sequence(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = responses[min(len(seen), len(responses)) - 1]
        if isinstance(item, Exception):
            raise item
        return item

    return handler, seen


def as_json(resp: httpx.Response) -> object:
    return parse_json(resp, "testpartner")


def test_retries_5xx_then_returns_the_validated_body() -> None:
    clock = Clock()
    handler, seen = sequence(
        httpx.Response(502), httpx.Response(500), httpx.Response(200, json={"ok": 1})
    )
    http = client(handler, clock)
    assert http.send("GET", "/x", validate=as_json) == {"ok": 1}
    assert len(seen) == 3 and http.stats.retries == 2
    assert seen[0].headers["user-agent"] == "greenroom-tests/1"


def test_full_jitter_backoff_stays_within_its_cap() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=4.0)
    rng = random.Random(3)
    for attempt in range(1, 8):
        caps = min(4.0, 0.5 * 2 ** (attempt - 1))
        waits = [policy.backoff(attempt, rng) for _ in range(200)]
        assert all(0.0 <= w <= caps for w in waits)
        assert max(waits) > caps * 0.8  # jitter spreads over the whole range


def test_retry_after_is_a_floor_for_the_wait() -> None:
    clock = Clock()
    handler, _ = sequence(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, json={})
    )
    http = client(handler, clock)
    http.send("GET", "/x", validate=as_json)
    assert max(clock.sleeps) == pytest.approx(7.0)
    assert http.stats.throttled == 1


def test_rate_limit_reset_is_honoured_on_429_and_on_a_spent_quota() -> None:
    clock = Clock()
    spent = {"Rate-Limit-Available": "0", "Rate-Limit-Reset": str(int((WALL + 5) * 1000))}
    handler, _ = sequence(
        httpx.Response(429, headers=spent),
        httpx.Response(200, json={}, headers=spent),
        httpx.Response(200, json={}),
    )
    http = client(handler, clock)
    http.send("GET", "/x", validate=as_json)
    assert clock.sleeps[-1] == pytest.approx(5.0)
    http.send("GET", "/x", validate=as_json)  # the quota is still spent: wait again first
    assert clock.sleeps[-1] == pytest.approx(5.0)


def test_retry_after_beyond_the_limit_fails_at_once() -> None:
    clock = Clock()
    handler, seen = sequence(httpx.Response(429, headers={"Retry-After": "3600"}))
    with pytest.raises(PartnerRateLimitedError) as err:
        client(handler, clock, max_retry_after=60).send("GET", "/x", validate=as_json)
    assert len(seen) == 1 and err.value.retry_after == 3600
    assert isinstance(err.value, TransientError)


def test_exhausted_retries_raise_transient_with_status_and_url() -> None:
    handler, seen = sequence(httpx.Response(503, text="down"))
    with pytest.raises(PartnerUnavailableError) as err:
        client(handler, Clock(), attempts=3).send(
            "GET", "/x", params={"apikey": "s3cret"}, validate=as_json
        )
    assert len(seen) == 3 and err.value.status == 503
    assert "s3cret" not in str(err.value) and "apikey=REDACTED" in str(err.value.url)


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, PartnerRequestError),
        (404, PartnerRequestError),
        (401, PartnerAuthError),
        (403, PartnerAuthError),
    ],
)
def test_client_errors_are_terminal_and_not_retried(status: int, error: type[Exception]) -> None:
    handler, seen = sequence(httpx.Response(status, json={"error": "no"}))
    http = client(handler, Clock())
    with pytest.raises(error) as err:
        http.send("GET", "/x", validate=as_json)
    assert isinstance(err.value, TerminalError) and len(seen) == 1
    assert http.breaker.consecutive_failures == 0


def test_timeouts_and_connection_errors_are_retried() -> None:
    request = httpx.Request("GET", "http://partner.test/x")
    handler, seen = sequence(
        httpx.ReadTimeout("slow", request=request),
        httpx.ConnectError("refused", request=request),
        httpx.Response(200, json=[]),
    )
    assert client(handler, Clock()).send("GET", "/x", validate=as_json) == []
    assert len(seen) == 3
    handler, _ = sequence(httpx.ReadTimeout("slow", request=request))
    with pytest.raises(PartnerTimeoutError, match="timeout_s"):
        client(handler, Clock(), attempts=2).send("GET", "/x", validate=as_json)


def test_malformed_bodies_are_retried() -> None:
    handler, seen = sequence(
        httpx.Response(200, content=b'{"cut'), httpx.Response(200, json={"a": 1})
    )
    assert client(handler, Clock()).send("GET", "/x", validate=as_json) == {"a": 1}
    assert len(seen) == 2
    handler, _ = sequence(httpx.Response(200, content=b"<html>"))
    with pytest.raises(MalformedResponseError):
        client(handler, Clock(), attempts=2).send("GET", "/x", validate=as_json)


def test_breaker_opens_after_threshold_and_fails_fast() -> None:
    clock = Clock()
    handler, seen = sequence(httpx.Response(500))
    http = client(handler, clock, attempts=10, threshold=3)
    with pytest.raises(CircuitOpenError):
        http.send("GET", "/x", validate=as_json)
    assert len(seen) == 3 and http.breaker.state == "open"
    with pytest.raises(CircuitOpenError):
        http.send("GET", "/y", validate=as_json)
    assert len(seen) == 3  # no call went out while open


def test_breaker_half_open_trial_closes_on_success() -> None:
    clock = Clock()
    handler, seen = sequence(httpx.Response(500), httpx.Response(500), httpx.Response(200, json={}))
    http = client(handler, clock, attempts=10, threshold=2)
    with pytest.raises(CircuitOpenError):
        http.send("GET", "/x", validate=as_json)
    clock.now += 31
    assert http.send("GET", "/x", validate=as_json) == {}
    assert http.breaker.state == "closed" and len(seen) == 3


class Tokens:
    def __init__(self) -> None:
        self.token = "t1"
        self.refreshes = 0

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def refresh(self) -> None:
        self.refreshes += 1
        self.token = f"t{self.refreshes + 1}"


def test_a_401_refreshes_the_token_once_and_retries() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        ok = request.headers["authorization"] == "Bearer t2"
        return httpx.Response(200, json={"ok": True}) if ok else httpx.Response(401)

    tokens = Tokens()
    http = client(handler, Clock(), auth=tokens)
    assert http.send("GET", "/x", validate=as_json) == {"ok": True}
    assert tokens.refreshes == 1 and http.stats.token_refreshes == 1 and http.stats.retries == 0

    always, _ = sequence(httpx.Response(401))
    with pytest.raises(PartnerAuthError):
        client(always, Clock(), auth=Tokens()).send("GET", "/x", validate=as_json)


def test_pacer_spaces_requests() -> None:
    clock = Clock()
    handler, _ = sequence(httpx.Response(200, json={}))
    http = client(handler, clock)
    for _ in range(5):
        http.send("GET", "/x", validate=as_json)
    assert len(clock.sleeps) == 4
    assert all(s == pytest.approx(0.105) for s in clock.sleeps)  # 10 req/s, 5% margin


def test_redact_blanks_secret_parameters() -> None:
    url = redact("http://x.test/a?apikey=k&client_secret=s&page=2")
    assert url == "http://x.test/a?apikey=REDACTED&client_secret=REDACTED&page=2"
