"""Compression bombs (issue 18.1): stacked encodings stay within the cap and within 100 MB.

``Content-Encoding: gzip, gzip`` with a 1 GiB (or 8 GiB) inner layer is a few KB on the wire. The
old client inflated each network chunk completely before counting it: 2.1 GB RSS, or a
``MemoryError``. The fetch runs in a child process so that its peak RSS (``VmHWM``) is its own;
the child also has a 1 GiB address-space limit, so the old code fails fast instead of swapping.
"""

from __future__ import annotations

import gzip
import json
import struct
import subprocess
import sys
import zlib

import pytest
from pytest_httpserver import HTTPServer

from connectors.http import Http, HttpPolicy
from monitor.errors import FatalFetchError
from tests.prove.helpers import REPO, loopback_env, report

MB = 1024 * 1024
GIB = 1024 * MB
PEAK_LIMIT_MB = 100


def zeros_gzip(size: int) -> bytes:
    """A gzip stream of ``size`` zero bytes (a multiple of 1 MB), built without inflating it.

    One MB of zeros compressed with a full flush is byte-aligned and the same every time, so the
    stream is that block repeated. The trailer's CRC is not computed (nothing reads that far).
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * MB) + c.flush(zlib.Z_FULL_FLUSH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return (header + block * (size // MB) + c.flush()
            + struct.pack("<II", 0, size & 0xFFFFFFFF))


def stacked_bomb(inner: int) -> bytes:
    """``Content-Encoding: gzip, gzip``: ``inner`` bytes of zeros, gzipped twice."""
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(zeros_gzip(inner)) + c.flush()


CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from connectors.http import Http, HttpPolicy
from monitor.errors import FetchError
outcome = {}
try:
    with Http("rss:bomb", HttpPolicy(retries=0, deadline=120)) as http:
        outcome["bytes"] = len(http.get(sys.argv[1]).body)
except FetchError as exc:
    outcome["error"] = f"{type(exc).__name__}: {exc}"
except MemoryError:
    outcome["error"] = "MemoryError"
# VmHWM: this process image's peak RSS (ru_maxrss would include the forking parent's peak)
with open("/proc/self/status", encoding="ascii") as status:
    hwm = next(line for line in status if line.startswith("VmHWM:"))
outcome["maxrss_mb"] = int(hwm.split()[1]) / 1024
print(json.dumps(outcome))
"""


@pytest.mark.parametrize("inner", [1 * GIB, 8 * GIB], ids=["1GiB", "8GiB"])
def test_stacked_gzip_bomb_stays_under_100_MB(httpserver: HTTPServer, inner: int) -> None:
    bomb = stacked_bomb(inner)
    httpserver.expect_request("/feed").respond_with_data(
        bomb, content_type="application/rss+xml", headers={"Content-Encoding": "gzip, gzip"})
    done = subprocess.run([sys.executable, "-c", CHILD, httpserver.url_for("/feed")], cwd=REPO,
                          env=loopback_env(), capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    report("stacked_gzip_bomb", inner_gib=inner // GIB, wire_kb=round(len(bomb) / 1024, 1),
           maxrss_mb=round(outcome["maxrss_mb"], 1))
    assert outcome.get("error", "").startswith("FatalFetchError: rss:bomb: GET "), outcome
    assert "exceeds the 10 MB cap" in outcome["error"]
    assert outcome["maxrss_mb"] <= PEAK_LIMIT_MB, outcome


def test_more_than_two_encodings_are_refused(httpserver: HTTPServer) -> None:
    body = gzip.compress(gzip.compress(gzip.compress(b"<rss/>")))
    httpserver.expect_request("/feed").respond_with_data(
        body, headers={"Content-Encoding": "gzip, gzip, gzip"})
    with Http("rss:layers", HttpPolicy(retries=0)) as http, \
            pytest.raises(FatalFetchError, match=r"rss:layers: GET .*: 3 stacked Content-Enc"):
        http.get(httpserver.url_for("/feed"))


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, x-custom"])
def test_unknown_encodings_are_refused(httpserver: HTTPServer, encoding: str) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        b"\x00garbage", headers={"Content-Encoding": encoding})
    with Http("rss:enc", HttpPolicy(retries=0)) as http, \
            pytest.raises(FatalFetchError, match=r"rss:enc: GET .*unsupported Content-Encoding"):
        http.get(httpserver.url_for("/feed"))


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "deflate-raw", "gzip, deflate",
                                      "identity", "x-gzip"])
def test_honest_encodings_still_decode(httpserver: HTTPServer, encoding: str) -> None:
    plain = b"<rss>" + b"Curio nieuws " * 50_000 + b"</rss>"

    def deflate(data: bytes, wbits: int = 15) -> bytes:
        c = zlib.compressobj(6, zlib.DEFLATED, wbits)
        return c.compress(data) + c.flush()

    body = {"gzip": gzip.compress(plain), "x-gzip": gzip.compress(plain),
            "deflate": deflate(plain), "deflate-raw": deflate(plain, -15),
            "gzip, deflate": deflate(gzip.compress(plain)), "identity": plain}[encoding]
    header = "deflate" if encoding == "deflate-raw" else encoding
    httpserver.expect_request("/feed").respond_with_data(
        body, headers={"Content-Encoding": header})
    with Http("rss:ok", HttpPolicy(retries=0)) as http:
        assert http.get(httpserver.url_for("/feed")).body == plain


def test_an_empty_body_with_an_unknown_encoding_is_fine(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data(b"", status=304,
                                                         headers={"Content-Encoding": "br"})
    with Http("rss:enc", HttpPolicy(retries=0)) as http:
        assert http.get(httpserver.url_for("/feed"), accept=(304,)).body == b""
