"""``scripts/bench``: throughput of the enrichment chain, side by side with a naive chain, in one run.

Articles are synthesized (3-5 KB each, deterministic) from sentences of the sample articles and, where
present, ../shared/seeds, so no two are identical but stories repeat the way news does.

- ``enrich_docs_per_s``: marsad's chain alone on one core (validate, clean, normalize, fingerprint, tag, rules,
  decide).
- ``naive_docs_per_s``: the chain a careful user would write: camel-tools normalization functions one after
  another, datasketch's documented fast paths (``MinHash.update_batch``, as many permutations as marsad, drawn
  once and passed to each ``MinHash``), ``MinHashLSH``, and marsad's own tagger and rules.
  ``naive_per_shingle_docs_per_s`` is the same chain with one ``MinHash.update`` call per shingle;
  ``naive_minhash_only_docs_per_s`` the fast chain without tagging.
- ``decide_docs_per_s``: the decide agent's own work on one core: prepared articles decoded from the bytes
  the internal topic carries, then decided (``docs/scaling.md`` puts it against the other figures).
- ``embedded_docs_per_s``: the whole embedded mode including SQLite writes and the full-text index.
- ``e2e_*``, ``naive_e2e_docs_per_s``, ``raw_bulk_docs_per_s``, ``worker_rss_mb``: through Kafka and
  Elasticsearch (``benchmarks/bench_distributed.py``), when MARSAD_KAFKA_BOOTSTRAP and MARSAD_ELASTICSEARCH_URL
  are set (``scripts/services up`` prints them).
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from marsad.embedded import EmbeddedPipeline
from marsad.topics.records import Alert, EnrichedDocument, RawInput, SourcePosition
from marsad.workers.build import build_decider, build_enricher
from marsad.workers.pipeline import Prepared, Processed, utc_now
from marsad.workers.settings import Settings
from marsad.workers.stages.dedup import DedupEntry, ShingleSet
from marsad.workers.stages.normalize import NormalizedText

REPO = Path(__file__).resolve().parents[1]
BATCH = 256


def _sentence_pool() -> list[str]:
    texts = [line for path in sorted((REPO / "samples").glob("*")) for line in path.read_text("utf-8").splitlines()]
    seeds = REPO.parent / "shared" / "seeds"
    texts += [path.read_text("utf-8") for path in sorted(seeds.glob("*.txt"))] if seeds.is_dir() else []
    sentences = [s.strip() for text in texts for s in text.replace("\n", ".").split(".") if len(s.split()) > 4]
    return sorted(set(sentences))


def synthesize(count: int, seed: int = 7) -> list[RawInput]:
    """Deterministic 3-5 KB articles; about one in ten republishes an earlier one with a word changed."""
    rng = random.Random(seed)
    pool = _sentence_pool()
    bodies: list[str] = []
    for number in range(count):
        if bodies and rng.random() < 0.1:
            lines = rng.choice(bodies).split("\n")
            line = rng.randrange(len(lines))
            words = lines[line].split()
            words[rng.randrange(len(words))] = "المحلية"
            lines[line] = " ".join(words)
            bodies.append("\n".join(lines))
            continue
        size = rng.randint(3000, 5000)  # bytes of UTF-8, as the articles are sent
        parts: list[str] = []
        while sum(len(p.encode()) + 2 for p in parts) < size:
            parts.append(rng.choice(pool))
        bodies.append(".\n".join(parts) + f". ({number})")
    return [
        RawInput(
            json.dumps({"id": f"bench-{n}", "title": body[:60], "body": body}, ensure_ascii=False).encode(),
            SourcePosition("bench"),
        )
        for n, body in enumerate(bodies)
    ]


def _rate(count: int, run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return count / (time.perf_counter() - started)


class MemoryState:
    """A decider's persisted state kept in memory (``DeciderState``): what a single-process loop writes."""

    def __init__(self) -> None:
        self.stored: dict[str, EnrichedDocument] = {}

    def known_documents(self, ids: Sequence[str]) -> dict[str, EnrichedDocument]:
        return {doc_id: self.stored[doc_id] for doc_id in ids if doc_id in self.stored}

    def shingles(self, doc_id: str) -> ShingleSet | None:
        return None  # the decider keeps recent shingle sets itself

    def dedup_entries(self, since: float, limit: int) -> list[DedupEntry]:
        return []

    def alerts(self) -> list[Alert]:
        return []

    def keep(self, processed: Sequence[Processed]) -> None:
        self.stored.update((item.document.id, item.document) for item in processed if not item.replay)


def enrich_rate(settings: Settings, raws: list[RawInput]) -> float:
    enricher = build_enricher(settings)
    state = MemoryState()
    decider = build_decider(settings, state)
    enricher.prepare(raws[:8], utc_now())  # lookup tables are built on first use, not measured

    def run() -> None:
        for start in range(0, len(raws), BATCH):
            now = utc_now()
            prepared = [o for o in enricher.prepare(raws[start : start + BATCH], now) if isinstance(o, Prepared)]
            state.keep(decider.decide_batch(prepared, now))

    return _rate(len(raws), run)


def decide_rate(settings: Settings, raws: list[RawInput]) -> float:
    """The decide agent's work alone: decode the internal topic's messages, decide."""
    from marsad.workers.kafka.wire import decode_prepared, encode_prepared

    enricher = build_enricher(settings)
    rules = {rule.id: rule for rule in enricher.rules.rules}
    messages = [
        encode_prepared(outcome) for outcome in enricher.prepare(raws, utc_now()) if isinstance(outcome, Prepared)
    ]
    state = MemoryState()
    decider = build_decider(settings, state)

    def run() -> None:
        for start in range(0, len(messages), BATCH):
            batch = [decode_prepared(message, rules) for message in messages[start : start + BATCH]]
            state.keep(decider.decide_batch(batch, utc_now()))

    return _rate(len(messages), run)


