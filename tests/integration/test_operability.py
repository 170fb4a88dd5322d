"""What an operator watches: /ready flips once partitions are assigned, /metrics counts what
the worker did, JSON logs are one object per line."""

import asyncio
import time
import urllib.error
import urllib.request
from collections import Counter

import orjson
import pytest

from tests.unit.test_pipeline import HTML_PAGE
from worker.demo import bad_payloads
from worker.stream.probe import RawMessage, produce, read_until

pytestmark = pytest.mark.broker
STARTUP_TIMEOUT_S = 60.0


def http_get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


async def poll(url: str, until_status: int) -> list[int]:
    """Statuses seen (connection refused = 0) until `until_status` answers."""
    seen: list[int] = []
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            status, _ = await asyncio.to_thread(http_get, url)
        except OSError:
            status = 0
        seen.append(status)
        if status == until_status:
            return seen
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url} never answered {until_status}: {Counter(seen)}")


def metric_samples(exposition: bytes) -> dict[str, float]:
    samples = {}
    for line in exposition.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


async def test_ready_flips_and_metrics_count_what_was_done(broker, topics, start_worker) -> None:
    worker = start_worker(["--log-format", "json"])
    base = f"http://127.0.0.1:{worker.web_port}"
    seen = await poll(f"{base}/ready", until_status=200)
    assert 503 in seen, f"/ready must refuse before partitions are assigned: {seen}"
    assert http_get(f"{base}/health")[0] == 200

    bad = bad_payloads(4 * 1024 * 1024)[:5]
    sent = [RawMessage(orjson.dumps(HTML_PAGE), b"good")] + [message for _, message in bad]
    await produce(broker.bootstrap, topics.raw, sent)
    await read_until(broker.bootstrap, [topics.enriched, topics.dead_letter], len(sent), 60)

    samples = metric_samples(http_get(f"{base}/metrics")[1])
    assert samples["article_worker_records_consumed_total"] == len(sent)
    assert samples["article_worker_records_enriched_total"] == 1
    assert samples['article_worker_languages_total{language="en"}'] == 1
    for code, count in Counter(code for code, _ in bad).items():
        assert samples[f'article_worker_dead_letters_total{{code="{code}"}}'] == count
    assert samples['article_worker_step_seconds_count{step="process"}'] == len(sent)
    assert samples['article_worker_stage_seconds_count{stage="decode"}'] == len(sent)
    assert samples['article_worker_stage_seconds_count{stage="main_text"}'] == 1
    assert samples["article_worker_broker_connected"] == 1
    assert worker.stop() == 0

    lines = [line for line in worker.log_path.read_bytes().splitlines() if line.startswith(b"{")]
    events = [orjson.loads(line) for line in lines]
    dead = [e for e in events if e["event"].startswith("dead letter")]
    assert len(dead) == len(bad)
    assert {(e["topic"], e["code"]) for e in dead} == {(topics.raw, code) for code, _ in bad}
    assert all({"timestamp", "level", "logger"} <= set(e) for e in events)
