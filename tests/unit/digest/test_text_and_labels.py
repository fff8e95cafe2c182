"""Labels in both languages, excerpts and highlighting, link and control-character safety."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.digest.conduct import CATEGORY_RULES, RULES, rules_for
from monitor.digest.i18n import LABELS, Labels
from monitor.digest.text import alias_pattern, excerpt, header_safe, one_line, safe_href

AMS = ZoneInfo("Europe/Amsterdam")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_labels_and_placeholders() -> None:
    assert LABELS["nl"].keys() == LABELS["en"].keys()
    for key in LABELS["nl"]:
        assert _fields(LABELS["nl"][key]) == _fields(LABELS["en"][key]), key


def test_every_section_kind_has_a_label() -> None:
    from monitor.digest.selection import LAYOUT

    for key, _ in LAYOUT:
        assert f"section_{key}" in LABELS["nl"]


def test_rules_exist_in_both_languages_and_press_is_the_press_protocol() -> None:
    for keys in CATEGORY_RULES.values():
        for key in keys:
            assert RULES[key].nl and RULES[key].en
    assert rules_for(["press"]) == ("press_protocol",)
    assert "Raad van Bestuur" in RULES["press_protocol"].nl
    assert "spokesperson" in RULES["press_protocol"].en
    assert rules_for(["crisis", "press", "complaint"]) == ("press_protocol", "when_in_doubt")
    assert rules_for(["praise"]) == ()


def test_dates_and_numbers_are_local() -> None:
    nl, en = Labels("nl", AMS), Labels("en", AMS)
    assert nl.day(date(2026, 3, 2)) == "maandag 2 maart 2026"
    assert en.day(date(2026, 3, 2)) == "Monday 2 March 2026"
    summer = datetime(2026, 7, 1, 6, 5, tzinfo=UTC)
    assert nl.time(summer) == "1 jul 08:05" and en.time(summer) == "1 Jul 08:05"
    assert nl.number(12400) == "12.400" and en.number(12400) == "12,400"


def test_excerpt_highlights_every_alias_case_insensitively() -> None:
    segments = excerpt("Bij curio en bij CURIO, niet bij curiosity.", alias_pattern(["Curio"]))
    assert [s.text for s in segments if s.hit] == ["curio", "CURIO"]


def test_excerpt_is_a_window_around_a_late_match() -> None:
    text = "woord " * 200 + "Curio heeft nieuws " + "einde " * 200
    segments = excerpt(text, alias_pattern(["Curio"]), limit=120)
    joined = "".join(s.text for s in segments)
    assert joined.startswith("…") and joined.endswith("…") and len(joined) <= 124
    assert any(s.hit for s in segments)


def test_one_line_removes_controls_and_bidi() -> None:
    assert one_line("a\r\nBcc: b\x1b[31m\u202ec\x00") == "a Bcc: b [31m c"
    assert header_safe("x" * 500, 10) == "x" * 9 + "…"


@pytest.mark.parametrize("url, safe", [
    ("https://x.com/a/status/1", True), ("http://nieuws.example/a?b=1&c=2", True),
    ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False),
    ("https://", False), ("https://a.example/\r\nx", False), ("//evil.example/x", False),
    ("https://a.example/" + "x" * 3000, False), (None, False),
])
def test_only_plain_http_links(url: str | None, safe: bool) -> None:
    assert (safe_href(url) is not None) is safe
