"""Registers the search side of the compose deployment once OpenSearch and Kafka Connect answer:
the index template first, so the connector's first write creates a mapped index, then the sink
connector. Both requests are PUTs, so running it again updates rather than fails.

Runs in the worker image (the only one in the stack with Python); standard library only.
"""

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

# Connect takes a while to load its plugins after the container starts; give it two minutes.
WAIT_S = 120.0
RETRY_S = 3.0
TEMPLATE_NAME = "articles"
# Connect answers 409 while its workers rebalance, which they do right after start.
RETRYABLE = {409}


def template_path(template: dict[str, Any]) -> str:
    """Composable templates wrap settings and mappings in `template`; legacy ones do not."""
    return (
        f"/_index_template/{TEMPLATE_NAME}"
        if "template" in template
        else f"/_template/{TEMPLATE_NAME}"
    )


def connector_request(connector: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Accepts both shapes Connect documents: {"name", "config"} for POST, or the bare config."""
    config = connector.get("config", connector)
    name = connector.get("name") or config["name"]
    return f"/connectors/{name}/config", config


def put(url: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    deadline = time.monotonic() + WAIT_S
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                print(f"PUT {url}: {response.status}", flush=True)
                return
        except urllib.error.HTTPError as error:
            if error.code not in RETRYABLE and error.code < 500:
                raise SystemExit(f"PUT {url}: {error.code} {error.read().decode()[:500]}") from None
            failure: Exception = error
        except OSError as error:
            failure = error
        if time.monotonic() > deadline:
            raise SystemExit(f"PUT {url}: gave up after {WAIT_S:.0f} s: {failure}")
        time.sleep(RETRY_S)


def main() -> None:
    template = json.loads(Path(os.environ["INDEX_TEMPLATE"]).read_text())
    put(os.environ["OPENSEARCH_URL"] + template_path(template), template)
    path, config = connector_request(json.loads(Path(os.environ["SINK_CONNECTOR"]).read_text()))
    put(os.environ["CONNECT_URL"] + path, config)


if __name__ == "__main__":
    main()
