"""Fuzz a running server over HTTP: hostile values in every route, forged Host headers.

    .venv/bin/python scripts/probe_http.py --base http://127.0.0.1:8000 --requests 5000

Walks the app's URL map (built here from the code, without a database), fills every path
variable and a few query parameters with hostile values (NUL and control characters,
invalid UTF-8, numbers past 64 bits, negative ids, very long text, markup, path
traversal), sends GET and HEAD to every route and POST with hostile form fields to those that
take it, and a share of the requests with a forged `Host`, `X-Forwarded-Host` or
`X-Forwarded-Proto`. It reports every response with status ≥ 500 and every response whose
headers or body name the forged host, and exits 1 if there is any.

The server should run as in production (gunicorn, PostgreSQL, PARTICIPATE_ENV=production with
BASE_URL, so TRUSTED_HOSTS is on); with rate limits on, many POSTs answer 429, which is fine
but probes less. Only the given base URL is contacted (it must be a loopback address): the
number of requests and the time are bounded. Not part of the test suite: the Hypothesis tests
in tests/web/test_hostile_input.py do the same through the test client.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import random
import socket
import sys
import time
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

FOREIGN_HOST = "evil.example"

# Percent-encoded, so they reach the app as they are; bytes that are not UTF-8 on purpose.
HOSTILE_TEXT = [
    "%00",
    "a%00b",
    "%01%02%1f%7f",
    "%ff%fe",
    "%ed%a0%80",  # a UTF-16 surrogate in UTF-8: invalid
    "%c0%af",  # overlong "/"
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%22%27%3E%3Csvg%20onload%3Dalert(1)%3E",
    "%27%20OR%201%3D1--",
    "%24%7B7*7%7D",
    "%7B%7B7*7%7D%7D",
    "%F0%9F%92%A9",
    "%C3%84%C3%A4%C3%85%C3%A5%C3%96%C3%B6",
    "x" * 5000,
    "%20",
    "",
    "-",
    "null",
    "NaN",
    "1e309",
    "%E2%80%AE",  # right-to-left override
]
HOSTILE_NUMBERS = [
    "0",
    "-1",
    "1",
    "2147483647",
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "1" * 400,
    "00000000000000000001",
    "1.5",
    "0x10",
    "%00",
]
QUERY_NAMES = [
    "page",
    "q",
    "district",
    "party",
    "theme",
    "status",
    "sort",
    "from",
    "to",
    "date",
    "lang",
    "format",
    "next",
    "limit",
    "per_page",
    "cursor",
    "lat",
    "lon",
    "postal_code",
    "kind",
    "token",
    "since",
]
FORM_NAMES = [
    "email",
    "password",
    "name",
    "title",
    "summary",
    "body",
    "text",
    "reason",
    "district",
    "people",
    "lat",
    "lon",
    "csrf_token",
    "next",
    "confirm",
    "starts_at",
    "capacity",
]


@dataclass(frozen=True)
class Route:
    rule: str
    methods: frozenset[str]
    arguments: dict[str, str]  # variable name -> converter name
    any_values: dict[str, tuple[str, ...]]  # variable name -> the values of any(…)


def routes() -> list[Route]:
    """Every rule of the app, read from the code (the app is built on an empty SQLite)."""
    from participate import create_app
    from participate.config import Settings

    app = create_app(Settings(participate_env="testing", database_url="sqlite://"))
    found = []
    for rule in app.url_map.iter_rules():
        converters = {}
        any_values = {}
        for name, converter in rule._converters.items():
            kind = type(converter).__name__
            converters[name] = kind
            if kind == "AnyConverter":
                any_values[name] = tuple(sorted(converter.items))  # type: ignore[attr-defined]
        found.append(Route(rule.rule, frozenset(rule.methods or ()), converters, any_values))
    return found


def fill(route: Route, rng: random.Random) -> str:
    """The rule with each variable replaced by a hostile (or, for any(…), an allowed) value."""
    path = route.rule
    for name, kind in route.arguments.items():
        if kind == "AnyConverter":
            value = rng.choice(route.any_values[name])
        elif "Int" in kind:
            value = rng.choice([*HOSTILE_NUMBERS, "1", "2", "3"])
        else:
            value = rng.choice([*HOSTILE_TEXT, "suur-tapiola", "1", "kirjasto"])
        start = path.index("<")
        end = path.index(">", start)
        path = path[:start] + value + path[end + 1 :]
    return path


def query(rng: random.Random) -> str:
    if rng.random() < 0.3:
        return ""
    pairs = []
    for _ in range(rng.randint(1, 3)):
        value = rng.choice(HOSTILE_TEXT + HOSTILE_NUMBERS)
        pairs.append(f"{rng.choice(QUERY_NAMES)}={value}")
    return "?" + "&".join(pairs)


def form(rng: random.Random) -> bytes:
    fields = {}
    for name in rng.sample(FORM_NAMES, rng.randint(1, 6)):
        fields[name] = rng.choice(
            [
                "\x00",
                "a\x00b",
                "\x01\x1f",
                "x" * 20000,
                "<script>alert(1)</script>",
                "-1",
                "99999999999999999999",
                "liisa@example.fi",
                "' OR 1=1--",
                "\u202e",
                "😀",
            ]
        )
    return urlencode(fields).encode("ascii")


def forged_headers(rng: random.Random, host: str) -> dict[str, str]:
    roll = rng.random()
    if roll < 0.15:
        return {"Host": FOREIGN_HOST}
    if roll < 0.25:
        return {"Host": host, "X-Forwarded-Host": FOREIGN_HOST, "X-Forwarded-Proto": "https"}
    if roll < 0.30:
        return {"Host": f"{FOREIGN_HOST}:80@{host}"}
    return {"Host": host}


@dataclass
class Finding:
    method: str
    path: str
    headers: dict[str, str]
    status: int
    reason: str


def probe(base: str, total: int, seconds: float, seed: int) -> tuple[Counter[int], list[Finding]]:
    parts = urlsplit(base)
    address = socket.gethostbyname(parts.hostname or "")
    if not ipaddress.ip_address(address).is_loopback:
        raise SystemExit(f"refusing to probe {address}: only loopback addresses")
    host = parts.netloc
    rng = random.Random(seed)
    candidates = [r for r in routes() if not r.rule.startswith("/static/")]
    statuses: Counter[int] = Counter()
    findings: list[Finding] = []
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    deadline = time.monotonic() + seconds
    for number in range(total):
        if time.monotonic() > deadline:
            break
        route = candidates[number % len(candidates)]
        methods = sorted(route.methods & {"GET", "HEAD", "POST"})
        if not methods:
            continue
        method = rng.choice(methods)
        path = quote(fill(route, rng), safe="/%:@!$&'()*+,;=-._~") + query(rng)
        headers = forged_headers(rng, host)
        body = None
        if method == "POST":
            body = form(rng)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        # A keep-alive connection that gunicorn closes as it recycles a worker
        # (GUNICORN_MAX_REQUESTS) fails the next request before the app sees it: try once
        # more on a new connection, and report only a request that fails twice.
        answer = None
        for attempt in range(2):
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                answer = response, response.read()
                break
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                if attempt == 1:
                    findings.append(Finding(method, path, headers, 0, f"no answer: {error!r}"))
        if answer is None:
            continue
        response, content = answer
        statuses[response.status] += 1
        if response.status >= 500:
            findings.append(Finding(method, path, headers, response.status, "server error"))
        leaked = [k for k, v in response.getheaders() if FOREIGN_HOST in v]
        if leaked or FOREIGN_HOST.encode() in content:
            where = f"headers {leaked}" if leaked else "body"
            findings.append(
                Finding(method, path, headers, response.status, f"foreign host in {where}")
            )
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.close()
    return statuses, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="the server (loopback)")
    parser.add_argument("--requests", type=int, default=3000, help="how many requests at most")
    parser.add_argument("--seconds", type=float, default=600, help="stop after this long")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    started = time.monotonic()
    statuses, findings = probe(args.base, args.requests, args.seconds, args.seed)
    sent = sum(statuses.values())
    elapsed = time.monotonic() - started
    print(f"{sent} requests in {elapsed:.0f} s to {args.base} (seed {args.seed})")
    print("statuses:", ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    for finding in findings[:50]:
        print(
            f"  {finding.status} {finding.method} {finding.path[:200]} {finding.headers} "
            f"- {finding.reason}"
        )
    print(f"{len(findings)} findings (status ≥ 500, no answer, or the forged host echoed)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
