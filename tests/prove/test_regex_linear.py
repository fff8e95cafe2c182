"""Regex DoS (issue 18.2): every classifier and matcher pattern on hostile posts.

On the old patterns ``"Curio mbo 1 " + "a-"*49500`` kept ``_ADDRESS`` busy for minutes, and
``"Curio mbo x@" + "a."*49500 + "1"`` did the same to ``_EMAIL``; here each such post is a few
milliseconds (``python bench/regex_adversarial.py`` prints the times; nothing is timed here).
The rewritten e-mail, address and student-number detectors must find exactly what the old
patterns found on ordinary text: the old patterns are the reference on short inputs.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bench.regex_adversarial import SIZE, adversarial_texts, checks
from monitor.classify import pii
from monitor.classify.text import MAX_CHARS, clip, prepare
from tests.factories import mention
from tests.prove.helpers import scale

OLD_EMAIL = re.compile(r"\b([a-z0-9._%+\-]+)@([a-z0-9.\-]+\.[a-z]{2,})\b")
OLD_ADDRESS = re.compile(
    r"\b[a-z][a-z\-]{2,}(?:straat|laan|weg|plein|singel|dreef|hof|kade|gracht|pad|steeg|dijk|"
    r"markt|park|ring|street|road|avenue|lane)\s+\d{1,4}[a-z]?\b")
OLD_STUDENT_NO = re.compile(
    r"\b(?:student(?:en)?nummers?|leerlingnummers?|student (?:id|number)s?|studentnr\.?)"
    r"\s*[:#]?\s*(\d{5,9})\b")
CHECKS = checks()


def test_the_reported_posts_find_nothing_and_finish() -> None:
    street = "curio mbo 1 " + "a-" * 49500
    mail = "curio mbo x@" + "a." * 49500 + "1"
    assert pii.find_pii(street) == [] and pii.find_pii(mail) == []


@pytest.mark.parametrize(("label", "text"), list(adversarial_texts(SIZE)),
                         ids=[label[:40] for label, _ in adversarial_texts(200)])
def test_every_pattern_runs_on_a_hostile_100kb_post(label: str, text: str) -> None:
    for _name, run in CHECKS:
        run(text)


_units = st.text(alphabet="a-.@1 :#_%+é", min_size=1, max_size=4)
_affixes = st.sampled_from(["", "curio mbo ", "x@", "studentnummer", "kerkstraat", "@", "1 ",
                            "straat 12", ".nl", "roc-west"])


@settings(max_examples=scale(40, 300), deadline=None)
@given(prefix=_affixes, unit=_units, suffix=_affixes, size=st.integers(1_000, 20_000))
def test_every_pattern_runs_on_generated_hostile_posts(prefix: str, unit: str, suffix: str,
                                                       size: int) -> None:
    text = prefix + unit * (size // len(unit)) + suffix
    for _name, run in CHECKS:
        run(text)


_pieces = st.sampled_from([
    *"ab.-@1 _é%+x:#", "straat", "hof", "laan", " 12", "nl", ".nl", "studentnummer", " 123456",
    "kerkstraat 5", "5a"])


@settings(max_examples=scale(3000, 30000), deadline=None)
@given(st.lists(_pieces, max_size=14).map("".join))
@example("1kerkstraat 5a-kerkstraat 5")  # a house number that ends where the next street begins
def test_same_findings_as_the_old_patterns_on_short_text(text: str) -> None:
    assert pii._email_parts(text) == [m.groups() for m in OLD_EMAIL.finditer(text)]
    assert pii._has_address(text) == bool(OLD_ADDRESS.search(text))
    assert ([m.group(1) for m in pii._STUDENT_NO.finditer(text)]
            == [m.group(1) for m in OLD_STUDENT_NO.finditer(text)])


@pytest.mark.parametrize(("text", "kinds"), [
    ("mail jan.de-vries@student.curio.nl of bel 06-12345678", {"email", "mobile"}),
    ("woont op de kerkstraat 12b in breda", {"address"}),
    ("studentnummer: 1234567", {"student_number"}),
    ("info@curio.nl en de-bergstraat 4", {"address"}),
    ("x-straat 5 of 1-straat 7", set()),
])
def test_ordinary_findings(text: str, kinds: set[str]) -> None:
    assert {f.kind for f in pii.find_pii(text)} == kinds


def test_the_classifier_reads_at_most_max_chars_of_text_and_title() -> None:
    post = mention(1, text="Curio mbo " + "a-" * 50_000, title="t" * 30_000)
    clipped = clip(post)
    assert len(clipped.text) == len(clipped.title or "") == MAX_CHARS
    assert clipped.text == post.text[:MAX_CHARS] and clip(mention(2)) == mention(2)
    assert len(prepare(post.text, post.title).raw) <= 2 * MAX_CHARS + 2
