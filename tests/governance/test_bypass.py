"""SQL that tries to reach around the governed views: every attempt is refused, or returns
exactly the filtered and masked truth — never a row, a value or a statistic it must not.

Each attempt runs as an analyst (no personal columns), a venue partner (two venues) or a
data scientist (pseudonyms, partial emails). A refusal must carry the expected error code,
and its message is scanned like a result: an error is a channel too. An allowed attempt is
compared with the truth computed by the system session (or by the policy's meaning, in
Python), and scanned for real emails, names and ids.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from greenroom.errors import GreenroomError
from greenroom.governance.policy.store import PolicyStore
from greenroom.governance.principals import Principal
from greenroom.governance.session import governed_session
from greenroom.lake import Lakehouse
from greenroom.lake.jsonable import jsonable
from tests.conftest import BuiltWorld
from tests.web.conftest import web_settings

pytestmark = pytest.mark.slow

DENIED = "table_access_denied"
HIDDEN = "column_not_permitted"
REFUSED = "access_denied"
READ_ONLY = "read_only"
INVALID = "query_invalid"
NOT_FOUND = "table_not_found"


@dataclass(frozen=True)
class Facts:
    """A private copy of the tiny messy lake and what the test knows about it."""

    lake: Lakehouse
    home: Path
    principals: dict[str, Principal]
    values: dict[str, str]
    """Placeholders of the attempts: own venues, a real id, a real email, a pseudonym …"""
    secrets: frozenset[str]
    """Emails, customer names and real customer ids (for the scientist and the partner)."""
    others: frozenset[str]
    """Ids of venues, concerts and sales that are not the partner's."""
    key: str

    def system(self, sql: str) -> list[dict[str, Any]]:
        with self.lake.session() as s:
            rows: list[dict[str, Any]] = s.sql(sql.format(**self.values)).to_pylist()
            return rows


