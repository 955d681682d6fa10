"""The REST API: one router per surface, each route guarded by the right it needs."""
