"""Reading a response body within the size cap, decoding ``Content-Encoding`` ourselves.

httpx decodes each network chunk completely before the caller sees it, so a compression bomb
(``Content-Encoding: gzip, gzip``: 1.8 KB on the wire, 1 GiB inside) is inflated in memory before
any cap can count it. Here the raw bytes are read and every layer is inflated incrementally with
a bounded output (``max_length``): no more than :data:`PIECE` bytes per layer exist at a time, and
the decoded bytes are counted against the cap as they come. At most :data:`MAX_LAYERS` encodings
are accepted, and only ``gzip`` / ``deflate`` (and ``identity``): anything else is refused.
"""

from __future__ import annotations

import itertools
import time
import zlib
from collections.abc import Iterable, Iterator

import httpx

from monitor.errors import FatalFetchError, RetriableFetchError

__all__ = ["ACCEPT_ENCODING", "MAX_LAYERS", "PIECE", "read_capped"]

ACCEPT_ENCODING = "gzip, deflate"  # what we can decode; sent with every request
MAX_LAYERS = 2
PIECE = 64 * 1024  # the most one layer inflates in one step
MB = 1024 * 1024
_GZIP = {"gzip", "x-gzip"}


def encodings(header: str, where: str) -> list[str]:
    """The ``Content-Encoding`` layers in the order they must be undone (last applied first)."""
    names = [n.strip().lower() for n in header.split(",") if n.strip()]
    names = [n for n in names if n != "identity"]
    unknown = sorted({n for n in names if n not in _GZIP and n != "deflate"})
    if unknown:
        raise FatalFetchError(f"{where}: unsupported Content-Encoding {', '.join(unknown)!s}; "
                              f"refused (only {ACCEPT_ENCODING} are accepted)")
    if len(names) > MAX_LAYERS:
        raise FatalFetchError(f"{where}: {len(names)} stacked Content-Encodings "
                              f"({', '.join(names)}); refused (at most {MAX_LAYERS})")
    return names[::-1]


class _Layer:
    """One gzip or deflate layer, inflated at most :data:`PIECE` bytes per step."""

    def __init__(self, name: str) -> None:
        self.gzip = name in _GZIP
        self.fresh = True  # deflate: the first bytes decide zlib-wrapped or raw
        self.inflater = zlib.decompressobj(31 if self.gzip else 15)

    def _first(self, data: bytes) -> bytes:
        self.fresh = False
        try:
            return self.inflater.decompress(data, PIECE)
        except zlib.error:
            if self.gzip:
                raise
            self.inflater = zlib.decompressobj(-15)  # servers that send raw deflate
            return self.inflater.decompress(data, PIECE)

    def inflate(self, data: bytes) -> Iterator[bytes]:
        if self.inflater.eof:
            return  # bytes after the end of the stream are ignored, as httpx does
        out = self._first(data) if self.fresh else self.inflater.decompress(data, PIECE)
        yield out
        # more to come while input is left over or the output filled its bound
        while not self.inflater.eof and (self.inflater.unconsumed_tail or len(out) == PIECE):
            out = self.inflater.decompress(self.inflater.unconsumed_tail, PIECE)
            yield out


def _through(layers: list[_Layer], pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` undone by every layer, lazily: nothing is inflated before it is asked for."""
    if not layers:
        yield from pieces
        return
    first, rest = layers[0], layers[1:]

    def inflated() -> Iterator[bytes]:
        for piece in pieces:
            yield from first.inflate(piece)

    yield from _through(rest, inflated())


def read_capped(r: httpx.Response, cap: int, deadline: float, started: float,
                where: str) -> bytes:
    """The decoded body of ``r``; FatalFetchError past ``cap`` bytes (on the wire or decoded)."""
    declared = r.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise FatalFetchError(
            f"{where}: response of {int(declared) / MB:.1f} MB exceeds the "
            f"{cap / MB:g} MB cap", status=r.status_code)
    over = FatalFetchError(f"{where}: response exceeds the {cap / MB:g} MB cap; stopped reading",
                           status=r.status_code)

    def raw() -> Iterator[bytes]:
        size = 0
        for chunk in r.iter_raw():
            size += len(chunk)
            if size > cap:
                raise over
            if time.monotonic() - started > deadline:
                raise RetriableFetchError(f"{where}: body not complete after {deadline:g}s",
                                          status=r.status_code)
            yield chunk

    def decoded() -> Iterator[bytes]:
        wire = raw()
        first = next((chunk for chunk in wire if chunk), b"")
        if not first:
            return  # no body (a 304, a HEAD): its Content-Encoding does not matter
        names = encodings(r.headers.get("content-encoding", ""), where)
        yield from _through([_Layer(n) for n in names], itertools.chain([first], wire))

    chunks: list[bytes] = []
    size = 0
    try:
        for piece in decoded():
            size += len(piece)
            if size > cap:
                raise over
            if piece:
                chunks.append(piece)
    except zlib.error as exc:
        raise RetriableFetchError(f"{where}: the response could not be decompressed ({exc})",
                                  status=r.status_code) from None
    return b"".join(chunks)
