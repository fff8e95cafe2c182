"""The search query language, parsed into a small AST that never raises on user input.

Words are ANDed; ``"exact phrase"``, ``a OR b``, ``-excluded`` and ``prefix*`` are understood.
Anything else (stray quotes, parentheses, FTS operators like NEAR or ``col:``) is treated as text.
The AST is rendered to an FTS5 expression (every term quoted) or to a PostgreSQL tsquery built from
``plainto_tsquery``/``phraseto_tsquery`` calls with bound parameters, so no user text reaches SQL.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from monitor.errors import SearchSyntaxError

MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
_TOKEN = re.compile(r'"[^"]*"?|\S+')
_WORD_CHARS = re.compile(r"[\w]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Term:
    words: tuple[str, ...]  # one word, or several for a phrase
    prefix: bool = False

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True, slots=True)
class Clause:
    """One or more alternatives (``a OR b``); negated clauses exclude."""

    alternatives: tuple[Term, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Query:
    clauses: tuple[Clause, ...]

    @property
    def positive(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if not c.negated)

    @property
    def negative(self) -> tuple[Clause, ...]:
        return tuple(c for c in self.clauses if c.negated)

    def words(self) -> list[str]:
        """Positive words, for highlighting."""
        return [w for c in self.positive for t in c.alternatives for w in t.words]


def _normalise(raw: str) -> str:
    raw = raw.replace("\x00", " ")
    raw = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in raw)
    return raw[:MAX_QUERY_CHARS]


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD_CHARS.findall(text))


def _term(token: str) -> Term | None:
    """A token (without leading '-') as a term; ``None`` if it holds no searchable characters."""
    if token.startswith('"'):
        words = _words(token.strip('"'))
        return Term(words) if words else None
    prefix = token.endswith("*")
    words = _words(token)
    if not words:
        return None
    if len(words) > 1:  # e.g. "e-mail" or "curio.nl": search as a phrase
        return Term(words, prefix=prefix)
    return Term(words, prefix=prefix)


def parse(raw: str) -> Query:
    """Parse user input. Raises ``SearchSyntaxError`` only when nothing searchable is left."""
    tokens = _TOKEN.findall(_normalise(raw))
    clauses: list[Clause] = []
    pending_or = False
    for token in tokens:
        if token == "OR":
            pending_or = bool(clauses) and not clauses[-1].negated
            continue
        negated = token.startswith("-") and len(token) > 1
        term = _term(token[1:] if negated else token)
        if term is None:
            continue
        if pending_or and not negated:
            last = clauses.pop()
            clauses.append(Clause((*last.alternatives, term)))
        else:
            clauses.append(Clause((term,), negated=negated))
        pending_or = False
    query = Query(tuple(clauses[:MAX_TERMS]))
    if not clauses:
        raise SearchSyntaxError(
            f"nothing to search for in {raw.strip()[:40]!r}: search finds words and numbers; "
            "emoji and punctuation are not indexed (to list everything, leave out the query)")
    if not query.positive:
        raise SearchSyntaxError(
            "nothing to search for: give at least one word that is not excluded "
            "(for example: curio -vacature)")
    return query


def _fts5_term(term: Term) -> str:
    quoted = '"' + " ".join(term.words).replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def _fts5_clause(clause: Clause) -> str:
    parts = [_fts5_term(t) for t in clause.alternatives]
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def to_fts5(query: Query) -> str:
    """An FTS5 MATCH expression in which every user word is a quoted string."""
    expr = " AND ".join(_fts5_clause(c) for c in query.positive)
    for clause in query.negative:
        expr = f"({expr}) NOT {_fts5_clause(clause)}"
    return expr


def to_tsquery_sql(query: Query, config: str = "dutch") -> tuple[str, dict[str, str]]:
    """SQL for a PostgreSQL ``tsquery`` value and its bound parameters."""
    params: dict[str, str] = {}

    def term_sql(term: Term) -> str:
        name = f"q{len(params)}"
        if term.prefix:
            words = [w for w in term.words if w]
            params[name] = " & ".join(f"'{w}':*" if i == len(words) - 1 else f"'{w}'"
                                      for i, w in enumerate(words))
            return f"to_tsquery('simple', :{name})"
        params[name] = " ".join(term.words)
        fn = "phraseto_tsquery" if term.is_phrase else "plainto_tsquery"
        return f"{fn}('{config}', :{name})"

    def clause_sql(clause: Clause) -> str:
        return "(" + " || ".join(term_sql(t) for t in clause.alternatives) + ")"

    sql = " && ".join(clause_sql(c) for c in query.positive)
    for clause in query.negative:
        sql = f"({sql}) && !!{clause_sql(clause)}"
    return sql, params