def naive_rate(settings: Settings, raws: list[RawInput], tag: bool = True, per_shingle: bool = False) -> float:
    """The chain as a careful user would write it with camel-tools and datasketch, per article: MinHash with
    ``update_batch`` (or, with ``per_shingle``, one ``update`` call per shingle); without ``tag``, only
    normalization, MinHash and LSH."""
    from camel_tools.utils.dediac import dediac_ar
    from camel_tools.utils.normalize import (
        normalize_alef_ar,
        normalize_alef_maksura_ar,
        normalize_teh_marbuta_ar,
        normalize_unicode,
    )
    from datasketch import MinHash, MinHashLSH

    from marsad.workers.stages.alerts import RuleSet, load_rules
    from marsad.workers.stages.entities import GazetteerTagger

    tagger = GazetteerTagger.from_directory(settings.gazetteer_dir)
    rules = RuleSet(load_rules(settings.rules))
    num_perm = settings.dedup_num_perm
    lsh = MinHashLSH(threshold=settings.dedup_threshold, num_perm=num_perm)
    # datasketch's documented faster initialization: the permutations drawn once, not for every article.
    permutations = MinHash(num_perm=num_perm).permutations

    def run() -> None:
        for number, raw in enumerate(raws):
            article = json.loads(raw.payload)
            text = normalize_unicode(article["body"])
            text = normalize_teh_marbuta_ar(normalize_alef_maksura_ar(normalize_alef_ar(dediac_ar(text))))
            words = text.split()
            shingles = [" ".join(words[i : i + 3]).encode("utf-8") for i in range(len(words) - 2)]
            minhash = MinHash(num_perm=num_perm, permutations=permutations, scheme="affine32")
            if per_shingle:
                for shingle in shingles:
                    minhash.update(shingle)
            else:
                minhash.update_batch(shingles)
            lsh.query(minhash)
            lsh.insert(str(number), minhash)
            if tag:
                body = NormalizedText.of(article["body"])
                title = NormalizedText.of(article["title"])
                rules.evaluate(title, body, tagger.tag(body, title), None)

    return _rate(len(raws), run)


def embedded_rate(settings: Settings, raws: list[RawInput]) -> float:
    with tempfile.TemporaryDirectory() as store:
        pipeline = EmbeddedPipeline(settings, store_dir=Path(store))
        pipeline.ingest(raws[:8])
        try:
            return _rate(len(raws) - 8, lambda: pipeline.ingest(raws[8:], batch_size=BATCH))
        finally:
            pipeline.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--json", action="store_true", help="print one JSON object on the last line")
    parser.add_argument(
        "--profile", type=Path, help="record the worker with py-spy during the distributed run (a speedscope file)"
    )
    args = parser.parse_args(argv)
    if args.articles < 100:
        parser.error("--articles must be at least 100")
    # Alerts are still logged (the records are made), not printed: thousands of lines would bury the figures.
    alert_log = logging.getLogger("marsad.alerts")
    alert_log.addHandler(logging.NullHandler())
    alert_log.propagate = False
    settings = Settings()
    raws = synthesize(args.articles)
    average_kb = sum(len(json.loads(r.payload)["body"].encode()) for r in raws) / len(raws) / 1024
    results: dict[str, Any] = {"articles": len(raws), "average_body_kb": round(average_kb, 2)}
    results["enrich_docs_per_s"] = round(enrich_rate(settings, raws))
    results["naive_docs_per_s"] = round(naive_rate(settings, raws))
    results["naive_per_shingle_docs_per_s"] = round(naive_rate(settings, raws, per_shingle=True))
    results["naive_minhash_only_docs_per_s"] = round(naive_rate(settings, raws, tag=False))
    results["decide_docs_per_s"] = round(decide_rate(settings, raws))
    results["embedded_docs_per_s"] = round(embedded_rate(settings, raws))
    results["enrich_vs_naive"] = round(results["enrich_docs_per_s"] / results["naive_docs_per_s"], 2)
    results["enrich_vs_naive_per_shingle"] = round(
        results["enrich_docs_per_s"] / results["naive_per_shingle_docs_per_s"], 2
    )
    results |= distributed_results(settings, raws, args.profile)
    for key, value in results.items():
        print(f"{key:>32}: {value}")
    if args.json:
        print(json.dumps(results))
    return 0


def distributed_results(settings: Settings, raws: list[RawInput], profile: Path | None) -> dict[str, Any]:
    keys = ("raw_bulk_docs_per_s", "e2e_docs_per_s", "e2e_p50_latency_s", "e2e_p99_latency_s")
    if not (settings.kafka_bootstrap and settings.elasticsearch_url):
        return dict.fromkeys(keys) | {"distributed": "skipped: MARSAD_KAFKA_BOOTSTRAP / MARSAD_ELASTICSEARCH_URL unset"}
    from benchmarks.bench_distributed import run

    articles = [json.loads(raw.payload) for raw in raws]
    results = {
        key: round(value, 3)
        for key, value in run(settings.kafka_bootstrap, settings.elasticsearch_url, articles, profile).items()
    }
    # The targets of issue 7, as ratios within this run.
    results["e2e_vs_raw_bulk"] = round(results["e2e_docs_per_s"] / results["raw_bulk_docs_per_s"], 2)
    results["e2e_vs_naive_e2e"] = round(results["e2e_docs_per_s"] / results["naive_e2e_docs_per_s"], 2)
    return results


if __name__ == "__main__":
    raise SystemExit(main())
