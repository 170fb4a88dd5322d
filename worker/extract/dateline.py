"""Dateline detection: the `PLACE, Date (Agency) -` prefix a wire story opens with.

A dateline is recognised structurally, without a gazetteer: a short run of capitalised place words
(optionally a region after a comma, or several places joined by "/"), an optional date, an
optional agency in parentheses, and a separator (dash, em/en dash or colon). Because look-alike
labels ("UPDATE:", "EXCLUSIVE -") and headline fragments have the same shape, a candidate without
a date or agency must pass stricter checks (upper-case place, sentence-like text after it, no
label word). False positives cost more than misses, so every doubtful case is rejected.
"""

import re
from dataclasses import dataclass

from worker.extract.calendar import month_number

# Where to look: a dateline opens the story, possibly after a headline, byline, date or caption
# line left over by extraction; five such lines fit well inside this budget.
MAX_SCAN_CHARS = 500
# Same reason: headline + byline + date + photo credit + caption, then the dateline.
MAX_SCAN_LINES = 8
# Longest dateline head seen in wire copy is ~60 chars ("GEORGETOWN, Grand Cayman, British West
# Indies, March 25"); 120 leaves room for agency + date while bounding the work per line.
MAX_HEAD_CHARS = 120
# Place names rarely exceed four words ("DALLAS/FORT WORTH AIRPORT" parts, "Castellón de la Plana").
MAX_WORDS_PER_PLACE = 4
# City plus up to three region parts ("HAILEY, Idaho, Calif.", "GEORGETOWN, Grand Cayman, B.W.I.").
MAX_LOCATION_PARTS = 4
# Parenthesised agency names are short ("Reuters", "AFP", "RIA Novosti", "Agência Brasil").
MAX_AGENCY_CHARS = 30
# A date-less, agency-less candidate must open a paragraph of at least this many words; a
# headline ("TRUMP: I will not resign") is shorter.
MIN_WEAK_REST_WORDS = 8
# Undated title-case places ("Lausanne -- ...") look like headlines ("Obama -- The Man"), so they
# need a full sentence after them, not just a clause.
MIN_TITLECASE_REST_WORDS = 8
# Dated 1987 wire places may be typed in lower case ("chicago", "Mexico city", "La paz"); longer
# lower-case runs are prose ("prices rose sharply").
MAX_LOWERCASE_PLACE_WORDS = 2
# An undated place of more words is a headline fragment ("AUSTRALIAN WEEKLY WHEAT SHIPMENTS");
# real ones stop at three ("SALT LAKE CITY", "ELK GROVE VILLAGE").
MAX_BARE_CITY_WORDS = 3
# A one-word undated place shorter than this is an acronym ("CNN:", "BBC -"); 3-letter cities
# ("UFA") are rare enough to give up.
MIN_BARE_CITY_LETTERS = 4
# Month names shorter than this ("May", "June", "July") get no typo allowance.
MIN_TYPO_MONTH_CHARS = 5
# Vowels of the Latin alphabet; a Latin name without one is an acronym.
LATIN_VOWELS = "AEIOUY"
# A wire line wraps at ~65 chars; a shorter first line without lower case is a title tail.
MIN_WRAPPED_LINE_CHARS = 30
# The sentence check looks at this many leading words for a lower-case (running-text) word.
SENTENCE_PROBE_WORDS = 8
# Text after the separator read for that check; a wire line wraps at ~65 chars, so this spans 3.
REST_WINDOW_CHARS = 200

# A transcript shows its second speaker turn within a few paragraphs.
TRANSCRIPT_SCAN_CHARS = 3000
# A speaker label is a name and maybe a role ("STEVE INSKEEP, HOST").
MAX_SPEAKER_CHARS = 40
# A dateline occurs once; two "NAME:" openings make a transcript.
MIN_SPEAKER_TURNS = 2

