"""`greenroom stream …`: the live ticket-sale stream (local log or Kinesis)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Produce, consume and inspect the live ticket stream.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


@app.command("produce")
def produce(
    count: Annotated[int, typer.Option("--count", help="How many live sale events.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Seed: same seed, same events.")] = 0,
    world: Annotated[
        Path | None, typer.Option(help="A generated world (default: the demo's newest).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Send live ticket sales (with replays, out-of-order and late events) to the stream."""
    from dataclasses import asdict

    from greenroom.cli._output import print_json
    from greenroom.compose import live_sales
    from greenroom.config import get_settings
    from greenroom.ingest.live import produce_events

    settings = get_settings()
    stats = produce_events(settings, live_sales(settings, count, seed, world))
    if json_out:
        print_json(asdict(stats))
    else:
        typer.echo(
            f"produced {stats.records:,} events in {stats.batches:,} puts "
            f"({stats.retried:,} retried) over {len(stats.shards):,} shards in {stats.seconds:.2f} s"
        )


@app.command("consume")
def consume(
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Exit once caught up with the stream.")
    ] = False,
    max_batches: Annotated[int | None, typer.Option(help="Stop after this many batches.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Read micro-batches, validate them, commit to raw + bronze; checkpoint after commit."""
    from dataclasses import asdict

    from greenroom.cli._output import print_json
    from greenroom.config import get_settings
    from greenroom.ingest.live import consume_live
    from greenroom.lake import Lakehouse

    settings = get_settings()
    stats, totals = consume_live(
        Lakehouse.open(settings, create=True),
        settings,
        until_idle=until_idle,
        max_batches=max_batches,
    )
    if json_out:
        print_json({**asdict(stats), **asdict(totals)})
    else:
        typer.echo(
            f"consumed {stats.records:,} records in {stats.batches:,} batches: "
            f"{totals.accepted:,} to bronze, {totals.quarantined:,} quarantined, "
            f"{totals.duplicates:,} duplicates dropped; caught up: {stats.caught_up}"
        )


@app.command("status")
def status(json_out: JsonFlag = False) -> None:
    """Shards, their newest positions, and how far each consumer is behind."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.config import get_settings
    from greenroom.ingest.live import live_status

    state = live_status(get_settings())
    if json_out:
        print_json(state.to_dict())
        return
    rows = [[s.shard_id, s.last_sequence, s.retained] for s in state.shards]
    print_rows(["shard", "last_sequence", "retained"], rows, title=f"stream {state.name}")
    for consumer in state.consumers:
        typer.echo(f"consumer `{consumer}`: {state.behind(consumer):,} records behind")
