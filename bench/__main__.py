"""Time a full AppTest run of every page on the demo and on a large workspace.

    python -m bench [--runs 7]

Prints one table (median of the runs after a warm-up run per page) and the peak RSS.
Targets on the 2-core reference machine: 150 ms a page on the demo, 500 ms on the large one.
Then the downloads, the strategy map's rules and the imports (bench/imports.py).
A room of 30 saving their ratings at once is timed apart: python -m bench.room.
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PAGES = [
    "app_pages/overview/overview.py",
    "app_pages/overview/workspaces.py",
    "app_pages/analysis/participants.py",
    "app_pages/analysis/segments.py",
    "app_pages/analysis/personas.py",
    "app_pages/analysis/insights.py",
    "app_pages/analysis/readiness.py",
    "app_pages/analysis/strengths.py",
    "app_pages/strategy/targets.py",
    "app_pages/strategy/strategy_map.py",
    "app_pages/strategy/goals.py",
    "app_pages/strategy/promise.py",
    "app_pages/strategy/promise_present.py",
    "app_pages/implementation/plan.py",
    "app_pages/implementation/anchoring.py",
    "app_pages/implementation/follow_up.py",
    "app_pages/implementation/feedback.py",
    "app_pages/overview/health.py",
    "app_pages/implementation/document.py",
]
DEMO_TARGET_MS, LARGE_TARGET_MS = 150, 500
from bench.generate import ACTIONS, FEEDBACK, MEASUREMENTS, PROMISE_VERSIONS  # noqa: E402 (after the path is set)
from bench.imports import (  # noqa: E402 (after the path is set)
    DECLARED_ROWS,
    IMPORT_ROWS,
    PREVIEW_TARGET_MS,
    REFUSAL_TARGET_MB,
    REFUSAL_TARGET_MS,
    time_previews,
    time_refusal,
    time_write,
)
from crmstrategy.core import clock  # noqa: E402 (after the path is set)

EXPORT_TARGET_MS = 2000
DOCUMENT_TARGET_MS = 5000  # the whole strategy document, charts drawn included


def _prepare(url: str) -> tuple[int, int]:
    from bench.generate import large_workspace_document
    from crmstrategy.core.db import make_engine, unit_of_work, upgrade
    from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document

    engine = make_engine(url)
    upgrade(engine)
    with unit_of_work(engine) as session:
        demo = import_workspace(session=session, document=load_demo_document()).id
    with unit_of_work(engine) as session:
        large = import_workspace(session=session, document=large_workspace_document()).id
    engine.dispose()
    return demo, large


def _time_page(page: str, workspace_id: int, runs: int) -> float:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["ws"] = str(workspace_id)
    at.run()
    at.switch_page(page)
    at.run()  # warm-up of this page
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].value}")
    samples = []
    for _ in range(runs):
        at.switch_page(page)
        start = time.perf_counter()
        at.run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _matrix_svg(session, workspace_id: int) -> bytes:
    from crmstrategy.core.charts import chart_svg
    from crmstrategy.strategy.charts import priority_matrix_chart
    from crmstrategy.strategy.targets import priority_matrix

    return chart_svg(priority_matrix_chart(priority_matrix(session=session, workspace_id=workspace_id).rows))


def _matrix_png(session, workspace_id: int) -> bytes:
    from crmstrategy.core.charts import chart_png
    from crmstrategy.strategy.charts import priority_matrix_chart
    from crmstrategy.strategy.targets import priority_matrix

    return chart_png(priority_matrix_chart(priority_matrix(session=session, workspace_id=workspace_id).rows))


def _workspace_json(session, workspace_id: int) -> bytes:
    from crmstrategy.workspace.workspace_file import export_workspace_json

    return export_workspace_json(session=session, workspace_id=workspace_id)


def _map_svg(session, workspace_id: int) -> bytes:
    from crmstrategy.core.charts import chart_svg
    from crmstrategy.strategy.charts import strategy_map_chart
    from crmstrategy.strategy.strategy_map import strategy_map

    smap = strategy_map(session=session, workspace_id=workspace_id)
    return chart_svg(strategy_map_chart(smap.nodes, smap.links, smap.positions, smap.breached_nodes()))


def _plan_file(session, workspace_id: int, kind: str) -> bytes:
    from crmstrategy.implementation.anchoring import list_role_impacts
    from crmstrategy.implementation.plan import list_actions
    from crmstrategy.implementation.plan_exports import plan_ics, plan_xlsx

    actions = list_actions(session=session, workspace_id=workspace_id)
    if kind == "ics":
        return plan_ics(actions, "Large workspace", clock.now())
    return plan_xlsx(actions, list_role_impacts(session=session, workspace_id=workspace_id), clock.today())


def _promise_card(session, workspace_id: int, kind: str) -> bytes:
    from crmstrategy.strategy.promise import current_promise
    from crmstrategy.strategy.promise_cards import card_of, promise_pdf, promise_png
    from crmstrategy.workspace.workspaces import get_workspace

    version = current_promise(session=session, workspace_id=workspace_id)
    card = card_of(version, get_workspace(session=session, workspace_id=workspace_id).name)
    return promise_pdf(card) if kind == "pdf" else promise_png(card)


def _strategy_document(session, workspace_id: int, kind: str) -> bytes:
    from crmstrategy.workspace.document_exports import document_html, document_markdown_zip, document_pdf
    from crmstrategy.workspace.strategy_document import strategy_document

    render = {"pdf": document_pdf, "html": document_html, "md": document_markdown_zip}[kind]
    return render(strategy_document(session=session, workspace_id=workspace_id))


_EXPORTS = [
    ("priority matrix .svg", _matrix_svg),
    ("priority matrix .png", _matrix_png),
    ("strategy map .svg", _map_svg),
    ("workspace .json", _workspace_json),
    ("promise card .pdf", lambda s, w: _promise_card(s, w, "pdf")),
    ("promise card .png", lambda s, w: _promise_card(s, w, "png")),
    ("plan .xlsx", lambda s, w: _plan_file(s, w, "xlsx")),
    ("plan .ics", lambda s, w: _plan_file(s, w, "ics")),
    ("strategy document .pdf", lambda s, w: _strategy_document(s, w, "pdf")),
    ("strategy document .html", lambda s, w: _strategy_document(s, w, "html")),
    ("strategy document .md", lambda s, w: _strategy_document(s, w, "md")),
]
MAP_NODES, MAP_TARGET_MS = 200, 200


def _time_map_rules(runs: int) -> float:
    """Graph building, every rule and the layered layout for a 200-node map (no database)."""
    import random

    from bench.generate import strategy_map_sections
    from crmstrategy.strategy.strategy_graph import NodeInfo, build_graph, check_rules, layered_layout

    sections = strategy_map_sections(random.Random(3), MAP_NODES)
    ids = {node["ref"]: n for n, node in enumerate(sections["map_nodes"], start=1)}
    nodes = [NodeInfo(ids[x["ref"]], x["kind"], x["name"], x["owner"], n) for n, x in enumerate(sections["map_nodes"])]
    links = [(ids[a], ids[b]) for a, b in sections["map_links"]]
    with_goals = {ids[g["objective"]] for g in sections["goals"]}
    samples = []
    for n in range(runs + 1):
        start = time.perf_counter()
        graph = build_graph(nodes, links)
        check_rules(graph, with_goals)
        layered_layout(graph)
        if n:
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _time_export(fn, url: str, workspace_id: int, runs: int) -> float:
    """What a download button does when clicked: read in a fresh session, build the file."""
    from crmstrategy.core.db import make_engine, read_session

    engine = make_engine(url)
    samples = []
    for n in range(runs + 1):
        start = time.perf_counter()
        with read_session(engine) as session:
            assert fn(session, workspace_id)
        if n:  # the first run is the warm-up
            samples.append((time.perf_counter() - start) * 1000)
    engine.dispose()
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description="Page timings on the demo and a large workspace.")
    parser.add_argument("--runs", type=int, default=7, help="timed runs per page (after one warm-up)")
    args = parser.parse_args()
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        os.environ["CRMSTRATEGY_DATABASE_URL"] = url
        demo, large = _prepare(url)
        rows = []
        for page in PAGES:
            demo_ms = _time_page(page, demo, args.runs)
            large_ms = _time_page(page, large, args.runs)
            rows.append((page, demo_ms, large_ms))
        exports = [
            (name, _time_export(fn, url, demo, args.runs), _time_export(fn, url, large, args.runs))
            for name, fn in _EXPORTS
        ]
        map_ms = _time_map_rules(args.runs)
        refusal_ms, refusal_first_ms, refusal_mb, refusal_bytes = time_refusal(args.runs)
        previews = time_previews(url, large, args.runs)
        write_ms = time_write(url, large, args.runs)  # last: it adds insights to the large workspace
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"Pages, AppTest full run, median of {args.runs} after a warm-up "
        f"(large = 50 segments, 300 personas, 2,000 insights, 12 participants rating 7 statements and "
        f"5 key factors of every segment: 3,000 strength ratings; a 60-node strategy map with 18 goals; "
        f"{PROMISE_VERSIONS} promise versions; a plan of {ACTIONS:,} actions; {MEASUREMENTS:,} measurements and "
        f"{FEEDBACK} pieces of feedback); targets {DEMO_TARGET_MS} ms demo, {LARGE_TARGET_MS} ms large"
    )
    print(f"{'page':<40}{'demo ms':>10}{'large ms':>10}{'large/demo':>12}  within target")
    for page, demo_ms, large_ms in rows:
        ok = demo_ms <= DEMO_TARGET_MS and large_ms <= LARGE_TARGET_MS
        print(f"{page:<40}{demo_ms:>10.1f}{large_ms:>10.1f}{large_ms / demo_ms:>12.2f}  {'yes' if ok else 'NO'}")
    print(
        f"\nDownloads, median of {args.runs}; target on the large workspace {EXPORT_TARGET_MS} ms, the strategy "
        f"document {DOCUMENT_TARGET_MS} ms"
    )
    print(f"{'download':<26}{'demo ms':>10}{'large ms':>10}  within target")
    for name, demo_ms, large_ms in exports:
        target = DOCUMENT_TARGET_MS if name.startswith("strategy document") else EXPORT_TARGET_MS
        print(f"{name:<26}{demo_ms:>10.1f}{large_ms:>10.1f}  {'yes' if large_ms <= target else 'NO'}")
    print(
        f"\nStrategy map of {MAP_NODES} nodes: graph, every rule and the layout: {map_ms:.1f} ms "
        f"(target {MAP_TARGET_MS} ms: {'yes' if map_ms <= MAP_TARGET_MS else 'NO'})"
    )
    refusal_ok = refusal_ms <= REFUSAL_TARGET_MS and refusal_mb <= REFUSAL_TARGET_MB
    print(
        f"\nImports, median of {args.runs} after a warm-up, on the large workspace (the insight import, the heaviest: "
        f"8 columns, segment and persona names resolved); targets {REFUSAL_TARGET_MS} ms and {REFUSAL_TARGET_MB} MB "
        f"for the refusal, {PREVIEW_TARGET_MS} ms for a preview"
    )
    print(f"{'import':<52}{'ms':>10}{'MB':>8}  within target")
    print(
        f"{f'xlsx declaring {DECLARED_ROWS:,} rows refused ({refusal_bytes / 1000:.0f} KB)':<52}{refusal_ms:>10.1f}"
        f"{refusal_mb:>8.1f}  {'yes' if refusal_ok else 'NO'} (first run {refusal_first_ms:.0f} ms, fresh process)"
    )
    for kind, ms in previews.items():
        label = f"import preview of {IMPORT_ROWS:,} rows ({kind})"
        print(f"{label:<52}{ms:>10.1f}{'':>8}  {'yes' if ms <= PREVIEW_TARGET_MS else 'NO'}")
    print(f"{f'import of {IMPORT_ROWS:,} insights, one transaction':<52}{write_ms:>10.1f}{'':>8}  (no target)")
    print(f"peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
