"""Venue positions: unit vectors for distance comparisons, and a plausibility check.

The registry swaps latitude and longitude or flips a sign on a few venues (the
`wrong_coordinates` defect). A point further than :data:`PLAUSIBLE_KM` from the centre of
its city (``greenroom/reference/cities.csv``) is not where the venue is: resolution treats
it as unknown, and survivorship should take the other source's coordinates.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom import reference
from greenroom.pipeline import normalize

EARTH_KM = 6371.0
PLAUSIBLE_KM = 150.0
"""A venue further than this from its city's centre has wrong coordinates."""


def unit_vectors(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Points on the unit sphere; ``EARTH_KM`` × their chord is the distance (to ~0.1%
    under 100 km)."""
    phi, lam = np.radians(lat), np.radians(lon)
    return np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)


def _floats(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False), dtype=float)


def km_from_city(
    city: pa.Array | pa.ChunkedArray,
    country: pa.Array | pa.ChunkedArray,
    latitude: pa.Array | pa.ChunkedArray,
    longitude: pa.Array | pa.ChunkedArray,
) -> np.ndarray:
    """Distance in km from each point to its city's centre (NaN: unknown city or point).

    ``city`` is matched on its folded name key, ``country`` is ISO alpha-2.
    """
    cities = reference.load("cities")
    ref_keys = pc.binary_join_element_wise(
        normalize.name_key(cities["city"]), cities["country"].combine_chunks(), "|"
    )
    keys = pc.binary_join_element_wise(
        normalize.name_key(normalize.repair_mojibake(city)), country, "|"
    )
    where = pc.index_in(keys, value_set=ref_keys)
    x, y, z = unit_vectors(_floats(latitude), _floats(longitude))
    rx, ry, rz = unit_vectors(
        _floats(pc.take(cities["latitude"], where)), _floats(pc.take(cities["longitude"], where))
    )
    return np.asarray(np.sqrt((x - rx) ** 2 + (y - ry) ** 2 + (z - rz) ** 2) * EARTH_KM)


def coordinates_plausible(
    city: pa.Array | pa.ChunkedArray,
    country: pa.Array | pa.ChunkedArray,
    latitude: pa.Array | pa.ChunkedArray,
    longitude: pa.Array | pa.ChunkedArray,
) -> pa.Array:
    """True where the point is within :data:`PLAUSIBLE_KM` of its city, false where it is
    not, null where the city or the point is unknown."""
    km = km_from_city(city, country, latitude, longitude)
    known = ~np.isnan(km)
    return pa.array(np.where(known, km <= PLAUSIBLE_KM, False), pa.bool_(), mask=~known)
