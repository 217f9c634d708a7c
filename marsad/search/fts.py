"""Full-text search for the embedded store: SQLite FTS5 over terms from `marsad.search.analyzer`, ranked
with Elasticsearch's BM25.

Documents are analysed in Python with the index analyzer (the same chain as the Elasticsearch
template) and FTS5 stores the resulting terms, separated by spaces, in an external-content table
(``fts_documents``, which also keeps the original text for snippets). FTS5's ``ascii`` tokenizer
then only has to split on those spaces: it treats every non-ASCII character as part of a token, so
Arabic terms stay whole whatever marks they carry, and the ASCII punctuation a term may contain
(«3.5», «2,000») is mapped to private-use characters first.

Query semantics follow Elasticsearch's ``simple_query_string`` with ``default_operator: or`` over
``title`` and ``body``: the query is analysed with the search analyzer and a document matches if it
contains any of the terms; text in double quotes is a phrase, which matches only where its terms
stand at the same relative positions (stop-word gaps included) inside one field.

Ranking is the score Elasticsearch gives the ``multi_match`` query ``marsad search`` sends it
(``marsad.workers.elastic.reader``: fields ``title^2`` and ``body``, type ``best_fields``), not FTS5's ``bm25()``,
whose idf is clamped to ~0 for a term found in half the documents or more. For each field:

    score(field) = boost * (k1 + 1) * idf * tf / (tf + k1 * (1 - b + b * dl / avgdl)), summed over the clauses
    idf = ln(1 + (N - n + 0.5) / (n + 0.5))

with k1 = 1.2, b = 0.75, boost TITLE_WEIGHT for the title and 1 for the body, N the documents that have
the field, n those with the term in it. The (k1 + 1) factor is Elasticsearch's (its default similarity is
Lucene's ``LegacyBM25Similarity``). Clitic variants (``pattern_capture``) count in tf and, as in Lucene's
``sumTotalTermFreq``, in avgdl, but not in a document's dl (``discountOverlaps``); dl is rounded the way
Lucene stores it in one byte (``norm_length``). A document's score is its best field's (dis_max,
FIELD_TIE_BREAKER 0, as ``best_fields``). A phrase scores like Lucene's PhraseQuery: the sum of its terms'
idf, tf the number of its occurrences.

Beside it, ``marsad search`` asks the `name_variants` field (a name's other transliterations,
``marsad.workers.stages.variants``) as a ``constant_score`` clause: a document whose field has one of the query's
keys (``analyze_variants``, kept in ``fts_variants``) gets VARIANT_MATCH_SCORE added, so the spelling asked for
ranks before another spelling of it.

FTS5 does what it is good at: its index finds the candidates, its ``fts5vocab`` tables give document
frequencies (``col``) and term frequencies (``instance``, aggregated in SQL); per-document lengths, term
positions and the field totals are kept next to it (``fts_lengths``, ``fts_positions``, ``fts_stats``) and
updated on every add or replace (and filled in for a store indexed before they existed). Free terms
are scored in one SQL statement that returns only the top ``limit``; phrases are counted in Python from
the stored terms and positions, only in documents where FTS5's ``NEAR`` finds their terms close. The
work is bounded: past EXACT_SCORING_MAX_OCCURRENCES occurrences of the free terms, and past
MAX_CANDIDATES documents for a phrase, only the documents FTS5's own ``bm25()`` ranks best are scored
(exactly); below those bounds the ranking is exact.
"""

from __future__ import annotations

import heapq
import html
import json
import math
import re
import sqlite3
import sys
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from marsad.search.analyzer import (
    CLITIC_PATTERN_COUNT,
    Token,
    analyze_index,
    analyze_query,
    analyze_variants,
    index_terms,
    word_spans,
)
from marsad.workers.search import VARIANT_MATCH_SCORE

TITLE_WEIGHT = 2.0
K1 = 1.2
B = 0.75
FIELDS = ("title", "body")  # the order of the FTS5 columns
FIELD_BOOSTS = {"title": TITLE_WEIGHT, "body": 1.0}
FIELD_TIE_BREAKER = 0.0  # multi_match best_fields: the best field's score (1.0 would sum the fields)
# Scoring reads every occurrence of the query's terms (~0.5 µs each). Beyond this many, only the
# MAX_CANDIDATES documents FTS5's own bm25() ranks best are scored (and likewise for a phrase's documents).
EXACT_SCORING_MAX_OCCURRENCES = 200_000
MAX_CANDIDATES = 1_000
SNIPPET_WORDS = 30
SNIPPET_WORDS_BEFORE_MATCH = 10

