"""Home validation: missing, unwritable, incompatible layout; create makes a usable home."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from greenroom import __version__
from greenroom.config import Settings
from greenroom.errors import ConfigError
from greenroom.lake import NAMESPACES, HomeError, Lakehouse
from greenroom.lake.home import LAYOUT_VERSION, MARKER_NAME, validate_home


def test_missing_home_says_what_to_do(tmp_path: Path) -> None:
    home = tmp_path / "nothing"
    with pytest.raises(HomeError) as err:
        validate_home(home, create=False)
    assert str(err.value) == f"no lakehouse at `{home}`: run `greenroom demo` or set GREENROOM_HOME"
    assert isinstance(err.value, ConfigError)
    assert not home.exists()


def test_existing_dir_without_marker_is_not_a_lakehouse(tmp_path: Path) -> None:
    with pytest.raises(HomeError, match="no lakehouse at"):
        validate_home(tmp_path, create=False)


def test_create_writes_marker(tmp_path: Path) -> None:
    home = tmp_path / "a" / "b"
    validate_home(home, create=True)
    marker = json.loads((home / MARKER_NAME).read_text())
    assert marker == {"layout": LAYOUT_VERSION, "greenroom": __version__}
    validate_home(home, create=False)  # now valid
    assert sorted(p.name for p in home.iterdir()) == [MARKER_NAME]  # the probe is gone


def test_unwritable_home(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(HomeError, match="cannot create greenroom home"):
        validate_home(blocker / "home", create=True)
    with pytest.raises(HomeError, match="is not a directory"):
        validate_home(blocker, create=True)


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_existing_but_unwritable_directory() -> None:
    # /proc/self refuses new files even for root (chmod would not stop root)
    with pytest.raises(HomeError, match="`/proc/self` is not writable"):
        validate_home(Path("/proc/self"), create=True)


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_directory(tmp_path: Path) -> None:
    validate_home(tmp_path, create=True)
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(HomeError, match="not writable"):
            validate_home(tmp_path, create=False)
    finally:
        tmp_path.chmod(0o700)


def test_incompatible_layout_names_both_versions_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / MARKER_NAME).write_text(json.dumps({"layout": 99, "greenroom": "9.9"}))
    with pytest.raises(HomeError) as err:
        validate_home(tmp_path, create=True)
    message = str(err.value)
    assert "layout version 99" in message
    assert f"layout version {LAYOUT_VERSION}" in message
    assert "`greenroom demo`" in message


def test_corrupt_marker(tmp_path: Path) -> None:
    (tmp_path / MARKER_NAME).write_text("{not json")
    with pytest.raises(HomeError, match="unreadable"):
        validate_home(tmp_path, create=False)


def test_lakehouse_is_lazy_and_validates_on_first_use(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "gr")
    lake = Lakehouse(settings)  # nothing touched yet
    assert not (tmp_path / "gr").exists()
    with pytest.raises(HomeError, match="no lakehouse at"):
        lake.list_tables()
    with pytest.raises(HomeError, match="no lakehouse at"):
        Lakehouse.open(settings)


@pytest.mark.slow
def test_open_create_makes_namespaces(lake_settings: Settings) -> None:
    lake = Lakehouse.open(lake_settings, create=True)
    names = {ns[0] for ns in lake.catalog.list_namespaces()}
    assert set(NAMESPACES) <= names
    assert lake.list_tables() == []
    Lakehouse.open(lake_settings)  # reopening a valid home works


def test_unreachable_catalog_is_a_transient_lake_error(tmp_path: Path) -> None:
    from greenroom.config import LakeSettings
    from greenroom.errors import TransientError
    from greenroom.lake import LakeUnavailableError

    settings = Settings(
        home=tmp_path / "gr",
        lake=LakeSettings(catalog_uri=f"sqlite:///{tmp_path}/missing-dir/catalog.db"),
    )
    with pytest.raises(LakeUnavailableError, match="unable to open database file") as err:
        Lakehouse.open(settings, create=True)
    assert isinstance(err.value, TransientError)
