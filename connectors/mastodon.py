"""Mastodon: public hashtag timelines, plus full-text status search where a token is given.

Options (``[[connectors]] kind = "mastodon"``)::

    instances = ["https://mastodon.social", "https://mastodon.nl"]
    hashtags = ["curio", "curiombo"]     # default: the institution's hashtags
    search = ["Curio mbo"]               # needs a token; default: the institution's names
    search_instance = "https://mastodon.nl"   # where the token belongs (default: first)
    token_file = "/etc/signaleer/mastodon.token"   # or $SIGNALEER_MASTODON_TOKEN
    limit = 40   max_pages = 3   require_match = true   timeout = 20

Hashtag timelines need no token. The cursor keeps the newest status id per instance and tag
(``tag:<host>:<tag>``) or query (``search:<host>:<query>``). Older pages are followed through
the ``Link`` header (``max_id``) down to that id, at most ``max_pages`` per run. Reblogs are
skipped: the original is what matters and has its own id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs, quote, urlsplit

from connectors.api import ApiConnector, parse_time
from connectors.base import HTTP_OPTIONS, Http, Options
from connectors.htmltext import clean_text, html_to_text
from monitor.config import InstitutionSettings
from monitor.errors import ConfigError, RetriableFetchError
from monitor.models import FetchResult, Mention

log = logging.getLogger(__name__)

TOKEN_ENV = "SIGNALEER_MASTODON_TOKEN"
_OPTIONS = {"instances", "hashtags", "search", "search_instance", "token", "token_file", "limit",
            "max_pages", "require_match", *HTTP_OPTIONS}
_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True, slots=True)
class MastodonSettings:
    instances: tuple[str, ...]
    hashtags: tuple[str, ...]
    search: tuple[str, ...]
    search_instance: str | None
    token: str | None = field(repr=False)
    limit: int = 40
    max_pages: int = 3
    require_match: bool = True


def _settings(opts: Options, inst: InstitutionSettings) -> MastodonSettings:
    instances = tuple(i.rstrip("/") for i in opts.texts("instances"))
    if not instances:
        raise ConfigError(f"{opts.key('instances')}: required (e.g. [\"https://mastodon.social\"])")
    for url in instances:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{opts.key('instances')}: expected http(s) URLs, got {url!r}")
    token = opts.secret("token", TOKEN_ENV)
    tags = tuple(t.lstrip("#") for t in opts.texts("hashtags", inst.hashtags) if t.lstrip("#"))
    search = opts.texts("search", inst.all_names) if token else ()
    search_instance = opts.url("search_instance", instances[0]).rstrip("/") if token else None
    if not tags and not search:
        raise ConfigError(f"{opts.key('hashtags')}: nothing to follow: set hashtags (or "
                          f"institution.hashtags), or a token for search")
    return MastodonSettings(
        instances=instances, hashtags=tags, search=search, search_instance=search_instance,
        token=token, limit=opts.integer("limit", 40, minimum=1, maximum=40),
        max_pages=opts.integer("max_pages", 3, minimum=1, maximum=50),
        require_match=opts.flag("require_match", True),
    )


def _id_key(status_id: str) -> tuple[int, str]:
    return (len(status_id), status_id)  # numeric strings of any length, compared as numbers


def _newest(a: str | None, b: str | None) -> str | None:
    if not a or not b:
        return a or b
    return max(a, b, key=_id_key)


def _next_max_id(link_header: str | None) -> str | None:
    found = _LINK_NEXT.search(link_header or "")
    if not found:
        return None
    try:
        query = urlsplit(found.group(1)).query
    except ValueError:  # not a URL (e.g. "http://[")
        return None
    return parse_qs(query).get("max_id", [None])[0]


def _text(value: Any) -> str:
    """A string field of an API entity; anything else (a list, a number) counts as absent."""
    return value if isinstance(value, str) else ""


def status_to_mention(status: Mapping[str, Any], host: str) -> Mention | None:
    """A Mastodon status entity -> Mention; ``None`` for reblogs and unusable entries."""
    if status.get("reblog") or not isinstance(status.get("id"), str):
        return None
    account = status.get("account") if isinstance(status.get("account"), Mapping) else {}
    published = parse_time(status.get("created_at"))
    text = html_to_text(_text(status.get("content")))
    warning = clean_text(_text(status.get("spoiler_text")))
    if published is None or not (text or warning):
        return None
    acct = clean_text(str(account.get("acct") or account.get("username") or ""))
    followers = account.get("followers_count")
    return Mention(
        source="mastodon",
        external_id=str(status.get("uri") or status.get("url") or f"{host}:{status['id']}"),
        url=str(status.get("url") or status.get("uri") or ""),
        text=f"{warning}: {text}" if warning and text else (text or warning),
        published_at=published,
        author=(f"@{acct}" if "@" in acct else f"@{acct}@{host}") if acct else None,
        author_followers=followers if isinstance(followers, int) else None,
        lang=status.get("language") if isinstance(status.get("language"), str) else None,
        extra={k: status[f"{k}_count"] for k in ("reblogs", "favourites", "replies")
               if isinstance(status.get(f"{k}_count"), int)},
    )


class MastodonConnector(ApiConnector[MastodonSettings]):
    kind: ClassVar[str] = "mastodon"
    OPTIONS: ClassVar[frozenset[str]] = frozenset(_OPTIONS)

    @classmethod
    def parse_settings(cls, opts: Options, institution: InstitutionSettings) -> MastodonSettings:
        return _settings(opts, institution)

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        new_cursor = dict(cursor or {})
        found: dict[str, Mention] = {}
        warnings: list[str] = []
        s = self.settings
        with Http(self.context, self.policy, sleep=self.sleep) as http:
            for base in s.instances:
                for tag in s.hashtags:
                    url = f"{base}/api/v1/timelines/tag/{quote(tag, safe='')}"
                    key = f"tag:{urlsplit(base).netloc}:{tag.lower()}"
                    self._timeline(http, url, key, new_cursor, found, warnings)
            if s.search_instance and s.token:
                for query in s.search:
                    self._search(http, s.search_instance, query, new_cursor, found, warnings)
        return FetchResult(tuple(found.values()), new_cursor, http_status=200,
                           warnings=tuple(warnings))

    def _keep(self, status: Any, host: str, found: dict[str, Mention]) -> None:
        mention = status_to_mention(status, host) if isinstance(status, Mapping) else None
        if mention is None:
            return
        found.setdefault(mention.external_id, mention)

    def _timeline(self, http: Http, url: str, key: str, cursor: dict[str, str],
                  found: dict[str, Mention], warnings: list[str]) -> None:
        since = cursor.get(key)
        params: dict[str, Any] = {"limit": self.settings.limit}
        if since:
            params["since_id"] = since
        host = urlsplit(url).netloc
        newest = since
        for _page in range(self.settings.max_pages):
            resp = http.get(url, params=params)
            statuses = _expect_list(resp.json(), f"{self.context}: GET {url}")
            for status in statuses:
                self._keep(status, host, found)
                if isinstance(status, Mapping) and isinstance(status.get("id"), str):
                    newest = _newest(newest, status["id"])
            max_id = _next_max_id(resp.header("link"))
            if not since or not statuses or len(statuses) < self.settings.limit or not max_id:
                break  # first run: newest page only; else until we reach `since`
            params = {**params, "max_id": max_id}
        else:
            warnings.append(f"{key}: stopped after {self.settings.max_pages} pages; "
                            "older posts since the last run were skipped")
        if newest:
            cursor[key] = newest

    def _search(self, http: Http, base: str, query: str, cursor: dict[str, str],
                found: dict[str, Mention], warnings: list[str]) -> None:
        key = f"search:{urlsplit(base).netloc}:{query}"
        since = cursor.get(key)
        headers = {"Authorization": f"Bearer {self.settings.token}"}
        newest = since
        url = f"{base}/api/v2/search"
        for page in range(self.settings.max_pages):
            params: dict[str, Any] = {"q": query, "type": "statuses", "resolve": "false",
                                      "limit": self.settings.limit,
                                      "offset": page * self.settings.limit}
            if since:
                params["min_id"] = since
            body = http.get(url, params=params, headers=headers).json()
            statuses = _expect_list(body.get("statuses") if isinstance(body, dict) else None,
                                    f"{self.context}: GET {url}")
            for status in statuses:
                self._keep(status, urlsplit(base).netloc, found)
                if isinstance(status, Mapping) and isinstance(status.get("id"), str):
                    newest = _newest(newest, status["id"])
            if len(statuses) < self.settings.limit or not since:
                break
        else:
            warnings.append(f"{key}: stopped after {self.settings.max_pages} pages")
        if newest:
            cursor[key] = newest


def _expect_list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise RetriableFetchError(f"{where}: unexpected response (expected a list of statuses)")
    return value

