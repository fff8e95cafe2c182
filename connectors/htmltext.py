"""HTML fragments from feeds and APIs -> plain, single-line, safe text.

Tags are dropped, the contents of ``script``/``style``/``template``/... are dropped entirely,
entities are unescaped, NUL and other control characters and lone surrogates are removed,
and whitespace is collapsed. The result is text, never markup: render it escaped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["clean_text", "html_to_text"]

_SKIP = frozenset({
    "script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math",
    "head", "title", "select", "textarea", "button", "form",
})
_BLOCK = frozenset({
    "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "h1", "h2", "h3", "h4",
    "h5", "h6", "blockquote", "pre", "hr", "section", "article", "header", "footer", "figure",
    "figcaption", "dd", "dt", "img",
})
# C0 and C1 controls (U+009B is a one-character CSI), bidi overrides and isolates, surrogates, BOM.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                      r"\ud800-\udfff\ufeff]")
_SPACE = re.compile(r"\s+")
_TAGLIKE = re.compile(r"<\s*/?\s*[a-zA-Z!]")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self._skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.parts.append(data)


def clean_text(text: str) -> str:
    """Drop control characters (NUL included) and lone surrogates; collapse whitespace."""
    return _SPACE.sub(" ", _CONTROL.sub("", text)).strip()


def _strip_once(html: str) -> str:
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def html_to_text(html: str | None) -> str:
    """Plain text of an HTML fragment. A second pass catches double-escaped markup."""
    if not html:
        return ""
    text = _strip_once(_CONTROL.sub("", html))
    if _TAGLIKE.search(text):  # "&lt;p&gt;" in the source: markup escaped once too often
        text = _strip_once(text)
    return clean_text(text)
