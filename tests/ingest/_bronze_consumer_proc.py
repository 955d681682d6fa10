"""A consumer process for the bronze crash test: the configured local stream → raw + bronze.

    GREENROOM_HOME=… python -m tests.ingest._bronze_consumer_proc

Prints `ready` once set up (imports done, lake open), then consumes until idle.
"""

from __future__ import annotations

import json

from greenroom.config import get_settings
from greenroom.ingest.live import ConsumeTotals, bronze_consumer
from greenroom.lake import Lakehouse


def main() -> None:
    settings = get_settings()
    lake = Lakehouse.open(settings)
    totals = ConsumeTotals()
    consumer, close = bronze_consumer(lake, settings, totals)
    print("ready", flush=True)
    stats = consumer.run(until_idle=True)
    close()
    print(json.dumps({"records": stats.records, "accepted": totals.accepted}), flush=True)


if __name__ == "__main__":
    main()
