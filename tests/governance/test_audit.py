"""The audit log: a verifying hash chain, tampering named at its first bad record, fail-closed."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from greenroom.cli.audit import app
from greenroom.config import reset_settings
from greenroom.governance.audit import GENESIS, AuditLog
from greenroom.governance.exceptions import AuditUnavailableError


def filled(home: Path, n: int = 5) -> AuditLog:
    log = AuditLog(home)
    for i in range(1, n + 1):
        log.append("ana" if i % 2 else "bo", "query", f"gold.sales_{i}", {"rows": i})
    return log


def lines(log: AuditLog) -> list[str]:
    return log.path.read_text().splitlines()


def rewrite(log: AuditLog, new: list[str]) -> None:
    log.path.write_text("".join(f"{line}\n" for line in new))


def test_records_chain_by_hash(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    first = log.append("ana", "access_allowed", "silver.fans", {"right": "read"})
    second = log.append("bo", "access_denied", "silver.fans", {})
    assert (first.seq, first.prev) == (1, GENESIS)
    assert (second.seq, second.prev) == (2, first.hash)
    raw = json.loads(lines(log)[1])
    body = {k: v for k, v in raw.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    assert raw["hash"] == hashlib.sha256(first.hash.encode() + canonical).hexdigest()
    assert log.path == tmp_path / "audit" / "audit.log"
    assert log.verify().ok and log.verify().checked == 2


def test_records_filter_by_principal_and_time(tmp_path: Path) -> None:
    import datetime as dt

    log = filled(tmp_path)
    assert [r.seq for r in log.records(principal="bo")] == [2, 4]
    third = log.records()[2]
    assert [r.seq for r in log.records(since=dt.datetime.fromisoformat(third.at))] == [3, 4, 5]


def _edit(rows: list[str]) -> list[str]:
    record = json.loads(rows[2])
    record["resource"] = "gold.other"
    return [*rows[:2], json.dumps(record), *rows[3:]]


def _forge(rows: list[str]) -> list[str]:
    """A record with a correct hash of its own, but a `prev` that is not record 2's hash."""
    forged: dict[str, Any] = json.loads(rows[2]) | {"prev": "f" * 64, "resource": "forged"}
    body = {k: v for k, v in forged.items() if k != "hash"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    forged["hash"] = hashlib.sha256(forged["prev"].encode() + canonical).hexdigest()
    return [*rows[:2], json.dumps(forged), *rows[3:]]


@pytest.mark.parametrize(
    ("tamper", "bad_seq", "why"),
    [
        (_edit, 3, "hash mismatch"),
        (lambda rows: [*rows[:2], *rows[3:]], 4, "sequence gap"),
        (lambda rows: [rows[0], rows[2], rows[1], *rows[3:]], 3, "sequence gap"),
        (_forge, 3, "broken chain"),
        (lambda rows: [*rows[:4], rows[4][: len(rows[4]) // 2]], 5, "unreadable"),
    ],
    ids=["edit", "delete", "swap", "insert-forged", "truncate-last"],
)
def test_tampering_is_named_at_the_first_bad_record(
    tmp_path: Path, tamper: Any, bad_seq: int, why: str
) -> None:
    log = filled(tmp_path)
    rewrite(log, tamper(lines(log)))
    result = log.verify()
    assert not result.ok
    assert result.bad_seq == bad_seq
    assert result.reason is not None and result.reason.startswith(why)


def _append_many(home: str, worker: int) -> None:
    log = AuditLog(Path(home))
    for i in range(50):
        log.append(f"worker-{worker}", "token_used", f"token/{i}", {"i": i})


def test_concurrent_appends_from_processes_keep_one_chain(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(str(tmp_path), w)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    log = AuditLog(tmp_path)
    assert [r.seq for r in log.records()] == list(range(1, 201))
    assert log.verify().ok and log.verify().checked == 200


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file modes")
def test_an_unwritable_audit_folder_fails_the_append(tmp_path: Path) -> None:
    (tmp_path / "audit").mkdir()
    (tmp_path / "audit").chmod(0o500)
    try:
        with pytest.raises(AuditUnavailableError) as err:
            AuditLog(tmp_path).append("ana", "query", "gold.sales", {})
    finally:
        (tmp_path / "audit").chmod(0o700)
    assert err.value.code == "audit_unavailable"
    assert "greenroom audit verify" in str(err.value)


def test_an_audit_path_that_is_not_a_folder_fails_the_append(tmp_path: Path) -> None:
    (tmp_path / "audit").write_text("in the way")
    with pytest.raises(AuditUnavailableError) as err:
        AuditLog(tmp_path).append("ana", "erasure", "fan/42", {})
    assert err.value.error_payload()["code"] == "audit_unavailable"


def test_an_unreadable_last_record_fails_the_append(tmp_path: Path) -> None:
    log = filled(tmp_path, 2)
    with log.path.open("a") as f:
        f.write('{"seq": 3, "at"')
    with pytest.raises(AuditUnavailableError, match="last record is unreadable"):
        log.append("ana", "query", "gold.sales", {})


# ---- the CLI ---------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("GREENROOM_HOME", str(tmp_path))
    reset_settings()
    yield CliRunner()
    reset_settings()


def test_cli_log_json_and_filters(cli: CliRunner, tmp_path: Path) -> None:
    filled(tmp_path)
    result = cli.invoke(app, ["log", "--json"])
    assert result.exit_code == 0, result.output
    assert [r["seq"] for r in json.loads(result.stdout)] == [1, 2, 3, 4, 5]
    result = cli.invoke(app, ["log", "--principal", "bo", "--json"])
    assert [r["resource"] for r in json.loads(result.stdout)] == ["gold.sales_2", "gold.sales_4"]
    result = cli.invoke(app, ["log", "--since", "2999-01-01", "--json"])
    assert json.loads(result.stdout) == []
    result = cli.invoke(app, ["log"], env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "gold.sales_5" in result.stdout


def test_cli_log_rejects_a_bad_since(cli: CliRunner) -> None:
    from greenroom.errors import UserError

    result = cli.invoke(app, ["log", "--since", "yesterday"])
    assert isinstance(result.exception, UserError)
    assert "`yesterday` is not an ISO time" in str(result.exception)


def test_cli_verify_exit_codes(cli: CliRunner, tmp_path: Path) -> None:
    log = filled(tmp_path)
    result = cli.invoke(app, ["verify"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "audit log intact: 5 records checked"
    rewrite(log, _edit(lines(log)))
    result = cli.invoke(app, ["verify"])
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "record seq 3 (line 3) is bad: hash mismatch" in result.stderr
