"""The semantic model (`model.yaml`) loaded into typed, frozen records.

`get_catalog()` reads the packaged YAML once. Names are validated here, so a query that
names an unknown metric or dimension fails with the closest valid names.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml

from greenroom.semantic.exceptions import IncompatibleQueryError, UnknownNameError

Format = Literal["count", "currency", "percent", "number", "rank"]
_ALIAS = re.compile(r"\b([a-z]{1,2})\.[a-z_]+")


@dataclass(frozen=True)
class Grain:
    name: str
    source: str
    joins: dict[str, str]
    always: tuple[str, ...] = ()
    default_filter: str | None = None

    @property
    def base_alias(self) -> str:
        return self.source.split()[-1]

    def holds(self, aliases: set[str]) -> bool:
        return aliases <= {self.base_alias, *self.joins}


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    description: str
    grain: str
    expr: str
    format: Format
    at: dict[str, str] = field(default_factory=dict)
    where: str | None = None
    better: Literal["higher", "lower"] = "higher"

    def expr_at(self, grain: str) -> str:
        return self.expr if grain == self.grain else self.at[grain]

    @property
    def grains(self) -> tuple[str, ...]:
        return (self.grain, *self.at)


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    expr: str
    filter: str | None = None
    lookup: str | None = None
    values: tuple[str, ...] = ()
    time: bool = False
    order: tuple[str, ...] = ()

    @property
    def aliases(self) -> set[str]:
        return set(_ALIAS.findall(self.expr))


@dataclass(frozen=True)
class Catalog:
    grains: dict[str, Grain]
    metrics: dict[str, Metric]
    dimensions: dict[str, Dimension]

    def metric(self, name: str) -> Metric:
        if name not in self.metrics:
            raise UnknownNameError("metric", name, _closest(name, self.metrics))
        return self.metrics[name]

    def dimension(self, name: str) -> Dimension:
        if name not in self.dimensions:
            raise UnknownNameError("dimension", name, _closest(name, self.dimensions))
        return self.dimensions[name]

    def grain_for(self, metric: Metric, dims: list[Dimension]) -> Grain:
        """The metric's own grain if it holds every dimension, else another it supports."""
        needed: set[str] = set().union(*(d.aliases for d in dims)) if dims else set()
        if metric.where:
            needed |= set(_ALIAS.findall(metric.where))
        for name in metric.grains:
            grain = self.grains[name]
            if grain.holds(needed):
                return grain
        names = ", ".join(f"`{d.name}`" for d in dims)
        raise IncompatibleQueryError(
            f"metric `{metric.name}` cannot be broken down or filtered by {names}; "
            f"choose other dimensions (`greenroom metrics list` shows which go together)"
        )

    def describe(self) -> dict[str, Any]:
        """The catalogue as JSON (for `metrics list --json` and model prompts)."""
        return {
            "metrics": [
                {"name": m.name, "label": m.label, "description": m.description}
                for m in self.metrics.values()
            ],
            "dimensions": [
                {"name": d.name, "label": d.label, "time": d.time} for d in self.dimensions.values()
            ],
        }


def _closest(name: str, names: Any) -> list[str]:
    return difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)


@cache
def get_catalog() -> Catalog:
    """The packaged semantic model."""
    text = resources.files("greenroom.semantic").joinpath("model.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    grains = {
        name: Grain(
            name=name,
            source=g["from"],
            joins=dict(g.get("joins", {})),
            always=tuple(g.get("always", ())),
            default_filter=g.get("default_filter"),
        )
        for name, g in raw["grains"].items()
    }
    metrics = {
        name: Metric(
            name=name,
            label=m["label"],
            description=m["description"],
            grain=m["grain"],
            expr=m["expr"],
            format=m["format"],
            at=dict(m.get("at", {})),
            where=m.get("where"),
            better=m.get("better", "higher"),
        )
        for name, m in raw["metrics"].items()
    }
    dims = {
        name: Dimension(
            name=name,
            label=d["label"],
            expr=d["expr"],
            filter=d.get("filter"),
            lookup=d.get("lookup"),
            values=tuple(d.get("values", ())),
            time=bool(d.get("time", False)),
            order=tuple(d.get("order", ())),
        )
        for name, d in raw["dimensions"].items()
    }
    return Catalog(grains, metrics, dims)
