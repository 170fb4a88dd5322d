import gzip
import subprocess
import sys

import orjson

from worker.offline import enrich_file
from worker.pipeline import PipelineOptions

GOOD = {
    "url": "https://example.org/news/1",
    "text": "The city council approved the budget on Monday after a long debate. "
    "Schools get more money while road repairs wait until next year, officials said.",
}


def test_enriched_in_input_order_and_dead_letters_apart(tmp_path) -> None:
    source = tmp_path / "raw.jsonl.gz"
    lines = [
        orjson.dumps(dict(GOOD, id="first")),
        b"not json",
        b"",
        orjson.dumps(dict(GOOD, id="second")),
    ]
    source.write_bytes(gzip.compress(b"\n".join(lines) + b"\n"))
    output, letters = tmp_path / "out.jsonl", tmp_path / "dead.jsonl"
    summary = enrich_file(str(source), str(output), str(letters), PipelineOptions())
    assert summary.enriched == 2 and dict(summary.dead_letters) == {"not_json": 1}
    ids = [orjson.loads(line)["id"] for line in output.read_bytes().splitlines()]
    assert ids == ["first", "second"]
    [letter] = [orjson.loads(line) for line in letters.read_bytes().splitlines()]
    assert letter["error"]["code"] == "not_json"
    assert letter["source"] == {"file": str(source), "line": 2}


def test_zstd_input_is_read_as_json_lines(tmp_path) -> None:
    import zstandard

    source = tmp_path / "raw.jsonl.zst"
    source.write_bytes(zstandard.compress(orjson.dumps(dict(GOOD, id="zst")) + b"\n"))
    output = tmp_path / "out.jsonl"
    summary = enrich_file(str(source), str(output), str(tmp_path / "dead.jsonl"), PipelineOptions())
    assert summary.enriched == 1
    assert orjson.loads(output.read_bytes())["id"] == "zst"


def test_enrich_command_gives_the_same_record_as_the_core(seed_case) -> None:
    from worker.pipeline import Enriched, process
    from worker.records import Received

    raw = orjson.dumps(seed_case["raw"])
    done = subprocess.run(
        [sys.executable, "-m", "worker", "enrich"],
        input=raw + b"\n",
        capture_output=True,
        check=True,
    )
    expected = process(Received(value=raw, key=None, headers=(), origin=None))
    assert isinstance(expected, Enriched)
    assert done.stdout == expected.value + b"\n"
    assert b"1 enriched" in done.stderr
