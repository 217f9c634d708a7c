"""Names nobody listed, recognised from the words around them.

Three kinds of context, read on the normalized words of a body:
- a title or role before a person: «الرئيس»، «الوزير»، «اللاعب»، «المدرب»، «السفير»، «محافظ حمص»، «المزارع» … past its
  modifiers («رئيس الهيئة العامة للمناطق الحرة», whose body is tagged too), then one to four name words (words a
  news text uses mostly as names: not stop words, not frequent common words);
- the head of an organisation's name: «وزارة»، «مصرف»، «هيئة»، «الهيئة العامة»، «نادي»، «اتحاد»، «جامعة»،
  «شركة» … and what follows it: definite words («وزارة النقل السورية»), or one rare word and its definite
  adjectives («مصرف سورية المركزي»);
- a definite head, an adjective and the field it serves: «الديوان الوطني للزيت», «الهيئة الناظمة للاتصالات»;
- a place trigger: a settlement word («مدينة»، «بلدة»، «قرية»، «محافظة»، «قضاء»، «ولاية»، «حي»، «ملعب») whose name
  follows (part of the mention, not of the canonical name), or a facility word («ميناء»، «مطار»، «قصر»، «مستشفى»،
  «كنيسة»، «دير»، «حقل»، «بحيرة»، «شارع»، «ساحة»، «جبل»، «سوق»، «معمل») that is part of both, also with a title and a
  person («مستشفى الملك حسين»); the first word of a compound place name («كفر نبل», «عين التينة»);
- a masculine nationality before a foreign name («البرازيلي مالكوم»), made of the known places' names;
- people with no title right before them: a known given name (the gazetteer's, ``lexicon.given_names``) and a rare
  definite surname or one or two rare indefinite words («سالم الدوسري», «أحمد هشام»); two or three rare words after a
  verb of saying or meeting («وقالت جيورجيا ميلوني إن …»), in apposition after a title and a comma («وزير الخارجية
  الأردني، أيمن الصفدي، …»), or before a comma and a title at a clause's start («أوزغور أوزيل، زعيم …»); kin are
  titles («ونجله …»);
- the head of an event (MISC): «كأس»، «دوري»، «بطولة»، «أولمبياد»، «مهرجان» and what names it («كأس العالم 2026»); a
  war, an election, a treaty, a plan or a prize named by a place, a proper name, a year or a month («حرب أكتوبر»,
  «انتخابات 2026», «معاهدة فرساي»); a law by a verbal noun and its object («قانون حماية المستهلك»); a summit by who
  meets («القمة العربية»); a meeting named by a place, a proper name or its subject and year («منتدى دافوس»).
A person found so is also recognised later in the same body by the same name or its last word alone, also where the
gazetteer has that word for a place or another person («منى الخليل» … «الخليل»); a place found after a settlement word,
by its rare name alone («ولاية صحم» … «أهالي صحم»).
Everything stops at punctuation and at stop words. The gazetteer's entities win over these (``merge``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from difflib import SequenceMatcher
from typing import NamedTuple

import ahocorasick

from marsad.topics.records import Entity, EntityType
from marsad.workers.stages.normalize import DIACRITICS, TATWEEL, NormalizedText, normalize

PERSON_TITLES = (
    "الرئيس الرئيسه الوزير الوزيره وزير وزيره اللاعب اللاعبه لاعب المدرب مدرب المدربه السفير سفير السفيره "
    "المحافظ محافظ النائب النائبه الشيخ الدكتور الدكتوره العقيد العميد اللواء الجنرال المهندس القاضي "
    "المستشار الكاتب الكاتبه الصحفي الصحافي الناشط الناشطه المخرج الفنان الفنانه الممثل الممثله المبعوث "
    "السيد السيده الحارس المهاجم المدافع النجم رئيس رئيسه مدير مديره قائد المطران الامام البطريرك الاستاذ "
    "طبيب الباحث الخبير المحلل المتحدث المتحدثه الناطق الناطقه الامين امين نائب الملك الامير الاميره حاكم الحاكم "
    "المحقق صانع الصياد منسق منسقه المنسق الرباع البطل البطله خبير الخبيره المدير المديره "
    # People of the arts, the press, the faiths, the forces, and the people local news quotes by their trade.
    "المفاوض مهاجم "
    "العاهل المندوب المندوبه القنصل المراسل المراسله المصور المصوره المذيع المذيعه الشاعر الشاعره الروائي "
    "الروائيه المطرب المطربه المغني المغنيه الموسيقار العازف العازفه الاديب الاديبه المؤرخ الطبيب الطبيبه "
    "المحامي المحاميه القائد النقيب الرائد المقدم الملازم الرقيب المشير الكابتن الهداف المؤسس الناشر المعارض "
    "الزعيم الداعيه المفتي الحاخام القس الاسقف الكاردينال البابا الخوري الشيخه السلطان المرشح المرشحه الامينه "
    "العمده المعلم المعلمه المزارع التاجر الطالب الطالبه الشاب الشابه الطفل الطفله الفتاه المواطن الحاج اللاجئ "
    "اللاجئه الاسير المعتقل الجندي الضابط المسعف المتطوع المتطوعه الحرفي الفلاح الصيدلي الممرضه المهندسه "
    "المحاضر الاكاديمي المفوض الوسيط الموفد المراقب المحلله الاعلامي الاعلاميه المسؤول المسؤوله السكرتير "
    "عضو عضوه مساعد مستشار مستشاره مسؤول مسؤوله زعيم عميد "
    # Kin, who news name by the person they are kin to: «ونجله سامر», «شقيقته ريم».
    "نجل نجله نجلها شقيق شقيقه شقيقها شقيقتها زوجته زوجها ابنه ابنها ابنتها والده والدته"
)
# Verbs of saying, after which a news text names who speaks: «وقالت جيورجيا ميلوني إن …».
SAYING_VERBS = (
    "قال قالت اكد اكدت اعلن اعلنت اضاف اضافت اوضح اوضحت صرح صرحت اعتبر اعتبرت راي رات شدد شددت حذر حذرت "
    "كشف كشفت تابع تابعت ختم ختمت "
    # and of meeting, after which news name whom: «والتقى أوزغور أوزيل، زعيم …».
    "التقي التقت استقبل استقبلت زار زارت هاتف هاتفت"
)
# Words between a title and the name: «وزير الخارجية الروسي»، «مدير عام المرفأ»، «المتحدث باسم الوزارة».
_TITLE_MODIFIERS = 6  # «رئيس لجنة الزراعة والري والمياه النيابية …»
_TITLE_LINKS = frozenset({"عام", "باسم", "بلديه", "لشؤون", "لدي"})
_TITLE_PREPOSITIONS = frozenset({"في", "الي"})  # before a definite word: «المبعوث إلى الشرق الأوسط …»
# ... and before a known place, also «عن» (whom a member or a delegate speaks for): «النائبة عن قفصة …»
_TITLE_PLACE_PREPOSITIONS = _TITLE_PREPOSITIONS | {"عن"}
# Pronouns that open an apposition after a speaker's name: «وقال أبو محمد الزعبي، وهو نجار …».
_GOD = "الله"  # ends names as a family name: «حسين العبد الله», «عبد الرزاق حمد الله»
_APPOSITION_PRONOUNS = frozenset({"وهو", "وهي"})
_APPOSED = re.compile(r"\S+(?: \S+){0,3}  +(?:وهو|وهي) ")
ORGANISATION_HEADS = (
    "وزاره مصرف هيئه نادي اتحاد جامعه شركه مؤسسه منظمه حركه حزب مجلس بنك جمعيه وكاله صندوق مديريه كليه "
    "معهد منتخب مجموعه غرفه نقابه محكمه لجنه كتله ائتلاف مفوضيه حكومه ديوان سلطه قوات قياده "
    # Local government and administrations: «بلدية صيدا», «أمانة بغداد», «شعبة المواد الغذائية», «مصلحة الضرائب».
    "بلديه امانه شعبه رابطه بورصه مصلحه دائره مكتب مركز اداره دار جهاز "
    # Police forces named by their place: «شرطة دبي», «شرطة عمان السلطانية».
    "شرطه"
)
# Heads that are also common nouns («حركة» is traffic or a movement, «سلطة» power, «قيادة» leading): a name only
# when a proper name or a place follows them («حركة حماس», «قيادة عمليات الفرات الأوسط»), not a definite noun
# («حركة الشحن», «سلطة القانون»).
_GROUP = "مجموعه"
_ORGANISATION = "منظمه"
_INTERNATIONAL = frozenset({"الدولي", "الدوليه"})
_CLUB = "نادي"
_COMPANY_HEADS = frozenset({"شركه", _GROUP})
_AMBIGUOUS_HEADS = frozenset({"حركه", "حكومه", "سلطه", "قوات", "قياده", "بلديه", "امانه", "بورصه", "شرطه"})
# Heads that are mostly common nouns («دائرة الضوء», «مصلحة الوطن», «مركز المدينة», «إدارة الأزمة», «مكتب الرئيس»):
# a body only when an administration's field follows them («مصلحة الضرائب», «دائرة الأحوال المدنية»), or when its
# name goes on with a field («مركز دمشق للأبحاث»), «و» + a definite word («دائرة الأراضي والمساحة»), a relation
# adjective that is no nationality («دائرة الرقابة الصحية»: not for «مصلحة» and «إدارة», whose definite noun and
# adjective are mostly a thing served or managed: «مصلحة الاقتصاد الوطني», «إدارة الملف النووي»), or a proper name
# that is no known person's («مركز كارتر», not «إدارة ترامب»).
_COMMON_HEADS = frozenset({"مصلحه", "دائره", "مكتب", "مركز", "اداره", "دار", "جهاز"})
_SERVED_HEADS = frozenset({"مصلحه", "اداره"})
_ADMINISTRATIONS = (
    "الضرائب الجمارك السجون الموانئ الاحوال الارصاد خفر الري الاحصاء الجوازات الهجره الاراضي الطب المرور الاطفاء "
    "الاثار الضمان التقاعد"
)
# Heads of a local branch, whose place is part of the name: «مديرية الخدمات الفنية في طرطوس», «جمعية المصارف في
# لبنان»; not a general one's («المديرية العامة للنقل البري في بيروت» is where it sits).
_BRANCH_HEADS = frozenset({"مديريه", "دائره", "جمعيه", "نقابه", "غرفه"})
# Teams and clubs are named by their own name: a nationality after it describes them («نادي السد القطري»).
_TEAM_HEADS = frozenset({"نادي", "منتخب"})
# Definite heads that start an organisation's name before a relation adjective («المصرف التجاري السوري»,
# «الاتحاد اللبناني لكرة السلة»).
_NISBA_HEADS = (
    "المصرف البنك الاتحاد اللجنه المحكمه الشركه المؤسسه الهيئه البورصه المفوضيه الجمعيه المنظمه الوكاله الصندوق "
    "المجلس الحزب البرلمان الكونغرس المرصد الجامعه المعهد"
)
# Definite heads that name a body with a nationality only: «الجيش النيجيري», «الشرطة الأردنية» (not «الجيش النظامي»).
_NATIONAL_HEADS = frozenset({"الجيش", "الشرطه"})
# Definite heads that start a body's name with an adjective and its field: «الديوان الوطني للزيت», «المكتب الشريف
# للفوسفات», «المنسقية العامة للنازحين» (the nisba heads too: «الهيئة الناظمة للاتصالات»).
_FIELD_HEADS = "الديوان المكتب المنسقيه المديريه الوكاله السلطه الجهاز"
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
# Ordinals are adjectives of a rank, not of a body («المكتب الثاني للشركة»).
_ORDINALS = frozenset({"الاول", "الثاني", "الثالث", "الرابع", "الخامس", "الاخير", "الاولي", "الثانيه", "الاخيره"})
# Words after a definite head that make it a name («المفوضية العليا …», «الهيئة الوطنية …»).
_HEAD_QUALIFIERS = frozenset({"العامه", "العليا", "الوطنيه", "المستقله"})
# Definite heads that start an organisation's name only with the word after them.
_DEFINITE_HEADS = {
    "الهيئه": "العامه",
    "المؤسسه": "العامه",
    "الشركه": "العامه",
    "المديريه": "العامه",
    "الاداره": "العامه",  # «الإدارة العامة للمرور»
}
# What makes «العام» «the year»: «العام الماضي», «العام نفسه».
_TIMES = frozenset({"الماضي", "المقبل", "الجاري", "الحالي", "المنصرم", "نفسه"})
# Definite adjectives of no regular shape that may follow a relation adjective in a body's name («الجيش السوري الحر»,
# «الصليب الأحمر»); other definite nouns after one are not the name's («البرلمان الدنماركي الخطة …»).
_PLAIN_ADJECTIVES = frozenset({"الحر", "الاحمر", "الاخضر", "الابيض"})
# Unions named by «العام» and a nationality or a field: «الاتحاد العام التونسي للشغل» («العام» is also «the year»).
_GENERAL_HEADS = frozenset({"الاتحاد"})
# Events (MISC): competitions and festivals, named by what follows the head: «كأس العالم 2026», «دوري أبطال آسيا»،
# «أولمبياد طوكيو», «مهرجانات بعلبك الدولية»; «الدوري» and «دورة» with a relation adjective («الدوري الإسباني»,
# «دورة الألعاب الآسيوية»); laws and agreements too (eval/README.md: «قانون الاستثمار», «اتفاقية باريس للمناخ»).
EVENT_HEADS = "كاس دوري بطوله اولمبياد مهرجان مهرجانات رؤيه قانون اتفاقيه " + (
    # Wars, uprisings, elections, treaties, charters, plans, initiatives and prizes are named by a place, a proper name,
    # a year or a month (``_AMBIGUOUS_EVENT_HEADS``): «حرب أكتوبر», «انتخابات 2026», «معاهدة فرساي», «خطة مارشال».
    "حرب ثوره انتفاضه انتخابات معاهده ميثاق خطه مبادره جائزه"
)
_LAW = "قانون"
_DEFINITE_EVENT_HEADS = frozenset({"الدوري", "دوره", "البطوله", "الحرب", "الانتخابات", "القمه"})
# A summit named by the states that meet: «القمة العربية», «القمة الخليجية», «القمة الأمريكية الصينية» (with the
# nationalities), not «القمة الثلاثية».
_SUMMITS = frozenset({"العربيه", "الاسلاميه"})
# «الحرب العالمية الثانية», «الحرب الباردة», «الحرب الأهلية اللبنانية»: what follows «الحرب» in a war's name, and
# whether an ordinal or a nationality must follow that.
_WARS = {"العالميه": "ordinal", "الاهليه": "nationality", "البارده": ""}
# Wars and uprisings are also named by the month they began in: «حرب تشرين», «ثورة يناير».
_UPRISINGS = frozenset({"حرب", "ثوره", "انتفاضه"})
_WORLD = "العالم"  # names a championship as a place does
_MONTHS = (
    "يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر كانون شباط اذار نيسان ايار حزيران "
    "تموز اب ايلول تشرين"
)
# A league's rank is part of its name: «الدوري الإنجليزي الممتاز».
_EVENT_RANKS = frozenset({"الممتاز", "الممتازه"})
# Meetings (MISC) named by where they are held: «قمة بغداد», «مؤتمر بروكسل», «منتدى الدوحة», «معرض دمشق الدولي».
_MEETING_HEADS = frozenset({"مؤتمر", "قمه", "منتدي", "معرض", "ملتقي", "ماراثون", "اكسبو"})
# Competitions named by a word and their country: «دوري نجوم العراق», «كأس ملك إسبانيا».
_CUP_HEADS = frozenset({"دوري", "كاس"})
# «بطولة» is also heroism, «رؤية» a view, «اتفاقية التعاون» any agreement: an event (or a plan: «رؤية 2030», a
# treaty: «اتفاقية باريس للمناخ») only before a place, a proper name or a year. («اتفاق غزة» is more often an
# agreement about the place than one named by it: «اتفاق» is no head.)
_AMBIGUOUS_EVENT_HEADS = frozenset(
    {"بطوله", "رؤيه", "اتفاقيه", "حرب", "ثوره", "انتفاضه", "انتخابات", "معاهده", "ميثاق", "خطه", "مبادره", "جائزه"}
)
# Plans, initiatives, charters and prizes that a known place or person follows are theirs, not named by them.
_OWNED_EVENT_HEADS = frozenset({"خطه", "مبادره", "ميثاق", "جائزه"})
# Settlements and the parts of a town (an Omani «ولاية», a Levantine «حارة», an Iraqi «محلة», an Egyptian «عزبة» or
# «نجع», a «ضاحية»), islands and oases («جزيرة أرواد» is «أرواد»); a stadium is named by its
# name («ملعب فيرنسايد» is «فيرنسايد»), but one named by a person keeps its word («ملعب الأمير فيصل بن فهد»).
SETTLEMENT_TRIGGERS = (
    "مدينه بلده قريه محافظه قضاء ناحيه منطقه مخيم بلدات ملعب حي ولايه حاره ضاحيه محله عزبه نجع جزيره واحه "
    # a Moroccan province and a river's basin: «إقليم الرحامنة», «حوض سبو»
    "اقليم حوض"
)
_STADIUM = "ملعب"
# Facilities are places (a hospital, a house of worship, an oil field, a lake, a nature reserve too); so are streets,
# squares, mountains, valleys and rivers, whose word is part of their name («جبل اللويبدة», «ساحة المرجة», «استاد
# خليفة», «نهر الليطاني»).
FACILITY_TRIGGERS = (
    "ميناء مرفا مطار قصر قلعه سد معبر مسجد جسر قاعده مستشفي جامع كنيسه كاتدرائيه معبد حقل بحيره محميه محطه دير "
    "استاد شارع ساحه ميدان جبل وادي نهر "
    # markets, parks, plants, reservoirs and minarets: «سوق الصاغة», «حديقة الزوراء», «معمل الزهراني», «منارة الحدباء»
    "سوق حديقه معمل خزان مناره"
)
# A settlement word that is also a term of office: «ولاية الرئيس» is his term, no place named by a title.
_TERMS_OF_OFFICE = frozenset({"ولايه"})
# Adjectives of size that are part of a facility's name («ميناء الفاو الكبير»), as a relation adjective is.
_SIZE_ADJECTIVES = frozenset({"الكبير", "الكبيره", "الكبري"})
# Adjectives of a place's part, which a body named by the place keeps: «قيادة عمليات الفرات الأوسط».
_PLACE_ADJECTIVES = _SIZE_ADJECTIVES | {"الاوسط", "الاعلي", "الادني", "الصغري"}
# First words of compound place names, which take the word after them: «عين القبو», «كفر تخاريم», «ذي قار».
# «مار» (a saint) names a monastery or a church with the saint's name: «دير مار بهنام».
_COMPOUND_PLACE_WORDS = frozenset(
    {"عين", "كفر", "دير", "بيت", "تل", "ام", "ابو", "ابي", "راس", "بني", "جسر", "بستان", "ذي", "مار"}
)
# First words of compound place names that announce a place alone: «كفر نبل», «تل رفعت», «عين التينة» (after a
# preposition: «عين» is also an eye).
_COMPOUND_TRIGGERS = frozenset({"كفر", "تل", "عين"})
_NATIONAL_TEAM = "المنتخب"
_PLACE_PREPOSITIONS = frozenset({"في", "الي", "من", "قرب", "نحو", "باتجاه", "حتي", "عند"})
# Words that end a name: function words, verbs of reporting, times. With the analyzer's stop words.
_ENDERS = (
    "قال قالت اكد اكدت اعلن اعلنت اضاف اضافت اشار اشارت اوضح اوضحت دعا دعت ان انه انها الذي التي الذين يوم اليوم "
    "امس غدا خلال بعد قبل مع عن الي علي في من حتي منذ عند لدي بين اثناء ايضا كما وقال وقالت واكد واضاف كان كانت "
    "السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه صباح مساء عبر ضد نحو وفق حول امام لقد قد لم لن ما "
    "الاسبوع الشهر العام الموسم المقبل المقبله الماضي الماضيه الحالي الجاري للمره"
)
# Nationalities not made by the rule of ``_nationalities`` from their country's name («إنجلترا»).
_IRREGULAR_NATIONALITIES = frozenset({"الانجليزي", "الانجليزيه", "الانكليزي", "الانكليزيه"})
COMMON_ZIPF = 5.0  # a word this frequent is a common word, unless it is a known name word
RARE_ZIPF = 4.0  # a word this rare after an organisation head is taken for a proper name
PLACE_ZIPF = 4.5  # a word this frequent after a place trigger is a common word («قرية بعيدة»)
KNOWN_ZIPF = 3.0  # a word this frequent is one the lexicon knows: as an agreeing adjective, it describes
MAX_NAME_WORDS = 3
# A word is ل + a noun when the noun alone is this much more frequent (Zipf) than the word: «لصياغة», not «ليلى».
_CLITIC_GAIN = 0.5
# ... and, for a word after a title, this much more: a name may be a word's form («كمال», «بسام»); «لإصابة» is not.
_NOUN_GAIN = 0.8
# A name word ending in ا is a noun in the accusative when the noun without it is this much more frequent.
_ACCUSATIVE_GAIN = 0.8
# Words that link a name's parts (with European particles: «نايلة دو فريج», «أورسولا فون دير لاين»).
_NAME_LINKS = frozenset({"بن", "ابن", "ابو", "ابي", "عبد", "بنت", "دو", "دي", "فون", "فان"})
_PREPOSITIONS = frozenset({"علي", "في", "من", "عن", "الي", "عليها", "عليه", "فيها", "فيه", "منها", "منه"})
# A preposition with a pronoun after a «لل…» word makes it a purpose («للمصادقة عليها»), not a part of a name.
# A field that points back at what the text speaks of names no body: «الهيئة الناظمة للقطاع».
_ANAPHORIC_FIELDS = frozenset(
    {"للقطاع", "للبلاد", "للمنطقه", "للدوله", "للمدينه", "للمحافظه", "للملف", "للشركه", "للمشروع", "للمطار"}
)
_PURPOSE_PREPOSITIONS = frozenset({"عليها", "عليه", "عليهم", "فيها", "فيه", "عنها", "عنه", "منها", "منه", "بها", "به"})
_PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
_MARKS = re.compile(f"[{DIACRITICS}{TATWEEL}]")
_TANWEEN_FATH = "\u064b"
_COMMAS = frozenset({"،", ","})
_SAYING, _GIVEN = 1, 2  # kinds of automaton hits told from the next word
_WORD = re.compile(r"\S+")


def _words(text: str) -> frozenset[str]:
    return frozenset(normalize(word) for word in text.split())


class _Token(NamedTuple):  # a tuple: a body has dozens and a frozen dataclass is slow to build
    start: int
    end: int
    word: str
    broken: bool  # punctuation between this token and the one before


class _Span(NamedTuple):
    tokens: tuple[_Token, ...]
    kind: EntityType
    canonical: _Token  # the canonical name starts at this token
    name: str | None = None  # the canonical name, when it is not the text from there («المنتخب العراقي»)


class _Window:
    """The words of a body from one token on, read only as far as they are asked for: contexts are rare and
    short, so most of a body is never split into tokens."""

    def __init__(
        self, tagger: ContextTagger, body: NormalizedText, first: _Token, known: Mapping[int, tuple[int, EntityType]]
    ) -> None:
        self._tagger = tagger
        self._body = body
        self.known = known  # the gazetteer's names in the original body: start -> (end, type)
        self._tokens = [first]
        self._rest = _WORD.finditer(body.words, first.end)

    def get(self, index: int) -> _Token | None:
        while index >= len(self._tokens):
            match = next(self._rest, None)
            if match is None:
                return None
            self._tokens.append(self._tagger.token(self._body, match.start(), match.end(), self._tokens[-1].end))
        return self._tokens[index]

    def __getitem__(self, index: int) -> _Token:
        token = self.get(index)
        if token is None:
            raise IndexError(index)
        return token

    def original(self, position: int) -> int:
        return self._body.offsets.original(position)

    def before(self) -> str:
        """The word before the first token, if no punctuation is between them."""
        return _word_before(self._body.words, self._tokens[0])

    def unbroken(self, token: _Token) -> _Window:
        """The words from ``token`` on, read as if no punctuation were before it (a name after a comma)."""
        return _Window(self._tagger, self._body, token._replace(broken=False), self.known)

    def comma(self, token: _Token) -> bool:
        """Whether a comma alone is between the token and the word before it (an apposition: «الوزير، أيمن …»)."""
        previous = self._body.words.rfind(" ", 0, token.start)
        while previous > 0 and self._body.words[previous - 1] == " ":
            previous -= 1
        return self._body.normalized[previous : token.start].strip() in _COMMAS

    def hamza(self, token: _Token) -> bool:
        """Whether the word is written with a hamza on its first alef («إلياس»): no article, though it normalizes so."""
        return self._body.original[self.original(token.start)] in "أإآ"

    def accusative(self, token: _Token) -> bool:
        """Whether the word carries the accusative ending «ـاً» («وفداً»): an indefinite noun, not a name (asked only
        of a word that ends in ا)."""
        start, last = self._body.offsets.originals([token.start, token.end - 1])
        return _TANWEEN_FATH in self._body.original[start : last + 2]

    def span(self, first: int, end: int, kind: EntityType, canonical: int) -> _Span:
        return _Span(tuple(self._tokens[first:end]), kind, self._tokens[canonical])


class ContextTagger:
    """Tags names from their context. ``frequencies`` are Zipf frequencies of normalized words
    (``marsad.search.analyzer.lexicon``); ``name_words`` are words of known names (the gazetteer's),
    ``place_names`` the names of known places (nationalities are made of them)."""

    def __init__(
        self,
        frequencies: dict[str, float],
        name_words: Iterable[str],
        stopwords: Iterable[str],
        place_names: Iterable[str] = (),
        given_names: Iterable[str] = (),
    ) -> None:
        self._frequencies = frequencies
        self._name_words = frozenset(normalize(word) for word in name_words)
        written_places = [" ".join(_MARKS.sub("", name).split()) for name in place_names]
        names = [normalize(name) for name in written_places]
        self._places = frozenset(name for name in names if " " not in name)
        # A nationality is made of a one-word place name, or of the first word of a longer one («كوريا الجنوبية»), of a
        # place texts name often (a country, a region, a big city) and that is no common noun (its form with or
        # without the article is rare, or much rarer: «سعودية» is, «جنوب», «سوق» are not): other nisbas are mostly
        # everyday adjectives («المعدني» of «معدن جديد», «اللبني» of «اللبن الشرقية», «البحري», «السوقي»).
        self._nationalities = _IRREGULAR_NATIONALITIES | _nationalities(
            place
            for place in {*self._places, *(name.split()[0] for name in names if " " in name)}
            if (frequency := frequencies.get(place, 0.0)) >= PLACE_ZIPF
            and frequencies.get(place[2:] if place.startswith("ال") else f"ال{place}", 0.0)
            < max(RARE_ZIPF, frequency - 1.0)
        )
        # A national team is named by its country, spelled as most texts spell it: «المنتخب السوري» is «منتخب سوريا».
        countries: dict[str, str] = {}
        for written in written_places:
            if " " in written:
                continue
            for nationality in _nationalities([normalize(written)]):
                spelled = countries.get(nationality)
                if spelled is None or frequencies.get(normalize(written), 0.0) > frequencies.get(
                    normalize(spelled), 0.0
                ):
                    countries[nationality] = written
        self._countries = {nationality: country for nationality, country in countries.items() if nationality[-1] == "ي"}
        titles = _words(PERSON_TITLES)
        # A title's feminine, when the lexicon has it rarer than the masculine: «المزارعة», not «المؤسسة» (an
        # institution), «المحافظة» (a governorate) or «المعارضة» (the opposition); also a title and «his» («مهاجمه»).
        self._titles = titles | {
            f"{title}ه"
            for title in titles
            if title[-1] not in "هاي" and frequencies.get(f"{title}ه", 0.0) < frequencies.get(title, 0.0)
        }
        self._sayings = _words(SAYING_VERBS)
        self._enders = _words(_ENDERS) | frozenset(normalize(word) for word in stopwords)
        # «علي» is also «على» typed without its dots, «إمام» is «أمام»: no given names for this context.
        # Links are no given names: «بن عكنون» is a town, «أبي رقراق» a river.
        self._given_names = frozenset(normalize(name) for name in given_names) - {"علي"} - self._enders - _NAME_LINKS
        self._heads = _words(ORGANISATION_HEADS)
        self._administrations = _words(_ADMINISTRATIONS)
        self._settlements = _words(SETTLEMENT_TRIGGERS)
        self._facilities = _words(FACILITY_TRIGGERS)
        self._nisba_heads = _words(_NISBA_HEADS)
        self._field_heads = _words(_FIELD_HEADS) | self._nisba_heads
        self._events = _words(EVENT_HEADS)
        self._months = _words(_MONTHS)
        self._triggers = (
            self._titles
            | self._heads
            | self._settlements
            | self._facilities
            | set(_DEFINITE_HEADS)
            | _NATIONAL_HEADS
            | self._field_heads
            | self._events
            | _DEFINITE_EVENT_HEADS
            | _COMPOUND_TRIGGERS
            | _MEETING_HEADS
            | {_NATIONAL_TEAM}
            | self._sayings
        )
        # A place's name may make a trigger look like a nationality («الدوري» of a town «دورا»): it is the trigger.
        self._nationalities -= self._triggers
        # Every trigger after every proclitic, as a whole word: one pass over a body finds the candidates. The value:
        # the word's length and its kind (``_SAYING``, ``_GIVEN``: told from the next word before anything is built).
        self._automaton = ahocorasick.Automaton()
        for trigger in self._triggers:
            kind = _SAYING if trigger in self._sayings else 0
            for prefix in ("", *_PROCLITICS):
                self._automaton.add_word(f" {prefix}{trigger} ", (len(prefix) + len(trigger), kind))
            if trigger.startswith("ال"):  # ل + ال drops the alef («للهيئة») and, before a ل, one lam too («للجنة»)
                dative = f"ل{trigger[1:]}" if trigger[2] == "ل" else f"لل{trigger[2:]}"
                self._automaton.add_word(f" {dative} ", (len(dative), 0))
        # A known given name before a surname («سالم الدوسري», «أحمد هشام»).
        for given in self._given_names - self._triggers:
            for prefix in ("", *_PROCLITICS):
                self._automaton.add_word(f" {prefix}{given} ", (len(prefix) + len(given), _GIVEN))
        # A nationality before a person's name («البرازيلي مالكوم»), as a whole word.
        for nationality in self._nationalities:
            if nationality[-1] == "ي":  # the masculine: a feminine one is mostly an adjective («اللبنانية مناقصة»)
                self._automaton.add_word(f" {nationality} ", (len(nationality), 0))
        self._automaton.make_automaton()

    def tag(self, body: NormalizedText, known: Sequence[Entity] = ()) -> list[Entity]:
        """Names in ``body`` found from their context; ``known``: the gazetteer's entities in it. A person whose
        name starts where a known entity does is the gazetteer's («الرئيس فلاديمير بوتين»): not looked at further."""
        starts = {entity.start: (entity.end, entity.type) for entity in known}
        found: list[_Span] = []
        named: set[int] = set()  # where the names found start
        resume = 0
        title_until = 0  # where the name after the last title starts: the title's modifiers are before it
        for last, (length, kind) in self._automaton.iter(f" {body.words} "):
            # The word's trailing space is at padded index `last`, so it ends at `last - 1` in the body.
            end = last - 1
            start = end - length
            if start < resume:
                continue
            if body.words[start:end] in self._nationalities and not self._may_follow_nationality(body.words, end):
                continue  # the common case («الجيش السوري»), told from the next word alone
            if kind and not self._may_be_named(body.words, end, kind):
                continue  # «قال إن», «قال الوزير», «محمد إلى»: no name follows
            token = self.token(body, start, end)
            bare = self._definite(token.word) or self._bare(token.word)
            if bare not in self._triggers and bare not in self._nationalities and bare not in self._given_names:
                continue
            if (
                kind == _GIVEN
                and bare not in self._titles
                and bare in self._given_names
                and bare not in self._triggers
                and body.offsets.original(end - len(self._bare(token.word))) in starts
            ):
                continue  # «فلاديمير بوتين»: the gazetteer's person (``_given`` would say so after building a window)
            if (
                bare in self._nationalities
                and bare not in self._given_names
                and bare not in _GENERAL_HEADS
                and _word_before(body.words, token).startswith("ال")
            ):
                continue  # «الرئيس الروسي …»: the nationality describes the word before it (as ``_person`` says)
            window = _Window(self, body, token, starts)
            if token.broken and bare in self._titles and window.comma(token):
                before = self._named_before(body, token, starts)
                if before is not None and before.tokens[0].start not in named and before.tokens[0].start >= resume:
                    found.append(before)  # «أوزغور أوزيل، زعيم حزب الشعب الجمهوري، …»
                    named.add(before.tokens[0].start)
            span = self._at(window, bare)
            if span is None or span.tokens[0].start in named:
                continue
            if start < title_until and not self._named_body(span):
                continue  # «رئيس مجلس المدينة …», «رئيسة لجنة المهرجانات …»: a role, no body's name
            found.append(span)
            named.add(span.tokens[0].start)
            while span.kind == "PER" and (other := self._coordinated(body, span, starts)) is not None:
                found.append(other)  # «محمود المواس وإبراهيم هيسار»
                named.add(other.tokens[0].start)
                span = other
            if span.kind == "PER":
                # A title's modifiers may name a body («رئيس الهيئة العامة للطيران المدني …»): read on after the title.
                resume, title_until = token.end, span.tokens[0].start
            else:
                resume = span.tokens[-1].end
        people: dict[tuple[str, ...], _Span] = {}
        for span in found:
            if span.kind == "PER":
                people.setdefault((self._bare(span.tokens[0].word), *(token.word for token in span.tokens[1:])), span)
        covered = {token.start for span in found for token in span.tokens}
        found += self._mentions_again(body, people, covered)
        # A club, and a company or a group named by a rare proper name («شركة سيريتل», «مجموعة إيني»: not «شركة الفرات
        # …», whose name alone is the river), is found again by its name alone.
        found += self._clubs_again(
            body,
            [
                span
                for span in found
                if span.kind == "ORG"
                and (
                    (head := self._bare(span.tokens[0].word)) == _CLUB
                    or (
                        head in _COMPANY_HEADS
                        and len(span.tokens) > 1
                        and not span.tokens[1].word.startswith("ال")
                        and self._frequencies.get(span.tokens[1].word, 0.0) < RARE_ZIPF  # «شركة أمل» … «أمل»
                    )
                )
            ],
            covered,
        )
        found += self._places_again(body, [s for s in found if s.kind == "LOC" and s.canonical == s.tokens[1]], covered)
        return self._entities(body, found)

    def _named_before(
        self, body: NormalizedText, title: _Token, known: Mapping[int, tuple[int, EntityType]]
    ) -> _Span | None:
        """A person named before a comma and their ``title``, at the start of a clause or after a verb of saying: two or
        three rare indefinite words («أوزغور أوزيل، زعيم حزب الشعب الجمهوري، …»), not a clause's last words («… أمس،
        الرئيس …»)."""
        words = list(_WORD.finditer(body.words, max(0, title.start - 120), title.start))[-MAX_NAME_WORDS:]
        for count in range(len(words), 1, -1):
            first = self.token(body, words[-count].start(), words[-count].end())
            said = count < len(words) and self._bare(words[-count - 1][0]) in self._sayings
            if not (first.broken or first.start == 0 or said):
                continue
            window = _Window(self, body, first._replace(broken=False), known)
            # After a known given name, the comma and the title tell a frequent surname too («ريم حداد»).
            rare = PLACE_ZIPF if self._bare(first.word) in self._given_names else RARE_ZIPF
            if all(
                self._surname_word(window, i, PLACE_ZIPF if i == 0 else rare) and self._foreign_word(window, i)
                for i in range(count)
            ):
                return window.span(0, count, "PER", 0)
        return None

    def _coordinated(
        self, body: NormalizedText, person: _Span, known: Mapping[int, tuple[int, EntityType]]
    ) -> _Span | None:
        """Another person joined to ``person`` by «و»: a known given name and a rare surname («محمود المواس
        وإبراهيم هيسار»), not a noun («وزملاؤه»)."""
        after = person.tokens[-1].end
        following = _WORD.search(body.words, after)
        if following is None:
            return None
        token = self.token(body, following.start(), following.end(), after)
        if token.broken or not token.word.startswith("و") or token.word[1:] not in self._given_names:
            return None
        window = _Window(self, body, token, known)
        surname = window.get(1)
        if (
            surname is None
            or not self._name_word(surname)
            or surname.word in _NAME_LINKS
            or (self._frequencies.get(surname.word, 0.0) >= RARE_ZIPF and surname.word not in self._name_words)
            or (surname.word[-1] == "ا" and window.accusative(surname))
            or window.original(surname.start) in known
        ):
            return None
        return window.span(0, 2, "PER", 0)

    def _named_body(self, span: _Span) -> bool:
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
                and self._frequencies.get(words[1], 0.0) < RARE_ZIPF
            )
        )

    # --- tokens ---------------------------------------------------------------------------------------

    def token(self, body: NormalizedText, start: int, end: int, previous_end: int | None = None) -> _Token:
        """The word at ``body.words[start:end]``; ``previous_end``: where the word before it ends, when known."""
        if previous_end is None:
            previous_end = start
            while previous_end > 0 and body.words[previous_end - 1] == " ":
                previous_end -= 1
        word = body.words[start:end]
        return _Token(start, end, word, bool(body.normalized[previous_end:start].strip()))

    def _bare(self, word: str) -> str:
        """The word without proclitics, when what remains is a trigger or a known word."""
        if word in self._triggers or word in self._name_words or word in self._given_names or word[0] not in "وفبلك":
            return word
        if word.startswith("لل") and word[1:] in self._heads:
            return word  # «للجنة» is ل + «اللجنة»: a definite noun, not the head «لجنة»
        for prefix in _PROCLITICS:
            rest = word[len(prefix) :]
            if word.startswith(prefix) and len(rest) >= 3 and (rest in self._triggers or rest in self._name_words):
                return rest
            if word.startswith(prefix) and prefix.endswith("ب") and rest in self._settlements:
                return rest  # «بحي الجمالية»; not «وحي», a revelation
            # A given name that is also a word after «ب», «ل», «ك» is mostly the word: «بكامل طاقته».
            if (
                word.startswith(prefix)
                and rest in self._given_names
                and not self._protected(word, rest)
                and (prefix in ("و", "ف") or self._frequencies.get(rest, 0.0) < RARE_ZIPF)
            ):
                return rest
        return word

    def _protected(self, word: str, rest: str) -> bool:
        """Whether ``word`` is a word of its own, not a proclitic and the given name ``rest`` («بسام», «وعد»)."""
        return word in self._frequencies and self._frequencies[word] > self._frequencies.get(rest, 0.0) - _CLITIC_GAIN

    def _definite(self, word: str) -> str | None:
        """The definite trigger a «لل…» word is ل + of («للهيئة» → «الهيئة», «للجنة» → «اللجنة»), if it is one."""
        if not word.startswith("لل"):
            return None
        for definite in (f"ا{word}", f"ال{word[2:]}"):
            if definite in self._triggers:
                return definite
        return None

    def _title(self, word: str) -> bool:
        """A title or role, also in the feminine («القاضية»)."""
        return word in self._titles or (word[-1] == "ه" and word[:-1] in self._titles)

    def _describes(self, word: str, head: str) -> bool:
        """Whether the indefinite ``word`` after the indefinite ``head`` is an adjective the lexicon knows that agrees
        with it: feminine after a feminine head («شركة ناشئة», «قرية مجاورة»), or a relation adjective («اتحاد
        عمالي»). A place or a rare name word is no adjective («جامعة حماة»); a frequent one may be («مؤسسة مالية»)."""
        frequency = self._frequencies.get(word, 0.0)
        if word.startswith("ال") or word in self._places or (word in self._name_words and frequency < RARE_ZIPF):
            return False
        # An adjective is a word with the article too: «المجاورة»; a name is not: «بلدة ربيعة».
        known = self._frequencies.get(f"ال{word}", 0.0) >= KNOWN_ZIPF
        # An elative describes a noun of either gender: «حركة أنشط من المعتاد», «شركة أكبر».
        elative = len(word) == 4 and word[0] == "ا" and word not in self._given_names and frequency >= KNOWN_ZIPF
        return elative or (known and (_feminine(word) if _feminine(head) else _nisba(f"ال{word}")))

    def _common(self, word: str) -> bool:
        return word not in self._name_words and self._frequencies.get(word, 0.0) >= COMMON_ZIPF

    def _name_word(self, token: _Token) -> bool:
        word = token.word
        return not token.broken and word not in self._enders and word not in self._triggers and not self._common(word)

    # --- the three contexts ---------------------------------------------------------------------------

    def _at(self, tokens: _Window, bare: str) -> _Span | None:
        """The name after the trigger ``tokens[0]``, whose word without proclitics is ``bare``."""
        if bare in self._titles:
            return self._person(tokens)
        if bare in self._given_names and bare not in self._triggers:
            return self._given(tokens)
        if bare in self._sayings:
            return self._speaker(tokens)
        following = tokens.get(1)
        if bare in self._heads or (
            following is not None
            and not following.broken
            and (
                (bare in _DEFINITE_HEADS and following.word == _DEFINITE_HEADS[bare])
                or (bare in self._nisba_heads and following.word in _HEAD_QUALIFIERS)
                or (
                    bare in self._nisba_heads
                    and _nisba(following.word)
                    and following.word.startswith("ال")
                    and following.word not in _OWNERSHIPS  # «اللجنة الحكومية المشتركة»: whose, not which
                )
                or (bare in _NATIONAL_HEADS and following.word in self._nationalities)
                or (bare in self._field_heads and self._field_adjective(tokens))
                or self._general_union(tokens, bare)
            )
        ):
            return self._organisation(tokens, bare)
        if bare in self._settlements or bare in self._facilities:
            return self._place(tokens, bare)
        if bare in _COMPOUND_TRIGGERS:
            return self._compound(tokens, bare)
        if bare == _NATIONAL_TEAM:
            return self._national_team(tokens)
        if bare in _MEETING_HEADS:
            return self._meeting(tokens, bare)
        if bare in self._events or bare in _DEFINITE_EVENT_HEADS:
            return self._event(tokens, bare)
        if bare in self._nationalities:
            return self._person(tokens, after_nationality=True)
        return None

    def _person(self, tokens: _Window, after_nationality: bool = False) -> _Span | None:
        """A person after a title, or after a nationality («الإيطالي سيموني إنزاغي»): then the name follows at once
        and its words are rare ones or known name words (a nationality is more often an adjective: «الوفد الروسي»)."""
        if after_nationality and tokens.before().startswith("ال"):
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
            place = tokens.known.get(tokens.original(token.end - len(self._bare(token.word))))
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
                and token.word not in self._heads  # «مدرب منتخب سورية …»: a body, which the next turns pass
                and self._frequencies.get(token.word, 0.0) >= RARE_ZIPF  # a common noun, not «الباحث سامر حمص»
                and token.word not in self._given_names
                and tokens.known.get(tokens.original(owner.end - len(self._bare(owner.word))), ("", ""))[1] == "LOC"
            ):
                position += 1  # «مدير صحة كربلاء …»: a noun of a known place, which the next turn passes
            elif (
                token.word.startswith(("ال", "وال", "لل"))
                and token.word not in self._enders
                and not tokens.hamza(token)
            ) or (token.word in _TITLE_LINKS and (token.word != "باسم" or position == 1)):
                position += 1  # «باسم» links only the title itself («المتحدث باسم»): «مدير الشركة باسم …» is a name
            elif token.word == "العام" and position == 1:
                position += 1  # «المدير العام …»: «العام» is no «year» right after a title
            elif (
                token.word.startswith("ل")
                and (owner := tokens.get(position + 1)) is not None
                and not owner.broken
                and owner.word.startswith(("ال", "و"))
                and token.word not in self._name_words
                and token.word[1:] not in self._given_names  # «مدرب الفريق لسعد الشابي»: a Maghrebi given name
                and self._frequencies.get(token.word[1:], 0.0) - self._frequencies.get(token.word, 0.0) >= _CLITIC_GAIN
            ):
                position += 1  # «رئيس الجمعية الحرفية لصياغة وصناعة الذهب …»: ل + a noun the next words own
            elif token.word in _COMPOUND_PLACE_WORDS and position > 1 and tokens[position - 1].word == "بلديه":
                position += 2  # «رئيس بلدية بيت الدين …»: a compound town name
            elif self._owned(tokens, position):
                position += 2  # «وزير الاتصالات وتقانة المعلومات …», not «رئيس الاتحاد وديع الجريء»
            elif token.word in self._heads and (body := tokens.get(position + 1)) and body.word.startswith("ال"):
                position += 2  # «رئيس مجلس المدينة …»: a body with its definite name
            elif (
                token.word in self._heads
                and (body := tokens.get(position + 1))
                and (owner := tokens.get(position + 2))
                and owner.word.startswith("ال")
                and not body.word.startswith("ال")
                and self._frequencies.get(body.word, 0.0) >= COMMON_ZIPF
            ):
                position += 3  # «رئيس مجلس إدارة الشركة …»
            elif (
                token.word in _TITLE_PREPOSITIONS
                and (place_word := tokens.get(position + 1))
                and place_word.word.startswith("ال")
            ):
                position += 2  # «مدير الحراج في المحافظة …», «المبعوث الأمريكي إلى الشرق الأوسط …»
            elif token.word in _TITLE_PLACE_PREPOSITIONS and (place_end := self._known_place(tokens, position + 1)):
                position = place_end  # «المدير الجهوي للفلاحة في صفاقس …»
            else:
                break
        start = position
        if tokens.known and (name := tokens.get(start)) is not None:
            offset = name.end - len(self._bare(name.word))
            if tokens.original(offset) in tokens.known:
                return None
        if not after_nationality and (name := tokens.get(start)) is not None and name.broken and tokens.comma(name):
            return self._apposition(tokens, start)
        while (
            (token := tokens.get(position)) is not None
            and (
                self._name_word(token)
                or (token.word in _NAME_LINKS and not token.broken)
                # «مدير الشركة باسم عبد الكريم»: after a title's modifiers «باسم» is a given name, not «in the name of»
                or (
                    token.word == "باسم"
                    and position == start > 1
                    and not token.broken
                    and self._names_on(tokens, start)
                )
                # «عبد» takes a common word: «عبد الكريم»
                or (position > start and tokens[position - 1].word == "عبد" and not token.broken)
            )
            and not (token.word[-1] == "ا" and tokens.accusative(token))
        ):
            word, count = token.word, position - start
            if after_nationality and not self._foreign_name_word(word, count == 0):
                break
            after_link = count > 0 and tokens[position - 1].word in _NAME_LINKS
            if count == 0 and word.startswith(("ال", "وال", "بال", "كال", "فال", "لل")) and not tokens.hamza(token):
                break  # a given name does not take the article («إلياس» is no article): «المعلمة بالأعلام»
            if (
                count == 0
                and position == 1
                and not self._bare(tokens[0].word).startswith("ال")
                and word not in self._given_names
                and self._frequencies.get(word, 0.0) >= RARE_ZIPF
            ):
                break  # «لاعب جديد», «مسؤول بارز»: an indefinite title's adjective, not a name
            if (
                word[-1] == "ا"
                and word not in self._given_names
                and word not in self._name_words
                and (frequency := self._frequencies.get(word, 0.0)) >= RARE_ZIPF
                # much rarer than the noun it ends: «مديرا» is «مدير», «نورا» a name
                and self._frequencies.get(word[:-1], 0.0) - frequency >= _ACCUSATIVE_GAIN
            ):
                break  # «عين الوزير مديرا», «مالكوم هدفا»: a common noun in the accusative, written without its tanween
            if (
                count == 0
                and word[0] in "بلكوف"
                and word not in self._name_words
                and word not in self._given_names
                and (
                    _verbal_noun(word[1:])
                    or self._frequencies.get(word[1:], 0.0) - self._frequencies.get(word, 0.0) >= _NOUN_GAIN
                )
            ):
                break  # «يسمح للرئيس بتسليم …», «تعرض الشاب لإصابة …», «فاعترف»: a proclitic and a word, not a name
            if self._future_verb(word):
                break  # «اللاعبة ستمثل بلادها»: a verb, not a name
            if (
                f"ال{word}" in self._nationalities
                and word not in self._name_words
                and self._frequencies.get(word, 0.0) >= RARE_ZIPF
            ):
                break  # «وزير سوري سابق», «لاعب عراقي»: an indefinite nationality, not a name
            # A third word only as «… بن عيسى», «… عبد الله», «… حسين الشرع»; a fourth only after a link
            # («عبد العزيز بن سلمان»).
            # «محمد عبد الحميد الفقي»: «عبد …» inside the name counts as one word.
            joined = any(tokens[i].word == "عبد" for i in range(start, position - 1))
            if count > MAX_NAME_WORDS or (count == MAX_NAME_WORDS and not after_link and not joined):
                break
            # «عبد السلام هيكل»: «عبد …» is one given name of two words.
            compound = tokens[start].word == "عبد" and count == 2
            # A known given name takes two more rare words that are no nouns: «الطبيب خوان كارلوس مارتينيز».
            given = count == 2 and tokens[start].word in self._given_names and self._surname_word(tokens, position)
            if count >= 2 and not (word.startswith("ال") or after_link or word in _NAME_LINKS or compound or given):
                break
            if (
                count >= 2
                and not after_link
                and word.startswith("ال")
                and word != _GOD
                and word not in self._name_words
                and self._frequencies.get(word, 0.0) >= RARE_ZIPF
            ):
                break  # «وافتتح المهاجم جوناثان ماتوس التسجيل»: the verb's object, a common noun, not a family name
            if (
                count >= 2
                and not after_link
                and word != _GOD
                and (described := tokens.get(position + 1)) is not None
                and described.word in _PREPOSITIONS
            ):
                break  # «معن أسعد الحاصل على …», «… المحترف في …»: a participle describes the person
            position += 1
        if position > start and tokens[position - 1].word in _NAME_LINKS:
            position -= 1  # a name does not end with «بن» or «عبد»
        if position == start:
            return None
        if after_nationality and position - start == 1 and tokens[start].word not in self._name_words:
            return None  # one unknown word after a nationality is more often a noun («تحسناً»)
        return tokens.span(start, position, "PER", start)

    def _apposition(self, tokens: _Window, start: int) -> _Span | None:
        """A person named after a title and a comma («وزير الخارجية الأردني، أيمن الصفدي، …»): a known given name and
        its surname, or two or three rare indefinite words that a comma or a function word ends."""
        name = tokens[start]
        unbroken = tokens.unbroken(name)
        span = self._given(unbroken) if name.word in self._given_names else None
        if span is None:
            end = 0
            # The first word may be a frequent one, as a given name is («منية»): the comma and the title announce it.
            while (
                end < MAX_NAME_WORDS
                and self._surname_word(unbroken, end, PLACE_ZIPF if end == 0 else RARE_ZIPF)
                and self._foreign_word(unbroken, end)
            ):
                end += 1
            if end == 1 and (surname := unbroken.get(1)) is not None and surname.word.startswith("ال"):
                end += self._definite_surname(unbroken, surname)  # «منية الصرارفي»
            after = unbroken.get(end)
            if end < 2 or not (after is None or after.broken or after.word in self._enders):
                return None
            span = unbroken.span(0, end, "PER", 0)
        return span._replace(tokens=(name, *span.tokens[1:]), canonical=name)

    def _names_on(self, tokens: _Window, position: int) -> bool:
        """Whether the word after ``tokens[position]`` goes on with a name: a link or an indefinite name word."""
        following = tokens.get(position + 1)
        return following is not None and (
            following.word in _NAME_LINKS or (self._name_word(following) and not following.word.startswith("ال"))
        )

    def _given(self, tokens: _Window) -> _Span | None:
        """A person named by a known given name and a rare definite surname that is no known name («سجل سالم
        الدوسري هدفين»): the surname is rarer than ``RARE_ZIPF``, so «حسن النية» and «نور الشمس» are no names; or by
        one or two indefinite words that are no common words («أحمد هشام», «ليندة بوزيدي»)."""
        surname = tokens.get(1)
        if surname is not None and not surname.word.startswith("ال"):
            if tokens.original(tokens[0].end - len(self._bare(tokens[0].word))) in tokens.known:
                return None
            if surname.word == "عبد" and not surname.broken:
                # «سعاد عبد المنعم»: «عبد» and a definite name of God is the father's name
                god = tokens.get(2)
                if god is None or god.broken or not god.word.startswith("ال") or god.word in self._enders:
                    return None
                return tokens.span(0, 3, "PER", 0)
            end = 1
            while (
                end < MAX_NAME_WORDS
                and self._surname_word(tokens, end)
                and not (end > 1 and self._owned_by(tokens, end))
            ):
                end += 1
            if end > 1 and (family := tokens.get(end)) is not None and family.word.startswith("ال"):
                end += self._definite_surname(tokens, family)  # «خالد جاسم الربيعي»
            return tokens.span(0, end, "PER", 0) if end > 1 else None
        if (
            surname is None
            or not self._definite_surname(tokens, surname)
            or tokens.original(tokens[0].end - len(self._bare(tokens[0].word))) in tokens.known
        ):
            return None  # a known person («ماهر الشرع») is the gazetteer's
        return tokens.span(0, 2, "PER", 0)

    def _definite_surname(self, tokens: _Window, surname: _Token) -> bool:
        """Whether ``surname`` is a rare definite word that is no known name and no feminine noun; a nationality after a
        given name is a family name («نبيل القدسي»)."""
        return not (
            surname.broken
            or self._frequencies.get(surname.word, 0.0) >= RARE_ZIPF
            or surname.word in self._enders
            or surname.word in self._triggers
            or surname.word.endswith("ه")  # a feminine noun or adjective («غير النفطية»), not a family name
            or (surname.word[-1] == "ا" and tokens.accusative(surname))
            or tokens.original(surname.start) in tokens.known
        )

    def _surname_word(self, tokens: _Window, position: int, rare: float = RARE_ZIPF) -> bool:
        """Whether ``tokens[position]`` is an indefinite word of a name after a given name: a known name word or a rare
        word, not a function word, a title, a nationality, a verb or a noun after a proclitic («أحمد ولقاء»), an
        accusative («سالم وفداً»)."""
        token = tokens.get(position)
        if token is None or not self._name_word(token) or token.word in _NAME_LINKS or self._title(token.word):
            return False
        word = token.word
        frequency = self._frequencies.get(word, 0.0)
        known = word in self._name_words or word in self._given_names
        return (
            not word.startswith("ال")
            and (frequency < rare or (known and frequency < COMMON_ZIPF and position == 1))
            and f"ال{word}" not in self._nationalities
            and not _plural_nisba(word, self._frequencies)
            and not (word[0] in "وفبلك" and not known and self._frequencies.get(word[1:], 0.0) >= KNOWN_ZIPF)
            and not (word[0] == "و" and not known and position > 1)  # «سامر حداد وزملاؤه»: «و» joins another
            and not self._future_verb(word)
            and not self._possessed(word)
            # an accusative («وفداً»), written with its ending or not («مديرا» is «مدير»)
            and not (
                word[-1] == "ا"
                and (tokens.accusative(token) or (not known and self._frequencies.get(word[:-1], 0.0) > frequency))
            )
            and tokens.original(token.start) not in tokens.known
        )

    def _owned_by(self, tokens: _Window, position: int) -> bool:
        """Whether ``tokens[position]`` is a noun (the lexicon knows it with the article too) and a definite word
        follows it at once, which owns it («يقلب سليم قوجة قوالب الصابون»), not a name before the verb's object
        («وحضر خوان كارلوس مارتينيز المباراة»)."""
        following = tokens.get(position + 1)
        return (
            self._frequencies.get(f"ال{tokens[position].word}", 0.0) >= KNOWN_ZIPF
            and following is not None
            and not following.broken
            and following.word.startswith(("ال", "لل"))
        )

    def _possessed(self, word: str) -> bool:
        """Whether ``word`` is a noun the lexicon knows and a possessive pronoun: «طاقته», «حكومتها», «كتابهم»."""
        for suffix in ("هما", "ها", "هم", "ه"):
            stem = word.removesuffix(suffix)
            if stem != word and len(stem) >= 3:
                # «طاقة» + «ه» is written «طاقته»; a bare noun takes the plural and feminine pronouns («كتابها»).
                if stem[-1] == "ت" and self._frequencies.get(f"{stem[:-1]}ه", 0.0) >= KNOWN_ZIPF:
                    return True
                if suffix != "ه" and self._frequencies.get(stem, 0.0) >= KNOWN_ZIPF:
                    return True
        return False

    def _future_verb(self, word: str) -> bool:
        """Whether ``word`` is «س» and a present verb the lexicon knows («ستمثل», «سيعود»), not a name («سيرغي»)."""
        present = word[1:]
        return (
            len(word) >= 5
            and word[0] == "س"
            and present[0] in "يتنا"
            and self._frequencies.get(present, 0.0) >= KNOWN_ZIPF
        )

    def _speaker(self, tokens: _Window) -> _Span | None:
        """Who speaks, named right after a verb of saying with no title: two or three rare indefinite words that end
        the clause («وقالت جيورجيا ميلوني إن …»), not «قال مصدر أمني» nor «أكد دبلوماسيون غربيون» (a known given name
        after the verb is the given-name rule's)."""
        first = tokens.get(1)
        if first is None or tokens.original(first.start) in tokens.known:
            return None
        if (apposed := self._apposed_speaker(tokens)) is not None:
            return apposed
        if first.word in self._given_names:
            return None
        end = 1
        while end <= MAX_NAME_WORDS and self._surname_word(tokens, end) and self._foreign_word(tokens, end):
            end += 1
        after = tokens.get(end)
        if end < 3 or not (after is None or after.broken or after.word in self._enders):
            return None
        return tokens.span(1, end, "PER", 1)

    def _apposed_speaker(self, tokens: _Window) -> _Span | None:
        """Who speaks, named by two to four words and described after a comma by «وهو»/«وهي»: «وقال أبو محمد الزعبي،
        وهو نجار …», «وقالت سعاد عبد المنعم، وهي أرملة …»; words that are no titles, no function words and no common
        words, the last a rare or a known name word (not «وقالت الحكومة المحلية، وهي …»)."""
        end = 1
        while (token := tokens.get(end)) is not None and not token.broken and end <= 4:
            word = token.word
            if word in self._enders or self._title(word) or word in self._triggers:
                return None
            if self._common(word) and word not in _NAME_LINKS:
                return None
            end += 1
        last = tokens.get(end - 1)
        if (
            token is None
            or end < 3
            or token.word not in _APPOSITION_PRONOUNS
            or not tokens.comma(token)
            or last is None
            or last.word in _NAME_LINKS
            or (last.word not in self._name_words and self._frequencies.get(last.word, 0.0) >= RARE_ZIPF)
        ):
            return None
        return tokens.span(1, end, "PER", 1)

    def _may_be_named(self, words: str, end: int, kind: int) -> bool:
        """Whether the word after a verb of saying or a given name ending at ``end`` may start a name or a surname:
        no punctuation (a double space), no function word, no frequent word (after a verb, no definite one)."""
        stop = words.find(" ", end + 1)
        following = words[end + 1 : stop if stop >= 0 else len(words)]
        if not following or following in self._enders:
            return False
        if kind == _SAYING:
            if _APPOSED.match(words, end + 1):
                return True  # «وقال الحسين أوبلا، وهو مزارع …»: checked by ``_apposed_speaker``
            return not following.startswith("ال") and self._frequencies.get(following, 0.0) < PLACE_ZIPF
        return following == "عبد" or (  # «ريم عبد الغفور»: «عبد …» is the father's name
            self._frequencies.get(following, 0.0) < (RARE_ZIPF if following.startswith("ال") else COMMON_ZIPF)
        )

    def _may_follow_nationality(self, words: str, end: int) -> bool:
        """Whether the word after a nationality ending at ``end`` may start a name (a double space: punctuation)."""
        stop = words.find(" ", end + 1)
        following = words[end + 1 : stop if stop >= 0 else len(words)]
        return (
            bool(following)
            and not following.startswith("ال")
            and following not in self._enders
            and self._foreign_name_word(following, True)
        )

    def _foreign_name_word(self, word: str, first: bool) -> bool:
        """A word that may be part of a name after a nationality: a known name word, or a word that is not common,
        has no pronoun after it («عملياتها») and, first in the name, no proclitic before it («وتشجيع»)."""
        if word in self._name_words:
            return True
        return (
            self._frequencies.get(word, 0.0) < COMMON_ZIPF
            and not word.endswith(("ها", "هم"))
            and not (first and word.startswith(("و", "ف", "ب", "ل", "ك")))
        )

    def _field_adjective(self, tokens: _Window) -> bool:
        """Whether a definite head is followed by a definite adjective and the field it serves: «المكتب الشريف
        للفوسفات», «المؤسسة المحلية للمياه» (not «المكتب الثاني للشركة», nor a verb's object: «المكتب الجديد»)."""
        adjective, field = tokens.get(1), tokens.get(2)
        return (
            adjective is not None
            and field is not None
            and not (adjective.broken or field.broken)
            and adjective.word.startswith("ال")
            and (adjective.word not in self._enders or adjective.word == "العام")
            and adjective.word not in _ORDINALS
            and adjective.word not in self._triggers
            # A relation adjective, a qualifier or a rare participle («الناظمة»), not a common one («الجديد»).
            and (
                _nisba(adjective.word)
                or adjective.word in _HEAD_QUALIFIERS
                or adjective.word == "العام"  # «الاتحاد العام لـ…», though «العام» is also «the year»
                or self._frequencies.get(adjective.word, 0.0) < RARE_ZIPF
            )
            and self._field(tokens, 2)
        )

    def _field(self, tokens: _Window, position: int) -> bool:
        """Whether ``tokens[position]`` starts a body's field: «للنقل», or ل + a noun its next word owns («لصياغة
        وصناعة الذهب», «لكرة القدم»)."""
        token, owner = tokens.get(position), tokens.get(position + 1)
        if token is None or token.broken:
            return False
        if token.word.startswith("لل"):
            return token.word not in _ANAPHORIC_FIELDS and (owner is None or owner.word not in _PURPOSE_PREPOSITIONS)
        return (
            token.word.startswith("ل")
            and owner is not None
            and not owner.broken
            and owner.word.startswith(("ال", "و"))
            and (
                token.word == "لشؤون"  # a field so frequent that the lexicon and known names have it as a word
                or (
                    token.word not in self._name_words
                    and self._frequencies.get(token.word[1:], 0.0) - self._frequencies.get(token.word, 0.0)
                    >= _CLITIC_GAIN
                )
            )
        )

    def _owned(self, tokens: _Window, position: int) -> bool:
        """Whether ``tokens[position]`` is «و» + a noun the next definite word owns («وصناعة الذهب»)."""
        token = tokens.get(position)
        if token is None or not token.word.startswith("و") or token.word.startswith("وال"):
            return False
        owner = tokens.get(position + 1)
        return (
            owner is not None
            and not owner.broken
            and owner.word.startswith("ال")
            # و + a noun, as the frequencies say, or a word too rare to tell («وتقانة»); not a name («وديع»)
            and self._frequencies.get(token.word[1:], 0.0) - self._frequencies.get(token.word, 0.0)
            >= (_CLITIC_GAIN if token.word in self._frequencies else 0.0)
        )

    def _foreign_word(self, tokens: _Window, position: int) -> bool:
        """Whether ``tokens[position]`` may continue a transliterated name: an indefinite word, not a common one, with
        no proclitic before a known word («وقعت») and no accusative ending («اتفاقاً»)."""
        token = tokens.get(position)
        if token is None or not self._name_word(token) or token.word.startswith("ال"):
            return False
        word = token.word
        return (
            self._frequencies.get(word, 0.0) < PLACE_ZIPF
            and not (word[0] in "وفبلك" and self._frequencies.get(word[1:], 0.0) >= RARE_ZIPF)
            and not (word[-1] == "ا" and tokens.accusative(token))
            and tokens.original(token.start) not in tokens.known
        )

    def _organisation(self, tokens: _Window, head: str) -> _Span | None:
        # The adjective of a definite head before its field is part of the head: «الاتحاد العام لتجارة …».
        position = (
            2
            if head in _DEFINITE_HEADS
            or (head in self._field_heads and self._field_adjective(tokens))
            or self._general_union(tokens, head)
            else 1
        )
        first = position
        if (event := tokens.get(1)) is not None and self._bare(event.word) in self._events:
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
            and self._field(tokens, 1)
        ):
            return None  # «مركز لتوزيع الغاز»: an indefinite body and what it is for, no name
        if token is not None and not token.broken and token.word in self._administrations and token.word[:2] != "ال":
            position += 1  # «إدارة خفر الحدود»: an administration's field, its owner follows
        elif token is not None and not token.broken and self._construct(tokens, position):
            position += 1  # «هيئة تنشيط السياحة»: a verbal noun and its definite object name the body
            construct = True
        elif token is not None and not token.broken and not self._field(tokens, position):
            word = token.word
            place = self._known_place(tokens, position)
            if place is None and not word.startswith(("ال", "لل", "و")):
                # «شركة نفط البصرة»: one common word, then the place the body belongs to.
                place = self._known_place(tokens, position + 1)
            if place is not None:
                position, proper = place, True
            elif position == 1 and not head.startswith("ال") and self._describes(word, head):
                return None  # «شركة ناشئة», «مؤسسة مالية», «اتحاد عمالي»: an adjective describes the body, not names it
            else:
                frequency = self._frequencies.get(word, 0.0)
                # A known name's word only when it is no common word: «مجلس إدارة», «وزارة خطة» name nothing.
                rare = frequency < RARE_ZIPF or (word in self._name_words and frequency < COMMON_ZIPF)
                if rare and not word.startswith(("ال", "لل")) and self._name_word(token):
                    described = tokens.get(position + 1)
                    if (
                        described is not None
                        and not described.broken
                        and not described.word.startswith(("ال", "و"))
                        and _nisba(f"ال{described.word}")
                    ):
                        return None  # «شركة ملاحة إقليمية»: an indefinite noun and its adjective describe, not name
                    position, proper, foreign = position + 1, True, True
                    # A transliterated name takes more words that are not common: «شركة ستروي ترانس غاز».
                    while position - first < MAX_NAME_WORDS and self._foreign_word(tokens, position):
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
                    self._field(tokens, position)
                    # «وزارة النقل والاتصالات وتقنية المعلومات»: a construct joined to the definite words
                    or ((construct or coordinated) and self._owned(tokens, position))
                )
            ):
                construct, after_field = True, False  # «لصياغة وصناعة الذهب»: a construct, up to its definite owner
                position += 1
                continue
            if (
                not (national or bare.startswith(("ال", "لل")))
                or (word in self._enders and not self._general_adjective(tokens, position))
                or self._title_in_name(tokens, position, bare)
                or bare in _STANDINGS
                # An organisation named by a foreign name is called by it («منظمة أوكسفام الدولية» is «أوكسفام»).
                or (foreign and head == _ORGANISATION and bare in _INTERNATIONAL)
                or (position > first and bare in _OWNERSHIPS)
                # «كتلة التنمية والتحرير النيابية»: a bloc's kind; a committee's tells the chamber's from others
                or (bare in _BODY_KINDS and position - first >= 2 and head == _BLOC)
                or (adjectival and not after_field and word.startswith("ال") and not self._adjective(word))
                # A definite plural of people after a definite word is the verb's object: «دعت وزارة البيئة المواطنين».
                or (definite and word.startswith("ال") and word.endswith("ين") and not word.endswith("يين"))
                # After a proper name only its relation adjectives and field: «قيادة شرطة البصرة القبض على …».
                or (
                    proper
                    and not national
                    and bare.startswith("ال")
                    and not (after_field or _nisba(bare) or bare in _PLACE_ADJECTIVES)
                )
            ):
                break
            if after_field and not (
                _nisba(word) or bare != word or word.startswith("لل") or word in _FIELD_ADJECTIVES or _participle(word)
            ):
                break  # «المفوضية العليا المستقلة للانتخابات النتائج»: the verb's object
            after_field = (
                bare.startswith("لل")
                or construct
                # «للفلاحة والصيد البحري»: a second field after «و», and its adjectives
                or (after_field and (_nisba(bare) or bare in _FIELD_ADJECTIVES or bare != word or _participle(bare)))
            )
            construct = False
            definite = bare == word and word.startswith("ال")
            coordinated = bare.startswith("ال")
            # After a relation adjective, or a construct's owner, the name's nouns are over («البرلمان الدنماركي الخطة»,
            # «جمعية رعاية الأيتام الهدايا»); a definite noun may take one more («جامعة الروح القدس»).
            adjectival = definite and (_nisba(word) or after_field)
            if bare != word and tokens.original(token.end - len(bare)) in tokens.known:
                break  # «مجلس الأمن والأمم المتحدة»: «و» joins two known bodies, not one name
            if bare.startswith("لل") and (
                head in _COURTS
                or ((purpose := tokens.get(position + 1)) is not None and purpose.word in _PURPOSE_PREPOSITIONS)
            ):
                break  # «المحكمة الاتحادية العليا للمصادقة عليها»: a purpose, not a part of the name
            if national:
                field = tokens.get(position + 1)
                if not (
                    word.startswith("لل")
                    or (word.startswith("ل") and field is not None and not field.broken and field.word.startswith("ال"))
                ) or (word[1] != "ل" and _verbal_noun(word[1:])):
                    break  # «البنك المركزي العراقي لتقليص التعامل»: ل + a verbal noun is a purpose, no field
                national = False
                position += 1
                continue
            if bare in self._nationalities and not after_field:  # «للنقل البري والبحري»: the field's adjectives
                if proper or head in _TEAM_HEADS:
                    break
                national = nationality = True
            position += 1
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
            place = self._known_place(tokens, position + 1)
            if place is not None:
                position = place
        if position == first:
            return None
        if head in _COMMON_HEADS and not self._named_administration(tokens, first, position, head):
            return None
        # «مجموعة توتال» is the company «توتال»: a group is called by its own name, and so is a club («نادي الشعلة»
        # is «الشعلة»; eval/README.md), but not one whose name alone is a common word or a place («نادي الكهرباء»,
        # «نادي أربيل», as the gazetteer names them) nor a club of a field («نادي دبي للصحافة»).
        span = tokens.span(0, position, "ORG", 0)
        if head.startswith("ال") and len(span.tokens) == 2 and span.tokens[1].word in _ANAPHORIC_ADJECTIVES:
            return None  # «المصرف المركزي», «المنظمة الدولية»: a body named earlier or elsewhere, by its kind
        if (
            (head == _GROUP and proper)
            or (head == _ORGANISATION and foreign)
            or (
                head == _CLUB
                and self._frequencies.get(span.tokens[1].word, 0.0) < RARE_ZIPF
                and self._known_place(tokens, 1) is None
                and not any(token.word.startswith("لل") for token in span.tokens)
            )
        ):
            return span._replace(canonical=span.tokens[1])
        return span

    def _adjective(self, word: str) -> bool:
        """Whether a definite word may be an adjective after a definite word in a body's name: a relation adjective
        (a feminine one whose masculine the lexicon knows, or a rare one: «الميزانية» is a noun), a participle, another
        adjective."""
        stem = word[2:].removesuffix("ه")
        return (
            word.startswith("لل")
            or (
                _nisba(word)
                and (
                    not word.endswith("يه")
                    or word[:-1] in self._frequencies
                    or self._frequencies.get(word, 0.0) < RARE_ZIPF  # «التموينية»; not «الميزانية»
                )
            )
            or _participle(word)
            # مفتعل, the participle of «المحترفة», «المستقلة», «المتحدة»; not a noun of place («المشروع»)
            or (stem.startswith("م") and ((len(stem) == 5 and stem[2] == "ت") or (len(stem) == 4 and stem[1] == "ت")))
            or word == "العام"  # «صندوق الاحتياطي العام» («العام الماضي» ends the name before)
            or word in _PLAIN_ADJECTIVES
            or word in _PLACE_ADJECTIVES
            or word in _HEAD_QUALIFIERS
            or word in _FIELD_ADJECTIVES
        )

    @staticmethod
    def _general_union(tokens: _Window, head: str) -> bool:
        """Whether a union is named «العام» and a relation adjective: «الاتحاد العام التونسي للشغل»."""
        if head not in _GENERAL_HEADS:
            return False  # before reading the next words: asked of every trigger that is no other head
        general, adjective = tokens.get(1), tokens.get(2)
        return (
            general is not None
            and adjective is not None
            and not (general.broken or adjective.broken)
            and general.word == "العام"
            and adjective.word.startswith("ال")
            and _nisba(adjective.word)
        )

    def _general_adjective(self, tokens: _Window, position: int) -> bool:
        """Whether «العام» after a body's definite word is its adjective («مديرية الأمن العام»), not a time («وزارة
        الصحة العام الماضي»)."""
        following = tokens.get(position + 1)
        return (
            tokens[position].word == "العام"
            and tokens[position - 1].word.startswith("ال")
            and (following is None or following.broken or not (following.word in _TIMES or _year(following.word)))
        )

    def _construct(self, tokens: _Window, position: int) -> bool:
        """Whether an indefinite head is followed by a verbal noun and its definite object, which name the body:
        «هيئة تنشيط السياحة», «جمعية حماية الحيوان» (not a head of its own: «مجلس إدارة الشركة»)."""
        noun, owner = tokens[position], tokens.get(position + 1)
        return (
            position == 1
            and not noun.word.startswith(("ال", "لل"))
            and (_verbal_noun(noun.word) or _care_noun(noun.word) or _mufaala(noun.word))
            and noun.word not in self._triggers
            and owner is not None
            and not owner.broken
            and owner.word.startswith("ال")
            and owner.word not in self._enders
            and owner.word not in self._triggers
        )

    def _title_in_name(self, tokens: _Window, position: int, bare: str) -> bool:
        """Whether the definite word ``bare`` at ``tokens[position]`` after a body's head starts a person's mention: a
        title («مجلس الوزراء الأمير …»), or a title's feminine that no definite word follows («لجنة المراقبة الخماسية»
        is a committee of monitoring)."""
        if bare in self._titles:
            return True
        following = tokens.get(position + 1)
        return self._title(bare) and (following is None or following.broken or not following.word.startswith("ال"))

    def _named_administration(self, tokens: _Window, first: int, end: int, head: str) -> bool:
        """Whether ``tokens[first:end]`` after a head that is mostly a common noun names a body (``_COMMON_HEADS``)."""
        words = [tokens[position].word for position in range(first, end)]
        if words[0] in self._administrations:
            return True
        name = tokens[first]
        known = tokens.known.get(tokens.original(name.end - len(self._bare(name.word))))
        if not words[0].startswith(("ال", "لل", "و")) and known is None:
            return True  # «مركز كارتر»: a proper name no gazetteer has (not «إدارة ترامب», «مكتب دمشق»)
        return any(
            (word.startswith("لل") and word not in _ANAPHORIC_FIELDS)
            or (position > 0 and word.startswith("وال"))
            or (
                position > 0
                and head not in _SERVED_HEADS
                and word.startswith("ال")
                and _nisba(word)
                and word not in self._nationalities
            )
            for position, word in enumerate(words)
        )

    def _event(self, tokens: _Window, head: str) -> _Span | None:
        position = 1
        named = False  # a place, a proper name or a year names the event
        if head == _LAW and (subject := self._law_subject(tokens)) is not None:
            return tokens.span(0, subject, "MISC", 0)
        if (
            head in _OWNED_EVENT_HEADS
            and (owner := tokens.get(1)) is not None
            and not owner.broken
            and tokens.original(owner.end - len(self._bare(owner.word))) in tokens.known
        ):
            return None  # «خطة سلطنة عمان», «مبادرة ترامب»: whose plan, not its name
        if head in _DEFINITE_EVENT_HEADS:
            # «الدوري الإسباني»: a nationality; «دورة الألعاب الآسيوية»: a definite word and a relation adjective.
            first, second = tokens.get(1), tokens.get(2)
            if head in ("الحرب", "الانتخابات", "القمه"):
                return self._definite_event(tokens, head)
            if head == "الدوري":
                if first is None or first.broken or first.word not in self._nationalities:
                    return None
            elif head == "البطوله":  # a championship by its adjective and its sport: «البطولة العربية لألعاب القوى»
                if first is None or first.broken or not (first.word.startswith("ال") and _nisba(first.word)):
                    return None
                if not self._field(tokens, 2):
                    return None
            elif not (
                first is not None
                and second is not None
                and not (first.broken or second.broken)
                and first.word.startswith("ال")
                and second.word.startswith("ال")
                and _nisba(second.word)
            ):
                return None
        elif (champions := tokens.get(1)) is not None and champions.word == "ابطال" and not champions.broken:
            position = 2  # «دوري أبطال آسيا»
        while position < 6 and (token := tokens.get(position)) is not None and not token.broken:
            word = token.word
            if (
                named
                and word.startswith("ل")
                and not word.startswith("لل")
                and (sport := tokens.get(position + 1)) is not None
                and not sport.broken
                and sport.word.startswith("ال")
            ):
                position += 2  # «كأس مصر لكرة اليد»
                continue
            if named and not (
                word.startswith("لل") or (word.startswith("ال") and _nisba(word)) or _year(word) or word in _EVENT_RANKS
            ):
                break  # once named, only relation adjectives, «لل…» and a year follow («مهرجانات بعلبك الدولية»)
            if (place := self._known_place(tokens, position)) is not None:
                position, named = place, True
            elif (
                word in _COMPOUND_PLACE_WORDS
                and (rest := tokens.get(position + 1)) is not None
                and not rest.broken
                and rest.word not in self._enders
            ):
                position, named = position + 2, True  # «مهرجانات بيت الدين»: a compound place name
            elif (
                position == 1
                and head in _CUP_HEADS
                and not word.startswith(("ال", "لل", "و"))
                and (place := self._known_place(tokens, position + 1)) is not None
            ):
                position, named = place, True  # «دوري نجوم العراق», «كأس ملك إسبانيا»: a word, then the place
            elif _year(word) or (position == 1 and head in _UPRISINGS and word in self._months):
                position, named = position + 1, True
                break
            elif position == 1 and head == "كاس" and self._title(word):
                position, named = self._titled_name(tokens) or 2, True  # «كأس الملك», «كأس السلطان قابوس»
            elif position == 1 and word == _WORLD:
                position, named = 2, True  # «بطولة العالم لألعاب القوى», as «بطولة آسيا»
            elif (
                word.startswith(("ال", "لل"))
                and (word not in self._enders or self._general_adjective(tokens, position))
                and not self._title(word)
                and word not in self._triggers
                # «قانون الاستثمار الجديد»; «قانون الدين العام» is named by its adjective
                and not (head == _LAW and position > 1 and not (_nisba(word) or word == "العام"))
            ):
                position += 1
            elif (
                position > 1  # «قانون لمعالجة الفجوة»: a purpose, not a name
                and word.startswith("ل")
                and word not in self._enders  # «للمرة الثالثة»
                and (field := tokens.get(position + 1))
                and field.word.startswith("ال")
            ):
                position += 2  # «كأس العالم لكرة السلة»
            elif (
                position == 1
                and self._name_word(token)
                and self._frequencies.get(word, 0.0) < RARE_ZIPF
                # «قانون موازنة الدفاع»: a noun and its owner say what the law is about, not its name
                and not (head == _LAW and (owner := tokens.get(2)) is not None and owner.word.startswith("ال"))
                and not self._describes(word, head)  # «ثورة تكنولوجية»: an adjective, no name
                # «خطة لتوسعة الطريق»: a purpose, ل + a noun, no name; «حرب وموجود»: و + a word
                and not (word[0] in "لبوف" and self._frequencies.get(word[1:], 0.0) >= KNOWN_ZIPF)
                # a proper name seldom takes the article: «مرتقب» is an adjective, «فرساي» a name
                and not (head in _AMBIGUOUS_EVENT_HEADS and self._frequencies.get(f"ال{word}", 0.0) >= KNOWN_ZIPF)
            ):
                position, named = position + 1, True  # «دوري روشن»
            else:
                break
        if position == 1 or (head in _AMBIGUOUS_EVENT_HEADS and not named):
            return None
        return tokens.span(0, position, "MISC", 0)

    def _law_subject(self, tokens: _Window) -> int | None:
        """Where a law's title made of a verbal noun and its object ends: «قانون حماية المستهلك», «قانون تنظيم
        الإعلام المرئي»; not a noun and its owner («قانون موازنة الدفاع»)."""
        action, thing = tokens.get(1), tokens.get(2)
        if (
            action is None
            or thing is None
            or action.broken
            or thing.broken
            or not (_verbal_noun(action.word) or _care_noun(action.word))
            or not thing.word.startswith("ال")
            or thing.word in self._enders
            or thing.word in self._triggers
        ):
            return None
        end = 3
        while end < 5 and (token := tokens.get(end)) is not None and not token.broken and _nisba(token.word):
            end += 1
        return end

    def _definite_event(self, tokens: _Window, head: str) -> _Span | None:
        """A war by its kind («الحرب العالمية الثانية», «الحرب الأهلية اللبنانية», «الحرب الباردة»), elections by
        their year or country («الانتخابات البرلمانية 2026», «الانتخابات العراقية»), a summit by who meets («القمة
        العربية»); not any war or elections («الحرب الأهلية», «الانتخابات المقبلة»)."""
        first = tokens.get(1)
        if first is None or first.broken:
            return None
        if head == "القمه":
            end = 1
            while (
                (token := tokens.get(end)) is not None
                and not token.broken
                and (token.word in _SUMMITS or token.word in self._nationalities)
            ):
                end += 1
            if end > 1 and (year := tokens.get(end)) is not None and not year.broken and _year(year.word):
                end += 1
            return tokens.span(0, end, "MISC", 0) if end > 1 else None
        if head == "الحرب":
            if first.word not in _WARS:
                return None
            second = tokens.get(2)
            needed = _WARS[first.word]
            if not needed:
                return tokens.span(0, 2, "MISC", 0)
            if second is None or second.broken:
                return None
            if (needed == "ordinal" and second.word in _ORDINALS) or (
                needed == "nationality" and second.word in self._nationalities
            ):
                return tokens.span(0, 3, "MISC", 0)
            return None
        position, national = 1, False  # elections named by their country too: «الانتخابات البرلمانية العراقية»
        while (token := tokens.get(position)) is not None and not token.broken and position < 4:
            if _year(token.word):
                return tokens.span(0, position + 1, "MISC", 0)
            if not (token.word.startswith("ال") and _nisba(token.word)):
                break
            national = national or token.word in self._nationalities
            position += 1
        return tokens.span(0, position, "MISC", 0) if national else None

    def _known_place(self, tokens: _Window, position: int) -> int | None:
        """Where the place the gazetteer knows at ``tokens[position]`` ends (a token index), if there is one."""
        token = tokens.get(position)
        if token is None or token.broken or not tokens.known:
            return None
        place = tokens.known.get(tokens.original(token.end - len(self._bare(token.word))))
        if place is None or place[1] != "LOC":
            return None
        position += 1
        while (following := tokens.get(position)) is not None and tokens.original(following.start) < place[0]:
            position += 1
        return position

    def _place(self, tokens: _Window, trigger: str) -> _Span | None:
        facility = trigger in self._facilities
        name = tokens.get(1)
        if name is None or name.broken or tokens.original(tokens[0].end - len(trigger)) in tokens.known:
            return None  # «دير الزور الشرقي»: the trigger starts a known place
        # A compound's first word may be a function word elsewhere («أم قصر»: «أم» is also «or»), or a title («حي
        # الشيخ رضوان», «حي السيدة زينب»).
        titled = self._title(name.word) and trigger not in _TERMS_OF_OFFICE
        compound = name.word in _COMPOUND_PLACE_WORDS or titled
        # A facility or a stadium named by a person keeps its word: «مستشفى رفيق الحريري», «ملعب الملك فهد».
        by_person = facility or trigger == _STADIUM
        person = self._known_person(tokens, 1)
        if person is not None:  # «ولاية ترامب» is a term, no place
            return tokens.span(0, person + self._agrees(tokens, person, trigger), "LOC", 0) if by_person else None
        if (
            not (compound or self._name_word(name))
            or (name.word[-1] == "ا" and tokens.accusative(name))
            or name.word.startswith("لل")  # «جسر للطاقة»: what the facility is for
            or (  # «محطة لتحلية المياه»: ل + a noun, what it is for
                name.word[0] == "ل"
                and name.word not in self._places
                and (
                    _verbal_noun(name.word[1:])
                    or self._frequencies.get(name.word[1:], 0.0) - self._frequencies.get(name.word, 0.0) >= _CLITIC_GAIN
                )
            )
            or (not compound and name.word not in self._places and self._describes(name.word, trigger))
        ):
            return None  # «قرية مجاورة», «مدينة ساحلية»: an agreeing adjective describes the place
        if (
            not compound
            and _nisba(f"ال{name.word}")
            and name.word not in self._places
            and self._frequencies.get(f"ال{name.word}", 0.0) > 0.0
        ):
            return None  # «حي سكني», «مطار عسكري»: an indefinite adjective describes the place, not names it
        if facility and (end := self._facility_place(tokens)) is not None:
            return tokens.span(0, end + self._agrees(tokens, end, trigger), "LOC", 0)
        # A frequent word is a common one («قرية بعيدة», «مرفأ المدينة»), unless it is a known place's name or an
        # agreeing adjective makes it a facility's name («مستشفى الحسين التعليمي»).
        if (
            not compound
            and name.word not in self._places
            # A facility is named after a person or a place, not by a common noun («محطة كهرباء»).
            and self._frequencies.get(name.word, 0.0) >= (RARE_ZIPF if facility else PLACE_ZIPF)
            and not (facility and self._agrees(tokens, 2, trigger))
            and not (trigger == "محافظه" and self._governorate(tokens))
        ):
            return None
        if facility and name.word.endswith("ات") and name.word not in self._places:
            return None  # «محطة حاويات»: an indefinite plural is what the facility holds, not its name
        if compound:
            rest = tokens.get(2)
            # A settlement word ends the name; a facility word may be part of it («ميناء أم قصر»).
            if rest is None or rest.broken or rest.word in self._enders or rest.word in self._settlements:
                return None
            end = self._titled_name(tokens) if titled else 3
            if end is None:
                return None
            agrees = by_person and self._agrees(tokens, end, trigger)
            return tokens.span(0, end + agrees, "LOC", 0 if facility or (titled and by_person) else 1)
        # «مطار أربيل الدولي», «ميناء الفاو الكبير»: a facility keeps one definite relation or size adjective (not
        # «مرفأ جبيل القديم») that agrees with it: «مهرجان قلعة مصياف السنوي» is the festival's.
        if facility and self._agrees(tokens, 2, trigger):
            return tokens.span(0, 3, "LOC", 0)
        return tokens.span(0, 2, "LOC", 0 if facility else 1)

    def _titled_name(self, tokens: _Window) -> int | None:
        """Where the name of a person after a title ends (a token index), the title at ``tokens[1]``: «مستشفى الملك
        حسين», «ملعب الأمير فيصل بن فهد», «مدينة الملك عبد الله»; none if no name word follows it."""
        position = 2
        if tokens[position].word == "عبد":  # «عبد» and the name of God it joins: «عبد الله», «عبد العزيز»
            position += 1
        while True:
            token = tokens.get(position)
            if token is None or token.broken or not self._name_word(token):
                return None
            link = tokens.get(position + 1)
            if link is None or link.broken or link.word not in _NAME_LINKS or link.word == "عبد":
                return position + 1
            position += 2  # «بن فهد»

    def _known_person(self, tokens: _Window, position: int) -> int | None:
        """Where the person the gazetteer knows at ``tokens[position]`` ends (a token index), if there is one."""
        token = tokens.get(position)
        if token is None or token.broken or not tokens.known:
            return None
        person = tokens.known.get(tokens.original(token.end - len(self._bare(token.word))))
        if person is None or person[1] != "PER":
            return None
        position += 1
        while (following := tokens.get(position)) is not None and tokens.original(following.start) < person[0]:
            position += 1
        return position

    def _agrees(self, tokens: _Window, position: int, trigger: str) -> bool:
        """Whether ``tokens[position]`` is a definite relation or size adjective that agrees with the facility word
        ``trigger`` (not «مرفأ جبيل القديم»; «مهرجان قلعة مصياف السنوي» is the festival's)."""
        adjective = tokens.get(position)
        return (
            adjective is not None
            and not adjective.broken
            and (
                adjective.word in _SIZE_ADJECTIVES
                or (
                    adjective.word.startswith("ال")
                    and _nisba(adjective.word)
                    and self._frequencies.get(adjective.word, 0.0) >= RARE_ZIPF
                    and adjective.word not in self._enders
                )
            )
            and _feminine(adjective.word) == _feminine(trigger)
        )

    def _facility_place(self, tokens: _Window) -> int | None:
        """Where a facility named by a known place ends: «مستشفى مبارك الكبير», or a common noun of the place
        «محمية شاطئ صور» (a token index)."""
        name = tokens[1]
        end = self._known_place(tokens, 1)
        if end is None and not name.word.startswith(("ال", "لل", "و")) and name.word not in _COMPOUND_PLACE_WORDS:
            end = self._known_place(tokens, 2)
        return end

    def _governorate(self, tokens: _Window) -> bool:
        """Whether a definite word after «محافظة» names the governorate («محافظة الوسطى»): not «محافظة الحكومة
        على الدعم», where «محافظة» is keeping."""
        name, following = tokens[1], tokens.get(2)
        return name.word.startswith("ال") and (following is None or following.word not in _PREPOSITIONS)

    def _meeting(self, tokens: _Window, head: str) -> _Span | None:
        """A meeting named by the place it is held in, with its relation adjectives and year («معرض دمشق الدولي»); not
        a mountain's peak («قمة جبل الشيخ») nor a course («في معرض حديثه»)."""
        place = tokens.get(1)
        end = self._known_place(tokens, 1)
        if end is None and place is not None and not place.broken:
            end = self._meeting_name(tokens, head)
        if end is None or place is None or (head == "قمه" and place.word == "جبل"):
            return None
        while (
            (token := tokens.get(end)) is not None
            and not token.broken
            and ((token.word.startswith("ال") and _nisba(token.word)) or _year(token.word))
        ):
            end += 1
        return tokens.span(0, end, "MISC", 0)

    def _meeting_name(self, tokens: _Window, head: str) -> int | None:
        """Where a meeting named by no known place ends: by a proper name («منتدى دافوس»: a rare word that is no
        adjective), or by its year and the subject before it («مؤتمر الأطراف 2025»)."""
        name = tokens[1]
        word = name.word
        if (
            self._name_word(name)
            and not word.startswith(("ال", "لل", "و"))
            and self._frequencies.get(word, 0.0) < RARE_ZIPF
            and not (word[-1] == "ا" and tokens.accusative(name))
            and not self._describes(word, head)
            and not _nisba(f"ال{word}")
            and self._frequencies.get(f"ال{word}", 0.0) < KNOWN_ZIPF  # «قمة مرتقب»: an adjective, no name
        ):
            return 2
        position = 1
        while (token := tokens.get(position)) is not None and not token.broken and position < 5:
            if _year(token.word):
                return position + 1  # «إكسبو 2030», «مؤتمر الأطراف 2025»
            if not token.word.startswith("ال") or token.word in self._enders or token.word in self._triggers:
                return None
            position += 1
        return None

    def _national_team(self, tokens: _Window) -> _Span | None:
        """«المنتخب العراقي»: the national team of the country its nationality names, «منتخب العراق»."""
        nationality = tokens.get(1)
        if nationality is None or nationality.broken or nationality.word not in self._countries:
            return None
        return tokens.span(0, 2, "ORG", 0)._replace(name=f"منتخب {self._countries[nationality.word]}")

    def _compound(self, tokens: _Window, trigger: str) -> _Span | None:
        """A compound place name that no trigger announces: «كفر نبل», «تل رفعت», and «عين التينة» after a
        preposition (not «عين اليقين»); its second word is rare, not a common one («عين المكان»)."""
        name = tokens.get(1)
        if (
            name is None
            or not self._name_word(name)
            or (self._frequencies.get(name.word, 0.0) >= RARE_ZIPF and name.word not in self._places)
            or (name.word[-1] == "ا" and tokens.accusative(name))
        ):
            return None
        if trigger == "عين" and tokens.before() not in _PLACE_PREPOSITIONS:
            return None
        return tokens.span(0, 2, "LOC", 0)

    def _mentions_again(
        self, body: NormalizedText, people: dict[tuple[str, ...], _Span], covered: set[int]
    ) -> list[_Span]:
        """Later mentions of a person found by title: the whole name, or its last word (a surname, with its
        proclitics), canonical the full name. ``covered``: where the words already tagged start."""
        found: list[_Span] = []
        words = body.words
        for name, first in people.items():
            surname = name[-1] if len(name) > 1 and len(name[-1]) >= 3 else None
            after = first.tokens[-1].end
            needles = (name[0],) if surname is None else (name[0], surname)
            for start, end in _occurrences(words, needles, after):
                if start in covered:
                    continue
                token = self.token(body, start, end)
                if name[0] in (token.word, self._bare(token.word)):
                    window = _Window(self, body, token, {})
                    if all((t := window.get(i)) is not None and t.word == w for i, w in enumerate(name[1:], 1)):
                        found.append(window.span(0, len(name), "PER", 0)._replace(canonical=first.tokens[0]))
                        covered.update(t.start for t in found[-1].tokens)
                        continue
                if surname is not None and surname in (token.word, token.word[1:], token.word[2:]):
                    found.append(_Span((token,), "PER", first.tokens[0]))
                    covered.add(start)
        return found

    def _clubs_again(self, body: NormalizedText, clubs: list[_Span], covered: set[int]) -> list[_Span]:
        """Later mentions of a club found by its head, by its name alone («نادي الزوراء» … «رفع الزوراء رصيده»),
        canonical the full name; not when a relation adjective follows, which makes it another body («الاتحاد
        الأوروبي»)."""
        found: list[_Span] = []
        for club in clubs:
            name = [token.word for token in club.tokens[1:]]
            if not name or len(name) > 2:
                continue
            for start, end in _occurrences(body.words, (name[0],), club.tokens[-1].end):
                if start in covered:
                    continue
                window = _Window(self, body, self.token(body, start, end), {})
                if window[0].word not in (name[0], f"و{name[0]}", f"ف{name[0]}", f"ب{name[0]}", f"ل{name[0]}"):
                    continue
                if not all(
                    (t := window.get(i)) is not None and not t.broken and t.word == w for i, w in enumerate(name[1:], 1)
                ):
                    continue
                after = window.get(len(name))
                if after is not None and not after.broken and (_nisba(after.word) or after.word in self._nationalities):
                    continue
                found.append(window.span(0, len(name), "ORG", 0)._replace(canonical=club.canonical))
                covered.update(t.start for t in found[-1].tokens)
        return found

    def _places_again(self, body: NormalizedText, places: list[_Span], covered: set[int]) -> list[_Span]:
        """Later mentions of a place found after a settlement word, by its name alone («ولاية صحم» … «أهالي صحم»),
        canonical the name; only a rare name, which means the place wherever the text writes it."""
        found: list[_Span] = []
        for place in places:
            name = [token.word for token in place.tokens[1:]]
            if len(name) > 2 or (len(name) == 1 and self._frequencies.get(name[0], 0.0) >= RARE_ZIPF):
                continue
            for start, end in _occurrences(body.words, (name[0],), place.tokens[-1].end):
                if start in covered:
                    continue
                window = _Window(self, body, self.token(body, start, end), {})
                if window[0].word != name[0] and not (window[0].word[1:] == name[0] and window[0].word[0] in "وفبل"):
                    continue
                if name[0].startswith("ال") and window.before().startswith("ال"):
                    continue  # an adjective of the definite noun before it: «المنطقة الجبلية» after «قرية الجبلية»
                if not all(
                    (t := window.get(i)) is not None and not t.broken and t.word == w for i, w in enumerate(name[1:], 1)
                ):
                    continue
                found.append(window.span(0, len(name), "LOC", 0)._replace(canonical=place.canonical))
                covered.update(t.start for t in found[-1].tokens)
        return found

    def _entities(self, body: NormalizedText, found: list[_Span]) -> list[Entity]:
        if not found:
            return []
        canonical_of: dict[int, str] = {}
        entities = []
        for tokens, kind, canonical, name in sorted(found, key=lambda span: span.tokens[0].start):
            start = tokens[0].end - len(self._bare(tokens[0].word))
            last = tokens[-1].end
            (original_start, original_last) = body.offsets.originals([start, last - 1])
            text = body.original[original_start : original_last + 1]
            if name is not None:
                canonical_of[canonical.start] = name
            elif canonical.start not in canonical_of:
                (name_original,) = body.offsets.originals([canonical.end - len(self._bare(canonical.word))])
                canonical_text = _MARKS.sub("", body.original[name_original : original_last + 1])
                definite = self._definite(canonical.word)
                if definite is not None:  # «للجنة الدستورية» is named «اللجنة الدستورية»
                    canonical_text = f"ا{canonical_text}" if definite[2] == "ل" else f"ال{canonical_text[2:]}"
                canonical_of[canonical.start] = " ".join(canonical_text.split())
            entities.append(Entity(text, kind, canonical_of[canonical.start], original_start, original_last + 1))
        return entities


