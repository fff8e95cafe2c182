"""Property-based tests (issue 8.5) that extend, not repeat, tests/unit/test_matching.py and
tests/unit/test_config.py: the search query parser and its FTS5 / tsquery output, ``fold`` and
``Matcher.match`` stability, ``canonical_url`` on URL-shaped input with tracking parameters, and
config loading from arbitrary TOML text. Examples: 300 per property (``SIGNALEER_PROVE_FULL=1``:
3,000).
"""

from __future__ import annotations

import re
import sqlite3
import string
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import ConfigError, InstitutionSettings, load_settings, parse_settings
from monitor.errors import SearchSyntaxError
from monitor.matching import Matcher, canonical_url, fold, normalise_for_fingerprint
from monitor.store.searchquery import MAX_TERMS, parse, to_fts5, to_tsquery_sql
from tests.prove.helpers import scale

EXAMPLES = scale(300, 3000)
PROPS = settings(max_examples=EXAMPLES, deadline=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture])

# Query-ish text: the operators and quoting that matter, plus any unicode at all.
_query_atoms = st.sampled_from(['"', "-", "*", "OR", "AND", "NOT", "NEAR", "(", ")", ":", "^", "+",
                                "title:", "col:x", "NEAR(a b)", "curio", "café", "e-mail", "’",
                                "\x00", "\u202e", "\u200b", " ", "  ", "\t", "\n", "'", "''", "\\",
                                "ß", "İ", "ﬁ", "١٢", "漢字", "🙂", "x" * 300])
query_text = st.one_of(st.text(), st.lists(st.one_of(_query_atoms, st.text(max_size=5)),
                                           max_size=40).map(" ".join),
                       st.lists(_query_atoms, max_size=40).map("".join))


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(title, text, author, "
                 "tokenize='unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO t VALUES (?, ?, ?)",
                     [("Curio", "open dag in Breda voor studenten", "a"),
                      ("café", "e-mail over de ﬁets", "b")])
    return conn


@PROPS
@given(query_text)
def test_query_parser_only_raises_search_syntax_error_and_fts5_accepts_its_output(
        fts: sqlite3.Connection, raw: str) -> None:
    try:
        query = parse(raw)
    except SearchSyntaxError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert query.positive and len(query.clauses) <= MAX_TERMS
    expr = to_fts5(query)
    fts.execute("SELECT rowid FROM t WHERE t MATCH ? LIMIT 1", (expr,)).fetchall()  # never raises
    sql, params = to_tsquery_sql(query)
    assert set(re.findall(r":(q\d+)", sql)) == set(params)  # every bound name is a parameter
    assert all(isinstance(v, str) and "\x00" not in v for v in params.values())
    stripped = re.sub(r":q\d+", "", sql)
    assert re.fullmatch(r"[a-z_()|&!' ,:]*", stripped.replace("dutch", "").replace("simple", "")), sql


@PROPS
@given(query_text)
def test_parsing_is_deterministic(raw: str) -> None:
    try:
        first = parse(raw)
    except SearchSyntaxError:
        with pytest.raises(SearchSyntaxError):
            parse(raw)
        return
    assert parse(raw) == first and to_fts5(parse(raw)) == to_fts5(first)


@PROPS
@given(st.text())
def test_fold_is_idempotent_and_lowercase(text: str) -> None:
    once = fold(text)
    assert fold(once) == once
    assert fold(text.upper()) == fold(text.upper())  # deterministic


CURIO = InstitutionSettings(name="Curio", aliases=("ROC West-Brabant", "Curio mbo"),
                            handles=("@curio_mbo",), hashtags=("#curio",),
                            ambiguous_aliases=("Curio",),
                            context_words=("mbo", "Breda", "student", "studenten"),
                            exclude_words=("Curio Collection", "Hilton"))
MATCHER = Matcher.from_institution(CURIO)
_match_atoms = st.sampled_from(["Curio", "CURIO", "Cúrio", "curio mbo", "ROC West-Brabant",
                                "roc west brabant", "@curio_mbo", "#curio", "#Curio", "Breda",
                                "studenten", "Curio Collection", "Hilton", "mbo", " ", ".", ",",
                                "\u200b", "\u202e", "é", "x"])
