"""Theming: the city's name, logo, colours, favicon and web manifest come from a theme folder
whose colours keep WCAG 2.2 AA contrast."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from participate import create_app
from participate.config import ROOT
from participate.theme import (
    CONTRAST_PAIRS,
    ThemeError,
    contrast_ratio,
    load_theme,
)

THEMES = ROOT / "themes"


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#ffffff", "#000000", 21.0),
        ("#000000", "#ffffff", 21.0),
        ("#777777", "#ffffff", 4.48),  # the classic just-failing grey
        ("#767676", "#ffffff", 4.54),
        ("#1f4e9c", "#1f4e9c", 1.0),
    ],
)
def test_contrast_ratio_is_the_wcag_formula(first, second, ratio):
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


@pytest.mark.parametrize("name", ["default", "example"])
def test_shipped_themes_keep_aa_contrast(name):
    theme = load_theme(THEMES / name)
    for fore, back, minimum, what in CONTRAST_PAIRS:
        ratio = contrast_ratio(theme.colours.get(fore, fore), theme.colours.get(back, back))
        assert ratio >= minimum, what
    assert theme.contrast_failures() == []


def test_a_theme_below_aa_is_refused(tmp_path: Path):
    text = (THEMES / "example" / "theme.toml").read_text(encoding="utf-8")
    (tmp_path / "theme.toml").write_text(
        text.replace('brand = "#00615c"', 'brand = "#4f9a96"'), encoding="utf-8"
    )
    for name in ("logo.svg", "favicon.svg"):
        (tmp_path / name).write_bytes((THEMES / "example" / name).read_bytes())
    with pytest.raises(ThemeError, match="white text on the header"):
        load_theme(tmp_path)


def test_a_theme_file_outside_the_folder_is_refused(tmp_path: Path):
    text = (THEMES / "example" / "theme.toml").read_text(encoding="utf-8")
    (tmp_path / "theme.toml").write_text(
        text.replace('logo = "logo.svg"', 'logo = "../../etc/passwd.svg"'), encoding="utf-8"
    )
    with pytest.raises(ThemeError, match="logo"):
        load_theme(tmp_path)


@pytest.fixture
def example_client(settings):
    app = create_app(dataclasses.replace(settings, theme="themes/example"))
    yield app.test_client()
    # Its own engine: close its pooled connections (psycopg warns about ones left open).
    from participate.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_default_theme_names_espoo(client):
    page = client.get("/sv/").get_data(as_text=True)
    assert "Esbo stad" in page
    assert 'rel="manifest"' in page
    css = client.get("/theme.css")
    assert css.mimetype == "text/css"
    assert "--brand: #1f4e9c;" in css.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "organisation"),
    [("fi", "Järvenrannan kaupunki"), ("sv", "Sjöstrands stad"), ("en", "City of Järvenranta")],
)
def test_example_theme_changes_name_logo_colours_and_manifest(example_client, lang, organisation):
    page = example_client.get(f"/{lang}/").get_data(as_text=True)
    assert organisation in page
    assert "Espoon kaupunki" not in page
    assert "Esbo stad" not in page
    assert "City of Espoo" not in page
    assert re.search(r'<img class="brand-logo" src="/theme/logo.svg\?v=[0-9a-f]{12}" alt=""', page)
    assert 'rel="icon" href="/theme/favicon.svg?v=' in page

    assert "--brand: #00615c;" in example_client.get("/theme.css").get_data(as_text=True)
    with example_client.get("/theme/logo.svg") as logo:
        assert (logo.status_code, logo.mimetype) == (200, "image/svg+xml")
        assert logo.get_data().startswith(b"<svg")
    assert example_client.get("/theme/theme.toml").status_code == 404
    assert (
        example_client.get("/favicon.ico").headers["Location"].startswith("/theme/favicon.svg?v=")
    )

    response = example_client.get(f"/{lang}/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["lang"] == lang
    assert manifest["name"].endswith(organisation)
    assert manifest["start_url"] == f"/{lang}/"
    assert manifest["theme_color"] == "#00615c"
    assert manifest["icons"][0]["src"].startswith("/theme/favicon.svg?v=")


# The city's name in interface sentences comes from the theme, inflected by the theme ----------

# Interface text that names Espoo on purpose: the privacy notice's controller (a legal
# identification with its own address; an operator rewrites the privacy notice anyway).
DELIBERATE_CITY_NAMES = {
    "City of Espoo, City Board. Contact person: the development manager of resident "
    "participation. Data protection officer: tietosuoja@espoo.fi."
}


def test_no_interface_string_names_the_city():
    from babel.messages.pofile import read_po

    with (ROOT / "translations" / "messages.pot").open("rb") as handle:
        catalog = read_po(handle)
    naming = {
        message.id if isinstance(message.id, str) else message.id[0]
        for message in catalog
        if message.id
        and any(
            name in part
            for part in (message.id if isinstance(message.id, tuple) else (message.id,))
            for name in ("Espoo", "Esbo")
        )
    }
    assert naming == DELIBERATE_CITY_NAMES, (
        "use %(city)s, %(in_city)s or %(organisation)s from the theme (participate/theme.py): "
        f"{sorted(naming - DELIBERATE_CITY_NAMES)}"
    )


@pytest.mark.parametrize(
    ("lang", "heading", "organisation"),
    [
        ("fi", "Vaikuta Järvenrannassa", "Järvenrannan kaupunki haluaa"),
        ("sv", "Påverka i Sjöstrand", "Sjöstrands stad vill"),
        ("en", "Have your say in Järvenranta", "City of Järvenranta wants"),
    ],
)
def test_interface_sentences_take_the_themed_city(example_client, lang, heading, organisation):
    page = example_client.get(f"/{lang}/").get_data(as_text=True)
    assert f'<h1 id="page-title">{heading}</h1>' in page
    statement = example_client.get(f"/{lang}/accessibility").get_data(as_text=True)
    assert organisation in statement
    for text in (page, statement):
        assert "Espoo" not in text
        assert "Esbo" not in text


def test_calendar_openapi_and_e_mail_take_the_themed_city(example_client):
    calendar = example_client.get("/fi/activities/calendar.ics").get_data(as_text=True)
    assert "PRODID:-//City of Järvenranta//Participate//FI" in calendar
    assert "X-WR-CALNAME:Naapurustotapahtumat Järvenrannassa" in calendar
    info = example_client.get("/api/v1/openapi.json").get_json()["info"]
    assert info["title"].endswith("open data of the City of Järvenranta")
    assert "Espoo" not in info["description"]

    from participate.accounts.services import send_verification
    from participate.extensions import db
    from participate.mail.models import OutboxMessage
    from tests import factories

    app = example_client.application
    with app.test_request_context():
        user = factories.create_user(language="sv", verified=False)
        send_verification(user)
        db.session.commit()
        body = db.session.scalars(sa.select(OutboxMessage.body_text)).one()
    assert "Delta (Sjöstrands stad)" in body
    assert "Esbo" not in body


def test_the_default_theme_still_says_espoo_inflected(client):
    assert "Vaikuta Espoossa" in client.get("/fi/").get_data(as_text=True)
    assert "Påverka i Esbo" in client.get("/sv/").get_data(as_text=True)
