"""Entity resolution: scoring, stable ids, hand-made merges, and the scored demo world."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from greenroom.pipeline.resolution import (
    PAIRS_SCHEMA,
    Entity,
    RecordsError,
    geo,
    links,
    pairwise_scores,
    resolve,
    survivorship,
)
from greenroom.pipeline.resolution.ids import canonical_ids

# ---- records from the synthetic world's source files (columns as in docs/synthetic-data.md)


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _field(table: pa.Table, *path: str) -> pa.Array:
    """A nested field of JSON objects read with ``from_pylist`` (null where absent)."""
    if path[0] not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    col: Any = table[path[0]].combine_chunks()
    for name in path[1:]:
        if not pa.types.is_struct(col.type) or col.type.get_field_index(name) < 0:
            return pa.nulls(table.num_rows, pa.string())
        col = pc.struct_field(col, name)
    return col


def _begin_date(text: pa.Array) -> pa.Array:
    """MusicBrainz ``life-span.begin``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``."""
    padded = pc.utf8_slice_codeunits(pc.binary_join_element_wise(text, "-01-01", ""), 0, 10)
    full = pc.if_else(
        pc.equal(pc.utf8_length(text), 7), pc.binary_join_element_wise(text, "-01", ""), padded
    )
    return pc.cast(pc.strptime(full, format="%Y-%m-%d", unit="s", error_is_null=True), pa.date32())


def artist_records(world: Path) -> pa.Table:
    mb = pa.Table.from_pylist(_load(world / "sources/musicbrainz_artists/artists.json")["artists"])
    sp = pa.Table.from_pylist(_load(world / "sources/spotify_artists/artists.json")["artists"])
    tags = _field(mb, "tags")
    genres = pa.array(
        [
            [
                t["name"]
                for t in sorted(row or [], key=lambda t: -(t.get("count") or 0))
                if t.get("name")
            ]
            for row in tags.to_pylist()
        ],
        pa.list_(pa.string()),
    )
    mb_part = pa.table(
        {
            "source": pa.array(["musicbrainz_artists"] * mb.num_rows, pa.string()),
            "source_record_id": _field(mb, "id"),
            "name": _field(mb, "name"),
            "genres": genres,
            "country": _field(mb, "country"),
            "formation_date": _begin_date(_field(mb, "life-span", "begin")),
            "popularity": pa.nulls(mb.num_rows, pa.float64()),
        }
    )
    sp_part = pa.table(
        {
            "source": pa.array(["spotify_artists"] * sp.num_rows, pa.string()),
            "source_record_id": _field(sp, "id"),
            "name": _field(sp, "name"),
            "genres": pc.cast(_field(sp, "genres"), pa.list_(pa.string())),
            "country": pa.nulls(sp.num_rows, pa.string()),
            "formation_date": pa.nulls(sp.num_rows, pa.date32()),
            "popularity": pc.cast(_field(sp, "popularity"), pa.float64()),
        }
    )
    return _resolvable(pa.concat_tables([mb_part, sp_part]))


def venue_records(world: Path) -> pa.Table:
    reg = pacsv.read_csv(
        world / "sources/venue_registry/venues.csv",
        convert_options=pacsv.ConvertOptions(
            column_types={
                c: pa.string()
                for c in (
                    "registry_id",
                    "venue_name",
                    "city",
                    "country",
                    "latitude",
                    "longitude",
                    "capacity",
                )
            }
        ),
    )
    tm = pa.Table.from_pylist(
        _load(world / "sources/ticketmaster_venues/venues.json")["_embedded"]["venues"]
    )

    def number(values: pa.Array, kind: pa.DataType) -> pa.Array:
        text = pc.cast(values, pa.string())
        ok = pc.match_substring_regex(text, r"^\s*-?[0-9]+(\.[0-9]+)?\s*$")
        return pc.cast(pc.if_else(ok, pc.utf8_trim_whitespace(text), None), kind)

    parts = [
        pa.table(
            {
                "source": pa.array(["venue_registry"] * reg.num_rows, pa.string()),
                "source_record_id": reg["registry_id"],
                "name": reg["venue_name"],
                "city": reg["city"],
                "country": reg["country"],
                "latitude": number(reg["latitude"].combine_chunks(), pa.float64()),
                "longitude": number(reg["longitude"].combine_chunks(), pa.float64()),
                "capacity": number(reg["capacity"].combine_chunks(), pa.int64()),
            }
        ),
        pa.table(
            {
                "source": pa.array(["ticketmaster_venues"] * tm.num_rows, pa.string()),
                "source_record_id": _field(tm, "id"),
                "name": _field(tm, "name"),
                "city": _field(tm, "city", "name"),
                "country": _field(tm, "country", "countryCode"),
                "latitude": number(_field(tm, "location", "latitude"), pa.float64()),
                "longitude": number(_field(tm, "location", "longitude"), pa.float64()),
                "capacity": number(_field(tm, "capacity"), pa.int64()),
            }
        ),
    ]
    return _resolvable(pa.concat_tables(parts))


def _resolvable(records: pa.Table) -> pa.Table:
    """Records with an id and a name, as the staging models pass them on (the contracts
    quarantine the others: `missing_required` is a rejectable defect)."""
    named = pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(records["name"])), 0)
    return records.filter(pc.and_(pc.is_valid(records["source_record_id"]), named))


def truth_of(world: Path, entity: str) -> pa.Table:
    truth = pq.read_table(world / "truth" / "entities.parquet")
    return truth.filter(pc.equal(truth["entity_type"], entity))


# ---- scoring and ids --------------------------------------------------------------------


def _clusters(rows: list[tuple[str, str]]) -> pa.Table:
    return pa.table(
        {
            "source": ["s"] * len(rows),
            "source_record_id": [r for r, _ in rows],
            "entity_id": [e for _, e in rows],
        }
    )


def _truth(rows: list[tuple[str, str]]) -> pa.Table:
    return pa.table(
        {
            "source": ["s"] * len(rows),
            "source_record_id": [r for r, _ in rows],
            "true_entity_id": [e for _, e in rows],
        }
    )


def test_pairwise_scores_count_pairs_per_cluster_intersection() -> None:
    predicted = _clusters([("a", "1"), ("b", "1"), ("c", "1"), ("d", "2"), ("e", "3")])
    truth = _truth([("a", "X"), ("b", "X"), ("c", "Y"), ("d", "Y"), ("e", "Z")])
    precision, recall, f1 = pairwise_scores(predicted, truth)
    assert precision == pytest.approx(1 / 3)  # ab right; ac, bc wrong
    assert recall == pytest.approx(1 / 2)  # ab found; cd missed
    assert f1 == pytest.approx(0.4)


def test_pairwise_scores_perfect_and_empty() -> None:
    predicted = _clusters([("a", "1"), ("b", "1"), ("c", "2")])
    truth = _truth([("a", "X"), ("b", "X"), ("c", "Y"), ("z", "Y")])  # z never predicted
    assert pairwise_scores(predicted, truth) == (1.0, 1.0, 1.0)
    singletons = _clusters([("a", "1"), ("b", "2")])
    assert pairwise_scores(singletons, _truth([("a", "X"), ("b", "Y")])) == (1.0, 1.0, 1.0)


def test_canonical_id_is_derived_from_the_smallest_member_key() -> None:
    members = pa.table(
        {
            "unique_id": ["spotify_artists:9", "musicbrainz_artists:5", "x:1"],
            "cluster": ["c1", "c1", "c2"],
        }
    )
    out = canonical_ids("art_", members).to_pylist()
    expected = "art_" + hashlib.md5(b"musicbrainz_artists:5").hexdigest()[:12]
    assert [r["entity_id"] for r in out[:2]] == [expected, expected]
    assert out[2]["entity_id"] == "art_" + hashlib.md5(b"x:1").hexdigest()[:12]


# ---- resolve on hand-made records ----------------------------------------------------------


def _artists(rows: Sequence[tuple[str, str, str | None, list[str]]]) -> pa.Table:
    mb = [r[0] == "musicbrainz_artists" for r in rows]
    return pa.table(
        {
            "source": [r[0] for r in rows],
            "source_record_id": [r[1] for r in rows],
            "name": pa.array([r[2] for r in rows], pa.string()),
            "genres": pa.array([r[3] for r in rows], pa.list_(pa.string())),
            "country": pa.array(["GB" if m else None for m in mb], pa.string()),
            "formation_date": pa.array(
                [dt.date(1999, 1, 1) if m else None for m in mb], pa.date32()
            ),
            "popularity": pa.array([None if m else 50.0 for m in mb], pa.float64()),
        }
    )


HAND_MADE = [
    ("musicbrainz_artists", "mb1", "The Night Owls", ["indie", "post-punk"]),
    ("spotify_artists", "sp1", "Night Owls, The", ["Indie Rock", "post punk"]),
    ("musicbrainz_artists", "mb2", "Motörhead", ["heavy metal", "hard rock"]),
    ("spotify_artists", "sp2", "MotÃ¶rhead", ["metal", "hard rock"]),
    ("musicbrainz_artists", "mb3", "Velvet Comets", ["shoegaze"]),
    ("spotify_artists", "sp3", "Velvet Comtes", ["shoegaze"]),
    ("musicbrainz_artists", "mb4", "Iron Wolves", ["metal"]),
    ("spotify_artists", "sp4", "Paper Lanterns", ["folk rock"]),
    ("musicbrainz_artists", "mb5", None, ["rock"]),
]


def _entity_of(clusters: pa.Table) -> dict[str, str]:
    return {r["source_record_id"]: r["entity_id"] for r in clusters.to_pylist()}


def test_resolve_sees_through_variants_mojibake_and_typos() -> None:
    result = resolve("artist", _artists(HAND_MADE))
    ids = _entity_of(result.clusters)
    assert ids["mb1"] == ids["sp1"]
    assert ids["mb2"] == ids["sp2"]
    assert ids["mb3"] == ids["sp3"]
    assert len({ids["mb1"], ids["mb2"], ids["mb3"], ids["mb4"], ids["sp4"], ids["mb5"]}) == 6
    assert ids["mb1"] == "art_" + hashlib.md5(b"musicbrainz_artists:mb1").hexdigest()[:12]
    assert result.pairs.schema == PAIRS_SCHEMA
    linked = {(p["left_record_id"], p["right_record_id"]) for p in result.pairs.to_pylist()}
    assert {tuple(sorted(p)) for p in linked} == {("mb1", "sp1"), ("mb2", "sp2"), ("mb3", "sp3")}
    evidence = result.pairs.to_pylist()[0]["evidence"]
    assert [e["comparison"] for e in evidence] == [
        "name",
        "genres",
        "country",
        "formed",
        "popularity",
        "source",
    ]
    assert all(result.pairs["linked"].to_pylist())


def test_resolve_links_the_best_match_per_source_only() -> None:
    # Two real artists a letter apart, both in both sources, with the same genres.
    rows = [
        ("musicbrainz_artists", "mb1", "Léa Santos", ["rock", "indie"]),
        ("musicbrainz_artists", "mb2", "Lena Santos", ["indie", "rock"]),
        ("spotify_artists", "sp1", "Lea Santos", ["rock", "indie"]),
        ("spotify_artists", "sp2", "Lena Santos", ["indie", "rock"]),
    ]
    records = _artists(rows).set_column(
        6, "popularity", pa.array([None, None, 24.0, 8.0], pa.float64())
    )
    records = records.set_column(
        5, "formation_date", pa.array([dt.date(1998, 1, 1), dt.date(2017, 1, 1), None, None])
    )
    records = records.set_column(4, "country", pa.array(["JP", "GB", None, None], pa.string()))
    result = resolve("artist", records)
    ids = _entity_of(result.clusters)
    assert ids["mb1"] == ids["sp1"] != ids["mb2"] == ids["sp2"]
    cross = [p for p in result.pairs.to_pylist() if p["left_source"] != p["right_source"]]
    unlinked = {(p["left_record_id"], p["right_record_id"]) for p in cross if not p["linked"]}
    assert unlinked == {("mb1", "sp2"), ("mb2", "sp1")}


def test_links_keep_within_source_pairs_and_mutual_best_cross_pairs() -> None:
    scored = pa.table(
        {
            "unique_id_l": ["a:1", "a:1", "a:2", "a:1", "a:3"],
            "unique_id_r": ["b:1", "b:2", "b:2", "a:2", "b:3"],
            "source_l": ["a", "a", "a", "a", "a"],
            "source_r": ["b", "b", "b", "a", "b"],
            "match_weight": [9.0, 5.0, 9.0, 4.0, 3.0],
        }
    )
    assert links.linked(scored).to_pylist() == [True, False, True, True, True]
    ties = scored.set_column(4, "match_weight", pa.array([9.0, 9.0, 9.0, 4.0, 3.0]))
    assert links.linked(ties).to_pylist() == [True, True, True, True, True]


def test_resolve_venues_by_name_city_and_position() -> None:
    records = pa.table(
        {
            "source": [
                "venue_registry",
                "ticketmaster_venues",
                "venue_registry",
                "ticketmaster_venues",
                "venue_registry",
            ],
            "source_record_id": ["r1", "t1", "r2", "t2", "r3"],
            "name": [
                "Columbiahalle",
                "COLUMBIAHALLE",
                "Berlin Arena",
                "Berlin Arena",
                "Apollo Theater",
            ],
            "city": ["Berlin", "Berlin", "Berlin", "Berlin", "Berlin"],
            "country": ["Germany", "DE", "Germany", "DE", "Germany"],
            "latitude": [52.4849, 52.4849, 13.4432, 52.5079, 52.52],  # r2: swapped coordinates
            "longitude": [13.3889, 13.3889, 52.5079, 13.4432, 13.41],
            "capacity": [3500, 3500, 17000, 17000, 1800],
        }
    )
    ids = _entity_of(resolve("venue", records).clusters)
    assert ids["r1"] == ids["t1"]
    assert ids["r2"] == ids["t2"]
    assert len({ids["r1"], ids["r2"], ids["r3"]}) == 3
    assert ids["r1"].startswith("ven_")


def test_coordinates_far_from_their_city_are_implausible() -> None:
    plausible = geo.coordinates_plausible(
        pa.array(["Berlin", "Berlin", "Berlin", "Atlantis", "Berlin"]),
        pa.array(["DE", "DE", "DE", "DE", "DE"]),
        pa.array([52.50, 13.40, -52.50, 10.0, None], pa.float64()),
        pa.array([13.42, 52.50, 13.42, 10.0, None], pa.float64()),
    )
    assert plausible.to_pylist() == [True, False, False, None, None]


def test_resolve_keeps_the_first_of_repeated_records() -> None:
    rows = [*HAND_MADE, ("musicbrainz_artists", "mb1", "Something Else", ["emo"])]
    clusters = resolve("artist", _artists(rows)).clusters
    assert clusters.num_rows == len(HAND_MADE)


def test_resolve_rejects_records_without_the_columns() -> None:
    with pytest.raises(RecordsError, match="`genres`"):
        resolve("artist", _artists(HAND_MADE).drop_columns(["genres"]))


def test_resolve_rejects_records_without_keys() -> None:
    records = _artists(HAND_MADE)
    keyless = records.set_column(
        1, "source_record_id", pa.array([None] * records.num_rows, pa.string())
    )
    with pytest.raises(RecordsError, match="source_record_id"):
        resolve("artist", keyless)


def test_resolve_rejects_unknown_entities_and_thresholds() -> None:
    with pytest.raises(RecordsError, match="`concert`"):
        resolve("concert", _artists(HAND_MADE))  # type: ignore[arg-type]
    with pytest.raises(RecordsError, match=r"threshold `1\.5`"):
        resolve("artist", _artists(HAND_MADE), threshold=1.5)


def test_resolve_of_unrelated_records_links_nothing() -> None:
    rows = [
        ("musicbrainz_artists", "mb1", "Iron Wolves", ["metal"]),
        ("spotify_artists", "sp1", "Paper Lanterns", ["folk rock"]),
    ]
    result = resolve("artist", _artists(rows))
    assert len(set(result.clusters["entity_id"].to_pylist())) == 2
    assert result.pairs.num_rows == 0


def test_resolve_of_one_record_is_a_singleton() -> None:
    result = resolve("artist", _artists(HAND_MADE[:1]))
    assert result.clusters.num_rows == 1
    assert result.pairs.num_rows == 0


def test_survivorship_map_display_names_and_lookup() -> None:
    rows = [
        ("musicbrainz_artists", "mb1", "NIGHT OWLS", ["indie"]),
        ("spotify_artists", "sp1", "The Night Owls", ["indie"]),
        ("musicbrainz_artists", "mb2", "MotÃ¶rhead", ["metal"]),
        ("spotify_artists", "sp2", "Motorhead", ["metal"]),
        ("musicbrainz_artists", "mb3", "Iron Wolves", ["metal"]),
        ("spotify_artists", "sp3", "Iron-Wolves", ["metal"]),
    ]
    records = _artists(rows)
    clusters = pa.table(
        {
            "source": [r[0] for r in rows],
            "source_record_id": [r[1] for r in rows],
            "entity_id": ["e1", "e1", "e2", "e2", "e3", "e3"],
        }
    )
    mapping = survivorship.entity_map(records, clusters)
    assert (
        dict(
            zip(mapping["source_record_id"].to_pylist(), mapping["name"].to_pylist(), strict=True)
        )["mb2"]
        == "Motörhead"
    )
    names = survivorship.display_names(mapping).to_pylist()
    assert names == [
        {"entity_id": "e1", "name": "The Night Owls"},
        {"entity_id": "e2", "name": "Motörhead"},
        {"entity_id": "e3", "name": "Iron Wolves"},
    ]
    lookup = survivorship.name_lookup(mapping)
    keys = survivorship.match_keys(pa.array(["Night Owls, The", "MOTORHEAD", "Unknown"]))
    found = pc.take(lookup["entity_id"], pc.index_in(keys, value_set=lookup["match_key"]))
    assert found.to_pylist() == ["e1", "e2", None]


# ---- the synthetic world ------------------------------------------------------------------


@pytest.fixture(scope="session")
def demo_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from greenroom import synth

    out = tmp_path_factory.mktemp("er-demo") / "world"
    synth.generate(out, scale="demo", seed=7)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("entity", ["artist", "venue"])
def test_ids_are_stable_across_runs_and_unrelated_records(demo_world: Path, entity: Entity) -> None:
    records = artist_records(demo_world) if entity == "artist" else venue_records(demo_world)
    truth = truth_of(demo_world, entity)
    first, again = resolve(entity, records), resolve(entity, records)
    assert first.clusters.equals(again.clusters)
    assert first.pairs.equals(again.pairs)
    # Hold back every record of a third of the true entities, then add them again.
    held = set(sorted(set(truth["true_entity_id"].to_pylist()))[::3])
    keep = {
        (r["source"], r["source_record_id"])
        for r in truth.to_pylist()
        if r["true_entity_id"] not in held
    }
    mask = pa.array(
        [
            (s, i) in keep
            for s, i in zip(
                records["source"].to_pylist(), records["source_record_id"].to_pylist(), strict=True
            )
        ]
    )
    part = resolve(entity, records.filter(mask))
    whole = _entity_of(first.clusters)
    for row in part.clusters.to_pylist():
        assert whole[row["source_record_id"]] == row["entity_id"], row


@pytest.mark.slow
@pytest.mark.parametrize("entity", ["artist", "venue"])
def test_demo_world_pairwise_precision_and_recall(demo_world: Path, entity: Entity) -> None:
    records = artist_records(demo_world) if entity == "artist" else venue_records(demo_world)
    result = resolve(entity, records)
    precision, recall, _ = pairwise_scores(result.clusters, truth_of(demo_world, entity))
    assert precision >= 0.97, (entity, precision, recall)
    assert recall >= 0.97, (entity, precision, recall)
