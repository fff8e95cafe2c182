"""Rendering a ``DigestContent`` (or one urgent item) into a subject, an HTML part and a text part.

Templates live in ``monitor/templates``. HTML templates are autoescaped (post text is hostile
input); the text templates are not escaped but only ever see sanitised one-line strings. The CSS is
inlined with ``css_inline`` (no remote stylesheets are ever loaded); ``@media`` rules stay in a
``<style>`` block for phones.
"""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo

import css_inline
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from monitor.digest.conduct import RULES
from monitor.digest.i18n import MORE_COMMAND, Labels
from monitor.digest.model import (
    CountSection,
    DigestContent,
    DigestItem,
    ItemSection,
    RenderedDigest,
    SourceHealth,
)
from monitor.digest.text import header_safe

MAX_HTML_BYTES = 100_000  # Gmail clips messages above ~102 KB


@functools.cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("monitor", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt",),
                                     default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@functools.cache
def _inliner() -> css_inline.CSSInliner:
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False)


def inline_css(html: str) -> str:
    return _inliner().inline(html)


def _problem_text(t: Labels) -> object:
    def describe(src: SourceHealth) -> str:
        if src.problem == "failing":
            return t("problem_failing", n=src.consecutive_failures)
        if src.problem == "rate-limited" and src.paused_until:
            return t("problem_rate-limited", when=t.time(src.paused_until))
        if src.problem == "silent":
            when = src.last_new_at or src.last_success_at
            return t("problem_silent", when=t.time(when) if when else t.never)
        return t[f"problem_{src.problem}"]
    return describe


def template_context(t: Labels, title: str,
             first_uses: frozenset[tuple[int, str]] | None = None) -> dict[str, object]:
    def rule_in_full(item: DigestItem, key: str) -> bool:
        return first_uses is None or (item.mention_id, key) in first_uses

    return {"t": t, "title": title, "rules": RULES, "more_command": MORE_COMMAND,
            "problem_text": _problem_text(t), "rule_in_full": rule_in_full,
            "actions_in": _actions_in}


def _actions_in(section: ItemSection) -> frozenset[str]:
    """The suggested actions of the items a section lists (for its notes)."""
    return frozenset(action for item in section.items for action in item.actions)


def _first_rule_uses(content: DigestContent) -> frozenset[tuple[int, str]]:
    """(mention id, rule) where each rule first appears: its full text is shown only there."""
    seen: set[str] = set()
    first: set[tuple[int, str]] = set()
    for section in content.sections:
        items: tuple[DigestItem, ...] = ()
        if isinstance(section, ItemSection):
            items = section.items
        elif isinstance(section, CountSection):
            items = tuple(c.sample for c in section.clusters)
        for item in items:
            for key in item.rules:
                if key not in seen:
                    seen.add(key)
                    first.add((item.mention_id, key))
    return frozenset(first)


def digest_subject(content: DigestContent, prefix: str, t: Labels) -> str:
    parts = []
    for key in ("urgent", "attention", "open"):
        section = content.section(key)
        total = getattr(section, "total", 0)
        if total:
            parts.append(t(f"summary_{key}", n=total))
    if content.spike_count:
        parts.insert(2, t("summary_spikes", n=content.spike_count))
    if not parts:
        parts.append(t.summary_nothing)
    shared = getattr(content.section("share"), "total", 0)
    if shared:
        parts.append(t("summary_share", n=shared))
    if content.unhealthy:
        parts.append(t("summary_unhealthy", n=len(content.unhealthy)))
    subject = t("subject", prefix=prefix, day=t.day(content.digest_date), summary=", ".join(parts))
    return header_safe(subject, 250)


def render_digest(content: DigestContent, subject_prefix: str) -> RenderedDigest:
    """Subject, inlined HTML and plain text for one digest. Pure: same content, same output."""
    t = Labels(content.language, ZoneInfo(content.timezone), content.digest_date.year)
    title = t("digest_title", institution=content.institution)
    ctx = {**template_context(t, title, _first_rule_uses(content)), "content": content}
    env = environment()
    html = inline_css(env.get_template("digest.html").render(ctx))
    text = env.get_template("digest.txt").render(ctx)
    return RenderedDigest(subject=digest_subject(content, subject_prefix, t), html=html,
                          text=tidy(text))


HEADLINE_CHARS = 90


def headline(item: DigestItem) -> str:
    """The title, else the start of the text, for a subject line."""
    text = " ".join((item.title or "".join(s.text for s in item.excerpt)).split())
    return text if len(text) <= HEADLINE_CHARS else text[: HEADLINE_CHARS - 1].rstrip() + "…"


def render_alert(item: DigestItem, *, language: str, timezone: str, institution: str,
                 subject_prefix: str) -> RenderedDigest:
    """The short email for one urgent mention."""
    t = Labels(language, ZoneInfo(timezone))
    subject = t("subject_alert", prefix=subject_prefix, headline=headline(item),
                source=item.source, author=item.author or t.unknown_author)
    title = t("alert_title", institution=institution)
    ctx = {**template_context(t, title), "item": item}
    env = environment()
    html = inline_css(env.get_template("alert.html").render(ctx))
    text = env.get_template("alert.txt").render(ctx)
    return RenderedDigest(subject=header_safe(subject, 200), html=html, text=tidy(text))


def tidy(text: str) -> str:
    """At most one blank line in a row; no trailing spaces; one final newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
