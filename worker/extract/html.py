"""Main-text extraction from HTML pages: keep the article body, drop the site chrome.

Stages (small pure functions over the parsed tree, which is never mutated):
1. `collect_blocks` walks the body once, iteratively, and cuts it into text blocks (paragraph-like
   runs of text), recording every block-level element and its parent, and each block's innermost
   element.
2. `find_chrome` finds the elements that look like chrome (by tag, ARIA role, hidden style or
   class/id words) and confirms them only when they hold a small share of the page's prose, so a
   wrapper misnamed "has-sidebar" or an ASP.NET page-wide <form> survives. Attributes are read
   only where they can matter: not inside confirmed chrome, nor in wrappers of most of the text.
3. `choose_container` picks the deepest element holding most of the remaining prose (an explicit
   itemprop=articleBody first).
4. `select_body_blocks` joins the container's same-class siblings, widens back to a lead
   paragraph, keeps the blocks that are not link lists, headline, byline, lone-word labels or
   chrome, drops labels introducing link lists, closing headings and a closing call to action,
   and trims a lone short line (a date, "Share") at each edge.
`find_title` reads the headline from an <h1> confirmed by og:title/<title>, or those cleaned.
"""

import re
from collections.abc import Collection
from functools import lru_cache
from typing import NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from worker.extract.main_text import MainText


def word_set(words: str) -> frozenset[str]:
    """A set from a space-separated string: long word lists stay readable."""
    return frozenset(words.split())


# --- thresholds, in one place --------------------------------------------------------------------
# A paragraph this long (in characters) is body-like prose; jusText's length_low is 70, and news
# paragraphs on the Zyte dev pages are rarely shorter than a sentence of ~60 characters.
GOOD_BLOCK_CHARS = 60
# CJK scripts pack a word into one or two characters: one counts as this many Latin characters.
CJK_CHAR_WEIGHT = 3
# Share of a block's characters inside <a> above which it is a link list (readability uses 0.25
# for paragraphs, jusText 0.2; a prose paragraph with a few inline links stays well below 0.5).
MAX_LINK_DENSITY = 0.5
# Prose blocks may carry a few inline links, not more (jusText's max_link_density).
MAX_GOOD_LINK_DENSITY = 0.4
# A chrome-looking element holding at least this share of all paragraph text is a wrapper of the
# article (e.g. class="content has-sidebar"), not chrome.
CHROME_MAX_SHARE = 0.5
# The container is the deepest element holding at least this share of the paragraph text; the
# rest is usually teasers or comments the class/id words did not catch.
CONTAINER_SHARE = 0.7
# A container holds several blocks: one paragraph alone is never the whole body.
MIN_CONTAINER_BLOCKS = 2
# An explicit itemprop=articleBody is trusted when it holds at least this share of the text.
ARTICLE_BODY_SHARE = 0.3
# A lone short line at the body's edges (a date, a "Share" prompt) is dropped; two or more short
# lines there are a list or a sign-off that belongs to the body (2 cost recall on the dev pages).
MAX_EDGE_RUN = 1
# Blocks (bylines, captions, share bars) that may separate a lead paragraph from the body.
MAX_BRIDGED_GAP = 3
# A "heading" this long is a lead paragraph styled as a heading (real headings are < 100 chars).
LEAD_HEADING_CHARS = 150
# Short lines ending like a sentence with at least this many words are text, not labels.
MIN_SENTENCE_WORDS = 4
# Sentence-final punctuation, Latin and CJK, also before a closing quote.
SENTENCE_ENDS = (".", "!", "?", "…", "。", "！", "？", '."', ".”", ".»")
# A closing paragraph with a link shorter than this is a call to action (newsletter, follow us).
MAX_CALL_CHARS = 200
# Bylines are short: "By" plus two or three names and maybe an agency or role.
MAX_BYLINE_CHARS = 80
# A further title part is a site/section name when at most this share of the rest's length.
SITE_PART_SHARE = 0.5
# An <h1> is the headline when it covers this share of the cleaned page title.
H1_TITLE_COVER = 0.5
# Pages with more <h1>s than this use them for logos and teasers; the rest are not compared.
MAX_H1_CHECKED = 5
# Titles are looked for among this many leading characters of <title>/og:title candidates.
MAX_TITLE_CHARS = 300

