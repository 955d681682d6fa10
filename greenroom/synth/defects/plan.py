"""Which record carries which defect, and the log that becomes ``truth/defects.parquet``.

Every record of a feed gets one uniform draw. The feed's defect kinds split [0, 1) into
consecutive intervals as wide as their rates; the interval the draw falls in is the
record's defect (if the record is eligible for that kind), otherwise it stays clean. So a
record carries at most one defect, each kind hits its rate of eligible records, and
raising one rate never moves another kind's records.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pyarrow as pa

from greenroom.synth.rates import FEED_DEFECTS, REJECTABLE, RULE, DefectKind
from greenroom.synth.streams import rng_for

DEFECTS_SCHEMA = pa.schema(
    [
        ("source", pa.string()),
        ("source_record_id", pa.string()),
        ("defect", pa.string()),
        ("rejectable", pa.bool_()),
        ("field", pa.string()),
        ("rule", pa.string()),
        ("detail", pa.string()),
    ]
)


class DefectPlan:
    """The defect (or none) of each of ``n`` records of ``feed``."""

    def __init__(
        self,
        feed: str,
        n: int,
        seed: int,
        rates: Mapping[str, float],
        eligible: Mapping[DefectKind, np.ndarray] | None = None,
    ) -> None:
        self.feed = feed
        self.kinds = FEED_DEFECTS[feed]
        u = rng_for(seed, "defects", feed).random(n)
        bounds = np.cumsum([rates[k] for k in self.kinds])
        code = np.searchsorted(bounds, u, side="right")
        code[code >= len(self.kinds)] = -1
        for i, kind in enumerate(self.kinds):
            if eligible and kind in eligible:
                code[(code == i) & ~np.asarray(eligible[kind], dtype=bool)] = -1
        self.code = code

    def mask(self, kind: DefectKind) -> np.ndarray:
        if kind not in self.kinds:
            return np.zeros(len(self.code), dtype=bool)
        return np.asarray(self.code == self.kinds.index(kind))

    @property
    def clean(self) -> np.ndarray:
        return np.asarray(self.code < 0)


class DefectLog:
    """Rows of ``truth/defects.parquet`` for one feed."""

    def __init__(self, feed: str) -> None:
        self.feed = feed
        self._parts: list[pa.Table] = []

    def add(
        self,
        kind: DefectKind,
        ids: pa.Array,
        field: str | pa.Array,
        detail: pa.Array | list[str | None] | None = None,
    ) -> None:
        n = len(ids)
        if n == 0:
            return
        fields = pa.array([field] * n, pa.string()) if isinstance(field, str) else field
        details = pa.nulls(n, pa.string()) if detail is None else pa.array(detail, pa.string())
        self._parts.append(
            pa.table(
                {
                    "source": pa.array([self.feed] * n, pa.string()),
                    "source_record_id": pa.array(ids, pa.string()),
                    "defect": pa.array([kind] * n, pa.string()),
                    "rejectable": pa.array([REJECTABLE[kind]] * n, pa.bool_()),
                    "field": fields,
                    "rule": pa.array([RULE[kind]] * n, pa.string()),
                    "detail": details,
                },
                schema=DEFECTS_SCHEMA,
            )
        )

    def table(self) -> pa.Table:
        if not self._parts:
            return DEFECTS_SCHEMA.empty_table()
        return pa.concat_tables(self._parts)
