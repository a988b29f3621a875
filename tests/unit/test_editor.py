"""Data-editor state becomes Create/Update/Delete commands with ids and 1-based rows."""

from __future__ import annotations

from datetime import date

from crmstrategy.core.editor import Create, Delete, EditorCommands, Update, edited_records, editor_commands

IDS = [10, 20, 30]
EDITABLE = {"name", "customer_count", "value_drivers"}


def test_no_changes_give_no_commands():
    commands = editor_commands(IDS, {"edited_rows": {}, "added_rows": [], "deleted_rows": []}, EDITABLE)
    assert not commands
    assert commands == EditorCommands()


def test_edited_rows_become_updates_with_ids_and_row_numbers():
    commands = editor_commands(IDS, {"edited_rows": {2: {"name": "C2"}, 0: {"customer_count": 5}}}, EDITABLE)
    assert commands.updates == [Update(10, {"customer_count": 5}, 1), Update(30, {"name": "C2"}, 3)]
    assert commands.creates == [] and commands.deletes == []


def test_edited_row_indexes_given_as_text_are_understood():
    commands = editor_commands(IDS, {"edited_rows": {"1": {"name": "B"}}}, EDITABLE)
    assert commands.updates == [Update(20, {"name": "B"}, 2)]


def test_added_rows_become_creates_numbered_after_the_existing_rows():
    state = {"added_rows": [{"name": "New one", "customer_count": 3}, {"name": "Another"}]}
    commands = editor_commands(IDS, state, EDITABLE)
    assert commands.creates == [Create({"name": "New one", "customer_count": 3}, 4), Create({"name": "Another"}, 5)]


def test_blank_added_rows_are_ignored_but_still_counted_for_row_numbers():
    state = {
        "added_rows": [
            {},
            {"name": "  ", "customer_count": None, "value_drivers": []},
            {"customer_count": float("nan")},
            {"name": "Real"},
        ]
    }
    commands = editor_commands(IDS, state, EDITABLE)
    assert commands.creates == [Create({"name": "Real"}, 7)]


def test_deleted_rows_become_deletes():
    commands = editor_commands(IDS, {"deleted_rows": [2, 0]}, EDITABLE)
    assert commands.deletes == [Delete(10, 1), Delete(30, 3)]


def test_non_editable_columns_are_ignored():
    state = {
        "edited_rows": {0: {"id": 999, "personas": 7}, 1: {"personas": 1, "name": "B"}},
        "added_rows": [{"id": 5, "personas": 2}],
    }
    commands = editor_commands(IDS, state, EDITABLE)
    assert commands.updates == [Update(20, {"name": "B"}, 2)]
    assert commands.creates == []


def test_edits_to_a_deleted_row_are_dropped():
    commands = editor_commands(IDS, {"edited_rows": {1: {"name": "Gone"}}, "deleted_rows": [1]}, EDITABLE)
    assert commands.updates == []
    assert commands.deletes == [Delete(20, 2)]


def test_out_of_range_indexes_are_ignored():
    state = {"edited_rows": {3: {"name": "X"}, -1: {"name": "Y"}}, "deleted_rows": [5, -1, 3]}
    commands = editor_commands(IDS, state, EDITABLE)
    assert not commands


def test_commands_are_truthy_when_anything_changed():
    assert editor_commands(IDS, {"deleted_rows": [0]}, EDITABLE)
    assert editor_commands([], {"added_rows": [{"name": "First"}]}, EDITABLE).creates == [Create({"name": "First"}, 1)]


def test_apply_commands_gathers_every_rows_problem_before_raising():
    import pytest

    from crmstrategy.core.editor import Create, Delete, EditorCommands, Update, apply_commands
    from crmstrategy.core.errors import Problem, ValidationProblem

    ran = []

    def refuse_odd_rows(command):
        ran.append(command.row)
        if command.row % 2:
            raise ValidationProblem([Problem("Name", "bad", command.row)])

    commands = EditorCommands(
        deletes=[Delete(1, 1)],
        updates=[Update(2, {"name": "x"}, 2)],
        creates=[Create({"name": "y"}, 3), Create({"name": "z"}, 4)],
    )
    with pytest.raises(ValidationProblem) as caught:
        apply_commands(commands, create=refuse_odd_rows, update=refuse_odd_rows, delete=refuse_odd_rows)
    assert ran == [1, 2, 3, 4]  # deletes, then updates, then creates, none skipped
    assert [p.row for p in caught.value.problems] == [1, 3]

    ok = apply_commands(
        EditorCommands(updates=[Update(2, {}, 2)], creates=[Create({}, 4)]),
        create=refuse_odd_rows,
        update=refuse_odd_rows,
        delete=refuse_odd_rows,
    )
    assert ok == {"created": 1, "updated": 1, "deleted": 0}


def test_table_records_maps_labels_drops_blank_rows_and_turns_nan_into_none():
    from crmstrategy.core.editor import table_records

    records = [
        {"Factor": " Price ", "Weight": 30.0, "Share": "30 %", "Competitor": float("nan")},
        {"Factor": None, "Weight": float("nan"), "Share": None, "Competitor": None},
        {"Factor": "", "Weight": 0, "Share": "", "Competitor": 4},
    ]
    rows = table_records(records, {"Factor": "factor", "Weight": "weight", "Competitor": "competitor_strength"})
    assert rows == [
        {"factor": "Price", "weight": 30.0, "competitor_strength": None},
        {"factor": None, "weight": 0, "competitor_strength": 4},
    ]


