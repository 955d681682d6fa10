"""The web app under load: the dashboard's REST API and the chat, over HTTP.

    python benchmarks/bench_web.py demo [sf1] [--bench-out DIR] [--clients 50] [--sessions 10]

Per scale, `greenroom serve` runs as a subprocess (one uvicorn worker, on 127.0.0.1, a free
port) over the lake bench_chat.py builds (bench-out/chat-<scale>, built by its
`build_lake` when missing, else reused as it is; `--bench-out` or BENCH_OUT points at
another bench-out, `--home` at one lake). The server writes its auth.db, auth/ and
memory.db into that home. The admin token is chosen here and the rate limit is raised far
out of the way, so the limiter is not what is measured.

The load comes from an asyncio + httpx loop in this process, every client with its own
`httpx.AsyncClient`, all started together:

- **dashboard**: `--clients` clients (50), each requesting a spread of the analytics and
  ops GET routes. *cold*: the first pass, every filter combination distinct, so the
  server computes (cache misses, except the few routes without parameters); *warm*: the
  same requests again, served from the response cache; *revalidate*: again with
  `If-None-Match`, answered 304. Target: p95 ≤ 100 ms at sf1, 0 errors.
- **chat**: `--sessions` conversations (10) at once, six turns each (a question, then
  follow-ups like "and in 2024?", "by city", "top 5"), `POST /api/chat` carrying the
  session_id. *cold*: the server's first conversations (assistants are built on first
  use); *warm*: ten more. Target: p95 ≤ 500 ms a turn, 0 errors.
- **one client** / **one session** passes after them give the service time without
  queueing; with the server's CPU time per request they show whether a slow figure is
  slow work or waiting (the server runs Python on one core at a time: one process).

Latencies are client-side, end to end. The load generator shares the machine's cores with
the server: its own CPU time is printed beside the server's. Prints; never fails on a slow
figure (a server that does not come up is a crash).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import httpx
from _webserver import (
    Hit,
    Phase,
    Req,
    Server,
    ServerError,
    client,
    load_average,
    machine_facts,
    pct,
    serve,
    summary,
    timed_phase,
    verdict,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = Path(os.environ.get("BENCH_OUT", ROOT / "bench-out"))
SCALES = ("tiny", "demo", "sf1")
TARGET_DASH_P95_MS = 100
TARGET_CHAT_P95_MS = 500
RATE_PER_MINUTE = 10_000_000
RATE_BURST = 1_000_000
REQUESTS_PER_CLIENT = 8
"""Cold requests per dashboard client: 50 × 8 = 400 distinct URLs, under the response
cache's 512 entries, so the warm passes find them all."""
BASELINE_REQUESTS = 30
"""Requests of the one-client pass, which measures service time without queueing."""
TIMEOUT_S = 120.0


