"""Demo initiatives in every status, in fi/sv/en, across districts and themes, with supports.

`load(ctx)` goes through the services (save, submit, support, the workflow for decisions and
the answer), so each demo initiative has a real history; the timestamps are then spread
over the past weeks so the desk and the lists look lived in. Moderator decisions use the
workflow directly (features do not import the desk), so they are in the history but not in
the audit log, and the demo sends no decision e-mails.
`bench_seed(ctx, scale)` bulk-inserts a large set for the benchmark (scripts/bench.py).

Size: over 400 lines because it is mostly demo content written out (initiatives, answers,
themes in three languages); the loading code is short.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

from participate.accounts.identity import person_hash
from participate.accounts.models import Identity, User
from participate.districts.models import District
from participate.districts.queries import district_at
from participate.errors import DomainError
from participate.extensions import db
from participate.initiatives import answers, queries, services, supports
from participate.initiatives.lifecycle import PUBLIC
from participate.initiatives.models import (
    AuthorDisplay,
    Initiative,
    InitiativeAnswer,
    Support,
    Theme,
    goals_to_mask,
)
from participate.paging import MAX_LISTED_ROWS
from participate.seeding.bench import BenchContext
from participate.seeding.demo import DemoContext
from participate.workflow.models import Transition
from participate.workflow.services import apply_action
from participate.workflow.states import Action, Status

BENCH_URLS = (
    "/fi/initiatives/",
    "/fi/initiatives/?sort=supported&page=2",
    "/fi/initiatives/?q=kirjasto",
    "/fi/initiatives/{initiative_id}",
    "/api/v1/initiatives?per_page=50",
    # Issue #11: the deepest reachable list page, the map page and its points.
    "/fi/initiatives/?page={deepest_page}",
    "/fi/initiatives/map",
    "/fi/initiatives/map.geojson",
    "/fi/initiatives/feed.atom",
)

# Used only when the database has no themes (the migration seeds the real list).
FALLBACK_THEMES = [
    ("traffic", "Liikenne ja kadut", "Trafik och gator", "Traffic and streets"),
    ("parks-nature", "Puistot ja luonto", "Parker och natur", "Parks and nature"),
    (
        "culture-libraries",
        "Kulttuuri ja kirjastot",
        "Kultur och bibliotek",
        "Culture and libraries",
    ),
]

# (language, title, body, theme slug, district slug or None, has point, goals, final status)
DEMO_INITIATIVES: list[tuple[str, str, str, str, str | None, bool, tuple[int, ...], Status]] = [
    (
        "fi",
        "Suojatie ja hidaste Tapiolan koulun eteen",
        "Tapiolan koulun edessä autot ajavat aamuisin liian kovaa, ja lapset ylittävät kadun "
        "ilman suojatietä.\n\nEhdotan suojatietä, hidastetta ja 30 km/h nopeusrajoitusta "
        "koulupäivien ajaksi.\n\nLiikenneturvan ohjeet: https://www.liikenneturva.fi/",
        "traffic",
        "suur-tapiola",
        True,
        (3, 11),
        Status.ANSWERED,
    ),
    (
        "fi",
        "Lisää penkkejä Leppävaaran puistoihin",
        "Ikäihmiset kaipaavat levähdyspaikkoja kävelyreittien varrelle. Penkki noin 200 metrin "
        "välein tekisi puistoista kaikille sopivia.",
        "parks-nature",
        "suur-leppavaara",
        True,
        (3, 10, 11),
        Status.PUBLISHED,
    ),
    (
        "fi",
        "Ölstenin lähikirjasto auki myös lauantaisin",
        "Ölstenin lähikirjasto on kiinni viikonloppuisin. Moni lapsiperhe ja työssäkäyvä "
        "ehtisi kirjastoon vain lauantaina.\n\nEhdotan, että kirjasto olisi auki lauantaisin "
        "kello 10 ja 16 välillä.",
        "culture-libraries",
        "suur-espoonlahti",
        False,
        (4,),
        Status.PUBLISHED,
    ),
    (
        "sv",
        "Längre öppettider på Sellobiblioteket",
        "Många som arbetar sent hinner inte till biblioteket. Biblioteket kunde vara öppet till "
        "klockan 21 på vardagar.\n\nDet skulle också ge unga en lugn plats att studera på.",
        "culture-libraries",
        "suur-leppavaara",
        False,
        (4,),
        Status.PUBLISHED,
    ),
    (
        "en",
        "Drinking water points on the shore path",
        "The shore path from Espoonlahti to Soukka is popular with runners and families, but "
        "there is nowhere to fill a water bottle. Two or three drinking water points would help "
        "in summer.",
        "sports-outdoors",
        "suur-espoonlahti",
        True,
        (3, 6),
        Status.PUBLISHED,
    ),
    (
        "fi",
        "Kaupunkiviljelypalstoja Matinkylään",
        "Asukkaat haluaisivat viljellä omia vihanneksia. Koulun viereinen nurmikenttä sopisi "
        "yhteisille palstoille.",
        "environment-climate",
        "suur-matinkyla",
        True,
        (2, 11, 12),
        Status.CLOSED,
    ),
    (
        "sv",
        "Belysning på cykelvägen till Köklax station",
        "Cykelvägen är mörk på vintern och många känner sig otrygga. Gatubelysning behövs längs "
        "hela sträckan.",
        "traffic",
        "suur-kauklahti",
        True,
        (11,),
        Status.SUBMITTED,
    ),
    (
        "en",
        "An evening meeting place for young people in Espoo Centre",
        "Young people need somewhere warm to meet in the evenings that is not a shopping centre. "
        "The youth centre could stay open later on Fridays.",
        "youth",
        "vanha-espoo",
        False,
        (3, 10),
        Status.SUBMITTED,
    ),
    (
        "fi",
        "Koirapuisto Kalajärvelle",
        "Pohjois-Espoossa ei ole yhtään aidattua koirapuistoa. Kalajärven urheilukentän "
        "laidalla olisi tilaa.",
        "parks-nature",
        "pohjois-espoo",
        True,
        (),
        Status.SUBMITTED,
    ),
    (
        "sv",
        "Fler bänkar vid Esboviken",
        "Strandpromenaden vid Esboviken saknar bänkar. Äldre invånare behöver ställen att vila på.",
        "older-people",
        "suur-espoonlahti",
        True,
        (3,),
        Status.CHANGES_REQUESTED,
    ),
    (
        "en",
        "Free city bikes for everyone",
        "All city bikes should be free of charge for every resident, all year round.",
        "traffic",
        None,
        False,
        (11, 13),
        Status.REJECTED,
    ),
    (
        "fi",
        "Roskakoreja lisää Otaniemen rantaan",
        "Rannalla on kesäisin paljon roskia, koska roskakoreja on liian vähän.",
        "environment-climate",
        "suur-tapiola",
        True,
        (12, 14),
        Status.HIDDEN,
    ),
    (
        "fi",
        "Uimahallin aukioloajat aikaisemmiksi",
        "Moni haluaisi uida ennen töitä. Uimahalli voisi aueta arkisin jo kello 6.",
        "sports-outdoors",
        None,
        False,
        (3,),
        Status.DRAFT,
    ),
    (
        "sv",
        "Svenskspråkig lekpark-träff i Alberga",
        "Familjer som talar svenska skulle vilja träffas i parken en gång i veckan med en "
        "ledare från staden.",
        "wellbeing",
        "suur-leppavaara",
        False,
        (4, 10),
        Status.PUBLISHED,
    ),
    (
        "en",
        "Repair the cycle path surface in Olari",
        "The surface of the cycle path along Olarinkatu is broken for several hundred metres. "
        "It is dangerous in the dark.",
        "traffic",
        "suur-matinkyla",
        True,
        (9, 11),
        Status.ANSWERED,
    ),
]

ANSWERS = {
    "fi": (
        "Kiitos aloitteesta. Kaupunki on tutkinut asiaa ja toteuttaa ehdotuksen ensi vuoden "
        "aikana osana liikenneturvallisuusohjelmaa."
    ),
    "sv": (
        "Tack för initiativet. Staden har utrett saken och genomför förslaget under nästa år "
        "som en del av trafiksäkerhetsprogrammet."
    ),
    "en": (
        "Thank you for the initiative. The city has looked into it and will carry out the "
        "proposal next year as part of its traffic safety programme."
    ),
}

DECISIONS: dict[Status, list[tuple[Action, str]]] = {
    Status.DRAFT: [],
    Status.SUBMITTED: [(Action.SUBMIT, "")],
    Status.CHANGES_REQUESTED: [
        (Action.SUBMIT, ""),
        (Action.REQUEST_CHANGES, "Kerro tarkemmin, mihin kohtaan penkit tulisivat."),
    ],
    Status.REJECTED: [
        (Action.SUBMIT, ""),
        (Action.REJECT, "Aloite ei koske kaupungin päätösvaltaan kuuluvaa asiaa."),
    ],
    Status.PUBLISHED: [(Action.SUBMIT, ""), (Action.APPROVE, "")],
    Status.HIDDEN: [
        (Action.SUBMIT, ""),
        (Action.APPROVE, ""),
        (Action.HIDE, "Aloitteen kommenteissa oli asiatonta sisältöä; tarkistamme sen."),
    ],
    Status.ANSWERED: [(Action.SUBMIT, ""), (Action.APPROVE, ""), (Action.ANSWER, "")],
    Status.CLOSED: [
        (Action.SUBMIT, ""),
        (Action.APPROVE, ""),
        (Action.ANSWER, ""),
        (Action.CLOSE, ""),
    ],
}


def _themes() -> dict[str, Theme]:
    themes = queries.list_themes()
    if not themes:
        for slug, fi, sv, en in FALLBACK_THEMES:
            services.save_theme(slug=slug, name_fi=fi, name_sv=sv, name_en=en)
        themes = queries.list_themes()
    return {theme.slug: theme for theme in themes}


def _point(ctx: Any, district: District) -> tuple[float, float]:
    """Near the district's label point, and inside the district."""
    for _attempt in range(10):
        lat = district.label_lat + ctx.rng.uniform(-0.006, 0.006)
        lon = district.label_lon + ctx.rng.uniform(-0.012, 0.012)
        found = district_at(lat, lon)
        if found is not None and found.id == district.id:
            return round(lat, 6), round(lon, 6)
    return district.label_lat, district.label_lon


