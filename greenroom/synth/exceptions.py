"""Errors of the synthetic world: all are user errors (fix the input, run again)."""

from __future__ import annotations

from greenroom.errors import UserError


class SynthError(UserError):
    """A request to `greenroom.synth` that cannot be carried out as asked."""


class UnknownScaleError(SynthError):
    """The scale is not one of :data:`greenroom.synth.SCALES`."""


class DefectRateError(SynthError):
    """A defect kind is unknown or its rate is not a fraction in [0, 1]."""


class OutputDirError(SynthError):
    """The output directory cannot be created, written or replaced."""


class TruthDirError(SynthError):
    """A truth directory is missing files that :func:`live_events` needs."""