# Words that mark a label, section or caption, never a place (English and the crawl's main
# European languages). Compared upper-case, one word at a time.
# fmt: off
LABEL_WORDS: frozenset[str] = frozenset({
    "UPDATE", "UPDATES", "UPDATED", "EXCLUSIVE", "EXCLUSIVES", "BREAKING", "FLASH", "URGENT",
    "ALERT", "LIVE", "WATCH", "VIDEO", "VIDEOS", "PHOTO", "PHOTOS", "PICTURE", "PICTURES",
    "GALLERY", "AUDIO", "LISTEN", "PODCAST", "FILE", "NOTE", "NOTES", "EDITOR", "EDITOR'S",
    "EDITORS", "EDITORIAL", "OPINION", "COMMENT", "COMMENTARY", "ANALYSIS", "FACTBOX", "FACT",
    "CHECK", "EXPLAINER", "INSIGHT", "FEATURE", "REVIEW", "INTERVIEW", "COLUMN", "LETTER",
    "LETTERS", "OBITUARY", "CORRECTION", "CORRECTED", "CLARIFICATION", "SUMMARY", "HIGHLIGHTS",
    "BACKGROUND", "CONTEXT", "TIMELINE", "RECAP", "PREVIEW", "POLL", "Q&A", "FAQ", "WARNING",
    "SPOILER", "DISCLAIMER", "DISCLOSURE", "SOURCE", "SOURCES", "CREDIT", "CREDITS", "CAPTION",
    "IMAGE", "GRAPHIC", "TRANSCRIPT", "ADVERTISEMENT", "SPONSORED", "PROMOTED", "PREMIUM",
    "SUBSCRIBE", "READ", "MORE", "RELATED", "SEE", "ALSO", "TOPIC", "TOPICS", "TAGS", "TAG",
    "SHARE", "PUBLISHED", "POSTED", "BY", "LATEST", "DEVELOPING", "TOP", "STORY", "STORIES",
    "REPORT", "SPECIAL", "QUOTE", "QUOTES", "SAID", "SAYS", "SAY", "TELLS", "TOLD", "ASKED",
    "ANSWER", "QUESTION", "WHAT", "WHY", "HOW", "WHO", "WHEN", "WHERE", "SPORTS", "SPORT",
    "HEALTH", "BUSINESS", "POLITICS", "TECH", "TECHNOLOGY", "ENTERTAINMENT", "WEATHER", "TRAFFIC",
    "CRIME", "ECONOMY", "MARKETS", "OBITUARIES", "CORONAVIRUS", "COVID", "HOROSCOPE", "EXCLUSIVA",
    "EXCLUSIF", "EXKLUSIV", "ESCLUSIVO", "ÚLTIMA", "ULTIMA", "HORA", "OPINIÓN", "VÍDEO", "VIDÉO",
    "FOTO", "FOTOS", "ACTUALIZACIÓN", "ACTUALIZADO", "ATUALIZAÇÃO", "ATUALIZADO", "AGGIORNAMENTO",
    "EILMELDUNG", "KOMMENTAR", "ANALYSE", "DIRECT", "DIRECTO", "VIVO", "URGENTE", "ACTUALITÉ",
    "MEINUNG", "NOTA", "HOST", "ANCHOR", "BYLINE", "REPORTER", "CORRESPONDENT", "ANNOUNCER",
    "NARRATOR", "SPEAKER", "MODERATOR", "INTERVIEWER", "UNIDENTIFIED", "ICYMI", "JUST",
    "REVEALED", "PICTURED", "SHOCK", "CONFIRMED", "OFFICIAL", "RUMOR", "RUMOUR", "LEAKED",
    "EXPLAINED", "VERDICT", "CLAIM", "TRAILER", "RECIPE", "GUIDE", "TIPS", "REFILE", "WRAPUP",
    "IMPORTANT", "FIRST", "HAPPENING", "NOW", "AHEAD", "SPOILERS", "IMAGES", "ATTENTION",
    "REMINDER", "TRENDING", "VIRAL", "WANTED", "MISSING", "AMBER", "WARNINGS", "ADVISORY",
    "LINKS", "LIENS", "ENLACES", "RÉPONSE", "RESPUESTA", "ANTWORT", "RISPOSTA", "RESPOSTA",
    "ODGOVOR", "ANTWOORD", "NAPOMENA", "REMARQUE", "HINWEIS", "ANMERKUNG", "OPMERKING", "UWAGA",
    "POZNÁMKA", "ATENCIÓN", "ACHTUNG", "AVISO", "AVVISO", "ATTENZIONE", "ARCHIVES", "ARCHIVO",
    "FACTS", "EDIT", "EDITED", "INTERÉS", "INTERES", "INTERESAR", "INTERESSAR", "TAMBIÉN",
    "TAMBEM", "TAMBÉM", "AUSSI", "ANCHE", "AUCH", "RELACIONADO", "RELACIONADA", "RELACIONADOS",
    "RELACIONADAS", "MIRA", "VEA", "LEA", "LEIA", "LEGGI", "LESEN", "LIRE", "VOIR", "SIEHE",
    "MEHR", "PLUS", "LICENSE", "LICENCE", "LIZENZ", "COPYRIGHT",
})
# fmt: on

