"""Duplicate detection: republications are caught, different articles on the same people are not."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.workers.stages.dedup import (
    Bands,
    DedupEntry,
    DuplicateIndex,
    Fingerprint,
    Neighbours,
    fingerprints,
    jaccard,
    jaccards,
    lsh_banding,
)
from marsad.workers.stages.normalize import normalize

pytestmark = pytest.mark.unit


def index_with(stored: dict[str, Fingerprint], threshold: float = 0.7, max_entries: int = 100) -> DuplicateIndex:
    def shingles(doc_id: str) -> np.ndarray | None:
        return stored[doc_id].shingles if doc_id in stored else None

    return DuplicateIndex(shingles, threshold=threshold, num_perm=128, window_seconds=3600, max_entries=max_entries)


def add(index: DuplicateIndex, stored: dict[str, Fingerprint], doc_id: str, fp: Fingerprint, at: float) -> None:
    stored[doc_id] = fp
    index.add(DedupEntry(doc_id, doc_id, fp.content_hash, fp.signature, at, at))


def test_republished_copy_is_a_near_duplicate(
    seed_text: Callable[[str], str], republished: Callable[[str], str]
) -> None:
    # Without boilerplate removal, so the shingles of the publisher's lines count against similarity too.
    original, copy = fingerprints([normalize(seed_text("003")), normalize(republished(seed_text("003")))], 128, 3)
    stored: dict[str, Fingerprint] = {}
    index = index_with(stored)
    add(index, stored, "original", original, 0.0)
    assert index.neighbours("copy", copy) == Neighbours(exact=False, ids=("original",))
    assert jaccard(original.shingles, copy.shingles) >= 0.7


def test_different_articles_about_the_same_people_are_not_duplicates(seed_text: Callable[[str], str]) -> None:
    # Seeds 000, 001, 003 and 004 all report al-Sharaa, Putin and Moscow; each is its own story.
    texts = [normalize(seed_text(seed)) for seed in ("000", "001", "002", "003", "004")]
    stored: dict[str, Fingerprint] = {}
    index = index_with(stored)
    for number, fingerprint in enumerate(fingerprints(texts, 128, 3)):
        assert index.neighbours(str(number), fingerprint).ids == ()
        add(index, stored, str(number), fingerprint, float(number))


def test_exact_duplicate_after_normalization() -> None:
    a, b = fingerprints([normalize("وصلَ الوفدُ إلى دمشق"), normalize("وصل الوفد إلى   دمشق")], 128, 3)
    assert a.content_hash == b.content_hash
    stored: dict[str, Fingerprint] = {}
    index = index_with(stored)
    add(index, stored, "a", a, 0.0)
    assert index.neighbours("b", b) == Neighbours(exact=True, ids=("a",))
    assert index.neighbours("a", a).ids == ()  # a document never duplicates itself


def test_batch_fingerprints_equal_single_ones(seed_text: Callable[[str], str]) -> None:
    texts = [normalize(seed_text(seed)) for seed in ("000", "001")] + ["كلمتان فقط", ""]
    batch = fingerprints(texts, 128, 3)
    for text, together in zip(texts, batch, strict=True):
        (alone,) = fingerprints([text], 128, 3)
        assert alone.content_hash == together.content_hash
        assert np.array_equal(alone.shingles, together.shingles)
        assert np.array_equal(alone.signature, together.signature)


def test_signature_estimates_jaccard(seed_text: Callable[[str], str]) -> None:
    words = normalize(seed_text("001")).split()
    half = " ".join(words[: len(words) // 2])
    whole, part = fingerprints([" ".join(words), half], 128, 3)
    estimate = float(np.mean(whole.signature == part.signature))
    assert estimate == pytest.approx(jaccard(whole.shingles, part.shingles), abs=0.12)


def test_index_is_bounded_by_size_and_age() -> None:
    texts = [normalize(f"خبر رقم {n} عن موضوع مختلف تماما في يوم {n}") for n in range(6)]
    stored: dict[str, Fingerprint] = {}
    index = DuplicateIndex(lambda d: stored[d].shingles, threshold=0.7, num_perm=64, window_seconds=100, max_entries=3)
    for n, fp in enumerate(fingerprints(texts, 64, 3)):
        add(index, stored, f"d{n}", fp, float(n))
    assert len(index) == 3 and "d0" not in index and "d5" in index
    assert index.evict(now=1000.0) == ["d3", "d4", "d5"]
    assert len(index) == 0


@pytest.mark.parametrize(("threshold", "num_perm"), [(0.5, 64), (0.3, 128), (0.8, 32)])
def test_bands_give_the_candidates_datasketch_gives(threshold: float, num_perm: int) -> None:
    from datasketch import LeanMinHash, MinHashLSH

    rng = np.random.default_rng(7)
    # Few distinct values per position, so that many signatures share bands.
    signatures = rng.integers(0, 3, size=(300, num_perm)).astype(np.uint64)
    reference = MinHashLSH(threshold=threshold, num_perm=num_perm)
    bands = Bands(threshold, num_perm)
    assert (bands.bands, bands.rows) == (reference.b, reference.r)
    minhashes = [LeanMinHash(seed=1, hashvalues=signature, scheme="affine64") for signature in signatures]
    for number, (signature, minhash) in enumerate(zip(signatures, minhashes, strict=True)):
        assert bands.query(signature) == set(reference.query(minhash))
        bands.insert(str(number), signature)
        reference.insert(str(number), minhash)
        if number % 3 == 0:
            bands.remove(str(number // 2))
            reference.remove(str(number // 2))
    assert any(len(bands.query(signature)) > 1 for signature in signatures)


@pytest.mark.parametrize("num_perm", [32, 64, 128, 256])
def test_the_banding_is_datasketchs_for_every_threshold(num_perm: int) -> None:
    """The worker chooses bands without loading datasketch (and scipy): the same choice on a grid of thresholds."""
    from datasketch.lsh import _optimal_param

    for threshold in np.arange(0.1, 0.96, 0.05):
        assert lsh_banding(float(threshold), num_perm) == _optimal_param(float(threshold), num_perm, 0.5, 0.5)


def test_deciding_loads_no_scipy() -> None:
    """~60 MB of the worker's memory: only datasketch's MinHash (the naive bench, tests) needs it."""
    code = (
        "import sys; from marsad.workers.kafka import agents; from marsad.workers.stages.dedup import DuplicateIndex\n"
        "DuplicateIndex(lambda _: None, threshold=0.8, num_perm=128, window_seconds=86400.0, max_entries=1000)\n"
        "print('scipy' in sys.modules)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False"


shingle_sets = st.frozensets(st.integers(0, 50)).map(lambda values: np.array(sorted(values), dtype=np.uint32))


@given(shingle_sets, st.lists(shingle_sets, max_size=5))
def test_jaccards_are_the_set_similarities(shingles: np.ndarray, others: list[np.ndarray]) -> None:
    def reference(a: set[int], b: set[int]) -> float:
        return len(a & b) / len(a | b) if a | b else 1.0

    expected = [reference(set(shingles.tolist()), set(other.tolist())) for other in others]
    assert jaccards(shingles, others) == expected
