"""Making hostile post text safe to show: control characters, links, excerpts with highlights.

HTML escaping is *not* done here: Jinja2's autoescape does it in the templates. This module removes
what escaping cannot fix (CR/LF and other control characters, bidi overrides, ``javascript:`` links)
and keeps every string short, so one post cannot blow up the size of the email.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from monitor.digest.model import Segment
from monitor.matching import strip_tracking

EXCERPT_CHARS = 280
MAX_URL_CHARS = 2000
# C0/C1 controls (incl. CR/LF/TAB, which become spaces) and bidi overrides/isolates that can
# make text display in a different order than it reads.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")


def one_line(value: str | None, limit: int = 200) -> str:
    """Collapse whitespace and remove control characters; cap at ``limit`` chars with '…'."""
    if not value:
        return ""
    flat = _SPACES.sub(" ", _CONTROL.sub(" ", value)).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def safe_href(url: str | None) -> str | None:
    """The URL, without tracking parameters, if it is a plain http(s) link with a host; otherwise
    None (no ``javascript:``)."""
    if not url or len(url) > MAX_URL_CHARS or _CONTROL.search(url) or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return strip_tracking(url)


def alias_pattern(aliases: Iterable[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for the aliases as whole words, longest first."""
    names = sorted({a.strip() for a in aliases if a and a.strip()}, key=len, reverse=True)
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def excerpt(text: str, pattern: re.Pattern[str] | None,
            limit: int = EXCERPT_CHARS) -> tuple[Segment, ...]:
    """A window of ``text`` around the first alias hit, split into plain and highlighted pieces."""
    flat = one_line(text, limit=len(text) + 1)
    first = pattern.search(flat) if pattern else None
    start = 0
    if first and first.end() > limit - 20:
        start = max(0, first.start() - limit // 3)
        start = _word_start(flat, start)
    window = flat[start:start + limit]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + limit < len(flat) else ""
    return _split(prefix + window.strip() + suffix, pattern)


def _word_start(text: str, index: int) -> int:
    space = text.find(" ", index)
    return space + 1 if 0 <= space < index + 20 else index


def _split(text: str, pattern: re.Pattern[str] | None) -> tuple[Segment, ...]:
    if not pattern:
        return (Segment(text),) if text else ()
    segments: list[Segment] = []
    pos = 0
    for match in pattern.finditer(text):
        if match.start() > pos:
            segments.append(Segment(text[pos:match.start()]))
        segments.append(Segment(match.group(0), hit=True))
        pos = match.end()
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return tuple(segments)


def header_safe(value: str, limit: int = 150) -> str:
    """For mail headers: one line, no control characters (so no header injection), capped."""
    return one_line(value, limit)
