"""The hostile suite on SQLite and PostgreSQL: every free-text field of every section, through the
workspace file and the tabular imports, keeps what was typed (emoji, right-to-left text, Markdown,
HTML, formulas, text at its limit) or refuses it with a sentence naming its place (broken emoji
halves, NUL and other control characters, one character over the limit), and nothing is half-written."""

from __future__ import annotations

import copy
import json

import pytest

from crmstrategy.analysis.insight_import import preview_insight_import
from crmstrategy.analysis.models import SEGMENT_LABELS, SegmentCreate
from crmstrategy.analysis.segments import create_segments, list_segments
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.tabular import Sheet, preview_import, to_csv_bytes, to_xlsx_bytes
from crmstrategy.workspace.workspace_file import (
    export_workspace,
    import_workspace,
    load_demo_document,
    parse_workspace_file,
)
from crmstrategy.workspace.workspaces import create_workspace, list_workspaces
from tests.hostile import FREE_TEXT, KEPT, REFUSED, hostile_document, leaves, numbered, of_length, with_prefix


def _round_trip(engine, document: dict) -> dict:
    with unit_of_work(engine) as session:
        workspace = import_workspace(session=session, document=document)
    with read_session(engine) as session:
        return export_workspace(session=session, workspace_id=workspace.id)


def _by_path(document: dict) -> dict[str, list[str]]:
    return {path: sorted(values) for path, values in leaves(document).items()}


def _workspace_count(engine) -> int:
    with read_session(engine) as session:
        return len(list_workspaces(session=session))


# All the kinds at once, in one text (names are one line: their runs of white space are one space by
# the policy, so the inner tab is checked on free text in the unit tests instead); and each kind of
# formula first, where a spreadsheet would run it.
_ALL_KEPT = " ".join(
    text for kind, text in sorted(KEPT.items()) if kind != "inner tab" and not kind.startswith("formula")
)
_KEPT_TEXTS = {"all kinds at once": _ALL_KEPT} | {
    kind: text for kind, text in KEPT.items() if kind.startswith("formula")
}


@pytest.mark.parametrize("kind", sorted(_KEPT_TEXTS))
def test_every_field_keeps_what_was_typed(engine, kind):
    text = _KEPT_TEXTS[kind]
    document = hostile_document(numbered(text) if kind == "all kinds at once" else with_prefix(text))
    exported = _round_trip(engine, document)
    assert _by_path(exported) == _by_path(document)
    assert len(leaves(document)) == len(FREE_TEXT)


def test_every_field_holds_exactly_its_limit(engine):
    document = hostile_document(of_length())
    assert _by_path(_round_trip(engine, document)) == _by_path(document)


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_unstorable_text_in_a_file_is_refused_by_its_place(engine, kind):
    document = hostile_document(with_prefix(REFUSED[kind]))
    with pytest.raises(ValidationProblem) as refused:
        parse_workspace_file(json.dumps(document).encode("utf-8"))
    problems = refused.value.problems
    assert len(problems) == 20  # the first twenty places, in file order
    assert problems[0].field == "workspace › name"
    assert problems[1].field == "workspace › description"
    assert all("cannot be saved" in p.message for p in problems)


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_unstorable_text_given_to_the_services_is_refused_and_nothing_written(engine, kind):
    """The same document handed straight to the import (as the demo is): every field's own rule refuses
    it, on both databases, before a row is written."""
    before = _workspace_count(engine)
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            import_workspace(session=session, document=hostile_document(with_prefix(REFUSED[kind])))
    assert "cannot be saved" in str(refused.value)
    assert _workspace_count(engine) == before


@pytest.mark.parametrize("path", sorted(FREE_TEXT))
def test_one_character_over_the_limit_is_refused_in_each_field(sqlite_engine, path):
    document = hostile_document(of_length())
    longer = hostile_document(of_length(extra=1))
    changed = _with_leaves_of(document, longer, path)
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(sqlite_engine) as session:
            import_workspace(session=session, document=changed)
    assert f"{FREE_TEXT[path] + 1:,} characters" in str(refused.value)  # each refusal says the length
    assert _workspace_count(sqlite_engine) == 0


def _with_leaves_of(document: dict, other: dict, path: str) -> dict:
    """`document` with the values at `path` (dotted, lists walked) taken from `other`."""
    result = copy.deepcopy(document)

    def walk(mine, theirs, parts: list[str]):
        if isinstance(mine, list):
            for index, item in enumerate(mine):
                if parts or not isinstance(item, str):
                    walk(item, theirs[index], parts)
                else:
                    mine[index] = theirs[index]
            return
        if not parts or not isinstance(mine, dict) or parts[0] not in mine:
            return
        head, rest = parts[0], parts[1:]
        if rest or isinstance(mine[head], list | dict):
            walk(mine[head], theirs[head], rest)
        else:
            mine[head] = theirs[head]

    walk(result, other, path.split("."))
    assert result != document, path
    return result