def _spread_in_time(ctx: DemoContext, initiative: Initiative, age_days: float) -> None:
    """Move the initiative's history into the past, one step every day or two."""
    steps = db.session.scalars(
        sa.select(Transition)
        .where(Transition.item_kind == "initiative", Transition.item_id == initiative.id)
        .order_by(Transition.id)
    )
    moment = ctx.now - timedelta(days=age_days)
    initiative.created_at = initiative.status_changed_at = moment - timedelta(hours=5)
    initiative.first_submitted_at = initiative.first_decision_at = None
    for step in steps:
        step.created_at = moment
        if step.action == Action.SUBMIT:
            initiative.first_submitted_at = initiative.first_submitted_at or moment
            initiative.submitted_at = moment
        elif initiative.first_decision_at is None:
            initiative.first_decision_at = moment
        if step.action == Action.APPROVE:
            initiative.published_at = moment
        initiative.status_changed_at = moment
        moment += timedelta(hours=ctx.rng.randint(20, 60))
    initiative.updated_at = initiative.status_changed_at


def load(ctx: DemoContext) -> None:
    themes = _themes()
    fallback_theme = next(iter(themes.values()))
    districts = {d.slug: d for d in ctx.districts}
    residents = [r for r in ctx.residents if r.is_verified]
    by_lang = {
        lang: [r for r in residents if r.language == lang] or residents
        for lang in ("fi", "sv", "en")
    }
    for number, row in enumerate(DEMO_INITIATIVES):
        lang, title, body, theme_slug, district_slug, has_point, goals, final = row
        author = by_lang[lang][number % len(by_lang[lang])]
        district = districts.get(district_slug) if district_slug else None
        lat, lon = _point(ctx, district) if (district and has_point) else (None, None)
        data = services.InitiativeData(
            title=title,
            body=body,
            language=lang,
            theme_id=themes.get(theme_slug, fallback_theme).id,
            district=district.slug if district else services.WHOLE_CITY,
            lat=lat,
            lon=lon,
            goals=goals,
            author_display=AuthorDisplay.DISTRICT if number % 3 == 2 else AuthorDisplay.NAME,
        )
        initiative = services.save_initiative(data, actor=author)
        supported = False
        for action, reason in DECISIONS[final]:
            if action == Action.SUBMIT:
                apply_action(initiative, action, actor=author)
                continue
            if action == Action.ANSWER:
                _support(ctx, initiative, residents, author)
                supported = True
                answer = answers.AnswerData(
                    decision_maker="Kaupunkiympäristölautakunta",
                    decided_on=date.today() - timedelta(days=3),  # noqa: DTZ011 (a demo date)
                    bodies=ANSWERS if number % 2 else {"fi": ANSWERS["fi"]},
                )
                answers.record_answer(initiative, answer, actor=ctx.moderator)
            apply_action(initiative, action, actor=ctx.moderator, reason=reason)
        if final == Status.PUBLISHED and not supported:
            _support(ctx, initiative, residents, author)
        _spread_in_time(ctx, initiative, age_days=60 - 4 * number + ctx.rng.random())
    db.session.flush()
    _legal_weight(ctx)


