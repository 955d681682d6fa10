"""Data quality: contracts per source feed, compiled to set-based SQL checks.

`contract.py` reads the YAML contracts (shaped after the Open Data Contract Standard),
`rules/` holds one module per rule kind, `compiler.py` turns a contract into one SQL query
that lists, for every record, the rules it breaks, and `validator.py` runs it on a batch.
"""
