"""Data minimisation: only allow-listed source fields (and ``matched_alias``) are kept."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from monitor.store.minimise import ALWAYS_KEPT, dropped_keys, minimise_extra
from tests.factories import mention

RAW = {"matched_alias": "Curio", "reblogs": 4, "favourites": 9, "outlet": "BN DeStem",
       "account": {"display_name": "Jan de Vries", "avatar": "https://…"}, "ip": "192.0.2.1"}


USED = {"matched_alias": "Curio", "reblogs": 4, "favourites": 9, "outlet": "BN DeStem"}


def test_unknown_keys_are_dropped_by_default() -> None:
    m = mention(1, extra=RAW)
    assert minimise_extra(m.extra) == USED  # what the digest uses: alias, counts, outlet
    assert dropped_keys(m.extra) == ["account", "ip"]


def test_allow_listed_keys_are_kept_exactly() -> None:
    kept = minimise_extra(RAW, ("ip", "Account", "nonexistent"))
    assert kept == {**USED, "ip": "192.0.2.1"}


def test_empty_and_missing_extra() -> None:
    assert minimise_extra(None) == {}
    assert minimise_extra({}) == {}
    assert minimise_extra({}, ("outlet",)) == {}


@given(st.dictionaries(st.text(max_size=12), st.integers(), max_size=20),
       st.lists(st.text(max_size=12), max_size=5))
def test_never_keeps_a_key_outside_the_allow_list(raw: dict, keep: list) -> None:
    kept = minimise_extra(raw, keep)
    assert set(kept) <= set(keep) | ALWAYS_KEPT
    assert all(kept[k] == raw[k] for k in kept)
    assert set(kept) | set(dropped_keys(raw, keep)) == set(raw)
