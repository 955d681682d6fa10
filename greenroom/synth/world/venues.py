"""True venues in real cities: type, capacity, coordinates, currency, source ids."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from greenroom.synth import chars
from greenroom.synth.calendar import days_from_civil
from greenroom.synth.reference import cities, words
from greenroom.synth.streams import rng_for
from greenroom.synth.world.columns import dates
from greenroom.synth.world.names import venue_names

VENUE_TYPES: tuple[str, ...] = ("club", "theater", "arena", "outdoor")
_TYPE_P = np.array([0.50, 0.28, 0.14, 0.08])
_CAP_LO = np.array([150, 800, 5_000, 10_000], dtype=np.float64)
_CAP_HI = np.array([1_500, 3_500, 20_000, 60_000], dtype=np.float64)
_CAP_ROUND = np.array([10, 50, 500, 1_000])
_AMENITIES = {
    "club": ("bar", "cloakroom", "merch stand", "standing", "public transport"),
    "theater": (
        "bar",
        "cloakroom",
        "seating",
        "wheelchair access",
        "air conditioning",
        "merch stand",
    ),
    "arena": (
        "bar",
        "food",
        "parking",
        "wheelchair access",
        "vip lounge",
        "merch stand",
        "seating",
    ),
    "outdoor": ("bar", "food", "parking", "outdoor area", "merch stand", "wheelchair access"),
}


def _assign_cities(rng: np.random.Generator, n: int, pop: np.ndarray) -> np.ndarray:
    weight = pop**0.7 / (pop**0.7).sum()
    if n < len(pop):
        return rng.choice(len(pop), size=n, replace=False, p=weight)
    rest = rng.choice(len(pop), size=n - len(pop), p=weight)
    return rng.permutation(np.concatenate([np.arange(len(pop)), rest]))


def build_venues(seed: int, n: int) -> pa.Table:
    """``n`` venues spread over the shipped cities (every city gets one once n allows)."""
    rng = rng_for(seed, "venues")
    w = words()
    city = cities()
    pop = np.asarray(city["population_m"].to_numpy())
    city_idx = _assign_cities(rng, n, pop)
    kind = rng.choice(len(VENUE_TYPES), size=n, p=_TYPE_P)
    raw = _CAP_LO[kind] * (_CAP_HI[kind] / _CAP_LO[kind]) ** (rng.random(n) ** 1.6)
    capacity = (np.round(raw / _CAP_ROUND[kind]) * _CAP_ROUND[kind]).astype(np.int64)
    city_names = [city["city"][int(i)].as_py() for i in city_idx]
    kinds = [VENUE_TYPES[k] for k in kind.tolist()]
    names = venue_names(rng, kinds, city_names, w)
    lat = np.round(np.asarray(city["latitude"].to_numpy())[city_idx] + rng.normal(0, 0.03, n), 4)
    lon = np.round(np.asarray(city["longitude"].to_numpy())[city_idx] + rng.normal(0, 0.04, n), 4)
    streets = [
        f"{int(rng.integers(1, 400))} {w.last_names[int(rng.integers(len(w.last_names)))]} "
        f"{w.street_suffixes[int(rng.integers(len(w.street_suffixes)))]}"
        for _ in range(n)
    ]
    amenities = []
    for k in kinds:
        pool = _AMENITIES[k]
        size = int(rng.integers(2, len(pool) + 1))
        picked = set(rng.choice(len(pool), size=size, replace=False).tolist())
        amenities.append([a for i, a in enumerate(pool) if i in picked])
    opened = days_from_civil(
        rng.integers(1890, 2021, size=n), rng.integers(1, 13, size=n), rng.integers(1, 29, size=n)
    )
    registry = 10_000 + rng.choice(90_000, size=n, replace=False)
    on_tm = rng.random(n) < 0.75
    tm_ids = chars.to_strings(
        chars.hstack([chars.literal(n, "KovZpZA"), chars.unique_tokens(rng, n, 5)])
    )

    def pick(col: str) -> pa.Array:
        return city[col].take(pa.array(city_idx)).combine_chunks()

    return pa.table(
        {
            "venue_id": chars.to_strings(
                chars.hstack([chars.literal(n, "V"), chars.digits(np.arange(1, n + 1), 4)])
            ),
            "name": pa.array(names, pa.string()),
            "street": pa.array(streets, pa.string()),
            "city": pick("city"),
            "region": pick("region"),
            "country": pick("country"),
            "country_name": pick("country_name"),
            "latitude": pa.array(lat),
            "longitude": pa.array(lon),
            "capacity": pa.array(capacity),
            "venue_type": pa.array(kinds, pa.string()),
            "amenities": pa.array(amenities, pa.list_(pa.string())),
            "opened": dates(opened),
            "currency": pick("currency"),
            "timezone": pick("timezone"),
            "registry_id": chars.to_strings(
                chars.hstack([chars.literal(n, "VR-"), chars.digits(registry, 5)])
            ),
            "ticketmaster_id": pa.array(tm_ids.to_pylist(), pa.string(), mask=~on_tm),
            "_city_idx": pa.array(city_idx.astype(np.int32)),
            "_type_idx": pa.array(kind.astype(np.int32)),
        }
    )
