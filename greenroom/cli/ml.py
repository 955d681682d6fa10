"""`greenroom ml …`: training, recommendations and trends; the model registry (versions,
rollback) and drift checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from greenroom.insights.registry import ModelRegistry
    from greenroom.lake import Lakehouse

app = typer.Typer(
    help="Insights: train models, recommend, trends; model versions, rollback, drift.",
    no_args_is_help=True,
)

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
        Path | None,
        typer.Option(
            "--current",
            help="Parquet file of today's feature values (a column per feature); the "
            "forecaster's are computed from the lake when omitted.",
        ),
    ] = None,
    threshold: Annotated[float, typer.Option(help="PSI above this is an alert.")] = 0.2,
    version: Annotated[int | None, typer.Option(help="Default: the serving version.")] = None,
    retrain: Annotated[
        bool, typer.Option("--retrain", help="Train a new version when a feature drifted.")
    ] = False,
    json_out: JsonFlag = False,
) -> None:
    """Population stability index per feature, today's sample against the training one;
    exit 1 when a feature drifted past the threshold (with `--retrain`, after retraining)."""
    import pyarrow.parquet as pq

    from greenroom.cli._output import print_json, print_rows
    from greenroom.errors import UserError
    from greenroom.insights.drift import check_drift
    from greenroom.insights.train import FORECAST, forecast_serving_features
    from greenroom.lake import Lakehouse

    lake = Lakehouse.open()
    if current is not None:
        if not current.is_file():
            raise UserError(f"`{current}` is not a file; give a Parquet file of today's features")
        today = pq.read_table(current)
    elif model == FORECAST:
        with lake.session() as reader:  # a platform check over silver, like training
            today = forecast_serving_features(reader, lake.settings.today)
    else:
        raise UserError(f"give `--current FILE.parquet`: today's features of `{model}`")
    report = check_drift(_registry_of(lake), model, today, threshold, version=version)
    retrained = None
    if retrain and report.needs_retrain:
        from greenroom.insights.train import train as train_model

        retrained = train_model(lake, lake.settings, model)
    if json_out:
        print_json(
            {
                "model": report.model,
                "version": report.version,
                "threshold": report.threshold,
                "psi": report.psi,
                "alerts": list(report.alerts),
                "needs_retrain": report.needs_retrain,
                "retrained": None
                if retrained is None
                else {"version": retrained.version, "status": retrained.status},
            }
        )
    else:
        rows = [[f, round(v, 4), f in report.alerts] for f, v in report.psi.items()]
        print_rows(["feature", "psi", "alert"], rows, title=f"drift of {model} v{report.version}")
        if not report.needs_retrain:
            typer.echo("no drift above threshold")
        elif retrained is None:
            typer.echo(
                f"drift in {', '.join(report.alerts)}: retrain (`greenroom ml train {model}`)"
            )
        else:
            typer.echo(f"drift in {', '.join(report.alerts)}: retrained, {retrained.name} "
                       f"v{retrained.version} is {retrained.status}")  # fmt: skip
    if report.needs_retrain:
        raise typer.Exit(1)


@app.command("train")
def train(
    model: Annotated[
        str | None, typer.Argument(help="The model to train (default: every model).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Train on the lake as it is now; the new version serves only if it beats the serving
    one on its backtest (a failed or worse training leaves the serving version)."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.insights.train import TRAINERS
    from greenroom.insights.train import train as train_model
    from greenroom.lake import Lakehouse

    lake = Lakehouse.open()
    done = [train_model(lake, lake.settings, name) for name in ([model] if model else TRAINERS)]
    if json_out:
        print_json(
            [
                {
                    "model": v.name,
                    "version": v.version,
                    "status": v.status,
                    "primary_metric": v.primary_metric,
                    "value": v.primary_value,
                    "metrics": v.metrics,
                    "error": v.error,
                }
                for v in done
            ]
        )
    else:
        print_rows(
            ["model", "version", "status", "primary metric", "value", "error"],
            [
                [v.name, v.version, v.status, v.primary_metric, v.primary_value, v.error]
                for v in done
            ],
            title="training",
        )
    if any(v.status == "failed" for v in done):
        raise typer.Exit(1)


@app.command("predict")
def predict(
    artist: Annotated[str, typer.Option("--artist", help="An artist id or exact name.")],
    venue: Annotated[str, typer.Option("--venue", help="A venue id or exact name.")],
    date: Annotated[str, typer.Option("--date", help="The show's date, YYYY-MM-DD.")],
    json_out: JsonFlag = False,
) -> None:
    """Tickets an artist would sell at a venue on a date, with 80% and 95% intervals."""
    from greenroom.cli._output import print_json
    from greenroom.governance.session import governed_session
    from greenroom.insights.forecast import TrainedForecaster, predict_ticket_sales
    from greenroom.insights.train import FORECAST
    from greenroom.lake import Lakehouse

    lake = Lakehouse.open()
    model = TrainedForecaster.from_artefact(_registry_of(lake).load_artefact(FORECAST))
    with governed_session(lake) as reader:
        found = predict_ticket_sales(reader, model, artist, venue, date)
    if json_out:
        print_json(found.__dict__)
        return
    flag = "  (low confidence)" if found.low_confidence else ""
    typer.echo(
        f"{found.predicted_value:,.0f} tickets (80%: {found.lower_80:,.0f}–{found.upper_80:,.0f}; "
        f"95%: {found.lower_95:,.0f}–{found.upper_95:,.0f}), confidence "
        f"{found.confidence_score:.2f}{flag}"
    )
    if found.actual_value is not None:
        typer.echo(f"actually sold: {found.actual_value:,.0f}")


@app.command("venues")
def venues(
    limit: Annotated[int, typer.Option("--limit", min=1, help="Venues to show.")] = 20,
    json_out: JsonFlag = False,
) -> None:
    """Next quarter per venue: bookings and revenue with 80% intervals, and rank change."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.governance.session import governed_session
    from greenroom.insights.forecast import TrainedForecaster
    from greenroom.insights.forecast.venues import forecast_venue_popularity
    from greenroom.insights.train import FORECAST
    from greenroom.lake import Lakehouse
    from greenroom.lake.jsonable import table_to_json

    lake = Lakehouse.open()
    model = TrainedForecaster.from_artefact(_registry_of(lake).load_artefact(FORECAST))
    with governed_session(lake) as reader:
        found = forecast_venue_popularity(reader, model).sort_by("predicted_rank")
    if json_out:
        print_json(table_to_json(found))
        return
    rows = [
        [r["predicted_rank"], r["name"] or r["venue_id"], r["scheduled"], f"{r['revenue']:,.0f}",
         f"{r['revenue_low_80']:,.0f}–{r['revenue_high_80']:,.0f}", r["rank_change"]]
        for r in found.slice(0, limit).to_pylist()
    ]  # fmt: skip
    start = found["quarter_start"][0].as_py() if found.num_rows else None
    print_rows(
        ["rank", "venue", "shows", "revenue", "80% interval", "rank change"],
        rows,
        title=f"venues next quarter (from {start})",
    )


