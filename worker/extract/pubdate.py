"""Publication date of a crawled article: URL and structured data first, then visible text.

Finders only *propose* dates; `CASCADE` (bottom of the file) is the one place that says which
evidence beats which. `_first_plausible` is the single judge: it drops dates outside the bounds
(before MIN_DATE, after the crawl) and settles disagreements between structured sources.
Dates are the publisher's day as written; chrome (related lists, comments, sidebars, embeds,
links to other stories) is kept out of every finder except the one that reads this page's own
entry in a list of posts.
"""

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import islice
from typing import NamedTuple
from urllib.parse import urlsplit

import orjson
from selectolax.lexbor import LexborHTMLParser, LexborNode

from worker.extract.calendar import month_number
from worker.extract.html import Landmarks, find_landmarks

# --- bounds and budgets (the only tunables) ---------------------------------------------------
MIN_DATE = datetime.date(1995, 1, 1)  # dated news pages on the web start in the mid-1990s
EASTERNMOST_OFFSET = datetime.timedelta(hours=14)  # UTC+14 (Kiribati) is this far ahead of UTC
MAX_TEXT_CHARS = 200_000  # page text searched; the story and its byline end well before
MAX_SCRIPT_CHARS = 200_000  # one JSON-LD block; larger ones are site bundles, not article metadata
MAX_ELEMENTS = 300  # date-looking elements inspected per page; headers carry the date early
MAX_ELEMENT_TEXT = 160  # text of a date-looking element; longer means it is a paragraph, not a date
MAX_CHROME_BLOCKS = 2000  # possible chrome blocks cut from a page's text; more is a link farm
MAX_LINKS = 300  # links to this page examined; more is a link farm, not an article
MAX_URL_CHARS = 2000  # URL characters parsed; longer tails are tracking junk
SELF_LINK_MIN_PATH = 8  # shorter paths ("/", "/news") name sections linked from every page
SELF_LINK_TEXT = 300  # text around a link to this page searched for its date (a list entry)
SELF_LINK_LEVELS = 2  # a list entry is the link's parent or grandparent (li > span > a)
MAX_DATE_LINK_TEXT = 40  # a permalink whose whole text is its date ("12 July 2020, 10:04")
MAX_LINK_PARTS = 30  # elements inside a linked teaser checked for a date of their own
LINK_LEVELS = 4  # ancestors searched for a link wrapping a date (a > p > span > time)
MAX_ANCESTORS = 60  # ancestors walked to tell chrome from article; deeper nesting is pathological
MAX_JSON_DEPTH = 8  # nesting of JSON-LD objects searched (@graph > Article > ...)
MAX_MARKERS = 200  # "Published" words examined per text; more is a listing, not an article
PUBLISHED_LINE_GAP = 40  # chars between "Published" and its date ("Published in Dawn, July 6th")
MAX_HEADLINES = 3  # <h1>s tried as the story's headline; more are a listing's teasers
NEAR_TITLE_CHARS = 1500  # text after the headline that holds byline and date, before the story
ABOVE_TITLE_CHARS = 300  # kicker above the headline ("31.01.2022 | Sport"), byline above a body
BODY_EDGE_CHARS = 40  # start and end of the body looked up in a text record's dump
BELOW_BODY_CHARS = 200  # sign-off lines under a body ("Published in Dawn, July 6th, 2018")
DATE_REACH = 24  # chars a written date spans around its year ("30 de septiembre de 2018")
SHORT_TEXT_CHARS = 2000  # texts this short (elements, the headline window) are read whole
RIVAL_DAYS = 7  # structured dates this close are one story's draft and go-live dates
MAX_STRUCTURED_DATES = 20  # structured dates searched for the local twin of a UTC stamp
SHORT_YEAR_PIVOT = 70  # "06.07.98" is 1998, "06.07.18" is 2018; the web has no 1960s pages


@dataclass(frozen=True, slots=True)
class PublishedDate:
    """The day the story was first published, and the rule that found it (for operators)."""

    date: datetime.date
    source: str


class _Page:
    """Everything the finders may look at; costly views of the page are built once, on use."""

    def __init__(
        self,
        *,
        url: str,
        tree: LexborHTMLParser | None,
        landmarks: Landmarks | None,
        dump: str | None,
        body: str,
        latest: datetime.date,
        dateline_limit: datetime.date | None,
        dateline_date_text: str | None,
    ) -> None:
        self.url = url
        self.tree = tree
        self.given_landmarks = landmarks
        self.dump = None if dump is None else dump[:MAX_TEXT_CHARS]
        self.body = body[:MAX_TEXT_CHARS]
        self.latest = latest
        self.dateline_limit = dateline_limit
        self.dateline_date_text = dateline_date_text
        self.day_first = not _declares_month_first(tree)

    @cached_property
    def landmarks(self) -> Landmarks:
        """JSON-LD scripts, metas, <time>s, datePublished items and headlines, in one tree walk
        shared by the finders (and with the headline finder, when the caller passed them)."""
        return find_landmarks(self.tree) if self.given_landmarks is None else self.given_landmarks

    @cached_property
    def json_ld_dates(self) -> dict[str, list[str]]:
        """JSON-LD publication and modification dates, parsed once for both finders."""
        return json_ld_dates(self.landmarks["json-ld"])

    @cached_property
    def meta_dates(self) -> list[tuple[str, str, str]]:
        """Date-bearing meta tags, read once for the three meta finders."""
        return meta_dates(self.landmarks["meta"])

    @cached_property
    def beside_body(self) -> tuple[str, str] | None:
        """The dump text just above and just below the body of a text record; None when there
        is no dump or the body cannot be found in it."""
        body = self.body.strip()
        if self.dump is None or not body:
            return None
        start = self.dump.find(body[:BODY_EDGE_CHARS])
        end = self.dump.find(body[-BODY_EDGE_CHARS:], max(start, 0))
        if start < 0 or end < 0:
            return None
        end += len(body[-BODY_EDGE_CHARS:])
        return (
            self.dump[max(0, start - ABOVE_TITLE_CHARS) : start],
            self.dump[end : end + BELOW_BODY_CHARS],
        )

    @cached_property
    def path(self) -> str:
        """The URL path, to tell links to this page from links elsewhere."""
        return _url_path(self.url)

    @cached_property
    def text_outside_chrome(self) -> str:
        """The page text without sidebars, related lists and comments; for a text record, the
        body, which is its dump with the chrome already removed."""
        if self.tree is not None and self.tree.body is not None:
            return _text_outside_chrome(self.tree.body, MAX_TEXT_CHARS)
        return self.body


