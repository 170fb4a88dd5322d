"""What can be checked of deploy/ without a container engine or a cluster: the files parse, the
pieces refer to each other consistently, every setting they set exists and validates, and every
command they run is one the CLI accepts."""

import http.server
import importlib.util
import json
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from worker.cli import build_parser
from worker.settings import CONFIG_ENV, ENV_PREFIX, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DEFAULTS = Settings()
TOPIC_SETTINGS = ("raw_topic", "enriched_topic", "dead_letter_topic")


def load_yaml(path: Path) -> list[dict[str, Any]]:
    yaml = pytest.importorskip("yaml")
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def settings_from_env(environ: dict[str, str], config_path: str | None = None) -> Settings:
    """The worker's settings from a deployment's variables: unknown names are mistakes."""
    known = {ENV_PREFIX + name.upper() for name in Settings.__dataclass_fields__} | {CONFIG_ENV}
    unknown = {name for name in environ if name.startswith(ENV_PREFIX)} - known
    assert not unknown, f"variables that are not settings: {sorted(unknown)}"
    return load_settings(environ=environ, config_path=config_path)


def topics_of(settings: Settings) -> set[str]:
    return {getattr(settings, name) for name in TOPIC_SETTINGS}


def dead_letter_fits(max_message_bytes: int) -> bool:
    """A dead letter carries the raw record base64-encoded: 4/3 of it, plus the JSON around it."""
    return max_message_bytes >= DEFAULTS.max_record_bytes * 4 // 3 + 64 * 1024


# Dockerfile


