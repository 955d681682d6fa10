"""The wiring in `greenroom.compose`: a pipeline run's listeners, the live stream's events."""

from __future__ import annotations

import os

import pytest

from greenroom import synth
from greenroom.compose import latest_world, live_sales, pipeline_listeners
from greenroom.config import Settings
from greenroom.errors import UserError
from greenroom.governance.lineage import LineageListener
from greenroom.lake import Lakehouse
from greenroom.quality.monitor import QualityMonitor
from tests.conftest import BuiltWorld


def test_a_pipeline_run_gets_the_lineage_recorder_the_quality_monitor_and_the_audit_sync(
    lake: Lakehouse, lake_settings: Settings
) -> None:
    from greenroom.governance.audit_table import AuditSyncListener

    lineage, quality, audit = pipeline_listeners(lake, lake_settings)
    assert isinstance(lineage, LineageListener)
    assert isinstance(quality, QualityMonitor)
    assert isinstance(audit, AuditSyncListener)


def test_the_newest_world_in_the_landing_zone_is_the_latest(lake_settings: Settings) -> None:
    with pytest.raises(UserError, match="run `greenroom demo` first"):
        latest_world(lake_settings)
    for age, name in ((100, "older"), (10, "newer")):
        truth = lake_settings.landing_dir / name / "truth"
        truth.mkdir(parents=True)
        mtime = truth.stat().st_mtime - age
        os.utime(truth, (mtime, mtime))
    assert latest_world(lake_settings) == lake_settings.landing_dir / "newer"


def test_live_sales_are_the_synthetic_worlds_live_events(
    clean_world: BuiltWorld, lake_settings: Settings
) -> None:
    events = live_sales(lake_settings, 50, 3, clean_world.world)
    assert events.equals(synth.live_events(clean_world.world / "truth", 50, seed=3))