class Candidate(NamedTuple):
    """A proposed date and the rule that proposed it. Machine timestamps also keep their clock
    time as written and whether it is UTC, whose day may be one off the publisher's."""

    source: str
    date: datetime.date
    clock: datetime.datetime | None = None
    utc: bool = False


Finder = Callable[[_Page], Iterable[Candidate]]


# --- parsing date strings ---------------------------------------------------------------------
_ISO_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)([-/.])(\d{1,2})\2(\d{1,2})(?!\d)")
_COMPACT_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)")
_DATE_IN_TEXT = re.compile(
    # ISO 2018-07-06, 2018/07/06
    r"(?<!\d)(?P<iy>(?:19|20)\d\d)(?P<isep>[-/.])(?P<im>\d{1,2})(?P=isep)(?P<id>\d{1,2})(?!\d)"
    # CJK 2018年7月6日, 2018년 7월 6일
    r"|(?<!\d)(?P<cy>(?:19|20)\d\d)\s?[年년]\s?(?P<cm>\d{1,2})\s?[月월]\s?(?P<cd>\d{1,2})(?!\d)"
    # numeric 06.07.2018, 06/07/2018 (order decided by `_numeric_date`)
    r"|(?<!\d)(?P<na>\d{1,2})(?P<nsep>[-/.])(?P<nb>\d{1,2})(?P=nsep)(?P<ny>(?:19|20)\d\d)(?!\d)"
    # German short year 06.07.18; dots only, so versions and IPs (1.2.10.4) do not qualify
    r"|(?<![\d.])(?P<sd>\d{1,2})\.(?P<sm>\d{1,2})\.(?P<sy>\d\d)(?![\d.])"
    # day first: 6 July 2018, 6. Juli 2018, 6 de julio de 2018, 03 May, 2024, 1er mai 2018,
    # 24 نيسان / أبريل 2020 (Levantine and Egyptian names of the month side by side)
    r"|(?<!\d)(?P<td>\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s{0,3}(?:de\s{1,3})?"
    r"(?P<tm>[^\W\d_]{3,12})\.?(?:\s?/\s?[^\W\d_]{3,12})?,?\s{0,3}(?:de\s{1,3})?"
    r"(?P<ty>(?:19|20)\d\d)(?!\d)"
    # month first: July 6th, 2018, Jul. 6 2018
    r"|(?<![^\W\d_])(?P<mm>[^\W\d_]{3,12})\.?\s{1,3}(?P<md>\d{1,2})(?:st|nd|rd|th)?,?\s{1,3}"
    r"(?P<my>(?:19|20)\d\d)(?!\d)"
)


def _make_date(year: int, month: int, day: int) -> datetime.date | None:
    """A calendar date, or None when the numbers do not form one (31 April)."""
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _numeric_date(a: int, b: int, year: int, sep: str, day_first: bool) -> datetime.date | None:
    """Read a/b/year: a value above 12 settles the order; dots are always day-first (de, fr, ru)."""
    if a > 12 or sep == "." or (day_first and b <= 12):
        return _make_date(year, b, a)
    return _make_date(year, a, b)


def parse_machine_date(value: str) -> datetime.date | None:
    """Date from a machine-readable value (ISO 8601, 20180706); the day as written, zone ignored.

    Taking the date as written keeps the publisher's local day, which is what readers saw.
    """
    head = value[:64]
    match = _ISO_DATE.search(head)
    if match:
        return _make_date(int(match[1]), int(match[3]), int(match[4]))
    match = _COMPACT_DATE.search(head)
    if match:
        return _make_date(int(match[1]), int(match[2]), int(match[3]))
    return None


_DIGIT_RUN = re.compile(r"\d+")
# A month-first date's month and the stop and spaces after it, up to its day's first digit.
_MONTH_HEAD = re.compile(r"(?<![^\W\d_])[^\W\d_]{3,12}\.?\s{1,3}\Z")
MONTH_HEAD_CHARS = 16  # at most 12 letters, a stop and 3 spaces
_YEAR = re.compile(r"20\d\d|19\d\d")  # no look-arounds: this scans whole pages, keep it a fast scan
_DIGIT_DOT_DIGIT = re.compile(r"\d\.\d")


