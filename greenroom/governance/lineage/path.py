"""The path back from a table or column to the bronze tables and the raw files behind
them: what `greenroom lineage` prints.

Lineage comes from `ops.lineage_edges` (the latest recording per relation) when a run was
recorded, else it is derived from the model files now. A bronze column leads to its table,
a bronze table to the raw files of the batches whose rows it holds
(`ops.ingestion_batches.raw_path`).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from greenroom.errors import GreenroomError
from greenroom.governance.lineage import store
from greenroom.governance.lineage.exceptions import UnknownColumnError, UnknownRelationError
from greenroom.governance.lineage.graph import LineageGraph
from greenroom.governance.lineage.records import relation_kind, split_ref

if TYPE_CHECKING:
    from greenroom.lake import Lakehouse

NodeKind = Literal["bronze", "lake", "ephemeral", "reference", "raw"]


@dataclass(frozen=True)
class PathNode:
    id: str
    relation: str
    column: str | None
    kind: NodeKind


@dataclass(frozen=True)
class PathEdge:
    source: str
    target: str
    transformation: str
    precise: bool = True
    subtype: str | None = None


@dataclass(frozen=True)
class LineagePath:
    root: str
    nodes: dict[str, PathNode]
    edges: tuple[PathEdge, ...]
    origin: str
    """Where the lineage came from: `ops.lineage_edges` or the model files."""

    def upstream(self, node_id: str) -> list[tuple[PathEdge, PathNode]]:
        return [(e, self.nodes[e.source]) for e in self.edges if e.target == node_id]

    def to_json(self) -> dict[str, Any]:
        return {
            "target": self.root,
            "origin": self.origin,
            "nodes": [vars(n) for n in self.nodes.values()],
            "edges": [vars(e) for e in self.edges],
        }


def current_graph(lake: Lakehouse | None, relation: str | None = None) -> tuple[LineageGraph, str]:
    """The recorded lineage when a run recorded that of `relation` (of anything, when
    None), else the lineage derived from the model files now."""
    stored = store.read_current(lake) if lake is not None else None
    if stored:
        graph = LineageGraph(stored, {})
        if relation is None or relation in graph.relations():
            return graph, store.TABLE
    from greenroom.governance.lineage.derive import derive

    return derive(lake).graph, "the model files (no run recorded it yet)"


def trace_back(lake: Lakehouse | None, ref: str) -> LineagePath:
    """Everything `ref` (`ns.table` or `ns.table.column`) is computed from."""
    relation, column = split_ref(ref)
    graph, origin = current_graph(lake, relation)
    column = _check(lake, graph, relation, column)
    root = _node(relation, column)
    nodes = {root.id: root}
    edges: list[PathEdge] = []
    todo = deque([root])
    while todo:
        node = todo.popleft()
        for source, edge in _upstream(lake, graph, node):
            edges.append(edge)
            if source.id not in nodes:
                nodes[source.id] = source
                todo.append(source)
    return LineagePath(root.id, nodes, tuple(edges), origin)


def _upstream(
    lake: Lakehouse | None, graph: LineageGraph, node: PathNode
) -> list[tuple[PathNode, PathEdge]]:
    if node.kind == "bronze" and node.column is not None:
        table = _node(node.relation, None)
        return [(table, PathEdge(table.id, node.id, "ingest"))]
    if node.kind == "bronze":
        return [
            (raw, PathEdge(raw.id, node.id, f"ingest batch {batch_id}"))
            for batch_id, raw in _raw_files(lake, node.relation)
        ]
    out = []
    for e in graph.upstream(node.relation, node.column):
        source = _node(e.source_table, e.source_column)
        out.append((source, PathEdge(source.id, node.id, e.transformation, e.precise, e.subtype)))
    return out


def _check(
    lake: Lakehouse | None, graph: LineageGraph, relation: str, column: str | None
) -> str | None:
    in_lake = relation_kind(relation) in ("bronze", "lake")
    stored = lake is not None and in_lake and lake.exists(relation)
    if relation not in graph.relations() and not stored:
        known = sorted(r for r in graph.targets if relation_kind(r) == "lake")
        raise UnknownRelationError(relation, known)
    if column is None:
        return None
    columns = graph.columns(relation)
    if stored and lake is not None:
        columns = tuple(lake.schema(relation).names)
    spelled = {c.lower(): c for c in columns}
    if column.lower() not in spelled:
        raise UnknownColumnError(relation, column, columns)
    return spelled[column.lower()]


def _node(relation: str, column: str | None) -> PathNode:
    node_id = relation if column is None else f"{relation}.{column}"
    return PathNode(node_id, relation, column, relation_kind(relation))


def _raw_files(lake: Lakehouse | None, bronze: str) -> list[tuple[str, PathNode]]:
    """(batch id, raw file node) for each batch with rows in `bronze`, oldest first."""
    if lake is None or not lake.exists(bronze) or not lake.exists("ops.ingestion_batches"):
        return []
    sql = (
        "SELECT b.batch_id, b.raw_path FROM ops.ingestion_batches AS b "
        f"WHERE b.batch_id IN (SELECT DISTINCT _batch_id FROM {bronze}) "
        "ORDER BY b.ingested_at, b.batch_id"
    )
    try:
        with lake.session() as session:
            rows = session.sql(sql).to_pylist()
    except GreenroomError:  # a bronze table without `_batch_id`: no raw files to show
        return []
    return [
        (str(r["batch_id"]), PathNode(f"raw:{r['raw_path']}", str(r["raw_path"]), None, "raw"))
        for r in rows
        if r["raw_path"]
    ]
