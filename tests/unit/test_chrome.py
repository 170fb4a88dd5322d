"""Chrome stripping of plain-text dumps: own fixtures, the seed, real pages, hostile input."""

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import corpora
from worker.extract import chrome
from worker.extract.chrome import (
    MAX_LINE_CHARS,
    Kind,
    classify_line,
    find_body_span,
    line_weight,
    split_lines,
    strip_chrome,
    wrap_width,
)
from worker.extract.main_text import MainText

FIXTURES = sorted((Path(__file__).parents[1] / "fixtures" / "dumps").glob("*.json"))
MAX_DATELINE_PREFIX = 80  # "НОВОСИБИРСК, 15 апреля. /ТАСС/. " and the like stay well below this


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _check_case(case: dict[str, Any], result: MainText) -> None:
    expected = case["expected"]
    body = result.text
    start = body.find(expected["body_starts_with"])
    assert start >= 0, body[:200]
    prefix = body[:start]
    if expected["dateline"] is None:
        assert prefix == ""
    else:
        assert len(prefix) <= MAX_DATELINE_PREFIX
        assert expected["dateline"]["location"] in prefix
    assert body.endswith(expected["body_ends_with"]), body[-200:]
    leaked = [s for s in expected["body_must_not_contain"] if s in body and s not in prefix]
    assert leaked == []


def test_fixture_set_covers_sites_and_languages() -> None:
    languages = {_load(path)["expected"]["language"] for path in FIXTURES}
    assert len(FIXTURES) >= 12
    assert len(languages) >= 8
    assert languages & {"ru", "ar", "zh"}


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_fixture_body(path: Path) -> None:
    case = _load(path)
    _check_case(case, strip_chrome(case["raw"]["text"]))


@pytest.mark.parametrize("path", FIXTURES, ids=[path.stem for path in FIXTURES])
def test_fixture_paragraphs_are_folded(path: Path) -> None:
    body = strip_chrome(_load(path)["raw"]["text"]).text
    for paragraph in body.split("\n\n"):
        assert paragraph == " ".join(paragraph.split())
        assert paragraph


@pytest.mark.parametrize(
    ("stem", "title"),
    [
        ("de_mehr_zum_thema_impressum", "Hamburger Hafen schlägt weniger Container um"),
        (
            "en_regional_cookie_breadcrumbs",
            "Town library reopens its doors eight months after flood",
        ),
        ("en_wire_trending", "Kenya's central bank holds key rate as shilling steadies"),
        ("pt_portal_leia_tambem", "Obras na Avenida Central de Curitiba devem terminar em junho"),
        ("zh_news_xiangguan_yuedu", "某市启动老旧小区改造计划 今年将惠及三万户居民"),
        ("ar_news_iqra_aydan", "افتتاح محطة جديدة للطاقة الشمسية في أسوان"),
    ],
)
def test_headline_is_the_line_announcing_the_lede(stem: str, title: str) -> None:
    case = _load(next(path for path in FIXTURES if path.stem == stem))
    assert strip_chrome(case["raw"]["text"]).title == title


def test_no_headline_when_nothing_above_shares_the_ledes_words() -> None:
    lede = "The harbour authority said on Monday that the northern quay would close for repairs."
    dump = "\n".join(["Home", "My Account", "Weather forecast", lede, lede + " It will reopen."])
    assert strip_chrome(dump).title is None


def test_seed_dump() -> None:
    seed = corpora.CORPORA / "seed" / "case.json"
    if not seed.exists():
        pytest.skip("shared corpora not available")
    case = _load(seed)
    result = strip_chrome(case["raw"]["text"])
    assert result.text.startswith("BEIRUT: Rebels in Syria’s battered south")
    assert result.text.endswith("the statement said.")
    _check_case(case, result)
    assert result.title is None
    assert result.source == "densest-prose-run"