# Pages with at most this many "<" cannot nest deep enough to slow the parser (5,000 nested
# <div>s parse in ~0.07 s; the largest dev page has ~13,000 "<").
NESTING_CHECK_TAGS = 5_000
# Deepest nesting kept; real pages stay under ~100 levels, lexbor is quadratic beyond thousands.
MAX_NESTING = 1_000

# Pages with at most this many "=" cannot hold a tag with attributes enough to slow the parser
# (10,000 attributes parse in ~0.4 s; the dev pages have at most ~23,000 "=", median ~1,400).
ATTRIBUTE_CHECK_EQUALS = 10_000
# Most attributes a start tag keeps; real tags carry a few dozen.
MAX_TAG_ATTRIBUTES = 200

# Distinct class/id strings remembered; a page has a few hundred, a site reuses them.
CLASS_CACHE_SIZE = 8192
# Class/id text looked at; utility-class soups rarely pass 300 characters, generated junk does.
MAX_CLASS_CHARS = 500

# Elements without readable text (or with code) and <nav> (navigation by definition; skipping
# its menus saves a fifth of the walk), skipped with their whole subtree.
SKIPPED_TAGS = word_set(
    "script style noscript template svg math iframe object embed canvas video audio map "
    "button select option textarea input head link meta picture source img rt rp nav"
)
# Structural tags that hold site chrome on almost every page.
CHROME_TAGS = word_set("footer aside form dialog menu figcaption")
CHROME_ROLES = word_set("navigation banner contentinfo complementary dialog alertdialog")
# Tags that start a new block of text (the rest are inline and continue the current block).
BLOCK_TAGS = word_set(
    "address article aside blockquote body center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr li main menu nav ol p pre section summary "
    "table tbody td tfoot th thead tr ul caption legend"
)
# Words opening a byline in the dev pages' languages (en, de, fr, es, it, pt, nl, sv/da/no, pl).
BYLINE_WORDS = word_set("by von par por di door av af autor autorin author auteur text texto")
# Elements that never have an end tag (they do not nest).
VOID_TAGS = word_set("area base br col embed hr img input link meta param source track wbr")
HEADING_TAGS = word_set("h1 h2 h3 h4 h5 h6")
# Longest single "word" that is a label; longer runs without spaces are URLs or unspaced scripts.
MAX_WORD_CHARS = 20
# Tags where a single word is content (a subheading, a list item, a table cell).
WORD_HOLDING_TAGS = word_set("h1 h2 h3 h4 h5 h6 li td th dt dd caption")
# Whole class/id words naming chrome (compared after splitting on non-alphanumerics).
CHROME_WORDS = word_set(
    "nav navbar menu footer masthead ad ads adv advert "
    "banner popup modal overlay toolbar pagination pager tags tag taglist keywords byline author "
    "authors bio meta caption credit credits copyright disclaimer login signin rating skip date "
    "time timestamp published widgetarea trending popular outbrain taboola disqus "
    "consent gdpr print tools promo promos promotion promotions"
)
# Whole class names of chrome whose words alone are not ("widget" is a sidebar box in WordPress,
# while page builders call their text boxes "elementor-widget-text-editor").
CHROME_CLASSES = word_set("widget textwidget widget_text")
# Prefixes of class/id words naming chrome ("share" covers sharethis, sharedaddy, ...).
CHROME_PREFIXES = (
    "share",
    "social",
    "comment",
    "related",
    "newsletter",
    "subscri",
    "cookie",
    "advert",
    "sponsor",
    "recommend",
    "navig",
    "sidebar",
    "breadcrumb",
    "komment",  # de/pl comments
    "comentar",  # es/pt comments
    "teilen",  # de share
    "partag",  # fr share
    "compartir",  # es share
    "werbung",  # de advertising
    "anzeige",  # de advertising
    "publicidad",  # es advertising
)

# Class tokens that describe the element rather than name a widget: the article's taxonomy
# terms (WordPress post_class and imitators) and layout states ("has-sidebar", "no-ads").
DESCRIPTIVE_CLASS_PREFIXES = (
    "tag-",
    "category-",
    "author-",
    "format-",
    "status-",
    "type-",
    "has-",
    "no-",
    "is-",
    "with-",
)

