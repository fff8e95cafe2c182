"""Signals that look beyond plain words: personal data, media links, look-alike accounts,
reach, news domains and direct questions."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from monitor.classify.lexicon import Lexicon
from monitor.classify.matcher import Hit
from monitor.classify.pii import find_pii
from monitor.classify.reasons import format_int, reason
from monitor.classify.scan import Scan
from monitor.classify.signals import Signal, noisy_or
from monitor.classify.text import Doc

MEDIA_SOURCES = {"youtube": "YouTube", "tiktok": "TikTok", "instagram": "Instagram"}
MEDIA_WORDS = {"youtube": "YouTube", "tiktok": "TikTok", "instagram": "Instagram",
               "insta": "Instagram", "snapchat": "Snapchat",
               "reels": "Instagram"}
_PLATFORM_NAMES = {"youtube.com": "YouTube", "youtu.be": "YouTube", "tiktok.com": "TikTok",
                   "vm.tiktok.com": "TikTok", "instagram.com": "Instagram",
                   "snapchat.com": "Snapchat"}


@lru_cache(maxsize=4096)  # press and media both ask, for the same few links of a post
def domain_of(url: str) -> str:
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.").removeprefix("m.")


@lru_cache(maxsize=16)
def _domain_set(domains: tuple[str, ...]) -> frozenset[str]:
    return frozenset(domains)


def _matching_domain(urls: Sequence[str], domains: Sequence[str]) -> str | None:
    """The configured domain a link's host is, or is a subdomain of (by the host's suffixes)."""
    wanted = _domain_set(tuple(domains))
    for url in urls:
        labels = domain_of(url).split(".")
        for i in range(len(labels) - 1):
            suffix = ".".join(labels[i:])
            if suffix in wanted:
                return suffix
    return None


def confidential_signal(doc: Doc, word_hits: Sequence[Hit], lang: str) -> Signal | None:
    findings = find_pii(doc.lower)
    weights = [f.strength for f in findings] + [h.weight for h in word_hits]
    strength = noisy_or(weights)
    if strength <= 0:
        return None
    reasons = [reason(f.kind, lang, term=f.masked) for f in findings[:2]]
    reasons += [reason("confidential", lang, term=h.text)
                for h in sorted(word_hits, key=lambda h: -h.weight)[:1] if h.weight > 0]
    return Signal("confidential", strength, tuple(reasons))


def press_signal(hits: Sequence[Hit], urls: Sequence[str], domains: Sequence[str],
                 lang: str) -> Signal | None:
    weights = [h.weight for h in hits]
    reasons = [reason("press", lang, term=h.text)
               for h in sorted(hits, key=lambda h: -h.weight)[:2] if h.weight > 0]
    domain = _matching_domain(urls, domains)
    if domain:
        weights.append(0.4)
        reasons.append(reason("press_domain", lang, term=domain))
    strength = noisy_or(weights)
    return Signal("press", strength, tuple(reasons)) if strength > 0 else None


def media_platform(doc: Doc, urls: Sequence[str], source: str, domains: Sequence[str]) -> str | None:
    if source.lower() in MEDIA_SOURCES:
        return MEDIA_SOURCES[source.lower()]
    domain = _matching_domain(urls, domains)
    if domain:
        return _PLATFORM_NAMES.get(domain, domain)
    return next((MEDIA_WORDS[t] for t in doc.tokens if t in MEDIA_WORDS), None)


FILMED = 0.6  # without a platform, only a clear filming cue counts ("in de groepsapp" does not)


def student_media_signal(platform: str | None, students: Sequence[Hit],
                         filming: Sequence[Hit], lang: str, *, friendly: bool = False
                         ) -> Signal | None:
    """Footage of students or staff: on a platform, or filmed and passed round. A glad post
    about a photo ("mooie foto van onze studenten") is worth sharing, not a concern."""
    if not students:
        return None
    film = noisy_or(h.weight for h in filming)
    if platform and friendly and not film:
        return None  # a glad post on YouTube about the teachers is praise, not footage
    if platform:
        strength = 0.65 + 0.3 * film
    elif film >= FILMED:
        strength, platform = (0.45 * film if friendly else 0.5 + 0.2 * film), "video"
    else:
        return None
    cue = students[0].text
    return Signal("student_media", strength,
                  (reason("student_media", lang, term=platform, cue=cue),))


_DOMAIN = re.compile(r"\b([a-z0-9][a-z0-9-]{2,40})\.(?:nl|com|info|net|org|eu|be|online|site|xyz|shop)\b")


def lookalike_site(lower: str, names: Sequence[str]) -> str | None:
    """A web address that dresses up in the institution's name ("curio-duo-check.nl"); the bare
    name itself ("curio.nl") is left alone."""
    for match in _DOMAIN.finditer(lower):
        label = match.group(1).replace("-", "")
        if any(name in label and label != name for name in names):
            return match.group(0)
    return None


def impersonation_signal(lookalike: float, author: str | None, cues: Sequence[Hit],
                         reports: Sequence[Hit], lang: str, site: str | None = None
                         ) -> Signal | None:
    """A look-alike author or website (strengthened by "official"/"click the link" cues), or a
    post that reports a fake account ("nepaccount", "doet zich voor als")."""
    reported = noisy_or(h.weight for h in reports)
    if lookalike <= 0 and reported <= 0 and site is None:
        return None
    faked = max(lookalike, 0.7 if site else 0.0)
    weights = [faked, reported, *(h.weight for h in cues)] if faked > 0 else [reported]
    reasons = [reason("impersonation", lang, term=author)] if lookalike > 0 else []
    reasons += [reason("lookalike_site", lang, term=site)] if site else []
    reasons += [reason("impersonation_cue", lang, term=h.text) for h in (*reports, *cues)[:1]]
    return Signal("impersonation", noisy_or(weights), tuple(reasons))


def reach_signal(followers: int | None, low: int, full: int, lang: str) -> Signal | None:
    """Log-scaled: ``low`` followers -> 0, ``full`` followers or more -> 1."""
    if not followers or followers < low:
        return None
    strength = min(1.0, math.log10(followers / low) / math.log10(full / low))
    return Signal("reach", max(strength, 0.05),
                  (reason("reach", lang, count=format_int(followers, lang)),))


def question_signal(doc: Doc, lex: Lexicon, topics: Sequence[Hit], direct: bool,
                    lang: str, scan: Scan) -> Signal | None:
    asks = doc.questions > 0 or bool(scan.of(lex.question_phrases)) or (
        bool(doc.tokens) and doc.tokens[0] in lex.question_starts and doc.exclamations == 0)
    if not asks:
        return None
    topic = noisy_or(h.weight for h in topics)
    strength = min(1.0, 0.3 + 0.6 * topic + (0.3 if direct else 0.0))
    reasons = [reason("question", lang, term=h.text)
               for h in sorted(topics, key=lambda h: -h.weight)[:1]]
    if direct:
        reasons.append(reason("question_direct", lang))
    return Signal("question", strength, tuple(reasons))
