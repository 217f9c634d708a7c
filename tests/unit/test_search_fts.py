import math
import sqlite3
from collections.abc import Iterator

import pytest

from marsad.search import fts
from marsad.search.fts import SNIPPET_WORDS, FullTextIndex, norm_length

pytestmark = pytest.mark.unit

# Unrelated articles: FTS5's bm25 gives no weight to a term found in half the documents or more.
BACKGROUND = [
    ("أسعار النفط", "ارتفعت أسعار النفط في الأسواق العالمية بعد قرار خفض الإنتاج."),
    ("مباراة الكرة", "فاز المنتخب الوطني في مباراة ودية أقيمت على ملعب العاصمة."),
    ("موسم الحصاد", "بدأ المزارعون حصاد القمح في السهول الشمالية مع تحسن الطقس."),
    ("معرض الكتاب", "افتتح معرض الكتاب أبوابه للزوار بمشاركة مئات دور النشر."),
    ("امتحانات الجامعة", "أعلنت الجامعة مواعيد الامتحانات النهائية لطلاب السنة الأولى."),
    ("حركة الطيران", "استأنفت شركات الطيران رحلاتها بعد توقف دام أسبوعين."),
]


@pytest.fixture
def connection() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    yield connection
    connection.close()


@pytest.fixture
def index(connection: sqlite3.Connection) -> FullTextIndex:
    index = FullTextIndex(connection)
    for key, (title, body) in enumerate(BACKGROUND, start=1000):
        index.add(key, title, body)
    return index


def found(index: FullTextIndex, query: str) -> list[int]:
    return [hit.doc_key for hit in index.search(query, limit=50)]


@pytest.mark.parametrize("surface", ["بطرطوس", "وطرطوس", "لطرطوس", "وبطرطوس"])
def test_the_bare_name_finds_every_proclitic_form(index: FullTextIndex, surface: str) -> None:
    index.add(1, "سفن في الميناء", f"رست سفينتان حربيتان {surface} صباح اليوم وسط إجراءات أمنية.")
    index.add(2, "طرطور", "وصل الوفد إلى بلدة طرطور في الريف الشمالي.")
    assert found(index, "طرطوس") == [1]


def test_diacritics_in_the_text_do_not_hide_it(index: FullTextIndex) -> None:
    index.add(1, "نشاط جوي", "هبطت طائرات نقل عسكرية في قاعدة حُمَيْمِيم الجوية قرب جبلة.")
    hits = index.search("حميميم", limit=10)
    assert [hit.doc_key for hit in hits] == [1]
    assert "<mark>حُمَيْمِيم</mark>" in hits[0].snippet


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("التقى الوزير بالسيد أحمد الخطيب في مكتبه.", "احمد"),
        ("نشرت الصحيفة إعلانا عن وظائف جديدة.", "اعلانا"),
        ("قال إن المنطقة آمنة تماما.", "امنة"),
        ("زار الوفد الجمهورية العربية السورية الأسبوع الماضي.", "السوريه"),
        ("افتتحت الوزارة مستشفى جديدا في المدينة.", "مستشفي"),
    ],
)
def test_letter_variants_match(index: FullTextIndex, text: str, query: str) -> None:
    index.add(1, "خبر", text)
    assert found(index, query) == [1]


def test_arabic_indic_digits_match_ascii_ones(index: FullTextIndex) -> None:
    index.add(1, "ميزانية", "أقر البرلمان ميزانية عام ٢٠٢٥ بعد نقاش طويل.")
    assert found(index, "2025") == [1]
    assert found(index, "٢٠٢٥") == [1]


def test_terms_are_stored_whole_whatever_marks_or_punctuation_they_carry(index: FullTextIndex) -> None:
    # The normalizer keeps the superscript alef and the tokenizer keeps «3.5»: FTS5 must not split them.
    index.add(1, "دعاء", "بسم الله الرحمٰن الرحيم")
    index.add(2, "نمو", "نما الاقتصاد 3.5 في المئة")
    assert found(index, "الرحمٰن") == [1]
    assert found(index, "رحم") == []
    assert found(index, "3.5") == [2]
    assert found(index, "3") == found(index, "5") == []


def test_stop_words_are_ignored(index: FullTextIndex) -> None:
    index.add(1, "ميناء", "وصلت الشحنة إلى طرطوس في الصباح.")
    assert found(index, "في") == []
    assert found(index, "في طرطوس") == found(index, "طرطوس") == [1]