# Weekday names (the crawl's main languages): "Monday, March 3 -" is a date line, not a place.
# fmt: off
WEEKDAYS: frozenset[str] = frozenset({
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue",
    "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun", "lundi", "mardi", "mercredi",
    "jeudi", "vendredi", "samedi", "dimanche", "montag", "dienstag", "mittwoch", "donnerstag",
    "freitag", "samstag", "sonntag", "lunes", "martes", "miércoles", "miercoles", "jueves",
    "viernes", "sábado", "sabado", "domingo", "lunedì", "martedì", "mercoledì", "giovedì",
    "venerdì", "sabato", "segunda", "terça", "quarta", "quinta", "sexta", "maandag", "dinsdag",
    "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
})
# fmt: on

# Lower-case particles allowed inside a place name ("Rio de Janeiro", "Frankfurt am Main").
# fmt: off
PLACE_PARTICLES: frozenset[str] = frozenset({
    "de", "del", "della", "delle", "di", "da", "do", "dos", "das", "du", "des", "la", "le", "les",
    "el", "al", "am", "an", "der", "den", "im", "bei", "upon", "on", "of", "sur", "en", "y", "i",
    "et", "and", "und", "van", "von", "ob", "aan",
})
# fmt: on

# Lower-case words that start or fill ordinary sentences, never a (lower-cased) place name.
# fmt: off
FUNCTION_WORDS: frozenset[str] = frozenset({
    "the", "a", "an", "in", "on", "at", "and", "or", "but", "of", "to", "for", "by", "from",
    "with", "as", "is", "was", "were", "are", "be", "has", "have", "had", "it", "he", "she",
    "they", "we", "i", "you", "this", "that", "these", "those", "said", "says", "say", "after",
    "before", "since", "until", "last", "next", "when", "while", "if", "then", "there", "here",
    "their", "his", "her", "its", "our",
})
# fmt: on

# Agencies (and their regional desks, "dpa/lnw") written in lower case by their own style guide.
# fmt: off
LOWERCASE_AGENCIES: frozenset[str] = frozenset({
    "dpa", "apa", "sda", "ats", "awp", "sid", "epd", "kna", "ddp", "dts", "lnw", "lby", "lni",
    "lsw", "lhe", "lrs", "lah", "lno", "tmn", "afp", "ap", "efe", "ansa", "ots",
})
# fmt: on

# Words inside parentheses that name a picture or edit, not the wire service.
NON_AGENCY_WORDS = frozenset(
    {"PHOTO", "PHOTOS", "FILE", "VIDEO", "UPDATED", "UPDATE", "CORRECTED", "AUDIO", "WATCH"}
)

# English month names, for the wire's typos and truncations ("Narch 2", "Apri 1", "Marc 16").
ENGLISH_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

