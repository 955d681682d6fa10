"""Authentication and authorization: bearer tokens, browser sign-in with CSRF, roles, limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from greenroom.governance.tokens import TokenStore
from tests.web.conftest import ADMIN_TOKEN, web_settings

pytestmark = pytest.mark.slow


def _token(home: Path, role: str, name: str = "someone") -> str:
    return TokenStore(home).create(name, role).token


def _signin(client: TestClient, token: str, next_: str = "/") -> object:
    form = client.get("/signin")
    form_token = (
        client.cookies.get("greenroom_signin", path="/signin")
        or form.text.split('name="form_token" value="')[1].split('"')[0]
    )
    return client.post(
        "/signin",
        data={"token": token, "form_token": form_token, "next": next_},
        follow_redirects=False,
    )


def test_revoked_token_stops_at_once(client: TestClient, web_home: Path) -> None:
    store = TokenStore(web_home)
    issued = store.create("temp", "analyst")
    auth = {"Authorization": f"Bearer {issued.token}"}
    assert client.get("/api/metrics", headers=auth).status_code == 200
    store.revoke(issued.info.token_id)
    assert client.get("/api/metrics", headers=auth).status_code == 401


def test_role_without_the_right_is_403_naming_it(client: TestClient, web_home: Path) -> None:
    auth = {"Authorization": f"Bearer {_token(web_home, 'public_chat')}"}
    r = client.post("/api/sql", json={"sql": "select 1"}, headers=auth)
    assert r.status_code == 403
    body = r.json()
    assert body["error_code"] == "forbidden" and body["error_category"] == "authorization"
    assert body["details"] == {"principal": "someone", "role": "public_chat", "right": "sql"}


def test_browser_sign_in_sets_a_safe_cookie_and_pages_open(web_home: Path) -> None:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(web_home)), base_url="http://127.0.0.1") as c:
        assert c.get("/", follow_redirects=False).headers["location"] == "/signin?next=%2F"
        r = _signin(c, ADMIN_TOKEN, "/chat")
        assert r.status_code == 303 and r.headers["location"] == "/chat"  # type: ignore[attr-defined]
        cookie = r.headers["set-cookie"]  # type: ignore[attr-defined]
        assert "greenroom_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert ADMIN_TOKEN not in cookie
        assert c.get("/api/metrics").status_code == 200  # the cookie authenticates GETs


def test_bad_token_and_stale_form_fail_sign_in(web_home: Path) -> None:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(web_home)), base_url="http://127.0.0.1") as c:
        r = _signin(c, "grn_admin_wrong")
        assert r.status_code == 401 and "not valid" in r.text  # type: ignore[attr-defined]
        c.get("/signin")
        r = c.post(
            "/signin", data={"token": ADMIN_TOKEN, "form_token": "forged"}, follow_redirects=False
        )
        assert r.status_code == 401 and "expired" in r.text
        assert "greenroom_session" not in c.cookies


def test_open_redirect_after_sign_in_is_refused(web_home: Path) -> None:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(web_home)), base_url="http://127.0.0.1") as c:
        for target in ("//evil.example/", "http://evil.example/", "/\\evil"):
            r = _signin(c, ADMIN_TOKEN, target)
            assert r.headers["location"] == "/"  # type: ignore[attr-defined]


def test_cookie_requests_that_change_state_need_the_csrf_token(web_home: Path) -> None:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(web_home)), base_url="http://127.0.0.1") as c:
        _signin(c, ADMIN_TOKEN)
        r = c.post("/api/chat", json={"message": "how many concerts?"})
        assert r.status_code == 403 and r.json()["error_code"] == "csrf_failed"
        page = c.get("/chat" if c.get("/chat").status_code == 200 else "/")
        csrf = page.text.split('name="csrf-token" content="')[1].split('"')[0]
        r = c.post(
            "/api/chat", json={"message": "how many concerts?"}, headers={"X-CSRF-Token": csrf}
        )
        assert r.status_code == 200 and r.json()["kind"] == "answer"
        r = c.post("/api/chat", json={"message": "x"}, headers={"X-CSRF-Token": csrf + "x"})
        assert r.status_code == 403


def test_sign_out_needs_csrf_and_ends_the_session(web_home: Path) -> None:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(web_home)), base_url="http://127.0.0.1") as c:
        _signin(c, ADMIN_TOKEN)
        csrf = c.get("/").text.split('name="csrf-token" content="')[1].split('"')[0]
        assert c.post("/signout", data={"csrf_token": "forged"}).status_code == 403
        r = c.post("/signout", data={"csrf_token": csrf}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/signin"
        assert c.get("/api/metrics").status_code == 401


def test_a_revoked_token_ends_its_browser_sessions(web_home: Path) -> None:
    from greenroom.web.app import create_app

    store = TokenStore(web_home)
    issued = store.create("browser-user", "analyst")
    with TestClient(create_app(web_settings(web_home)), base_url="http://127.0.0.1") as c:
        _signin(c, issued.token)
        assert c.get("/api/metrics").status_code == 200
        store.revoke(issued.info.token_id)
        assert c.get("/api/metrics").status_code == 401


def test_rate_limit_is_429_with_retry_after(web_home: Path) -> None:
    from greenroom.web.app import create_app

    settings = web_settings(web_home, rate_limit_per_minute=60, rate_limit_burst=3)
    with TestClient(create_app(settings)) as c:
        auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        codes = [c.get("/api/metrics", headers=auth).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        r = c.get("/api/metrics", headers=auth)
        assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
        assert r.json()["error_code"] == "rate_limited" and r.json()["retry_after"] >= 1
        other = {"Authorization": f"Bearer {_token(web_home, 'analyst', 'other')}"}
        assert c.get("/api/metrics", headers=other).status_code == 200  # per token


def test_limiter_refills_at_its_rate() -> None:
    from greenroom.governance.exceptions import RateLimitedError
    from greenroom.web.ratelimit import RateLimiter

    limiter = RateLimiter(per_minute=60, burst=2)
    limiter.hit("t", now=0.0)
    limiter.hit("t", now=0.0)
    with pytest.raises(RateLimitedError) as err:
        limiter.hit("t", now=0.0)
    assert err.value.retry_after == 1
    limiter.hit("t", now=1.0)  # one request refilled per second