# A start or end tag: "/" flag, name, self-closing "/" (linear: the attribute run stops at "<").
TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,30})[^<>]*?(/?)>")
# The same tags as TAG_RE, without the self-closing flag (no lazy attribute run to backtrack).
TAG_NAME_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]{0,30})[^<>]*>")
# A start tag with at least 800 characters of attributes, room for 200 short ones (possessive
# name: no backtracking into it).
LONG_TAG_RE = re.compile(r"<([A-Za-z][A-Za-z0-9-]*+)([^<>]{800,})")
# A word (a run of [a-z0-9]) that is a chrome word or starts with a chrome prefix.
CHROME_WORD_RE = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(map(re.escape, CHROME_PREFIXES))
    + "|(?:"
    + "|".join(map(re.escape, sorted(CHROME_WORDS)))
    + r")(?![a-z0-9]))"
)
CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")
CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
TITLE_SEPARATORS_RE = re.compile(r"(\s+[|\-\u2013\u2014:·•»/]{1,2}\s+)")
# Elements the headline and publication-date finders read, found by one CSS query: a query walks
# the whole tree whatever it asks for, so the finders share this one.
LANDMARKS = 'script[type="application/ld+json"], meta, time, [itemprop="datePublished"], h1'
LANDMARK_KINDS = ("json-ld", "meta", "time", "datePublished", "h1")


class Block(NamedTuple):
    """A paragraph-like run of text and where it sits in the page."""

    text: str
    link_chars: int
    tag: str  # the nearest block-level element ("p", "li", "h2", "div", ...)
    element: int  # index of the innermost block-level element holding it, -1 at the top
    long: bool  # at least GOOD_BLOCK_CHARS (see `is_long_text`)
    prose: bool  # a paragraph of running text (see `is_prose`)


class Element(NamedTuple):
    """A block-level element met on the walk: what it is and where it sits."""

    tag: str
    parent: int  # index of the enclosing block-level element, -1 at the top
    node: LexborNode  # for its attributes, read by the few stages that need them


Landmarks = dict[str, list[LexborNode]]


def find_landmarks(tree: LexborHTMLParser | None) -> Landmarks:
    """JSON-LD scripts, metas, <time>s, datePublished items and headlines, in document order.

    lexbor reports a node once per selector it matches, so an <h1 itemprop="datePublished">
    is listed twice.
    """
    found: Landmarks = {kind: [] for kind in LANDMARK_KINDS}
    for node in tree.css(LANDMARKS) if tree is not None else ():
        tag = node.tag
        if tag == "script":
            found["json-ld"].append(node)
        elif tag == "meta":
            found["meta"].append(node)
        elif tag == "h1":
            found["h1"].append(node)
        elif tag == "time":
            found["time"].append(node)
        if node.attributes.get("itemprop") == "datePublished":
            found["datePublished"].append(node)
    return found


def parse_html(html: str) -> LexborHTMLParser:
    """Parse with lexbor (fast, HTML5-conformant); never raises, whatever the input.

    The text is encoded as lexbor itself would, once: "<" and "=" are counted in the UTF-8
    bytes (a byte count is several times faster than a count over a wide str).
    """
    if not isinstance(html, str):
        html = ""
    data = html.encode("utf-8", "ignore")
    if data.count(b"<") > NESTING_CHECK_TAGS or data.count(b"=") > ATTRIBUTE_CHECK_EQUALS:
        html = limit_attributes(limit_nesting(html))
        data = html.encode("utf-8", "ignore")
    try:
        return LexborHTMLParser(data)
    except (UnicodeError, ValueError):
        return LexborHTMLParser(html.encode("utf-8", "replace").decode("utf-8"))


def limit_nesting(html: str) -> str:
    """Drop start tags nested deeper than MAX_NESTING (and their end tags), keeping the text.

    The HTML5 tree builder scans the stack of open elements on every block start tag, so
    parsing 100,000 nested <div>s takes minutes; no real page nests that deep.
    """
    if html.count("<") <= NESTING_CHECK_TAGS or not nests_too_deep(html):
        return html
    depth = 0
    dropped: dict[str, int] = {}
    pieces: list[str] = []
    kept_from = 0
    for tag in TAG_RE.finditer(html):
        closing, name, self_closing = tag.group(1), tag.group(2).lower(), tag.group(3)
        drop = False
        if closing and dropped.get(name):
            dropped[name] -= 1
            drop = True
        elif closing:
            depth = max(0, depth - 1)
        elif name not in VOID_TAGS and not self_closing:
            drop = depth >= MAX_NESTING
            if drop:
                dropped[name] = dropped.get(name, 0) + 1
            else:
                depth += 1
        if drop:
            pieces.append(html[kept_from : tag.start()])
            kept_from = tag.end()
    if not pieces:
        return html
    pieces.append(html[kept_from:])
    return "".join(pieces)


