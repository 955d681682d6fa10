"""How numbers read on the pages (also the templates' filters). Missing values are `—`."""

from __future__ import annotations

DASH = "—"


def count(value: float | None) -> str:
    return DASH if value is None else f"{value:,.0f}"


def money(value: float | None) -> str:
    return DASH if value is None else f"${value:,.0f}"


def money2(value: float | None) -> str:
    return DASH if value is None else f"${value:,.2f}"


def pct(value: float | None) -> str:
    """A fraction as a percentage (0.824 → 82.4%)."""
    return DASH if value is None else f"{100 * value:.1f}%"


def score(value: float | None) -> str:
    """A score in [0, 1] out of 100 (0.93 → 93)."""
    return DASH if value is None else f"{100 * value:.0f}"
