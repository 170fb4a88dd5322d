"""The batch commands of `article-worker` (replay, redrive, reset-offsets) and the helpers that
let a person try them on the embedded broker (broker, produce, dump): their flags, and how each
turns settings and flags into a call of its module. `worker/cli.py` only dispatches here."""

import argparse
import asyncio
import signal
import sys
from collections.abc import Callable
from typing import Any

from worker.offline import STDIO
from worker.settings import Settings
from worker.stream.positions import (
    AtOffsets,
    AtTime,
    Beginning,
    ClientOptions,
    End,
    RangeError,
    Start,
    Stop,
    parse_partition_offsets,
    parse_timestamp,
)

COMMANDS = ("broker", "produce", "dump", "replay", "reset-offsets", "redrive")
TIME_HELP = "ISO 8601 (2026-11-24T18:00:00Z; no zone = UTC) or milliseconds since the epoch"


def add_batch_commands(
    commands: Any, add_stream_flags: Callable[[argparse.ArgumentParser], None]
) -> None:
    """`commands` is the subparsers object of the main parser."""
    broker = commands.add_parser(
        "broker", help="run the embedded broker alone, with the topics, until Ctrl-C"
    )
    add_stream_flags(broker)
    broker.add_argument("--port", type=int, help="loopback port (default: a free one)")

    produce = commands.add_parser(
        "produce", help="send a JSON-lines file to the raw topic, one line per record, as is"
    )
    add_stream_flags(produce)
    produce.add_argument("--input", default=STDIO, help="JSON lines (.gz ok) or - for stdin")
    produce.add_argument("--topic", help="default: the raw topic")

    dump = commands.add_parser(
        "dump", help="print a topic's records as JSON lines in partition/offset order (for diff)"
    )
    add_stream_flags(dump)
    dump.add_argument("--topic", required=True)
    dump.add_argument("--count", action="store_true", help="print only the number of records")

    replay = commands.add_parser(
        "replay", help="reprocess a range of the raw topic with the current pipeline"
    )
    add_stream_flags(replay)
    start = replay.add_mutually_exclusive_group(required=True)
    start.add_argument("--from-beginning", action="store_true")
    start.add_argument("--from-timestamp", metavar="T", help=TIME_HELP)
    start.add_argument("--from-offsets", metavar="P:O,...", help="e.g. 0:1200,1:1180")
    stop = replay.add_mutually_exclusive_group()
    stop.add_argument("--until", metavar="T", help=f"stop before this time: {TIME_HELP}")
    stop.add_argument(
        "--until-offsets", metavar="P:O,...", help="stop before these offsets (exclusive)"
    )
    replay.add_argument(
        "--output-topic", help="default: the enriched topic; e.g. articles.enriched.v2"
    )
    replay.add_argument(
        "--output-dead-letter-topic",
        help="default: <output-topic>.deadletter with --output-topic, else the dead-letter topic",
    )
    replay.add_argument("--replay-group", help="the replay's own group (default: <group>-replay)")

    reset = commands.add_parser(
        "reset-offsets", help="move the live group's offsets on the raw topic (group must be idle)"
    )
    add_stream_flags(reset)
    to = reset.add_mutually_exclusive_group(required=True)
    to.add_argument("--to-earliest", action="store_true")
    to.add_argument("--to-timestamp", metavar="T", help=TIME_HELP)
    reset.add_argument("--execute", action="store_true", help="apply; without it, show the plan")

    redrive = commands.add_parser(
        "redrive", help="re-send dead-lettered originals, byte-exact, to the raw topic"
    )
    add_stream_flags(redrive)
    redrive.add_argument(
        "--code", action="append", default=[], help="only these error codes (repeat or a,b)"
    )
    redrive.add_argument("--since", metavar="T", help=f"dead letters written from: {TIME_HELP}")
    redrive.add_argument("--until", metavar="T", help=f"dead letters written before: {TIME_HELP}")
    redrive.add_argument("--max-attempts", type=int, help="skip records redriven this often (3)")
    redrive.add_argument("--dry-run", action="store_true", help="print what would be sent")


def run_batch_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "broker":
        return _serve_broker(settings, args.port)
    if settings.broker is None:
        print(
            f"article-worker {args.command}: --broker kafka://HOST:PORT is required (the address "
            "`article-worker run` or `article-worker broker` printed)",
            file=sys.stderr,
        )
        return 2
    from worker.stream.credentials import client_options

    try:
        return asyncio.run(_RUNNERS[args.command](args, settings, client_options(settings)))
    except RangeError as error:
        print(f"article-worker {args.command}: {error}", file=sys.stderr)
        return 2


