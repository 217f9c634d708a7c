"""The continuously followed sources: one poll reads what is new since the cursor, without advancing it.

Each ``poll`` returns the new records together with the CursorAdvance that marks them handled; the
poller applies it only once the records were delivered.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from marsad.sources.config import DirectorySourceSpec, FeedSourceSpec, JsonlSourceSpec, SourceSpec
from marsad.sources.cursor import CursorAdvance, FileOffset, FileStamp, SourceCursor
from marsad.sources.feeds import FeedEntry, parse_feed
from marsad.sources.fetching import FetchError, HttpFetcher
from marsad.sources.files import iter_input_files, jsonl_record, read_file
from marsad.sources.fulltext import FullTextFetcher
from marsad.topics.records import RawInput

log = logging.getLogger(__name__)

DEFAULT_MAX_BATCH_RECORDS = 500
DEFAULT_MAX_BATCH_BYTES = 32_000_000
HEAD_DIGEST_BYTES = 4096


@dataclass(frozen=True, slots=True)
class PollResult:
    records: list[RawInput]
    advance: CursorAdvance
    not_modified: bool = False
    # Stopped at the batch limit: poll again right away instead of waiting for the interval.
    more_pending: bool = False


class Follower(Protocol):
    name: str
    kind: str
    interval_s: float

    def poll(self, cursor: SourceCursor) -> PollResult: ...


class FeedFollower:
    kind = "feed"

    def __init__(self, spec: FeedSourceSpec, fetcher: HttpFetcher, fulltext: FullTextFetcher | None) -> None:
        self.name = spec.name
        self.interval_s = spec.interval_s
        self._spec = spec
        self._fetcher = fetcher
        self._fulltext = fulltext if spec.fulltext else None

    def poll(self, cursor: SourceCursor) -> PollResult:
        url = self._spec.url
        result = self._fetcher.get(url, timeout_s=self._spec.timeout_s, validators=cursor.validators(self.name))
        if result.not_modified:
            advance = CursorAdvance(self.name, refresh_all_seen=True, validators=result.validators)
            return PollResult([], advance, not_modified=True)
        entries = parse_feed(result.content, origin=url, content_type=result.content_type)
        seen = cursor.seen_keys(self.name)
        fresh: dict[str, FeedEntry] = {}
        for entry in entries:
            if entry.key not in seen and entry.key not in fresh:
                fresh[entry.key] = entry
        new_entries = [self._with_full_text(entry) for entry in fresh.values()]
        advance = CursorAdvance(self.name, seen_keys=[entry.key for entry in entries], validators=result.validators)
        return PollResult([entry.to_raw_input(url) for entry in new_entries], advance)

    def _with_full_text(self, entry: FeedEntry) -> FeedEntry:
        if self._fulltext is None or entry.url is None:
            return entry
        try:
            text = self._fulltext.article_text(entry.url, timeout_s=self._spec.timeout_s)
        except FetchError as exc:
            # The summary is still an article; one unreachable page must not hold back the whole feed.
            log.warning("%s: full text of %s not fetched, keeping the summary: %s", self.name, entry.url, exc)
            return entry
        if text is None or len(text) <= len(entry.body):
            return entry
        return dataclasses.replace(entry, body=text)


class JsonlFollower:
    """Reads complete lines appended since the last poll; a partial last line waits for its newline."""

    kind = "jsonl"

    def __init__(
        self,
        spec: JsonlSourceSpec,
        *,
        max_batch_records: int = DEFAULT_MAX_BATCH_RECORDS,
        max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
    ) -> None:
        self.name = spec.name
        self.interval_s = spec.interval_s
        self._path = spec.path
        self._max_records = max_batch_records
        self._max_bytes = max_batch_bytes

    def poll(self, cursor: SourceCursor) -> PollResult:
        with self._path.open("rb") as stream:
            status = os.fstat(stream.fileno())
            start = self._resume_point(stream, cursor.file_offset(self.name), status.st_ino, status.st_size)
            stream.seek(start.byte_offset)
            records: list[RawInput] = []
            byte_offset, line_number, batch_bytes = start.byte_offset, start.line, 0
            reached_end = False
            while len(records) < self._max_records and batch_bytes < self._max_bytes:
                line = stream.readline()
                if not line.endswith(b"\n"):
                    reached_end = True
                    break
                byte_offset += len(line)
                line_number += 1
                batch_bytes += len(line)
                record = jsonl_record(line, str(self._path), line_number)
                if record is not None:
                    records.append(record)
            offset = FileOffset(
                inode=status.st_ino,
                byte_offset=byte_offset,
                line=line_number,
                head_digest=_head_digest(stream, byte_offset),
            )
        return PollResult(records, CursorAdvance(self.name, file_offset=offset), more_pending=not reached_end)

    def _resume_point(self, stream: BinaryIO, saved: FileOffset | None, inode: int, size: int) -> FileOffset:
        beginning = FileOffset(inode=inode, byte_offset=0, line=0, head_digest="")
        if saved is None:
            return beginning
        replaced = saved.inode != inode or size < saved.byte_offset
        if replaced or _head_digest(stream, saved.byte_offset) != saved.head_digest:
            log.warning("%s: %s was rotated or truncated; reading it from the start", self.name, self._path)
            return beginning
        return saved


class DirectoryFollower:
    """Reads files that are new or changed since they were last read (by mtime and size).

    Writers should create files under a hidden or unsupported name and rename them into place: a file
    caught half-written is read again, whole, once it changes.
    """

    kind = "directory"

    def __init__(self, spec: DirectorySourceSpec, *, max_batch_records: int = DEFAULT_MAX_BATCH_RECORDS) -> None:
        self.name = spec.name
        self.interval_s = spec.interval_s
        self._directory = spec.path
        self._max_records = max_batch_records

    def poll(self, cursor: SourceCursor) -> PollResult:
        if not self._directory.is_dir():
            raise FileNotFoundError(f"directory not found: {self._directory}")
        listing = {path: _stamp(path) for path in iter_input_files(self._directory)}
        seen = cursor.seen_files(self.name)
        handled = {name: stamp for name, stamp in seen.items() if listing.get(self._directory / name) == stamp}
        records: list[RawInput] = []
        more_pending = False
        for path, stamp in listing.items():
            name = str(path.relative_to(self._directory))
            if handled.get(name) == stamp or stamp is None:
                continue
            if len(records) >= self._max_records:
                more_pending = True
                break
            try:
                records.extend(list(read_file(path)))
            except FileNotFoundError:
                continue  # moved away since the listing: nothing left to read
            handled[name] = stamp
        return PollResult(records, CursorAdvance(self.name, files=handled), more_pending=more_pending)


def build_follower(spec: SourceSpec, fetcher: HttpFetcher, fulltext: FullTextFetcher | None) -> Follower:
    if isinstance(spec, FeedSourceSpec):
        return FeedFollower(spec, fetcher, fulltext)
    if isinstance(spec, JsonlSourceSpec):
        return JsonlFollower(spec)
    return DirectoryFollower(spec)


def _head_digest(stream: BinaryIO, byte_offset: int) -> str:
    position = stream.tell()
    stream.seek(0)
    head = stream.read(min(byte_offset, HEAD_DIGEST_BYTES))
    stream.seek(position)
    return hashlib.sha256(head).hexdigest()


def _stamp(path: Path) -> FileStamp | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return FileStamp(mtime_ns=status.st_mtime_ns, size=status.st_size)