_CLOCK = re.compile(r"(?<!\d)(\d{1,2}):(\d\d)")
_UTC_ZONE = re.compile(r"\d:\d\d(?::\d\d)?(?:[.,]\d+)?\s?(?:Z|[+-]00:?00|UTC|GMT)(?![\w:])")


def _machine_candidate(source: str, value: str, day_first: bool) -> Candidate | None:
    """Candidate from an attribute or JSON value: ISO or compact first, then written forms."""
    found = parse_machine_date(value) or parse_text_date(value[:MAX_ELEMENT_TEXT], day_first)
    if found is None:
        return None
    head = value[:64]
    clock = _CLOCK.search(head)
    if clock is None or int(clock[1]) > 23 or int(clock[2]) > 59:
        return Candidate(source, found)
    written = datetime.datetime.combine(found, datetime.time(int(clock[1]), int(clock[2])))
    return Candidate(source, found, written, _UTC_ZONE.search(head) is not None)


def _same_instant(utc: Candidate, local: Candidate) -> bool:
    """True when a local clock time is the UTC one shifted by a real zone offset (whole quarter
    hours, -12 h to +14 h): both stamp the same moment, so the local one gives the local day."""
    if utc.clock is None or local.clock is None or local.utc:
        return False
    offset = (local.clock - utc.clock).total_seconds()
    return -12 * 3600 <= offset <= 14 * 3600 and offset % 900 == 0


def dates_in_text(text: str, day_first: bool) -> Iterator[datetime.date]:
    """Every complete date (day, month, year) written in `text`, in reading order.

    Long texts are read only around four-digit years, which keeps a page scan fast; so a
    two-digit year ("06.07.18") counts only in short texts such as a date element.
    """
    if len(text) <= SHORT_TEXT_CHARS:
        matches: Iterable[re.Match[str]] = _date_matches(text) if _may_hold_date(text) else ()
    else:
        matches = _dates_around_years(text)
    for match in matches:
        found = _date_from_match(match, day_first)
        if found is not None:
            yield found


def _may_hold_date(text: str) -> bool:
    """False when no date pattern can match: all need a year "19.."/"20.." but the German short
    year, which needs "<digit>.<digit>". Most short texts (element texts) fail these fast scans."""
    return "19" in text or "20" in text or _DIGIT_DOT_DIGIT.search(text) is not None


