"""Month names shared by the dateline and publication-date finders.

Keys are lower-case, accents kept; abbreviations appear with and without a trailing dot stripped
by the caller. Languages: the ones most common in the crawl (en, fr, de, es, it, pt, nl).
"""

_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: (
        "january",
        "jan",
        "janvier",
        "janv",
        "januar",
        "jän",
        "enero",
        "ene",
        "gennaio",
        "gen",
        "janeiro",
        "januari",
    ),
    2: (
        "february",
        "feb",
        "février",
        "fevrier",
        "févr",
        "fevr",
        "februar",
        "febrero",
        "febbraio",
        "fevereiro",
        "fev",
        "fev",
        "februari",
    ),
    3: ("march", "mar", "mars", "märz", "maerz", "marzo", "março", "marco", "maart", "mrt"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei"),
    6: ("june", "jun", "juin", "juni", "junio", "giugno", "giu", "junho"),
    7: ("july", "jul", "juillet", "juil", "juli", "julio", "luglio", "lug", "julho"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "settembre", "set", "setembro"),
    10: (
        "october",
        "oct",
        "octobre",
        "oktober",
        "okt",
        "octubre",
        "ottobre",
        "ott",
        "outubro",
        "out",
    ),
    11: ("november", "nov", "novembre", "noviembre", "novembro"),
    12: (
        "december",
        "dec",
        "décembre",
        "decembre",
        "déc",
        "dezember",
        "dez",
        "diciembre",
        "dic",
        "dicembre",
        "dezembro",
    ),
}


# Added for publication dates: Russian and Ukrainian (nominative and genitive), Arabic (Egyptian
# and Levantine one-word names), Polish genitive and Nordic/Indonesian spellings. Only names
# that are not also common words were added ("marca", "maja", "ocak", "ekim" were left out).
_MORE_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("январь", "января", "січень", "січня", "يناير", "stycznia"),
    2: ("февраль", "февраля", "лютий", "лютого", "فبراير", "شباط", "lutego"),
    3: ("март", "марта", "березень", "березня", "مارس", "آذار", "maret"),
    4: ("апрель", "апреля", "квітень", "квітня", "أبريل", "ابريل", "إبريل", "نيسان", "kwietnia"),
    5: ("май", "мая", "травень", "травня", "مايو", "أيار", "ايار"),
    6: ("июнь", "июня", "червень", "червня", "يونيو", "يونيه", "حزيران", "czerwca"),
    7: ("июль", "июля", "липень", "липня", "يوليو", "يوليه", "تموز", "lipca"),
    8: (
        "август",
        "августа",
        "серпень",
        "серпня",
        "أغسطس",
        "اغسطس",
        "sierpnia",
        "augusti",
        "agustus",
    ),
    9: ("сентябрь", "сентября", "вересень", "вересня", "سبتمبر", "أيلول", "ايلول", "września"),
    10: ("октябрь", "октября", "жовтень", "жовтня", "أكتوبر", "اكتوبر", "października"),
    11: ("ноябрь", "ноября", "листопад", "листопада", "نوفمبر", "listopada"),
    12: ("декабрь", "декабря", "грудень", "грудня", "ديسمبر", "grudnia", "desember"),
}

MONTHS: dict[str, int] = {
    name: month
    for table in (_MONTH_NAMES, _MORE_MONTH_NAMES)
    for month, names in table.items()
    for name in names
}


def month_number(word: str) -> int | None:
    """Month number for a month name or abbreviation in any listed language, else None."""
    return MONTHS.get(word.lower().rstrip("."))
