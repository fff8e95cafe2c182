"""Who the institution is: its names, handles and own accounts, compiled for the classifier.

Used for two questions: is a post about *this* institution at all (an ambiguous name such as
"Curio" also means a curiosity, an antique cabinet or a hotel brand), and does an author pose
as the institution without being one of its own accounts (impersonation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from monitor.classify.text import LEET_LETTERS, normalise_name
from monitor.config import InstitutionSettings


def _handle(value: str) -> str:
    return value.strip().lstrip("@").lower()


def _word_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    cleaned = sorted({w.lower().lstrip("@#") for w in words if w.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    alternatives = "|".join(re.escape(w) for w in cleaned)
    return re.compile(rf"(?<![\w@#])[@#]?({alternatives})(?!\w)")


@dataclass(frozen=True, slots=True)
class Identity:
    strong: re.Pattern[str] | None  # unambiguous names, handles, hashtags
    ambiguous: re.Pattern[str] | None  # names that need school context
    context_words: frozenset[str]
    exclude: tuple[str, ...]
    own: frozenset[str]  # own accounts and handles: lower-case, without "@"
    lookalike_targets: tuple[str, ...]  # normalised names/handles an impostor would copy
    ambiguous_names: tuple[str, ...] = ()  # lower-case ambiguous names ("curio")
    fragments: tuple[str, ...] = ()  # parts of a name that alone mean a region ("west-brabant")

    @classmethod
    def from_institution(cls, inst: InstitutionSettings) -> Identity:
        ambiguous = {a.lower() for a in inst.ambiguous_aliases}
        strong = tuple(n for n in (*inst.all_names, *inst.handles, *inst.hashtags)
                       if n.lower().lstrip("@#") not in ambiguous)
        own = frozenset(_handle(a) for a in (*inst.own_accounts, *inst.handles)) - {""}
        targets = {normalise_name(n) for n in (*inst.all_names, *inst.handles)}
        return cls(
            strong=_word_regex(strong),
            ambiguous=_word_regex(tuple(inst.ambiguous_aliases)),
            context_words=frozenset(w.lower() for w in inst.context_words),
            exclude=tuple(w.lower() for w in inst.exclude_words),
            own=own,
            lookalike_targets=tuple(sorted(t for t in targets if len(t) >= 4)),
            ambiguous_names=tuple(sorted(ambiguous)),
            fragments=_fragments(inst.all_names),
        )

    def is_own(self, author: str | None) -> bool:
        return bool(author) and _handle(author or "") in self.own

    def names_in(self, lower: str) -> tuple[str | None, str | None]:
        """(first strong name found, first ambiguous name found) in lower-cased text."""
        strong = self.strong.search(lower) if self.strong else None
        ambiguous = self.ambiguous.search(lower) if self.ambiguous else None
        return (strong.group(1) if strong else None, ambiguous.group(1) if ambiguous else None)

    def excluded_word(self, lower: str) -> str | None:
        return next((w for w in self.exclude if w in lower), None)

    def ambiguous_compound(self, token: str) -> bool:
        """``curiokast``, ``curio-winkel``: an ambiguous name glued to another word."""
        return any(token.startswith(name) and len(token) > len(name) + 2
                   and token[len(name):].lstrip("-'").isalpha()
                   for name in self.ambiguous_names)

    def other_institution(self, tokens: tuple[str, ...], stopwords: frozenset[str]) -> str | None:
        """"roc tilburg", "graafschap college", "hogeschool zeeland": another school by name."""
        for i, tok in enumerate(tokens):
            if tok in _SCHOOL_BEFORE_NAME and i + 1 < len(tokens) and _is_name(tokens[i + 1],
                                                                                stopwords):
                return f"{tok} {tokens[i + 1]}"
            if tok in _SCHOOL_AFTER_NAME and i and _is_name(tokens[i - 1], stopwords):
                return f"{tokens[i - 1]} {tok}"
        return None

    def fragment_in(self, lower: str) -> str | None:
        return next((f for f in self.fragments if f in lower), None)

    def other_school_kind(self, tokens: tuple[str, ...]) -> str | None:
        """"een basisschool", "a university": a kind of school that is not ours. An unnamed
        school of our own kind in one of our places ("gaslek bij mbo-school in Oosterhout")
        may well be us: in doubt it stays."""
        kind = next((t for t in tokens if t in _OTHER_SCHOOL_KINDS), None)
        if kind in _OWN_KINDS and any(t in self.context_words for t in tokens):
            return None
        return kind

    def place_elsewhere(self, raw: str) -> str | None:
        """"in Tilburg", "at college in Eindhoven": a named place that is none of ours, in a post
        that names no institution of ours (news from elsewhere)."""
        for match in _PLACE.finditer(raw):
            place = match.group(1).lower()
            if place not in self.context_words and place not in self.ambiguous_names and not any(
                    place in name for name in self.lookalike_targets):
                return match.group(1)
        return None


_PLACE = re.compile(r"\b(?:in|te|bij|uit|at|near|from)\s+(?:(?:het\s+)?centrum\s+van\s+|downtown\s+)?"
                    r"([A-Z][a-z]{3,}(?:-[A-Z][a-z]+)?)\b")
_OTHER_SCHOOL_KINDS = frozenset({
    "basisschool", "basisscholen", "middelbare", "mbo-school", "lyceum", "gymnasium", "atheneum",
    "hogeschool", "universiteit", "university", "highschool", "kinderopvang", "creche",
})
_OWN_KINDS = frozenset({"mbo-school"})
_SCHOOL_BEFORE_NAME = frozenset({"roc", "hogeschool", "universiteit", "university", "mbo-college"})
_SCHOOL_AFTER_NAME = frozenset({"college", "lyceum", "hogeschool", "university", "academie"})
_GENERIC_FIRST_WORDS = frozenset({"roc", "mbo", "stichting", "het", "de", "the"})


def _is_name(token: str, stopwords: frozenset[str]) -> bool:
    return token.isalpha() and token not in stopwords and len(token) > 2


def _fragments(names: tuple[str, ...]) -> tuple[str, ...]:
    """The region part of names like "ROC West-Brabant": "west-brabant" and "west brabant"."""
    found: set[str] = set()
    for name in names:
        words = re.split(r"[\s\-]+", name.lower())
        if len(words) > 1 and words[0] in _GENERIC_FIRST_WORDS:
            rest = words[1:]
            found.update({" ".join(rest), "-".join(rest)})
    return tuple(sorted(f for f in found if len(f) > 3))


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (returning limit + 1) once it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


@lru_cache(maxsize=8192)  # authors post again and again; the distances are the costly part
def lookalike_strength(identity: Identity, author: str | None) -> float:
    """How strongly ``author`` imitates the institution's names or handles (0 if it is its own)."""
    if not author or not identity.own or identity.is_own(author):
        return 0.0
    plain = normalise_name(author)
    folded = normalise_name(author.lower().translate(LEET_LETTERS))
    own = {normalise_name(a) for a in identity.own}
    best = 0.0
    for target in identity.lookalike_targets:
        if folded == target:
            best = max(best, 0.9 if plain != target or target in own else 0.4)
        elif len(target) >= 5 and _distance(folded, target, 2) <= 2:
            best = max(best, 0.8)
        elif target in folded:
            best = max(best, 0.4)
    return best
