"""Partner worlds for the simulator and connector tests.

:func:`build_world` is the tiny synthetic world (``greenroom.synth.generate``).
:func:`write_fixture_world` hand-writes the four partner feeds in the documented format
(docs/synthetic-data.md) with awkward cases the synthetic world does not have: an artist
whose id is empty, events whose start is ``"TBD"`` or empty, several events at one instant.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import string
from pathlib import Path
from typing import Any

from greenroom.synth.world.artists import GENRES as SYNTH_GENRES

GENRES = list(SYNTH_GENRES)  # the synthetic world's own genre list
CITIES = [
    ("Berlin", "DE", "Germany", "Europe/Berlin", "52.5200", "13.4050"),
    ("London", "GB", "United Kingdom", "Europe/London", "51.5074", "-0.1278"),
    ("Austin", "US", "United States", "America/Chicago", "30.2672", "-97.7431"),
    ("Melbourne", "AU", "Australia", "Australia/Melbourne", "-37.8136", "144.9631"),
]


def _uuid(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _b62(rng: random.Random, n: int = 22) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def write_fixture_world(out: Path, seed: int = 7) -> Path:
    rng = random.Random(seed)
    names = [
        f"The {w} {n}"
        for w in (
            "Night",
            "Iron",
            "Velvet",
            "Paper",
            "Silver",
            "Lost",
            "Neon",
            "Broken",
            "Electric",
        )
        for n in ("Owls", "Saints", "Wolves", "Tigers", "Rivers")
    ]
    mb = []
    for i, name in enumerate(names):
        tags = rng.sample(GENRES, rng.randint(1, 3))
        mb.append(
            {
                "id": "" if i == 7 else _uuid(rng),
                "type": "Group",
                "name": name,
                "sort-name": name.removeprefix("The ") + ", The",
                "country": rng.choice(CITIES)[1],
                "life-span": {
                    "begin": rng.choice(["1998", "2004-05", "2011-03-02"]),
                    "ended": False,
                },
                "tags": [{"count": rng.randint(1, 20), "name": t} for t in tags],
                "relations": [
                    {
                        "type": "member of band",
                        "direction": "backward",
                        "artist": {"name": f"Member {i}-{k}"},
                    }
                    for k in range(rng.randint(1, 4))
                ],
            }
        )
    spotify = []
    for name in names[:38]:
        sid = _b62(rng)
        spotify.append(
            {
                "id": sid,
                "name": name,
                "type": "artist",
                "uri": f"spotify:artist:{sid}",
                "genres": rng.sample(GENRES, rng.randint(1, 3)),
                "popularity": rng.randint(1, 90),
                "followers": {"href": None, "total": rng.randint(100, 900_000)},
                "external_urls": {"spotify": f"https://open.spotify.com/artist/{sid}"},
            }
        )
    venues = []
    for i in range(20):
        city = CITIES[i % len(CITIES)]
        venues.append(
            {
                "id": "KovZ" + _b62(rng, 10),
                "name": f"Hall {i}",
                "type": "venue",
                "city": {"name": city[0]},
                "state": {"name": city[0]},
                "country": {"countryCode": city[1], "name": city[2]},
                "location": {"longitude": city[5], "latitude": city[4]},
                "timezone": city[3],
                "generalInfo": {"generalRule": "No re-entry."},
                "capacity": rng.randint(300, 20000),
            }
        )
    events = []
    base = dt.datetime(2023, 7, 1, 19, tzinfo=dt.UTC)
    for i in range(150):
        when = base + dt.timedelta(days=rng.randint(0, 4 * 365), hours=rng.choice([0, 1, 2]))
        if i % 37 == 5:
            when = base + dt.timedelta(days=400)  # several shows at the same instant
        date_time = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        if i in (11, 99):
            date_time = "TBD" if i == 11 else ""
        artist = rng.choice(mb)
        tiers = ["GA", "VIP"] if i % 3 else ["GA", "reserved", "VIP"]
        events.append(
            {
                "id": "vvG1" + _b62(rng, 12),
                "name": artist["name"],
                "type": "event",
                "dates": {
                    "start": {
                        "localDate": when.strftime("%Y-%m-%d"),
                        "localTime": when.strftime("%H:%M:%S"),
                        "dateTime": date_time,
                    },
                    "timezone": "Europe/Berlin",
                    "status": {"code": rng.choice(["onsale", "offsale", "cancelled"])},
                },
                "priceRanges": [
                    {
                        "type": t,
                        "currency": "USD",
                        "min": float(30 + 10 * k),
                        "max": float(30 + 10 * k),
                    }
                    for k, t in enumerate(tiers)
                ],
                "_embedded": {
                    "venues": [{"id": rng.choice(venues)["id"]}],
                    "attractions": [
                        {
                            "id": "K8vZ9" + _b62(rng, 8),
                            "name": artist["name"],
                            "externalLinks": {"musicbrainz": [{"id": artist["id"]}]},
                        }
                    ],
                },
            }
        )
    _write(
        out / "sources/musicbrainz_artists/artists.json",
        {"created": "2026-06-30T00:00:00.000Z", "count": len(mb), "offset": 0, "artists": mb},
    )
    _write(out / "sources/spotify_artists/artists.json", {"artists": spotify})
    for feed, key, items in (
        ("ticketmaster_venues", "venues", venues),
        ("ticketmaster_events", "events", events),
    ):
        _write(
            out / f"sources/{feed}/{key}.json",
            {
                "_embedded": {key: items},
                "page": {
                    "size": len(items),
                    "totalElements": len(items),
                    "totalPages": 1,
                    "number": 0,
                },
            },
        )
    return out


def _write(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")


def build_world(out: Path) -> Path:
    """The tiny synthetic world."""
    from greenroom.synth import generate

    generate(out, scale="tiny")
    return out