def nests_too_deep(html: str) -> bool:
    """Whether `limit_nesting` may drop a tag; False means it certainly keeps the page as is.

    Counting self-closed tags as open only deepens the count, so a page that stays shallow
    here stays shallow there; the greedy tag pattern scans several times faster.
    """
    depth = 0
    for closing, name in TAG_NAME_RE.findall(html):
        if closing:
            depth = max(0, depth - 1)
        elif name.lower() not in VOID_TAGS:
            if depth >= MAX_NESTING:
                return True
            depth += 1
    return False


def limit_attributes(html: str) -> str:
    """Drop the attributes of start tags carrying more than MAX_TAG_ATTRIBUTES of them.

    The HTML5 tokenizer checks each new attribute against the tag's earlier ones, so one tag
    with 20,000 attributes takes a second to parse; real tags carry a few dozen.
    """
    if html.count("=") <= ATTRIBUTE_CHECK_EQUALS:
        return html
    pieces: list[str] = []
    kept_from = 0
    for tag in LONG_TAG_RE.finditer(html):
        if tag.group(2).count("=") > MAX_TAG_ATTRIBUTES:
            pieces.append(html[kept_from : tag.start()])
            pieces.append("<" + tag.group(1))
            kept_from = tag.end()
    if not pieces:
        return html
    pieces.append(html[kept_from:])
    return "".join(pieces)


def extract_main_text(tree: LexborHTMLParser, landmarks: Landmarks | None = None) -> MainText:
    """The article's title and body text; `source` names the rule that chose the body.

    `landmarks` are the tree's (`find_landmarks`), when the caller has them already.
    """
    title = find_title(tree, find_landmarks(tree) if landmarks is None else landmarks)
    body = tree.body
    if body is None:
        return MainText(title=title, text="", source="empty")
    blocks, elements = collect_blocks(body)
    skip = find_chrome(blocks, elements)
    container, source = choose_container(blocks, elements, skip)
    kept = select_body_blocks(blocks, elements, skip, container, title)
    return MainText(title=title, text="\n\n".join(block.text for block in kept), source=source)


# --- stage 1: walk --------------------------------------------------------------------------------


def is_naming_token(token: str) -> bool:
    """A lower-case class/id token that may name a widget.

    Descriptive classes ("tag-travel", "category-news", "has-sidebar") say what the element
    holds or how it is laid out, not that it is a widget, so they are left out; so are embeds
    ("social-media-embed"): a post the article quotes is part of the article.
    """
    return not token.startswith(DESCRIPTIVE_CLASS_PREFIXES) and "embed" not in token


def looks_like_chrome(tag: str, attributes: dict[str, str | None]) -> bool:
    """Tag, ARIA role, hidden style or a class/id word says this element is site chrome."""
    if tag in CHROME_TAGS:
        return True
    if not attributes:
        return False
    role = attributes.get("role")
    if role and role.lower() in CHROME_ROLES:
        return True
    style = attributes.get("style")
    if "hidden" in attributes or (style and HIDDEN_STYLE_RE.search(style.lower())):
        return True
    names = f"{attributes.get('class') or ''} {attributes.get('id') or ''}"
    return names_look_like_chrome(names[:MAX_CLASS_CHARS])


@lru_cache(maxsize=CLASS_CACHE_SIZE)
def names_look_like_chrome(names: str) -> bool:
    """A class/id word names chrome (memoised: sites repeat the same class strings).

    Words are the lower-case alphanumeric runs of the tokens, camelCase split ("shareBar x" ->
    share, bar, x). One regex search over all tokens rules out most values; only a value with
    a chrome word somewhere has its tokens checked one by one.
    """
    lowered = names.lower()
    if "widget" in lowered and not CHROME_CLASSES.isdisjoint(lowered.split()):
        return True
    # without upper case there is no camelCase to split (the common case, skips a regex)
    words = lowered if lowered == names else CAMEL_RE.sub("-", names).lower()
    return CHROME_WORD_RE.search(words) is not None and any(
        CHROME_WORD_RE.search(token) for token in words.split() if is_naming_token(token)
    )


