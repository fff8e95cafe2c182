"""The ``[alerts]``, ``[weekly]`` and ``[web]`` sections: chat channels for urgent items and
spikes, the weekly overview, and where the web inbox lives.

Each ``[[alerts.channels]]`` entry names an Apprise URL (``url``) or a file holding it
(``url_file``). The URL is a secret — it carries the webhook's token — so it is remembered for
redaction at once and never shown: ``repr`` leaves it out and ``doctor`` shows only the service.
Shape, values and categories are checked here; whether Apprise understands the URL is checked
by :func:`monitor.runtime.check_parts` (Apprise is loaded only where channels are configured).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from monitor.config.classifier import CATEGORIES
from monitor.configschema import (
    check_keys,
    opt_bool,
    opt_int,
    opt_str,
    opt_str_list,
    parse_hhmm,
    read_secret_file,
)
from monitor.errors import ConfigError
from monitor.redaction import remember_secret

SEVERITIES = ("info", "attention", "urgent")
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
SECRET_PART_CHARS = 8  # URL parts at least this long (path, password, query) are treated as tokens


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """One chat channel. ``quiet_hours`` is ``(start, end)`` local time, e.g. ``("22:00", "07:00")``."""

    name: str
    url: str = field(repr=False)
    min_severity: str = "urgent"
    categories: tuple[str, ...] = ()  # empty: every category
    quiet_hours: tuple[str, str] | None = None
    max_per_hour: int = 5
    spikes: bool = True
    weekly: bool = False  # post the weekly overview here


@dataclass(frozen=True, slots=True)
class AlertsSettings:
    channels: tuple[ChannelSettings, ...] = ()

    def channel(self, name: str) -> ChannelSettings:
        for channel in self.channels:
            if channel.name == name:
                return channel
        known = ", ".join(c.name for c in self.channels) or "none configured"
        raise ConfigError(f"no alert channel named {name!r} (known: {known})")


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class WeeklySettings:
    """The weekly overview: sent on ``day`` at ``time`` (local) about the seven days before."""

    enabled: bool = False
    day: str = "monday"
    time: str = "08:00"
    recipients: tuple[str, ...] = ()  # default: the digest's recipients


def parse_weekly(t: Mapping[str, Any]) -> WeeklySettings:
    check_keys(t, {"enabled", "day", "time", "recipients"}, "weekly")
    day = opt_str(t, "weekly.day", "monday").strip().lower()
    if day not in WEEKDAYS:
        raise ConfigError(f"weekly.day: expected one of {', '.join(WEEKDAYS)}, got {day[:20]!r}")
    return WeeklySettings(enabled=opt_bool(t, "weekly.enabled", False), day=day,
                          time=parse_hhmm(opt_str(t, "weekly.time", "08:00"), "weekly.time"),
                          recipients=opt_str_list(t, "weekly.recipients"))


@dataclass(frozen=True, slots=True)
class WebSettings:
    base_url: str | None = None  # links in chat alerts go to {base_url}/mentions/{id}

    def mention_url(self, mention_id: int) -> str | None:
        return f"{self.base_url}/mentions/{mention_id}" if self.base_url else None


def parse_web(t: Mapping[str, Any]) -> WebSettings:
    check_keys(t, {"base_url"}, "web")
    base = opt_str(t, "web.base_url", "").strip().rstrip("/")
    if base and not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", base):
        raise ConfigError(f"web.base_url: expected an http(s) address like "
                          f"'https://signaleer.example.nl', got {base[:60]!r}")
    return WebSettings(base_url=base or None)


def parse_alerts(t: Mapping[str, Any], base: Path) -> AlertsSettings:
    check_keys(t, {"channels"}, "alerts")
    raw = t.get("channels", [])
    if not isinstance(raw, list):
        raise ConfigError("alerts.channels: expected an array of tables ([[alerts.channels]])")
    channels: list[ChannelSettings] = []
    for i, entry in enumerate(raw):
        channel = _channel(entry, f"alerts.channels[{i}]", base)
        if any(c.name == channel.name for c in channels):
            raise ConfigError(f"alerts.channels[{i}].name: duplicate channel name {channel.name!r}")
        channels.append(channel)
    return AlertsSettings(channels=tuple(channels))


_CHANNEL_KEYS = {"name", "url", "url_file", "min_severity", "categories", "quiet_hours",
                 "max_per_hour", "spikes", "weekly"}


def _channel(entry: Any, where: str, base: Path) -> ChannelSettings:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table")
    check_keys(entry, _CHANNEL_KEYS, where)
    name = opt_str(entry, f"{where}.name", "").strip()
    if not _NAME.fullmatch(name):
        raise ConfigError(f"{where}.name: expected a short name of lower-case letters, digits, '-' "
                          f"or '_' (like 'mc-teams'), got {name[:60]!r}")
    severity = opt_str(entry, f"{where}.min_severity", "urgent")
    if severity not in SEVERITIES:
        raise ConfigError(f"{where}.min_severity: expected one of {', '.join(SEVERITIES)}, "
                          f"got {severity[:30]!r}")
    quiet = opt_str(entry, f"{where}.quiet_hours", "").strip()
    categories = tuple(c.lower() for c in opt_str_list(entry, f"{where}.categories"))
    for category in categories:
        if category not in CATEGORIES:
            raise ConfigError(f"{where}.categories: unknown category {category[:40]!r} "
                              f"(known: {', '.join(CATEGORIES)})")
    return ChannelSettings(
        name=name, url=_url(entry, where, base), min_severity=severity, categories=categories,
        quiet_hours=_quiet_hours(quiet, f"{where}.quiet_hours") if quiet else None,
        max_per_hour=opt_int(entry, f"{where}.max_per_hour", 5, minimum=1, maximum=1000),
        spikes=opt_bool(entry, f"{where}.spikes", True),
        weekly=opt_bool(entry, f"{where}.weekly", False))


def _quiet_hours(text: str, dotted: str) -> tuple[str, str]:
    start, dash, end = text.partition("-")
    if not dash:
        raise ConfigError(f"{dotted}: expected a range like '22:00-07:00', got {text[:60]!r}")
    start, end = parse_hhmm(start, dotted), parse_hhmm(end, dotted)
    if start == end:
        raise ConfigError(f"{dotted}: start and end are the same ({start}); leave it out for none")
    return start, end


def _url(entry: Mapping[str, Any], where: str, base: Path) -> str:
    """The channel's URL from ``url`` or ``url_file`` (exactly one), remembered as a secret."""
    if ("url" in entry) == ("url_file" in entry):
        raise ConfigError(f"{where}: set exactly one of 'url' and 'url_file'")
    if "url" in entry:
        url = opt_str(entry, f"{where}.url", "").strip()
    else:
        url = read_secret_file(entry, f"{where}.url_file", base)
    remember_url(url)
    if not re.fullmatch(r"[a-z][a-z0-9+.-]*://\S+", url):
        raise ConfigError(f"{where}: the URL is not an Apprise URL like 'mmosts://host/token' "
                          f"(not shown: it is a secret)")
    return url


def remember_url(url: str) -> None:
    """Redact the whole URL and each part of it that may be a token, wherever it shows up."""
    remember_secret(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return
    pieces = [parts.password or "", parts.username or "",
              *parts.path.split("/"), *(v for _, v in parse_qsl(parts.query))]
    for piece in pieces:
        if len(unquote(piece)) >= SECRET_PART_CHARS:
            remember_secret(piece)
