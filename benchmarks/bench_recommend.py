"""Recommender hold-out metrics against the popularity and content-only baselines.

    GREENROOM_HOME=/tmp/gr-rec .venv/bin/python -m greenroom demo --no-serve   # once
    GREENROOM_HOME=/tmp/gr-rec .venv/bin/python benchmarks/bench_recommend.py [--customers 5000]

Prints one row per scorer (precision, recall, NDCG and hit rate at 10, coverage), the
hybrid's lift over popularity, and the training time; asserts nothing.
"""

from __future__ import annotations

import argparse
import time

from greenroom.config import get_settings
from greenroom.insights.recommend import train_recommender
from greenroom.lake import Lakehouse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=5000, help="hold-out customers")
    args = parser.parse_args()
    settings = get_settings()
    reader = Lakehouse.open(settings).session()
    start = time.perf_counter()
    model = train_recommender(reader, settings.today, eval_customers=args.customers)
    total = time.perf_counter() - start
    cols = ["precision@10", "recall@10", "ndcg@10", "hit_rate@10", "coverage"]
    print(f"{'scorer':<14}" + "".join(f"{c:>14}" for c in cols))
    for name, m in model.metrics.items():
        print(f"{name:<14}" + "".join(f"{m[c]:>14.4f}" for c in cols))
    lift = model.metrics["hybrid"]["hit_rate@10"] / model.metrics["popularity"]["hit_rate@10"]
    print(f"hit rate lift over popularity: {lift:.2f}x")
    print(f"customers held out: {model.metrics['hybrid']['customers']:.0f}")
    print(f"ALS fit on all history: {model.training_seconds:.2f} s; evaluate + fit: {total:.1f} s")
    print(f"artefact: {len(model.to_bytes()) / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
