"""`POST /api/chat` answers exactly as the assistant does, with follow-ups and history."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from greenroom.governance.tokens import TokenStore
from greenroom.lake import Lakehouse
from tests.web.conftest import web_settings

pytestmark = pytest.mark.slow

CONTRACT_KEYS = {
    "session_id", "kind", "answer", "interpretation", "result", "sql", "chart", "suggestions",
}  # fmt: skip


def test_answer_matches_the_semantic_layer(
    client: TestClient, admin: dict[str, str], web_home: Path
) -> None:
    from greenroom.governance.session import governed_session

    r = client.post("/api/chat", json={"message": "total revenue in 2025"}, headers=admin)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == CONTRACT_KEYS and body["kind"] == "answer"
    settings = web_settings(web_home)
    with governed_session(Lakehouse.open(settings)) as reader:
        (expected,) = (
            reader.sql(
                "SELECT sum(s.quantity * s.unit_price) FROM silver.ticket_sales s "
                "JOIN silver.concerts c ON s.concert_id = c.concert_id "
                "WHERE c.status <> 'cancelled' AND year(c.event_date) = 2025"
            )
            .to_pylist()[0]
            .values()
        )
    assert body["result"]["rows"][0][-1] == pytest.approx(expected, rel=1e-9)
    assert body["sql"] and "2025" in body["sql"]


def test_follow_up_in_the_same_session_and_its_history(
    client: TestClient, admin: dict[str, str]
) -> None:
    first = client.post(
        "/api/chat", json={"message": "tickets sold by genre in 2025"}, headers=admin
    ).json()
    sid = first["session_id"]
    second = client.post(
        "/api/chat", json={"message": "and in 2024?", "session_id": sid}, headers=admin
    ).json()
    assert second["session_id"] == sid and second["kind"] == "answer"
    assert "2024" in second["interpretation"] and "genre" in second["result"]["columns"]
    history = client.get(f"/api/chat/sessions/{sid}", headers=admin)
    assert history.status_code == 200
    turns = history.json()["turns"]
    assert [t["message"] for t in turns] == ["tickets sold by genre in 2025", "and in 2024?"]
    assert turns[1]["answer"] == second["answer"]


def test_today_moves_relative_periods(client: TestClient, admin: dict[str, str]) -> None:
    a = client.post(
        "/api/chat", json={"message": "revenue this year", "today": "2025-06-30"}, headers=admin
    )
    assert "2025" in a.json()["interpretation"]


def test_another_principals_session_is_not_found(
    client: TestClient, admin: dict[str, str], web_home: Path
) -> None:
    sid = client.post("/api/chat", json={"message": "how many concerts?"}, headers=admin).json()[
        "session_id"
    ]
    other = {"Authorization": f"Bearer {TokenStore(web_home).create('eve', 'public_chat').token}"}
    r = client.get(f"/api/chat/sessions/{sid}", headers=other)
    assert r.status_code == 404 and r.json()["error_code"] == "session_not_found"
    assert client.get("/api/chat/sessions/nope", headers=admin).status_code == 404


def test_refusal_and_clarification_kinds_come_through(
    client: TestClient, admin: dict[str, str]
) -> None:
    r = client.post(
        "/api/chat", json={"message": "give me every customer's email address"}, headers=admin
    )
    assert r.json()["kind"] == "refusal" and r.json()["result"] is None
