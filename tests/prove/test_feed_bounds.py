"""Quadratic XML (issue 18.3): a feed past the work bounds is refused before feedparser parses it.

One element with many attributes cost 0.9 s at 5k attributes, 16 s at 20k and 404 s at 100k
inside feedparser, and 10 MB of ``<a/>`` took 65 s: one hostile feed held the daemon and the
instance lock for minutes. ``connectors.feedsafe.check_bounds`` is a linear scan that refuses
such a feed with an error naming it; honest feeds are far inside the bounds.
"""

from __future__ import annotations

import pytest
from pytest_httpserver import HTTPServer

from connectors.feedsafe import MAX_ATTRIBUTES, MAX_TAGS, check_bounds
from connectors.http import HttpPolicy
from connectors.rss import RssConnector
from monitor.config import InstitutionSettings
from monitor.errors import FatalFetchError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser's own
INSTITUTION = InstitutionSettings(name="Curio", aliases=(), hashtags=(), ambiguous_aliases=())
HEAD = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'


def item(k: int, attrs: str = "") -> str:
    return (f"<item{attrs}><title>Curio nieuws {k}</title><link>https://n.example/{k}?a=1&amp;b=2"
            f"</link><guid isPermaLink=\"false\">g{k}</guid><pubDate>Mon, 23 Nov 2026 10:00:00 "
            f"+0000</pubDate><description><![CDATA[<p>Curio <a href=\"https://x.example/?q=1\">"
            f"link</a><br><img src=\"a.png\" alt=\"\" width=\"1\" height=\"1\"></p>]]>"
            f"</description><media:content url=\"https://n.example/{k}.jpg\" medium=\"image\" "
            f"width=\"600\" height=\"400\" type=\"image/jpeg\"/></item>")


def feed(*items: str, root_attrs: str = "") -> bytes:
    return (HEAD.replace('version="2.0"', f'version="2.0"{root_attrs}') + "".join(items)
            + "</channel></rss>").encode()


def fetch(httpserver: HTTPServer, body: bytes) -> object:
    httpserver.expect_request("/feed").respond_with_data(body, content_type="application/rss+xml")
    conn = RssConnector.from_config("hostile", {"url": httpserver.url_for("/feed"),
                                                "require_match": False}, INSTITUTION)
    conn.policy = HttpPolicy(retries=0)
    return conn.fetch(None)


def test_an_element_with_20k_attributes_is_refused(httpserver: HTTPServer) -> None:
    attrs = "".join(f' a{i}="v"' for i in range(20_000))  # 16 s in feedparser before
    with pytest.raises(FatalFetchError, match=r"rss:hostile: GET .*: an element at character \d+ "
                                              r"has more than 100 attributes; refused"):
        fetch(httpserver, feed(item(1, attrs)))


def test_300k_empty_tags_are_refused(httpserver: HTTPServer) -> None:
    body = feed(item(1), "<a/>" * 300_000)  # ~8 s in feedparser before; 10 MB of them: 65 s
    with pytest.raises(FatalFetchError, match=r"rss:hostile: GET .*: feed has \d+ tags \(at most "
                                              r"200000\); refused"):
        fetch(httpserver, body)


def test_an_honest_feed_with_namespaces_and_html_parses(httpserver: HTTPServer) -> None:
    namespaces = "".join(f' xmlns:ns{i}="https://ns{i}.example/"' for i in range(30))
    result = fetch(httpserver, feed(*(item(k) for k in range(200)), root_attrs=namespaces))
    assert len(result.mentions) == 200  # type: ignore[attr-defined]


def test_the_biggest_allowed_feed_is_inside_the_bounds() -> None:
    """``max_items`` is at most 5000: such a feed with rich items stays under every bound."""
    text = feed(*(item(k) for k in range(5000))).decode()
    check_bounds(text, "big")
    assert text.count("<") - text.count("</") < MAX_TAGS / 2  # a margin of two
    check_bounds("<item" + "".join(f' a{i}="v"' for i in range(MAX_ATTRIBUTES)) + "/>", "edge")
