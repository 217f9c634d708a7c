"""Exact and near-duplicate detection over normalized word shingles.

Exact duplicates share ``content_hash`` (BLAKE2b of the normalized text's words). Near duplicates are found with
MinHash signatures in an LSH index banded as datasketch's ``MinHashLSH`` (``Bands``), and every LSH candidate is
verified with the real Jaccard similarity of the two shingle sets before it is called a duplicate.

Signatures are one-permutation MinHash with densification (Shrivastava, ICML 2017): each shingle is hashed
once and falls into one of ``num_perm`` bins, the minimum per bin is the signature. It estimates Jaccard
similarity as classic k-permutation MinHash does, at O(shingles) instead of O(shingles × num_perm) work:
datasketch's ``MinHash.update`` loop was the bottleneck of the whole chain (see ``scripts/bench``).

The index is plain in-memory state, bounded by age and size; the store persists what is needed to rebuild
it (``DedupEntry``) and the shingle sets used for verification.

Stories (``Stories``) are the connected groups of near-duplicates: an article joins every story it is
similar to (merging them), and a story's original — whose id is the story's id — is its earliest member by
event time (``published_at``, else append time), ties broken by the smaller id. Both are functions of the
set of articles, not of the order they arrived in, except for stories older than the settle window.
"""

from __future__ import annotations

import base64
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from marsad.workers.stages.normalize import word_characters

ShingleSet = npt.NDArray[np.uint32]


def array_text(array: ShingleSet | npt.NDArray[np.uint64]) -> str:
    """A shingle set or a signature as base64 text, for the JSON that Kafka and Elasticsearch carry."""
    return base64.b64encode(array.tobytes()).decode("ascii")


def shingles_from_text(text: str) -> ShingleSet:
    return np.frombuffer(base64.b64decode(text), dtype=np.uint32).copy()


def signature_from_text(text: str) -> npt.NDArray[np.uint64]:
    return np.frombuffer(base64.b64decode(text), dtype=np.uint64).copy()


_MASK32 = np.uint64(0xFFFFFFFF)
# Odd 64-bit multipliers: multiplication modulo 2**64 by an odd number is a bijection, so the
# polynomial word hash can be "divided" by a power of the base through its modular inverse.
_BASE = np.uint64(0x100000001B3)
_BASE_INVERSE = np.uint64(pow(0x100000001B3, -1, 2**64))
_SHINGLE_MULTIPLIERS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_FINAL_MULTIPLIER = np.uint64(0xFF51AFD7ED558CCD)
_DENSIFY_STEP = np.uint64(0x9E3779B1)
_EMPTY = np.uint64(np.iinfo(np.uint64).max)
_MAX_TEXT = 1 << 20


@dataclass(frozen=True, slots=True)
class Fingerprint:
    content_hash: str
    shingles: ShingleSet  # sorted, unique 32-bit shingle hashes
    signature: npt.NDArray[np.uint64]


@dataclass(frozen=True, slots=True)
class DedupEntry:
    """What the index remembers of one document."""

    doc_id: str
    story_id: str
    content_hash: str
    signature: npt.NDArray[np.uint64]
    seen_at: float  # epoch seconds, when it was decided
    event_time: float  # epoch seconds: published_at, else append time
    # In the LSH index; an exact duplicate is not (its twin has the same neighbours) but still counts in its story.
    remembered: bool = True


@dataclass(frozen=True, slots=True)
class Neighbours:
    exact: bool  # an indexed document has the same content hash: it stands for all the neighbours
    ids: tuple[str, ...]  # indexed documents at or above the similarity threshold


def content_hash(word_hashes: npt.NDArray[np.uint64]) -> str:
    """Fingerprint of a normalized text's sequence of words: equal for texts that differ only in
    whitespace, punctuation, diacritics or letter variants."""
    return hashlib.blake2b(word_hashes.tobytes(), digest_size=16).hexdigest()


_POWER_TABLES: dict[int, npt.NDArray[np.uint64]] = {}


def _powers(base: np.uint64, length: int) -> npt.NDArray[np.uint64]:
    """base**0 … base**(length-1) modulo 2**64 (a view of a table grown on demand)."""
    table = _POWER_TABLES.get(int(base))
    if table is None or len(table) < length:
        size = 1 << max(length, 1 << 16).bit_length()
        with np.errstate(over="ignore"):
            table = np.concatenate(([np.uint64(1)], np.cumprod(np.full(size - 1, base, dtype=np.uint64))))
        _POWER_TABLES[int(base)] = table
    return table[:length]


