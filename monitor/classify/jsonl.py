"""Mention JSON lines (the import format) -> ``Mention``; one bad line never stops the rest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from monitor.errors import InputError
from monitor.models import Mention

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_OPTIONAL_STR = ("author", "title", "lang")


@dataclass(frozen=True, slots=True)
class Line:
    """One input line: its number, the parsed record (or None) and the error (or None)."""

    number: int
    record: Mapping[str, Any] | None
    error: str | None = None


def read_lines(lines: Iterable[str]) -> Iterator[Line]:
    """Parse JSON objects line by line; blank lines are skipped, bad ones reported."""
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text:
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Line(number, None, f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        if not isinstance(record, dict):
            yield Line(number, None, "expected a JSON object")
            continue
        yield Line(number, record)


def _published(value: Any) -> datetime:
    if value is None:
        return _EPOCH
    if not isinstance(value, str):
        raise InputError("published_at: expected an ISO 8601 string")
    try:
        ts = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"published_at: not an ISO 8601 date-time: {value!r}") from None
    return ts.astimezone(UTC) if ts.tzinfo else ts.replace(tzinfo=UTC)


def _followers(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError("author_followers: expected a whole number >= 0")
    return value


def mention_from_record(record: Mapping[str, Any], number: int = 0) -> Mention:
    """Build a ``Mention``; only ``text`` is required. Raises ``InputError`` naming the field."""
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("text: required, a non-empty string")
    for key in (*_OPTIONAL_STR, "source", "external_id", "url"):
        if record.get(key) is not None and not isinstance(record[key], str):
            raise InputError(f"{key}: expected a string")
    ident = record.get("id")
    return Mention(
        source=record.get("source") or "input",
        external_id=record.get("external_id") or str(ident if ident is not None else number),
        url=record.get("url") or "",
        text=text,
        published_at=_published(record.get("published_at")),
        author=record.get("author"),
        author_followers=_followers(record.get("author_followers")),
        title=record.get("title"),
        lang=record.get("lang"),
    )
