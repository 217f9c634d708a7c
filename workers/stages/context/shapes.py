"""The shapes of normalized Arabic words that tell what a word is: a feminine, a relation adjective (nisba), a verbal
noun, a participle, a year."""

from __future__ import annotations

from collections.abc import Mapping


def feminine(word: str) -> bool:
    """A feminine noun or adjective («قلعة», «الدولية», «الكبرى»), by its ending, normalized."""
    return word.endswith("ه") or word == "الكبري"


def verbal_noun(word: str) -> bool:
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


def care_noun(word: str) -> bool:
    """Whether a normalized word has the shape فعالة of a verbal noun of care or trade: «حماية», «رعاية», «زراعة»."""
    return len(word) == 5 and word[2] == "ا" and word[-1] == "ه"


def mufaala(word: str) -> bool:
    """Whether a normalized word has the shape مفاعلة of a verbal noun: «مقاومة», «مكافحة», «معالجة»."""
    return len(word) == 6 and word[0] == "م" and word[2] == "ا" and word[-1] == "ه"


def plural_nisba(word: str, frequencies: Mapping[str, float]) -> bool:
    """A plural relation adjective or noun («غربيون», «دبلوماسيين»): its singular, with the article, is a known word."""
    return word.endswith(("يون", "يين")) and f"ال{word[:-2]}" in frequencies


def participle(word: str) -> bool:
    """Whether a normalized definite word has the shape فاعل of an active participle («العاملة», «الصالح»)."""
    stem = word.removeprefix("ال").removesuffix("ه")
    return word.startswith("ال") and len(stem) == 4 and stem[1] == "ا"


def is_year(word: str) -> bool:
    """A year written in digits: «2026»."""
    return len(word) == 4 and word.isdigit()


def nisba(word: str) -> bool:
    """A relation adjective («السوري», «المركزية»): ending in ي or يه after at least three letters."""
    return len(word.removesuffix("ه")) >= 5 and word.removesuffix("ه").endswith("ي")
