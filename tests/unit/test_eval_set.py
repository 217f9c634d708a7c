"""The evaluation set in eval/ is consistent, and the harness (evaluation/, scripts/eval) runs end to end."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from evaluation.dataset import ENTITY_TYPES, EVAL_DIR, HELDOUT_SPLITS, SPLITS, load, raw_labels, split_ids  # noqa: E402

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("part", [EVAL_DIR, *(EVAL_DIR / name for name in HELDOUT_SPLITS)], ids=list(SPLITS))
def test_labels_refer_to_articles_and_texts_occur_in_bodies(part: Path) -> None:
    evalset = load()
    bodies = {article["id"]: article["body"] for article in evalset.articles}
    labels = raw_labels(part)
    assert len(bodies) == len(evalset.articles), "duplicate article ids"
    assert set(labels["articles"]) <= set(bodies)
    for doc_id, entry in labels["articles"].items():
        for entity in entry.get("entities") or []:
            assert entity["type"] in ENTITY_TYPES, (doc_id, entity)
            assert entity["text"] in bodies[doc_id], (doc_id, entity["text"])
            assert entity["canonical"].strip(), (doc_id, entity)
    for group in labels["duplicates"]:
        assert {group["story"], group["original"], *group["duplicates"]} <= set(bodies), group
    for query in labels["queries"]:
        assert query["kind"] in ("plain", "variant", "false_friend"), query
        assert set(query["expect"]) <= set(bodies), query


def test_splits_are_disjoint_and_labels_stay_in_their_split() -> None:
    evalset = load()
    parts = {name: set(split_ids(evalset, name)) for name in SPLITS}
    assert all(len(parts[name]) >= 15 for name in HELDOUT_SPLITS)
    assert len(evalset.ids) == len(evalset.articles)  # an id in two splits would be counted once
    for name, ids in parts.items():
        labels = raw_labels(EVAL_DIR if name == "dev" else EVAL_DIR / name)
        assert set(labels["articles"]) <= ids
        assert all(set(query["expect"]) <= ids for query in labels["queries"])


def test_set_is_large_enough() -> None:
    evalset = load()
    kinds = [query.kind for query in evalset.queries]
    assert len(evalset.articles) >= 60
    assert kinds.count("variant") >= 10
    assert kinds.count("false_friend") >= 8
    for article in evalset.articles:
        assert {"id", "source", "url", "title", "body", "published_at"} <= set(article), article["id"]


def test_alerts_are_credited_to_originals_and_rules_exist() -> None:
    import yaml

    evalset = load()
    rules = {rule["id"] for rule in yaml.safe_load(evalset.rules_path.read_text(encoding="utf-8"))["rules"]}
    duplicates = {duplicate for duplicate, _ in evalset.duplicate_pairs}
    for rule, doc_id in evalset.alerts:
        assert rule in rules
        assert doc_id not in duplicates


def test_harness_runs_end_to_end_on_a_subset() -> None:
    from evaluation.__main__ import evaluate

    subset = {"sy-01", "sy-01-r1", "sy-02", "sy-05", "lb-04", "ho-sd-01", "ho-sd-01-r1"}
    evalset = load(only=subset)
    assert len(evalset.articles) == 7
    results = evaluate(evalset, distributed=False)
    assert set(results["embedded"]) == {"dev", "heldout", "all"}
    assert results["embedded"]["dev"]["documents"] == 5
    assert results["embedded"]["heldout"]["documents"] == 2
    for scores in results["embedded"].values():
        numbers = [row[key] for row in scores["entities"].values() for key in ("precision", "recall")]
        numbers += [scores[part][key] for part in ("alerts", "dedup") for key in ("precision", "recall")]
        numbers += [scores["search"]["plain_recall"], scores["search"]["variant_recall"]]
        assert all(0.0 <= value <= 1.0 for value in numbers)
    whole, dev = results["embedded"]["all"], results["embedded"]["dev"]
    assert (
        whole["entities"]["all"]["gold"]
        == dev["entities"]["all"]["gold"] + results["embedded"]["heldout"]["entities"]["all"]["gold"]
    )


def test_a_mention_tagged_under_another_name_counts_only_in_the_any_name_row() -> None:
    from evaluation.dataset import EvalSet, GoldEntity
    from evaluation.scoring import ANY_CANONICAL, any_name, score_entities

    body = "وقعت مجموعة إيني اتفاقا مع سوناطراك في الجزائر."
    gold = [GoldEntity("إيني", "ORG", "إيني"), GoldEntity("سوناطراك", "ORG", "سوناطراك")]
    evalset = EvalSet(Path("."), [], {"d": gold}, set(), set(), [], Path("."))
    start = body.index("مجموعة")
    tagged = {"start": start, "end": start + len("مجموعة إيني"), "type": "ORG", "canonical": "مجموعة إيني"}
    scores = score_entities(evalset, [{"id": "d", "body": body, "entities": [tagged]}], {})
    assert (scores["ORG"]["recall"], scores["ORG"]["precision"]) == (0.0, 0.0)
    assert (scores[ANY_CANONICAL]["recall"], scores[ANY_CANONICAL]["precision"]) == (0.5, 1.0)
    assert (scores[any_name("ORG")]["recall"], scores[any_name("ORG")]["precision"]) == (0.5, 1.0)
    assert scores[any_name("PER")]["gold"] == 0


def test_a_gold_canonical_the_gazetteer_lists_for_the_tagged_entity_is_the_same_entity() -> None:
    from evaluation.dataset import EvalSet, GoldEntity
    from evaluation.scoring import EXACT_CANONICAL, score_entities

    body = "أعلن تنظيم داعش مسؤوليته، وقال الجيش إن داعش خسر مواقع قرب الرقة."
    gold = [GoldEntity("داعش", "ORG", "داعش"), GoldEntity("الرقة", "LOC", "الرقة")]
    evalset = EvalSet(Path("."), [], {"d": gold}, set(), set(), [], Path("."))
    entities = [
        {"start": start, "end": start + len("داعش"), "type": "ORG", "canonical": "تنظيم الدولة الإسلامية"}
        for start in (body.index("داعش"), body.rindex("داعش"))
    ]
    start = body.index("الرقة")
    entities.append({"start": start, "end": start + len("الرقة"), "type": "LOC", "canonical": "مدينة الرقة"})
    names = {
        ("ORG", "تنظيم الدوله الاسلاميه"): frozenset({"تنظيم الدوله الاسلاميه", "داعش"}),
        ("LOC", "مدينه الرقه"): frozenset({"مدينه الرقه"}),
    }
    scores = score_entities(evalset, [{"id": "d", "body": body, "entities": entities}], names)
    assert (scores["ORG"]["recall"], scores["ORG"]["precision"]) == (1.0, 1.0)
    assert scores["LOC"]["recall"] == 0.0  # «الرقة» is not among the names of «مدينة الرقة»
    assert scores[EXACT_CANONICAL]["recall"] == 0.0
