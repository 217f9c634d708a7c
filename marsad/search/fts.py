"""Full-text search for the embedded store: SQLite FTS5 over terms from `marsad.search.analyzer`.

Documents are analysed in Python with the index analyzer (the same chain as the Elasticsearch
template) and FTS5 stores the resulting terms, separated by spaces, in an external-content table
(``fts_documents``, which also keeps the original text for phrases and snippets). FTS5's ``ascii`` tokenizer
then only has to split on those spaces: it treats every non-ASCII character as part of a token, so
Arabic terms stay whole whatever marks they carry, and the ASCII punctuation a term may contain
(«3.5», «2,000») is mapped to private-use characters first.

Query semantics follow Elasticsearch's ``simple_query_string`` with ``default_operator: or`` over
``title`` and ``body``: the query is analysed with the search analyzer and a document matches if it
contains any of the terms; text in double quotes is a phrase, which matches only where its terms
stand at the same relative positions (stop-word gaps included) inside one field. Ranking is FTS5's
bm25() with the title weighted TITLE_WEIGHT times the body; phrases are checked on the candidates
FTS5 returns, in rank order. Unlike Lucene, FTS5 counts the clitic variants a token adds at its
position in the field length, so scores differ slightly from Elasticsearch's, not the matches.
"""

from __future__ import annotations

import html
import re
import sqlite3
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from marsad.search.analyzer import Token, analyze_index, analyze_query, index_terms_of, word_spans

TITLE_WEIGHT = 2.0
SNIPPET_WORDS = 30
SNIPPET_WORDS_BEFORE_MATCH = 10

