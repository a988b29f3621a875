"""Parsing an uploaded workspace file: clear refusals for everything that is not an export."""

from __future__ import annotations

import json

import pytest

from crmstrategy.core.errors import ValidationProblem
from crmstrategy.workspace.workspace_file import (
    FORMAT_VERSION,
    KIND,
    MAX_FILE_BYTES,
    load_demo_document,
    parse_workspace_file,
)

MINIMAL = {"format_version": FORMAT_VERSION, "kind": KIND, "workspace": {"name": "Acme"}}


def _refusal(raw) -> str:
    with pytest.raises(ValidationProblem) as refused:
        parse_workspace_file(raw)
    return str(refused.value)


def test_a_minimal_export_is_accepted_from_bytes_or_text():
    assert parse_workspace_file(json.dumps(MINIMAL).encode()) == MINIMAL
    assert parse_workspace_file(json.dumps(MINIMAL)) == MINIMAL


def test_a_byte_order_mark_is_accepted():
    assert parse_workspace_file(b"\xef\xbb\xbf" + json.dumps(MINIMAL).encode()) == MINIMAL


def test_the_demo_document_parses():
    document = load_demo_document()
    assert document["kind"] == KIND
    assert document["segments"] and document["personas"]


@pytest.mark.parametrize("raw", [b"", b"   \n\t ", ""])
def test_empty_file_is_refused(raw):
    assert _refusal(raw) == "The file is empty. Choose a workspace export (.json)."


def test_malformed_json_is_refused_with_line_and_column():
    message = _refusal(b'{"format_version": 1,\n  "kind": }')
    assert message.startswith("The file is not valid JSON (line 2, column 11:")


def test_text_that_is_not_utf8_is_refused():
    raw = json.dumps(MINIMAL | {"workspace": {"name": "Rørhandel"}}, ensure_ascii=False).encode("latin-1")
    assert _refusal(raw) == "The file is not UTF-8 text, so it is not a workspace export."


def test_unknown_format_version_is_refused_naming_both_versions():
    message = _refusal(json.dumps(MINIMAL | {"format_version": 99}))
    assert "format version 99" in message
    assert "reads versions 1 and 2" in message


def test_missing_format_version_is_refused():
    document = {k: v for k, v in MINIMAL.items() if k != "format_version"}
    assert "format version None" in _refusal(json.dumps(document))


@pytest.mark.parametrize(
    "document",
    [
        MINIMAL | {"kind": "some-other-app/export"},
        {k: v for k, v in MINIMAL.items() if k != "kind"},
        [MINIMAL],
        "just a string",
        None,
        42,
    ],
)
def test_json_that_is_not_a_workspace_export_is_refused(document):
    assert _refusal(json.dumps(document)) == "This JSON file is not a CRM Strategy Workbench workspace export."


def test_10000_nested_lists_are_refused_without_a_recursion_error():
    assert _refusal(b"[" * 10_000 + b"]" * 10_000) == "The file is nested too deeply to be a workspace export."


def test_10000_nested_objects_are_refused_without_a_recursion_error():
    assert _refusal(b'{"a":' * 10_000 + b"1" + b"}" * 10_000) == (
        "The file is nested too deeply to be a workspace export."
    )


def test_20_levels_of_nesting_inside_an_export_are_refused():
    nested: object = "deep"
    for _ in range(20):
        nested = [nested]
    document = MINIMAL | {"workspace": {"name": "Acme", "description": nested}}
    assert _refusal(json.dumps(document)) == "The file is nested too deeply to be a workspace export."


def test_too_large_file_is_refused_naming_the_limit_in_mb():
    raw = b'{"padding": "' + b"x" * (MAX_FILE_BYTES + 1024) + b'"}'
    message = _refusal(raw)
    assert "MB" in message
    assert "at most 20 MB" in message
