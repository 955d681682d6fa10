"""Auditing cannot be turned off: no setting stops it for a principal, and a read whose
record cannot be written does not happen (the CLI exits 1 with one line)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pytest

from greenroom.cli.main import main
from greenroom.config import Settings, reset_settings
from greenroom.governance.audit import AuditLog
from greenroom.governance.exceptions import AuditUnavailableError
from greenroom.governance.principals import ADMIN, SYSTEM, Principal
from greenroom.governance.session import governed_session
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld, audit_unwritable

OFF_SWITCHES = {
    "GREENROOM_AUDIT": "off",
    "GREENROOM_AUDIT__ENABLED": "false",
    "GREENROOM_GOVERNANCE__AUDIT": "false",
    "GREENROOM_GOVERNANCE__AUDIT__ENABLED": "0",
    "GREENROOM_AUTH__AUDIT": "false",
}


def test_no_setting_names_the_audit() -> None:
    def names(model: type[object], prefix: str = "") -> set[str]:
        from pydantic import BaseModel

        out = set()
        for name, info in getattr(model, "model_fields", {}).items():
            out.add(prefix + name)
            kind = info.annotation
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                out |= names(kind, f"{prefix}{name}.")
        return out

    assert not [n for n in names(Settings) if "audit" in n.lower()]


@pytest.mark.parametrize(
    "principal",
    [ADMIN, Principal("ana", ("analyst",)), Principal("system", ("admin",))],
    ids=["admin", "analyst", "named-system-but-not-the-system-principal"],
)
def test_off_switches_in_the_environment_change_nothing(
    lake: Lakehouse, monkeypatch: pytest.MonkeyPatch, principal: Principal
) -> None:
    for key, value in OFF_SWITCHES.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    lake.create_table("gold.sales", pa.schema([pa.field("amount", pa.float64())]))
    with governed_session(Lakehouse.open(Settings()), principal) as session:
        session.sql("SELECT count(*) FROM gold.sales")
    (record,) = AuditLog(lake.settings.home).records()
    assert (record.principal, record.action, record.resource) == (
        principal.name, "query", "gold.sales"
    )  # fmt: skip


def test_only_the_system_principal_reads_unaudited(lake: Lakehouse) -> None:
    lake.create_table("gold.sales", pa.schema([pa.field("amount", pa.float64())]))
    with governed_session(lake, SYSTEM) as session:
        session.sql("SELECT count(*) FROM gold.sales")
    assert AuditLog(lake.settings.home).records() == []


def test_a_read_whose_record_cannot_be_written_fails(lake: Lakehouse) -> None:
    lake.create_table("gold.sales", pa.schema([pa.field("amount", pa.float64())]))
    with (
        audit_unwritable(lake.settings.home),
        governed_session(lake, ADMIN) as session,
        pytest.raises(AuditUnavailableError),
    ):
        session.sql("SELECT count(*) FROM gold.sales")


def test_cli_query_exits_1_with_one_line_when_the_audit_cannot_be_written(
    messy_world: BuiltWorld,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    home = tmp_path / "copy"
    shutil.copytree(messy_world.settings.home, home)
    monkeypatch.setenv("GREENROOM_HOME", str(home))
    reset_settings()
    with audit_unwritable(home), pytest.raises(SystemExit) as exit_info:
        main(["query", "SELECT count(*) AS n FROM silver.venues"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "audit log" in lines[0] and "Traceback" not in err
    assert "n" not in out.split()  # no rows printed


def test_principal_and_token_changes_are_audited_before_they_happen(lake: Lakehouse) -> None:
    from greenroom.governance.service import DataGovernanceService

    service = DataGovernanceService(lake.settings, lake)
    service.add_principal("vp", "venue_partner", {"venue_ids": "ven_1"})
    service.add_principal("vp", "venue_partner", {"venue_ids": "ven_1,ven_2"})
    issued = service.create_token("vp")
    service.revoke_token(issued.info.token_id)
    service.remove_principal("vp")
    seen = [
        (r.action, r.resource, r.detail["change"]) for r in AuditLog(lake.settings.home).records()
    ]
    token = f"token:{issued.info.token_id}"
    assert seen == [
        ("grant", "principal:vp", "principal added"),
        ("grant", "principal:vp", "principal changed"),
        ("grant", token, "token created"),
        ("revoke", token, "token revoked"),
        ("revoke", "principal:vp", "principal removed"),
    ]
    with audit_unwritable(lake.settings.home), pytest.raises(AuditUnavailableError):
        service.add_principal("ana", "analyst")
    assert service.tokens.principal("ana") is None  # no record, no change