_PHRASE = re.compile(r'"([^"]*)"')
_WHITESPACE = re.compile(r"\s+")
# The ASCII punctuation that can occur inside a standard-tokenizer token, which the `ascii`
# tokenizer would split on, and the private-use characters that stand for it in the index.
_FTS_UNSAFE = re.compile(r"[.,:;'\"_#*]")
_FTS_SAFE = {char: chr(0xE000 + index) for index, char in enumerate(".,:;'\"_#*")}

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS fts_documents (
        doc_key INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        original_title TEXT NOT NULL,
        original_body TEXT NOT NULL
    )""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS fts_terms USING fts5(
        title, body, content='fts_documents', content_rowid='doc_key', tokenize='ascii'
    )""",
)


class Hit(NamedTuple):
    doc_key: int
    score: float  # higher is better
    snippet: str  # HTML: escaped body text, matched words in <mark>…</mark>


class _Query(NamedTuple):
    terms: frozenset[str]  # terms outside quotes: any one of them makes a match
    phrases: tuple[tuple[Token, ...], ...]  # analysed quoted phrases of two or more terms

    @property
    def all_terms(self) -> frozenset[str]:
        return self.terms.union(token.term for phrase in self.phrases for token in phrase)


def _parse_query(query: str) -> _Query:
    terms: set[str] = set()
    phrases = []
    for index, part in enumerate(_PHRASE.split(query)):
        tokens = analyze_query(part)
        if index % 2 and len(tokens) > 1:
            phrases.append(tuple(tokens))
        else:
            terms.update(token.term for token in tokens)
    return _Query(frozenset(terms), tuple(phrases))


def _fts_safe(text: str) -> str:
    return _FTS_UNSAFE.sub(lambda char: _FTS_SAFE[char[0]], text)


def _fts_term(term: str) -> str:
    return '"' + _fts_safe(term) + '"'


def _fts_text(terms: list[str]) -> str:
    return _fts_safe(" ".join(filter(None, terms)))


def _fts_expression(query: _Query) -> str:
    clauses = [_fts_term(term) for term in sorted(query.terms)]
    clauses += ["(" + " AND ".join(_fts_term(token.term) for token in phrase) + ")" for phrase in query.phrases]
    return " OR ".join(clauses)


def _terms_by_position(tokens: Iterable[Token]) -> dict[int, set[str]]:
    terms: dict[int, set[str]] = defaultdict(set)
    for token in tokens:
        terms[token.position].add(token.term)
    return terms


def _phrase_positions(phrase: tuple[Token, ...], terms_at: dict[int, set[str]]) -> list[int]:
    """Every position covered by an occurrence of the phrase."""
    first = phrase[0].position
    covered = []
    for position, terms in terms_at.items():
        if phrase[0].term in terms and all(
            token.term in terms_at.get(position + token.position - first, ()) for token in phrase[1:]
        ):
            covered += [position + token.position - first for token in phrase]
    return covered


def _matched_positions(query: _Query, tokens: list[Token]) -> list[int]:
    """Positions of the field that match the query: a free term, or part of a phrase occurrence."""
    terms_at = _terms_by_position(tokens)
    matched = {position for position, terms in terms_at.items() if not terms.isdisjoint(query.terms)}
    for phrase in query.phrases:
        matched.update(_phrase_positions(phrase, terms_at))
    return sorted(matched)


def _best_window(matched: list[int], terms_at: dict[int, set[str]], word_count: int) -> int:
    """First word of the SNIPPET_WORDS-word window with the most distinct matched terms, then the
    most matched words."""
    best_start, best_rank = 0, (0, 0)
    for anchor in matched:
        start = max(0, min(anchor - SNIPPET_WORDS_BEFORE_MATCH, word_count - SNIPPET_WORDS))
        inside = matched[bisect_left(matched, start) : bisect_left(matched, start + SNIPPET_WORDS)]
        distinct_terms = set().union(*(terms_at[position] for position in inside))
        rank = (len(distinct_terms), len(inside))
        if rank > best_rank:
            best_start, best_rank = start, rank
    return best_start


def _snippet(body: str, query_terms: frozenset[str], matched: list[int], tokens: list[Token]) -> str:
    """About SNIPPET_WORDS words of the original body around its best match, matched words (with
    their clitics and diacritics) in <mark>, an ellipsis where the body was cut."""
    words = word_spans(body)
    if not words:
        return html.escape(_WHITESPACE.sub(" ", body).strip())
    terms_at = {position: terms & query_terms for position, terms in _terms_by_position(tokens).items()}
    first = _best_window(matched, terms_at, len(words))
    last = min(first + SNIPPET_WORDS, len(words)) - 1
    cut_start = 0 if first == 0 else words[first][0]
    cut_end = len(body) if last == len(words) - 1 else words[last][1]

    pieces = ["… "] if first > 0 else []
    written = cut_start
    for position in matched[bisect_left(matched, first) : bisect_left(matched, last + 1)]:
        start, end = words[position]
        pieces += [html.escape(body[written:start]), "<mark>", html.escape(body[start:end]), "</mark>"]
        written = end
    pieces.append(html.escape(body[written:cut_end]))
    if last < len(words) - 1:
        pieces.append(" …")
    return _WHITESPACE.sub(" ", "".join(pieces)).strip()


class FullTextIndex:
    """Search over the documents of one SQLite database; tables are created on first use.

    Writes run in the caller's transaction: the store commits.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        for statement in _SCHEMA:
            connection.execute(statement)

    def add(self, doc_key: int, title: str, body: str) -> None:
        """Index a document under the store's rowid; adding a key again replaces the document."""
        title_terms = _fts_text(index_terms_of(title))
        body_terms = _fts_text(index_terms_of(body))
        previous = self._connection.execute(
            "SELECT title, body FROM fts_documents WHERE doc_key = ?", (doc_key,)
        ).fetchone()
        if previous is not None:
            self._connection.execute(
                "INSERT INTO fts_terms(fts_terms, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (doc_key, *previous),
            )
        self._connection.execute(
            "INSERT OR REPLACE INTO fts_documents(doc_key, title, body, original_title, original_body)"
            " VALUES (?, ?, ?, ?, ?)",
            (doc_key, title_terms, body_terms, title, body),
        )
        self._connection.execute(
            "INSERT INTO fts_terms(rowid, title, body) VALUES (?, ?, ?)", (doc_key, title_terms, body_terms)
        )

    def search(self, query: str, limit: int) -> list[Hit]:
        """The best `limit` documents for the query, best first."""
        parsed = _parse_query(query)
        if limit <= 0 or not (parsed.terms or parsed.phrases):
            return []
        candidates = self._connection.execute(
            "SELECT rowid, -bm25(fts_terms, ?, 1.0) AS score FROM fts_terms"
            " WHERE fts_terms MATCH ? ORDER BY score DESC, rowid",
            (TITLE_WEIGHT, _fts_expression(parsed)),
        )
        hits: list[Hit] = []
        for doc_key, score in candidates:
            hit = self._hit(doc_key, score, parsed)
            if hit is not None:
                hits.append(hit)
                if len(hits) == limit:
                    break
        return hits

    def _hit(self, doc_key: int, score: float, query: _Query) -> Hit | None:
        title, body = self._connection.execute(
            "SELECT original_title, original_body FROM fts_documents WHERE doc_key = ?", (doc_key,)
        ).fetchone()
        body_tokens = analyze_index(body)
        body_matches = _matched_positions(query, body_tokens)
        # FTS5 only knows the phrase's terms are present; check that the phrase itself is.
        if query.phrases and not body_matches and not _matched_positions(query, analyze_index(title)):
            return None
        return Hit(doc_key, score, _snippet(body, query.all_terms, body_matches, body_tokens))
