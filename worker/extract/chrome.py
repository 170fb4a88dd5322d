"""Chrome stripping for plain-text page dumps: keep the article, drop the site around it.

A dump is the page's visible text, one block per line: menus, breadcrumbs and banners first, then
the headline and the story, then footers, related headlines and comments. The stages:

1. `split_lines`           bound the input, rejoin hard-wrapped paragraphs, fold whitespace;
2. `classify_line`         give each line a kind (prose, short, date, boilerplate, insert, stop
                           marker...) from length, punctuation and multilingual boilerplate phrases;
                           each regex runs behind a cheap test that only skips lines it cannot
                           match (first characters, a key, a digit...), as most lines match none;
3. `demote_repeated_prose`, `mark_announced_lists`   fix kinds that need the other lines;
4. `find_body_span`        the contiguous run of lines with the highest prose weight (a maximum-sum
                           subarray, as in Body Text Extraction), cut at footers and story lists;
5. `adjust_body_start`     skip a standfirst, keep a live-blog entry's heading;
6. `body_paragraphs`       the run's lines minus inserts, captions and boilerplate;
7. `find_title`            the line above the run that shares most words with the lede, if any.

A dump of a few lines without any sentence (a wire brief, a results table) is kept whole.
Boilerplate phrases cover en, fr, de, es, it, pt, nl, pl, ru, ar, zh and ja; everything else
(length, punctuation, dates, repetition, position) is language-neutral.
"""

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from worker.extract.calendar import MONTHS
from worker.extract.main_text import MainText

# --- thresholds (one place) ------------------------------------------------------------------
MAX_INPUT_CHARS = 2_000_000  # a news page dump is < 300 kB; beyond 2 MB it is not one article
MAX_LINES = 20_000  # same bound in lines: menus of a huge portal stay far below this
MAX_LINE_CHARS = 100_000  # a paragraph is < 5 kB; a longer "line" is a blob, clipped
MEMO_LINE_CHARS = 120  # lines this short (menus, bylines, footers) are the ones pages repeat
LINE_MEMO_SIZE = 16_384  # distinct short lines remembered per process (~4 MB): 41 % hits
MIN_WRAPPED_LINES = 4  # wrap detection needs a few lines: a 3-line dump is taken as it is
WRAP_PERCENTILE = 0.95  # the wrap column: the length 95% of lines stay within (ignores outliers)
MIN_WRAP_WIDTH = 40  # narrower "wraps" are lists of short items, not wrapped prose
MAX_WRAP_WIDTH = 100  # text browsers and wire copy wrap at 64-80 columns; paragraph dumps exceed
WRAP_FILL = 0.75  # a wrapped line is filled to the column minus one word (>= 75% of the width)
MIN_WRAPPED_SHARE = 0.5  # wrapped prose: most lines of 40+ characters are filled to the column
MIN_LOWER_CONTINUATIONS = 0.3  # and go on mid-sentence: a third of next lines start lower-case
PATTERN_WINDOW = 120  # boilerplate phrases sit at a line's start; never regex-scan a whole blob
LEAD_CHARS = 3  # line-start pre-filter key: a phrase's first 3 characters are selective enough
MAX_COOKIE_NOTICE_UNITS = 80  # consent banners run 20-60 words; an 80+ word paragraph is text
COOKIE_WINDOW = 300  # banners say "cookies" in their first sentence or two
MAX_PROMO_UNITS = 40  # newsletter pitches are one or two sentences
MIN_PROSE_UNITS = 4  # "He declined to comment." is prose; 3-word menu items are not
PROSE_OFFSET = 5.0  # dev-tuned: a prose line earns its words beyond 5; lone menu questions ~0
LONG_LINE_UNITS = 20  # a 20-word line is prose even without final punctuation (lists, quotes)
CJK_CHARS_PER_UNIT = 2  # a Chinese/Japanese word is ~1.5-2 characters: count 2 chars as one word
BRAHMIC_CHARS_PER_UNIT = 5  # a Thai/Khmer/Lao/Burmese word is ~4-6 characters with its vowel marks
LIST_ITEM_WEIGHT = 0.5  # dev-tuned: announced list items add a little, so a final list stays
SHORT_PENALTY = 3.0  # cost of one non-prose line: a 10-line menu outweighs a 30-word teaser
DATE_PENALTY = 6.0  # a bare date line marks a listing (related headlines, comments)
BOILER_PENALTY = 8.0  # share/cookie/subscribe lines: chrome, never article text
TRAILER_PENALTY = 60.0  # dev-tuned (20-150 within 0.01 F1): only a long story tail bridges it
CAPTION_PENALTY = 1.0  # captions sit inside articles: mild, so they do not split the body
MAX_DATE_LINE_UNITS = 12  # "March 3, 2025 4:12 PM UTC Updated 2 hours ago" has 10; more: a sentence
MAX_MARKER_UNITS = 8  # headings like "You may also like" are short; longer lines are prose
MAX_FOOTER_UNITS = 16  # "© 2025 Example Media Ltd. All rights reserved." fits; a sentence may not
MAX_CAPTION_UNITS = 60  # a caption is a sentence or two; a credit ending a paragraph is no caption
MAX_TEASER_UNITS = 40  # teasers cut off with "..." are short; a long paragraph may trail off
MIN_BODY_UNITS = 40  # a run this heavy before a footer/comments marker is taken as the article
CLOSED_FACTOR = 3.0  # after that marker, only a run 3x heavier (a long story after a teaser) wins
GAP_GROWTH = 0.1  # dev-tuned: the k-th chrome line in a row costs 1+0.1(k-1) times as much
CLOSE_GAP = 25  # a footer marker closes the run it follows closely (tags, share bar, author box)
FAR_GAP = 20  # past 20 chrome lines a later run (footer blurb) must be 3x heavier to win
LISTING_WINDOW = 8  # two date lines within 8 lines: headline, byline, date, teaser, repeated
MAX_STAMP_UNITS = 15  # "Jane Doe on September 12, 2018 at 4:47 pm said:" has 12 words
MIN_DATE_SHARE = 0.5  # "Monday November 18, 2019 7:45 am PST by Joe Rossignol": 6 of 11 tokens
MAX_REPEATED_SHARE = 0.5  # over half the prose repeated: the article itself is in the dump twice
MAX_BRIEF_LINES = 12  # a wire brief or table story without sentences; page dumps have more menu
LEAD_WINDOW = 4  # standfirst, byline, date and caption: the header block is at most 4 lines
TITLE_LOOKBACK = 25  # headline, deck, byline, dates, share bar (up to ~12 lines) and captions
TITLE_CONTEXT_CHARS = 2000  # the lede and a few paragraphs: where a headline's words come back
MIN_TERM_CHARS = 4  # content words; shorter ones are mostly function words in these languages
MIN_TITLE_OVERLAP = 0.25  # a quarter of the headline's words recur in the opening paragraphs
MIN_SHARED_TERMS = 2  # and at least two of them: one shared word ("news") is chance
MIN_TITLE_UNITS = 2  # a one-word line above the body is a section label, not a headline
MAX_TITLE_UNITS = 30  # headlines are < 25 words; a longer line is a standfirst or a paragraph


