"""Organisations named from the words around them.

- the head of an organisation's name: «وزارة»، «مصرف»، «هيئة»، «الهيئة العامة»، «نادي»، «اتحاد»، «جامعة»، «شركة» … and
  what follows it: definite words («وزارة النقل السورية»), or one rare word and its definite adjectives («مصرف سورية
  المركزي»);
- a definite head, an adjective and the field it serves: «الديوان الوطني للزيت», «الهيئة الناظمة للاتصالات»;
- a definite head and a nationality: «الجيش النيجيري», «المنتخب العراقي» (the national team «منتخب العراق»).
"""

from __future__ import annotations

from marsad.workers.stages.context.name_words import foreign_word
from marsad.workers.stages.context.phrases import general_adjective, known_end, owned, starts_field, titled_name
from marsad.workers.stages.context.shapes import care_noun, mufaala, nisba, participle, verbal_noun
from marsad.workers.stages.context.vocabulary import Vocabulary
from marsad.workers.stages.context.window import Span, Window
from marsad.workers.stages.context.words import (
    ANAPHORIC_FIELDS,
    COMMON_ZIPF,
    DEFINITE_HEADS,
    MAX_NAME_WORDS,
    NATIONAL_HEADS,
    ORDINALS,
    PLACE_ADJECTIVES,
    PURPOSE_PREPOSITIONS,
    RARE_ZIPF,
)

GROUP = "مجموعه"  # a group is called by its own name: «مجموعة توتال» is «توتال»
_ORGANISATION = "منظمه"  # and so is an organisation named by a foreign name
_INTERNATIONAL = frozenset({"الدولي", "الدوليه"})
CLUB = "نادي"  # and so is a club: «نادي الشعلة» is «الشعلة»
# Heads that are also common nouns («حركة» is traffic or a movement, «سلطة» power, «قيادة» leading): a name only
# when a proper name or a place follows them («حركة حماس», «قيادة عمليات الفرات الأوسط»), not a definite noun
# («حركة الشحن», «سلطة القانون»).
_AMBIGUOUS_HEADS = frozenset({"حركه", "حكومه", "سلطه", "قوات", "قياده", "بلديه", "امانه", "بورصه", "شرطه"})
# Heads that are mostly common nouns («دائرة الضوء», «مصلحة الوطن», «مركز المدينة», «إدارة الأزمة», «مكتب الرئيس»):
# a body only when an administration's field follows them («مصلحة الضرائب», «دائرة الأحوال المدنية»), or when its
# name goes on with a field («مركز دمشق للأبحاث»), «و» + a definite word («دائرة الأراضي والمساحة»), a relation
# adjective that is no nationality («دائرة الرقابة الصحية»: not for «مصلحة» and «إدارة», whose definite noun and
# adjective are mostly a thing served or managed: «مصلحة الاقتصاد الوطني», «إدارة الملف النووي»), or a proper name
# that is no known person's («مركز كارتر», not «إدارة ترامب»).
_COMMON_HEADS = frozenset({"مصلحه", "دائره", "مكتب", "مركز", "اداره", "دار", "جهاز"})
_SERVED_HEADS = frozenset({"مصلحه", "اداره"})
# Heads of a local branch, whose place is part of the name: «مديرية الخدمات الفنية في طرطوس», «جمعية المصارف في
# لبنان»; not a general one's («المديرية العامة للنقل البري في بيروت» is where it sits).
_BRANCH_HEADS = frozenset({"مديريه", "دائره", "جمعيه", "نقابه", "غرفه"})
# Teams and clubs are named by their own name: a nationality after it describes them («نادي السد القطري»).
_TEAM_HEADS = frozenset({"نادي", "منتخب"})
# Adjectives of a field that are no relation adjectives: «للمناطق الاقتصادية الخاصة والمناطق الحرة».
_FIELD_ADJECTIVES = frozenset({"الخاصه", "العامه", "الحره", "المتجدده", "الصغيره", "المتوسطه"})
# What a body's place or role is, not its name: «نادي القوة الجوية المتصدر», «الشركة الفائزة بالمناقصة».
_STANDINGS = frozenset(
    {"المتصدر", "المتصدره", "الوصيف", "الوصيفه", "المضيف", "المضيفه", "الضيف", "الفائز", "الفائزه", "المتوج", "السابق"}
)
# Who owns a body named by a proper name, which its name leaves out: «مصرف الرافدين الحكومي».
_OWNERSHIPS = frozenset({"الحكومي", "الحكوميه", "الرسمي", "الرسميه"})
# The kind of a bloc after its name, which names leave out: «كتلة التنمية والتحرير النيابية» (a committee keeps it:
# «لجنة المالية النيابية» is the chamber's, not a ministry's).
_BODY_KINDS = frozenset({"النيابيه", "البرلمانيه", "النيابي", "البرلماني"})
_BLOC = "كتله"
# A definite head with one of these alone is the text's other name for a body it names («المصرف المركزي» for the
# country's central bank, «المنظمة الدولية» for the United Nations), no name of its own.
_ANAPHORIC_ADJECTIVES = frozenset({"المركزي", "المركزيه", "الدولي", "الدوليه"})
# Courts are named by their adjectives and place: a «لل…» word after one is a purpose («… للطعن في القانون»).
_COURTS = frozenset({"محكمه", "المحكمه"})
# Words after a definite head that make it a name («المفوضية العليا …», «الهيئة الوطنية …»).
_HEAD_QUALIFIERS = frozenset({"العامه", "العليا", "الوطنيه", "المستقله"})
# Definite adjectives of no regular shape that may follow a relation adjective in a body's name («الجيش السوري الحر»,
# «الصليب الأحمر»); other definite nouns after one are not the name's («البرلمان الدنماركي الخطة …»).
_PLAIN_ADJECTIVES = frozenset({"الحر", "الاحمر", "الاخضر", "الابيض"})
# Unions named by «العام» and a nationality or a field: «الاتحاد العام التونسي للشغل» («العام» is also «the year»).
GENERAL_HEADS = frozenset({"الاتحاد"})


