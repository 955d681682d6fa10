"""AI insights: ticket-sales forecasts, recommendations, trends, and the model registry.

The seed's "AI Insights Engine" (SageMaker training, prediction engine, recommendation
system, insight generator), trained and run on this machine. Subpackages: ``forecast``,
``recommend``, ``trends``; the registry and drift checks live in ``registry`` and
``drift``. See docs/insights.md.
"""