def test_real_pages_as_dumps_beat_the_unstripped_floor() -> None:
    if not corpora.CORPORA.exists():
        pytest.skip("shared corpora not available")
    from bench.quality_dumps import html_to_dump
    from bench.scoring import page_precision_recall

    pairs = [
        (html_to_dump(case["html"]), case["expected_body"])
        for case in corpora.read_cases("extraction", 30)
    ]
    ours = [page_precision_recall(gold, strip_chrome(dump).text) for dump, gold in pairs]
    floor = [page_precision_recall(gold, dump) for dump, gold in pairs]
    mean_precision = sum(p for p, _ in ours) / len(ours)
    assert mean_precision > sum(p for p, _ in floor) / len(floor) + 0.15
    assert sum(r for _, r in ours) / len(ours) > 0.85


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Lire aussi : Les prix de l'alimentation bio reculent", Kind.INSERT),
        ("Advertisement", Kind.INSERT),
        ("Te puede interesar: Los precios del alquiler suben", Kind.INSERT),
        ("Mehr zum Thema", Kind.TRAILER),
        ("More From the Example Times", Kind.TRAILER),
        ("Über den Autor", Kind.TRAILER),
        ("Tags: politics, elections", Kind.STOP),
        ("Zum Inhalt springen", Kind.BOILER),
        ("Print", Kind.BOILER),
        ("Printemps des poètes", Kind.SHORT),
        ("— Jane Doe (@janedoe) March 3, 2025", Kind.SHORT),
        ("Wettbewerb 2020", Kind.SHORT),
        ("Похожие новости", Kind.TRAILER),
        ("12 Comments", Kind.COMMENTS),
        ("Reacties (4)", Kind.COMMENTS),
        ("© 2025 Example Media. All rights reserved.", Kind.STOP),
        ("Published in Dawn, July 6th, 2018", Kind.STOP),
        ("Copyright 2025 Example News Japan", Kind.STOP),
        ("© Bild: Werk/Jane Doe", Kind.CAPTION),
        ("Image 2 of 5", Kind.CAPTION),
        ("Rescuers search the rubble in the old town on Monday. Jane Doe/AFP", Kind.CAPTION),
        ("The company confirmed the inquiry when it was contacted by Reuters.", Kind.PROSE),
        (
            "(ANSA) - ROMA, 28 LUG - Sarà lui l'arbitro della partita di domani sera. (ANSA).",
            Kind.PROSE,
        ),
        ("(Image credit: Example Robotics Inc.)", Kind.CAPTION),
        ("Follow us on Twitter and Facebook for the latest updates.", Kind.BOILER),
        ("Updated 03 May, 2024", Kind.DATE),
        ("sexta-feira, 22 de outubro de 2010 às 20:13", Kind.DATE),
        ("2 days ago", Kind.DATE),
        ("09:41", Kind.TIME),
        ("Share on WhatsApp", Kind.BOILER),
        ("We use cookies to improve your experience. By continuing you accept them.", Kind.BOILER),
        ("Máquinas trabalham no trecho entre as ruas — Foto: Ana Souza", Kind.CAPTION),
        ("Par Claire Moreau", Kind.BYLINE),
        ("He declined to comment.", Kind.PROSE),
        ("记者从市住房和城乡建设局获悉，今年全市将启动一百二十个老旧小区改造项目。", Kind.PROSE),
        ("Under siege", Kind.SHORT),
        (
            "adote um amigo agua alerta ambiente amizade atendimento atirador bem-estar biblioteca "
            "caminhada campanha capacitação cidade",
            Kind.SHORT,
        ),
    ],
)
def test_classify_line(line: str, kind: Kind) -> None:
    assert classify_line(line).kind is kind


def test_a_line_judged_alone_counts_its_words_whatever_its_spacing() -> None:
    """Regression: classify_line counted spaces, as for folded lines, so "a  b" had 3 words."""
    assert classify_line("Under  siege").units == 2.0


