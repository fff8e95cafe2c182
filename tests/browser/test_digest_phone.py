"""The digest on a phone (issue 12.9): long URLs, hashtags and user names wrap instead of widening
the whole email past the screen. Checked in a real headless chromium at 390 px."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from monitor.digest.model import DigestContent, HealthSection, ItemSection, SourceHealth
from monitor.digest.render import render_alert, render_digest
from monitor.digest.text import excerpt
from tests.unit.digest.sample import NAMES, NOW, full_content, item

PHONE = {"width": 390, "height": 844}
LONG_URL = "https://nieuws.example.nl/artikel?" + "&".join(f"p{i}=waarde{i}" for i in range(30))
LONG_URL = (LONG_URL + "x" * 300)[:300]
LONG_TAG = "#" + ("CurioBredaOpenDag" * 8)[:119]
LONG_USER = "@" + ("de_langste_gebruikersnaam_" * 3)[:59]


def _long_item(i: int, severity: str) -> Any:
    text = f"Kijk {LONG_URL} over Curio in Breda {LONG_TAG} echt slecht geregeld {LONG_USER}"
    return item(i, severity, author=LONG_USER, title=f"Curio {LONG_TAG}",
                text=text, url=LONG_URL, source="nieuws-" + "x" * 40)


def long_token_digest(language: str = "nl") -> DigestContent:
    base = full_content(language)
    sections = []
    for section in base.sections:
        if isinstance(section, ItemSection) and section.key in ("urgent", "attention"):
            extra = _long_item(40 + len(sections), section.key if section.key == "urgent"
                               else "attention")
            section = replace(section, items=(*section.items, extra), total=section.total + 1)
        if isinstance(section, HealthSection):
            # the raw error (a long URL) is for 'signaleer status'; the digest shows its class
            broken = SourceHealth("feed-" + "y" * 60, "rss", "failing", 2, NOW, None, "not_found")
            section = replace(section, sources=(*section.sources, broken))
        sections.append(section)
    return replace(base, sections=tuple(sections))


def _layout(browser: Any, html: str, shot: Path) -> dict[str, int]:
    page = browser.new_page(viewport=PHONE)
    try:
        page.set_content(html, wait_until="load")
        widths = page.evaluate("""() => ({
            scroll: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
            widest: Math.max(...[...document.querySelectorAll('body *')]
                             .map(e => Math.ceil(e.getBoundingClientRect().right)))})""")
        page.screenshot(path=str(shot), full_page=True)
    finally:
        page.close()
    return widths


def _shot_dir(tmp_path: Path) -> Path:
    keep = os.environ.get("SIGNALEER_SCREENSHOT_DIR")  # to look at them afterwards
    folder = Path(keep) if keep else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize("language", ["nl", "en"])
def test_digest_with_long_tokens_fits_a_390px_phone(browser: Any, tmp_path: Path,
                                                    language: str) -> None:
    content = long_token_digest(language)
    html = render_digest(content, "[Signaleer]").html
    assert LONG_URL in html.replace("&amp;", "&") and LONG_TAG in html and LONG_USER in html
    widths = _layout(browser, html, _shot_dir(tmp_path) / f"digest-390-{language}.png")
    assert widths["scroll"] <= PHONE["width"], widths
    assert widths["widest"] <= PHONE["width"], widths


def test_alert_with_long_tokens_fits_a_390px_phone(browser: Any, tmp_path: Path) -> None:
    alert = render_alert(_long_item(50, "urgent"), language="nl", timezone="Europe/Amsterdam",
                         institution="Curio", subject_prefix="[Signaleer]")
    widths = _layout(browser, alert.html, _shot_dir(tmp_path) / "alert-390-nl.png")
    assert widths["scroll"] <= PHONE["width"], widths


def test_the_long_tokens_are_really_long() -> None:
    assert (len(LONG_URL), len(LONG_TAG), len(LONG_USER)) == (300, 120, 60)
    assert " " not in LONG_URL + LONG_TAG + LONG_USER
    assert excerpt(LONG_TAG, NAMES)  # survives the excerpt as one token
