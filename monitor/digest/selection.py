"""What goes into a digest, and in which section and order. Reads only; never writes.

Sections are declared in two small tables. ``SECTION_RULES`` sorts each new flagged mention into
the first section whose rule applies (that key is stored in ``digest_items.section``). ``LAYOUT``
says which sections the email shows, in which order, and how (a list of items, spikes, counts,
still-open items, source health, things worth sharing). To add a section: one ``SectionRule``
before "other", one entry in ``LAYOUT`` and a ``section_<key>`` label in both languages.

"Worth sharing / Om te delen" (:mod:`monitor.digest.share`) is such a section, with its own kind:
it ranks by reach and engagement, lists at most ``share.MAX_SHARE`` items with a suggested action
each, and takes what is left of the ``max_items`` budget only after the attention sections and
"still open" have had theirs. It sits after the attention sections, so the first matching rule
keeps anything attention-worthy out of it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import Connection

from monitor.classify.identity import Identity
from monitor.config import Settings
from monitor.digest import health, share
from monitor.digest.conduct import rules_for
from monitor.digest.model import (
    ChannelHealth,
    Cluster,
    CountSection,
    DigestContent,
    DigestItem,
    HealthSection,
    ItemSection,
    Section,
    SourceHealth,
    SpikeSection,
)
from monitor.digest.text import alias_pattern, excerpt, one_line, safe_href
from monitor.models import Severity, Spike, StoredMention
from monitor.store import digests as db
from monitor.store.chat_outbox import channel_summaries
from monitor.store.reading import stored_mentions

TOP_CLUSTERS = 3
MAX_REASONS = 4


@dataclass(frozen=True, slots=True)
class SectionRule:
    key: str
    applies: Callable[[StoredMention], bool]
    own_accounts: bool = True  # False: posts by the institution's own accounts never match


def _severity(item: StoredMention) -> str:
    return item.verdict.severity.value if item.verdict else "none"


SECTION_RULES: tuple[SectionRule, ...] = (
    SectionRule("urgent", lambda m: _severity(m) == "urgent"),
    SectionRule("attention", lambda m: _severity(m) == "attention"),
    SectionRule(share.SECTION, share.is_shareable, own_accounts=False),
    SectionRule("other", lambda m: _severity(m) == "info"),
)
# (section key, kind). Kinds: items | spikes | share | counts | open | health.
LAYOUT: tuple[tuple[str, str], ...] = (
    ("urgent", "items"), ("attention", "items"), ("spikes", "spikes"), (share.SECTION, "share"),
    ("other", "counts"), ("open", "open"), ("health", "health"),
)
# Kinds that get what is left of the ``max_items`` budget after all the others.
LAST_IN_BUDGET = frozenset({"share"})


def assign_sections(items: Iterable[StoredMention],
                    is_own: Callable[[str | None], bool] | None = None) -> dict[int, str]:
    """mention id -> section key, by the first rule that applies; unmatched mentions are left out.

    ``is_own`` tells whether an author is one of the institution's own accounts.
    """
    found: dict[int, str] = {}
    for item in items:
        own = bool(is_own and is_own(item.mention.author))
        rule = next((r for r in SECTION_RULES
                     if (r.own_accounts or not own) and r.applies(item)), None)
        if rule is not None:
            found[item.id] = rule.key
    return found


def rank_key(item: StoredMention) -> tuple[float, float, float, int]:
    """Severity × reach (followers, log-scaled), then classifier score, then newest first."""
    verdict = item.verdict
    sev = verdict.severity.rank if verdict else Severity.NONE.rank
    reach = 1.0 + math.log10(1 + max(0, item.mention.author_followers or 0))
    score = verdict.score if verdict else 0.0
    return (-sev * reach, -score, -item.mention.published_at.timestamp(), item.id)


@dataclass(frozen=True, slots=True)
class _Inputs:
    """What selection read from storage for one digest."""

    sections: Mapping[int, str]
    mentions: Mapping[int, StoredMention]
    spikes: tuple[Spike, ...]
    open_items: tuple[tuple[StoredMention, date], ...]
    clusters: Mapping[int, tuple[int, tuple[str, ...]]]
    health: tuple[SourceHealth, ...]
    # per source: unflagged mentions collected since the last digest
    quiet: Mapping[str, int] = field(default_factory=dict)
    channels: tuple[ChannelHealth, ...] = ()  # alert channels in trouble since the last digest


def read_inputs(conn: Connection, settings: Settings, digest_date: date, now: datetime,
                digest_id: int | None, claimed_at: datetime | None = None) -> _Inputs:
    """For a claimed digest, its linked items and spikes; otherwise today's candidates.

    "Still open" lists items of digests delivered before ``claimed_at`` (default: now), so a
    late retry of yesterday's digest does not show up again in today's.
    """
    if digest_id is None:
        before = _end_of(digest_date, settings, now)
        candidates = stored_mentions(conn, db.undigested_flagged_ids(conn, before))
        sections = assign_sections(candidates, Identity.from_institution(settings.institution).is_own)
        by_id = {m.id: m for m in candidates if m.id in sections}
    else:
        sections = db.digest_item_sections(conn, digest_id)
        by_id = {m.id: m for m in stored_mentions(conn, list(sections))}
    open_rows = db.still_open(conn, digest_date, settings.digest.audience, claimed_at or now)
    open_by_id = {m.id: m for m in stored_mentions(conn, [mid for mid, _ in open_rows])}
    open_items = tuple((open_by_id[mid], d) for mid, d in open_rows if mid in open_by_id)
    cluster_ids = {m.cluster_id for m in (*by_id.values(), *open_by_id.values()) if m.cluster_id}
    return _Inputs(
        sections=sections, mentions=by_id, spikes=tuple(db.spikes_for(conn, digest_id)),
        open_items=open_items, clusters=db.cluster_members(conn, cluster_ids),
        health=health.judge(db.connector_statuses(conn), settings, now),
        quiet=_quiet(conn, settings, now, digest_id, claimed_at, digest_date),
        channels=_channels(conn, settings, claimed_at or now))


def _channels(conn: Connection, settings: Settings, at: datetime) -> tuple[ChannelHealth, ...]:
    """Alert channels whose messages failed or may not have arrived since the previous digest
    (or in the last day, before the first)."""
    since = db.previous_digest_at(conn, settings.digest.audience, at) or at - timedelta(days=1)
    return tuple(ChannelHealth(s.channel, s.count("failed"), s.count("uncertain"))
                 for s in channel_summaries(conn, since) if s.troubled)


def _end_of(digest_date: date, settings: Settings, now: datetime) -> datetime | None:
    """For a digest of an earlier day: the end of that day (local); nothing collected later
    belongs in it. ``None`` for today and later."""
    tz = settings.institution.tz
    end = datetime.combine(digest_date + timedelta(days=1), time(0), tzinfo=tz)
    return end if end <= now else None


def _quiet(conn: Connection, settings: Settings, now: datetime, digest_id: int | None,
           claimed_at: datetime | None, digest_date: date) -> Mapping[str, int]:
    """Unflagged mentions per source collected since the previous digest: up to this one's
    claim once it is claimed (so a re-render counts the same), else up to now (or the end of
    an earlier day)."""
    until = claimed_at if digest_id is not None else _end_of(digest_date, settings, now)
    since = db.previous_digest_at(conn, settings.digest.audience, claimed_at or now)
    return db.quiet_counts(conn, since, until)


def build_content(inputs: _Inputs, settings: Settings, digest_date: date, now: datetime,
                  *, max_items: int | None = None) -> DigestContent:
    """Arrange the inputs into sections; list at most ``max_items`` mentions in all."""
    builder = _Builder(inputs, settings, max_items or settings.digest.max_items)
    in_budget_order = sorted(LAYOUT, key=lambda entry: entry[1] in LAST_IN_BUDGET)
    built = {key: builder.build(key, kind) for key, kind in in_budget_order}
    sections = tuple(s for key, _ in LAYOUT if (s := built[key]) is not None)
    return DigestContent(
        digest_date=digest_date, audience=settings.digest.audience,
        language=settings.digest.language, institution=settings.institution.name,
        timezone=settings.institution.timezone, generated_at=now, sections=sections)


class _Builder:
    def __init__(self, inputs: _Inputs, settings: Settings, budget: int) -> None:
        self.inputs = inputs
        self.budget = budget
        self.fallback = alias_pattern(settings.institution.all_names)

    def build(self, key: str, kind: str) -> Section | None:
        if kind == "items":
            return self._items(key)
        if kind == "spikes":
            return SpikeSection(key, self.inputs.spikes)
        if kind == "share":
            return self._share(key)
        if kind == "counts":
            return self._counts(key)
        if kind == "open":
            return self._open(key)
        if kind == "health":
            return HealthSection(key, self.inputs.health, self.inputs.channels)
        raise ValueError(f"unknown section kind {kind!r}")

    def _take(self, ranked: Sequence[StoredMention]) -> Sequence[StoredMention]:
        shown = ranked[: max(0, self.budget)]
        self.budget -= len(shown)
        return shown

    def _items(self, key: str) -> ItemSection:
        ranked = sorted(self._members(key), key=rank_key)
        return ItemSection(key, tuple(self.item(m) for m in self._take(ranked)), len(ranked))

    def _share(self, key: str) -> ItemSection:
        """Top praise and questions by reach and engagement, each with its suggested action."""
        clusters = self.inputs.clusters
        ranked = sorted(self._members(key), key=lambda m: share.share_rank_key(m, clusters))
        shown = ranked[: max(0, min(share.MAX_SHARE, self.budget))]
        self.budget -= len(shown)
        items = tuple(self._share_item(m) for m in shown)
        more = share.more_command(ranked[len(shown):]) if len(ranked) > len(shown) else None
        return ItemSection(key, items, len(ranked), attention=False, more_command=more)

    def _share_item(self, stored: StoredMention) -> DigestItem:
        item = self.item(stored)
        return replace(item, actions=share.actions_for(item.categories),
                       engagement=share.engagement(stored, item.cluster_size))

    def _members(self, key: str) -> list[StoredMention]:
        return [m for mid, sec in self.inputs.sections.items() if sec == key
                and (m := self.inputs.mentions.get(mid)) is not None]

    def _open(self, key: str) -> ItemSection:
        first_sent = {m.id: d for m, d in self.inputs.open_items}
        ranked = sorted((m for m, _ in self.inputs.open_items),
                        key=lambda m: (-(m.verdict.severity.rank if m.verdict else 0),
                                       first_sent[m.id], m.id))
        shown = self._take(ranked)
        return ItemSection(key, tuple(self.item(m, first_sent[m.id]) for m in shown), len(ranked))

    def _counts(self, key: str) -> CountSection:
        """Every mention no other section lists: info-level ones and, since the previous digest,
        the unflagged ones, counted per source; plus the most-shared stories."""
        members = self._members(key)
        per_source = Counter(m.mention.source for m in members) + Counter(self.inputs.quiet)
        return CountSection(key, tuple(sorted(per_source.items(), key=lambda kv: (-kv[1], kv[0]))),
                            self._clusters(members))

    def _clusters(self, members: Sequence[StoredMention]) -> tuple[Cluster, ...]:
        samples: dict[int, StoredMention] = {}
        for m in sorted(members, key=lambda m: m.id):
            if m.cluster_id is not None:
                samples.setdefault(m.cluster_id, m)
        sizes = {cid: self.inputs.clusters.get(cid, (1, ())) for cid in samples}
        top = sorted((cid for cid in samples if sizes[cid][0] > 1),
                     key=lambda cid: (-sizes[cid][0], cid))[:TOP_CLUSTERS]
        return tuple(Cluster(cid, sizes[cid][0], sizes[cid][1], self.item(samples[cid]))
                     for cid in top)

    def item(self, stored: StoredMention, first_sent_on: date | None = None) -> DigestItem:
        return to_item(stored, self.fallback, self.inputs.clusters, first_sent_on)


def _same_text(title: str | None, text: str) -> bool:
    """A feed whose description repeats the title: show it once."""
    return bool(title) and " ".join((title or "").split()) == " ".join(text.split())


def to_item(stored: StoredMention, fallback: re.Pattern[str] | None,
            clusters: Mapping[int, tuple[int, tuple[str, ...]]],
            first_sent_on: date | None = None) -> DigestItem:
    """A stored mention as the digest shows it: sanitised, excerpted, with its rules."""
    m, verdict = stored.mention, stored.verdict
    alias = (m.extra or {}).get("matched_alias")
    pattern = alias_pattern([alias]) if alias else None
    if pattern is None or not pattern.search(m.text):
        pattern = fallback
    categories = tuple(verdict.categories) if verdict else ()
    return DigestItem(
        mention_id=stored.id, source=one_line(m.source, 32), author=one_line(m.author, 80) or None,
        followers=m.author_followers, published_at=m.published_at,
        title=None if _same_text(m.title, m.text) else one_line(m.title, 160) or None,
        excerpt=excerpt(m.text, pattern),
        url=safe_href(m.url), severity=verdict.severity.value if verdict else "none",
        score=verdict.score if verdict else 0.0, categories=categories,
        reasons=tuple(one_line(r, 160) for r in (verdict.reasons if verdict else ())[:MAX_REASONS]),
        rules=rules_for(categories),
        cluster_size=clusters.get(stored.cluster_id, (1, ()))[0] if stored.cluster_id else 1,
        triage_status=stored.triage_status, first_sent_on=first_sent_on,
        outlet=one_line(m.outlet, 80) or None if m.outlet and m.outlet != m.source else None)
