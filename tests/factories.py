"""Small builders for test data."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from typing import Any

from monitor.models import Mention
from monitor.store.mentions import SORT_LOW_MASK

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def mention(i: int = 0, **overrides: Any) -> Mention:
    fields: dict[str, Any] = {
        "source": "rss",
        "external_id": f"item-{i}",
        "url": f"https://nieuws.example.nl/artikel/{i}",
        "text": f"Curio in Breda houdt open dag nummer {i} voor nieuwe studenten",
        "published_at": T0 + timedelta(minutes=i),
        "author": f"auteur{i % 7}",
        "author_followers": 100 * i,
        "title": f"Bericht {i}",
        "lang": "nl",
    }
    fields.update(overrides)
    return Mention(**fields)


def colliding_external_ids(source: str, n: int) -> list[str]:
    """``n`` external ids whose sort-key hash (the low 20 bits of a CRC-32) is the same.

    CRC-32 is affine over GF(2) for messages of one length, so the ids differ from a base id only
    by swapping 'a' for 'b' at chosen positions, and the chosen sets are combinations of a basis
    of the kernel of "position -> change of the low 20 bits"."""
    base = "c" * 8 + "a" * 40
    prefix = f"{source}\x1f".encode()

    def low(ext: str) -> int:
        return zlib.crc32(prefix + ext.encode()) & SORT_LOW_MASK

    delta = [low(base) ^ low(base[:i] + "b" + base[i + 1:]) for i in range(8, len(base))]
    basis: list[tuple[int, int]] = []  # (low-bit vector, set of positions as a bit mask)
    kernel: list[int] = []
    for i, d in enumerate(delta):
        vector, mask = d, 1 << i
        for b_vec, b_mask in basis:
            if vector ^ b_vec < vector:
                vector, mask = vector ^ b_vec, mask ^ b_mask
        if vector:
            basis.append((vector, mask))
            basis.sort(reverse=True)
        else:
            kernel.append(mask)
    ids = []
    for choice in range(n):
        mask = 0
        for bit, k in enumerate(kernel):
            if choice >> bit & 1:
                mask ^= k
        ids.append("".join("b" if i >= 8 and mask >> (i - 8) & 1 else ch
                           for i, ch in enumerate(base)))
    assert len({low(e) for e in ids}) == 1 and len(set(ids)) == n
    return ids
