"""The shape of the application: stable routes, language prefixes, protected desks, layers."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from participate.accounts.models import Role

ROOT = Path(__file__).resolve().parent.parent
ROUTES_FILE = Path(__file__).with_name("routes.txt")
PREFIX = "/<any(fi,sv,en):lang_code>"
# Routes that live outside the language prefix on purpose (design.md "Routes").
UNPREFIXED = re.compile(
    r"^/($|healthz$|readyz$|metrics$|favicon\.ico$|static/|api/v1/|saml/|robots\.txt$|theme\.css$|theme/|sitemap\.xml$|\.well-known/security\.txt$)"
)


def route_lines(app: Flask) -> list[str]:
    lines = []
    for rule in app.url_map.iter_rules():
        methods = ",".join(sorted(m for m in rule.methods or () if m not in {"HEAD", "OPTIONS"}))
        lines.append(f"{rule.rule} {methods} {rule.endpoint}")
    return sorted(lines)


def test_routes_are_stable(app: Flask) -> None:
    """design.md promises these URLs; change tests/routes.txt only on purpose."""
    expected = ROUTES_FILE.read_text(encoding="utf-8").split("\n")
    assert route_lines(app) == [line for line in expected if line], (
        "the URL map changed: if on purpose, regenerate tests/routes.txt with\n"
        "python -m tests.test_architecture > tests/routes.txt"
    )


def test_every_page_has_a_language_prefix(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if UNPREFIXED.match(rule.rule):
            continue
        assert rule.rule.startswith(PREFIX), f"{rule.rule} has no /<lang>/ prefix"


def test_urls_are_kebab_case_with_typed_parameters(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        static = re.sub(r"<[^>]+>", "", rule.rule)
        assert static == static.lower(), f"{rule.rule}: use lower case"
        assert "_" not in static, f"{rule.rule}: use kebab-case"
        for converter in re.findall(r"<([^>]+)>", rule.rule):
            if converter.endswith(("id", "_id")):
                assert converter.startswith("int:"), f"{rule.rule}: ids are typed <int:…>"


@pytest.mark.parametrize("section", ["/moderation", "/admin"])
def test_desk_and_admin_routes_require_a_role(app: Flask, section: str) -> None:
    for rule in app.url_map.iter_rules():
        if section not in rule.rule:
            continue
        view = app.view_functions[rule.endpoint]
        role = getattr(view, "required_role", None)
        assert role in (Role.MODERATOR, Role.ADMIN), f"{rule.endpoint} lacks @role_required"


def test_desk_and_admin_routes_refuse_residents_and_anonymous(app: Flask, login_as) -> None:
    rules = [r for r in app.url_map.iter_rules() if "/moderation" in r.rule or "/admin" in r.rule]
    for rule in rules:
        values = dict.fromkeys(rule.arguments, 1)
        values["lang_code"] = "fi"
        for name in rule.arguments:
            if name.endswith("slug") or name == "kind":
                values[name] = "x"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        method = (
            "POST"
            if "POST" in (rule.methods or ()) and "GET" not in (rule.methods or ())
            else "GET"
        )
        anonymous = app.test_client().open(url, method=method)
        assert anonymous.status_code in (302, 401), f"anonymous reached {url}"
        client = app.test_client()
        from tests.factories import create_user

        with app.app_context():
            resident = create_user(role=Role.RESIDENT)
        with client.session_transaction() as session:
            session["_user_id"] = str(resident.id)
        response = client.open(url, method=method)
        assert response.status_code == 403, f"a resident got {response.status_code} at {url}"


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    if not lint_imports.exists():
        pytest.fail("import-linter is not installed: pip install -e '.[dev]'")
    result = subprocess.run(  # noqa: S603 (our own tool)
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


if __name__ == "__main__":
    from participate import create_app
    from participate.config import Settings

    for line in route_lines(create_app(Settings(participate_env="testing"))):
        print(line)  # noqa: T201


# Ways to build an absolute URL from the request's Host header instead of BASE_URL.
HOST_FROM_REQUEST = re.compile(r"_external\s*=|\.host_url\b|\.url_root\b|request\.host\b")


def test_absolute_urls_come_only_from_base_url() -> None:
    """participate/urls.py is the one source of absolute URLs (password-reset poisoning)."""
    offenders = []
    files = [*(ROOT / "participate").rglob("*.py"), *(ROOT / "templates").rglob("*.*")]
    for path in files:
        if path == ROOT / "participate" / "urls.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HOST_FROM_REQUEST.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "use participate.urls.external_url:\n" + "\n".join(offenders)


def _python_files() -> list[Path]:
    return sorted((ROOT / "participate").rglob("*.py"))


def test_the_language_prefix_is_written_once() -> None:
    """Blueprints use participate.i18n.urls.LANG_PREFIX; a hand-written copy would drift
    when a language is added (or lose the `any(...)` that keeps /favicon.ico out)."""
    own = ROOT / "participate" / "i18n" / "urls.py"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _python_files()
        if path != own
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"<any\(|<lang_code>|:lang_code>", line)
    ]
    assert not offenders, "use LANG_PREFIX:\n" + "\n".join(offenders)
