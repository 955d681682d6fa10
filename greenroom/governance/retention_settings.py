"""`RetentionSettings`: how long each zone keeps data (mounted as `settings.retention`).

Applied by `greenroom governance retention apply` (`greenroom.governance.retention`).
`None` keeps for ever. Environment: `GREENROOM_RETENTION__RAW_DAYS=30`,
`GREENROOM_RETENTION__TABLES='{"quarantine.*": 14}'`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

DEFAULT_TABLES = {"quarantine.*": 30, "ops.silver_rejects": 90}


class RetentionSettings(BaseModel):
    raw_days: int | None = Field(
        default=90, ge=1, description="Raw-zone files, by their arrival-date folder."
    )
    tables: dict[str, int] = Field(
        default_factory=lambda: dict(DEFAULT_TABLES),
        description="Table name or glob → days; rows go by their ingestion/arrival time.",
    )
    snapshot_days: int | None = Field(
        default=7, ge=1, description="Table snapshots (time travel) older than this expire."
    )
    stream: bool = Field(
        default=True,
        description="Drop stream-log segments past `stream.retention_hours` (default 168).",
    )
