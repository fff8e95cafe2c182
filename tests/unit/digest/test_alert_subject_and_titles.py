"""Issue 12.12: an alert's subject says what happened; a title the text repeats is shown once;
mailed links carry no tracking parameters."""

from __future__ import annotations

from monitor.digest.model import DigestContent, ItemSection
from monitor.digest.render import render_alert, render_digest
from monitor.digest.selection import to_item
from monitor.digest.text import safe_href
from monitor.models import Mention, StoredMention
from tests.unit.digest.sample import NAMES, NOW, empty_content, item


def _alert(**overrides: object):
    return render_alert(item(1, "urgent", ("crisis",), **overrides), language="nl",
                        timezone="Europe/Amsterdam", institution="Curio",
                        subject_prefix="[Signaleer]")


def test_alert_subject_carries_the_headline() -> None:
    subject = _alert(title="Bommelding bij Curio Breda, school ontruimd").subject
    assert subject.startswith("[Signaleer] URGENT: Bommelding bij Curio Breda, school ontruimd")
    untitled = _alert(title=None).subject
    assert "Weer geen rooster bij Curio" in untitled


def _digest_with(one) -> DigestContent:
    base = empty_content("nl")
    sections = tuple(ItemSection("urgent", (one,), 1) if getattr(s, "key", "") == "urgent" else s
                     for s in base.sections)
    return DigestContent(base.digest_date, base.audience, base.language, base.institution,
                         base.timezone, base.generated_at, sections)


def test_a_description_equal_to_the_title_is_shown_once() -> None:
    """Rendered from the stored mention, as the digest and alerts are (the first part, ``to_item``,
    is covered on its own in tests/integration/cli/test_small_fixes.py)."""
    same = "Brand bij Curio in Breda"
    stored = StoredMention(1, Mention(source="krant", external_id="1", url="https://k.example/1",
                                      text=same, title=same, published_at=NOW),
                           collected_at=NOW)
    shown = to_item(stored, NAMES, {})
    rendered = render_digest(_digest_with(shown), "[S]")
    assert rendered.text.count("Brand bij") == 1, rendered.text
    assert rendered.html.count("Brand bij") == 1
    alert = render_alert(shown, language="nl", timezone="Europe/Amsterdam", institution="Curio",
                         subject_prefix="[Signaleer]")
    assert alert.text.count("Brand bij") == 1, alert.text


def test_a_different_title_is_still_shown() -> None:
    rendered = render_digest(_digest_with(item(1, "urgent", title="Kop van het artikel")), "[S]")
    assert "Kop van het artikel" in rendered.text and "Weer geen rooster" in rendered.text


def test_mailed_links_have_no_tracking_parameters() -> None:
    """``safe_href`` is the gate every mailed link passes (digest and alerts), old rows too."""
    link = "https://omroep.example/n/1?id=7&utm_source=rss&fbclid=A&mc_cid=1&gclid=2&utm_medium=x"
    assert safe_href(link) == "https://omroep.example/n/1?id=7"
    assert safe_href("https://omroep.example/n/1?utm_source=rss") == "https://omroep.example/n/1"
    assert safe_href("https://omroep.example/n/1?a=1&b=2") == "https://omroep.example/n/1?a=1&b=2"
