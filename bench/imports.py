"""Import timings for the benchmark: the refusal of a small XLSX declaring a million rows (time and
memory, in a fresh process so the memory is the refusal's own), the preview of a 5,000-row
insight file as CSV and as XLSX, and the write of those 5,000 insights in one transaction.

The insight import is the heaviest: eight columns, segment and persona names resolved to ids,
a theme per row. Files name the workspace's own segments and personas, as a real file would.

    python -m bench.imports refuse FILE   (what the benchmark runs in the fresh process)
"""

from __future__ import annotations

import csv
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook

from crmstrategy.analysis.models import INSIGHT_KINDS, INSIGHT_SOURCES
from crmstrategy.core import clock

ROOT = Path(__file__).resolve().parent.parent
IMPORT_ROWS = 5000
DECLARED_ROWS = 1_000_000
REFUSAL_TARGET_MS, REFUSAL_TARGET_MB, PREVIEW_TARGET_MS = 1000, 100, 2000
HEADER = ["Date", "Type", "Text", "Source", "Theme", "Segments", "Personas", "Recorded by"]


def million_row_xlsx() -> bytes:
    """The reported file: some 147 KB declaring a million rows, and holding them too."""
    workbook = Workbook()
    workbook.active.append(["Name"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:Z1048576"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c></row>'
        + b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * DECLARED_ROWS
        + b"</sheetData></worksheet>"
    )
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info))
    return out.getvalue()


def _memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak) of this process. Not getrusage's ru_maxrss: Linux carries
    that over from the parent across fork and exec, so a child would report the parent's peak."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _refuse(path: str, runs: int) -> None:
    """In the fresh process: time each refusal; memory is the peak RSS over what the process held
    before the first one (the imports of the app included in neither)."""
    from crmstrategy.core.errors import ValidationProblem
    from crmstrategy.core.tabular import read_table

    raw = Path(path).read_bytes()
    before = _memory_mb("VmRSS")
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        try:
            read_table(raw, "huge.xlsx")
        except ValidationProblem as refused:
            assert "more than 5,000 rows" in str(refused), refused
        else:
            raise AssertionError("the million-row file was not refused")
        samples.append((time.perf_counter() - start) * 1000)
    peak = _memory_mb("VmHWM")
    print(json.dumps({"ms": statistics.median(samples), "first_ms": samples[0], "mb": max(0.0, peak - before)}))


def time_refusal(runs: int) -> tuple[float, float, float, int]:
    """(median ms, first-run ms, MB, file size in bytes) of refusing the million-row file."""
    raw = million_row_xlsx()
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as file:
        file.write(raw)
        file.flush()
        done = subprocess.run(
            [sys.executable, "-m", "bench.imports", "refuse", file.name, str(runs)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["ms"], result["first_ms"], result["mb"], len(raw)


def insight_rows(segments: list[str], personas: list[str]) -> list[list]:
    today = clock.today()
    return [
        [
            today.replace(day=1).isoformat(),
            INSIGHT_KINDS[n % len(INSIGHT_KINDS)],
            f"Customer {n} said the parts for the job were not at the counter when the van came by",
            INSIGHT_SOURCES[n % len(INSIGHT_SOURCES)],
            f"Import theme {n % 12}",
            f"{segments[n % len(segments)]}; {segments[(n * 7) % len(segments)]}",
            personas[n % len(personas)],
            "Bench",
        ]
        for n in range(IMPORT_ROWS)
    ]


def as_csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # as Nordic Excel saves it
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def as_xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _names(url: str, workspace_id: int) -> tuple[dict[str, int], dict[str, int]]:
    from crmstrategy.analysis.personas import list_personas
    from crmstrategy.analysis.segments import list_segments
    from crmstrategy.core.db import make_engine, read_session

    engine = make_engine(url)
    with read_session(engine) as session:
        segments = {s.name: s.id for s in list_segments(session=session, workspace_id=workspace_id)}
        personas = {p.name: p.id for p in list_personas(session=session, workspace_id=workspace_id)}
    engine.dispose()
    return segments, personas


def time_previews(url: str, workspace_id: int, runs: int) -> dict[str, float]:
    """What the insights page does with an upload: read the workspace's names, preview the file."""
    from crmstrategy.analysis.insight_import import preview_insight_import

    segments, personas = _names(url, workspace_id)
    rows = insight_rows(sorted(segments), sorted(personas))
    result = {}
    for kind, raw in (("csv", as_csv(rows)), ("xlsx", as_xlsx(rows))):
        samples = []
        for n in range(runs + 1):
            start = time.perf_counter()
            names = _names(url, workspace_id)
            preview = preview_insight_import(raw, f"insights.{kind}", segments=names[0], personas=names[1])
            assert (len(preview.valid), preview.rejected) == (IMPORT_ROWS, []), preview.rejected[:3]
            if n:  # the first run is the warm-up
                samples.append((time.perf_counter() - start) * 1000)
        result[kind] = statistics.median(samples)
    return result


def time_write(url: str, workspace_id: int, runs: int) -> float:
    """The confirmed import: 5,000 previewed insights written in one transaction (each run adds
    them again, so run it last)."""
    from crmstrategy.analysis.insight_import import preview_insight_import
    from crmstrategy.analysis.insights import create_insights
    from crmstrategy.core.db import make_engine, unit_of_work

    segments, personas = _names(url, workspace_id)
    raw = as_csv(insight_rows(sorted(segments), sorted(personas)))
    valid = preview_insight_import(raw, "insights.csv", segments=segments, personas=personas).valid
    engine = make_engine(url)
    samples = []
    for n in range(runs + 1):
        start = time.perf_counter()
        with unit_of_work(engine) as session:
            assert create_insights(session=session, workspace_id=workspace_id, rows=valid) == IMPORT_ROWS
        if n:
            samples.append((time.perf_counter() - start) * 1000)
    engine.dispose()
    return statistics.median(samples)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "refuse":
        _refuse(sys.argv[2], int(sys.argv[3]))
    else:
        raise SystemExit(__doc__)