_PHRASE = re.compile(r'"([^"]*)"')
_WHITESPACE = re.compile(r"\s+")
# The ASCII punctuation that can occur inside a standard-tokenizer token, which the `ascii`
# tokenizer would split on, and the private-use characters that stand for it in the index.
_FTS_UNSAFE = re.compile(r"[.,:;'\"_#*]")
_FTS_SAFE = {char: chr(0xE000 + index) for index, char in enumerate(".,:;'\"_#*")}

# Terms at one position at most: the token and one capture per clitic pattern.
_MAX_TERMS_PER_POSITION = 1 + CLITIC_PATTERN_COUNT

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
    # dl as Lucene scores it (norm_length of the positions), and every term the field indexed.
    """CREATE TABLE IF NOT EXISTS fts_lengths (
        doc_key INTEGER PRIMARY KEY,
        title_length INTEGER NOT NULL,
        body_length INTEGER NOT NULL,
        title_terms INTEGER NOT NULL,
        body_terms INTEGER NOT NULL
    )""",
    # For phrases: the position of each FTS5 token (see _encode_positions).
    """CREATE TABLE IF NOT EXISTS fts_positions (
        doc_key INTEGER PRIMARY KEY,
        title BLOB NOT NULL,
        body BLOB NOT NULL
    )""",
    # Lucene's docCount (documents with the field) and sumTotalTermFreq, per field.
    """CREATE TABLE IF NOT EXISTS fts_stats (
        field TEXT PRIMARY KEY,
        doc_count INTEGER NOT NULL,
        term_count INTEGER NOT NULL
    )""",
    # The `name_variants` field: its text (a document indexed before it existed has no row) and its keys.
    "CREATE TABLE IF NOT EXISTS fts_variant_words (doc_key INTEGER PRIMARY KEY, words TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS fts_variants (
        key TEXT NOT NULL,
        doc_key INTEGER NOT NULL,
        PRIMARY KEY (key, doc_key)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS fts_variants_doc_key ON fts_variants (doc_key)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, fts_terms, col)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_instances USING fts5vocab(main, fts_terms, instance)",
)

_RECOUNT_STATS = """INSERT OR REPLACE INTO fts_stats (field, doc_count, term_count)
    SELECT 'title', count(*) FILTER (WHERE title_terms > 0), total(title_terms) FROM fts_lengths
    UNION ALL
    SELECT 'body', count(*) FILTER (WHERE body_terms > 0), total(body_terms) FROM fts_lengths"""


def _int4(value: int) -> int:
    """Lucene's SmallFloat.longToInt4: four significant bits and a shift."""
    bits = value.bit_length()
    if bits < 4:
        return value
    shift = bits - 4
    return ((value >> shift) & 0x07) | ((shift + 1) << 3)


def _from_int4(code: int) -> int:
    bits, shift = code & 0x07, (code >> 3) - 1
    return bits if shift == -1 else (bits | 0x08) << shift


_NORM_EXACT_BELOW = 255 - _int4(2**31 - 1)  # 24


def norm_length(length: int) -> int:
    """The field length Lucene scores with: it keeps it in one byte (SmallFloat.intToByte4 and byte4ToInt),
    exact below 24, rounded down to four significant bits above."""
    if length < _NORM_EXACT_BELOW:
        return length
    return _NORM_EXACT_BELOW + _from_int4(_int4(length - _NORM_EXACT_BELOW))


def idf(doc_count: int, doc_freq: int) -> float:
    """Lucene's BM25 idf, positive however common the term."""
    return math.log(1 + (doc_count - doc_freq + 0.5) / (doc_freq + 0.5))


class Hit(NamedTuple):
    doc_key: int
    score: float  # higher is better
    snippet: str  # HTML: escaped body text, matched words in <mark>…</mark>


class _Query(NamedTuple):
    terms: frozenset[str]  # terms outside quotes: any one of them makes a match
    phrases: tuple[tuple[Token, ...], ...]  # analysed quoted phrases of two or more terms
    term_counts: dict[str, int]  # how often each term is in the query: a repeated term weighs more, as in Lucene
    variants: frozenset[str]  # the query's `name_variants` keys

    @property
    def all_terms(self) -> frozenset[str]:
        return self.terms.union(token.term for phrase in self.phrases for token in phrase)


