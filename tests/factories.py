"""Keyword-only factories with believable fi/sv/en data. Call them inside an app context;
they commit and return detached objects whose loaded attributes stay readable."""

from __future__ import annotations

import itertools
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa

from participate.accounts.models import Role, User
from participate.accounts.passwords import hash_password
from participate.db import utcnow
from participate.districts.models import District
from participate.extensions import db

PASSWORD = "kesäpäivä rannalla 2026"
_numbers = itertools.count(1)

NAMES = {
    "fi": ["Aino Virtanen", "Mikko Korhonen", "Sanna Mäkelä", "Juha Nieminen"],
    "sv": ["Karin Lindholm", "Erik Sjöberg", "Linnea Ekholm", "Johan Forsman"],
    "en": ["Priya Nair", "Tom Baker", "Olga Ivanova", "Ahmed Hassan"],
}

T = TypeVar("T")


@cache
def _password_hash() -> str:
    # scrypt is slow on purpose; hash the shared test password once.
    return hash_password(PASSWORD)


def persist(obj: T) -> T:
    db.session.add(obj)
    db.session.commit()
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj


def district(slug: str = "suur-tapiola") -> District:
    found = db.session.scalar(sa.select(District).where(District.slug == slug))
    assert found is not None, f"no district {slug}"
    db.session.expunge(found)
    return found


def create_user(
    *,
    email: str | None = None,
    display_name: str | None = None,
    role: Role = Role.RESIDENT,
    language: str = "fi",
    verified: bool = True,
    password: str | None = None,
    home_district: str | None = None,
    **extra: Any,
) -> User:
    number = next(_numbers)
    names = NAMES.get(language, NAMES["fi"])
    user = User(
        email=email or f"user{number}@example.fi",
        display_name=display_name or names[number % len(names)],
        password_hash=hash_password(password) if password else _password_hash(),
        language=language,
        role=role,
        email_verified_at=utcnow() if verified else None,
        home_district_id=district(home_district).id if home_district else None,
        **extra,
    )
    return persist(user)


# --- councillors -------------------------------------------------------------------------

PARTY_NAMES = {
    "KOK": ("Kansallinen Kokoomus", "Samlingspartiet", "National Coalition Party", "Kok.", "Saml."),
    "SDP": (
        "Suomen Sosialidemokraattinen Puolue",
        "Finlands Socialdemokratiska Parti",
        "Social Democratic Party of Finland",
        "SDP",
        "SDP",
    ),
    "VIHR": ("Vihreä liitto", "Gröna förbundet", "Green League", "Vihr.", "Gröna"),
    "RKP": (
        "Suomen ruotsalainen kansanpuolue",
        "Svenska folkpartiet i Finland",
        "Swedish People's Party of Finland",
        "RKP",
        "SFP",
    ),
}


def create_party(code: str = "KOK", **overrides: Any) -> Any:
    """A party by code (created once per test; returns the existing one after that)."""
    from participate.councillors.models import Party

    existing = db.session.scalar(sa.select(Party).where(Party.code == code))
    if existing is not None:
        db.session.expunge(existing)
        return existing
    name_fi, name_sv, name_en, abbr_fi, abbr_sv = PARTY_NAMES.get(
        code, (f"Puolue {code}", f"Partiet {code}", f"Party {code}", code, code)
    )
    values = {
        "code": code,
        "name_fi": name_fi,
        "name_sv": name_sv,
        "name_en": name_en,
        "abbr_fi": abbr_fi,
        "abbr_sv": abbr_sv,
        "position": len(PARTY_NAMES),
    }
    values.update(overrides)
    return persist(Party(**values))


_district_by_slug = district  # create_councillor's `district` argument hides the helper


def create_councillor(
    *,
    first_name: str = "Aino",
    last_name: str | None = None,
    party: str = "KOK",
    district: str = "suur-tapiola",
    email: str | None = None,
    languages: str = "fi;sv",
    role: str = "member",
    term: str = "2025-2029",
    **extra: Any,
) -> Any:
    """A councillor (the party is created when missing). Goes through the ORM, so the map's
    cache token changes just as it does for an admin's edit."""
    from participate.councillors.models import Councillor, CouncillorRole

    number = next(_numbers)
    councillor = Councillor(
        first_name=first_name,
        last_name=last_name or f"Virtanen{number}",
        party_id=create_party(party).id,
        district_id=_district_by_slug(district).id,
        email=email or f"valtuutettu{number}@espoo.example",
        languages=languages,
        role=CouncillorRole(role),
        term=term,
        **extra,
    )
    return persist(councillor)


