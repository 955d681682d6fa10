"""How strict the simulated partners are. Defaults follow the real services' published
limits; tests turn the rates up and the windows down so they run in seconds."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from greenroom.ingest.sources.settings import (
    SIMULATOR_API_KEY,
    SIMULATOR_CLIENT_ID,
    SIMULATOR_CLIENT_SECRET,
)


class SimulatorConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    musicbrainz_rps: float = Field(default=1.0, gt=0, description="MusicBrainz: 1 req/s per client")
    ticketmaster_rps: float = Field(default=5.0, gt=0, description="Discovery spike arrest")
    spotify_rps: float = Field(default=10.0, gt=0, description="Web API rolling limit, per s")
    burst: float = Field(default=1.0, ge=1, description="Bucket size: requests allowed at once")
    ticketmaster_quota: int = Field(default=5000, ge=1, description="Requests per quota window")
    ticketmaster_quota_window_s: float = Field(default=86_400.0, gt=0)
    ticketmaster_max_depth: int = Field(default=1000, ge=1, description="page * size < this")
    spotify_search_window: int = Field(default=1000, ge=1, description="offset < this")
    token_ttl_s: float = Field(default=3600.0, gt=0, description="Spotify access-token life")
    api_keys: tuple[str, ...] = (SIMULATOR_API_KEY,)
    clients: dict[str, str] = Field(
        default_factory=lambda: {SIMULATOR_CLIENT_ID: SIMULATOR_CLIENT_SECRET}
    )