class Kind(Enum):
    """What a dump line looks like, before knowing where the body is."""

    PROSE = "prose"  # a sentence or a paragraph
    SHORT = "short"  # a label, menu item, headline or subheading
    ITEM = "item"  # a short line in a list announced by a sentence ending in a colon
    BYLINE = "byline"  # "By Jane Doe", "Par Claire Moreau"
    TEASER = "teaser"  # a cut-off summary ("..."), as in lists of other stories
    DATE = "date"  # a bare date, with day or month or year ("Updated 03 May, 2024", "2 days ago")
    TIME = "time"  # a bare clock time ("10:32", "14h05"), as between live-blog entries
    CAPTION = "caption"  # a photo caption or credit
    BOILER = "boiler"  # share, follow, subscribe, cookie, login, skip-to-content
    INSERT = "insert"  # "Read more: ...", "Advertisement": dropped, costs nothing
    TRAILER = "trailer"  # heading of a list of other stories ("Related", "Most read"): costly
    STOP = "stop"  # the article is over: "Published in ...", copyright
    COMMENTS = "comments"  # the comment section starts: "12 Comments", "Leave a reply"

    # Members are singletons: hash by identity, in C, not by name in Python (Enum's own) as the
    # stages look kinds up in sets and tables for every line.
    __hash__ = object.__hash__


# The members under plain names: reading `Kind.X` runs EnumType's Python-level attribute
# lookup (~70 ns), and the stages name kinds for every line.
PROSE, SHORT, ITEM, BYLINE, TEASER = Kind.PROSE, Kind.SHORT, Kind.ITEM, Kind.BYLINE, Kind.TEASER
DATE, TIME, CAPTION, BOILER, INSERT = Kind.DATE, Kind.TIME, Kind.CAPTION, Kind.BOILER, Kind.INSERT
TRAILER, STOP, COMMENTS = Kind.TRAILER, Kind.STOP, Kind.COMMENTS


@dataclass(slots=True)
class Line:
    """One dump line with its kind and length, the unit every later stage works on.

    Not frozen: a frozen dataclass sets each field through object.__setattr__, 3x the cost.
    """

    text: str
    kind: Kind
    units: float  # length in words (characters counted per word in scripts without spaces)


def _phrases(*words: str) -> str:
    return "|".join(re.escape(w) for w in words)