def test_a_short_word_is_not_a_proclitic_plus_stem(index: FullTextIndex) -> None:
    index.add(1, "رحلة", "وصل القطار إلى لد بعد الظهر.")
    index.add(2, "زيارة", "زار الوزير بلد المنشأ للمرة الأولى.")
    assert found(index, "بلد") == [2]
    assert found(index, "لد") == [1]


def test_operator_is_or(index: FullTextIndex) -> None:
    index.add(1, "دمشق", "عقد اجتماع في دمشق.")
    index.add(2, "بيروت", "عقد اجتماع في بيروت.")
    assert sorted(found(index, "دمشق بيروت")) == [1, 2]


def test_bm25_ranks_a_title_and_repeated_term_above_a_single_mention(index: FullTextIndex) -> None:
    index.add(1, "تقرير اقتصادي", "تراجعت الصادرات الزراعية هذا العام، وذكر التقرير أن طرطوس تأثرت بذلك.")
    index.add(
        2,
        "ميناء طرطوس يستقبل السفن",
        "يستقبل ميناء طرطوس سفن الشحن يوميا، وتعمل طرطوس على توسيع أرصفتها، ويأمل أهالي طرطوس بفرص عمل.",
    )
    hits = index.search("طرطوس", limit=10)
    assert [hit.doc_key for hit in hits] == [2, 1]
    assert hits[0].score > hits[1].score > 0


def test_a_title_match_counts_more_than_a_body_match(index: FullTextIndex) -> None:
    index.add(1, "أخبار متفرقة", "وصلت إلى اللاذقية شحنة من القمح.")
    index.add(2, "اللاذقية", "وصلت إلى الميناء شحنة من القمح.")
    assert found(index, "اللاذقية") == [2, 1]


def test_quoted_text_is_a_phrase(index: FullTextIndex) -> None:
    index.add(1, "تعزيزات", "وصلت تعزيزات إلى القاعدة البحرية شمال المدينة.")
    index.add(2, "ملاحة", "أغلقت البحرية الممر المائي قرب القاعدة الجوية.")
    assert sorted(found(index, "القاعدة البحرية")) == [1, 2]
    assert found(index, '"القاعدة البحرية"') == [1]
    assert found(index, '"البحرية القاعدة"') == []


def test_a_phrase_matches_the_clitic_variant_at_its_position(index: FullTextIndex) -> None:
    index.add(1, "ملاحة", "رست سفينة في ميناء بطرطوس أمس.")
    assert found(index, '"ميناء طرطوس"') == [1]


def test_adding_a_key_again_replaces_the_document(connection: sqlite3.Connection) -> None:
    index = FullTextIndex(connection)
    index.add(7, "دمشق", "خبر عن دمشق.")
    index.add(7, "حلب", "خبر عن حلب.")
    assert found(index, "دمشق") == []
    assert found(index, "حلب") == [7]


def test_tables_are_created_once_and_survive_a_new_index_object(connection: sqlite3.Connection) -> None:
    FullTextIndex(connection).add(1, "حمص", "خبر عن حمص.")
    connection.commit()
    assert found(FullTextIndex(connection), "حمص") == [1]
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"fts_documents", "fts_terms"} <= tables
    assert all(name.startswith("fts_") for name in tables)


def test_limit_and_empty_queries(index: FullTextIndex) -> None:
    for key in range(5):
        index.add(key, "حماة", f"خبر رقم {key} عن حماة.")
    assert len(index.search("حماة", limit=3)) == 3
    assert index.search("حماة", limit=0) == []
    assert index.search("", limit=10) == []
    assert index.search("في من على", limit=10) == []


def test_snippet_marks_the_surface_form_around_the_best_match(index: FullTextIndex) -> None:
    before = " ".join(["وتابع المتحدث حديثه عن الأوضاع الاقتصادية في البلاد."] * 8)
    after = " ".join(["وأشار إلى أن الحكومة تدرس خطة جديدة للنقل العام."] * 8)
    body = f"{before} ورست المدمرة وبطرطُوس قبل أن تبحر نحو الجنوب. {after}"
    index.add(1, "تحركات بحرية", body)
    [hit] = index.search("طرطوس", limit=1)
    assert "<mark>وبطرطُوس</mark>" in hit.snippet
    assert hit.snippet.startswith("… ") and hit.snippet.endswith(" …")
    words = hit.snippet.removeprefix("… ").removesuffix(" …").split()
    assert len(words) == SNIPPET_WORDS


