import sqlite3
from collections.abc import Iterator

import pytest

from marsad.search.fts import SNIPPET_WORDS, FullTextIndex

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