def _by_first_char(words: set[str]) -> str:
    """An alternation of words grouped by first character: the engine tries one branch per
    character at each position instead of every word."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words):
        groups.setdefault(word[0], []).append(word[1:])
    return (
        "(?:"
        + "|".join(re.escape(c) + f"(?:{_phrases(*rest)})" for c, rest in groups.items())
        + ")"
    )


# Lines that are only this phrase (plus an optional count or colon) head a list of other stories.
_TRAILER_HEAD_PHRASES = (
    *("related", "related articles", "related stories", "related news", "related posts"),
    *("related content", "related coverage", "related topics", "more from", "more on this"),
    *("more on this story", "more stories", "more news", "most read", "most popular"),
    *("most viewed", "trending", "trending now", "you may also like", "you might also like"),
    *("recommended", "recommended for you", "read next", "up next", "what to read next"),
    *("latest news", "top stories", "editor's picks", "sur le même sujet", "à lire aussi"),
    *("a lire aussi", "les plus lus", "dans la même rubrique", "mehr zum thema"),
    *("das könnte sie auch interessieren", "meistgelesen", "weitere artikel"),
    *("te puede interesar", "lo más leído", "noticias relacionadas", "más noticias"),
    *("ti potrebbe interessare", "i più letti", "più letti", "articoli correlati"),
    *("leia também", "mais lidas", "veja também", "notícias relacionadas", "lees ook"),
    *("meest gelezen", "gerelateerde artikelen", "читайте также", "похожие новости"),
    *("самое читаемое", "другие новости", "相关新闻", "相关阅读", "热门新闻", "推荐阅读"),
    *("اقرأ أيضا", "اقرأ أيضاً", "مقالات ذات صلة", "الأكثر قراءة", "about the author"),
    *("explore further", "further reading", "see also", "über den autor", "über die autorin"),
    *("beliebte beiträge", "ähnliche beiträge", "ähnliche artikel", "verwandte artikel"),
    *("das könnte dich auch interessieren", "weitere beiträge", "à propos de l'auteur"),
    *("articles similaires", "articles liés", "vous aimerez aussi", "à voir aussi"),
    *("voir aussi", "sobre el autor", "artículos relacionados", "sull'autore"),
    *("sobre o autor", "over de auteur", "об авторе", "we recommend", "don't miss"),
    *("read this next", "most shared", "latest stories", "more to explore", "around the web"),
    *("from the web", "from our partners", "promoted stories", "sponsored content"),
    *("partner content", "related video", "related videos", "watch next"),
    *("in case you missed it", "à découvrir", "les plus partagés", "nos partenaires"),
    *("empfehlungen", "meistgelesene artikel", "top-artikel", "también te puede interesar"),
    *("otras noticias", "recomendados", "potrebbe interessarti", "consigliati"),
    *("você pode gostar", "você também pode gostar", "veja mais", "aanbevolen"),
    *("ook interessant", "рекомендуем", "популярное", "推荐", "関連記事", "関連ニュース"),
    *("人気記事", "おすすめ記事", "アクセスランキング", "polecane", "najczęściej czytane"),
    *("zobacz również", "przeczytaj również"),
)
_TRAILER_HEADS = re.compile(r"(?:" + _phrases(*_TRAILER_HEAD_PHRASES) + r")\b[^\w]{0,3}$")
# Short lines starting so head a list of other stories: "More from the Daily Example".
_TRAILER_START_PHRASES = (
    *("more from ", "more stories ", "more news ", "more in ", "mehr aus ", "mehr von "),
    *("mehr zum thema ", "plus de ", "más de ", "más noticias ", "altri articoli "),
    *("mais de ", "meer over ", "meer nieuws ", "другие новости ", "ещё по теме"),
)
_TRAILER_STARTS = re.compile(_phrases(*_TRAILER_START_PHRASES))
# Line starts after which the article is over (footer, comments).
_STOP_PHRASES = (
    *("published in ", "first published", "originally published"),
    *("this article was originally published", "disclaimer", "haftungsausschluss"),
    *("this entry was posted", "dieser eintrag wurde veröffentlicht"),
    *("dieser beitrag wurde veröffentlicht", "ce message a été publié"),
    *("cette entrée a été publiée", "esta entrada fue publicada"),
    *("questa voce è stata pubblicata", "esta entrada foi publicada"),
    *("dit bericht is geplaatst", "zeige alle beiträge von", "view all posts by"),
    *("posted in ", "filed under", "tags:", "tagged:", "tagged with", "topics:"),
    *("schlagworte", "schlagwörter", "mots-clés", "mots clés", "etiquetas:", "argomenti:"),
    *("trefwoorden", "теги:", "标签：", "الوسوم", "this article first appeared"),
    *("this story first appeared", "this article appeared in", "a version of this article"),
    *("this story was originally published", "dieser artikel erschien", "erstmals erschienen"),
    *("cet article a été publié", "este artículo fue publicado", "publicado originalmente"),
    *("questo articolo è stato pubblicato", "este artigo foi publicado"),
    *("dit artikel verscheen", "статья опубликована"),
)
_STOP_STARTS = re.compile(_phrases(*_STOP_PHRASES))
# Line starts that open a comment section.
_COMMENTS_PHRASES = (
    *("leave a reply", "leave a comment", "post a comment", "add a comment"),
    *("join the conversation", "show comments", "view comments", "top rated comments"),
    *("laisser un commentaire", "réagir à cet article", "kommentar schreiben"),
    *("deja un comentario", "deja tu comentario", "lascia un commento"),
    *("deixe um comentário", "deixe seu comentário", "plaats een reactie"),
    *("оставить комментарий", "发表评论", "أضف تعليق", "schreibe einen kommentar"),
    *("kommentar verfassen", "écrire un commentaire", "escribe un comentario"),
    *("scrivi un commento", "escreva um comentário", "laat een reactie achter"),
    *("reactie plaatsen", "skomentuj", "dodaj komentarz", "some comments may be republished"),
)
_COMMENTS_STARTS = re.compile(_phrases(*_COMMENTS_PHRASES))
# A copyright sign: with a year it is the site's footer, without one a photo credit.
_COPYRIGHT_MARKS = ("©", "(c) ", "copyright")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# Anywhere in a short line: rights reservations of copyright footers.
_RIGHTS_PHRASES = (
    *("all rights reserved", "tous droits réservés", "alle rechte vorbehalten"),
    *("todos los derechos reservados", "tutti i diritti riservati"),
    *("todos os direitos reservados", "alle rechten voorbehouden", "все права защищены"),
    *("版权所有", "جميع الحقوق محفوظة", "wszelkie prawa zastrzeżone"),
)
_RIGHTS = re.compile(_phrases(*_RIGHTS_PHRASES))
_RIGHTS_KEYS = ("права", "版权所有", "الحقوق", "prawa")  # in the phrases without "serv"/"rbeh"
# A whole line naming the comment section, with an optional count: "12 Comments", "[ 3 comments ]".
_COMMENTS_HEAD_WORDS = (
    *("comments", "comment", "kommentare", "commentaires", "comentarios", "commenti"),
    *("comentários", "reacties", "reactions", "комментарии", "评论", "تعليقات", "komentarze"),
    *("コメント",),
)
_COMMENTS_HEAD = re.compile(
    r"[\[(]?\s?\d{0,6}\s?(?:" + _phrases(*_COMMENTS_HEAD_WORDS) + r")\s?(?:\(\d{1,6}\))?\s?[\])]?$"
)
# Line starts of in-body inserts pointing elsewhere, and ad slots; dropped without cost.
_INSERT_PHRASES = (
    *("read more:", "read also:", "read more \u203a", "related:", "see also:", "also read:"),
    *("recommended:", "lire aussi", "à lire aussi :", "a lire aussi :", "voir aussi :"),
    *("lesen sie auch", "mehr zum thema:", "auch interessant:", "lee también"),
    *("te puede interesar:", "leer más:", "ver también:", "leggi anche", "leia também:"),
    *("leia mais:", "veja também:", "lees ook:", "lees meer:", "читайте также:"),
    *("смотрите также:", "相关阅读\uff1a", "延伸阅读", "اقرأ أيضا:", "mira:", "lea también"),
    *("lee además", "zobacz także", "czytaj także", "czytaj też", "czytaj więcej"),
    *("story continues below", "article continues below", "continue reading below"),
    *("scroll to continue",),
)
_INSERT_STARTS = re.compile(_phrases(*_INSERT_PHRASES))
# Whole lines that are ad slot labels.
_AD_LABELS = frozenset(
    (
        *("advertisement", "advertising", "sponsored", "ad", "anzeige", "werbung", "publicité"),
        *("publicidad", "pubblicità", "publicidade", "advertentie", "реклама", "إعلان", "广告"),
        *("広告", "スポンサーリンク"),
    )
)
# Line starts (whole words) of share, follow, subscribe, login, consent and navigation chrome.
_BOILER_PHRASES = (
    *("skip to", "zum inhalt", "direkt zum inhalt", "zur navigation", "aller au contenu"),
    *("passer au contenu", "ir al contenido", "saltar al contenido", "vai al contenuto"),
    *("salta al contenuto", "pular para o conteúdo", "ir para o conteúdo", "naar de inhoud"),
    *("ga naar de inhoud", "перейти к содержанию", "перейти к основному", "跳到正文"),
    *("跳至内容", "تخطى إلى المحتوى", "print", "drucken", "imprimer", "imprimir", "stampa"),
    *("afdrukken", "печать", "next article", "previous article", "nächster artikel"),
    *("vorheriger artikel", "article suivant", "article précédent", "jump to", "share"),
    *("tweet", "email this", "print this", "follow us", "follow @", "subscribe", "sign up"),
    *("sign in", "log in", "login", "register", "newsletter", "get our", "download the"),
    *("click here", "we use cookies", "this site uses cookies", "this website uses cookies"),
    *("accept cookies", "cookie", "privacy policy", "terms of use", "terms of service"),
    *("back to top", "menu", "search", "home", "partager", "suivez-nous", "abonnez-vous"),
    *("s'abonner", "se connecter", "inscrivez-vous", "nous utilisons des cookies", "teilen"),
    *("folgen sie uns", "abonnieren", "anmelden", "wir verwenden cookies"),
    *("diese website verwendet cookies", "compartir", "síguenos", "suscríbete"),
    *("iniciar sesión", "utilizamos cookies", "condividi", "seguici", "iscriviti", "accedi"),
    *("utilizziamo i cookie", "questo sito utilizza cookie", "compartilhe", "compartilhar"),
    *("siga-nos", "assine", "entrar", "utilizamos cookies", "delen", "volg ons", "abonneer"),
    *("inloggen", "wij gebruiken cookies", "deze website gebruikt cookies", "поделиться"),
    *("подписывайтесь", "подписаться", "войти", "мы используем cookie", "分享到"),
    *("この記事をシェア", "シェアする", "メインコンテンツへスキップ", "ログイン", "关注我们"),
    *("登录", "شارك", "تابعونا", "اشترك", "teile diesen beitrag", "udostępnij"),
)
_BOILER_STARTS = re.compile(r"(?:" + _phrases(*_BOILER_PHRASES) + r")(?!\w)")
# Anywhere in a line's start: newsletter and subscription promotions.
_PROMO_PHRASES = (
    *("newsletter", "unsubscribe", "follow us on", "follow him on", "follow her on"),
    *("suivez-nous sur", "folgen sie uns auf", "síguenos en", "seguici su", "siga-nos no"),
    *("volg ons op", "like this story", "like this article", "enjoyed this article"),
    *("share this story", "share it with", "did you like", "gefällt dir"),
    *("hat ihnen dieser artikel gefallen", "vous avez aimé cet article", "te ha gustado"),
    *("ti è piaciuto", "gostou desta", "sign up here", "sign up now", "subscribe now"),
    *("subscribe here", "subscribe to our", "click here", "abonnez-vous", "inscrivez-vous"),
    *("jetzt abonnieren", "hier anmelden", "suscríbete", "iscriviti", "inscreva-se"),
    *("assine já", "schrijf je in", "подпишитесь", "订阅", "protected by recaptcha"),
)
_PROMO = re.compile(_phrases(*_PROMO_PHRASES))
# Pre-filter for _PROMO: a piece of each phrase that starts at a rare character, so the scan
# stops at few positions: one of these keys, else the phrase from its first space on.
_PROMO_RARE_KEYS = (
    *("wsletter", "bscribe", "-vous", "íbete", "viti", "-se", "шитесь", "订阅"),
    *("-nos no", "íguenos en", "ällt dir", "guici su"),  # rarer than " no", " en", " dir", " su"
)
_PROMO_KEYS = re.compile(
    " "
    + _by_first_char(
        {
            phrase[phrase.index(" ") + 1 :]
            for phrase in _PROMO_PHRASES
            if " " in phrase and not any(key in phrase for key in _PROMO_RARE_KEYS)
        }
    )
    + "|"
    + _phrases(*_PROMO_RARE_KEYS)
)
# Line starts of photo captions and credits.
_CAPTION_PHRASES = (
    *("photo:", "photo :", "photos:", "photograph:", "image:", "image credit", "picture:"),
    *("photo by", "photos by", "photograph by", "foto von", "photo de"),
    *("credit:", "credits:", "file photo", "above:", "top:", "pictured:", "illustration:"),
    *("crédit photo", "crédits photo", "foto:", "bild:", "bildquelle", "imagen:"),
    *("immagine:", "фото:", "图片", "صورة:"),
)
_CAPTION_STARTS = re.compile(_phrases(*_CAPTION_PHRASES))
# Gallery counters: "Image 3 of 5", "Foto 2 von 12", "1 / 8".
_GALLERY_WORDS = (
    *("image", "photo", "picture", "slide", "foto", "bild", "imagen", "immagine", "imagem"),
    "afbeelding",
)
_GALLERY_COUNTER = re.compile(
    r"(?:(?:" + _phrases(*_GALLERY_WORDS) + r")\s)?\d{1,3}\s?(?:of|von|de|di|van|/)\s?\d{1,3}$"
)
# Credit endings: "(Photo: Jane Doe/AFP)", "| Getty Images"; not "told AFP." nor wire "(ANSA).".
_CREDIT_AGENCIES = (
    *("getty images", "afp", "reuters", "ap photo", "shutterstock", "istock", "epa", "dpa"),
    *("ansa", "efe"),
)
# An agency credit ends its line: the name, up to 3 marks ("AFP)."), the newline "$" allows.
_AGENCY_END_CHARS = max(map(len, _CREDIT_AGENCIES)) + 4
_CAPTION_ENDS = re.compile(
    r"(?:[/|©:\u2014\u2013-]\s?|\bvia\s)(?:"
    + _phrases(*_CREDIT_AGENCIES)
    + r")[^\w]{0,3}$|(?:photo(?:graph)?|foto|image|picture|credit|crédit|bild)s?\s?:[^.:]{1,60}$"
)
_SENTENCE_END = frozenset(".!?…:;。\uff01\uff1f؟।")  # with full-width ! and ?
_CLOSERS = "\"'”\u2019»)]\u203a\uff09」』"  # quotes and brackets that may follow a full stop
_CRUMB_SEPARATORS = (" \u203a ", " > ", " » ", " / ", " | ", " :: ")  # breadcrumbs and menu bars
_CRUMB_SEPARATOR = re.compile(_phrases(*_CRUMB_SEPARATORS))  # one search: half of six "in" tests
# What the credit, stamp, date, teaser and sentence-end tests need besides letters: a digit, a
# separator of credits ("/", "|", "©", dashes, ":") or sentence punctuation.
_MARKS = re.compile(r"[\d/|©\u2014\u2013\-" + "".join(map(re.escape, sorted(_SENTENCE_END))) + "]")
_BYLINE_PHRASES = (
    *("by ", "par ", "von ", "por ", "di ", "door ", "от ", "автор"),
    *("بقلم", "作者", "记者"),
)
_BYLINE_STARTS = re.compile(_phrases(*_BYLINE_PHRASES))
# Each hint starts at a digit; the lookahead lets the engine pass other positions quickly.
_DATE_HINT = re.compile(
    r"(?=\d)(?:\d{1,4}[-./:]\d{1,2}|\b(?:19|20)\d\d\b|\b\d{1,2}\s?(?:h|am|pm)\b)"
)
_CLOCK = re.compile(r"\b\d{1,2}[:h.]\d\d\b")  # 09:41, 14h05, 10.30
_RELATIVE_STARTS = ("il y a", "vor", "hace", "há", "fa")  # "il y a 3 heures", "vor 2 Stunden"
_RELATIVE_TIME = re.compile(
    r"\d{1,3}\s?(?:min|mins|minutes|h|hr|hrs|hours|hour|d|days|day|m)\b\.?\s?ago"
    r"|\bago$|^(?:" + _phrases(*_RELATIVE_STARTS) + r")\s\d"
)
_DIGIT = re.compile(r"\d")
# The end of a comment's header: "Jane on September 12, 2018 at 4:47 pm said:".
_COMMENT_STAMP = re.compile(
    r"(?:"
    + _phrases(
        *("said", "says", "wrote", "writes", "a écrit", "schrieb", "schreibt", "dice"),
        *("escribió", "scrive", "disse", "escreveu", "schreef", "zegt", "пишет", "написал"),
    )
    + r")\s?:$"
)
_STAMP_ENDS = (":", ":\n")  # "$" also matches before a final newline
_WORD = re.compile(r"\w+")
# The words of 4+ characters (a run is taken whole, so a match starts where a run does: the
# look-behind rejects the positions inside a run at one character, not four).
_TERM = re.compile(rf"(?<!\w)\w{{{MIN_TERM_CHARS},}}")
_CJK = re.compile("[\u3040-\u9fff\uf900-\ufaff]")  # kana, CJK ideographs, compatibility ideographs
_BRAHMIC_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]"
)  # Thai, Lao, Myanmar, Khmer
_UNSPACED = re.compile("[\u3040-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
# Words of date lines besides numbers and month names: clock, zones, weekdays, "updated".
_DATE_WORDS = frozenset(
    (
        *("am", "pm", "h", "gmt", "utc", "cet", "est", "pst", "et", "uhr", "às", "à", "um"),
        *("updated", "posted", "published", "publié", "modifié", "mis", "jour", "le", "on"),
        *("aktualisiert", "veröffentlicht", "publicado", "actualizado", "pubblicato"),
        *("aggiornato", "atualizado", "gepubliceerd", "bijgewerkt", "обновлено", "опубликовано"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("mon", "tue", "wed", "thu", "fri", "sat", "sun", "lundi", "mardi", "mercredi"),
        *("jeudi", "vendredi", "samedi", "dimanche", "montag", "dienstag", "mittwoch"),
        *("donnerstag", "freitag", "samstag", "sonntag", "lunes", "martes", "miércoles"),
        *("jueves", "viernes", "sábado", "domingo", "lunedì", "martedì", "mercoledì"),
        *("giovedì", "venerdì", "sabato", "segunda", "terça", "quarta", "quinta", "sexta"),
        *("feira", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"),
        "zondag",
    )
)


# Line-start tests, as bits of a set: the ones a line's first characters leave possible.
_AD_TEST, _INSERT_TEST, _COMMENTS_TEST, _STOP_TEST = 1, 2, 4, 8
_TRAILER_TEST, _BOILER_TEST, _CAPTION_TEST, _BYLINE_TEST = 16, 32, 64, 128
# Tests whose patterns allow a prefix that is no letter: "[3 comments]", "1 / 8", "(Photo: ...",
# and the first word of "— Advertisement —". The other phrases all start with a letter.
_PREFIXED_TESTS = _AD_TEST | _COMMENTS_TEST | _CAPTION_TEST


def _lead_keys(*tests: tuple[int, tuple[str, ...] | frozenset[str]]) -> dict[str, int]:
    """For the first LEAD_CHARS characters of each phrase (or a shorter phrase itself), the tests
    with a phrase starting so."""
    keys: dict[str, int] = {}
    for test, phrases in tests:
        for phrase in phrases:
            keys[phrase[:LEAD_CHARS]] = keys.get(phrase[:LEAD_CHARS], 0) | test
    return keys


_LEAD_KEYS = _lead_keys(
    (_AD_TEST, _AD_LABELS),
    (_INSERT_TEST, _INSERT_PHRASES),
    (_COMMENTS_TEST, _COMMENTS_PHRASES + _COMMENTS_HEAD_WORDS),
    (_STOP_TEST, _STOP_PHRASES),
    (_TRAILER_TEST, _TRAILER_HEAD_PHRASES + _TRAILER_START_PHRASES),
    (_BOILER_TEST, _BOILER_PHRASES),
    (_CAPTION_TEST, _CAPTION_PHRASES + _GALLERY_WORDS),
    (_BYLINE_TEST, _BYLINE_PHRASES),
)


def word_units(text: str) -> float:
    """Length in words; scripts written without spaces between words count characters."""
    return _units(text, len(text.split()))


def _units(text: str, tokens: int) -> float:
    """`word_units` of a line whose number of whitespace-separated tokens is known."""
    if text.isascii() or not _UNSPACED.search(text):  # isascii is O(1): the flag of the string
        return float(tokens)
    cjk = len(_CJK.findall(text))
    brahmic = len(_BRAHMIC_UNSPACED.findall(text))
    spaced = sum(1 for token in text.split() if not _UNSPACED.search(token))
    return spaced + cjk / CJK_CHARS_PER_UNIT + brahmic / BRAHMIC_CHARS_PER_UNIT


def split_lines(text: str) -> list[str]:
    """Non-empty lines with folded whitespace, bounded in number and length.

    Dumps hard-wrapped at a fixed width (text browsers, wire copy) get their paragraphs rejoined
    first: otherwise every 70-character piece of a sentence would look like a menu item.
    """
    raw = text[:MAX_INPUT_CHARS].splitlines()[:MAX_LINES]
    width = wrap_width(raw)
    blocks = raw if width is None else unwrap(raw, width)
    return [line for block in blocks if (line := _fold_whitespace(block[:MAX_LINE_CHARS]))]


def _fold_whitespace(block: str) -> str:
    """The block's tokens joined by single spaces, without splitting the many blocks that are.

    Every whitespace character but the space is unprintable, so a printable block without
    double, leading or trailing spaces is folded already.
    """
    if block.isprintable() and "  " not in block and block[:1] != " " and block[-1:] != " ":
        return block
    return " ".join(block.split())


def wrap_width(raw: list[str]) -> int | None:
    """The column a dump was hard-wrapped at, or None when lines are whole paragraphs.

    Wrapped prose has many lines filled to about the same column that run on into a next line
    starting in lower case; lists of headlines or CJK paragraphs have neither.
    """
    lengths = sorted(map(len, filter(None, map(str.rstrip, raw))))  # of the non-blank lines
    if len(lengths) < MIN_WRAPPED_LINES:
        return None
    width = lengths[int(WRAP_PERCENTILE * (len(lengths) - 1))]
    if not MIN_WRAP_WIDTH <= width <= MAX_WRAP_WIDTH:
        return None
    longish = [length for length in lengths if length >= MIN_WRAP_WIDTH]
    full = [
        following.lstrip()
        for line, following in itertools.pairwise(raw)
        if len(line.rstrip()) >= WRAP_FILL * width and following.strip()
    ]
    mid_sentence = sum(1 for following in full if following[0].islower())
    wrapped = len(full) >= MIN_WRAPPED_SHARE * len(longish)
    return width if wrapped and mid_sentence >= MIN_LOWER_CONTINUATIONS * len(full) else None


def unwrap(raw: list[str], width: int) -> list[str]:
    """Paragraphs of a hard-wrapped dump: a full line continues on the next one.

    A paragraph ends at a blank line or a short line, and a new one starts where the indentation
    grows (wire copy indents first lines).
    """
    paragraphs: list[str] = []
    current: list[str] = []
    previous_indent = 0
    for line in raw:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if current and (not stripped or indent > previous_indent):
            paragraphs.append(" ".join(current))
            current = []
        if stripped:
            current.append(stripped)
            if len(line.rstrip()) < WRAP_FILL * width:
                paragraphs.append(" ".join(current))
                current = []
        previous_indent = indent
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _first_word(lower: str) -> str:
    match = _WORD.search(lower)
    return match.group() if match else ""


def _start_tests(head: str) -> int:
    """The line-start tests that can match a line: by its first characters if it opens with a
    letter (phrases have 2+ characters), else the ones that allow a prefix."""
    if not head[:1].isalpha():
        return _PREFIXED_TESTS
    return _LEAD_KEYS.get(head[:LEAD_CHARS], 0) | _LEAD_KEYS.get(head[:2], 0)


def _may_reserve_rights(head: str) -> bool:
    """Pre-filter for _RIGHTS: each of its phrases has "serv" (reserved, réservés, riservati),
    "rbeh" (vorbehalten, voorbehouden) or one of the (non-ASCII) keys."""
    if "serv" in head or "rbeh" in head:
        return True
    return not head.isascii() and any(key in head for key in _RIGHTS_KEYS)


def _may_end_in_credit(tail: str) -> bool:
    """Pre-filter for _CAPTION_ENDS: a credit label's colon is the last one, with no full stop
    after it; an agency's name ends the line."""
    colon = tail.rfind(":")
    labelled = colon >= 0 and "." not in tail[colon + 1 :]
    return labelled or _names_agency(tail[-_AGENCY_END_CHARS:])


