"""Web fixtures: the app over a copy of the tiny messy lake, with a known admin token."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from greenroom.config import AuthSettings, Settings
from tests.conftest import BuiltWorld

ADMIN_TOKEN = "grn_admin_test-admin-token-0123456789"


@pytest.fixture(scope="session")
def web_home(messy_world: BuiltWorld, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the tiny messy lake's home: tokens and memory land here, not in the shared one."""
    home = tmp_path_factory.mktemp("web") / "home"
    shutil.copytree(messy_world.settings.home, home)
    return home


def web_settings(home: Path, **auth: object) -> Settings:
    return Settings(
        home=home,
        auth=AuthSettings(admin_token=SecretStr(ADMIN_TOKEN), **auth),  # type: ignore[arg-type]
    )


@pytest.fixture
def client(web_home: Path) -> Iterator[TestClient]:
    from greenroom.web.app import create_app

    with TestClient(create_app(web_settings(web_home))) as c:
        yield c


@pytest.fixture
def admin() -> dict[str, str]:
    return {"Authorization": f"Bearer {ADMIN_TOKEN}"}