def test_snippet_of_a_short_body_is_the_whole_body_escaped(index: FullTextIndex) -> None:
    index.add(1, "إدلب", "قال <المصدر> إن إدلب هادئة & مستقرة.")
    [hit] = index.search("إدلب", limit=1)
    assert hit.snippet == "قال &lt;المصدر&gt; إن <mark>إدلب</mark> هادئة &amp; مستقرة."


def test_a_title_only_match_shows_the_start_of_the_body(index: FullTextIndex) -> None:
    index.add(1, "درعا", "شهدت المحافظة الجنوبية هدوءا حذرا خلال الليل.")
    [hit] = index.search("درعا", limit=1)
    assert hit.snippet == "شهدت المحافظة الجنوبية هدوءا حذرا خلال الليل."


# --- ranking: Lucene's BM25 as Elasticsearch computes it ------------------------------------------

K1, B = 1.2, 0.75


def lucene_bm25(*, freq: int, dl: int, avgdl: float, docs: int, docs_with_term: int, boost: float = 1.0) -> float:
    """Elasticsearch's BM25 (LegacyBM25Similarity: Lucene's, times k1 + 1), written out from the formula."""
    idf = math.log(1 + (docs - docs_with_term + 0.5) / (docs_with_term + 0.5))
    return boost * (K1 + 1) * idf * freq / (freq + K1 * (1 - B + B * dl / avgdl))


def test_scores_equal_lucenes_bm25_computed_by_hand(connection: sqlite3.Connection) -> None:
    index = FullTextIndex(connection)
    index.add(1, "ميناء طرطوس", "وصلت السفن إلى طرطوس وبطرطوس رست")
    index.add(2, "خبر", "طرطوس مدينة ساحلية في سوريا")
    index.add(3, "اخر", "دمشق العاصمة")
    # Terms per field («إلى», «في» are stop words; the stemmer makes «وصلت» «صلت», and «وبطرطوس» adds «طرطوس»
    # at its own position: «صلت» and «بطرطوس» are not words of the lexicon, so no one-letter capture):
    #   titles: [ميناء طرطوس] [خبر] [اخر]                    -> dl 2, 1, 1; 4 terms
    #   bodies: [صلت سفن طرطوس بطرطوس+طرطوس رست]             -> dl 5, 6 terms, «طرطوس» twice
    #           [طرطوس مدينه ساحل سوريا]                       -> dl 4, 4 terms
    #           [دمشق عاصم]                                     -> dl 2, 2 terms
    # Lucene's avgdl counts every term (sumTotalTermFreq / docCount), dl only positions (discountOverlaps).
    title_avgdl, body_avgdl = 4 / 3, (6 + 4 + 2) / 3
    title_1 = lucene_bm25(freq=1, dl=2, avgdl=title_avgdl, docs=3, docs_with_term=1, boost=2.0)
    body_1 = lucene_bm25(freq=2, dl=5, avgdl=body_avgdl, docs=3, docs_with_term=2)
    body_2 = lucene_bm25(freq=1, dl=4, avgdl=body_avgdl, docs=3, docs_with_term=2)
    hits = index.search("طرطوس", limit=10)
    assert [hit.doc_key for hit in hits] == [1, 2]
    # multi_match (best_fields) takes the best field's score.
    assert [hit.score for hit in hits] == pytest.approx([max(title_1, body_1), body_2], rel=1e-9)
    # What Elasticsearch 9.5.3 returned (with explain) for these three documents and that query.
    assert [hit.score for hit in hits] == pytest.approx([1.6285465, 0.4700036], rel=1e-6)

    # Two terms: their scores add up within a field.
    sea = lucene_bm25(freq=1, dl=2, avgdl=title_avgdl, docs=3, docs_with_term=1, boost=2.0)
    [hit] = [hit for hit in index.search("ميناء طرطوس", limit=10) if hit.doc_key == 1]
    assert hit.score == pytest.approx(max(title_1 + sea, body_1), rel=1e-9)


def test_a_term_in_most_documents_still_scores(index: FullTextIndex) -> None:
    for key in range(1, 13):
        index.add(key, "أخبار", f"وصلت سفينة إلى طرطوس {'طرطوس ' * (key % 3)}اليوم رقم {key}.")
    hits = index.search("طرطوس", limit=20)
    assert len(hits) == 12  # of 18 documents
    assert all(hit.score > 0 for hit in hits)
    assert [hit.doc_key for hit in hits][:4] == [2, 5, 8, 11]  # the term three times


