"""Read the files the city maintains: the councillor CSV and the council composition JSON.

The CSV import checks every row first and writes nothing when any row is wrong: the report
lists each bad row with its line number and reason. Re-importing the same file changes
nothing (councillors are matched by e-mail address).

Header (committee columns optional; a file without them leaves committees as they are):
    first_name,last_name,party,district,email,phone,photo_url,languages,role,term
    [,committees_fi,committees_sv,committees_en]
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from participate.cli import LoadError
from participate.councillors import services
from participate.councillors.models import SERVICE_LANGUAGES, Councillor, CouncillorRole, Party
from participate.districts.loaders import DATA_DIR
from participate.districts.models import District
from participate.extensions import db

COMPOSITION_FILE = DATA_DIR / "espoo_council_composition.json"
CURRENT_TERM = "2025-2029"

REQUIRED_COLUMNS = (
    "first_name",
    "last_name",
    "party",
    "district",
    "email",
    "phone",
    "photo_url",
    "languages",
    "role",
    "term",
)
COMMITTEE_COLUMNS = ("committees_fi", "committees_sv", "committees_en")
MAX_ROWS = 2000  # the council has 150 members and deputies; anything far larger is a mistake


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class ImportFailed(ValueError):
    """One or more rows are wrong; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@dataclass(frozen=True)
class ImportRow:
    line: int
    data: services.CouncillorData
    has_committees: bool


def _read_text(path: Path) -> str:
    try:
        # utf-8-sig: spreadsheet programs often start a CSV with a byte-order mark.
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed([RowError(1, "the file is not UTF-8 text")]) from exc
    except OSError as exc:
        raise LoadError(f"{path}: {exc.strerror or exc}") from exc


