"""Data minimisation: raw source payloads are not kept beyond an allow-list.

Search, classification and the digest need only the columns of ``mentions`` (text, title, author,
followers, URL, language, dates) and ``matched_alias``. Anything else a connector puts into
``Mention.extra`` is dropped unless the operator lists its key in ``[retention] keep_fields``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# What Signaleer itself uses: the digest highlights the alias that matched, ranks "worth sharing"
# by engagement counts (numbers, not people) and names the news outlet of a Google News item.
ENGAGEMENT_FIELDS = frozenset({"like", "retweet", "repost", "quote", "reply", "favourites",
                               "reblogs", "replies"})
ALWAYS_KEPT = frozenset({"matched_alias", "outlet"}) | ENGAGEMENT_FIELDS


def minimise_extra(raw: Mapping[str, Any] | None, keep_fields: Iterable[str] = ()) -> dict[str, Any]:
    """The keys of ``raw`` that may be stored: ``matched_alias`` and the allow-listed ones.

    Values are kept as they are (they are already JSON-safe scalars from connectors); keys are
    compared exactly, so ``keep_fields = ["outlet"]`` keeps ``outlet`` and nothing that resembles it.
    """
    if not raw:
        return {}
    allowed = ALWAYS_KEPT | {str(k) for k in keep_fields}
    return {str(k): v for k, v in raw.items() if str(k) in allowed}


def dropped_keys(raw: Mapping[str, Any] | None, keep_fields: Iterable[str] = ()) -> list[str]:
    """The keys ``minimise_extra`` would drop, sorted (for logs and documentation)."""
    kept = minimise_extra(raw, keep_fields)
    return sorted(str(k) for k in (raw or {}) if str(k) not in kept)
