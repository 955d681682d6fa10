"""`greenroom partners serve`: the local partner simulator (MusicBrainz, Ticketmaster, Spotify)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The partner API simulator.", no_args_is_help=True)


@app.command("serve")
def serve(
    world: Annotated[
        Path | None, typer.Option(help="A generated world (default: the demo's newest).")
    ] = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8765,
) -> None:
    """Serve the synthetic world through the partners' own protocols until Ctrl-C."""
    from greenroom.compose import latest_world
    from greenroom.config import get_settings
    from greenroom.synth.partners import serve as run

    directory = world or latest_world(get_settings())
    try:
        run(
            directory,
            "127.0.0.1",
            port,
            on_ready=lambda url: typer.echo(f"partner simulator for {directory} at {url}"),
        )
    except KeyboardInterrupt:
        typer.echo("stopped")
