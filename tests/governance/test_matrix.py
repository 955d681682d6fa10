"""Principal × table × path: exactly the rows and columns each principal gets, and no leak.

The expected view of every table is computed here, from the system principal's plain
session and the policy's meaning written out in Python (not from the governor): a venue
partner sees only the rows of its venues and the sales of their concerts, an analyst has no
personal columns and pseudonymous customer ids, a data scientist sees pseudonyms (re-computed here from the key), partial
emails, redacted names and no birth dates. Each governed result must equal it exactly, and
no returned value may be a real email, name or customer id the principal must not see.

The same assertions run through the governed session, `greenroom query --as`, the REST API
(`/api/sql` for roles with the `sql` right, the aggregates for the others) and the chat.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from greenroom.config import reset_settings
from greenroom.governance.exceptions import TableAccessDeniedError
from greenroom.governance.policy.store import PolicyStore
from greenroom.governance.principals import ADMIN, Principal
from greenroom.governance.session import governed_session
from greenroom.governance.tokens import TokenStore
from greenroom.lake import Lakehouse
from greenroom.lake.jsonable import jsonable, table_to_json
from tests.conftest import BuiltWorld
from tests.web.conftest import ADMIN_TOKEN, web_settings

pytestmark = pytest.mark.slow

ROLES = ("admin", "data_engineer", "analyst", "data_scientist", "venue_partner", "public_chat")
PERSONAL = ("full_name", "email", "birth_date")
PARTNER_TABLES = {
    "silver.venues",
    "silver.concerts",
    "silver.ticket_sales",
    "silver.artists",
    "gold.venue_popularity",
    "gold.sales_daily",
}
PARTNER_BY_VENUE = {"silver.venues", "silver.concerts", "gold.venue_popularity", "gold.sales_daily"}
MATRIX_TABLES = (
    "bronze.box_office_sales",
    "bronze.crm_customers",
    "bronze.musicbrainz_artists",
    "bronze.online_orders",
    "bronze.promoter_concerts",
    "bronze.spotify_artists",
    "bronze.stream_sales",
    "bronze.ticketmaster_events",
    "bronze.ticketmaster_venues",
    "bronze.venue_registry",
    "gold.artist_performance",
    "gold.sales_daily",
    "gold.venue_popularity",
    "ops.entity_match_pairs",
    "ops.entity_resolution_models",
    "ops.ingestion_batches",
    "ops.job_runs",
    "ops.pipeline_batches",
    "ops.pipeline_runs",
    "ops.silver_rejects",
    "quarantine.box_office_sales",
    "quarantine.crm_customers",
    "quarantine.musicbrainz_artists",
    "quarantine.online_orders",
    "quarantine.promoter_concerts",
    "quarantine.stream_sales",
    "silver.artists",
    "silver.concerts",
    "silver.customers",
    "silver.entity_xref",
    "silver.ticket_sales",
    "silver.venues",
)
"""Every table of the tiny lake (a test checks the list is complete)."""
# The tables the CLI and REST paths repeat (every kind of rule: denial, hidden, masked, filtered).
PATH_TABLES = (
    "bronze.crm_customers",
    "silver.customers",
    "silver.entity_xref",
    "silver.ticket_sales",
    "silver.venues",
    "gold.sales_daily",
)


@dataclass(frozen=True)
class Lake:
    """A private copy of the tiny messy lake, its principals, and the truth about it."""

    home: Path
    lake: Lakehouse
    tables: tuple[str, ...]
    venue_ids: tuple[str, str]
    key: str
    principals: dict[str, Principal]
    emails: frozenset[str]
    names: frozenset[str]
    customer_ids: frozenset[str]
    crm_ids: frozenset[str]

    def system(self, sql: str) -> pa.Table:
        with self.lake.session() as s:
            return s.sql(sql)


@pytest.fixture(scope="module")
def world(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Lake:
    home = tmp_path_factory.mktemp("matrix") / "home"
    shutil.copytree(messy_world.settings.home, home)
    lake = Lakehouse.open(web_settings(home))
    tables = tuple(sorted(t.name for t in lake.list_tables()))
    with lake.session() as s:
        top = s.sql(  # the two venues with the most sales, so every partner table has rows
            "SELECT c.venue_id FROM silver.ticket_sales t JOIN silver.concerts c "
            "ON t.concert_id = c.concert_id GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2"
        ).column(0)
        customers = s.sql("SELECT customer_id, full_name, email FROM silver.customers")
        crm = s.sql("SELECT customer_id FROM bronze.crm_customers").column(0)
        public = s.sql(  # names that are also venues' or artists' (the synth shares a pool)
            "SELECT name FROM silver.venues "
            "UNION SELECT name FROM silver.entity_xref WHERE entity_type <> 'customer'"
        ).column(0)
        artists = s.sql("SELECT * FROM silver.artists").to_pylist()  # members' names too
    venue_ids = (str(top[0]), str(top[1]))
    store = TokenStore(home)
    principals = {"admin": ADMIN}
    for role in ROLES[1:]:
        attrs = {"venue_ids": ",".join(venue_ids)} if role == "venue_partner" else {}
        principals[role] = store.add_principal(f"m-{role}", role, attrs)[0]
    return Lake(
        home,
        lake,
        tables,
        venue_ids,
        PolicyStore(home).pseudonym_key(),
        principals,
        frozenset(v for v in customers.column("email").to_pylist() if v),
        frozenset(v for v in customers.column("full_name").to_pylist() if v)
        - set(public.to_pylist())
        - set(values(artists)),
        frozenset(customers.column("customer_id").to_pylist()),
        frozenset(str(v) for v in crm.to_pylist() if v),
    )


# ---- the policy's meaning, written independently ---------------------------------------


def pseudonym(world: Lake, value: object) -> str | None:
    if value is None:
        return None
    return "anon_" + hashlib.sha256((world.key + str(value)).encode()).hexdigest()[:20]


def partial(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    at = text.find("@")
    if at > 0:
        return text[0] + "***" + text[at:]
    if len(text) > 4:
        return "*" * (len(text) - 4) + text[-4:]
    return "*" * len(text)


def readable(role: str, table: str) -> bool:
    ns = table.split(".")[0]
    if role in ("admin", "data_engineer"):
        return True
    if role in ("analyst", "data_scientist"):
        return ns in ("silver", "gold")
    if role == "venue_partner":
        return table in PARTNER_TABLES
    return ns == "gold"  # public_chat


def expected(world: Lake, role: str, table: str) -> list[dict[str, Any]] | None:
    """The rows `role` must get from `SELECT * FROM table`; None when it is refused."""
    if not readable(role, table):
        return None
    rows: list[dict[str, Any]] = world.system(f"SELECT * FROM {table}").to_pylist()
    own = set(world.venue_ids)
    if role in ("analyst", "data_scientist") and table == "silver.entity_xref":
        rows = [r for r in rows if r["entity_type"] != "customer"]
    if role in ("analyst", "public_chat"):
        rows = [
            {k: pseudonym(world, v) if k == "customer_id" else v for k, v in r.items()}
            for r in rows
        ]
        rows = [{k: v for k, v in r.items() if k not in PERSONAL} for r in rows]
    elif role == "data_scientist":
        masks: dict[str, Callable[[Any], str | None]] = {
            "customer_id": lambda v: pseudonym(world, v),
            "email": partial,
            "full_name": lambda v: None if v is None else "[redacted]",
            "birth_date": lambda _v: None,
        }
        rows = [{k: masks[k](v) if k in masks else v for k, v in r.items()} for r in rows]
    elif role == "venue_partner":
        if table in PARTNER_BY_VENUE:
            rows = [r for r in rows if r["venue_id"] in own]
        elif table == "silver.ticket_sales":
            concerts = {
                r["concert_id"]
                for r in world.system(
                    "SELECT concert_id, venue_id FROM silver.concerts"
                ).to_pylist()
                if r["venue_id"] in own
            }
            rows = [
                {**r, "customer_id": pseudonym(world, r["customer_id"])}
                for r in rows
                if r["concert_id"] in concerts
            ]
    return rows


def as_bag(rows: list[dict[str, Any]]) -> Counter[str]:
    return Counter(json.dumps(jsonable(r), sort_keys=True, default=str) for r in rows)


def values(obj: object) -> Iterator[str]:
    """Every scalar in a result, as text (lists and structs opened)."""
    if isinstance(obj, dict):
        for v in obj.values():
            yield from values(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from values(v)
    elif obj is not None:
        yield str(obj)


def assert_no_leak(world: Lake, role: str, table: str, rows: object) -> None:
    """No value the role must not see, exactly or inside a longer text (payloads, JSON)."""
    if role in ("admin", "data_engineer"):
        return
    secret_words = set(world.emails)
    secret_cells = set(world.names)
    secret_words |= world.customer_ids | world.crm_ids  # every uncleared role: pseudonyms
    for text in values(rows):
        assert text not in secret_cells, (role, table, text)
        assert not any(w in text for w in secret_words if len(w) >= 6 and w[:3] in text), (
            role,
            table,
            text,
        )
    if role == "venue_partner":  # nothing of other venues: their ids never appear
        others = {
            str(v) for v in world.system("SELECT venue_id FROM silver.venues").column(0).to_pylist()
        } - set(world.venue_ids)
        found = others & set(values(rows))
        assert not found, (table, sorted(found)[:3])


# ---- path 1: the governed session ---------------------------------------------------------


@pytest.mark.parametrize("table", MATRIX_TABLES)
@pytest.mark.parametrize("role", ROLES)
def test_session_returns_exactly_the_governed_view(world: Lake, role: str, table: str) -> None:
    assert table in world.tables, f"{table} is not in the test lake (update MATRIX_TABLES)"
    want = expected(world, role, table)
    with governed_session(world.lake, world.principals[role]) as session:
        if want is None:
            with pytest.raises(TableAccessDeniedError) as err:
                session.sql(f"SELECT * FROM {table}")
            assert err.value.code == "table_access_denied" and err.value.table == table
            return
        got = session.sql(f"SELECT * FROM {table}")
    want_columns = list(want[0]) if want else None
    if want_columns is not None:
        assert got.column_names == want_columns
    else:  # no rows expected: the columns still follow the rules
        physical = [f.name for f in world.lake.schema(table)]
        hidden = PERSONAL if role in ("analyst", "public_chat") else ()
        assert got.column_names == [c for c in physical if c not in hidden]
    assert got.num_rows == len(want)
    assert as_bag(got.to_pylist()) == as_bag(want)
    assert_no_leak(world, role, table, got.to_pylist())


def test_the_matrix_covers_every_table_of_the_lake(world: Lake) -> None:
    assert set(MATRIX_TABLES) == set(world.tables) - {"ops.policy_versions", "ops.audit"}


@pytest.mark.parametrize("role", ROLES)
def test_the_audit_table_is_for_admins_and_engineers_only(world: Lake, role: str) -> None:
    """`ops.audit` grows with every read (its own included), so it is not in the exact
    matrix above: who may read it is checked here."""
    with governed_session(world.lake, world.principals[role]) as session:
        if role in ("admin", "data_engineer"):
            session.sql("SELECT count(*) FROM gold.sales_daily")  # a read to find there
            seen = session.sql(
                "SELECT count(*) AS n, count(DISTINCT seq) AS d, "
                "count(*) FILTER (WHERE principal = ?) AS mine FROM ops.audit",
                [world.principals[role].name],
            )
            n, distinct, mine = (seen[c][0].as_py() for c in ("n", "d", "mine"))
            assert n == distinct and mine >= 1
        else:
            with pytest.raises(TableAccessDeniedError):
                session.sql("SELECT count(*) FROM ops.audit")


def test_pseudonyms_are_stable_distinct_and_never_real(world: Lake) -> None:
    with governed_session(world.lake, world.principals["data_scientist"]) as session:
        joined = session.sql(
            "SELECT count(DISTINCT c.customer_id) AS customers, count(*) AS sales "
            "FROM silver.ticket_sales s JOIN silver.customers c ON s.customer_id = c.customer_id"
        ).to_pylist()[0]
        ids = set(session.sql("SELECT customer_id FROM silver.customers").column(0).to_pylist())
    truth = world.system(
        "SELECT count(DISTINCT c.customer_id) AS customers, count(*) AS sales "
        "FROM silver.ticket_sales s JOIN silver.customers c ON s.customer_id = c.customer_id"
    ).to_pylist()[0]
    assert joined == truth  # the same pseudonym in both tables: joins and counts still work
    assert len(ids) == len(world.customer_ids) and not ids & world.customer_ids


# ---- path 2: `greenroom query --as P --json` ------------------------------------------------


@pytest.fixture
def cli(world: Lake, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("GREENROOM_HOME", str(world.home))
    reset_settings()
    return CliRunner()


@pytest.mark.parametrize("table", PATH_TABLES)
@pytest.mark.parametrize("role", ROLES)
def test_cli_query_as_returns_exactly_the_governed_view(
    world: Lake, cli: CliRunner, role: str, table: str
) -> None:
    from greenroom.cli.main import app

    want = expected(world, role, table)
    args = ["query", f"SELECT * FROM {table}", "--json"]
    if role != "admin":
        args += ["--as", world.principals[role].name]
    result = cli.invoke(app, args)
    if want is None:  # `greenroom` (cli.main.main) prints it as one line and exits 1
        assert isinstance(result.exception, TableAccessDeniedError), result.output
        assert result.exception.table == table
        return
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert_rows_json(world, role, table, payload, want)


def assert_rows_json(
    world: Lake, role: str, table: str, payload: dict[str, Any], want: list[dict[str, Any]]
) -> None:
    if want:
        assert payload["columns"] == list(want[0])
    got = [dict(zip(payload["columns"], row, strict=True)) for row in payload["rows"]]
    wanted = table_to_json(pa.Table.from_pylist(want)) if want else {"rows": []}
    expected_rows = [dict(zip(payload["columns"], r, strict=True)) for r in wanted["rows"]]
    assert as_bag(got) == as_bag(expected_rows)
    assert_no_leak(world, role, table, payload["rows"])


# ---- path 3: the REST API --------------------------------------------------------------------


@pytest.fixture(scope="module")
def api(world: Lake) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    from greenroom.web.app import create_app

    store = TokenStore(world.home)
    headers = {"admin": {"Authorization": f"Bearer {ADMIN_TOKEN}"}}
    for role in ROLES[1:]:
        token = store.create(world.principals[role].name).token
        headers[role] = {"Authorization": f"Bearer {token}"}
    with TestClient(create_app(web_settings(world.home))) as client:
        yield client, headers


SQL_ROLES = ("admin", "data_engineer", "data_scientist")


@pytest.mark.parametrize("table", PATH_TABLES)
@pytest.mark.parametrize("role", SQL_ROLES)
def test_rest_sql_returns_exactly_the_governed_view(
    world: Lake, api: tuple[TestClient, dict[str, dict[str, str]]], role: str, table: str
) -> None:
    client, headers = api
    want = expected(world, role, table)
    r = client.post("/api/sql", json={"sql": f"SELECT * FROM {table}"}, headers=headers[role])
    if want is None:
        assert r.status_code == 403 and r.json()["error_code"] == "table_access_denied"
        return
    assert r.status_code == 200, r.text
    assert not r.json()["truncated"]
    assert_rows_json(world, role, table, r.json(), want)


@pytest.mark.parametrize("role", ("analyst", "venue_partner", "public_chat"))
def test_rest_sql_is_not_a_right_of_the_others(
    api: tuple[TestClient, dict[str, dict[str, str]]], role: str
) -> None:
    client, headers = api
    r = client.post("/api/sql", json={"sql": "SELECT 1"}, headers=headers[role])
    assert r.status_code == 403 and r.json()["error_code"] == "forbidden"


def _by_venue(body: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {row[0]: tuple(row[1:]) for row in body["rows"]}


def _own_names(world: Lake) -> set[str]:
    ids = "', '".join(world.venue_ids)
    names = world.system(f"SELECT name FROM silver.venues WHERE venue_id IN ('{ids}')")
    return {str(n) for n in names.column(0).to_pylist()}


@pytest.mark.parametrize("role", ("analyst", "data_scientist", "venue_partner"))
def test_rest_metrics_totals_are_the_system_totals_over_what_the_role_sees(
    world: Lake, api: tuple[TestClient, dict[str, dict[str, str]]], role: str
) -> None:
    client, headers = api
    query = {"metrics": ["revenue", "tickets_sold"], "dimensions": ["venue"]}
    mine = client.post("/api/metrics/query", json=query, headers=headers[role])
    full = client.post("/api/metrics/query", json=query, headers=headers["admin"])
    assert mine.status_code == 200 and full.status_code == 200, mine.text
    everything = _by_venue(full.json())
    got = _by_venue(mine.json())
    if role == "venue_partner":
        own = _own_names(world)
        assert set(got) == own
        everything = {k: v for k, v in everything.items() if k in own}
    assert set(got) == set(everything)
    for venue, (revenue, tickets) in got.items():  # sums in another order: not bit-equal
        assert revenue == pytest.approx(everything[venue][0], rel=1e-9)
        assert tickets == everything[venue][1]
    total = client.post("/api/metrics/query", json={"metrics": ["revenue"]}, headers=headers[role])
    expected_total = sum(v[0] for k, v in _by_venue(mine.json()).items())
    assert total.json()["rows"][0][0] == pytest.approx(expected_total, rel=1e-9)
    assert_no_leak(world, role, "metrics", mine.json()["rows"])


def test_rest_public_chat_has_no_metrics_right(
    api: tuple[TestClient, dict[str, dict[str, str]]],
) -> None:
    client, headers = api
    r = client.post(
        "/api/metrics/query", json={"metrics": ["revenue"]}, headers=headers["public_chat"]
    )
    assert r.status_code == 403 and r.json()["error_code"] == "forbidden"


def test_rest_analytics_venues_of_a_partner_are_its_own(
    world: Lake, api: tuple[TestClient, dict[str, dict[str, str]]]
) -> None:
    client, headers = api
    mine = client.get("/api/analytics/venues", headers=headers["venue_partner"])
    full = client.get("/api/analytics/venues", headers=headers["admin"])
    assert mine.status_code == 200 and full.status_code == 200, mine.text
    own = _own_names(world)
    rows = mine.json()["items"] if "items" in mine.json() else mine.json()["rows"]
    everything = full.json()["items"] if "items" in full.json() else full.json()["rows"]
    assert {r["venue"] for r in rows} == own
    totals = {r["venue"]: (r["tickets_sold"], r["revenue"]) for r in everything}
    for r in rows:
        assert r["tickets_sold"] == totals[r["venue"]][0]
        assert r["revenue"] == pytest.approx(totals[r["venue"]][1], rel=1e-9)
    assert_no_leak(world, "venue_partner", "analytics/venues", rows)


@pytest.mark.parametrize("role", ("analyst", "venue_partner"))
def test_rest_analytics_pages_leak_nothing(
    world: Lake, api: tuple[TestClient, dict[str, dict[str, str]]], role: str
) -> None:
    client, headers = api
    for path in (
        "/api/analytics/overview",
        "/api/analytics/venues",
        "/api/analytics/artists",
        "/api/analytics/sales/daily",
        "/api/analytics/sales/breakdown/channel",
        "/api/analytics/filters",
    ):
        r = client.get(path, headers=headers[role])
        if role == "venue_partner" and path.endswith("/artists"):  # gold.artist_performance
            assert r.status_code == 403 and r.json()["error_code"] == "table_access_denied"
            continue
        assert r.status_code == 200, (path, r.text)
        assert_no_leak(world, role, path, r.json())


# ---- path 4: the chat -------------------------------------------------------------------------


def test_chat_revenue_by_venue_of_a_partner_lists_only_its_venues(
    world: Lake, api: tuple[TestClient, dict[str, dict[str, str]]]
) -> None:
    client, headers = api
    ask = {"message": "revenue by venue"}
    mine = client.post("/api/chat", json=ask, headers=headers["venue_partner"]).json()
    full = client.post("/api/chat", json=ask, headers=headers["admin"]).json()
    assert mine["kind"] == "answer" and full["kind"] == "answer", mine
    columns = mine["result"]["columns"]
    venue = columns.index("venue")
    revenue = columns.index("revenue")
    got = {row[venue]: row[revenue] for row in mine["result"]["rows"]}
    everything = {row[venue]: row[revenue] for row in full["result"]["rows"]}
    own = _own_names(world)
    assert set(got) == own
    assert got == {k: v for k, v in everything.items() if k in own}
    assert_no_leak(world, "venue_partner", "chat", mine)
    assert not any(name in mine["answer"] for name in set(everything) - own)


@pytest.mark.parametrize(
    "question", ("how many customers are there?", "list the customers' emails")
)
def test_chat_public_about_customers_is_a_refusal(
    world: Lake, api: tuple[TestClient, dict[str, dict[str, str]]], question: str
) -> None:
    client, headers = api
    body = client.post("/api/chat", json={"message": question}, headers=headers["public_chat"])
    assert body.status_code == 200, body.text
    assert body.json()["kind"] == "refusal", body.json()
    assert_no_leak(world, "public_chat", "chat", body.json())


@pytest.mark.parametrize("role", ("analyst", "data_scientist", "venue_partner"))
def test_chat_customer_questions_leak_nothing(
    world: Lake, api: tuple[TestClient, dict[str, dict[str, str]]], role: str
) -> None:
    client, headers = api
    for question in ("list the customers' emails", "customers by city", "top customers"):
        body = client.post("/api/chat", json={"message": question}, headers=headers[role])
        assert body.status_code == 200, body.text
        assert_no_leak(world, role, "chat", body.json())
