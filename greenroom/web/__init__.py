"""The web app: the REST API and the dashboard pages (FastAPI), and the data layer they call.

`greenroom.web.queries` is that data layer: functions over a `Reader` (and, for catalog
facts, the `Lakehouse`) that return pydantic models, which are also the API's response
schemas. Numbers come from the semantic layer, so the dashboard and the chat agree.
"""