def _names_agency(tail: str) -> bool:
    return (  # _CREDIT_AGENCIES, unrolled: ten substring tests cost less than one regex search
        "getty images" in tail
        or "afp" in tail
        or "reuters" in tail
        or "ap photo" in tail
        or "shutterstock" in tail
        or "istock" in tail
        or "epa" in tail
        or "dpa" in tail
        or "ansa" in tail
        or "efe" in tail
    )


def _is_cookie_notice(text: str, head: str, units: float) -> bool:
    """Consent banners are prose, but name cookies early and are not article-long."""
    if units > MAX_COOKIE_NOTICE_UNITS:
        return False
    window = head if len(text) <= PATTERN_WINDOW else text[:COOKIE_WINDOW].lower()
    return "cookie" in window


def _reads_as_sentences(text: str) -> bool:
    """An unpunctuated long line is prose only if it has inner punctuation and a capital start.

    Tag clouds and keyword lists ("adote um amigo agua alerta ...") have neither.
    """
    if _BRAHMIC_UNSPACED.search(text[:PATTERN_WINDOW]):
        return True  # Thai and its neighbours mark clauses with spaces, not punctuation
    return not text[0].islower() and any(
        mark in text for mark in (". ", ", ", "; ", "، ", "\uff0c", "。")
    )


