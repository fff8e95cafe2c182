"""X (Twitter) API v2 through tweepy: recent search, and mentions of the institution's accounts.

Opt-in: it needs a paid API plan. Options (``[[connectors]] kind = "x"``)::

    bearer_token_file = "/etc/signaleer/x.token"   # or $SIGNALEER_X_BEARER_TOKEN
    query = '("Curio" OR @curio_mbo) -is:retweet'  # default: built from the institution
    lang = "nl"                                    # optional: adds lang:nl to the built query
    account_ids = ["1234567890"]                   # own accounts: read their mentions too
    max_results = 100   max_pages = 2              # per run
    monthly_read_budget = 10000                    # posts; then nothing until next month
    require_match = true   timeout = 20

The cursor holds ``since_id`` (search), ``since_id:<account id>`` (mentions) and the monthly
budget counter (``month`` = ``YYYY-MM``, ``reads``). tweepy never sleeps here
(``wait_on_rate_limit=False``): a 429 becomes a RetriableFetchError whose ``retry_after``
comes from ``x-rate-limit-reset``. 401/403 are fatal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

import requests
import tweepy

from connectors.api import ApiConnector
from connectors.base import HTTP_OPTIONS, HttpPolicy, Options
from connectors.htmltext import clean_text
from connectors.http import USER_AGENT, cap_wait
from monitor.config import InstitutionSettings
from monitor.errors import ConfigError, FatalFetchError, FetchError, RetriableFetchError
from monitor.models import FetchResult, Mention

log = logging.getLogger(__name__)
logging.getLogger("tweepy.client").setLevel(logging.INFO)  # its DEBUG lines print the token

TOKEN_ENV = "SIGNALEER_X_BEARER_TOKEN"
MAX_QUERY = 512
_OPTIONS = {"bearer_token", "bearer_token_file", "query", "lang", "account_ids", "max_results",
            "max_pages", "monthly_read_budget", "require_match", *HTTP_OPTIONS}
_TWEET_FIELDS = ["created_at", "lang", "public_metrics", "author_id", "conversation_id"]
_USER_FIELDS = ["username", "public_metrics"]


@dataclass(frozen=True, slots=True)
class XSettings:
    token: str = field(repr=False)
    query: str
    account_ids: tuple[str, ...] = ()
    max_results: int = 100
    max_pages: int = 2
    budget: int = 10_000
    require_match: bool = True


def _quote(term: str) -> str:
    return f'"{term}"' if any(c in term for c in " -") else term


def build_query(inst: InstitutionSettings, lang: str = "") -> str:
    """``("Curio" OR "ROC West-Brabant" OR @curio_mbo OR #curio) -is:retweet [lang:nl]``."""
    terms: list[str] = [_quote(a.replace('"', "")) for a in inst.all_names]
    terms += [f"@{h.lstrip('@')}" for h in inst.handles]
    terms += [f"#{t.lstrip('#')}" for t in inst.hashtags]
    query = f"({' OR '.join(dict.fromkeys(terms))}) -is:retweet"
    return f"{query} lang:{lang}" if lang else query


def _settings(opts: Options, inst: InstitutionSettings) -> XSettings:
    token = opts.secret("bearer_token", TOKEN_ENV)
    if not token:
        raise ConfigError(f"{opts.key('bearer_token_file')}: required (or set ${TOKEN_ENV})")
    query = opts.text("query") or build_query(inst, opts.text("lang"))
    if len(query) > MAX_QUERY:
        raise ConfigError(f"{opts.key('query')}: the search query is {len(query)} characters; "
                          f"X allows {MAX_QUERY}. Set a shorter query explicitly")
    ids = opts.texts("account_ids")
    if not all(i.isdigit() for i in ids):
        raise ConfigError(f"{opts.key('account_ids')}: expected numeric X user ids")
    return XSettings(
        token=token, query=query, account_ids=ids,
        max_results=opts.integer("max_results", 100, minimum=10, maximum=100),
        max_pages=opts.integer("max_pages", 2, minimum=1, maximum=20),
        budget=opts.integer("monthly_read_budget", 10_000, minimum=0),
        require_match=opts.flag("require_match", True),
    )


class _BoundedSession(requests.Session):
    """requests with a default timeout, bounded redirects and a size cap (tweepy sets none)."""

    def __init__(self, policy: HttpPolicy) -> None:
        super().__init__()
        self.policy = policy
        self.max_redirects = policy.max_redirects

    def request(self, method: str | bytes, url: str | bytes, *args: Any,  # type: ignore[override]
                **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.policy.timeout)
        kwargs["stream"] = True
        resp = super().request(method, url, *args, **kwargs)
        chunks, size = [], 0
        for chunk in resp.iter_content(64 * 1024):
            size += len(chunk)
            if size > self.policy.max_bytes:
                resp.close()
                raise FatalFetchError(f"GET {resp.url}: response exceeds the size cap")
            chunks.append(chunk)
        resp._content = b"".join(chunks)  # read once, capped; tweepy then parses it
        return resp


@dataclass
class _Budget:
    month: str
    reads: int
    limit: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.reads)


