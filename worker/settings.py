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
DEFAULT_RECORD_TIMEOUT_S = 5.0
# Past this a record holds its partition (and the lag behind it) for minutes.
MAX_RECORD_TIMEOUT_S = 300.0
# More core processes than this is a typo: scale further with worker processes and partitions.
MAX_CORE_PROCESSES = 64
# The TOML file's path; a variable of its own because it says where settings are, not one of them.
CONFIG_ENV = ENV_PREFIX + "CONFIG"
# Printed instead of a secret's value: says it is set without saying anything about it.
SECRET_MASK = "********"
# What a TOML value of each setting type is called in an error message.
TOML_KINDS = {str: "a string", int: "an integer", float: "a number", bool: "true or false"}

# The security protocols and SASL mechanisms Kafka clients name them (aiokafka takes the same).
SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
TLS_PROTOCOLS = frozenset({"SSL", "SASL_SSL"})
SASL_PROTOCOLS = frozenset({"SASL_PLAINTEXT", "SASL_SSL"})


BOOLEAN_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


class SettingsError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class Settings:
    broker: str | None = None  # kafka://host:port[,host:port]; None starts the embedded broker
    raw_topic: str = "articles.raw"
    enriched_topic: str = "articles.enriched"
    dead_letter_topic: str = "articles.deadletter"
    # Also write each enriched record to `<enriched_topic>.<language>`, for per-language indexes.
    route_by_language: bool = False
    group: str = "article-worker"  # the consumer group, and faust's app id
    partitions: int = 4  # only used when the worker creates the topics (embedded broker)
    web_host: str = "127.0.0.1"
    web_port: int = 6066
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
    language_backend: Backend = "langdetect"
    # Tansu makes every group join wait half the session timeout; faust's 60 s default is too slow.
    session_timeout_s: float = 10.0
    # Most articles take milliseconds; the slowest real pages we measured take about a second.
    record_timeout_s: float = DEFAULT_RECORD_TIMEOUT_S
    # Processes running the core for this worker: one per core it may use (a partition's
    # records still come out in order). Each holds its own models and buffers: ~60 MB measured.
    core_processes: int = 1
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
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: str | None = None,
) -> Settings:
    """Settings from the TOML file, then the environment, then explicit overrides (flags);
    None means 'not given'."""
    return resolve_settings(overrides, environ, config_path)[0]


def resolve_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_path: str | None = None,
) -> tuple[Settings, dict[str, str]]:
    """The settings, and where each value not left at its default came from: an operator
    asking 'why this value?' gets the answer, not a precedence puzzle."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    config_path = config_path or environ.get(CONFIG_ENV) or None
    if config_path is not None:
        for name, value in _read_config_file(Path(config_path)).items():
            values[name] = value
            origins[name] = f"file {config_path}"
    for setting in fields(Settings):
        variable = ENV_PREFIX + setting.name.upper()
        raw = environ.get(variable)
        if raw is not None and raw != "":
            values[setting.name] = _convert(setting.name, raw)
            origins[setting.name] = f"env {variable}"
    for name, value in (overrides or {}).items():
        if value is not None:
            values[name] = _convert(name, value) if isinstance(value, str) else value
            origins[name] = "flag --" + name.replace("_", "-")
    settings = replace(Settings(), **values)
    _validate(settings)
    _validate_security(settings)
    return settings, origins


def render_config(settings: Settings, origins: Mapping[str, str]) -> str:
    """The effective settings as TOML that can be read or reused as a config file: secrets
    masked, each value's origin in a comment, unset values commented out."""
    lines = []
    for setting in fields(Settings):
        value = getattr(settings, setting.name)
        origin = origins.get(setting.name, "default")
        if value is None:
            lines.append(f"# {setting.name} is unset ({origin})")
            continue
        if setting.metadata.get("secret"):
            value = SECRET_MASK
        lines.append(f"{setting.name} = {_toml_value(value)}  # {origin}")
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # JSON string escapes are valid TOML
    return repr(value)


