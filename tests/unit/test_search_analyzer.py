import pytest
from hypothesis import given
from hypothesis import strategies as st

from marsad.search.analyzer import MAX_TOKEN_LENGTH, analyze_index, analyze_query

pytestmark = pytest.mark.unit


def index_terms(text: str) -> set[str]:
    return {token.term for token in analyze_index(text)}


def query_terms(text: str) -> list[str]:
    return [token.term for token in analyze_query(text)]


def test_index_chain_on_a_sentence_term_by_term() -> None:
    text = "وصلت السفن إلى ميناء وبطرطوس"
    assert [(t.term, t.position, text[t.start : t.end]) for t in analyze_index(text)] == [
        ("وصلت", 0, "وصلت"),  # «صلت» is no word: the و belongs to the word, a stem keyword the stemmer keeps
        ("سفن", 1, "السفن"),
        # «إلى» is a stop word: position 2 stays empty
        ("ميناء", 3, "ميناء"),
        ("بطرطوس", 4, "وبطرطوس"),  # original (stemmer strips و), then the two-letter capture
        ("طرطوس", 4, "وبطرطوس"),  # «بطرطوس» is not a word of the lexicon: no one-letter capture
    ]


def test_a_word_whose_first_waw_belongs_to_it_is_not_stemmed_into_a_false_friend() -> None:
    # «وزير» and «وزيرة» are not و + «زير»: both sides keep the و (arabic_stem_keywords).
    assert index_terms("التقى الوزير ووزيرة الخارجية") >= {"وزير", "وزيره"}
    assert "زير" not in index_terms("التقى الوزير ووزيرة الخارجية") | set(query_terms("وزير وزيرة"))
    assert query_terms("وقال") == ["قال"]  # a conjunction is still stripped


def test_a_three_letter_noun_in_ta_marbuta_is_not_stemmed_into_its_two_letters() -> None:
    # «الحرة» (free, feminine) and «السنة» (year) are no forms of «حر» (heat) and «سن» (age): every form of the
    # noun is indexed and asked as the noun (arabic_short_nouns), whose two letters stay another word.
    sentence = "افتتحت الشركة فرعها في المنطقة الحرة وبالحرة خلال السنة الماضية وللسنة المقبلة"
    assert not {"حر", "سن"} & index_terms(sentence)
    assert {"حره", "سنه"} <= index_terms(sentence)
    assert query_terms("الحرة حرة والسنة سنة") == ["حره", "حره", "سنه", "سنه"]
    assert query_terms("حر سن") == ["حر", "سن"]


def test_a_form_of_a_short_noun_that_is_a_word_of_its_own_keeps_its_meaning() -> None:
    # «وحده» (alone) and «وجهه» (his face) are stem keywords, not و + «حدة», و + «جهة».
    assert index_terms("جاء وحده ورفع وجهه") >= {"وحده", "وجهه"}
    assert not {"حده", "جهه"} & index_terms("جاء وحده ورفع وجهه")


def test_query_chain_never_expands_clitics() -> None:
    assert query_terms("وصلت السفن إلى ميناء وبطرطوس") == ["وصلت", "سفن", "ميناء", "بطرطوس"]


@pytest.mark.parametrize("surface", ["بطرطوس", "وطرطوس", "لطرطوس", "وبطرطوس", "فلطرطوس", "كطرطوس"])
def test_every_proclitic_form_is_indexed_under_the_bare_name(surface: str) -> None:
    sentence = f"رست المدمرة قبالة الساحل {surface} مساء أمس"
    assert query_terms("طرطوس") == ["طرطوس"]
    assert "طرطوس" in index_terms(sentence)


def test_a_short_word_is_not_read_as_a_proclitic_plus_stem() -> None:
    # «بلد» is not «ب» + «لد»: the pattern wants three letters after the proclitic.
    assert "لد" not in index_terms("زار الوفد بلد المنشأ")
    assert query_terms("بلد") == ["بلد"]
    assert "بلد" not in index_terms("وصل القطار إلى لد في الصباح")


@pytest.mark.parametrize(
    ("sentence", "false_friend"),
    [
        ("استقبل الوزير كمال الدين ضيوفه في المكتب.", "مال"),  # «كمال» is a name, not ك + مال
        ("وكمال العمل شرط للنجاح.", "مال"),  # و + «كمال», never و + ك + مال
        ("قال كريم إن الجلسة انتهت.", "ريم"),  # «كريم» is not ك + ريم
        ("أثار كلام الوزير جدلاً واسعاً.", "لام"),  # «كلام» is not ك + لام
    ],
)
def test_a_proclitic_letter_that_belongs_to_the_word_is_not_split(sentence: str, false_friend: str) -> None:
    assert query_terms(false_friend)[0] not in index_terms(sentence)