ACTIVITY_TITLES = {
    "fi": "Siivoustalkoot Tapiolan puistossa",
    "sv": "Städtalko i Hagalund",
    "en": "Clean-up day in Tapiola park",
}


def create_activity(
    *,
    title: dict[str, str] | None = None,
    status: str = "published",
    district: str = "suur-tapiola",
    starts_in: Any = None,
    duration: Any = None,
    capacity: int | None = 10,
    max_group_size: int = 4,
    author: User | None = None,
    languages: tuple[str, ...] = ("fi", "sv"),
    **extra: Any,
) -> Any:
    """An activity (published, next week, 10 places) straight into the database."""
    from datetime import timedelta

    from participate.activities.models import Activity
    from participate.workflow.states import Status

    titles = ACTIVITY_TITLES if title is None else title
    starts_at = utcnow().replace(microsecond=0) + (starts_in or timedelta(days=7))
    values: dict[str, Any] = {
        **{f"title_{lang}": text for lang, text in titles.items()},
        **{f"description_{lang}": f"{text}.\n\nTervetuloa!" for lang, text in titles.items()},
        "organiser_name": "Tapiolan asukasyhdistys",
        "organiser_contact": "talkoot@example.fi",
        "district_id": _district_by_slug(district).id,
        "place": "Tapiolan keskuspuisto, Tapiontori 1",
        "lat": 60.1756,
        "lon": 24.8053,
        "starts_at": starts_at,
        "ends_at": starts_at + (duration or timedelta(hours=3)),
        "capacity": capacity,
        "max_group_size": max_group_size,
        "spoken_languages": f",{','.join(languages)}," if languages else "",
        "status": Status(status),
        "author_id": author.id if author else None,
        "submitted_at": utcnow(),
        "published_at": utcnow() if status == "published" else None,
    }
    values.update(extra)
    return persist(Activity(**values))


def create_signup(
    activity: Any,
    *,
    status: str = "confirmed",
    people: int = 1,
    email: str | None = None,
    name: str | None = None,
    language: str = "fi",
    **extra: Any,
) -> Any:
    """A sign-up with a known private token (returned as `signup.token`)."""
    from participate.activities.models import Signup, SignupStatus, hash_token, new_token

    number = next(_numbers)
    token = new_token()
    names = NAMES.get(language, NAMES["fi"])
    signup = Signup(
        activity_id=activity.id,
        status=SignupStatus(status),
        token_hash=hash_token(token),
        name=name or names[number % len(names)],
        email=email or f"osallistuja{number}@example.fi",
        people=people,
        language=language,
        consented_at=utcnow(),
        confirmed_at=utcnow() if status == "confirmed" else None,
        **extra,
    )
    signup = persist(signup)
    signup.token = token
    return signup


# Initiatives -------------------------------------------------------------------------------

INITIATIVE_TEXTS = {
    "fi": (
        "Suojatie Tapiolan koulun eteen",
        "Koulun edessä autot ajavat kovaa. Ehdotan suojatietä ja hidastetta.\n\n"
        "Lisätietoa: https://www.espoo.fi/fi/liikenne",
    ),
    "sv": (
        "Fler bänkar vid Esboviken",
        "Strandpromenaden saknar bänkar. Äldre invånare behöver ställen att vila på.",
    ),
    "en": (
        "Longer opening hours at Sello library",
        "Many residents work late. The library could stay open until 21 on weekdays.",
    ),
}


def create_theme(slug: str | None = None, **overrides: Any) -> Any:
    from participate.initiatives.models import Theme

    number = next(_numbers)
    values = {
        "slug": slug or f"theme-{number}",
        "name_fi": f"Teema {number}",
        "name_sv": f"Tema {number}",
        "name_en": f"Theme {number}",
        "position": number,
        **overrides,
    }
    return persist(Theme(**values))