def _nationalities(places: Iterable[str]) -> frozenset[str]:
    """The definite nationalities made of one-word place names: «سوريا» → «السوري», «السورية» (normalized «السوريه»);
    «البرازيل» → «البرازيلي»; «آسيا» → «الآسيوي»; «السعودية» → «السعودي»."""
    found: set[str] = set()
    for place in places:
        # «ألمانيا» → «الألماني»: a name may begin with the article's letters, so it is read with and without them.
        for base in {place.removeprefix("ال"), place}:
            stems = {base}
            if base.endswith(("يا", "يه")):
                stems.add(base[:-2])
            if base.endswith("ا"):
                stems.update((base[:-1], f"{base[:-1]}و"))
            found.update(f"ال{stem}{ending}" for stem in stems if len(stem) >= 2 for ending in ("ي", "يه"))
    return frozenset(found)


def _feminine(word: str) -> bool:
    """A feminine noun or adjective («قلعة», «الدولية», «الكبرى»), by its ending, normalized."""
    return word.endswith("ه") or word == "الكبري"


def _verbal_noun(word: str) -> bool:
    """Whether a normalized word has the shape of a derived verbal noun: تفعيل («تسليم»), تفاعل («تعاون»), إفعال
    («إعلان»), افتعال («اعتماد»), استفعال («استخدام»)."""
    if len(word) == 4 and word[0] == "ت" and "ا" not in word:
        return True  # تفعّل written without its shadda: «ترؤس», «تقدم»
    if len(word) == 5 and word[0] == "ت":
        return word[3] == "ي" or word[2] == "ا"
    if len(word) == 5 and word[0] == "ا":
        return word[3] == "ا"
    if len(word) == 6 and word[0] == "ا":
        return word[4] == "ا"
    return len(word) == 7 and word.startswith("است") and word[5] == "ا"


