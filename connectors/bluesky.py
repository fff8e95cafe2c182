"""Bluesky: ``app.bsky.feed.searchPosts`` with an app password, reusing the session.

Options (``[[connectors]] kind = "bluesky"``)::

    handle = "signaleer-curio.bsky.social"          # the account that logs in
    app_password_file = "/etc/signaleer/bsky.pw"    # or $SIGNALEER_BLUESKY_APP_PASSWORD
    queries = ["Curio mbo", "#curio"]               # default: the institution's names + hashtags
    base_url = "https://bsky.social"                # the PDS (tests point it at loopback)
    limit = 50   max_pages = 3   require_match = true   timeout = 20

Logins are rate-limited, so the session is reused: the access token until it expires, then
renewed with ``com.atproto.server.refreshSession``; only when that fails is there a new login.
The session tokens are kept in the process's memory only, never in the cursor (the database
stored them in plain text): the daemon logs in once and reuses the session across runs; a one-shot
``collect`` logs in once per run. A cursor from an older version that still holds
``session_did`` / ``session_access`` / ``session_refresh`` is used once and then cleared.
Per query the cursor keeps the newest ``indexedAt`` seen (``q:<query>``); older pages are read
down to it, at most ``max_pages`` per run.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from connectors.api import ApiConnector, parse_time
from connectors.base import HTTP_OPTIONS, Http, HttpResponse, Options
from connectors.htmltext import clean_text
from monitor.config import InstitutionSettings
from monitor.errors import ConfigError, FatalFetchError, RetriableFetchError
from monitor.models import FetchResult, Mention

PASSWORD_ENV = "SIGNALEER_BLUESKY_APP_PASSWORD"
_OPTIONS = {"handle", "app_password", "app_password_file", "queries", "base_url", "limit",
            "max_pages", "require_match", *HTTP_OPTIONS}
_SESSION_KEYS = ("session_did", "session_access", "session_refresh")
_EXPIRY_MARGIN = 60.0  # seconds: refresh a little before the access token runs out
_XRPC_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,39}")
_AUTH_ERRORS = frozenset({"ExpiredToken", "InvalidToken", "AuthenticationRequired"})


@dataclass(frozen=True, slots=True)
class BlueskySettings:
    handle: str
    password: str = field(repr=False)
    queries: tuple[str, ...]
    base_url: str
    limit: int = 50
    max_pages: int = 3
    require_match: bool = True


@dataclass(frozen=True, slots=True)
class Session:
    did: str
    access: str = field(repr=False)
    refresh: str = field(repr=False)


# (base_url, handle) -> the session; in memory only, shared by the connectors of this process
_SESSIONS: dict[tuple[str, str], Session] = {}
_SESSIONS_LOCK = threading.Lock()


def forget_sessions() -> None:
    """Drop every remembered session (tests; the next fetch logs in)."""
    with _SESSIONS_LOCK:
        _SESSIONS.clear()


def _legacy_session(cursor: Mapping[str, str]) -> Session | None:
    """The session an older version stored in the cursor, if there is one."""
    if all(cursor.get(k) for k in _SESSION_KEYS):
        return Session(*(cursor[k] for k in _SESSION_KEYS))
    return None


def _settings(opts: Options, inst: InstitutionSettings) -> BlueskySettings:
    handle = opts.required("handle", " (the Bluesky account Signaleer logs in with)")
    password = opts.secret("app_password", PASSWORD_ENV)
    if not password:
        raise ConfigError(f"{opts.key('app_password_file')}: required (or set ${PASSWORD_ENV});"
                          " create an app password in the Bluesky settings")
    queries = opts.texts("queries", (*inst.all_names, *inst.hashtags))
    if not queries:
        raise ConfigError(f"{opts.key('queries')}: nothing to search for")
    return BlueskySettings(
        handle=handle.lstrip("@"), password=password, queries=queries,
        base_url=opts.url("base_url", "https://bsky.social").rstrip("/"),
        limit=opts.integer("limit", 50, minimum=1, maximum=100),
        max_pages=opts.integer("max_pages", 3, minimum=1, maximum=50),
        require_match=opts.flag("require_match", True),
    )


def jwt_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (not verified: only used to refresh in time)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims["exp"])
    except (IndexError, KeyError, TypeError, ValueError, binascii.Error):
        return None


def post_web_url(uri: str, handle: str | None) -> str:
    """``at://did/app.bsky.feed.post/rkey`` -> ``https://bsky.app/profile/<handle>/post/<rkey>``."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return uri
    who = handle if handle and handle != "handle.invalid" else parts[0]
    return f"https://bsky.app/profile/{who}/post/{parts[2]}"


