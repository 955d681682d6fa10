"""`greenroom serve`, `greenroom demo` ending by serving, and `greenroom auth …`, as a user
runs them: real processes, a real port on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import BuiltWorld


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GREENROOM_")}
    return {**env, "GREENROOM_HOME": str(home)}


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "greenroom", *args],
        capture_output=True, text=True, env=_env(home), timeout=120, check=False,
    )  # fmt: skip


def _wait_for_token(proc: subprocess.Popen[str], deadline: float) -> tuple[str, str]:
    """Read stdout until the URL and the admin token have been printed."""
    assert proc.stdout is not None
    url = token = ""
    lines: list[str] = []
    while time.monotonic() < deadline and not (url and token):
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            continue
        lines.append(line)
        if m := re.search(r"serving on (http://\S+)", line):
            url = m.group(1)
        if m := re.search(r"admin token: (\S+)", line):
            token = m.group(1)
    assert url and token, "".join(lines)
    return url, token


def _wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "api/health", timeout=2).status_code in (200, 503):
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=30)
    finally:
        if proc.stdout is not None:
            proc.stdout.close()


@pytest.fixture
def home(messy_world: BuiltWorld, tmp_path: Path) -> Path:
    copy = tmp_path / "home"
    shutil.copytree(messy_world.settings.home, copy)
    return copy


@pytest.mark.integration
def test_serve_prints_url_and_token_and_answers(home: Path) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "greenroom", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env(home),
    )  # fmt: skip
    try:
        url, token = _wait_for_token(proc, time.monotonic() + 60)
        assert url == f"http://127.0.0.1:{port}/"
        _wait_until_up(url, time.monotonic() + 60)
        assert httpx.get(url + "api/metrics").status_code == 401
        r = httpx.get(url + "api/metrics", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 200 and {m["name"] for m in r.json()["metrics"]} >= {"revenue"}
        page = httpx.get(url, follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/signin")
    finally:
        _stop(proc)
    assert (home / "auth" / "admin.token").read_text().strip() == token


@pytest.mark.integration
def test_serve_on_a_taken_port_is_one_line(home: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = _cli(home, "serve", "--port", str(taken.getsockname()[1]))
    assert done.returncode == 1
    assert done.stderr.startswith("error: cannot listen on 127.0.0.1:") and "--port" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.integration
def test_demo_ends_by_serving(tmp_path: Path) -> None:
    port = _free_port()
    home = tmp_path / "home"
    proc = subprocess.Popen(
        [sys.executable, "-m", "greenroom", "demo", "--scale", "tiny", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=_env(home),
    )  # fmt: skip
    try:
        url, token = _wait_for_token(proc, time.monotonic() + 300)
        _wait_until_up(url, time.monotonic() + 60)
        r = httpx.post(
            url + "api/chat",
            json={"message": "how many concerts in 2025?"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert r.status_code == 200 and r.json()["kind"] == "answer"
    finally:
        _stop(proc)


@pytest.mark.slow
def test_auth_token_commands(home: Path) -> None:
    created = _cli(
        home, "auth", "token", "create", "--principal", "maya", "--role", "analyst", "--json"
    )
    assert created.returncode == 0, created.stderr
    issued = json.loads(created.stdout)
    assert issued["token"].startswith(f"grn_{issued['token_id']}_")
    listed = json.loads(_cli(home, "auth", "token", "list", "--json").stdout)
    assert [t["principal"] for t in listed] == ["admin", "maya"]
    assert issued["token"] not in json.dumps(listed)
    human = _cli(home, "auth", "token", "create", "--principal", "raj")
    assert "Shown once" in human.stdout
    revoked = _cli(home, "auth", "token", "revoke", issued["token_id"])
    assert revoked.returncode == 0 and "revoked" in revoked.stdout
    assert [
        t["principal"] for t in json.loads(_cli(home, "auth", "token", "list", "--json").stdout)
    ] == ["admin", "raj"]
    bad = _cli(home, "auth", "token", "create", "--principal", "x", "--role", "root")
    assert bad.returncode == 1 and bad.stderr.startswith("error: no role `root`")
    missing = _cli(home, "auth", "token", "revoke", "nope")
    assert missing.returncode == 1 and "greenroom auth token list" in missing.stderr
    roles = json.loads(_cli(home, "auth", "roles", "--json").stdout)
    assert roles["public_chat"] == ["chat"] and "sql" not in roles["analyst"]
