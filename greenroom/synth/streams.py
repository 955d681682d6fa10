"""Independent, reproducible random streams: one per (seed, purpose).

Every part of the world draws from its own stream, so changing a defect rate never
moves a concert and adding a column to one feed never changes another feed.
"""

from __future__ import annotations

import zlib

import numpy as np


def rng_for(seed: int, *purpose: str) -> np.random.Generator:
    """A numpy Generator determined by ``seed`` and the names in ``purpose``."""
    words = [seed, *(zlib.crc32(p.encode("utf-8")) for p in purpose)]
    return np.random.default_rng(np.random.SeedSequence(words))