# The head of a line up to its first separator: a dash with a space on either side (or ending the
# line), an em/en dash, a colon before a space, a dash right after a closing parenthesis (EFE's
# ").-", Business Wire's ")--"), Mexican ".-", a full stop after a slashed agency (TASS's
# "/TASS/. "), or a space or nothing after the parenthesis (agency with the dash lost,
# "(CNN)The"). Lazy but bounded by MAX_HEAD_CHARS, so it cannot run away.
_HEAD_RE = re.compile(
    rf"(?P<head>[^\n:\u2013\u2014]{{1,{MAX_HEAD_CHARS}}}?)"
    r"(?P<sep>[^\S\n]*(?:--?|[\u2013\u2014])(?=\s|$)[^\S\n]*"
    r"|(?<=\s)(?:--?|[\u2013\u2014])[^\S\n]*"
    r"|(?<=\))\.?(?:--?|[\u2013\u2014])[^\S\n]*"
    r"|\.-(?=\s)[^\S\n]*"
    r"|(?<=\))(?=[^\W\d_])"
    r"|[^\S\n]*[\u2013\u2014][^\S\n]*"
    r"|:(?=[^\S\n]|$)[^\S\n]*"
    r"|(?<=/)\.[^\S\n]+"
    r"|(?<=\))[^\S\n]+)"
)
# A mark some separator of _HEAD_RE needs (a dash, colon, ")" or "/" before it) on the head's
# line: within MAX_HEAD_CHARS + 1 characters, or after spaces that follow them. Lines without
# one (most prose) skip _HEAD_RE, whose lazy head tries nine separators at each character.
_SEPARATOR_AHEAD_RE = re.compile(
    rf"[^\n\-\u2013\u2014:)/]{{0,{MAX_HEAD_CHARS + 1}}}+[\-\u2013\u2014:)/]"
    rf"|[^\n]{{{MAX_HEAD_CHARS}}}[^\S\n]*+[\-\u2013\u2014]"
)
# Junk a wire system left before the dateline ("****", "c    ") and bullet marks.
_JUNK_RE = re.compile(r"(?:\*+|[•·>]+|[a-z0-9](?=[^\S\n]{2,}))?[^\S\n]*")
# An agency opening the line: "(ANSA) - ROMA, 29 APR - ".
_LEADING_AGENCY_RE = re.compile(
    rf"\((?P<agency>[^()\n]{{1,{MAX_AGENCY_CHARS}}})\)[^\S\n]*(?:--?|[\u2013\u2014]|:)[^\S\n]*"
)
# An agency closing the head: "(Reuters)", or press-wire style "/PRNewswire/".
_TRAILING_AGENCY_RE = re.compile(
    rf"[^\S\n]*(?:\((?P<paren>[^()\n]{{1,{MAX_AGENCY_CHARS}}})\)"
    rf"|/(?P<slash>[^/()\n]{{1,{MAX_AGENCY_CHARS}}})/)[^\S\n]*$"
)
# A date closing the head after a comma: "Feb 26", "March 3, 2024", "April, 13", "April",
# "29 APR", "3. März". The month word is checked against the calendar in code.
_MONTH_FIRST_DATE_RE = re.compile(
    r"(?:,|(?<=\.))[^\S\n]*(?P<date>(?P<month>[^\W\d_]{3,10})\.?"
    r"(?:,?[^\S\n]+(?P<day>\d[\dO]{0,2})(?:st|nd|rd|th)?(?:,?[^\S\n]+\d{4})?)?)[^\S\n]*$"
)
_DAY_FIRST_DATE_RE = re.compile(
    r"(?:,|(?<=\.))[^\S\n]*"
    r"(?P<date>(?P<day>\d{1,2})[.\u00ba]?(?:[^\S\n]+de)?[^\S\n]+(?P<month>[^\W\d_]{3,10})\.?"
    r"(?:(?:[^\S\n]+de)?[^\S\n]+\d{4})?)[^\S\n]*$"
)
# A news site named as the source after the place: "JAKARTA, KOMPAS.com -".
_DOMAIN_RE = re.compile(r"[^\W\d_][\w-]{2,}(?:\.[A-Za-z]{2,6})+")
# Characters a place name is made of: letters first, then letters, dots, apostrophes, hyphens.
_PLACE_CHARS_RE = re.compile(r"[^\W\d_][\w.'\u2019\- ]*")
_SPACES_RE = re.compile(r"\s+")
# Hyphen, en dash, em dash: the marks that can end a dateline standing alone on its line.
DASHES = "-\u2013\u2014"
# A story may open on a quotation ("\u201cWe will...") or a wire company tag ("<Kleer-Vu>").
OPENING_QUOTES = "\"'<\u201c\u2018\u00ab\u201e"


