"""The lake's version: each table's current metadata location, read in one catalog query.

A commit to a table (append, overwrite, schema change) writes a new metadata file, so the
location changes exactly when the table does. The web app keys its caches and ETags on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyiceberg.catalog import Catalog


def table_versions(catalog: Catalog, namespaces: tuple[str, ...]) -> dict[str, str]:
    """`{"ns.name": metadata_location}` for every table of `namespaces`."""
    from pyiceberg.catalog.sql import IcebergTables, SqlCatalog
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    if isinstance(catalog, SqlCatalog):  # one query instead of a metadata read per table
        stmt = select(
            IcebergTables.table_namespace,
            IcebergTables.table_name,
            IcebergTables.metadata_location,
        ).where(IcebergTables.catalog_name == catalog.name)
        with Session(catalog.engine) as session:
            rows = session.execute(stmt).all()
        return {f"{ns}.{name}": str(loc) for ns, name, loc in rows if ns in namespaces}
    out: dict[str, str] = {}
    for ns in namespaces:
        for ident in catalog.list_tables(ns):
            out[".".join(ident)] = catalog.load_table(ident).metadata_location
    return out
