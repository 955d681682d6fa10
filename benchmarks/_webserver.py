"""The server under test and the timing helpers of `bench_web.py`: start `greenroom serve`
as a subprocess on a free port, wait for it, describe the machine, time phases of requests
and summarise their latencies."""

from __future__ import annotations

import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
RATE_PER_MINUTE = 10_000_000
RATE_BURST = 1_000_000
TIMEOUT_S = 120.0
TARGET_SCALE = "sf1"
"""The scale the issue's latency targets are stated at."""

# ---- the server ---------------------------------------------------------------------------


class ServerError(RuntimeError):
    pass


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    base: str
    token: str
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU of the server process so far (from /proc)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_mb(self) -> float:
        try:
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def threads(self) -> int:
        try:
            return len(os.listdir(f"/proc/{self.proc.pid}/task"))
        except OSError:
            return 0

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(home: Path, scale: str) -> Iterator[Server]:
    """`python -m greenroom serve` over `home` until the block ends (killed in `finally`)."""
    port = free_port()
    token = f"grn_admin_bench{secrets.token_urlsafe(16)}"
    env = {
        **os.environ,
        "GREENROOM_HOME": str(home),
        "GREENROOM_AUTH__ADMIN_TOKEN": token,
        "GREENROOM_AUTH__RATE_LIMIT_PER_MINUTE": str(RATE_PER_MINUTE),
        "GREENROOM_AUTH__RATE_LIMIT_BURST": str(RATE_BURST),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    log = Path(tempfile.mkstemp(prefix=f"bench-web-{scale}-", suffix=".log")[1])
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "greenroom",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(proc, f"http://127.0.0.1:{port}", token, log)
    try:
        wait_until_up(server)
        yield server
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)
        log.unlink(missing_ok=True)


def wait_until_up(server: Server, timeout_s: float = 120.0) -> None:
    started = time.perf_counter()
    deadline = started + timeout_s
    last = "no answer yet"
    while time.perf_counter() < deadline:
        if server.proc.poll() is not None:
            raise ServerError(
                f"`greenroom serve` exited with code {server.proc.returncode} before "
                f"{server.base}/api/health answered; its output:\n{server.log_tail()}"
            )
        try:
            r = httpx.get(f"{server.base}/api/health", timeout=30)
            if r.status_code == 200:
                return
            last = f"HTTP {r.status_code}: {r.text[:200]}"
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        time.sleep(0.2)
    raise ServerError(
        f"{server.base}/api/health did not answer 200 within {timeout_s:.0f} s (last: {last}); "
        f"the server's output:\n{server.log_tail()}"
    )


def machine_facts(server: Server) -> str:
    try:
        server_cpus = len(os.sched_getaffinity(server.proc.pid))
    except OSError:
        server_cpus = 0
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = f", {int(line.split()[1]) / 1024**2:.1f} GB RAM"
    except OSError:
        pass
    return (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs{mem}; server process "
        f"may run on {server_cpus} CPUs, load generator on {len(os.sched_getaffinity(0))} "
        f"(same machine); uvicorn workers: 1 (`greenroom serve`), sync routes on anyio's "
        f"threadpool (40 threads); Python {platform.python_version()}; {load_average()}"
    )


def load_average() -> str:
    """Other work on the machine skews every figure: say how busy it is."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} CPUs"


# ---- measuring ----------------------------------------------------------------------------


@dataclass
class Hit:
    label: str
    status: int  # 0: no response (the exception is in `error`)
    ms: float
    error: str = ""
    kind: str = ""  # chat: the answer's kind
    turn: int = 0  # chat: 0-based turn in its conversation


@dataclass
class Phase:
    name: str
    hits: list[Hit] = field(default_factory=list)
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    client_cpu_s: float = 0.0

    @property
    def errors(self) -> list[Hit]:
        return [h for h in self.hits if h.status == 0 or h.status >= 400]


def pct(values: list[float], q: float) -> float:
    ms = sorted(values)
    return ms[min(len(ms) - 1, round(q * (len(ms) - 1)))] if ms else float("nan")


def summary(ms: list[float]) -> str:
    if not ms:
        return "no requests"
    return f"p50 {statistics.median(ms):.0f} ms, p95 {pct(ms, 0.95):.0f} ms, max {max(ms):.0f} ms"


def verdict(ms: list[float], target: int, scale: str, errors: int) -> str:
    if not ms:
        return ""
    p95 = pct(ms, 0.95)
    met = p95 <= target and errors == 0
    where = "" if scale == TARGET_SCALE else f", set for {TARGET_SCALE}"
    return f" (target p95 ≤ {target} ms, 0 errors{where}: {'met' if met else 'NOT met'})"


async def timed_phase(name: str, server: Server, work: Any) -> Phase:
    """Run `work()` (a coroutine returning hits), with wall, server and client CPU time."""
    phase = Phase(name)
    cpu0, client0, t0 = server.cpu_seconds(), time.process_time(), time.perf_counter()
    phase.hits = await work()
    phase.wall_s = time.perf_counter() - t0
    phase.server_cpu_s = server.cpu_seconds() - cpu0
    phase.client_cpu_s = time.process_time() - client0
    return phase


def client(server: Server) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=server.base,
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=TIMEOUT_S,
    )


# ---- the dashboard ------------------------------------------------------------------------

Req = tuple[str, str]  # (route label, path with query)
