"""People named from the words around them.

- a title or role before a person: «الرئيس»، «الوزير»، «اللاعب»، «المدرب»، «السفير»، «محافظ حمص»، «المزارع» … past its
  modifiers («رئيس الهيئة العامة للمناطق الحرة», whose body is tagged too), then one to four name words (words a
  news text uses mostly as names: not stop words, not frequent common words); kin are titles («ونجله …»);
- a masculine nationality before a foreign name («البرازيلي مالكوم»), made of the known places' names;
- people with no title right before them: a known given name (the gazetteer's, ``lexicon.given_names``) and a rare
  definite surname or one or two rare indefinite words («سالم الدوسري», «أحمد هشام»); two or three rare words after a
  verb of saying or meeting («وقالت جيورجيا ميلوني إن …»), in apposition after a title and a comma («وزير الخارجية
  الأردني، أيمن الصفدي، …»), or before a comma and a title at a clause's start («أوزغور أوزيل، زعيم …»).
"""

from __future__ import annotations

from collections.abc import Mapping

from marsad.topics.records import EntityType
from marsad.workers.stages.context.name_words import (
    definite_surname,
    foreign_name_word,
    foreign_word,
    future_verb,
    names_on,
    owned_by,
    surname_word,
)
from marsad.workers.stages.context.phrases import known_end, owned
from marsad.workers.stages.context.shapes import verbal_noun
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import WORD, Span, Token, Window, token_at
from marsad.workers.stages.context.words import (
    CLITIC_GAIN,
    COMMON_ZIPF,
    COMPOUND_PLACE_WORDS,
    MAX_NAME_WORDS,
    NAME_LINKS,
    PLACE_ZIPF,
    PREPOSITIONS,
    RARE_ZIPF,
)
from marsad.workers.stages.normalize import NormalizedText

# Words between a title and the name: «وزير الخارجية الروسي»، «مدير عام المرفأ»، «المتحدث باسم الوزارة».
_TITLE_MODIFIERS = 6  # «رئيس لجنة الزراعة والري والمياه النيابية …»
# «باسم» with a pronoun ends the title: «الناطق باسمهم وليم نون».
_TITLE_LINKS = frozenset({"عام", "باسم", "باسمه", "باسمها", "باسمهم", "باسمهما", "بلديه", "لشؤون", "لدي"})
_TITLE_PREPOSITIONS = frozenset({"في", "الي"})  # before a definite word: «المبعوث إلى الشرق الأوسط …»
# ... and before a known place, also «عن» (whom a member or a delegate speaks for): «النائبة عن قفصة …»
_TITLE_PLACE_PREPOSITIONS = _TITLE_PREPOSITIONS | {"عن"}
_FILIATIONS = frozenset({"بن", "ابن", "بنت"})  # «son of», «daughter of»: a father's name follows
_GOD = "الله"  # ends names as a family name: «حسين العبد الله», «عبد الرزاق حمد الله»
# Pronouns that open an apposition after a speaker's name: «وقال أبو محمد الزعبي، وهو نجار …».
_APPOSITION_PRONOUNS = frozenset({"وهو", "وهي"})
# A word after a title is a proclitic and a noun when the noun alone is this much more frequent than the word (more than
# ``CLITIC_GAIN``): a name may be a word's form («كمال», «بسام»); «لإصابة» is not.
_NOUN_GAIN = 0.8
# A name word ending in ا is a noun in the accusative when the noun without it is this much more frequent.
_ACCUSATIVE_GAIN = 0.8


