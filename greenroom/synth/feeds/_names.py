"""Name defects shared by the entity feeds: variants and mojibake of one name field."""

from __future__ import annotations

import numpy as np

from greenroom.synth.defects.plan import DefectLog, DefectPlan
from greenroom.synth.defects.text import has_non_ascii, mojibake, name_variant


def non_ascii(names: list[str]) -> np.ndarray:
    return np.array([has_non_ascii(n) for n in names], dtype=bool)


def broken_names(
    rng: np.random.Generator,
    plan: DefectPlan,
    log: DefectLog,
    ids: list[str],
    names: list[str],
    field: str,
) -> list[str]:
    """``names`` with the planned `name_variant` and `mojibake` defects applied and logged."""
    out = list(names)
    for kind in ("name_variant", "mojibake"):
        rows = np.flatnonzero(plan.mask(kind)).tolist()
        details = []
        for i in rows:
            out[i] = name_variant(names[i], rng) if kind == "name_variant" else mojibake(names[i])
            details.append(f"{names[i]} -> {out[i]}")
        log.add(kind, [ids[i] for i in rows], field, details)
    return out


MISSING_STYLES = ("absent", "null", "empty")


def missing_style(rng: np.random.Generator, n: int) -> list[str]:
    """How a missing JSON field is missing: key absent, ``null`` or ``""``."""
    return [MISSING_STYLES[i] for i in rng.integers(len(MISSING_STYLES), size=n).tolist()]
