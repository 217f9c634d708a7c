"""The embedded store: one SQLite file holding documents, rejects, alerts, dedup state and the search index.

Everything one batch produces is written in one transaction, so a crash never leaves a document without its
dedup state or an alert without its document.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from marsad.search.fts import FullTextIndex
from marsad.topics.records import Alert, DeadLetter, EnrichedDocument
from marsad.workers.pipeline import Processed, epoch
from marsad.workers.search import SearchHit
from marsad.workers.stages.dedup import DedupEntry, ShingleSet
from marsad.workers.stages.discovery import Candidate
from marsad.workers.stages.variants import document_variants

# The schema as a list of migrations: a store at ``PRAGMA user_version`` N gets migrations N+1.. applied at
# open, each in its own transaction. Append a migration for a change; never edit one that has shipped.
MIGRATIONS: tuple[str, ...] = (
    """
CREATE TABLE IF NOT EXISTS documents (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    story_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS shingles (id TEXT PRIMARY KEY, shingles BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS dedup (
    id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    signature BLOB NOT NULL,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS dedup_seen_at ON dedup (seen_at);
CREATE TABLE IF NOT EXISTS alerts (
    seq INTEGER PRIMARY KEY,
    rule TEXT NOT NULL,
    story_id TEXT NOT NULL,
    alert TEXT NOT NULL,
    UNIQUE (rule, story_id)
);
CREATE TABLE IF NOT EXISTS rejects (
    seq INTEGER PRIMARY KEY,
    stage TEXT NOT NULL,
    reason TEXT NOT NULL,
    source TEXT NOT NULL,
    payload BLOB NOT NULL,
    detail TEXT NOT NULL
);
""",
    "CREATE INDEX IF NOT EXISTS documents_story_id ON documents (story_id);",
    # Event-time stories: every document's order key, and exact duplicates too (outside the LSH index).
    """
ALTER TABLE dedup ADD COLUMN event_time REAL;
UPDATE dedup SET event_time = seen_at;
ALTER TABLE dedup ADD COLUMN remembered INTEGER NOT NULL DEFAULT 1;
""",
    # Name discovery: names found from their context, by spelling key (marsad.workers.stages.discovery).
    "CREATE TABLE IF NOT EXISTS name_candidates (key TEXT PRIMARY KEY, candidate TEXT NOT NULL);",
)


class StoreVersionError(RuntimeError):
    """The store was written by a newer marsad, whose schema this one does not know."""


def migrate(db: sqlite3.Connection) -> None:
    (version,) = db.execute("PRAGMA user_version").fetchone()
    if version > len(MIGRATIONS):
        raise StoreVersionError(f"store schema version {version} is newer than this marsad's ({len(MIGRATIONS)})")
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        # executescript commits first: BEGIN/COMMIT inside the script make the migration atomic.
        db.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")


@dataclass(frozen=True, slots=True)
class SearchResult:
    document: EnrichedDocument
    score: float
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        """A search hit as ``marsad search --json`` and the JSON API print it (in both modes)."""
        document = self.document
        return SearchHit(
            id=document.id,
            title=document.title,
            score=round(self.score, 4),
            snippet=self.snippet,
            story_id=document.story_id,
            duplicate_of=document.duplicate_of,
            source=document.source,
            url=document.url,
            published_at=document.published_at,
        ).model_dump()


class Store:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._db = sqlite3.connect(directory / "marsad.db", isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        migrate(self._db)
        self._fts = FullTextIndex(self._db)
        self._index_variants()

    def _index_variants(self) -> None:
        """The `name_variants` field for documents stored before it existed."""
        missing = self._fts.without_variants()
        if missing:
            with self._transaction():
                for seq, document in self.documents_by_seq(missing).items():
                    self._fts.set_variants(seq, document_variants(document))

    def close(self) -> None:
        self._db.close()

    # Reads used by the pipeline -------------------------------------------------------------------

    def document(self, doc_id: str) -> EnrichedDocument | None:
        row = self._db.execute("SELECT document FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return EnrichedDocument.from_dict(json.loads(row[0])) if row else None

    def known_documents(self, ids: Sequence[str]) -> dict[str, EnrichedDocument]:
        rows = self._db.execute(
            "SELECT id, document FROM documents WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
        return {doc_id: EnrichedDocument.from_dict(json.loads(payload)) for doc_id, payload in rows}

    def shingles(self, doc_id: str) -> ShingleSet | None:
        row = self._db.execute("SELECT shingles FROM shingles WHERE id = ?", (doc_id,)).fetchone()
        return np.frombuffer(row[0], dtype=np.uint32) if row else None

    def dedup_entries(self, since: float, limit: int) -> list[DedupEntry]:
        """The most recent ``limit`` entries seen at or after ``since``, oldest first."""
        rows = self._db.execute(
            "SELECT id, story_id, content_hash, signature, seen_at, event_time, remembered FROM dedup "
            "WHERE seen_at >= ? ORDER BY seen_at DESC, id DESC LIMIT ?",
            (since, limit),
        ).fetchall()
        return [
            DedupEntry(
                doc_id, story, content, np.frombuffer(signature, dtype=np.uint64).copy(), seen, when, bool(remembered)
            )
            for doc_id, story, content, signature, seen, when, remembered in reversed(rows)
        ]

    # Writes ---------------------------------------------------------------------------------------

    def name_candidates(self) -> dict[str, Candidate]:
        """Every name discovery has seen, by key; the learned gazetteer is those with ``learned``."""
        rows = self._db.execute("SELECT key, candidate FROM name_candidates")
        return {key: Candidate.from_json(key, payload) for key, payload in rows}

    def write_batch(
        self,
        processed: Sequence[Processed],
        rejected: Sequence[DeadLetter],
        retagged: Sequence[EnrichedDocument] = (),
        candidates: Iterable[Candidate] = (),
    ) -> None:
        """One transaction: the batch's documents and rejects, the earlier documents whose entities name learning
        changed (``retagged``) and name discovery's changed ``candidates``."""
        with self._transaction():
            for item in processed:
                if item.replay:
                    continue
                self._write_document(item)
            for document in retagged:
                entities = json.dumps(document.to_dict()["entities"], ensure_ascii=False)
                self._db.execute(
                    "UPDATE documents SET document = json_set(document, '$.entities', json(?)) WHERE id = ?",
                    (entities, document.id),
                )
            self._db.executemany(
                "INSERT INTO name_candidates (key, candidate) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET candidate = excluded.candidate",
                [(candidate.key, candidate.to_json()) for candidate in candidates],
            )
            for letter in rejected:
                detail = letter.to_dict()
                self._db.execute(
                    "INSERT INTO rejects (stage, reason, source, payload, detail) VALUES (?, ?, ?, ?, ?)",
                    (
                        letter.stage,
                        letter.reason,
                        letter.position.source,
                        letter.payload,
                        json.dumps({k: v for k, v in detail.items() if k != "payload"}, ensure_ascii=False),
                    ),
                )

    def _write_document(self, item: Processed) -> None:
        document = item.document
        payload = json.dumps(document.to_dict(), ensure_ascii=False)
        cursor = self._db.execute(
            "INSERT INTO documents (id, story_id, content_hash, document) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET story_id = excluded.story_id, "
            "content_hash = excluded.content_hash, document = excluded.document RETURNING seq",
            (document.id, document.story_id, document.content_hash, payload),
        )
        seq = cursor.fetchone()[0]
        self._fts.add(seq, document.title, document.body, document_variants(document))
        self._db.execute(
            "INSERT OR REPLACE INTO shingles (id, shingles) VALUES (?, ?)",
            (document.id, item.fingerprint.shingles.tobytes()),
        )
        self._db.execute(
            "INSERT OR REPLACE INTO dedup (id, story_id, content_hash, signature, seen_at, event_time, remembered) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                document.id,
                document.story_id,
                document.content_hash,
                item.fingerprint.signature.tobytes(),
                epoch(document.ingested_at),
                item.event_time,
                item.remembered,
            ),
        )
        for correction in item.corrected:
            self._db.execute(
                "UPDATE documents SET story_id = ?, document = json_set(document, '$.story_id', ?, "
                "'$.duplicate_of', ?) WHERE id = ?",
                (correction.story_id, correction.story_id, correction.duplicate_of, correction.doc_id),
            )
            self._db.execute("UPDATE dedup SET story_id = ? WHERE id = ?", (correction.story_id, correction.doc_id))
        for alert in item.fired:
            self._db.execute(
                "INSERT OR IGNORE INTO alerts (rule, story_id, alert) VALUES (?, ?, ?)",
                (alert.rule, alert.story_id, _alert_json(alert)),
            )
        self._recredit(item)

    def _recredit(self, item: Processed) -> None:
        """Re-credited alerts overwrite their row, or take over the row of the alert they replace, so that
        an alert keeps its place (``seq``) and is never listed as new again; withdrawn ones left are deleted."""
        withdrawn = list(item.withdrawn)
        for alert in item.recredited:
            payload = _alert_json(alert)
            cursor = self._db.execute(
                "UPDATE alerts SET alert = ? WHERE rule = ? AND story_id = ?", (payload, alert.rule, alert.story_id)
            )
            replaced = next((key for key in withdrawn if key[0] == alert.rule), None)
            if cursor.rowcount == 0 and replaced is not None:
                withdrawn.remove(replaced)
                cursor = self._db.execute(
                    "UPDATE alerts SET story_id = ?, alert = ? WHERE rule = ? AND story_id = ?",
                    (alert.story_id, payload, *replaced),
                )
            if cursor.rowcount == 0:
                self._db.execute(
                    "INSERT INTO alerts (rule, story_id, alert) VALUES (?, ?, ?)", (alert.rule, alert.story_id, payload)
                )
        for rule, story_id in withdrawn:
            self._db.execute("DELETE FROM alerts WHERE rule = ? AND story_id = ?", (rule, story_id))

    def _transaction(self) -> _Transaction:
        return _Transaction(self._db)

    # Listings -------------------------------------------------------------------------------------

    def documents(self) -> Iterator[EnrichedDocument]:
        for (payload,) in self._db.execute("SELECT document FROM documents ORDER BY seq"):
            yield EnrichedDocument.from_dict(json.loads(payload))

    def alerts(self) -> list[Alert]:
        rows = self._db.execute("SELECT alert FROM alerts ORDER BY seq")
        return [Alert.from_dict(json.loads(payload)) for (payload,) in rows]

    def rejects(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT reason, source, payload, detail FROM rejects ORDER BY seq")
        return [
            {
                "reason": reason,
                "source": source,
                "payload": payload.decode("utf-8", errors="replace"),
                **{k: v for k, v in json.loads(detail).items() if k not in ("reason", "source")},
            }
            for reason, source, payload, detail in rows
        ]

    def search(self, query: str, limit: int) -> list[SearchResult]:
        hits = self._fts.search(query, limit)
        results = []
        for hit in hits:
            row = self._db.execute("SELECT document FROM documents WHERE seq = ?", (hit.doc_key,)).fetchone()
            if row:
                results.append(SearchResult(EnrichedDocument.from_dict(json.loads(row[0])), hit.score, hit.snippet))
        return results

    # Reads for the search page and the JSON API (marsad.search.backend) ---------------------------------

    def ranked(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(seq, score) of the best ``limit`` documents for the query, best first; no snippets."""
        return self._fts.rank(query, limit)

    def latest(self, limit: int) -> list[int]:
        """The seq of the last ``limit`` documents written, newest first."""
        return [seq for (seq,) in self._db.execute("SELECT seq FROM documents ORDER BY seq DESC LIMIT ?", (limit,))]

    def snippet(self, seq: int, query: str) -> str:
        return self._fts.snippet(seq, query)

    def naming(self, names: Sequence[str]) -> set[str]:
        """The ids of the documents a search for any of ``names`` (each a phrase) finds."""
        ranked = self._fts.rank(" ".join(f'"{name}"' for name in names), self.document_count())
        rows = self._db.execute(
            "SELECT id FROM documents WHERE seq IN (SELECT value FROM json_each(?))",
            (json.dumps([seq for seq, _ in ranked]),),
        )
        return {doc_id for (doc_id,) in rows}

    def documents_by_seq(self, seqs: Sequence[int]) -> dict[int, EnrichedDocument]:
        rows = self._db.execute(
            "SELECT seq, document FROM documents WHERE seq IN (SELECT value FROM json_each(?))", (json.dumps(seqs),)
        )
        return {seq: EnrichedDocument.from_dict(json.loads(payload)) for seq, payload in rows}

    def story(self, story_id: str) -> list[EnrichedDocument]:
        rows = self._db.execute("SELECT document FROM documents WHERE story_id = ? ORDER BY seq", (story_id,))
        return [EnrichedDocument.from_dict(json.loads(payload)) for (payload,) in rows]

    def story_sizes(self, story_ids: Sequence[str]) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT story_id, count(*) FROM documents WHERE story_id IN (SELECT value FROM json_each(?)) "
            "GROUP BY story_id",
            (json.dumps(story_ids),),
        )
        return dict(rows.fetchall())

    def document_count(self) -> int:
        (count,) = self._db.execute("SELECT count(*) FROM documents").fetchone()
        return int(count)

    def alerts_after(self, seq: int, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """(seq, alert) of the alerts written after ``seq``, oldest first."""
        rows = self._db.execute("SELECT seq, alert FROM alerts WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        return [(number, json.loads(payload)) for number, payload in rows]

    def last_alerts(self, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """(seq, alert) of the last ``limit`` alerts, oldest first."""
        rows = self._db.execute("SELECT seq, alert FROM alerts ORDER BY seq DESC LIMIT ?", (limit,)).fetchall()
        return [(number, json.loads(payload)) for number, payload in reversed(rows)]


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        self._db.execute("COMMIT" if error is None else "ROLLBACK")


def _alert_json(alert: Alert) -> str:
    return json.dumps(alert.to_dict(), ensure_ascii=False)
