"""Reference data shipped with greenroom: countries, cities with time zones, exchange rates,
and common given names and surnames (`person_names()`, the PII scanner's reference).

Small, versioned CSV files read as Arrow tables. The pipeline joins against them to put
countries onto ISO codes, local times into UTC and local amounts into USD.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pyarrow as pa
import pyarrow.csv as pacsv

NAMES = ("countries", "cities", "fx_rates")


@cache
def load(name: str) -> pa.Table:
    """The reference table `name` (one of NAMES)."""
    if name not in NAMES:
        raise KeyError(f"unknown reference table `{name}`; known: {', '.join(NAMES)}")
    path = resources.files(__package__).joinpath(f"{name}.csv")
    with resources.as_file(path) as file:
        return pacsv.read_csv(file)


@cache
def person_names() -> pa.Table:
    """`kind` (`given` or `surname`), `name` (lower case, no accents): common given names
    and surnames across the world's larger languages, written from public name-frequency
    lists (not from the synthetic world). Not a pipeline reference table (not in NAMES)."""
    path = resources.files(__package__).joinpath("person_names.csv")
    with resources.as_file(path) as file:
        return pacsv.read_csv(file)