def _parse_query(query: str) -> _Query:
    terms: Counter[str] = Counter()
    phrases = []
    for index, part in enumerate(_PHRASE.split(query)):
        tokens = analyze_query(part)
        if index % 2 and len(tokens) > 1:
            phrases.append(tuple(tokens))
        else:
            terms.update(token.term for token in tokens)
    variants = frozenset(token.term for token in analyze_variants(query))
    return _Query(frozenset(terms), tuple(phrases), dict(terms), variants)


def _fts_safe(text: str) -> str:
    return _FTS_UNSAFE.sub(lambda char: _FTS_SAFE[char[0]], text)


def _fts_term(term: str) -> str:
    return '"' + _fts_safe(term) + '"'


def _fts_text(terms: list[str]) -> str:
    return _fts_safe(" ".join(filter(None, terms)))


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


_POSITION_TYPECODES = {1: "B", 2: "H", 4: "I"}  # array item sizes (every platform CPython runs on)


def _encode_positions(positions: list[int]) -> bytes:
    """One byte for the width w (1, 2 or 4), then each position in w little-endian bytes."""
    width = next(width for width in (1, 2, 4) if max(positions, default=0) < 1 << (8 * width))
    encoded = array(_POSITION_TYPECODES[width], positions)
    if sys.byteorder == "big":
        encoded.byteswap()
    return bytes([width]) + encoded.tobytes()


def _position_at(encoded: bytes, offset: int) -> int:
    width = encoded[0]
    return int.from_bytes(encoded[1 + offset * width : 1 + (offset + 1) * width], "little")


class _AnalysedField(NamedTuple):
    fts_text: str  # the terms, space separated, as FTS5 indexes them
    length: int  # norm_length of the positions: clitic variants do not count
    term_count: int  # every indexed term, clitic variants included
    positions: bytes  # the position of each term, _encode_positions


def _analyse_field(text: str) -> _AnalysedField:
    """`analyze_index`, without building its tokens."""
    terms, positions = [], []
    for position, (start, end) in enumerate(word_spans(text)):
        for term in index_terms(text[start:end]):
            if term:
                terms.append(term)
                positions.append(position)
    return _AnalysedField(_fts_text(terms), norm_length(len(set(positions))), len(terms), _encode_positions(positions))


class _TermStats(NamedTuple):
    idf: dict[str, float]  # per field that has the term
    occurrences: int  # in every document and field, clitic variants included


class _FieldStats(NamedTuple):
    doc_count: int
    avg_length: float  # Lucene's avgdl: sumTotalTermFreq / docCount

    def length_factor(self) -> tuple[float, float]:
        """(c0, c1) with k1 * (1 - b + b * dl / avgdl) = c0 + c1 * dl."""
        return K1 * (1 - B), K1 * B / self.avg_length


def _combine(field_scores: Iterable[float]) -> float:
    """Lucene's DisjunctionMaxQuery over the fields."""
    scores = list(field_scores)
    best = max(scores)
    return best + FIELD_TIE_BREAKER * (sum(scores) - best)


def _phrase_frequency(terms: list[str], offsets: list[int], terms_at: dict[int, set[str]]) -> int:
    """Occurrences of the phrase: positions where its first term stands and every other term at its offset."""
    return sum(
        1
        for position, present in terms_at.items()
        if terms[0] in present
        and all(
            term in terms_at.get(position + offset, ()) for term, offset in zip(terms[1:], offsets[1:], strict=True)
        )
    )