def _date_kind(lower: str, units: float) -> Kind | None:
    """DATE for a line that is mostly a date, TIME for a bare clock time, else None."""
    if units > MAX_DATE_LINE_UNITS or "@" in lower:  # "@": a tweet's signature, not a date line
        return None
    # _RELATIVE_TIME needs "ago" or one of its starts; _DATE_HINT needs a digit.
    relative = "ago" in lower or lower.startswith(_RELATIVE_STARTS)
    if relative and _RELATIVE_TIME.search(lower):
        return DATE
    digit = _DIGIT.search(lower)  # every hint starts at a digit: search from the first one
    if digit is None or not _DATE_HINT.search(lower, digit.start()):
        return None
    words = _WORD.findall(lower)
    dated = [w for w in words if w.isdigit() or w in MONTHS or w in _DATE_WORDS]
    parts = [w for w in dated if w.isdigit() or w in MONTHS]
    if len(dated) < MIN_DATE_SHARE * len(words) or len(parts) < 2:
        return None
    if any(w in MONTHS or len(w) == 4 for w in parts):
        return DATE
    return TIME if _CLOCK.search(lower) else None


def _credit_or_stamp(text: str, head: str, units: float) -> Kind | None:
    """CAPTION for a line ending in a photo credit, DATE for a comment's header, else None."""
    tail = head if len(text) <= PATTERN_WINDOW else text[-PATTERN_WINDOW:].lower()
    if _may_end_in_credit(tail) and _CAPTION_ENDS.search(tail):
        return CAPTION
    stamp = units <= MAX_STAMP_UNITS and tail.endswith(_STAMP_ENDS)
    if stamp and _COMMENT_STAMP.search(tail) and _DATE_HINT.search(head):
        return DATE
    return None


