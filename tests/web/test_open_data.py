"""The /<lang>/open-data page explains the API, feeds, calendars and downloads."""

from __future__ import annotations

import pytest

from tests import pages


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_open_data_page_links_the_api_the_feeds_and_the_export(client, lang):
    soup = pages.get(client, f"/{lang}/open-data")
    hrefs = {a["href"] for a in soup.select("main a[href]")}
    assert "http://participate.test/api/v1/openapi.json" in hrefs
    for feed_lang in ("fi", "sv", "en"):
        assert f"http://participate.test/{feed_lang}/initiatives/feed.atom" in hrefs
    assert f"http://participate.test/{lang}/initiatives/export.csv" in hrefs
    example = soup.select_one("pre code").get_text()
    assert "http://participate.test/api/v1/activities?district=suur-tapiola" in example
    # The example works as written.
    path = example.split("'")[1].removeprefix("http://participate.test")
    assert client.get(path).status_code == 200


def test_every_page_links_to_open_data(client):
    soup = pages.get(client, "/sv/")
    assert soup.select_one("footer a[href='/sv/open-data']")
