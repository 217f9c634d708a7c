"""Durable per-source progress in SQLite: what each source already handed over, and where to resume.

One database file (the embedded store passes ``<store>/sources.db``). The poller reads it before a poll
and applies one CursorAdvance per poll, in a single transaction, only after the records were delivered.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from marsad.sources.config import SeenItemsSettings
from marsad.sources.fetching import Validators

DEFAULT_MAX_ITEMS_PER_SOURCE = 5_000
DEFAULT_MAX_ITEM_AGE_S = 30 * 86_400.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen_items (
    source TEXT NOT NULL,
    item_key TEXT NOT NULL,
    last_seen REAL NOT NULL,
    PRIMARY KEY (source, item_key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS seen_items_by_age ON seen_items (source, last_seen);
CREATE TABLE IF NOT EXISTS http_validators (
    source TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE IF NOT EXISTS followed_files (
    source TEXT PRIMARY KEY,
    inode INTEGER NOT NULL,
    byte_offset INTEGER NOT NULL,
    line INTEGER NOT NULL,
    head_digest TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_files (
    source TEXT NOT NULL,
    path TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (source, path)
);
"""


@dataclass(frozen=True, slots=True)
class FileOffset:
    """How far a followed file was read: ``line`` lines, ``byte_offset`` bytes, of the file with ``inode``.

    ``head_digest`` fingerprints the file's first bytes (up to the offset) so that a file truncated and
    rewritten past the old offset between two polls is still recognised as a different file.
    """

    inode: int
    byte_offset: int
    line: int
    head_digest: str


@dataclass(frozen=True, slots=True)
class FileStamp:
    mtime_ns: int
    size: int


@dataclass(frozen=True, slots=True)
class CursorAdvance:
    """Everything one poll of one source moves forward."""

    source: str
    # Every item key the source lists now, new and old: old ones are refreshed so they are not aged out
    # while the feed still carries them.
    seen_keys: Sequence[str] = ()
    # A 304 Not Modified: everything the source listed before is still listed.
    refresh_all_seen: bool = False
    validators: Validators | None = None
    file_offset: FileOffset | None = None
    # A directory's files now handled (replaces the previous set, so deleted files are forgotten).
    files: Mapping[str, FileStamp] | None = field(default=None)


class SourceCursor:
    """Thread-safe: the poller thread writes while the HTTP API may read."""

    def __init__(
        self,
        path: str | Path,
        *,
        max_items_per_source: int = DEFAULT_MAX_ITEMS_PER_SOURCE,
        max_item_age_s: float = DEFAULT_MAX_ITEM_AGE_S,
    ) -> None:
        self._max_items = max_items_per_source
        self._max_age_s = max_item_age_s
        self._lock = threading.Lock()
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # The cursor must survive a power cut once advance() returned, or a restart would re-send.
        self._db.execute("PRAGMA synchronous=FULL")
        with self._db:
            self._db.executescript(_SCHEMA)

    def seen_keys(self, source: str) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT item_key FROM seen_items WHERE source = ?", (source,))
            return {key for (key,) in rows}

    def validators(self, source: str) -> Validators | None:
        with self._lock:
            row = self._db.execute(
                "SELECT etag, last_modified FROM http_validators WHERE source = ?", (source,)
            ).fetchone()
        return Validators(etag=row[0], last_modified=row[1]) if row else None

    def file_offset(self, source: str) -> FileOffset | None:
        with self._lock:
            row = self._db.execute(
                "SELECT inode, byte_offset, line, head_digest FROM followed_files WHERE source = ?", (source,)
            ).fetchone()
        return FileOffset(*row) if row else None

    def seen_files(self, source: str) -> dict[str, FileStamp]:
        with self._lock:
            rows = self._db.execute("SELECT path, mtime_ns, size FROM seen_files WHERE source = ?", (source,))
            return {path: FileStamp(mtime_ns, size) for path, mtime_ns, size in rows}

    def advance(self, change: CursorAdvance, *, now: float) -> None:
        """Apply one poll's progress atomically, then drop seen keys beyond the age and count bounds."""
        with self._lock, self._db:
            self._record_seen(change, now)
            if change.validators is not None:
                self._db.execute(
                    "INSERT OR REPLACE INTO http_validators VALUES (?, ?, ?)",
                    (change.source, change.validators.etag, change.validators.last_modified),
                )
            if change.file_offset is not None:
                offset = change.file_offset
                self._db.execute(
                    "INSERT OR REPLACE INTO followed_files VALUES (?, ?, ?, ?, ?)",
                    (change.source, offset.inode, offset.byte_offset, offset.line, offset.head_digest),
                )
            if change.files is not None:
                self._db.execute("DELETE FROM seen_files WHERE source = ?", (change.source,))
                self._db.executemany(
                    "INSERT INTO seen_files VALUES (?, ?, ?, ?)",
                    [(change.source, path, stamp.mtime_ns, stamp.size) for path, stamp in change.files.items()],
                )

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @classmethod
    def open(cls, path: str | Path, settings: SeenItemsSettings) -> SourceCursor:
        """A cursor bounded as ``config/sources.yaml`` says (``seen_items``)."""
        return cls(
            path,
            max_items_per_source=settings.max_per_source,
            max_item_age_s=settings.max_age_days * 86_400.0,
        )

    def _record_seen(self, change: CursorAdvance, now: float) -> None:
        # Age out first, so that a 304's refresh only keeps keys that were still fresh.
        self._db.execute(
            "DELETE FROM seen_items WHERE source = ? AND last_seen < ?", (change.source, now - self._max_age_s)
        )
        if change.refresh_all_seen:
            self._db.execute("UPDATE seen_items SET last_seen = ? WHERE source = ?", (now, change.source))
        self._db.executemany(
            "INSERT INTO seen_items VALUES (?, ?, ?) "
            "ON CONFLICT (source, item_key) DO UPDATE SET last_seen = excluded.last_seen",
            [(change.source, key, now) for key in change.seen_keys],
        )
        self._db.execute(
            "DELETE FROM seen_items WHERE source = ? AND item_key NOT IN ("
            " SELECT item_key FROM seen_items WHERE source = ? ORDER BY last_seen DESC LIMIT ?)",
            (change.source, change.source, self._max_items),
        )