@pytest.fixture(scope="module")
def facts(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Facts:
    home = tmp_path_factory.mktemp("bypass") / "home"
    shutil.copytree(messy_world.settings.home, home)
    lake = Lakehouse.open(web_settings(home))
    key = PolicyStore(home).pseudonym_key()
    with lake.session() as s:
        own = [
            str(v)
            for v in s.sql(
                "SELECT c.venue_id FROM silver.ticket_sales t JOIN silver.concerts c "
                "ON t.concert_id = c.concert_id GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 2"
            )
            .column(0)
            .to_pylist()
        ]
        ids = "', '".join(own)
        customers = s.sql("SELECT customer_id, full_name, email FROM silver.customers ORDER BY 1")
        public = set(  # names also of venues or artists (members too): the synth shares a pool
            _texts(s.sql("SELECT * FROM silver.artists").to_pylist())
            + _texts(s.sql("SELECT name FROM silver.venues").to_pylist())
        )
        others = s.sql(
            f"SELECT venue_id AS id FROM silver.venues WHERE venue_id NOT IN ('{ids}') UNION ALL "
            f"SELECT concert_id FROM silver.concerts WHERE venue_id NOT IN ('{ids}') UNION ALL "
            "SELECT sale_id FROM silver.ticket_sales WHERE concert_id IN (SELECT concert_id "
            f"FROM silver.concerts WHERE venue_id NOT IN ('{ids}'))"
        )
    rows = customers.to_pylist()
    real, second = rows[0], rows[1]
    values = {
        "own": "'" + ids + "'",
        "real_id": real["customer_id"],
        "real_email": real["email"],
        "pseudo_2": pseudonym(key, second["customer_id"]),
        "warehouse": str(home / "warehouse"),
    }
    names = {r["full_name"] for r in rows if r["full_name"]} - public
    secrets = {r["email"] for r in rows if r["email"]} | {r["customer_id"] for r in rows} | names
    return Facts(
        lake,
        home,
        {
            "analyst": Principal("b-analyst", ("analyst",)),
            "venue_partner": Principal(
                "b-partner", ("venue_partner",), {"venue_ids": ",".join(own)}
            ),
            "data_scientist": Principal("b-scientist", ("data_scientist",)),
        },
        values,
        frozenset(secrets),
        frozenset(str(v) for v in others.column(0).to_pylist()),
        key,
    )


def pseudonym(key: str, value: object) -> str:
    return "anon_" + hashlib.sha256((key + str(value)).encode()).hexdigest()[:20]


def partial(email: str) -> str:
    at = email.find("@")
    return email[0] + "***" + email[at:] if at > 0 else email


Truth = str | Callable[[Facts], list[dict[str, Any]]] | None


@dataclass(frozen=True)
class Attempt:
    id: str
    role: str
    sql: str
    refused: frozenset[str] = frozenset()
    """Error codes that are a correct refusal; empty when the query must run."""
    truth: Truth = None
    """When it runs: the system-session SQL (or a function) giving exactly its rows."""


def refused(id: str, role: str, sql: str, *codes: str) -> Attempt:
    return Attempt(id, role, sql, frozenset(codes))


def allowed(id: str, role: str, sql: str, truth: Truth) -> Attempt:
    return Attempt(id, role, sql, truth=truth)


A, P, S = "analyst", "venue_partner", "data_scientist"
STAR_STRUCT = allowed(
    "star-struct",  # the whole row as a struct: the view's row, no personal field
    A,
    "SELECT c FROM silver.customers c",
    lambda f: [
        {
            "c": {
                k: pseudonym(f.key, v) if k == "customer_id" else v
                for k, v in r.items()
                if k not in ("full_name", "email", "birth_date")
            }
        }
        for r in f.system("SELECT * FROM silver.customers")
    ],
)
ATTEMPTS: list[Any] = [
    # ---- hidden columns: aliases, quoting, casing, comments, predicates, subqueries -----
    refused("hidden-plain", A, "SELECT email FROM silver.customers", HIDDEN),
    refused("hidden-alias", A, "SELECT email AS contact FROM silver.customers", HIDDEN),
    refused("hidden-quoted-upper", A, 'SELECT "EMAIL" FROM silver.customers', HIDDEN),
    refused("hidden-quoted-mixed", A, 'SELECT "Email" FROM silver.customers', HIDDEN),
    refused("hidden-qualified", A, "SELECT c.full_name FROM silver.customers c", HIDDEN, INVALID),
    refused(
        "hidden-comments",
        A,
        "SELECT /* harmless */ email -- really\nFROM silver.customers",
        HIDDEN,
    ),
    refused(
        "hidden-where-confirms",
        A,
        "SELECT count(*) FROM silver.customers WHERE email = '{real_email}'",
        HIDDEN,
    ),
    refused(
        "hidden-exists",
        A,
        "SELECT customer_id FROM silver.customers c WHERE EXISTS (SELECT 1 FROM "
        "silver.customers d WHERE d.customer_id = c.customer_id AND d.email LIKE 'a%')",
        HIDDEN,
        INVALID,
    ),
    refused(
        "hidden-union",
        A,
        "SELECT name FROM silver.venues UNION ALL SELECT full_name FROM silver.customers",
        HIDDEN,
    ),
    refused(
        "hidden-order-by",
        A,
        "SELECT customer_id FROM silver.customers ORDER BY birth_date",
        HIDDEN,
    ),
    refused("hidden-describe-query", A, "DESCRIBE SELECT email FROM silver.customers", HIDDEN),
    refused(
        "homoglyph-column",  # Cyrillic е: another name, which does not exist
        A,
        "SELECT \u0435mail FROM silver.customers",
        INVALID,
        HIDDEN,
    ),
    pytest.param(
        STAR_STRUCT,
        id="star-struct",
    ),
    # ---- tables the policy refuses: casing, quoting, CTE shadowing ----------------------
    refused("denied-plain", P, "SELECT * FROM silver.customers", DENIED),
    refused("denied-casing", P, "SeLeCt * FrOm SiLvEr.CuStOmErS", DENIED),
    refused("denied-quoted", P, 'SELECT * FROM "silver"."customers"', DENIED),
    refused("denied-comment-in-name", P, "SELECT * FROM silver./* x */customers", DENIED),
    refused(
        "denied-cte-shadow",
        P,
        "WITH customers AS (SELECT * FROM silver.customers) SELECT * FROM customers",
        DENIED,
    ),
    refused(
        "denied-in-subquery",
        P,
        "SELECT count(*) FROM silver.venues WHERE EXISTS (SELECT 1 FROM silver.customers)",
        DENIED,
    ),
    refused("denied-raw-zone", P, "SELECT * FROM bronze.crm_customers", DENIED),
    refused(
        "homoglyph-table",  # Cyrillic с: not the customers table, and no such table
        P,
        "SELECT * FROM silver.\u0441ustomers",
        NOT_FOUND,
        "table_name_invalid",
    ),
    # ---- the catalog, files and other databases ----------------------------------------
    refused(
        "cte-sqlite-master",
        P,
        "WITH sqlite_master AS (SELECT 1 AS x) SELECT * FROM sqlite_master",
        REFUSED,
    ),
    refused(
        "cte-duckdb-tables",
        P,
        "WITH duckdb_tables AS (SELECT 1 AS x) SELECT * FROM duckdb_tables",
        REFUSED,
    ),
    refused("sqlite-master", P, "SELECT * FROM sqlite_master", REFUSED),
    refused("info-schema-tables", P, "SELECT * FROM information_schema.tables", REFUSED),
    refused("info-schema-columns", A, "SELECT * FROM information_schema.columns", REFUSED),
    refused("pg-catalog", P, "SELECT * FROM pg_catalog.pg_tables", REFUSED),
    refused("duckdb-tables", P, "SELECT * FROM duckdb_tables()", REFUSED),
    refused("duckdb-views-sql", P, "SELECT sql FROM duckdb_views()", REFUSED),
    refused("duckdb-settings", A, "SELECT * FROM duckdb_settings()", REFUSED),
    refused("pragma-table-info", A, "SELECT * FROM pragma_table_info('silver.customers')", REFUSED),
    refused(
        "read-parquet",
        P,
        "SELECT * FROM read_parquet('{warehouse}/silver/customers/data/*.parquet')",
        REFUSED,
    ),
    refused("read-csv", P, "SELECT * FROM read_csv('{warehouse}/x.csv')", REFUSED),
    refused("glob", P, "SELECT * FROM glob('{warehouse}/**')", REFUSED),
    refused("parquet-scan", S, "SELECT * FROM parquet_scan('{warehouse}/silver/*')", REFUSED),
    refused(
        "replacement-scan", S, "SELECT * FROM '{warehouse}/silver/customers/x.parquet'", REFUSED
    ),
    refused(
        "iceberg-scan", S, "SELECT * FROM iceberg_scan('{warehouse}/silver/customers')", REFUSED
    ),
    refused("query-fn", P, "SELECT * FROM query('SELECT * FROM silver.customers')", REFUSED),
    refused("query-table-fn", P, "SELECT * FROM query_table('silver.customers')", REFUSED),
    refused("raw-relation", S, "SELECT * FROM __lake_silver__customers", REFUSED),
    refused("raw-relation-main", S, "SELECT * FROM main.__lake_silver__customers", REFUSED),
    refused("catalog-qualified", P, "SELECT * FROM memory.silver.venues", REFUSED),
    refused("time-travel", P, "SELECT * FROM silver.venues AT (VERSION => 1)", REFUSED),
    refused("getvariable", A, "SELECT getvariable('x') AS v", REFUSED),
    refused("current-setting", A, "SELECT current_setting('allowed_directories') AS v", REFUSED),
    refused("stats-min-max", P, "SELECT stats(name) FROM silver.venues", REFUSED),
    allowed(
        "describe-table",  # the governed view's columns: the hidden ones do not exist
        A,
        "DESCRIBE silver.customers",
        "DESCRIBE SELECT * EXCLUDE (full_name, email, birth_date) FROM silver.customers",
    ),
    allowed(
        "summarize-table",  # statistics of the partner's rows only
        P,
        "SUMMARIZE silver.venues",
        "SUMMARIZE SELECT * FROM silver.venues WHERE venue_id IN ({own})",
    ),
    refused("show-tables", P, "SHOW TABLES", REFUSED),
    # ---- statements that are not one SELECT ---------------------------------------------
    refused("explain", P, "EXPLAIN SELECT * FROM silver.venues", REFUSED),
    refused("explain-analyze", P, "EXPLAIN ANALYZE SELECT * FROM silver.venues", REFUSED),
    refused("attach", P, "ATTACH '{warehouse}/../catalog.db' AS c", READ_ONLY, REFUSED),
    refused("copy-to", P, "COPY (SELECT * FROM silver.venues) TO '/tmp/x.csv'", READ_ONLY),
    refused("export-database", P, "EXPORT DATABASE '/tmp/greenroom-x'", READ_ONLY),
    refused("install", A, "INSTALL httpfs", READ_ONLY),
    refused("load", A, "LOAD httpfs", READ_ONLY),
    refused("set", A, "SET enable_external_access = true", READ_ONLY),
    refused("reset", A, "RESET lock_configuration", READ_ONLY),
    refused("pragma", A, "PRAGMA table_info('silver.customers')", READ_ONLY, REFUSED),
    refused("create", A, "CREATE TABLE x AS SELECT * FROM silver.venues", READ_ONLY),
    refused("drop-view", P, "DROP VIEW silver.venues", READ_ONLY),
    refused("insert", P, "INSERT INTO silver.venues SELECT * FROM silver.venues", READ_ONLY),
    refused("two-statements", P, "SELECT 1; SELECT * FROM silver.customers", INVALID, READ_ONLY),
    # ---- row filters: windows, unions, CTEs, anti-joins over filtered rows --------------
    allowed(
        "window-count",
        P,
        "SELECT DISTINCT count(*) OVER () AS n FROM silver.concerts",
        "SELECT count(*) AS n FROM silver.concerts WHERE venue_id IN ({own})",
    ),
    allowed(
        "filter-outside",
        P,
        "SELECT count(*) AS n FROM silver.concerts WHERE venue_id NOT IN ({own})",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "cte-window-rank",
        P,
        "WITH v AS (SELECT venue_id, row_number() OVER (ORDER BY venue_id) AS n "
        "FROM silver.venues) SELECT * FROM v",
        "SELECT venue_id, row_number() OVER (ORDER BY venue_id) AS n FROM silver.venues "
        "WHERE venue_id IN ({own})",
    ),
    allowed(
        "union-ids",
        P,
        "SELECT concert_id FROM silver.concerts UNION SELECT concert_id FROM silver.ticket_sales",
        "SELECT concert_id FROM silver.concerts WHERE venue_id IN ({own})",
    ),
    allowed(
        "anti-join-sales",
        P,
        "SELECT count(*) AS n FROM silver.ticket_sales t WHERE NOT EXISTS "
        "(SELECT 1 FROM silver.concerts c WHERE c.concert_id = t.concert_id)",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "sales-total",
        P,
        "SELECT round(sum(quantity * unit_price), 2) AS revenue FROM silver.ticket_sales",
        "SELECT round(sum(quantity * unit_price), 2) AS revenue FROM silver.ticket_sales "
        "WHERE concert_id IN (SELECT concert_id FROM silver.concerts WHERE venue_id IN ({own}))",
    ),
    allowed(
        "min-max",
        P,
        "SELECT min(capacity) AS lo, max(capacity) AS hi, min(name) AS first FROM silver.venues",
        "SELECT min(capacity) AS lo, max(capacity) AS hi, min(name) AS first "
        "FROM silver.venues WHERE venue_id IN ({own})",
    ),
    allowed(
        "summarize-query",
        P,
        "SELECT column_name, min, max FROM (SUMMARIZE SELECT venue_id, capacity "
        "FROM silver.venues)",
        lambda f: [
            {"column_name": "venue_id", "min": min(_own(f)), "max": max(_own(f))},
            *[
                {"column_name": "capacity", "min": str(r["lo"]), "max": str(r["hi"])}
                for r in f.system(
                    "SELECT min(capacity) AS lo, max(capacity) AS hi FROM silver.venues "
                    "WHERE venue_id IN ({own})"
                )
            ],
        ],
    ),
    refused(
        "error-message",  # the conversion error quotes a sale id: one of the partner's own
        P,
        "SELECT count(*) FROM silver.ticket_sales WHERE CAST(sale_id AS INTEGER) > 0",
        INVALID,
    ),
    allowed(
        "error-channel",  # a cast that fails only on other venues' sales: never evaluated
        P,
        "SELECT count(*) AS n FROM silver.ticket_sales WHERE CASE WHEN concert_id NOT IN "
        "(SELECT concert_id FROM silver.concerts) THEN CAST(sale_id AS INTEGER) > 0 "
        "ELSE false END",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "error-channel-venues",
        P,
        "SELECT count(*) AS n FROM silver.venues WHERE venue_id NOT IN ({own}) "
        "AND CAST(name AS INTEGER) > 0",
        "SELECT 0::BIGINT AS n",
    ),
    # ---- masks: predicates on masked values must not confirm real ones ------------------
    allowed(
        "mask-equals-real-id",
        S,
        "SELECT customer_id FROM silver.customers WHERE customer_id = '{real_id}'",
        lambda f: [],
    ),
    allowed(
        "mask-pushdown-pair",  # a pushed raw filter would keep the real row, not the pseudonym
        S,
        "SELECT customer_id FROM silver.customers WHERE customer_id IN ('{real_id}', '{pseudo_2}')",
        lambda f: [{"customer_id": f.values["pseudo_2"]}],
    ),
    allowed(
        "mask-sales-real-id",
        S,
        "SELECT count(*) AS n FROM silver.ticket_sales WHERE customer_id = '{real_id}'",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "mask-partner-sales-real-id",
        P,
        "SELECT count(*) AS n FROM silver.ticket_sales WHERE customer_id IN "
        "(SELECT customer_id FROM silver.ticket_sales) AND customer_id LIKE 'cus_%'",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "mask-email-real",
        S,
        "SELECT count(*) AS n FROM silver.customers WHERE email = '{real_email}'",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "mask-email-length",  # the length of the partial mask, not of the address
        S,
        "SELECT length(email) AS n FROM silver.customers WHERE email IS NOT NULL",
        lambda f: [
            {"n": len(partial(r["email"]))}
            for r in f.system("SELECT email FROM silver.customers WHERE email IS NOT NULL")
        ],
    ),
    allowed(
        "mask-alias-swap",
        S,
        'SELECT email AS customer_id, full_name AS "EMAIL" FROM silver.customers',
        lambda f: [
            {
                "customer_id": partial(r["email"]) if r["email"] else None,
                "EMAIL": None if r["full_name"] is None else "[redacted]",
            }
            for r in f.system("SELECT email, full_name FROM silver.customers")
        ],
    ),
    allowed(
        "mask-union",
        S,
        "SELECT full_name AS v FROM silver.customers UNION SELECT birth_date::VARCHAR "
        "FROM silver.customers",
        lambda f: [{"v": "[redacted]"}, {"v": None}],
    ),
    allowed(
        "mask-hash-of-pseudonym",  # hash() of what the view holds: the pseudonym
        S,
        "SELECT DISTINCT hash(customer_id) AS h FROM silver.customers",
        lambda f: [
            {"h": r["h"]}
            for r in f.system(
                "SELECT DISTINCT hash('anon_' || left(sha256('" + f.key + "' || customer_id), "
                "20)) AS h FROM silver.customers"
            )
        ],
    ),
    allowed(
        "mask-birth-date",
        S,
        "SELECT count(*) AS n FROM silver.customers WHERE birth_date IS NOT NULL",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "crosswalk-customers",
        S,
        "SELECT count(*) AS n FROM silver.entity_xref WHERE entity_type = 'customer'",
        "SELECT 0::BIGINT AS n",
    ),
    allowed(
        "summarize-masked",
        S,
        "SELECT column_name, min, max FROM (SUMMARIZE SELECT email FROM silver.customers)",
        lambda f: [
            {
                "column_name": "email",
                "min": min(partial(r["email"]) for r in f.system(q)),
                "max": max(partial(r["email"]) for r in f.system(q)),
            }
        ],
    ),
]
q = "SELECT email FROM silver.customers WHERE email IS NOT NULL"


def _own(facts: Facts) -> list[str]:
    return [v.strip("'") for v in facts.values["own"].split(", ")]


def _bag(rows: list[dict[str, Any]]) -> Counter[str]:
    return Counter(json.dumps(jsonable(r), sort_keys=True, default=str) for r in rows)


def _texts(obj: object) -> list[str]:
    if isinstance(obj, dict):
        return [t for v in obj.values() for t in _texts(v)]
    if isinstance(obj, (list, tuple)):
        return [t for v in obj for t in _texts(v)]
    return [] if obj is None else [str(obj)]


def assert_nothing_leaks(facts: Facts, role: str, obj: object) -> None:
    secrets = facts.secrets if role != "analyst" else facts.secrets - _customer_ids(facts)
    words = secrets | (facts.others if role == "venue_partner" else frozenset())
    for text in _texts(obj):
        leaked = [w for w in words if w in text]
        assert not leaked, (role, leaked[:3], text[:200])


def _customer_ids(facts: Facts) -> frozenset[str]:
    return frozenset(w for w in facts.secrets if w.startswith("cus_"))


def test_there_are_at_least_thirty_attempts() -> None:
    assert len(ATTEMPTS) >= 30
    ids = [a.id for a in ATTEMPTS]  # an Attempt, or the pytest.param of one
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(
    "attempt", [pytest.param(a, id=a.id) if isinstance(a, Attempt) else a for a in ATTEMPTS]
)
def test_attempt_is_refused_or_sees_only_the_governed_truth(facts: Facts, attempt: Attempt) -> None:
    sql = attempt.sql.format(**facts.values)
    with governed_session(facts.lake, facts.principals[attempt.role]) as session:
        try:
            got = session.sql(sql).to_pylist()
        except GreenroomError as exc:
            assert attempt.refused, f"refused ({exc.code}): {exc}"
            assert exc.code in attempt.refused, (exc.code, str(exc))
            assert_nothing_leaks(facts, attempt.role, str(exc))
            return
    assert not attempt.refused, f"ran, but should be refused ({set(attempt.refused)}): {got[:3]}"
    assert_nothing_leaks(facts, attempt.role, got)
    truth = attempt.truth
    want = facts.system(truth) if isinstance(truth, str) else truth(facts) if truth else None
    assert want is not None
    assert _bag(got) == _bag(want)
