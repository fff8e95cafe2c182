"""The weekly overview's rendering: golden files in nl and en, CSS bars, and its chat post.
Regenerate the golden files with SIGNALEER_UPDATE_GOLDEN=1."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from monitor.config import parse_settings
from monitor.digest.weekly import WeekCount, WeeklyContent, bars, render_weekly, week_of, weekly_chat_message
from monitor.models import Spike
from tests.unit.digest.sample import NOW, share_items
from tests.unit.digest.test_golden import check

MONDAY = date(2026, 2, 23)


def content(language: str, *, quiet: bool = False) -> WeeklyContent:
    weeks = tuple(WeekCount(MONDAY - timedelta(days=7 * i), n, a)
                  for i, (n, a) in zip(range(3, -1, -1),
                                       ((40, 3), (52, 5), (48, 4), (0, 0) if quiet else (96, 11)),
                                       strict=True))
    if quiet:
        return WeeklyContent(language, "Curio", "Europe/Amsterdam", MONDAY, weeks, (), (), (), ())
    spike = Spike(id=1, window_start=NOW - timedelta(days=3), window_end=NOW - timedelta(days=3)
                  + timedelta(hours=1), count=14, baseline=1.2, top_terms=("brand (9)",),
                  sources=("x (10)",))
    return WeeklyContent(
        language, "Curio", "Europe/Amsterdam", MONDAY, weeks,
        categories=(("complaint", 6), ("crisis", 3), ("threat", 1)), spikes=(spike,),
        sources=(("x", 50), ("omroep-brabant", 30), ("mastodon", 16)),
        shared=(share_items()[0],))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_weekly_golden(language: str) -> None:
    rendered = render_weekly(content(language), "[Signaleer]")
    check(f"weekly_{language}.html", rendered.html)
    check(f"weekly_{language}.txt", f"Subject: {rendered.subject}\n\n{rendered.text}")


def test_weekly_numbers_and_bars() -> None:
    rendered = render_weekly(content("en"), "[S]")
    assert rendered.subject == ("[S] Week of 23 Feb to 1 Mar: 96 mentions, "
                                "11 needing attention")
    assert "96 mentions (+100% on last week)" in rendered.text
    assert "11 needed attention (+175% on last week)" in rendered.text
    assert "width: 100%" in rendered.html and "width: 50%" in rendered.html  # 96 and 48
    assert "<svg" not in rendered.html and "<script" not in rendered.html
    assert "MOST-SHARED POSITIVE POSTS" in rendered.text and "diploma-uitreiking" in rendered.text
    quiet = render_weekly(content("nl", quiet=True), "[S]")
    assert "0 vermeldingen (-100% t.o.v. vorige week)" in quiet.text
    assert "Niets vroeg om aandacht." in quiet.text and "Geen pieken." in quiet.text


def test_bars_scale_to_the_widest() -> None:
    assert [(b.value, b.percent) for b in bars([("a", 200), ("b", 1), ("c", 0)])] == \
        [(200, 100), (1, 1), (0, 0)]


def test_weekly_chat_post() -> None:
    message = weekly_chat_message(content("nl"))
    assert message.title == "Weekoverzicht van Curio · Week van 23 feb tot en met 1 mrt"
    assert "96 vermeldingen (+100% t.o.v. vorige week)" in message.body
    assert "**Aandacht per categorie:** klacht 6, crisis 3" in message.body
    assert "omroep-brabant 30" in message.body


@pytest.mark.parametrize(("local", "start", "due"), [
    (datetime(2026, 3, 2, 8, 0), date(2026, 2, 23), True),   # Monday 08:00: last week is due
    (datetime(2026, 3, 2, 7, 59), date(2026, 2, 23), False),
    (datetime(2026, 3, 5, 12, 0), date(2026, 2, 23), True),  # Thursday: still that week
    (datetime(2026, 3, 1, 23, 0), date(2026, 2, 16), True),  # Sunday: the week before
])
def test_which_week_and_when(local: datetime, start: date, due: bool) -> None:
    settings = parse_settings({"weekly": {"enabled": True, "day": "monday", "time": "08:00"}},
                              None)
    now = local.replace(tzinfo=settings.institution.tz).astimezone(UTC)
    assert week_of(settings, now) == (start, due)
