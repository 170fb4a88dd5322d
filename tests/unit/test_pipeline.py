"""The core end to end: bytes in, the enriched record or dead letter out."""

from typing import Any

import orjson
import pytest

import worker.pipeline
from tests.conftest import FIXTURES
from worker.failures import ErrorCode, Stage
from worker.pipeline import DeadLetter, Enriched, Outcome, process
from worker.records import KafkaOrigin, Received


def run(raw: dict[str, Any] | bytes, origin: KafkaOrigin | None = None) -> Outcome:
    value = raw if isinstance(raw, bytes) else orjson.dumps(raw)
    return process(Received(value=value, key=None, headers=(), origin=origin))


def enriched(raw: dict[str, Any]) -> dict[str, Any]:
    outcome = run(raw)
    assert isinstance(outcome, Enriched), outcome
    return outcome.article


def assert_matches_expected(article: dict[str, Any], expected: dict[str, Any]) -> None:
    assert article["language"] == expected["language"]
    if expected["dateline"] is None:
        assert article["dateline"] is None
    else:
        assert article["dateline"] is not None
        for name, value in expected["dateline"].items():
            assert article["dateline"][name] == value, name
    assert article["published_date"] == expected["published"]
    assert article["body"].startswith(expected["body_starts_with"])
    assert article["body"].endswith(expected["body_ends_with"])
    for chrome in expected["body_must_not_contain"]:
        assert chrome not in article["body"]


def test_seed_case_exactly(seed_case, enriched_schema) -> None:
    article = enriched(seed_case["raw"])
    enriched_schema.validate(article)
    assert_matches_expected(article, seed_case["expected"])
    assert article["dateline"]["location"] == "BEIRUT"
    assert article["published_date"] == "2018-07-06"  # not the crawl-day dates in the chrome
    assert article["body"].startswith("Rebels in Syria")
    assert article["body"].endswith("the statement said.")
    assert article["source"] is None


def test_every_stage_is_timed_outside_the_record(seed_case) -> None:
    outcome = run(seed_case["raw"])
    stages = ["decode", "main_text", "dateline", "language", "published_date", "encode"]
    assert list(outcome.stage_seconds) == stages
    assert all(seconds >= 0 for seconds in outcome.stage_seconds.values())
    assert b"stage" not in outcome.value
    rejected = run(b"[]")
    assert list(rejected.stage_seconds) == ["decode"]


def test_same_input_gives_identical_bytes(seed_case) -> None:
    origin = KafkaOrigin("articles.raw", 1, 7, 123)
    first, second = run(seed_case["raw"], origin), run(seed_case["raw"], origin)
    assert isinstance(first, Enriched) and isinstance(second, Enriched)
    assert first.value == second.value and first.key == second.key
    assert first.article["source"] == {"topic": "articles.raw", "partition": 1, "offset": 7}


HTML_PAGE = {
    "url": "https://www.Example-News.test/world/2023/11/02/harbour-closure?utm_source=x#top",
    "fetched_at": "2023-11-03T06:00:00Z",
    "html": """<html lang="en"><head><title>Harbour closed after storm | Example News</title>
    <meta property="article:published_time" content="2023-11-02T09:15:00Z"></head>
    <body><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
    <article><h1>Harbour closed after storm</h1>
    <p>VALLETTA (AP) — The main harbour stayed closed on Thursday after a storm tore two cranes
    from their rails and sank a pilot boat, the port authority said in a statement.</p>
    <p>Ferries to the northern islands were cancelled and cargo ships were told to wait offshore
    until divers had checked the channel for debris, a process expected to take two days.</p>
    <p>No one was hurt, but the authority said damage to the quay would run into millions.</p>
    </article><footer>Copyright 2023 Example News. Privacy. Terms.</footer></body></html>""",
}


def test_html_page(enriched_schema) -> None:
    article = enriched(HTML_PAGE)
    enriched_schema.validate(article)
    assert article["site"] == "example-news.test"
    assert article["title"] == "Harbour closed after storm"
    assert article["language"] == "en"
    assert article["dateline"]["location"] == "VALLETTA"
    assert article["dateline"]["agency"] == "AP"
    assert article["published_date"] == "2023-11-02"
    assert article["body"].startswith("The main harbour stayed closed")
    assert "Copyright" not in article["body"] and "Sport" not in article["body"]


def test_id_is_stable_across_cosmetic_url_changes() -> None:
    variant = dict(HTML_PAGE, url="https://example-news.test/world/2023/11/02/harbour-closure/")
    assert enriched(HTML_PAGE)["id"] == enriched(variant)["id"]
    assert enriched(dict(HTML_PAGE, id="crawler-7"))["id"] == "crawler-7"


def test_text_is_used_when_html_holds_no_article() -> None:
    raw = dict(HTML_PAGE, html="<html><body><nav><a href='/'>Home</a></nav></body></html>")
    raw["text"] = (
        "The council approved the new budget on Monday after a debate that lasted six hours. "
        "Spending on schools rises by four percent while road repairs are postponed to next year."
    )
    assert enriched(raw)["body"].startswith("The council approved the new budget")


def test_page_without_article_text_is_a_dead_letter(dead_letter_schema) -> None:
    outcome = run(
        {"url": "https://a.example/x", "html": "<html><body><script>x()</script></body></html>"}
    )
    assert isinstance(outcome, DeadLetter)
    assert outcome.error.code == ErrorCode.NO_TEXT
    dead_letter_schema.validate(orjson.loads(outcome.value))


def test_a_bug_in_a_step_becomes_extraction_failed(monkeypatch, dead_letter_schema) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(worker.pipeline, "split_dateline", broken)
    value = orjson.dumps(HTML_PAGE)
    outcome = run(value, KafkaOrigin("articles.raw", 0, 5, None))
    assert isinstance(outcome, DeadLetter)
    assert outcome.error.code == ErrorCode.EXTRACTION_FAILED
    assert outcome.error.stage == Stage.DATELINE
    assert "ZeroDivisionError: boom" in outcome.error.message
    letter = orjson.loads(outcome.value)
    dead_letter_schema.validate(letter)
    assert letter["source"]["offset"] == 5


DUMP_FIXTURES = sorted((FIXTURES / "dumps").glob("*.json"))


@pytest.mark.parametrize("path", DUMP_FIXTURES, ids=[p.stem for p in DUMP_FIXTURES])
def test_text_dump_fixtures_end_to_end(path, enriched_schema) -> None:
    case = orjson.loads(path.read_bytes())
    article = enriched(case["raw"])
    enriched_schema.validate(article)
    assert_matches_expected(article, case["expected"])
