"""Ticket-sales forecasts for any artist × venue × date (issue 12 §1).

``train_forecaster(reader, today)`` → :class:`TrainedForecaster` (LightGBM + split-conformal
intervals, serialisable as ``artefact`` bytes); ``predict_ticket_sales(reader, model,
artist, venue, date)`` → :class:`PredictionResult`. Features: ``features.py`` (one SQL
query, leak-free by ``as_of``); baselines and the rolling-origin backtest: ``backtest.py``.
See docs/insights-forecast.md.
"""

from greenroom.insights.forecast.model import TrainedForecaster, train_forecaster
from greenroom.insights.forecast.predict import PredictionResult, predict_ticket_sales

__all__ = ["PredictionResult", "TrainedForecaster", "predict_ticket_sales", "train_forecaster"]