def collect_blocks(root: LexborNode) -> tuple[list[Block], list[Element]]:
    """Cut the subtree under `root` into text blocks, walking iteratively (no recursion limit).

    Block-level elements are recorded (they shape blocks and containers); inline elements only
    matter for the link characters they hold. Every node is read once or twice (text nodes,
    half of them, by `text_content` alone), and blocks and elements are built with
    `tuple.__new__`: a NamedTuple's own constructor is a Python call, a tenth of the walk.
    """
    blocks: list[Block] = []
    elements: list[Element] = []
    path: list[int] = [-1]  # indices of the open block-level elements, after -1 for the top
    # per open element: node, is it block-level (and so recorded), is it a link
    frames: list[tuple[LexborNode, bool, bool]] = []
    block_tags: list[str] = ["body"]
    parts: list[str] = []  # text of the block being read
    link_chars = 0  # how much of it sits inside <a>
    link_depth = 0

    def flush() -> None:
        nonlocal link_chars
        text = " ".join("".join(parts).split())
        if text:
            tag = block_tags[-1]
            long = is_long_text(text)
            prose = long and is_prose(text, link_chars, tag)
            blocks.append(tuple.__new__(Block, (text, link_chars, tag, path[-1], long, prose)))
        parts.clear()
        link_chars = 0

    node: LexborNode | None = root.first_child
    while node is not None:
        text = node.text_content  # None for anything but a text node
        if text is not None:
            if text and (parts or not text.isspace()):  # leading whitespace starts no block
                parts.append(text)
                if link_depth:
                    link_chars += len(text.strip())
        elif (tag := node.tag or "-")[0] != "-":  # an element, not a comment or doctype
            child = node.first_child
            if child is None or tag in SKIPPED_TAGS:
                if parts and (tag in BLOCK_TAGS or tag == "br"):
                    flush()  # an empty block element still ends the text before it
            else:
                if tag in BLOCK_TAGS:
                    if parts:
                        flush()
                    block_tags.append(tag)
                    elements.append(tuple.__new__(Element, (tag, path[-1], node)))
                    path.append(len(elements) - 1)
                    frames.append((node, True, False))
                else:
                    is_link = tag == "a"
                    link_depth += is_link
                    frames.append((node, False, is_link))
                node = child
                continue
        following = node.next
        while following is None and frames:  # leave finished elements up to a next sibling
            node, is_block, is_link = frames.pop()
            if is_block:  # the block's text belongs to the element being closed
                if parts:
                    flush()
                block_tags.pop()
                path.pop()
            link_depth -= is_link
            following = node.next
        node = following
    if parts:
        flush()
    return blocks, elements


# --- stages 2-4: chrome, container, body blocks ----------------------------------------------


def is_long_text(text: str) -> bool:
    """At least GOOD_BLOCK_CHARS long, a CJK character counting CJK_CHAR_WEIGHT Latin ones."""
    return len(text) >= GOOD_BLOCK_CHARS or (
        CJK_CHAR_WEIGHT * len(text) >= GOOD_BLOCK_CHARS  # else too short even if all CJK
        and not text.isascii()  # else no CJK to count
        and len(text) + (CJK_CHAR_WEIGHT - 1) * len(CJK_RE.findall(text)) >= GOOD_BLOCK_CHARS
    )


def is_prose(text: str, link_chars: int, tag: str) -> bool:
    """With few enough links to be a paragraph of running text, if long (`is_long_text`)."""
    return link_chars <= MAX_GOOD_LINK_DENSITY * len(text) and (
        tag not in HEADING_TAGS or len(text) >= LEAD_HEADING_CHARS
    )


def is_sentence(block: Block) -> bool:
    """A short line written as a sentence (closing remark), unlike labels, dates and bylines."""
    return (
        block.text.endswith(SENTENCE_ENDS)
        and len(block.text.split()) >= MIN_SENTENCE_WORDS
        and block.link_chars <= MAX_GOOD_LINK_DENSITY * len(block.text)
    )


def prose_per_element(blocks: list[Block], elements: list[Element], skip: list[bool]) -> list[int]:
    """Characters of prose blocks under each element (blocks flagged in `skip` not counted)."""
    own = [0] * len(elements)
    for block, skipped in zip(blocks, skip, strict=True):
        if block.element >= 0 and not skipped and block.prose:
            own[block.element] += len(block.text)
    return subtree_sums(own, elements)


def blocks_per_element(blocks: list[Block], elements: list[Element], skip: list[bool]) -> list[int]:
    """Number of blocks under each element (blocks flagged in `skip` not counted)."""
    own = [0] * len(elements)
    for block, skipped in zip(blocks, skip, strict=True):
        if block.element >= 0 and not skipped:
            own[block.element] += 1
    return subtree_sums(own, elements)