def _word_spans(text: str) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.intp]]:
    """A stable 64-bit hash per word of ``text`` and each word's start offset, all at once with numpy.

    Words are runs of letters and digits; word hash = Σ code_point_i · BASE^i over the word's characters,
    from prefix sums over the text (a regex split alone would cost more than everything else here).
    """
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    in_word = np.concatenate(([False], word_characters()[codes], [False]))
    edges = np.flatnonzero(in_word[1:] != in_word[:-1])
    starts, ends = edges[0::2], edges[1::2]
    powers = _powers(_BASE, len(codes))
    with np.errstate(over="ignore"):
        prefix = np.concatenate(([np.uint64(0)], np.cumsum(codes.astype(np.uint64) * powers, dtype=np.uint64)))
        hashes = (prefix[ends] - prefix[starts]) * _powers(_BASE_INVERSE, len(codes))[starts]
        return hashes + (ends - starts).astype(np.uint64), starts


def _densify(signatures: npt.NDArray[np.uint64]) -> None:
    """Fill empty bins in place, all rows at once: an empty bin takes the value of the next filled bin to
    its right (wrapping around), offset by the distance so that borrowed values stay distinct."""
    rows, bins = signatures.shape
    if rows == 0 or not (signatures == _EMPTY).any():
        return
    doubled = np.concatenate((signatures, signatures), axis=1)
    columns = np.arange(2 * bins)
    candidates = np.where(doubled != _EMPTY, columns, 4 * bins)
    next_filled = np.minimum.accumulate(candidates[:, ::-1], axis=1)[:, ::-1][:, :bins]
    empty_rows, empty_columns = np.nonzero((signatures == _EMPTY) & (next_filled[:, :bins] < 2 * bins))
    source = next_filled[empty_rows, empty_columns]
    distance = (source - empty_columns).astype(np.uint64)
    with np.errstate(over="ignore"):
        signatures[empty_rows, empty_columns] = doubled[empty_rows, source] + distance * _DENSIFY_STEP