def person(vocabulary: Vocabulary, tokens: Window, after_nationality: bool = False) -> Span | None:
    """A person after a title, or after a nationality («الإيطالي سيموني إنزاغي»): then the name follows at once
    and its words are rare ones or known name words (a nationality is more often an adjective: «الوفد الروسي»)."""
    if after_nationality and tokens.before().startswith(("ال", "وال")):
        return None  # «الهلال الأحمر العربي السوري قافلة …»: the nationality describes what is before it
    position = 1
    # Modifiers of the title: definite words (الخارجية، الروسي، والنقل), links (عام، باسم) and a place or body
    # the gazetteer knows (محافظ حمص): at most ``_TITLE_MODIFIERS`` words, then the name.
    while (
        not after_nationality
        and position <= _TITLE_MODIFIERS
        and (token := tokens.get(position)) is not None
        and not token.broken
    ):
        place = tokens.known.get(tokens.original(token.end - len(vocabulary.bare(token.word))))
        if place is not None and place[1] == "PER":
            break  # the gazetteer's person is the name («الرئيس الروسي فلاديمير بوتين»)
        if place is not None:
            position += 1
            while (following := tokens.get(position)) is not None and tokens.original(following.start) < place[0]:
                position += 1
        elif (
            not token.word.startswith("ال")
            and (owner := tokens.get(position + 1)) is not None
            and not owner.broken
            and token.word not in vocabulary.heads  # «مدرب منتخب سورية …»: a body, which the next turns pass
            and vocabulary.frequencies.get(token.word, 0.0) >= RARE_ZIPF  # a common noun, not «الباحث سامر حمص»
            and token.word not in vocabulary.given_names
            and tokens.known.get(tokens.original(owner.end - len(vocabulary.bare(owner.word))), ("", ""))[1] == "LOC"
        ):
            position += 1  # «مدير صحة كربلاء …»: a noun of a known place, which the next turn passes
        elif (
            token.word.startswith(("ال", "وال", "لل"))
            and token.word not in vocabulary.enders
            and not tokens.hamza(token)
        ) or (token.word in _TITLE_LINKS and (not token.word.startswith("باسم") or position == 1)):
            position += 1  # «باسم» links only the title itself («المتحدث باسم»): «مدير الشركة باسم …» is a name
        elif token.word == "العام" and position == 1:
            position += 1  # «المدير العام …»: «العام» is no «year» right after a title
        elif (
            token.word.startswith("ل")
            and (owner := tokens.get(position + 1)) is not None
            and not owner.broken
            and owner.word.startswith(("ال", "و"))
            and token.word not in vocabulary.name_words
            and token.word[1:] not in vocabulary.given_names  # «مدرب الفريق لسعد الشابي»: a Maghrebi given name
            and vocabulary.frequencies.get(token.word[1:], 0.0) - vocabulary.frequencies.get(token.word, 0.0)
            >= CLITIC_GAIN
        ):
            position += 1  # «رئيس الجمعية الحرفية لصياغة وصناعة الذهب …»: ل + a noun the next words own
        elif token.word in COMPOUND_PLACE_WORDS and position > 1 and tokens[position - 1].word == "بلديه":
            position += 2  # «رئيس بلدية بيت الدين …»: a compound town name
        elif owned(vocabulary, tokens, position):
            position += 2  # «وزير الاتصالات وتقانة المعلومات …», not «رئيس الاتحاد وديع الجريء»
        elif token.word in vocabulary.heads and (body := tokens.get(position + 1)) and body.word.startswith("ال"):
            position += 2  # «رئيس مجلس المدينة …»: a body with its definite name
        elif (
            token.word in vocabulary.heads
            and (body := tokens.get(position + 1))
            and (owner := tokens.get(position + 2))
            and owner.word.startswith("ال")
            and not body.word.startswith("ال")
            and vocabulary.frequencies.get(body.word, 0.0) >= COMMON_ZIPF
        ):
            position += 3  # «رئيس مجلس إدارة الشركة …»
        elif (
            token.word in _TITLE_PREPOSITIONS
            and (place_word := tokens.get(position + 1))
            and place_word.word.startswith("ال")
        ):
            position += 2  # «مدير الحراج في المحافظة …», «المبعوث الأمريكي إلى الشرق الأوسط …»
        elif token.word in _TITLE_PLACE_PREPOSITIONS and (
            place_end := known_end(vocabulary, tokens, position + 1, "LOC")
        ):
            position = place_end  # «المدير الجهوي للفلاحة في صفاقس …»
        else:
            break
    start = position
    if tokens.known and (name := tokens.get(start)) is not None:
        offset = name.end - len(vocabulary.bare(name.word))
        if tokens.original(offset) in tokens.known:
            return None
    if not after_nationality and (name := tokens.get(start)) is not None and name.broken and tokens.comma(name):
        return _apposition(vocabulary, tokens, start)
    while (
        (token := tokens.get(position)) is not None
        and (
            vocabulary.name_word(token)
            or (token.word in NAME_LINKS and not token.broken)
            # «مدير الشركة باسم عبد الكريم»: after a title's modifiers «باسم» is a given name, not «in the name of»
            or (
                token.word == "باسم"
                and position == start > 1
                and not token.broken
                and (names_on(vocabulary, tokens, start) or _surname_follows(vocabulary, tokens, start))
            )
            # «اللواء علي حسين الكعبي»: «علي» written with ي and a given name after it is a name, not «على»
            or (
                token.word == "علي"
                and position == start
                and not after_nationality
                and not token.broken
                and tokens.written_last(token) == "ي"
                and (following := tokens.get(position + 1)) is not None
                and following.word in vocabulary.given_names
            )
            # «عبد» takes a common word: «عبد الكريم»
            or (position > start and tokens[position - 1].word == "عبد" and not token.broken)
        )
        and not (token.word[-1] == "ا" and tokens.accusative(token))
    ):
        word, count = token.word, position - start
        if after_nationality and not foreign_name_word(vocabulary, word, count == 0):
            break
        after_link = count > 0 and tokens[position - 1].word in NAME_LINKS
        if count == 0 and _definite_word(vocabulary, word) and not tokens.hamza(token):
            break  # a given name does not take the article («إلياس» is no article): «المعلمة بالأعلام»
        if (
            count == 0
            and position == 1
            and not vocabulary.bare(tokens[0].word).startswith("ال")
            and word not in vocabulary.given_names
            and vocabulary.frequencies.get(word, 0.0) >= RARE_ZIPF
        ):
            break  # «لاعب جديد», «مسؤول بارز»: an indefinite title's adjective, not a name
        if (
            word[-1] == "ا"
            and word not in vocabulary.given_names
            and word not in vocabulary.name_words
            and (frequency := vocabulary.frequencies.get(word, 0.0)) >= RARE_ZIPF
            # much rarer than the noun it ends: «مديرا» is «مدير», «نورا» a name
            and vocabulary.frequencies.get(word[:-1], 0.0) - frequency >= _ACCUSATIVE_GAIN
        ):
            break  # «عين الوزير مديرا», «مالكوم هدفا»: a common noun in the accusative, written without its tanween
        if (
            count == 0
            and word[0] in "بلكوف"
            and word not in vocabulary.name_words
            and word not in vocabulary.given_names
            and (
                verbal_noun(word[1:])
                or vocabulary.frequencies.get(word[1:], 0.0) - vocabulary.frequencies.get(word, 0.0) >= _NOUN_GAIN
            )
        ):
            break  # «يسمح للرئيس بتسليم …», «تعرض الشاب لإصابة …», «فاعترف»: a proclitic and a word, not a name
        if future_verb(vocabulary, word):
            break  # «اللاعبة ستمثل بلادها»: a verb, not a name
        if (
            f"ال{word}" in vocabulary.nationalities
            and word not in vocabulary.name_words
            and vocabulary.frequencies.get(word, 0.0) >= RARE_ZIPF
        ):
            break  # «وزير سوري سابق», «لاعب عراقي»: an indefinite nationality, not a name
        # A third word only as «… بن عيسى», «… عبد الله», «… حسين الشرع»; a fourth only after a link
        # («عبد العزيز بن سلمان») or as the family name after a father's («سعيد بن حمود المعولي»).
        # «محمد عبد الحميد الفقي»: «عبد …» inside the name counts as one word.
        joined = any(tokens[i].word == "عبد" for i in range(start, position - 1))
        family = word.startswith("ال") and any(tokens[i].word in _FILIATIONS for i in range(start, position - 1))
        if count > MAX_NAME_WORDS or (count == MAX_NAME_WORDS and not (after_link or joined or family)):
            break
        # «عبد السلام هيكل»: «عبد …» is one given name of two words.
        compound = tokens[start].word == "عبد" and count == 2
        # A known given name takes two more rare words that are no nouns: «الطبيب خوان كارلوس مارتينيز».
        given = (
            count == 2 and tokens[start].word in vocabulary.given_names and surname_word(vocabulary, tokens, position)
        )
        if count >= 2 and not (word.startswith("ال") or after_link or word in NAME_LINKS or compound or given):
            break
        if (
            count >= 2
            and not after_link
            and word.startswith("ال")
            and word != _GOD
            and word not in vocabulary.name_words
            and vocabulary.frequencies.get(word, 0.0) >= RARE_ZIPF
        ):
            break  # «وافتتح المهاجم جوناثان ماتوس التسجيل»: the verb's object, a common noun, not a family name
        if (
            count >= 2
            and not after_link
            and word != _GOD
            and (described := tokens.get(position + 1)) is not None
            and described.word in PREPOSITIONS
        ):
            break  # «معن أسعد الحاصل على …», «… المحترف في …»: a participle describes the person
        position += 1
    if position > start and tokens[position - 1].word in NAME_LINKS:
        position -= 1  # a name does not end with «بن» or «عبد»
    if position == start:
        return None
    if (
        after_nationality
        and position - start == 1
        and tokens[start].word not in vocabulary.name_words
        and tokens[start].word in vocabulary.frequencies
    ):
        return None  # one word after a nationality is more often a noun («تحسناً»), unless the lexicon lacks it
    return tokens.span(start, position, "PER", start)


