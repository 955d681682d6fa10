"""`greenroom ml …`: the model registry (versions, rollback) and drift checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from greenroom.insights.registry import ModelRegistry

app = typer.Typer(help="Trained models: versions, rollback, drift.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]


def _registry() -> ModelRegistry:
    from greenroom.insights.registry import ModelRegistry
    from greenroom.lake import Lakehouse

    lake = Lakehouse.open()
    return ModelRegistry(lake, lake.settings)


@app.command("models")
def models(
    model: Annotated[str | None, typer.Argument(help="Only this model.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """List every version of every model: status, primary metric, when it served."""
    from greenroom.cli._output import print_json, print_rows

    registry = _registry()
    names = [model] if model else registry.models()
    columns = [
        "model",
        "version",
        "status",
        "primary_metric",
        "value",
        "direction",
        "created_at",
        "promoted_at",
        "error",
    ]
    rows = [
        [
            v.name,
            v.version,
            v.status,
            v.primary_metric or None,
            v.primary_value,
            v.direction if v.primary_metric else None,
            v.created_at,
            v.promoted_at,
            v.error,
        ]
        for name in names
        for v in registry.versions(name)
    ]
    if json_out:
        print_json({"columns": columns, "rows": rows})
    elif not rows:
        typer.echo("no models registered yet")
    else:
        print_rows(
            columns, rows, title="models", optional=("promoted_at", "created_at", "direction")
        )


@app.command("rollback")
def rollback(
    model: Annotated[str, typer.Argument(help="The model to roll back.")],
    to: Annotated[
        int | None, typer.Option("--to", help="Serve this version (default: the previous one).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Serve the previous serving version (or `--to VERSION`); the current one is retired."""
    from greenroom.cli._output import print_json

    served = _registry().rollback(model, to)
    if json_out:
        print_json({"model": served.name, "serving": served.version})
    else:
        typer.echo(f"`{served.name}` version {served.version} is serving")


@app.command("drift")
def drift(
    model: Annotated[str, typer.Argument(help="The model whose features to check.")],
    current: Annotated[
        Path,
        typer.Option(
            "--current", help="Parquet file of today's feature values (a column per feature)."
        ),
    ],
    threshold: Annotated[float, typer.Option(help="PSI above this is an alert.")] = 0.2,
    version: Annotated[int | None, typer.Option(help="Default: the serving version.")] = None,
    json_out: JsonFlag = False,
) -> None:
    """Population stability index per feature, today's sample against the training one."""
    import pyarrow.parquet as pq

    from greenroom.cli._output import print_json, print_rows
    from greenroom.errors import UserError
    from greenroom.insights.drift import check_drift

    if not current.is_file():
        raise UserError(f"`{current}` is not a file; give a Parquet file of today's features")
    report = check_drift(_registry(), model, pq.read_table(current), threshold, version=version)
    if json_out:
        print_json(
            {
                "model": report.model,
                "version": report.version,
                "threshold": report.threshold,
                "psi": report.psi,
                "alerts": list(report.alerts),
                "needs_retrain": report.needs_retrain,
            }
        )
        return
    rows = [[f, round(v, 4), f in report.alerts] for f, v in report.psi.items()]
    print_rows(["feature", "psi", "alert"], rows, title=f"drift of {model} v{report.version}")
    typer.echo("retrain recommended" if report.needs_retrain else "no drift above threshold")
