"""The version check and what a refusal shows (pure: rows are plain objects here)."""

from datetime import date
from types import SimpleNamespace

import pytest

from crmstrategy.core.editor import Delete, Update, editor_commands
from crmstrategy.core.versioning import StaleEdit, check_version, check_versions, describe

LABELS = {
    "name": "Name",
    "department": "Department",
    "is_leader": "Leader",
    "deadline": "Deadline",
    "segment_id": "Segment",
}


def test_the_version_drawn_passes_and_none_skips_the_check():
    row = SimpleNamespace(version=3, name="Erik")
    check_version(row, 3)
    check_version(row, None)


def test_an_older_version_is_refused_naming_the_item_and_its_row():
    row = SimpleNamespace(
        version=4, name="Erik Solberg", department="Service", is_leader=True, deadline=date(2027, 6, 30), segment_id=7
    )
    with pytest.raises(StaleEdit) as info:
        check_version(row, 3, labels=LABELS, row=5)
    assert str(info.value) == (
        "Row 5, 'Erik Solberg' was changed by someone else since you opened it: here is what it is now."
    )
    assert info.value.current == {
        "Name": "Erik Solberg",
        "Department": "Service",
        "Leader": "yes",
        "Deadline": "2027-06-30",
    }


def test_an_item_without_a_name_is_called_by_its_kind():
    with pytest.raises(StaleEdit) as info:
        check_version(SimpleNamespace(version=2), 1, noun="review")
    assert str(info.value).startswith("This review was changed by someone else")


def test_a_table_is_stale_when_a_row_changed_was_added_or_was_removed():
    rows = [SimpleNamespace(id=1, version=1), SimpleNamespace(id=2, version=2)]
    check_versions(rows, {1: 1, 2: 2}, subject="The milestones of 'Churn'")
    for drawn in ({1: 1, 2: 1}, {1: 1}, {1: 1, 2: 2, 3: 1}):
        with pytest.raises(StaleEdit) as info:
            check_versions(rows, drawn, subject="The milestones of 'Churn'")
        assert str(info.value) == (
            "The milestones of 'Churn' were changed by someone else since you opened them: here is what they are now."
        )


def test_empty_values_read_as_empty_and_whole_numbers_without_decimals():
    row = SimpleNamespace(name="", department=None, weight=40.0)
    assert describe(row, {"name": "Name", "department": "Department", "weight": "Weight"}) == {
        "Name": "(empty)",
        "Department": "(empty)",
        "Weight": "40",
    }


def test_table_edits_carry_the_version_each_row_was_drawn_at():
    state = {"edited_rows": {1: {"name": "B2"}}, "deleted_rows": [0], "added_rows": []}
    commands = editor_commands([10, 11], state, {"name"}, [3, 5])
    assert commands.deletes == [Delete(10, 1, 3)]
    assert commands.updates == [Update(11, {"name": "B2"}, 2, 5)]
    assert editor_commands([10], {"edited_rows": {0: {"name": "A"}}}, {"name"}).updates == [
        Update(10, {"name": "A"}, 1)
    ]