@dataclass(frozen=True, slots=True)
class Dateline:
    """Where (and when, and through which agency) a story was filed, as written in its prefix."""

    location: str  # "BEIRUT", "LONDON", "JERUSALEM/CAIRO", "BILLINGS, Mont.", "ST JOSEPH, Mo."
    agency: str | None  # "Reuters", "AP", "AFP", "EFE", "ANSA", "UPI" ... or None
    date_text: str | None  # the literal date as written: "March 3", "29 APR", "3 mar", or None
    raw: str  # the exact prefix removed from the body, separator included


def split_dateline(body: str) -> tuple[Dateline | None, str]:
    """Find the dateline near the start of an article body; return it and the body without it.

    A dated dateline anywhere in the scanned lines wins over an undated one on an earlier line:
    the earlier one is far more often a headline tail ("LONDON EXCHANGES - SDR CALCULATION").
    """
    if not isinstance(body, str):
        return None, body
    undated: tuple[int, Dateline] | None = None
    for start, text in _leading_lines(body):
        found = _parse_dateline(text)
        if found is not None and found.date_text is not None:
            return found, _without(body, start, found)
        if found is not None and undated is None:
            undated = (start, found)
    if undated is None:
        return None, body
    start, found = undated
    if _is_bare_colon(found) and _has_speaker_turns(body):
        return None, body
    return found, _without(body, start, found)


def _without(body: str, start: int, dateline: Dateline) -> str:
    """The body with the dateline's raw prefix cut out at `start`."""
    return body[:start] + body[start + len(dateline.raw) :]


def _is_bare_colon(dateline: Dateline) -> bool:
    """True for "PLACE:" with no date or agency, the shape a transcript's speaker turn shares."""
    return (
        dateline.date_text is None and dateline.agency is None and dateline.raw.rstrip()[-1] == ":"
    )


def _has_speaker_turns(body: str) -> bool:
    """True if several lines open with an upper-case name and a colon ("MARTIN: Good morning")."""
    turns = 0
    for line in body[:TRANSCRIPT_SCAN_CHARS].split("\n"):
        head, colon, _ = line.strip().partition(":")
        if colon and len(head) <= MAX_SPEAKER_CHARS and _is_upper_case(head):
            turns += 1
    return turns >= MIN_SPEAKER_TURNS


def _leading_lines(body: str) -> list[tuple[int, str]]:
    """(offset of first non-blank char, text from there) for the lines where a dateline may sit.

    The text runs past the line end (to the paragraph end, bounded) so that the words after a
    dateline that ends its line can be read; a one-line paragraph ending in a dash ("WASHINGTON
    --" alone) also takes in the next paragraph, which is then the story it opens.
    """
    lines: list[tuple[int, str]] = []
    offset = 0
    while offset < min(len(body), MAX_SCAN_CHARS) and len(lines) < MAX_SCAN_LINES:
        end = body.find("\n", offset, offset + MAX_SCAN_CHARS)
        line_end = end if end >= 0 else min(len(body), offset + MAX_SCAN_CHARS)
        line = body[offset:line_end]
        indent = len(line) - len(line.lstrip())
        if line.strip():
            start = offset + indent
            window = body[start : line_end + REST_WINDOW_CHARS]
            paragraphs = window.split("\n\n", 2)
            text = paragraphs[0]
            if len(paragraphs) > 1 and "\n" not in text.strip() and text.rstrip()[-1:] in DASHES:
                text = "\n\n".join(paragraphs[:2])
            lines.append((start, text))
        if end < 0:
            break
        offset = end + 1
    return lines