def announced(vocabulary: Vocabulary, tokens: Window, bare: str) -> bool:
    """Whether the trigger ``tokens[0]``, whose word without proclitics is ``bare``, starts an organisation's name: an
    indefinite head («وزارة», «مصرف»), or a definite head and the word after it that makes it a name («الهيئة
    العامة», «المصرف التجاري», «الجيش النيجيري», «الديوان الوطني للزيت», «الاتحاد العام التونسي»)."""
    following = tokens.get(1)
    return bare in vocabulary.heads or (
        following is not None
        and not following.broken
        and (
            (bare in DEFINITE_HEADS and following.word == DEFINITE_HEADS[bare])
            or (bare in vocabulary.nisba_heads and following.word in _HEAD_QUALIFIERS)
            or (
                bare in vocabulary.nisba_heads
                and nisba(following.word)
                and following.word.startswith("ال")
                and following.word not in _OWNERSHIPS  # «اللجنة الحكومية المشتركة»: whose, not which
            )
            or (bare in NATIONAL_HEADS and following.word in vocabulary.nationalities)
            or (bare in vocabulary.field_heads and _field_adjective(vocabulary, tokens))
            or _general_union(tokens, bare)
        )
    )


def organisation(vocabulary: Vocabulary, tokens: Window, head: str) -> Span | None:
    """The organisation named by the head ``head`` at ``tokens[0]`` and the words after it (``announced``)."""
    # The adjective of a definite head before its field is part of the head: «الاتحاد العام لتجارة …».
    position = (
        2
        if head in DEFINITE_HEADS
        or (head in vocabulary.field_heads and _field_adjective(vocabulary, tokens))
        or _general_union(tokens, head)
        else 1
    )
    first = position
    if (event := tokens.get(1)) is not None and vocabulary.bare(event.word) in vocabulary.events:
        return None  # «لجنة مهرجانات بيت الدين»: the festival is what is named
    proper = False  # the name's first word is a proper name («مصرف سورية», «شركة دايو», «غرفة تجارة دمشق»)
    construct = False  # after ل + a noun, or «و» + a noun, its owner follows («لصياغة وصناعة الذهب»)
    foreign = False  # the proper name is a rare word, not a known place
    token = tokens.get(position)
    if (
        token is not None
        and position == 1
        and not head.startswith("ال")
        and token.word.startswith("ل")
        and not token.word.startswith("لل")
        and starts_field(vocabulary, tokens, 1)
    ):
        return None  # «مركز لتوزيع الغاز»: an indefinite body and what it is for, no name
    if (named := _titled_person(vocabulary, tokens, position)) is not None:
        position, proper = named, True  # «مؤسسة الأميرة عالية»: a body named by a title and a person
    elif token is not None and not token.broken and token.word in vocabulary.administrations and token.word[:2] != "ال":
        position += 1  # «إدارة خفر الحدود»: an administration's field, its owner follows
    elif token is not None and not token.broken and _construct(vocabulary, tokens, position):
        position += 1  # «هيئة تنشيط السياحة»: a verbal noun and its definite object name the body
        construct = True
    elif token is not None and not token.broken and not starts_field(vocabulary, tokens, position):
        word = token.word
        place = known_end(vocabulary, tokens, position, "LOC")
        if place is None and not word.startswith(("ال", "لل", "و")):
            # «شركة نفط البصرة»: one common word, then the place the body belongs to.
            place = known_end(vocabulary, tokens, position + 1, "LOC")
        if place is not None:
            position, proper = place, True
        elif position == 1 and not head.startswith("ال") and vocabulary.describes(word, head):
            return None  # «شركة ناشئة», «مؤسسة مالية», «اتحاد عمالي»: an adjective describes the body, not names it
        else:
            frequency = vocabulary.frequencies.get(word, 0.0)
            # A known name's word only when it is no common word: «مجلس إدارة», «وزارة خطة» name nothing.
            rare = frequency < RARE_ZIPF or (word in vocabulary.name_words and frequency < COMMON_ZIPF)
            if rare and not word.startswith(("ال", "لل")) and vocabulary.name_word(token):
                described = tokens.get(position + 1)
                if (
                    described is not None
                    and not described.broken
                    and not described.word.startswith(("ال", "و"))
                    and nisba(f"ال{described.word}")
                ):
                    return None  # «شركة ملاحة إقليمية»: an indefinite noun and its adjective describe, not name
                position, proper, foreign = position + 1, True, True
                # A transliterated name takes more words that are not common: «شركة ستروي ترانس غاز».
                while position - first < MAX_NAME_WORDS and foreign_word(vocabulary, tokens, position):
                    position += 1
    if head in _AMBIGUOUS_HEADS and position == first:
        return None
    # Definite words follow, «و» + definite words too («والبيئة»), up to a title, which starts a person's
    # mention («مجلس الوزراء الأمير …»). A nationality ends the definite words («وزارة الخارجية الأوكرانية»; only
    # a field may follow: «الاتحاد العراقي لكرة القدم», «الشركة السورية للنفط») and describes, not names, a team
    # or a body named by a proper name («نادي السد القطري», «شركة دايو الكورية»).
    national = nationality = False
    after_field = False  # after «لل…» only its relation adjectives and «و…» follow («للنقل البري والبحري»)
    adjectival = False  # only adjectives, a field or «و…» follow (``_PLAIN_ADJECTIVES``)
    coordinated = False  # the word before was a definite one, or «و» + one
    definite = False  # the word before was a definite one
    while position - first < 5 and (token := tokens.get(position)) is not None and not token.broken:
        word = token.word
        bare = word[1:] if word.startswith(("وال", "ولل")) else word
        if (
            not national
            and not bare.startswith(("ال", "لل"))
            and (
                starts_field(vocabulary, tokens, position)
                # «وزارة النقل والاتصالات وتقنية المعلومات»: a construct joined to the definite words
                or ((construct or coordinated) and owned(vocabulary, tokens, position))
            )
        ):
            construct, after_field = True, False  # «لصياغة وصناعة الذهب»: a construct, up to its definite owner
            position += 1
            continue
        if (
            not (national or bare.startswith(("ال", "لل")))
            or (word in vocabulary.enders and not general_adjective(tokens, position))
            or _title_in_name(vocabulary, tokens, position, bare)
            or bare in _STANDINGS
            # An organisation named by a foreign name is called by it («منظمة أوكسفام الدولية» is «أوكسفام»).
            or (foreign and head == _ORGANISATION and bare in _INTERNATIONAL)
            or (position > first and bare in _OWNERSHIPS)
            # «كتلة التنمية والتحرير النيابية»: a bloc's kind; a committee's tells the chamber's from others
            or (bare in _BODY_KINDS and position - first >= 2 and head == _BLOC)
            or (adjectival and not after_field and word.startswith("ال") and not _adjective(vocabulary, word))
            # A definite plural of people after a definite word is the verb's object: «دعت وزارة البيئة المواطنين».
            or (definite and word.startswith("ال") and word.endswith("ين") and not word.endswith("يين"))
            # After a proper name only its relation adjectives and field: «قيادة شرطة البصرة القبض على …».
            or (
                proper
                and not national
                and bare.startswith("ال")
                and not (after_field or nisba(bare) or bare in PLACE_ADJECTIVES)
            )
        ):
            break
        if after_field and not (
            nisba(word) or bare != word or word.startswith("لل") or word in _FIELD_ADJECTIVES or participle(word)
        ):
            break  # «المفوضية العليا المستقلة للانتخابات النتائج»: the verb's object
        after_field = (
            bare.startswith("لل")
            or construct
            # «للفلاحة والصيد البحري»: a second field after «و», and its adjectives
            or (after_field and (nisba(bare) or bare in _FIELD_ADJECTIVES or bare != word or participle(bare)))
        )
        construct = False
        definite = bare == word and word.startswith("ال")
        coordinated = bare.startswith("ال")
        # After a relation adjective, or a construct's owner, the name's nouns are over («البرلمان الدنماركي الخطة»,
        # «جمعية رعاية الأيتام الهدايا»); a definite noun may take one more («جامعة الروح القدس»).
        adjectival = definite and (nisba(word) or after_field)
        if bare != word and tokens.original(token.end - len(bare)) in tokens.known:
            break  # «مجلس الأمن والأمم المتحدة»: «و» joins two known bodies, not one name
        if bare.startswith("لل") and (
            head in _COURTS
            or ((purpose := tokens.get(position + 1)) is not None and purpose.word in PURPOSE_PREPOSITIONS)
        ):
            break  # «المحكمة الاتحادية العليا للمصادقة عليها»: a purpose, not a part of the name
        if national:
            field = tokens.get(position + 1)
            if not (
                word.startswith("لل")
                or (word.startswith("ل") and field is not None and not field.broken and field.word.startswith("ال"))
            ) or (word[1] != "ل" and verbal_noun(word[1:])):
                break  # «البنك المركزي العراقي لتقليص التعامل»: ل + a verbal noun is a purpose, no field
            national = False
            position += 1
            continue
        if bare in vocabulary.nationalities and not after_field:  # «للنقل البري والبحري»: the field's adjectives
            if proper or head in _TEAM_HEADS:
                break
            national = nationality = True
        position += 1
    if construct and position > first + 1:
        position -= 1  # «مجلس النواب وتصديق الرئيس»: a construct whose owner is not part of the name
    # A body named by its function and one word is told apart by its place: «مديرية الصحة في حمص»; so is a local
    # branch («مديرية الخدمات الفنية في طرطوس»).
    if (
        (
            # «اللجنة الدستورية في جنيف»: an adjective, not a function, named it
            (position - first == 1 and not head.startswith("ال")) or (head in _BRANCH_HEADS and not nationality)
        )
        and not proper
        and (link := tokens.get(position))
        and link.word == "في"
    ):
        place = known_end(vocabulary, tokens, position + 1, "LOC")
        if place is not None:
            position = place
    if position == first:
        return None
    if head in _COMMON_HEADS and not _named_administration(vocabulary, tokens, first, position, head):
        return None
    # «مجموعة توتال» is the company «توتال»: a group is called by its own name, and so is a club («نادي الشعلة»
    # is «الشعلة»; eval/README.md), but not one whose name alone is a common word or a place («نادي الكهرباء»,
    # «نادي أربيل», as the gazetteer names them) nor a club of a field («نادي دبي للصحافة»).
    span = tokens.span(0, position, "ORG", 0)
    if head.startswith("ال") and len(span.tokens) == 2 and span.tokens[1].word in _ANAPHORIC_ADJECTIVES:
        return None  # «المصرف المركزي», «المنظمة الدولية»: a body named earlier or elsewhere, by its kind
    if (
        (head == GROUP and proper)
        or (head == _ORGANISATION and foreign)
        or (
            head == CLUB
            and vocabulary.frequencies.get(span.tokens[1].word, 0.0) < RARE_ZIPF
            and known_end(vocabulary, tokens, 1, "LOC") is None
            and not any(token.word.startswith("لل") for token in span.tokens)
        )
    ):
        return span._replace(canonical=span.tokens[1])
    return span


