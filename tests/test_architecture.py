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
# Routes that live outside the language prefix on purpose (docs/architecture.md, "Requests").
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
    """These URLs are promised to residents and clients; change tests/routes.txt only on purpose."""
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


# The shared text helpers (participate/text.py) and the one row lock (participate/locking.py):
# a second definition elsewhere is how the two `paragraphs` helpers drifted apart.
ONE_HOME = {
    "paragraphs": "participate/text.py",
    "format_body": "participate/text.py",
    "linkify": "participate/text.py",
    "excerpt": "participate/text.py",
    "language_name": "participate/text.py",
    "fallback_note": "participate/text.py",
    "lock_row": "participate/locking.py",
    "MultiCheckboxField": "participate/forms.py",
    "strip": "participate/forms.py",
}


def test_shared_helpers_are_defined_once() -> None:
    import ast

    offenders = []
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in names:
                home = ONE_HOME.get(name.removesuffix("_filter").lstrip("_"))
                if home and home != relative:
                    offenders.append(f"{relative}:{node.lineno} defines {name} ({home} has it)")
    assert not offenders, "\n".join(offenders)


def test_only_the_lock_helper_locks_single_rows() -> None:
    """`with_for_update` outside participate/locking.py only for queue claims that skip
    locked rows (the outbox sender, digests); everything else calls lock_row."""
    offenders = []
    for path in _python_files():
        if path == ROOT / "participate" / "locking.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "with_for_update" in line and "skip_locked=True" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "use participate.locking.lock_row:\n" + "\n".join(offenders)


def test_only_available_in_notes_come_from_the_text_module() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*_python_files(), *(ROOT / "templates").rglob("*.html")]
        if path != ROOT / "participate" / "text.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "Only available in" in line
    ]
    assert not offenders, "use the fallback_note filter:\n" + "\n".join(offenders)


# Notes for the people who build the project live outside the repository; a comment that
# points there means nothing to someone reading a clone.
OUTSIDE = re.compile(r"\b(design|style|pitfalls|glossary)\.md\b|\.\./shared\b")


def test_code_comments_point_only_inside_the_repository() -> None:
    files = [
        *_python_files(),
        *(ROOT / "tests").rglob("*.py"),
        *(ROOT / "scripts").rglob("*.py"),
        *(ROOT / "templates").rglob("*.*"),
    ]
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in files
        if path.suffix in {".py", ".html", ".txt", ".xml"} and path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line)
    ]
    assert not offenders, "\n".join(offenders)


# Where a transaction may end: the form-handling mechanism for every request, and commands
# (CLI, seeding, the mail sender's loop) that own their transactions (docs/architecture.md).
TRANSACTION_OWNERS = {"participate/forms.py", "participate/mail/sender.py"}
TRANSACTION_OWNER_DIRS = ("participate/seeding/",)


def _commits(path: Path) -> list[int]:
    """The lines of `<anything>.commit()` calls in a module (a session's or a connection's)."""
    import ast

    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
    ]


