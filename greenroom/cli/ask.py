"""`greenroom ask "…"` and `greenroom chat`: the assistant in the terminal."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from greenroom.agent.chat import ChatResponse

TodayOption = Annotated[
    dt.datetime | None,
    typer.Option(
        "--today", formats=["%Y-%m-%d"], help="The reference date (default: GREENROOM_TODAY)."
    ),
]


def ask(
    question: Annotated[str, typer.Argument(help="A question in plain words.")],
    session: Annotated[
        str | None, typer.Option("--session", help="Continue this conversation.")
    ] = None,
    today: TodayOption = None,
    json_out: Annotated[bool, typer.Option("--json", help="The chat API's JSON response.")] = False,
) -> None:
    """Ask the assistant one question (follow-ups: pass the printed --session)."""
    from greenroom.cli._output import print_json
    from greenroom.compose import build_assistant
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse

    settings = get_settings()
    bot, reader = build_assistant(Lakehouse.open(settings), settings)
    with reader:
        response = bot.process_user_query(question, session, today.date() if today else None)
    if json_out:
        print_json(response.model_dump(mode="json"))
    else:
        show(response)
        typer.secho(
            f"session {response.session_id}  (follow up with --session {response.session_id})",
            dim=True,
        )


def chat(
    session: Annotated[
        str | None, typer.Option("--session", help="Continue this conversation.")
    ] = None,
    today: TodayOption = None,
) -> None:
    """An interactive conversation (empty line or Ctrl-D to leave)."""
    from greenroom.compose import build_assistant
    from greenroom.config import get_settings
    from greenroom.lake import Lakehouse

    settings = get_settings()
    bot, reader = build_assistant(Lakehouse.open(settings), settings)
    typer.echo("Ask about revenue, tickets, concerts, attendance or customers. Empty line to quit.")
    with reader:
        while True:
            try:
                question = input("you › ").strip()
            except EOFError:
                break
            if not question:
                break
            response = bot.process_user_query(question, session, today.date() if today else None)
            session = response.session_id
            show(response)


_RATIOS = {"share", "growth", "attendance_rate", "attendance_rate_previous"}


def show(response: ChatResponse) -> None:
    """A readable answer: the sentence, how it was read, a small table, suggestions."""
    from greenroom.cli._output import print_rows

    colour = {"answer": "green", "clarification": "yellow", "refusal": "yellow", "error": "red"}
    typer.secho(response.answer, fg=colour[response.kind], bold=True)
    typer.secho(f"  read as: {response.interpretation}", dim=True)
    if (
        response.result
        and response.result.rows
        and (len(response.result.rows) > 1 or len(response.result.columns) > 1)
    ):
        columns = response.result.columns
        ratios = {i for i, c in enumerate(columns) if c in _RATIOS}
        rows = [
            [
                f"{v * 100:.1f}%" if i in ratios and isinstance(v, int | float) else v
                for i, v in enumerate(row)
            ]
            for row in response.result.rows[:15]
        ]
        print_rows(columns, rows)
        if len(response.result.rows) > 15:
            typer.echo(f"  … {len(response.result.rows) - 15:,} more rows (use --json for all)")
    if response.suggestions:
        typer.secho("  try: " + " · ".join(response.suggestions), dim=True)