def national_team(vocabulary: Vocabulary, tokens: Window) -> Span | None:
    """«المنتخب العراقي»: the national team of the country its nationality names, «منتخب العراق»."""
    nationality = tokens.get(1)
    if nationality is None or nationality.broken or nationality.word not in vocabulary.countries:
        return None
    return tokens.span(0, 2, "ORG", 0)._replace(name=f"منتخب {vocabulary.countries[nationality.word]}")


def named_body(vocabulary: Vocabulary, span: Span) -> bool:
    """Whether a body in a title's modifiers is named, not a role's description: a definite head («الهيئة العامة
    للمناطق الحرة»), a head with a definite word and more («وزارة الخارجية الروسية»), or a head and a rare
    proper name («رئيس بلدية قرنايل»)."""
    words = [token.word for token in span.tokens]
    return (
        span.kind != "ORG"
        or words[0].startswith("ال")
        or (len(words) >= 3 and words[1].startswith("ال"))
        or (
            len(words) == 2
            and not words[1].startswith(("ال", "لل", "و"))
            and vocabulary.frequencies.get(words[1], 0.0) < RARE_ZIPF
        )
    )


def _field_adjective(vocabulary: Vocabulary, tokens: Window) -> bool:
    """Whether a definite head is followed by a definite adjective and the field it serves: «المكتب الشريف
    للفوسفات», «المؤسسة المحلية للمياه» (not «المكتب الثاني للشركة», nor a verb's object: «المكتب الجديد»)."""
    adjective, field = tokens.get(1), tokens.get(2)
    return (
        adjective is not None
        and field is not None
        and not (adjective.broken or field.broken)
        and adjective.word.startswith("ال")
        and (adjective.word not in vocabulary.enders or adjective.word == "العام")
        and adjective.word not in ORDINALS
        and adjective.word not in vocabulary.triggers
        # A relation adjective, a qualifier or a rare participle («الناظمة»), not a common one («الجديد»).
        and (
            nisba(adjective.word)
            or adjective.word in _HEAD_QUALIFIERS
            or adjective.word == "العام"  # «الاتحاد العام لـ…», though «العام» is also «the year»
            or vocabulary.frequencies.get(adjective.word, 0.0) < RARE_ZIPF
        )
        and starts_field(vocabulary, tokens, 2)
    )


