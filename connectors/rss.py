"""RSS 0.9x/1.0/2.0 and Atom feeds, with presets for Google News, Google Alerts and YouTube.

Options (``[[connectors]] kind = "rss"``)::

    url = "https://www.omroepbrabant.nl/rss"       # a plain feed, or:
    preset = "google_news"   query = "Curio mbo"   # https://news.google.com/rss/search?q=...
    preset = "google_alerts" url = "https://www.google.com/alerts/feeds/..."
    preset = "youtube"       channel_id = "UC..."  # source "youtube"
    base_url = "http://127.0.0.1:8000"             # presets only: another host (tests, demo)
    require_match = true     # keep only items that mention the institution
                             # (default: true, except for the search presets)
    max_items = 200          timeout = 20   max_mb = 10   retries = 2

The feed is fetched with :mod:`connectors.http` (feedparser's own fetching has no timeout),
made safe by :mod:`connectors.feedsafe`, then parsed from memory. The cursor holds ``etag``
and ``last_modified`` for a conditional GET: an unchanged feed costs one 304.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, Self
from urllib.parse import quote_plus

import feedparser

from connectors.base import HTTP_OPTIONS, Http, HttpPolicy, Options
from connectors.feeditems import EntryContext, entry_to_mention
from connectors.feedsafe import prepare_feed
from connectors.htmltext import clean_text
from monitor.config import InstitutionSettings
from monitor.errors import ConfigError, RetriableFetchError
from monitor.matching import Matcher
from monitor.models import FetchResult, Mention

log = logging.getLogger(__name__)

PRESETS = ("google_news", "google_alerts", "youtube")
_SEARCH_PRESETS = frozenset({"google_news", "google_alerts"})
_DEFAULT_BASE = {
    "google_news": "https://news.google.com",
    "youtube": "https://www.youtube.com",
}
_OPTIONS = {"url", "preset", "query", "channel_id", "base_url", "require_match", "max_items",
            "language", "country", *HTTP_OPTIONS}


@dataclass(frozen=True, slots=True)
class FeedSpec:
    url: str
    source: str  # Mention.source: "rss" or "youtube"
    preset: str | None
    require_match: bool
    max_items: int


def _spec_from_options(opts: Options) -> FeedSpec:
    preset = opts.text("preset") or None
    if preset is not None and preset not in PRESETS:
        raise ConfigError(f"{opts.key('preset')}: unknown preset {preset!r} "
                          f"(known: {', '.join(PRESETS)})")
    base = opts.url("base_url", _DEFAULT_BASE.get(preset or "", "")).rstrip("/")
    if preset == "google_news":
        query = opts.required("query", " for preset 'google_news'")
        lang, country = opts.text("language", "nl"), opts.text("country", "NL")
        url = (f"{base}/rss/search?q={quote_plus(query)}"
               f"&hl={lang}&gl={country}&ceid={country}:{lang}")
    elif preset == "youtube":
        channel = opts.required("channel_id", " for preset 'youtube'")
        url = f"{base}/feeds/videos.xml?channel_id={quote_plus(channel)}"
    else:
        url = opts.url("url")
        if not url:
            raise ConfigError(f"{opts.key('url')}: required (or set a preset)")
    return FeedSpec(
        url=url,
        source="youtube" if preset == "youtube" else "rss",
        preset=preset,
        require_match=opts.flag("require_match", preset not in _SEARCH_PRESETS),
        max_items=opts.integer("max_items", 200, minimum=1, maximum=5000),
    )


class RssConnector:
    """One RSS/Atom feed (or a preset) -> mentions. No state besides the cursor it returns."""

    kind: ClassVar[str] = "rss"

    def __init__(self, name: str, spec: FeedSpec, policy: HttpPolicy | None = None) -> None:
        self.name = name
        self.spec = spec
        self.require_match = spec.require_match  # the pipeline keeps only matching items
        self.policy = policy or HttpPolicy()
        self.context = f"{self.kind}:{name}"
        self.sleep: Callable[[float], None] = time.sleep  # tests replace it

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any],
                    institution: InstitutionSettings) -> Self:
        opts = Options(name, options, _OPTIONS)
        spec = _spec_from_options(opts)
        if spec.require_match and Matcher.from_institution(institution).empty:
            raise ConfigError(f"{opts.key('require_match')}: true, but the institution has no "
                              "name, aliases, handles or hashtags to match")
        return cls(name, spec, opts.http_policy())

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        cursor = dict(cursor or {})
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
                             "text/xml;q=0.8, */*;q=0.1"}
        if cursor.get("etag"):
            headers["If-None-Match"] = cursor["etag"]
        if cursor.get("last_modified"):
            headers["If-Modified-Since"] = cursor["last_modified"]
        with Http(self.context, self.policy, sleep=self.sleep) as http:
            resp = http.get(self.spec.url, headers=headers, accept=(200, 304))
        new_cursor = _validators(resp.headers, cursor if resp.status == 304 else {})
        if resp.status == 304:
            return FetchResult((), new_cursor, http_status=304, not_modified=True)
        if not resp.body.strip():
            return FetchResult((), new_cursor, http_status=resp.status,
                               warnings=("the feed was empty (0 bytes)",))
        mentions, warnings = self._parse(resp.body, resp.header("content-type"), resp.url)
        return FetchResult(tuple(mentions), new_cursor, http_status=resp.status,
                           warnings=tuple(warnings))

    def _parse(self, body: bytes, content_type: str | None,
               url: str) -> tuple[list[Mention], list[str]]:
        prepared = prepare_feed(body, content_type, f"{self.context}: GET {url}")
        parsed = feedparser.parse(
            io.BytesIO(prepared.data),  # a stream: feedparser would open() a bytes "filename"
            # no content-location: the loose parser would turn plain guids into URLs
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=True,
        )
        warnings = list(prepared.warnings)
        entries = parsed.get("entries", [])
        if not entries and not parsed.get("version"):
            if _looks_like_html(prepared.data):
                raise RetriableFetchError(f"{self.context}: GET {url}: not a feed (got HTML)")
            reason = parsed.get("bozo_exception") or "not recognised as RSS or Atom"
            raise RetriableFetchError(f"{self.context}: GET {url}: not a feed ({reason})")
        if parsed.get("bozo"):
            warnings.append(f"feed is not well-formed ({parsed.get('bozo_exception')}); "
                            f"kept the {len(entries)} items that parsed")
        if len(entries) > self.spec.max_items:
            warnings.append(f"feed has {len(entries)} items; kept the first "
                            f"{self.spec.max_items}")
        return self._mentions(parsed, entries[: self.spec.max_items], url), warnings

    def _mentions(self, parsed: Any, entries: list[Any], url: str) -> list[Mention]:
        feed = parsed.get("feed", {})
        ctx = EntryContext(
            source=self.spec.source,
            preset=self.spec.preset,
            feed_url=url,
            language=(feed.get("language") or "").split("-")[0].lower() or None,
            now=datetime.now(UTC),
        )
        outlet = clean_text(feed.get("title") or "")[:120]
        result = []
        for entry in entries:
            mention = entry_to_mention(entry, ctx)
            if mention is None:
                continue
            if outlet and "outlet" not in mention.extra:  # the feed's or channel's title
                mention = replace(mention, extra={**mention.extra, "outlet": outlet})
            result.append(mention)
        return result


def _validators(headers: Mapping[str, str], old: Mapping[str, str]) -> dict[str, str]:
    """The cursor after a response: new ETag/Last-Modified, else the ones we sent."""
    cursor: dict[str, str] = {}
    etag = headers.get("etag") or old.get("etag")
    modified = headers.get("last-modified") or old.get("last_modified")
    if etag:
        cursor["etag"] = etag
    if modified:
        cursor["last_modified"] = modified
    return cursor


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lower()
    return b"<html" in head or b"<!doctype html" in head
