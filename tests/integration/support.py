"""Helpers for integration tests: row counts in a fresh session and small builders."""

from __future__ import annotations

import threading

from sqlalchemy import func
from sqlmodel import select

from crmstrategy.analysis.personas import create_persona
from crmstrategy.analysis.segments import create_segment
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.workspace.workspaces import create_workspace


def call(engine, service, **kwargs):
    """A write service in one transaction of its own."""
    with unit_of_work(engine) as session:
        return service(session=session, **kwargs)


def read(engine, service, **kwargs):
    """A read service in a session of its own."""
    with read_session(engine) as session:
        return service(session=session, **kwargs)


def export_document(engine, workspace_id: int) -> dict:
    from crmstrategy.workspace.workspace_file import export_workspace

    return read(engine, export_workspace, workspace_id=workspace_id)


def import_document(engine, document: dict, **kwargs):
    from crmstrategy.workspace.workspace_file import import_workspace

    with unit_of_work(engine) as session:
        return import_workspace(session=session, document=document, **kwargs)


def demo_copy(name: str) -> dict:
    """The demo's workspace file under another name, to change and import."""
    import copy

    from crmstrategy.workspace.workspace_file import load_demo_document

    document = copy.deepcopy(load_demo_document())
    document["workspace"]["name"] = name
    return document


def set_at(path: str, value):
    """A change to one section of a workspace file: "actions.2.due_date" sets actions[2]["due_date"]
    (list positions 0-based)."""

    def change(section: dict) -> None:
        *parents, last = path.split(".")
        target = section
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def count(engine, model, **where) -> int:
    """Rows of `model` (optionally filtered by equality), counted in a new session."""
    query = select(func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    with read_session(engine) as session:
        return session.exec(query).one()


def new_workspace(engine, name: str = "Acme", **values) -> int:
    with unit_of_work(engine) as session:
        return create_workspace(session=session, data={"name": name} | values).id


def new_segment(engine, workspace_id: int, name: str, **values) -> int:
    with unit_of_work(engine) as session:
        return create_segment(session=session, workspace_id=workspace_id, data={"name": name} | values).id


def new_persona(engine, workspace_id: int, segment_id: int, name: str, **values) -> int:
    with unit_of_work(engine) as session:
        return create_persona(
            session=session, workspace_id=workspace_id, data={"name": name, "segment_id": segment_id} | values
        ).id


def run_together(jobs) -> list[BaseException]:
    """Start every job at the same instant (a barrier) and collect what each raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait(timeout=60)
            job()
        except BaseException as exc:  # noqa: BLE001  (reported by the test)
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer never finished"
    return errors


def version_of(engine_or_session, model, row_id: int) -> int:
    """The version a row is at now: what a page would send back with an edit drawn from it."""
    from sqlmodel import Session

    if isinstance(engine_or_session, Session):
        return engine_or_session.get(model, row_id).version
    with read_session(engine_or_session) as session:
        return session.get(model, row_id).version
