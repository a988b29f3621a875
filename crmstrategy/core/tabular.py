"""CSV and XLSX: reading uploads into a checked preview, and writing files safe to open.

Imports never write: they return a preview (rows that would be created, rows rejected
and why). The page writes only when the user confirms, in one transaction. Reading stops at
the row limit, so a huge file is refused without being read whole (an XLSX is streamed by
xlsx_rows); a formula whose result the file does not hold rejects its row, saying so.
Exports neutralise cells that a spreadsheet would run as a formula.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import BaseModel, ValidationError

from crmstrategy.core.errors import ValidationProblem, problems_from_pydantic
from crmstrategy.core.xlsx_rows import FormulaCell, xlsx_rows

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULA_REASON = "a formula, not a value (type the value, or save the file in Excel so the formula's result is stored)."

M = TypeVar("M", bound=BaseModel)


# --- safe output -----------------------------------------------------------------------


def safe_cell(value):
    """A text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _unneutralise(value):
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else repr(value)
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def to_csv_bytes(header: list[str], rows: Iterable[list]) -> bytes:
    """UTF-8 with BOM, so Excel opens æ, ø, å, ä and ö right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        # Numbers are never formulas: a negative number stays a number, not the text "'-5".
        writer.writerow([_cell_text(v) if _is_number(v) else safe_cell(_cell_text(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    title: str
    header: list[str]
    rows: list[list]
    widths: dict[int, int] = field(default_factory=dict)
    number_formats: dict[int, str] = field(default_factory=dict)


def to_xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """A workbook with a bold frozen header, filters on, real numbers and dates."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", sheet.title)[:31] or "Sheet")
        ws.append([safe_cell(h) for h in sheet.header])
        for row in sheet.rows:
            ws.append([safe_cell(_xlsx_value(v)) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F4E79")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
        ws.freeze_panes = "A2"
        if sheet.header:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(sheet.header))}{max(1, len(sheet.rows) + 1)}"
        for index, header in enumerate(sheet.header, start=1):
            ws.column_dimensions[get_column_letter(index)].width = sheet.widths.get(
                index - 1, max(12, min(40, len(header) + 4))
            )
            fmt = sheet.number_formats.get(index - 1)
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value):
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, (int, float, date, datetime)) or value is None:
        return value
    return str(value)


# --- reading ---------------------------------------------------------------------------


def read_table(raw: bytes, filename: str) -> tuple[list[str], list[list]]:
    """Header and rows of an uploaded CSV or XLSX, or a ValidationProblem saying why not. An XLSX
    formula whose result was never stored reads as a FormulaCell (see preview_import)."""
    header, numbered = _read_numbered(raw, filename)
    return header, [row for _, row in numbered]


def _read_numbered(raw: bytes, filename: str) -> tuple[list[str], list[tuple[int, list]]]:
    """Like read_table, with each row's number as the spreadsheet shows it (header = row 1);
    blank rows are skipped but still counted, so the numbers match what the user sees.
    Reading stops at the first row over MAX_ROWS: a huge file is refused without reading it all."""
    name = (filename or "").lower()
    if not raw:
        raise ValidationProblem("The file is empty.")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ValidationProblem(
            f"The file is {len(raw) / 1e6:.1f} MB; the limit for an import is "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Split it or remove unused columns."
        )
    if name.endswith(".xlsx"):
        rows, empty = xlsx_rows(raw), "The workbook's first sheet is empty."
    elif name.endswith(".csv") or name.endswith(".txt"):
        rows, empty = _csv_rows(raw), "The file is empty."
    else:
        raise ValidationProblem("Choose a .csv or .xlsx file.")
    first = next(rows, None)
    if first is None:
        raise ValidationProblem(empty)
    header = first[1] if first[0] == 1 else []
    if not any(str(h).strip() for h in header if h is not None):
        raise ValidationProblem("The file has no header row.")
    numbered: list[tuple[int, list]] = []
    for number, row in rows:
        if any(str(v).strip() for v in row if v is not None):
            if len(numbered) == MAX_ROWS:
                raise ValidationProblem(
                    f"The file has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} can be imported at once."
                )
            numbered.append((number, [_unneutralise(v) for v in row]))
    if not numbered:
        raise ValidationProblem("The file has a header but no rows.")
    return [str(h or "").strip() for h in header], numbered


