from __future__ import annotations

import pytest
from pydantic import ValidationError

from greenroom.synth.partners.faults import Fault, FaultBook
from greenroom.synth.partners.limits import RateLimiter, retry_after_header


def test_faults_apply_to_the_next_n_requests_in_order() -> None:
    book = FaultBook()
    book.add(Fault(partner="spotify", kind="server_error", count=2))
    book.add(Fault(partner="spotify", kind="expire_token", count=1))
    assert book.pending("spotify") == 3 and book.take("musicbrainz") is None
    kinds = [book.take("spotify") for _ in range(2)]
    assert [f.kind for f in kinds if f] == ["server_error", "server_error"]
    assert book.take("spotify", skip=frozenset({"expire_token"})) is None  # stays queued
    fault = book.take("spotify")
    assert fault is not None and fault.kind == "expire_token"
    assert book.take("spotify") is None and book.served("spotify") == 3


def test_fault_orders_are_validated() -> None:
    with pytest.raises(ValidationError):
        Fault(partner="spotify", kind="meteor", count=1)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Fault(partner="lastfm", kind="timeout")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Fault(partner="spotify", kind="timeout", count=0)


def test_token_bucket_counts_violations_per_client() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=1.0, clock=lambda: now[0])
    assert limiter.acquire("a") is None
    wait = limiter.acquire("a")
    assert wait == pytest.approx(0.5)
    assert limiter.acquire("b") is None  # another client has its own bucket
    now[0] = 0.5
    assert limiter.acquire("a") is None
    assert limiter.violations == 1
    assert retry_after_header(0.2) == "1" and retry_after_header(0) == "0"
