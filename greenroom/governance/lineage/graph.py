"""`LineageGraph`: the edges of every job, and the questions asked of them.

- `upstream(table, column)`: the edges one step back;
- `resolve(table, column)`: where a column comes from in the end, following jobs back
  through every relation some job writes (or only through ephemeral ones, for the
  OpenLineage view where staging models are part of the job that uses them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from greenroom.governance.lineage.records import (
    Edge,
    JobLineage,
    Subtype,
    relation_kind,
    sorted_edges,
    stronger,
)

Node = tuple[str, str | None]
"""(relation, column); column None stands for the relation's rows as a whole."""


@dataclass(frozen=True)
class Origin:
    """How a resolved input reaches the column: the strongest transformation on the way,
    and whether every step was traced precisely."""

    subtype: Subtype | None
    precise: bool

    def then(self, other: Origin) -> Origin:
        return Origin(stronger(self.subtype, other.subtype), self.precise and other.precise)

    def join(self, other: Origin) -> Origin:
        return Origin(stronger(self.subtype, other.subtype), self.precise or other.precise)


def _everything(_relation: str) -> bool:
    return True


def only_ephemeral(relation: str) -> bool:
    return relation_kind(relation) == "ephemeral"


class LineageGraph:
    def __init__(self, edges: Iterable[Edge], columns: Mapping[str, Iterable[str]]) -> None:
        self.edges: tuple[Edge, ...] = sorted_edges(edges)
        self._columns = {name: tuple(cols) for name, cols in columns.items()}
        self._into: dict[Node, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            self._into[(edge.target_table, edge.target_column)].append(edge)
        self.targets = frozenset(e.target_table for e in self.edges)

    @classmethod
    def from_jobs(cls, jobs: Iterable[JobLineage]) -> LineageGraph:
        jobs = list(jobs)
        return cls((e for j in jobs for e in j.edges), {j.job.target: j.columns for j in jobs})

    # ---- what is known ------------------------------------------------------------------

    def relations(self) -> tuple[str, ...]:
        names = {e.target_table for e in self.edges} | {e.source_table for e in self.edges}
        return tuple(sorted(names | set(self._columns)))

    def columns(self, relation: str) -> tuple[str, ...]:
        """The relation's columns: as its job outputs them, else as edges name them."""
        if self._columns.get(relation):
            return self._columns[relation]
        seen = {e.target_column for e in self.edges if e.target_table == relation}
        seen |= {e.source_column for e in self.edges if e.source_table == relation}
        return tuple(sorted(c for c in seen if c))

    def produced(self, relation: str) -> bool:
        return relation in self.targets

    def upstream(self, relation: str, column: str | None) -> list[Edge]:
        """Edges into `relation.column`, or into `relation` as a whole when column is None."""
        return list(self._into.get((relation, column), ()))

    # ---- chasing ------------------------------------------------------------------------

    def resolve(
        self,
        relation: str,
        column: str | None,
        through: Callable[[str], bool] = _everything,
    ) -> dict[Node, Origin]:
        """The inputs `relation.column` comes from, following edges back through every
        produced relation `through` accepts; a None column follows table lineage."""
        memo: dict[Node, dict[Node, Origin]] = {}
        return self._resolve((relation, column), through, memo, frozenset())

    def _resolve(
        self,
        node: Node,
        through: Callable[[str], bool],
        memo: dict[Node, dict[Node, Origin]],
        path: frozenset[Node],
    ) -> dict[Node, Origin]:
        if node in memo:
            return memo[node]
        out: dict[Node, Origin] = {}
        for edge in self._into.get(node, ()):
            here = Origin(edge.subtype, edge.precise)
            source: Node = (edge.source_table, edge.source_column)
            if source in path or source == node:
                continue  # a cycle (a table two jobs write and read): the other edges tell
            if self.produced(source[0]) and through(source[0]):
                further = self._resolve(source, through, memo, path | {node})
                if not further:  # produced but traced to nothing (a constant): stop here
                    further = {source: Origin(None, True)}
                for leaf, origin in further.items():
                    _add(out, leaf, here.then(origin))
            else:
                _add(out, source, here)
        memo[node] = out
        return out


def _add(out: dict[Node, Origin], leaf: Node, origin: Origin) -> None:
    if leaf[1] is None:  # rows, not values: no column transformation to speak of
        origin = Origin(None, origin.precise)
    out[leaf] = out[leaf].join(origin) if leaf in out else origin
