"""At demo scale the hybrid beats both baselines on the hold-out (issue 12 §3 target)."""

from __future__ import annotations

import pytest

from greenroom.governance.principals import ADMIN
from greenroom.governance.session import governed_session
from greenroom.insights.recommend import train_recommender
from greenroom.lake import Lakehouse
from tests.conftest import BuiltWorld

pytestmark = pytest.mark.slow


def test_hybrid_beats_popularity_threefold_and_content_only(demo_world: BuiltWorld) -> None:
    reader = governed_session(Lakehouse.open(demo_world.settings), ADMIN)
    m = train_recommender(reader, demo_world.settings.today, eval_customers=3000).metrics
    hybrid, pop, content = (m[k]["hit_rate@10"] for k in ("hybrid", "popularity", "content_only"))
    # measured on seed 7: 0.57 vs 0.16 (3.6x) and 0.49; margins leave room for seed noise
    assert hybrid >= 3.0 * pop
    assert hybrid >= content + 0.03
    assert m["hybrid"]["ndcg@10"] > m["content_only"]["ndcg@10"]
