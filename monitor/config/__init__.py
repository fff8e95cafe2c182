"""Load ``signaleer.toml`` into validated, frozen settings.

Config is found via ``--config FILE``, then ``$SIGNALEER_CONFIG``, then the user config dir, then
``/etc/signaleer/signaleer.toml``. The documented example ships in the package (``signaleer config
example``); its one copy is the repository's ``config.example.toml``.
Every error is a :class:`ConfigError` whose one-line message names the key and the bad value.
Secrets are never read from the file itself: only from ``SIGNALEER_*`` variables or ``*_file`` keys.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from monitor.config.alerts import (
    AlertsSettings,
    WebSettings,
    WeeklySettings,
    parse_alerts,
    parse_web,
    parse_weekly,
)
from monitor.config.classifier import ClassifierSettings, parse_classifier
from monitor.configschema import (
    check_keys,
    opt_bool,
    opt_int,
    opt_str,
    opt_str_list,
    opt_table,
    parse_every,
    parse_hhmm,
    read_secret,
)
from monitor.errors import ConfigError
from monitor.private_files import APP_NAME, default_data_dir
from monitor.redaction import remember_secret

CONFIG_ENV = "SIGNALEER_CONFIG"
DATABASE_ENV = "SIGNALEER_DATABASE_URL"
SYSTEM_CONFIG = Path("/etc/signaleer/signaleer.toml")
EXAMPLE_CONFIG = "config.example.toml"  # package data of ``monitor``; a link to the repository's


def example_config() -> str:
    """The documented example configuration, as shipped in the package."""
    return resources.files("monitor").joinpath(EXAMPLE_CONFIG).read_text(encoding="utf-8")


def default_config_path() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "signaleer.toml"


def default_database_url() -> str:
    return f"sqlite:///{default_data_dir() / 'signaleer.db'}"


@dataclass(frozen=True, slots=True)
class InstitutionSettings:
    name: str
    aliases: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    ambiguous_aliases: tuple[str, ...] = ()
    context_words: tuple[str, ...] = ()
    exclude_words: tuple[str, ...] = ()
    own_accounts: tuple[str, ...] = ()
    timezone: str = "Europe/Amsterdam"

    @property
    def all_names(self) -> tuple[str, ...]:
        """The name and every alias, without duplicates, in config order."""
        return tuple(dict.fromkeys((self.name, *self.aliases)))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str


@dataclass(frozen=True, slots=True)
class DigestSettings:
    time: str = "07:30"
    language: str = "nl"
    recipients: tuple[str, ...] = ()
    sender: str = "signaleer@localhost"
    subject_prefix: str = "[Signaleer]"
    send_when_empty: bool = True
    max_items: int = 50
    audience: str = "mc"
    failing_after_runs: int = 3
    silent_after_hours: int = 48
    alert_recipients: tuple[str, ...] = ()
    alerts_per_hour: int = 5
    output_dir: str | None = None


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str = "localhost"
    port: int = 587
    security: str = "starttls"  # "starttls", "tls" or "none"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: int = 30
    ca_file: str | None = None


DEFAULT_MAX_AGE = "7d"


@dataclass(frozen=True, slots=True)
class ConnectorSettings:
    name: str
    kind: str
    every: int  # seconds
    enabled: bool = True
    jitter: int = 0
    options: Mapping[str, Any] = field(default_factory=dict)
    # Items already older than this (seconds) when first seen are stored for search, never news.
    max_age: int = 7 * 86400


def next_collect_at(last_run: datetime | None, every: int, now: datetime) -> datetime:
    """When a connector runs next: ``every`` seconds after its last run, never in the past. (Here,
    with the settings, so that ``status`` need not import the daemon's jobs to say it.)"""
    if last_run is None:
        return now
    return max(now, last_run + timedelta(seconds=every))


@dataclass(frozen=True, slots=True)
class RetentionSettings:
    unflagged_days: int = 90
    flagged_days: int = 365
    pseudonymise_after_days: int = 30
    keep_fields: tuple[str, ...] = ()
    pseudonym_key: str | None = field(default=None, repr=False)


# "mailto:mc@school.example" or "https://school.example/about-signaleer": a printable ASCII word
# that fits in a User-Agent comment (no spaces, parentheses, quotes or semicolons).
_CONTACT = re.compile(r"(mailto:[^\s@()<>;\\\"]+@[^\s@()<>;\\\"]+\.[^\s@()<>;\\\"]+"
                      r"|https?://[^\s()<>;\\\"]+\.[^\s()<>;\\\"]+)")


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """What every request of the connectors says about us."""

    contact: str | None = None  # added to the User-Agent: feeds and APIs ask for a way to reach you


@dataclass(frozen=True, slots=True)
class Settings:
    institution: InstitutionSettings
    database: DatabaseSettings
    digest: DigestSettings
    smtp: SmtpSettings
    connectors: tuple[ConnectorSettings, ...]
    classifier: ClassifierSettings
    retention: RetentionSettings
    http: HttpSettings = HttpSettings()
    source: Path | None = None
    alerts: AlertsSettings = field(default_factory=AlertsSettings)
    web: WebSettings = field(default_factory=WebSettings)
    weekly: WeeklySettings = field(default_factory=WeeklySettings)

    def connector(self, name: str) -> ConnectorSettings:
        for conn in self.connectors:
            if conn.name == name:
                return conn
        known = ", ".join(c.name for c in self.connectors) or "none configured"
        raise ConfigError(f"no connector named {name!r} (known: {known})")


_TOP_KEYS = {
    "institution", "database", "digest", "smtp", "connectors", "classifier", "retention", "http",
    "alerts", "web", "weekly",
}


def locate_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    """``--config``, then ``$SIGNALEER_CONFIG``, then the user's config, then the system-wide one
    (:data:`SYSTEM_CONFIG`); ``None`` if none exists."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env)
    for candidate in (default_config_path(), SYSTEM_CONFIG):
        if candidate.exists():
            return candidate
    return None


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Find, read and validate the configuration. Without any file, built-in defaults apply."""
    found = locate_config(path)
    if found is None:
        return parse_settings({}, None)
    try:
        raw = tomllib.loads(Path(found).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {found}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {found}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{found}: invalid TOML: {exc}") from None
    return parse_settings(raw, Path(found))


def parse_settings(raw: Mapping[str, Any], source: Path | None) -> Settings:
    check_keys(raw, _TOP_KEYS, "")
    base = source.parent if source else Path.cwd()
    connectors = _connectors(raw.get("connectors", []), base)
    return Settings(
        institution=_institution(opt_table(raw, "institution")),
        database=_database(opt_table(raw, "database")),
        digest=_digest(opt_table(raw, "digest")),
        smtp=_smtp(opt_table(raw, "smtp"), base),
        connectors=connectors,
        classifier=parse_classifier(opt_table(raw, "classifier")),
        retention=_retention(opt_table(raw, "retention"), base),
        http=_http(opt_table(raw, "http")),
        source=source,
        alerts=parse_alerts(opt_table(raw, "alerts"), base),
        web=parse_web(opt_table(raw, "web")),
        weekly=parse_weekly(opt_table(raw, "weekly")),
    )


def _institution(t: Mapping[str, Any]) -> InstitutionSettings:
    keys = {f for f in InstitutionSettings.__dataclass_fields__}
    check_keys(t, keys, "institution")
    name = opt_str(t, "institution.name", "Curio")
    if not name.strip():
        raise ConfigError("institution.name: must not be empty")
    timezone = opt_str(t, "institution.timezone", "Europe/Amsterdam")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"institution.timezone: unknown time zone {timezone!r}") from None
    lists = {
        k: opt_str_list(t, f"institution.{k}")
        for k in keys - {"name", "timezone"}
    }
    return InstitutionSettings(name=name.strip(), timezone=timezone, **lists)


def _database(t: Mapping[str, Any]) -> DatabaseSettings:
    check_keys(t, {"url"}, "database")
    url = os.environ.get(DATABASE_ENV) or opt_str(t, "database.url", "") or default_database_url()
    if not url.startswith(("sqlite:", "postgresql:", "postgresql+psycopg:", "postgres:")):
        raise ConfigError(f"database.url: unsupported database URL scheme in {url.split(':')[0]!r}")
    url, password = escape_url_password(url)
    remember_secret(password)
    return DatabaseSettings(url=url)


def escape_url_password(url: str) -> tuple[str, str | None]:
    """``(url, password)`` with an unescaped ``@`` or ``/`` in the password percent-encoded.

    The userinfo ends at the *last* ``@`` before the host (as browsers read it); SQLAlchemy's
    ``make_url`` stops at the first, so ``postgresql://u:p@ss@host/db`` became host ``ss@host``
    and the password's tail showed in every error and in the masked URL.
    """
    scheme, sep, rest = url.partition("://")
    if not sep or scheme.startswith("sqlite"):
        return url, None
    netloc_end = rest.partition("?")[0].rfind("@")  # the query may hold an '@' of its own
    if netloc_end < 0:
        return url, None
    userinfo, host_part = rest[:netloc_end], rest[netloc_end + 1:]
    user, colon, password = userinfo.partition(":")
    if not colon:
        return url, None
    plain = unquote(password)
    return f"{scheme}://{user}:{quote(plain, safe='')}@{host_part}", plain


def _digest(t: Mapping[str, Any]) -> DigestSettings:
    check_keys(t, set(DigestSettings.__dataclass_fields__), "digest")
    d = DigestSettings()
    language = opt_str(t, "digest.language", d.language)
    if language not in ("nl", "en"):
        raise ConfigError(f"digest.language: expected 'nl' or 'en', got {language!r}")
    return DigestSettings(
        time=parse_hhmm(opt_str(t, "digest.time", d.time), "digest.time"),
        language=language,
        recipients=opt_str_list(t, "digest.recipients"),
        sender=opt_str(t, "digest.sender", d.sender),
        subject_prefix=opt_str(t, "digest.subject_prefix", d.subject_prefix),
        send_when_empty=opt_bool(t, "digest.send_when_empty", d.send_when_empty),
        max_items=opt_int(t, "digest.max_items", d.max_items, minimum=1),
        audience=opt_str(t, "digest.audience", d.audience),
        failing_after_runs=opt_int(t, "digest.failing_after_runs", d.failing_after_runs, minimum=1),
        silent_after_hours=opt_int(t, "digest.silent_after_hours", d.silent_after_hours, minimum=1),
        alert_recipients=opt_str_list(t, "digest.alert_recipients"),
        alerts_per_hour=opt_int(t, "digest.alerts_per_hour", d.alerts_per_hour, minimum=0),
        output_dir=opt_str(t, "digest.output_dir", "") or None,
    )


def _smtp(t: Mapping[str, Any], base: Path) -> SmtpSettings:
    check_keys(t, {"host", "port", "security", "username", "password", "password_file", "timeout",
                   "ca_file"},
               "smtp")
    security = opt_str(t, "smtp.security", "starttls")
    if security not in ("starttls", "tls", "none"):
        raise ConfigError(f"smtp.security: expected starttls, tls or none, got {security!r}")
    return SmtpSettings(
        host=opt_str(t, "smtp.host", "localhost"),
        port=opt_int(t, "smtp.port", 465 if security == "tls" else 587, minimum=1, maximum=65535),
        security=security,
        username=os.environ.get("SIGNALEER_SMTP_USERNAME") or opt_str(t, "smtp.username", "") or None,
        password=read_secret(t, "smtp.password", "SIGNALEER_SMTP_PASSWORD", base),
        timeout=opt_int(t, "smtp.timeout", 30, minimum=1),
        ca_file=opt_str(t, "smtp.ca_file", "") or None,
    )


def _http(t: Mapping[str, Any]) -> HttpSettings:
    check_keys(t, {"contact"}, "http")
    contact = opt_str(t, "http.contact", "").strip()
    if contact and (not contact.isascii() or not _CONTACT.fullmatch(contact)):
        raise ConfigError(f"http.contact: expected 'mailto:you@example.org' or an https:// URL, "
                          f"got {contact!r}")
    return HttpSettings(contact=contact or None)


def _retention(t: Mapping[str, Any], base: Path) -> RetentionSettings:
    check_keys(t, {"unflagged_days", "flagged_days", "pseudonymise_after_days", "keep_fields",
                   "pseudonym_key", "pseudonym_key_file"}, "retention")
    d = RetentionSettings()
    return RetentionSettings(
        unflagged_days=opt_int(t, "retention.unflagged_days", d.unflagged_days, minimum=1),
        flagged_days=opt_int(t, "retention.flagged_days", d.flagged_days, minimum=1),
        pseudonymise_after_days=opt_int(
            t, "retention.pseudonymise_after_days", d.pseudonymise_after_days, minimum=1),
        keep_fields=opt_str_list(t, "retention.keep_fields"),
        pseudonym_key=read_secret(t, "retention.pseudonym_key", "SIGNALEER_PSEUDONYM_KEY", base),
    )


def _resolve_files(options: Mapping[str, Any], base: Path) -> dict[str, Any]:
    """``*_file`` options (secrets) are relative to the config file's folder."""
    return {k: str(base / v) if k.endswith("_file") and isinstance(v, str) and v
            and not Path(v).is_absolute() else v for k, v in options.items()}


def _connectors(raw: Any, base: Path) -> tuple[ConnectorSettings, ...]:
    if not isinstance(raw, list):
        raise ConfigError("connectors: expected an array of tables ([[connectors]])")
    seen: set[str] = set()
    result = []
    for i, entry in enumerate(raw):
        where = f"connectors[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError(f"{where}: expected a table")
        check_keys(entry, {"name", "kind", "every", "enabled", "jitter", "options", "max_age"},
                   where)
        name = opt_str(entry, f"{where}.name", "")
        kind = opt_str(entry, f"{where}.kind", "")
        if not name or not kind:
            raise ConfigError(f"{where}: 'name' and 'kind' are required")
        if name in seen:
            raise ConfigError(f"{where}.name: duplicate connector name {name!r}")
        seen.add(name)
        result.append(ConnectorSettings(
            name=name,
            kind=kind,
            every=parse_every(opt_str(entry, f"{where}.every", "15m"), f"{where}.every"),
            enabled=opt_bool(entry, f"{where}.enabled", True),
            jitter=opt_int(entry, f"{where}.jitter", 0, minimum=0),
            max_age=parse_every(opt_str(entry, f"{where}.max_age", DEFAULT_MAX_AGE),
                                f"{where}.max_age"),
            options=_resolve_files(opt_table(entry, "options", where=f"{where}.options"), base),
        ))
    return tuple(result)
