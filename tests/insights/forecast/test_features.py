"""Features are leak-free: sales made on or after the forecast day never reach them."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from greenroom.insights.forecast.features import BASELINES, FEATURES, Sources, build_features
from greenroom.insights.forecast.model import TRAIN_AS_OF, training_features
from greenroom.lake.session import Session
from tests.conftest import BuiltWorld


def _targets(reader: Session, as_of: dt.date) -> pa.Table:
    """Every concert and every artist × venue pair of them, seen from ``as_of``."""
    return reader.sql(
        "SELECT row_number() OVER (ORDER BY concert_id)::BIGINT AS row_id, artist_id,"
        f" venue_id, CAST(local_start AS DATE) AS show_date, DATE '{as_of}' AS as_of,"
        " NULL::DOUBLE AS price_min, NULL::DOUBLE AS price_max, NULL::BIGINT AS n_tiers"
        " FROM silver.concerts"
    )


def _assert_same(got: pa.ChunkedArray, want: pa.ChunkedArray, what: str) -> None:
    """Equal, up to the order DuckDB adds floats in."""
    if pa.types.is_floating(want.type):
        assert np.allclose(
            got.to_numpy(zero_copy_only=False).astype(float),
            want.to_numpy(zero_copy_only=False).astype(float),
            rtol=1e-9,
            equal_nan=True,
        ), what
    else:
        assert got.equals(want), what


def test_removing_or_shuffling_future_sales_changes_no_feature(
    messy_reader: Session, messy_world: BuiltWorld
) -> None:
    as_of = messy_world.settings.today - dt.timedelta(days=200)
    targets = _targets(messy_reader, as_of)
    before = build_features(messy_reader, targets)
    sales = messy_reader.sql("SELECT * FROM silver.ticket_sales")
    cut = pa.scalar(
        dt.datetime.combine(as_of, dt.time(), tzinfo=dt.UTC), sales["purchase_timestamp"].type
    )
    future = pc.greater_equal(sales["purchase_timestamp"], cut)
    assert pc.sum(future).as_py() > 0
    past_only = sales.filter(pc.invert(future))
    messy_reader.register("fc_sales_past", past_only)
    shuffled = sales.set_column(
        sales.schema.get_field_index("quantity"),
        "quantity",
        pc.if_else(future, pc.multiply(sales["quantity"], 7), sales["quantity"]),
    )
    messy_reader.register("fc_sales_shuffled", shuffled)
    for name in ("fc_sales_past", "fc_sales_shuffled"):
        after = build_features(messy_reader, targets, Sources(sales=name))
        for column in (*FEATURES, *BASELINES):
            _assert_same(after[column], before[column], f"{name}: {column}")


def test_training_rows_look_back_from_before_their_show(
    messy_reader: Session, messy_world: BuiltWorld
) -> None:
    rows = training_features(messy_reader, messy_world.settings.today)
    assert rows.num_rows > 40
    ahead = rows["days_ahead"].to_numpy()
    assert ahead.min() >= 0 and ahead.max() <= 365
    assert pc.all(pc.less(rows["show_date"], pa.scalar(messy_world.settings.today))).as_py()
    assert "hash(c.concert_id)" in TRAIN_AS_OF  # the forecast day is deterministic
