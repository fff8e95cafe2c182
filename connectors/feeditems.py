"""One parsed feed entry -> one :class:`Mention` (ids, links, dates, text).

``external_id`` is the entry's guid/id; else the canonical URL; else a content hash. Google
News links are opaque redirects: when the article URL cannot be decoded from the link, the id is
a hash of the normalised title and outlet, so the same story keeps the same id.
"""

from __future__ import annotations

import base64
import binascii
import calendar
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from connectors.htmltext import clean_text, html_to_text
from monitor.matching import canonical_url, fingerprint, normalise_for_fingerprint
from monitor.models import Mention

__all__ = ["EntryContext", "decode_google_news_link", "entry_to_mention", "unwrap_redirect"]

_MAX_ID = 300
_URL_IN_BYTES = re.compile(rb"https?://[\x21-\x7e]+")


@dataclass(frozen=True, slots=True)
class EntryContext:
    source: str
    preset: str | None
    feed_url: str
    language: str | None
    now: datetime


def decode_google_news_link(link: str) -> str | None:
    """The article URL inside an old-style ``news.google.com/rss/articles/CBMi...`` link."""
    parts = urlsplit(link)
    if not parts.netloc.endswith("news.google.com"):
        return None
    token = parts.path.rstrip("/").rsplit("/", 1)[-1]
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    found = _URL_IN_BYTES.search(raw)
    if not found:
        return None
    try:
        return found.group(0).decode("ascii")
    except UnicodeDecodeError:  # pragma: no cover - the pattern is ASCII
        return None


def _scheme(link: str) -> str:
    try:
        return urlsplit(link).scheme
    except ValueError:  # e.g. "http://[" (invalid IPv6)
        return link.partition(":")[0] if ":" in link else ""


def unwrap_redirect(link: str) -> str:
    """``https://www.google.com/url?...&url=TARGET`` (Google Alerts) -> ``TARGET``."""
    try:
        parts = urlsplit(link)
    except ValueError:  # e.g. "http://[" (invalid IPv6): keep the link as it is
        return link
    if parts.netloc.endswith("google.com") and parts.path == "/url":
        query = parse_qs(parts.query)
        for key in ("url", "q"):
            target = query.get(key, [""])[0]
            if target.startswith(("http://", "https://")):
                return target
    return link


def _published(entry: Any, now: datetime) -> datetime:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError, TypeError):
                continue
    return now


def _hash_id(prefix: str, *parts: str) -> str:
    joined = "\x1f".join(normalise_for_fingerprint(p) for p in parts)
    return f"{prefix}:{hashlib.sha256(joined.encode('utf-8')).hexdigest()[:32]}"


def _split_outlet(title: str, entry: Any) -> tuple[str, str]:
    """Google News titles end in `` - Outlet``; the outlet is also in ``<source>``."""
    outlet = clean_text((entry.get("source") or {}).get("title", ""))
    if outlet and title.endswith(f" - {outlet}"):
        return title[: -len(outlet) - 3].strip(), outlet
    if not outlet and " - " in title:
        head, _, tail = title.rpartition(" - ")
        return head.strip(), tail.strip()
    return title, outlet


def _body(entry: Any) -> str:
    contents = entry.get("content") or []
    html = contents[0].get("value", "") if contents else ""
    return html_to_text(entry.get("summary") or html or "")


def _ids(entry: Any, link: str, title: str, text: str, ctx: EntryContext,
         outlet: str) -> tuple[str, str]:
    """``(external_id, url)`` following the rules in the module docstring."""
    if ctx.preset == "google_news":
        target = decode_google_news_link(link)
        if target:
            return canonical_url(target), target
        return _hash_id("gnews", title, outlet), link
    guid = clean_text(entry.get("id") or "")
    if guid:
        return (guid if len(guid) <= _MAX_ID else _hash_id("guid", guid)), link
    if link:
        return canonical_url(link), link
    return f"text:{fingerprint(f'{title} {text}')}", ctx.feed_url


_EMAIL_WITH_NAME = re.compile(r"^\S+@\S+\s*\((?P<name>[^()]+)\)$")


def _author(entry: Any) -> str:
    """The author's name: RSS writes ``redactie@example.nl (Jan Jansen)``; show ``Jan Jansen``."""
    raw = clean_text(entry.get("author") or "")
    found = _EMAIL_WITH_NAME.match(raw)  # (feedparser's author_detail mangles this form)
    return found.group("name").strip() if found else raw


def entry_to_mention(entry: Any, ctx: EntryContext) -> Mention | None:
    """The mention for ``entry``, whether or not it names the institution (the pipeline matches)."""
    title = html_to_text(entry.get("title") or "")
    text = _body(entry)
    outlet = ""
    if ctx.preset == "google_news":
        title, outlet = _split_outlet(title, entry)
        text = title  # the description is only a list of links to the same story
    if not title and not text:
        return None
    link = unwrap_redirect(clean_text(entry.get("link") or ""))
    if link and not _scheme(link):
        link = urljoin(ctx.feed_url, link)
    external_id, url = _ids(entry, link, title, text, ctx, outlet)
    extra: dict[str, Any] = {}
    if outlet:
        extra["outlet"] = outlet
    author = _author(entry) or outlet or None
    return Mention(
        source=ctx.source,
        external_id=external_id,
        url=url or ctx.feed_url,
        text=text or title,
        published_at=_published(entry, ctx.now),
        author=author,
        title=title or None,
        lang=ctx.language,
        extra=extra,
    )

