"""The worker's settings: defaults, overridden by an optional TOML file, overridden by
`ARTICLE_WORKER_*` environment variables, overridden by command-line flags. Validated once, at
start, with errors a person can act on."""

import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args

from worker.extract.language import Backend
from worker.logs import LogFormat
from worker.pipeline import DEFAULT_MAX_RECORD_BYTES, PipelineOptions

ENV_PREFIX = "ARTICLE_WORKER_"
# The TOML file's path; a variable of its own because it says where settings are, not one of them.
CONFIG_ENV = ENV_PREFIX + "CONFIG"
# Printed instead of a secret's value: says it is set without saying anything about it.
SECRET_MASK = "********"

# The security protocols and SASL mechanisms Kafka clients name them (aiokafka takes the same).
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
TLS_PROTOCOLS = frozenset({"SSL", "SASL_SSL"})
SASL_PROTOCOLS = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    broker: str | None = None  # kafka://host:port[,host:port]; None starts the embedded broker
    raw_topic: str = "articles.raw"
    enriched_topic: str = "articles.enriched"
    dead_letter_topic: str = "articles.deadletter"
    group: str = "article-worker"  # the consumer group, and faust's app id
    partitions: int = 4  # only used when the worker creates the topics (embedded broker)
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    language_backend: Backend = "langdetect"
    # Tansu makes every group join wait half the session timeout; faust's 60 s default is too slow.
    session_timeout_s: float = 10.0
    log_level: str = "info"
    log_format: LogFormat = "text"  # or "json": one object per line, for log shippers
    # Real clusters: how to reach the brokers. The password comes from the environment or the
    # file (a Kubernetes Secret, a systemd EnvironmentFile), never a flag, which `ps` would show.
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism = "PLAIN"
    sasl_username: str | None = None
    sasl_password: str | None = field(default=None, repr=False, metadata={"secret": True})
    ssl_cafile: str | None = None  # None trusts the system's CAs
    ssl_certfile: str | None = None  # client certificate, for clusters that want mutual TLS
    ssl_keyfile: str | None = None  # its key, when not in the certificate file

    @property
    def pipeline(self) -> PipelineOptions:
        return PipelineOptions(
            max_record_bytes=self.max_record_bytes, language_backend=self.language_backend
        )

    @property
    def bootstrap_servers(self) -> str:
        """host:port list for aiokafka, from the kafka:// URL faust takes."""
        assert self.broker is not None
        return ",".join(
            server.strip().removeprefix("kafka://") for server in self.broker.split(",")
        )


def load_settings(
    overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Settings from the environment, then explicit overrides (flags); None means 'not given'."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for field in fields(Settings):
        raw = environ.get(ENV_PREFIX + field.name.upper())
        if raw is not None and raw != "":
            values[field.name] = _convert(field.name, raw)
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _convert(name, value) if isinstance(value, str) else value
    settings = replace(Settings(), **values)
    _validate(settings)
    return settings


def _convert(name: str, raw: str) -> Any:
    default = getattr(Settings(), name)
    kind = type(default) if default is not None else str
    try:
        return kind(raw)
    except ValueError:
        raise SettingsError(
            f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {kind.__name__}"
        ) from None


def _validate(settings: Settings) -> None:
    if settings.broker is not None and not all(
        server.strip().removeprefix("kafka://").rpartition(":")[2].isdigit()
        for server in settings.broker.split(",")
    ):
        raise SettingsError(
            f"broker {settings.broker!r} must look like kafka://HOST:PORT[,HOST:PORT]"
        )
    if settings.partitions < 1:
        raise SettingsError("partitions must be at least 1")
    if not 0 < settings.web_port < 65536:
        raise SettingsError(f"web_port {settings.web_port} is not a TCP port")
    if settings.max_record_bytes < 1024:
        raise SettingsError("max_record_bytes must be at least 1024")
    if settings.log_format not in get_args(LogFormat):
        raise SettingsError(f"log_format must be text or json, not {settings.log_format!r}")
    if settings.language_backend not in get_args(Backend):
        raise SettingsError(
            f"language_backend must be one of {', '.join(get_args(Backend))}, "
            f"not {settings.language_backend!r}"
        )
    topics = [settings.raw_topic, settings.enriched_topic, settings.dead_letter_topic]
    if len(set(topics)) != len(topics) or not all(topics):
        raise SettingsError(
            "the raw, enriched and dead-letter topics must be distinct and non-empty"
        )
