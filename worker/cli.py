"""The `article-worker` command: run the worker, try it on the embedded broker, enrich files."""

import argparse
import logging.config
import sys
from collections.abc import Sequence
from typing import Any, get_args

from worker.logs import logging_config
from worker.offline import STDIO, enrich_file
from worker.settings import (
    SaslMechanism,
    SecurityProtocol,
    SettingsError,
    render_config,
    resolve_settings,
)
from worker.stream.commands import COMMANDS as BATCH_COMMANDS
from worker.stream.commands import add_batch_commands, run_batch_command


def _add_pipeline_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-record-bytes", type=int, help="larger raw records are dead-lettered (default 4 MiB)"
    )
    parser.add_argument("--language-backend", choices=["langdetect", "langdetect-rs"])


def _add_stream_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--broker", help="kafka://HOST:PORT[,HOST:PORT]; default: start an embedded broker"
    )
    parser.add_argument("--raw-topic")
    parser.add_argument("--enriched-topic")
    parser.add_argument("--dead-letter-topic")
    parser.add_argument(
        "--route-by-language",
        action="store_const",
        const=True,
        help="also write each enriched record to <enriched-topic>.<language>",
    )
    parser.add_argument("--group", help="consumer group (and faust app id)")
    parser.add_argument("--partitions", type=int, help="partitions of topics the worker creates")
    parser.add_argument("--web-host", help="bind address of the web port (default 127.0.0.1)")
    parser.add_argument("--web-port", type=int)
    parser.add_argument(
        "--record-timeout-s",
        type=float,
        help="a record not enriched within this many seconds is dead-lettered (default 5)",
    )
    parser.add_argument(
        "--core-processes",
        type=int,
        help="processes enriching this worker's records, one per core to use (default 1)",
    )
    parser.add_argument("--log-level", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--log-format", choices=["text", "json"], help="json: one object per line")
    _add_security_flags(parser)
    _add_pipeline_flags(parser)


def _add_security_flags(parser: argparse.ArgumentParser) -> None:
    """No password flag, since `ps` shows flags: ARTICLE_WORKER_SASL_PASSWORD or the file."""
    parser.add_argument("--security-protocol", choices=get_args(SecurityProtocol))
    parser.add_argument("--sasl-mechanism", choices=get_args(SaslMechanism))
    parser.add_argument("--sasl-username")
    parser.add_argument("--ssl-cafile", help="CA bundle for the brokers (default: system CAs)")
    parser.add_argument("--ssl-certfile", help="client certificate, for mutual TLS")
    parser.add_argument("--ssl-keyfile", help="its key, when not in the certificate file")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="article-worker",
        description="Enrich crawled news articles from Kafka: main text, language, dateline, date.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="the long-running worker")
    _add_stream_flags(run)
    demo = commands.add_parser("demo", help="embedded broker + worker + sample articles, then exit")
    _add_pipeline_flags(demo)
    enrich = commands.add_parser(
        "enrich", help="offline: raw JSON lines in, enriched JSON lines out"
    )
    enrich.add_argument("--input", default=STDIO, help="JSON lines file (.gz ok) or - for stdin")
    enrich.add_argument("--output", default=STDIO, help="enriched JSON lines, or - for stdout")
    enrich.add_argument("--dead-letter", help="dead letters as JSON lines (default: stderr)")
    _add_pipeline_flags(enrich)
    config = commands.add_parser(
        "config", help="print the effective configuration (secrets masked) and exit"
    )
    _add_stream_flags(config)
    add_batch_commands(commands, _add_stream_flags)
    for command in commands.choices.values():
        command.add_argument(
            "--config", metavar="PATH", help="TOML settings file; env and flags override it"
        )
    return parser


SETTINGS_FLAGS = (
    "broker",
    "raw_topic",
    "enriched_topic",
    "dead_letter_topic",
    "route_by_language",
    "group",
    "partitions",
    "web_host",
    "web_port",
    "record_timeout_s",
    "core_processes",
    "log_level",
    "log_format",
    "max_record_bytes",
    "language_backend",
    "security_protocol",
    "sasl_mechanism",
    "sasl_username",
    "ssl_cafile",
    "ssl_certfile",
    "ssl_keyfile",
)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    flags: dict[str, Any] = {name: getattr(args, name, None) for name in SETTINGS_FLAGS}
    try:
        settings, origins = resolve_settings(flags, config_path=getattr(args, "config", None))
    except SettingsError as error:
        print(f"article-worker: configuration error: {error}", file=sys.stderr)
        return 2
    if args.command == "config":
        print(render_config(settings, origins), end="")
        return 0
    logging.config.dictConfig(logging_config(settings.log_level, settings.log_format))
    if args.command in BATCH_COMMANDS:
        return run_batch_command(args, settings)
    if args.command == "enrich":
        summary = enrich_file(
            args.input,
            args.output,
            args.dead_letter,
            settings.pipeline,
            show_progress=args.dead_letter not in (None, STDIO),
        )
        codes = ", ".join(f"{code} {count}" for code, count in sorted(summary.dead_letters.items()))
        print(
            f"article-worker enrich: {summary.total} records, {summary.enriched} enriched, "
            f"{summary.total - summary.enriched} dead letters{f' ({codes})' if codes else ''}",
            file=sys.stderr,
        )
        return 0
    if args.command == "demo":
        from worker.demo import run_demo

        return run_demo(settings)
    from worker.stream.runner import run_worker

    run_worker(settings)
    return 0
