"""``signaleer doctor``: is this installation able to do its job? One ✓/✗ line per check.

Checks, in order: the config (``[classifier]`` included) is valid; the database is reachable and
migrated; every required secret is present (never printed); each alert channel's URL is understood
(the URL is never shown, only its service); each connector's options are valid;
the SMTP server answers EHLO (and STARTTLS when configured); each enabled source answers a short HEAD/GET.
A connector may offer ``probe_urls()`` (or ``probe_url()``) to say what to probe; otherwise the
URL is derived from its options. Feeds are never downloaded in full.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from monitor.config import ConnectorSettings, Settings, SmtpSettings, load_settings
from monitor.errors import SignaleerError

# kind -> (option key, environment variable, needed?(options)) for each connector secret
SECRETS: dict[str, tuple[str, str, Callable[[Mapping[str, Any]], bool]]] = {
    "x": ("bearer_token", "SIGNALEER_X_BEARER_TOKEN", lambda o: True),
    "bluesky": ("app_password", "SIGNALEER_BLUESKY_APP_PASSWORD", lambda o: True),
    "mastodon": ("token", "SIGNALEER_MASTODON_TOKEN", lambda o: "search" in o),
}
USER_AGENT = "Signaleer-doctor (+self-hosted reputation monitor)"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'✓' if self.ok else '✗'} {self.name}: {self.detail}"


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    network: bool = True
    timeout: float = 5.0


def run_doctor(config_path: str | None, options: DoctorOptions | None = None) -> Iterator[Check]:
    """Yield checks as they complete; the caller prints them and fails on any ``not ok``."""
    options = options or DoctorOptions()
    try:
        settings = load_settings(config_path)  # connectors' options: one check each, below
    except SignaleerError as exc:
        yield Check("config", False, str(exc))
        return
    enabled = [c for c in settings.connectors if c.enabled]
    where = str(settings.source) if settings.source else "built-in defaults (no config file)"
    yield Check("config", True, f"{where}; {len(enabled)} enabled connector(s)")
    yield check_database(settings)
    yield from check_secrets(settings)
    yield from check_channels(settings)
    built = yield from check_connectors(settings, list(settings.connectors))
    if not options.network:
        return
    yield check_smtp(settings.smtp, options.timeout)
    for conf, connector in built:
        yield from check_source(conf, connector, options.timeout)


def check_database(settings: Settings) -> Check:
    from monitor import migrate
    from monitor.store import Store, safe_url

    url = safe_url(settings.database.url)
    try:
        with Store.open(settings.database.url, upgrade=False) as store:
            current = migrate.current_revision(store.engine)
            head = migrate.head_revision(store.engine)
    except SignaleerError as exc:
        return Check("database", False, str(exc))
    except Exception as exc:  # e.g. a driver error while reading the revision
        return Check("database", False, f"{url}: {type(exc).__name__}: {exc}")
    if current != head:
        return Check("database", False, f"{url}: at revision {current or 'none'}, head is {head}; "
                     "run 'signaleer db upgrade'")
    return Check("database", True, f"{url}: reachable, migrated ({head})")


def secret_present(options: Mapping[str, Any], key: str, env: str, where: str) -> tuple[bool, str]:
    """Whether the secret is set, and from where; never the value."""
    from monitor.configschema import read_secret
    from monitor.errors import ConfigError

    try:
        value = read_secret(options, f"{where}.{key}", env, Path.cwd())
    except ConfigError as exc:
        return False, str(exc)
    if not value:
        return False, f"missing: set ${env} or {where}.{key}_file"
    return True, f"${env}" if os.environ.get(env) else f"{key}_file"


def check_channels(settings: Settings) -> Iterator[Check]:
    """Each alert channel: does Apprise understand its URL? Shows the service, never the URL.
    Nothing is sent: ``signaleer alerts test NAME`` does that."""
    if not settings.alerts.channels:
        return
    from monitor.digest.channels import check_channel, describe

    for i, channel in enumerate(settings.alerts.channels):
        try:
            check_channel(channel, f"alerts.channels[{i}]")
        except SignaleerError as exc:
            yield Check(f"alert channel {channel.name}", False, str(exc))
            continue
        yield Check(f"alert channel {channel.name}", True,
                    f"{describe(channel)}; try it: signaleer alerts test {channel.name}")


def check_secrets(settings: Settings) -> Iterator[Check]:
    smtp = settings.smtp
    if smtp.username:
        ok = bool(smtp.password)
        yield Check("secret smtp.password", ok, "present" if ok else
                    "missing (smtp.username is set): set $SIGNALEER_SMTP_PASSWORD or smtp.password_file")
    for conf in settings.connectors:
        rule = SECRETS.get(conf.kind)
        if not conf.enabled or rule is None or not rule[2](conf.options):
            continue
        key, env, _ = rule
        ok, detail = secret_present(conf.options, key, env, f"connectors.{conf.name}.options")
        yield Check(f"secret {conf.name} {key}", ok, f"present ({detail})" if ok else detail)


Built = list[tuple[ConnectorSettings, Any]]


def check_connectors(settings: Settings, configured: list[ConnectorSettings]
                     ) -> Generator[Check, None, Built]:
    """Build each connector (a disabled one's options must be valid too); returns (via
    ``yield from``) the enabled ones that built."""
    from connectors.base import load_connector

    built: Built = []
    for conf in configured:
        try:
            connector = load_connector(conf, settings.institution, contact=settings.http.contact)
        except SignaleerError as exc:
            yield Check(f"connector {conf.name}", False, str(exc))
            continue
        if conf.enabled:
            built.append((conf, connector))
        state = "" if conf.enabled else " (disabled)"
        yield Check(f"connector {conf.name}", True, f"{conf.kind}, options valid{state}")
    return built


def check_smtp(smtp: SmtpSettings, timeout: float) -> Check:
    import smtplib
    import ssl

    name = f"smtp {smtp.host}:{smtp.port}"
    try:
        context = ssl.create_default_context(cafile=smtp.ca_file)
        if smtp.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout,
                                                     context=context)
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            code, _ = client.ehlo()
            if code != 250:
                return Check(name, False, f"EHLO refused ({code})")
            steps = "EHLO ok"
            if smtp.security == "starttls":
                if not client.has_extn("starttls"):
                    return Check(name, False, "server does not offer STARTTLS (smtp.security)")
                client.starttls(context=context)
                client.ehlo()
                steps += ", STARTTLS ok"
            elif smtp.security == "tls":
                steps += " over TLS"
    except (OSError, smtplib.SMTPException) as exc:
        return Check(name, False, f"{type(exc).__name__}: {exc}")
    return Check(name, True, steps)


def probe_urls(conf: ConnectorSettings, connector: Any) -> list[tuple[str, int]]:
    """(url, first failing status) pairs to probe: feeds must answer < 400, APIs < 500."""
    for attr in ("probe_urls", "probe_url"):
        offered = getattr(connector, attr, None)
        if callable(offered):
            found = offered()
            urls = [found] if isinstance(found, str) else list(found or ())
            return [(u, 500) for u in urls]
    opts = conf.options
    if conf.kind == "rss" and getattr(connector, "spec", None) is not None:
        return [(connector.spec.url, 400)]
    if conf.kind == "mastodon":
        return [(f"{str(i).rstrip('/')}/api/v1/instance", 400) for i in opts.get("instances", [])]
    if conf.kind == "bluesky":
        return [(f"{str(opts.get('base_url') or 'https://bsky.social').rstrip('/')}/xrpc/_health", 500)]
    if conf.kind == "x":
        return [("https://api.twitter.com/2/openapi.json", 500)]
    return []


def check_source(conf: ConnectorSettings, connector: Any, timeout: float) -> Iterator[Check]:
    urls = probe_urls(conf, connector)
    if not urls:
        yield Check(f"source {conf.name}", True, f"no probe known for kind {conf.kind!r}; skipped")
    for url, bad_from in urls:
        yield probe(f"source {conf.name}", url, bad_from, timeout, feed=conf.kind == "rss")


FEED_MARKERS = (b"<rss", b"<feed", b"<rdf:rdf")


def probe(name: str, url: str, bad_from: int, timeout: float, *, feed: bool = False) -> Check:
    """HEAD (falling back to a GET whose body is never read) with a timeout. A ``feed`` that
    answers with a web page (HTML, and no feed element in its first KB) fails."""
    import httpx

    headers = {"User-Agent": USER_AGENT}
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers) as client:
            resp = client.head(url)
            if resp.status_code in (405, 501):
                with client.stream("GET", url) as streamed:
                    resp = streamed
            if feed and resp.status_code < bad_from and _looks_like_page(client, url, resp):
                return Check(name, False, f"{shown(url)}: HTTP {resp.status_code}, but a web page "
                                          "(text/html), not an RSS or Atom feed")
    except httpx.HTTPError as exc:
        return Check(name, False, f"{shown(url)}: {type(exc).__name__}")
    ok = resp.status_code < bad_from
    return Check(name, ok, f"{shown(url)}: HTTP {resp.status_code}")


def _looks_like_page(client: Any, url: str, resp: Any) -> bool:
    """HTML by its Content-Type, and no feed element in the first KB of the body."""
    if "html" not in resp.headers.get("content-type", "").lower():
        return False
    with client.stream("GET", url) as streamed:
        head = b""
        for chunk in streamed.iter_bytes():
            head += chunk
            if len(head) >= 1024:
                break
    return not any(marker in head[:1024].lower() for marker in FEED_MARKERS)


def shown(url: str) -> str:
    """The URL without its query (feed URLs such as Google Alerts' carry private tokens there)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")