def _parse_dateline(text: str) -> Dateline | None:
    """The dateline opening this text (a line and the rest of its paragraph), or None."""
    position = _JUNK_RE.match(text).end()
    leading_agency: str | None = None
    leading = _LEADING_AGENCY_RE.match(text, position)
    if leading is not None:
        leading_agency = _clean_agency(leading.group("agency"))
        if leading_agency is None:
            return None
        position = leading.end()
    if _SEPARATOR_AHEAD_RE.match(text, position) is None:
        return None
    match = _HEAD_RE.match(text, position)
    if match is None:
        return None
    location, date_text, agency = _split_head(match.group("head"))
    if location is None or (agency is not None and leading_agency is not None):
        return None
    agency = agency or leading_agency
    if agency is not None and _names_the_agency(location, agency):
        return None
    separator = match.group("sep")
    if not _separator_fits(separator, match.group("head"), location, date_text, agency):
        return None
    end = match.end()
    rest = text[end : end + REST_WINDOW_CHARS]
    if date_text is None and not _is_undated_dateline(location, agency, separator, rest):
        return None
    if not _is_place(location, lenient=date_text is not None):
        return None
    gap = len(rest) - len(rest.lstrip())
    if "\n\n" in rest[:gap]:
        end += gap  # the dateline is a paragraph of its own: take the blank line with it
    return Dateline(location=location, agency=agency, date_text=date_text, raw=text[:end])


def _separator_fits(
    separator: str, head: str, location: str, date_text: str | None, agency: str | None
) -> bool:
    """Reject separators that datelines do not use but labels and speaker turns do.

    " : " (space before the colon) is French label typography. An undated colon needs an
    all-caps place ("KARACHI:"; "BRAUNGART, Richard:" is a reference). A bare "(Role) " or
    "(Role): " after a name is a speaker's affiliation unless it holds a wire-style acronym.
    Without any dash, an undated title-case name is a company and its ticker ("Apple (AAPL) CEO")
    as often as a place and its agency, so only "WASHINGTON (CNN)The" passes. An undated,
    agency-less place needs a spaced dash ("A SIC- Imobprest" is a fragment).
    """
    mark = separator.strip()
    if mark == "" and date_text is None and not _is_upper_case(location.split(",")[0]):
        return False
    if mark == ":" and head[-1:].isspace():
        return False
    if mark == ":" and date_text is None and not all(map(_is_upper_case, location.split(","))):
        return False
    if mark in ("", ":") and agency is not None and date_text is None:
        return _looks_like_wire_agency(agency)
    if mark.startswith("-") and date_text is None and agency is None:
        return separator[:1].isspace()
    return True


def _looks_like_wire_agency(agency: str) -> bool:
    """True if the name holds an acronym ("AP", "IANS", "CNN Business") or a lower-case wire."""
    for word in agency.replace("/", " ").split():
        letters = [char for char in word if char.isalpha()]
        if word.lower() in LOWERCASE_AGENCIES:
            return True
        if len(letters) >= 2 and word.isupper() and word.lower() not in FUNCTION_WORDS:
            return True
    return False


def _names_the_agency(location: str, agency: str) -> bool:
    """True if the place is the agency itself ("Associated Press (AP)", "Getty Images (Getty)")."""
    place_words = {word.upper() for word in location.replace("/", " ").split()}
    agency_words = {word.upper() for word in agency.replace("/", " ").split()}
    initials = "".join(word[0] for word in location.split()).upper()
    return bool(place_words & agency_words) or initials == agency.upper().replace(" ", "")


def _is_undated_dateline(location: str, agency: str | None, separator: str, rest: str) -> bool:
    """Checks for a dateline without a date: it must open running prose, not a table or title."""
    if _starts_with_date(rest) or not _reads_as_sentence(rest):
        return False
    return agency is not None or _is_confident_bare_place(location, separator, rest)


