"""Every authenticated request leaves a `token_used` record, cached answers too; every chat
question a `chat` record; and when the audit cannot be written, nothing is served (503)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from greenroom.governance.audit import AuditLog, AuditRecord
from tests.conftest import BuiltWorld, audit_unwritable
from tests.web.conftest import web_settings


@pytest.fixture(scope="module")
def _home(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("audited") / "home"
    shutil.copytree(messy_world.settings.home, home)
    return home


@pytest.fixture
def home(_home: Path) -> Iterator[Path]:
    shutil.rmtree(_home / "audit", ignore_errors=True)  # each test reads its own records
    yield _home


@pytest.fixture
def app_client(home: Path) -> Iterator[TestClient]:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(home))) as c:
        yield c


def records(home: Path, action: str | None = None) -> list[AuditRecord]:
    return [r for r in AuditLog(home).records() if action is None or r.action == action]


def test_every_authenticated_request_is_audited_cache_hits_and_304s_too(
    app_client: TestClient, home: Path, admin: dict[str, str]
) -> None:
    url = "/api/analytics/overview?date_from=2024-01-01"
    first = app_client.get(url, headers=admin)
    assert first.status_code == 200
    assert records(home, "query"), "the governed reads of the first answer are audited"
    cache = app_client.app.state.greenroom.cache  # type: ignore[attr-defined]
    hits = cache.hits
    assert app_client.get(url, headers=admin).status_code == 200
    assert cache.hits == hits + 1  # served from the cache, and still audited:
    etag = first.headers["etag"]
    assert app_client.get(url, headers=admin | {"If-None-Match": etag}).status_code == 304
    assert app_client.get("/api/health").status_code == 200  # no token: no token_used
    used = records(home, "token_used")
    assert [r.detail["status"] for r in used] == [200, 200, 304]
    assert {(r.principal, r.resource, r.detail["method"]) for r in used} == {
        ("admin", "/api/analytics/overview", "GET")
    }
    assert all(r.detail["token_id"] == "admin" and r.detail["via"] == "bearer" for r in used)
    assert AuditLog(home).verify().ok


def test_a_refused_request_is_audited(
    app_client: TestClient, home: Path, admin: dict[str, str]
) -> None:
    from greenroom.governance.service import DataGovernanceService

    token = DataGovernanceService(web_settings(home)).create_token("ana", "analyst").token
    refused = app_client.get("/api/ops/tables", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    grant, used = records(home)[-2:]
    assert (grant.action, grant.resource, grant.detail["change"]) == (
        "grant", f"token:{token.split('_')[1]}", "token created"
    )  # fmt: skip
    assert token not in str(grant.detail)  # never the secret
    assert (used.action, used.principal, used.detail["status"]) == ("token_used", "ana", 403)


def test_each_chat_question_is_audited(
    app_client: TestClient, home: Path, admin: dict[str, str]
) -> None:
    import hashlib

    question = "total revenue in 2025"
    body = app_client.post("/api/chat", json={"message": question}, headers=admin).json()
    (chat,) = records(home, "chat")
    assert chat.principal == "admin"
    assert chat.resource == f"chat:{body['session_id']}"
    assert chat.detail["session_id"] == body["session_id"]
    assert chat.detail["kind"] == body["kind"] == "answer"
    assert chat.detail["question"] == question
    assert chat.detail["question_sha256"] == hashlib.sha256(question.encode()).hexdigest()
    assert records(home, "token_used")[-1].detail["route"] == "/api/chat"


def test_when_the_audit_cannot_be_written_nothing_is_served(
    app_client: TestClient, home: Path, admin: dict[str, str]
) -> None:
    cached_url = "/api/analytics/overview?date_from=2023-01-01"
    assert app_client.get(cached_url, headers=admin).status_code == 200
    with audit_unwritable(home):
        for response in (
            app_client.get(cached_url, headers=admin),  # a cache hit
            app_client.get("/api/analytics/venues?limit=3", headers=admin),  # computed
            app_client.post("/api/chat", json={"message": "revenue in 2024"}, headers=admin),
        ):
            assert response.status_code == 503, response.text
            body = response.json()
            assert body["error_code"] == "audit_unavailable"
            assert set(body) >= {"error_message", "error_category", "correlation_id", "details"}
            assert not {"kpis", "items", "answer", "result"} & set(body)
    assert app_client.get(cached_url, headers=admin).status_code == 200  # fixed: served again
