"""Hostile input (issue 8.4): a generated corpus of 200+ cases against the RSS, Mastodon and Bluesky
connectors, served on loopback by a server that misbehaves on purpose.

Each case must end in clean data (stored without error on SQLite and PostgreSQL) or in a
``FetchError`` whose message names the connector (``rss:case-17: GET http://...``); nothing else may
escape, and the process stays up. Peak memory (``ru_maxrss``) growth over the whole corpus is
measured and bounded. Connectors run with a tight policy (1 s read timeout, 3 s deadline, no
retries) and the default 10 MB size cap, so slow and huge cases end quickly.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import socket
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from connectors.bluesky import BlueskyConnector
from connectors.http import HttpPolicy
from connectors.mastodon import MastodonConnector
from connectors.rss import RssConnector
from monitor.classify import ClassifierContext, classify
from monitor.config import InstitutionSettings
from monitor.db import mentions
from monitor.errors import FetchError
from monitor.pipeline import Classifier, store_result
from monitor.store import Store
from tests.factories import colliding_external_ids
from tests.prove.helpers import maxrss_mb, report, scale

DATA = Path(__file__).resolve().parents[1] / "data" / "hostile"
INSTITUTION = InstitutionSettings(name="Curio", aliases=("ROC West-Brabant",),
                                  hashtags=("#curio",), ambiguous_aliases=())
POLICY = HttpPolicy(timeout=1.0, deadline=3.0, retries=0)
_CONTEXT = ClassifierContext.build(institution=INSTITUTION)
CLASSIFIER = Classifier(lambda m: classify(m, _CONTEXT), "hostile")  # every stored case is judged
MB = 1024 * 1024
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # feedparser's own
Respond = Callable[["Handler"], None]
# Never stored (issue 18.7): C0 controls but line breaks and tabs, DEL, C1, bidi overrides and
# isolates, lone surrogates.
UNSAFE_STORED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # rss | mastodon | bluesky
    respond: Respond
    expect: str = "either"  # data | error | either
    login: Respond | None = None  # bluesky: the createSession answer (default: a valid one)


# ----------------------------------------------------------------------------- the server

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._dispatch()

    def _dispatch(self) -> None:
        self.close_connection = True
        index = self.path.split("/", 2)[1]
        case = self.server.cases[int(index)]
        try:
            if "createSession" in self.path:
                (case.login or json_body(SESSION))(self)
            else:
                case.respond(self)
        except OSError:  # the client hung up (cap reached, deadline): expected
            pass

    def send_raw(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, cases: list[Case]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.cases = cases

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a hostile server's own errors are not the point


def head(status: int = 200, headers: dict[str, str] | None = None, reason: str = "X") -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join([*lines, "Connection: close"]) + "\r\n\r\n").encode("latin-1")


def body(data: bytes, ctype: str = "application/rss+xml", status: int = 200,
         **headers: str) -> Respond:
    def respond(h: Handler) -> None:
        h.send_raw(head(status, {"Content-Type": ctype, "Content-Length": str(len(data)),
                                 **{k.replace("_", "-"): v for k, v in headers.items()}}) + data)
    return respond


def json_body(value: Any, status: int = 200) -> Respond:
    return body(json.dumps(value).encode(), "application/json", status)


def raw(data: bytes) -> Respond:
    return lambda h: h.send_raw(data)


def stream(chunks: Callable[[], Iterator[bytes]], headers: dict[str, str]) -> Respond:
    """A close-delimited body (no Content-Length), written until the client hangs up."""
    def respond(h: Handler) -> None:
        h.send_raw(head(200, headers))
        for chunk in chunks():
            h.wfile.write(chunk)
    return respond


def drip(prefix: bytes, unit: bytes, interval: float, seconds: float) -> Respond:
    def respond(h: Handler) -> None:
        h.send_raw(prefix)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            h.send_raw(unit)
            time.sleep(interval)
    return respond


def redirect_loop(kind: str) -> Respond:
    def respond(h: Handler) -> None:
        base = h.path.split("?")[0]
        target = {"self": base, "grow": base + "/x", "scheme": "file:///etc/passwd",
                  "ftp": "ftp://127.0.0.1/feed", "empty": ""}[kind]
        h.send_raw(head(302, {"Location": target, "Content-Length": "0"}))
    return respond


# ----------------------------------------------------------------------------- payloads

VALID = (DATA / "valid.xml").read_bytes()
SESSION = {"did": "did:plc:prove", "accessJwt": "a.b.c", "refreshJwt": "d.e.f"}


def item(guid: str, title: str, text: str) -> str:
    return (f"<item><title>{title}</title><link>https://h.example/{guid}</link><guid>{guid}</guid>"
            f"<pubDate>Mon, 23 Nov 2026 10:00:00 +0000</pubDate>"
            f"<description>{text}</description></item>")


def rss(*items: str, decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    return f'{decl}<rss version="2.0"><channel><title>T</title>{"".join(items)}</channel></rss>'


def zero_stream(codec: str, megabytes: int) -> bytes:
    """``megabytes`` MB of zeros, compressed: a few KB on the wire."""
    wbits = {"gzip": 31, "deflate": 15}[codec]
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = b"\0" * MB
    return b"".join(c.compress(block) for _ in range(megabytes)) + c.flush()


def big_feed_chunks(total: int) -> Callable[[], Iterator[bytes]]:
    def gen() -> Iterator[bytes]:
        yield b'<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>'
        one = item("g", "Curio groot", "Curio " + "x" * 4000).encode()
        for _ in range(total // len(one) + 1):
            yield one
        yield b"</channel></rss>"
    return gen


def status(i: int, **over: Any) -> dict[str, Any]:
    s: dict[str, Any] = {
        "id": str(100 + i), "uri": f"https://m.example/users/a/statuses/{100 + i}",
        "url": f"https://m.example/@a/{100 + i}", "created_at": "2026-11-23T10:00:00.000Z",
        "content": f"<p>Curio #curio bericht {i}</p>", "language": "nl",
        "account": {"acct": "a", "followers_count": 3}, "reblog": None,
    }
    s.update(over)
    return s


def post(i: int, **over: Any) -> dict[str, Any]:
    p: dict[str, Any] = {
        "uri": f"at://did:plc:a/app.bsky.feed.post/{i}", "indexedAt": "2026-11-23T10:00:00Z",
        "author": {"handle": "a.bsky.social"},
        "record": {"text": f"Curio bericht {i}", "createdAt": "2026-11-23T10:00:00Z",
                   "langs": ["nl"]},
    }
    p.update(over)
    return p


# ----------------------------------------------------------------------------- the corpus

def rss_cases(rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    add = cases.append
    add(Case("valid", "rss", body(VALID), "data"))
    # malformed XML: truncations, garbage, mismatched tags
    for _ in range(30):
        cut = rng.randrange(10, len(VALID) - 1)
        add(Case(f"truncated-at-{cut}", "rss", body(VALID[:cut])))
    for k in range(15):
        data = bytearray(VALID)
        for _ in range(rng.randrange(1, 20)):
            data.insert(rng.randrange(len(data)), rng.randrange(256))
        add(Case(f"garbage-bytes-{k}", "rss", body(bytes(data))))
    for k, bad in enumerate(["<rss><channel><item><title>Curio</item></channel>",
                             "<rss version='2.0'><channel><item><title>Curio &nbsp; &bogus; </title>"
                             "<guid>e1</guid></item></channel></rss>",
                             "<<<<>>>>", "<?xml version='1.0'?>", "<rss", "</rss>", "\x00\x01\x02",
                             "<rss version='2.0'><channel>" + "<item>" * 5000,
                             "<a>" * 50_000 + "Curio", "<![CDATA[" * 1000,
                             "<rss version='2.0'><channel><item><title><![CDATA[Curio ]]]]><![CDATA[>"
                             "]]></title><guid>cd</guid></item></channel></rss>",
                             "<rss version='2.0'><channel><item><title>Curio</title><guid>x</guid>"
                             "</item></channel></rss>" * 200]):
        add(Case(f"malformed-{k}", "rss", body(bad.encode())))
    # entity bombs and external entities: refused
    for name in ("billion-laughs.xml", "xxe-file.xml", "xxe-parameter.xml"):
        add(Case(name, "rss", body((DATA / name).read_bytes()), "error"))
    quadratic = ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "A" * 100_000 + '">]>'
                 + rss(item("q", "Curio", "&a;" * 1000), decl=""))
    add(Case("quadratic-blowup", "rss", body(quadratic.encode()), "error"))
    for k, variant in enumerate(["<!doctype r [<!entity a 'x'>]>", "<!DOCTYPE r[<!ENTITY\ta 'x'>]>",
                                 "<!DOCTYPE r [<!-- c --><!ENTITY a SYSTEM 'http://127.0.0.1:9/'>]>",
                                 "<!DOCTYPE r SYSTEM 'http://127.0.0.1:9/x.dtd'>"]):
        add(Case(f"doctype-variant-{k}", "rss", body((variant + rss(item("d", "Curio", "&a;"),
                                                                    decl="")).encode())))
    # quadratic attributes and tag floods (issue 18.3): refused before feedparser parses them
    crowded = "".join(f' a{i}="v"' for i in range(20_000))
    add(Case("attributes-20k", "rss", body(rss(item("a", "Curio", "x").replace(
        "<item>", f"<item{crowded}>")).encode()), "error"))
    add(Case("tags-300k", "rss", body(rss(item("t", "Curio", "x"), "<a/>" * 300_000).encode()),
             "error"))
    # compression bombs: far past the 10 MB cap after decompression
    for codec, mb in (("gzip", 64), ("deflate", 64), ("gzip", scale(256, 1024))):
        add(Case(f"{codec}-bomb-{mb}MB", "rss", body(zero_stream(codec, mb),
                                                     Content_Encoding=codec), "error"))
    add(Case("gzip-bomb-streamed", "rss", stream(lambda: iter([zero_stream("gzip", 64)]),
                                                 {"Content-Encoding": "gzip"}), "error"))
    # stacked encodings (issue 18.1): bounded by the cap; more than two layers or unknown: refused
    inner = zero_stream("gzip", 256)
    add(Case("gzip-gzip-bomb", "rss", body(gzip.compress(inner),
                                           Content_Encoding="gzip, gzip"), "error"))
    add(Case("three-layers", "rss", body(gzip.compress(gzip.compress(gzip.compress(VALID))),
                                         Content_Encoding="gzip, gzip, gzip"), "error"))
    add(Case("unknown-encoding", "rss", body(VALID, Content_Encoding="br"), "error"))
    add(Case("gzip-garbage", "rss", body(b"\x1f\x8b" + b"nonsense" * 100, Content_Encoding="gzip"),
             "error"))
    add(Case("gzip-valid", "rss", body(gzip.compress(VALID), Content_Encoding="gzip"), "data"))
    # 50 MB feeds: with and without Content-Length
    big = 50 * MB
    add(Case("feed-50MB-streamed", "rss", stream(big_feed_chunks(big), {}), "error"))
    add(Case("feed-50MB-declared", "rss", stream(big_feed_chunks(big),
                                                 {"Content-Length": str(big)}), "error"))
    # wrong charsets
    text = "Curio Breda: café, naïve, € – “quotes” – ĳ"
    for k, (data, ctype) in enumerate([
        (rss(item("c1", text, text)).encode("utf-8"), "application/xml; charset=iso-8859-1"),
        (rss(item("c2", text, text)).encode("utf-8"), "application/xml; charset=utf-16"),
        (rss(item("c3", text, text), decl='<?xml version="1.0" encoding="utf-8"?>')
         .encode("cp1252", "replace"), "application/xml; charset=utf-8"),
        (rss(item("c4", text, text), decl='<?xml version="1.0" encoding="shift_jis"?>')
         .encode("utf-8"), "text/xml"),
        (rss(item("c5", text, text)).encode("utf-8"), "text/xml; charset=x-no-such-charset"),
        (rss(item("c6", text, text), decl='<?xml version="1.0" encoding="utf-16"?>')
         .encode("utf-16"), "text/xml; charset=utf-8"),
        (rss(item("c7", text, text), decl="").encode("utf-16-be"), "text/xml"),
        (rss(item("c8", text, text), decl='<?xml version="1.0" encoding="ebcdic-xx"?>')
         .encode("latin-1", "replace"), "text/xml"),
        (b"\xef\xbb\xbf" + rss(item("c9", text, text)).encode("utf-8"), "text/xml; charset=ascii"),
        (rss(item("c10", text, text)).encode("utf-32"), "text/xml"),
    ]):
        add(Case(f"charset-{k}", "rss", body(data, ctype), "data"))
    # NUL bytes, control characters, RTL and zero-width characters
    for k, junk in enumerate(["\x00", "\x00" * 1000, "\x01\x02\x1b[31m", "\u202e", "\u200b\u200c\u200d",
                              "\ufeff", "\u2066\u2067\u2069", "\u061c", "עברית العربية", "Cu\u200brio",
                              "\U0001f600" * 100, "a\u0300" * 500, "\ud7ff\ue000\uffef"]):
        data = rss(item(f"n{k}", f"Curio {junk} titel", f"Curio Breda {junk} tekst")).encode(
            "utf-8", "surrogatepass")
        add(Case(f"chars-{k}", "rss", body(data), "data"))
    # posts that made the old classifier patterns backtrack for minutes (issue 18.2)
    for k, blob in enumerate(["Curio mbo 1 " + "a-" * 49500, "Curio mbo x@" + "a." * 49500 + "1"]):
        add(Case(f"regex-dos-{k}", "rss", body(rss(item(f"re{k}", "Curio", blob)).encode()),
                 "data"))
    # one second, one hash: 66 guids whose sort keys collide (issue 18.9)
    same_key = [item(g, "Curio", f"Curio bericht {k}")
                for k, g in enumerate(colliding_external_ids("rss", 66))]
    add(Case("sort-key-collisions", "rss", body(rss(*same_key).encode()), "data"))
    # a 1 MB single post
    for k, blob in enumerate(["woord " * (MB // 6), "x" * MB, "<b>" + "&amp;" * (MB // 5) + "</b>"]):
        add(Case(f"post-1MB-{k}", "rss", body(rss(item(f"big{k}", "Curio", "Curio " + blob)).encode()),
                 "data"))
    # truncated responses and broken HTTP
    add(Case("short-body", "rss", raw(head(200, {"Content-Length": "100000"}) + VALID[:200]), "error"))
    add(Case("mid-headers", "rss", raw(b"HTTP/1.1 200 OK\r\nContent-Ty"), "error"))
    add(Case("no-response", "rss", raw(b""), "error"))
    add(Case("bad-status-line", "rss", raw(b"HTP/9 abc\r\n\r\n" + VALID), "error"))
    add(Case("chunked-broken", "rss", raw(head(200, {"Transfer-Encoding": "chunked"})
                                          + b"10\r\n<rss><channel>\r\nzz\r\n"), "error"))
    add(Case("status-999", "rss", body(VALID, status=999), "error"))
    add(Case("status-204", "rss", raw(head(204)), "error"))
    add(Case("status-500-html", "rss", body(b"<html>oops</html>", "text/html", 500), "error"))
    add(Case("status-429-forever", "rss", body(b"", status=429, Retry_After="999999999"), "error"))
    add(Case("html-not-feed", "rss", body(b"<!doctype html><html><body>Curio</body></html>",
                                          "text/html"), "error"))
    add(Case("empty-200", "rss", body(b""), "data"))
    add(Case("json-as-feed", "rss", body(b'{"items": []}', "application/json"), "error"))
    # redirects
    for kind in ("self", "grow", "scheme", "ftp", "empty"):
        add(Case(f"redirect-{kind}", "rss", redirect_loop(kind), "error"))
    # slow servers: bounded by the 3 s deadline
    add(Case("slowloris-body", "rss", drip(head(200, {"Content-Type": "text/xml"}) + b"<rss>",
                                           b" ", 0.1, 15), "error"))
    add(Case("slowloris-headers", "rss", drip(b"HTTP/1.1 200 OK\r\n", b"X-Slow: 1\r\n", 0.1, 15),
             "error"))
    add(Case("stall-after-headers", "rss", drip(head(200, {"Content-Length": "999"}), b"", 0.5, 8),
             "error"))
    # huge headers
    add(Case("one-huge-header", "rss", raw(head(200, {"X-Big": "a" * MB}) + VALID), "either"))
    add(Case("many-headers", "rss", raw(head(200, {f"X-{i}": "v" for i in range(20_000)}) + VALID)))
    add(Case("huge-etag", "rss", body(VALID, ETag='"' + "e" * 200_000 + '"'), "either"))
    return cases


def mastodon_cases(rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    add = cases.append
    add(Case("valid", "mastodon", json_body([status(i) for i in range(5)]), "data"))
    add(Case("empty-list", "mastodon", json_body([]), "data"))
    good = json.dumps([status(i) for i in range(5)]).encode()
    for _ in range(15):
        cut = rng.randrange(1, len(good) - 1)
        add(Case(f"truncated-json-{cut}", "mastodon", body(good[:cut], "application/json"), "error"))
    for k, bad in enumerate([b"", b"null", b"{}", b'{"error": "x"}', b"42", b'"text"', b"[1, 2, 3]",
                             b"[null]", b"[[]]", b"NaN", b"[1e99999]", b"[" * 100_000,
                             b'{"a":' * 50_000, b"[" + b"9" * 5000 + b"]", b"\xff\xfe{}",
                             b"<html><body>502 Bad Gateway</body></html>", b"[{,}]", b"[1,]",
                             b"\x00\x00\x00", '["\ud800"]'.encode("utf-8", "surrogatepass")]):
        add(Case(f"bad-json-{k}", "mastodon", body(bad, "application/json")))
    add(Case("html-as-json", "mastodon", body(b"<!doctype html><p>hi</p>", "application/json"),
             "error"))
    # statuses with the wrong types or hostile values: skip the bad one, keep the rest
    weird: list[dict[str, Any]] = [
        {"id": 5}, {"id": None}, {"id": "7", "content": ["a"]}, {"id": "8", "content": {"x": 1}},
        {"id": "9", "account": "evil"}, {"id": "10", "account": ["x"]},
        {"id": "11", "created_at": "gisteren"}, {"id": "12", "created_at": 12},
        {"id": "13", "created_at": None}, {"id": "14", "language": "x" * 500},
        {"id": "15", "uri": "u" * 5000}, {"id": "16", "uri": None, "url": None},
        {"id": "17", "content": "<p>Curio " + "\u202e\u200b\x00" * 100 + "</p>"},
        {"id": "18", "content": "<script>alert(1)</script>Curio"},
        {"id": "19", "content": "Curio " + "w " * (MB // 2)}, {"id": "20", "reblog": {"id": "1"}},
        {"id": "21", "account": {"acct": "x" * 5000, "followers_count": "many"}},
        {"id": "22", "spoiler_text": ["x"]}, {"id": "23", "favourites_count": 10**40},
        {"id": "24", "content": None, "spoiler_text": None}, {"id": "9" * 500},
        {"id": "25", "created_at": "9999-12-31T23:59:59Z"},
        {"id": "26", "created_at": "0001-01-01T00:00:00+14:00"},
        {"id": "27", "content": "<p>Cu&#0;rio &#xD800; &#x110000;</p>"},
        {"id": "28", "language": None, "account": None},
    ]
    for k, over in enumerate(weird):
        add(Case(f"weird-status-{k}", "mastodon",
                 json_body([status(1000 + k, **over), status(2000 + k)]), "data"))
    add(Case("link-header-loop", "mastodon", body(good, "application/json",
                                                  Link='<http://127.0.0.1:9/x?max_id=1>; rel="next"')))
    add(Case("link-header-bad-url", "mastodon", body(good, "application/json",
                                                     Link='<http://[/x?max_id=1>; rel="next"'),
             "data"))
    add(Case("terminal-escapes", "mastodon",  # issue 18.7: stored without its controls
             body((DATA / "terminal-escapes-mastodon.json").read_bytes(), "application/json"),
             "data"))
    add(Case("status-503", "mastodon", json_body({"error": "down"}, 503), "error"))
    add(Case("status-401", "mastodon", json_body({"error": "x"}, 401), "error"))
    add(Case("redirect-loop", "mastodon", redirect_loop("self"), "error"))
    add(Case("slowloris", "mastodon", drip(head(200, {"Content-Type": "application/json"}) + b"[",
                                           b" ", 0.1, 15), "error"))
    add(Case("truncated-http", "mastodon", raw(head(200, {"Content-Length": "5000"}) + good[:100]),
             "error"))
    add(Case("gzip-bomb", "mastodon", body(zero_stream("gzip", 64), "application/json",
                                           Content_Encoding="gzip"), "error"))
    return cases


def bluesky_cases(rng: random.Random) -> list[Case]:
    cases: list[Case] = []
    add = cases.append
    add(Case("valid", "bluesky", json_body({"posts": [post(i) for i in range(5)]}), "data"))
    good = json.dumps({"posts": [post(i) for i in range(5)]}).encode()
    for _ in range(10):
        cut = rng.randrange(1, len(good) - 1)
        add(Case(f"truncated-json-{cut}", "bluesky", body(good[:cut], "application/json"), "error"))
    for k, bad in enumerate([b"[]", b"{}", b'{"posts": {}}', b'{"posts": null}', b'{"posts": [1, "x"]}',
                             b"[" * 100_000, b"<html>Bad gateway</html>", b"\x00"]):
        add(Case(f"bad-json-{k}", "bluesky", body(bad, "application/json")))
    weird: list[dict[str, Any]] = [
        {"uri": 5}, {"record": "text"}, {"record": {"text": ["x"]}}, {"author": "evil"},
        {"indexedAt": "nope"}, {"indexedAt": 5}, {"record": {"text": "Curio", "createdAt": [],
                                                               "langs": "nl"}},
        {"record": {"text": "Curio \u202e\u200b" + "\x00" * 50, "langs": [1]}},
        {"record": {"text": "Curio " + "x" * MB}}, {"uri": "at://" + "u" * 5000},
        {"author": {"handle": "h" * 5000}}, {"likeCount": "lots"},
        {"record": {"text": "Curio", "createdAt": "2099-01-01T00:00:00Z"}},
        {"record": {"text": "Curio", "createdAt": "0001-01-01T00:00:00+14:00"}},
        {"indexedAt": "0001-01-01T00:00:00+14:00"},
    ]
    for k, over in enumerate(weird):
        add(Case(f"weird-post-{k}", "bluesky",
                 json_body({"posts": [post(1000 + k, **over), post(2000 + k)]}), "data"))
    add(Case("login-html", "bluesky", json_body({"posts": []}),
             "error", login=body(b"<html>login</html>", "text/html")))
    add(Case("login-no-tokens", "bluesky", json_body({"posts": []}), "error",
             login=json_body({"did": "x"})))
    add(Case("login-deep-401", "bluesky", json_body({"posts": []}), "error",
             login=body(b"[" * 100_000, "application/json", 401)))
    add(Case("login-list", "bluesky", json_body({"posts": []}), "error", login=json_body([1])))
    add(Case("login-307-elsewhere", "bluesky", json_body({"posts": []}), "error",  # issue 18.4
             login=raw(head(307, {"Location": "http://127.0.0.1:9/steal", "Content-Length": "0"}))))
    add(Case("search-401-deep", "bluesky", body(b"[" * 100_000, "application/json", 401), "error"))
    add(Case("search-400-garbage", "bluesky", body(b"\xff\xfe", "application/json", 400), "error"))
    add(Case("slowloris", "bluesky", drip(head(200, {"Content-Type": "application/json"}) + b"{",
                                          b" ", 0.1, 15), "error"))
    add(Case("gzip-bomb", "bluesky", body(zero_stream("deflate", 64), "application/json",
                                          Content_Encoding="deflate"), "error"))
    return cases


def build(case: Case, index: int, base: str) -> Any:
    name = f"case-{index}"
    root = f"{base}/{index}"
    if case.kind == "rss":
        c = RssConnector.from_config(name, {"url": f"{root}/feed.xml", "require_match": False},
                                     INSTITUTION)
    elif case.kind == "mastodon":
        c = MastodonConnector.from_config(name, {"instances": [root], "hashtags": ["curio"],
                                                 "require_match": False}, INSTITUTION)
    else:
        c = BlueskyConnector.from_config(name, {"handle": "p.bsky.social",
                                                "base_url": root, "queries": ["curio"],
                                                "require_match": False}, INSTITUTION)
    c.policy = POLICY
    c.sleep = lambda _s: None
    return c


@pytest.fixture(autouse=True)
def _loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNALEER_BLUESKY_APP_PASSWORD", "app-password")
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def test_hostile_corpus(tmp_path: Path, pg_schema_url: str) -> None:
    rng = random.Random(84)
    cases = rss_cases(rng) + mastodon_cases(rng) + bluesky_cases(rng)
    assert len(cases) >= 200
    stores = [Store.open(f"sqlite:///{tmp_path / 'hostile.db'}"), Store.open(pg_schema_url)]
    server = Server(cases)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outcomes: Counter[str] = Counter()
    problems: list[str] = []
    slowest = (0.0, "")
    rss_before = maxrss_mb()
    try:
        for index, case in enumerate(cases):
            connector = build(case, index, base)
            label = f"{case.kind}/{case.name} (case-{index})"
            t0 = time.monotonic()
            try:
                result = connector.fetch(None)
            except FetchError as exc:
                message = str(exc)
                if f"{case.kind}:case-{index}" not in message or "\n" in message:
                    problems.append(f"{label}: error without context or not one line: {message!r}")
                if case.expect == "data":
                    problems.append(f"{label}: expected data, got {message}")
                outcomes["error"] += 1
            except Exception as exc:  # exactly what must not happen
                problems.append(f"{label}: {type(exc).__name__} escaped: {str(exc)[:200]}")
                outcomes["escaped"] += 1
            else:
                if case.expect == "error":
                    problems.append(f"{label}: expected an error, got {len(result.mentions)} items")
                for store in stores:
                    try:
                        store_result(store, connector, result, started=datetime.now(UTC),
                                     classifier=CLASSIFIER, matcher=None)
                    except Exception as exc:
                        problems.append(f"{label}: storing on {store.dialect} failed: "
                                        f"{type(exc).__name__}: {str(exc)[:200]}")
                outcomes["data"] += 1
            slowest = max(slowest, (time.monotonic() - t0, label))
        growth = maxrss_mb() - rss_before
        for store in stores:
            with store.reading() as conn:
                m = mentions.c
                for row in conn.execute(select(m.text, m.title, m.author, m.url, m.lang,
                                               m.external_id)):
                    for value in row:
                        if value is not None and UNSAFE_STORED.search(value):
                            problems.append(f"{store.dialect}: unsafe text stored: {value[:60]!r}")
    finally:
        server.shutdown()
        server.server_close()
        for store in stores:
            store.close()
    report("hostile_corpus", cases=len(cases), by_kind=dict(Counter(c.kind for c in cases)),
           outcomes=dict(outcomes), maxrss_growth_mb=round(growth, 1),
           slowest_case_s=round(slowest[0], 2), slowest_case=slowest[1])
    assert not problems, "\n".join(problems)
    assert growth < 400, f"peak memory grew by {growth:.0f} MB over the corpus"


def test_server_survives_client_hangups() -> None:
    """Sanity check of the test server itself: a client that hangs up mid-stream is harmless."""
    server = Server([Case("big", "rss", stream(big_feed_chunks(5 * MB), {}))])
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(server.server_address[:2]) as s:
            s.sendall(b"GET /0/feed HTTP/1.1\r\nHost: x\r\n\r\n")
            assert s.recv(100).startswith(b"HTTP/1.1 200")
    finally:
        server.shutdown()
        server.server_close()