# --- editor_frame: typed columns, empty or not ------------------------------------------------

KINDS = {"Name": "text", "Weight": "number", "Count": "whole", "Due": "date", "Done": "bool", "Tags": "list"}


def test_an_empty_editor_frame_has_every_column_typed_as_declared():
    from crmstrategy.core.editor import editor_frame

    frame = editor_frame([], KINDS)
    assert list(frame.columns) == list(KINDS) and len(frame) == 0
    assert [str(t) for t in frame.dtypes] == ["string", "Float64", "Int64", "date32[day][pyarrow]", "boolean", "object"]


def test_an_editor_frame_holds_each_rows_values_and_gaps_come_back_as_none():
    from datetime import date

    from crmstrategy.core.editor import editor_frame, table_records

    tags = ["a"]
    frame = editor_frame(
        [
            {"Name": "Price level", "Weight": 35, "Count": 3, "Due": date(2027, 3, 31), "Done": True, "Tags": tags},
            {"Name": "Service"},
        ],
        KINDS,
    )
    assert [str(t) for t in frame.dtypes] == ["string", "Float64", "Int64", "date32[day][pyarrow]", "boolean", "object"]
    assert frame.to_dict("records") == [
        {"Name": "Price level", "Weight": 35.0, "Count": 3, "Due": date(2027, 3, 31), "Done": True, "Tags": ["a"]},
        {"Name": "Service", "Weight": None, "Count": None, "Due": None, "Done": None, "Tags": []},
    ]
    frame.at[0, "Tags"].append("b")
    assert tags == ["a"]  # the rows are not changed through the table
    assert table_records(frame.to_dict("records"), {"Name": "name", "Weight": "weight"}) == [
        {"name": "Price level", "weight": 35.0},
        {"name": "Service", "weight": None},
    ]


def test_an_unknown_column_kind_is_refused():
    import pytest

    from crmstrategy.core.editor import editor_frame

    with pytest.raises(ValueError, match="Unknown column kind 'money' for 'Revenue'"):
        editor_frame([], {"Revenue": "money"})


# --- edited_records: the whole table after the edits, for services that save a table as a whole ---

FACTOR_COLUMNS = {"Factor": "text", "Weight": "number", "Share": "text", "Competitor's strength": "number"}
DRAWN = [
    {"id": 7, "Factor": "Delivery precision", "Weight": 30.0, "Share": "60 %", "Competitor's strength": 4.0},
    {"id": 8, "Factor": "Price", "Weight": 20.0, "Share": "40 %", "Competitor's strength": None},
]


def test_an_unchanged_table_is_the_rows_as_drawn():
    records = edited_records(DRAWN, {"edited_rows": {}, "added_rows": [], "deleted_rows": []}, FACTOR_COLUMNS)
    assert records == DRAWN
    assert records[0] is not DRAWN[0]  # copies: the drawn rows are not changed


def test_edits_deletions_and_additions_make_the_whole_table_in_order():
    state = {
        "edited_rows": {"1": {"Weight": 25, "Competitor's strength": 3}},
        "added_rows": [{"Factor": "Stock availability", "Weight": 10}],
        "deleted_rows": [0],
    }
    assert edited_records(DRAWN, state, FACTOR_COLUMNS) == [
        {"id": 8, "Factor": "Price", "Weight": 25.0, "Share": "40 %", "Competitor's strength": 3.0},
        {"Factor": "Stock availability", "Weight": 10.0, "Share": None, "Competitor's strength": None},
    ]
    assert DRAWN[1]["Weight"] == 20.0


def test_a_first_row_into_an_empty_table_is_read_by_each_columns_kind():
    columns = {"Date": "date", "Value": "number", "Count": "whole", "Note": "text", "Done": "bool", "Tags": "list"}
    state = {
        "added_rows": [
            {"Date": "2027-03-31T00:00:00.000", "Value": 12, "Count": 3.0, "Note": "ERP", "Done": True, "Tags": ["a"]},
            {"Date": "2027-04-30", "Value": "7.5"},
        ]
    }
    assert edited_records([], state, columns) == [
        {"Date": date(2027, 3, 31), "Value": 12.0, "Count": 3, "Note": "ERP", "Done": True, "Tags": ["a"]},
        {"Date": date(2027, 4, 30), "Value": 7.5, "Count": None, "Note": None, "Done": None, "Tags": []},
    ]


def test_added_rows_left_blank_are_dropped_and_a_partly_typed_row_is_kept():
    state = {"added_rows": [{}, {"Factor": "  ", "Weight": None}, {"Factor": "Price"}]}
    assert edited_records([], state, FACTOR_COLUMNS) == [
        {"Factor": "Price", "Weight": None, "Share": None, "Competitor's strength": None}
    ]


def test_a_cleared_cell_is_none_and_a_value_that_cannot_be_read_is_passed_on_for_the_service_to_refuse():
    state = {"edited_rows": {0: {"Weight": None, "Competitor's strength": "strong", "Unknown": 1}}}
    assert edited_records(DRAWN[:1], state, FACTOR_COLUMNS) == [
        {"id": 7, "Factor": "Delivery precision", "Weight": None, "Share": "60 %", "Competitor's strength": "strong"}
    ]


def test_edits_to_rows_that_are_not_drawn_are_ignored():
    state = {"edited_rows": {5: {"Weight": 1}}, "deleted_rows": [9]}
    assert edited_records(DRAWN, state, FACTOR_COLUMNS) == DRAWN