def _date_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of `_DATE_IN_TEXT.finditer(text)`, the pattern tried only where one can start.

    Tried at every character, the pattern costs ~0.3 us a character. But every alternative
    starts at a digit no digit precedes (the first of a run) but the month-first one, which
    starts at the word ending in spaces right before such a run ("July 6th, 2018"); so each
    run is a candidate, and the word before it when a month head ends there.
    """
    resume = 0
    while (run := _DIGIT_RUN.search(text, resume)) is not None:
        digit = run.start()
        head = (  # str.isspace is `\s`; a month head ends in one
            _MONTH_HEAD.search(text, max(resume, digit - MONTH_HEAD_CHARS), digit)
            if digit > resume and text[digit - 1].isspace()
            else None
        )
        match = _DATE_IN_TEXT.match(text, head.start()) if head is not None else None
        match = match or _DATE_IN_TEXT.match(text, digit)
        if match is None:
            resume = run.end()
            continue
        yield match
        resume = match.end()


def _dates_around_years(text: str) -> Iterator[re.Match[str]]:
    resume = 0
    for year in _YEAR.finditer(text):
        if year.start() < resume:
            continue
        start = max(resume, year.start() - DATE_REACH)
        match = _DATE_IN_TEXT.search(text, start, year.end() + DATE_REACH)
        if match is not None:
            resume = match.end()
            yield match


def _date_from_match(match: re.Match[str], day_first: bool) -> datetime.date | None:
    if match["iy"]:
        return _make_date(int(match["iy"]), int(match["im"]), int(match["id"]))
    if match["cy"]:
        return _make_date(int(match["cy"]), int(match["cm"]), int(match["cd"]))
    if match["sd"]:
        year = int(match["sy"])
        year += 1900 if year >= SHORT_YEAR_PIVOT else 2000
        return _make_date(year, int(match["sm"]), int(match["sd"]))
    if match["na"]:
        return _numeric_date(
            int(match["na"]), int(match["nb"]), int(match["ny"]), match["nsep"], day_first
        )
    if match["td"]:
        month = month_number(match["tm"])
        return None if month is None else _make_date(int(match["ty"]), month, int(match["td"]))
    month = month_number(match["mm"])
    return None if month is None else _make_date(int(match["my"]), month, int(match["md"]))


def parse_text_date(text: str, day_first: bool) -> datetime.date | None:
    """The first complete date written in a short text."""
    return next(dates_in_text(text, day_first), None)


# --- page facts ---------------------------------------------------------------------------------
def _declares_month_first(tree: LexborHTMLParser | None) -> bool:
    """US English pages write 07/06/2018 for July 6th; the rest of the crawl writes day first."""
    html = tree.root if tree is not None else None
    lang = (html.attributes.get("lang") or "") if html is not None else ""
    return lang.lower().replace("_", "-") == "en-us"


# --- chrome -------------------------------------------------------------------------------------
_CHROME_TAGS = frozenset({"aside", "nav"})
_QUOTE_TAGS = frozenset({"blockquote"})  # embedded tweets and posts carry their own dates
_PAGE_TAGS = frozenset({"body", "html"})  # their classes describe the layout ("has-sidebar")
# Class/id words that open a chrome block: related lists, comments, sidebars, site footers.
_CHROME_WORDS = (
    "related",
    "comment",
    "sidebar",
    "side-bar",
    "recommend",
    "popular",
    "trending",
    "disqus",
    "newsletter",
    "breadcrumb",
    "carousel",
    "most-read",
    "mostread",
    "more-stories",
    "read-more",
    "readmore",
    "site-footer",
    "page-footer",
    "global-footer",
)
_CHROME_TOKEN = re.compile("|".join(map(re.escape, _CHROME_WORDS)))  # matched at a token's start
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "-comment"})
# Elements that may be chrome (confirmed by `_is_chrome_element`), or scripts and styles.
_MAY_HOLD_CHROME = ", ".join(
    ["aside", "nav", "blockquote", "script", "style", "noscript", "template"]
    + [f'[class*="{word}" i], [id*="{word}" i]' for word in _CHROME_WORDS]
)


def _in_chrome(node: LexborNode) -> bool:
    """True when the node sits in a related list, comments, sidebar or embed, not the article.

    Class and id tokens must *start* with a chrome word: "sidebar" is chrome, "has-sidebar" on a
    wrapper only says the layout has one. An <aside> inside an <article> is the article's own
    meta box (author, date), so the tag alone condemns only outside articles.
    """
    chrome_tag_seen = False
    current: LexborNode | None = node
    for _ in range(MAX_ANCESTORS):
        if current is None or current.tag in _PAGE_TAGS:
            break
        if current.tag in _QUOTE_TAGS or _has_chrome_token(current):
            return True
        if current.tag == "article":
            chrome_tag_seen = False
        chrome_tag_seen = chrome_tag_seen or current.tag in _CHROME_TAGS
        current = current.parent
    return chrome_tag_seen


def _is_chrome_element(node: LexborNode) -> bool:
    return node.tag in _CHROME_TAGS or node.tag in _QUOTE_TAGS or _has_chrome_token(node)


def _text_outside_chrome(root: LexborNode, limit: int) -> str:
    """Text of `root` without scripts and chrome blocks, in reading order, up to `limit` chars.

    One CSS query (run in C) finds the blocks that may be chrome; the text of each confirmed,
    outermost one is cut out of the root's text, where it sits as one contiguous run.
    """
    text = root.text(separator=" ")
    cut: set[int] = set()
    kept: list[str] = []
    position = 0  # blocks come in document order, so each is searched after the previous one
    for node in root.css(_MAY_HOLD_CHROME)[:MAX_CHROME_BLOCKS]:
        if node.tag not in _SKIPPED_TAGS and not _is_chrome_element(node):
            continue
        if _has_ancestor_in(node, cut):
            continue
        cut.add(node.mem_id)
        part = node.text(separator=" ")
        start = text.find(part, position) if part.strip() else -1
        if start >= 0:
            kept.append(text[position:start])
            position = start + len(part)
    kept.append(text[position:])
    return " ".join(kept)[:limit]


def _has_ancestor_in(node: LexborNode, ids: set[int]) -> bool:
    current = node.parent
    for _ in range(MAX_ANCESTORS):
        if current is None:
            return False
        if current.mem_id in ids:
            return True
        current = current.parent
    return False


def _has_chrome_token(node: LexborNode) -> bool:
    attrs = node.attributes
    names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    # a chrome word at a token's start is a chrome word somewhere: one scan rules most out
    return _CHROME_TOKEN.search(names) is not None and any(
        _CHROME_TOKEN.match(token) for token in names.split()
    )


# --- finders: structured data -------------------------------------------------------------------
_ARTICLE_TYPES = re.compile(r"article|posting|report|news|blog", re.IGNORECASE)
_JSON_LD_KEYS = ("datePublished", "dateModified")
_JSON_LD_DATE = re.compile(r'"(datePublished|dateModified)"\s{0,3}:\s{0,3}"([^"]{4,40})"')


def _json_objects(value: object, depth: int = 0) -> Iterator[dict[str, object]]:
    """Every JSON object in a JSON-LD document, parents before children."""
    if depth > MAX_JSON_DEPTH:
        return
    if isinstance(value, dict):
        yield value
        for child in value.values():
            yield from _json_objects(child, depth + 1)
    elif isinstance(value, list):
        for child in value:
            yield from _json_objects(child, depth + 1)


def json_ld_dates(scripts: list[LexborNode]) -> dict[str, list[str]]:
    """datePublished and dateModified values in JSON-LD, article-typed objects first.

    A regex rescues blocks that are not valid JSON (trailing commas, raw newlines in strings).
    """
    typed: dict[str, list[str]] = {key: [] for key in _JSON_LD_KEYS}
    untyped: dict[str, list[str]] = {key: [] for key in _JSON_LD_KEYS}
    for script in scripts:
        block = script.text()[:MAX_SCRIPT_CHARS]
        if '"date' not in block:
            continue
        try:
            document = orjson.loads(block)
        except orjson.JSONDecodeError:
            for key, value in _JSON_LD_DATE.findall(block):
                untyped[key].append(value)
            continue
        for obj in _json_objects(document):
            kind = obj.get("@type")
            kinds = " ".join(map(str, kind)) if isinstance(kind, list) else str(kind)
            for key in _JSON_LD_KEYS:
                value = obj.get(key)
                if isinstance(value, str):
                    (typed if _ARTICLE_TYPES.search(kinds) else untyped)[key].append(value)
    return {key: typed[key] + untyped[key] for key in _JSON_LD_KEYS}


def find_json_ld_published(page: _Page) -> Iterator[Candidate]:
    for value in page.json_ld_dates["datePublished"]:
        found = _machine_candidate("json-ld", value, page.day_first)
        if found is not None:
            yield found


def find_json_ld_modified(page: _Page) -> Iterator[Candidate]:
    for value in page.json_ld_dates["dateModified"]:
        found = _machine_candidate("json-ld:modified", value, page.day_first)
        if found is not None:
            yield found


_META_PUBLISHED = re.compile(r"publish|pub[-_]?date|issued|created|release|upload")
_META_MODIFIED = re.compile(r"modif|updat|expir|revis|last")
# Key endings of generic date metas: "date", "dc.date", "sailthru.date", "citation_date".
_META_GENERIC_DATE = ("date", ".date", ":date", "_date", "-date")


def meta_dates(metas: list[LexborNode]) -> list[tuple[str, str, str]]:
    """(key, kind, content) of every date-bearing page meta tag; kind is published/date/modified.

    An itemprop meta in the body describes an embedded item (a video's uploadDate), not the
    page, so only head ones count; name/property metas count anywhere, since a <noscript> pixel
    in <head> makes the parser move every later head element into the body.
    """
    found: list[tuple[str, str, str]] = []
    for meta in metas:
        attrs = meta.attributes
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        if not key and meta.parent is not None and meta.parent.tag == "head":
            key = (attrs.get("itemprop") or "").lower()
        content = attrs.get("content") or ""
        if not key or not content:
            continue
        if _META_MODIFIED.search(key):
            found.append((key, "modified", content))
        elif _META_PUBLISHED.search(key):
            found.append((key, "published", content))
        elif key.endswith(_META_GENERIC_DATE):
            found.append((key, "date", content))
    return found


def _meta_of_kind(page: _Page, kind: str) -> Iterator[Candidate]:
    for key, found_kind, content in page.meta_dates:
        if found_kind == kind:
            found = _machine_candidate(f"meta:{key}", content, page.day_first)
            if found is not None:
                yield found


def find_meta_published(page: _Page) -> Iterator[Candidate]:
    return _meta_of_kind(page, "published")


def find_meta_date(page: _Page) -> Iterator[Candidate]:
    return _meta_of_kind(page, "date")


def find_meta_modified(page: _Page) -> Iterator[Candidate]:
    return _meta_of_kind(page, "modified")


# --- finders: dated elements in the article ----------------------------------------------------
_PUBLISHED_HINT = re.compile(r"publish|posted|created|entry-date|pubdate|datepublished")
_MODIFIED_HINT = re.compile(r"modif|updat|edited|revis")


def _node_hint(node: LexborNode) -> str:
    """What the markup says an element is: class, id, itemprop, and the HTML4 pubdate flag."""
    attrs = node.attributes
    hint = " ".join(attrs.get(name) or "" for name in ("class", "id", "itemprop")).lower()
    return hint + " pubdate" if "pubdate" in attrs else hint


def _element_date(node: LexborNode, source: str, day_first: bool) -> Candidate | None:
    """Date carried by an element: the date readers see in its text, else its machine attribute.

    The visible text wins because attributes are often UTC or a later revision
    (<time datetime="2019-07-03">Published 29 June 2019</time>); an attribute agreeing with the
    text still lends it its clock time, for `_same_instant`.
    """
    shown = parse_text_date(node.text(separator=" ")[:MAX_ELEMENT_TEXT], day_first)
    attrs = node.attributes
    for name in ("datetime", "content", "data-datetime", "data-date", "title"):
        value = attrs.get(name)
        found = _machine_candidate(source, value, day_first) if value else None
        if found is not None and (shown is None or found.date == shown):
            return found
    return None if shown is None else Candidate(source, shown)


def _article_elements(page: _Page, nodes: Iterable[LexborNode]) -> Iterator[LexborNode]:
    """The `nodes` outside chrome and outside links to other pages, in order, bounded."""
    for node in islice(nodes, MAX_ELEMENTS):
        if not _in_chrome(node) and not _links_elsewhere(node, page.path):
            yield node


def _links_elsewhere(node: LexborNode, page_path: str) -> bool:
    """True when the node sits inside a link to another page: a teaser of another story, whose
    date is that story's. Permalinks to this page ("posted on <a href=self>") are fine."""
    current: LexborNode | None = node
    for _ in range(LINK_LEVELS):
        if current is None:
            return False
        if current.tag == "a":
            href = current.attributes.get("href") or ""
            return not href.startswith("#") and _url_path(href) != page_path
        current = current.parent
    return False


def find_itemprop_published(page: _Page) -> Iterator[Candidate]:
    for node in _article_elements(page, page.landmarks["datePublished"]):
        found = _element_date(node, "itemprop:datePublished", page.day_first)
        if found is not None:
            yield found


def find_time_element(page: _Page) -> Iterator[Candidate]:
    """`<time>`s in the article in reading order, those marked as updated left out."""
    for node in _article_elements(page, page.landmarks["time"]):
        hint = _node_hint(node)
        if _MODIFIED_HINT.search(hint):
            continue
        source = "time-element:published" if _PUBLISHED_HINT.search(hint) else "time-element"
        found = _element_date(node, source, page.day_first)
        if found is not None:
            yield found


# Class/id words of elements that show a date: post-date, PublishDate, datum, fecha, submitted;
# then the broader words of header boxes (entry-meta, post-info, timestamp), read second.
_DATE_CLASS_WORDS = ("date", "publish", "posted", "submitted", "byline", "datum", "fecha")
_HEADER_CLASS_WORDS = ("time", "meta", "info")
_DATE_CLASS_SELECTORS = tuple(
    ", ".join(f'[class*="{word}" i], [id*="{word}" i]' for word in words)
    for words in (_DATE_CLASS_WORDS, _HEADER_CLASS_WORDS)
)


def find_date_element(page: _Page) -> Iterator[Candidate]:
    """Short elements whose class says they carry a date (post-date, datum, byline, entry-meta)."""
    for selector in _DATE_CLASS_SELECTORS if page.tree is not None else ():
        for node in _article_elements(page, page.tree.css(selector)):
            if _MODIFIED_HINT.search(_node_hint(node)):
                continue
            found = _element_date(node, "date-element", page.day_first)
            if found is not None:
                yield found


# --- finders: visible text ----------------------------------------------------------------------
# Words that open a "Published ..." line, lower case; "first published" is found as "published".
_PUBLISHED_WORDS = (
    "published",
    "posted",
    "publié",
    "mis en ligne",
    "veröffentlicht",
    "erschienen",
    "publicado",
    "publicada",
    "pubblicato",
    "gepubliceerd",
    "geplaatst",
)


def _published_marker_ends(text: str) -> list[int]:
    """Where "Published"-like words end in `text`, any case, in reading order.

    str.find on a lower-cased copy is several times faster than a case-insensitive regex over
    a whole page. When lower-casing changes the length (a rare "İ"), offsets would drift, so the
    original text is searched and only lower-case markers are found.
    """
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = text
    ends: set[int] = set()
    for word in _PUBLISHED_WORDS:
        start = lowered.find(word)
        while start >= 0 and len(ends) < MAX_MARKERS:
            ends.add(start + len(word))
            start = lowered.find(word, start + 1)
    return sorted(ends)


def _published_lines(text: str, day_first: bool) -> Iterator[datetime.date]:
    for end in _published_marker_ends(text):
        window = text[end : end + PUBLISHED_LINE_GAP + DATE_REACH + 10]
        date_match = _DATE_IN_TEXT.search(window)
        if date_match is None or date_match.start() > PUBLISHED_LINE_GAP:
            continue
        found = _date_from_match(date_match, day_first)
        if found is not None:
            yield found


def find_published_line(page: _Page) -> Iterator[Candidate]:
    """A "Published ... <date>" line in the article body, else right around it in the dump of a
    text record (the byline above, the sign-off below: "Published in Dawn, July 6th, 2018").

    Farther dump lines are chrome, other stories' lines; only when the body cannot be placed
    in the dump is all of it read. On HTML pages the lines outside the body sit in bylines and
    headers, which the element and headline finders read via the DOM.
    """
    beside = page.beside_body
    around = (page.dump or "") if beside is None else beside[0] + "\n" + beside[1]
    for text in (page.body, around):
        for found in _published_lines(text, page.day_first):
            yield Candidate("text:published-line", found)


def _text_beside(node: LexborNode, limit: int, forward: bool) -> str:
    """Text of the elements after (or before) `node` in reading order, chrome and scripts skipped.

    Walks siblings, climbing to the parent's siblings at the end of a level, until `limit`
    characters or MAX_ELEMENTS steps; the text before the node comes out nearest first.
    """
    parts: list[str] = []
    size = 0
    current: LexborNode | None = node
    for _ in range(MAX_ELEMENTS):
        if current is None or size >= limit:
            break
        sibling = current.next if forward else current.prev
        if sibling is None:
            current = current.parent
            if current is not None and current.tag in _PAGE_TAGS:
                break
            continue
        current = sibling
        if current.tag in _SKIPPED_TAGS or (
            not current.is_text_node and _is_chrome_element(current)
        ):
            continue
        text = current.text(separator=" ")
        if text.strip():
            parts.append(text[: limit - size] if forward else text[-(limit - size) :])
            size += len(parts[-1])
    return " \n ".join(parts if forward else reversed(parts))


def find_date_near_title(page: _Page) -> Iterator[Candidate]:
    """The first date written just below the headline (byline), else just above it (kicker)."""
    for heading in page.landmarks["h1"][:MAX_HEADLINES]:
        if _in_chrome(heading):
            continue
        below = _text_beside(heading, NEAR_TITLE_CHARS, forward=True)
        found = parse_text_date(below, page.day_first)
        if found is None:
            above = _text_beside(heading, ABOVE_TITLE_CHARS, forward=False)
            found = next(reversed(list(dates_in_text(above, page.day_first))), None)
        if found is not None:
            yield Candidate("text:near-title", found)
            return


def _url_path(url: str) -> str:
    return urlsplit(url[:MAX_URL_CHARS]).path.rstrip("/")


def _self_link_date(link: LexborNode, day_first: bool) -> datetime.date | None:
    """The date a link to this page shows (a dated permalink, or a short date part of a linked
    teaser), else the date beside it in its list entry. Longer texts inside the link are titles,
    which hold dates of events, so they are left out."""
    title = link.text(separator=" ")
    for part in (link, *link.css("*")[:MAX_LINK_PARTS]):
        text = title if part is link else part.text(separator=" ")
        found = parse_text_date(text, day_first) if len(text) <= MAX_DATE_LINK_TEXT else None
        if found is not None:
            return found
    holder = link.parent
    for _ in range(SELF_LINK_LEVELS):
        if holder is None:
            return None
        entry = holder.text(separator=" ")[: SELF_LINK_TEXT + len(title)]
        found = parse_text_date(entry.replace(title, " ", 1)[:SELF_LINK_TEXT], day_first)
        if found is not None:
            return found
        holder = holder.parent
    return None


_CSS_SAFE = re.compile(r"[\w.~%+,;:=@!$&*()-]+")  # URL path characters safe in a CSS string


def find_self_link_date(page: _Page) -> Iterator[Candidate]:
    """A date next to a link to this very page: its entry in a list of posts or its permalink.

    Such a list is chrome, but the entry describes this page, so its date is the page's own.
    """
    path = page.path
    last_segment = path.rsplit("/", 1)[-1]
    if page.tree is None or len(path) < SELF_LINK_MIN_PATH or not _CSS_SAFE.fullmatch(last_segment):
        return
    # The substring test runs in C; only links that may point here reach Python.
    for link in page.tree.css(f'a[href*="{last_segment}"]')[:MAX_LINKS]:
        href = link.attributes.get("href") or ""
        if "#" in href or "?" in href or _url_path(href) != path:
            continue  # fragments and queries point at comments and replies, not the post
        found = _self_link_date(link, page.day_first)
        if found is not None:
            yield Candidate("self-link", found)
            return


def find_byline_above_body(page: _Page) -> Iterator[Candidate]:
    """In a text record, the date nearest above where the body starts: the byline under the
    headline ("Door Pieter de Vries / 14 maart 2025, 07:30"), which chrome removal cut off."""
    above = page.beside_body[0] if page.beside_body is not None else ""
    found = next(reversed(list(dates_in_text(above, page.day_first))), None)
    if found is not None:
        yield Candidate("text:byline", found)


def find_page_date(page: _Page) -> Iterator[Candidate]:
    """Last resort: the first date written on the page outside chrome, in reading order."""
    for found in dates_in_text(page.text_outside_chrome, page.day_first):
        yield Candidate("text:page-date", found)


_URL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d\d)[/_-](\d{1,2})[/_-](\d{1,2})(?!\d)"
    r"|(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(?!\d)"
)
_URL_YEAR = re.compile(r"/((?:19|20)\d\d)/")


