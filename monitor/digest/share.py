"""The "Worth sharing / Om te delen" section: praise to share or thank for, questions to answer.

Which mentions: info-level verdicts whose categories are praise and/or question (``reach`` may come
along), so anything that also carries an attention category (a complaint that asks a question, a
sarcastic "geweldig hoor") is never here; it stays in its attention section or in the counts.
Posts by the institution's own accounts are left out (they are counted under "other").

Ranking: reach (followers, log-scaled) plus engagement (log-scaled): likes, reposts, quotes and
replies as the connectors store them in ``extra``, plus the copies of the story in its cluster.
At most ``MAX_SHARE`` items are listed; the rest are counted with the command to find them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from monitor.models import StoredMention
from monitor.store.minimise import ENGAGEMENT_FIELDS

SECTION = "share"
MAX_SHARE = 10
SHARE_CATEGORIES = ("praise", "question")
ALLOWED_WITH = frozenset({*SHARE_CATEGORIES, "reach"})  # categories that may come along
# Interaction counts as the connectors store them in ``Mention.extra``:
# X: like/retweet/reply/quote; Bluesky: like/repost/reply/quote; Mastodon: favourites/reblogs/replies.
ENGAGEMENT_KEYS = tuple(sorted(ENGAGEMENT_FIELDS))  # what connectors store and minimising keeps
# Action label keys, in the order they are shown: a question is owed an answer first.
ACTIONS = (("question", "answer"), ("praise", "share_thank"))


def is_shareable(item: StoredMention) -> bool:
    """Info-level praise or question with no other (attention) category."""
    verdict = item.verdict
    if verdict is None or verdict.severity.value != "info":
        return False
    categories = set(verdict.categories)
    return bool(categories.intersection(SHARE_CATEGORIES)) and categories <= ALLOWED_WITH


def engagement(item: StoredMention, cluster_size: int = 1) -> int | None:
    """Known interactions plus copies of the story elsewhere; None when nothing is known."""
    extra = item.mention.extra or {}
    counts = [v for key in ENGAGEMENT_KEYS if type(v := extra.get(key)) is int]
    if not counts and cluster_size <= 1:
        return None
    return sum(max(0, v) for v in counts) + max(0, cluster_size - 1)


def share_rank_key(item: StoredMention,
                   clusters: Mapping[int, tuple[int, tuple[str, ...]]]
                   ) -> tuple[float, float, float, int]:
    """Reach + engagement (both log10), then classifier score, then newest first."""
    size = clusters.get(item.cluster_id, (1, ()))[0] if item.cluster_id else 1
    reach = math.log10(1 + max(0, item.mention.author_followers or 0))
    weight = reach + math.log10(1 + (engagement(item, size) or 0))
    score = item.verdict.score if item.verdict else 0.0
    return (-weight, -score, -item.mention.published_at.timestamp(), item.id)


def actions_for(categories: Iterable[str]) -> tuple[str, ...]:
    """Suggested actions: ("answer",) for a question, ("share_thank",) for praise, or both."""
    present = set(categories)
    return tuple(action for category, action in ACTIONS if category in present)


def more_command(hidden: Sequence[StoredMention]) -> str:
    """The search that lists what the section did not show, by the categories involved."""
    present = {c for m in hidden if m.verdict for c in m.verdict.categories}
    flags = [f"--category {c}" for c in SHARE_CATEGORIES if c in present] or [
        f"--category {c}" for c in SHARE_CATEGORIES]
    return "signaleer search " + " ".join(flags)
