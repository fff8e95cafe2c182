"""Short chat messages (Markdown) for an alert, a spike, an overflow summary and a test.

Everything that comes from a post is hostile input: it is flattened to one line and its Markdown,
HTML and ``@`` mentions are defused, so a post can neither add a link nor ping ``@channel``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from monitor.classify.reasons import category_name, format_score, reason
from monitor.digest.chat_message import ChatMessage
from monitor.digest.i18n import Labels
from monitor.digest.model import DigestItem
from monitor.digest.render import headline
from monitor.digest.text import one_line
from monitor.models import Spike

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|~])")
TOP_POSTS = 3
OVERFLOW_LISTED = 10


def md(value: str | None, limit: int = 200) -> str:
    """Post text as inert Markdown: one line, specials escaped, no HTML, no live @mentions."""
    text = one_line(value, limit).replace("<", "‹").replace(">", "›")
    text = _MARKDOWN.sub(r"\\\1", text)
    return text.replace("@", "@\u2060")  # a word joiner: '@channel' no longer pings anyone


def _link(label: str, url: str | None) -> str:
    return f"[{label}]({url})" if url else ""


def _reach(item: DigestItem, t: Labels) -> str:
    parts = [md(item.source, 40) + (f" ({md(item.outlet, 60)})" if item.outlet else ""),
             md(item.author, 60) if item.author else t.unknown_author]
    if item.followers is not None:
        parts.append(t("followers", n=t.number(item.followers)))
    return " · ".join(parts)


def mention_message(item: DigestItem, link: str | None, t: Labels) -> ChatMessage:
    """Headline (title), why, source and reach, and one link: the mention page or the original."""
    categories = ", ".join(category_name(c, t.language) for c in item.categories)
    title = f"{t.severity(item.severity).upper()}: {md(headline(item), 120)}"
    lines = [f"**{t.reasons}:** {md('; '.join(item.reasons), 400)}" if item.reasons else "",
             f"**{t.chat_source}:** {_reach(item, t)} · {t.time(item.published_at)}",
             f"({md(categories, 120)})" if categories else "",
             _link(t.chat_open_mention if link != item.url else t.open_link, link)]
    return ChatMessage(title=title, body="\n\n".join(line for line in lines if line))


def spike_message(spike: Spike, posts: Sequence[DigestItem], t: Labels,
                  links: Sequence[str | None]) -> ChatMessage:
    """Why (count against baseline), when, top terms, sources and the posts with most reach."""
    why = reason("spike", t.language, count=spike.count,
                 score=format_score(spike.baseline, t.language))
    lines = [f"**{t.reasons}:** {why}",
             t("chat_spike_hour", start=t.time(spike.window_start), end=t.clock(spike.window_end)),
             t("spike_terms", terms=md(", ".join(spike.top_terms), 300)) if spike.top_terms else "",
             t("spike_sources", sources=md(", ".join(spike.sources), 300)) if spike.sources else ""]
    if posts:
        lines.append(f"**{t.chat_top_posts}:**\n" + "\n".join(
            f"- {md(headline(p), 90)} ({_reach(p, t)}) {_link(t.open_link, link)}".rstrip()
            for p, link in zip(posts[:TOP_POSTS], links, strict=False)))
    return ChatMessage(title=t("chat_spike_title", count=spike.count),
                       body="\n\n".join(line for line in lines if line))


def overflow_message(channel: str, cap: int, headlines: Sequence[str], t: Labels) -> ChatMessage:
    shown = [f"- {md(h, 90)}" for h in headlines[:OVERFLOW_LISTED]]
    if len(headlines) > OVERFLOW_LISTED:
        shown.append(t("chat_overflow_more", n=len(headlines) - OVERFLOW_LISTED))
    return ChatMessage(title=t("chat_overflow_title", n=len(headlines), channel=channel),
                       body=t("chat_overflow_intro", cap=cap) + "\n\n" + "\n".join(shown))


def channel_test_message(channel: str, institution: str, t: Labels) -> ChatMessage:
    return ChatMessage(title=t.chat_test_title,
                       body=t("chat_test_body", channel=channel, institution=md(institution)))
