"""A web worker starts lean (issue #11: under 200 MB RSS after the whole benchmark).

`gunicorn wsgi:app` imports wsgi.py, which builds the app. This imports it the same way in a
fresh interpreter, in production mode, and checks that libraries only one route or a
command needs are not loaded, and that the resident set after `create_app()` stays well
under the budget. Measured on the benchmark's machine (Python 3.11, PostgreSQL driver):
195 MB with pandas, pysaml2 and Alembic loaded, 127 MB without them; the bound leaves room
for another library, not for pandas or pysaml2 again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from scripts.bench import app_environment

ROOT = Path(__file__).resolve().parents[1]

# Loaded at start-up only by what needs them: nothing on the web worker's way.
NOT_LOADED = (
    "pandas",  # Folium's optional DataFrame support (participate/folium_import.py)
    "saml2",  # strong identification's routes only (participate/identification/saml.py)
    "xmlschema",  # pysaml2's
    "alembic",  # `flask db` only (participate/lazy_migrate.py)
    "mako",  # Alembic's
)
RSS_LIMIT_MB = 155

PROBE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import wsgi  # as gunicorn does
rss = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmRSS:"))
print(json.dumps({"modules": sorted(sys.modules), "rss_kb": rss}))
"""


def _start_worker(database_url: str) -> dict[str, object]:
    env = app_environment(database_url)  # production settings, as the benchmark's workers
    result = subprocess.run(  # noqa: S603  (our own interpreter and script)
        [sys.executable, "-c", PROBE, str(ROOT)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_web_worker_loads_no_library_it_does_not_use(settings):
    started = _start_worker(settings.database_url)
    modules = set(started["modules"])  # type: ignore[arg-type]
    assert "folium" in modules  # the maps are built in the worker, without pandas
    assert [name for name in NOT_LOADED if name in modules] == []
    if sys.platform == "linux":
        assert int(started["rss_kb"]) / 1024 < RSS_LIMIT_MB  # type: ignore[call-overload]
