"""Shared fixtures: the record schemas and the seed case."""

from pathlib import Path
from typing import Any

import orjson
import pytest
from jsonschema import Draft202012Validator

from bench.corpora import CORPORA

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def schema_validator(name: str) -> Draft202012Validator:
    schema = orjson.loads((SCHEMAS / f"{name}.schema.json").read_bytes())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def enriched_schema() -> Draft202012Validator:
    return schema_validator("enriched-article")


@pytest.fixture(scope="session")
def dead_letter_schema() -> Draft202012Validator:
    return schema_validator("dead-letter")


@pytest.fixture(scope="session")
def raw_schema() -> Draft202012Validator:
    return schema_validator("raw-article")


@pytest.fixture(scope="session")
def seed_case() -> dict[str, Any]:
    path = CORPORA / "seed" / "case.json"
    if not path.exists():
        pytest.skip(f"the seed case is not at {path}")
    return orjson.loads(path.read_bytes())