def _sorted_unique(values: ShingleSet) -> ShingleSet:
    """``np.unique`` for one small array: numpy 2's hash-based default is several times slower here."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def fingerprints(normalized_texts: list[str], num_perm: int, words_per_shingle: int) -> list[Fingerprint]:
    """Fingerprints of many texts in one vectorized pass (numpy's per-call cost dominates small inputs).

    Shingles are word n-grams (a text shorter than n words is one shingle); signatures are one-permutation
    MinHash, densified.
    """
    texts = [text[:_MAX_TEXT] for text in normalized_texts]
    # A non-word separator keeps words (and so shingles) from spanning two texts.
    joined = "\n".join(texts)
    text_starts = np.cumsum([0] + [len(t) + 1 for t in texts[:-1]])
    words, word_starts = _word_spans(joined)
    word_doc = np.searchsorted(text_starts, word_starts, side="right") - 1
    words_per_doc = np.bincount(word_doc, minlength=len(texts))
    first_word = np.concatenate(([0], np.cumsum(words_per_doc)[:-1]))
    n = words_per_shingle
    # Shingle i covers words i..i+n-1 of the joined list; keep those inside one text, and for a text
    # shorter than n words, its one shingle of all its words.
    count = max(len(words) - n + 1, 0)
    with np.errstate(over="ignore"):
        combined = np.zeros(count, dtype=np.uint64)
        for position in range(n):
            combined = combined * _SHINGLE_MULTIPLIERS[position] + words[position : position + count]
        docs = word_doc[:count]
        valid = word_doc[n - 1 : n - 1 + count] == docs if count else np.zeros(0, dtype=np.bool_)
        shingle_hashes = combined[valid]
        shingle_docs = docs[valid]
        short = np.flatnonzero((words_per_doc > 0) & (words_per_doc < n))
        for doc in short:
            whole = np.uint64(0)
            for word in words[first_word[doc] : first_word[doc] + words_per_doc[doc]]:
                whole = whole * _SHINGLE_MULTIPLIERS[0] + word
            shingle_hashes = np.append(shingle_hashes, whole)
            shingle_docs = np.append(shingle_docs, doc)
        mixed = shingle_hashes * _FINAL_MULTIPLIER
        mixed ^= mixed >> np.uint64(29)
        if len(short):  # their shingles were appended at the end: back into document order
            order = np.argsort(shingle_docs, kind="stable")
            mixed, shingle_docs = mixed[order], shingle_docs[order]
        doc_of = shingle_docs.astype(np.intp)
        shingles = (mixed & _MASK32).astype(np.uint32)
        permuted = (shingles.astype(np.uint64) * _FINAL_MULTIPLIER) >> np.uint64(16)
    slots = doc_of * num_perm + (permuted % np.uint64(num_perm)).astype(np.intp)
    flat = np.full(len(texts) * num_perm, _EMPTY, dtype=np.uint64)
    np.minimum.at(flat, slots, permuted // np.uint64(num_perm))
    signatures = flat.reshape(len(texts), num_perm)
    bounds = np.searchsorted(doc_of, np.arange(len(texts) + 1))
    _densify(signatures)
    return [
        Fingerprint(
            content_hash(words[first_word[index] : first_word[index] + words_per_doc[index]]),
            _sorted_unique(shingles[bounds[index] : bounds[index + 1]]),
            signatures[index],
        )
        for index in range(len(texts))
    ]


def jaccard(a: ShingleSet, b: ShingleSet) -> float:
    return jaccards(a, [b])[0]


def jaccards(shingles: ShingleSet, others: Sequence[ShingleSet]) -> list[float]:
    """Jaccard similarity of ``shingles`` with each of ``others`` (all sorted and unique), with one lookup of
    all their shingles in ``shingles``."""
    if not others:
        return []
    sizes = [len(other) for other in others]
    if len(shingles):
        pooled = np.concatenate(others)
        found = shingles[np.minimum(np.searchsorted(shingles, pooled), len(shingles) - 1)] == pooled
        running = np.concatenate(([0], np.cumsum(found)))
        ends = np.cumsum(sizes)
        commons = (running[ends] - running[ends - sizes]).tolist()
    else:
        commons = [0] * len(others)
    size = len(shingles)
    return [
        1.0 if size == 0 and other == 0 else common / (size + other - common)
        for other, common in zip(sizes, commons, strict=True)
    ]


class Fingerprinter:
    def __init__(self, num_perm: int, words_per_shingle: int) -> None:
        self.num_perm = num_perm
        self.words_per_shingle = words_per_shingle

    def __call__(self, normalized_texts: list[str]) -> list[Fingerprint]:
        return fingerprints(normalized_texts, self.num_perm, self.words_per_shingle)


def lsh_banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) minimising the equally weighted false-positive and false-negative areas under the banding's
    S-curve: datasketch's ``MinHashLSH`` choice, computed the same way but integrated with numpy (Simpson's
    rule, exact to ~1e-12 on these polynomials) rather than ``scipy.integrate.quad``: importing datasketch loads
    scipy, ~60 MB in the worker for this one computation. ``tests/unit/test_dedup.py`` checks it against
    datasketch."""

    def area(curve: npt.NDArray[np.float64], start: float, end: float) -> float:
        return (end - start) / (_SIMPSON_INTERVALS * 3) * float(np.dot(_SIMPSON_WEIGHTS, curve))

    below = np.linspace(0.0, threshold, _SIMPSON_INTERVALS + 1)
    above = np.linspace(threshold, 1.0, _SIMPSON_INTERVALS + 1)
    best, chosen = float("inf"), (0, 0)
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            false_positive = area(1 - (1 - below**rows) ** bands, 0.0, threshold)
            false_negative = area((1 - above**rows) ** bands, threshold, 1.0)
            error = 0.5 * false_positive + 0.5 * false_negative
            if error < best:
                best, chosen = error, (bands, rows)
    return chosen


_SIMPSON_INTERVALS = 200
_SIMPSON_WEIGHTS = np.array([1.0] + [4.0, 2.0] * (_SIMPSON_INTERVALS // 2 - 1) + [4.0, 1.0])


class Bands:
    """MinHash LSH by banding: documents whose signatures agree on every row of at least one band are
    candidates. The banding (``b`` bands of ``r`` rows for the threshold and signature length) is datasketch's
    ``MinHashLSH``'s (``lsh_banding``), and so are the candidates; the lookup is a dict per band keyed by the
    band's bytes, since datasketch's own index (per-call checks, a byte swap and a storage call per band) cost
    more than the rest of the decision."""

    def __init__(self, threshold: float, num_perm: int) -> None:
        self.bands, self.rows = lsh_banding(threshold, num_perm)
        # A bucket of one document holds its id, not a set: most buckets have one, and a string is no work for
        # the garbage collector.
        self._tables: list[dict[bytes, str | set[str]]] = [{} for _ in range(self.bands)]
        self._keys: dict[str, tuple[bytes, ...]] = {}

    def _band_keys(self, signature: npt.NDArray[np.uint64]) -> tuple[bytes, ...]:
        data = signature[: self.bands * self.rows].tobytes()
        width = len(data) // self.bands
        return tuple(data[start : start + width] for start in range(0, len(data), width))

    def query(self, signature: npt.NDArray[np.uint64]) -> set[str]:
        candidates: set[str] = set()
        for key, table in zip(self._band_keys(signature), self._tables, strict=True):
            members = table.get(key)
            if isinstance(members, str):
                candidates.add(members)
            elif members is not None:
                candidates |= members
        return candidates

    def insert(self, doc_id: str, signature: npt.NDArray[np.uint64]) -> None:
        self.remove(doc_id)
        keys = self._keys[doc_id] = self._band_keys(signature)
        for key, table in zip(keys, self._tables, strict=True):
            members = table.get(key)
            if members is None:
                table[key] = doc_id
            elif isinstance(members, str):
                table[key] = {members, doc_id}
            else:
                members.add(doc_id)

    def remove(self, doc_id: str) -> None:
        keys = self._keys.pop(doc_id, None)
        if keys is None:
            return
        for key, table in zip(keys, self._tables, strict=True):
            members = table[key]
            if isinstance(members, str):
                del table[key]
            else:
                members.discard(doc_id)
                if len(members) == 1:
                    table[key] = members.pop()


class DuplicateIndex:
    """In-memory exact and near-duplicate index, bounded by age and entry count.

    ``shingles_of`` fetches a stored document's shingle set for verification (only for LSH candidates).
    """

    def __init__(
        self,
        shingles_of: Callable[[str], ShingleSet | None],
        *,
        threshold: float,
        num_perm: int,
        window_seconds: float,
        max_entries: int,
    ) -> None:
        self._shingles_of = shingles_of
        self.threshold = threshold
        self.num_perm = num_perm
        self.window_seconds = window_seconds
        self.max_entries = max_entries
        # Candidates are cheap to verify, so the LSH is tuned below the real threshold to favour recall.
        self._lsh = Bands(max(0.2, threshold - 0.2), num_perm)
        self._entries: OrderedDict[str, DedupEntry] = OrderedDict()
        self._by_hash: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._entries

    def ids(self) -> list[str]:
        """The documents indexed (the window), oldest first."""
        return list(self._entries)

    def neighbours(self, doc_id: str, fingerprint: Fingerprint) -> Neighbours:
        """The indexed documents ``fingerprint`` duplicates (``doc_id`` itself excluded): an exact twin, else
        every LSH candidate whose verified similarity reaches the threshold."""
        twin = self._by_hash.get(fingerprint.content_hash)
        if twin is not None and twin != doc_id:
            return Neighbours(True, (twin,))
        stored = [
            (candidate, shingles)
            for candidate in self._lsh.query(fingerprint.signature)
            if candidate != doc_id and (shingles := self._shingles_of(candidate)) is not None
        ]
        similarities = jaccards(fingerprint.shingles, [shingles for _, shingles in stored])
        similar = tuple(
            candidate
            for (candidate, _), similarity in zip(stored, similarities, strict=True)
            if similarity >= self.threshold
        )
        return Neighbours(False, similar)

    def add(self, entry: DedupEntry) -> list[str]:
        """Index ``entry``; returns the ids evicted to make room (see ``evict``)."""
        if entry.doc_id in self._entries:
            self.remove(entry.doc_id)
        self._entries[entry.doc_id] = entry
        self._by_hash.setdefault(entry.content_hash, entry.doc_id)
        if entry.remembered:
            self._lsh.insert(entry.doc_id, entry.signature)
        return self.evict(now=entry.seen_at)

    def remove(self, doc_id: str) -> None:
        entry = self._entries.pop(doc_id, None)
        if entry is None:
            return
        if self._by_hash.get(entry.content_hash) == doc_id:
            del self._by_hash[entry.content_hash]
        if entry.remembered:
            self._lsh.remove(doc_id)

    def evict(self, now: float) -> list[str]:
        """Forget entries beyond the size bound or older than the window; returns their ids."""
        evicted: list[str] = []
        while self._entries:
            oldest_id, oldest = next(iter(self._entries.items()))
            if len(self._entries) <= self.max_entries and now - oldest.seen_at <= self.window_seconds:
                break
            self.remove(oldest_id)
            evicted.append(oldest_id)
        return evicted


OrderKey = tuple[float, str]  # (event time, id): the smallest is its story's original


@dataclass(frozen=True, slots=True)
class Joined:
    story_id: str
    absorbed: tuple[str, ...]  # stories merged into ``story_id`` (including the one a new original took over)
    moved: tuple[str, ...]  # documents that changed story: their ``story_id`` and ``duplicate_of`` are rewritten


@dataclass(slots=True)
class _Story:
    original: OrderKey | None  # None once the original left the index: the story is settled
    opened_at: float  # when its first member was decided (epoch seconds)
    members: set[str] = field(default_factory=set)


class Stories:
    """Which story every indexed document belongs to; a story's id is its original's id.

    A story is settled once ``settle_seconds`` have passed since its first member was decided (or once its
    original left the index): it keeps its original, an earlier article joins it as a duplicate, and it is
    not merged with other settled stories.
    """

    def __init__(self, settle_seconds: float) -> None:
        self.settle_seconds = settle_seconds
        self._story_of: dict[str, str] = {}
        self._stories: dict[str, _Story] = {}

    def story_of(self, doc_id: str) -> str | None:
        return self._story_of.get(doc_id)

    def members(self, story_id: str) -> set[str]:
        story = self._stories.get(story_id)
        return set(story.members) if story else set()

    def restore(self, entry: DedupEntry) -> None:
        """Put back a persisted member as it was decided."""
        story = self._stories.get(entry.story_id)
        if story is None:
            story = self._stories[entry.story_id] = _Story(None, entry.seen_at)
        story.opened_at = min(story.opened_at, entry.seen_at)
        if entry.doc_id == entry.story_id:
            story.original = (entry.event_time, entry.doc_id)
        story.members.add(entry.doc_id)
        self._story_of[entry.doc_id] = entry.story_id

    def forget(self, doc_id: str) -> None:
        story_id = self._story_of.pop(doc_id, None)
        if story_id is None:
            return
        story = self._stories[story_id]
        story.members.discard(doc_id)
        if story_id == doc_id:
            story.original = None
        if not story.members:
            del self._stories[story_id]

    def _settled(self, story_id: str, now: float) -> bool:
        story = self._stories[story_id]
        return story.original is None or now - story.opened_at > self.settle_seconds

    def _key(self, story_id: str) -> OrderKey:
        original = self._stories[story_id].original
        return original if original is not None else (float("-inf"), story_id)

    def join(self, key: OrderKey, neighbour_stories: Iterable[str], now: float) -> Joined:
        """Add the document ``key`` names (decided at ``now``) to the stories of its neighbours, merged, or
        to a story of its own."""
        doc_id = key[1]
        touched = sorted(set(neighbour_stories))
        settled = [story_id for story_id in touched if self._settled(story_id, now)]
        if settled:
            target = min(settled, key=self._key)
            absorbed = [story_id for story_id in touched if story_id not in settled]
        else:
            target = min([key] + [self._key(story_id) for story_id in touched])[1]
            absorbed = [story_id for story_id in touched if story_id != target]
        story = self._stories.get(target)
        if story is None:
            story = self._stories[target] = _Story(key, now)
        moved: list[str] = []
        for story_id in absorbed:
            old = self._stories.pop(story_id)
            story.opened_at = min(story.opened_at, old.opened_at)
            for member in sorted(old.members):
                self._story_of[member] = target
                moved.append(member)
            story.members |= old.members
        story.members.add(doc_id)
        self._story_of[doc_id] = target
        return Joined(target, tuple(absorbed), tuple(moved))
