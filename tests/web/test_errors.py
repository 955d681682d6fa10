"""One error shape everywhere (the seed's ErrorResponse), pinned field by field."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

pytestmark = pytest.mark.slow

FIELDS = {
    "error_code",
    "error_message",
    "error_category",
    "timestamp",
    "correlation_id",
    "retry_after",
    "suggested_action",
    "details",
}


def _shape(body: dict[str, object]) -> None:
    assert set(body) == FIELDS
    assert isinstance(body["error_code"], str) and body["error_code"].islower()
    assert dt.datetime.fromisoformat(str(body["timestamp"]))
    assert body["correlation_id"] and body["correlation_id"] != "-"
    assert "Traceback" not in str(body)


def test_missing_token_is_401_with_the_shape_and_a_challenge(client: TestClient) -> None:
    r = client.get("/api/metrics")
    assert r.status_code == 401
    _shape(r.json())
    assert r.json()["error_code"] == "unauthenticated"
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_bad_token_and_bad_scheme_are_401(client: TestClient) -> None:
    for header in ("Bearer grn_nope_nope", "Basic abc", "Bearer ", "grn_admin_x"):
        r = client.get("/api/metrics", headers={"Authorization": header})
        assert r.status_code == 401, header
        _shape(r.json())


def test_malformed_json_is_422_naming_the_place(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post(
        "/api/chat",
        content=b'{"message": ',
        headers={**admin, "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    _shape(r.json())
    assert r.json()["error_code"] == "request_invalid"
    assert r.json()["error_message"].startswith("`body")


def test_missing_and_wrong_fields_are_named(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post("/api/chat", json={"session_id": "x"}, headers=admin)
    assert r.status_code == 422
    assert r.json()["error_message"].startswith("`body.message`: Field required")
    r = client.post("/api/chat", json={"message": "hi", "today": "not-a-date"}, headers=admin)
    assert r.status_code == 422
    assert "`body.today`" in r.json()["error_message"]
    r = client.post("/api/chat", json={"message": "hi", "session_id": "../etc"}, headers=admin)
    assert r.status_code == 422 and "`body.session_id`" in r.json()["error_message"]


def test_body_over_one_megabyte_is_413(client: TestClient, admin: dict[str, str]) -> None:
    big = b'{"message": "' + b"a" * (1024 * 1024) + b'"}'
    r = client.post("/api/chat", content=big, headers={**admin, "Content-Type": "application/json"})
    assert r.status_code == 413
    _shape(r.json())
    assert r.json()["error_code"] == "request_too_large"


def test_a_streamed_body_over_the_cap_is_413_too(client: TestClient, admin: dict[str, str]) -> None:
    def chunks():  # no Content-Length: the cap is counted while reading
        for _ in range(20):
            yield b"x" * 65536

    r = client.post(
        "/api/chat", content=chunks(), headers={**admin, "Content-Type": "application/json"}
    )
    assert r.status_code == 413


def test_user_errors_keep_the_cli_message_and_code(
    client: TestClient, admin: dict[str, str]
) -> None:
    from greenroom.semantic.exceptions import UnknownNameError  # noqa: F401 - the same class

    r = client.post("/api/metrics/query", json={"metrics": ["revenu"]}, headers=admin)
    assert r.status_code == 400
    body = r.json()
    _shape(body)
    assert body["error_code"] == "semantic_unknown_name"
    assert "did you mean `revenue`" in body["error_message"]
    assert body["details"]["closest"][0] == "revenue"


def test_sql_errors_are_400_not_500(client: TestClient, admin: dict[str, str]) -> None:
    r = client.post("/api/sql", json={"sql": "DROP TABLE silver.artists"}, headers=admin)
    assert r.status_code == 400 and r.json()["error_code"] == "read_only"
    r = client.post("/api/sql", json={"sql": "select * from silver.nope"}, headers=admin)
    assert r.status_code == 404 and r.json()["error_code"] == "table_not_found"


def test_unknown_route_and_method(client: TestClient, admin: dict[str, str]) -> None:
    r = client.get("/api/nope", headers=admin)
    assert r.status_code == 404
    _shape(r.json())
    r = client.delete("/api/metrics", headers=admin)
    assert r.status_code == 405
    _shape(r.json())


def test_correlation_id_is_echoed_or_made(client: TestClient) -> None:
    r = client.get("/api/metrics", headers={"X-Correlation-Id": "abc-123"})
    assert r.headers["x-correlation-id"] == "abc-123" == r.json()["correlation_id"]
    r = client.get("/api/metrics", headers={"X-Correlation-Id": "bad id\n"})
    assert r.headers["x-correlation-id"] != "bad id"


def test_an_unexpected_fault_is_500_without_a_traceback(web_home, admin) -> None:  # type: ignore[no-untyped-def]
    from greenroom.web.app import create_app
    from tests.web.conftest import web_settings

    app = create_app(web_settings(web_home))

    @app.get("/api/boom")
    def boom() -> None:
        raise ZeroDivisionError("secret internals")

    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.get("/api/boom")
    assert r.status_code == 500
    _shape(r.json())
    assert r.json()["error_code"] == "internal_error"
    assert "secret internals" not in r.text


def test_security_headers_on_every_response(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_unknown_and_repeated_query_parameters_are_named(
    client: TestClient, admin: dict[str, str]
) -> None:
    r = client.get("/api/analytics/venues?genre=metal&bogus=1", headers=admin)
    assert r.status_code == 422
    assert r.json()["error_message"].startswith("`query.bogus`: not a parameter of this route")
    assert "genre" in r.json()["error_message"]
    r = client.get("/api/analytics/venues?genre=metal&genre=rock", headers=admin)
    assert r.status_code == 422 and "more than once" in r.json()["error_message"]


@pytest.mark.parametrize(
    "query",
    [
        "/api/analytics/overview?date_from=2025-13-01",
        "/api/analytics/overview?date_from=1899-12-31",
        "/api/analytics/overview?date_to=not-a-date",
        "/api/ops/ingestion/batches?limit=0",
        "/api/ops/ingestion/batches?limit=-3",
        "/api/ops/ingestion/batches?limit=ten",
        "/api/ops/pipeline/runs?offset=-1",
        "/api/ops/pipeline/runs?offset=29773984860744199221211225500155904",
        "/api/ops/quarantine?sample=-1",
    ],
)
def test_values_outside_the_schema_are_422_naming_the_parameter(
    client: TestClient, admin: dict[str, str], query: str
) -> None:
    r = client.get(query, headers=admin)
    assert r.status_code == 422, r.text
    _shape(r.json())
    parameter = query.split("?", 1)[1].split("=", 1)[0]
    assert parameter in r.json()["error_message"]
