"""Spikes: an hour with far more mentions than the rolling baseline (default 14 days).

Pure: feed it mentions (or anything with ``published_at``, ``text`` and ``source``) covering the
baseline period and the hours to check; get back frozen :class:`SpikeEvent`s. Storage decides
which rows to pass and what to do with the events (e.g. add category ``spike`` to those mentions).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Protocol

from monitor.classify.lexicon import AVAILABLE_LANGUAGES, read_lexicon_data
from monitor.classify.reasons import format_score, reason
from monitor.classify.text import prepare
from monitor.config.classifier import SpikeSettings

MIN_HISTORY_HOURS = 24
HOUR = timedelta(hours=1)


class SpikeInput(Protocol):
    @property
    def published_at(self) -> datetime: ...
    @property
    def text(self) -> str: ...
    @property
    def source(self) -> str: ...


@dataclass(frozen=True, slots=True)
class SpikeItem:
    """A minimal :class:`SpikeInput` when you have no full ``Mention`` at hand."""

    published_at: datetime
    text: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class SpikeEvent:
    """One spike hour: how many mentions, against what baseline, about what, from where."""

    hour: datetime  # start of the hour, UTC
    count: int
    baseline: float  # mean mentions per hour in the baseline window
    ratio: float  # count / baseline (inf when the baseline is 0)
    z: float
    top_terms: tuple[tuple[str, int], ...]
    sources: tuple[tuple[str, int], ...]
    mention_indexes: tuple[int, ...] = ()  # positions in the input that fall in this hour

    def reason(self, language: str = "nl") -> str:
        return reason("spike", language, count=self.count,
                      score=format_score(self.baseline, language))


def _hour(ts: datetime) -> datetime:
    ts = ts.astimezone(UTC) if ts.tzinfo else ts.replace(tzinfo=UTC)
    return ts.replace(minute=0, second=0, microsecond=0)


@lru_cache(maxsize=1)
def _default_stopwords() -> frozenset[str]:
    words: set[str] = set()
    for lang in AVAILABLE_LANGUAGES:
        words.update(read_lexicon_data(lang).get("lists", {}).get("stopwords", ()))
    return frozenset(words)


def _baseline(counts: dict[datetime, int], hour: datetime, first: datetime,
              days: int) -> tuple[float, float, int]:
    """(mean, std, hours of history) over the window before ``hour`` (zero hours included)."""
    start = max(hour - timedelta(days=days), first)
    hours = int((hour - start) / HOUR)
    if hours <= 0:
        return 0.0, 0.0, 0
    values = [counts.get(start + i * HOUR, 0) for i in range(hours)]
    mean = sum(values) / hours
    var = sum((v - mean) ** 2 for v in values) / hours
    return mean, math.sqrt(var), hours


def _top_terms(texts: Sequence[str], stopwords: frozenset[str], ignore: frozenset[str],
               n: int) -> tuple[tuple[str, int], ...]:
    counter: Counter[str] = Counter()
    for text in texts:
        counter.update({t for t in prepare(text).tokens
                        if len(t) > 2 and not t.isdigit() and t not in stopwords
                        and t not in ignore and not t.startswith("@")})
    return tuple((t, c) for t, c in counter.most_common(n) if c >= 2)


def detect_spikes(
    items: Iterable[SpikeInput],
    settings: SpikeSettings | None = None,
    *,
    since: datetime | None = None,
    ignore_terms: Iterable[str] = (),
    stopwords: frozenset[str] | None = None,
) -> tuple[SpikeEvent, ...]:
    """Spike hours at or after ``since`` (default: all), oldest first.

    An hour is a spike when its count is at least ``min_count``, at least ``factor`` times the
    baseline mean, and at least ``min_z`` standard deviations above it (the deviation is floored
    at sqrt(mean) and 1, so a quiet baseline does not make every small bump a spike).
    Hours with less than a day of history before them are never reported.
    """
    s = settings or SpikeSettings()
    rows = list(items)
    if not rows:
        return ()
    hours = [_hour(r.published_at) for r in rows]
    counts = Counter(hours)
    first = min(hours)
    floor = _hour(since) if since else first
    events = []
    for hour in sorted(h for h, c in counts.items() if c >= s.min_count and h >= floor):
        event = _check_hour(hour, counts, first, s, rows, hours, ignore_terms, stopwords)
        if event is not None:
            events.append(event)
    return tuple(events)


def _check_hour(hour: datetime, counts: dict[datetime, int], first: datetime, s: SpikeSettings,
                rows: Sequence[SpikeInput], hours: Sequence[datetime], ignore_terms: Iterable[str],
                stopwords: frozenset[str] | None) -> SpikeEvent | None:
    count = counts[hour]
    mean, std, history = _baseline(counts, hour, first, s.baseline_days)
    if history < MIN_HISTORY_HOURS:
        return None
    z = (count - mean) / max(std, math.sqrt(mean), 1.0)
    if count < s.factor * mean or z < s.min_z:
        return None
    idx = tuple(i for i, h in enumerate(hours) if h == hour)
    ignore = frozenset(w.lower().lstrip("@#") for w in ignore_terms)
    terms = _top_terms([rows[i].text for i in idx], stopwords or _default_stopwords(), ignore,
                       s.top_terms)
    sources = tuple(Counter(rows[i].source or "?" for i in idx).most_common())
    return SpikeEvent(hour=hour, count=count, baseline=round(mean, 3),
                      ratio=round(count / mean, 2) if mean else math.inf, z=round(z, 2),
                      top_terms=terms, sources=sources, mention_indexes=idx)
