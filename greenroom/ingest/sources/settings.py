"""Settings of the partner API connectors.

Mounted by the root settings as ``settings.partners`` (env ``GREENROOM_PARTNERS__…``), e.g.
``GREENROOM_PARTNERS__TICKETMASTER__API_KEY=…`` or
``GREENROOM_PARTNERS__SPOTIFY__BASE_URL=https://api.spotify.com``. A partner whose
``base_url`` is unset talks to greenroom's partner simulator at ``simulator_url``
(``greenroom partners serve``) with the simulator's well-known credentials.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from greenroom.errors import UserError

PartnerName = Literal["musicbrainz", "ticketmaster", "spotify"]
PARTNERS: tuple[PartnerName, ...] = ("musicbrainz", "ticketmaster", "spotify")

DEFAULT_SIMULATOR_PORT = 8765
# The credentials the simulator accepts out of the box (public, test-only values).
SIMULATOR_API_KEY = "greenroom-sim-key"
SIMULATOR_CLIENT_ID = "greenroom-sim-client"
SIMULATOR_CLIENT_SECRET = "greenroom-sim-secret"
DEFAULT_USER_AGENT = "greenroom/0.1.0 ( https://github.com/greenroom/greenroom )"


class PartnerSettings(BaseModel):
    """How to reach one partner and how politely to talk to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: str | None = Field(
        default=None, description="The real API root; unset means the partner simulator."
    )
    auth_url: str | None = Field(
        default=None, description="OAuth token service root (Spotify: accounts.spotify.com)."
    )
    api_key: SecretStr | None = Field(default=None, description="Ticketmaster consumer key.")
    client_id: str | None = Field(default=None, description="Spotify OAuth client id.")
    client_secret: SecretStr | None = Field(default=None, description="Spotify client secret.")
    user_agent: str = DEFAULT_USER_AGENT
    query: str = Field(default="*", description="Search query that selects the catalogue.")
    requests_per_second: float = Field(default=1.0, gt=0, description="Client-side pacing.")
    page_size: int = Field(default=100, ge=1)
    timeout_s: float = Field(default=10.0, gt=0, description="Per-request timeout.")
    max_attempts: int = Field(default=6, ge=1, description="Tries per request, first included.")
    backoff_base_s: float = Field(default=0.5, ge=0)
    backoff_max_s: float = Field(default=30.0, ge=0)
    max_retry_after_s: float = Field(
        default=120.0, ge=0, description="Longest Retry-After/Rate-Limit-Reset wait honoured."
    )
    breaker_threshold: int = Field(default=5, ge=1, description="Failures that open the circuit.")
    breaker_reset_s: float = Field(default=30.0, ge=0, description="Cool-down before a trial.")
    search_window: int = Field(
        default=1000, ge=1, description="Deepest result reachable by paging (protocol limit)."
    )
    incremental_overlap_s: float = Field(
        default=0.0, ge=0, description="Re-read this much before an updated-since cursor."
    )


class MusicBrainzSettings(PartnerSettings):
    """MusicBrainz asks for about one request per second per client, pages of <= 100."""

    requests_per_second: float = Field(default=1.0, gt=0)
    page_size: int = Field(default=100, ge=1, le=100)


class TicketmasterSettings(PartnerSettings):
    """Discovery API: 5 requests/s per key (we stay under), pages of <= 200."""

    requests_per_second: float = Field(default=4.0, gt=0)
    page_size: int = Field(default=200, ge=1, le=200)


class SpotifySettings(PartnerSettings):
    """Web API: a rolling-window limit (about 5 requests/s is safe), pages of <= 50."""

    requests_per_second: float = Field(default=5.0, gt=0)
    page_size: int = Field(default=50, ge=1, le=50)


class PartnersSettings(BaseModel):
    """``settings.partners``: one section per partner plus where the simulator listens."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    simulator_url: str = f"http://127.0.0.1:{DEFAULT_SIMULATOR_PORT}"
    musicbrainz: MusicBrainzSettings = Field(default_factory=MusicBrainzSettings)
    ticketmaster: TicketmasterSettings = Field(default_factory=TicketmasterSettings)
    spotify: SpotifySettings = Field(default_factory=SpotifySettings)

    def for_partner(self, partner: str) -> PartnerSettings:
        if partner not in PARTNERS:
            raise UserError(f"unknown partner `{partner}`; use one of {', '.join(PARTNERS)}")
        section: PartnerSettings = getattr(self, partner)
        return section
