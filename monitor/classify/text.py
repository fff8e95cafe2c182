"""Text preparation shared by every detector: one pass of normalisation and tokenisation."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from monitor.matching import fold
from monitor.models import Mention

_URL = re.compile(r"https?://[^\s<>\"']+|www\.[^\s<>\"']+", re.IGNORECASE)
_TOKEN = re.compile(r"[#@]?[\w][\w'’\-]*(?:\*+[\w'’\-]+)*|[.!?;,:]+", re.UNICODE)
BOUNDARY = "."  # stands for any run of sentence or clause punctuation in ``Doc.tokens``
_EMOJI_RANGES = ((0x1F300, 0x1FAFF), (0x2600, 0x27BF))
# The classifier reads at most this much of a text and of a title: enough for any real post or
# article lead, and it bounds the work a hostile 100 KB post can cause (issue 18.2).
MAX_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class Doc:
    """A mention's text, prepared once: lower-cased tokens without URLs, plus the URLs."""

    raw: str
    lower: str
    tokens: tuple[str, ...]
    urls: tuple[str, ...]
    emojis: frozenset[str]
    exclamations: int
    questions: int


def _fold(text: str) -> str:
    """Lower-case and strip accents (``één`` -> ``een``) so lexicons need one spelling; the same
    fold as matching's, so look-alike letters and invisible characters cannot hide a name."""
    return fold(text.replace("’", "'"))


def _emojis(text: str) -> frozenset[str]:
    if text.isascii():
        return frozenset()
    found = set()
    for ch in text:
        code = ord(ch)
        if any(lo <= code <= hi for lo, hi in _EMOJI_RANGES):
            found.add(ch)
    return frozenset(found)


def _clean(token: str) -> str:
    if token[0] in ".!?;,:":
        return BOUNDARY
    return token.lstrip("#").strip("'-")


def clip(mention: Mention) -> Mention:
    """The mention with at most ``MAX_CHARS`` of text and of title: all the classifier reads."""
    if len(mention.text) <= MAX_CHARS and len(mention.title or "") <= MAX_CHARS:
        return mention
    return replace(mention, text=mention.text[:MAX_CHARS],
                   title=mention.title[:MAX_CHARS] if mention.title else mention.title)


# Digits and signs that stand for letters: one map, also used for look-alike account names.
LEET_LETTERS = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s"})
_LEET = re.compile(r"(?<=[a-z])[013457$]+(?=[a-z])")  # not "@": e-mail addresses
# a word of letters and at least two such digits, a digit first or last too ("1d10ts", "cur10")
_LEET_WORD = re.compile(r"(?<![\w.])(?=[a-z013457$]*[a-z][a-z013457$]*[a-z])"
                        r"(?=[a-z$]*[013457$][a-z$]*[013457$])[a-z013457$]{4,}(?![\w.])")
_LEET_AT = re.compile(r"(?<=[a-z])@(?=[a-z]+(?:[\s,!?;:]|$))")  # "k@nker", but not "x@curio.nl"


_SPACED = re.compile(r"(?<!\w)(?:[a-z] ){2,}[a-z](?!\w)")  # "k i l l", "d o c e n t"


def _unspaced(lower: str) -> str:
    """Words spelled out letter by letter to slip past filters, joined again."""
    return _SPACED.sub(lambda m: m.group().replace(" ", ""), lower) if " " in lower else lower


def _unleet(lower: str) -> str:
    """``k4nker`` -> ``kanker``, ``cur1o`` -> ``curio``: digits standing for letters inside a word
    (not "3a", "c1.07" or "2x", where a digit starts or ends the word)."""
    if "@" in lower:
        lower = _LEET_AT.sub("a", lower)
    if not any(c in lower for c in "013457$"):
        return lower
    lower = _LEET_WORD.sub(lambda m: m.group().translate(LEET_LETTERS), lower)
    return _LEET.sub(lambda m: m.group().translate(LEET_LETTERS), lower)


def prepare(text: str, title: str | None = None) -> Doc:
    """Build a :class:`Doc` from a mention's title and text (the first ``MAX_CHARS`` of each)."""
    raw = f"{title[:MAX_CHARS]}. {text[:MAX_CHARS]}" if title else text[:MAX_CHARS]
    urls = tuple(_URL.findall(raw))
    without_urls = _URL.sub(" ", raw) if urls else raw
    lower = _unspaced(_unleet(_fold(without_urls)))
    tokens = tuple(_clean(t) for t in _TOKEN.findall(lower))
    return Doc(
        raw=raw,
        lower=lower,
        tokens=tuple(t for t in tokens if t),
        urls=urls,
        emojis=_emojis(raw),
        exclamations=without_urls.count("!"),
        questions=without_urls.count("?"),  # a "?" inside a link asks nothing
    )


def normalise_name(value: str) -> str:
    """``"@Curio_MBO "`` -> ``"curiombo"``: for comparing handles and display names."""
    return re.sub(r"[^0-9a-z]", "", _fold(value))
