"""Catalog backends, one per module; `open_catalog` picks the one the settings name."""

from __future__ import annotations

from typing import assert_never

from pyiceberg.catalog import Catalog

from greenroom.config import Settings


def open_catalog(settings: Settings) -> Catalog:
    """The pyiceberg catalog for `settings.lake.catalog` (imports the backend lazily)."""
    kind = settings.lake.catalog
    if kind == "sql":
        from greenroom.lake.catalogs.sql import sql_catalog

        return sql_catalog(settings)
    if kind == "glue":
        from greenroom.lake.catalogs.glue import glue_catalog

        return glue_catalog(settings)
    assert_never(kind)
