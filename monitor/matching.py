"""Does this text really mention us? Plus canonical URLs and near-duplicate fingerprints.

Matching is case- and accent-insensitive and works on word boundaries. One regex holds every
alias, handle, hashtag, context word and exclusion word, so a text is scanned once.

Rules (see :class:`Matcher`):

* a handle (``@curio_mbo``), a hashtag (``#curio``) or an unambiguous alias always counts;
* an *ambiguous* alias (``Curio``) counts only when the text also contains a context word
  (``mbo``, ``Breda``, ``student`` ...) and no exclusion word (``Curio Collection`` ...).
  An exclusion phrase that contains the alias also "uses up" that occurrence.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from monitor.config import InstitutionSettings

__all__ = [
    "MatchResult",
    "Matcher",
    "canonical_url",
    "cluster_fingerprint",
    "fingerprint",
    "fold",
    "normalise_for_fingerprint",
]

# ----------------------------------------------------------------------------- folding


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# Cyrillic, Greek and Latin letters that look like the Latin ones a name is written in, so that
# "Сurіо" (Cyrillic С, і, о) is "curio" (issue 18.13); mapped by case, before lower-casing
# (Greek Η looks like H, its lower case η like n). Invisible characters (zero-width space, joiners,
# word joiner, soft hyphen, BOM ...) go, so "Cu\u200brio" is "curio" too.
_LOOKALIKES = str.maketrans({
    **dict(zip("АВЕЅІЈКМНОРСТУХҮԚԜӀ", "ABESIJKMHOPCTYXYQWI", strict=True)),
    **dict(zip("аеорсухіјѕԁһӏԛԝү", "aeopcyxijsdhlqwy", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
    **dict(zip("αεικνορτυχ", "aeikvoptux", strict=True)),
    **dict(zip("ıȷɑɡ", "ijag", strict=True)),
    **dict.fromkeys("\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"),
})


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    # NFKD (compatibility forms: "Ｃ", "𝐂" -> "C") without accents, look-alikes to Latin, then
    # lower case; decompose again after casefold: NFKD can produce capitals ("㎒" -> "MHz").
    plain = _strip_marks(ch).translate(_LOOKALIKES)
    return _strip_marks(plain.casefold()).translate(_LOOKALIKES)


def _fold_table(text: str) -> dict[int, str]:
    """How each distinct character of ``text`` folds (a post has few distinct characters)."""
    return {ord(c): _fold_char(c) for c in set(text)}


def fold(text: str) -> str:
    """Lower-case, strip accents, compatibility forms, look-alike letters and invisible
    characters: ``"Cúrio MBO"`` and ``"Сurіо\u200b mbo"`` -> ``"curio mbo"``."""
    if text.isascii():
        return text.lower()
    return text.translate(_fold_table(text))


def _fold_with_map(text: str) -> tuple[str, list[int] | None]:
    """Fold ``text``; also, unless folding kept every position, map folded -> source index."""
    if text.isascii():
        return text.lower(), None
    table = _fold_table(text)
    folded = text.translate(table)
    if all(len(piece) == 1 for piece in table.values()):
        return folded, None
    uneven = "".join(re.escape(chr(c)) for c, piece in table.items() if len(piece) != 1)
    index: list[int] = []
    done = 0
    for m in re.finditer(f"[{uneven}]", text):  # the characters that fold to 0 or 2+ characters
        i = m.start()
        index.extend(range(done, i))
        index.extend([i] * len(table[ord(text[i])]))
        done = i + 1
    index.extend(range(done, len(text)))
    return folded, index


# ----------------------------------------------------------------------------- matcher

_KIND_ALIAS = "alias"
_KIND_HANDLE = "handle"
_KIND_HASHTAG = "hashtag"
_KIND_CONTEXT = "context"
_KIND_EXCLUDE = "exclude"


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Which configured name matched, how, and where in the original text (``text[start:end]``)."""

    alias: str  # the configured form: "ROC West-Brabant", "@curio_mbo", "#curio"
    kind: str  # "alias", "handle" or "hashtag"
    start: int
    end: int

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True, slots=True)
class _Term:
    label: str
    kind: str
    ambiguous: bool = False


def _term_pattern(label: str, kind: str) -> tuple[str, str] | None:
    """``(regex, the character every match starts with)`` for one term, or None if empty."""
    if kind in (_KIND_HANDLE, _KIND_HASHTAG):
        sigil = "@" if kind == _KIND_HANDLE else "#"
        body = re.escape(fold(label.lstrip(sigil)))
        return (rf"(?<![\w{sigil}]){re.escape(sigil)}{body}(?!\w)", sigil) if body else None
    words = [w for w in re.split(r"[\W_]+", fold(label)) if w]
    if not words:
        return None
    body = r"[\W_]++".join(re.escape(w) for w in words)  # possessive: linear on long gaps
    return rf"(?<!\w){body}(?!\w)", words[0][0]