@pytest.mark.parametrize(
    ("sentence", "word"),
    [
        ("وصل الوفد بدمشق مساء أمس.", "دمشق"),
        ("قال المتحدث وكمال الدين حاضر.", "كمال"),
        ("وقال الناطق إن الاجتماع انتهى.", "قال"),
        ("اجتمع الوزراء وللجنة المالية رأي آخر.", "لجنة"),
    ],
)
def test_a_proclitic_is_split_when_a_known_word_remains(sentence: str, word: str) -> None:
    assert query_terms(word)[0] in index_terms(sentence)


def test_diacritics_and_tatweel_are_removed() -> None:
    assert query_terms("حُمَيْمِيم") == query_terms("حميميم") == ["حميميم"]
    assert query_terms("مـــدرسة") == query_terms("مدرسة")
    assert "حميميم" in index_terms("هبطت الطائرة في قاعدة لحُمَيْمِيم الجوية")


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("أحمد", "احمد"),
        ("إعلان", "اعلان"),
        ("آمن", "امن"),
        ("مدرسة", "مدرسه"),  # teh marbuta / heh
        ("مستشفى", "مستشفي"),  # alef maksura / yeh
    ],
)
def test_letter_variants_analyse_alike(variant: str, plain: str) -> None:
    assert query_terms(variant) == query_terms(plain)


def test_light_stemming_of_article_and_suffixes() -> None:
    assert query_terms("المدرسة والكتاب للطلاب الفلسطينيون") == ["مدرس", "كتاب", "طلاب", "فلسطين"]  # -ون then -ي


def test_digits_of_every_script_become_ascii_and_numbers_stay_whole() -> None:
    assert query_terms("عام ٢٠٢٥ وعام ۱۴۰۴") == ["عام", "2025", "عام", "1404"]
    assert query_terms("نما الاقتصاد 3.5 في المئة وبلغ 2,000 مليار") == [
        "نما",
        "اقتصاد",
        "3.5",
        "مئ",
        "بلغ",
        "2,000",
        "مليار",
    ]


def test_stop_words_are_dropped_but_keep_their_position() -> None:
    tokens = analyze_query("قال إن الوفد وصل إلى طرطوس")
    assert [(t.term, t.position) for t in tokens] == [("قال", 0), ("وفد", 2), ("وصل", 3), ("طرطوس", 5)]
    assert analyze_query("في من على إلى عن") == []


def test_lowercase_is_javas_simple_mapping() -> None:
    assert query_terms("NATO ΟΔΟΣ İzmir") == ["nato", "οδοσ", "izmir"]


def test_a_long_token_is_split_like_lucene() -> None:
    text = "ب" * 300
    assert [(t.start, t.end, t.position) for t in analyze_query(text)] == [
        (0, MAX_TOKEN_LENGTH, 0),
        (MAX_TOKEN_LENGTH, 300, 1),
    ]


def test_punctuation_separates_arabic_words() -> None:
    assert query_terms("«موسكو»، (دمشق)؟ بيروت!") == ["موسكو", "دمشق", "بيروت"]


arabic_text = st.text(
    alphabet=st.sampled_from(
        "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأإؤئىةـ" + "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
        "٠١٢٣٤٥٦٧٨٩0123456789.,،؛:'_ \n«»"
    ),
    max_size=200,
)


@given(st.one_of(st.text(max_size=300), arabic_text))
def test_offsets_slice_the_original_text_and_positions_ascend(text: str) -> None:
    tokens = analyze_index(text)
    previous_position, previous_end = -1, 0
    for token in tokens:
        assert 0 <= token.start < token.end <= len(text)
        assert text[token.start : token.end].strip() == text[token.start : token.end]
        if token.position != previous_position:
            assert token.position > previous_position
            assert token.start >= previous_end
        previous_position, previous_end = token.position, token.end


@given(st.one_of(st.text(max_size=300), arabic_text))
def test_every_query_term_is_indexed_at_its_position(text: str) -> None:
    indexed = {(token.term, token.position, token.start, token.end) for token in analyze_index(text)}
    for token in analyze_query(text):
        assert (token.term, token.position, token.start, token.end) in indexed
