"""Resident text to HTML: escaped, linked, paragraphs kept."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from participate.text import excerpt, format_body


def test_paragraphs_and_line_breaks():
    html = str(format_body("First line\nsecond line\n\n\nNew paragraph"))
    assert html == "<p>First line<br>\nsecond line</p>\n<p>New paragraph</p>"


def test_windows_line_endings():
    assert str(format_body("a\r\n\r\nb")) == "<p>a</p>\n<p>b</p>"


def test_links_get_rel_and_trailing_punctuation_stays_outside():
    html = str(format_body("See https://www.espoo.fi/fi/liikenne. And (http://example.fi/a)."))
    assert (
        '<a href="https://www.espoo.fi/fi/liikenne" rel="nofollow ugc noopener">'
        "https://www.espoo.fi/fi/liikenne</a>." in html
    )
    assert (
        '<a href="http://example.fi/a" rel="nofollow ugc noopener">http://example.fi/a</a>).'
        in html
    )


def test_balanced_parentheses_stay_in_the_link():
    html = str(format_body("https://fi.wikipedia.org/wiki/Espoo_(kaupunki)"))
    assert 'href="https://fi.wikipedia.org/wiki/Espoo_(kaupunki)"' in html


def test_query_strings_are_escaped_once():
    html = str(format_body("https://example.fi/?a=1&b=2"))
    assert 'href="https://example.fi/?a=1&amp;b=2"' in html
    assert ">https://example.fi/?a=1&amp;b=2</a>" in html


@pytest.mark.parametrize(
    "evil",
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        'https://example.fi/"><script>alert(1)</script>',
        "javascript:alert(1)",
        "<b>bold</b>",
    ],
)
def test_no_markup_gets_through(evil):
    soup = BeautifulSoup(str(format_body(evil)), "html.parser")
    assert {tag.name for tag in soup.find_all(True)} <= {"p", "br", "a"}
    for link in soup.find_all("a"):
        assert link["href"].startswith(("http://", "https://"))
        assert set(link.attrs) == {"href", "rel"}
    assert evil.replace("\n", " ") in soup.get_text()  # shown as the text it is


def test_only_http_and_https_become_links():
    html = str(format_body("ftp://example.fi and mailto:a@example.fi"))
    assert "<a " not in html


def test_empty_text():
    assert str(format_body("   \n ")) == ""


def test_excerpt_cuts_at_a_word():
    text = "sana " * 100
    short = excerpt(text, 22)
    assert short.endswith("…")
    assert len(short) <= 23
    assert excerpt("lyhyt  teksti") == "lyhyt teksti"
