"""The words that announce a name, by the kind of context (titles, verbs of saying, heads of organisations and
events, place triggers), the words that end a name, and the thresholds of frequency that tell a common word from a
name. The words are normalized (``marsad.workers.stages.normalize``); the vocabulary reads them
(``vocabulary.Vocabulary``). Words that only one kind of context reads are kept next to it."""

from __future__ import annotations

import re

from marsad.workers.stages.normalize import DIACRITICS, TATWEEL

# --- persons --------------------------------------------------------------------------------------------------------

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

# --- organisations --------------------------------------------------------------------------------------------------

ORGANISATION_HEADS = (
    "وزاره مصرف هيئه نادي اتحاد جامعه شركه مؤسسه منظمه حركه حزب مجلس بنك جمعيه وكاله صندوق مديريه كليه "
    "معهد منتخب مجموعه غرفه نقابه محكمه لجنه كتله ائتلاف مفوضيه حكومه ديوان سلطه قوات قياده "
    # Local government and administrations: «بلدية صيدا», «أمانة بغداد», «شعبة المواد الغذائية», «مصلحة الضرائب».
    "بلديه امانه شعبه رابطه بورصه مصلحه دائره مكتب مركز اداره دار جهاز "
    # Police forces named by their place: «شرطة دبي», «شرطة عمان السلطانية».
    "شرطه"
)
# The fields of administrations, which name a body after a head that is mostly a common noun: «مصلحة الضرائب»,
# «إدارة خفر الحدود» (``organisations``).
ADMINISTRATIONS = (
    "الضرائب الجمارك السجون الموانئ الاحوال الارصاد خفر الري الاحصاء الجوازات الهجره الاراضي الطب المرور الاطفاء "
    "الاثار الضمان التقاعد"
)
# Definite heads that start an organisation's name before a relation adjective («المصرف التجاري السوري»,
# «الاتحاد اللبناني لكرة السلة»).
NISBA_HEADS = (
    "المصرف البنك الاتحاد اللجنه المحكمه الشركه المؤسسه الهيئه البورصه المفوضيه الجمعيه المنظمه الوكاله الصندوق "
    "المجلس الحزب البرلمان الكونغرس المرصد الجامعه المعهد"
)
# Definite heads that name a body with a nationality only: «الجيش النيجيري», «الشرطة الأردنية» (not «الجيش النظامي»).
NATIONAL_HEADS = frozenset({"الجيش", "الشرطه"})
# Definite heads that start a body's name with an adjective and its field: «الديوان الوطني للزيت», «المكتب الشريف
# للفوسفات», «المنسقية العامة للنازحين» (the nisba heads too: «الهيئة الناظمة للاتصالات»).
FIELD_HEADS = "الديوان المكتب المنسقيه المديريه الوكاله السلطه الجهاز"
# Definite heads that start an organisation's name only with the word after them.
DEFINITE_HEADS = {
    "الهيئه": "العامه",
    "المؤسسه": "العامه",
    "الشركه": "العامه",
    "المديريه": "العامه",
    "الاداره": "العامه",  # «الإدارة العامة للمرور»
}
NATIONAL_TEAM = "المنتخب"  # «المنتخب العراقي» is the national team «منتخب العراق»

# --- events ---------------------------------------------------------------------------------------------------------

# Events (MISC): competitions and festivals, named by what follows the head: «كأس العالم 2026», «دوري أبطال آسيا»،
# «أولمبياد طوكيو», «مهرجانات بعلبك الدولية»; «الدوري» and «دورة» with a relation adjective («الدوري الإسباني»,
# «دورة الألعاب الآسيوية»); laws and agreements too (eval/README.md: «قانون الاستثمار», «اتفاقية باريس للمناخ»).
EVENT_HEADS = "كاس دوري بطوله اولمبياد مهرجان مهرجانات رؤيه قانون اتفاقيه " + (
    # Wars, uprisings, elections, treaties, charters, plans, initiatives and prizes are named by a place, a proper name,
    # a year or a month (``events``): «حرب أكتوبر», «انتخابات 2026», «معاهدة فرساي», «خطة مارشال».
    "حرب ثوره انتفاضه انتخابات معاهده ميثاق خطه مبادره جائزه"
)
DEFINITE_EVENT_HEADS = frozenset({"الدوري", "دوره", "البطوله", "الحرب", "الانتخابات", "القمه"})
MONTHS = (
    "يناير فبراير مارس ابريل مايو يونيو يوليو اغسطس سبتمبر اكتوبر نوفمبر ديسمبر كانون شباط اذار نيسان ايار حزيران "
    "تموز اب ايلول تشرين"
)
# Meetings (MISC) named by where they are held: «قمة بغداد», «مؤتمر بروكسل», «منتدى الدوحة», «معرض دمشق الدولي».
MEETING_HEADS = frozenset({"مؤتمر", "قمه", "منتدي", "معرض", "ملتقي", "ماراثون", "اكسبو"})

# --- places ---------------------------------------------------------------------------------------------------------

