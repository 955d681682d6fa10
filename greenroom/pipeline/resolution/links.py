"""Which scored pairs become links: the best match per source, both ways.

A pair above the threshold across two sources is linked only if it is, for each of its
two records, the best-scoring pair into the other record's source (ties all count).
Sources list an entity once (or rarely twice), so when "Léa Santos" and "Lena Santos"
are both in MusicBrainz and in Spotify, the one-edit cross pairs lose to the exact ones
and are not linked. Pairs within one source are linked on their score alone: that is how
a source's own duplicates join their entity.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

TIE = 1e-9
"""Match weights this close count as equal (the same evidence gives the same weight)."""


def _best_into_source(scored: pa.Table, cross: pa.Array) -> pa.Table:
    """Per record and other source, the best match weight of its cross-source pairs."""
    edges = scored.filter(cross)
    directed = pa.concat_tables(
        [
            pa.table(
                {
                    "node": edges["unique_id_l"],
                    "into": edges["source_r"],
                    "weight": edges["match_weight"],
                }
            ),
            pa.table(
                {
                    "node": edges["unique_id_r"],
                    "into": edges["source_l"],
                    "weight": edges["match_weight"],
                }
            ),
        ]
    )
    best = directed.group_by(["node", "into"], use_threads=False).aggregate([("weight", "max")])
    return best.rename_columns(["node", "into", "best"])


def _best_of(scored: pa.Table, best: pa.Table, node: str, into: str) -> pa.Array:
    """``best`` looked up for every pair of ``scored`` (by its ``node`` and ``into`` columns)."""
    keys = pa.table(
        {
            "node": scored[node],
            "into": scored[into],
            "row": pa.array(np.arange(scored.num_rows, dtype=np.int64)),
        }
    )
    joined = keys.join(best, ["node", "into"], join_type="left outer", use_threads=False)
    return joined.sort_by("row")["best"]


def linked(scored: pa.Table) -> pa.Array:
    """For each scored pair (``unique_id_l/_r``, ``source_l/_r``, ``match_weight``): is it
    a link? Within-source pairs always are; cross-source ones when best both ways."""
    if scored.num_rows == 0:
        return pa.array([], pa.bool_())
    same = pc.equal(scored["source_l"], scored["source_r"])
    best = _best_into_source(scored, pc.invert(same))
    weight = scored["match_weight"]
    best_left = _best_of(scored, best, "unique_id_l", "source_r")
    best_right = _best_of(scored, best, "unique_id_r", "source_l")
    top = pc.and_(
        pc.greater_equal(pc.add(weight, TIE), best_left),
        pc.greater_equal(pc.add(weight, TIE), best_right),
    )
    return pc.fill_null(pc.or_kleene(same, top), False).combine_chunks()
