"""Column tags in table properties: ``greenroom.tags.<column> = key=value[,key=value]``.

Any engine or catalog that shows table properties (Glue, Spark's SHOW TBLPROPERTIES) shows
them; policies match them (`exclude_tags`, `tag_masks`). Setting them is one property
commit, made only when a value differs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pyiceberg.table import Table

from greenroom.lake.exceptions import ColumnNotFoundError, InvalidTagError

TAG_PROPERTY = "greenroom.tags."

_TEXT = re.compile(r"^[A-Za-z0-9_.:*+/-]+$")


def parse_tags(properties: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Column → tags, read from `properties`."""
    tags: dict[str, dict[str, str]] = {}
    for key, value in properties.items():
        if key.startswith(TAG_PROPERTY):
            pairs = (item.partition("=") for item in value.split(",") if "=" in item)
            tags[key[len(TAG_PROPERTY) :]] = {k.strip(): v.strip() for k, _, v in pairs}
    return tags


def tag_updates(table: Table, name: str, tags: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The properties to set so every column carries `tags` (merged over its other tags)."""
    schema = table.schema()
    current = parse_tags(table.properties)
    updates: dict[str, str] = {}
    for column, wanted in tags.items():
        try:
            schema.find_field(column)
        except ValueError:
            raise ColumnNotFoundError(
                f"column `{column}` is not in `{name}`; its columns are "
                f"{', '.join(f.name for f in schema.fields)}"
            ) from None
        for text in (*wanted.keys(), *wanted.values()):
            if not _TEXT.match(text):
                raise InvalidTagError(name, column, text)
        merged = {**current.get(column, {}), **wanted}
        if merged != current.get(column):
            updates[TAG_PROPERTY + column] = ",".join(f"{k}={v}" for k, v in sorted(merged.items()))
    return updates


def apply_tags(table: Table, name: str, tags: Mapping[str, Mapping[str, str]]) -> bool:
    """Set the differing tags in one commit; False when every tag was already set."""
    updates = tag_updates(table, name, tags)
    if not updates:
        return False
    txn = table.transaction()
    txn.set_properties(updates)
    txn.commit_transaction()
    return True
