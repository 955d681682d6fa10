"""Errors of the synthetic world: all are user errors (fix the input, run again)."""

from __future__ import annotations

from greenroom.errors import UserError


class SynthError(UserError):
    """A request to `greenroom.synth` that cannot be carried out as asked."""

    code = "synth_invalid"


class UnknownScaleError(SynthError):
    """The scale is not one of :data:`greenroom.synth.SCALES`."""

    code = "scale_unknown"


class DefectRateError(SynthError):
    """A defect kind is unknown or its rate is not a fraction in [0, 1]."""

    code = "defect_rate_invalid"


class OutputDirError(SynthError):
    """The output directory cannot be created, written or replaced."""

    code = "output_dir_invalid"


class TruthDirError(SynthError):
    """A truth directory is missing files that :func:`live_events` needs."""

    code = "truth_dir_invalid"


class PiiFormatError(SynthError):
    """A feed declares personal fields in a format the truth writer cannot count yet."""

    code = "pii_format_unsupported"

    def __init__(self, file: str) -> None:
        self.file = file
        super().__init__(
            f"`{file}`: personal fields are counted in CSV and NDJSON feeds only; extend "
            "`greenroom.synth.truth._read_fields` before declaring PII on another format"
        )
