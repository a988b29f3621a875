"""The rows of an uploaded XLSX's first sheet, read as a stream with every kind of work bounded.

openpyxl reads a whole sheet (and pads it to the size the sheet declares) before anyone can count
its rows: a 147 KB file declaring a million rows took 48 s and 316 MB to refuse. Here the sheet's
XML is read straight from the zip, one row at a time, so the reader stops where its caller stops
asking (the import's row limit). What a hostile file could still make it chew on is capped: the
bytes read from each part, the XML elements in it, the columns kept per row. Row numbers come from
the file, so rows far apart cost nothing between them.

A formula cell gives the result the spreadsheet stored with it. A formula whose result was never
stored (a file written by a program that does not calculate, e.g. openpyxl) gives a FormulaCell:
there is no value to import, and the import says so instead of reading an empty cell.
openpyxl is used for what it does well and publicly: serial numbers to dates, date formats.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, WINDOWS_EPOCH, from_excel, from_ISO8601
from openpyxl.xml.functions import iterparse  # defusedxml's when installed: no entity expansion

from crmstrategy.core.errors import ValidationProblem

MAX_COLUMNS = 200  # cells further right are not read into a row (no import has near that many columns)
MAX_PART_BYTES = 32 * 1024 * 1024  # of XML from one part of the zip; a 5,000-row import needs a few MB
MAX_ELEMENTS = 1_000_000  # XML elements in one part: 5,000 rows of 60 filled columns, with room to spare
MAX_BLANK_ROWS = 50_000  # rows written out with nothing in them (formatted, say) before the sheet is refused

NOT_A_WORKBOOK = "The file could not be read as an Excel workbook (.xlsx)."
TOO_MUCH = (
    "The workbook holds too much to read for an import, most of it empty rows or cells outside the data. "
    "Copy the rows to import into a new workbook, or save the sheet as CSV, and upload that."
)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_SHEET_DATA, _ROW, _CELL = _MAIN + "sheetData", _MAIN + "row", _MAIN + "c"
_VALUE, _FORMULA, _INLINE, _TEXT, _RUN = _MAIN + "v", _MAIN + "f", _MAIN + "is", _MAIN + "t", _MAIN + "r"
_COLUMN = re.compile(r"[A-Z]{1,3}")


class FormulaCell:
    """A formula whose result was never stored in the file: there is no value to import."""

    __slots__ = ("formula",)

    def __init__(self, formula: str):
        self.formula = formula

    def __str__(self) -> str:  # what the rejected rows show of the cell
        return self.formula

    def __repr__(self) -> str:
        return f"FormulaCell({self.formula!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FormulaCell) and other.formula == self.formula

    def __hash__(self) -> int:
        return hash(self.formula)


class _Bounded:
    """A part's stream that refuses the workbook once more than `limit` bytes are read from it
    (zip bombs: a few KB can unpack to gigabytes)."""

    def __init__(self, stream, limit: int):
        self._stream, self._left = stream, limit

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size if size > 0 else 64 * 1024)
        self._left -= len(data)
        if self._left < 0:
            raise ValidationProblem(TOO_MUCH)
        return data


def _ends(archive: zipfile.ZipFile, name: str, wanted: set[str]) -> Iterator[Element]:
    """The `wanted` elements of a part, each complete when handed out. Every element is let go of
    once finished (unless inside a wanted one), so memory stays flat however long the part is."""
    with archive.open(name) as stream:
        stack: list[Element] = []
        inside = count = 0  # wanted elements open; elements seen
        for event, element in iterparse(_Bounded(stream, MAX_PART_BYTES), events=("start", "end")):
            if event == "start":
                stack.append(element)
                inside += element.tag in wanted
                continue
            count += 1
            if count > MAX_ELEMENTS:
                raise ValidationProblem(TOO_MUCH)
            stack.pop()
            if element.tag in wanted:
                inside -= 1
                yield element
            elif inside:
                continue  # part of a wanted element, read with it
            if stack:
                stack[-1].remove(element)


def _has(archive: zipfile.ZipFile, name: str) -> bool:
    try:
        archive.getinfo(name)
    except KeyError:
        return False
    return True


def _target(archive: zipfile.ZipFile, part: str, wanted_type: str) -> list[tuple[str, str]]:
    """(id, part name) of the relationships of `part` whose type ends with `wanted_type`."""
    folder, file = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", file + ".rels")
    if not _has(archive, rels):
        return []
    found = []
    for rel in _ends(archive, rels, {_PACKAGE_RELS}):
        target = rel.get("Target") or ""
        if rel.get("Type", "").endswith(wanted_type) and rel.get("TargetMode") != "External":
            path = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found.append((rel.get("Id", ""), path))
    return found


def _rich_text(element: Element) -> str:
    """The plain text of a shared or inline string (a run of formatted pieces joined; phonetic
    guides left out), as openpyxl reads it."""
    pieces = [element.findtext(_TEXT) or ""] + [run.findtext(_TEXT) or "" for run in element.iterfind(_RUN)]
    return "".join(pieces)


class _Workbook:
    """What reading the cells of a sheet needs from the rest of the workbook."""

    def __init__(self, archive: zipfile.ZipFile):
        [(_, book)] = _target(archive, "", "/officeDocument")[:1] or [("", "xl/workbook.xml")]
        self.epoch = WINDOWS_EPOCH
        sheet_ids = []
        for element in _ends(archive, book, {_MAIN + "sheet", _MAIN + "workbookPr"}):
            if element.tag == _MAIN + "workbookPr":
                if element.get("date1904", "").lower() in ("1", "true"):
                    self.epoch = CALENDAR_MAC_1904
            else:
                sheet_ids.append(element.get(_R_ID))
        # The first worksheet, as openpyxl counts them: chart sheets are not worksheets.
        worksheets = dict(_target(archive, book, "/worksheet"))
        self.sheet = next((worksheets[i] for i in sheet_ids if i in worksheets), None)
        strings = _target(archive, book, "/sharedStrings")
        self.strings = (
            # openpyxl's reading of shared strings drops the escape of an underscore the same way
            [_rich_text(si).replace("x005F_", "") for si in _ends(archive, strings[0][1], {_MAIN + "si"})]
            if strings and _has(archive, strings[0][1])
            else []
        )
        self.dates: set[int] = set()  # cell styles whose number format is a date
        self.durations: set[int] = set()  # ... or a duration, e.g. [h]:mm
        styles = _target(archive, book, "/styles")
        if styles and _has(archive, styles[0][1]):
            self._read_styles(archive, styles[0][1])

    def _read_styles(self, archive: zipfile.ZipFile, part: str) -> None:
        custom: dict[int, str] = {}
        for element in _ends(archive, part, {_MAIN + "numFmt", _MAIN + "cellXfs"}):
            if element.tag == _MAIN + "numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
                continue
            for index, xf in enumerate(element.iterfind(_MAIN + "xf")):
                number_format = int(xf.get("numFmtId", "0"))
                code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
                if is_date_format(code):
                    self.dates.add(index)
                if is_timedelta_format(code):
                    self.durations.add(index)

    def value(self, cell: Element):
        """A cell's value as openpyxl's data_only reading gives it, or a FormulaCell."""
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return None if inline is None else _rich_text(inline)
        stored = cell.find(_VALUE)
        text = stored.text if stored is not None else None
        if not text:
            formula = cell.find(_FORMULA)
            # Excel stores a formula that gives the empty text as t="str" with an empty value;
            # a program that does not calculate writes no value, or an empty one without a type.
            if formula is not None and not (kind == "str" and stored is not None):
                return FormulaCell("=" + (formula.text or "…"))
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return text.strip() not in ("0", "false")
        if kind == "d":
            return from_ISO8601(text)
        if kind != "n":
            return text  # "str" (a formula's text), "e" (an error such as #N/A)
        number: int | float = float(text) if any(c in text for c in ".eE") else int(text)
        style = int(cell.get("s", "0"))
        if style in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=style in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # as openpyxl: a date cell whose number is no date
        return number


def _column(reference: str | None, previous: int) -> int:
    """1-based column of a cell reference such as "AB12"; without one, the next column."""
    if not reference:
        return previous + 1
    letters = _COLUMN.match(reference)
    if letters is None:
        raise ValueError(reference)
    number = 0
    for letter in letters.group():
        number = number * 26 + ord(letter) - 64
    return number


def xlsx_rows(raw: bytes) -> Iterator[tuple[int, list]]:
    """(row number, values) of each row of the first sheet with something in it, top to bottom;
    empty cells are None, rows are at most MAX_COLUMNS long and may be ragged. Stop iterating to
    stop reading."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            book = _Workbook(archive)
            if book.sheet is None or not _has(archive, book.sheet):
                raise ValidationProblem(NOT_A_WORKBOOK)
            values: list = []
            number = column = blank = 0
            for element in _ends(archive, book.sheet, {_CELL, _ROW, _SHEET_DATA}):
                if element.tag == _CELL:
                    column = _column(element.get("r"), column)
                    if column <= MAX_COLUMNS:
                        values.extend([None] * (column - len(values)))
                        values[column - 1] = book.value(element)
                elif element.tag == _ROW:
                    number = int(element.get("r") or number + 1)
                    if any(v is not None and v != "" for v in values):
                        yield number, values
                    else:  # rows numbered past are free; rows written empty cost reading them
                        blank += 1
                        if blank > MAX_BLANK_ROWS:
                            raise ValidationProblem(TOO_MUCH)
                    values, column = [], 0
                else:
                    return  # what follows the cells (merged cells, print setup...) is not needed
    except ValidationProblem:
        raise
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, TypeError, ParseError, OSError, EOFError):
        raise ValidationProblem(NOT_A_WORKBOOK) from None
    except Exception as exc:  # defusedxml refuses entity declarations with its own kinds
        if type(exc).__module__.startswith("defusedxml"):
            raise ValidationProblem(NOT_A_WORKBOOK) from None
        raise
