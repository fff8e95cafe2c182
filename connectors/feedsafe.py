"""Make a fetched feed safe and UTF-8 before feedparser sees it.

* Encoding: BOM first (UTF-8/16/32), then UTF-16 without BOM (NUL pattern), then strict UTF-8
  (a valid UTF-8 document is UTF-8 whatever the header says), then the XML declaration, then
  the HTTP charset, then windows-1252. ISO-8859-1 and ASCII are read as windows-1252, as
  browsers do. Undecodable bytes become U+FFFD and a warning is recorded.
* NUL bytes and other characters XML forbids are removed.
* A DOCTYPE that declares entities is refused (billion laughs, XXE): no feed needs them.
* A feed past the work bounds is refused before feedparser sees it, by a linear scan: more
  than :data:`MAX_ATTRIBUTES` attributes in one tag (feedparser's cost is quadratic in them:
  404 s at 100k), more than :data:`MAX_TAGS` tags, or more than :data:`MAX_ATTRIBUTES_TOTAL`
  attributes in all (its cost per tag is ~30 us: 10 MB of ``<a/>`` took 65 s).
* The XML declaration is rewritten to say UTF-8 and the result is encoded as UTF-8.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from monitor.errors import FatalFetchError

__all__ = ["PreparedFeed", "decode_feed", "prepare_feed"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL_ENC = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECL_ENC_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_DOCTYPE = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(r"<!ENTITY", re.IGNORECASE)
MAX_ATTRIBUTES = 100  # per tag; counted as '=' signs inside it (values with '=' count too)
MAX_TAGS = 200_000  # opening tags ('<' not followed by '/'); a 5000-item feed has ~75k
MAX_ATTRIBUTES_TOTAL = 500_000  # '=' signs anywhere
# a tag with more than MAX_ATTRIBUTES '=' inside: possessive, so each '<' is scanned once
_CROWDED_TAG = re.compile(f"<[^<>!?/](?:[^<>=]*+=){{{MAX_ATTRIBUTES + 1}}}")
_LATIN1_NAMES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii",
                 "iso-8859-15", "cp819"}


@dataclass(frozen=True, slots=True)
class PreparedFeed:
    data: bytes  # UTF-8, declaration rewritten, safe for feedparser
    encoding: str  # what the original was read as
    warnings: tuple[str, ...] = ()


def _codec(name: str | None) -> str | None:
    """A Python codec name for a declared charset, or None if unknown / absent."""
    if not name:
        return None
    lowered = name.strip().lower()
    if lowered in _LATIN1_NAMES:
        return "windows-1252"
    try:
        return codecs.lookup(lowered).name
    except LookupError:
        return None


def _sniff_utf16(body: bytes) -> str | None:
    head = body[:64]
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0)
    odd_nuls = head[1::2].count(0)
    half = len(head) // 2
    if odd_nuls > 0.4 * half and even_nuls < 0.1 * half:
        return "utf-16-le"
    if even_nuls > 0.4 * half and odd_nuls < 0.1 * half:
        return "utf-16-be"
    return None


def decode_feed(body: bytes, content_type: str | None = None) -> tuple[str, str, list[str]]:
    """``(text, encoding used, warnings)`` for the raw bytes of a feed."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name, []
    sniffed = _sniff_utf16(body)
    if sniffed:
        return body.decode(sniffed, "replace"), sniffed, []
    try:
        return body.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    decl = _XML_DECL_ENC.match(body)
    header = _CHARSET.search(content_type or "")
    declared_name = (decl.group(1).decode() if decl else None) or (header.group(1) if header else None)
    declared = _codec(declared_name)
    if declared and declared != "utf-8" and not declared.startswith(("utf-16", "utf-32")):
        return body.decode(declared, "replace"), declared, []
    replaced = body.decode("utf-8", "replace")
    if len(_UTF8_MULTIBYTE.findall(body)) >= replaced.count("\ufffd"):
        return replaced, "utf-8", ["invalid UTF-8 bytes in the feed were replaced"]
    said = f"declared {declared_name}" if declared_name else "no encoding declared"
    return (body.decode("windows-1252", "replace"), "windows-1252",
            [f"feed is not UTF-8 ({said}); read it as windows-1252"])


def _check_entities(text: str, where: str) -> None:
    doctype = _DOCTYPE.search(text)
    if doctype and _ENTITY.search(text, doctype.start()):
        raise FatalFetchError(
            f"{where}: feed declares XML entities in its DOCTYPE; refused "
            "(entity expansion is a known attack and no feed needs it)")


def check_bounds(text: str, where: str) -> None:
    """Refuse a feed whose parse would cost minutes (see the module's docstring)."""
    tags = text.count("<") - text.count("</")
    if tags > MAX_TAGS:
        raise FatalFetchError(f"{where}: feed has {tags} tags (at most {MAX_TAGS}); refused")
    attributes = text.count("=")
    if attributes > MAX_ATTRIBUTES_TOTAL:
        raise FatalFetchError(f"{where}: feed has {attributes} attributes "
                              f"(at most {MAX_ATTRIBUTES_TOTAL}); refused")
    crowded = _CROWDED_TAG.search(text)
    if crowded:
        raise FatalFetchError(f"{where}: an element at character {crowded.start()} has more "
                              f"than {MAX_ATTRIBUTES} attributes; refused (a known attack on "
                              "XML parsers and no feed needs it)")


def prepare_feed(body: bytes, content_type: str | None = None, where: str = "feed") -> PreparedFeed:
    """Decode, clean and check ``body``; FatalFetchError for entities or past the bounds."""
    text, encoding, warnings = decode_feed(body, content_type)
    if "\x00" in text:
        warnings.append("NUL bytes in the feed were removed")
    text = _XML_ILLEGAL.sub("", text)
    _check_entities(text, where)
    check_bounds(text, where)
    text = _DECL_ENC_TEXT.sub(r"\1\2utf-8\2", text, count=1)
    return PreparedFeed(text.encode("utf-8"), encoding, tuple(warnings))