def dockerfile_stages(path: Path) -> list[list[tuple[str, str]]]:
    """(INSTRUCTION, arguments) per stage, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, arguments = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((instruction.upper(), arguments.strip()))
    return stages


@pytest.fixture(scope="module")
def worker_image() -> list[list[tuple[str, str]]]:
    return dockerfile_stages(DEPLOY / "Dockerfile")


def only(stage: list[tuple[str, str]], instruction: str) -> str:
    values = [arguments for name, arguments in stage if name == instruction]
    assert len(values) == 1, f"{instruction}: {values}"
    return values[0]


def test_image_is_multi_stage_slim_non_root_and_without_compilers(worker_image) -> None:
    build, runtime = worker_image
    assert "build-essential" in " ".join(arguments for _, arguments in build)
    base = re.search(r"ARG PYTHON_IMAGE=(\S+)", (DEPLOY / "Dockerfile").read_text())
    assert base is not None and "slim" in base.group(1)
    assert only(runtime, "FROM").startswith("${PYTHON_IMAGE}")
    runs = " ".join(arguments for name, arguments in runtime if name == "RUN")
    assert not re.search(r"apt-get install|build-essential|\bgcc\b|\bmake\b", runs)
    assert "--no-index" in runs and "from=build" in runs
    assert only(runtime, "USER") not in {"root", "0"}


def test_image_runs_the_cli_with_the_port_it_exposes(worker_image) -> None:
    runtime = worker_image[-1]
    command = json.loads(only(runtime, "ENTRYPOINT")) + json.loads(only(runtime, "CMD"))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts[command[0]] == "worker.cli:main"
    assert build_parser().parse_args(command[1:]).command == "run"
    assert only(runtime, "EXPOSE") == str(DEFAULTS.web_port)
    environ = dict(
        shlex.split(assignment)[0].split("=", 1)
        for name, assignment in runtime
        if name == "ENV" and assignment.startswith(ENV_PREFIX)
    )
    assert settings_from_env(environ).web_host == "0.0.0.0"


def test_image_is_built_from_files_the_build_context_sends(worker_image) -> None:
    sources = [
        source
        for name, arguments in worker_image[0]
        if name == "COPY"
        for source in arguments.split()[:-1]
    ]
    assert sources
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    for source in sources:
        assert (ROOT / source).exists(), source
        assert f"!{source}" in ignore or f"!{source}/" in ignore, source


class _Health(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        self.send_response(self.status if self.path == "/health" else 404)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[http.server.HTTPServer]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("status", "healthy"), [(200, True), (503, False)])
def test_image_healthcheck_asks_health_on_the_web_port(
    worker_image, health_server, status, healthy
) -> None:
    check = json.loads(only(worker_image[-1], "HEALTHCHECK").partition("CMD")[2])
    assert check[0] == "python"
    _Health.status = status
    port = str(health_server.server_address[1])
    ran = subprocess.run(
        [sys.executable, *check[1:]],
        env={"ARTICLE_WORKER_WEB_PORT": port},
        capture_output=True,
        timeout=10,
    )
    assert (ran.returncode == 0) is healthy


# docker-compose.yml


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    (document,) = load_yaml(DEPLOY / "docker-compose.yml")
    return document["services"]


def test_compose_runs_kafka_in_kraft_mode_and_creates_topics_before_two_workers(compose) -> None:
    kafka = compose["kafka"]["environment"]
    assert "controller" in kafka["KAFKA_PROCESS_ROLES"].split(",")
    assert not any("ZOOKEEPER" in name for name in kafka)
    assert compose["topics"]["depends_on"]["kafka"]["condition"] == "service_healthy"
    worker = compose["worker"]
    assert worker["deploy"]["replicas"] == 2
    assert worker["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    assert worker["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}


def test_compose_worker_settings_exist_and_match_the_topics_job(compose) -> None:
    environ = {name: str(value) for name, value in compose["worker"]["environment"].items()}
    settings = settings_from_env(environ)
    assert settings.web_host == "0.0.0.0"
    topics = compose["topics"]["environment"]
    assert set(topics["TOPICS"].split()) == topics_of(settings)
    assert topics["BOOTSTRAP"] == settings.bootstrap_servers
    assert f"INTERNAL://{settings.bootstrap_servers}" in compose["kafka"]["environment"][
        "KAFKA_ADVERTISED_LISTENERS"
    ].split(",")
    assert int(topics["PARTITIONS"]) >= compose["worker"]["deploy"]["replicas"]
    assert dead_letter_fits(int(topics["MAX_MESSAGE_BYTES"]))
    script = compose["topics"]["command"][0]
    assert "kafka-topics.sh" in script and "--create --if-not-exists" in script


def test_compose_search_profile_is_optional_and_uses_the_search_configs(compose) -> None:
    search = {name for name, service in compose.items() if "search" in service.get("profiles", [])}
    assert search == {"opensearch", "connect", "search-setup"}
    assert not any(
        set(compose[name].get("depends_on", {})) & search for name in compose.keys() - search
    )
    mounts = {
        volume.split(":")[0]: volume.split(":")[1] for volume in compose["search-setup"]["volumes"]
    }
    assert {"./search/opensearch-sink.json", "./search/index-template.json"} <= mounts.keys()
    environ = compose["search-setup"]["environment"]
    assert {environ["INDEX_TEMPLATE"], environ["SINK_CONNECTOR"]} <= set(mounts.values())
    for host_path in mounts:
        if not host_path.startswith("./search/"):  # written beside this by the search side
            assert (DEPLOY / host_path).is_file(), host_path
    connect = DEPLOY / compose["connect"]["build"]["context"]
    assert (connect / "Dockerfile").is_file()
    assert "plugin.path=/opt/connectors" in (connect / "connect-distributed.properties").read_text()


# Kubernetes


@pytest.fixture(scope="module")
def manifests() -> dict[str, dict[str, Any]]:
    kustomization = load_yaml(DEPLOY / "k8s" / "kustomization.yaml")[0]
    listed = set(kustomization["resources"])
    assert listed == {path.name for path in (DEPLOY / "k8s").glob("*.yaml")} - {
        "kustomization.yaml"
    }
    by_kind: dict[str, dict[str, Any]] = {}
    for name in listed:
        for document in load_yaml(DEPLOY / "k8s" / name):
            assert {"apiVersion", "kind", "metadata"} <= document.keys(), name
            assert document["kind"] not in by_kind
            by_kind[document["kind"]] = document
    assert by_kind.keys() == {"ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "Job"}
    return by_kind


def worker_container(manifests: dict[str, dict[str, Any]]) -> dict[str, Any]:
    (container,) = manifests["Deployment"]["spec"]["template"]["spec"]["containers"]
    return container


SECRET_VALUES = {"username": "article-worker", "password": "not-a-real-password"}


def resolved_env(container: dict[str, Any], secret: str) -> dict[str, str]:
    """The container's variables as the kubelet would set them, with stand-in secret values."""
    environ = {}
    for variable in container["env"]:
        if "value" in variable:
            environ[variable["name"]] = str(variable["value"])
        else:
            reference = variable["valueFrom"]["secretKeyRef"]
            assert reference["name"] == secret
            environ[variable["name"]] = SECRET_VALUES[reference["key"]]
    return environ


@pytest.fixture(scope="module")
def k8s_settings(manifests, tmp_path_factory) -> Settings:
    container = worker_container(manifests)
    environ = resolved_env(container, "article-worker-kafka")
    mount = next(m for m in container["volumeMounts"] if m["name"] == "config")["mountPath"]
    config_dir, _, config_key = environ[CONFIG_ENV].rpartition("/")
    assert config_dir == mount
    config = tmp_path_factory.mktemp("k8s") / config_key
    config.write_text(manifests["ConfigMap"]["data"][config_key])
    return settings_from_env({**environ, CONFIG_ENV: str(config)})