def test_twice_in_a_short_body_beats_once_in_a_long_one(index: FullTextIndex) -> None:
    long_body = "وصلت سفينة إلى طرطوس. " + " ".join(["وتابع المتحدث حديثه عن الأوضاع الاقتصادية في البلاد."] * 6)
    index.add(1, "خبر", long_body)
    index.add(2, "خبر", "طرطوس ثم طرطوس.")
    hits = index.search("طرطوس", limit=10)
    assert [hit.doc_key for hit in hits] == [2, 1]
    assert hits[0].score > hits[1].score > 0


def test_a_title_match_scores_more_than_the_same_body_match(index: FullTextIndex) -> None:
    index.add(1, "أخبار متفرقة", "اللاذقية")
    index.add(2, "اللاذقية", "أخبار متفرقة")
    first, second = index.search("اللاذقية", limit=10)
    assert (first.doc_key, second.doc_key) == (2, 1)
    assert first.score > second.score > 0


def test_a_repeated_phrase_scores_more(index: FullTextIndex) -> None:
    index.add(1, "خبر", "القاعدة البحرية وصلت. ثم القاعدة البحرية غادرت.")
    index.add(2, "خبر", "القاعدة البحرية وصلت. ثم القاعدة الجوية غادرت.")
    index.add(3, "خبر", "البحرية القاعدة وصلت.")
    hits = index.search('"القاعدة البحرية"', limit=10)
    assert [hit.doc_key for hit in hits] == [1, 2]
    assert hits[0].score > hits[1].score > 0


@pytest.mark.parametrize(("length", "scored"), [(0, 0), (1, 1), (23, 23), (24, 24), (40, 40), (41, 40), (100, 96)])
def test_field_lengths_are_rounded_like_lucenes_norms(length: int, scored: int) -> None:
    assert norm_length(length) == scored


def test_replacing_documents_keeps_the_statistics(connection: sqlite3.Connection) -> None:
    index = FullTextIndex(connection)
    index.add(1, "ميناء طرطوس", "وصلت السفن إلى طرطوس وبطرطوس رست")
    index.add(2, "خبر", "طرطوس مدينة ساحلية في سوريا")
    index.add(3, "اخر", "دمشق العاصمة")
    expected = index.search("طرطوس", limit=10)
    index.add(3, "حلب", "حلب مدينة كبيرة جدا")
    index.add(3, "اخر", "دمشق العاصمة")
    again = index.search("طرطوس", limit=10)
    assert [hit.doc_key for hit in again] == [hit.doc_key for hit in expected]
    assert [hit.score for hit in again] == pytest.approx([hit.score for hit in expected])
    stats = sorted(connection.execute("SELECT field, doc_count, term_count FROM fts_stats"))
    assert stats == [("body", 3, 12), ("title", 3, 4)]


def test_statistics_are_rebuilt_for_a_store_indexed_without_them(connection: sqlite3.Connection) -> None:
    index = FullTextIndex(connection)
    for key, (title, body) in enumerate(BACKGROUND):
        index.add(key, title, body)
    index.add(10, "طرطوس", "وصلت سفينة إلى طرطوس وبطرطوس.")
    expected = [(hit.doc_key, hit.score) for hit in index.search('طرطوس "وصلت سفينة"', limit=10)]
    connection.executescript("DELETE FROM fts_lengths; DELETE FROM fts_positions; DELETE FROM fts_stats;")
    reopened = FullTextIndex(connection)
    assert [(hit.doc_key, hit.score) for hit in reopened.search('طرطوس "وصلت سفينة"', limit=10)] == expected


def test_capped_scoring_scores_the_candidates_exactly(index: FullTextIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in range(1, 9):
        index.add(key, "طرطوس" if key == 3 else "خبر", f"وصلت سفينة إلى طرطوس {'وطرطوس ' * key}اليوم.")
    exact = index.search("طرطوس سفينة", limit=5)
    monkeypatch.setattr(fts, "EXACT_SCORING_MAX_OCCURRENCES", 0)
    monkeypatch.setattr(fts, "MAX_CANDIDATES", 6)
    capped = index.search("طرطوس سفينة", limit=5)
    assert [hit.doc_key for hit in capped] == [hit.doc_key for hit in exact]
    assert [hit.score for hit in capped] == pytest.approx([hit.score for hit in exact])
