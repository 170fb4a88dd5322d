"""Prometheus metrics of one worker process, in its own registry (tests run several apps)."""

import time
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from worker.pipeline import DeadLetter, Outcome
from worker.records import KafkaOrigin

# Per-record core time spans ~1 ms (a short text dump) to seconds (a huge page).
PROCESSING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# Produce-to-output latency includes queueing behind a backlog: up to minutes.
LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)

HighWater = Callable[[str, int], int | None]


class WorkerMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.consumed = Counter(
            "article_worker_records_consumed", "Raw records read", registry=self.registry
        )
        self.enriched = Counter(
            "article_worker_records_enriched", "Enriched records published", registry=self.registry
        )
        self.dead_letters = Counter(
            "article_worker_dead_letters",
            "Dead letters published, by error code",
            ["code"],
            registry=self.registry,
        )
        self.languages = Counter(
            "article_worker_languages",
            "Enriched records by detected language",
            ["language"],
            registry=self.registry,
        )
        self.step_seconds = Histogram(
            "article_worker_step_seconds",
            "Time per record in each step: process (the enrichment core) and publish",
            ["step"],
            buckets=PROCESSING_BUCKETS,
            registry=self.registry,
        )
        self.stage_seconds = Histogram(
            "article_worker_stage_seconds",
            "Time per record in each stage of the core (decode, main_text, dateline, language, "
            "published_date, encode)",
            ["stage"],
            buckets=PROCESSING_BUCKETS,
            registry=self.registry,
        )
        self.latency = Histogram(
            "article_worker_end_to_end_latency_seconds",
            "From the raw record's Kafka timestamp to its output being acknowledged",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.broker_connected = Gauge(
            "article_worker_broker_connected",
            "1 while the last publish to the broker succeeded",
            registry=self.registry,
        )
        self.next_offsets: dict[tuple[str, int], int] = {}
        self.consumed_count = 0
        self.dead_letter_count = 0

    def record_outcome(
        self, origin: KafkaOrigin, outcome: Outcome, process_s: float, publish_s: float
    ) -> None:
        self.consumed.inc()
        self.consumed_count += 1
        self.step_seconds.labels("process").observe(process_s)
        self.step_seconds.labels("publish").observe(publish_s)
        for stage, seconds in outcome.stage_seconds.items():
            self.stage_seconds.labels(stage).observe(seconds)
        if isinstance(outcome, DeadLetter):
            self.dead_letters.labels(str(outcome.error.code)).inc()
            self.dead_letter_count += 1
        else:
            self.enriched.inc()
            self.languages.labels(outcome.article["language"]).inc()
        if origin.timestamp_ms is not None:
            self.latency.observe(max(0.0, time.time() - origin.timestamp_ms / 1000))
        self.next_offsets[(origin.topic, origin.partition)] = origin.offset + 1

    def watch_lag(self, high_water: HighWater) -> None:
        self.registry.register(_LagCollector(self.next_offsets, high_water))

    def lag(self, high_water: HighWater) -> int:
        return sum(_lags(self.next_offsets, high_water).values())


def _lags(
    next_offsets: dict[tuple[str, int], int], high_water: HighWater
) -> dict[tuple[str, int], int]:
    lags = {}
    for (topic, partition), next_offset in list(next_offsets.items()):
        end = high_water(topic, partition)
        if end is not None:
            lags[(topic, partition)] = max(0, end - next_offset)
    return lags


class _LagCollector(Collector):
    """Lag is read at scrape time: records on the broker not yet processed, per partition."""

    def __init__(self, next_offsets: dict[tuple[str, int], int], high_water: HighWater) -> None:
        self.next_offsets = next_offsets
        self.high_water = high_water

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "article_worker_consumer_lag",
            "Raw records behind the partition's high-water mark",
            labels=["topic", "partition"],
        )
        for (topic, partition), lag in _lags(self.next_offsets, self.high_water).items():
            family.add_metric([topic, str(partition)], lag)
        yield family