def subtree_sums(own: list[int], elements: list[Element]) -> list[int]:
    """Per element, `own` summed over its subtree: one pass up the parent links, so the cost
    does not grow with nesting depth (children come after their parents in document order)."""
    totals = list(own)
    for index in range(len(elements) - 1, -1, -1):
        total = totals[index]
        if total:  # most elements hold no prose: nothing to pass up
            parent = elements[index].parent
            if parent >= 0:
                totals[parent] += total
    return totals


def find_chrome(blocks: list[Block], elements: list[Element]) -> list[bool]:
    """Per block, whether it sits in confirmed chrome: a chrome-looking element (or nested story
    card) not holding most of the page's prose.

    Going down the parent links, an element inside confirmed chrome is covered whatever it
    looks like, and one holding most of the prose is never chrome: neither has its attributes
    read (over half of the elements are one or the other).
    """
    totals = prose_per_element(blocks, elements, [False] * len(blocks))
    limit = CHROME_MAX_SHARE * sum(len(b.text) for b in blocks if b.prose)
    cards = nested_story_cards(elements)
    covered = [False] * len(elements)
    for index, element in enumerate(elements):
        covered[index] = (element.parent >= 0 and covered[element.parent]) or (
            totals[index] <= limit and (index in cards or is_chrome_like(elements, index))
        )
    return [block.element >= 0 and covered[block.element] for block in blocks]


def is_chrome_like(elements: list[Element], index: int) -> bool:
    """The element looks like chrome, or is an <article> inside a list item: a teaser card in a
    list of stories."""
    element = elements[index]
    return looks_like_chrome(element.tag, element.node.attributes) or (
        element.tag == "article" and element.parent >= 0 and elements[element.parent].tag == "li"
    )


def nested_story_cards(elements: list[Element]) -> set[int]:
    """<article>s side by side inside another <article>: teaser cards or comments.

    The HTML spec makes a nested <article> related content (a comment, a linked story); a lone
    nested one is often the post's own body box, so only repeated siblings count (so a card
    takes three <article>s: most pages have one or none, and skip the pass).
    """
    if [element.tag for element in elements].count("article") < 3:
        return set()
    inside_article = [False] * len(elements)
    articles_under: dict[int, int] = {}
    for index, element in enumerate(elements):
        if element.parent >= 0:
            outer = elements[element.parent]
            inside_article[index] = outer.tag == "article" or inside_article[element.parent]
        if element.tag == "article":
            articles_under[element.parent] = articles_under.get(element.parent, 0) + 1
    return {
        index
        for index, element in enumerate(elements)
        if element.tag == "article" and inside_article[index] and articles_under[element.parent] > 1
    }


def under(blocks: list[Block], elements: list[Element], marked: Collection[int]) -> list[bool]:
    """Per block, whether one of its ancestors is `marked` (one pass down the parent links,
    from the first marked element: ancestors come before their descendants)."""
    covered = [False] * len(elements)
    for index in range(min(marked, default=len(elements)), len(elements)):
        parent = elements[index].parent
        covered[index] = index in marked or (parent >= 0 and covered[parent])
    return [block.element >= 0 and covered[block.element] for block in blocks]


def choose_container(
    blocks: list[Block], elements: list[Element], skip: list[bool]
) -> tuple[int | None, str]:
    """Element whose subtree is the article body, and the name of the rule that chose it;
    blocks flagged in `skip` (under chrome) do not count."""
    totals = prose_per_element(blocks, elements, skip)
    page_total = sum(
        len(b.text) for b, skipped in zip(blocks, skip, strict=True) if not skipped and b.prose
    )
    if page_total == 0:
        return None, "fallback-body"
    marked = [
        index
        for index, element in enumerate(elements)
        if totals[index] >= ARTICLE_BODY_SHARE * page_total
        and element.node.attributes.get("itemprop") == "articleBody"
    ]
    if marked:
        return max(marked, key=totals.__getitem__), "itemprop-articleBody"
    # Elements over half of the prose are nested in one another: the last in document order is
    # the deepest.
    counts = blocks_per_element(blocks, elements, skip)
    container = max(
        (
            index
            for index, total in enumerate(totals)
            if total >= CONTAINER_SHARE * page_total and counts[index] >= MIN_CONTAINER_BLOCKS
        ),
        default=None,
    )
    if container is None:
        return None, "density-body"
    return container, "article-tag" if elements[container].tag == "article" else "density"


