"""The chat assistant: planners (offline and model-backed), tools, memory, responses."""