def test_k8s_worker_settings_come_from_the_configmap_and_the_secret(manifests, k8s_settings):
    assert k8s_settings.web_host == "0.0.0.0"
    assert k8s_settings.security_protocol == "SASL_SSL"
    assert k8s_settings.sasl_username == SECRET_VALUES["username"]
    assert k8s_settings.sasl_password == SECRET_VALUES["password"]
    volumes = manifests["Deployment"]["spec"]["template"]["spec"]["volumes"]
    config = next(volume for volume in volumes if volume["name"] == "config")
    assert config["configMap"]["name"] == manifests["ConfigMap"]["metadata"]["name"]


def test_k8s_probes_ask_health_and_ready_on_the_web_port(manifests, k8s_settings) -> None:
    container = worker_container(manifests)
    assert build_parser().parse_args(container["args"]).command == "run"
    (port,) = container["ports"]
    assert port["containerPort"] == k8s_settings.web_port
    probes = {
        kind: (container[kind]["httpGet"]["path"], container[kind]["httpGet"]["port"])
        for kind in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert probes == {
        "startupProbe": ("/health", port["name"]),
        "livenessProbe": ("/health", port["name"]),
        "readinessProbe": ("/ready", port["name"]),
    }
    assert {"cpu", "memory"} <= container["resources"]["requests"].keys()
    pod = manifests["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True


def test_k8s_service_and_disruption_budget_select_the_worker_pods(manifests) -> None:
    pod_labels = manifests["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert manifests["Deployment"]["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    service = manifests["Service"]["spec"]
    assert service["selector"].items() <= pod_labels.items()
    (port,) = service["ports"]
    assert port["targetPort"] == worker_container(manifests)["ports"][0]["name"]
    budget = manifests["PodDisruptionBudget"]["spec"]
    assert budget["selector"]["matchLabels"].items() <= pod_labels.items()
    assert budget["maxUnavailable"] < manifests["Deployment"]["spec"]["replicas"]


def test_k8s_topics_job_creates_the_workers_topics_on_the_same_cluster(manifests, k8s_settings):
    (container,) = manifests["Job"]["spec"]["template"]["spec"]["containers"]
    environ = resolved_env(container, "article-worker-kafka")
    assert set(environ["TOPICS"].split()) == topics_of(k8s_settings)
    assert environ["BOOTSTRAP"] == k8s_settings.bootstrap_servers
    assert environ["SECURITY_PROTOCOL"] == k8s_settings.security_protocol
    assert environ["SASL_MECHANISM"] == k8s_settings.sasl_mechanism
    assert int(environ["PARTITIONS"]) >= manifests["Deployment"]["spec"]["replicas"]
    assert dead_letter_fits(int(environ["MAX_MESSAGE_BYTES"]))
    assert "--create --if-not-exists" in container["args"][0]
    job_pod_labels = manifests["Job"]["spec"]["template"]["metadata"]["labels"]
    assert not manifests["Service"]["spec"]["selector"].items() <= job_pod_labels.items()


# systemd and the example file


def test_systemd_unit_runs_the_cli_with_a_config_file_and_no_root() -> None:
    unit: dict[str, str] = {}
    for line in (DEPLOY / "systemd" / "article-worker.service").read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            name, _, value = line.partition("=")
            unit[name] = value
    program, *arguments = shlex.split(unit["ExecStart"])
    assert Path(program).name == "article-worker"
    args = build_parser().parse_args(arguments)
    assert args.command == "run"
    assert args.config == "/etc/article-worker/article-worker.toml"
    assert unit["DynamicUser"] == "yes" and "User" not in unit
    assert unit["KillSignal"] == "SIGTERM"


def test_example_config_file_is_valid_for_a_sasl_cluster() -> None:
    settings = load_settings(
        environ={"ARTICLE_WORKER_SASL_PASSWORD": "not-a-real-password"},
        config_path=str(DEPLOY / "article-worker.example.toml"),
    )
    assert settings.security_protocol == "SASL_SSL"
    assert settings.broker is not None


# the compose search registration


def register_search() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "register_search", DEPLOY / "compose" / "register_search.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_search_registration_takes_either_connector_shape_and_template_kind() -> None:
    module = register_search()
    config = {"connector.class": "io.aiven.kafka.connect.opensearch.OpensearchSinkConnector"}
    assert module.connector_request({"name": "articles", "config": config}) == (
        "/connectors/articles/config",
        config,
    )
    bare = {**config, "name": "articles"}
    assert module.connector_request(bare) == ("/connectors/articles/config", bare)
    assert module.template_path({"index_patterns": ["a*"], "template": {}}).startswith(
        "/_index_template/"
    )
    assert module.template_path({"index_patterns": ["a*"], "mappings": {}}).startswith(
        "/_template/"
    )
