"""Rows → compact JSON, column-wise: the text must parse back to the same values."""

from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from greenroom.ingest.stream._json_rows import json_rows, lines_bytes


def test_strings_are_escaped_so_they_parse_back() -> None:
    tricky = [
        "plain",
        'quote " and \\ backslash',
        "new\nline\ttab\r",
        "ctl \x00\x01\x1f end",
        "Motörhead ✓ 日本",
        "",
        None,
    ]
    out = json_rows(pa.table({"s": tricky})).to_pylist()
    assert [json.loads(o)["s"] for o in out] == tricky
    assert all("\n" not in o for o in out)  # one record per line, safe for NDJSON
    assert out[4] == '{"s":"Motörhead ✓ 日本"}'  # UTF-8 kept, compact


def test_numbers_booleans_and_nulls() -> None:
    table = pa.table(
        {
            "q": pa.array([2, None, -3], pa.int64()),
            "p": [45.0, 0.1, float("nan")],
            "big": [1e20, -2.5e-7, float("inf")],
            "ok": [True, False, None],
            'name with "quote"': ["a", "b", "c"],
        }
    )
    out = [json.loads(o) for o in json_rows(table).to_pylist()]
    assert out == [
        {"q": 2, "p": 45.0, "big": 1e20, "ok": True, 'name with "quote"': "a"},
        {"q": None, "p": 0.1, "big": -2.5e-7, "ok": False, 'name with "quote"': "b"},
        {"q": -3, "p": None, "big": None, "ok": None, 'name with "quote"': "c"},
    ]
    assert json_rows(table).to_pylist()[0].startswith('{"q":2,"p":45.0,')  # floats stay floats


def test_timestamps_become_iso_utc_and_nested_values_json() -> None:
    berlin = pa.array([0, 1_500, None], pa.timestamp("ms", "Europe/Berlin"))
    table = pa.table(
        {
            "at": berlin,
            "naive": pa.array([0, 1, 2], pa.timestamp("s")),
            "day": pa.array([dt.date(2026, 6, 30), None, dt.date(1999, 1, 2)]),
            "tags": [["GA", "VIP"], None, []],
        }
    )
    out = [json.loads(o) for o in json_rows(table).to_pylist()]
    assert [o["at"] for o in out] == ["1970-01-01T00:00:00.000Z", "1970-01-01T00:00:01.500Z", None]
    assert out[2]["naive"] == "1970-01-01T00:00:02Z"
    assert [o["day"] for o in out] == ["2026-06-30", None, "1999-01-02"]
    assert [o["tags"] for o in out] == [["GA", "VIP"], None, []]


def test_empty_tables() -> None:
    assert json_rows(pa.table({"a": pa.array([], pa.string())})).to_pylist() == []
    assert json_rows(pa.table({"a": [1, 2]}).select([])).to_pylist() == ["{}", "{}"]


def test_lines_bytes_is_each_text_then_a_newline() -> None:
    texts = pa.chunked_array([['{"a":1}', "é"], [], ["last", None]])
    assert lines_bytes(texts) == '{"a":1}\né\nlast\n'.encode()
    assert lines_bytes(pa.array(["x", "y", "z"]).slice(1)) == b"y\nz\n"
    assert lines_bytes(pa.array([], pa.string())) == b""
