"""Golden tests of the name and genre normaliser, on hand-made inputs."""

from __future__ import annotations

import pyarrow as pa
import pytest

from greenroom.pipeline import normalize


def _strings(values: list[str | None]) -> pa.Array:
    return pa.array(values, pa.string())


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("The Night Owls", "night owls"),
        ("Night Owls, The", "night owls"),
        ("night owls,the", "night owls"),
        ("  NIGHT   owls ", "night owls"),
        ("Night-Owls", "night owls"),
        ("Night Owls!", "night owls"),
        ("Motörhead", "motorhead"),
        ("Sigur Rós", "sigur ros"),
        ("Mötley Crüe", "motley crue"),
        ("Ørkenlys & Søn", "orkenlys and son"),
        ("Café Straße", "cafe strasse"),
        ("R.E.M.", "rem"),
        ("Guns N' Roses", "guns n roses"),
        ("AC/DC", "ac dc"),
        ("Théâtre du Châtelet", "theatre du chatelet"),
        ("The Theatre", "theatre"),
        ("", ""),
        (None, None),
    ],
)
def test_name_key_golden(raw: str | None, key: str | None) -> None:
    assert normalize.name_key(_strings([raw])).to_pylist() == [key]


def test_compact_key_ignores_spaces_and_hyphens() -> None:
    out = normalize.compact_key(_strings(["Night-Owls", "NightOwls", "The Night  Owls", None]))
    assert out.to_pylist() == ["nightowls", "nightowls", "nightowls", None]


def test_name_key_accepts_chunked_arrays() -> None:
    chunked = pa.chunked_array([["The Kills"], ["Kills, The"]])
    assert normalize.name_key(chunked).to_pylist() == ["kills", "kills"]


def test_name_key_rejects_non_strings() -> None:
    with pytest.raises(TypeError, match="cast the column"):
        normalize.name_key(pa.array([1, 2]))


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        ("MotÃ¶rhead", "Motörhead"),  # UTF-8 read as Latin-1
        ("BeyoncÃ©", "Beyoncé"),
        ("Sigur RÃ³s", "Sigur Rós"),
        ("CafÃ© StraÃŸe", "Café Straße"),  # read as cp1252: byte 0x9F of "ß" shows as "Ÿ"
        ("Ã˜rkenlys", "Ørkenlys"),  # cp1252 "˜" for 0x98
        ("MotÃƒÂ¶rhead", "Motörhead"),  # decoded wrongly twice
        ("Ã\x81sgeir ÃžÃ³r", "Ásgeir Þór"),  # 0x81 is a cp1252 hole: read as Latin-1
        ("Å\x81Ã³dÅº", "Łódź"),
        ("Å’uvre", "Œuvre"),
        ("Motörhead", "Motörhead"),  # already right
        ("Sigur Rós", "Sigur Rós"),
        ("Ã", "Ã"),  # a lone lead byte is no valid round trip
        ("PÃ©rez Ã", "PÃ©rez Ã"),  # not valid UTF-8 as a whole: left alone
        ("plain", "plain"),
        (None, None),
    ],
)
def test_repair_mojibake_golden(raw: str | None, fixed: str | None) -> None:
    assert normalize.repair_mojibake(_strings([raw])).to_pylist() == [fixed]


def test_repair_mojibake_keeps_order_and_repeats() -> None:
    broken = "Motörhead".encode().decode("latin-1")
    values = _strings([broken, "Kyuss", broken, None, "Björk".encode().decode("latin-1")])
    assert normalize.repair_mojibake(values).to_pylist() == [
        "Motörhead",
        "Kyuss",
        "Motörhead",
        None,
        "Björk",
    ]


def test_repair_then_key_matches_the_clean_name() -> None:
    broken = "Mötley Crüe".encode().decode("latin-1")
    keys = normalize.name_key(normalize.repair_mojibake(_strings([broken, "Motley Crue"])))
    assert keys.to_pylist() == ["motley crue", "motley crue"]


@pytest.mark.parametrize(
    ("raw", "genre"),
    [
        ("rock", "rock"),
        ("Hard-Rock", "hard rock"),
        ("heavy metal", "metal"),
        ("Punk Rock", "punk"),
        ("indie rock", "indie"),
        ("Alt-Rock", "alternative"),
        ("post punk", "post-punk"),
        ("PostPunk", "post-punk"),
        ("prog", "progressive rock"),
        ("Prog Rock", "progressive rock"),
        ("pop/rock", "pop rock"),
        ("folk-rock", "folk rock"),
        ("shoegazing", "shoegaze"),
        ("garage", "garage rock"),
        ("psych", "psychedelic rock"),
        ("Rock & Roll", "rock"),
        ("rock'n'roll", "rock"),
        ("jazz", None),
        ("", None),
        (None, None),
    ],
)
def test_canonical_genre_golden(raw: str | None, genre: str | None) -> None:
    assert normalize.canonical_genre(_strings([raw])).to_pylist() == [genre]


def test_canonical_genres_of_lists() -> None:
    lists = pa.array(
        [["Indie Rock", "indie", "jazz", "Post Punk"], None, [], ["METAL", "heavy metal"], [None]],
        pa.list_(pa.string()),
    )
    assert normalize.canonical_genres(lists).to_pylist() == [
        ["indie", "post-punk"],
        None,
        [],
        ["metal"],
        [],
    ]


def test_canonical_genres_of_an_empty_column() -> None:
    empty = pa.array([], pa.list_(pa.string()))
    assert normalize.canonical_genres(empty).to_pylist() == []


def test_taxonomy_is_the_synthetic_worlds() -> None:
    from greenroom.synth.world.artists import GENRES

    taxonomy = set(normalize.genre_aliases()["genre"].to_pylist())
    assert taxonomy == set(GENRES)
    assert normalize.canonical_genre(_strings(list(GENRES))).to_pylist() == list(GENRES)
