"""Encoding detection: UTF-8 checked chunk by chunk, however the chunks cut the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from greenroom.ingest.detect import Utf8Check, detect_encoding
from greenroom.ingest.files import fingerprint


def check(*chunks: bytes) -> bool:
    utf8 = Utf8Check()
    for chunk in chunks:
        utf8.feed(chunk)
    utf8.feed(b"", final=True)
    return utf8.valid


def test_a_character_split_across_chunks_is_still_utf8() -> None:
    text = "Motörhead, Zürich".encode()
    cut = text.index("ö".encode()) + 1  # between the two bytes of ö
    assert check(text[:cut], text[cut:])
    assert check(text[:cut], b"", text[cut:])


def test_an_ascii_chunk_after_half_a_character_is_not_utf8() -> None:
    assert not check(b"Mot" + "ö".encode()[:1], b"rhead")


def test_latin1_bytes_anywhere_are_noticed() -> None:
    assert not check(b"plain ascii\n" * 1000, "Zürich".encode("latin-1"), b"more ascii")
    assert not check(b"ends half way \xc3")


@pytest.mark.parametrize(
    ("head", "tail", "expected"),
    [
        (b"", "Zürich\n".encode(), "utf-8"),
        ("\ufeff".encode(), "Zürich\n".encode(), "utf-8-sig"),
        (b"", "Zürich\n".encode("latin-1"), "latin-1"),
    ],
)
def test_the_one_pass_fingerprint_decides_as_a_full_scan_does(
    tmp_path: Path, head: bytes, tail: bytes, expected: str
) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(head + b"id,city\n" * 300_000 + tail)  # several read chunks
    assert detect_encoding(path) == expected
    assert detect_encoding(path, fingerprint(path).utf8) == expected