def date_range(rnd: random.Random) -> dict[str, str]:
    year = rnd.choice((2023, 2024, 2025, 2026))
    kind = rnd.random()
    if kind < 0.3:
        return {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    if kind < 0.6:
        q = rnd.randrange(4)
        end = ("03-31", "06-30", "09-30", "12-31")[q]
        return {"date_from": f"{year}-{3 * q + 1:02d}-01", "date_to": f"{year}-{end}"}
    start = rnd.randrange(1, 13)
    months = rnd.randrange(1, 13)
    end_y, end_m = year + (start + months - 1) // 12, (start + months - 1) % 12 + 1
    return {"date_from": f"{year}-{start:02d}-01", "date_to": f"{end_y}-{end_m:02d}-28"}


def analytics_filter(rnd: random.Random, options: dict[str, list[str]]) -> dict[str, str]:
    """0–2 dimension filters with real values, and a date range half the time."""
    dims = {
        "genre": options["genres"],
        "city": options["cities"],
        "country": options["countries"],
        "channel": options["channels"],
        "artist": options["artists"],
        "venue": options["venues"],
    }
    out: dict[str, str] = {}
    for dim in rnd.sample(sorted(d for d, v in dims.items() if v), k=rnd.choice((0, 1, 1, 2))):
        out[dim] = rnd.choice(dims[dim])
    if rnd.random() < 0.5 or not out:
        out |= date_range(rnd)
    return out


def query(params: dict[str, Any]) -> str:
    return ("?" + str(httpx.QueryParams(params))) if params else ""


def dashboard_request(rnd: random.Random, options: dict[str, list[str]]) -> Req:
    """One request as the dashboard pages send them, weighted towards the analytics views."""
    routes = [
        ("analytics/overview", 5),
        ("analytics/venues", 3),
        ("analytics/artists", 3),
        ("analytics/sales/daily", 2),
        ("analytics/sales/breakdown/{by}", 3),
        ("analytics/filters", 0.5),
        ("health", 0.5),
        ("ops/tables", 0.4),
        ("ops/quarantine", 0.6),
        ("ops/pipeline/runs", 0.6),
        ("ops/ingestion/batches", 0.6),
        ("ops/freshness", 0.3),
        ("ops/quality", 0.3),
        ("ops/readiness", 0.2),
    ]
    label = rnd.choices([r for r, _ in routes], weights=[w for _, w in routes])[0]
    if label == "analytics/overview":
        params = {} if rnd.random() < 0.05 else analytics_filter(rnd, options)
        return label, "/api/analytics/overview" + query(params)
    if label in ("analytics/venues", "analytics/artists", "analytics/sales/daily"):
        limit = rnd.choice((20, 25, 50))
        params = analytics_filter(rnd, options) if rnd.random() < 0.7 else {}
        params |= {"limit": limit, "offset": limit * rnd.randrange(0, 6)}
        return label, f"/api/{label}" + query(params)
    if label == "analytics/sales/breakdown/{by}":
        by = rnd.choice(("channel", "price_tier", "weekday"))
        return label, f"/api/analytics/sales/breakdown/{by}" + query(analytics_filter(rnd, options))
    if label == "ops/quarantine":
        return label, f"/api/ops/quarantine?sample={rnd.randrange(0, 51)}"
    if label in ("ops/pipeline/runs", "ops/ingestion/batches"):
        return label, f"/api/{label}?limit={rnd.randrange(5, 101)}&offset={rnd.randrange(0, 3)}"
    return label, f"/api/{label}"


def dashboard_plans(
    options: dict[str, list[str]], clients: int, per_client: int, seed: int, seen: set[str]
) -> list[list[Req]]:
    """Each client's requests; URLs with parameters are distinct across all clients and
    from those in `seen` (which gains them)."""
    rnd = random.Random(seed)
    plans: list[list[Req]] = []
    for _ in range(clients):
        plan: list[Req] = []
        while len(plan) < per_client:
            for _attempt in range(50):
                req = dashboard_request(rnd, options)
                if req[1] not in seen or "?" not in req[1]:
                    break
            seen.add(req[1])
            plan.append(req)
        plans.append(plan)
    return plans


async def dashboard_pass(
    server: Server,
    plans: list[list[Req]],
    etags: dict[str, str] | None = None,
    record: dict[str, str] | None = None,
) -> list[Hit]:
    """Every client requests its plan in order, all clients at once. URLs in `etags` are
    sent with `If-None-Match`; the ETags received go into `record`."""
    gate = asyncio.Event()

    async def one(plan: list[Req]) -> list[Hit]:
        out: list[Hit] = []
        async with client(server) as http:
            await gate.wait()
            for label, url in plan:
                headers = {}
                if etags and url in etags:
                    headers["If-None-Match"] = etags[url]
                t0 = time.perf_counter()
                try:
                    r = await http.get(url, headers=headers)
                    await r.aread()
                    ms = (time.perf_counter() - t0) * 1000
                    out.append(Hit(label, r.status_code, ms))
                    if record is not None and "etag" in r.headers:
                        record[url] = r.headers["etag"]
                except httpx.HTTPError as exc:
                    ms = (time.perf_counter() - t0) * 1000
                    out.append(Hit(label, 0, ms, error=type(exc).__name__))
        return out

    tasks = [asyncio.create_task(one(plan)) for plan in plans]
    await asyncio.sleep(0.05)  # every client connected and waiting
    gate.set()
    return [h for batch in await asyncio.gather(*tasks) for h in batch]


def report_dashboard(scale: str, phase: Phase, *, slowest: int = 0, target: bool = True) -> None:
    ms = [h.ms for h in phase.hits]
    statuses = Counter(h.status for h in phase.hits)
    errors = phase.errors
    rps = len(ms) / phase.wall_s if phase.wall_s else float("nan")
    print(
        f"[{scale}] dashboard {phase.name}: {len(ms)} requests in {phase.wall_s:.2f} s "
        f"({rps:.0f} req/s), {summary(ms)}, {len(errors)} errors"
        f"{verdict(ms, TARGET_DASH_P95_MS, scale, len(errors)) if target else ''}"
    )
    status_text = ", ".join(f"{s or 'no response'}: {n}" for s, n in sorted(statuses.items()))
    print(
        f"[{scale}]   statuses {status_text}; server CPU {phase.server_cpu_s:.1f} s "
        f"({phase.server_cpu_s / phase.wall_s:.0%} of one core, "
        f"{phase.server_cpu_s * 1000 / max(1, len(ms)):.1f} ms a request), load generator "
        f"CPU {phase.client_cpu_s:.1f} s"
    )
    if errors:
        by = Counter(f"{h.label} {h.status or h.error}" for h in errors)
        print(f"[{scale}]   errors: {', '.join(f'{k} ×{n}' for k, n in by.most_common(8))}")
    if slowest:
        per: dict[str, list[float]] = defaultdict(list)
        for h in phase.hits:
            per[h.label].append(h.ms)
        ranked = sorted(per.items(), key=lambda kv: pct(kv[1], 0.95), reverse=True)
        for label, values in ranked[:slowest]:
            print(f"[{scale}]   {label:32} n={len(values):3}  {summary(values)}")


async def run_dashboard(scale: str, server: Server, clients: int) -> None:
    async with client(server) as http:
        t0 = time.perf_counter()
        r = await http.get("/api/analytics/filters")
        r.raise_for_status()
        first_ms = (time.perf_counter() - t0) * 1000
    options = r.json()
    print(
        f"[{scale}] first authenticated request (filters: opens a reader, fills the filter "
        f"lists) {first_ms:.0f} ms: {len(options['artists'])} artists, "
        f"{len(options['venues'])} venues, {len(options['cities'])} cities, "
        f"{len(options['genres'])} genres"
    )
    seen: set[str] = set()
    plans = dashboard_plans(options, clients, REQUESTS_PER_CLIENT, seed=7, seen=seen)
    distinct = len({url for plan in plans for _, url in plan})
    print(
        f"[{scale}] dashboard: {clients} concurrent clients × {REQUESTS_PER_CLIENT} requests, "
        f"{distinct} distinct URLs"
    )
    etags: dict[str, str] = {}
    cold = await timed_phase("cold", server, lambda: dashboard_pass(server, plans, record=etags))
    report_dashboard(scale, cold, slowest=6)
    warm = await timed_phase(
        "warm (from cache, 2 passes)",
        server,
        lambda: dashboard_pass(server, [p + p for p in plans]),
    )
    report_dashboard(scale, warm, slowest=3)
    reval = await timed_phase(
        "revalidate (If-None-Match, 2 passes)",
        server,
        lambda: dashboard_pass(server, [p + p for p in plans], etags),
    )
    report_dashboard(scale, reval)
    alone = dashboard_plans(options, 1, BASELINE_REQUESTS, seed=8, seen=seen)
    for name, plan in (("cold", alone), ("warm", [p + p for p in alone])):
        phase = await timed_phase(
            f"1 client, {name} (service time)", server, lambda p=plan: dashboard_pass(server, p)
        )
        report_dashboard(scale, phase, slowest=4 if name == "cold" else 0, target=False)


# ---- the chat -----------------------------------------------------------------------------


def conversations(options: dict[str, list[str]]) -> list[list[str]]:
    """Ten conversations of six turns: a question, then follow-ups (names from the lake)."""

    def pick(key: str, i: int, default: str) -> str:
        values = options.get(key) or []
        return values[i % len(values)] if values else default

    city_a, city_b = pick("cities", 0, "Berlin"), pick("cities", 1, "Paris")
    genre = pick("genres", 0, "rock")
    artist = pick("artists", 0, "")
    country = pick("countries", 0, "DE")
    return [
        [
            "What was the total ticket revenue in 2025?",
            "and in 2024?",
            "by city",
            "top 5",
            "what about 2023",
            "by channel",
        ],
        [
            "How many tickets were sold in 2024?",
            "and in 2025?",
            "by venue type",
            "just the top 3",
            "and revenue?",
            "by weekday instead",
        ],
        [
            "top 5 artists by tickets sold in 2025",
            "same for 2024",
            "and revenue?",
            f"only the {genre} ones",
            "just the top 3",
            "how does that compare to the year before?",
        ],
        [
            f"Tickets sold in {city_a}?",
            f"What about {city_b}?",
            "and in 2024?",
            "by channel",
            "and revenue?",
            "by venue type",
        ],
        [
            "Show monthly revenue for 2025",
            "and in 2024?",
            "by city",
            "top 5",
            "same but online",
            "by quarter",
        ],
        [
            f"How much revenue did {artist} generate in 2024?",
            "and in 2025?",
            "by city",
            "top 5",
            "and tickets?",
            "by venue type",
        ],
        [
            "Which 3 venues sold the most tickets?",
            "and in 2024?",
            "and by revenue?",
            f"only in {country}",
            "top 5",
            "same for 2025",
        ],
        [
            f"How many concerts were there in {city_a} in 2025?",
            "and in 2024?",
            "by venue type",
            "by month",
            "top 5",
            "What's the weather going to be like in Paris tomorrow?",
        ],
        [
            "What is the average ticket price per price tier?",
            "in 2025",
            "and in 2024?",
            "by channel",
            "by city",
            "top 5",
        ],
        [
            f"How many tickets did {genre} artists sell in 2025?",
            "only at clubs",
            "and in 2024?",
            "by city",
            "top 5",
            "show me the numbers",
        ],
    ]


async def chat_pass(server: Server, scripts: list[list[str]]) -> list[Hit]:
    gate = asyncio.Event()

    async def session(script: list[str]) -> list[Hit]:
        out: list[Hit] = []
        session_id: str | None = None
        async with client(server) as http:
            await gate.wait()
            for turn, message in enumerate(script):
                body: dict[str, Any] = {"message": message}
                if session_id:
                    body["session_id"] = session_id
                t0 = time.perf_counter()
                try:
                    r = await http.post("/api/chat", json=body)
                    ms = (time.perf_counter() - t0) * 1000
                    kind = ""
                    if r.status_code == 200:
                        data = r.json()
                        session_id = data.get("session_id") or session_id
                        kind = str(data.get("kind", ""))
                    out.append(Hit("chat", r.status_code, ms, kind=kind, turn=turn))
                except httpx.HTTPError as exc:
                    ms = (time.perf_counter() - t0) * 1000
                    out.append(Hit("chat", 0, ms, error=type(exc).__name__, turn=turn))
        return out

    tasks = [asyncio.create_task(session(s)) for s in scripts]
    await asyncio.sleep(0.05)
    gate.set()
    return [h for batch in await asyncio.gather(*tasks) for h in batch]


def report_chat(scale: str, phase: Phase, sessions: int, *, target: bool = True) -> None:
    ms = [h.ms for h in phase.hits]
    errors = phase.errors
    kinds = Counter(h.kind or (f"HTTP {h.status}" if h.status else h.error) for h in phase.hits)
    first = [h.ms for h in phase.hits if h.turn == 0]
    follow = [h.ms for h in phase.hits if h.turn > 0]
    print(
        f"[{scale}] chat {phase.name}: {sessions} concurrent sessions, {len(ms)} turns in "
        f"{phase.wall_s:.1f} s ({len(ms) / phase.wall_s:.1f} turns/s), per turn "
        f"{summary(ms)}, {len(errors)} errors"
        f"{verdict(ms, TARGET_CHAT_P95_MS, scale, len(errors)) if target else ''}"
    )
    print(
        f"[{scale}]   first turns {summary(first)}; follow-ups {summary(follow)}; kinds "
        f"{', '.join(f'{k} {n}' for k, n in kinds.most_common())}; server CPU "
        f"{phase.server_cpu_s:.1f} s ({phase.server_cpu_s / phase.wall_s:.0%} of one core, "
        f"{phase.server_cpu_s * 1000 / max(1, len(ms)):.0f} ms a turn)"
    )


async def run_chat(scale: str, server: Server, sessions: int) -> None:
    async with client(server) as http:
        r = await http.get("/api/analytics/filters")
        r.raise_for_status()
    scripts = conversations(r.json())
    passes = [
        ("cold (assistants built on first use)", sessions, 0),
        ("warm", sessions, 5),
        ("1 session, warm (service time)", 1, 2),
    ]
    for name, n, shift in passes:
        batch = [scripts[(i + shift) % len(scripts)] for i in range(n)]
        phase = await timed_phase(name, server, lambda b=batch: chat_pass(server, b))
        report_chat(scale, phase, n, target=n == sessions)


# ---- per scale ----------------------------------------------------------------------------


def lake_home(scale: str, bench_out: Path, home: Path | None) -> Path:
    """The chat benchmark's lake for `scale`: reused when it has gold tables, else built by
    bench_chat.build_lake (the same journey, the same seed)."""
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

    path = home or bench_out / f"chat-{scale}"
    if (path / "greenroom-home.json").exists():
        lake = Lakehouse.open(Settings(home=path))
        if any(t.name.startswith("gold.") for t in lake.list_tables()):
            return path
    sys.path.insert(0, str(HERE))
    from bench_chat import build_lake

    print(f"[{scale}] no built lake at {path}: building it (bench_chat.build_lake)", flush=True)
    build_lake(scale, path)
    return path


def run(scale: str, bench_out: Path, home: Path | None, clients: int, sessions: int) -> None:
    path = lake_home(scale, bench_out, home)
    print(f"[{scale}] lake {path}")
    started = time.perf_counter()
    with serve(path, scale) as server:
        print(
            f"[{scale}] `greenroom serve` up at {server.base} in "
            f"{time.perf_counter() - started:.1f} s (pid {server.proc.pid}); rate limit raised "
            f"to {RATE_PER_MINUTE:,}/min, burst {RATE_BURST:,} (GREENROOM_AUTH__RATE_LIMIT_*) "
            "so it is not what is measured"
        )
        print(f"[{scale}] machine: {machine_facts(server)}")
        asyncio.run(run_dashboard(scale, server, clients))
        asyncio.run(run_chat(scale, server, sessions))
        print(
            f"[{scale}] server at the end: RSS {server.rss_mb():.0f} MB, "
            f"{server.threads()} threads, CPU {server.cpu_seconds():.1f} s; {load_average()}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", default=["demo", "sf1"])
    parser.add_argument(
        "--bench-out", type=Path, default=DEFAULT_OUT, help="where the chat-<scale> lakes are"
    )
    parser.add_argument("--home", type=Path, help="one lake to serve (with a single scale)")
    parser.add_argument("--clients", type=int, default=50, help="dashboard clients at once")
    parser.add_argument("--sessions", type=int, default=10, help="chat sessions at once")
    args = parser.parse_args()
    if args.home and len(args.scales) != 1:
        parser.error("--home serves one lake: give exactly one scale")
    crashed = False
    for scale in args.scales:
        if scale not in SCALES:
            print(f"[{scale}] skipped: the web benchmark runs at {', '.join(SCALES)}")
            continue
        try:
            run(scale, args.bench_out, args.home, args.clients, args.sessions)
        except ServerError as exc:
            print(f"[{scale}] the server did not come up: {exc}", flush=True)
            crashed = True
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
