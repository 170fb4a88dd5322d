import pytest

from bench.corpora import CORPORA, read_cases
from worker.extract.language import Backend, detect_language


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The committee will publish its findings on Tuesday after months of hearings.", "en"),
        ("Le gouvernement présentera mardi son projet de loi sur les retraites.", "fr"),
        ("Die Regierung will das Gesetz noch vor der Sommerpause verabschieden.", "de"),
        ("北京时间昨天下午，国务院召开常务会议，研究部署有关工作。", "zh"),
        ("המשטרה פתחה בחקירה לאחר שהתקבלו תלונות רבות מתושבי השכונה.", "he"),
    ],
)
def test_common_languages_with_iso_codes(text: str, code: str) -> None:
    assert detect_language(text).code == code


@pytest.mark.parametrize("text", ["", "12 345 678 --- 2024", "OK", "€€€ $$$ ###", "4.5 %"])
def test_undetermined_without_enough_letters(text: str) -> None:
    guess = detect_language(text)
    assert guess.code == "und" and guess.confidence == 0.0


def test_repeatable_answers() -> None:
    ambiguous = "Banco central mantém taxa, diz o presidente do banco."
    assert len({detect_language(ambiguous) for _ in range(5)}) == 1


def test_fast_backend_gives_identical_answers_on_the_dev_split() -> None:
    """Parity guard for the optional langdetect-rs backend (same algorithm, same profiles)."""
    pytest.importorskip("langdetect_rs")
    if not CORPORA.exists():
        pytest.skip("shared corpora are absent")
    texts = [case["text"] for case in read_cases("lang")][::20]
    assert len(texts) > 1000

    def answers(backend: Backend) -> list[tuple[str, float]]:
        return [(g.code, g.confidence) for g in (detect_language(t, backend) for t in texts)]

    assert answers("langdetect-rs") == answers("langdetect")


def test_accuracy_is_not_below_langdetects_own_on_the_dev_split() -> None:
    """Reading only the first 1000 characters and answering `und` for letterless text must not
    cost accuracy against langdetect on the whole text (regression: a 12-letter `und` threshold
    lost 0.4 points on short sentences)."""
    pytest.importorskip("langdetect_rs")
    if not CORPORA.exists():
        pytest.skip("shared corpora are absent")
    from bench.quality_language import _langdetect_whole_text

    cases = list(read_cases("lang"))[::10]
    ours = sum(
        detect_language(c["text"], "langdetect-rs").code == c["expected_lang"] for c in cases
    )
    theirs = sum(_langdetect_whole_text(c["text"]) == c["expected_lang"] for c in cases)
    assert ours >= theirs