def dates_in_url(url: str) -> Iterator[datetime.date]:
    """/2018/07/06/, /2018-07-06/, /2018-07/06/, /20180706/ in a URL's path, in order."""
    path = url[:MAX_URL_CHARS].split("?", 1)[0]
    for match in _URL_DATE.finditer(path):
        if match[1]:
            found = _make_date(int(match[1]), int(match[2]), int(match[3]))
        else:
            found = _make_date(int(match[4]), int(match[5]), int(match[6]))
        if found is not None:
            yield found


def find_url_date(page: _Page) -> Iterator[Candidate]:
    for found in dates_in_url(page.url):
        yield Candidate("url", found)


def find_canonical_url_date(page: _Page) -> Iterator[Candidate]:
    """The date in the page's canonical or og:url address: the crawled URL may be a short,
    AMP or syndicated copy of the dated original."""
    head = page.tree.head if page.tree is not None else None
    for link in (
        head.css('link[rel="canonical"], meta[property="og:url"]') if head is not None else ()
    ):
        address = link.attributes.get("href") or link.attributes.get("content") or ""
        for found in dates_in_url(address):
            yield Candidate("canonical-url", found)


def find_image_url_date(page: _Page) -> Iterator[Candidate]:
    """The date in the path of the page's share image: CMSs file uploads under the day."""
    if page.tree is None:
        return
    for meta in page.tree.css('meta[property="og:image"], meta[name="twitter:image"]'):
        for found in dates_in_url(meta.attributes.get("content") or ""):
            yield Candidate("image-url", found)


