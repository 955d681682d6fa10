"""The semantic layer: CONTRACT.md's metrics and dimensions as data, compiled to SQL.

    layer = SemanticLayer(reader, today)
    layer.run(SemanticQuery(metrics=("revenue",), dimensions=("city",), limit=5))

`model.yaml` declares grains, metrics and dimensions; `compiler` turns a typed
`SemanticQuery` into parameterised SQL (sqlglot, DuckDB today); `engine` runs it through
a `Reader` bound to a principal. Adding a metric is a YAML edit: docs/semantic-layer.md.
"""

from greenroom.semantic.catalog import Catalog, Dimension, Metric, get_catalog
from greenroom.semantic.compiler import CompiledQuery, compile_query
from greenroom.semantic.engine import SemanticLayer, SemanticResult
from greenroom.semantic.exceptions import (
    IncompatibleQueryError,
    SemanticError,
    UnknownNameError,
)
from greenroom.semantic.query import Comparison, Filter, Order, SemanticQuery, TimeRange

__all__ = [
    "Catalog",
    "Comparison",
    "CompiledQuery",
    "Dimension",
    "Filter",
    "IncompatibleQueryError",
    "Metric",
    "Order",
    "SemanticError",
    "SemanticLayer",
    "SemanticQuery",
    "SemanticResult",
    "TimeRange",
    "UnknownNameError",
    "compile_query",
    "get_catalog",
]
