"""The synthetic concert world: true entities, messy source feeds, and the answer key.

``generate()`` writes a world (docs/synthetic-data.md describes every file);
``live_events()`` continues its Ticketmaster sale stream for the stream producer.
``greenroom.synth.partners`` serves it through the partners' own APIs (the simulator).
"""

from __future__ import annotations

from greenroom.synth.exceptions import (
    DefectRateError,
    OutputDirError,
    SynthError,
    TruthDirError,
    UnknownScaleError,
)
from greenroom.synth.generate import generate
from greenroom.synth.live import live_events, stream_event_lines
from greenroom.synth.manifest import Manifest
from greenroom.synth.rates import DEFAULT_RATES, DEFECT_KINDS, REJECTABLE
from greenroom.synth.scales import SCALES

__all__ = [
    "DEFAULT_RATES",
    "DEFECT_KINDS",
    "REJECTABLE",
    "SCALES",
    "DefectRateError",
    "Manifest",
    "OutputDirError",
    "SynthError",
    "TruthDirError",
    "UnknownScaleError",
    "generate",
    "live_events",
    "stream_event_lines",
]