def _general_union(tokens: Window, head: str) -> bool:
    """Whether a union is named «العام» and a relation adjective: «الاتحاد العام التونسي للشغل»."""
    if head not in GENERAL_HEADS:
        return False  # before reading the next words: asked of every trigger that is no other head
    general, adjective = tokens.get(1), tokens.get(2)
    return (
        general is not None
        and adjective is not None
        and not (general.broken or adjective.broken)
        and general.word == "العام"
        and adjective.word.startswith("ال")
        and nisba(adjective.word)
    )


def _adjective(vocabulary: Vocabulary, word: str) -> bool:
    """Whether a definite word may be an adjective after a definite word in a body's name: a relation adjective
    (a feminine one whose masculine the lexicon knows, or a rare one: «الميزانية» is a noun), a participle, another
    adjective."""
    stem = word[2:].removesuffix("ه")
    return (
        word.startswith("لل")
        or (
            nisba(word)
            and (
                not word.endswith("يه")
                or word[:-1] in vocabulary.frequencies
                or vocabulary.frequencies.get(word, 0.0) < RARE_ZIPF  # «التموينية»; not «الميزانية»
            )
        )
        or participle(word)
        # مفتعل, the participle of «المحترفة», «المستقلة», «المتحدة»; not a noun of place («المشروع»)
        or (stem.startswith("م") and ((len(stem) == 5 and stem[2] == "ت") or (len(stem) == 4 and stem[1] == "ت")))
        or word == "العام"  # «صندوق الاحتياطي العام» («العام الماضي» ends the name before)
        or word in _PLAIN_ADJECTIVES
        or word in PLACE_ADJECTIVES
        or word in _HEAD_QUALIFIERS
        or word in _FIELD_ADJECTIVES
    )