# A surrogate written out as UTF-8 bytes (half of an emoji, from a broken paste): not UTF-8, and read
# as Windows text it would turn into other letters without a word.
_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")


def _csv_rows(raw: bytes) -> Iterator[tuple[int, list]]:
    """(row number, values) of each record, the header first; a record's number is its place
    among the records (a quoted line break does not count), as a spreadsheet opening it shows."""
    if _ENCODED_SURROGATE.search(raw):
        raise ValidationProblem(
            "The file holds half of an emoji or symbol (a broken paste), which cannot be saved. "
            "Fix that text and save the file again as UTF-8."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationProblem("The file is not a text CSV file.")
    if "\x00" in text:
        raise ValidationProblem("The file is not a text CSV file.")
    first_line = text.split("\n", 1)[0]
    # Nordic Excel writes semicolons; use whichever separator the header uses most.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        yield from enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1)
    except csv.Error as exc:
        raise ValidationProblem(f"The CSV file could not be read: {exc}.") from None


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9%]", "", str(text).lower())


def map_header(header: list[str], labels: dict[str, str], required: set[str]) -> list[str | None]:
    """Column index -> field name. Accepts field names or labels in any case."""
    lookup = {}
    for field_name, label in labels.items():
        lookup[_key(field_name)] = field_name
        lookup[_key(label)] = field_name
    mapped, unknown = [], []
    for column in header:
        found = lookup.get(_key(column))
        if column and found is None:
            unknown.append(column)
        mapped.append(found)
    expected = ", ".join(labels.values())
    if unknown:
        raise ValidationProblem(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: "
            f"{', '.join(repr(u[:40]) for u in unknown[:10])}. Expected columns: {expected}."
        )
    missing = [labels[f] for f in required if f not in mapped]
    if missing:
        raise ValidationProblem(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}. Expected columns: {expected}."
        )
    duplicated = {labels[f] for f in mapped if f and mapped.count(f) > 1}
    if duplicated:
        raise ValidationProblem(f"Column given twice: {', '.join(sorted(duplicated))}.")
    return mapped


@dataclass
class Rejected:
    row: int  # 1-based data row, as a spreadsheet user counts it after the header (row 2 = first)
    values: dict
    reasons: list[str]


@dataclass
class ImportPreview(Generic[M]):
    valid: list[tuple[int, M]]  # (file row number, the model it would create)
    rejected: list[Rejected]


def preview_import(
    raw: bytes,
    filename: str,
    *,
    model: type[M],
    labels: dict[str, str],
    required: set[str],
    existing_names: Iterable[str] = (),
    extra_check: Callable[[M], list[str]] | None = None,
) -> ImportPreview[M]:
    header, rows = _read_numbered(raw, filename)
    mapping = map_header(header, labels, required)
    seen = {n.lower() for n in existing_names}
    in_file: dict[str, int] = {}
    valid: list[tuple[int, M]] = []
    rejected: list[Rejected] = []
    for number, row in rows:
        values = {f: (row[i] if i < len(row) else None) for i, f in enumerate(mapping) if f}
        formulas = [labels[f] for f, v in values.items() if isinstance(v, FormulaCell)]
        if formulas:
            # The row cannot be judged without those values: this is the one thing to fix in it.
            rejected.append(Rejected(number, values, [f"{label}: {FORMULA_REASON}" for label in formulas]))
            continue
        try:
            item = model.model_validate(values)
        except ValidationError as exc:
            rejected.append(Rejected(number, values, [str(p) for p in problems_from_pydantic(exc, labels)]))
            continue
        reasons = extra_check(item) if extra_check else []
        name = getattr(item, "name", None)
        if name is not None:
            if name.lower() in seen:
                reasons.append(f"'{name}' already exists in this workspace.")
            elif name.lower() in in_file:
                reasons.append(f"'{name}' is also on row {in_file[name.lower()]} of the file.")
            else:
                in_file[name.lower()] = number
        if reasons:
            rejected.append(Rejected(number, values, reasons))
        else:
            valid.append((number, item))
    return ImportPreview(valid, rejected)