def classify_line(text: str) -> Line:
    """Kind of one dump line, judged on the line alone."""
    return Line(text, *_judge_line(text, word_units(text)))


def _classify_lines(lines: list[str]) -> list[Line]:
    """`classify_line` of each line of `split_lines`; short lines are remembered.

    A site prints the same menus, share bars and footers on every page, so over half of a
    crawl's dump lines were seen before (55 % of the benchmark's distinct dumps); a line's kind
    depends on its text alone, so it is judged once.
    """
    return [
        Line(
            line, *(_remembered_line(line) if len(line) <= MEMO_LINE_CHARS else _judge_folded(line))
        )
        for line in lines
    ]


def _judge_folded(text: str) -> tuple[Kind, float]:
    """`_judge_line` of a line of `split_lines`, whose tokens are its spaces plus one."""
    return _judge_line(text, _units(text, text.count(" ") + 1))


_remembered_line = lru_cache(maxsize=LINE_MEMO_SIZE)(_judge_folded)


def _judge_line(text: str, units: float) -> tuple[Kind, float]:
    head = text[:PATTERN_WINDOW].lower()
    return _line_kind(text, head, units, _PROMO_KEYS.search(head) is not None), units


def _line_kind(text: str, head: str, units: float, promo_key: bool) -> Kind:
    """The first kind whose test the line passes, in order of precedence.

    `head` is the line's lower-cased start, `promo_key` whether _PROMO_KEYS finds it there.
    Regexes run behind pre-filters (necessary conditions for a match), as most lines are menu
    items or prose that no pattern matches.
    """
    short = units <= MAX_MARKER_UNITS
    starts = _start_tests(head)
    if starts & _AD_TEST and short and _first_word(head) in _AD_LABELS:
        return INSERT
    if starts & _INSERT_TEST and _INSERT_STARTS.match(head):
        return INSERT
    comments = starts & _COMMENTS_TEST and short
    if comments and (_COMMENTS_STARTS.match(head) or _COMMENTS_HEAD.match(head)):
        return COMMENTS
    if starts & _STOP_TEST and _STOP_STARTS.match(head):
        return STOP
    footer = units <= MAX_FOOTER_UNITS
    if footer and _may_reserve_rights(head) and _RIGHTS.search(head):
        return STOP
    copyright_mark = "©" in head or "(c) " in head or "copyright" in head  # _COPYRIGHT_MARKS
    if copyright_mark and (footer or head.startswith(_COPYRIGHT_MARKS)):
        return STOP if _YEAR.search(head) else CAPTION
    trailer = starts & _TRAILER_TEST and short
    if trailer and (_TRAILER_HEADS.match(head) or _TRAILER_STARTS.match(head)):
        return TRAILER
    boiler = starts & _BOILER_TEST and short and _BOILER_STARTS.match(head)
    cookie = "cookie" in head or len(text) > PATTERN_WINDOW  # else the notice test is False
    if boiler or (cookie and _is_cookie_notice(text, head, units)):
        return BOILER
    if units <= MAX_PROMO_UNITS and promo_key and _PROMO.search(head):
        return BOILER
    caption = starts & _CAPTION_TEST
    if caption and (_CAPTION_STARTS.match(head.lstrip("([ ")) or _GALLERY_COUNTER.match(head)):
        return CAPTION
    # Without digits or punctuation, only "via" credits and "ago" dates remain possible below.
    letters = head.replace(" ", "").isalpha()  # a quick "no marks" for the common menu item
    marked = len(text) > PATTERN_WINDOW or (not letters and _MARKS.search(head) is not None)
    credit = units <= MAX_CAPTION_UNITS and (marked or "via" in head)
    kind = _credit_or_stamp(text, head, units) if credit else None
    kind = kind or (_date_kind(head, units) if marked or "ago" in head else None)
    if kind is not None:
        return kind
    if starts & _BYLINE_TEST and short and _BYLINE_STARTS.match(head):
        return BYLINE
    if marked and text.endswith(("...", "…")) and units <= MAX_TEASER_UNITS:
        return TEASER
    if marked and _ends_sentence(text) and units >= MIN_PROSE_UNITS:
        return PROSE
    if units >= LONG_LINE_UNITS and _reads_as_sentences(text):
        return PROSE
    return SHORT


