"""`greenroom demo`: build a world and a lakehouse, then show what is in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from greenroom.config import Settings
    from greenroom.demo import DemoResult
    from greenroom.lake import Lakehouse

HEADLINE_SQL = """
WITH sold AS (
    SELECT concert_id, sum(quantity) AS tickets, sum(quantity * unit_price) AS revenue
    FROM silver.ticket_sales GROUP BY concert_id
)
SELECT year(c.event_date) AS year,
       count(DISTINCT c.concert_id) AS concerts,
       CAST(coalesce(sum(s.tickets), 0) AS BIGINT) AS tickets_sold,
       round(coalesce(sum(s.revenue), 0), 2) AS revenue_usd
FROM silver.concerts AS c LEFT JOIN sold AS s USING (concert_id)
WHERE c.status <> 'cancelled'
GROUP BY 1 ORDER BY 1
"""


def demo(
    scale: Annotated[str, typer.Option(help="tiny, demo, sf1 or sf10.")] = "demo",
    seed: Annotated[int, typer.Option(help="Seed of the synthetic world.")] = 7,
    serve: Annotated[
        bool,
        typer.Option(
            "--serve/--no-serve",
            help="Serve the dashboard, chat and API at the end (Ctrl-C stops); --no-serve "
            "ends after the summary.",
        ),
    ] = True,
    host: Annotated[str, typer.Option(help="Interface to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)] = 8000,
) -> None:
    """Generate the synthetic world, ingest it, build silver and gold, print a summary, then
    serve the web app (its URL and the admin token are the last lines)."""
    from greenroom import synth
    from greenroom.cli._progress import step_progress
    from greenroom.config import get_settings
    from greenroom.demo import run_demo
    from greenroom.errors import UserError
    from greenroom.lake import Lakehouse

    if scale not in synth.SCALES:
        raise UserError(f"unknown scale `{scale}`; choose one of {', '.join(synth.SCALES)}")
    settings = get_settings()
    lake = Lakehouse.open(settings, create=True)
    with step_progress(f"greenroom demo at scale `{scale}`") as progress:
        result = run_demo(lake, settings, scale, seed, progress)
    print_summary(lake, settings, result)
    for run in (result.pipeline, result.insights):
        if run is not None and not run.ok:
            from greenroom.pipeline.exceptions import PipelineFailedError

            raise PipelineFailedError(run)
    if serve:
        from greenroom.cli.serve import run_server

        run_server(settings, host, port)


def print_summary(lake: Lakehouse, settings: Settings, result: DemoResult) -> None:
    from rich.console import Console

    from greenroom.cli._output import print_rows, print_table

    console = Console()
    received = sum(r.received for r in result.ingested if not r.duplicate)
    new_files = sum(1 for r in result.ingested if not r.duplicate)
    console.rule("[bold]greenroom demo")
    console.print(
        f"Ingested {new_files:,} new file(s), {received:,} records "
        f"({len(result.ingested) - new_files:,} already ingested, skipped). "
        f"Pipeline run `{result.pipeline.run_id}`: {result.pipeline.message} "
        f"in {result.pipeline.seconds:.1f} s. Personal data found and tagged in "
        f"{result.personal_columns} column(s): hidden or pseudonymised for every role "
        "without clearance (`greenroom governance compliance`)."
    )
    infos = lake.list_tables()
    print_rows(
        ["table", "rows", "snapshot_id"],
        [[t.name, t.rows, t.snapshot_id] for t in infos],
        title="lakehouse tables",
    )
    with lake.session() as session:
        print_table(session.sql(HEADLINE_SQL), title="concerts, tickets and revenue by year")
    ask_examples(lake, settings, console)
    console.print(
        f"\n[bold]Where the data lives[/] (GREENROOM_HOME={settings.home})\n"
        f"  source files   {result.world / 'sources'}\n"
        f"  ground truth   {result.world / 'truth'}\n"
        f"  raw zone       {settings.raw_dir}\n"
        f"  warehouse      {settings.warehouse_dir}   (Iceberg data + metadata)\n"
        f"  catalog        {settings.catalog_uri}\n"
        "\n[bold]Try next[/]\n"
        "  greenroom serve                             the dashboard, chat and API in a browser\n"
        '  greenroom ask "top 5 venues by attendance rate in 2025"   ask in plain words\n'
        "  greenroom chat                              a conversation with follow-ups\n"
        "  greenroom lake tables                       what is in the lake\n"
        '  greenroom query "SELECT a.name, sum(s.quantity) AS tickets FROM silver.ticket_sales s '
        "JOIN silver.concerts c USING (concert_id) JOIN silver.artists a USING (artist_id) "
        'GROUP BY 1 ORDER BY 2 DESC LIMIT 10"\n'
        '  greenroom query "SELECT unnest(reasons) AS rule, count(*) FROM '
        'quarantine.box_office_sales GROUP BY 1"   why records were rejected\n'
        "  greenroom quality report                    metrics and alerts of this run\n"
        "  greenroom lineage silver.concerts.revenue   where a number comes from\n"
        "  greenroom stream produce --count 5000 && greenroom stream consume --until-idle "
        "&& greenroom pipeline run   live sales, incrementally\n"
        "  greenroom pipeline history                  every run and job"
    )


EXAMPLE_QUESTIONS = (
    "Top 3 artists by revenue last year",
    "and in 2024?",
    "Which city had the most concerts this year?",
)


def ask_examples(lake: Lakehouse, settings: Settings, console: Any) -> None:
    """Three questions to the assistant (the second a follow-up), with their answers."""
    from greenroom.compose import build_assistant

    console.print("\n[bold]Ask it[/] (the chat assistant, offline, on the data above)")
    bot, reader = build_assistant(lake, settings)
    session = None
    with reader:
        for question in EXAMPLE_QUESTIONS:
            response = bot.process_user_query(question, session)
            session = response.session_id
            console.print(f'  [bold]greenroom ask[/] "{question}"', highlight=False)
            console.print(f"    {response.answer}", highlight=False)
