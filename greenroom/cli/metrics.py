"""`greenroom metrics …`: the semantic layer's metrics and dimensions, and typed queries."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from greenroom.errors import UserError

if TYPE_CHECKING:
    from greenroom.semantic import Filter
    from greenroom.semantic.query import Op

app = typer.Typer(help="The semantic layer: metrics and dimensions.", no_args_is_help=True)


@app.command("list")
def list_(
    json_out: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """List every metric and dimension with its definition."""
    from greenroom.cli._output import print_json, print_rows
    from greenroom.semantic import get_catalog

    catalog = get_catalog()
    if json_out:
        print_json(catalog.describe())
        return
    print_rows(
        ["metric", "definition", "grain"],
        [[m.name, m.description, m.grain] for m in catalog.metrics.values()],
        title="metrics",
    )
    print_rows(
        ["dimension", "expression"],
        [[d.name, d.expr] for d in catalog.dimensions.values()],
        title="dimensions",
    )


@app.command("query")
def query(
    metric: Annotated[list[str], typer.Option("--metric", "-m", help="A metric (repeatable).")],
    by: Annotated[
        list[str] | None, typer.Option("--by", help="A dimension to group by (repeatable).")
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option(
            "--where", help="A filter `dim=value`, `dim!=value` or `dim=a,b` (repeatable)."
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option(help="Keep the top N rows by the first metric.", min=1)
    ] = None,
    ascending: Annotated[
        bool, typer.Option("--ascending", help="Bottom N instead of top N.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help='{"sql", "columns", "rows"}.')] = False,
) -> None:
    """Run a typed query, e.g. `--metric revenue --by artist --where year=2025 --limit 5`."""
    from greenroom.cli._output import print_json, print_table
    from greenroom.config import get_settings
    from greenroom.governance.session import governed_session
    from greenroom.lake import Lakehouse
    from greenroom.lake.jsonable import table_to_json
    from greenroom.semantic import Order, SemanticLayer, SemanticQuery

    filters = [_filter(w) for w in (where or [])]
    q = SemanticQuery(
        metrics=tuple(metric),
        dimensions=tuple(by or ()),
        filters=tuple(filters),
        order=(Order(by=metric[0], descending=not ascending),) if limit else (),
        limit=limit,
    )
    settings = get_settings()
    with governed_session(Lakehouse.open(settings)) as reader:
        result = SemanticLayer(reader, settings.today).run(q)
    if json_out:
        print_json({"sql": result.compiled.display_sql, **table_to_json(result.table)})
    else:
        typer.secho(result.compiled.display_sql, dim=True)
        print_table(result.table)


def _filter(text: str) -> Filter:
    from greenroom.semantic import Filter

    for op_text, negated in (("!=", True), ("=", False)):
        if op_text in text:
            dim, _, raw = text.partition(op_text)
            values = tuple(v.strip() for v in raw.split(",") if v.strip())
            if not dim.strip() or not values:
                break
            many = len(values) > 1
            op: Op = ("not_in" if many else "ne") if negated else ("in" if many else "eq")
            return Filter(dimension=dim.strip(), op=op, values=values)
    raise UserError(f"filter `{text}` is not `dimension=value` (or `!=`, or `=a,b`)")
