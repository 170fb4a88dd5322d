"""A crawler feed for trying replay and redrive: COUNT raw records as JSON lines, mostly the
bundled sample pages under new ids, with a broken record every 50 lines and an oversized (but
valid) page every 100 lines; run a worker with a low --max-record-bytes and the oversized pages
are dead-lettered as too_large until it is restarted with the default (the "fix").

    python scripts/sample_feed.py --count 2000 --output feed.jsonl
"""

import argparse
import sys
from collections.abc import Iterator

import orjson

from worker.demo import bad_payloads, sample_articles

BROKEN_EVERY = 50
OVERSIZED_EVERY = 100
# Over the 64 KiB limit the walkthrough runs the worker with first, far under the 4 MiB default.
OVERSIZED_PADDING = 80 * 1024
LOW_LIMIT = 64 * 1024
SKIPPED_CODES = ("too_large", "empty")


def sample_feed(count: int) -> Iterator[bytes]:
    pages = [orjson.loads(message.value) for message in sample_articles() if message.value]
    # The oversized payload of bad_payloads is 4 MiB, too slow to ship 40 of in a demo; an empty
    # value cannot be a line of a JSON-lines file.
    broken = [m.value or b"" for code, m in bad_payloads(LOW_LIMIT) if code not in SKIPPED_CODES]
    for n in range(count):
        if n % BROKEN_EVERY == BROKEN_EVERY - 1:
            yield broken[(n // BROKEN_EVERY) % len(broken)]
            continue
        page = dict(pages[n % len(pages)], id=f"feed-{n:05d}")
        page["url"] = f"{page['url']}-{n}"
        if n % OVERSIZED_EVERY == OVERSIZED_EVERY - 2:
            # A page with a huge inline comment block: real pages carry kilobytes of tracking
            # markup; the extractor ignores comments, so the page enriches fine once allowed.
            markup = page.get("html") or f"<html><body><pre>{page.pop('text')}</pre></body></html>"
            page["html"] = markup.replace("</body>", f"<!-- {'x' * OVERSIZED_PADDING} --></body>")
        yield orjson.dumps(page)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--output", help="default: stdout")
    args = parser.parse_args()
    with open(args.output, "wb") if args.output else sys.stdout.buffer as output:
        for line in sample_feed(args.count):
            output.write(line + b"\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
