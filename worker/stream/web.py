"""The worker's web port: /metrics for Prometheus, /health (the process is up) and /ready
(partitions are assigned and being consumed), for load balancers and Kubernetes probes."""

from typing import Any

import faust
from faust.web import Request, Response, View
from prometheus_client import generate_latest

from worker.stream.metrics import WorkerMetrics

# Prometheus' text format; aiohttp adds the charset itself and refuses one in the content type.
PROMETHEUS_TEXT = "text/plain; version=0.0.4"


def add_web_views(app: faust.App, metrics: WorkerMetrics) -> None:
    @app.page("/metrics")
    async def serve_metrics(view: View, request: Request) -> Response:
        exposition = generate_latest(metrics.registry).decode()
        return view.text(exposition, content_type=PROMETHEUS_TEXT)

    @app.page("/health")
    async def serve_health(view: View, request: Request) -> Response:
        return view.json({"status": "ok"})

    @app.page("/ready")
    async def serve_ready(view: View, request: Request) -> Response:
        state = readiness(app)
        return view.json(state, status=200 if state["ready"] else 503)


def readiness(app: faust.App) -> dict[str, Any]:
    assigned = sorted(f"{tp.topic}[{tp.partition}]" for tp in app.consumer.assignment())
    rebalancing = bool(app.rebalancing)
    return {
        "ready": bool(assigned) and not rebalancing,
        "assigned": assigned,
        "rebalancing": rebalancing,
    }
