"""The RSS/Atom connector against loopback servers: formats, presets, encodings, hostile feeds."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.rss import RssConnector
from monitor.config import InstitutionSettings
from monitor.errors import ConfigError, FatalFetchError, RetriableFetchError
from monitor.feedserver import FeedServer
from monitor.matching import canonical_url, fingerprint
from monitor.models import FetchResult

from .conftest import CURIO, FEEDS, kept


def connector(options: dict[str, Any], inst: InstitutionSettings = CURIO) -> RssConnector:
    conn = RssConnector.from_config("test", options, inst)
    conn.sleep = lambda _s: None
    return conn


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    routes = {"/rss/search": "google-news.xml", "/feeds/videos.xml": "youtube.xml"}
    with FeedServer(FEEDS, routes) as server:
        yield server


def fetch_file(server: FeedServer, name: str, **options: Any) -> FetchResult:
    """What collecting the feed keeps: the connector's records, matched by the pipeline."""
    conn = connector({"url": server.url(name), **options})
    return kept(conn, conn.fetch(None))


# ----------------------------------------------------------------------------- formats


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        ("rss20.xml", ["Curio sluit mbo-locatie in Roosendaal na inspectierapport",
                       "Studenten ROC West-Brabant winnen Skills Heroes"]),
        ("rss091.xml", ["Open dag bij Curio mbo trekt 3000 bezoekers"]),
        ("rss10.rdf", ["Stagetekort raakt ook studenten van Curio"]),
        ("atom.xml", ["Klacht: roosters bij Curio weer te laat"]),
    ],
)
def test_formats_keep_only_items_that_mention_us(feeds: FeedServer, name: str,
                                                 titles: list[str]) -> None:
    result = fetch_file(feeds, name)
    assert [m.title for m in result.mentions] == titles
    assert result.http_status == 200
    assert result.warnings == ()
    for m in result.mentions:
        assert m.source == "rss"
        assert m.published_at.tzinfo is not None
        assert m.extra["matched_alias"]


def test_rss20_fields_and_clean_text(feeds: FeedServer) -> None:
    first = fetch_file(feeds, "rss20.xml").mentions[0]
    assert first.external_id == "rn-2026-11-25-001"
    assert first.author == "Redactie Onderwijs"
    assert first.lang == "nl"
    assert first.published_at.isoformat() == "2026-11-25T05:45:00+00:00"
    assert first.text == 'De onderwijsinstelling Curio sluit de locatie aan de Bovendonk. ' \
                         'Studenten & ouders zijn "boos".'
    assert "<" not in first.text and "alert" not in first.text and "color" not in first.text
    assert canonical_url(first.url) == \
        "https://regionieuws.example.nl/onderwijs/curio-sluit-locatie"


def test_require_match_false_keeps_everything(feeds: FeedServer) -> None:
    assert len(fetch_file(feeds, "rss20.xml", require_match=False).mentions) == 4


def test_empty_channel(feeds: FeedServer) -> None:
    result = fetch_file(feeds, "empty-channel.xml")
    assert result.mentions == () and result.warnings == ()


