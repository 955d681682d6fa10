"""Reference data shipped with the package: real cities, fixed FX rates, word lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

_CITY_TYPES = {
    "city": pa.string(),
    "region": pa.string(),
    "country": pa.string(),
    "country_name": pa.string(),
    "continent": pa.string(),
    "latitude": pa.float64(),
    "longitude": pa.float64(),
    "timezone": pa.string(),
    "currency": pa.string(),
    "population_m": pa.float64(),
}
_FX_TYPES = {"currency": pa.string(), "usd_per_unit": pa.float64(), "valid_from": pa.date32()}


def _read_csv(name: str, types: dict[str, pa.DataType]) -> pa.Table:
    # Cities and exchange rates are the platform's shared reference data (greenroom/reference):
    # the world is built from the same real places and rates the pipeline conforms to.
    raw = resources.files("greenroom.reference").joinpath(name).read_bytes()
    return pacsv.read_csv(
        pa.py_buffer(raw),
        convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False),
    )


@lru_cache(maxsize=1)
def cities() -> pa.Table:
    """~70 real cities: name, region, ISO country and name, coordinates, IANA zone, currency."""
    return _read_csv("cities.csv", _CITY_TYPES)


@lru_cache(maxsize=1)
def fx_rates() -> pa.Table:
    """``currency, usd_per_unit, valid_from``: the fixed rates of the `local_currency` defect."""
    return _read_csv("fx_rates.csv", _FX_TYPES)


def usd_per_unit(currencies: pa.Array | np.ndarray) -> np.ndarray:
    """The USD value of one unit of each currency code."""
    table = fx_rates()
    idx = pc.index_in(pa.array(currencies, type=pa.string()), value_set=table["currency"])
    if idx.null_count:
        raise KeyError("currency without a rate in fx_rates.csv")
    rates: np.ndarray = np.asarray(table["usd_per_unit"].to_numpy())[np.asarray(idx.to_numpy())]
    return rates


@dataclass(frozen=True)
class Words:
    adjectives: tuple[str, ...]
    plural_nouns: tuple[str, ...]
    nouns: tuple[str, ...]
    accented_band_words: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    club_words: tuple[str, ...]
    theater_words: tuple[str, ...]
    sponsors: tuple[str, ...]
    street_suffixes: tuple[str, ...]
    amenities: tuple[str, ...]
    email_domains: tuple[str, ...]


@lru_cache(maxsize=1)
def words() -> Words:
    raw = json.loads(
        resources.files("greenroom.synth").joinpath("data", "words.json").read_text("utf-8")
    )
    return Words(**{key: tuple(value) for key, value in raw.items()})
