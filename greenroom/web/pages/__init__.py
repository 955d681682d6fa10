"""The dashboard: server-rendered pages (Jinja2), static assets and Plotly served locally."""
