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
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    from monitor.config import InstitutionSettings

__all__ = [
    "MatchResult",
    "Matcher",
    "canonical_url",
    "fingerprint",
    "fold",
    "normalise_for_fingerprint",
]

# ----------------------------------------------------------------------------- folding


def _strip_marks(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _fold_char(ch: str) -> str:
    # casefold after decomposition too: NFKD can produce capitals ("㎒" -> "MHz").
    return _strip_marks(_strip_marks(ch).casefold())


def fold(text: str) -> str:
    """Lower-case and strip accents: ``"Cúrio MBO"`` -> ``"curio mbo"``."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(ch) for ch in text)


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and keep, for each folded character, the index of its source character."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


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


def _phrase_pattern(phrase: str) -> str:
    """Folded words joined by any run of spaces, hyphens or underscores."""
    words = [w for w in re.split(r"[\W_]+", fold(phrase)) if w]
    return r"[\W_]+".join(re.escape(w) for w in words)


def _term_pattern(label: str, kind: str) -> str | None:
    if kind == _KIND_HANDLE:
        body = re.escape(fold(label.lstrip("@")))
        return rf"(?<![\w@])@{body}(?![\w])" if body else None
    if kind == _KIND_HASHTAG:
        body = re.escape(fold(label.lstrip("#")))
        return rf"(?<![\w#])\#{body}(?![\w])" if body else None
    body = _phrase_pattern(label)
    return rf"(?<!\w){body}(?!\w)" if body else None


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
        for term in terms.values():
            pattern = _term_pattern(term.label, term.kind)
            if pattern is None:
                continue
            parts.append((len(fold(term.label)), f"(?P<g{len(self._terms)}>{pattern})"))
            self._terms.append(term)
        parts.sort(key=lambda p: -p[0])  # longest first: "Curio Collection" beats "Curio"
        self._regex = re.compile("|".join(p for _, p in parts)) if parts else None

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
            result = MatchResult(term.label, term.kind, index[m.start()], index[m.end() - 1] + 1)
            (maybe if term.ambiguous else sure).append(result)
        if has_context and not has_exclusion:
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
    normal = normalise_for_fingerprint(text)
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=16).hexdigest()
