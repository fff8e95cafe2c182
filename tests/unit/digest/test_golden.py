"""Golden files for the digest and alert emails. Regenerate with SIGNALEER_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from monitor.digest.render import render_alert, render_digest
from tests.unit.digest.sample import empty_content, full_content, item

GOLDEN = Path(__file__).resolve().parents[2] / "data" / "golden"
UPDATE = os.environ.get("SIGNALEER_UPDATE_GOLDEN") == "1"


def check(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path.name} missing; run with SIGNALEER_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "re-run with SIGNALEER_UPDATE_GOLDEN=1 and review the diff")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_full_digest(language: str) -> None:
    rendered = render_digest(full_content(language), "[Signaleer]")
    check(f"digest_{language}.html", rendered.html)
    check(f"digest_{language}.txt", f"Subject: {rendered.subject}\n\n{rendered.text}")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_empty_digest(language: str) -> None:
    rendered = render_digest(empty_content(language), "[Signaleer]")
    check(f"digest_empty_{language}.txt", f"Subject: {rendered.subject}\n\n{rendered.text}")


def test_alert() -> None:
    rendered = render_alert(item(1, "urgent", ("crisis", "press")), language="nl",
                            timezone="Europe/Amsterdam", institution="Curio",
                            subject_prefix="[Signaleer]")
    check("alert_nl.html", rendered.html)
    check("alert_nl.txt", f"Subject: {rendered.subject}\n\n{rendered.text}")


def test_html_loads_nothing_from_outside_and_runs_no_script() -> None:
    html = render_digest(full_content("nl"), "[Signaleer]").html.lower()
    for needle in ("<img", "<link", "url(", "<script", "@import", "<iframe"):
        assert needle not in html, needle
    assert not re.search(r"<[^>]*\s(src|background|on\w+)\s*=", html)
    assert 'name="viewport"' in html and "@media" in html  # phones
