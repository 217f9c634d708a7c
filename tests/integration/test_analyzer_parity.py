"""The embedded search analyses text exactly as Elasticsearch does.

Every seed article (and a few sentences of our own that reach the corners of the chain) goes through
`marsad.search.analyzer` and through Elasticsearch's `_analyze` with the two analyzers of
config/elasticsearch/news-template.json; terms, positions and offsets must be identical.
"""

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from marsad.search.analyzer import (
    analyze_index,
    analyze_query,
    analyze_variants,
    clitic_patterns,
    short_noun_pattern,
    stem_keywords,
)
from marsad.workers.settings import SHIPPED_CONFIG_DIR

pytestmark = pytest.mark.integration

SEEDS = sorted((Path(__file__).resolve().parents[3] / "shared" / "seeds").glob("*.txt"))
TEMPLATE = SHIPPED_CONFIG_DIR / "elasticsearch" / "news-template.json"
ANALYZERS = {"marsad_arabic_index": analyze_index, "marsad_arabic": analyze_query, "marsad_variants": analyze_variants}
CHAIN = [
    "lowercase",
    "decimal_digit",
    "arabic_stop",
    "arabic_normalization",
    "arabic_short_nouns",
    "arabic_stem_keywords",
    "arabic_stem",
]

OWN_SAMPLES = [
    "وصلت السفن إلى ميناء وبطرطوس، وفلطرطوس وكطرطوس ولطرطوس ليست أسماء مدن.",
    "هبطت الطائرات في قاعدة حُمَيْمِيم الجوية قرب اللاذقيّة يوم ٢٠٢٥/٠٣/١٤ عند الساعة ۱۲:۳۰.",
    "نما الاقتصاد 3.5 في المئة وبلغ الدين 2,000 مليار، وفق تقرير «الأمم المتحدة» (UNDP).",
    "زار الوفد بلد المنشأ ثم وصل القطار إلى لد — أحمد وإسلام وآمال ومستشفى ومدرسة.",
    "استقبل كمال وكريم ضيوفهما في لبنان ولبنان وللجنة وبدمشق وفلطرطوس، وكلام الوزير واضح.",
    "قال المتحدث: «الوضـــع هادئ» 👍🏽 #سوريا @الخارجية https://example.org/a_b?x=1",
    "وصل الوزير ووزيرة الخارجية، ووزن الشحنة لا يتجاوز طنين وفق وزارة النقل.",  # a و of the word, kept
    # three-letter nouns in ة kept whole in every form (arabic_short_nouns), and the two-letter words beside them
    "في المناطق الحرة وبالحرة والحرة وحرة حر، للسنة والسنة وسنة سن، كالخطة وفخطة خط وبحرة البحرة، جاء وحده ووجهه.",
    # transliterations the `marsad_variants` chain folds (letters of one sound, long vowels, a final ة/ا, «أو»)
    "قال غوارديولا وجوارديولا إن خيسوس وجيسوس وهانز وهانس وڤيكتور وپول وگل وچاو وأوباما ويوي وليندة غيرَ زوو.",
]


def _analysis_settings() -> dict[str, Any]:
    settings = json.loads(TEMPLATE.read_text(encoding="utf-8"))["template"]["settings"]
    analysis: dict[str, Any] = settings.get("analysis") or settings["index"]["analysis"]
    return analysis


@pytest.fixture(scope="module")
def parity_index(services: Any) -> Iterator[tuple[Elasticsearch, str]]:
    client = Elasticsearch(services.elasticsearch_url)
    index = f"marsad-analyzer-parity-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, settings={"analysis": _analysis_settings()})
    yield client, index
    client.indices.delete(index=index)


def _utf16_to_code_points(text: str) -> dict[int, int]:
    offsets, units = {}, 0
    for index, char in enumerate(text):
        offsets[units] = index
        units += 2 if ord(char) > 0xFFFF else 1
    offsets[units] = len(text)
    return offsets


def _elasticsearch_tokens(client: Elasticsearch, index: str, analyzer: str, text: str) -> list[tuple]:
    offsets = _utf16_to_code_points(text)
    response = client.indices.analyze(index=index, analyzer=analyzer, text=text)
    return [
        (token["token"], token["position"], offsets[token["start_offset"]], offsets[token["end_offset"]])
        for token in response["tokens"]
    ]


def test_the_template_defines_the_chain_the_python_analyzer_mirrors() -> None:
    analysis = _analysis_settings()
    analyzers = analysis["analyzer"]
    assert analyzers["marsad_arabic_index"]["tokenizer"] == analyzers["marsad_arabic"]["tokenizer"] == "standard"
    assert analyzers["marsad_arabic"]["filter"] == CHAIN
    assert analyzers["marsad_arabic_index"]["filter"] == [*CHAIN[:4], "arabic_clitics", *CHAIN[4:]]
    clitics = analysis["filter"]["arabic_clitics"]
    assert clitics["preserve_original"] is True
    assert tuple(clitics["patterns"]) == clitic_patterns()
    assert analysis["filter"]["arabic_stop"]["stopwords"] == "_arabic_"
    keywords = analysis["filter"]["arabic_stem_keywords"]
    assert keywords["type"] == "keyword_marker"
    assert frozenset(keywords["keywords"]) == stem_keywords()
    short_nouns = analysis["filter"]["arabic_short_nouns"]
    assert short_nouns["type"] == "pattern_capture"
    assert short_nouns["preserve_original"] is False
    assert short_nouns["patterns"] == [short_noun_pattern()]


def test_there_are_seeds_to_compare() -> None:
    assert len(SEEDS) >= 5


@pytest.mark.parametrize("analyzer", ANALYZERS)
@pytest.mark.parametrize("path", SEEDS, ids=lambda path: path.stem)
def test_seed_analysis_matches_elasticsearch(
    parity_index: tuple[Elasticsearch, str], analyzer: str, path: Path
) -> None:
    text = path.read_text(encoding="utf-8")
    expected = _elasticsearch_tokens(*parity_index, analyzer, text)
    assert len(expected) > 200
    assert [(t.term, t.position, t.start, t.end) for t in ANALYZERS[analyzer](text)] == expected


@pytest.mark.parametrize("analyzer", ANALYZERS)
@pytest.mark.parametrize("text", OWN_SAMPLES)
def test_own_samples_match_elasticsearch(parity_index: tuple[Elasticsearch, str], analyzer: str, text: str) -> None:
    expected = _elasticsearch_tokens(*parity_index, analyzer, text)
    assert [(t.term, t.position, t.start, t.end) for t in ANALYZERS[analyzer](text)] == expected
