"""Demo activities (`flask demo load`) and the benchmark hook (`scripts/bench.py`).

The demo has upcoming and past activities in every major district and in fi, sv and en
(some only in one language, to show the fallback), two full ones with a waiting list, one
cancelled, one whose sign-up opens later and one resident's proposal waiting for the
development manager. City activities go through `create_activity` and residents' through
`propose_activity` plus an approval, so the lifecycle history is real. Sign-ups are written
directly (with hashed random tokens and the right place/waiting order), so loading the demo
queues no e-mail.

Size: over 400 lines because it is mostly demo content written out in three languages (titles,
descriptions, places); the loading code is short.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from flask import current_app

from participate.activities import services, signups
from participate.activities.models import (
    Activity,
    OrganiserKind,
    Signup,
    SignupStatus,
    hash_token,
)
from participate.extensions import db
from participate.i18n.locale import TIMEZONE
from participate.workflow.services import apply_action
from participate.workflow.states import Action, Status

if TYPE_CHECKING:
    from participate.seeding.bench import BenchContext
    from participate.seeding.demo import DemoContext

HELSINKI = ZoneInfo(TIMEZONE)

BENCH_URLS = (
    "/fi/activities/",
    "/fi/activities/?has_places=y",
    "/fi/activities/archive",
    "/fi/activities/{activity_id}",
    "/fi/activities/{activity_id}.ics",
    "/fi/activities/calendar.ics",
    "/api/v1/activities",
)

PARTICIPANT_NAMES = {
    "fi": [
        "Aino Laine",
        "Mikko Salo",
        "Sanna Koski",
        "Juha Heino",
        "Emilia Aalto",
        "Ville Rantanen",
        "Kaisa Lehto",
        "Tuomas Vuori",
        "Riikka Kallio",
        "Jari Mattila",
        "Heidi Manninen",
        "Petri Leino",
        "Noora Hiltunen",
        "Antti Peltonen",
    ],
    "sv": [
        "Karin Lindholm",
        "Erik Sjöberg",
        "Linnea Ekholm",
        "Johan Forsman",
        "Ebba Nyman",
        "Mats Holmberg",
        "Sara Wikström",
    ],
    "en": [
        "Priya Nair",
        "Tom Baker",
        "Olga Ivanova",
        "Ahmed Hassan",
        "Maria Garcia",
        "Yusuf Ali",
        "Mei Chen",
    ],
}


@dataclass
class DemoActivity:
    title: dict[str, str]
    description: dict[str, str]
    district: str
    place: str
    point: tuple[float, float] | None
    days: int  # from today; negative: in the past
    start: tuple[int, int]
    hours: float
    organiser: str
    contact: str
    kind: OrganiserKind = OrganiserKind.CITY
    capacity: int | None = None
    group: int = 1
    languages: list[str] = field(default_factory=lambda: ["fi"])
    accessibility: dict[str, str] = field(default_factory=dict)
    participants: int = 0  # sign-ups to make (groups)
    waiting: int = 0  # extra sign-ups that land on the waiting list
    opens_in_days: int | None = None
    cancel_note: str = ""
    proposer: int | None = None  # index into ctx.residents: a resident's (approved) proposal


STEP_FREE = {
    "fi": "Esteetön kulku, esteetön wc. Induktiosilmukka salissa.",
    "sv": "Tillgänglig entré och toalett. Hörslinga i salen.",
    "en": "Step-free entrance and accessible toilet. Induction loop in the hall.",
}

ACTIVITIES = [
    DemoActivity(
        title={
            "fi": "Siivoustalkoot Tapiolan keskuspuistossa",
            "sv": "Städtalko i Hagalunds centralpark",
            "en": "Clean-up day in Tapiola Central Park",
        },
        description={
            "fi": "Kerätään roskat puistosta ja rannasta yhdessä. Kaupunki tuo hanskat, "
            "roskapihdit ja säkit.\n\nLopuksi kahvit ja pullat Tapiontorilla.",
            "sv": "Vi plockar skräp i parken och på stranden tillsammans. Staden står för "
            "handskar, skräpplockare och säckar.\n\nTill sist kaffe och bulle.",
            "en": "We pick up litter in the park and on the shore together. The city brings "
            "gloves, litter pickers and bags.\n\nCoffee and buns at the end.",
        },
        district="suur-tapiola",
        place="Tapiontori, Tapiola",
        point=(60.1756, 24.8053),
        days=9,
        start=(10, 0),
        hours=3,
        organiser="Espoon kaupunki, kaupunkitekniikka",
        contact="puistot@espoo.example",
        capacity=40,
        group=6,
        languages=["fi", "sv", "en"],
        participants=11,
    ),
    DemoActivity(
        title={
            "fi": "Erätauko-keskustelu: millainen on hyvä naapurusto?",
            "sv": "Timeout-dialog: vad är ett bra grannskap?",
            "en": "Timeout dialogue: what makes a good neighbourhood?",
        },
        description={
            "fi": "Erätauko on rakentava keskustelu, jossa kuunnellaan ja ymmärretään. "
            "Ei väittelyä, ei päätöksiä. Keskustelun vetää koulutettu ohjaaja.",
            "sv": "Timeout är en konstruktiv dialog där vi lyssnar och försöker förstå. "
            "Ingen debatt, inga beslut. En utbildad samtalsledare leder dialogen.",
        },
        district="suur-leppavaara",
        place="Sellon kirjasto, Leppävaarankatu 9, sali Pentagon",
        point=(60.2180, 24.8110),
        days=6,
        start=(18, 0),
        hours=2,
        organiser="Espoon kaupunki, osallisuus",
        contact="osallistu@espoo.example",
        capacity=12,
        group=1,
        languages=["fi", "sv"],
        accessibility=STEP_FREE,
        participants=12,
        waiting=3,
    ),
    DemoActivity(
        title={"fi": "Naapurustokävely Espoonlahdessa", "sv": "Kvarterspromenad i Esboviken"},
        description={
            "fi": "Kävellään Espoonlahden uusien kortteleiden läpi ja kerrotaan, mitä "
            "alueelle kuuluu. Kaavoittaja on mukana.",
            "sv": "Vi går genom de nya kvarteren i Esboviken och berättar vad som händer i "
            "området. En planläggare är med.",
        },
        district="suur-espoonlahti",
        place="Lippulaiva, Espoonlahdentori",
        point=(60.1490, 24.6560),
        days=13,
        start=(17, 30),
        hours=1.5,
        organiser="Espoonlahden asukasyhdistys",
        contact="kavely@example.fi",
        kind=OrganiserKind.RESIDENTS,
        capacity=25,
        group=4,
        languages=["fi", "sv"],
        participants=6,
        proposer=1,
    ),
    DemoActivity(
        title={
            "fi": "Uusien asukkaiden ilta Matinkylässä",
            "sv": "Kväll för nya invånare i Mattby",
            "en": "Newcomers' evening in Matinkylä",
        },
        description={
            "en": "New to Espoo? Meet your neighbours, hear about services, hobbies and "
            "Finnish courses, and ask anything. Interpreters for Russian, Arabic, "
            "Somali and Ukrainian are there.",
            "fi": "Muutitko juuri Espooseen? Tule tapaamaan naapureita ja kuulemaan "
            "palveluista, harrastuksista ja suomen kursseista.",
        },
        district="suur-matinkyla",
        place="Ison Omenan kirjasto, Piispansilta 11",
        point=(60.1610, 24.7380),
        days=17,
        start=(17, 0),
        hours=2.5,
        organiser="Espoon kaupunki, kotoutumispalvelut",
        contact="kotoutuminen@espoo.example",
        capacity=60,
        group=5,
        languages=["fi", "en", "ru", "ar", "so", "uk"],
        accessibility=STEP_FREE,
        participants=9,
    ),
    DemoActivity(
        title={
            "fi": "Kirjaston lukupiiri: Tove Jansson",
            "sv": "Läscirkel på biblioteket: Tove Jansson",
            "en": "Library reading circle: Tove Jansson",
        },
        description={
            "sv": "Vi läser Sommarboken och pratar om den över en kopp te. Boken finns att "
            "låna på biblioteket. Samtalet förs på svenska och finska.",
            "fi": "Luemme Kesäkirjan ja keskustelemme siitä teekupin äärellä.",
        },
        district="vanha-espoo",
        place="Entressen kirjasto, Siltakatu 11",
        point=(60.2050, 24.6570),
        days=4,
        start=(14, 0),
        hours=1.5,
        organiser="Entressen kirjasto",
        contact="entresse@espoo.example",
        capacity=10,
        group=1,
        languages=["sv", "fi"],
        accessibility=STEP_FREE,
        participants=10,
        waiting=2,
    ),
    DemoActivity(
        title={"sv": "Föräldracafé i Köklax"},
        description={
            "sv": "Ett öppet café för föräldrar med små barn. Leksaker finns, "
            "kaffe och saft bjuder vi på."
        },
        district="suur-kauklahti",
        place="Köklax bytomt, Köklaxvägen 2",
        point=(60.1920, 24.6000),
        days=11,
        start=(10, 0),
        hours=2,
        organiser="Köklax hem och skola",
        contact="kafe@example.fi",
        kind=OrganiserKind.RESIDENTS,
        capacity=20,
        group=4,
        languages=["sv"],
        participants=3,
        proposer=12,
    ),
    DemoActivity(
        title={"fi": "Luontoretki Nuuksioon", "en": "Nature walk in Nuuksio"},
        description={
            "fi": "Helppo kolmen kilometrin kierros Haukkalammelta. Ota mukaan eväät ja "
            "säänmukaiset vaatteet.",
            "en": "An easy three-kilometre loop from Haukkalampi. Bring a snack and "
            "clothes for the weather.",
        },
        district="pohjois-espoo",
        place="Haukkalammen pysäköintialue, Nuuksio",
        point=(60.3090, 24.5830),
        days=20,
        start=(11, 0),
        hours=3,
        organiser="Pohjois-Espoon luontoystävät",
        contact="luonto@example.fi",
        kind=OrganiserKind.RESIDENTS,
        capacity=None,
        group=6,
        languages=["fi", "en"],
        participants=5,
        proposer=4,
    ),
    DemoActivity(
        title={
            "en": "Language café: practise Finnish and Swedish",
            "fi": "Kielikahvila: harjoittele suomea ja ruotsia",
        },
        description={
            "en": "Relaxed conversation at your own level. Volunteers help you "
            "along. No need to sign up for the whole season."
        },
        district="suur-leppavaara",
        place="Sellon kirjasto, Leppävaarankatu 9",
        point=None,
        days=2,
        start=(17, 0),
        hours=1.5,
        organiser="Sellon kirjasto",
        contact="sello@espoo.example",
        capacity=30,
        group=2,
        languages=["fi", "sv", "en"],
        participants=8,
    ),
    DemoActivity(
        title={"fi": "Pihakirppis Matinkylässä", "sv": "Gårdsloppis i Mattby"},
        description={"fi": "Myy ja osta lasten vaatteita ja leluja naapureilta."},
        district="suur-matinkyla",
        place="Matinkyläntie 10, sisäpiha",
        point=(60.1590, 24.7420),
        days=8,
        start=(12, 0),
        hours=3,
        organiser="Matinkylän pihaporukka",
        contact="kirppis@example.fi",
        kind=OrganiserKind.RESIDENTS,
        capacity=15,
        group=2,
        languages=["fi"],
        participants=7,
        proposer=0,
        cancel_note="Pihaa remontoidaan, joten kirppis siirtyy keväälle. Pahoittelemme!",
    ),
    DemoActivity(
        title={
            "fi": "Joululaulutilaisuus Espoon tuomiokirkon puistossa",
            "sv": "Julsångsstund i Esbo domkyrkopark",
            "en": "Christmas carols in Espoo Cathedral park",
        },
        description={"fi": "Lauletaan yhdessä tuttuja joululauluja. Lämmintä mehua tarjolla."},
        district="vanha-espoo",
        place="Espoon tuomiokirkon puisto, Kirkkopuistontie 5",
        point=(60.2060, 24.6550),
        days=30,
        start=(16, 0),
        hours=1,
        organiser="Espoon kaupunki, kulttuuripalvelut",
        contact="kulttuuri@espoo.example",
        capacity=200,
        group=8,
        languages=["fi", "sv"],
        opens_in_days=10,
    ),
    # The archive: over, some with their sign-ups already purged.
    DemoActivity(
        title={"fi": "Kevätsiivous Kauklahdessa", "sv": "Vårstädning i Köklax"},
        description={"fi": "Kevään siivoustalkoot rantaraitilla."},
        district="suur-kauklahti",
        place="Kauklahden rantaraitti",
        point=(60.1890, 24.5950),
        days=-120,
        start=(10, 0),
        hours=3,
        organiser="Espoon kaupunki, kaupunkitekniikka",
        contact="puistot@espoo.example",
        capacity=30,
        group=5,
        languages=["fi", "sv"],
        participants=14,
    ),
    DemoActivity(
        title={
            "fi": "Erätauko: turvallinen koulutie",
            "en": "Timeout dialogue: a safe way to school",
        },
        description={"fi": "Keskustelimme koulumatkojen turvallisuudesta."},
        district="suur-espoonlahti",
        place="Kivenlahden koulu",
        point=(60.1500, 24.6400),
        days=-45,
        start=(18, 0),
        hours=2,
        organiser="Espoon kaupunki, osallisuus",
        contact="osallistu@espoo.example",
        capacity=14,
        group=1,
        languages=["fi"],
        participants=14,
        waiting=1,
    ),
    DemoActivity(
        title={
            "en": "Newcomers' walk in Leppävaara",
            "fi": "Uusien asukkaiden kävely Leppävaarassa",
        },
        description={"en": "A walk to the library, the health centre and the sports park."},
        district="suur-leppavaara",
        place="Leppävaaran asema",
        point=(60.2191, 24.8130),
        days=-5,
        start=(16, 0),
        hours=2,
        organiser="Espoon kaupunki, kotoutumispalvelut",
        contact="kotoutuminen@espoo.example",
        capacity=20,
        group=3,
        languages=["en", "fi"],
        participants=6,
    ),
]

PROPOSAL = DemoActivity(
    title={"fi": "Pihapiirin grilli-ilta Tapiolassa", "en": "Courtyard barbecue in Tapiola"},
    description={
        "fi": "Tutustutaan naapureihin grillin ääressä. Jokainen tuo omat "
        "grillattavat, yhteinen salaattipöytä."
    },
    district="suur-tapiola",
    place="Itätuulentie 4, piha",
    point=(60.1780, 24.8100),
    days=24,
    start=(18, 0),
    hours=3,
    organiser="Itätuulentien naapurit",
    contact="grilli@example.fi",
    kind=OrganiserKind.RESIDENTS,
    capacity=35,
    group=5,
    languages=["fi", "en"],
    proposer=0,
)


def _local(ctx_now: datetime, days: int, hour: int, minute: int) -> datetime:
    day = ctx_now.astimezone(HELSINKI).date() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=HELSINKI).astimezone(ctx_now.tzinfo)


def _details(ctx: DemoContext, spec: DemoActivity) -> services.ActivityDetails:
    starts = _local(ctx.now, spec.days, *spec.start)
    return services.ActivityDetails(
        title=spec.title,
        description=spec.description,
        accessibility=spec.accessibility,
        organiser_kind=spec.kind,
        organiser_name=spec.organiser,
        organiser_contact=spec.contact,
        district_id=ctx.district(spec.district).id,
        place=spec.place,
        lat=spec.point[0] if spec.point else None,
        lon=spec.point[1] if spec.point else None,
        starts_at=starts,
        ends_at=starts + timedelta(hours=spec.hours),
        capacity=spec.capacity,
        signup_opens_at=(_local(ctx.now, spec.opens_in_days, 9, 0) if spec.opens_in_days else None),
        max_group_size=spec.group,
        languages=spec.languages,
    )


def _add_signups(ctx: DemoContext, activity: Activity, spec: DemoActivity) -> None:
    """Groups in order; they get places while the group fits, then wait."""
    taken = 0
    total = spec.participants + spec.waiting
    for number in range(total):
        lang = ctx.rng.choices(("fi", "sv", "en"), weights=(6, 2, 2))[0]
        names = PARTICIPANT_NAMES[lang]
        people = 1 if spec.group == 1 else ctx.rng.randint(1, min(spec.group, 3))
        fits = activity.capacity is None or taken + people <= activity.capacity
        if number >= spec.participants or not fits:
            status = SignupStatus.WAITING
        else:
            status = SignupStatus.CONFIRMED
            taken += people
        moment = activity.starts_at - timedelta(days=ctx.rng.uniform(1, 20))
        db.session.add(
            Signup(
                activity_id=activity.id,
                status=status,
                token_hash=hash_token(secrets.token_urlsafe(32)),
                name=names[number % len(names)],
                email=f"osallistuja{activity.id}-{number}@example.fi",
                phone=f"040 123 45{number:02d}" if number % 3 == 0 else "",
                people=people,
                accessibility_needs="Pyörätuoli" if number % 7 == 3 else "",
                language=lang,
                consented_at=moment,
                created_at=moment,
                confirmed_at=moment if status == SignupStatus.CONFIRMED else None,
            )
        )
    db.session.flush()


def load(ctx: DemoContext) -> None:
    for spec in ACTIVITIES:
        details = _details(ctx, spec)
        if spec.proposer is not None:
            author = ctx.residents[spec.proposer % len(ctx.residents)]
            activity = services.propose_activity(details, author=author)
            apply_action(activity, Action.APPROVE, actor=ctx.moderator)
        else:
            activity = services.create_activity(details, actor=ctx.moderator)
        _add_signups(ctx, activity, spec)
        if spec.cancel_note:
            activity.is_cancelled = True
            activity.cancelled_at = ctx.now
            activity.cancellation_note = spec.cancel_note
    # A resident's proposal waiting for the development manager.
    author = ctx.residents[PROPOSAL.proposer or 0]
    services.propose_activity(_details(ctx, PROPOSAL), author=author)
    # The oldest ones have had their personal data deleted already.
    retention = current_app.config["SETTINGS"].signup_retention_days
    signups.purge_signups(retention_days=retention, now=ctx.now)
    db.session.flush()


# -- the benchmark --------------------------------------------------------------------------
# One activity in twenty is a resident's proposal waiting on the desk (500 at SCALE=100000),
# so the desk's pages show both kinds, as the city's does.
PROPOSALS_WAITING_EVERY = 20


def bench_seed(ctx: BenchContext, scale: int) -> None:
    """scale/10 activities (most upcoming; one in PROPOSALS_WAITING_EVERY a resident's
    proposal waiting for moderation) and 2·scale sign-ups to the published ones, some full
    with a waiting list. Statuses carry their timestamps, places never exceed capacity."""
    rng = ctx.rng
    count = max(5, scale // 10)
    proposers = ctx.sample_users(max(1, count // PROPOSALS_WAITING_EVERY))
    rows: list[dict[str, Any]] = []
    for number in range(count):
        district = ctx.random_district()
        upcoming = number % 5 != 0
        starts = ctx.future(days=60) if upcoming else ctx.past(days=365)
        starts = starts.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        lang = rng.choices(("fi", "sv", "en"), weights=(70, 15, 15))[0]
        others = [code for code in ("fi", "sv", "en") if code != lang and rng.random() < 0.4]
        created = starts - timedelta(days=rng.uniform(10, 60))
        has_point = rng.random() < 0.7
        row: dict[str, Any] = {
            f"{field}_{code}": ""
            for field in ("title", "description", "accessibility")
            for code in ("fi", "sv", "en")
        }
        for code in (lang, *others):
            row[f"title_{code}"] = ctx.sentences(code, 1)[:200]
            row[f"description_{code}"] = ctx.sentences(code, 5)
        row.update(
            organiser_kind=rng.choice(list(OrganiserKind)),
            organiser_name=ctx.sentences(lang, 1)[:60],
            organiser_contact=f"jarjestaja{number}@example.fi",
            district_id=district.id,
            place=f"{district.name_fi}, {rng.randint(1, 40)}",
            lat=district.label_lat + rng.uniform(-0.01, 0.01) if has_point else None,
            lon=district.label_lon + rng.uniform(-0.02, 0.02) if has_point else None,
            starts_at=starts,
            ends_at=starts + timedelta(hours=rng.choice((1, 2, 3))),
            capacity=rng.choice((None, 10, 15, 20, 30, 40)),
            signup_opens_at=None,
            signup_closes_at=None,
            max_group_size=rng.choice((1, 2, 4, 6)),
            spoken_languages=f",{','.join(sorted({lang, *others}))},",
            is_cancelled=rng.random() < 0.03,
            cancelled_at=None,
            cancellation_note="",
            moderator_edited_at=None,
            signups_purged_at=None,
            final_participants=None,
            status=Status.PUBLISHED,
            submitted_at=created,
            first_submitted_at=created,
            first_decision_at=created + timedelta(days=1),
            published_at=created + timedelta(days=1),
            status_changed_at=created + timedelta(days=1),
            author_id=ctx.moderator_ids[0] if ctx.moderator_ids else None,
            created_at=created,
            updated_at=created,
        )
        if upcoming and number % PROPOSALS_WAITING_EVERY == 1 and proposers:
            row.update(
                status=Status.SUBMITTED,
                author_id=proposers[number // PROPOSALS_WAITING_EVERY % len(proposers)].id,
                organiser_kind=OrganiserKind.RESIDENTS,
                first_decision_at=None,
                published_at=None,
                status_changed_at=created,
                is_cancelled=False,
            )
        if row["is_cancelled"]:
            row["cancelled_at"] = created + timedelta(days=2)
            row["cancellation_note"] = ctx.sentences(lang, 1)
        rows.append(row)
    ids = ctx.insert(Activity, rows, returning=Activity.id)

    signups: list[dict[str, Any]] = []
    # Sign-ups skewed towards a few popular activities, so some fill up and wait.
    weights = [rng.paretovariate(1.2) if row["status"] == Status.PUBLISHED else 0.0 for row in rows]
    per_activity: dict[int, int] = {}
    # One draw of all of them: choices() sums the weights on every call.
    for index in rng.choices(range(len(ids)), weights=weights, k=2 * scale):
        per_activity[index] = per_activity.get(index, 0) + 1
    busiest = max(per_activity, key=lambda i: per_activity[i]) if per_activity else 0
    for index, how_many in per_activity.items():
        row = rows[index]
        taken = 0
        for number in range(how_many):
            lang = rng.choices(("fi", "sv", "en"), weights=(70, 15, 15))[0]
            people = rng.randint(1, row["max_group_size"])
            fits = row["capacity"] is None or taken + people <= row["capacity"]
            if fits:
                taken += people
            moment = row["starts_at"] - timedelta(days=rng.uniform(1, 9))
            signups.append(
                {
                    "activity_id": ids[index],
                    "status": SignupStatus.CONFIRMED if fits else SignupStatus.WAITING,
                    "token_hash": hash_token(f"bench-{ids[index]}-{number}"),
                    "name": f"Osallistuja {number}",
                    "email": f"bench-signup-{ids[index]}-{number}@example.fi",
                    "phone": "",
                    "people": people,
                    "accessibility_needs": "",
                    "language": lang,
                    "user_id": None,
                    "consented_at": moment,
                    "created_at": moment,
                    "confirmed_at": moment if fits else None,
                    "cancelled_at": None,
                }
            )
    ctx.insert(Signup, signups)
    upcoming_ids = [
        i
        for i, row in zip(ids, rows, strict=True)
        if row["starts_at"] > ctx.now and row["status"] == Status.PUBLISHED
    ]
    ctx.url_params["activity_id"] = (
        ids[busiest]
        if rows[busiest]["starts_at"] > ctx.now
        else (upcoming_ids[0] if upcoming_ids else ids[0])
    )