def _word_before(words: str, token: _Token) -> str:
    """The word before ``token`` in ``words``, if no punctuation is between them."""
    previous = words.rfind(" ", 0, max(0, token.start - 1))
    word = words[previous + 1 : max(0, token.start - 1)]
    return "" if token.broken or " " in word else word


def _care_noun(word: str) -> bool:
    """Whether a normalized word has the shape فعالة of a verbal noun of care or trade: «حماية», «رعاية», «زراعة»."""
    return len(word) == 5 and word[2] == "ا" and word[-1] == "ه"


def _mufaala(word: str) -> bool:
    """Whether a normalized word has the shape مفاعلة of a verbal noun: «مقاومة», «مكافحة», «معالجة»."""
    return len(word) == 6 and word[0] == "م" and word[2] == "ا" and word[-1] == "ه"


def _plural_nisba(word: str, frequencies: Mapping[str, float]) -> bool:
    """A plural relation adjective or noun («غربيون», «دبلوماسيين»): its singular, with the article, is a known word."""
    return word.endswith(("يون", "يين")) and f"ال{word[:-2]}" in frequencies


def _participle(word: str) -> bool:
    """Whether a normalized definite word has the shape فاعل of an active participle («العاملة», «الصالح»)."""
    stem = word.removeprefix("ال").removesuffix("ه")
    return word.startswith("ال") and len(stem) == 4 and stem[1] == "ا"


