"""The benchmark's framework rows swap the worker's core for a forwarder; a swap that silently
misses (the core's name changed) made them measure the full core instead."""

import pytest

import worker.stream.app
from bench.throughput_shell import InlineForwarder, use_core


def test_the_forwarder_replaces_the_core_the_app_builds(monkeypatch) -> None:
    monkeypatch.setattr(worker.stream.app, "CorePool", worker.stream.app.CorePool)  # restored
    use_core(InlineForwarder)
    assert worker.stream.app.CorePool is InlineForwarder


def test_a_swap_that_would_miss_fails_loudly(monkeypatch) -> None:
    def build_app_without_pool(settings: object) -> None:
        return None

    monkeypatch.setattr(worker.stream.app, "build_app", build_app_without_pool)
    with pytest.raises(RuntimeError, match="CorePool"):
        use_core(InlineForwarder)