def test_empty_body(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", content_type="application/xml")
    result = connector({"url": httpserver.url_for("/feed")}).fetch(None)
    assert result.mentions == ()
    assert "empty" in result.warnings[0]


def test_html_instead_of_a_feed(feeds: FeedServer) -> None:
    with pytest.raises(RetriableFetchError, match=r"not a feed \(got HTML\)"):
        fetch_file(feeds, "not-a-feed.html")


# ----------------------------------------------------------------------------- conditional GET


def test_conditional_get_304(feeds: FeedServer) -> None:
    conn = connector({"url": feeds.url("rss20.xml")})
    first = conn.fetch(None)
    assert set(first.new_cursor or {}) == {"etag", "last_modified"}
    second = conn.fetch(first.new_cursor)
    assert second.not_modified and second.http_status == 304
    assert second.mentions == ()
    assert second.new_cursor == first.new_cursor


def test_validators_are_sent(httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/feed", headers={"If-None-Match": '"v1"', "If-Modified-Since": "Mon, 23 Nov 2026"}
    ).respond_with_data("", status=304)
    cursor = {"etag": '"v1"', "last_modified": "Mon, 23 Nov 2026"}
    result = connector({"url": httpserver.url_for("/feed")}).fetch(cursor)
    assert result.not_modified and result.new_cursor == cursor


# ----------------------------------------------------------------------------- presets


def test_google_news_preset(feeds: FeedServer, httpserver: HTTPServer) -> None:
    httpserver.expect_request(
        "/rss/search",
        query_string={"q": "Curio mbo", "hl": "nl", "gl": "NL", "ceid": "NL:nl"},
    ).respond_with_data((FEEDS / "google-news.xml").read_bytes(),
                        content_type="application/rss+xml")
    conn = connector({"preset": "google_news", "query": "Curio mbo",
                      "base_url": httpserver.url_for("/")})
    mentions = conn.fetch(None).mentions
    assert [m.extra["outlet"] for m in mentions] == ["BN DeStem", "Omroep Zuid",
                                                     "Omroep West-Brabant"]
    decoded, opaque, _ = mentions
    assert decoded.external_id == "https://bndestem.example/breda/curio-opent-campus~a1b2c3/"
    assert decoded.title == "Curio opent nieuwe campus in Breda"
    assert opaque.external_id.startswith("gnews:")
    assert opaque.url.startswith("https://news.google.com/rss/articles/AU_yqL")
    again = conn.fetch(None).mentions
    assert [m.external_id for m in again] == [m.external_id for m in mentions]


def test_google_news_is_not_filtered(feeds: FeedServer, curio: InstitutionSettings) -> None:
    other = InstitutionSettings(name="Avans")
    conn = connector({"preset": "google_news", "query": "x", "base_url": feeds.base_url}, other)
    assert len(conn.fetch(None).mentions) == 3


def test_google_alerts_unwraps_redirect_links(feeds: FeedServer) -> None:
    conn = connector({"preset": "google_alerts", "url": feeds.url("google-alerts.xml")})
    (mention,) = conn.fetch(None).mentions
    assert mention.url == "https://vacatures.example.nl/curio-docent-techniek?utm_source=alerts"
    assert mention.title == "Curio zoekt docenten techniek"


def test_youtube_preset(feeds: FeedServer, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feeds/videos.xml", query_string={"channel_id": "UCdemo"}) \
        .respond_with_data((FEEDS / "youtube.xml").read_bytes(), content_type="application/xml")
    conn = connector({"preset": "youtube", "channel_id": "UCdemo",
                      "base_url": httpserver.url_for("/")})
    (video,) = kept(conn, conn.fetch(None)).mentions
    assert video.source == "youtube"
    assert video.external_id == "yt:video:dQw4w9WgXcA"
    assert video.url == "https://www.youtube.com/watch?v=dQw4w9WgXcA"
    assert video.author == "Lisa vlogt"
    assert "#curio" in video.text


# ----------------------------------------------------------------------------- encodings

TEMPLATE = """<?xml version="1.0" encoding="{decl}"?>
<rss version="2.0"><channel><title>Café</title><link>https://x.example/</link>
<description>d</description>
<item><title>Curio mbo: “Financiën” op orde, zegt directeur Zoë – €5 miljoen</title>
<link>https://x.example/1</link><guid>enc-1</guid>
<description>Over de begroting van Curio in Breda.</description></item>
</channel></rss>
"""
TITLE = "Curio mbo: “Financiën” op orde, zegt directeur Zoë – €5 miljoen"


def _serve(httpserver: HTTPServer, body: bytes, content_type: str) -> RssConnector:
    httpserver.expect_request("/feed").respond_with_data(body, content_type=content_type)
    return connector({"url": httpserver.url_for("/feed")})


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (TEMPLATE.format(decl="windows-1252").encode("cp1252"), "application/rss+xml"),
        (TEMPLATE.format(decl="ISO-8859-1").encode("cp1252"), "text/xml; charset=iso-8859-1"),
        (TEMPLATE.format(decl="utf-16").encode("utf-16"), "application/xml"),  # with BOM
        (TEMPLATE.format(decl="UTF-16").encode("utf-16-be"), "application/xml"),  # no BOM
        (TEMPLATE.format(decl="utf-16").encode("utf-16-le"), "application/xml"),  # no BOM
        (b"\xef\xbb\xbf" + TEMPLATE.format(decl="utf-8").encode(), "application/xml"),
        # wrong charset headers, both ways
        (TEMPLATE.format(decl="utf-8").encode("utf-8"), "text/xml; charset=iso-8859-1"),
        (TEMPLATE.format(decl="windows-1252").encode("cp1252"), "text/xml; charset=utf-8"),
        (TEMPLATE.replace(' encoding="{decl}"', "").encode("cp1252"), "text/xml; charset=utf-8"),
    ],
    ids=["cp1252", "latin1-decl", "utf16-bom", "utf16be", "utf16le", "utf8-bom",
         "utf8-said-latin1", "cp1252-said-utf8", "cp1252-undeclared"],
)
def test_encodings(httpserver: HTTPServer, body: bytes, content_type: str) -> None:
    result = _serve(httpserver, body, content_type).fetch(None)
    (mention,) = result.mentions
    assert mention.title == TITLE


def test_invalid_utf8_bytes_are_replaced(httpserver: HTTPServer) -> None:
    body = TEMPLATE.format(decl="utf-8").encode().replace(b"directeur", b"direct\xff\xfeur")
    result = _serve(httpserver, body, "application/xml").fetch(None)
    (mention,) = result.mentions
    assert "Financiën" in mention.title and "\ufffd" in mention.title
    assert any("invalid UTF-8" in w for w in result.warnings)


