"""Alert rules: Arabic-aware keyword matching and the rule schema (docs/interfaces.md §4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from marsad.topics.records import Entity
from marsad.workers.stages.alerts import AlertRule, RuleFile, RuleSet, load_rules
from marsad.workers.stages.normalize import NormalizedText

pytestmark = pytest.mark.unit

SHIPPED_RULES = Path(__file__).resolve().parents[2] / "config" / "alerts.yaml"


def matching_rules(rules: RuleSet, body: str, title: str = "", entities: tuple[Entity, ...] = ()) -> set[str]:
    matches = rules.evaluate(NormalizedText.of(title), NormalizedText.of(body), entities, None)
    return {match.rule.id for match in matches}


@pytest.fixture(scope="module")
def shipped() -> RuleSet:
    return RuleSet(load_rules(SHIPPED_RULES))


@pytest.mark.parametrize(
    "sentence",
    [
        "رست سفينة حربية روسية في ميناء طرطوس صباح اليوم.",
        "وصلت تعزيزات جديدة بطرطوس خلال الليل.",
        "تمتد الطريق بين اللاذقية وطرطوس على طول الساحل.",
        "قال المحافظ إن لطرطوس أولوية في خطة الكهرباء.",
        "زار الوفد مدينةَ طرطوسَ أمس.",
        "أعلن محافظ «طرطوس» عن إجراءات جديدة.",
    ],
)
def test_tartus_matches_with_clitics_and_diacritics(shipped: RuleSet, sentence: str) -> None:
    assert "tartus" in matching_rules(shipped, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "هبطت طائرة شحن في قاعدة حميميم الجوية.",
        "نقلت المعدات من مطار حُمَيْمِيم إلى الشمال.",
        "قال مصدر إن لحميميم دوراً في العمليات.",
    ],
)
def test_hmeimim_matches_with_clitics_and_diacritics(shipped: RuleSet, sentence: str) -> None:
    assert "hmeimim" in matching_rules(shipped, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "اشترى الفلاح طرطوراً جديداً للعيد.",  # طرطور is another word
        "جمعتهما صداقة حميمة منذ الطفولة.",  # حميمة
        "دار بينهما حديث حميم عن الماضي.",  # حميم
        "لا شيء هنا عن الساحل السوري.",
    ],
)
def test_near_words_do_not_match(shipped: RuleSet, sentence: str) -> None:
    assert matching_rules(shipped, sentence) == set()


def test_title_counts_and_matched_lists_surface_forms(shipped: RuleSet) -> None:
    matches = shipped.evaluate(NormalizedText.of("وصول سفن إلى طرطوسَ"), NormalizedText.of("ورست قرب بطرطوس."), (), None)
    assert [(m.rule.id, set(m.matched)) for m in matches] == [("tartus", {"طرطوسَ", "طرطوس"})]


def test_all_none_entities_and_sources_conditions() -> None:
    rules = RuleSet(
        RuleFile.model_validate(
            {
                "rules": [
                    {"id": "base-visit", "all": ["قاعدة", "زيارة"], "none": ["رياضة"]},
                    {"id": "putin", "entities": [{"type": "PER", "canonical": "فلاديمير بوتين"}]},
                    {"id": "agency-only", "keywords": ["طرطوس"], "sources": ["sana"]},
                ]
            }
        ).rules
    )
    putin = Entity("بوتين", "PER", "فلاديمير بوتين", 0, 5)
    assert matching_rules(rules, "زيارة إلى القاعدة البحرية") == {"base-visit"}
    assert matching_rules(rules, "زيارة إلى القاعدة الرياضية في إطار الرياضة") == set()
    assert matching_rules(rules, "زيارة فقط") == set()
    assert matching_rules(rules, "بوتين يستقبل ضيفه", entities=(putin,)) == {"putin"}
    matches = rules.evaluate(NormalizedText.of(""), NormalizedText.of("في طرطوس"), (), "sana")
    assert {m.rule.id for m in matches} == {"agency-only"}
    assert matching_rules(rules, "في طرطوس") == set()  # source None is not sana


@pytest.mark.parametrize(
    "rule",
    [
        {"id": "empty"},  # no positive condition
        {"id": "bad id!", "keywords": ["x"]},
        {"id": "typo", "keyword": ["x"]},  # unknown key
        {"id": "channel", "keywords": ["x"], "channels": ["pager"]},
        {"id": "hook", "keywords": ["x"], "channels": [{"webhook": "not a url"}]},
    ],
)
def test_invalid_rules_are_refused(rule: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        AlertRule.model_validate(rule)


def test_duplicate_rule_ids_are_refused() -> None:
    with pytest.raises(ValidationError, match="duplicate rule ids: a"):
        RuleFile.model_validate({"rules": [{"id": "a", "keywords": ["x"]}, {"id": "a", "keywords": ["y"]}]})
