"""HTML to text and feed decoding never crash and never let markup or control bytes through."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from connectors.feedsafe import decode_feed, prepare_feed
from connectors.htmltext import html_to_text
from monitor.errors import FatalFetchError


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hallo&nbsp;<b>wereld</b></p><p>twee</p>", "Hallo wereld twee"),
        ("a<script>alert(1)</script>b<style>p{}</style>c", "abc"),
        ("<img src=x onerror=alert(1)>Curio", "Curio"),
        ("&lt;p&gt;dubbel &amp;amp; ge-escaped&lt;/p&gt;", "dubbel & ge-escaped"),
        ("<script>never closed", ""),
        ("tab\tnul\x00bel\x07  spaces\n\nnewline", "tab nulbel spaces newline"),
        ("Caf&eacute; &#8364;5 &#x1F600;", "Café €5 😀"),
        ("", ""),
        (None, ""),
    ],
)
def test_html_to_text(html: str | None, text: str) -> None:
    assert html_to_text(html) == text


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_html_to_text_is_safe_for_any_input(html: str) -> None:
    text = html_to_text(html)
    assert "\x00" not in text
    assert "<script" not in text.lower() or "<script" in html.lower()
    assert text == text.strip()
    assert "  " not in text


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "text/xml; charset=utf-8",
                                                   "application/xml; charset=bogus-42"]))
def test_decoding_any_bytes_never_crashes(body: bytes, content_type: str | None) -> None:
    text, encoding, _warnings = decode_feed(body, content_type)
    assert isinstance(text, str) and encoding
    try:
        prepared = prepare_feed(body, content_type)
    except FatalFetchError:
        return
    prepared.data.decode("utf-8")  # always valid UTF-8
    assert b"\x00" not in prepared.data


def test_declaration_is_rewritten_to_utf8() -> None:
    body = '<?xml version="1.0" encoding="windows-1252"?><rss>é</rss>'.encode("cp1252")
    assert prepare_feed(body).data == '<?xml version="1.0" encoding="utf-8"?><rss>é</rss>'.encode()


def test_unknown_declared_encoding_falls_back() -> None:
    body = b'<?xml version="1.0" encoding="x-klingon"?><rss>\xe9</rss>'
    text, encoding, warnings = decode_feed(body)
    assert encoding == "windows-1252" and "é" in text and warnings