class XConnector(ApiConnector[XSettings]):
    kind: ClassVar[str] = "x"
    OPTIONS: ClassVar[frozenset[str]] = frozenset(_OPTIONS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    @classmethod
    def parse_settings(cls, opts: Options, institution: InstitutionSettings) -> XSettings:
        return _settings(opts, institution)

    def _client(self) -> tweepy.Client:
        client = tweepy.Client(bearer_token=self.settings.token, wait_on_rate_limit=False)
        client.session = _BoundedSession(self.policy)
        client.user_agent = USER_AGENT
        return client

    def fetch(self, cursor: Mapping[str, str] | None) -> FetchResult:
        new_cursor = dict(cursor or {})
        month = self.clock().strftime("%Y-%m")
        reads = int(new_cursor.get("reads", "0") or 0) if new_cursor.get("month") == month else 0
        budget = _Budget(month, reads, self.settings.budget)
        found: dict[str, Mention] = {}
        warnings: list[str] = []
        client = self._client()
        try:
            self._run(client, "since_id", found, warnings, budget, new_cursor,
                      lambda **kw: client.search_recent_tweets(self.settings.query, **kw),
                      "next_token")
            for uid in self.settings.account_ids:
                self._run(client, f"since_id:{uid}", found, warnings, budget, new_cursor,
                          lambda uid=uid, **kw: client.get_users_mentions(uid, **kw),
                          "pagination_token")
        finally:
            client.session.close()
        new_cursor.update(month=budget.month, reads=str(budget.reads))
        return FetchResult(tuple(found.values()), new_cursor, http_status=200,
                           warnings=tuple(warnings))

    def _run(self, client: tweepy.Client, key: str, found: dict[str, Mention],
             warnings: list[str], budget: _Budget, cursor: dict[str, str],
             call: Callable[..., Any], token_param: str) -> None:
        since = cursor.get(key)
        newest = since
        page_token: str | None = None
        for _page in range(self.settings.max_pages):
            if budget.remaining < 10:
                message = (f"{self.context}: monthly read budget of {budget.limit} posts is "
                           f"spent ({budget.reads} read in {budget.month}); skipping until "
                           "next month")
                log.warning(message)
                warnings.append(message)
                return
            params: dict[str, Any] = {
                "max_results": min(self.settings.max_results, budget.remaining),
                "expansions": ["author_id"], "user_fields": _USER_FIELDS,
                "tweet_fields": _TWEET_FIELDS,
            }
            if since:
                params["since_id"] = since
            if page_token:
                params[token_param] = page_token
            resp = self._call(call, params, warnings)
            tweets = list(resp.data or [])
            budget.reads += len(tweets)
            self._keep(tweets, resp.includes.get("users", []), found)
            newest = _newest(newest, resp.meta.get("newest_id"))
            page_token = resp.meta.get("next_token")
            if not page_token or not since:
                break  # first run: newest page only
        else:
            warnings.append(f"{key}: stopped after {self.settings.max_pages} pages; "
                            "older posts since the last run were skipped")
        if newest:
            cursor[key] = newest

    def _call(self, call: Callable[..., Any], params: dict[str, Any],
              warnings: list[str]) -> Any:
        slept = 0.0
        for attempt in range(self.policy.retries + 1):
            try:
                return call(**params)
            except tweepy.BadRequest as exc:
                if "since_id" in params and "since_id" in str(exc):  # older than 7 days
                    warnings.append("since_id too old for recent search; started afresh")
                    params.pop("since_id")
                    continue
                raise self._error(exc) from None
            except Exception as exc:  # mapped to our errors (or re-raised) by _error
                error = self._error(exc)
                delay = self.policy.backoff * 2**attempt
                if (not isinstance(error, RetriableFetchError) or error.status == 429
                        or attempt == self.policy.retries or slept + delay > self.policy.max_sleep):
                    raise error from None
                self.sleep(delay)
                slept += delay
        raise RetriableFetchError(f"{self.context}: no answer after retries")

    def _error(self, exc: Exception) -> FetchError:
        where = f"{self.context}: GET api.twitter.com"
        if isinstance(exc, FetchError):
            return type(exc)(f"{self.context}: {exc}", status=exc.status)
        if isinstance(exc, tweepy.TooManyRequests):
            reset = getattr(exc, "reset_time", None)
            wait = cap_wait(reset - time.time()) if reset else None
            return RetriableFetchError(f"{where} -> 429 (rate limited)", status=429,
                                       retry_after=wait)
        if isinstance(exc, tweepy.Unauthorized | tweepy.Forbidden):
            status = exc.response.status_code
            return FatalFetchError(f"{where} -> {status} (check the bearer token and the API "
                                   f"plan: {_api_message(exc)})", status=status)
        if isinstance(exc, tweepy.TwitterServerError):
            return RetriableFetchError(f"{where} -> {exc.response.status_code}",
                                       status=exc.response.status_code)
        if isinstance(exc, tweepy.HTTPException):
            status = exc.response.status_code
            return FatalFetchError(f"{where} -> {status} ({_api_message(exc)})", status=status)
        if isinstance(exc, ValueError):  # JSON decoding: HTML or a truncated body
            return RetriableFetchError(f"{where}: the response was not valid JSON")
        if isinstance(exc, requests.Timeout):
            return RetriableFetchError(f"{where}: timed out after {self.policy.timeout:g}s")
        if isinstance(exc, requests.RequestException):
            return RetriableFetchError(f"{where}: {type(exc).__name__}")
        raise exc

    def _keep(self, tweets: Iterable[Any], users: Iterable[Any],
              found: dict[str, Mention]) -> None:
        by_id = {str(u.id): u for u in users}
        for tweet in tweets:
            mention = tweet_to_mention(tweet, by_id.get(str(tweet.author_id)))
            if mention is None:
                continue
            found.setdefault(mention.external_id, mention)


def tweet_to_mention(tweet: Any, user: Any | None) -> Mention | None:
    text = clean_text(str(getattr(tweet, "text", "") or ""))
    if not text:
        return None
    username = getattr(user, "username", None) if user is not None else None
    followers = (getattr(user, "public_metrics", None) or {}).get("followers_count")
    metrics = getattr(tweet, "public_metrics", None) or {}
    created = getattr(tweet, "created_at", None)
    who = username or "i"
    return Mention(
        source="x", external_id=str(tweet.id), url=f"https://x.com/{who}/status/{tweet.id}",
        text=text,
        published_at=created.astimezone(UTC) if isinstance(created, datetime)
        else datetime.now(UTC),
        author=f"@{username}" if username else None,
        author_followers=followers if isinstance(followers, int) else None,
        lang=getattr(tweet, "lang", None),
        extra={k: metrics[f"{k}_count"] for k in ("like", "retweet", "reply", "quote")
               if isinstance(metrics.get(f"{k}_count"), int)},
    )



def _newest(a: str | None, b: Any) -> str | None:
    b = str(b) if b else None
    if not a or not b:
        return a or b
    return max(a, b, key=lambda s: (len(s), s))


def _api_message(exc: tweepy.HTTPException) -> str:
    messages = list(getattr(exc, "api_messages", []) or [])
    return "; ".join(str(m) for m in messages)[:200] or "no detail"
