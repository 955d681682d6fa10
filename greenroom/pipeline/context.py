"""The relations every model may use besides lake tables: reference data and parameters.

- `ref_countries(iso2, name)`, `ref_cities(city, region, country, …, timezone, currency)`;
- `ref_fx_rates(currency, usd_per_unit, valid_from, valid_to)`: the dated exchange rates of
  `greenroom/reference/fx_rates.csv`. A rate holds from its `valid_from` until the next
  rate of its currency (`valid_to`, exclusive); the earliest rate of a currency also holds
  before its `valid_from`, so an old amount is never left unconverted;
- `params(today, run_at)`: the reference date and the run's start time (UTC).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pyarrow as pa

from greenroom import reference

if TYPE_CHECKING:
    from greenroom.lake import Session

FX_SQL = """
SELECT
    upper(currency) AS currency,
    CAST(usd_per_unit AS DOUBLE) AS usd_per_unit,
    CASE WHEN row_number() OVER w = 1 THEN DATE '1900-01-01'
         ELSE CAST(valid_from AS DATE) END AS valid_from,
    coalesce(lead(CAST(valid_from AS DATE)) OVER w, DATE '9999-12-31') AS valid_to
FROM ref_fx_published
WINDOW w AS (PARTITION BY upper(currency) ORDER BY CAST(valid_from AS DATE))
"""


def register_context(session: Session, today: dt.date, run_at: dt.datetime) -> None:
    """Register the reference relations and `params` in a job's session."""
    session.register("ref_countries", reference.load("countries"))
    session.register("ref_cities", reference.load("cities"))
    session.register("ref_fx_published", reference.load("fx_rates"))
    session.register("ref_fx_rates", session.sql(FX_SQL))
    session.register(
        "params",
        pa.table(
            {
                "today": pa.array([today], pa.date32()),
                "run_at": pa.array([run_at], pa.timestamp("us", tz="UTC")),
            }
        ),
    )
