"""Read what one outbox row is about and render its chat message (None: it is gone)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection

from monitor.config import Settings
from monitor.config.alerts import ChannelSettings
from monitor.digest.chat_message import ChatMessage
from monitor.digest.chat_render import TOP_POSTS, mention_message, overflow_message, spike_message
from monitor.digest.i18n import Labels
from monitor.digest.model import DigestItem
from monitor.digest.render import headline
from monitor.digest.selection import to_item
from monitor.digest.text import alias_pattern
from monitor.digest.weekly import build_weekly, weekly_chat_message
from monitor.store import chat_outbox as db
from monitor.store.digests import spike_by_id
from monitor.store.reading import stored_mentions
from monitor.store.spikes import top_posts


def labels(settings: Settings) -> Labels:
    return Labels(settings.digest.language, settings.institution.tz)


def items(conn: Connection, settings: Settings, ids: list[int]) -> list[DigestItem]:
    pattern = alias_pattern(settings.institution.all_names)
    return [to_item(found, pattern, {}) for found in stored_mentions(conn, ids)]


def link_for(settings: Settings, item: DigestItem) -> str | None:
    """The mention's page in the web inbox (``[web] base_url``), else the original post."""
    return settings.web.mention_url(item.mention_id) or item.url


def compose(conn: Connection, settings: Settings, channel: ChannelSettings,
            row: db.OutboxRow) -> ChatMessage | None:
    t = labels(settings)
    if row.kind == "mention" and row.mention_id is not None:
        found = items(conn, settings, [row.mention_id])
        return mention_message(found[0], link_for(settings, found[0]), t) if found else None
    if row.kind == "spike" and row.spike_id is not None:
        spike = spike_by_id(conn, row.spike_id)
        if spike is None:
            return None
        posts = items(conn, settings, top_posts(conn, spike.window_start, spike.window_end,
                                                TOP_POSTS))
        return spike_message(spike, posts, t, [link_for(settings, p) for p in posts])
    if row.kind == "weekly":
        return weekly_chat_message(build_weekly(conn, settings, date.fromisoformat(row.ref)))
    if row.kind == "overflow":
        return overflow_message(channel.name, channel.max_per_hour,
                                _headlines(conn, settings, db.covered_by(conn, row.id)), t)
    return None


def _headlines(conn: Connection, settings: Settings, rows: list[db.OutboxRow]) -> list[str]:
    t = labels(settings)
    mention_ids = [r.mention_id for r in rows if r.mention_id is not None]
    by_id = {i.mention_id: i for i in items(conn, settings, mention_ids)}
    result = []
    for r in rows:
        if r.mention_id in by_id:
            item = by_id[r.mention_id]
            result.append(f"{t.severity(item.severity).upper()}: {headline(item)}")
        elif r.spike_id is not None and (spike := spike_by_id(conn, r.spike_id)) is not None:
            result.append(t("chat_spike_title", count=spike.count))
    return result
