"""The chat assistant, offline: answer latency p50/p95 and evaluation accuracy.

    python benchmarks/bench_chat.py demo [sf1]

Per scale, the whole journey is built once into bench-out/chat-<scale> (later runs reuse
it). Then every turn of ../shared/eval/chat_dev.yaml and tests/agent/fixtures/
chat_coverage.yaml is asked through the same code as `greenroom ask` (memory on, a fresh
session per conversation), and timed end to end (planning, SQL, answer, chart, memory).
Targets: p95 ≤ 300 ms at demo scale, ≤ 1 s at sf1. Prints; never fails on a slow figure.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.lake import Lakehouse

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-out"
SETS = {
    "chat_dev": ROOT.parent / "shared" / "eval" / "chat_dev.yaml",
    "coverage": ROOT / "tests" / "agent" / "fixtures" / "chat_coverage.yaml",
    "paraphrases": ROOT / "tests" / "agent" / "fixtures" / "chat_paraphrases.yaml",
    "analyst": ROOT / "tests" / "agent" / "fixtures" / "chat_analyst.yaml",
    "variants": ROOT / "tests" / "agent" / "fixtures" / "chat_variants.yaml",
    "blind": ROOT / "tests" / "agent" / "fixtures" / "chat_blind.yaml",
    "followups": ROOT / "tests" / "agent" / "fixtures" / "chat_followups.yaml",
    "registers": ROOT / "tests" / "agent" / "fixtures" / "chat_registers.yaml",
}
TARGET_P95_MS = {"demo": 300, "sf1": 1000}


def build_lake(scale: str, home: Path | None = None) -> tuple[Lakehouse, Settings]:
    """The whole journey at `scale` into `home` (default bench-out/chat-<scale>): built the
    first time, brought up to date (a quick pipeline run) after. bench_web.py reuses it."""
    from greenroom.config import Settings
    from greenroom.demo import run_demo
    from greenroom.lake import Lakehouse

    settings = Settings(home=home or OUT / f"chat-{scale}")
    lake = Lakehouse.open(settings, create=True)
    started = time.perf_counter()
    run_demo(lake, settings, scale, seed=7)
    print(f"[{scale}] lake ready in {time.perf_counter() - started:.0f} s", flush=True)
    return lake, settings


def run(scale: str) -> None:
    from greenroom.agent.evaluate import load_set, run_eval
    from greenroom.agent.memory import SqliteMemory
    from greenroom.compose import build_assistant

    lake, settings = build_lake(scale)
    memory = SqliteMemory(settings.state_dir / f"bench-memory-{time.time_ns()}.db")
    started = time.perf_counter()
    bot, reader = build_assistant(lake, settings, memory=memory)
    print(
        f"[{scale}] assistant ready (lexicon built) in {(time.perf_counter() - started) * 1000:.0f} ms"
    )
    all_ms: list[float] = []
    with reader:
        for name, path in SETS.items():
            if not path.exists():
                print(f"[{scale}] {name}: {path} missing, skipped")
                continue
            report = run_eval(load_set(path), reader, bot.process_user_query, settings.today)
            lat = report.latency()
            all_ms += [r.ms for r in report.results]
            print(
                f"[{scale}] {name}: {report.correct}/{len(report.results)} correct "
                f"({report.accuracy:.1%}), {report.confidently_wrong} confidently wrong, "
                f"latency p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms"
            )
    if all_ms:
        ms = sorted(all_ms)
        p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
        target = TARGET_P95_MS.get(scale)
        verdict = (
            f" (target ≤ {target} ms: {'met' if p95 <= target else 'NOT met'})" if target else ""
        )
        print(
            f"[{scale}] all {len(ms)} turns: p50 {statistics.median(ms):.0f} ms, "
            f"p95 {p95:.0f} ms, max {ms[-1]:.0f} ms{verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scales", nargs="*", default=["demo", "sf1"])
    args = parser.parse_args()
    for scale in args.scales:
        if scale in ("tiny", "demo", "sf1"):
            run(scale)
        else:
            print(f"[{scale}] skipped: the chat benchmark runs at tiny, demo and sf1")


if __name__ == "__main__":
    main()