def test_remembered_lines_get_the_kind_they_would_get_afresh() -> None:
    """Short lines are memoised across dumps; the memo must never change a line's kind."""
    long_prose = " ".join(
        ["The council voted on Tuesday to extend the harbour, after a debate."] * 3
    )
    lines = ["Home", "Share on WhatsApp", "Updated 03 May, 2024", "Par Claire Moreau", long_prose]
    assert len(long_prose) > chrome.MEMO_LINE_CHARS >= max(len(line) for line in lines[:-1])
    fresh = [classify_line(line) for line in lines]
    for _ in range(2):  # the second pass answers the short lines from the memo
        assert chrome._classify_lines(lines) == fresh


def test_comment_thread_longer_than_the_post_is_not_the_body() -> None:
    post = "The post itself is short but complete, with a few sentences of real content here."
    comment = "This is a long and thoughtful comment that goes on and on about the topic at hand."
    lines = [post, post, "Comments", *(["Alice on March 3, 2025 at 9:14 am said:", comment] * 20)]
    span = find_body_span([classify_line(line) for line in lines])
    assert span == (0, 2)


def test_listing_of_stories_after_the_body_is_cut() -> None:
    paragraph = (
        "The council voted on Tuesday to extend the scheme for another three years at least."
    )
    teaser = "A different story with its own teaser sentence that reads like perfectly good prose."
    lines = [paragraph] * 4 + ["Other headline", "03 May, 2024", teaser] * 5
    span = find_body_span([classify_line(line) for line in lines])
    assert span == (0, 4)


@pytest.mark.parametrize("width", [64, 72, 80])
def test_hard_wrapped_dump_gives_the_same_body(width: int) -> None:
    case = _load(next(path for path in FIXTURES if path.stem == "en_regional_cookie_breadcrumbs"))
    lines = case["raw"]["text"].split("\n")
    wrapped = "\n\n".join(textwrap.fill(line, width) for line in lines)
    assert wrap_width(wrapped.split("\n")) is not None
    assert strip_chrome(wrapped).text == strip_chrome(case["raw"]["text"]).text


def test_wire_copy_with_indented_paragraphs_is_rejoined() -> None:
    first = "    OSLO, March 3 - The ferry operator said on Monday it would add\n"
    first += "two night crossings to its winter timetable after strong demand\n"
    first += "from freight customers.\n"
    second = "    The company said bookings were up by a fifth on the year and\n"
    second += "that it expected the trend to continue into the spring season.\n"
    dump = "FERRY OPERATOR ADDS NIGHT CROSSINGS\n" + (first + second) * 3 + " Reuter\n"
    paragraphs = strip_chrome(dump).text.split("\n\n")
    assert paragraphs[0] == (
        "OSLO, March 3 - The ferry operator said on Monday it would add two night crossings "
        "to its winter timetable after strong demand from freight customers."
    )
    assert len(paragraphs) == 6
    assert strip_chrome(dump).title == "FERRY OPERATOR ADDS NIGHT CROSSINGS"


def test_list_announced_by_a_colon_stays_in_the_body() -> None:
    intro = "The band will play these dates on the tour, organisers said on Monday:"
    venues = [f"June {day} -- Example Arena, Example City" for day in range(1, 13)]
    dump = "\n".join(["Home", "Music", intro, *venues, "Most read", "Another story"])
    body = strip_chrome(dump).text.split("\n\n")
    assert body == [intro, *venues]


def test_related_box_inside_a_long_story_is_bridged_and_dropped() -> None:
    paragraph = (
        "The committee heard evidence for six hours on Tuesday, and its members said very "
        "little before the vote."
    )
    box = ["Related articles", "Another story about the committee", "A third story"]
    dump = "\n".join([paragraph] * 8 + box + [paragraph] * 12)
    assert strip_chrome(dump).text.split("\n\n") == [paragraph] * 20