match_text = st.one_of(st.text(), st.lists(st.one_of(_match_atoms, st.text(max_size=4)),
                                           max_size=20).map(" ".join))


@PROPS
@given(match_text)
def test_match_is_stable_and_agrees_with_find_all(text: str) -> None:
    first = MATCHER.match(text)
    assert MATCHER.match(text) == first
    found = MATCHER.find_all(text)
    assert (first is None) == (not found)
    if first is not None:
        assert 0 <= first.start < first.end <= len(text)


@PROPS
@given(match_text)
def test_match_is_case_and_accent_insensitive(text: str) -> None:
    """Matching works on folded text: folding the input first changes nothing."""
    a, b = MATCHER.match(text), MATCHER.match(fold(text))
    assert (a is None) == (b is None)
    if a is not None and b is not None:
        assert a.alias == b.alias


_host = st.from_regex(r"(www\.)?[a-z0-9]{1,12}(\.[a-z]{2,6}){1,2}", fullmatch=True)
_param = st.tuples(st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "a", "b", "Q",
                                    "si", "mc_cid", "page", "x y", "é"]),
                   st.text(alphabet=string.ascii_letters + string.digits + "%+-._~ é", max_size=8))
url_like = st.builds(
    lambda scheme, host, port, path, params, frag: (
        f"{scheme}://{host}{port}/{path}" + ("?" + "&".join(f"{k}={v}" for k, v in params)
                                             if params else "") + frag),
    st.sampled_from(["http", "https", "HTTP", "HtTpS"]), _host,
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.text(alphabet=string.ascii_letters + string.digits + "/-._~%", max_size=20),
    st.lists(_param, max_size=5), st.sampled_from(["", "#top", "#"]))


@PROPS
@given(url_like)
def test_canonical_url_is_idempotent_and_drops_tracking(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert "utm_" not in once and "fbclid=" not in once and "#" not in once
    assert once.startswith(("http://", "https://"))


@PROPS
@given(st.text())
def test_fingerprint_normalisation_has_no_upper_case_or_punctuation(text: str) -> None:
    normal = normalise_for_fingerprint(text)
    assert normal == normal.strip() and "  " not in normal
    assert fold(normal) == normal


_toml_atoms = st.sampled_from([
    "[institution]", "[database]", "[digest]", "[smtp]", "[retention]", "[classifier]",
    "[[connectors]]", "[connectors.options]", 'name = "Curio"', 'name = ""', "name = 5",
    'aliases = ["a", 3]', 'url = "sqlite:///x.db"', 'url = "mysql://x"', 'time = "25:99"',
    'time = "07:30"', 'recipients = ["a@b.c"]', "recipients = \"x\"", 'kind = "rss"',
    'kind = "nope"', "port = 70000", "port = -1", 'security = "maybe"', "enabled = true",
    'timezone = "Mars/Olympus"', "days = 0", "days = 1e400", 'password = "secret"',
    'password_file = "/nonexistent"', "x = {a = 1}", "[institution.extra]", "\x01", "= 1", "[",
    'schedule = "every 0m"', 'schedule = "daily 07:30"', 'language = "xx"', "max_items = 0"])
toml_text = st.lists(_toml_atoms, max_size=25).map("\n".join)


@PROPS
@given(toml_text)
def test_config_from_any_toml_text_raises_only_config_error(tmp_path_factory: pytest.TempPathFactory,
                                                            text: str) -> None:
    path: Path = tmp_path_factory.mktemp("cfg") / "signaleer.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_settings(path)
    except ConfigError as exc:
        assert str(exc) and "\n" not in str(exc)


@PROPS
@given(toml_text)
def test_parse_settings_on_parsed_toml_raises_only_config_error(text: str) -> None:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return
    try:
        parse_settings(raw, None)
    except ConfigError as exc:
        assert "\n" not in str(exc)
