"""Tokens: shown once, stored as digests, checked in constant time, revocable at once."""

from __future__ import annotations

import stat
import threading
from pathlib import Path

import pytest

from greenroom.errors import UserError
from greenroom.governance.exceptions import (
    TokenNotFoundError,
    UnauthenticatedError,
    UnknownRoleError,
)
from greenroom.governance.tokens import TokenStore, token_id_of


def test_create_authenticate_list_and_revoke(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    issued = store.create("maya", "analyst", {"team": "insights"})
    assert token_id_of(issued.token) == issued.info.token_id
    info = store.authenticate(issued.token)
    assert (info.principal, info.role, dict(info.attributes)) == (
        "maya",
        "analyst",
        {"team": "insights"},
    )
    assert info.as_principal().roles == ("analyst",)
    assert [i.token_id for i in store.list()] == [issued.info.token_id]
    store.revoke(issued.info.token_id)
    with pytest.raises(UnauthenticatedError):
        store.authenticate(issued.token)
    assert store.list() == []
    assert store.list(include_revoked=True)[0].revoked_at is not None
    with pytest.raises(TokenNotFoundError):
        store.revoke("nope")


def test_only_a_digest_is_stored(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    issued = store.create("maya", "analyst")
    secret = issued.token.split("_", 2)[2]  # grn_<id>_<secret>; the secret may hold `_`
    raw = (tmp_path / "auth.db").read_bytes()
    assert secret.encode() not in raw and issued.token.encode() not in raw


def test_a_token_with_the_right_id_but_wrong_secret_fails(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    issued = store.create("maya", "analyst")
    forged = issued.token[:-3] + ("aaa" if not issued.token.endswith("aaa") else "bbb")
    for bad in (forged, "", "grn_", "grn_x_", "Bearer x", issued.info.token_id):
        with pytest.raises(UnauthenticatedError):
            store.authenticate(bad)


def test_unknown_role_and_the_builtin_admin_name_are_refused(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    with pytest.raises(UnknownRoleError, match="analyst"):
        store.create("maya", "superuser")
    with pytest.raises(UserError, match="built-in"):
        store.create("admin", "analyst")


def test_admin_token_configured_or_generated_once_with_private_mode(tmp_path: Path) -> None:
    assert TokenStore(tmp_path, "grn_admin_fixed").admin_token() == "grn_admin_fixed"
    tokens: list[str] = []
    threads = [
        threading.Thread(target=lambda: tokens.append(TokenStore(tmp_path).admin_token()))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(tokens)) == 1  # racing first starts agree on one token
    path = tmp_path / "auth" / "admin.token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert TokenStore(tmp_path).authenticate(tokens[0]).role == "admin"
    assert list((tmp_path / "auth").glob("*.tmp")) == []


def test_a_corrupt_store_is_one_clear_error(tmp_path: Path) -> None:
    from greenroom.governance.exceptions import TokenStoreError

    (tmp_path / "auth.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(TokenStoreError, match="move the file aside") as err:
        TokenStore(tmp_path).create("maya", "analyst")
    assert err.value.code == "token_store_unavailable"
