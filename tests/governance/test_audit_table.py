"""``ops.audit``: the log copied into Iceberg, once per record, whoever syncs and when."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from greenroom.governance.audit import AuditLog
from greenroom.governance.audit_table import AUDIT_TABLE, audit_schema, sync_audit_table
from greenroom.governance.exceptions import AuditChainError, TableAccessDeniedError
from greenroom.governance.principals import ADMIN, Principal
from greenroom.governance.session import governed_session
from greenroom.lake import Lakehouse

ROOT = Path(__file__).resolve().parents[2]


def fill(log: AuditLog, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        log.append("ana" if i % 2 else "bo", "query", f"gold.t{i}", {"rows": i, "q": "ü"})


def table_rows(lake: Lakehouse) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = lake.read(AUDIT_TABLE).sort_by("seq").to_pylist()
    return rows


def test_records_appear_in_ops_audit_with_the_same_hashes(lake: Lakehouse) -> None:
    log = AuditLog(lake.settings.home)
    fill(log, 5)
    first = sync_audit_table(lake)
    assert (first.added, first.last_seq) == (5, 5)
    fill(log, 3, start=5)
    second = sync_audit_table(lake)
    assert (second.added, second.last_seq) == (3, 8)
    assert sync_audit_table(lake).added == 0  # idempotent
    rows = table_rows(lake)
    records = log.records()
    assert [r["seq"] for r in rows] == [r.seq for r in records] == list(range(1, 9))
    assert [r["hash"] for r in rows] == [r.hash for r in records]
    assert [r["prev"] for r in rows] == [r.prev for r in records]
    assert [json.loads(str(r["detail"])) for r in rows] == [dict(r.detail) for r in records]
    assert lake.schema(AUDIT_TABLE).names == audit_schema().names
    assert len(lake.snapshots(AUDIT_TABLE)) == 2  # one commit per sync that added rows
    assert log.verify().ok


def _sync_in_a_process(home: Path, rounds: int) -> subprocess.Popen[bytes]:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from greenroom.config import Settings\n"
        "from greenroom.governance.audit import AuditLog\n"
        "from greenroom.governance.audit_table import sync_audit_table\n"
        "from greenroom.lake import Lakehouse\n"
        "lake = Lakehouse.open(Settings(home=Path(sys.argv[1])))\n"
        "log = AuditLog(lake.settings.home)\n"
        "for i in range(int(sys.argv[2])):\n"
        "    for j in range(5):\n"
        "        log.append('p', 'query', f'gold.r{i}', {'j': j})\n"
        "    sync_audit_table(lake)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENROOM_")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-c", code, str(home), str(rounds)], env=env)


@pytest.mark.integration
def test_concurrent_syncs_of_two_processes_copy_each_record_once(lake: Lakehouse) -> None:
    log = AuditLog(lake.settings.home)
    fill(log, 10)
    procs = [_sync_in_a_process(lake.settings.home, 4) for _ in range(2)]
    for proc in procs:
        assert proc.wait(300) == 0
    sync_audit_table(lake)
    seqs = [r["seq"] for r in table_rows(lake)]
    assert seqs == list(range(1, 10 + 2 * 4 * 5 + 1))  # every record, none twice
    assert [r["hash"] for r in table_rows(lake)] == [r.hash for r in log.records()]
    assert log.verify().ok


def test_a_log_that_does_not_continue_the_tables_chain_is_not_copied(lake: Lakehouse) -> None:
    log = AuditLog(lake.settings.home)
    fill(log, 3)
    sync_audit_table(lake)
    fill(log, 2, start=3)
    lines = log.path.read_text().splitlines()
    edited = json.loads(lines[3]) | {"resource": "gold.other"}
    log.path.write_text("\n".join([*lines[:3], json.dumps(edited), lines[4]]) + "\n")
    with pytest.raises(AuditChainError) as err:
        sync_audit_table(lake)
    assert err.value.seq == 4 and err.value.code == "audit_chain_broken"
    assert [r["seq"] for r in table_rows(lake)] == [1, 2, 3]


def test_a_query_over_ops_audit_sees_every_record_written_until_then(lake: Lakehouse) -> None:
    log = AuditLog(lake.settings.home)
    fill(log, 4)
    with governed_session(lake, ADMIN) as session:
        first = session.sql("SELECT count(*) AS n, max(seq) AS top FROM ops.audit")
        assert first.to_pylist() == [{"n": 4, "top": 4}]
        # the first query's own record (seq 5) was written after it ran: the next sees it
        second = session.sql('select action from OPS."audit" where seq = 5')
        assert second["action"].to_pylist() == ["query"]


def test_a_denied_attempt_leaves_its_record(lake: Lakehouse) -> None:
    lake.create_table("gold.sales", pa.schema([pa.field("amount", pa.float64())]))
    analyst = Principal("ana", ("analyst",))
    with governed_session(lake, analyst) as session:
        with pytest.raises(TableAccessDeniedError):
            session.sql("SELECT * FROM ops.audit")
        session.sql("SELECT count(*) FROM gold.sales")
    denied, allowed = AuditLog(lake.settings.home).records(principal="ana")
    assert (denied.action, denied.resource) == ("access_denied", "ops.audit")
    assert [(d["table"], d["allowed"]) for d in denied.detail["decisions"]] == [
        ("ops.audit", False)
    ]
    assert denied.detail["error_code"] == "table_access_denied"
    assert (allowed.action, allowed.resource) == ("query", "gold.sales")
    assert allowed.detail["decisions"][0]["allowed"] is True


def test_cli_sync_and_log(lake: Lakehouse) -> None:
    from greenroom.cli.audit import app

    log = AuditLog(lake.settings.home)
    fill(log, 3)
    runner = CliRunner()
    result = runner.invoke(app, ["sync", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"table": AUDIT_TABLE, "added": 3, "last_seq": 3}
    fill(log, 2, start=3)
    result = runner.invoke(app, ["log", "--json"])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)) == 5
    assert [r["seq"] for r in table_rows(lake)] == [1, 2, 3, 4, 5]  # `log` synced first
