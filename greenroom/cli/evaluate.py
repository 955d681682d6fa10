"""`greenroom eval chat FILE`: score the assistant on an evaluation set."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Evaluate the assistant.", no_args_is_help=True)


@app.command("chat")
def chat(
    file: Annotated[Path, typer.Argument(help="An evaluation set like eval/chat_dev.yaml.")],
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable report.")] = False,
) -> None:
    """Run every conversation of FILE on the current lake; accuracy, confidently wrong, latency."""
    import datetime as dt

    from greenroom.agent.evaluate import load_set, run_eval
    from greenroom.cli._output import print_json, print_rows
    from greenroom.compose import build_assistant
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse

    data = load_set(file)
    settings = get_settings()
    lake = Lakehouse.open(settings)
    memory_dir = settings.state_dir / "eval-memory"
    memory_dir.mkdir(parents=True, exist_ok=True)
    from greenroom.agent.memory import SqliteMemory

    store = SqliteMemory(memory_dir / f"{dt.datetime.now():%Y%m%d%H%M%S%f}.db")
    bot, reader = build_assistant(lake, settings, memory=store)
    with reader:
        report = run_eval(
            data, reader, lambda q, s, today: bot.process_user_query(q, s, today), settings.today
        )
    if json_out:
        print_json(report.to_json())
        return
    print_rows(
        ["case", "turn", "ok", "ms", "reason"],
        [
            [r.case, r.turn, "✓" if r.ok else "✗", f"{r.ms:.0f}", r.reason[:70]]
            for r in report.results
        ],
        title=f"chat evaluation: {file.name}",
    )
    lat = report.latency()
    typer.echo(
        f"{report.correct}/{len(report.results)} turns correct ({report.accuracy:.1%}), "
        f"{report.confidently_wrong} confidently wrong, latency p50 {lat['p50']:.0f} ms, p95 {lat['p95']:.0f} ms"
    )