def test_requests_commit_only_through_the_form_handling_mechanism() -> None:
    """Views and admin pages call `participate.forms.handle_form`/`handle_action` instead of
    committing by hand; only commands may end a transaction themselves."""
    offenders = []
    for path in sorted((ROOT / "participate").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name in TRANSACTION_OWNERS or name.startswith(TRANSACTION_OWNER_DIRS):
            continue
        if path.name == "cli.py":
            continue
        offenders.extend(f"{name}:{line}: commit()" for line in _commits(path))
    assert not offenders, "use participate.forms.handle_form:\n" + "\n".join(offenders)


def test_the_commit_scan_sees_a_hand_written_commit(tmp_path: Path) -> None:
    view = tmp_path / "views.py"
    view.write_text("def save():\n    db.session.commit()\n    commit = 1\n", encoding="utf-8")
    assert _commits(view) == [2]


# A module over this many lines does several jobs; split it by job, or say at its top
# ("Size: ...") why it is one. The modules below say so; each has a ceiling, so that growing
# one further is a decision someone makes in this file.
MODULE_LINES = 400
LONGER_WITH_A_REASON = {
    "participate/activities/views.py": 600,
    "participate/api/openapi.py": 600,
    "participate/councillors/maps.py": 480,
    "participate/initiatives/views.py": 600,
    "participate/moderation/queries.py": 560,
    "participate/moderation/views.py": 600,
    "participate/seeding/activities.py": 700,
    "participate/seeding/bench.py": 500,
    "participate/seeding/initiatives.py": 700,
}


def test_modules_stay_small_or_say_why() -> None:
    problems = []
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        ceiling = LONGER_WITH_A_REASON.get(relative)
        if ceiling is None:
            if lines > MODULE_LINES:
                problems.append(f"{relative}: {lines} lines (split it, or list it with a reason)")
            continue
        if lines <= MODULE_LINES:
            problems.append(f"{relative}: {lines} lines now; remove it from the list")
        elif lines > ceiling:
            problems.append(f"{relative}: {lines} lines, over its ceiling of {ceiling}")
        docstring = text.split('"""')[1] if text.startswith('"""') else ""
        if "Size:" not in docstring:
            problems.append(f"{relative}: its docstring does not say why it is long (Size: …)")
    assert not problems, "\n".join(problems)


KIND_MODELS = ("participate.initiatives.models", "participate.activities.models")


def _class_checks_of_kind_models(path: Path) -> list[str]:
    """`isinstance(x, K)`, `issubclass(x, K)` and `type(x) is K` where K comes from a content
    kind's models module: the desk asks `item.lifecycle` instead (docs/architecture.md)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    kind_names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in KIND_MODELS
        for alias in node.names
    }
    modules = {
        alias.asname or alias.name.rsplit(".", 1)[-1]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if f"{getattr(node, 'module', None) or ''}.{alias.name}".strip(".") in KIND_MODELS
        or alias.name in KIND_MODELS
    }

    def is_kind(node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in kind_names
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            return node.value.id in modules
        if isinstance(node, ast.Tuple):
            return any(is_kind(element) for element in node.elts)
        return False

    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"isinstance", "issubclass"}
            and len(node.args) == 2
            and is_kind(node.args[1])
        ):
            found.append(f"{node.lineno}: {node.func.id}")
        if isinstance(node, ast.Compare) and any(
            isinstance(op, ast.Is | ast.IsNot | ast.Eq | ast.NotEq) for op in node.ops
        ):
            sides = [node.left, *node.comparators]
            calls_type = any(
                isinstance(side, ast.Call)
                and isinstance(side.func, ast.Name)
                and side.func.id == "type"
                for side in sides
            )
            if calls_type and any(is_kind(side) for side in sides):
                found.append(f"{node.lineno}: type() comparison")
    return found


def test_the_desk_never_checks_a_concrete_kind() -> None:
    """The generic desk and the moderation mechanism ask the kind through `item.lifecycle`
    (participate/workflow/lifecycle.py); they never branch on Initiative or Activity."""
    packages = [ROOT / "participate" / "moderation", ROOT / "participate" / "workflow"]
    offenders = [
        f"{path.relative_to(ROOT)}:{found}"
        for package in packages
        for path in sorted(package.rglob("*.py"))
        for found in _class_checks_of_kind_models(path)
    ]
    assert not offenders, "ask item.lifecycle instead:\n" + "\n".join(offenders)


def test_the_kind_check_scan_sees_class_checks(tmp_path: Path) -> None:
    module = tmp_path / "views.py"
    module.write_text(
        "from participate.initiatives.models import Initiative as I\n"
        "from participate.activities import models\n"
        "isinstance(item, I)\n"
        "isinstance(item, (str, models.Activity))\n"
        "type(item) is I\n"
        "isinstance(item, str)\n",
        encoding="utf-8",
    )
    assert _class_checks_of_kind_models(module) == [
        "3: isinstance",
        "4: isinstance",
        "5: type() comparison",
    ]


# Dates, times, durations and numbers are written by participate/i18n/formatting.py alone:
# the request's locale read once, Helsinki time, the patterns readers expect.
FLASK_BABEL_FORMATTER = re.compile(r"\bformat_(date|datetime|time|timedelta|number|decimal)\b")


def test_dates_and_numbers_are_formatted_by_the_formatting_module() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _python_files()
        if path != ROOT / "participate" / "i18n" / "formatting.py"
        and path.is_relative_to(ROOT / "participate")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "flask_babel" in line and FLASK_BABEL_FORMATTER.search(line)
    ]
    assert not offenders, "use participate.i18n.formatting:\n" + "\n".join(offenders)


# A list builds each row's link from one url_for (`url_per_id`, participate/urls.py): a
# url_for per row cost more than the rest of a short row (issue #11's desk profile).
ROW_URL_FOR = re.compile(r"url_for\([^)]*\b\w+_id=")


def test_lists_build_row_links_once() -> None:
    offenders = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        depth = 0
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            depth += len(re.findall(r"{%-?\s*for\b", line))
            if depth and ROW_URL_FOR.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
            depth -= len(re.findall(r"{%-?\s*endfor\b", line))
    assert not offenders, "build the row links with url_per_id:\n" + "\n".join(offenders)
