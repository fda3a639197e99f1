"""Demo council: 75 clearly fictional members (names made up, addresses at espoo.example)
whose party split follows the 2025-2029 seat table in data/espoo_council_composition.json."""

from __future__ import annotations

import random
from typing import Protocol

from participate.councillors import loaders, services
from participate.councillors.models import CouncillorRole
from participate.councillors.queries import list_parties
from participate.districts.models import District


class Context(Protocol):
    """What load() needs: participate.seeding.demo.DemoContext and bench.BenchContext both fit."""

    rng: random.Random

    def district(self, slug: str) -> District: ...


# scripts/bench.py: the map in two languages (one cache entry each), a district, the API.
BENCH_URLS = (
    "/fi/councillors/",
    "/sv/councillors/?postal_code=02100",
    "/fi/councillors/suur-tapiola",
    "/api/v1/districts",
    "/api/v1/councillors",
    "/api/v1/districts/lookup?lat=60.1756&lon=24.8050",
)

# Seats per district, roughly by population (Leppävaara and Espoonlahti are the largest).
DISTRICT_SEATS = {
    "suur-leppavaara": 19,
    "suur-tapiola": 12,
    "suur-matinkyla": 11,
    "suur-espoonlahti": 15,
    "suur-kauklahti": 4,
    "vanha-espoo": 11,
    "pohjois-espoo": 3,
}

FIRST_NAMES = [
    "Aino",
    "Eero",
    "Helmi",
    "Ilmari",
    "Kerttu",
    "Lauri",
    "Minea",
    "Onni",
    "Pihla",
    "Rasmus",
    "Saana",
    "Toivo",
    "Vilja",
    "Ukko",
    "Elli",
    "Joel",
    "Iida",
    "Leevi",
    "Siiri",
    "Veikko",
    "Åsa",
    "Björn",
    "Ebba",
    "Gustav",
    "Hedda",
    "Isak",
    "Maja",
    "Nils",
    "Selma",
    "Viktor",
    "Amira",
    "Daniel",
    "Leila",
    "Omar",
    "Sofia",
    "Yusuf",
    "Nora",
    "Emil",
    "Lumi",
    "Otso",
]
LAST_NAMES = [
    "Aaltomaa",
    "Harjukallio",
    "Jokivarsi",
    "Kalliomäki",
    "Koivurinne",
    "Lehtoranta",
    "Metsälampi",
    "Niittyaho",
    "Ojanperä",
    "Peltokorpi",
    "Rantasalo",
    "Salmikivi",
    "Tammelin",
    "Uusikylä",
    "Vainiomaa",
    "Ylänne",
    "Ahlbäck",
    "Berglund-Esbo",
    "Ekvik",
    "Fagerström",
    "Granholm",
    "Lindqvik",
    "Nybacka",
    "Sjöholm",
    "Strandvik",
    "Östergård",
]
COMMITTEES = [
    ("Kaupunginhallitus", "Stadsstyrelsen", "City Board"),
    (
        "Kasvun ja oppimisen lautakunta",
        "Nämnden för tillväxt och lärande",
        "Growth and Learning Committee",
    ),
    ("Ympäristölautakunta", "Miljönämnden", "Environment Committee"),
    ("Liikuntalautakunta", "Idrottsnämnden", "Sports Committee"),
    ("Kulttuurilautakunta", "Kulturnämnden", "Culture Committee"),
    ("Kaupunkisuunnittelulautakunta", "Stadsplaneringsnämnden", "City Planning Committee"),
    ("Tarkastuslautakunta", "Revisionsnämnden", "Audit Committee"),
]


def _ascii(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", "Ä": "a", "Ö": "o", "Å": "a"})
    return text.translate(table).lower().replace(" ", "")


def bench_seed(ctx: Context, scale: int) -> None:
    """The real council's size whatever the scale (docs/performance.md)."""
    load(ctx)


def load(ctx: Context) -> None:
    loaders.load_parties()
    parties = {p.code: p for p in list_parties()}
    seats = loaders.seats(loaders.CURRENT_TERM)
    party_slots = [code for code, count in seats.items() for _ in range(count)]
    ctx.rng.shuffle(party_slots)
    district_slots = [slug for slug, count in DISTRICT_SEATS.items() for _ in range(count)]
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    ctx.rng.shuffle(names)
    for number, (code, slug) in enumerate(zip(party_slots, district_slots, strict=True)):
        first, last = names[number]
        # RKP councillors serve in Swedish; others mostly Finnish, many also in English.
        if code == "RKP":
            languages: tuple[str, ...] = ("fi", "sv")
        else:
            languages = ctx.rng.choice([("fi",), ("fi", "en"), ("fi", "sv"), ("fi", "en", "other")])
        committees = ctx.rng.sample(COMMITTEES, k=ctx.rng.randint(1, 2))
        services.create_councillor(
            services.CouncillorData(
                first_name=first,
                last_name=last,
                party_id=parties[code].id,
                district_id=ctx.district(slug).id,
                email=f"{_ascii(first)}.{_ascii(last)}@espoo.example",
                term=loaders.CURRENT_TERM,
                role=CouncillorRole.MEMBER,
                languages=languages,
                committees_fi=", ".join(c[0] for c in committees),
                committees_sv=", ".join(c[1] for c in committees),
                committees_en=", ".join(c[2] for c in committees),
            )
        )