def _support(ctx: DemoContext, initiative: Initiative, residents: list[Any], author: Any) -> None:
    others = [r for r in residents if r.id != author.id]
    for user in ctx.rng.sample(others, min(len(others), ctx.rng.randint(2, 12))):
        try:
            supports.add_support(initiative, user=user)
        except DomainError:
            continue


# Supports that count in law: before, at and past the threshold, one overdue ----------------

HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# (share of the threshold, days since the threshold was reached, days since filing,
#  days since the council took it up): None = not yet.
LEGAL_WEIGHT = (
    (0.25, None, None, None),  # before the threshold, not filed
    (1.0, 20, 20, None),  # exactly at the threshold, filed: the clock runs
    (1.03, 170, 165, None),  # due within 30 days
    (1.06, 230, 220, None),  # overdue
    (1.1, 300, 290, 150),  # taken up by the council in time
)


def _demo_hetu(number: int) -> str:
    """A valid personal identity code of a made-up adult (never stored: only its hash)."""
    born = date(1950, 1, 1) + timedelta(days=number % 18_000)
    individual = 2 + number // 18_000
    digits = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}-{individual:03d}{HETU_CHECK[int(digits) % 31]}"


def _legal_weight(ctx: DemoContext) -> None:
    """Identified residents' supports in bulk, filing dates and council decisions.

    The threshold is 2 % of ELIGIBLE_RESIDENTS (4 900 by default), so these supporters are
    inserted in bulk: accounts that cannot sign in (no password), each with an identity.
    """
    threshold = supports.support_threshold()
    public = list(
        db.session.scalars(
            sa.select(Initiative)
            .where(Initiative.status.in_([Status.PUBLISHED, Status.ANSWERED]))
            .order_by(Initiative.id)
        )
    )[: len(LEGAL_WEIGHT)]
    needed = int(max(share for share, *_ in LEGAL_WEIGHT) * threshold) + 1
    now = ctx.now
    hashes = [person_hash(_demo_hetu(n)) for n in range(needed)]
    user_ids = list(
        db.session.scalars(
            sa.insert(User).returning(User.id, sort_by_parameter_order=True),
            [
                {
                    "email": f"tunnistettu-{n}@demo.invalid",
                    "display_name": "",
                    "password_hash": "",
                    "language": "fi",
                    "email_verified_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(needed)
            ],
        )
    )
    db.session.execute(
        sa.insert(Identity),
        [
            {
                "user_id": user_ids[n],
                "person_hash": hashes[n],
                "municipality_code": "049",
                "is_voting_age": True,
                "level_of_assurance": "http://ftn.ficora.fi/2017/loa3",
                "identified_at": now - timedelta(days=400),
            }
            for n in range(needed)
        ],
    )
    for initiative, (share, reached, filed, decided) in zip(public, LEGAL_WEIGHT, strict=False):
        count = int(share * threshold)
        db.session.execute(
            sa.insert(Support),
            [
                {
                    "initiative_id": initiative.id,
                    "user_id": user_ids[n],
                    "person_hash": hashes[n],
                    "is_resident": True,
                    "created_at": now - timedelta(days=(reached or 10) + 1),
                }
                for n in range(count)
            ],
        )
        initiative.support_count += count
        initiative.resident_support_count += count
        if reached is not None:
            initiative.threshold_reached_at = now - timedelta(days=reached)
        if filed is not None:
            initiative.filed_at = now - timedelta(days=filed)
            initiative.filed_by_id = initiative.author_id
        if decided is not None:
            initiative.council_decision_at = (now - timedelta(days=decided)).date()
            initiative.council_minutes_url = "https://espoo.fi/fi/kaupunginvaltuusto/poytakirjat"
    db.session.flush()


# Benchmark ---------------------------------------------------------------------------------

# Per 100 initiatives; 5 % waiting on the desk (5,000 at SCALE=100000, as in issue #11).
BENCH_STATUSES = {
    Status.PUBLISHED: 55,
    Status.ANSWERED: 15,
    Status.CLOSED: 5,
    Status.SUBMITTED: 5,
    Status.DRAFT: 8,
    Status.CHANGES_REQUESTED: 4,
    Status.REJECTED: 5,
    Status.HIDDEN: 3,
}
BENCH_STEPS: dict[Status, list[tuple[Action, Status, Status]]] = {
    Status.DRAFT: [],
    Status.SUBMITTED: [(Action.SUBMIT, Status.DRAFT, Status.SUBMITTED)],
    Status.CHANGES_REQUESTED: [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.REQUEST_CHANGES, Status.SUBMITTED, Status.CHANGES_REQUESTED),
    ],
    Status.REJECTED: [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.REJECT, Status.SUBMITTED, Status.REJECTED),
    ],
    Status.PUBLISHED: [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.APPROVE, Status.SUBMITTED, Status.PUBLISHED),
    ],
    Status.HIDDEN: [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.APPROVE, Status.SUBMITTED, Status.PUBLISHED),
        (Action.HIDE, Status.PUBLISHED, Status.HIDDEN),
    ],
    Status.ANSWERED: [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.APPROVE, Status.SUBMITTED, Status.PUBLISHED),
        (Action.ANSWER, Status.PUBLISHED, Status.ANSWERED),
    ],
    Status.CLOSED: [
        (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED),
        (Action.APPROVE, Status.SUBMITTED, Status.PUBLISHED),
        (Action.ANSWER, Status.PUBLISHED, Status.ANSWERED),
        (Action.CLOSE, Status.ANSWERED, Status.CLOSED),
    ],
}