@pytest.mark.parametrize(
    ("headline", "lede"),
    [
        (
            "Can the old mill on the river turn again?",
            "The old mill on the river has been silent since 1968, but its new owners want the "
            "wheel to turn again by next year, they said on Monday.",
        ),
        (
            "老旧小区改造能否按期完成？",
            "记者获悉，今年全市老旧小区改造项目将于四月开工，预计年底前全部完成。",
        ),
    ],
)
def test_question_headline_directly_above_the_lede_is_the_title(headline: str, lede: str) -> None:
    more = "A second paragraph follows here, with enough words in it to count as article prose."
    result = strip_chrome("\n".join(["Home", "News", headline, lede, more, more + " Again."]))
    assert result.title == headline
    assert result.text.startswith(lede)


def test_first_paragraph_of_several_questions_stays_in_the_body() -> None:
    lede = "Why do tides rise twice a day? And why are some tides higher than others?"
    more = "The answer lies in the pull of the Moon and the Sun, and in how the Earth turns."
    assert strip_chrome("\n".join([lede, more, more + " Tides follow."])).text.startswith(lede)


def test_site_blurb_after_long_chrome_does_not_beat_a_short_story() -> None:
    story = [
        "Two people were arrested in the town on Tuesday after police officers found what they "
        "described as an illegal gambling den behind a shop.",
        "Officers seized cash, playing cards and a roulette table during the raid, which followed "
        "weeks of complaints from neighbours about noise, police said.",
        "Both suspects were held for questioning overnight and are expected to appear before a "
        "judge later this week, according to a statement.",
    ]
    archive = [f"Archive page {number}" for number in range(40)]
    blurb = "This site is run by an independent publisher and covers local news and sport. " * 7
    lines = [classify_line(line) for line in [*story, *archive, blurb]]
    assert sum(line_weight(line) for line in lines[:3]) < line_weight(lines[-1])
    assert strip_chrome("\n".join([*story, *archive, blurb])).text.split("\n\n") == story


def test_thai_paragraphs_without_full_stops_are_prose() -> None:
    paragraphs = [
        "กรุงเทพมหานครประกาศแผนปรับปรุงระบบขนส่งสาธารณะใหม่ในปีนี้ โดยจะเพิ่มรถโดยสารไฟฟ้าอีกห้าร้อยคันภายในสิ้นปี",
        "ผู้ว่าราชการกล่าวว่าเส้นทางใหม่จะครอบคลุมชุมชนรอบนอกมากขึ้น "
        "และช่วยลดเวลาเดินทางของประชาชนในช่วงเช้าและช่วงเย็นของวันทำงาน",
        "ประชาชนสามารถติดตามรายละเอียดเส้นทางและตารางเวลาได้ทางเว็บไซต์ของหน่วยงาน "
        "ตั้งแต่เดือนหน้าเป็นต้นไป และสอบถามข้อมูลเพิ่มเติมได้ที่ศูนย์บริการ",
    ]
    dump = "\n".join(["หน้าแรก", "ข่าวการเมือง", "เศรษฐกิจ", "กีฬา", *paragraphs, "ข่าวที่เกี่ยวข้อง"])
    assert strip_chrome(dump).text.split("\n\n") == paragraphs


def test_listing_with_bylines_after_the_body_is_cut_after_its_first_item() -> None:
    paragraph = "The council voted on Tuesday to extend the scheme for three more years."
    teaser = "A different story with its own teaser sentence that reads like good prose."
    lines = [paragraph] * 4 + ["Science", "Other headline", teaser, "By Jane Doe"] * 4
    span = find_body_span([classify_line(line) for line in lines])
    assert span is not None
    assert span[0] == 0
    assert span[1] <= 7  # the first teaser may stay: its byline comes after it


def test_split_lines_folds_whitespace_and_drops_blank_lines() -> None:
    assert split_lines("  a\t b \r\n\n\u00a0\n c  ") == ["a b", "c"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t  ",
        "x" * 1_000_000,
        "word " * 1_000_000,
        "<div>" * 200_000 + "text" + "</div>" * 200_000,
        "\n" * 500_000,
        "Updated 03 May, 2024\n" * 100_000,
        "a. " * 2_000_000,
        "©" * 100_000,
        "\x00\ud7ff\ufffe" * 1000,
    ],
    ids=[
        "empty",
        "blank",
        "one-char-1MB",
        "one-line-5MB",
        "nested-html",
        "newlines",
        "dates",
        "dots-6MB",
        "copyright-signs",
        "odd-codepoints",
    ],
)
def test_pathological_input_does_not_raise(text: str) -> None:
    result = strip_chrome(text)
    assert isinstance(result, MainText)
    assert isinstance(result.text, str)
    assert len(result.text) <= len(text)


