"""Write scan findings to the catalog as column tags (one property commit per table).

A direct kind is tagged ``pii=<kind>`` (policies hide or mask ``pii=*``); an identifier
kind (`customer_id`) ``personal_id=<kind>``, so the default policy keeps pseudonymous keys
joinable. Findings in a quarantine payload's keys tag the `payload` column with every kind
found, joined by ``+`` (``pii=date_of_birth+email+person_name``).
"""

from __future__ import annotations

from collections.abc import Iterable

from greenroom.governance.pii.classify import PAYLOAD
from greenroom.governance.pii.kinds import IDENTIFIER_KINDS
from greenroom.governance.pii.records import ColumnFinding
from greenroom.lake import Lakehouse

PII_TAG = "pii"
IDENTIFIER_TAG = "personal_id"


def tags_for(findings: Iterable[ColumnFinding]) -> dict[str, dict[str, dict[str, str]]]:
    """Table → column → tags for `findings`."""
    kinds: dict[str, dict[str, dict[str, set[str]]]] = {}
    for f in findings:
        column = PAYLOAD if f.column.startswith(f"{PAYLOAD}.") else f.column
        key = IDENTIFIER_TAG if f.kind in IDENTIFIER_KINDS else PII_TAG
        kinds.setdefault(f.table, {}).setdefault(column, {}).setdefault(key, set()).add(f.kind)
    return {
        table: {
            column: {key: "+".join(sorted(values)) for key, values in by_key.items()}
            for column, by_key in columns.items()
        }
        for table, columns in kinds.items()
    }


def tag_findings(lake: Lakehouse, findings: Iterable[ColumnFinding]) -> list[str]:
    """Tag every finding's column; the tables whose tags changed (idempotent)."""
    changed = []
    for table, tags in sorted(tags_for(findings).items()):
        if lake.set_column_tags(table, tags):
            changed.append(table)
    return changed
