"""Errors of the ticket-sales forecaster: what the caller asked for cannot be forecast."""

from __future__ import annotations

from greenroom.errors import UserError


class ForecastInputError(UserError):
    """A forecast request names something unknown or a date that cannot be used."""

    code = "forecast_invalid_input"


class _UnknownNameError(ForecastInputError):
    """No row of `table` has this id or name; ``suggestions`` holds the closest ones."""

    code = "forecast_unknown_name"
    what = "name"
    table = ""

    def __init__(self, given: str, suggestions: list[str]) -> None:
        self.given = given
        self.suggestions = suggestions
        hint = ", ".join(f"`{s}`" for s in suggestions) or "none"
        super().__init__(
            f"unknown {self.what} `{given}`; closest: {hint}. Pass an {self.what}_id or a "
            f"name from {self.table}."
        )


class UnknownArtistError(_UnknownNameError):
    """No artist has this id or name."""

    code = "forecast_unknown_artist"
    what = "artist"
    table = "silver.artists"


class UnknownVenueError(_UnknownNameError):
    """No venue has this id or name."""

    code = "forecast_unknown_venue"
    what = "venue"
    table = "silver.venues"


class InvalidDateError(ForecastInputError):
    """The show date is not a date (nor an ISO ``YYYY-MM-DD`` string)."""

    code = "forecast_invalid_date"

    def __init__(self, given: str) -> None:
        self.given = given
        super().__init__(f"`{given}` is not a date; pass a date or an ISO `YYYY-MM-DD` string.")


class HorizonTooFarError(ForecastInputError):
    """The show date lies further ahead than the forecaster's horizon."""

    code = "forecast_horizon_exceeded"

    def __init__(self, given: str, latest: str) -> None:
        self.given = given
        self.latest = latest
        super().__init__(
            f"show date `{given}` is more than 2 years ahead; forecasts reach `{latest}` at most."
        )
