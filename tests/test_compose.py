"""The wiring in `greenroom.compose`: which listeners a pipeline run gets."""

from __future__ import annotations

from greenroom.compose import pipeline_listeners
from greenroom.config import Settings
from greenroom.governance.lineage import LineageListener
from greenroom.lake import Lakehouse
from greenroom.quality.monitor import QualityMonitor


def test_a_pipeline_run_gets_the_lineage_recorder_and_the_quality_monitor(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    lineage, quality = pipeline_listeners(lake, lake_settings)
    assert isinstance(lineage, LineageListener)
    assert isinstance(quality, QualityMonitor)
