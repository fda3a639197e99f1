"""The one CSV writer (participate.csv) and the four exports that use it."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from participate.accounts.models import Role
from participate.csv import guard, write_csv
from tests import factories


@pytest.mark.parametrize(
    "cell",
    [
        "=1+1",
        "+1",
        "-2",
        "@SUM(A1)",
        ' =HYPERLINK("http://evil.example")',
        "\t=1",
        "\r=1",
        "\n=1",
        "  \n +cmd",
        "\tplain",
        "\rplain",
    ],
)
def test_guard_defuses_formulas_after_any_leading_whitespace(cell):
    assert guard(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Åsa Öhman", "a=b", "e-mail", "", "1-2"])
def test_guard_keeps_ordinary_text(cell):
    assert guard(cell) == cell


def test_numbers_stay_numbers():
    assert guard(-3) == -3
    assert guard(2.5) == 2.5
    assert guard(None) == ""


@given(st.text())
def test_no_guarded_cell_starts_a_formula(text):
    cell = guard(text)
    stripped = cell.lstrip()
    assert not stripped.startswith(("=", "+", "-", "@")) or cell.startswith("'")
    assert not cell.startswith(("\t", "\r")) or cell.startswith("'")
    assert cell in (text, "'" + text)


@given(st.lists(st.lists(st.text(), min_size=3, max_size=3), max_size=5))
def test_every_file_reads_back_with_the_same_shape(rows):
    body = write_csv(["a", "b", "c"], rows)
    assert body.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"), newline=""), delimiter=";"))
    assert len(parsed) == len(rows) + 1
    assert all(len(row) == 3 for row in parsed)


def test_phone_columns_keep_phone_numbers_and_guard_the_rest():
    body = write_csv(
        ["name", "phone"],
        [["+358 40 1", "+358 40 123 4567"], ["x", "=cmd|' /C calc'!A0"], ["y", "(09) 816 21"]],
        phone_columns=["phone"],
    )
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1] == ["'+358 40 1", "+358 40 123 4567"]  # only the phone column is spared
    assert rows[2][1].startswith("'=")
    assert rows[3][1] == "(09) 816 21"


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="3 cells for 2 columns"):
        write_csv(["a", "b"], [[1, 2, 3]])


def _read_with_pandas(body: bytes) -> pd.DataFrame:
    """As a spreadsheet user's script would: let pandas sniff the delimiter."""
    return pd.read_csv(io.BytesIO(body), sep=None, engine="python", encoding="utf-8-sig", dtype=str)


@pytest.fixture
def exports(app, client, login_as):
    """Every export with ä, ö and å in it; returns {name: (bytes, expected columns)}."""
    from datetime import timedelta

    with app.app_context():
        theme = factories.create_theme(name_fi="Ympäristö", name_sv="Miljö", name_en="Nature")
        factories.create_initiative(
            title="Pyöräteitä Mäntyviitaan", body='Åbo; ja "lainaus"\nrivi', theme=theme
        )
        activity = factories.create_activity(starts_in=timedelta(days=3))
        factories.create_signup(activity, name="Åsa Öhman", phone="+358 40 123 4567")
    login_as(Role.ADMIN)
    bodies = {
        "initiatives": client.get("/fi/initiatives/export.csv"),
        "participants": client.get(f"/fi/activities/{activity.id}/participants.csv"),
        "audit": client.get("/fi/admin/audit.csv"),
        "council-report": client.get("/fi/moderation/council-report.csv"),
    }
    for name, response in bodies.items():
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == "text/csv; charset=utf-8", name
    return {name: response.data for name, response in bodies.items()}


def test_all_four_exports_open_in_columns_with_the_nordic_letters(exports):
    for name, body in exports.items():
        assert body.startswith(b"\xef\xbb\xbf"), name
        header_line = body.decode("utf-8-sig").split("\r\n", 1)[0]
        columns = len(next(csv.reader([header_line], delimiter=";")))
        assert columns > 5, name
        frame = _read_with_pandas(body)
        assert frame.shape[1] == columns, name  # pandas found the `;`, not one wide column
    initiatives = _read_with_pandas(exports["initiatives"])
    assert initiatives.loc[0, "title"] == "Pyöräteitä Mäntyviitaan"
    assert initiatives.loc[0, "body"] == 'Åbo; ja "lainaus"\nrivi'
    assert initiatives.loc[0, "theme"] == "Ympäristö"
    participants = _read_with_pandas(exports["participants"])
    assert "Åsa Öhman" in participants.values
    assert "+358 40 123 4567" in participants.values
