"""Domain dataclasses that cross module boundaries. No SQLAlchemy here: ORM rows stay in storage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How urgently M&C must look at a mention. Ordered: ``none < info < attention < urgent``."""

    NONE = "none"
    INFO = "info"
    ATTENTION = "attention"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]

    @classmethod
    def parse(cls, value: str) -> Severity:
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None


_SEVERITY_RANK = {Severity.NONE: 0, Severity.INFO: 1, Severity.ATTENTION: 2, Severity.URGENT: 3}


class TriageStatus(StrEnum):
    """M&C's judgement of a mention. A mention is *open* until its latest triage closes it."""

    RELEVANT = "relevant"
    NOT_RELEVANT = "not-relevant"
    HANDLED = "handled"

    @property
    def closes(self) -> bool:
        return self is not TriageStatus.RELEVANT


# What a search may ask of the triage: open (not closed), never triaged, or a latest status.
TRIAGE_FILTERS = ("open", "untriaged", *(s.value for s in TriageStatus))


@dataclass(frozen=True, slots=True)
class Mention:
    """One public post, article or video that (probably) mentions the institution."""

    source: str  # the connector's configured name ("omroep-brabant"): with external_id, the key
    external_id: str  # stable id from the source; else canonical URL; else content hash
    url: str
    text: str
    published_at: datetime  # timezone-aware UTC
    author: str | None = None
    author_followers: int | None = None
    title: str | None = None
    lang: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # allow-listed source fields only
    kind: str | None = None  # "rss", "youtube", "mastodon", "bluesky", "x": shown beside the name

    @property
    def outlet(self) -> str | None:
        """The channel, feed or news outlet the item came from, when the connector knows it."""
        value = (self.extra or {}).get("outlet")
        return value.strip() or None if isinstance(value, str) else None

    @property
    def label(self) -> str:
        """How people see where it came from: the connector's name and, if known, its outlet."""
        outlet = self.outlet
        return f"{self.source} ({outlet})" if outlet and outlet != self.source else self.source


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one connector fetch returns: the items and the cursor that covers them."""

    mentions: tuple[Mention, ...]
    new_cursor: Mapping[str, str] | None
    http_status: int | None = None
    warnings: tuple[str, ...] = ()
    not_modified: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's judgement of one mention. ``reasons`` are sentences a person understands."""

    severity: Severity
    score: float
    categories: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return self.severity is not Severity.NONE


@dataclass(frozen=True, slots=True)
class StoredMention:
    """A mention as read back from storage, with its database id and latest verdict."""

    id: int
    mention: Mention
    collected_at: datetime
    canonical_url: str | None = None
    cluster_id: int | None = None
    verdict: Verdict | None = None
    triage_status: str | None = None


@dataclass(frozen=True, slots=True)
class TriageEntry:
    """One triage action on a mention."""

    mention_id: int
    status: str  # a TriageStatus value
    actor: str
    at: datetime
    note: str | None = None


@dataclass(frozen=True, slots=True)
class InsertResult:
    """Outcome of ``store.insert_new``: ids of the rows that were new, and how many were duplicates."""

    new_ids: tuple[int, ...]
    duplicates: int


@dataclass(frozen=True, slots=True)
class Spike:
    """A burst of mentions found by the classifier's spike detector."""

    id: int
    window_start: datetime
    window_end: datetime
    count: int
    baseline: float
    top_terms: tuple[str, ...]
    sources: tuple[str, ...]


def utc_from_iso(value: str) -> datetime:
    """An ISO 8601 date-time as timezone-aware UTC; no zone means UTC. Raises ``ValueError``.

    The one parser of time stamps from sources and input files (``Z`` and ``z`` included).
    """
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except OverflowError:  # year 1 at +14:00 is before year 1 UTC
        raise ValueError(f"out of range: {value[:40]!r}") from None