def select_body_blocks(
    blocks: list[Block],
    elements: list[Element],
    skip: list[bool],
    container: int | None,
    title: str | None,
) -> list[Block]:
    """The body's blocks: the container and its sibling parts, back to a lead paragraph, minus
    chrome (blocks flagged in `skip`), headline, bylines, lone words and link lists, trimmed to
    prose at both ends."""
    parts = body_parts(elements, container)
    inside = [
        i
        for i, in_parts in enumerate(under(blocks, elements, parts))
        if container is None or in_parts
    ]
    if not inside:
        return []
    start = min(
        find_lead_start(blocks, skip, inside[0]),
        find_article_start(blocks, elements, skip, inside[0], container),
    )
    end = inside[-1] + 1
    keep = [
        start <= index < end
        and not skip[index]
        and block.tag != "h1"
        and block.text != title
        and not looks_like_byline(block.text)
        and not is_lone_word(block)
        and block.link_chars <= MAX_LINK_DENSITY * len(block.text)
        for index, block in enumerate(blocks)
    ]
    keep = drop_orphan_labels(blocks, keep, end)
    candidates = drop_closing_call_to_action(
        drop_closing_headings([block for block, kept in zip(blocks, keep, strict=True) if kept])
    )
    prose = [i for i, block in enumerate(candidates) if block.long or is_sentence(block)]
    if not prose:
        return candidates
    return trim_short_edges(candidates, prose[0], prose[-1] + 1)


def drop_orphan_labels(blocks: list[Block], keep: list[bool], end: int) -> list[bool]:
    """`keep` without short labels ("Read more:", "Related", a heading) right before a link list.

    A label introduces what follows it; when that is a list of links, the label belongs to the
    same chrome. (Labels before dropped captions or widgets stay: they are often subheadings.)
    Walks backwards so stacked labels go together.
    """
    keep = list(keep)
    for index in range(min(end, len(blocks)) - 2, -1, -1):
        following = blocks[index + 1]
        if (
            keep[index]
            and not keep[index + 1]
            and following.link_chars > MAX_LINK_DENSITY * len(following.text)
            and is_label(blocks[index])
        ):
            keep[index] = False
    return keep


def is_label(block: Block) -> bool:
    """A short line that is not a sentence: a heading, a caption label, a call to action."""
    return not block.long and not is_sentence(block)


def is_lone_word(block: Block) -> bool:
    """A single word outside headings, lists and tables: "Advertisement", "Share", "Anzeige".

    Writers put single words in headings, list items and table cells, not in paragraphs.
    """
    text = block.text
    return (
        block.tag not in WORD_HOLDING_TAGS
        and len(text) <= MAX_WORD_CHARS
        and len(text.split(maxsplit=1)) == 1
        and not CJK_RE.search(text)
    )


def looks_like_byline(text: str) -> bool:
    """A short line of an author word and a name ("By Jane Doe", "Von Max Muster", "Autor: X")."""
    if len(text) > MAX_BYLINE_CHARS:
        return False
    words = text.split()
    return (
        len(words) > 1 and words[0].rstrip(":").lower() in BYLINE_WORDS and words[1][:1].isupper()
    )


def body_parts(elements: list[Element], container: int | None) -> set[int]:
    """The container and its siblings of the same tag and class: one body split in parts.

    Sites cut long articles into several <div class="paragraph"> boxes between ads and
    pictures; the container is the biggest part, the others share its tag and class.
    """
    if container is None:
        return set()
    tag, parent = elements[container].tag, elements[container].parent
    classes = class_of(elements[container])
    if parent < 0 or not classes:
        return {container}
    return {
        index
        for index, element in enumerate(elements)
        if element.parent == parent and element.tag == tag and class_of(element) == classes
    }


def class_of(element: Element) -> str:
    return element.node.attributes.get("class") or ""


def find_article_start(
    blocks: list[Block],
    elements: list[Element],
    skip: list[bool],
    first: int,
    container: int | None,
) -> int:
    """Index of the first prose block before the body inside the same <article> element.

    The <article> wrapping the body also wraps its header, where the lead paragraph sits.
    """
    article = elements[container].parent if container is not None else -1
    while article >= 0 and elements[article].tag != "article":
        article = elements[article].parent
    if article < 0:
        return first
    in_article = under(blocks, elements, {article})
    return next(
        (
            index
            for index in range(first)
            if not skip[index] and in_article[index] and blocks[index].prose
        ),
        first,
    )


