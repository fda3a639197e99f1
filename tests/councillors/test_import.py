"""`flask import-councillors FILE` / `flask councillors import FILE` and `load-parties`."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from participate.councillors.models import Councillor, Party
from participate.extensions import db
from tests import factories

HEADER = "first_name,last_name,party,district,email,phone,photo_url,languages,role,term"
GOOD_ROWS = [
    "Aino,Aaltonen,KOK,suur-tapiola,aino.aaltonen@espoo.example,+358 40 111 2222,,fi;sv,member,"
    "2025-2029",
    "Björn,Ekholm,RKP,suur-espoonlahti,Bjorn.Ekholm@espoo.example,,https://www.espoo.fi/b.jpg,"
    "sv;fi,member,2025-2029",
    # quoted fields, a comma inside a name, and the term with an en dash as people type it
    '"Anna-Maija","Öhman, Jr",SDP,vanha-espoo,anna.ohman@espoo.example,,,fi,deputy,2025\u20132029',
]


@pytest.fixture
def parties(app, runner):
    result = runner.invoke(args=["councillors", "load-parties"])
    assert result.exit_code == 0, result.output
    return result


def write(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "council.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def councillors(app) -> list[Councillor]:
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Councillor).order_by(Councillor.email)))
        db.session.expunge_all()
        return rows


def test_load_parties_from_the_composition_file(app, runner):
    result = runner.invoke(args=["councillors", "load-parties"])
    assert result.exit_code == 0, result.output
    assert "10 created" in result.output
    with app.app_context():
        kok = db.session.scalar(sa.select(Party).where(Party.code == "KOK"))
        assert (kok.name_sv, kok.abbr_fi, kok.abbr_sv) == ("Samlingspartiet", "Kok.", "Saml.")
        libe = db.session.scalar(sa.select(Party).where(Party.code == "LIBE"))
        assert "unverified" not in libe.name_sv
    again = runner.invoke(args=["councillors", "load-parties"])
    assert "0 created, 0 updated, 10 unchanged" in again.output


@pytest.mark.parametrize("command", [["import-councillors"], ["councillors", "import"]])
def test_import_a_good_file_then_again_changes_nothing(app, runner, parties, tmp_path, command):
    path = write(tmp_path, *GOOD_ROWS)
    result = runner.invoke(args=[*command, str(path)])
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.output
    imported = councillors(app)
    assert [c.email for c in imported] == [
        "aino.aaltonen@espoo.example",
        "anna.ohman@espoo.example",
        "bjorn.ekholm@espoo.example",
    ]
    anna = imported[1]
    assert (anna.last_name, anna.role.value, anna.term) == ("Öhman, Jr", "deputy", "2025-2029")
    assert imported[2].languages == "fi;sv"
    stamps = [(c.id, c.updated_at) for c in imported]

    again = runner.invoke(args=[*command, str(path)])
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 3 unchanged" in again.output
    assert [(c.id, c.updated_at) for c in councillors(app)] == stamps


def test_reimport_updates_by_e_mail_and_keeps_committees(app, runner, parties, tmp_path):
    runner.invoke(args=["import-councillors", str(write(tmp_path, *GOOD_ROWS))])
    with app.app_context():
        aino = db.session.scalar(sa.select(Councillor).where(Councillor.last_name == "Aaltonen"))
        aino.committees_fi = "Ympäristölautakunta"
        db.session.commit()
    changed = (
        GOOD_ROWS[0]
        .replace("suur-tapiola", "suur-matinkyla")
        .replace("aino.aaltonen@", "AINO.AALTONEN@")
    )
    result = runner.invoke(
        args=["import-councillors", str(write(tmp_path, changed, *GOOD_ROWS[1:]))]
    )
    assert "0 created, 1 updated, 2 unchanged" in result.output
    aino = next(c for c in councillors(app) if c.last_name == "Aaltonen")
    with app.app_context():
        assert aino.district_id == factories.district("suur-matinkyla").id
    assert aino.committees_fi == "Ympäristölautakunta"  # the file has no committee columns


def test_committee_columns_are_imported(app, runner, parties, tmp_path):
    header = HEADER + ",committees_fi,committees_sv,committees_en"
    row = GOOD_ROWS[0] + ',Kaupunginhallitus,Stadsstyrelsen,"City Board, chair"'
    result = runner.invoke(args=["import-councillors", str(write(tmp_path, row, header=header))])
    assert result.exit_code == 0, result.output
    [aino] = councillors(app)
    assert aino.committees_en == "City Board, chair"


BAD_ROWS = [
    # (row, the reason the report must give)
    (",Aaltonen,KOK,suur-tapiola,a1@espoo.example,,,fi,member,2025-2029", "first name is missing"),
    (
        "Aino,Aaltonen,XYZ,suur-tapiola,a2@espoo.example,,,fi,member,2025-2029",
        "unknown party 'XYZ'",
    ),
    (
        "Aino,Aaltonen,KOK,atlantis,a3@espoo.example,,,fi,member,2025-2029",
        "unknown district 'atlantis'",
    ),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,not-an-address,,,fi,member,2025-2029",
        "is not an e-mail address",
    ),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,a5@espoo.example,call me,,fi,member,2025-2029",
        "is not a phone number",
    ),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,a6@espoo.example,,javascript:alert(1),fi,member,2025-2029",
        "is not an https:// address",
    ),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,a7@espoo.example,,,fi;de,member,2025-2029",
        "unknown language 'de'",
    ),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,a8@espoo.example,,,,member,2025-2029",
        "languages are missing",
    ),
    ("Aino,Aaltonen,KOK,suur-tapiola,a9@espoo.example,,,fi,mayor,2025-2029", "unknown role"),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,a10@espoo.example,,,fi,member,2029-2025",
        "is not a term like 2025-2029",
    ),
    ("Aino,Aaltonen,KOK,suur-tapiola,a11@espoo.example,,,fi,member", "fewer values than columns"),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,a12@espoo.example,,,fi,member,2025-2029,extra",
        "more values than columns",
    ),
    (
        "Aino,Aaltonen,KOK,suur-tapiola,aino.aaltonen@espoo.example,,,fi,member,2025-2029",
        "already on line 2",
    ),
]


def test_a_bad_file_is_rejected_whole_with_line_numbers(app, runner, parties, tmp_path):
    rows = [GOOD_ROWS[0]] + [row for row, _ in BAD_ROWS] + [GOOD_ROWS[1]]
    path = write(tmp_path, *rows)
    result = runner.invoke(args=["import-councillors", str(path)])
    assert result.exit_code == 1
    output = result.output
    assert f"Nothing was imported: {len(BAD_ROWS)} problem(s)" in output
    for number, (_, reason) in enumerate(BAD_ROWS, start=3):  # header is line 1, good row 2
        line = next((x for x in output.splitlines() if f"line {number}:" in x), "")
        assert reason in line, f"line {number}: expected {reason!r} in {line!r}\n{output}"
    assert councillors(app) == []  # not even the good rows


def test_every_problem_of_a_row_is_reported(app, runner, parties, tmp_path):
    path = write(tmp_path, ",,NOPE,atlantis,x,,,xx,boss,soon")
    result = runner.invoke(args=["councillors", "import", str(path)])
    assert result.exit_code == 1
    assert result.output.count("line 2:") >= 8


def test_multiline_fields_report_the_right_line(app, runner, parties, tmp_path):
    rows = [
        '"Aino\nMaria",Aaltonen,KOK,suur-tapiola,a@espoo.example,,,fi,member,2025-2029',
        "Bo,Berg,NOPE,suur-tapiola,b@espoo.example,,,fi,member,2025-2029",
    ]
    result = runner.invoke(args=["import-councillors", str(write(tmp_path, *rows))])
    assert "line 4: unknown party 'NOPE'" in result.output
    assert "line 2:" in result.output or "line 3:" in result.output  # control character


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("first_name,last_name,party,district,email", "missing column(s): phone"),
        (HEADER + ",twitter", "unknown column(s): twitter"),
        (HEADER.replace("term", "email"), "repeated column(s): email"),
        (HEADER.replace(",", ";"), "missing column(s)"),
    ],
)
def test_a_wrong_header_is_reported_on_line_1(app, runner, parties, tmp_path, header, reason):
    result = runner.invoke(
        args=["import-councillors", str(write(tmp_path, GOOD_ROWS[0], header=header))]
    )
    assert result.exit_code == 1
    assert f"line 1: {reason}" in result.output
    assert councillors(app) == []


def test_empty_and_header_only_files(app, runner, parties, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert (
        "line 1: the file is empty" in runner.invoke(args=["import-councillors", str(empty)]).output
    )
    only_header = write(tmp_path, name="header.csv")
    assert (
        "no councillors in the file"
        in runner.invoke(args=["import-councillors", str(only_header)]).output
    )


def test_not_utf8_and_byte_order_mark(app, runner, parties, tmp_path):
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(("\n".join([HEADER, GOOD_ROWS[2]]) + "\n").encode("latin-1", "replace"))
    assert "not UTF-8" in runner.invoke(args=["import-councillors", str(latin)]).output
    bom = tmp_path / "bom.csv"
    bom.write_text("\ufeff" + "\n".join([HEADER, GOOD_ROWS[0]]) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import-councillors", str(bom)])
    assert result.exit_code == 0, result.output


def test_import_before_parties_are_loaded_says_what_to_do(app, runner, tmp_path):
    result = runner.invoke(args=["import-councillors", str(write(tmp_path, GOOD_ROWS[0]))])
    assert result.exit_code == 1
    assert "flask councillors load-parties" in result.output


def test_missing_file(runner, tmp_path):
    result = runner.invoke(args=["import-councillors", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2