# --- tabular imports: the same kinds in a CSV and an XLSX --------------------------------------


def _segment_preview(raw: bytes, filename: str):
    return preview_import(raw, filename, model=SegmentCreate, labels=SEGMENT_LABELS, required={"name"})


@pytest.mark.parametrize("filename", ["segments.csv", "segments.xlsx"])
def test_a_segment_file_keeps_what_was_typed(engine, filename):
    """Every kind in one file, a row each; the formulas come back as typed (the export's apostrophe
    that keeps a spreadsheet from running them is taken off again on import)."""
    with unit_of_work(engine) as session:
        workspace = create_workspace(session=session, data={"name": "Hostile files"})
    kinds = sorted(KEPT)
    rows = [[f"{n:02d} {KEPT[kind]}", KEPT[kind]] for n, kind in enumerate(kinds)]
    raw = (
        to_csv_bytes(["Name", "Description"], rows)
        if filename.endswith(".csv")
        else to_xlsx_bytes([Sheet("Segments", ["Name", "Description"], rows)])
    )
    preview = _segment_preview(raw, filename)
    assert preview.rejected == []
    with unit_of_work(engine) as session:
        create_segments(session=session, workspace_id=workspace.id, rows=preview.valid)
    with read_session(engine) as session:
        stored = sorted((s.name, s.description) for s in list_segments(session=session, workspace_id=workspace.id))
    # A name is one line: its runs of white space are one space (the inner tab's row).
    assert stored == [(" ".join(name.split()), description) for name, description in rows]


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_a_segment_file_with_unstorable_text_rejects_the_row_saying_why(kind):
    raw = ("Name;Description\r\nGood one;fine\r\nBad one;" + REFUSED[kind] + "\r\n").encode("utf-8", "surrogatepass")
    if kind.endswith("surrogate") or kind == "nul":
        # Not a text file as written: refused whole, rather than read as other letters.
        with pytest.raises(ValidationProblem) as refused:
            _segment_preview(raw, "segments.csv")
        assert str(refused.value) == (
            "The file holds half of an emoji or symbol (a broken paste), which cannot be saved. Fix that "
            "text and save the file again as UTF-8."
            if kind != "nul"
            else "The file is not a text CSV file."
        )
        return
    preview = _segment_preview(raw, "segments.csv")
    assert [n for n, _ in preview.valid] == [2]
    (rejected,) = preview.rejected
    assert rejected.row == 3
    assert "cannot be saved" in rejected.reasons[0]


def test_an_insight_file_with_a_control_character_names_the_row_and_the_column():
    raw = to_csv_bytes(
        ["Text", "Type", "Source", "Recorded on"],
        [["Fine", "Pain", "Customer interview", "2026-09-01"], ["Bad\x1b", "Pain", "Customer interview", "2026-09-01"]],
    )
    preview = preview_insight_import(raw, "insights.csv", segments={}, personas={})
    assert [n for n, _ in preview.valid] == [2]
    assert [(r.row, r.reasons) for r in preview.rejected] == [
        (
            3,
            [
                "Text: Insight text holds an invisible control character (U+001B) at character 4, which cannot be "
                "saved. Delete it and try again."
            ],
        )
    ]


# --- wrong types in a workspace file ------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "index", "key", "value", "expected"),
    [
        ("segments", 0, "customer_count", True, "segments[1] › Customers: Customers must be a number, not true."),
        ("segments", 1, "revenue", False, "segments[2] › Revenue: Revenue must be a number, not false."),
        (
            "workspace",
            None,
            "weight_size",
            True,
            "workspace › Weight size: Weight of size must be a number, not true.",
        ),
    ],
)
def test_a_true_or_false_for_a_number_is_refused_by_its_place(sqlite_engine, section, index, key, value, expected):
    document = load_demo_document()
    (document[section] if index is None else document[section][index])[key] = value
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(sqlite_engine) as session:
            import_workspace(session=session, document=document)
    assert [str(p) for p in refused.value.problems] == [expected]


def test_a_name_too_long_for_the_history_is_refused_not_cut(engine):
    from crmstrategy.implementation.plan import create_action, list_actions

    with unit_of_work(engine) as session:
        workspace = create_workspace(session=session, data={"name": "Plan"})
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            create_action(session=session, workspace_id=workspace.id, data={"title": "Call"}, changed_by="N" * 504)
    assert str(refused.value) == "Your name: Your name is 504 characters long; keep it to 120."
    with read_session(engine) as session:
        assert list_actions(session=session, workspace_id=workspace.id) == []