class Matcher:
    """Find mentions of one institution in free text. Build once, call :meth:`match` often."""

    def __init__(
        self,
        *,
        aliases: Iterable[str] = (),
        handles: Iterable[str] = (),
        hashtags: Iterable[str] = (),
        ambiguous_aliases: Iterable[str] = (),
        context_words: Iterable[str] = (),
        exclude_words: Iterable[str] = (),
    ) -> None:
        ambiguous = {fold(a) for a in ambiguous_aliases}
        groups = [
            (_KIND_ALIAS, (*aliases, *ambiguous_aliases)),
            (_KIND_HANDLE, handles),
            (_KIND_HASHTAG, hashtags),
            (_KIND_CONTEXT, context_words),
            (_KIND_EXCLUDE, exclude_words),
        ]
        terms: dict[tuple[str, str], _Term] = {}
        for kind, labels in groups:
            for label in labels:
                is_ambiguous = kind == _KIND_ALIAS and fold(label) in ambiguous
                terms.setdefault((kind, fold(label)), _Term(label, kind, is_ambiguous))
        self._terms: list[_Term] = []
        parts: list[tuple[int, str]] = []
        first_chars: set[str] = set()
        for term in terms.values():
            built = _term_pattern(term.label, term.kind)
            if built is None:
                continue
            pattern, first = built
            first_chars.add(first)
            parts.append((len(fold(term.label)), f"(?P<g{len(self._terms)}>{pattern})"))
            self._terms.append(term)
        parts.sort(key=lambda p: -p[0])  # longest first: "Curio Collection" beats "Curio"
        # The look-ahead lets the engine skip, in one test, every position no term starts at.
        gate = "".join(re.escape(c) for c in sorted(first_chars))
        alternatives = "|".join(p for _, p in parts)
        self._regex = re.compile(f"(?=[{gate}])(?:{alternatives})") if parts else None

    @classmethod
    def from_institution(cls, inst: InstitutionSettings) -> Matcher:
        return cls(
            aliases=inst.all_names,
            handles=(*inst.handles, *(a for a in inst.own_accounts if a.startswith("@"))),
            hashtags=inst.hashtags,
            ambiguous_aliases=inst.ambiguous_aliases,
            context_words=inst.context_words,
            exclude_words=inst.exclude_words,
        )

    @property
    def empty(self) -> bool:
        """True when nothing is configured to look for."""
        return not any(t.kind in (_KIND_ALIAS, _KIND_HANDLE, _KIND_HASHTAG) for t in self._terms)

    def match(self, text: str) -> MatchResult | None:
        """The first accepted mention in ``text``, or ``None``."""
        found = self.find_all(text)
        return found[0] if found else None

    def find_all(self, text: str) -> tuple[MatchResult, ...]:
        """Every accepted mention in ``text``, in order of appearance."""
        if self._regex is None or not text:
            return ()
        folded, index = _fold_with_map(text)
        sure: list[MatchResult] = []
        maybe: list[MatchResult] = []
        has_context = has_exclusion = False
        for m in self._regex.finditer(folded):
            term = self._terms[int(m.lastgroup[1:])]  # type: ignore[index]
            if term.kind == _KIND_CONTEXT:
                has_context = True
                continue
            if term.kind == _KIND_EXCLUDE:
                has_exclusion = True
                continue
            start, end = m.span()
            if index is not None:
                start, end = index[start], index[end - 1] + 1
            result = MatchResult(term.label, term.kind, start, end)
            (maybe if term.ambiguous else sure).append(result)
        # In doubt, keep: an ambiguous name counts unless only an exclusion word speaks for
        # another meaning. The classifier then judges whether the post is about the
        # institution (and says so in its verdict) instead of matching dropping it unseen.
        if has_context or not has_exclusion:
            sure.extend(maybe)
        return tuple(sorted(sure, key=lambda r: r.start))


# ----------------------------------------------------------------------------- canonical URLs

_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "igshid", "igsh", "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "_ga", "_gl",
    "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "wickedid", "li_fat_id", "s_cid",
    "ref_src", "ref_url", "__twitter_impression", "ncid", "ocid", "xtor", "cmpid", "spm",
    "si", "feature",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "at_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in _TRACKING_PARAMS or k.startswith(_TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """``url`` without tracking parameters (``utm_*``, ``fbclid``, ``mc_cid`` ...), otherwise as
    it was: what Signaleer stores and mails. Never raises."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    if len(kept) == len(pairs):
        return url
    return urlunsplit(parts._replace(query=urlencode(kept)))


def canonical_url(url: str) -> str:
    """A stable form of ``url`` for deduplication. Never raises; odd input comes back trimmed.

    Lower-cases scheme and host, drops ``www.``, default ports, the fragment and tracking
    parameters (``utm_*``, ``fbclid``, ``gclid``, ``mc_cid`` ...), and sorts the rest.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    host = host.removeprefix("www.")
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    )
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


# ----------------------------------------------------------------------------- fingerprints

_URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE_RE = re.compile(r"(?<!\w)@[\w.]+(?:@[\w.-]+)?")
_NON_WORD_RE = re.compile(r"[\W_]+")
_RT_RE = re.compile(r"^(?:rt\s+)+")


def normalise_for_fingerprint(text: str) -> str:
    """Lower-case, no accents, URLs, handles or punctuation; single spaces. Idempotent."""
    text = _URL_RE.sub(" ", text)
    text = _HANDLE_RE.sub(" ", text)
    text = fold(text)
    text = _URL_RE.sub(" ", text)  # folding can reveal more (e.g. full-width "ｈｔｔｐ")
    text = _HANDLE_RE.sub(" ", text)
    text = _NON_WORD_RE.sub(" ", text).strip()
    return _RT_RE.sub("", text).strip()


def fingerprint(text: str) -> str:
    """A stable hex digest of the normalised text, equal for near-identical posts."""
    return _digest(normalise_for_fingerprint(text))


MIN_FINGERPRINT_WORDS = 5


def cluster_fingerprint(text: str) -> str | None:
    """``fingerprint(text)`` as stored to cluster near-duplicates; ``None`` for texts too short
    to say anything (fewer than ``MIN_FINGERPRINT_WORDS`` words)."""
    normal = normalise_for_fingerprint(text)
    if normal.count(" ") + 1 < MIN_FINGERPRINT_WORDS:
        return None
    return _digest(normal)


def _digest(normal: str) -> str:
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=16).hexdigest()
