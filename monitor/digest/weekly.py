"""The weekly overview: this week against last week, the 4-week trend, attention by category,
spikes, the busiest sources and the most-shared praise — as an email (HTML with CSS bars, since
mail clients block SVG, plus a text part) and as a short chat post.

A week is the seven local days before the configured ``[weekly] day``; the overview about the week
starting on ``week_start`` is built from the stored rows at any time, so a retry shows the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from monitor.classify.reasons import category_name
from monitor.config import Settings
from monitor.config.alerts import WEEKDAYS
from monitor.digest.chat_message import ChatMessage
from monitor.digest.chat_render import md
from monitor.digest.i18n import Labels
from monitor.digest.model import DigestItem, RenderedDigest
from monitor.digest.render import environment, inline_css, template_context, tidy
from monitor.digest.selection import to_item
from monitor.digest.text import alias_pattern, header_safe
from monitor.models import Spike
from monitor.store.digests import spikes_between
from monitor.store.reading import stored_mentions
from monitor.store.weekly import attention_by_category, most_shared_praise, top_sources, week_volumes

TREND_WEEKS = 4
TOP = 5


@dataclass(frozen=True, slots=True)
class WeekCount:
    start: date
    mentions: int
    attention: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One labelled bar: ``percent`` of the widest bar in its chart (at least 1 when non-zero)."""

    label: str
    value: int
    percent: int


@dataclass(frozen=True, slots=True)
class WeeklyContent:
    language: str
    institution: str
    timezone: str
    week_start: date
    weeks: tuple[WeekCount, ...]  # oldest first; the last is this week
    categories: tuple[tuple[str, int], ...]
    spikes: tuple[Spike, ...]
    sources: tuple[tuple[str, int], ...]
    shared: tuple[DigestItem, ...]

    @property
    def this_week(self) -> WeekCount:
        return self.weeks[-1]

    @property
    def last_week(self) -> WeekCount | None:
        return self.weeks[-2] if len(self.weeks) > 1 else None


def bars(pairs: list[tuple[str, int]]) -> tuple[Bar, ...]:
    widest = max((n for _, n in pairs), default=0)
    return tuple(Bar(label, n, max(1, round(100 * n / widest)) if n else 0) for label, n in pairs)


def week_of(settings: Settings, now: datetime) -> tuple[date, bool]:
    """(start of the latest full week, whether its overview is due now)."""
    local = now.astimezone(settings.institution.tz)
    back = (local.weekday() - WEEKDAYS.index(settings.weekly.day)) % 7
    send_day = local.date() - timedelta(days=back)
    hour, minute = (int(p) for p in settings.weekly.time.split(":"))
    due = local >= datetime.combine(send_day, time(hour, minute), tzinfo=settings.institution.tz)
    return send_day - timedelta(days=7), due


def _bounds(settings: Settings, start: date) -> tuple[datetime, datetime]:
    tz = settings.institution.tz
    return (datetime.combine(start, time(0), tzinfo=tz).astimezone(UTC),
            datetime.combine(start + timedelta(days=7), time(0), tzinfo=tz).astimezone(UTC))


def build_weekly(conn: Connection, settings: Settings, week_start: date) -> WeeklyContent:
    starts = [week_start - timedelta(days=7 * i) for i in range(TREND_WEEKS - 1, -1, -1)]
    volumes = week_volumes(conn, [_bounds(settings, s) for s in starts])
    start, end = _bounds(settings, week_start)
    categories = attention_by_category(conn, start, end)
    pattern = alias_pattern(settings.institution.all_names)
    shared = stored_mentions(conn, most_shared_praise(conn, start, end, TOP))
    return WeeklyContent(
        language=settings.digest.language, institution=settings.institution.name,
        timezone=settings.institution.timezone, week_start=week_start,
        weeks=tuple(WeekCount(s, n, a) for s, (n, a) in zip(starts, volumes, strict=True)),
        categories=tuple(sorted(categories.items(), key=lambda kv: (-kv[1], kv[0]))),
        spikes=tuple(spikes_between(conn, start, end)),
        sources=tuple(top_sources(conn, start, end, TOP)),
        shared=tuple(to_item(m, pattern, {}) for m in shared))


def _change(t: Labels, now: int, before: int | None) -> str:
    if before is None:
        return ""
    if before == 0:
        return t.weekly_new if now else ""
    pct = round(100 * (now - before) / before)
    return t("weekly_change", sign="+" if pct > 0 else "", pct=pct)


def _context(content: WeeklyContent) -> dict[str, object]:
    t = Labels(content.language, ZoneInfo(content.timezone), content.week_start.year)
    last = content.last_week
    end = content.week_start + timedelta(days=6)
    title = t("weekly_title", institution=content.institution)
    return {
        **template_context(t, title), "c": content,
        "period": t("weekly_period", start=t.short_day(content.week_start), end=t.short_day(end)),
        "change_mentions": _change(t, content.this_week.mentions, last.mentions if last else None),
        "change_attention": _change(t, content.this_week.attention,
                                    last.attention if last else None),
        "trend": bars([(t.short_day(w.start), w.mentions) for w in content.weeks]),
        "categories": bars([(category_name(c, content.language), n)
                            for c, n in content.categories]),
        "sources": bars(list(content.sources)),
    }


def render_weekly(content: WeeklyContent, subject_prefix: str) -> RenderedDigest:
    ctx = _context(content)
    t: Labels = ctx["t"]  # type: ignore[assignment]
    env = environment()
    html = inline_css(env.get_template("weekly.html").render(ctx))
    text = env.get_template("weekly.txt").render(ctx)
    week = content.this_week
    subject = t("weekly_subject", prefix=subject_prefix, period=ctx["period"],
                n=t.number(week.mentions), attention=t.number(week.attention))
    return RenderedDigest(subject=header_safe(subject, 200), html=html, text=tidy(text))


def weekly_chat_message(content: WeeklyContent) -> ChatMessage:
    """The chat post: the week's figures, its top categories and sources, and the spikes."""
    ctx = _context(content)
    t: Labels = ctx["t"]  # type: ignore[assignment]
    week = content.this_week
    lines = [t("weekly_line_mentions", n=t.number(week.mentions), change=ctx["change_mentions"]),
             t("weekly_line_attention", n=t.number(week.attention),
               change=ctx["change_attention"])]
    if content.categories:
        lines.append(f"**{t.weekly_categories}:** " + ", ".join(
            f"{category_name(c, t.language)} {n}" for c, n in content.categories[:TOP]))
    if content.sources:
        lines.append(f"**{t.weekly_sources}:** " + ", ".join(
            f"{md(s, 40)} {n}" for s, n in content.sources))
    if content.spikes:
        lines.append(f"**{t.section_spikes}:** " + ", ".join(
            f"{t.time(s.window_start)} ({s.count})" for s in content.spikes))
    return ChatMessage(title=f"{ctx['title']} · {ctx['period']}", body="\n\n".join(lines))