def _definite_word(vocabulary: Vocabulary, word: str) -> bool:
    """Whether ``word`` is the article (after a proclitic or not) and a word the lexicon knows: «بالأعلام», not
    «فالنتينو» (Valentino)."""
    for prefix in ("ال", "وال", "بال", "كال", "فال", "لل"):
        if word.startswith(prefix):
            return word[len(prefix) :] in vocabulary.frequencies or word in vocabulary.frequencies
    return False


def _surname_follows(vocabulary: Vocabulary, tokens: Window, position: int) -> bool:
    """Whether a rare definite word that may be a family name follows ``tokens[position]``: «باسم الغريباوي»."""
    following = tokens.get(position + 1)
    return following is not None and following.word.startswith("ال") and definite_surname(vocabulary, tokens, following)


def _apposition(vocabulary: Vocabulary, tokens: Window, start: int) -> Span | None:
    """A person named after a title and a comma («وزير الخارجية الأردني، أيمن الصفدي، …»): a known given name and
    its surname, or two or three rare indefinite words that a comma or a function word ends."""
    name = tokens[start]
    unbroken = tokens.unbroken(name)
    span = given(vocabulary, unbroken) if name.word in vocabulary.given_names else None
    if span is None:
        end = 0
        # The first word may be a frequent one, as a given name is («منية»): the comma and the title announce it.
        while (
            end < MAX_NAME_WORDS
            and surname_word(vocabulary, unbroken, end, PLACE_ZIPF if end == 0 else RARE_ZIPF)
            and foreign_word(vocabulary, unbroken, end)
        ):
            end += 1
        if end == 1 and (surname := unbroken.get(1)) is not None and surname.word.startswith("ال"):
            end += definite_surname(vocabulary, unbroken, surname)  # «منية الصرارفي»
        after = unbroken.get(end)
        if end < 2 or not (after is None or after.broken or after.word in vocabulary.enders):
            return None
        span = unbroken.span(0, end, "PER", 0)
    return span._replace(tokens=(name, *span.tokens[1:]), canonical=name)


