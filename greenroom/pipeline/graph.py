"""The job graph: a job depends on every other job that writes one of its input tables.

Jobs run in dependency order; among jobs whose dependencies are done, the one declared
first runs first, so the order is the same on every run. A job may read a table it also
writes (the concert job reads the artist and venue rows of `silver.entity_xref` and writes
its concert rows): that is no dependency on itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from greenroom.pipeline.exceptions import GraphError, UnknownJobError
from greenroom.pipeline.job import Job


class JobGraph:
    def __init__(self, jobs: Sequence[Job]) -> None:
        names = [j.name for j in jobs]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise GraphError(f"job name(s) `{'`, `'.join(duplicates)}` are declared twice")
        self.jobs = {j.name: j for j in jobs}
        writers: dict[str, list[str]] = {}
        for job in jobs:
            for table in job.outputs:
                writers.setdefault(table, []).append(job.name)
        self.upstream: dict[str, list[str]] = {
            job.name: sorted(
                {w for t in job.inputs for w in writers.get(t, []) if w != job.name},
                key=names.index,
            )
            for job in jobs
        }
        self.order = self._order(names)
        self.shared = {t for t, w in writers.items() if len(w) > 1}
        """Tables several jobs write a part of (e.g. `silver.entity_xref`)."""

    def _order(self, names: list[str]) -> list[str]:
        done: list[str] = []
        pending = list(names)
        while pending:
            ready = [n for n in pending if all(u in done for u in self.upstream[n])]
            if not ready:
                raise GraphError(
                    f"the jobs `{'`, `'.join(pending)}` depend on each other in a cycle; "
                    "check their declared inputs and outputs"
                )
            done.append(ready[0])
            pending.remove(ready[0])
        return done

    def downstream(self, name: str) -> list[str]:
        """Every job that depends on `name`, directly or not, in run order."""
        self.job(name)
        found: set[str] = set()
        frontier = [name]
        while frontier:
            current = frontier.pop()
            for other, ups in self.upstream.items():
                if current in ups and other not in found:
                    found.add(other)
                    frontier.append(other)
        return [n for n in self.order if n in found]

    def owned_outputs(self, name: str) -> list[str]:
        """The outputs only job `name` writes."""
        return [t for t in self.job(name).outputs if t not in self.shared]

    def job(self, name: str) -> Job:
        try:
            return self.jobs[name]
        except KeyError:
            raise UnknownJobError(name, list(self.order)) from None

    def ordered(self) -> list[Job]:
        return [self.jobs[n] for n in self.order]
