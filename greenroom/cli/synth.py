"""`greenroom synth …`: the synthetic concert world."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from greenroom.errors import UserError

app = typer.Typer(help="Generate the synthetic concert world.", no_args_is_help=True)


def parse_defect_rates(values: list[str]) -> dict[str, float]:
    """`KIND=RATE` pairs from the command line into a mapping."""
    rates: dict[str, float] = {}
    for item in values:
        kind, sep, rate = item.partition("=")
        if not sep:
            raise UserError(
                f"`--defect-rate {item}` must look like KIND=RATE, e.g. negative_price=0.01"
            )
        try:
            rates[kind.strip()] = float(rate)
        except ValueError:
            raise UserError(f"rate `{rate}` in `--defect-rate {item}` is not a number") from None
    return rates


@app.command("generate")
def generate(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write sources/ and truth/ into.")
    ],
    scale: Annotated[str, typer.Option(help="tiny, demo, sf1 or sf10.")] = "tiny",
    seed: Annotated[int, typer.Option(help="Random seed; same seed, same bytes.")] = 7,
    clean: Annotated[bool, typer.Option("--clean", help="Inject no defects.")] = False,
    defect_rate: Annotated[
        list[str] | None,
        typer.Option("--defect-rate", help="Override one defect's rate: KIND=RATE (repeatable)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the manifest as JSON.")] = False,
) -> None:
    """Write the source files and the ground truth of a synthetic world."""
    from greenroom import synth
    from greenroom.cli._output import print_json, print_rows
    from greenroom.cli._progress import step_progress
    from greenroom.config import get_settings

    today = get_settings().today
    with step_progress(f"generating `{scale}` world", disable=json_out) as progress:
        manifest = synth.generate(
            out,
            scale=scale,
            seed=seed,
            today=today,
            defect_rates=parse_defect_rates(defect_rate or []),
            clean=clean,
            progress=progress,
        )
    if json_out:
        print_json(manifest.model_dump(mode="json"))
        return
    print_rows(
        ["what", "count"],
        sorted(manifest.counts.items()),
        title=f"synthetic world `{scale}` (seed {seed}, today {today}) → {out}",
    )