def given(vocabulary: Vocabulary, tokens: Window) -> Span | None:
    """A person named by a known given name and a rare definite surname that is no known name («سجل سالم
    الدوسري هدفين»): the surname is rarer than ``RARE_ZIPF``, so «حسن النية» and «نور الشمس» are no names; or by
    one or two indefinite words that are no common words («أحمد هشام», «ليندة بوزيدي»)."""
    surname = tokens.get(1)
    if surname is not None and not surname.word.startswith("ال"):
        if tokens.original(tokens[0].end - len(vocabulary.bare(tokens[0].word))) in tokens.known:
            return None
        if surname.word == "عبد" and not surname.broken:
            # «سعاد عبد المنعم»: «عبد» and a definite name of God is the father's name
            god = tokens.get(2)
            if god is None or god.broken or not god.word.startswith("ال") or god.word in vocabulary.enders:
                return None
            return tokens.span(0, 3, "PER", 0)
        end = 1
        while (
            end < MAX_NAME_WORDS
            and surname_word(vocabulary, tokens, end)
            and not (end > 1 and owned_by(vocabulary, tokens, end))
        ):
            end += 1
        if end > 1 and (family := tokens.get(end)) is not None and family.word.startswith("ال"):
            end += definite_surname(vocabulary, tokens, family)  # «خالد جاسم الربيعي»
        return tokens.span(0, end, "PER", 0) if end > 1 else None
    if (
        surname is None
        or not definite_surname(vocabulary, tokens, surname)
        or tokens.original(tokens[0].end - len(vocabulary.bare(tokens[0].word))) in tokens.known
    ):
        return None  # a known person («ماهر الشرع») is the gazetteer's
    if tokens.before() in PREPOSITIONS and verbal_noun(tokens[0].word):
        return None  # «داعياً إلى تحسين التعليب»: a verbal noun and its object, not «تحسين» the given name
    return tokens.span(0, 2, "PER", 0)


