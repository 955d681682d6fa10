"""``OUT/manifest.json``: what was generated, from what, and where it is."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict


class Manifest(BaseModel):
    """Scale, seed, reference date, defect rates, row counts and the files of each feed."""

    model_config = ConfigDict(frozen=True)

    scale: str
    seed: int
    today: dt.date
    clean: bool
    defect_rates: dict[str, float]
    counts: dict[str, int]
    files: dict[str, list[str]]

    def write(self, path: Path) -> None:
        text = json.dumps(
            self.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False
        )
        path.write_text(text + "\n", encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> Manifest:
        return cls.model_validate_json(path.read_text(encoding="utf-8"))