def _split_head(head: str) -> tuple[str | None, str | None, str | None]:
    """Split "PLACE, Date (Agency)" into (location, date_text, agency); location None if invalid."""
    agency: str | None = None
    trailing = _TRAILING_AGENCY_RE.search(head)
    if trailing is not None:
        agency = _clean_agency(trailing.group("paren") or trailing.group("slash"))
        if agency is None:
            return None, None, None
        head = head[: trailing.start()].rstrip().removesuffix("--")
        if trailing.group("slash"):
            head = head.removesuffix(".")  # TASS style: "MOSCOW, March 3. /TASS/. "
    date_text: str | None = None
    date_match = _find_date(head)
    if date_match is not None:
        date_text = _collapse(date_match.group("date"))
        head = head[: date_match.start()]
        if agency is None:
            before_date = _TRAILING_AGENCY_RE.search(head)
            if before_date is not None:
                agency = _clean_agency(before_date.group("paren") or before_date.group("slash"))
                if agency is None:
                    return None, None, None
                head = head[: before_date.start()]
    location = _collapse(head)
    location = location[:-1].rstrip() if location.endswith(",") else location
    place, comma, last_part = location.rpartition(",")
    if _DOMAIN_RE.fullmatch(last_part.strip()) is not None:
        if agency is not None or not comma:
            return None, None, None
        location, agency = place.strip(), last_part.strip()
    return (location or None), date_text, agency


def _find_date(head: str) -> re.Match[str] | None:
    """The date at the end of the head, if its month word really names a month."""
    for pattern in (_DAY_FIRST_DATE_RE, _MONTH_FIRST_DATE_RE):
        match = pattern.search(head)
        if match is None:
            continue
        month, day = match.group("month"), match.group("day")
        if day is None and not match.group(0).startswith(","):
            continue
        if month_number(month) is not None or (day is not None and _is_misspelt_month(month)):
            return match
    return None


def _is_misspelt_month(word: str) -> bool:
    """True for a truncated ("Apri") or one-typo ("Narch", "Mrach", "Febuary") English month.

    Only names of five letters or more get the typo allowance; shorter ones are one edit away
    from too many ordinary words.
    """
    lowered = word.lower()
    for month in ENGLISH_MONTHS:
        if len(lowered) >= 3 and month.startswith(lowered):
            return True
        if len(month) >= MIN_TYPO_MONTH_CHARS and _is_one_edit_apart(lowered, month):
            return True
    return False


def _is_one_edit_apart(word: str, target: str) -> bool:
    """True if one substitution, adjacent swap, insertion or deletion turns word into target."""
    if abs(len(word) - len(target)) > 1 or word == target:
        return False
    prefix = 0
    while prefix < min(len(word), len(target)) and word[prefix] == target[prefix]:
        prefix += 1
    word_tail, target_tail = word[prefix:], target[prefix:]
    return (
        word_tail[1:] == target_tail[1:]  # substitution
        or word_tail[1:] == target_tail  # extra letter
        or word_tail == target_tail[1:]  # missing letter
        or (word_tail[:2] == target_tail[1::-1] and word_tail[2:] == target_tail[2:])  # swap
    )


def _clean_agency(text: str) -> str | None:
    """The agency name inside parentheses, or None if it reads like something else."""
    agency = _collapse(text)
    words = agency.replace("/", " ").split()
    if not words or any(not word[0].isalpha() for word in words):
        return None
    if any(word.upper().strip(".") in NON_AGENCY_WORDS for word in words):
        return None
    if all(word[0].isupper() or word.lower() in LOWERCASE_AGENCIES for word in words):
        return agency
    return None


def _is_confident_bare_place(location: str, separator: str, rest: str) -> bool:
    """Without date or agency, accept an upper-case place, or a title-case one with its region.

    A lone title-case name before a dash is as often a person, brand or adverb ("Joe Biden --",
    "Fox News --", "Earlier --") as a city, so it needs a region ("Dekalb, Ill. --").
    """
    city = location.split(",")[0]
    city_words = [word for word in city.split() if word.lower() not in PLACE_PARTICLES]
    rest_words = rest.split()
    if len(city_words) > MAX_BARE_CITY_WORDS:
        return False
    if len(city_words) == 1 and not _is_word_like(city):
        return False
    if _is_upper_case(city):
        return len(rest_words) >= MIN_WEAK_REST_WORDS
    dash_led = any(char in separator for char in "\u2013\u2014") or "--" in separator
    has_region = "," in location
    return dash_led and has_region and len(rest_words) >= MIN_TITLECASE_REST_WORDS