class FullTextIndex:
    """Search over the documents of one SQLite database; tables are created on first use.

    Writes run in the caller's transaction: the store commits.
    """

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        for statement in _SCHEMA:
            connection.execute(statement)
        self._complete_statistics()

    def _complete_statistics(self) -> None:
        """Lengths, positions and field totals for documents indexed before they were kept (older stores)."""
        missing = [
            key
            for (key,) in self._connection.execute(
                "SELECT doc_key FROM fts_documents WHERE doc_key NOT IN (SELECT doc_key FROM fts_lengths)"
            )
        ]
        (stats,) = self._connection.execute("SELECT count(*) FROM fts_stats").fetchone()
        if not missing and stats == len(FIELDS):
            return
        self._connection.execute("SAVEPOINT fts_statistics")
        try:
            for key in missing:
                title, body = self._connection.execute(
                    "SELECT original_title, original_body FROM fts_documents WHERE doc_key = ?", (key,)
                ).fetchone()
                self._write_statistics(key, _analyse_field(title), _analyse_field(body))
            self._connection.execute(_RECOUNT_STATS)
        except BaseException:
            self._connection.execute("ROLLBACK TO fts_statistics")
            raise
        finally:
            self._connection.execute("RELEASE fts_statistics")

    def _write_statistics(self, doc_key: int, title: _AnalysedField, body: _AnalysedField) -> None:
        self._connection.execute(
            "INSERT OR REPLACE INTO fts_lengths (doc_key, title_length, body_length, title_terms, body_terms)"
            " VALUES (?, ?, ?, ?, ?)",
            (doc_key, title.length, body.length, title.term_count, body.term_count),
        )
        self._connection.execute(
            "INSERT OR REPLACE INTO fts_positions (doc_key, title, body) VALUES (?, ?, ?)",
            (doc_key, title.positions, body.positions),
        )

    def add(self, doc_key: int, title: str, body: str, variants: str = "") -> None:
        """Index a document under the store's rowid; adding a key again replaces the document. ``variants``: the
        text of its `name_variants` field (``marsad.workers.stages.variants.document_variants``)."""
        fields = (_analyse_field(title), _analyse_field(body))
        previous = self._connection.execute(
            "SELECT title, body FROM fts_documents WHERE doc_key = ?", (doc_key,)
        ).fetchone()
        if previous is not None:
            self._connection.execute(
                "INSERT INTO fts_terms(fts_terms, rowid, title, body) VALUES ('delete', ?, ?, ?)",
                (doc_key, *previous),
            )
        previous_counts = self._connection.execute(
            "SELECT title_terms, body_terms FROM fts_lengths WHERE doc_key = ?", (doc_key,)
        ).fetchone() or (0, 0)
        for name, field, previous_count in zip(FIELDS, fields, previous_counts, strict=True):
            self._connection.execute(
                "UPDATE fts_stats SET doc_count = doc_count + ?, term_count = term_count + ? WHERE field = ?",
                ((field.term_count > 0) - (previous_count > 0), field.term_count - previous_count, name),
            )
        self._connection.execute(
            "INSERT OR REPLACE INTO fts_documents(doc_key, title, body, original_title, original_body)"
            " VALUES (?, ?, ?, ?, ?)",
            (doc_key, fields[0].fts_text, fields[1].fts_text, title, body),
        )
        self._connection.execute(
            "INSERT INTO fts_terms(rowid, title, body) VALUES (?, ?, ?)",
            (doc_key, fields[0].fts_text, fields[1].fts_text),
        )
        self._write_statistics(doc_key, *fields)
        self.set_variants(doc_key, variants)

    def set_variants(self, doc_key: int, words: str) -> None:
        """Index (or replace) the document's `name_variants` field."""
        self._connection.execute("DELETE FROM fts_variants WHERE doc_key = ?", (doc_key,))
        self._connection.executemany(
            "INSERT OR IGNORE INTO fts_variants (key, doc_key) VALUES (?, ?)",
            ((token.term, doc_key) for token in analyze_variants(words)),
        )
        self._connection.execute(
            "INSERT OR REPLACE INTO fts_variant_words (doc_key, words) VALUES (?, ?)", (doc_key, words)
        )

    def without_variants(self) -> list[int]:
        """The documents indexed before the `name_variants` field existed."""
        return [
            key
            for (key,) in self._connection.execute(
                "SELECT doc_key FROM fts_documents WHERE doc_key NOT IN (SELECT doc_key FROM fts_variant_words)"
            )
        ]

    def search(self, query: str, limit: int) -> list[Hit]:
        """The best `limit` documents for the query, best first."""
        parsed = _parse_query(query)
        return [self._hit(doc_key, score, parsed) for doc_key, score in self._rank(parsed, limit)]

    def rank(self, query: str, limit: int) -> list[tuple[int, float]]:
        """`search` without snippets: (doc_key, score) of the best `limit` documents, best first."""
        return self._rank(_parse_query(query), limit)

    def snippet(self, doc_key: int, query: str) -> str:
        """The highlighted snippet `search` gives the document for the query."""
        return self._hit(doc_key, 0.0, _parse_query(query)).snippet

    def _rank(self, parsed: _Query, limit: int) -> list[tuple[int, float]]:
        if limit <= 0 or not (parsed.terms or parsed.phrases or parsed.variants):
            return []
        stats = self._field_stats()
        terms = self._term_stats(parsed.all_terms, stats)
        if not parsed.phrases:
            ranked = self._rank_terms(parsed, stats, terms, limit)
        else:
            scores, variant_matches = self._term_field_scores(parsed, stats, terms)
            for phrase in parsed.phrases:
                self._add_phrase_scores(scores, phrase, stats, terms)
            combined = (
                (doc_key, _combine(fields) + VARIANT_MATCH_SCORE * (doc_key in variant_matches))
                for doc_key, fields in scores.items()
            )
            ranked = heapq.nsmallest(limit, (hit for hit in combined if hit[1] > 0), key=lambda hit: (-hit[1], hit[0]))
        return ranked

    def _field_stats(self) -> dict[str, _FieldStats]:
        return {
            field: _FieldStats(doc_count, term_count / doc_count)
            for field, doc_count, term_count in self._connection.execute(
                "SELECT field, doc_count, term_count FROM fts_stats WHERE doc_count > 0"
            )
        }

    def _term_stats(self, terms: Iterable[str], stats: dict[str, _FieldStats]) -> dict[str, _TermStats]:
        found = {}
        for term in terms:
            idfs, occurrences = {}, 0
            for field, doc_freq, count in self._connection.execute(
                "SELECT col, doc, cnt FROM temp.fts_vocab WHERE term = ?", (_fts_safe(term),)
            ):
                if field in stats:
                    idfs[field] = idf(stats[field].doc_count, doc_freq)
                    occurrences += count
            found[term] = _TermStats(idfs, occurrences)
        return found

    def _term_candidates(self, query: _Query, terms: dict[str, _TermStats]) -> list[int] | None:
        """None when every document with a free term can be scored within the budget; else the
        MAX_CANDIDATES best by FTS5's own bm25(), to score instead."""
        indexed = sorted(term for term in query.terms if terms[term].idf)
        if sum(terms[term].occurrences for term in indexed) <= EXACT_SCORING_MAX_OCCURRENCES:
            return None
        return [
            doc_key
            for (doc_key,) in self._connection.execute(
                "SELECT rowid FROM fts_terms WHERE fts_terms MATCH ? ORDER BY bm25(fts_terms, ?, 1.0), rowid LIMIT ?",
                (" OR ".join(map(_fts_term, indexed)), TITLE_WEIGHT, MAX_CANDIDATES),
            )
        ]

    def _term_scores_sql(
        self, query: _Query, stats: dict[str, _FieldStats], terms: dict[str, _TermStats]
    ) -> tuple[str, dict[str, object]] | None:
        """SELECT doc, title_score, body_score, variant_match: the free terms' BM25 per field (boosts included), for
        every document that has one of them (or for the candidates, see _term_candidates), and 1 for a document whose
        `name_variants` has one of the query's keys. None if none of the terms or keys is indexed."""
        candidates = self._term_candidates(query, terms)
        parameters: dict[str, object] = {"candidates": json.dumps(candidates)}
        only_candidates = "" if candidates is None else " AND doc IN (SELECT value FROM json_each(:candidates))"
        frequencies = []
        for number, term in enumerate(sorted(query.terms)):
            if not terms[term].idf:
                continue
            parameters[f"term{number}"] = _fts_safe(term)
            for field in FIELDS:
                idf_in_field = terms[term].idf.get(field, 0.0)
                parameters[f"{field}{number}"] = FIELD_BOOSTS[field] * (K1 + 1) * idf_in_field * query.term_counts[term]
            frequencies.append(
                f"SELECT doc, col, count(*) AS freq, iif(col = 'title', :title{number}, :body{number}) AS weight"
                f" FROM temp.fts_instances WHERE term = :term{number}{only_candidates} GROUP BY doc, col"
            )
        if query.variants:
            parameters["variant_keys"] = json.dumps(sorted(query.variants))
            frequencies.append(
                "SELECT doc_key AS doc, 'variants' AS col, 1 AS freq, 0.0 AS weight FROM fts_variants"
                " WHERE key IN (SELECT value FROM json_each(:variant_keys)) GROUP BY doc_key"
            )
        if not frequencies:
            return None
        field_scores = []
        for field in FIELDS:
            c0, c1 = stats[field].length_factor() if field in stats else (K1, 0.0)
            parameters[f"{field}_c0"], parameters[f"{field}_c1"] = c0, c1
            field_scores.append(
                f"total(iif(col = '{field}', weight * freq / (freq + :{field}_c0 + :{field}_c1 * {field}_length), 0))"
                f" AS {field}_score"
            )
        sql = (
            f"SELECT doc, {', '.join(field_scores)}, max(col = 'variants') AS variant_match"
            f" FROM ({' UNION ALL '.join(frequencies)}) JOIN fts_lengths ON doc_key = doc GROUP BY doc"
        )
        return sql, parameters

    def _rank_terms(
        self, query: _Query, stats: dict[str, _FieldStats], terms: dict[str, _TermStats], limit: int
    ) -> list[tuple[int, float]]:
        built = self._term_scores_sql(query, stats, terms)
        if built is None:
            return []
        sql, parameters = built
        ranked = self._connection.execute(
            "SELECT doc, max(title_score, body_score) + :tie_breaker * min(title_score, body_score)"
            f" + :variant_score * variant_match AS score FROM ({sql}) ORDER BY score DESC, doc LIMIT :limit",
            {**parameters, "tie_breaker": FIELD_TIE_BREAKER, "variant_score": VARIANT_MATCH_SCORE, "limit": limit},
        )
        return [(doc_key, score) for doc_key, score in ranked]

    def _term_field_scores(
        self, query: _Query, stats: dict[str, _FieldStats], terms: dict[str, _TermStats]
    ) -> tuple[dict[int, list[float]], set[int]]:
        """Each document's score per field, and the documents the `name_variants` keys match."""
        built = self._term_scores_sql(query, stats, terms)
        if built is None:
            return {}, set()
        rows = self._connection.execute(*built).fetchall()
        return {doc_key: [title, body] for doc_key, title, body, _ in rows}, {row[0] for row in rows if row[3]}

    def _add_phrase_scores(
        self,
        scores: dict[int, list[float]],
        phrase: tuple[Token, ...],
        stats: dict[str, _FieldStats],
        terms: dict[str, _TermStats],
    ) -> None:
        """Add Lucene's PhraseQuery score to each document where the phrase occurs (among the
        MAX_CANDIDATES best by FTS5's bm25() when more have its terms close together)."""
        phrase_terms = [token.term for token in phrase]
        offsets = [token.position - phrase[0].position for token in phrase]
        # Lucene sums the idf of a phrase's terms; a field that lacks one of them cannot have the phrase.
        weights = {
            field: FIELD_BOOSTS[field] * (K1 + 1) * sum(terms[term].idf[field] for term in phrase_terms)
            for field in FIELDS
            if all(field in terms[term].idf for term in phrase_terms)
        }
        if not weights:
            return
        # Every FTS5 token between two terms of one occurrence stands at a position the phrase spans.
        distance = _MAX_TERMS_PER_POSITION * (max(offsets) + 1)
        near = f"NEAR({' '.join(map(_fts_term, phrase_terms))}, {distance})"
        safe_terms = {_fts_safe(term): term for term in phrase_terms}
        # A phrase term in " " + FTS5 text + " ": the space before the term k is the k-th (from 0).
        occurrence = re.compile(f" (?:{'|'.join(map(re.escape, safe_terms))})(?= )")
        documents = self._connection.execute(
            "SELECT doc_key, d.title, d.body, p.title, p.body, title_length, body_length"
            " FROM fts_documents AS d JOIN fts_positions AS p USING (doc_key) JOIN fts_lengths USING (doc_key)"
            " WHERE doc_key IN (SELECT rowid FROM fts_terms WHERE fts_terms MATCH ?"
            " ORDER BY bm25(fts_terms, ?, 1.0), rowid LIMIT ?)",
            (near, TITLE_WEIGHT, MAX_CANDIDATES),
        )
        for doc_key, *columns in documents:
            for index, field in enumerate(FIELDS):
                if field not in weights:
                    continue
                text, positions = f" {columns[index]} ", columns[2 + index]
                terms_at: dict[int, set[str]] = defaultdict(set)
                offset, counted = 0, 0
                for found in occurrence.finditer(text):
                    offset += text.count(" ", counted, found.start())
                    counted = found.start()
                    terms_at[_position_at(positions, offset)].add(safe_terms[found[0][1:]])
                frequency = _phrase_frequency(phrase_terms, offsets, terms_at)
                if frequency:
                    c0, c1 = stats[field].length_factor()
                    field_scores = scores.setdefault(doc_key, [0.0] * len(FIELDS))
                    field_scores[index] += weights[field] * frequency / (frequency + c0 + c1 * columns[4 + index])

    def _hit(self, doc_key: int, score: float, query: _Query) -> Hit:
        (body,) = self._connection.execute(
            "SELECT original_body FROM fts_documents WHERE doc_key = ?", (doc_key,)
        ).fetchone()
        body_tokens = analyze_index(body)
        body_matches = _matched_positions(query, body_tokens)
        return Hit(doc_key, score, _snippet(body, query.all_terms, body_matches, body_tokens))
