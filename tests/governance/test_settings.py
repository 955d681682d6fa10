"""`LineageSettings`: file by default, HTTP when a URL is set, mountable as `settings.lineage`."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, ValidationError

from greenroom.config import Settings, get_settings
from greenroom.governance.lineage import LineageSettings
from greenroom.governance.lineage.settings import lineage_settings
from greenroom.governance.lineage.transport import open_emitter


def test_events_go_to_files_unless_a_url_is_set() -> None:
    assert LineageSettings().effective_transport == "file"
    assert LineageSettings(url="http://marquez:5000").effective_transport == "http"
    assert (
        LineageSettings(url="http://marquez:5000", transport="file").effective_transport == "file"
    )


def test_http_without_a_url_is_refused() -> None:
    with pytest.raises(ValidationError, match="needs `url`"):
        LineageSettings(transport="http")


class Mounted(Settings):
    """What the root settings look like once `lineage` is mounted."""

    lineage: LineageSettings = Field(default_factory=LineageSettings)


def test_the_environment_sets_the_url_once_mounted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GREENROOM_LINEAGE__URL", "http://marquez:5000")
    monkeypatch.setenv("GREENROOM_LINEAGE__NAMESPACE", "prod")
    settings = Mounted()
    assert lineage_settings(settings).url == "http://marquez:5000"
    assert lineage_settings(settings).namespace == "prod"
    assert lineage_settings(settings).effective_transport == "http"


def test_defaults_apply_before_the_section_is_mounted() -> None:
    assert lineage_settings(get_settings()) == LineageSettings()


def test_the_file_transport_writes_under_the_home_or_the_directory_given(tmp_path: Path) -> None:
    home = tmp_path / "home"
    default = open_emitter(LineageSettings(), home, "run 1/x")
    assert default.destination == str(home / "state" / "lineage" / "run_1_x.ndjson")
    elsewhere = open_emitter(LineageSettings(directory=str(tmp_path / "ol")), home, "r")
    assert elsewhere.destination == str(tmp_path / "ol" / "r.ndjson")
    assert (tmp_path / "ol").is_dir()
