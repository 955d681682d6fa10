"""Governance: who may read what, and where every number came from.

`governance.lineage` derives table- and column-level lineage from the pipeline's SQL
models, stores it in `ops.lineage_edges` and emits it as OpenLineage events. Submodules
import their heavy dependencies (sqlglot, openlineage) on use, so importing this package
is cheap.
"""
