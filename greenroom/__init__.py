"""greenroom: data readiness for AI on live-music data.

Subpackages, one per stage (see docs/architecture.md):
`synth` → `ingest` → `lake` ← `pipeline`, with `config` and `errors` shared by all.
"""

__version__ = "0.1.0"