@app.command("recommend")
def recommend(
    customer: Annotated[
        str | None, typer.Option("--customer", help="A customer id (`cus_…`).")
    ] = None,
    likes: Annotated[
        list[str] | None, typer.Option("--likes", help="An artist you like (repeatable).")
    ] = None,
    genre: Annotated[list[str] | None, typer.Option("--genre", help="Repeatable.")] = None,
    city: Annotated[list[str] | None, typer.Option("--city", help="Repeatable.")] = None,
    budget: Annotated[
        float | None, typer.Option("--budget", help="Highest ticket price in USD.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=50)] = 10,
    json_out: JsonFlag = False,
) -> None:
    """Upcoming concerts for a customer, or for tastes alone, each with its reason."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.governance.session import governed_session
    from greenroom.insights.recommend import (
        TrainedRecommender,
        UserPreferences,
        generate_recommendations,
    )
    from greenroom.insights.train import RECOMMENDER
    from greenroom.lake import Lakehouse

    lake = Lakehouse.open()
    registry = _registry_of(lake)
    model = TrainedRecommender.from_bytes(registry.load_artefact(RECOMMENDER))
    prefs = UserPreferences(
        customer_id=customer,
        genres=tuple(genre or ()),
        cities=tuple(city or ()),
        budget=budget,
        liked_artists=tuple(likes or ()),
        limit=limit,
    )
    with governed_session(lake) as reader:
        found = generate_recommendations(reader, model, prefs)
    rows = [[r.date.date().isoformat(), r.artist, r.venue, r.city, r.reason] for r in found]
    if json_out:
        print_json(
            [
                {
                    "concert_id": r.concert_id,
                    "artist": r.artist,
                    "venue": r.venue,
                    "city": r.city,
                    "date": r.date.isoformat(),
                    "score": r.score,
                    "reason": r.reason,
                }
                for r in found
            ]
        )
    else:
        print_rows(["date", "artist", "venue", "city", "why"], rows, title="recommended")


@app.command("trends")
def trends(
    period: Annotated[
        str, typer.Option("--period", help="last_12_months, 2025, 2025-Q3, 2025-07, …")
    ] = "last_12_months",
    metric: Annotated[
        list[str] | None, typer.Option("--metric", help="revenue, tickets, concerts (repeatable).")
    ] = None,
    json_out: JsonFlag = False,
) -> None:
    """Growth with significance, seasonality, change points and anomalies, in plain words."""
    from greenroom.cli._output import print_json
    from greenroom.governance.session import governed_session
    from greenroom.insights.trends import analyze_trends
    from greenroom.lake import Lakehouse
    from greenroom.lake.jsonable import table_to_json

    lake = Lakehouse.open()
    with governed_session(lake) as reader:
        found = analyze_trends(
            reader, period, tuple(metric or ("revenue", "tickets")), today=lake.settings.today
        )
    if json_out:
        print_json(
            {
                "period": [found.period.start.isoformat(), found.period.end.isoformat()],
                "previous": [found.previous.start.isoformat(), found.previous.end.isoformat()],
                "insights": found.insights,
                "growth": table_to_json(found.growth),
                "anomalies": table_to_json(found.anomalies),
            }
        )
        return
    for line in found.insights:
        typer.echo(f"• {line}")


def _registry_of(lake: Lakehouse) -> ModelRegistry:
    from greenroom.insights.registry import ModelRegistry

    return ModelRegistry(lake, lake.settings)
