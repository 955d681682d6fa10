"""The byte-matrix text helpers agree with Python's own formatting."""

from __future__ import annotations

import datetime as dt

import numpy as np

from greenroom.synth import calendar, chars
from greenroom.synth.defects.dates import bad_dates, mixed_dates, mixed_timestamps
from greenroom.synth.defects.text import mojibake, name_variant


def test_digits_amounts_and_round_trips() -> None:
    values = np.array([0, 7, 42, 123_456, 2**33])
    assert chars.to_strings(chars.digits(values, 11)).to_pylist() == [f"{v:011d}" for v in values]
    assert chars.to_strings(chars.digits(values, 11, pad=False)).to_pylist() == [
        str(v) for v in values
    ]
    cents = np.array([0, 5, -5, 4550, -123_456, 99_999_999])
    assert chars.to_strings(chars.amount(cents)).to_pylist() == [f"{c / 100:.2f}" for c in cents]
    words = ["", "Zürich", "a,b"]
    assert chars.to_strings(chars.from_strings(words)).to_pylist() == words
    assert chars.to_bytes(chars.vocab(np.array([1, 0]), ["x\n", "yy\n"])) == b"yy\nx\n"
    rng = np.random.default_rng(0)
    uuid = chars.to_strings(chars.uuid4(rng, 3)).to_pylist()
    assert all(len(u) == 36 and u[14] == "4" and u[19] in "89ab" for u in uuid)
    tokens = chars.unique_tokens(rng, 2000, 2)
    assert len({bytes(row) for row in tokens}) == 2000


def test_calendar_matches_datetime() -> None:
    rng = np.random.default_rng(1)
    ms = rng.integers(-2_000_000_000_000, 4_000_000_000_000, size=2000)
    texts = chars.to_strings(calendar.timestamp_text(ms, "iso_ms_z")).to_pylist()
    for m, text in zip(ms.tolist(), texts, strict=True):
        expect = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(milliseconds=m)
        assert text == expect.strftime("%Y-%m-%dT%H:%M:%S.") + f"{expect.microsecond // 1000:03d}Z"
    days = ms // calendar.MS_PER_DAY
    y, m_, d = calendar.civil(days)
    assert (calendar.days_from_civil(y, m_, d) == days).all()
    assert (
        calendar.weekday(np.array([calendar.epoch_day(dt.date(2026, 6, 29))]))[0] == 0
    )  # a Monday
    one = np.array(
        [dt.datetime(2025, 3, 14, 20, 5, 9, tzinfo=dt.UTC).timestamp() * 1000], dtype=np.int64
    )
    styles = {
        s: chars.to_strings(calendar.timestamp_text(one, s, seconds=False)).to_pylist()[0]
        for s in ("dmy", "mdy_12h", "space", "iso_z")
    }
    assert styles == {
        "dmy": "14/03/2025 20:05",
        "mdy_12h": "03/14/2025 8:05 PM",
        "space": "2025-03-14 20:05",
        "iso_z": "2025-03-14T20:05:09Z",
    }


def test_defective_text_and_dates() -> None:
    rng = np.random.default_rng(2)
    assert mojibake("Motörhead") == "MotÃ¶rhead"
    assert mojibake("plain") == "plain"
    for name in ("The Night Owls", "Zürich Arena", "Ødeland", "Moore's Social", "Ana"):
        for _ in range(20):
            variant = name_variant(name, rng)
            assert variant and variant.strip() and variant != name
    one = np.array([calendar.epoch_day(dt.date(2025, 3, 14)) * calendar.MS_PER_DAY], dtype=np.int64)
    assert chars.to_strings(mixed_timestamps(rng, one, seconds=True)).to_pylist()[0] in {
        "14/03/2025 00:00:00",
        "03/14/2025 12:00:00 AM",
        "2025-03-14 00:00:00",
    }
    assert chars.to_strings(mixed_dates(rng, one // calendar.MS_PER_DAY)).to_pylist()[0] in {
        "14.03.2025",
        "14 Mar 2025",
        "2025/03/14",
    }
    for text in bad_dates(rng, np.repeat(one, 50), with_time=False):
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            continue
        raise AssertionError(f"{text} parsed as a date")
