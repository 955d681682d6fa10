"""The pages without a browser: sign-in redirects, rights, the sign-out, the chart spec."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from greenroom.governance.tokens import TokenStore
from tests.web.conftest import ADMIN_TOKEN

pytestmark = pytest.mark.slow

PAGES = [
    "/",
    "/venues",
    "/artists",
    "/sales",
    "/forecasts",
    "/recommendations",
    "/health",
    "/journey",
    "/chat",
]


def sign_in(client: TestClient, token: str = ADMIN_TOKEN) -> None:
    form = client.get("/signin").text
    form_token = re.search(r'name="form_token" value="([^"]+)"', form)
    assert form_token is not None
    done = client.post(
        "/signin",
        data={"token": token, "form_token": form_token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


@pytest.mark.parametrize("path", PAGES)
def test_a_page_without_sign_in_goes_to_the_sign_in(client: TestClient, path: str) -> None:
    r = client.get(path + "?genre=rock", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/signin?next={path.replace('/', '%2F')}%3Fgenre%3Drock"


@pytest.mark.parametrize("path", PAGES)
def test_every_page_renders_for_the_admin(client: TestClient, path: str) -> None:
    sign_in(client)
    r = client.get(path)
    assert r.status_code == 200, r.text[:2000]
    assert 'name="csrf-token"' in r.text
    assert "<script>" not in r.text  # the CSP allows no inline script
    assert 'class="error"' not in r.text, re.findall(r'class="error">(.*?)<', r.text)


def test_an_analyst_sees_which_right_a_page_needs(client: TestClient, web_home: Path) -> None:
    token = TokenStore(web_home).create("ann", "analyst").token
    sign_in(client, token)
    r = client.get("/health")
    assert r.status_code == 403
    assert "<strong>operations</strong>" in r.text and "<strong>analyst</strong>" in r.text
    assert client.get("/venues").status_code == 200


def test_a_bad_filter_is_said_and_not_applied(client: TestClient) -> None:
    sign_in(client)
    r = client.get("/?date_from=2025-05-01&date_to=2025-01-01")
    assert r.status_code == 200
    assert "The filter was not applied" in r.text and "is after" in r.text
    assert 'role="alert"' in r.text


def test_signing_out_ends_the_cookie_on_the_server(client: TestClient) -> None:
    sign_in(client)
    cookie = client.cookies.get("greenroom_session")
    page = client.get("/chat").text
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert cookie and csrf
    out = client.post("/signout", data={"csrf_token": csrf.group(1)}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("greenroom_session", cookie)
    assert client.get("/chat", follow_redirects=False).status_code == 303
    assert client.get("/api/analytics/filters").status_code == 401


def test_chart_specs_cannot_end_their_script_element() -> None:
    from greenroom.web.pages import charts
    from greenroom.web.pages.render import environment

    spec = charts.spec(
        charts.bar(["</script><b>x"], [1.0], name="n", value_title="v"),
        ["name"],
        [["</script>"]],
        "x.csv",
    )
    html = environment().get_template("_blocks.html").module.chart_block("c", "t", spec)  # type: ignore[attr-defined]
    assert html.count("</script>") == 1


def test_the_journey_tells_what_was_caught_merged_and_fixed(
    client: TestClient, web_home: Path
) -> None:
    """The journey's headline numbers are the lake's own: quarantine rows, merged entities."""
    from greenroom.governance.session import governed_session
    from greenroom.lake import Lakehouse
    from tests.web.conftest import web_settings

    sign_in(client)
    page = client.get("/journey").text
    lake = Lakehouse.open(web_settings(web_home))
    with governed_session(lake) as reader:
        quarantined = sum(
            reader.sql(f"SELECT count(*) AS n FROM {t.name}").to_pylist()[0]["n"]
            for t in lake.list_tables("quarantine")
        )
        xref = reader.sql(
            "SELECT count(*) AS records, count(DISTINCT (entity_type, entity_id)) AS entities "
            "FROM silver.entity_xref"
        ).to_pylist()[0]
    story = re.sub(r"<[^>]+>", "", page.split('class="story"')[1].split("</ul>")[0])
    assert f"{quarantined:,} broke their contract" in story
    assert "Raw beside ready" in page and 'id="readiness-table"' in page
    merged = xref["records"] - xref["entities"]
    assert merged > 0  # the tiny messy world has duplicates to merge
    assert f"merged away {merged:,} duplicates" in story
