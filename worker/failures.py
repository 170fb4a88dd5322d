"""Named failures: a record that cannot be enriched leaves with a code, a stage and a message."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_UTF8 = "not_utf8"
    NOT_JSON = "not_json"
    NOT_OBJECT = "not_object"
    EMPTY = "empty"
    MISSING_FIELD = "missing_field"
    WRONG_TYPE = "wrong_type"
    BAD_URL = "bad_url"
    BAD_TIMESTAMP = "bad_timestamp"
    TOO_LARGE = "too_large"
    NO_TEXT = "no_text"
    EXTRACTION_FAILED = "extraction_failed"
    TIMEOUT = "timeout"


class Stage(StrEnum):
    """Where in the pipeline a record failed; the order is the order of the pipeline."""

    DECODE = "decode"
    VALIDATE = "validate"
    MAIN_TEXT = "main_text"
    DATELINE = "dateline"
    LANGUAGE = "language"
    PUBLISHED_DATE = "published_date"
    ENCODE = "encode"
    # The core as a whole, when it is stopped from outside (time budget) or its process dies.
    ENRICH = "enrich"
    PRODUCE = "produce"


class RecordRejected(Exception):
    """A record the pipeline refuses, with the reason operators will see in the dead letter."""

    def __init__(self, code: ErrorCode, stage: Stage, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.stage = stage
        self.message = message

    def __reduce__(self) -> tuple[type["RecordRejected"], tuple[ErrorCode, Stage, str]]:
        """Dead letters cross a process boundary (the time budget's child) as pickles."""
        return (RecordRejected, (self.code, self.stage, self.message))