def _year(word: str) -> bool:
    return len(word) == 4 and word.isdigit()


def _nisba(word: str) -> bool:
    """A relation adjective («السوري», «المركزية»): ending in ي or يه after at least three letters."""
    return len(word.removesuffix("ه")) >= 5 and word.removesuffix("ه").endswith("ي")


def _occurrences(words: str, needles: Iterable[str], after: int) -> list[tuple[int, int]]:
    """The words at or after ``after`` that end with one of ``needles`` behind at most two letters, in order."""
    padded = f"{words} "
    found: set[tuple[int, int]] = set()
    for needle in needles:
        key = f"{needle} "  # a word's end
        position = padded.find(key, after)
        while position >= 0:
            space = padded.rfind(" ", max(0, position - 3), position)
            if (space >= 0 or position < 3) and space + 1 >= after:
                found.add((space + 1, position + len(needle)))
            position = padded.find(key, position + 1)
    return sorted(found)


def _with_known_places(canonical: str, inside: Sequence[Entity]) -> str:
    """A name's canonical form spelling the places in it as the gazetteer does: «مصرف سورية المركزي» is «مصرف
    سوريا المركزي», whichever way the article spells the country."""
    for place in inside:
        written = " ".join(_MARKS.sub("", place.text).split())
        # A spelling of the place, not a longer name of it («الفرات» is no «نهر الفرات» inside «شركة الفرات …»).
        if place.type == "LOC" and written != place.canonical and len(written.split()) == len(place.canonical.split()):
            canonical = re.sub(rf"(?<!\S){re.escape(written)}(?!\S)", place.canonical, canonical, count=1)
    return canonical


