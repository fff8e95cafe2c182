"""Alias matching, canonical URLs and fingerprints."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.classify.text import prepare
from monitor.config import InstitutionSettings
from monitor.matching import (
    Matcher,
    canonical_url,
    cluster_fingerprint,
    fingerprint,
    fold,
    normalise_for_fingerprint,
)

CURIO = InstitutionSettings(
    name="Curio",
    aliases=("ROC West-Brabant", "Curio mbo"),
    handles=("@curio_mbo",),
    hashtags=("#curio", "#curiombo"),
    ambiguous_aliases=("Curio",),
    context_words=(
        "mbo", "school", "Breda", "student", "studenten", "Roosendaal", "Bergen op Zoom",
    ),
    exclude_words=("Curio Collection", "curio cabinet", "Hilton"),
)


def _letters(text: str) -> str:
    return "".join(c for c in fold(text) if c.isalnum())


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_institution(CURIO)


@pytest.mark.parametrize(
    ("text", "alias", "kind"),
    [
        ("Open dag bij ROC West-Brabant zaterdag", "ROC West-Brabant", "alias"),
        ("open dag bij roc west brabant", "ROC West-Brabant", "alias"),
        ("Open dag bij ROC-WEST-BRABANT", "ROC West-Brabant", "alias"),
        ("Stage via @curio_mbo geregeld", "@curio_mbo", "handle"),
        ("Wat een dag #Curio", "#curio", "hashtag"),
        ("Curio in Breda sluit locatie", "Curio", "alias"),
        ("Cúrio heeft weer studenten tekort", "Curio", "alias"),
        ("CURIO mbo Roosendaal", "Curio mbo", "alias"),
        ("Curio, Bergen-op-Zoom: nieuwe opleiding", "Curio", "alias"),
    ],
)
def test_matches(matcher: Matcher, text: str, alias: str, kind: str) -> None:
    result = matcher.match(text)
    assert result is not None
    assert (result.alias, result.kind) == (alias, kind)
    assert _letters(text[result.start:result.end]) == _letters(alias)


@pytest.mark.parametrize(
    "text",
    [
        "Hilton opent Curio Collection hotel in Breda",  # exclusion
        "Mooie curio cabinet gekocht op school-markt",  # exclusion phrase swallows the alias
        "curiosity killed the cat",  # not on a word boundary
        "follow @curio_mbo_fan for memes",  # other handle
        "#curiosity",  # other hashtag
        "roc west-brabanter",  # word boundary at the end
        "",
    ],
)
def test_non_matches(matcher: Matcher, text: str) -> None:
    assert matcher.match(text) is None


def test_handle_and_hashtag_need_no_context(matcher: Matcher) -> None:
    assert matcher.match("Hilton #curio") is not None
    assert matcher.match("dank @Curio_MBO!") is not None


def test_span_points_into_original_text_with_accents_and_ligatures(matcher: Matcher) -> None:
    text = "Ærger: Straße, ﬁets… en dan CÚRIO mbo in Breda"
    result = matcher.match(text)
    assert result is not None
    assert text[result.start:result.end] == "CÚRIO mbo"


def test_find_all_in_order(matcher: Matcher) -> None:
    text = "#curio en @curio_mbo en ROC West-Brabant"
    assert [r.alias for r in matcher.find_all(text)] == ["#curio", "@curio_mbo", "ROC West-Brabant"]


def test_empty_matcher() -> None:
    m = Matcher()
    assert m.empty
    assert m.match("Curio") is None


def test_regex_special_characters_in_aliases() -> None:
    m = Matcher(aliases=("C++ (school)", "a.b"))
    assert m.match("naar c++ school vandaag") is not None
    assert m.match("axb") is None


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_matcher_never_crashes_and_spans_are_valid(text: str) -> None:
    m = Matcher.from_institution(CURIO)
    for r in m.find_all(text):
        assert 0 <= r.start < r.end <= len(text)


# ----------------------------------------------------------------------------- canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://WWW.Example.NL:443/nieuws/a?utm_source=x&b=2&a=1&fbclid=abc#top",
            "https://example.nl/nieuws/a?a=1&b=2",
        ),
        ("http://example.nl", "http://example.nl/"),
        ("http://example.nl:8080/x?gclid=1&mc_cid=2&mc_eid=3", "http://example.nl:8080/x"),
        ("https://youtu.be/abc?si=tracking", "https://youtu.be/abc"),
        ("at://did:plc:abc/app.bsky.feed.post/3k", "at://did:plc:abc/app.bsky.feed.post/3k"),
        ("  not a url  ", "not a url"),
        ("http://[::1", "http://[::1"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


_url_chars = string.ascii_letters + string.digits + "-._~:/?#[]@!$&'()*+,;=%"


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=_url_chars).map(lambda s: "https://" + s)))
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


# ----------------------------------------------------------------------------- fingerprint


def test_fingerprint_ignores_urls_handles_case_accents_and_punctuation() -> None:
    a = "RT @jan: Cúrio sluit locatie Breda!! https://t.co/abc123"
    b = "curio sluit   locatie breda https://bit.ly/xyz @piet"
    assert fingerprint(a) == fingerprint(b)
    assert fingerprint(a) != fingerprint("Curio opent locatie Breda")
    assert len(fingerprint(a)) == 32
    assert int(fingerprint(a), 16) >= 0


def test_fingerprint_is_stable_across_runs() -> None:
    # a fixed value: changing the normalisation breaks stored clusters, so it must be deliberate
    assert fingerprint("Curio sluit locatie Breda") == "93a100181e18d02d973c78396b7f7518"
    normal = normalise_for_fingerprint("Curio — sluit: locatie (Breda)")
    assert normal == "curio sluit locatie breda"


def test_the_stored_fingerprint_is_the_fingerprint_but_not_for_short_texts() -> None:
    post = "RT @x: Cúrio https://t.co/x nieuws over de open dag"
    assert cluster_fingerprint(post) == fingerprint(post) == fingerprint("curio nieuws over de open dag")
    assert cluster_fingerprint("Curio sluit locatie Breda") is None  # four words cluster nothing
    assert cluster_fingerprint("") is None


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fingerprint_normalisation_is_idempotent(text: str) -> None:
    once = normalise_for_fingerprint(text)
    assert normalise_for_fingerprint(once) == once
    assert fingerprint(once) == fingerprint(text)


def test_ambiguous_name_without_context_is_kept_in_doubt(matcher: Matcher) -> None:
    """Real posts say "ik neem morgen een mes mee naar curio" with no context word: matching
    keeps them and the classifier judges whether they concern the institution."""
    assert matcher.match("ik neem morgen een mes mee naar curio") is not None
    assert matcher.match("Curio shop in Amsterdam verkoopt oude klokken") is not None


def test_ambiguous_name_with_only_an_exclusion_word_is_dropped(matcher: Matcher) -> None:
    assert matcher.match("Prachtige curio cabinet gekocht, via Hilton geleverd") is None


# Issue 18.13: homoglyphs and invisible characters in the name defeated matching.
CYRILLIC_CURIO = "\u0421ur\u0456\u043e"  # Cyrillic С, і, о: looks exactly like "Curio"


@pytest.mark.parametrize("text", [
    f"Nieuws over {CYRILLIC_CURIO} mbo in Breda",
    "Nieuws over \u0421UR\u0406\u041e mbo in Breda",  # capitals: С, І, О
    "Nieuws over C\u03c5ri\u03bf mbo in Breda",  # Greek υ, ο
    "Nieuws over Cu\u200brio mbo in Breda",  # zero-width space
    "Nieuws over Cu\u00adri\u2060o mbo in Breda",  # soft hyphen, word joiner
    "Nieuws over \ufeffCurio\u200d mbo in Breda",
    "Nieuws over \uff23\uff55\uff52\uff49\uff4f mbo in Breda",  # full-width
    "Nieuws over R\u041e\u0421 W\u0435st-Br\u0430bant",  # Cyrillic О С е а
    "Volg @\u0441urio_mbo",  # a handle with a Cyrillic с
])
def test_lookalike_and_invisible_characters_still_match(matcher: Matcher, text: str) -> None:
    found = matcher.match(text)
    assert found is not None
    assert _letters(text[found.start:found.end]) in {"curio", "curiombo", "rocwestbrabant"}


def test_lookalikes_fold_to_latin_and_keep_fingerprints_equal() -> None:
    assert fold(f"{CYRILLIC_CURIO} MBO") == "curio mbo"
    assert fold("\u0391\u0392\u0395\u039a\u039c\u039f\u03a1\u03a4\u03a7") == "abekmoptx"
    assert fold("\u0430\u0435\u043e\u0440\u0441\u0443\u0445\u0456\u0458\u0455\u0501\u0261") == (
        "aeopcyxijsdg")
    post = "Grote brand bij Curio in Breda, alle studenten zijn veilig"
    spoofed = post.replace("Curio", CYRILLIC_CURIO).replace("Breda", "Bre\u200bda")
    assert fingerprint(spoofed) == fingerprint(post)
    assert Matcher(aliases=["Curio"]).match("Curiosity is geen school") is None


def test_the_classifier_reads_lookalikes_as_the_name_too() -> None:
    doc = prepare(f"{CYRILLIC_CURIO} mbo\u200b Breda", "Cu\u00adrio")
    assert doc.lower == "curio. curio mbo breda" and doc.tokens.count("curio") == 2
