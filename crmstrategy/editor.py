"""Turn the state of an `st.data_editor` into service commands (pure, unit-tested).

Streamlit reports edits as {"edited_rows": {row_index: {column: value}}, "added_rows":
[{column: value}], "deleted_rows": [row_index]}; row indexes refer to the rows shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Create:
    values: dict
    row: int  # 1-based row number as the user sees it (after the existing rows)


@dataclass(frozen=True)
class Update:
    id: int
    changes: dict
    row: int


@dataclass(frozen=True)
class Delete:
    id: int
    row: int


@dataclass
class EditorCommands:
    deletes: list[Delete] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    creates: list[Create] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.deletes or self.updates or self.creates)


def editor_commands(ids: list[int], state: dict, editable: set[str]) -> EditorCommands:
    """Map editor state to commands. `ids[i]` is the id of shown row i; columns outside
    `editable` (ids, computed columns) are ignored, and so are added rows left entirely blank."""
    commands = EditorCommands()
    deleted = sorted({int(i) for i in state.get("deleted_rows", []) if 0 <= int(i) < len(ids)})
    for index in deleted:
        commands.deletes.append(Delete(ids[index], index + 1))
    for raw_index, changes in sorted(state.get("edited_rows", {}).items(), key=lambda kv: int(kv[0])):
        index = int(raw_index)
        if index in deleted or not 0 <= index < len(ids):
            continue
        kept = {k: v for k, v in changes.items() if k in editable}
        if kept:
            commands.updates.append(Update(ids[index], kept, index + 1))
    for offset, values in enumerate(state.get("added_rows", [])):
        kept = {k: v for k, v in values.items() if k in editable}
        if any(not _blank(v) for v in kept.values()):
            commands.creates.append(Create(kept, len(ids) + offset + 1))
    return commands


def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:
        return True
    if isinstance(value, (str, list, tuple)) and not value:
        return True
    return isinstance(value, str) and not value.strip()