def _part_of_person(person: Entity, known: Entity, people: set[str], displaced: set[str]) -> bool:
    """Whether the gazetteer's ``known`` inside a person found from the context is a part of that person's name: a
    place or another person's surname after the first name («منى الخليل», «نورا جنبلاط» is not «وليد جنبلاط»), or
    what a later mention of a person found so names alone: the place, or the person ``displaced`` by it («الخليل»
    after «منى الخليل», «جنبلاط» after «نورا جنبلاط»). ``people``: the canonical names of the people found so."""
    if not (person.start <= known.start and known.end <= person.end) or known.type not in ("PER", "LOC"):
        return False
    if known.start == person.start:
        return (
            known.end == person.end
            and person.canonical in people
            and (known.type == "LOC" or known.canonical in displaced)
        )
    first = normalize(person.canonical.split()[0])
    return known.type == "LOC" or SequenceMatcher(None, first, normalize(known.canonical.split()[0])).ratio() < 0.75


def merge(gazetteer: Sequence[Entity], context: Sequence[Entity]) -> list[Entity]:
    """The gazetteer's entities, and the context's that overlap none of them. A context place or organisation
    that strictly contains the gazetteer entities it overlaps, with a longer canonical name, replaces them: «مصرف سورية
    المركزي» is one organisation, «مطار أربيل الدولي» one place; «بلدة تلكلخ» keeps the gazetteer's «تلكلخ». The
    places inside keep the gazetteer's spelling in the canonical name (``_with_known_places``)."""
    kept = list(gazetteer)
    people: set[str] = set()  # the canonical names of the people found with more than one word
    displaced: set[str] = set()  # the gazetteer's people whose surname one of them has
    for entity in sorted(context, key=lambda e: e.start):
        inside = [g for g in gazetteer if g.start < entity.end and entity.start < g.end]
        if not inside or (entity.type == "PER" and all(_part_of_person(entity, g, people, displaced) for g in inside)):
            kept = [g for g in kept if g not in inside]
            kept.append(entity)
            displaced.update(g.canonical for g in inside if g.type == "PER" and g.start > entity.start)
            if entity.type == "PER" and " " in entity.canonical:
                people.add(entity.canonical)
        elif (
            entity.type != "PER"
            and all(
                entity.start <= g.start
                and g.end <= entity.end
                and len(entity.canonical) > g.end - g.start
                # «منظمة اليونسكو», «نادي السد»: the known body itself; «هيئة الدفاع المدني والإسعاف» names two fields
                and not (entity.type == "ORG" == g.type and not entity.text[g.end - entity.start :].startswith(" و"))
                for g in inside
            )
        ):
            kept = [g for g in kept if g not in inside]
            kept.append(replace(entity, canonical=_with_known_places(entity.canonical, inside)))

    merged: list[Entity] = []
    for entity in sorted(kept, key=lambda e: (e.start, -e.end)):
        if not merged or entity.start >= merged[-1].end:
            merged.append(entity)
    return merged