def _start(args: argparse.Namespace) -> Start:
    if args.from_timestamp is not None:
        return AtTime(parse_timestamp(args.from_timestamp))
    if args.from_offsets is not None:
        return AtOffsets(parse_partition_offsets(args.from_offsets))
    return Beginning()


def _stop(until: str | None, until_offsets: str | None = None) -> Stop:
    if until is not None:
        return AtTime(parse_timestamp(until))
    if until_offsets is not None:
        return AtOffsets(parse_partition_offsets(until_offsets))
    return End()


async def _replay(args: argparse.Namespace, settings: Settings, client: ClientOptions) -> int:
    from worker.stream.publish import OutputTopics
    from worker.stream.replay import ReplayJob, replay

    output = args.output_topic or settings.enriched_topic
    dead_letters = args.output_dead_letter_topic or (
        f"{output}.deadletter" if args.output_topic else settings.dead_letter_topic
    )
    job = ReplayJob(
        source_topic=settings.raw_topic,
        outputs=OutputTopics(output, dead_letters, by_language=settings.route_by_language),
        group=args.replay_group or f"{settings.group}-replay",
        start=_start(args),
        stop=_stop(args.until, args.until_offsets),
    )
    summary = await replay(client, job, settings.pipeline, settings.record_timeout_s)
    print(f"replayed {settings.raw_topic} -> {output} (dead letters -> {dead_letters})")
    print(summary.table())
    return 0


async def _redrive(args: argparse.Namespace, settings: Settings, client: ClientOptions) -> int:
    from worker.stream.redrive import DEFAULT_MAX_ATTEMPTS, RedriveJob, redrive

    codes = frozenset(code.strip() for given in args.code for code in given.split(",") if code)
    job = RedriveJob(
        dead_letter_topic=settings.dead_letter_topic,
        raw_topic=settings.raw_topic,
        codes=codes,
        start=AtTime(parse_timestamp(args.since)) if args.since else Beginning(),
        stop=_stop(args.until),
        max_attempts=args.max_attempts or DEFAULT_MAX_ATTEMPTS,
        dry_run=args.dry_run,
    )
    summary = await redrive(client, job, settings.max_record_bytes)
    verb = "would redrive" if args.dry_run else "redrove"
    print(f"{verb} {settings.dead_letter_topic} -> {settings.raw_topic} ({summary.read:,} read)")
    print(summary.table())
    return 0


async def _reset(args: argparse.Namespace, settings: Settings, client: ClientOptions) -> int:
    from worker.stream.offsets import GroupActive, moves_table, reset_offsets

    target = AtTime(parse_timestamp(args.to_timestamp)) if args.to_timestamp else Beginning()
    try:
        moves = await reset_offsets(
            client, settings.group, settings.raw_topic, target, args.execute
        )
    except GroupActive as active:
        print(f"article-worker reset-offsets: refused: {active}", file=sys.stderr)
        return 1
    print(f"group {settings.group!r} on {settings.raw_topic}:")
    print(moves_table(moves))
    if not args.execute:
        print("dry run: nothing changed; add --execute to apply")
    return 0


async def _produce(args: argparse.Namespace, settings: Settings, client: ClientOptions) -> int:
    from worker.stream.feed import produce_file

    topic = args.topic or settings.raw_topic
    count = await produce_file(client, topic, args.input, settings.max_record_bytes)
    print(f"produced {count:,} records to {topic}")
    return 0


async def _dump(args: argparse.Namespace, settings: Settings, client: ClientOptions) -> int:
    from worker.stream.dump import dump_topic, read_topic

    if args.count:
        print(await read_topic(client, args.topic, lambda record: None))
        return 0
    await dump_topic(client, args.topic, sys.stdout.buffer)
    return 0


_RUNNERS = {
    "produce": _produce,
    "dump": _dump,
    "replay": _replay,
    "reset-offsets": _reset,
    "redrive": _redrive,
}


def _serve_broker(settings: Settings, port: int | None) -> int:
    from worker.stream.broker import EmbeddedBroker

    async def serve() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stopping.set)
        async with EmbeddedBroker(port=port) as broker:
            topics = [settings.raw_topic, settings.enriched_topic, settings.dead_letter_topic]
            await broker.create_topics(topics, settings.partitions)
            print(
                f"embedded broker on {broker.url} with topics {', '.join(topics)} "
                f"({settings.partitions} partitions); memory only, Ctrl-C stops it",
                flush=True,
            )
            await stopping.wait()

    asyncio.run(serve())
    return 0
