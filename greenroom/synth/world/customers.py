"""True customers of the promoter's CRM: fake PII, home city, segment, taste."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.synth import chars
from greenroom.synth.calendar import epoch_day
from greenroom.synth.reference import cities, words
from greenroom.synth.streams import rng_for
from greenroom.synth.world import market
from greenroom.synth.world.artists import GENRE_WEIGHTS, GENRES
from greenroom.synth.world.columns import dates


def _email_part(name: str) -> str:
    return "".join(c for c in chars.fold_ascii(name).lower() if c.isalnum())


def build_customers(seed: int, n: int, today: dt.date) -> pa.Table:
    """``n`` customers; ``signup_date`` is filled in once their purchases are known."""
    rng = rng_for(seed, "customers")
    w = words()
    city = cities()
    pop = np.asarray(city["population_m"].to_numpy())
    city_idx = rng.choice(len(pop), size=n, p=pop**0.8 / (pop**0.8).sum())
    segment = rng.choice(len(market.SEGMENTS), size=n, p=market.SEGMENT_SHARE)
    genre = rng.choice(len(GENRES), size=n, p=GENRE_WEIGHTS)
    first = rng.integers(len(w.first_names), size=n)
    last = rng.integers(len(w.last_names), size=n)
    age_days = np.clip(rng.normal(34, 11, n), 16, 80) * 365.25
    birth = epoch_day(today) - age_days.astype(np.int64)
    activity = market.SEGMENT_ACTIVITY[segment] * np.exp(rng.normal(0, 0.5, n))

    first_arr = pa.array(w.first_names, pa.string()).take(pa.array(first))
    last_arr = pa.array(w.last_names, pa.string()).take(pa.array(last))
    first_mail = pa.array([_email_part(x) for x in w.first_names]).take(pa.array(first))
    last_mail = pa.array([_email_part(x) for x in w.last_names]).take(pa.array(last))
    tag = chars.to_strings(chars.digits(rng.permutation(n) + 1, len(str(n)), pad=False))
    domain = pa.array(w.email_domains).take(pa.array(rng.integers(len(w.email_domains), size=n)))
    email = pc.binary_join_element_wise(first_mail, ".", last_mail, tag, "@", domain, "")
    crm = 1_000_000 + rng.choice(9_000_000, size=n, replace=False)

    def pick(col: str) -> pa.Array:
        return city[col].take(pa.array(city_idx)).combine_chunks()

    return pa.table(
        {
            "customer_id": chars.to_strings(
                chars.hstack([chars.literal(n, "U"), chars.digits(np.arange(1, n + 1), 7)])
            ),
            "crm_id": chars.to_strings(
                chars.hstack([chars.literal(n, "CRM-"), chars.digits(crm, 7)])
            ),
            "first_name": first_arr,
            "last_name": last_arr,
            "full_name": pc.binary_join_element_wise(first_arr, last_arr, " "),
            "email": email,
            "birth_date": dates(birth),
            "city": pick("city"),
            "country": pick("country"),
            "segment": pa.array(np.array(market.SEGMENTS)[segment], pa.string()),
            "favorite_genre": pa.array(np.array(GENRES)[genre], pa.string()),
            "_city_idx": pa.array(city_idx.astype(np.int32)),
            "_genre_idx": pa.array(genre.astype(np.int32)),
            "_segment_idx": pa.array(segment.astype(np.int8)),
            "_activity": pa.array(activity),
        }
    )


def with_signup(
    customers: pa.Table, first_purchase_ms: np.ndarray, seed: int, today: dt.date
) -> pa.Table:
    """Add ``signup_date``: some days before the first purchase, or any day for non-buyers."""
    rng = rng_for(seed, "customers", "signup")
    n = customers.num_rows
    today_day = epoch_day(today)
    bought = first_purchase_ms >= 0
    first_day = np.where(bought, first_purchase_ms // 86_400_000, today_day)
    before = rng.integers(0, 400, size=n)
    anyday = today_day - rng.integers(1, 6 * 365, size=n)
    signup = np.where(bought, first_day - before, anyday)
    return customers.append_column("signup_date", dates(signup))
