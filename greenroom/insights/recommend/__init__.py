"""Concert recommendations: hybrid ALS + content + popularity (issue 12 §3).

`train_recommender(reader, today)` evaluates on a hold-out and fits the model (pure data,
`to_bytes` for the registry); `generate_recommendations(reader, model, prefs)` ranks
upcoming, on-sale concerts the person has not bought, each with a reason.
See docs/insights-recommend.md.
"""

from __future__ import annotations

from greenroom.insights.recommend.exceptions import EmptyPreferencesError, UnknownCustomerError
from greenroom.insights.recommend.generate import generate_recommendations
from greenroom.insights.recommend.model import Recommendation, TrainedRecommender, UserPreferences
from greenroom.insights.recommend.train import train_recommender

__all__ = [
    "EmptyPreferencesError",
    "Recommendation",
    "TrainedRecommender",
    "UnknownCustomerError",
    "UserPreferences",
    "generate_recommendations",
    "train_recommender",
]
