"""`greenroom lineage TARGET`: where a table or column comes from, back to bronze and the
raw files.

    greenroom lineage silver.concerts.revenue        # a tree, for people
    greenroom lineage silver.concerts --json         # {"nodes": [...], "edges": [...]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.tree import Tree

    from greenroom.governance.lineage.path import LineagePath, PathEdge, PathNode

MAX_RAW_FILES = 5
MODELS_ROOT = "greenroom/pipeline/models"
_STYLE = {
    "lake": "bold cyan",
    "ephemeral": "magenta",
    "bronze": "bold green",
    "reference": "yellow",
    "raw": "dim",
}


def lineage(
    target: Annotated[
        str,
        typer.Argument(help="`ns.table` for table lineage, `ns.table.column` for a column."),
    ],
    json_out: Annotated[
        bool, typer.Option("--json", help='Print {"nodes": [...], "edges": [...]}.')
    ] = False,
) -> None:
    """Show what a table or column is computed from, back to bronze tables and raw files."""
    from greenroom.cli._output import print_json
    from greenroom.governance.lineage.path import trace_back
    from greenroom.lake import Lakehouse

    path = trace_back(Lakehouse.open(), target)
    if json_out:
        print_json(path.to_json())
        return
    from rich.console import Console

    console = Console()
    console.print(render(path))
    console.print(f"[dim]lineage from {path.origin}[/]")


def render(path: LineagePath) -> Tree:
    """The path as a rich tree: each node's inputs below it, each subtree printed once."""
    from rich.tree import Tree

    tree = Tree(_label(path.nodes[path.root], None))
    _grow(path, tree, path.root, {path.root})
    return tree


def _grow(path: LineagePath, branch: Tree, node_id: str, shown: set[str]) -> None:
    inputs = sorted(path.upstream(node_id), key=lambda pair: (pair[1].kind == "raw", pair[1].id))
    raw = [pair for pair in inputs if pair[1].kind == "raw"]
    for edge, node in inputs[: len(inputs) - len(raw) + MAX_RAW_FILES]:
        again = node.id in shown and bool(path.upstream(node.id))
        child = branch.add(_label(node, edge) + (" [dim](↑ see above)[/]" if again else ""))
        if not again:
            shown.add(node.id)
            _grow(path, child, node.id, shown)
    if len(raw) > MAX_RAW_FILES:
        branch.add(f"[dim]… {len(raw) - MAX_RAW_FILES:,} more raw files (--json lists all)[/]")


def _label(node: PathNode, edge: PathEdge | None) -> str:
    from rich.markup import escape

    text = f"[{_STYLE[node.kind]}]{escape(node.id.removeprefix('raw:'))}[/]"
    if edge is None or node.kind == "raw":  # a raw file's name carries its batch id
        return text
    notes = [escape(edge.transformation.removeprefix(MODELS_ROOT + "/"))]
    if edge.subtype:
        notes.append(edge.subtype.lower())
    if not edge.precise:
        notes.append("[yellow]table-level: not traced to a column[/]")
    return f"{text} [dim]← {' · '.join(notes)}[/]"
