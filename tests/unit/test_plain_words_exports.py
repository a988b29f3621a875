"""No internal shorthand in what teams take home: the exports (XLSX cells, CSV, Markdown, the plan's
calendar, the promise as text and the strategy document's Markdown) never name an advice or seed by
number, nor say "(sd)", on the demo and on an empty workspace."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from crmstrategy.analysis.exports import (
    insights_csv,
    insights_xlsx,
    persona_markdown,
    segments_csv,
    segments_xlsx,
)
from crmstrategy.analysis.insights import list_insights
from crmstrategy.analysis.personas import list_personas
from crmstrategy.analysis.segments import list_segments
from crmstrategy.core import clock
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.implementation.anchoring import list_role_impacts
from crmstrategy.implementation.plan import list_actions
from crmstrategy.implementation.plan_exports import plan_csv, plan_ics, plan_markdown, plan_xlsx
from crmstrategy.strategy.promise import current_promise
from crmstrategy.strategy.promise_cards import promise_text
from crmstrategy.workspace.document_exports import document_markdown
from crmstrategy.workspace.strategy_document import strategy_document
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import create_workspace

INTERNAL = re.compile(r"(?i)\b(advice|seed)s?\s*\d|\(sd\)")


def _xlsx_text(data: bytes) -> str:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return "\n".join(
        str(cell)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def _export_texts(engine, workspace_id: int) -> dict[str, str]:
    today = clock.today()
    with read_session(engine) as session:
        doc = strategy_document(session=session, workspace_id=workspace_id, with_charts=False)
        segments = list_segments(session=session, workspace_id=workspace_id)
        insights = list_insights(session=session, workspace_id=workspace_id)
        personas = list_personas(session=session, workspace_id=workspace_id)
        actions = list_actions(session=session, workspace_id=workspace_id)
        impacts = list_role_impacts(session=session, workspace_id=workspace_id)
        promise = current_promise(session=session, workspace_id=workspace_id)
    name = doc.workspace.name
    texts = {
        "segments.xlsx": _xlsx_text(segments_xlsx(segments, doc.workspace.currency)),
        "segments.csv": segments_csv(segments).decode("utf-8-sig"),
        "insights.xlsx": _xlsx_text(insights_xlsx(insights)),
        "insights.csv": insights_csv(insights).decode("utf-8-sig"),
        "plan.xlsx": _xlsx_text(plan_xlsx(actions, impacts, today)),
        "plan.csv": plan_csv(actions, today).decode("utf-8-sig"),
        "plan.ics": plan_ics(actions, name, clock.now()).decode("utf-8"),
        "plan.md": plan_markdown(actions, impacts, name, today),
        "strategy.md": document_markdown(doc)[0],
    }
    texts |= {f"persona {p.name}.md": persona_markdown(p) for p in personas}
    if promise is not None:
        texts["promise.txt"] = promise_text(promise, name)
    return texts


@pytest.mark.parametrize("start", ["demo", "empty"])
def test_no_export_names_an_advice_or_a_seed_by_number(sqlite_engine, start):
    with unit_of_work(sqlite_engine) as session:
        if start == "demo":
            workspace_id = import_workspace(session=session, document=load_demo_document()).id
        else:
            workspace_id = create_workspace(session=session, data={"name": "Blank", "currency": "NOK"}).id
    texts = _export_texts(sqlite_engine, workspace_id)
    if start == "demo":
        # The walk covers real content: every export has something in it, the document a whole strategy
        assert len(texts) >= 12
        assert "Monthly churn report per branch" in texts["plan.xlsx"]
        assert "Churn, not opens and clicks: what customers do, not only what we send." in texts["plan.xlsx"]
    found = {name: INTERNAL.findall(text) for name, text in texts.items() if INTERNAL.search(text)}
    assert found == {}