def test_huge_single_line_is_bounded_but_kept() -> None:
    sentence = "The river rose again overnight, and the town prepared for the worst. "
    result = strip_chrome(sentence * 80_000)
    assert result.text.startswith("The river rose again overnight")
    assert len(result.text) <= MAX_LINE_CHARS


def test_long_dump_without_prose_gives_empty_body() -> None:
    menu = "\n".join(["Home", "News", "Sport", "Weather", "Business", "Contact"] * 3)
    assert strip_chrome(menu) == MainText(None, "", "no-prose")


def test_brief_without_prose_keeps_its_lines() -> None:
    brief = "EXAMPLE CORP SETS QUARTERLY PAYOUT\n    OSLO, March 3 -\n    Qtly div 25 cts\n"
    brief += "    Pay April 30\n    Share this\n"
    result = strip_chrome(brief)
    assert result == MainText(
        "EXAMPLE CORP SETS QUARTERLY PAYOUT",
        "OSLO, March 3 -\n\nQtly div 25 cts\n\nPay April 30",
        "brief-without-prose",
    )


def test_non_text_input_gives_empty_body() -> None:
    assert strip_chrome(None).text == ""  # type: ignore[arg-type]


_DUMP_LINES = st.sampled_from(
    [
        "Home",
        "Related articles",
        "12 Comments",
        "Updated 03 May, 2024",
        "09:41",
        "By Jane Doe",
        "Advertisement",
        "© 2025 Example Media. All rights reserved.",
        "The tour dates:",
        "Can the old mill turn again?",
        "The council voted on Tuesday to extend the scheme for three more years.",
        "记者从市住房和城乡建设局获悉，今年全市将启动老旧小区改造项目。",
        "",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_DUMP_LINES, st.text(max_size=200)), max_size=60))
def test_any_mix_of_dump_lines_gives_folded_paragraphs(lines: list[str]) -> None:
    body = strip_chrome("\n".join(lines)).text
    if body:
        assert all(p == " ".join(p.split()) and p for p in body.split("\n\n"))


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_gives_a_main_text(text: str) -> None:
    body = strip_chrome(text).text
    if body:
        assert all(p == " ".join(p.split()) and p for p in body.split("\n\n"))


# --- pre-filters: a cheap test in front of a regex must accept every line the regex matches ----
_PHRASES = sorted(
    {
        *chrome._INSERT_PHRASES,
        *chrome._AD_LABELS,
        *chrome._COMMENTS_PHRASES,
        *chrome._COMMENTS_HEAD_WORDS,
        *chrome._STOP_PHRASES,
        *chrome._COPYRIGHT_MARKS,
        *chrome._TRAILER_HEAD_PHRASES,
        *chrome._TRAILER_START_PHRASES,
        *chrome._BOILER_PHRASES,
        *chrome._CAPTION_PHRASES,
        *chrome._GALLERY_WORDS,
        *chrome._BYLINE_PHRASES,
        *chrome._RIGHTS_PHRASES,
        *chrome._PROMO_PHRASES,
        *chrome._CREDIT_AGENCIES,
        *chrome._RELATIVE_STARTS,
    }
)


def _starts(test: int) -> Any:
    return lambda head: chrome._start_tests(head) & test


