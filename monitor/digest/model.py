"""Frozen dataclasses that cross the digest's boundaries: selection -> rendering -> delivery.

Nothing here knows about SQL or Jinja2. Times are timezone-aware UTC; the renderer converts them to
the configured time zone for display only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from monitor.models import Spike


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of an excerpt; ``hit`` pieces are the matched alias and get highlighted."""

    text: str
    hit: bool = False


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One flagged mention as the digest shows it. All strings are already sanitised."""

    mention_id: int
    source: str
    author: str | None
    followers: int | None
    published_at: datetime
    title: str | None
    excerpt: tuple[Segment, ...]
    url: str | None  # None when the stored URL is not a plain http(s) link
    severity: str
    score: float
    categories: tuple[str, ...]
    reasons: tuple[str, ...]
    rules: tuple[str, ...]  # keys into monitor.digest.conduct.RULES
    cluster_size: int = 1
    triage_status: str | None = None
    first_sent_on: date | None = None  # for "still open": the digest it first went out in
    outlet: str | None = None  # the channel, feed or news outlet, shown beside the source
    actions: tuple[str, ...] = ()  # suggested actions ("answer", "share_thank"): "share" only
    engagement: int | None = None  # known likes/reposts/replies (+ cluster copies): "share" only


@dataclass(frozen=True, slots=True)
class ItemSection:
    """A section that lists mentions (urgent, attention, still open, worth sharing)."""

    kind: ClassVar[str] = "items"
    key: str
    items: tuple[DigestItem, ...]
    total: int  # how many belong here; ``total - len(items)`` are not listed (size cap)
    attention: bool = True  # False for "share": its items do not need attention
    more_command: str | None = None  # how to list the hidden ones; None: the default search

    @property
    def hidden(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True, slots=True)
class SpikeSection:
    kind: ClassVar[str] = "spikes"
    key: str
    spikes: tuple[Spike, ...]


@dataclass(frozen=True, slots=True)
class Cluster:
    """A story that was posted or shared several times."""

    cluster_id: int
    size: int
    sources: tuple[str, ...]
    sample: DigestItem


@dataclass(frozen=True, slots=True)
class CountSection:
    """Mentions that need no attention (info-level and unflagged): counted per source rather
    than listed; plus the biggest clusters."""

    kind: ClassVar[str] = "counts"
    key: str
    per_source: tuple[tuple[str, int], ...]
    clusters: tuple[Cluster, ...]

    @property
    def total(self) -> int:
        return sum(n for _, n in self.per_source)


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """One connector's health at digest time. ``problem`` is None when it is healthy."""

    name: str
    kind: str
    problem: str | None  # None | "failing" | "rate-limited" | "silent" | "never-ran"
    consecutive_failures: int
    last_success_at: datetime | None
    last_new_at: datetime | None
    # What went wrong, as a class with a short sentence in each language (``error_<class>``);
    # the technical detail (status line, response, errno) is for ``signaleer status`` only.
    error_class: str | None
    paused_until: datetime | None = None  # rate-limited by the source until then


@dataclass(frozen=True, slots=True)
class ChannelHealth:
    """An alert channel with messages that failed, or may not have arrived (``uncertain``: the
    sender was interrupted mid-send and does not send twice), since the previous digest."""

    name: str
    failed: int
    uncertain: int


@dataclass(frozen=True, slots=True)
class HealthSection:
    kind: ClassVar[str] = "health"
    key: str
    sources: tuple[SourceHealth, ...]
    channels: tuple[ChannelHealth, ...] = ()

    @property
    def unhealthy(self) -> tuple[SourceHealth, ...]:
        return tuple(s for s in self.sources if s.problem)

    @property
    def healthy_count(self) -> int:
        return len(self.sources) - len(self.unhealthy)


Section = ItemSection | SpikeSection | CountSection | HealthSection


@dataclass(frozen=True, slots=True)
class DigestContent:
    """Everything one digest says, in display order. Rendering is a pure function of this."""

    digest_date: date
    audience: str
    language: str
    institution: str
    timezone: str
    generated_at: datetime
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def item_count(self) -> int:
        """Mentions in listed sections (not counts), including those worth sharing."""
        return sum(s.total for s in self.sections if isinstance(s, ItemSection))

    @property
    def attention_count(self) -> int:
        """Mentions that needed a look: listed sections other than "worth sharing"."""
        return sum(s.total for s in self.sections if isinstance(s, ItemSection) and s.attention)

    @property
    def spike_count(self) -> int:
        return sum(len(s.spikes) for s in self.sections if isinstance(s, SpikeSection))

    @property
    def unhealthy(self) -> tuple[SourceHealth, ...]:
        found: tuple[SourceHealth, ...] = ()
        for s in self.sections:
            if isinstance(s, HealthSection):
                found += s.unhealthy
        return found

    @property
    def is_empty(self) -> bool:
        """Nothing needed attention: no listed items outside "worth sharing" and no spikes.

        Items worth sharing do not need attention, but they do make the digest worth sending:
        see :attr:`has_news`.
        """
        return self.attention_count == 0 and self.spike_count == 0

    @property
    def has_news(self) -> bool:
        """Anything to tell at all: something needing attention, or something worth sharing."""
        return not self.is_empty or self.item_count > 0


@dataclass(frozen=True, slots=True)
class RenderedDigest:
    """The two MIME parts and the subject of one digest or alert."""

    subject: str
    html: str
    text: str

    @property
    def html_bytes(self) -> int:
        return len(self.html.encode("utf-8"))