def bench_seed(ctx: BenchContext, scale: int) -> None:
    """`scale` initiatives with histories and answers, and about 11·scale supports (a few
    initiatives with thousands, most with a handful: a Pareto tail)."""
    themes = list(db.session.scalars(sa.select(Theme.id)))
    if not themes:
        _themes()
        themes = list(db.session.scalars(sa.select(Theme.id)))
    count = max(40, scale)
    authors = ctx.sample_users(min(count, len(ctx.verified_residents)))
    statuses, weights = zip(*BENCH_STATUSES.items(), strict=True)
    moderator = ctx.moderator_ids[0]
    pool = ctx.verified_residents
    supported = {Status.PUBLISHED, Status.ANSWERED, Status.CLOSED, Status.HIDDEN}
    rows: list[dict[str, Any]] = []
    plans: list[tuple[Status, list[Any], list[int]]] = []
    for number in range(count):
        status = ctx.rng.choices(statuses, weights=weights)[0]
        author = authors[number % len(authors)]
        lang = ctx.rng.choices(("fi", "sv", "en"), weights=(70, 10, 20))[0]
        district = ctx.random_district() if ctx.rng.random() < 0.85 else None
        created = ctx.past(days=700)
        gap = min(timedelta(days=ctx.rng.uniform(0.5, 20)), (ctx.now - created) / 5)
        times = [created + gap * (k + 1) for k in range(4)]
        steps = BENCH_STEPS[status]
        published = times[1] if any(a == Action.APPROVE for a, _f, _t in steps) else None
        has_point = district is not None and ctx.rng.random() < 0.6
        supporters: list[int] = []
        if status in supported:
            many = min(len(pool), int(ctx.rng.paretovariate(1.5) * 5))
            supporters = [user.id for user in ctx.rng.sample(pool, many)]
        rows.append(
            {
                "title": ctx.sentences(lang, 1)[:150],
                "body": ctx.sentences(lang, ctx.rng.randint(3, 8)),
                "language": lang,
                "theme_id": ctx.rng.choice(themes),
                "district_id": district.id if district else None,
                "lat": district.label_lat if district and has_point else None,
                "lon": district.label_lon if district and has_point else None,
                "sdg_mask": goals_to_mask(ctx.rng.sample(range(1, 18), ctx.rng.randint(0, 3))),
                "author_display": AuthorDisplay.NAME,
                "support_count": len(supporters),
                "status": status,
                "submitted_at": times[0] if steps else None,
                "first_submitted_at": times[0] if steps else None,
                "first_decision_at": times[1] if len(steps) > 1 else None,
                "published_at": published,
                "status_changed_at": times[len(steps) - 1] if steps else created,
                "author_id": author.id,
                "created_at": created,
                "updated_at": created,
            }
        )
        plans.append((status, times, supporters))
    ids = ctx.insert(Initiative, rows, returning=Initiative.id)
    transitions: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    supports: list[dict[str, Any]] = []
    for initiative_id, (status, times, supporters) in zip(ids, plans, strict=True):
        for (action, before, after), moment in zip(BENCH_STEPS[status], times, strict=False):
            transitions.append(
                {
                    "item_kind": "initiative",
                    "item_id": initiative_id,
                    "action": action,
                    "from_status": before,
                    "to_status": after,
                    "actor_id": moderator if action != Action.SUBMIT else None,
                    "reason": ""
                    if action not in {Action.REJECT, Action.REQUEST_CHANGES, Action.HIDE}
                    else "Bench reason.",
                    "created_at": moment,
                }
            )
        if status in {Status.ANSWERED, Status.CLOSED}:
            answers.append(
                {
                    "initiative_id": initiative_id,
                    "body_fi": ANSWERS["fi"],
                    "body_sv": ANSWERS["sv"] if ctx.rng.random() < 0.5 else "",
                    "body_en": "",
                    "decision_maker": "Kaupunginhallitus",
                    "decided_on": times[2].date(),
                    "answered_by_id": moderator,
                    "created_at": times[2],
                    "updated_at": times[2],
                }
            )
        # Supports arrive over the weeks after publication (the statistics count by month).
        supports.extend(
            {
                "initiative_id": initiative_id,
                "user_id": user_id,
                "created_at": min(ctx.now, times[1] + timedelta(hours=7 * k)),
            }
            for k, user_id in enumerate(supporters)
        )
    ctx.insert(Transition, transitions)
    ctx.insert(InitiativeAnswer, answers)
    ctx.insert(Support, supports)
    plans_by_status = [(status, times) for status, times, _s in plans]
    public = [
        i
        for i, (status, _t) in zip(ids, plans_by_status, strict=True)
        if status == Status.PUBLISHED
    ]
    ctx.url_params["initiative_id"] = (public or ids)[0]
    # The deepest full page the list reaches at this scale (at most paging.MAX_LISTED_ROWS
    # rows): full, so that its growth between two scales measures the depth, not how many
    # rows the last page happens to hold.
    listed = sum(1 for status, _t in plans_by_status if status in PUBLIC)
    per_page = queries.PER_PAGE
    ctx.url_params["deepest_page"] = max(1, min(listed, MAX_LISTED_ROWS) // per_page)
    db.session.flush()
