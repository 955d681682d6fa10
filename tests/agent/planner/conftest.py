"""A lexicon over a small, fixed set of names (no lake needed)."""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pytest

from greenroom.agent.planner.lexicon import Lexicon, build_lexicon

ARTISTS = ["Motörkult", "Kingdom of Sirens", "Ødeland Vandals", "Bitter Bone", "Reverb Den"]
VENUES = ["Denver Sports Hall", "Reverb Den", "Buenos Aires Theatre"]
CITIES = [
    ("Berlin", "DE"),
    ("Chicago", "US"),
    ("Paris", "FR"),
    ("Paris", "US"),
    ("München", "DE"),
    ("Buenos Aires", "AR"),
]
GENRES = ["metal", "punk", "indie", "emo"]


class FakeReader:
    """Answers the lexicon's lookups from the lists above."""

    def __init__(self) -> None:
        self.registered: dict[str, pa.Table] = {}

    def sql(self, query: str, params: Sequence[object] | None = None) -> pa.Table:
        if "FROM silver.artists WHERE name" in query:
            return pa.table({"name": ARTISTS})
        if "unnest(genres)" in query:
            return pa.table({"g": GENRES})
        if "FROM silver.venues WHERE name" in query:
            return pa.table({"name": VENUES})
        if "city, country" in query:
            return pa.table({"city": [c for c, _ in CITIES], "country": [k for _, k in CITIES]})
        if "DISTINCT country" in query:
            return pa.table({"country": sorted({k for _, k in CITIES})})
        if "price_tier" in query:
            return pa.table({"t": ["GA", "VIP", "reserved"]})
        if "customer_segment" in query:
            return pa.table({"t": ["fan", "casual", "superfan", "corporate"]})
        raise AssertionError(f"unexpected lookup: {query}")

    def register(self, name: str, data: pa.Table) -> None:
        self.registered[name] = data


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return build_lexicon(FakeReader())