# What a line of each kind but prose adds to a candidate body (prose adds its length).
_KIND_WEIGHTS = {
    INSERT: 0.0,
    ITEM: LIST_ITEM_WEIGHT,
    CAPTION: -CAPTION_PENALTY,
    DATE: -DATE_PENALTY,
    TIME: -DATE_PENALTY,
    BOILER: -BOILER_PENALTY,
    TRAILER: -TRAILER_PENALTY,
    SHORT: -SHORT_PENALTY,
    BYLINE: -SHORT_PENALTY,
    TEASER: -SHORT_PENALTY,
    STOP: -SHORT_PENALTY,
    COMMENTS: -SHORT_PENALTY,
}


def line_weight(line: Line) -> float:
    """Contribution of a line to a candidate body: prose adds its length, chrome costs."""
    weight = _KIND_WEIGHTS.get(line.kind)
    return line.units - PROSE_OFFSET if weight is None else weight


def demote_repeated_prose(lines: list[Line]) -> list[Line]:
    """Prose lines seen twice are captions, teasers or pull quotes: treat them as short lines.

    When most prose repeats, the dump holds the article twice (page plus print or AMP copy),
    and the lines are left alone.
    """
    counts = Counter(line.text for line in lines if line.kind is PROSE)
    if max(counts.values(), default=0) < 2:
        return lines  # nothing repeats
    repeated = sum(line.units for line in lines if counts.get(line.text, 0) > 1)
    prose = sum(line.units for line in lines if line.kind is PROSE)
    if not repeated or repeated > MAX_REPEATED_SHARE * prose:
        return lines
    return [
        Line(line.text, SHORT, line.units) if counts.get(line.text, 0) > 1 else line
        for line in lines
    ]


def mark_announced_lists(lines: list[Line]) -> list[Line]:
    """Short lines right after a sentence ending in a colon are the list it announces.

    "The tour dates:" followed by thirty venue lines is article text, not a menu.
    """
    marked: list[Line] = []
    in_list = False
    for line in lines:
        if in_list and line.kind is SHORT:
            marked.append(Line(line.text, ITEM, line.units))
            continue
        in_list = line.kind is PROSE and line.text.endswith(":")
        marked.append(line)
    return marked


def listing_dates(lines: list[Line]) -> set[int]:
    """Indices of date or byline lines with another one close by: the rhythm of a story list.

    An article has one date line and one byline (under its headline); related lists and comment
    threads repeat headline, date or author, teaser. Clock-only times (live-blog entries) are
    TIME lines and do not count.
    """
    listing: set[int] = set()
    for kind in (DATE, BYLINE):
        marks = [index for index, line in enumerate(lines) if line.kind is kind]
        close = [(a, b) for a, b in itertools.pairwise(marks) if b - a <= LISTING_WINDOW]
        listing.update(index for pair in close for index in pair)
    return listing


_RUN_BREAKS = (STOP, COMMENTS)  # kinds a run never crosses


