"""`greenroom ingest …`: bring source data into raw + bronze, checked by its contract."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Ingest files and partner APIs into the lakehouse.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def result_json(result: Any) -> dict[str, Any]:
    out = asdict(result)
    out["seconds"] = round(out["seconds"], 3)
    return out


def print_result(result: Any) -> None:
    from rich.console import Console

    console = Console()
    if result.duplicate:
        console.print(
            f"[yellow]already ingested[/] as batch {result.batch_id} "
            f"({result.received:,} records); nothing written"
        )
        return
    console.print(
        f"batch [bold]{result.batch_id}[/] ({result.feed} ← {result.origin}): "
        f"received {result.received:,} = accepted {result.accepted:,} "
        f"+ quarantined {result.quarantined:,} in {result.seconds:.2f} s; "
        f"bronze snapshot {result.snapshot_id}"
    )
    if result.quarantined:
        console.print(
            f'  see why: greenroom query "SELECT reasons, count(*) FROM quarantine.{result.feed} '
            f"WHERE _batch_id = '{result.batch_id}' GROUP BY 1\""
        )


@app.command("file")
def ingest_file(
    path: Annotated[Path, typer.Argument(help="The file to ingest (CSV, JSON, NDJSON or XML).")],
    source: Annotated[str, typer.Option("--source", help="The feed it belongs to.")],
    json_out: JsonFlag = False,
) -> None:
    """Land one file in the raw zone and load it into bronze; bad records go to quarantine."""
    from greenroom.cli._output import print_json
    from greenroom.config import get_settings
    from greenroom.ingest.feeds import get_feed
    from greenroom.ingest.files import process_file_upload
    from greenroom.lake import Lakehouse

    get_feed(source)
    settings = get_settings()
    lake = Lakehouse.open(settings, create=True)
    result = process_file_upload(lake, settings, path, source)
    if json_out:
        print_json(result_json(result))
    else:
        print_result(result)


@app.command("api")
def ingest_api(
    partner: Annotated[str, typer.Argument(help="musicbrainz, ticketmaster or spotify.")],
    full: Annotated[bool, typer.Option("--full", help="Ignore the stored cursor.")] = False,
    json_out: JsonFlag = False,
) -> None:
    """Sync a partner API after its stored cursor and load what is new into bronze.

    Without credentials in settings this talks to `greenroom partners serve`.
    """
    from greenroom.cli._output import print_json
    from greenroom.config import get_settings
    from greenroom.ingest.api import ingest_api_data
    from greenroom.lake import Lakehouse

    settings = get_settings()
    results = ingest_api_data(Lakehouse.open(settings, create=True), settings, partner, full=full)
    if json_out:
        print_json([result_json(r) for r in results])
    else:
        for result in results:
            print_result(result)
