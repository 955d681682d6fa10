"""Defect kinds, where each applies, default rates, and validation of user rates."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal, NamedTuple, get_args

from greenroom.synth.exceptions import DefectRateError

DefectKind = Literal[
    "name_variant",
    "mojibake",
    "mixed_date_format",
    "bad_date",
    "missing_required",
    "negative_price",
    "unknown_reference",
    "replayed_event",
    "wrong_coordinates",
    "local_currency",
]


class KindSpec(NamedTuple):
    rejectable: bool
    """A contract should quarantine it (else the pipeline repairs it)."""
    rule: str
    """The generic rule that should catch (reject) or fix (repair) it."""
    rate: float
    """The default share of a feed's records that carry it."""


KINDS: dict[DefectKind, KindSpec] = {
    "name_variant": KindSpec(False, "resolve_entity", 0.05),
    "mojibake": KindSpec(False, "repair_encoding", 0.05),
    "mixed_date_format": KindSpec(False, "parse_date_formats", 0.05),
    "bad_date": KindSpec(True, "valid_date", 0.004),
    "missing_required": KindSpec(True, "not_null", 0.004),
    "negative_price": KindSpec(True, "positive_amount", 0.003),
    "unknown_reference": KindSpec(True, "foreign_key", 0.003),
    "replayed_event": KindSpec(False, "deduplicate", 0.01),
    "wrong_coordinates": KindSpec(False, "coordinates_match_city", 0.03),
    "local_currency": KindSpec(False, "convert_currency", 0.03),
}
DEFECT_KINDS: tuple[DefectKind, ...] = get_args(DefectKind)
REJECTABLE: dict[DefectKind, bool] = {k: spec.rejectable for k, spec in KINDS.items()}
RULE: dict[DefectKind, str] = {k: spec.rule for k, spec in KINDS.items()}
DEFAULT_RATES: dict[DefectKind, float] = {k: spec.rate for k, spec in KINDS.items()}

# Which kinds each feed can carry, in the order they claim a record's random draw.
FEED_DEFECTS: dict[str, tuple[DefectKind, ...]] = {
    "musicbrainz_artists": ("name_variant", "mojibake", "missing_required"),
    "spotify_artists": ("name_variant", "mojibake", "missing_required"),
    "venue_registry": (
        "name_variant",
        "mojibake",
        "mixed_date_format",
        "missing_required",
        "wrong_coordinates",
    ),
    "ticketmaster_venues": ("name_variant", "mojibake", "missing_required"),
    "promoter_concerts": (
        "name_variant",
        "mojibake",
        "mixed_date_format",
        "bad_date",
        "missing_required",
        "negative_price",
        "unknown_reference",
        "local_currency",
    ),
    "ticketmaster_events": ("name_variant", "mojibake", "missing_required", "unknown_reference"),
    "crm_customers": ("mojibake", "mixed_date_format", "bad_date", "missing_required"),
    "box_office_sales": (
        "mixed_date_format",
        "bad_date",
        "missing_required",
        "negative_price",
        "unknown_reference",
        "local_currency",
    ),
    "online_orders": (
        "bad_date",
        "missing_required",
        "negative_price",
        "unknown_reference",
        "replayed_event",
        "local_currency",
    ),
    "stream_sales": ("missing_required", "negative_price", "unknown_reference", "replayed_event"),
}


def resolve_rates(defect_rates: Mapping[str, float] | None, clean: bool) -> dict[str, float]:
    """Every kind's rate: defaults overridden by ``defect_rates``; all zero when ``clean``.

    Raises :class:`DefectRateError` for an unknown kind, a rate outside [0, 1], a
    non-zero rate together with ``clean``, or rates that add up to more than 1 on one
    feed (a record carries at most one defect, so the kinds share each record's draw).
    """
    given = dict(defect_rates or {})
    known = ", ".join(f"`{k}`" for k in DEFECT_KINDS)
    for kind, rate in given.items():
        if kind not in DEFECT_KINDS:
            raise DefectRateError(f"unknown defect kind `{kind}`; use one of {known}")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not math.isfinite(rate):
            raise DefectRateError(f"rate of `{kind}` must be a number in [0, 1], got `{rate!r}`")
        if not 0.0 <= float(rate) <= 1.0:
            raise DefectRateError(f"rate of `{kind}` is `{rate}`; give a fraction in [0, 1]")
    if clean:
        busy = sorted(k for k, r in given.items() if r > 0)
        if busy:
            raise DefectRateError(
                f"`clean` turns every defect off but rates were given for `{'`, `'.join(busy)}`; "
                "drop `clean` or the rates"
            )
        return {kind: 0.0 for kind in DEFECT_KINDS}
    rates: dict[str, float] = {
        kind: float(given.get(kind, DEFAULT_RATES[kind])) for kind in DEFECT_KINDS
    }
    for feed, kinds in FEED_DEFECTS.items():
        total = sum(rates[k] for k in kinds)
        if total > 1.0 + 1e-9:
            raise DefectRateError(
                f"defect rates on feed `{feed}` add up to {total:g} (> 1); lower the rates of "
                f"{', '.join(f'`{k}`' for k in kinds)}"
            )
    return rates
