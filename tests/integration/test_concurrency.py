"""Many users writing to one workspace at the same moment, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

from crmstrategy.analysis.models import DEFAULT_VALUE_DRIVERS
from crmstrategy.analysis.segments import add_value_driver, create_segment, list_segments, list_value_drivers
from crmstrategy.core.db import read_session, unit_of_work
from tests.integration.support import new_workspace, run_together

SEGMENT_WRITERS = 20
DRIVER_WRITERS = 5


def test_twenty_simultaneous_writers_all_succeed(engine):
    workspace_id = new_workspace(engine, "Busy workshop")

    def create(n):
        def job():
            with unit_of_work(engine) as session:
                create_segment(
                    session=session,
                    workspace_id=workspace_id,
                    data={
                        "name": f"Segment {n:02d}",
                        "customer_count": n,
                        "value_drivers": ["Price", "Shared new driver", f"Own driver {n:02d}"],
                    },
                )

        return job

    def add_driver(n):
        def job():
            with unit_of_work(engine) as session:
                add_value_driver(session=session, workspace_id=workspace_id, name=f"Added driver {n}")

        return job

    jobs = [create(n) for n in range(SEGMENT_WRITERS)] + [add_driver(n) for n in range(DRIVER_WRITERS)]
    errors = run_together(jobs)

    assert errors == []
    with read_session(engine) as session:
        segments = list_segments(session=session, workspace_id=workspace_id)
        drivers = list_value_drivers(session=session, workspace_id=workspace_id)
    assert sorted(s.name for s in segments) == [f"Segment {n:02d}" for n in range(SEGMENT_WRITERS)]
    for segment in segments:
        assert set(segment.value_drivers) == {"Price", "Shared new driver", f"Own driver {segment.customer_count:02d}"}
    assert drivers.count("Shared new driver") == 1
    assert set(drivers) == (
        {*DEFAULT_VALUE_DRIVERS, "Shared new driver"}
        | {f"Own driver {n:02d}" for n in range(SEGMENT_WRITERS)}
        | {f"Added driver {n}" for n in range(DRIVER_WRITERS)}
    )
    assert len(drivers) == len(set(drivers))
    assert sorted(s.position for s in segments) == list(range(SEGMENT_WRITERS))


def test_two_workspaces_with_one_name_at_once_give_a_readable_refusal(engine):
    """The race the services cannot see: both check, both insert; the loser gets a sentence."""

    from crmstrategy.core.db import read_session, unit_of_work
    from crmstrategy.core.errors import ValidationProblem
    from crmstrategy.workspace.workspaces import create_workspace, list_workspaces

    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def create() -> None:
        barrier.wait()
        try:
            with unit_of_work(engine) as session:
                create_workspace(session=session, data={"name": "Same name"})
            outcomes.append("created")
        except ValidationProblem as exc:
            outcomes.append("refused" if ("already exists" in str(exc) or "same moment" in str(exc)) else str(exc))

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["refused"] * 7
    with read_session(engine) as session:
        assert [w.name for w in list_workspaces(session=session)] == ["Same name"]
