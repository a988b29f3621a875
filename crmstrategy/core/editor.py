"""The tables behind every `st.data_editor` and the edits made in them (pure, unit-tested).

`editor_frame` builds the table an editor shows, each column typed as declared, so an empty
table accepts a first row of every kind. The rest turns the editor's state into service
commands (`editor_commands`, for tables saved row by row) or into the whole edited table
(`edited_records`, for tables saved as a whole): Streamlit reports edits as
{"edited_rows": {row_index: {column: value}}, "added_rows": [{column: value}], "deleted_rows": [row_index]};
row indexes refer to the rows shown.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVar

import pandas as pd
import pyarrow as pa

from crmstrategy.core.errors import Problem, ValidationProblem

_Command = TypeVar("_Command")  # a Create, an Update or a Delete

# The editor reads a column's kind from its type, not from its column config. An untyped empty
# column is float64 (from []) or has no type at all (object), so a name typed into it is parsed
# as a number and lost, or a date comes back as whatever text the browser sent. Declared types
# hold whether the table is empty or not; the nullable ones show a gap as an empty cell, and
# `to_dict` gives None for it. Dates are Arrow dates, so edits come back as datetime.date.
COLUMN_TYPES = {
    "text": pd.StringDtype(na_value=pd.NA),
    "number": pd.Float64Dtype(),
    "whole": pd.Int64Dtype(),
    "date": pd.ArrowDtype(pa.date32()),
    "bool": pd.BooleanDtype(),
    "list": object,  # multiselect cells; an empty list column is left for the editor to fill
}


def editor_frame(rows: Iterable[Mapping], columns: Mapping[str, str]) -> pd.DataFrame:
    """The table for a data editor: one column per entry of `columns` (label -> kind, one of
    COLUMN_TYPES), in that order, with each row's value under the label (missing is a gap).
    Lists are copied, so editing the table never changes the rows."""
    rows = list(rows)
    frame = {}
    for label, kind in columns.items():
        if kind not in COLUMN_TYPES:
            raise ValueError(f"Unknown column kind {kind!r} for {label!r}; one of {', '.join(COLUMN_TYPES)}.")
        values = [row.get(label) for row in rows]
        if kind == "list":
            values = [list(v) if v is not None else [] for v in values]
        elif kind == "number":
            values = [None if v is None or (isinstance(v, float) and v != v) else float(v) for v in values]
        frame[label] = pd.Series(values, dtype=COLUMN_TYPES[kind], index=pd.RangeIndex(len(rows)))
    return pd.DataFrame(frame, index=pd.RangeIndex(len(rows)))


@dataclass(frozen=True)
class Create:
    values: dict
    row: int  # 1-based row number as the user sees it (after the existing rows)


@dataclass(frozen=True)
class Update:
    id: int
    changes: dict
    row: int
    version: int | None = None  # the version the row was drawn at, checked by the service


@dataclass(frozen=True)
class Delete:
    id: int
    row: int
    version: int | None = None


@dataclass
class EditorCommands:
    deletes: list[Delete] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    creates: list[Create] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.deletes or self.updates or self.creates)


def editor_commands(
    ids: list[int], state: dict, editable: set[str], versions: list[int] | None = None
) -> EditorCommands:
    """Map editor state to commands. `ids[i]` is the id of shown row i and `versions[i]` the
    version it was drawn at (passed on, so an edit of a row changed since is refused); columns
    outside `editable` (ids, computed columns) are ignored, and so are added rows left entirely blank."""
    commands = EditorCommands()
    drawn = versions if versions is not None else [None] * len(ids)
    deleted = sorted({int(i) for i in state.get("deleted_rows", []) if 0 <= int(i) < len(ids)})
    for index in deleted:
        commands.deletes.append(Delete(ids[index], index + 1, drawn[index]))
    for raw_index, changes in sorted(state.get("edited_rows", {}).items(), key=lambda kv: int(kv[0])):
        index = int(raw_index)
        if index in deleted or not 0 <= index < len(ids):
            continue
        kept = {k: v for k, v in changes.items() if k in editable}
        if kept:
            commands.updates.append(Update(ids[index], kept, index + 1, drawn[index]))
    for offset, values in enumerate(state.get("added_rows", [])):
        kept = {k: v for k, v in values.items() if k in editable}
        if any(not _blank(v) for v in kept.values()):
            commands.creates.append(Create(kept, len(ids) + offset + 1))
    return commands


def _blank(value) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and value != value:
        return True
    if isinstance(value, (str, list, tuple)) and not value:
        return True
    return isinstance(value, str) and not value.strip()


def apply_commands(
    commands: EditorCommands,
    *,
    create: Callable[[Create], object],
    update: Callable[[Update], object],
    delete: Callable[[Delete], object],
) -> dict[str, int]:
    """Run every command (deletes, then updates, then creates) in the caller's transaction.

    Problems from all rows are gathered before raising, so the user sees them all at once;
    the caller's unit of work then rolls everything back.
    """
    problems: list[Problem] = []
    refusals: list[ValidationProblem] = []
    counts = {"created": 0, "updated": 0, "deleted": 0}

    def run(kind: str, items: list[_Command], fn: Callable[[_Command], object]) -> None:
        for command in items:
            try:
                fn(command)
                counts[kind] += 1
            except ValidationProblem as exc:
                problems.extend(exc.problems)
                refusals.append(exc)

    run("deleted", commands.deletes, delete)
    run("updated", commands.updates, update)
    run("created", commands.creates, create)
    if len(refusals) == 1:
        raise refusals[0]  # as it was raised: a stale edit keeps what the item is now, to be shown
    if problems:
        raise ValidationProblem(problems)
    return counts


def table_records(records: list[dict], columns: dict[str, str]) -> list[dict]:
    """The rows of an edited table that is saved as a whole (key factors, agreed values, the
    target choice): column label -> field name, blanks (NaN, "") as None, and rows left
    entirely blank dropped. Columns not in `columns` (shares, medians) are ignored."""
    result = []
    for record in records:
        row = {name: (None if _blank(record.get(label)) else record.get(label)) for label, name in columns.items()}
        row = {k: (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        if any(v is not None for v in row.values()):
            result.append(row)
    return result


def edited_records(rows: Iterable[Mapping], state: Mapping, columns: Mapping[str, str]) -> list[dict]:
    """The whole table as the user sees it after the edits in `state` (the editor's
    edited_rows/added_rows/deleted_rows), for a service that saves a table as a whole.

    `rows` are the rows as drawn (label -> value, as given to `editor_frame`; other keys such as an
    id are kept) and `columns` the same label -> kind. The state holds what the browser sent, so
    each edited value is read by its column's kind: a date typed into a cell arrives as text, a
    whole number as a float. Deleted rows are left out; added rows follow the drawn ones, each with
    every column (None where nothing was typed), and added rows left all blank are dropped."""
    table = [dict(row) for row in rows]
    deleted = {int(i) for i in state.get("deleted_rows", [])}
    for raw_index, changes in state.get("edited_rows", {}).items():
        index = int(raw_index)
        if 0 <= index < len(table):
            table[index].update(
                {label: _read(value, columns[label]) for label, value in changes.items() if label in columns}
            )
    result = [row for index, row in enumerate(table) if index not in deleted]
    for added in state.get("added_rows", []):
        row = {label: _read(added.get(label), kind) for label, kind in columns.items()}
        if any(not _blank(value) for value in row.values()):
            result.append(row)
    return result


def _read(value, kind: str):
    """One cell's value from the editor's state, as its column's kind (blank is None); a value that
    cannot be read so is passed on as it came, for the service to refuse with its row."""
    if _blank(value) and kind != "list":
        return None
    try:
        if kind == "text":
            return str(value)
        if kind == "number":
            return float(value)
        if kind == "whole":
            return int(round(float(value)))
        if kind == "bool":
            return bool(value)
        if kind == "list":
            return [] if value is None else list(value)
        if kind == "date":
            if isinstance(value, datetime):
                return value.date()
            if isinstance(value, date):
                return value
            return date.fromisoformat(str(value).strip()[:10])  # "2027-03-31" or "2027-03-31T00:00:00.000"
    except (TypeError, ValueError):
        return value
    return value
