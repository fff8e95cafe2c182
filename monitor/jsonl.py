"""The mention JSON-lines format shared by ``import``, ``classify`` and the benchmarks.

One JSON object per line: ``source``, ``external_id``, ``url``, ``text``, ``published_at`` (ISO 8601),
optional ``author``, ``author_followers``, ``title``, ``lang``, ``kind``. ``source`` names the source
(a connector's name, or any label); with ``external_id`` it is the key. Extra keys (``id``, ``label``, ...)
are ignored here and may be read by the caller. A missing or bad field is an error naming it.

``classify`` and the classifier's labelled files read with ``text_only=True``: only ``text`` is
required, because a verdict depends on nothing else that may be missing. Such a mention's key is its
``id`` (else its line number) and its date the time of reading: it is never stored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.models import Mention, utc_from_iso

REQUIRED = ("source", "external_id", "url", "text", "published_at")
OPTIONAL_STR = ("author", "title", "lang", "kind")


class LineError(ValueError):
    """Why one line was rejected (a short phrase; the caller adds the line number)."""


@dataclass(frozen=True, slots=True)
class ParsedLine:
    number: int
    mention: Mention
    raw: Mapping[str, Any]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Rejected:
    """A line that could not be read: its number, why, and the decoded object if it was JSON."""

    number: int
    reason: str
    raw: Mapping[str, Any] | None = None


def parse_datetime(value: Any, field: str = "published_at") -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise LineError(f"{field}: expected an ISO 8601 date-time string")
    try:
        return utc_from_iso(value)
    except ValueError:
        raise LineError(f"{field}: not an ISO 8601 date-time: {value[:40]!r}") from None


def _string(obj: Mapping[str, Any], key: str, warnings: list[str], *, required: bool) -> str | None:
    value = obj.get(key)
    if value is None:
        if required:
            raise LineError(f"missing field {key!r}")
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and key == "external_id":
        value = str(value)
    if not isinstance(value, str):
        raise LineError(f"{key}: expected a string, got {type(value).__name__}")
    if "\x00" in value:
        warnings.append(f"removed NUL bytes from {key}")
        value = value.replace("\x00", "")
    if required and not value.strip():
        raise LineError(f"{key}: must not be empty")
    return value


def _followers(obj: Mapping[str, Any]) -> int | None:
    value = obj.get("author_followers")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise LineError("author_followers: expected a whole number >= 0")
    return value


def mention_from_json(obj: Any, *, text_only: bool = False, number: int = 0
                      ) -> tuple[Mention, tuple[str, ...]]:
    """Validate one decoded object. ``text_only`` fills defaults for all but ``text``."""
    if not isinstance(obj, dict):
        raise LineError("expected a JSON object")
    warnings: list[str] = []
    strict = not text_only
    text = _string(obj, "text", warnings, required=True) or ""
    published = (parse_datetime(obj["published_at"]) if obj.get("published_at") is not None
                 else _missing("published_at", strict))
    ident = obj.get("id")
    mention = Mention(
        source=_string(obj, "source", warnings, required=strict) or "input",
        external_id=_string(obj, "external_id", warnings, required=strict)
        or str(ident if ident is not None else number),
        url=_string(obj, "url", warnings, required=strict) or "",
        text=text,
        published_at=published,
        author=_string(obj, "author", warnings, required=False),
        author_followers=_followers(obj),
        title=_string(obj, "title", warnings, required=False),
        lang=_string(obj, "lang", warnings, required=False),
        kind=_string(obj, "kind", warnings, required=False),
    )
    return mention, tuple(warnings)


def _missing(field: str, strict: bool) -> datetime:
    if strict:
        raise LineError(f"missing field {field!r}")
    return datetime.now(UTC)


def decode_line(raw: bytes | str) -> Any:
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LineError(f"invalid UTF-8 at byte {exc.start}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise LineError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise LineError("invalid JSON: nested too deeply") from None


def read_objects(lines: Iterable[bytes | str]) -> Iterator[tuple[int, Any] | Rejected]:
    """``(line_number, decoded JSON)`` per non-blank line, or a ``Rejected`` one."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            yield number, decode_line(raw)
        except LineError as exc:
            yield Rejected(number, str(exc))


def iter_lines(lines: Iterable[bytes | str], *, text_only: bool = False
               ) -> Iterator[ParsedLine | Rejected]:
    """Yield a ``ParsedLine`` per good line, or a ``Rejected`` one with the reason."""
    for item in read_objects(lines):
        if isinstance(item, Rejected):
            yield item
            continue
        number, obj = item
        try:
            mention, warnings = mention_from_json(obj, text_only=text_only, number=number)
        except LineError as exc:
            yield Rejected(number, str(exc), obj if isinstance(obj, dict) else None)
            continue
        yield ParsedLine(number, mention, obj, warnings)