def _read_config_file(path: Path) -> dict[str, Any]:
    """The file's settings, flat `name = value` lines named like the settings. TOML values are
    typed, so a value of the wrong type is refused rather than cast."""
    try:
        with path.open("rb") as file:
            table = tomllib.load(file)
    except FileNotFoundError:
        raise SettingsError(f"config file {path}: no such file") from None
    except OSError as error:
        raise SettingsError(f"config file {path}: {error.strerror}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"config file {path} is not valid TOML: {error}") from None
    known = [setting.name for setting in fields(Settings)]
    values: dict[str, Any] = {}
    for name, value in table.items():
        if name not in known:
            raise SettingsError(
                f"config file {path}: unknown setting {name!r}; known: {', '.join(known)}"
            )
        default = getattr(Settings(), name)
        kind = type(default) if default is not None else str
        if kind is float and type(value) is int:
            value = float(value)
        if type(value) is not kind:
            raise SettingsError(
                f"config file {path}: {name} must be {TOML_KINDS.get(kind, kind.__name__)}, "
                f"not {value!r}"
            )
        values[name] = value
    return values


def _convert(name: str, raw: str) -> Any:
    default = getattr(Settings(), name)
    kind = type(default) if default is not None else str
    if kind is bool:
        # bool("false") is True: read the words people write in env files instead.
        if raw.strip().lower() not in BOOLEAN_WORDS:
            raise SettingsError(
                f"{ENV_PREFIX}{name.upper()}={raw!r} is not one of {', '.join(BOOLEAN_WORDS)}"
            )
        return BOOLEAN_WORDS[raw.strip().lower()]
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
    if not 1 <= settings.core_processes <= MAX_CORE_PROCESSES:
        raise SettingsError(f"core_processes must be between 1 and {MAX_CORE_PROCESSES}")
    if not 0 < settings.web_port < 65536:
        raise SettingsError(f"web_port {settings.web_port} is not a TCP port")
    if settings.max_record_bytes < 1024:
        raise SettingsError("max_record_bytes must be at least 1024")
    if settings.log_format not in get_args(LogFormat):
        raise SettingsError(f"log_format must be text or json, not {settings.log_format!r}")
    if not 0 < settings.record_timeout_s <= MAX_RECORD_TIMEOUT_S:
        raise SettingsError(
            f"record_timeout_s must be above 0 and at most {MAX_RECORD_TIMEOUT_S:g} "
            "(a longer stall holds its whole partition back)"
        )
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


def _validate_security(settings: Settings) -> None:
    """Refuse combinations that would fail later with an obscure TLS or SASL error, or silently
    ignore what the operator set."""
    protocol = settings.security_protocol
    if protocol not in get_args(SecurityProtocol):
        raise SettingsError(
            f"security_protocol must be one of {', '.join(get_args(SecurityProtocol))}, "
            f"not {protocol!r}"
        )
    if settings.sasl_mechanism not in get_args(SaslMechanism):
        raise SettingsError(
            f"sasl_mechanism must be one of {', '.join(get_args(SaslMechanism))}, "
            f"not {settings.sasl_mechanism!r}"
        )
    if protocol != "PLAINTEXT" and settings.broker is None:
        raise SettingsError(
            f"security_protocol {protocol} needs a broker: the embedded one speaks PLAINTEXT only"
        )
    credentials = {"sasl_username": settings.sasl_username, "sasl_password": settings.sasl_password}
    if protocol in SASL_PROTOCOLS:
        missing = [name for name, value in credentials.items() if not value]
        if missing:
            raise SettingsError(
                f"security_protocol {protocol} needs {' and '.join(missing)} "
                f"(the password from {ENV_PREFIX}SASL_PASSWORD or the config file)"
            )
    elif any(credentials.values()):
        raise SettingsError(
            f"SASL credentials are set but security_protocol is {protocol}: "
            "set it to SASL_SSL (or SASL_PLAINTEXT)"
        )
    tls_files = {
        "ssl_cafile": settings.ssl_cafile,
        "ssl_certfile": settings.ssl_certfile,
        "ssl_keyfile": settings.ssl_keyfile,
    }
    given = {name: path for name, path in tls_files.items() if path}
    if given and protocol not in TLS_PROTOCOLS:
        raise SettingsError(
            f"{', '.join(given)} set but security_protocol {protocol} has no TLS: "
            "set it to SSL or SASL_SSL"
        )
    if settings.ssl_keyfile and not settings.ssl_certfile:
        raise SettingsError(
            "ssl_keyfile needs ssl_certfile: the key belongs to a client certificate"
        )
    for name, path in given.items():
        if not Path(path).is_file():
            raise SettingsError(f"{name} {path}: no such file")