def find_lead_start(blocks: list[Block], skip: list[bool], first: int) -> int:
    """Index of the earliest prose block reachable back from `first` over gaps of a few blocks.

    A lead paragraph often sits outside the body's element (in the article header), separated
    from it by a byline, a photo caption or a share bar. Only leads are looked for: extending
    past the end of the body would swallow teaser blurbs.
    """
    gap = 0
    index = first - 1
    while index >= 0 and gap <= MAX_BRIDGED_GAP:
        if not skip[index] and blocks[index].prose:
            first, gap = index, 0
        else:
            gap += 1
        index -= 1
    return first


def drop_closing_headings(blocks: list[Block]) -> list[Block]:
    """Drop headings at the very end: what they announced (related links, a widget) is gone."""
    end = len(blocks)
    while end and blocks[end - 1].tag in HEADING_TAGS:
        end -= 1
    return blocks[:end]


def drop_closing_call_to_action(blocks: list[Block]) -> list[Block]:
    """Drop a short last paragraph holding a link: "Sign up here", "Follow us on ...".

    Articles end on their own words; a closing line pointing elsewhere is the site talking.
    """
    if len(blocks) > 1 and blocks[-1].link_chars and len(blocks[-1].text) < MAX_CALL_CHARS:
        return drop_closing_headings(blocks[:-1])
    return blocks


def trim_short_edges(blocks: list[Block], start: int, end: int) -> list[Block]:
    """Drop a lone short line before the first and after the last paragraph of prose.

    A date or a "Share" prompt stands alone at an edge; a run of short lines there (a list, a
    schedule, a sign-off) is content and stays.
    """
    if start > MAX_EDGE_RUN:
        start = 0
    if len(blocks) - end > MAX_EDGE_RUN:
        end = len(blocks)
    return blocks[start:end]


# --- title ------------------------------------------------------------------------------------


def strip_site_name(title: str) -> str:
    """Drop trailing " | Site name" parts; separators inside a headline stay.

    The last part goes when shorter than the rest (a site name is shorter than a headline);
    further parts go while each is at most SITE_PART_SHARE of what remains ("| Section | Site").
    """
    parts = TITLE_SEPARATORS_RE.split(title)  # text, separator, text, ...
    share = 1.0
    while len(parts) >= 3 and len(parts[-1]) <= share * len("".join(parts[:-2])):
        parts = parts[:-2]
        share = SITE_PART_SHARE
    return "".join(parts).strip()


def node_text(node: LexborNode | None) -> str:
    return " ".join((node.text(separator=" ") if node is not None else "").split())


def find_title(tree: LexborHTMLParser, landmarks: Landmarks) -> str | None:
    """Headline: an <h1> the page title confirms, else og:title or <title> without site name.

    An <h1> is confirmed when it covers most of the cleaned title: a logo <h1> holding the
    site name also appears in "Headline | Site name" but is much shorter than the headline.
    og:title and the <h1>s come from the page's `landmarks` (no walk of their own); only
    <title>, near the top, is looked up.
    """
    og = next(
        (meta for meta in landmarks["meta"] if meta.attributes.get("property") == "og:title"),
        None,
    )
    candidates = [
        " ".join((og.attributes.get("content") or "").split()) if og is not None else "",
        node_text(tree.css_first("title")),
    ]
    cleaned = [strip_site_name(c[:MAX_TITLE_CHARS]) for c in candidates if c]
    h1s = list({h1.mem_id: h1 for h1 in landmarks["h1"]}.values())  # each <h1> once
    first = node_text(h1s[0] if h1s else None)[:MAX_TITLE_CHARS]
    if first and confirms(first, cleaned):
        return first
    headings = [node_text(h1)[:MAX_TITLE_CHARS] for h1 in h1s[:MAX_H1_CHECKED]]
    headings = [h for h in headings if h]
    for heading in headings:
        if confirms(heading, cleaned):
            return heading
    if cleaned:
        return cleaned[0]
    return headings[0] if headings else None


def confirms(heading: str, titles: list[str]) -> bool:
    """One of the cleaned titles holds `heading`, which covers most of it."""
    return any(
        heading.lower() in title.lower() and len(heading) >= H1_TITLE_COVER * len(title)
        for title in titles
    )