def post_to_mention(post: Mapping[str, Any]) -> Mention | None:
    """A ``PostView`` from searchPosts -> Mention; ``None`` when it is unusable."""
    record = post.get("record") if isinstance(post.get("record"), Mapping) else {}
    author = post.get("author") if isinstance(post.get("author"), Mapping) else {}
    uri, text = post.get("uri"), clean_text(str(record.get("text") or ""))
    indexed = parse_time(post.get("indexedAt"))
    created = parse_time(record.get("createdAt")) or indexed
    if not isinstance(uri, str) or not text or created is None:
        return None
    if indexed is not None and created > indexed:  # createdAt is client-set and can lie
        created = indexed
    handle = author.get("handle") if isinstance(author.get("handle"), str) else None
    langs = record.get("langs")
    return Mention(
        source="bluesky", external_id=uri, url=post_web_url(uri, handle), text=text,
        published_at=created, author=f"@{handle}" if handle else None,
        lang=langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else None,
        extra={k: post[f"{k}Count"] for k in ("like", "repost", "reply", "quote")
               if isinstance(post.get(f"{k}Count"), int)},
    )


class BlueskyConnector(ApiConnector[BlueskySettings]):
    kind: ClassVar[str] = "bluesky"
    OPTIONS: ClassVar[frozenset[str]] = frozenset(_OPTIONS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Callable[[], float] = time.time

    @classmethod
    def parse_settings(cls, opts: Options, institution: InstitutionSettings) -> BlueskySettings:
        return _settings(opts, institution)

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        new_cursor = {k: v for k, v in (cursor or {}).items() if k not in _SESSION_KEYS}
        found: dict[str, Mention] = {}
        warnings: list[str] = []
        key = (self.settings.base_url, self.settings.handle)
        with _SESSIONS_LOCK:
            known = _SESSIONS.get(key) or _legacy_session(cursor or {})
        with Http(self.context, self.policy, sleep=self.sleep) as http:
            session = self._session(http, known)
            for query in self.settings.queries:
                session = self._search(http, session, query, new_cursor, found, warnings)
        return FetchResult(tuple(found.values()), new_cursor, http_status=200,
                           warnings=tuple(warnings))

    # -- session ---------------------------------------------------------------------------

    def _xrpc(self, method: str) -> str:
        return f"{self.settings.base_url}/xrpc/{method}"

    def _session(self, http: Http, session: Session | None) -> Session:
        if session is None:
            return self._login(http)
        expiry = jwt_expiry(session.access)
        if expiry is not None and expiry - _EXPIRY_MARGIN < self.clock():
            return self._renew(http, session)
        return session

    def _login(self, http: Http) -> Session:
        resp = http.post(self._xrpc("com.atproto.server.createSession"), accept=(200, 400, 401),
                         login=True, json_body={"identifier": self.settings.handle,
                                    "password": self.settings.password})
        if resp.status != 200:
            raise FatalFetchError(
                f"{self.context}: login as {self.settings.handle} refused ({_xrpc_error(resp)}); "
                "check the handle and the app password", status=resp.status)
        return self._session_from(resp)

    def _renew(self, http: Http, session: Session) -> Session:
        resp = http.post(self._xrpc("com.atproto.server.refreshSession"), accept=(200, 400, 401),
                         login=True, headers={"Authorization": f"Bearer {session.refresh}"})
        if resp.status != 200:  # refresh token expired or revoked: log in again
            return self._login(http)
        return self._session_from(resp)

    def _session_from(self, resp: HttpResponse) -> Session:
        body = resp.json()
        try:
            session = Session(str(body["did"]), str(body["accessJwt"]), str(body["refreshJwt"]))
        except (KeyError, TypeError):
            raise RetriableFetchError(
                f"{self.context}: POST {resp.url}: session response without tokens") from None
        with _SESSIONS_LOCK:
            _SESSIONS[(self.settings.base_url, self.settings.handle)] = session
        return session

    # -- search ----------------------------------------------------------------------------

    def _get_page(self, http: Http, session: Session, params: Mapping[str, Any]
                  ) -> tuple[Session, Any]:
        url = self._xrpc("app.bsky.feed.searchPosts")
        for attempt in (1, 2):
            resp = http.get(url, params=params, accept=(200, 400, 401),
                            headers={"Authorization": f"Bearer {session.access}"})
            if resp.status == 200:
                return session, resp.json()
            if _xrpc_error(resp) not in _AUTH_ERRORS or attempt == 2:
                raise FatalFetchError(f"{self.context}: GET {url} -> {resp.status} "
                                      f"({_xrpc_error(resp)})", status=resp.status)
            session = self._renew(http, session)
        raise AssertionError("unreachable")  # pragma: no cover

    def _search(self, http: Http, session: Session, query: str, cursor: dict[str, str],
                found: dict[str, Mention], warnings: list[str]) -> Session:
        key = f"q:{query}"
        since = parse_time(cursor.get(key)) if cursor.get(key) else None
        params: dict[str, Any] = {"q": query, "limit": self.settings.limit, "sort": "latest"}
        if since is not None:
            params["since"] = since.isoformat().replace("+00:00", "Z")
        newest = since
        for _page in range(self.settings.max_pages):
            session, body = self._get_page(http, session, params)
            posts = body.get("posts") if isinstance(body, Mapping) else None
            if not isinstance(posts, list):
                raise RetriableFetchError(f"{self.context}: searchPosts: no 'posts' list")
            reached_old = self._keep_posts(posts, since, found)
            for post in posts:
                when = parse_time(post.get("indexedAt")) if isinstance(post, Mapping) else None
                newest = max(newest, when) if newest and when else (newest or when)
            next_cursor = body.get("cursor")
            if since is None or reached_old or not posts or not isinstance(next_cursor, str):
                break
            params = {**params, "cursor": next_cursor}
        else:
            warnings.append(f"{key}: stopped after {self.settings.max_pages} pages; "
                            "older posts since the last run were skipped")
        if newest is not None:
            cursor[key] = newest.isoformat().replace("+00:00", "Z")
        return session

    def _keep_posts(self, posts: list[Any], since: datetime | None,
                    found: dict[str, Mention]) -> bool:
        """Add the new, matching posts; True once a post at or before ``since`` shows up."""
        reached_old = False
        for post in posts:
            if not isinstance(post, Mapping):
                continue
            indexed = parse_time(post.get("indexedAt"))
            if since is not None and indexed is not None and indexed <= since:
                reached_old = True
            mention = post_to_mention(post)
            if mention is None:
                continue
            found.setdefault(mention.external_id, mention)
        return reached_old


def _xrpc_error(resp: HttpResponse) -> str:
    """The XRPC ``error`` name (``ExpiredToken`` ...), or the status when there is none."""
    try:
        body = json.loads(resp.body)
    except (ValueError, RecursionError):  # RecursionError: deeply nested garbage
        return f"HTTP {resp.status}"
    name = body.get("error") if isinstance(body, dict) else None
    # a name like ExpiredToken, never free text from the server (it ends up in the digest)
    return name if isinstance(name, str) and _XRPC_NAME.fullmatch(name) else f"HTTP {resp.status}"