def speaker(vocabulary: Vocabulary, tokens: Window) -> Span | None:
    """Who speaks, named right after a verb of saying with no title: two or three rare indefinite words that end
    the clause («وقالت جيورجيا ميلوني إن …»), not «قال مصدر أمني» nor «أكد دبلوماسيون غربيون» (a known given name
    after the verb is the given-name rule's)."""
    first = tokens.get(1)
    if first is None or tokens.original(first.start) in tokens.known:
        return None
    if (apposed := _apposed_speaker(vocabulary, tokens)) is not None:
        return apposed
    if first.word in vocabulary.given_names:
        return None
    end = 1
    while end <= MAX_NAME_WORDS and surname_word(vocabulary, tokens, end) and foreign_word(vocabulary, tokens, end):
        end += 1
    after = tokens.get(end)
    if end < 3 or not (after is None or after.broken or after.word in vocabulary.enders):
        return None
    return tokens.span(1, end, "PER", 1)


def _apposed_speaker(vocabulary: Vocabulary, tokens: Window) -> Span | None:
    """Who speaks, named by two to four words and described after a comma by «وهو»/«وهي»: «وقال أبو محمد الزعبي،
    وهو نجار …», «وقالت سعاد عبد المنعم، وهي أرملة …»; words that are no titles, no function words and no common
    words, the last a rare or a known name word (not «وقالت الحكومة المحلية، وهي …»)."""
    end = 1
    while (token := tokens.get(end)) is not None and not token.broken and end <= 4:
        word = token.word
        if word in vocabulary.enders or vocabulary.title(word) or word in vocabulary.triggers:
            return None
        if vocabulary.common(word) and word not in NAME_LINKS:
            return None
        end += 1
    last = tokens.get(end - 1)
    if (
        token is None
        or end < 3
        or token.word not in _APPOSITION_PRONOUNS
        or not tokens.comma(token)
        or last is None
        or last.word in NAME_LINKS
        or (last.word not in vocabulary.name_words and vocabulary.frequencies.get(last.word, 0.0) >= RARE_ZIPF)
    ):
        return None
    return tokens.span(1, end, "PER", 1)


def named_before(
    vocabulary: Vocabulary, body: NormalizedText, title: Token, known: Mapping[int, tuple[int, EntityType]]
) -> Span | None:
    """A person named before a comma and their ``title``, at the start of a clause or after a verb of saying: two or
    three rare indefinite words («أوزغور أوزيل، زعيم حزب الشعب الجمهوري، …»), not a clause's last words («… أمس،
    الرئيس …»)."""
    words = list(WORD.finditer(body.words, max(0, title.start - 120), title.start))[-MAX_NAME_WORDS:]
    for count in range(len(words), 1, -1):
        first = token_at(body, words[-count].start(), words[-count].end())
        said = count < len(words) and vocabulary.bare(words[-count - 1][0]) in vocabulary.sayings
        if not (first.broken or first.start == 0 or said):
            continue
        window = Window(body, first._replace(broken=False), known)
        # After a known given name, the comma and the title tell a frequent surname too («ريم حداد»).
        rare = PLACE_ZIPF if vocabulary.bare(first.word) in vocabulary.given_names else RARE_ZIPF
        if all(
            surname_word(vocabulary, window, i, PLACE_ZIPF if i == 0 else rare) and foreign_word(vocabulary, window, i)
            for i in range(count)
        ):
            return window.span(0, count, "PER", 0)
    return None


def coordinated(
    vocabulary: Vocabulary, body: NormalizedText, person: Span, known: Mapping[int, tuple[int, EntityType]]
) -> Span | None:
    """Another person joined to ``person`` by «و»: a known given name and a rare surname («محمود المواس
    وإبراهيم هيسار»), not a noun («وزملاؤه»)."""
    after = person.tokens[-1].end
    following = WORD.search(body.words, after)
    if following is None:
        return None
    token = token_at(body, following.start(), following.end(), after)
    if token.broken or not token.word.startswith("و") or token.word[1:] not in vocabulary.given_names:
        return None
    window = Window(body, token, known)
    surname = window.get(1)
    if (
        surname is None
        or not vocabulary.name_word(surname)
        or surname.word in NAME_LINKS
        or (vocabulary.frequencies.get(surname.word, 0.0) >= RARE_ZIPF and surname.word not in vocabulary.name_words)
        or (surname.word[-1] == "ا" and window.accusative(surname))
        or window.original(surname.start) in known
    ):
        return None
    return window.span(0, 2, "PER", 0)