def create_initiative(
    *,
    author: User | None = None,
    status: str = "published",
    language: str = "fi",
    title: str | None = None,
    body: str | None = None,
    theme: Any = None,
    district_slug: str | None = "suur-tapiola",
    lat: float | None = None,
    lon: float | None = None,
    goals: tuple[int, ...] = (),
    support_count: int = 0,
    **extra: Any,
) -> Any:
    """An initiative in any status, with the lifecycle timestamps that status implies.

    Written straight to the table (fast); tests of the lifecycle itself use the services.
    """
    from participate.initiatives.models import Initiative, goals_to_mask
    from participate.workflow.states import Status

    status_value = Status(status)
    author = author or create_user(language=language)
    theme = theme or create_theme()
    default_title, default_body = INITIATIVE_TEXTS[language]
    now = utcnow()
    submitted = status_value != Status.DRAFT
    decided = status_value not in {Status.DRAFT, Status.SUBMITTED}
    published = status_value in {Status.PUBLISHED, Status.ANSWERED, Status.CLOSED, Status.HIDDEN}
    initiative = Initiative(
        title=title or default_title,
        body=body or default_body,
        language=language,
        theme_id=theme.id,
        district_id=district(district_slug).id if district_slug else None,
        lat=lat,
        lon=lon,
        sdg_mask=goals_to_mask(goals),
        author_id=author.id,
        status=status_value,
        submitted_at=now if submitted else None,
        first_submitted_at=now if submitted else None,
        first_decision_at=now if decided else None,
        published_at=extra.pop("published_at", now) if published else None,
        status_changed_at=now,
        support_count=support_count,
        **extra,
    )
    return persist(initiative)


def create_support(initiative: Any, user: User | None = None, *, resident: bool = False) -> Any:
    """A support row, the matching counts and the supporter's follow, as
    supports.add_support leaves them.

    `resident`: by an identified resident of voting age (its own new person hash).
    """
    from participate.initiatives.models import Follow, Initiative, Support

    user = user or create_user()
    support = Support(
        initiative_id=initiative.id,
        user_id=user.id,
        is_resident=resident,
        person_hash=f"{next(_numbers):064x}" if resident else None,
    )
    db.session.add(support)
    db.session.add(Follow(user_id=user.id, initiative_id=initiative.id))
    db.session.execute(
        sa.update(Initiative)
        .where(Initiative.id == initiative.id)
        .values(
            support_count=Initiative.support_count + 1,
            resident_support_count=Initiative.resident_support_count + (1 if resident else 0),
        )
    )
    return persist(support)


# Valid Finnish personal identity codes (henkilötunnus) of made-up people:
# onwards: DDMMYY, century sign, individual number 002-899, check character (mod 31).
HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def hetu(*, born: Any = None, individual: int | None = None) -> str:
    """A valid personal identity code for someone born on `born` (a date; default 1990-05-17)."""
    from datetime import date

    born = born or date(1990, 5, 17)
    individual = individual if individual is not None else 2 + next(_numbers) % 897
    sign = {1800: "+", 1900: "-", 2000: "A"}[born.year // 100 * 100]
    digits = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}{sign}{individual:03d}{HETU_CHECK[int(digits) % 31]}"


def create_identity(
    user: User,
    *,
    national_id: str | None = None,
    municipality_code: str = "049",
    voting_age: bool = True,
    show_name: bool = False,
) -> Any:
    """Link a strong identification to `user` as the SAML endpoint would (via the services)."""
    from datetime import date

    from participate.accounts.identity import IdentifiedPerson, describe, link_identity

    born = date(1990, 5, 17) if voting_age else date(2015, 5, 17)
    person = IdentifiedPerson(
        national_id=national_id or hetu(born=born),
        municipality_code=municipality_code,
        level_of_assurance="http://ftn.ficora.fi/2017/loa3",
        given_name="Aino",
        surname="Virtanen",
    )
    account = db.session.get(User, user.id)
    fields = describe(person, show_name=show_name, today=date(2026, 12, 1))
    return persist(link_identity(account, fields))


# Moderation desk ---------------------------------------------------------------------------

REASON_TEXTS = (
    "Teksti sisältää henkilötietoja.",
    "Texten innehåller personuppgifter.",
    "The text contains personal data.",
)


def create_reason(
    *,
    text_fi: str = REASON_TEXTS[0],
    text_sv: str = REASON_TEXTS[1],
    text_en: str = REASON_TEXTS[2],
    position: int = 0,
    is_active: bool = True,
) -> Any:
    """A standard reason in three languages (the migration's seeds are gone after a test)."""
    from participate.moderation.models import StandardReason

    return persist(
        StandardReason(
            text_fi=text_fi,
            text_sv=text_sv,
            text_en=text_en,
            position=position,
            is_active=is_active,
        )
    )


def create_report(
    item: Any,
    *,
    reporter: User | None = None,
    reason: str = "offensive",
    details: str = "",
    kind: str | None = None,
    **extra: Any,
) -> Any:
    """An open report on an item, straight into the table (the service is tested on its own)."""
    from participate.moderation.models import Report, ReportReason

    reporter = reporter or create_user()
    return persist(
        Report(
            item_kind=kind or type(item).moderation_kind,
            item_id=item.id,
            reporter_id=reporter.id,
            reason=ReportReason(reason),
            details=details,
            **extra,
        )
    )
