"""Personal data in text: BSN (elfproef), student numbers, e-mail addresses, phone numbers.

Findings carry a masked form only, so reasons and digests never repeat the data itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BSN = re.compile(r"(?<![\d.,\-/+])(\d{4}[ .]?\d{2}[ .]?\d{3}|\d{3}[ .]\d{3}[ .]\d{3})(?![\d,\-/])")
_BSN_CONTEXT = re.compile(r"\b(bsn|burgerservicenummer|sofinummer|sofi|citizen service number)\b")
_STUDENT_NO = re.compile(
    r"\b(?:student(?:en)?nummers?|leerlingnummers?|student (?:id|number)s?|studentnr\.?)"
    r"\s*[:#]?\s*(\d{5,9})\b")
_EMAIL = re.compile(r"\b([a-z0-9._%+\-]+)@([a-z0-9.\-]+\.[a-z]{2,})\b")
_MOBILE = re.compile(r"(?<!\d)(?:\+31|0031|0)[\s\-]?6(?:[\s\-]?\d){8}(?!\d)")
_ADDRESS = re.compile(
    r"\b[a-z][a-z\-]{2,}(?:straat|laan|weg|plein|singel|dreef|hof|kade|gracht|pad|steeg|dijk|"
    r"markt|park|ring|street|road|avenue|lane)\s+\d{1,4}[a-z]?\b")
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


def _emails(lower: str) -> list[PiiFinding]:
    found = []
    for match in _EMAIL.finditer(lower):
        local, domain = match.groups()
        if local in ROLE_MAILBOXES:
            continue
        found.append(PiiFinding("email", f"{local[0]}…@{domain}", 0.55))
    return found


def _phones(lower: str) -> list[PiiFinding]:
    found = [PiiFinding("mobile", f"06-…{_last2(m.group())}", 0.6)
             for m in _MOBILE.finditer(lower)]
    found += [PiiFinding("phone", f"0…{_last2(m.group())}", 0.3)
              for m in _LANDLINE.finditer(lower)]
    return found


def _last2(text: str) -> str:
    return re.sub(r"\D", "", text)[-2:]


def find_pii(lower: str) -> list[PiiFinding]:
    """Every finding in lower-cased text, strongest first."""
    if "@" not in lower and _DIGIT.search(lower) is None:
        return []
    found = _bsns(lower) + _emails(lower) + _phones(lower)
    found += [PiiFinding("address", "…", 0.6) for _ in _ADDRESS.finditer(lower)][:1]
    found += [PiiFinding("student_number", f"…{m.group(1)[-2:]}", 0.7)
              for m in _STUDENT_NO.finditer(lower)]
    return sorted(found, key=lambda f: -f.strength)
