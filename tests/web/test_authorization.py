"""The authorization table, checked in full: every role × every API route → allowed or 403.

This is the role's rights (which routes); what data a route then returns is the data policy's
decision (tests/governance): a policy refusal (`table_access_denied`) is not a missing right.

The table below is the specification; a route added to the app without a row here fails
`test_the_table_covers_every_route`, so no endpoint ships without a decided right.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from greenroom.governance.roles import ROLES
from greenroom.governance.tokens import TokenStore

pytestmark = pytest.mark.slow

# (method, path template) -> the right it needs (None: public)
RIGHTS: dict[tuple[str, str], str | None] = {
    ("GET", "/api/health"): None,
    ("POST", "/api/chat"): "chat",
    ("GET", "/api/chat/sessions/{session_id}"): "chat",
    ("GET", "/api/metrics"): "metrics",
    ("POST", "/api/metrics/query"): "metrics",
    ("POST", "/api/sql"): "sql",
    ("GET", "/api/analytics/overview"): "analytics",
    ("GET", "/api/analytics/venues"): "analytics",
    ("GET", "/api/analytics/artists"): "analytics",
    ("GET", "/api/analytics/sales/daily"): "analytics",
    ("GET", "/api/analytics/sales/breakdown/{by}"): "analytics",
    ("GET", "/api/analytics/concerts/{concert_id}"): "analytics",
    ("GET", "/api/analytics/filters"): "analytics",
    ("GET", "/api/insights/forecasts"): "analytics",
    ("GET", "/api/insights/recommendations"): "analytics",
    ("GET", "/api/ops/tables"): "operations",
    ("GET", "/api/ops/freshness"): "operations",
    ("GET", "/api/ops/ingestion/batches"): "operations",
    ("GET", "/api/ops/quarantine"): "operations",
    ("GET", "/api/ops/pipeline/runs"): "operations",
    ("GET", "/api/ops/pipeline/runs/{run_id}"): "operations",
    ("GET", "/api/ops/quality"): "operations",
    ("GET", "/api/ops/lineage/{table}/{column}"): "operations",
    ("GET", "/api/ops/readiness"): "operations",
}

PATH_VALUES = {
    "session_id": "abc",
    "by": "channel",
    "concert_id": "c1",
    "run_id": "r1",
    "table": "gold.sales_daily",
    "column": "revenue",
}
BODIES = {
    "/api/chat": {"message": "how many concerts?"},
    "/api/metrics/query": {"metrics": ["concerts"]},
    "/api/sql": {"sql": "SELECT 1 AS one"},
}


def test_the_table_covers_every_route(client: TestClient) -> None:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    routes = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    assert routes == set(RIGHTS)


@pytest.fixture(scope="module")
def tokens(web_home: Path) -> dict[str, str]:
    store = TokenStore(web_home)
    # A venue partner sees its own venues: without a `venue_ids` attribute the policy lets it
    # read nothing, and every data route would be a policy refusal rather than a right.
    store.add_principal("matrix-venue_partner", "venue_partner", {"venue_ids": "v1"})
    return {role: store.create(f"matrix-{role}", role).token for role in ROLES if role != "admin"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_gets_exactly_its_rights(
    role: str, client: TestClient, tokens: dict[str, str], admin: dict[str, str]
) -> None:
    headers = admin if role == "admin" else {"Authorization": f"Bearer {tokens[role]}"}
    decisions = {}
    for (method, template), right in RIGHTS.items():
        path = template.format(**PATH_VALUES)
        r = client.request(method, path, headers=headers, json=BODIES.get(template))
        assert r.status_code != 401, (role, path)
        assert r.status_code < 500, (role, path, r.text)
        refused = r.status_code == 403 and r.json()["error_code"] != "table_access_denied"
        decisions[(method, template)] = not refused
        if refused:
            assert r.json()["details"]["right"] == right
    expected = {key: right is None or right in ROLES[role] for key, right in RIGHTS.items()}
    assert decisions == expected


def test_no_route_answers_without_a_token_but_health(client: TestClient) -> None:
    for (method, template), right in RIGHTS.items():
        r = client.request(method, template.format(**PATH_VALUES), json=BODIES.get(template))
        assert (r.status_code == 401) == (right is not None), template