_DAY_MONTH = re.compile(r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er)?\.?\s{0,3}([^\W\d_]{3,12})")
_MONTH_DAY = re.compile(r"([^\W\d_]{3,12})\.?\s{0,3}(\d{1,2})(?!\d)")


def _day_and_month(text: str) -> tuple[int, int] | None:
    """(month, day) from a year-less dateline date: "March 3", "29 APR", "5. Juli"."""
    for pattern, month_group, day_group in ((_MONTH_DAY, 1, 2), (_DAY_MONTH, 2, 1)):
        match = pattern.search(text[:40])
        if match:
            month = month_number(match[month_group])
            if month is not None:
                return month, int(match[day_group])
    return None


def find_dateline_date(page: _Page) -> Iterator[Candidate]:
    """The dateline's day and month in the latest year that does not put it after the crawl."""
    if not page.dateline_date_text or page.dateline_limit is None:
        return
    parsed = _day_and_month(page.dateline_date_text)
    if parsed is None:
        return
    month, day = parsed
    limit = page.dateline_limit
    for year in (limit.year, limit.year - 1):
        found = _make_date(year, month, day)
        if found is not None and found <= limit:
            yield Candidate("dateline", found)
            return


# --- the cascade and its judge ------------------------------------------------------------------
# Explicit publication evidence, most reliable first.
PUBLISHED_FINDERS: tuple[Finder, ...] = (
    find_url_date,
    find_canonical_url_date,
    find_json_ld_published,
    find_meta_published,
    find_itemprop_published,
    find_time_element,
    find_published_line,
)
# Dates that are probably the publication date: page furniture, then revisions, then repetition.
FALLBACK_FINDERS: tuple[Finder, ...] = (
    find_self_link_date,
    find_date_element,
    find_meta_date,
    find_date_near_title,
    find_byline_above_body,
    find_dateline_date,
    find_image_url_date,
    find_json_ld_modified,
    find_meta_modified,
    find_page_date,
)
CASCADE: tuple[Finder, ...] = PUBLISHED_FINDERS + FALLBACK_FINDERS
# Structured publication dates weighed against each other by `_latest_rival`.
RIVAL_FINDERS: tuple[Finder, ...] = (find_json_ld_published, find_meta_published, find_meta_date)
# Machine-readable publication dates, compared for their time zone by `_first_plausible`.
STRUCTURED_FINDERS: tuple[Finder, ...] = (
    find_json_ld_published,
    find_meta_published,
    find_meta_date,
    find_itemprop_published,
    find_time_element,
)


