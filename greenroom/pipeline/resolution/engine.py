"""Train, predict, cluster: one Splink (DuckDB backend) run per entity type.

Training is unsupervised and deterministic: the prior from near-certain rules, u by
seeded random sampling, m by expectation maximisation over each training blocking pass.
Levels training cannot observe keep the values stated in ``settings``; so does the whole
model when there are too few records to learn from. Prediction scores the union of the
blocking rules' pairs; pairs at or above the threshold become links when they are the
best match per source both ways (:mod:`.links`), and connected components of the links
are the entities.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from greenroom.pipeline.resolution import evidence, ids, links, prepare
from greenroom.pipeline.resolution.exceptions import RecordsError, ResolutionFailedError
from greenroom.pipeline.resolution.prepare import Entity
from greenroom.pipeline.resolution.settings import MODELS, EntityModel

log = logging.getLogger(__name__)

SEED = 42
U_MAX_PAIRS = 2e5
MIN_TRAINING_RECORDS = 40
"""Below this many records the stated model is used as is (EM needs pairs to learn from)."""
DEFAULT_THRESHOLD = 0.9
"""Match probability at or above which two records are the same entity."""


@dataclass(frozen=True)
class Resolution:
    """The outcome of resolving one entity type."""

    clusters: pa.Table
    """``source, source_record_id, entity_id`` — one row per distinct input record."""
    pairs: pa.Table
    """The scored pairs at or above the threshold (:data:`evidence.PAIRS_SCHEMA`):
    ``entity_type, left_source, left_record_id, right_source, right_record_id,
    match_weight, match_probability, linked, evidence`` (per comparison: level, weight)."""
    params: dict[str, object]
    """The model used: prior, blocking rules, m/u/weight per comparison level."""


def stated_model(model: EntityModel) -> dict[str, Any]:
    """The Splink settings of ``model`` with its stated (untrained) m/u values."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": model.prior,
        "comparisons": copy.deepcopy(list(model.comparisons)),
        "blocking_rules_to_generate_predictions": list(model.blocking),
        "additional_columns_to_retain": ["source", "source_record_id"],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 50,
        "em_convergence": 1e-4,
    }


def fill_unobserved(trained: dict[str, Any], model: EntityModel) -> dict[str, Any]:
    """Levels training never saw (no m or u estimate) take the model's stated values."""
    for comparison, stated in zip(trained["comparisons"], model.comparisons, strict=True):
        for level, default in zip(
            comparison["comparison_levels"], stated["comparison_levels"], strict=True
        ):
            if level.get("is_null_level"):
                continue
            for key in ("m_probability", "u_probability"):
                if not isinstance(level.get(key), float | int):
                    level[key] = default[key]
    return trained


def _train(linker: Any, model: EntityModel) -> tuple[dict[str, Any], list[str]]:
    """The trained settings, and the EM passes that failed (their comparisons keep the
    stated or earlier values: EM on few or lopsided pairs can drive an m to zero)."""
    linker.training.estimate_probability_two_random_records_match(
        list(model.deterministic), recall=model.recall
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=U_MAX_PAIRS, seed=SEED, min_count_per_level=None, num_chunks=1
    )
    skipped: list[str] = []
    for rule in model.training:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except ValueError as exc:
            log.warning("EM pass `%s` for %s records skipped: %s", rule, model.entity, exc)
            skipped.append(rule)
    trained: dict[str, Any] = linker.misc.save_model_to_json()
    return fill_unobserved(trained, model), skipped


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink logs every level EM cannot observe at WARNING; those are expected and
    handled (:func:`fill_unobserved`), so only its errors get through."""
    splink_log = logging.getLogger("splink")
    level = splink_log.level
    splink_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        splink_log.setLevel(level)


@dataclass(frozen=True)
class _Run:
    scored: pa.Table
    members: pa.Table
    model: dict[str, Any]
    skipped: list[str]


def _run(model: EntityModel, feats: pa.Table, threshold: float) -> _Run:
    from splink import DuckDBAPI, Linker
    from splink.clustering import cluster_pairwise_predictions_at_threshold

    db = DuckDBAPI()
    db.duckdb_con.execute("SET threads = 1")  # deterministic sums; the box is shared
    db.duckdb_con.execute("SET enable_progress_bar = false")
    try:
        records = db.register(feats)
        trained, skipped = stated_model(model), list[str]()
        if feats.num_rows >= MIN_TRAINING_RECORDS:
            trained, skipped = _train(Linker(records, trained, log_level=None), model)
        linker = Linker(records, copy.deepcopy(trained), log_level=None)
        predicted = linker.inference.predict(threshold_match_probability=threshold)
        scored = predicted.as_pyarrow_table()  # type: ignore[no-untyped-call]
        scored = scored.append_column("linked", links.linked(scored))
        clustered = cluster_pairwise_predictions_at_threshold(
            feats.select(["unique_id"]),
            scored.filter(scored["linked"]).select(["unique_id_l", "unique_id_r"]),
            db,
            "unique_id",
        )
        members = clustered.as_pyarrow_table()  # type: ignore[no-untyped-call]
        return _Run(scored, members.select(["unique_id", "cluster_id"]), trained, skipped)
    finally:
        db.duckdb_con.close()


def resolve(
    entity: Entity, records: pa.Table, *, threshold: float = DEFAULT_THRESHOLD
) -> Resolution:
    """Resolve ``records`` of one entity type (every source at once) into entities.

    Columns: artists ``source, source_record_id, name, genres, country, formation_date,
    popularity``; venues ``source, source_record_id, name, city, country, latitude,
    longitude, capacity``. A repeated ``source``/``source_record_id`` keeps its first row.
    The same records give the same clusters and ids on every run.
    """
    if entity not in MODELS:
        raise RecordsError(f"unknown entity type `{entity}`; resolve `artist` or `venue`")
    if not 0.0 < threshold < 1.0:
        raise RecordsError(f"threshold `{threshold}` is no probability; pass one in (0, 1)")
    model = MODELS[entity]
    feats = prepare.features(entity, records)
    run = None
    if feats.num_rows >= 2:
        try:
            with _quiet_splink():
                run = _run(model, feats, threshold)
        except Exception as exc:  # splink raises bare exceptions from SQL and EM
            raise ResolutionFailedError(
                f"entity resolution of `{entity}` records failed ({type(exc).__name__}: {exc}); "
                "check the records for malformed values and rerun"
            ) from exc
    members = (
        run.members
        if run
        else pa.table({"unique_id": feats["unique_id"], "cluster_id": feats["unique_id"]})
    )
    keyed = ids.canonical_ids(model.prefix, members.rename_columns(["unique_id", "cluster"]))
    where = pc.index_in(feats["unique_id"], value_set=keyed["unique_id"])
    clusters = pa.table(
        {
            "source": feats["source"],
            "source_record_id": feats["source_record_id"],
            "entity_id": pc.take(keyed["entity_id"], where),
        }
    )
    summary = evidence.params(run.model if run else None, threshold)
    summary |= {
        "entity": entity,
        "records": feats.num_rows,
        "trained": feats.num_rows >= MIN_TRAINING_RECORDS,
        "em_passes_skipped": run.skipped if run else [],
    }
    return Resolution(
        clusters=clusters.sort_by([("source", "ascending"), ("source_record_id", "ascending")]),
        pairs=evidence.pairs(entity, run.scored if run else None, run.model if run else None),
        params=summary,
    )
