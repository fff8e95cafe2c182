"""Personal data in text: BSN (elfproef), student numbers, e-mail addresses, phone numbers.

Findings carry a masked form only, so reasons and digests never repeat the data itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Every pattern runs in linear time, whatever the input (issue 18.2): no two quantifiers can
# trade characters, and the unbounded runs are possessive. ``bench/regex_adversarial.py`` times
# each of them on hostile 100 KB texts.
_BSN = re.compile(r"(?<![\d.,\-/+])(\d{4}[ .]?\d{2}[ .]?\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d,\-/])")
_BSN_CONTEXT = re.compile(r"\b(bsn|burgerservicenummer|sofinummer|sofi|citizen service number)\b")
_STUDENT_NO = re.compile(
    r"\b(?:student(?:en)?nummers?|leerlingnummers?|student (?:id|number)s?|studentnr\.?)"
    r"\s*+(?:[:#]\s*+)?(\d{5,9})\b")
# An e-mail address: a whole run of local-part characters (taken at once, from where it starts)
# right before an "@", and a domain after it. ``_email_parts`` finds where the local part starts.
_EMAIL = re.compile(
    r"(?<![a-z0-9._%+\-])(?P<run>[a-z0-9._%+\-]++)@(?=(?P<domain>[a-z0-9.\-]+\.[a-z]{2,}+(?!\w)))")
_BOUNDARY = re.compile(r"\b")
_MOBILE = re.compile(r"(?<!\d)(?:\+31|0031|0)[\s\-]?6(?:[\s\-]?\d){8}(?!\d)")
_STREET_SUFFIXES = ("straat", "laan", "weg", "plein", "singel", "dreef", "hof", "kade", "gracht",
                    "pad", "steeg", "dijk", "markt", "park", "ring", "street", "road", "avenue",
                    "lane")
# A whole run of letters and hyphens (taken at once, from where it starts), ending in a street
# suffix, then a house number. The word must start with a letter at a word boundary and have at
# least three characters before the suffix: ``_street_word`` checks that on the run.
_ADDRESS = re.compile(
    r"(?<![a-z\-])(?P<run>[a-z\-]++)"
    r"(?:" + "|".join(f"(?<={s})" for s in _STREET_SUFFIXES) + r")"
    r"(?=\s++\d{1,4}[a-z]?\b)")  # a look-ahead: the number may end where the next run begins
_WORD_CHAR = re.compile(r"\w")
_HYPHEN_LETTER = re.compile(r"-[a-z]")
_DIGIT = re.compile(r"\d")
_LANDLINE = re.compile(r"(?<!\d)0[1-9]\d[\s\-]?\d{3}[\s\-]?\d{4}(?!\d)")
ROLE_MAILBOXES = frozenset({
    "info", "contact", "communicatie", "servicedesk", "studentenservice", "pers", "press",
    "noreply", "no-reply", "admin", "support", "receptie", "secretariaat", "helpdesk",
    "marketing", "aanmelden", "hallo", "hello", "welkom", "redactie", "tips", "klachten",
    "privacy", "studentzaken", "vacatures", "mc", "nieuws", "news",
})


@dataclass(frozen=True, slots=True)
class PiiFinding:
    kind: str  # "bsn", "student_number", "email", "mobile", "phone", "address"
    masked: str
    strength: float


def elfproef(digits: str) -> bool:
    """The Dutch BSN 11-test: sum(d_i * (9..2)) - d_9 is a multiple of 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True))
    return (total - int(digits[8])) % 11 == 0


def _bsns(lower: str) -> list[PiiFinding]:
    context = _BSN_CONTEXT.search(lower) is not None
    found = []
    for match in _BSN.finditer(lower):
        digits = re.sub(r"\D", "", match.group(1))
        if elfproef(digits):
            found.append(PiiFinding("bsn", f"…{digits[-3:]}", 1.0 if context else 0.8))
    return found


def _email_parts(lower: str) -> list[tuple[str, str]]:
    """``(local part, domain)`` of each address, as ``\\b([a-z0-9._%+-]+)@([a-z0-9.-]+\\.[a-z]{2,})\\b``
    would find them scanning left to right, in linear time."""
    found: list[tuple[str, str]] = []
    resume = 0  # like finditer: a match never starts inside the previous one
    for m in _EMAIL.finditer(lower) if "@" in lower else ():
        at = m.end("run")
        edge = _BOUNDARY.search(lower, max(m.start(), resume), at)  # the local part's start
        if edge is None or edge.start() >= at:
            continue
        found.append((lower[edge.start():at], m.group("domain")))
        resume = m.end("domain")
    return found


def _emails(lower: str) -> list[PiiFinding]:
    return [PiiFinding("email", f"{local[0]}…@{domain}", 0.55)
            for local, domain in _email_parts(lower) if local not in ROLE_MAILBOXES]


def _has_address(lower: str) -> bool:
    """A street name and a house number (``kerkstraat 12``, ``station road 5b``)."""
    return any(_street_word(lower, m.start(), m.group("run")) for m in _ADDRESS.finditer(lower))


def _street_word(lower: str, start: int, run: str) -> bool:
    """Does ``run`` (at ``start``) hold a word that starts with a letter at a word boundary and
    has at least three characters before its street suffix?"""
    if run[0] != "-" and (start == 0 or not _WORD_CHAR.match(lower, start - 1)):
        first = 0
    else:  # the first letter after a hyphen
        after_hyphen = _HYPHEN_LETTER.search(run)
        if after_hyphen is None:
            return False
        first = after_hyphen.start() + 1
    return any(run.endswith(s) and len(run) - first >= 3 + len(s) for s in _STREET_SUFFIXES)


def _phones(lower: str) -> list[PiiFinding]:
    found = [PiiFinding("mobile", f"06-…{_last2(m.group())}", 0.6)
             for m in _MOBILE.finditer(lower)]
    found += [PiiFinding("phone", f"0…{_last2(m.group())}", 0.3)
              for m in _LANDLINE.finditer(lower)]
    return found


def _last2(text: str) -> str:
    return re.sub(r"\D", "", text)[-2:]


_GRADE = re.compile(r"\b[a-z]{2,15}:? \d{1,2}[.,]\d\b")  # "fatima 5.1": a name with a grade
GRADES_LIST_AT = 3


def find_pii(lower: str) -> list[PiiFinding]:
    """Every finding in lower-cased text, strongest first."""
    if "@" not in lower and _DIGIT.search(lower) is None:
        return []
    found = _bsns(lower) + _emails(lower) + _phones(lower)
    found += [PiiFinding("address", "…", 0.6)] if _has_address(lower) else []
    found += [PiiFinding("student_number", f"…{m.group(1)[-2:]}", 0.7)
              for m in _STUDENT_NO.finditer(lower)]
    if sum(1 for _ in zip(range(GRADES_LIST_AT), _GRADE.finditer(lower), strict=False)) >= GRADES_LIST_AT:
        found.append(PiiFinding("grades", "…", 0.8))
    return sorted(found, key=lambda f: -f.strength)
