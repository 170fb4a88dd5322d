"""Dateline detection: every briefed style, look-alike labels, chrome before it, hostile input."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import corpora
from bench.quality_dateline import lookalike_cases
from worker.extract.dateline import _HEAD_RE, _SEPARATOR_AHEAD_RE, Dateline, split_dateline

# (text, location, agency, date_text, body after removal): invented sentences, one per style.
STYLES = [
    (
        "BEIRUT: Rebels in Syria\u2019s battered south have agreed to a ceasefire deal.",
        "BEIRUT",
        None,
        None,
        "Rebels in",
    ),
    (
        "LONDON, March 3 (Reuters) - British factory output rose last month.",
        "LONDON",
        "Reuters",
        "March 3",
        "British",
    ),
    (
        "JERUSALEM/CAIRO (Reuters) - Israel and Egypt held talks on Sunday.",
        "JERUSALEM/CAIRO",
        "Reuters",
        None,
        "Israel",
    ),
    (
        "BILLINGS, Mont. (AP) — A wildfire near the town grew overnight.",
        "BILLINGS, Mont.",
        "AP",
        None,
        "A wildfire",
    ),
    (
        "Lausanne (AFP) \u2013 The court of arbitration ruled on Friday.",
        "Lausanne",
        "AFP",
        None,
        "The",
    ),
    (
        "WASHINGTON (UPI) -- The Senate passed the bill late Tuesday.",
        "WASHINGTON",
        "UPI",
        None,
        "The",
    ),
    (
        "Karachi, July 5: The provincial government announced a plan.",
        "Karachi",
        None,
        "July 5",
        "The",
    ),
    (
        "THE HAGUE — Judges at the international court opened hearings on Monday in a case.",
        "THE HAGUE",
        None,
        None,
        "Judges",
    ),
    ("(ANSA) - ROMA, 29 APR - Il governo ha approvato il decreto.", "ROMA", "ANSA", "29 APR", "Il"),
    (
        "MOSCÚ, 3 mar (EFE) - El Gobierno ruso anunció hoy nuevas medidas.",
        "MOSCÚ",
        "EFE",
        "3 mar",
        "El",
    ),
    ("İSTANBUL (AA) - Kentte yeni bir rekor kirildi bu hafta.", "İSTANBUL", "AA", None, "Kentte"),
    (
        "NEW YORK, Feb 26 - Moody's said it lowered the ratings.",
        "NEW YORK",
        None,
        "Feb 26",
        "Moody's",
    ),
    (
        "TOKYO - The Bank of Japan intervened in early afternoon trading to support the dollar.",
        "TOKYO",
        None,
        None,
        "The Bank",
    ),
    (
        "ST JOSEPH, Mo., March 2 - The board raised the dividend.",
        "ST JOSEPH, Mo.",
        None,
        "March 2",
        "The",
    ),
    (
        "SÃO PAULO (Reuters) - Brazil's central bank held rates.",
        "SÃO PAULO",
        "Reuters",
        None,
        "Brazil's",
    ),
    (
        "MÉXICO, 12 de marzo (EFE) - El presidente dijo hoy que sí.",
        "MÉXICO",
        "EFE",
        "12 de marzo",
        "El",
    ),
    ("BERLIN, 3. März (dpa) - Die Regierung hat beschlossen.", "BERLIN", "dpa", "3. März", "Die"),
    (
        "NEW DELHI, Oct 5 (IANS) The government announced a scheme.",
        "NEW DELHI",
        "IANS",
        "Oct 5",
        "The",
    ),
    (
        "New Delhi, March 3, 2024: The court said that it would rule.",
        "New Delhi",
        None,
        "March 3, 2024",
        "The",
    ),
    (
        "CHICAGO, April - Labor officials expect healthy job growth.",
        "CHICAGO",
        None,
        "April",
        "Labor",
    ),
    ("Caracas, march 4 - venezuela's oil output rose.", "Caracas", None, "march 4", "venezuela's"),
    ("ATLANTA, Apri 1 - Digital Communications said it won.", "ATLANTA", None, "Apri 1", "Digital"),
    ("Madrid, 19 nov (EFE).- El Gobierno aprobó hoy un plan.", "Madrid", "EFE", "19 nov", "El"),
    ("Düsseldorf (dpa/lnw) - Die Regierung hat beschlossen.", "Düsseldorf", "dpa/lnw", None, "Die"),
    (
        "BEIJING, Nov. 19 (Xinhua) -- China said on Tuesday.",
        "BEIJING",
        "Xinhua",
        "Nov. 19",
        "China",
    ),
    ("Paris (AFP)\u00a0- Le gouvernement a annoncé mardi.", "Paris", "AFP", None, "Le"),
    (
        "HONG KONG (CNN Business) A muddled view of trade talks.",
        "HONG KONG",
        "CNN Business",
        None,
        "A",
    ),
    (
        "WASHINGTON (CNN)The Senate voted on Tuesday to advance it.",
        "WASHINGTON",
        "CNN",
        None,
        "The",
    ),
    (
        "CIUDAD DE MÉXICO.- El presidente dijo hoy que no habrá cambios.",
        "CIUDAD DE MÉXICO",
        None,
        None,
        "El",
    ),
    (
        "Dekalb, Ill. \u2014 Mike Glass threw for three touchdowns and ran for another one.",
        "Dekalb, Ill.",
        None,
        None,
        "Mike",
    ),
    (
        "JAKARTA, KOMPAS.com - Menteri Perhubungan mengatakan.",
        "JAKARTA",
        "KOMPAS.com",
        None,
        "Menteri",
    ),
    ("ALBANY, NY (NEWS10) \u2014 The basketball teams spent.", "ALBANY, NY", "NEWS10", None, "The"),
    ("NEW YORK, Mrach 3 - Exxon Corp said it cut prices.", "NEW YORK", None, "Mrach 3", "Exxon"),
    (
        "NEW YORK, March 3, 2024 /PRNewswire/ -- Acme Corp. today announced a deal.",
        "NEW YORK",
        "PRNewswire",
        "March 3, 2024",
        "Acme",
    ),
    (
        "SAN FRANCISCO--(BUSINESS WIRE)--Acme Inc. (NASDAQ: ACME) today announced results.",
        "SAN FRANCISCO",
        "BUSINESS WIRE",
        None,
        "Acme",
    ),
    ("HOUSTON, Febuary 26 - Shell said it raised prices.", "HOUSTON", None, "Febuary 26", "Shell"),
    (
        "Rio de janeiro, march 4 - brazil's coffee exports.",
        "Rio de janeiro",
        None,
        "march 4",
        "brazil's",
    ),
]


@pytest.mark.parametrize(("text", "location", "agency", "date_text", "body_start"), STYLES)
def test_each_dateline_style_is_found_and_removed(
    text: str, location: str, agency: str | None, date_text: str | None, body_start: str
) -> None:
    dateline, body = split_dateline(text)
    assert dateline == Dateline(location, agency, date_text, text[: len(text) - len(body)])
    assert body.startswith(body_start)
    assert dateline.raw + body == text


def test_seed_beirut() -> None:
    dateline, body = split_dateline(
        "BEIRUT: Rebels in Syria\u2019s battered south have agreed to talks."
    )
    assert dateline is not None
    assert (dateline.location, dateline.agency, dateline.date_text) == ("BEIRUT", None, None)
    assert body.startswith("Rebels in Syria")


def test_dateline_after_headline_byline_and_date_lines_keeps_those_lines() -> None:
    text = (
        "Storm batters the coast\n\nBy Jane Doe\n\nMarch 3, 2024\n\n"
        "MIAMI (AP) — A powerful storm battered the coast on Sunday.\n\nMore text."
    )
    dateline, body = split_dateline(text)
    assert dateline is not None
    assert (dateline.location, dateline.agency) == ("MIAMI", "AP")
    assert body == (
        "Storm batters the coast\n\nBy Jane Doe\n\nMarch 3, 2024\n\n"
        "A powerful storm battered the coast on Sunday.\n\nMore text."
    )


def test_wire_title_line_with_dash_does_not_hide_the_dated_dateline() -> None:
    text = (
        "STEEL EXCHANGES - RATE CALCULATION\n"
        "    LONDON, April 7 - The following rates were set\nby the exchange today.\n"
    )
    dateline, body = split_dateline(text)
    assert dateline is not None
    assert (dateline.location, dateline.date_text) == ("LONDON", "April 7")
    assert body.startswith("STEEL EXCHANGES - RATE CALCULATION\n    The following")


def test_dateline_as_its_own_paragraph_takes_the_blank_line_with_it() -> None:
    text = "Headline\n\nWASHINGTON \u2014\n\nThis is not the welcome the senator had expected.\n"
    dateline, body = split_dateline(text)
    assert dateline is not None
    assert dateline.raw == "WASHINGTON \u2014\n\n"
    assert body == "Headline\n\nThis is not the welcome the senator had expected.\n"


def test_noisy_wire_prefix_is_part_of_raw() -> None:
    dateline, body = split_dateline("HEADLINE\n    ****RIO DE JANEIRO, March 5 - Brazil said.")
    assert dateline is not None
    assert dateline.location == "RIO DE JANEIRO"
    assert dateline.raw == "****RIO DE JANEIRO, March 5 - "
    assert body == "HEADLINE\n    Brazil said."


@pytest.mark.parametrize(
    "text",
    [
        "UPDATE: The company said profits rose sharply in the third quarter of the year.",
        "UPDATE 2-Oil prices fall as supply grows",
        "EXCLUSIVE: Inside the deal that nobody saw coming in the capital this week.",
        "FILE PHOTO: A man walks past the central bank building in London on Monday.",
        "EDITOR'S NOTE: This story has been updated to correct the name of the city.",
        "ANALYSIS-China's economy slows as exports fall",
        "AP FACT CHECK: Trump's claims about the economy do not hold up to scrutiny.",
        "WATCH: The moment a bear walks into a store and helps itself to the candy.",
        "BREAKING: Explosion reported downtown near the station, police said on Monday.",
        "OPINION: Why we need better schools in every town and city across the land.",
        "Q&A: What you need to know about the vote on Sunday and what comes next.",
        "Note: This article was updated on Monday with comments from the ministry.",
        "The minister said: we will not back down on this issue, whatever happens.",
        "NYSE INDEX AT 1530",
        "******MAY DEPARTMENT STORES SEES HIGHER PROFIT\nBlah blah blah.",
        "Obama — The Man Who Would Be King",
        "TRUMP: I will not resign",
        "CORRECTION - ASHTON-TATE ITEM\n    In Torrance item please read 24.7 mln.",
        "BANGKOK TAPIOCA - APRIL 7 Thai pellets sold at 255 marks a tonne.",
        "Published: March 3, 2024",
        "",
        "Monday, March 3, 2024 - The government said it would raise taxes on fuel.",
        "Prices rose sharply, March 3 - the government said it would raise taxes.",
        "Associated Press (AP) \u2014 The government said on Monday it would raise taxes.",
        "Getty Images (Getty) - The government said on Monday it would raise taxes.",
        "Joe Biden \u2014 The government said on Monday it would raise taxes on fuel next year.",
        "Earlier \u2014 The government said on Monday it would raise taxes on fuel next year.",
        "CNN: The government said on Monday it would raise taxes on fuel next year.",
        "CRLF: Kombinasjon av de over valgfritt tegn, se URL til et av de andre valgene.",
        "RÉPONSE : Selon le ministre, tout le monde prend le départ au même moment.",
        "Morganti (Istruzione): No alle telecamere nelle scuole, ha detto oggi.",
        "A SIC- Imobprest ingatlanközvetítő ügyvezetője leszögezte, az ingatlan.",
        "TRIBUNNEWS.COM - Berikut ini jawaban soal apa dampak negatif jika kita menunda.",
        "Apple (AAPL) CEO Tim Cook said on Tuesday that the company would invest more.",
        "Tesla (TSLA) Q3 Earnings: What to Expect From the Carmaker This Week",
    ],
)
def test_lookalike_labels_give_no_dateline(text: str) -> None:
    assert split_dateline(text) == (None, text)


def test_transcript_speaker_turns_are_not_datelines() -> None:
    text = (
        "MARTIN: Good morning, everyone, and welcome to the show, we have a lot to cover.\n\n"
        "INSKEEP: Thanks, it is great to be here with you all this morning, as always."
    )
    assert split_dateline(text) == (None, text)


def test_single_caps_colon_dateline_is_kept_without_speaker_turns() -> None:
    text = "KARACHI: The provincial government said on Monday it would open new schools.\n\nMore."
    dateline, body = split_dateline(text)
    assert dateline is not None and dateline.location == "KARACHI"
    assert body.startswith("The provincial")


def test_benchmark_lookalike_set_has_no_false_positive() -> None:
    found = [text for text in lookalike_cases() if split_dateline(text)[0] is not None]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "A" * 1_000_000,
        "BEIRUT" + " -" * 500_000,
        "x" * 5_000_000,
        "LONDON, " + "March " * 200_000,
        "(" * 1_000_000,
        "\n" * 1_000_000,
        "a:" * 1_000_000,
    ],
)
def test_pathological_input_gives_no_dateline(text: str) -> None:
    dateline, body = split_dateline(text)
    assert dateline is None
    assert body is text


def test_dateline_before_a_huge_single_line_body() -> None:
    text = "TOKYO - The Bank of Japan intervened in the market " + "again " * 1_000_000
    dateline, body = split_dateline(text)
    assert dateline is not None and dateline.location == "TOKYO"
    assert body == text[len("TOKYO - ") :]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_and_only_removes_the_raw_prefix(text: str) -> None:
    dateline, body = split_dateline(text)
    if dateline is None:
        assert body == text
    else:
        assert len(body) == len(text) - len(dateline.raw)
        assert dateline.raw in text


def test_reuters_dev_cases_match_their_labels() -> None:
    if not corpora.CORPORA.exists():
        pytest.skip("shared corpora not available")
    cases = list(corpora.read_cases("dateline", limit=400))
    hits = 0
    false_positives = 0
    positives = [case for case in cases if case["expected_dateline"] is not None]
    for case in cases:
        dateline, _ = split_dateline(case["text"])
        expected = case["expected_dateline"]
        if expected is None:
            false_positives += dateline is not None
        elif dateline is not None:
            hits += (dateline.location, dateline.date_text) == (
                expected["location"],
                expected["date_text"],
            )
    assert hits >= 0.99 * len(positives)
    assert false_positives <= 0.01 * (len(cases) - len(positives))


@pytest.mark.parametrize(
    ("body", "location", "agency", "date_text"),
    [
        (
            "МОСКВА, 3 марта. /ТАСС/. Правительство одобрило законопроект о малом бизнесе.",
            "МОСКВА",
            "ТАСС",
            "3 марта",
        ),
        (
            "MOSCOW, March 3. /TASS/. The government approved a bill on small business.",
            "MOSCOW",
            "TASS",
            "March 3",
        ),
    ],
)
def test_tass_style_slashed_agency_after_the_date(body, location, agency, date_text) -> None:
    """Regression: a full stop after "/TASS/" was not a separator, so these had no dateline."""
    dateline, rest = split_dateline(body)
    assert dateline is not None
    assert (dateline.location, dateline.agency, dateline.date_text) == (location, agency, date_text)
    assert rest.startswith(body[len(dateline.raw) :]) and not rest.startswith("/")


HEAD_PIECES = st.sampled_from(
    [*"aB \n\t-\u2013\u2014:)/(.,\u00a0", "LONDON", "(Reuters) ", "y" * 60]
)


@given(st.lists(HEAD_PIECES, max_size=40).map("".join))
def test_lines_without_a_separator_mark_ahead_have_no_head(text: str) -> None:
    if _SEPARATOR_AHEAD_RE.match(text) is None:
        assert _HEAD_RE.match(text) is None


def test_a_separator_after_long_spaces_is_still_ahead() -> None:
    text = "y" * 120 + " " * 5 + "- the story"
    assert _HEAD_RE.match(text) is not None
    assert _SEPARATOR_AHEAD_RE.match(text) is not None