def test_nul_bytes_are_removed(httpserver: HTTPServer) -> None:
    body = TEMPLATE.format(decl="utf-8").encode().replace(b"begroting", b"begr\x00oting\x00")
    result = _serve(httpserver, body, "application/xml").fetch(None)
    (mention,) = result.mentions
    assert mention.text == "Over de begroting van Curio in Breda."
    assert any("NUL" in w for w in result.warnings)


def test_undefined_entities_keep_what_parses(feeds: FeedServer) -> None:
    result = fetch_file(feeds, "undefined-entities.xml")
    (mention,) = result.mentions
    assert mention.title == "Café-avond bij Curio mbo Breda © 2026"
    assert mention.external_id == "oudcms-1"
    assert any("not well-formed" in w for w in result.warnings)


def test_truncated_feed_keeps_complete_items(feeds: FeedServer) -> None:
    result = fetch_file(feeds, "truncated.xml")
    assert result.mentions[0].title == "Curio mbo opent techniekhal"
    assert result.warnings


# ----------------------------------------------------------------------------- hostile feeds


@pytest.mark.parametrize("name", ["billion-laughs.xml", "xxe.xml"])
def test_entity_declarations_are_refused(feeds: FeedServer, name: str) -> None:
    started = time.monotonic()
    with pytest.raises(FatalFetchError, match="declares XML entities"):
        fetch_file(feeds, name)
    assert time.monotonic() - started < 2


def test_50_mb_feed_is_refused_by_the_cap(httpserver: HTTPServer) -> None:
    item = b"<item><title>Curio mbo</title><link>https://x.example/</link></item>\n"
    sent = itertools.count()

    def huge(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            chunk = item * 1000
            for _ in range(50 * 1024 * 1024 // len(chunk)):
                next(sent)
                yield chunk
        return Response(body(), mimetype="application/rss+xml")  # streamed, no length

    httpserver.expect_request("/huge").respond_with_handler(huge)
    with pytest.raises(FatalFetchError, match="10 MB cap"):
        connector({"url": httpserver.url_for("/huge")}).fetch(None)
    assert next(sent) * len(item) * 1000 < 20 * 1024 * 1024  # stopped early


def test_guids_that_change_every_fetch_keep_the_fingerprint(httpserver: HTTPServer) -> None:
    counter = itertools.count()

    def changing(request: Request) -> Response:
        n = next(counter)
        xml = TEMPLATE.format(decl="utf-8").replace("enc-1", f"random-{n}-{n * 7919}")
        return Response(xml.encode(), mimetype="application/rss+xml")

    httpserver.expect_request("/feed").respond_with_handler(changing)
    conn = connector({"url": httpserver.url_for("/feed")})
    a, b = conn.fetch(None).mentions[0], conn.fetch(None).mentions[0]
    assert a.external_id != b.external_id
    assert fingerprint(a.text) == fingerprint(b.text)
    assert fingerprint(f"{a.title} {a.text}") == fingerprint(f"{b.title} {b.text}")
    assert canonical_url(a.url) == canonical_url(b.url)


def test_server_error_is_retriable_with_context(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("oops", status=503)
    with pytest.raises(RetriableFetchError) as info:
        connector({"url": httpserver.url_for("/feed")}).fetch(None)
    assert str(info.value).startswith(f"rss:test: GET {httpserver.url_for('/feed')} -> 503")


def test_gone_feed_is_fatal(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("gone", status=404)
    with pytest.raises(FatalFetchError, match="404"):
        connector({"url": httpserver.url_for("/feed")}).fetch(None)


# ----------------------------------------------------------------------------- config


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "connectors.test.options.url: required"),
        ({"url": "ftp://x"}, "connectors.test.options.url: expected an http"),
        ({"preset": "bing"}, "connectors.test.options.preset: unknown preset 'bing'"),
        ({"preset": "google_news"}, "connectors.test.options.query: required"),
        ({"preset": "youtube"}, "connectors.test.options.channel_id: required"),
        ({"url": "http://x", "colour": "red"}, "connectors.test.options.colour: unknown key"),
        ({"url": "http://x", "max_items": 0}, "connectors.test.options.max_items: must be"),
    ],
)
def test_config_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        RssConnector.from_config("test", options, CURIO)
    assert str(info.value).startswith(message)
    assert "\n" not in str(info.value)


def test_require_match_needs_something_to_match() -> None:
    empty = InstitutionSettings(name=" ")
    with pytest.raises(ConfigError, match="require_match"):
        RssConnector.from_config("test", {"url": "http://x"}, empty)


def test_feed_files_are_not_committed_huge() -> None:
    assert all(p.stat().st_size < 100_000 for p in Path(FEEDS).iterdir())
