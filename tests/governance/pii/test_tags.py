"""Tags written by the scanner: one idempotent property commit, read back by column_tags."""

from __future__ import annotations

import pyarrow as pa
import pytest

from greenroom.governance.pii.records import ColumnFinding
from greenroom.governance.pii.tags import tag_findings, tags_for
from greenroom.lake import Lakehouse
from greenroom.lake.exceptions import ColumnNotFoundError, InvalidTagError


def _finding(table: str, column: str, kind: str) -> ColumnFinding:
    return ColumnFinding(table, column, kind, 1.0, 1.0, True, 10, 10)  # type: ignore[arg-type]


def test_set_column_tags_is_one_idempotent_commit_and_merges(lake: Lakehouse) -> None:
    lake.create_table("silver.people", pa.schema([("email", pa.string()), ("id", pa.string())]))
    lake.set_column_tags("silver.people", {"email": {"owner": "crm"}})
    commits = len(lake.load_table("silver.people").metadata.metadata_log)
    assert lake.set_column_tags("silver.people", {"email": {"pii": "email"}}) is True
    assert lake.set_column_tags("silver.people", {"email": {"pii": "email"}}) is False
    assert len(lake.load_table("silver.people").metadata.metadata_log) == commits + 1
    assert lake.column_tags("silver.people") == {"email": {"owner": "crm", "pii": "email"}}
    with pytest.raises(ColumnNotFoundError):
        lake.set_column_tags("silver.people", {"nope": {"pii": "email"}})
    with pytest.raises(InvalidTagError):
        lake.set_column_tags("silver.people", {"id": {"pii": "a,b"}})


def test_findings_become_pii_and_personal_id_tags(lake: Lakehouse) -> None:
    lake.create_table(
        "quarantine.crm", pa.schema([("source_record_id", pa.string()), ("payload", pa.string())])
    )
    lake.create_table("silver.sales", pa.schema([("customer_id", pa.string())]))
    findings = [
        _finding("quarantine.crm", "payload.email", "email"),
        _finding("quarantine.crm", "payload.first_name", "person_name"),
        _finding("quarantine.crm", "payload.customer_id", "customer_id"),
        _finding("silver.sales", "customer_id", "customer_id"),
    ]
    assert tags_for(findings)["quarantine.crm"] == {
        "payload": {"pii": "email+person_name", "personal_id": "customer_id"}
    }
    assert tag_findings(lake, findings) == ["quarantine.crm", "silver.sales"]
    assert tag_findings(lake, findings) == []
    assert lake.column_tags("silver.sales") == {"customer_id": {"personal_id": "customer_id"}}