def _construct(vocabulary: Vocabulary, tokens: Window, position: int) -> bool:
    """Whether an indefinite head is followed by a verbal noun and its definite object, which name the body:
    «هيئة تنشيط السياحة», «جمعية حماية الحيوان» (not a head of its own: «مجلس إدارة الشركة»)."""
    noun, owner = tokens[position], tokens.get(position + 1)
    return (
        position == 1
        and not noun.word.startswith(("ال", "لل"))
        and (verbal_noun(noun.word) or care_noun(noun.word) or mufaala(noun.word))
        and noun.word not in vocabulary.triggers
        and owner is not None
        and not owner.broken
        and owner.word.startswith("ال")
        and owner.word not in vocabulary.enders
        and owner.word not in vocabulary.triggers
    )


def _titled_person(vocabulary: Vocabulary, tokens: Window, position: int) -> int | None:
    """Where a title and a given name right after an indefinite head end: «مؤسسة الأميرة عالية»."""
    title, name = tokens.get(1), tokens.get(2)
    if position != 1 or title is None or name is None or not vocabulary.title(title.word):
        return None
    return titled_name(vocabulary, tokens) if name.word in vocabulary.given_names and not name.broken else None


def _title_in_name(vocabulary: Vocabulary, tokens: Window, position: int, bare: str) -> bool:
    """Whether the definite word ``bare`` at ``tokens[position]`` after a body's head starts a person's mention: a
    title («مجلس الوزراء الأمير …»), or a title's feminine that no definite word follows («لجنة المراقبة الخماسية»
    is a committee of monitoring)."""
    if bare in vocabulary.titles:
        # Right after the head, a title's rare feminine is the body's field: «وزارة الفلاحة» (farming).
        return not (position == 1 and bare.endswith("ه"))
    following = tokens.get(position + 1)
    return vocabulary.title(bare) and (following is None or following.broken or not following.word.startswith("ال"))


def _named_administration(vocabulary: Vocabulary, tokens: Window, first: int, end: int, head: str) -> bool:
    """Whether ``tokens[first:end]`` after a head that is mostly a common noun names a body (``_COMMON_HEADS``)."""
    words = [tokens[position].word for position in range(first, end)]
    if words[0] in vocabulary.administrations:
        return True
    name = tokens[first]
    known = tokens.known.get(tokens.original(name.end - len(vocabulary.bare(name.word))))
    if not words[0].startswith(("ال", "لل", "و")) and known is None:
        return True  # «مركز كارتر»: a proper name no gazetteer has (not «إدارة ترامب», «مكتب دمشق»)
    return any(
        (word.startswith("لل") and word not in ANAPHORIC_FIELDS)
        or (position > 0 and word.startswith("وال"))
        or (
            position > 0
            and head not in _SERVED_HEADS
            and word.startswith("ال")
            and nisba(word)
            and word not in vocabulary.nationalities
        )
        for position, word in enumerate(words)
    )