def find_body_span(lines: list[Line]) -> tuple[int, int] | None:
    """[start, end) of the heaviest run of lines, cut at footers, story lists and comments.

    A run never crosses a STOP line or a listing date. The article precedes its footer and
    comments, so once a heavy run has been closed by such a line, or left behind FAR_GAP lines
    of chrome, a later run must be CLOSED_FACTOR times heavier to replace it; after a
    comment-section heading nothing can. Long stretches of chrome lines cost more per line.
    """
    listing = listing_dates(lines)
    best: tuple[float, int, int] | None = None
    bar_for_new_run = 0.0
    total, start, gap = 0.0, 0, 0
    for index, line in enumerate(lines):
        if line.kind in _RUN_BREAKS or index in listing:
            if best is not None and best[0] >= MIN_BODY_UNITS and index - best[2] <= CLOSE_GAP:
                if line.kind is COMMENTS:
                    break
                bar_for_new_run = max(bar_for_new_run, best[0] * CLOSED_FACTOR)
            total, start = 0.0, index + 1
            continue
        if total <= 0:
            total, start = 0.0, index
            if best is not None and best[0] >= MIN_BODY_UNITS and index - best[2] > FAR_GAP:
                bar_for_new_run = max(bar_for_new_run, best[0] * CLOSED_FACTOR)
        weight = line_weight(line)
        gap = gap + 1 if weight < 0 else 0
        total += weight * (1 + GAP_GROWTH * (gap - 1)) if gap > 1 else weight
        growing_best = best is not None and best[1] == start
        if total > (best[0] if growing_best else max(bar_for_new_run, best[0] if best else 0.0)):
            best = (total, start, index + 1)
    return None if best is None else (best[1], best[2])


def adjust_body_start(lines: list[Line], span: tuple[int, int]) -> tuple[int, int]:
    """Move the body start past a standfirst or a question headline, or onto a live-blog entry.

    A prose line above the byline or date line is the standfirst (the deck under the headline),
    not the article. A short line right after a clock time opens a live-blog entry.
    """
    start, end = span
    lead = range(start, min(end, start + LEAD_WINDOW))
    header_lines = [i for i in lead if lines[i].kind in (BYLINE, DATE)]
    above = [] if not header_lines else lines[start : header_lines[-1]]
    if sum(line.kind is PROSE for line in above) == 1:
        after = range(header_lines[-1] + 1, end)
        start = next((i for i in after if lines[i].kind is PROSE), start)
    if start >= 2 and lines[start - 1].kind is SHORT and lines[start - 2].kind is TIME:
        start -= 1
    elif _is_question_headline(lines, start, end):
        start += 1
    return start, end


def _has_inner_sentence_end(text: str) -> bool:
    return any(mark in text for mark in (". ", "? ", "! ", "。", "\uff1f", "\uff01"))


def _is_question_headline(lines: list[Line], start: int, end: int) -> bool:
    """A one-sentence question opening the run, echoed by the lede, is the headline.

    Headlines like "Can the old mill turn again?" read as sentences, so the run starts on them.
    """
    first = lines[start]
    if first.kind is not PROSE or first.units > MAX_TITLE_UNITS or start + 1 >= end:
        return False
    text = first.text.rstrip(_CLOSERS)
    if not text.endswith(("?", "\uff1f")) or _has_inner_sentence_end(text[:-1]):
        return False
    lede = " ".join(line.text for line in lines[start + 1 : start + 3])
    return len(_title_terms(first.text) & _title_terms(lede)) >= MIN_SHARED_TERMS


_DROPPED_IN_BODY = frozenset((INSERT, CAPTION, BOILER, DATE, TIME, TRAILER, BYLINE))


def body_paragraphs(lines: list[Line], span: tuple[int, int]) -> list[str]:
    """The run's lines that are article text: inserts, captions and chrome lines removed.

    A related-stories box inside the story goes too: its heading and the short lines under it.
    """
    paragraphs: list[str] = []
    in_box = False
    for line in lines[span[0] : span[1]]:
        in_box = line.kind is TRAILER or (in_box and line.kind is not PROSE)
        if not in_box and line.kind not in _DROPPED_IN_BODY:
            paragraphs.append(line.text)
    return paragraphs


_HEADLINE_KINDS = frozenset((SHORT, PROSE))


def _headline_shaped(line: Line) -> bool:
    text = line.text
    return (
        line.kind in _HEADLINE_KINDS
        and MIN_TITLE_UNITS <= line.units <= MAX_TITLE_UNITS
        and not text.endswith((":", "."))
        and not _CRUMB_SEPARATOR.search(text)
    )


def _title_terms(text: str) -> set[str]:
    """Content words (4+ letters, lower-cased), or character pairs for unspaced CJK text."""
    if not text.isascii() and _CJK.search(text):  # isascii is O(1); CJK is not ASCII
        chars = _CJK.findall(text)
        return {a + b for a, b in itertools.pairwise(chars)}
    return set(_TERM.findall(text.lower()))


def find_title(lines: list[Line], body_start: int, body: str) -> str | None:
    """The headline: the line above the body sharing the most words with the story's opening.

    Headlines announce the lede; menus, bylines, captions and other stories' headlines share
    fewer of its words. Ties go to the line nearest the body; too little overlap, no headline.
    """
    opening: set[str] | None = None  # computed for the first line with enough terms
    window = lines[max(0, body_start - TITLE_LOOKBACK) : body_start]
    best: tuple[int, str] | None = None
    for line in reversed(window):
        terms = _title_terms(line.text) if _headline_shaped(line) else set()
        if len(terms) < MIN_SHARED_TERMS:
            continue  # cannot share enough
        if opening is None:
            opening = _title_terms(body[:TITLE_CONTEXT_CHARS])
        shared = len(terms & opening)
        if shared < MIN_SHARED_TERMS or shared < MIN_TITLE_OVERLAP * len(terms):
            continue
        if best is None or shared > best[0]:
            best = (shared, line.text)
    return None if best is None else best[1]


def brief_without_prose(lines: list[Line]) -> MainText:
    """A few lines and no sentence (a wire brief or results table): headline, then the rest.

    Dates and figures stay, as without prose they may be the story. A long dump without prose
    is all chrome, and its body is empty.
    """
    if not lines or len(lines) > MAX_BRIEF_LINES:
        return MainText(title=None, text="", source="no-prose")
    title = lines[0].text if len(lines) > 1 and _headline_shaped(lines[0]) else None
    kept = [
        line.text
        for line in lines[1 if title else 0 :]
        if line.kind not in (INSERT, BOILER, TRAILER, STOP, COMMENTS)
    ]
    return MainText(title=title, text="\n\n".join(kept), source="brief-without-prose")


def strip_chrome(text: str) -> MainText:
    """The article body of a plain-text page dump, with its headline when one stands out."""
    if not isinstance(text, str):
        return MainText(title=None, text="", source="not-text")
    lines = demote_repeated_prose(_classify_lines(split_lines(text)))
    lines = mark_announced_lists(lines)
    span = find_body_span(lines)
    if span is None:
        return brief_without_prose(lines)
    span = adjust_body_start(lines, span)
    body = "\n\n".join(body_paragraphs(lines, span))
    return MainText(title=find_title(lines, span[0], body), text=body, source="densest-prose-run")
