"""Errors of the recommender: who asked for what the model cannot answer."""

from __future__ import annotations

from greenroom.errors import UserError


class UnknownCustomerError(UserError):
    """The customer id is not in silver.customers."""

    code = "unknown_customer"
    suggested_action = (
        "Look a customer up with `SELECT customer_id, city FROM silver.customers LIMIT 10`, "
        "or pass preferences alone (genres, cities, budget, liked artists)."
    )

    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(
            f"customer `{customer_id}` is unknown: pick an id from `silver.customers` "
            "(`SELECT customer_id FROM silver.customers LIMIT 10`) or recommend from preferences alone"
        )


class EmptyPreferencesError(UserError):
    """Neither a customer nor any preference was given."""

    code = "empty_preferences"
    suggested_action = (
        "Give a customer id, or at least one of genres, cities, budget or liked artists."
    )

    def __init__(self) -> None:
        super().__init__(
            "nothing to recommend from: give a `customer_id`, or at least one of `genres`, "
            "`cities`, `budget` or `liked_artists`"
        )
