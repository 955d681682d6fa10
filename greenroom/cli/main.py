"""The `greenroom` command: `greenroom <noun> <verb>`.

Heavy imports (pyarrow, pyiceberg, duckdb) happen inside the commands, so `--help` answers
at once. Every :class:`~greenroom.errors.GreenroomError` becomes one line on stderr and
exit code 1; a usage mistake gets typer's short usage error and exit code 2; a traceback
means a bug.
"""

from __future__ import annotations

import sys

import typer

from greenroom.cli import (
    ask,
    audit,
    auth,
    demo,
    evaluate,
    governance,
    ingest,
    lake,
    lineage,
    metrics,
    ml,
    partners,
    pipeline,
    quality,
    query,
    readiness,
    serve,
    stream,
    synth,
)
from greenroom.errors import GreenroomError

app = typer.Typer(
    name="greenroom",
    help="Data readiness for AI on live-music data: a synthetic world, an Iceberg lakehouse, "
    "a pipeline and AI on top. Settings: GREENROOM_HOME, GREENROOM_TODAY.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command("demo")(demo.demo)
app.command("query")(query.query)
app.command("lineage")(lineage.lineage)
app.command("readiness")(readiness.readiness)
app.command("ask")(ask.ask)
app.command("chat")(ask.chat)
app.command("serve")(serve.serve)
app.add_typer(metrics.app, name="metrics")
app.add_typer(evaluate.app, name="eval")
app.add_typer(synth.app, name="synth")
app.add_typer(lake.app, name="lake")
app.add_typer(ingest.app, name="ingest")
app.add_typer(stream.app, name="stream")
app.add_typer(partners.app, name="partners")
app.add_typer(quality.app, name="quality")
app.add_typer(pipeline.app, name="pipeline")
app.add_typer(auth.app, name="auth")
app.add_typer(audit.app, name="audit")
app.add_typer(governance.app, name="governance")
app.add_typer(ml.app, name="ml")


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; turn greenroom errors into one clean line and exit code 1.

    Standalone mode lets typer print usage errors (exit 2), `--help` and Ctrl-C itself:
    typer carries its own copy of click, so catching `click`'s exceptions here misses them.
    """
    try:
        app(args=argv, standalone_mode=True)
    except GreenroomError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
