"""Rewrite data/demo_workspace.json as the workbench itself exports it (run after editing it)."""

import json
import tempfile
from pathlib import Path

from crmstrategy.core.db import make_engine, read_session, unit_of_work, upgrade
from crmstrategy.workspace.workspace_file import (
    DEMO_ANCHOR,
    DEMO_PATH,
    export_workspace,
    import_workspace,
    load_demo_document,
)

with tempfile.TemporaryDirectory() as tmp:
    engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.db'}")
    upgrade(engine)
    with unit_of_work(engine) as session:
        workspace = import_workspace(session=session, document=load_demo_document(today=DEMO_ANCHOR))
    with read_session(engine) as session:
        document = export_workspace(session=session, workspace_id=workspace.id)
    engine.dispose()
document["exported_at"] = "2026-11-23T09:00:00+00:00"
DEMO_PATH.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
print(f"wrote {DEMO_PATH}")
