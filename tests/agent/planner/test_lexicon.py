"""Names in messages: case, accents, typos, vowel-less spellings, ambiguity."""

from __future__ import annotations

import pytest

from greenroom.agent.planner.lexicon import Lexicon
from greenroom.agent.planner.text import Tokens, fold, skeleton


def found(lexicon: Lexicon, text: str) -> list[tuple[str, str, str]]:
    return [
        (e.dimension, e.value, m.how) for m in lexicon.match(Tokens.of(text)) for e in m.entries
    ]


def values(lexicon: Lexicon, text: str) -> list[tuple[str, str]]:
    return [(d, v) for d, v, _ in found(lexicon, text)]


def test_folding_and_skeletons() -> None:
    assert fold("Motörkult Ødeland Café") == "motorkult odeland cafe"
    assert skeleton("Iron Maiden") == "rn mdn"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("revenue of MOTORKULT", ("artist", "Motörkult", "exact")),
        ("revenue of motorkult", ("artist", "Motörkult", "exact")),
        ("tickets for kingdom of sirens", ("artist", "Kingdom of Sirens", "exact")),
        ("tickets for kingdm of sirns", ("artist", "Kingdom of Sirens", "skeleton")),
        ("tickets for kingdon of siresn", ("artist", "Kingdom of Sirens", "fuzzy")),
        ("how much did dlnd vndls make", ("artist", "Ødeland Vandals", "skeleton")),
        ("odeland vandels in 2024", ("artist", "Ødeland Vandals", "skeleton")),
        ("revenue of bitter bonne", ("artist", "Bitter Bone", "fuzzy")),
        ("shows in munich", ("city", "München", "exact")),
        ("sales at denver sports hall", ("venue", "Denver Sports Hall", "exact")),
    ],
)
def test_names_are_found(lexicon: Lexicon, text: str, expected: tuple[str, str, str]) -> None:
    assert expected in found(lexicon, text)


def test_longest_name_wins_over_the_city_inside_it(lexicon: Lexicon) -> None:
    assert found(lexicon, "revenue at buenos aires theatre") == [
        ("venue", "Buenos Aires Theatre", "exact")
    ]


def test_country_codes_only_in_capitals(lexicon: Lexicon) -> None:
    assert ("country", "US", "exact") in found(lexicon, "revenue in the US")
    assert not any(d == "country" for d, _, _ in found(lexicon, "show us revenue at clubs"))


def test_a_name_of_two_kinds_keeps_both_readings(lexicon: Lexicon) -> None:
    readings = set(values(lexicon, "tickets for reverb den"))
    assert readings == {("artist", "Reverb Den"), ("venue", "Reverb Den")}


def test_planner_words_are_never_fuzzy_names(lexicon: Lexicon) -> None:
    assert found(lexicon, "total revenue by month for last year") == []


def test_a_fuzzy_name_must_match_word_for_word(lexicon: Lexicon) -> None:
    # "buenos aires have" is one letter-edit family away from "Buenos Aires Theatre" as a
    # string, but "have" is not "theatre": the city, exactly, is meant
    assert values(lexicon, "how many shows does buenos aires have") == [("city", "Buenos Aires")]
