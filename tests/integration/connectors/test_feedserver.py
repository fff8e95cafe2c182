"""The loopback feed server used by the demo, the benchmarks and these tests."""

from __future__ import annotations

import httpx
import pytest

from monitor.feedserver import FeedServer

from .conftest import FEEDS


def test_serves_files_with_validators_and_304() -> None:
    with FeedServer(FEEDS) as server:
        first = httpx.get(server.url("rss20.xml"))
        assert first.status_code == 200
        assert first.content == (FEEDS / "rss20.xml").read_bytes()
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert httpx.get(server.url("rss20.xml"), headers={"If-None-Match": etag}).status_code \
            == 304
        assert httpx.get(server.url("rss20.xml"),
                         headers={"If-Modified-Since": modified}).status_code == 304
        assert httpx.get(server.url("rss20.xml"),
                         headers={"If-None-Match": '"other"'}).status_code == 200
        assert server.hits[0] == "/rss20.xml"


def test_routes_map_preset_paths_to_files() -> None:
    with FeedServer(FEEDS, {"/rss/search": "google-news.xml"}) as server:
        resp = httpx.get(server.base_url + "/rss/search?q=Curio&hl=nl")
        assert resp.status_code == 200
        assert b"Google Nieuws" in resp.content


@pytest.mark.parametrize("path", ["/../conftest.py", "/%2e%2e/conftest.py", "/nope.xml", "/"])
def test_refuses_paths_outside_the_directory(path: str) -> None:
    with FeedServer(FEEDS) as server:
        assert httpx.get(server.base_url + path).status_code == 404


def test_missing_directory() -> None:
    with pytest.raises(FileNotFoundError):
        FeedServer(FEEDS / "nope")
