"""Each defect kind hits roughly its rate of the eligible records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from greenroom.synth import Manifest
from tests.synth.conftest import HEAVY_RATES


def _eligible_local(world: Path, feed: str) -> int:
    sales = pq.read_table(world / "truth" / "sales.parquet")
    sales = sales.filter(pc.equal(sales["source"], feed))
    concerts = pq.read_table(world / "truth" / "concerts.parquet")
    venues = pq.read_table(world / "truth" / "venues.parquet")
    venue = concerts["venue_id"].take(pc.index_in(sales["concert_id"], concerts["concert_id"]))
    currency = venues["currency"].take(pc.index_in(venue, venues["venue_id"]))
    return int(pc.sum(pc.not_equal(currency, "USD")).as_py())


@pytest.mark.parametrize("feed", ["box_office_sales", "online_orders", "stream_sales"])
def test_sale_feed_rates(messy_world: Path, feed: str) -> None:
    manifest = Manifest.read(messy_world / "manifest.json")
    defects = pq.read_table(messy_world / "truth" / "defects.parquet")
    rows = defects.filter(pc.equal(defects["source"], feed))
    counts = Counter(rows["defect"].to_pylist())
    n = manifest.counts[f"feed:{feed}"] - counts["replayed_event"]
    checked = 0
    for kind, count in counts.items():
        eligible = _eligible_local(messy_world, feed) if kind == "local_currency" else n
        rate = HEAVY_RATES[kind]
        sd = np.sqrt(rate * (1 - rate) / eligible)
        assert abs(count / eligible - rate) < 4 * sd + 0.005, (feed, kind, count, eligible)
        checked += 1
    assert checked >= 4


def test_clean_means_no_defects(clean_world: Path) -> None:
    manifest = Manifest.read(clean_world / "manifest.json")
    assert manifest.clean and set(manifest.defect_rates.values()) == {0.0}
    assert manifest.counts["defects"] == 0
    assert (
        manifest.counts["feed:stream_sales"]
        + manifest.counts["feed:online_orders"]
        + manifest.counts["feed:box_office_sales"]
        == manifest.counts["sales"]
    )


def test_every_defect_kind_appears(messy_world: Path) -> None:
    defects = pq.read_table(messy_world / "truth" / "defects.parquet")
    from greenroom.synth import DEFECT_KINDS, REJECTABLE

    kinds = set(defects["defect"].to_pylist())
    assert kinds == set(DEFECT_KINDS)
    for row in defects.select(["defect", "rejectable"]).to_pylist():
        assert row["rejectable"] is REJECTABLE[row["defect"]]
    keys = list(
        zip(defects["source"].to_pylist(), defects["source_record_id"].to_pylist(), strict=True)
    )
    assert len(keys) == len(set(keys)), "a record carries at most one defect"


def test_every_defect_kind_has_one_spec_in_declaration_order() -> None:
    from greenroom.synth.rates import DEFECT_KINDS, KINDS

    assert tuple(KINDS) == DEFECT_KINDS
