"""Participants and the readiness check through their pages, with the error paths."""

from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.readiness_ratings import (
    add_statement,
    delete_statement,
    list_statements,
    ratings_of,
    readiness_summary,
)
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import demo_id, errors, new_workspace, open_page, scoped_key, successes, wkey, write


def test_add_participants_and_see_the_anchoring_warnings(app, db):
    at = new_workspace(app)
    ws = next(w.id for w in db(list_workspaces) if w.name == "Blank")
    at = open_page(at, "app_pages/analysis/participants.py")
    at.text_input(key=wkey(at, "participant_new_name")).input("Kari")
    at.text_input(key=wkey(at, "participant_new_department")).input("Sales")
    at.button(key=wkey(at, "participant_new_submit")).click().run()
    assert "Added Kari." in successes(at)
    warnings = " ".join(w.value for w in at.warning)
    assert "Only one department" in warnings and "No leader" in warnings
    at.text_input(key=wkey(at, "participant_new_name")).input("kari")
    at.button(key=wkey(at, "participant_new_submit")).click().run()
    assert any("already a participant" in e for e in errors(at))
    at.text_input(key=wkey(at, "participant_new_name")).input("Ola")
    at.text_input(key=wkey(at, "participant_new_department")).input("IT")
    at.checkbox(key=wkey(at, "participant_new_leader")).check()
    at.button(key=wkey(at, "participant_new_submit")).click().run()
    assert not at.warning
    assert [(p.name, p.department, p.is_leader) for p in db(list_participants, workspace_id=ws)] == [
        ("Kari", "Sales", False),
        ("Ola", "IT", True),
    ]


def test_edit_and_remove_a_participant(app, db):
    at = open_page(app, "app_pages/analysis/participants.py")
    person = db(list_participants, workspace_id=demo_id(db))[0]
    at.selectbox(key=wkey(at, "participant_edit_choice")).set_value(person.id).run()
    at.text_input(key=scoped_key(at, "participant_edit", person.id, "role")).input("Chief executive")
    at.button(key=scoped_key(at, "participant_edit", person.id, "submit")).click().run()
    assert not errors(at)
    assert (
        next(p for p in db(list_participants, workspace_id=demo_id(db)) if p.id == person.id).role == "Chief executive"
    )
    at.checkbox(key=wkey(at, "participant_delete_confirm")).check().run()
    at.button(key=wkey(at, "participant_delete")).click().run()
    assert person.id not in {p.id for p in db(list_participants, workspace_id=demo_id(db))}


def test_rating_as_a_participant_updates_the_summary(app, db):
    ws = demo_id(db)
    before = db(readiness_summary, workspace_id=ws).overall_percent
    rater = next(p for p in db(list_participants, workspace_id=ws) if p.name == "Siri Nilsen")  # has not rated
    statements = db(list_statements, workspace_id=ws)
    at = open_page(app, "app_pages/analysis/readiness.py")
    at.selectbox(key=wkey(at, "readiness_rater")).set_value(rater.id).run()
    for statement in statements:
        at.radio(key=f"readiness_score_{rater.id}_{statement.id}").set_value(5)
    at.text_input(key=f"readiness_note_{rater.id}_{statements[0].id}").input("Leaders <b>show up</b>")
    at.button(key=f"readiness_submit_{rater.id}").click().run()
    assert "Saved 7 ratings for Siri Nilsen." in successes(at)
    mine = db(ratings_of, workspace_id=ws, participant_id=rater.id)
    assert {r.score for r in mine.values()} == {5}
    assert mine[statements[0].id].note == "Leaders <b>show up</b>"
    after = db(readiness_summary, workspace_id=ws).overall_percent
    assert after > before
    # The summary on the page follows the save at once (it reruns with the form).
    assert {m.label: m.value for m in at.metric}["Readiness"] == f"{after} / 100"


def test_a_statement_removed_while_the_form_was_open_is_left_out_and_the_rest_saved(app, app_db, db):
    ws = demo_id(db)
    own = write(app_db, add_statement, workspace_id=ws, data={"text": "Our shops share one customer view."})
    rater = next(p for p in db(list_participants, workspace_id=ws) if p.name == "Siri Nilsen")
    statements = db(list_statements, workspace_id=ws)
    at = open_page(app, "app_pages/analysis/readiness.py")
    at.selectbox(key=wkey(at, "readiness_rater")).set_value(rater.id).run()
    for statement in statements:
        at.radio(key=f"readiness_score_{rater.id}_{statement.id}").set_value(4)
    write(app_db, delete_statement, workspace_id=ws, statement_id=own.id)
    at.button(key=f"readiness_submit_{rater.id}").click().run()
    assert not errors(at)
    assert "Saved 7 ratings for Siri Nilsen." in successes(at)
    assert {k: r.score for k, r in db(ratings_of, workspace_id=ws, participant_id=rater.id).items()} == {
        s.id: 4 for s in statements if s.id != own.id
    }


def test_note_without_score_is_refused(app, db):
    ws = demo_id(db)
    rater = next(p for p in db(list_participants, workspace_id=ws) if p.name == "Siri Nilsen")
    statement = db(list_statements, workspace_id=ws)[0]
    at = open_page(app, "app_pages/analysis/readiness.py")
    at.selectbox(key=wkey(at, "readiness_rater")).set_value(rater.id).run()
    at.text_input(key=f"readiness_note_{rater.id}_{statement.id}").input("Unsure")
    at.button(key=f"readiness_submit_{rater.id}").click().run()
    assert any("Give a score from 1 to 5 with the note" in e for e in errors(at))
    assert db(ratings_of, workspace_id=ws, participant_id=rater.id) == {}


def test_own_statement_can_be_added_and_removed_but_not_a_standard_one(app, db):
    ws = demo_id(db)
    at = open_page(app, "app_pages/analysis/readiness.py")
    at.text_input(key=wkey(at, "readiness_new_text")).input("Our branches share one customer view.")
    at.button(key=wkey(at, "readiness_new_submit")).click().run()
    assert not errors(at)
    assert len(db(list_statements, workspace_id=ws)) == 8
    at.text_input(key=wkey(at, "readiness_new_text")).input("our branches share one customer view.")
    at.button(key=wkey(at, "readiness_new_submit")).click().run()
    assert any("already in the check" in e for e in errors(at))
    at.button(key=wkey(at, "readiness_remove")).click().run()
    assert len(db(list_statements, workspace_id=ws)) == 7


def test_without_participants_you_can_add_yourself_and_rate(app, db):
    at = new_workspace(app)
    at = open_page(at, "app_pages/analysis/readiness.py")
    assert any("Nobody has rated" in i.value for i in at.info)
    at.text_input(key=wkey(at, "readiness_self_name")).input("Facilitator")
    at.button(key=wkey(at, "readiness_self_submit")).click().run()
    assert not errors(at)
    assert at.selectbox(key=wkey(at, "readiness_rater")).value is not None