def _plausible(page: _Page, finders: tuple[Finder, ...]) -> Iterator[Candidate]:
    """Candidates of `finders`, in order, that lie between the web's start and the crawl."""
    for finder in finders:
        for candidate in finder(page):
            if MIN_DATE <= candidate.date <= page.latest:
                yield candidate


def _first_plausible(page: _Page) -> PublishedDate | None:
    """The first plausible candidate of the cascade, checked against its structured rivals.

    When JSON-LD and meta tags disagree by a few days, one of them is usually the draft's
    creation date and the other the go-live date that readers see, so the later one wins.
    When the winner is a UTC timestamp, a structured date stamping the same moment in local
    time names the day readers saw: JSON-LD "2023-11-09T06:35Z" against sailthru.date
    "2023-11-08 22:35" for an evening story in California.
    """
    found = next(_plausible(page, CASCADE), None)
    if found is not None and found.source.startswith(("json-ld", "meta:")):
        found = _latest_rival(page, found)
    if found is not None and found.utc:
        structured = islice(_plausible(page, STRUCTURED_FINDERS), MAX_STRUCTURED_DATES)
        found = next((local for local in structured if _same_instant(found, local)), found)
    return None if found is None else PublishedDate(found.date, found.source)


def _latest_rival(page: _Page, found: Candidate) -> Candidate:
    """The latest of the first JSON-LD, meta-published and meta-date candidates, if they lie
    within RIVAL_DAYS of `found`; farther ones are other events (an archive republished)."""
    for finder in RIVAL_FINDERS:
        rival = next(_plausible(page, (finder,)), None)
        if rival is not None and 0 < (rival.date - found.date).days <= RIVAL_DAYS:
            found = rival
    return found