# Settlements and the parts of a town (an Omani «ولاية», a Levantine «حارة», an Iraqi «محلة», an Egyptian «عزبة» or
# «نجع», a «ضاحية»), islands and oases («جزيرة أرواد» is «أرواد»); a stadium is named by its
# name («ملعب فيرنسايد» is «فيرنسايد»), but one named by a person keeps its word («ملعب الأمير فيصل بن فهد»).
SETTLEMENT_TRIGGERS = (
    "مدينه بلده قريه محافظه قضاء ناحيه منطقه مخيم بلدات ملعب حي احياء ولايه حاره ضاحيه محله عزبه نجع جزيره واحه "
    "واحات "
    # a Moroccan province, a Sudanese district and a river's basin: «إقليم الرحامنة», «محلية الدندر», «حوض سبو»
    "اقليم محليه حوض"
)
# Facilities are places (a hospital, a house of worship, an oil field, a lake, a nature reserve too); so are streets,
# squares, mountains, valleys and rivers, whose word is part of their name («جبل اللويبدة», «ساحة المرجة», «استاد
# خليفة», «نهر الليطاني»).
FACILITY_TRIGGERS = (
    "ميناء مرفا مطار قصر قلعه سد معبر مسجد جسر قاعده مستشفي جامع كنيسه كاتدرائيه معبد حقل بحيره محميه محطه دير "
    "استاد شارع ساحه ميدان جبل وادي نهر "
    # markets, parks, plants, reservoirs and minarets: «سوق الصاغة», «حديقة الزوراء», «معمل الزهراني», «منارة الحدباء»
    "سوق حديقه معمل خزان مناره"
)
# Adjectives of size that are part of a facility's name («ميناء الفاو الكبير»), as a relation adjective is.
SIZE_ADJECTIVES = frozenset({"الكبير", "الكبيره", "الكبري"})
# Adjectives of a place's part, which a body named by the place keeps: «قيادة عمليات الفرات الأوسط».
PLACE_ADJECTIVES = SIZE_ADJECTIVES | {"الاوسط", "الاعلي", "الادني", "الصغري"}
# First words of compound place names, which take the word after them: «عين القبو», «كفر تخاريم», «ذي قار».
# «مار» (a saint) names a monastery or a church with the saint's name: «دير مار بهنام».
COMPOUND_PLACE_WORDS = frozenset(
    {"عين", "كفر", "دير", "بيت", "تل", "ام", "ابو", "ابي", "بن", "راس", "بني", "جسر", "بستان", "ذي", "مار"}
)
# First words of compound place names that announce a place alone: «كفر نبل», «تل رفعت», «عين التينة» (after a
# preposition: «عين» is also an eye).
COMPOUND_TRIGGERS = frozenset({"كفر", "تل", "عين"})

# --- every context --------------------------------------------------------------------------------------------------

# Words that end a name: function words, verbs of reporting, times. With the analyzer's stop words.
ENDERS = (
    "قال قالت اكد اكدت اعلن اعلنت اضاف اضافت اشار اشارت اوضح اوضحت دعا دعت ان انه انها الذي التي الذين يوم اليوم "
    "امس غدا خلال بعد قبل مع عن الي علي في من حتي منذ عند لدي بين اثناء ايضا كما وقال وقالت واكد واضاف كان كانت "
    "السبت الاحد الاثنين الثلاثاء الاربعاء الخميس الجمعه صباح مساء عبر ضد نحو وفق حول امام لقد قد لم لن ما "
    "الاسبوع الشهر العام الموسم المقبل المقبله الماضي الماضيه الحالي الجاري للمره"
)
# Nationalities not made by the rule of ``vocabulary`` from their country's name («إنجلترا»).
IRREGULAR_NATIONALITIES = frozenset({"الانجليزي", "الانجليزيه", "الانكليزي", "الانكليزيه"})
COMMON_ZIPF = 5.0  # a word this frequent is a common word, unless it is a known name word
RARE_ZIPF = 4.0  # a word this rare after an organisation head is taken for a proper name
PLACE_ZIPF = 4.5  # a word this frequent after a place trigger is a common word («قرية بعيدة»)
KNOWN_ZIPF = 3.0  # a word this frequent is one the lexicon knows: as an agreeing adjective, it describes
MAX_NAME_WORDS = 3
# A word is ل + a noun when the noun alone is this much more frequent (Zipf) than the word: «لصياغة», not «ليلى».
CLITIC_GAIN = 0.5
# Words that link a name's parts (with European particles: «نايلة دو فريج», «أورسولا فون دير لاين»).
NAME_LINKS = frozenset({"بن", "ابن", "ابو", "ابي", "عبد", "بنت", "دو", "دي", "فون", "فان"})
# Ordinals are adjectives of a rank, not of a body («المكتب الثاني للشركة»).
ORDINALS = frozenset({"الاول", "الثاني", "الثالث", "الرابع", "الخامس", "الاخير", "الاولي", "الثانيه", "الاخيره"})
PREPOSITIONS = frozenset({"علي", "في", "من", "عن", "الي", "عليها", "عليه", "فيها", "فيه", "منها", "منه"})
# A field that points back at what the text speaks of names no body: «الهيئة الناظمة للقطاع».
ANAPHORIC_FIELDS = frozenset(
    {"للقطاع", "للبلاد", "للمنطقه", "للدوله", "للمدينه", "للمحافظه", "للملف", "للشركه", "للمشروع", "للمطار"}
)
# Words that say when, not which: «العام الماضي», «العام نفسه», «مواجهة بايرن الماضي» (not a nisba adjective).
TIME_WORDS = frozenset({"الماضي", "المقبل", "الجاري", "الحالي", "المنصرم", "نفسه"})
# A preposition with a pronoun after a «لل…» word makes it a purpose («للمصادقة عليها»), not a part of a name.
PURPOSE_PREPOSITIONS = frozenset({"عليها", "عليه", "عليهم", "فيها", "فيه", "عنها", "عنه", "منها", "منه", "بها", "به"})
PROCLITICS = ("وب", "ول", "وك", "فب", "فل", "فك", "و", "ف", "ب", "ل", "ك")
# Marks a canonical name is written without.
MARKS = re.compile(f"[{DIACRITICS}{TATWEEL}]")
