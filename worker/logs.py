"""Log output: readable lines on a terminal, or one JSON object per line for log shippers.

Records carry at most a short excerpt of a payload (error messages are cut), never the payload.
"""

import logging
import sys
from datetime import UTC, datetime
from typing import Any, Literal

import orjson

LogFormat = Literal["text", "json"]
# Fields a LogRecord always has; anything else was passed with `extra=` and belongs in the JSON.
_STANDARD_FIELDS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update(
            (name, value) for name, value in vars(record).items() if name not in _STANDARD_FIELDS
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def logging_config(level: str, log_format: LogFormat) -> dict[str, Any]:
    """A dictConfig for both our CLI and faust's worker, so every line has one format."""
    formatter: dict[str, Any] = (
        {"()": JsonLines}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": sys.stderr,
            }
        },
        "root": {"level": level.upper(), "handlers": ["default"]},
        "loggers": {"aiokafka": {"level": "WARNING"}},
    }
