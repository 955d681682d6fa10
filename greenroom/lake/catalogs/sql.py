"""The embedded default: pyiceberg `SqlCatalog` on SQLite, warehouse on local disk.

SQLite serialises writers with a file lock; the connection gets a busy timeout so a
writer waits for the lock instead of failing at once with "database is locked".
"""

from __future__ import annotations

from pyiceberg.catalog.sql import SqlCatalog

from greenroom.config import Settings

CATALOG_NAME = "greenroom"
SQLITE_BUSY_TIMEOUT_S = 30


def sql_catalog(settings: Settings) -> SqlCatalog:
    uri = with_busy_timeout(settings.catalog_uri)
    if uri.startswith("sqlite"):
        # the warehouse directory must exist before the first table is written
        settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    return SqlCatalog(
        CATALOG_NAME,
        uri=uri,
        warehouse=settings.warehouse,
        init_catalog_tables="true",
    )


def with_busy_timeout(uri: str, seconds: int = SQLITE_BUSY_TIMEOUT_S) -> str:
    """Add `timeout=` (pysqlite's busy timeout) to a SQLite URI that has none."""
    if not uri.startswith("sqlite"):
        return uri
    base, sep, query = uri.partition("?")
    if any(p.split("=", 1)[0] == "timeout" for p in query.split("&") if p):
        return uri
    return f"{base}?{query}&timeout={seconds}" if sep and query else f"{base}?timeout={seconds}"