_PREFILTERED: list[tuple[str, Any, Any]] = [
    ("ad label", _starts(chrome._AD_TEST), lambda h: chrome._first_word(h) in chrome._AD_LABELS),
    ("insert", _starts(chrome._INSERT_TEST), chrome._INSERT_STARTS.match),
    ("comments", _starts(chrome._COMMENTS_TEST), chrome._COMMENTS_STARTS.match),
    ("comments head", _starts(chrome._COMMENTS_TEST), chrome._COMMENTS_HEAD.match),
    ("stop", _starts(chrome._STOP_TEST), chrome._STOP_STARTS.match),
    ("trailer head", _starts(chrome._TRAILER_TEST), chrome._TRAILER_HEADS.match),
    ("trailer start", _starts(chrome._TRAILER_TEST), chrome._TRAILER_STARTS.match),
    ("boiler", _starts(chrome._BOILER_TEST), chrome._BOILER_STARTS.match),
    (
        "caption",
        _starts(chrome._CAPTION_TEST),
        lambda h: chrome._CAPTION_STARTS.match(h.lstrip("([ ")),
    ),
    ("gallery", _starts(chrome._CAPTION_TEST), chrome._GALLERY_COUNTER.match),
    ("byline", _starts(chrome._BYLINE_TEST), chrome._BYLINE_STARTS.match),
    ("rights", chrome._may_reserve_rights, chrome._RIGHTS.search),
    ("promo", chrome._PROMO_KEYS.search, chrome._PROMO.search),
    ("credit", chrome._may_end_in_credit, chrome._CAPTION_ENDS.search),
    ("stamp", lambda t: t.endswith(chrome._STAMP_ENDS), chrome._COMMENT_STAMP.search),
    ("date hint", chrome._DIGIT.search, chrome._DATE_HINT.search),
    (
        "unmarked credit",
        lambda t: chrome._MARKS.search(t) or "via" in t,
        chrome._CAPTION_ENDS.search,
    ),
    ("unmarked stamp", chrome._MARKS.search, chrome._COMMENT_STAMP.search),
    (
        "unmarked relative",
        lambda t: chrome._MARKS.search(t) or "ago" in t,
        chrome._RELATIVE_TIME.search,
    ),
    ("unmarked hint", chrome._MARKS.search, chrome._DATE_HINT.search),
    ("unmarked teaser", chrome._MARKS.search, lambda t: t.endswith(("...", "…"))),
    ("unmarked sentence", chrome._MARKS.search, chrome._ends_sentence),
]


def test_every_phrase_passes_the_prefilters() -> None:
    assert all(len(key) >= 2 for key in chrome._LEAD_KEYS)  # a line's 2 first characters suffice
    for phrase in _PHRASES:
        lines = (phrase, f"{phrase}: x", f"([ 12 {phrase} (3) ]", f"photo: x / {phrase})).\n")
        for line in lines:
            missed = [name for name, test, regex in _PREFILTERED if regex(line) and not test(line)]
            assert missed == [], line


_AROUND = st.sampled_from(
    [
        "",
        " ",
        "(",
        "[ ",
        "12 ",
        "3 of 4",
        "© 2024 ",
        ": ",
        " / ",
        " said:",
        " via ",
        "...",
        "。",
        "»",
    ]
)


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_PHRASES), _AROUND, st.text(max_size=8), st.just("\n")),
        max_size=6,
    )
)
def test_prefilters_never_reject_a_match(pieces: list[str]) -> None:
    line = "".join(pieces)
    for candidate in (line, line.lower()):
        missed = [
            name for name, test, regex in _PREFILTERED if regex(candidate) and not test(candidate)
        ]
        assert missed == []


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab_1é中 .-\n\u0301"), max_size=40))
def test_terms_are_the_long_words(text: str) -> None:
    words = {word for word in chrome._WORD.findall(text) if len(word) >= chrome.MIN_TERM_CHARS}
    assert set(chrome._TERM.findall(text)) == words


_SPACES = "".join(chr(c) for c in range(0x3100) if chr(c).isspace())  # every whitespace kind


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(f"a.é中\u200b\xad{_SPACES}"), max_size=12) | st.text())
def test_folding_skips_only_folded_blocks(block: str) -> None:
    assert chrome._fold_whitespace(block) == " ".join(block.split())
