"""The councillor map and lists under /<lang>/councillors/ (admin pages: admin.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from participate.councillors import queries
from participate.councillors.forms import FindDistrictForm, PartyFilterForm
from participate.councillors.maps import cached_map, data_attribution
from participate.councillors.models import SERVICE_LANGUAGE_LABELS, CouncillorRole, Party
from participate.councillors.queries import parse_point
from participate.districts.models import District, PostalCode
from participate.districts.queries import district_at, lookup_postal_code
from participate.i18n.content import current_lang
from participate.i18n.urls import LANG_PREFIX

bp = Blueprint("councillors", __name__, url_prefix=f"{LANG_PREFIX}/councillors")


def language_names() -> dict[str, str]:
    """The service languages' names in the page's language, translated once per request."""
    return {code: str(label) for code, label in SERVICE_LANGUAGE_LABELS.items()}


@dataclass
class Lookup:
    """What "find my district" found. `kind` picks the message in the template."""

    kind: str = ""  # "" | postal | split | postal_outside | point | point_outside | point_invalid
    district: District | None = None
    choices: list[District] = field(default_factory=list)
    postal: PostalCode | None = None
    is_bad_request: bool = False


def find_district(args: MultiDict[str, str], form: FindDistrictForm) -> Lookup:
    if "lat" in args or "lon" in args:
        point = parse_point(args.get("lat", ""), args.get("lon", ""))
        if point is None:
            return Lookup("point_invalid", is_bad_request=True)
        found = district_at(*point)
        return Lookup("point" if found else "point_outside", found)
    if "postal_code" not in args:
        return Lookup()
    if not form.validate():
        return Lookup(is_bad_request=True)
    result = lookup_postal_code(form.postal_code.data)
    if result is None:
        # A well-formed code of another town (00100) is a mistake in the field, too.
        form.postal_code.errors = [
            _(
                "%(code)s is not a postal code of this city. Check the number, or find your "
                "district on the map.",
                code=form.postal_code.data,
            )
        ]
        return Lookup("postal_outside")
    if result.alternatives:
        return Lookup(
            "split", result.district, [result.district, *result.alternatives], result.postal_code
        )
    return Lookup("postal", result.district, postal=result.postal_code)


def party_filter(parties: list[Party], lang: str) -> tuple[PartyFilterForm, Party | None]:
    form = PartyFilterForm(request.args, parties=parties, lang=lang)
    code = request.args.get("party", "")
    if not code:
        return form, None
    if not form.validate():
        form.party.errors = [_("There is no party with the code %(code)s.", code=code)]
        return form, None
    return form, next(p for p in parties if p.code == code)


@bp.route("/")
def index() -> tuple[str, int]:
    lang = current_lang()
    find_form = FindDistrictForm(request.args)
    lookup = find_district(request.args, find_form)
    party_form, party = party_filter(queries.list_parties(), lang)
    districts = queries.list_district_summaries()
    selected = lookup.district
    slug = request.args.get("district", "")
    unknown_district = False
    if slug:
        chosen = next((d for d in districts if d.slug == slug), None)
        unknown_district = chosen is None
        selected = chosen or selected
    councillors = queries.list_councillors(party_id=party.id if party else None)
    groups = queries.group_by_district(districts, councillors)
    selected_group = next((g for g in groups if selected and g.district.id == selected.id), None)
    bad = lookup.is_bad_request or bool(party_form.party.errors) or unknown_district
    return render_template(
        "councillors/index.html",
        map=cached_map(lang),
        groups=groups,
        selected=selected_group,
        lookup=lookup,
        find_form=find_form,
        party_form=party_form,
        party=party,
        unknown_district=unknown_district,
        attribution=data_attribution(),
        total=len(councillors),
        language_names=language_names(),
    ), 400 if bad else 200


@bp.route("/<slug>")
def district(slug: str) -> str:
    found = queries.get_district_summary(slug)
    if found is None:
        abort(404)
    councillors = queries.list_councillors(district_id=found.id)
    return render_template(
        "councillors/district.html",
        district=found,
        members=[c for c in councillors if c.role == CouncillorRole.MEMBER],
        deputies=[c for c in councillors if c.role == CouncillorRole.DEPUTY],
        postal_codes=queries.list_postal_codes(found.id),
        language_names=language_names(),
    )
