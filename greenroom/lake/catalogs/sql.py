"""The embedded default: pyiceberg `SqlCatalog` on SQLite, warehouse on local disk.

SQLite serialises writers with a file lock; the connection gets a busy timeout so a
writer waits for the lock instead of failing at once with "database is locked".

pyiceberg creates the catalog's own tables on first use by checking, then creating: two
processes opening a fresh home at once can both see them missing, and the slower one
fails with "table iceberg_tables already exists". Opening the catalog again then finds
the tables, so that failure is retried.
"""

from __future__ import annotations

from pyiceberg.catalog.sql import SqlCatalog
from sqlalchemy.exc import OperationalError

from greenroom.config import Settings

CATALOG_NAME = "greenroom"
SQLITE_BUSY_TIMEOUT_S = 30
BOOTSTRAP_ATTEMPTS = 5


def sql_catalog(settings: Settings) -> SqlCatalog:
    uri = with_busy_timeout(settings.catalog_uri)
    if uri.startswith("sqlite"):
        # the warehouse directory must exist before the first table is written
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, BOOTSTRAP_ATTEMPTS + 1):
        try:
            return SqlCatalog(
                CATALOG_NAME,
                uri=uri,
                warehouse=settings.warehouse,
                init_catalog_tables="true",
            )
        except OperationalError as exc:
            if attempt == BOOTSTRAP_ATTEMPTS or not lost_bootstrap_race(exc):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def lost_bootstrap_race(exc: OperationalError) -> bool:
    """Whether `exc` says a concurrent process created the catalog's tables first."""
    return "already exists" in str(exc.orig or exc)


def with_busy_timeout(uri: str, seconds: int = SQLITE_BUSY_TIMEOUT_S) -> str:
    """Add `timeout=` (pysqlite's busy timeout) to a SQLite URI that has none."""
    if not uri.startswith("sqlite"):
        return uri
    base, sep, query = uri.partition("?")
    if any(p.split("=", 1)[0] == "timeout" for p in query.split("&") if p):
        return uri
    return f"{base}?{query}&timeout={seconds}" if sep and query else f"{base}?timeout={seconds}"
