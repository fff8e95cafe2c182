"""The one HTTP client every connector uses: timeouts, User-Agent, size cap, bounded backoff.

* Every request has a connect/read timeout and an overall deadline (slow-drip servers): past the
  deadline a watchdog shuts the sockets down, so a server that drips its headers or body a byte
  at a time cannot hold a connector (or the daemon) for longer than ``deadline``.
* The body is streamed and reading stops past ``max_bytes`` (default 10 MB, on the wire and after
  decompression); compressed layers are inflated incrementally (:mod:`connectors.httpbody`).
* 429 and 5xx are retried a couple of times, honouring ``Retry-After``, but one call never
  sleeps more than ``max_sleep`` seconds in total: when the server asks for longer, a
  :class:`RetriableFetchError` with ``retry_after`` goes up so the scheduler can reschedule.
  A wait asked for is capped at 24 hours (``MAX_RETRY_AFTER``).
* Redirects are followed up to ``max_redirects``, within the rules of :mod:`connectors.redirects`:
  never for a login, never to another origin with credentials, never into the local network.
* Errors name the connector, method, URL and status: ``rss:omroep: GET https://... -> 503``.
"""

from __future__ import annotations

import contextlib
import functools
import json
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from connectors.httpbody import ACCEPT_ENCODING, read_capped
from connectors.redirects import origin, redirect_refusal
from monitor import __version__
from monitor.errors import FatalFetchError, FetchError, RetriableFetchError


def _project_url() -> str:
    """The home page from the package metadata (``[project.urls]``), if one is declared."""
    try:
        from importlib.metadata import PackageNotFoundError, metadata

        for entry in metadata("signaleer").get_all("Project-URL") or ():
            _label, _, url = entry.partition(",")
            if url.strip():
                return url.strip()
    except PackageNotFoundError:
        pass
    return "https://signaleer.invalid/"  # placeholder until the project has a public home


PROJECT_URL = _project_url()
USER_AGENT = f"Signaleer/{__version__} (+{PROJECT_URL})"


def user_agent(contact: str | None = None) -> str:
    """``Signaleer/0.1.0 (+<home page>; mailto:mc@school.example)``: with ``[http] contact``,
    which feeds and APIs ask for so they can reach the operator instead of blocking."""
    return f"Signaleer/{__version__} (+{PROJECT_URL}; {contact})" if contact else USER_AGENT

MB = 1024 * 1024
MAX_RETRY_AFTER = 24 * 3600.0  # seconds: the longest wait a Retry-After or reset time can ask for
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,40}/[a-z0-9][a-z0-9.+-]{0,60}")
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    timeout: float = 20.0  # seconds per connect / read / write
    deadline: float = 60.0  # seconds for one attempt, body included
    max_bytes: int = 10 * MB
    max_redirects: int = 5
    retries: int = 2  # extra attempts after a 429, 5xx or network error
    max_sleep: float = 5.0  # total seconds one call may sleep between attempts
    backoff: float = 0.5  # first back-off delay; doubles per attempt
    contact: str | None = None  # [http] contact, in the User-Agent


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    url: str
    headers: httpx.Headers
    body: bytes
    context: str = ""

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json(self) -> Any:
        """The body as JSON; HTML or garbage where JSON was expected is a retriable error."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting: RecursionError
            kind = content_kind(self.headers.get("content-type"))
            got = f"{kind}, {len(self.body)} bytes" if self.body else "an empty body"
            raise RetriableFetchError(
                f"{self.context}: GET {_short(self.url)} -> {self.status}: "
                f"expected JSON, got {got}",
                status=self.status,
            ) from None


def _short(url: str, limit: int = 160) -> str:
    return url if len(url) <= limit else url[: limit - 3] + "..."


def content_kind(content_type: str | None) -> str:
    """A short, safe name for a Content-Type (``text/html``); never the server's free text.

    Error texts carry a status and a class like this one, never the response body: they are
    shown in the digest's source health, and a body may hold whatever an attacker got us to read.
    """
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind if _MEDIA_TYPE.fullmatch(kind) else "unknown type"


def retry_after_seconds(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait from ``Retry-After`` (delta or date) or a rate-limit reset header.

    Never more than :data:`MAX_RETRY_AFTER`: a server cannot silence a source for years.
    """
    now = time.time() if now is None else now
    value = headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return cap_wait(float(value))
        try:
            return cap_wait(parsedate_to_datetime(value).timestamp() - now)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    for name in ("x-rate-limit-reset", "x-ratelimit-reset", "ratelimit-reset"):
        reset = headers.get(name)
        if reset:
            delay = _reset_to_delay(reset.strip(), now)
            return None if delay is None else cap_wait(delay)
    return None