def _is_word_like(name: str) -> bool:
    """False for acronyms: too short ("CNN"), or Latin letters with no vowel ("CRLF")."""
    letters = [char for char in name if char.isalpha()]
    if len(letters) < MIN_BARE_CITY_LETTERS:
        return False
    return not all(char.isascii() for char in letters) or any(
        char in LATIN_VOWELS for char in name.upper()
    )


def _starts_with_date(rest: str) -> bool:
    """True if the text after the separator opens with "April 7": a table header, not a story."""
    words = rest.split(maxsplit=2)
    return len(words) >= 2 and month_number(words[0]) is not None and words[1][:1].isdigit()


def _reads_as_sentence(rest: str) -> bool:
    """True if the text opens like running prose: a capital or quote, then a lower-case word.

    The first line must show a lower-case word itself unless it is a full wrapped line, so that
    an all-caps title tail followed by the real dateline on the next line does not pass.
    """
    words = rest.split()[:SENTENCE_PROBE_WORDS]
    if not words or not (words[0][0].isupper() or words[0][0] in OPENING_QUOTES):
        return False
    first_line = rest.lstrip().split("\n", 1)[0]
    if len(first_line) < MIN_WRAPPED_LINE_CHARS and not any(
        word[0].islower() for word in first_line.split()
    ):
        return False
    return any(word[0].islower() for word in words)


def _is_place(location: str, lenient: bool) -> bool:
    """True if the text has the shape of a place name; `lenient` (a date was found) allows case."""
    location = location.rstrip(",.")
    if location.lower() in WEEKDAYS or sum(char.isalpha() for char in location) < 2:
        return False
    if _PLACE_CHARS_RE.fullmatch(location.replace(",", " ").replace("/", " ")) is None:
        return False
    parts = [part.strip() for part in location.split(",")]
    if len(parts) > MAX_LOCATION_PARTS or any(not part for part in parts):
        return False
    for part in parts:
        for place in part.split("/"):
            words = place.split()
            if not words or len(words) > MAX_WORDS_PER_PLACE:
                return False
            # Lower-case words pass only in short wire places ("Mexico city", "La paz").
            named = [word for word in words if word.lower() not in PLACE_PARTICLES]
            loose = lenient and len(named) <= MAX_LOWERCASE_PLACE_WORDS
            if not all(_is_place_word(word, index, loose) for index, word in enumerate(words)):
                return False
    return True


def _is_place_word(word: str, index: int, lenient: bool) -> bool:
    """One word of a place name: capitalised, a particle inside the name, or lenient lower case."""
    letters = word.strip(".'\u2019-")
    if not letters or not letters[0].isalpha():
        return False
    if any(piece in LABEL_WORDS for piece in letters.upper().split("-")):
        return False
    if letters.lower() in PLACE_PARTICLES and index > 0:
        return True
    core = letters[2:] if letters[:2].lower() in ("d'", "l'", "d\u2019", "l\u2019") else letters
    if core[:1].isupper():
        return True
    return lenient and letters.lower() not in FUNCTION_WORDS


def _is_upper_case(text: str) -> bool:
    """True if every cased letter outside particles is upper case ("RIO DE JANEIRO", "İSTANBUL")."""
    words = [word for word in text.split() if word.lower() not in PLACE_PARTICLES]
    cased = [char for word in words for char in word if char.isalpha()]
    return len(cased) >= 2 and all(char.isupper() for char in cased)


def _collapse(text: str) -> str:
    """Whitespace runs folded to one space, ends stripped (the corpus's label convention)."""
    return _SPACES_RE.sub(" ", text).strip()
