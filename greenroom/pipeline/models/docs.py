"""Table and column descriptions, declared beside each model: `<layer>/<name>.yaml`.

```yaml
description: One row per canonical artist, after entity resolution.
columns:
  artist_id: Canonical artist id after entity resolution (`art_` + hash); stable across runs.
  name: Canonical display name.
```

A job's write applies them to the Iceberg table (field `doc`s and the table `comment`,
`Lakehouse.describe_columns`), so every engine reading the lake sees what a column means.
Tables a job writes from Python without a `.sql` model (`silver.entity_xref`) declare
theirs the same way. Every output column of a silver or gold model must be described
(tests/pipeline/test_docs.py walks them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from greenroom.pipeline.exceptions import PipelineError


@dataclass(frozen=True)
class TableDocs:
    table: str
    description: str
    columns: Mapping[str, str]

    def for_columns(self, names: list[str]) -> dict[str, str]:
        """The descriptions of those of `names` that are declared."""
        return {n: self.columns[n] for n in names if n in self.columns}


def docs_path(table: str) -> str:
    """`silver.artists` → `silver/artists.yaml` (beside `silver/artists.sql`)."""
    layer, _, base = table.partition(".")
    return f"{layer}/{base}.yaml"


@cache
def docs_text(table: str) -> str:
    """The declaration's text ('' when `table` declares none): part of a job's code version."""
    res = resources.files(__package__).joinpath(docs_path(table))
    return res.read_text(encoding="utf-8") if res.is_file() else ""


@cache
def table_docs(table: str) -> TableDocs | None:
    """The declared descriptions of `table`, or None when it declares none."""
    text = docs_text(table)
    if not text:
        return None
    data = yaml.safe_load(text)
    where = f"greenroom/pipeline/models/{docs_path(table)}"
    if not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise PipelineError(f"`{where}` must have a `description` and a `columns` mapping")
    columns = {str(k): str(v or "").strip() for k, v in data["columns"].items()}
    blank = sorted(c for c, d in columns.items() if not d)
    if blank or not str(data.get("description") or "").strip():
        what = f"column `{blank[0]}`" if blank else "the table"
        raise PipelineError(f"`{where}`: {what} has an empty description; describe it")
    return TableDocs(table, str(data["description"]).strip(), columns)