def _crawl_day(fetched_at: datetime.datetime) -> datetime.date:
    """The latest publisher's day at crawl time: the date in the easternmost zone (UTC+14), so a
    Tokyo story published on the morning after a UTC evening crawl still counts."""
    if fetched_at.tzinfo is not None:
        fetched_at = fetched_at.astimezone(datetime.UTC)
    return (fetched_at + EASTERNMOST_OFFSET).date()


def _dateline_limit(url: str, crawl_day: datetime.date | None) -> datetime.date | None:
    """Latest day a year-less dateline date can denote: the crawl, or the end of the URL's year."""
    match = _URL_YEAR.search(url[:MAX_URL_CHARS])
    url_end = datetime.date(int(match[1]), 12, 31) if match else None
    if crawl_day is None:
        return url_end
    return min(crawl_day, url_end) if url_end is not None else crawl_day


def find_published_date(
    *,
    url: str,
    tree: LexborHTMLParser | None,
    landmarks: Landmarks | None = None,
    dump: str | None,
    body: str,
    fetched_at: datetime.datetime | None,
    dateline_date_text: str | None,
) -> PublishedDate | None:
    """The article's original publication day, or None when the page gives no trustworthy date.

    `tree` is read, never changed; `landmarks` are its `find_landmarks`, when the caller has
    them already. Dates after the crawl (in the easternmost time zone) are
    rejected; without `fetched_at`, tomorrow is the bound and a year-less dateline date needs a
    year in the URL. Never raises: a broken page must not stop
    the stream, it just gets no date.
    """
    try:
        crawl_day = _crawl_day(fetched_at) if fetched_at is not None else None
        page = _Page(
            url=url,
            tree=tree,
            landmarks=landmarks,
            dump=dump,
            body=body,
            latest=crawl_day or datetime.date.today() + datetime.timedelta(days=1),
            dateline_limit=_dateline_limit(url, crawl_day),
            dateline_date_text=dateline_date_text,
        )
        return _first_plausible(page)
    except Exception:  # the stream must survive any page
        return None
