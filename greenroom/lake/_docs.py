"""Column descriptions in the Iceberg schema: field `doc`s and the table's `comment`.

Any engine reading the table (DuckDB through pyiceberg, Spark, Glue/Athena) sees them:
pyiceberg puts a field's doc in the Arrow field metadata under `b"doc"`. Applying them is
one commit (a schema update and the property together), made only when something differs.
"""

from __future__ import annotations

from collections.abc import Mapping

from pyiceberg.table import Table

from greenroom.lake.exceptions import ColumnNotFoundError

COMMENT = "comment"
"""The table property engines read as the table's description (Hive, Glue, Spark)."""


def changed_docs(table: Table, name: str, docs: Mapping[str, str]) -> dict[str, str]:
    """The entries of `docs` (column → description) that the table's schema lacks."""
    fields = {f.name: f for f in table.schema().fields}
    unknown = sorted(set(docs) - set(fields))
    if unknown:
        raise ColumnNotFoundError(
            f"column `{unknown[0]}` is not in `{name}`; its columns are {', '.join(fields)}"
        )
    return {c: d for c, d in docs.items() if d and fields[c].doc != d}


def apply_docs(table: Table, name: str, docs: Mapping[str, str], comment: str | None) -> bool:
    """Set the differing docs (and `comment`) in one commit; False when all were set."""
    changes = changed_docs(table, name, docs)
    new_comment = comment if comment and table.properties.get(COMMENT) != comment else None
    if not changes and new_comment is None:
        return False
    txn = table.transaction()
    if changes:
        with txn.update_schema() as update:
            for column, doc in changes.items():
                update.update_column(column, doc=doc)
    if new_comment is not None:
        txn.set_properties({COMMENT: new_comment})
    txn.commit_transaction()
    return True
