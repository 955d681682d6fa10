"""Sizes of the synthetic world per scale (see docs/synthetic-data.md, "Scales")."""

from __future__ import annotations

from dataclasses import dataclass

from greenroom.synth.exceptions import UnknownScaleError


@dataclass(frozen=True)
class ScaleSpec:
    """How big a world is: true entity counts and the ticket-sale transaction target.

    ``concerts`` is the number of concerts booked before clashes are moved; the
    demand model is calibrated so that the number of sale transactions made before
    the reference date lands close to ``transactions``.
    """

    name: str
    artists: int
    venues: int
    concerts: int
    customers: int
    transactions: int


_SPECS: dict[str, ScaleSpec] = {
    "tiny": ScaleSpec(
        "tiny", artists=40, venues=25, concerts=150, customers=1_000, transactions=5_000
    ),
    "demo": ScaleSpec(
        "demo", artists=300, venues=150, concerts=3_000, customers=20_000, transactions=200_000
    ),
    "sf1": ScaleSpec(
        "sf1", artists=800, venues=400, concerts=12_000, customers=100_000, transactions=1_000_000
    ),
    "sf10": ScaleSpec(
        "sf10",
        artists=3_000,
        venues=1_200,
        concerts=100_000,
        customers=600_000,
        transactions=10_000_000,
    ),
}

SCALES: tuple[str, ...] = tuple(_SPECS)


def scale_spec(scale: str) -> ScaleSpec:
    """The sizes of ``scale``; :class:`UnknownScaleError` names the valid ones."""
    try:
        return _SPECS[scale]
    except (KeyError, TypeError):
        raise UnknownScaleError(
            f"unknown scale `{scale}`; use one of {', '.join(f'`{s}`' for s in SCALES)}"
        ) from None