def _check_header(header: Sequence[str] | None) -> list[RowError]:
    if not header:
        return [RowError(1, "the file is empty; the first line must be the header")]
    names = [name.strip() for name in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    unknown = [c for c in names if c not in REQUIRED_COLUMNS + COMMITTEE_COLUMNS]
    duplicate = sorted({c for c in names if names.count(c) > 1})
    errors = []
    if missing:
        errors.append(RowError(1, f"missing column(s): {', '.join(missing)}"))
    if unknown:
        errors.append(RowError(1, f"unknown column(s): {', '.join(unknown)}"))
    if duplicate:
        errors.append(RowError(1, f"repeated column(s): {', '.join(duplicate)}"))
    if errors:
        errors.append(RowError(1, "the header must be " + ",".join(REQUIRED_COLUMNS)))
    return errors


def _row_problems(
    row: dict[str, str], parties: dict[str, int], districts: dict[str, int]
) -> tuple[list[str], dict[str, Any]]:
    problems: list[str] = []
    value = {key: (row.get(key) or "").strip() for key in REQUIRED_COLUMNS + COMMITTEE_COLUMNS}
    for key, what in (("first_name", "first name"), ("last_name", "last name")):
        if problem := services.name_problem(row.get(key) or "", what):
            problems.append(problem)
    party = value["party"].upper()
    if not party:
        problems.append("the party code is missing")
    elif party not in parties:
        known = ", ".join(sorted(parties)) or "none: run `flask councillors load-parties` first"
        problems.append(f"unknown party {value['party']!r} (known: {known})")
    district = value["district"].lower()
    if not district:
        problems.append("the district is missing")
    elif district not in districts:
        problems.append(f"unknown district {value['district']!r} (known: {', '.join(districts)})")
    for check, key in (
        (services.email_problem, "email"),
        (services.phone_problem, "phone"),
        (services.photo_url_problem, "photo_url"),
        (services.term_problem, "term"),
    ):
        if problem := check(value[key]):
            problems.append(problem)
    languages: tuple[str, ...] = ()
    try:
        languages = services.parse_languages(value["languages"])
    except ValueError as exc:
        if str(exc):
            problems.append(f"unknown language {str(exc)!r} (use {';'.join(SERVICE_LANGUAGES)})")
        else:
            problems.append("the languages are missing (for example fi;sv)")
    role = value["role"].lower() or CouncillorRole.MEMBER.value
    if role not in {r.value for r in CouncillorRole}:
        problems.append(f"unknown role {value['role']!r} (use member or deputy)")
    for key in COMMITTEE_COLUMNS:
        if len(value[key]) > services.COMMITTEES_MAX:
            problems.append(f"{key} is longer than {services.COMMITTEES_MAX} characters")
    if problems:
        return problems, {}
    return [], {
        "first_name": value["first_name"],
        "last_name": value["last_name"],
        "party_id": parties[party],
        "district_id": districts[district],
        "email": services.normalise_email(value["email"]),
        "term": services.normalise_term(value["term"]),
        "role": CouncillorRole(role),
        "languages": languages,
        "phone": value["phone"] or None,
        "photo_url": value["photo_url"] or None,
        "committees_fi": value["committees_fi"],
        "committees_sv": value["committees_sv"],
        "committees_en": value["committees_en"],
    }


def read_councillors(path: Path) -> list[ImportRow]:
    """Every row of the file, checked against the parties and districts in the database.

    Raises ImportFailed with all the problems found (not just the first).
    """
    reader = csv.DictReader(io.StringIO(_read_text(path), newline=""), restkey="\x00extra")
    errors = _check_header(reader.fieldnames)
    if errors:
        raise ImportFailed(errors)
    has_committees = any(c in (reader.fieldnames or []) for c in COMMITTEE_COLUMNS)
    parties = {code: id_ for id_, code in db.session.execute(sa.select(Party.id, Party.code))}
    districts = {
        slug: id_ for id_, slug in db.session.execute(sa.select(District.id, District.slug))
    }
    rows: list[ImportRow] = []
    first_line_of: dict[str, int] = {}
    line = 1
    try:
        for raw in reader:
            line = reader.line_num  # the line the row ends on (quoted fields may span lines)
            if len(rows) + len(errors) >= MAX_ROWS:
                errors.append(RowError(line, f"more than {MAX_ROWS} rows; split the file"))
                break
            if "\x00extra" in raw:
                errors.append(RowError(line, "more values than columns (a comma too many?)"))
                continue
            if any(raw.get(c) is None for c in REQUIRED_COLUMNS):
                errors.append(RowError(line, "fewer values than columns"))
                continue
            problems, values = _row_problems(raw, parties, districts)
            email = services.normalise_email(raw.get("email") or "")
            if email and email in first_line_of:
                problems.append(f"the e-mail address is already on line {first_line_of[email]}")
            elif email:
                first_line_of[email] = line
            if problems:
                errors.extend(RowError(line, problem) for problem in problems)
                continue
            rows.append(ImportRow(line, services.CouncillorData(**values), has_committees))
    except csv.Error as exc:
        errors.append(RowError(line + 1, f"not valid CSV ({exc})"))
    if not rows and not errors:
        errors.append(RowError(2, "no councillors in the file"))
    if errors:
        raise ImportFailed(errors)
    return rows


def import_councillors(path: Path) -> services.UpsertResult:
    """Check the whole file, then create or update by e-mail address. Flushes, never commits."""
    rows = read_councillors(path)
    existing = {c.email: c for c in db.session.scalars(sa.select(Councillor))}
    created = updated = unchanged = 0
    for row in rows:
        councillor = existing.get(row.data.email)
        if councillor is None:
            services.create_councillor(row.data)
            created += 1
            continue
        data = row.data
        if not row.has_committees:
            current = services.data_of(councillor)
            data = replace(
                data,
                committees_fi=current.committees_fi,
                committees_sv=current.committees_sv,
                committees_en=current.committees_en,
            )
        if services.update_councillor(councillor, data):
            updated += 1
        else:
            unchanged += 1
    db.session.flush()
    return services.UpsertResult(created, updated, unchanged)


def read_parties(path: Path = COMPOSITION_FILE) -> list[services.PartyData]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [
            services.PartyData(
                code=str(item["code"]).strip().upper(),
                name_fi=str(item["name_fi"]),
                # The file marks guesses in brackets, e.g. "(unverified Swedish form)".
                name_sv=str(item["name_sv"]).split(" (unverified")[0],
                name_en=str(item["name_en"]),
                abbr_fi=str(item["abbr_fi"]),
                abbr_sv=str(item["abbr_sv"]),
                position=position,
            )
            for position, item in enumerate(data["parties"], start=1)
        ]
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
        raise LoadError(f"{path}: {exc}") from exc


def load_parties(path: Path = COMPOSITION_FILE) -> services.UpsertResult:
    return services.upsert_parties(read_parties(path))


def seats(term: str = CURRENT_TERM, path: Path = COMPOSITION_FILE) -> dict[str, int]:
    """Seats per party code for a term, from the council composition file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for item in data["terms"]:
        if item["term"] == term:
            return {str(code): int(count) for code, count in item["seats"].items()}
    raise LoadError(f"{path}: no term {term}")