def cap_wait(seconds: float) -> float:
    """A wait a server asked for, within ``[0, MAX_RETRY_AFTER]``."""
    return min(max(0.0, seconds), MAX_RETRY_AFTER)


def _reset_to_delay(reset: str, now: float) -> float | None:
    """A reset given as epoch seconds, a delta in seconds, or an ISO timestamp."""
    try:
        number = float(reset)
    except ValueError:
        try:
            when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
        except ValueError:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now)
    return max(0.0, number - now) if number > 1_000_000_000 else max(0.0, number)


@dataclass(frozen=True, slots=True)
class _Call:
    url: str  # as configured: the start of any redirect chain
    where: str
    login: bool


def resolve_host(host: str) -> list[str]:
    """The IP addresses ``host`` resolves to (empty when it does not resolve)."""
    try:
        return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, None)})
    except (OSError, UnicodeError):
        return []


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context for every client: building one loads the CA bundle (~20 ms)."""
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


class Http:
    """A small synchronous client bound to one connector (``context`` = ``"kind:name"``)."""

    def __init__(
        self,
        context: str,
        policy: HttpPolicy | None = None,
        *,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        resolve: Callable[[str], list[str]] | None = None,
        origin_local: bool | None = None,
    ) -> None:
        """``resolve`` (host -> addresses) and ``origin_local`` (the configured host is in the
        local network; ``None``: decided from its addresses) feed the redirect rules."""
        self.context = context
        self.policy = policy or HttpPolicy()
        self._sleep = sleep
        self._client = httpx.Client(
            verify=shared_ssl_context(),
            headers={"User-Agent": user_agent(self.policy.contact), "Accept-Encoding": ACCEPT_ENCODING,
                     **(headers or {})},
            timeout=self.policy.timeout,
            follow_redirects=True,
            max_redirects=self.policy.max_redirects,
            transport=transport,
            event_hooks={"response": [self._check_redirect]},
        )
        self._resolve = resolve or resolve_host
        self._origin_local = origin_local
        self._call: _Call | None = None  # the request being sent (for the redirect check)
        self._sockets: list[socket.socket] = []  # every socket this client opened (for the watchdog)

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, **kwargs: Any) -> HttpResponse:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> HttpResponse:
        return self.request("POST", url, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        accept: Collection[int] = (200,),
        login: bool = False,
    ) -> HttpResponse:
        """Send, retrying 429/5xx/network errors within ``max_sleep``; return an accepted status.

        Statuses in ``accept`` are returned as they are (e.g. 304, or 400/401 a connector
        handles itself); any other status becomes a :class:`FetchError` with context.
        ``login``: the body is a password or the request renews a session; it is never redirected.
        """
        slept = 0.0
        where = f"{self.context}: {method} {_short(url)}"
        self._call = _Call(url, where, login)
        for attempt in range(self.policy.retries + 1):
            try:
                resp = self._once(method, url, params, headers, json_body, where)
            except RetriableFetchError as exc:
                error: FetchError = exc
                delay = self.policy.backoff * 2**attempt
            else:
                if resp.status in accept:
                    return resp
                error, delay = self._status_error(resp, where, attempt)
            if isinstance(error, FatalFetchError) or attempt == self.policy.retries:
                raise error
            if slept + delay > self.policy.max_sleep:
                error.retry_after = max(delay, error.retry_after or 0.0)
                raise error
            self._sleep(delay)
            slept += delay
        raise AssertionError("unreachable")  # pragma: no cover

    def _status_error(
        self, resp: HttpResponse, where: str, attempt: int
    ) -> tuple[FetchError, float]:
        status = resp.status
        if status not in _RETRY_STATUSES:
            hint = {401: " (check the credentials)", 403: " (access denied)",
                    404: " (check the URL)", 410: " (gone)"}.get(status, "")
            return FatalFetchError(f"{where} -> {status}{hint}", status=status), 0.0
        asked = retry_after_seconds(resp.headers)
        delay = asked if asked is not None else self.policy.backoff * 2**attempt
        message = f"{where} -> {status}"
        if asked is not None:
            message += f" (retry after {asked:.0f}s)"
        return RetriableFetchError(message, status=status, retry_after=asked), delay

    def _once(
        self, method: str, url: str, params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None, json_body: Any, where: str,
    ) -> HttpResponse:
        started = time.monotonic()
        expired = threading.Event()
        watchdog = threading.Timer(self.policy.deadline, self._expire, args=(expired,))
        watchdog.daemon = True
        watchdog.start()
        deadline_error = RetriableFetchError(
            f"{where}: response not complete after {self.policy.deadline:g}s")
        try:
            resp = self._send(method, url, params, headers, json_body, where, started)
        except RetriableFetchError:
            if not expired.is_set():  # else: the watchdog cut the connection
                raise
            raise deadline_error from None
        finally:
            watchdog.cancel()
        if expired.is_set():  # the cut looked like the end of a close-delimited body
            raise deadline_error
        return resp

    def _send(
        self, method: str, url: str, params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None, json_body: Any, where: str, started: float,
    ) -> HttpResponse:
        try:
            with self._client.stream(
                method, url, params=params, headers=headers, json=json_body,
                extensions={"trace": self._trace},
            ) as r:
                body = read_capped(r, self.policy.max_bytes, self.policy.deadline, started, where)
                return HttpResponse(r.status_code, str(r.url), r.headers, body, self.context)
        except FetchError:
            raise
        except httpx.TimeoutException:
            raise RetriableFetchError(
                f"{where}: timed out after {self.policy.timeout:g}s") from None
        except httpx.TooManyRedirects:
            raise FatalFetchError(
                f"{where}: more than {self.policy.max_redirects} redirects") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise FatalFetchError(f"{where}: bad URL: {exc}") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            reason = str(exc) or type(exc).__name__
            raise RetriableFetchError(f"{where}: {reason}") from None

    def _check_redirect(self, response: httpx.Response) -> None:
        """httpx's response hook: refuse a redirect :mod:`connectors.redirects` does not allow."""
        call = self._call
        if call is None or not response.has_redirect_location:
            return
        current = response.request.url
        target = str(current.join(response.headers["location"]))
        hosts = {origin(u)[1] for u in (call.url, target)} - {""}
        addresses = {h: self._resolve(h) for h in hosts}
        refusal = redirect_refusal(call.url, str(current), target, addresses,
                                   credentials="authorization" in response.request.headers,
                                   login=call.login, origin_local=self._origin_local)
        if refusal:
            raise FatalFetchError(f"{call.where} -> {response.status_code}: {refusal}",
                                  status=response.status_code)

    def _trace(self, event: str, info: Mapping[str, Any]) -> None:
        """httpcore's trace hook: remember each new connection's socket for the watchdog."""
        if event == "connection.connect_tcp.complete":
            sock = info["return_value"].get_extra_info("socket")
            if sock is not None:
                self._sockets = [s for s in self._sockets if s.fileno() != -1] + [sock]

    def _expire(self, expired: threading.Event) -> None:
        """The deadline passed: shut the sockets down, so a blocked read returns at once."""
        expired.set()
        for sock in self._sockets:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)
