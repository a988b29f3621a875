"""Strengths and Target segments through their pages (and the targets on the Overview), with the
error paths: hidden ratings until the reveal, the factor library, the weights."""

from __future__ import annotations

import pyarrow as pa
import pytest

from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.scores import DEFAULT_ATTRACTIVENESS_WEIGHTS
from crmstrategy.analysis.segments import create_segment, list_segments, update_segment
from crmstrategy.analysis.strengths import (
    list_factors,
    ratings_of,
    save_strength_ratings,
    segment_strength,
    set_segment_factors,
)
from crmstrategy.strategy.targets import priority_matrix
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import (
    demo_id,
    edit_table,
    editor_key,
    errors,
    new_workspace,
    open_page,
    plain,
    successes,
    wkey,
    write,
)

STATS = ["Mean", "Median", "Spread", "Range"]


# --- helpers -------------------------------------------------------------------------------


def _segment(db, ws: int, name: str):
    return next(s for s in db(list_segments, workspace_id=ws) if s.name == name)


def _participant(db, ws: int, name: str):
    return next(p for p in db(list_participants, workspace_id=ws) if p.name == name)


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _overview(at):
    """The facilitator's table of individual ratings (the dataframe with the statistics columns)."""
    found = [d for d in at.dataframe if set(STATS) <= set(d.value.columns)]
    assert len(found) <= 1
    return found[0].value if found else None


def _open_tab(at, label: str):
    """Choose a tab of the page, as a click on it does: the tabs are lazy, only the open one runs."""
    at.session_state[wkey(at, "strength_tabs")] = label
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _strengths_on(at, segment_id: int, tab: str | None = None):
    at = open_page(at, "app_pages/analysis/strengths.py")
    at.selectbox(key=wkey(at, "strength_segment")).set_value(segment_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return _open_tab(at, tab) if tab else at


def _page_links(at) -> list[str]:
    """The pages linked from the page (by their URL path)."""
    return [link.proto.page for link in at.get("page_link")]


# --- Strengths -----------------------------------------------------------------------------


def test_demo_shows_the_ability_and_the_revealed_ratings(app, db):
    ws = demo_id(db)
    installers = _segment(db, ws, "Time-pressed installers")
    expected = db(segment_strength, workspace_id=ws, segment_id=installers.id)
    at = open_page(app, "app_pages/analysis/strengths.py")
    assert at.selectbox(key=wkey(at, "strength_segment")).value == installers.id
    metrics = _metrics(at)
    assert metrics["Ability"] == f"{expected.ability:.0f} / 100"
    assert metrics["Key factors"] == "5"
    assert metrics["Rated every factor"] == "5 of 5"
    assert metrics["Ratings"] == "revealed"
    assert [t.label for t in at.tabs] == ["Key factors", "Rate", "Facilitator"]
    assert _overview(at) is None  # the Facilitator tab has not been opened: it has not run

    _open_tab(at, "Facilitator")
    overview = _overview(at)
    assert overview is not None
    participants = [p.name for p in db(list_participants, workspace_id=ws)]
    assert list(overview.columns) == ["Factor", "Share", *sorted(participants, key=str.lower), *STATS]
    accuracy = overview.set_index("Factor").loc["Order accuracy"]
    assert (accuracy["Mona Dahl"], accuracy["Erik Solberg"], accuracy["Range"]) == (1, 5, "1–5")

    assert "Discuss these first" in [s.value for s in at.header]
    contested = [plain(m.value) for m in at.markdown if "spread" in m.value and "Order accuracy" in m.value]
    assert contested and "ratings from 1 to 5" in contested[0]
    lines = [t.value for t in at.text]
    assert any(line.startswith("Mona Dahl: 1") and line.endswith("Erik Solberg: 5") for line in lines), lines
    assert "How this is computed" in [e.label for e in at.expander]
    assert at.button(key=wkey(at, "strength_hide")) and not [b for b in at.button if b.key == "strength_reveal"]


def test_rating_as_a_participant_through_the_form_saves(app, db):
    ws = demo_id(db)
    facility = _segment(db, ws, "Facility managers")  # a round in progress: hidden
    hanne = _participant(db, ws, "Hanne Lie")  # one who has not rated this segment
    assert db(ratings_of, workspace_id=ws, segment_id=facility.id, participant_id=hanne.id) == {}
    factors = db(segment_strength, workspace_id=ws, segment_id=facility.id).factors
    at = _strengths_on(app, facility.id)
    assert _metrics(at)["Rated every factor"] == "3 of 5"
    at.selectbox(key=wkey(at, "strength_rater")).set_value(hanne.id).run()
    wanted = {f.factor.id: score for f, score in zip(factors, [2, 5, 3, 4])}
    for factor_id, score in wanted.items():
        radio = at.radio(key=f"strength_score_{facility.id}_{hanne.id}_{factor_id}")
        assert radio.value is None  # nothing rated yet, nothing pre-filled from the others
        radio.set_value(score)
    at.button(key=f"strength_submit_{facility.id}_{hanne.id}").click().run()
    assert not errors(at)
    assert "Saved 4 ratings for Hanne Lie." in successes(at)
    assert db(ratings_of, workspace_id=ws, segment_id=facility.id, participant_id=hanne.id) == wanted
    # The save reran its confirmation and, as she has now rated every factor, that count; not the
    # form (she sees it as she left it, which is what was saved) nor the other figures, which hidden
    # ratings do not move. AppTest shows what that run drew.
    assert _metrics(at) == {"Rated every factor": "4 of 5"}
    assert not at.radio and not at.caption
    at.run()  # the whole page, as the next rerun or a reload draws it
    # Still hidden: rating does not show anyone the others' ratings.
    assert _metrics(at)["Ratings"] == "hidden" and _overview(at) is None
    assert any("hidden from the others" in c.value for c in at.caption)

    # The form shows her own ratings; clearing one ("–") removes it.
    first = factors[0].factor.id
    radio = at.radio(key=f"strength_score_{facility.id}_{hanne.id}_{first}")
    assert radio.value == 2
    radio.set_value("–")  # the option None, by its label (AppTest sends nothing for a None value)
    at.button(key=f"strength_submit_{facility.id}_{hanne.id}").click().run()
    assert "Saved 3 ratings for Hanne Lie." in successes(at)
    assert db(ratings_of, workspace_id=ws, segment_id=facility.id, participant_id=hanne.id) == {
        k: v for k, v in wanted.items() if k != first
    }
    assert _metrics(at) == {"Rated every factor": "3 of 5"}  # one factor left unrated: not finished any more

    # Saving again without finishing changes none of the figures: only the confirmation is redrawn.
    at.run()
    at.button(key=f"strength_submit_{facility.id}_{hanne.id}").click().run()
    assert "Saved 3 ratings for Hanne Lie." in successes(at)
    assert not at.metric


def test_once_revealed_a_participants_save_redraws_the_figures(app, db):
    """After the reveal the medians count, so a save can change the ability: the figures are drawn
    again even when the participant had already rated every factor."""
    ws = demo_id(db)
    contractors = _segment(db, ws, "Project contractors")  # revealed, everyone rated
    erik = _participant(db, ws, "Erik Solberg")  # has rated every factor
    factors = [f.factor for f in db(segment_strength, workspace_id=ws, segment_id=contractors.id).factors]
    at = _strengths_on(app, contractors.id)
    at.selectbox(key=wkey(at, "strength_rater")).set_value(erik.id).run()
    assert all(at.radio(key=f"strength_score_{contractors.id}_{erik.id}_{f.id}").value for f in factors)
    for factor in factors:
        at.radio(key=f"strength_score_{contractors.id}_{erik.id}_{factor.id}").set_value(5)
    at.button(key=f"strength_submit_{contractors.id}_{erik.id}").click().run()
    assert f"Saved {len(factors)} ratings for Erik Solberg." in successes(at)
    after = db(segment_strength, workspace_id=ws, segment_id=contractors.id).ability
    assert _metrics(at)["Ratings"] == "revealed"
    assert _metrics(at)["Ability"] == f"{after:.0f} / 100"


def test_a_factor_added_after_the_round_counts_only_those_who_rated_it(app, app_db, db):
    ws = demo_id(db)
    installers = _segment(db, ws, "Time-pressed installers")
    before = db(segment_strength, workspace_id=ws, segment_id=installers.id)
    assert len(before.raters) == len(before.participants) == 5
    write(
        app_db,
        set_segment_factors,
        workspace_id=ws,
        segment_id=installers.id,
        factors=[
            {"factor": f.factor.factor, "weight": f.factor.weight, "competitor_strength": f.factor.competitor_strength}
            for f in before.factors
        ]
        + [{"factor": "Same-day pick-up", "weight": 1}],
    )
    new = next(
        f.factor.id
        for f in db(segment_strength, workspace_id=ws, segment_id=installers.id).factors
        if f.factor.factor == "Same-day pick-up"
    )
    for name in ("Mona Dahl", "Erik Solberg"):
        write(
            app_db,
            save_strength_ratings,
            workspace_id=ws,
            segment_id=installers.id,
            participant_id=_participant(db, ws, name).id,
            ratings=[{"segment_factor_id": new, "score": 4}],
        )

    at = _strengths_on(app, installers.id, tab="Facilitator")
    assert not errors(at)
    assert _metrics(at)["Key factors"] == "6"
    assert _metrics(at)["Rated every factor"] == "2 of 5"
    others = sorted((n for n in before.participants if n not in ("Mona Dahl", "Erik Solberg")), key=str.lower)
    [line] = [plain(m.value) for m in at.markdown if "participants have rated every factor" in m.value]
    assert line == (
        "**2 of 5 participants have rated every factor.** Partly rated: "
        + ", ".join(f"{name} (5 of 6)" for name in others)
        + ". Waiting for: "
        + ", ".join(others)
        + "."
    )


def test_a_segment_without_key_factors_offers_no_rating_form(app, app_db, db):
    ws = demo_id(db)
    bare = write(app_db, create_segment, workspace_id=ws, data={"name": "Export customers"})
    at = _strengths_on(app, bare.id, tab="Facilitator")
    assert not errors(at)
    metrics = _metrics(at)
    assert (metrics["Ability"], metrics["Key factors"], metrics["Rated every factor"]) == ("not scored", "0", "0 of 5")
    assert any("0 factors" in w.value for w in at.warning)  # the gentle 4-6 advice
    infos = [i.value for i in at.info]
    assert any("This segment has no key factors yet" in i for i in infos)
    assert any("Add key factors first" in i for i in infos)
    keys = {w.key for w in at.button} | {w.key for w in at.radio} | {w.key for w in at.selectbox}
    assert "strength_rater" not in keys
    assert not any(str(k).startswith(("strength_score_", "strength_submit_")) for k in keys)
    assert "strength_reveal" not in keys and "strength_agreed_save" not in keys

    # With factors but nobody's ratings, the reveal button is there but cannot be pressed.
    write(
        app_db,
        set_segment_factors,
        workspace_id=ws,
        segment_id=bare.id,
        factors=[{"factor": "Order accuracy", "weight": 1}, {"factor": "Export papers", "weight": 1}],
    )
    at.run()
    assert not errors(at)
    assert at.button(key=wkey(at, "strength_reveal")).disabled
    assert any("0 of 5 participants have rated every factor." in m.value for m in at.markdown)
    assert at.selectbox(key=wkey(at, "strength_rater")).value is not None


def test_a_factor_removed_while_the_form_was_open_is_not_rated(app, app_db, db):
    """The facilitator changes the key factors while a participant is filling in the form: the
    submit saves the factors that are still there, and nothing for the one that went."""
    ws = demo_id(db)
    contractors = _segment(db, ws, "Project contractors")
    mona = _participant(db, ws, "Mona Dahl")
    factors = [f.factor for f in db(segment_strength, workspace_id=ws, segment_id=contractors.id).factors]
    at = _strengths_on(app, contractors.id)
    at.selectbox(key=wkey(at, "strength_rater")).set_value(mona.id).run()
    for factor in factors:
        at.radio(key=f"strength_score_{contractors.id}_{mona.id}_{factor.id}").set_value(5)
    write(
        app_db,
        set_segment_factors,
        workspace_id=ws,
        segment_id=contractors.id,
        factors=[{"factor": f.factor, "weight": f.weight} for f in factors[1:]]
        + [{"factor": "Trade credit", "weight": 10}],
    )
    at.button(key=f"strength_submit_{contractors.id}_{mona.id}").click().run()
    assert not errors(at)
    assert "Saved 3 ratings for Mona Dahl." in successes(at)
    assert db(ratings_of, workspace_id=ws, segment_id=contractors.id, participant_id=mona.id) == {
        f.id: 5 for f in factors[1:]
    }
    assert _metrics(at)["Key factors"] == "4"
    # The form is drawn again from the key factors as they are now.
    shown = {r.key for r in at.radio}
    assert f"strength_score_{contractors.id}_{mona.id}_{factors[0].id}" not in shown
    assert len(shown) == 4


def test_a_hidden_segment_shows_the_ratings_only_after_the_reveal(app, db):
    ws = demo_id(db)
    facility = _segment(db, ws, "Facility managers")  # a new round of ratings, not revealed yet
    at = _strengths_on(app, facility.id, tab="Facilitator")
    assert _metrics(at)["Ratings"] == "hidden"
    assert _overview(at) is None
    assert "Discuss these first" not in [s.value for s in at.header]
    assert any("appear here after you reveal" in c.value for c in at.caption)
    agreed = next(d.value for d in at.dataframe if "Agreed" in d.value.columns)
    assert agreed["Median"].isna().all()  # not even the median leaks before the reveal
    assert not [t for t in at.text if ":" in t.value]  # no "name: score" lines
    assert not [b for b in at.button if b.key == "strength_hide"]

    at.button(key=wkey(at, "strength_reveal")).click().run()
    assert not errors(at)
    assert any("Ratings revealed" in s for s in successes(at))
    assert db(segment_strength, workspace_id=ws, segment_id=facility.id).revealed
    assert _metrics(at)["Ratings"] == "revealed"
    overview = _overview(at)
    assert overview is not None
    raters = ["Erik Solberg", "Mona Dahl", "Tor Haugen"]
    assert list(overview.columns) == ["Factor", "Share", *raters, *STATS]
    assert "Discuss these first" in [s.value for s in at.header]
    assert not next(d.value for d in at.dataframe if "Agreed" in d.value.columns)["Median"].isna().any()

    at.button(key=wkey(at, "strength_hide")).click().run()
    assert not errors(at)
    assert not db(segment_strength, workspace_id=ws, segment_id=facility.id).revealed
    assert _metrics(at)["Ratings"] == "hidden"
    assert _overview(at) is None
    assert at.button(key=wkey(at, "strength_reveal"))


FACTORS_EDITOR = r"strength_factors_\d+_\d+_v[0-9a-f]+_\d+"
AGREED_EDITOR = r"strength_factors_\d+_\d+_v[0-9a-f]+_agreed_\d+"


def _key_factors(db, ws: int, segment_id: int) -> list[tuple]:
    return [
        (f.factor.factor, f.factor.weight, f.factor.competitor_strength, f.factor.agreed_strength)
        for f in db(segment_strength, workspace_id=ws, segment_id=segment_id).factors
    ]


def test_a_change_in_either_key_factor_table_is_saved_at_once_and_keeps_the_ratings(app, db):
    ws = demo_id(db)
    installers = _segment(db, ws, "Time-pressed installers")
    erik = _participant(db, ws, "Erik Solberg")
    before = _key_factors(db, ws, installers.id)
    mine = db(ratings_of, workspace_id=ws, segment_id=installers.id, participant_id=erik.id)
    at = open_page(app, "app_pages/analysis/strengths.py")
    keys = {b.key for b in at.button}
    assert "strength_factors_save" not in keys and "strength_agreed_save" not in keys  # no Save buttons any more

    edit_table(at, editor_key(at, FACTORS_EDITOR), {"edited_rows": {"0": {"Weight": 45}}})
    assert not errors(at)
    assert successes(at) == ["Saved the key factors of Time-pressed installers."]
    assert _key_factors(db, ws, installers.id) == [(before[0][0], 45.0, *before[0][2:])] + before[1:]
    assert db(ratings_of, workspace_id=ws, segment_id=installers.id, participant_id=erik.id) == mine
    assert at.data_editor(key=editor_key(at, FACTORS_EDITOR)).value["Weight"].iloc[0] == 45.0  # drawn afresh

    _open_tab(at, "Facilitator")
    edit_table(at, editor_key(at, AGREED_EDITOR), {"edited_rows": {"1": {"Agreed": 2}}})
    assert not errors(at)
    assert successes(at) == ["Saved the agreed values of Time-pressed installers; the ability score uses them now."]
    after = _key_factors(db, ws, installers.id)
    assert after[1] == (*before[1][:3], 2)
    assert [f[:3] for f in after] == [(before[0][0], 45.0, before[0][2])] + [f[:3] for f in before[1:]]
    assert db(ratings_of, workspace_id=ws, segment_id=installers.id, participant_id=erik.id) == mine


def test_a_half_typed_key_factor_is_refused_at_the_table_kept_and_saved_once_complete(app, db):
    ws = demo_id(db)
    installers = _segment(db, ws, "Time-pressed installers")
    before = _key_factors(db, ws, installers.id)
    at = open_page(app, "app_pages/analysis/strengths.py")
    key = editor_key(at, FACTORS_EDITOR)
    edit_table(at, key, {"added_rows": [{"Factor": "Click and collect"}]})
    assert len(errors(at)) == 1 and errors(at)[0].startswith("Nothing was saved:")
    assert "Weight" in errors(at)[0]
    assert at.button(key="strength_factors_discard")
    assert _key_factors(db, ws, installers.id) == before
    assert editor_key(at, FACTORS_EDITOR) == key  # the same editor: what was typed stays in it

    # The next cell completes the row: the editor sends all its edits, and the whole table is saved.
    edit_table(at, key, {"added_rows": [{"Factor": "Click and collect", "Weight": 10}]})
    assert not errors(at)
    assert successes(at) == ["Saved the key factors of Time-pressed installers. New in the library: Click and collect."]
    assert _key_factors(db, ws, installers.id) == before + [("Click and collect", 10.0, None, None)]
    assert "strength_factors_discard" not in {b.key for b in at.button}


def test_discarding_a_refused_edit_draws_the_saved_table_again(app, db):
    ws = demo_id(db)
    installers = _segment(db, ws, "Time-pressed installers")
    before = _key_factors(db, ws, installers.id)
    at = open_page(app, "app_pages/analysis/strengths.py")
    key = editor_key(at, FACTORS_EDITOR)
    edit_table(at, key, {"edited_rows": {"0": {"Weight": -5}}})
    assert len(errors(at)) == 1
    at.button(key="strength_factors_discard").click().run()
    assert not errors(at)
    assert editor_key(at, FACTORS_EDITOR) != key
    assert "strength_factors_discard" not in {b.key for b in at.button}
    assert _key_factors(db, ws, installers.id) == before


def test_add_a_factor_to_the_library_and_refuse_a_duplicate(app, db):
    ws = demo_id(db)
    before = db(list_factors, workspace_id=ws)
    at = open_page(app, "app_pages/analysis/strengths.py")
    at.text_input(key=wkey(at, "strength_new_factor_name")).input("  Digital <b>ordering</b> ")
    at.text_input(key=wkey(at, "strength_new_factor_description")).input("Order from the van, 24/7.")
    at.button(key=wkey(at, "strength_new_factor_submit")).click().run()
    assert not errors(at)
    assert any("Added 'Digital <b>ordering</b>' to the library" in s for s in successes(at))
    assert at.text_input(key=wkey(at, "strength_new_factor_name")).value == ""  # ready for the next one
    added = next(f for f in db(list_factors, workspace_id=ws) if f.name == "Digital <b>ordering</b>")
    assert (added.description, added.segments) == ("Order from the van, 24/7.", ())
    library = next(d.value for d in at.dataframe if "Used by" in d.value.columns)
    assert "Digital <b>ordering</b>" in set(library["Factor"])

    at.text_input(key=wkey(at, "strength_new_factor_name")).input("order ACCURACY")
    at.button(key=wkey(at, "strength_new_factor_submit")).click().run()
    assert any("'order ACCURACY' is already in the library" in e for e in errors(at))
    assert len(db(list_factors, workspace_id=ws)) == len(before) + 1
    assert at.text_input(key=wkey(at, "strength_new_factor_name")).value == "order ACCURACY"  # kept to correct

    at.text_input(key=wkey(at, "strength_new_factor_name")).input("   ")
    at.button(key=wkey(at, "strength_new_factor_submit")).click().run()
    assert errors(at)
    assert len(db(list_factors, workspace_id=ws)) == len(before) + 1


def test_remove_an_unused_factor(app, app_db, db):
    ws = demo_id(db)
    at = open_page(app, "app_pages/analysis/strengths.py")
    # Every demo factor is some segment's key factor: nothing to remove, so no remover.
    assert all(f.segments for f in db(list_factors, workspace_id=ws))
    assert "strength_remove_factor" not in {s.key for s in at.selectbox}
    for name in ("Spare factor", "Another spare"):
        at.text_input(key=wkey(at, "strength_new_factor_name")).input(name)
        at.button(key=wkey(at, "strength_new_factor_submit")).click().run()
        assert not errors(at)
    spare = {f.name: f.id for f in db(list_factors, workspace_id=ws) if not f.segments}
    remover = at.selectbox(key=wkey(at, "strength_remove_factor"))
    assert sorted(remover.options) == sorted(spare)  # only the unused ones are offered
    remover.set_value(spare["Spare factor"]).run()
    at.button(key=wkey(at, "strength_remove_factor_submit")).click().run()
    assert not errors(at)
    assert any("Removed 'Spare factor' from the library." in s for s in successes(at))
    assert {f.name for f in db(list_factors, workspace_id=ws) if not f.segments} == {"Another spare"}


@pytest.mark.parametrize(
    "page, message",
    [
        ("app_pages/analysis/strengths.py", "there are no segments yet"),
        ("app_pages/strategy/targets.py", "There are no segments yet"),
    ],
)
def test_a_new_empty_workspace_points_to_segments(app, page, message):
    at = new_workspace(app)
    at = open_page(at, page)
    assert not at.exception and not errors(at)
    assert any(message in i.value for i in at.info)
    assert "segments" in _page_links(at)
    assert not at.tabs and not at.get("vega_lite_chart")


def test_without_participants_you_can_add_yourself_and_rate(app, app_db, db):
    at = new_workspace(app)
    ws = next(w.id for w in db(list_workspaces) if w.name == "Blank")
    segment = write(app_db, create_segment, workspace_id=ws, data={"name": "Installers"})
    factors = write(
        app_db,
        set_segment_factors,
        workspace_id=ws,
        segment_id=segment.id,
        factors=[{"factor": name, "weight": 25} for name in ("Stock", "Speed", "Price", "Advice")],
    )
    at = open_page(at, "app_pages/analysis/strengths.py")
    assert any("Strength ratings belong to participants" in i.value for i in at.info)
    assert "strength_rater" not in {s.key for s in at.selectbox}
    assert "participants" in _page_links(at)
    at.text_input(key=wkey(at, "strength_self_name")).input(" Åse Berg ")
    at.text_input(key=wkey(at, "strength_self_department")).input("Sales")
    at.button(key=wkey(at, "strength_self_submit")).click().run()
    assert not errors(at)
    assert "Added Åse Berg. Now give your ratings." in successes(at)
    me = _participant(db, ws, "Åse Berg")
    assert me.department == "Sales"
    assert at.selectbox(key=wkey(at, "strength_rater")).value == me.id
    for factor in factors:
        at.radio(key=f"strength_score_{segment.id}_{me.id}_{factor.id}").set_value(3)
    at.button(key=f"strength_submit_{segment.id}_{me.id}").click().run()
    assert "Saved 4 ratings for Åse Berg." in successes(at)
    assert db(ratings_of, workspace_id=ws, segment_id=segment.id, participant_id=me.id) == {f.id: 3 for f in factors}


def test_adding_yourself_with_a_blank_name_is_refused(app, app_db, db):
    at = new_workspace(app)
    ws = next(w.id for w in db(list_workspaces) if w.name == "Blank")
    segment = write(app_db, create_segment, workspace_id=ws, data={"name": "Installers"})
    write(
        app_db, set_segment_factors, workspace_id=ws, segment_id=segment.id, factors=[{"factor": "Stock", "weight": 1}]
    )
    at = open_page(at, "app_pages/analysis/strengths.py")
    at.button(key=wkey(at, "strength_self_submit")).click().run()
    assert errors(at)
    assert db(list_participants, workspace_id=ws) == []


# --- Target segments -----------------------------------------------------------------------


def _weights(db, ws):
    return db(priority_matrix, workspace_id=ws).weights


def _set_weights(at, size, potential, growth):
    at.number_input(key=wkey(at, "target_weight_size")).set_value(size)
    at.number_input(key=wkey(at, "target_weight_potential")).set_value(potential)
    at.number_input(key=wkey(at, "target_weight_growth")).set_value(growth)
    at.button(key=wkey(at, "target_weights_submit")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_targets_on_the_demo_show_matrix_downloads_sensitivity_and_choice(app, db):
    ws = demo_id(db)
    matrix = db(priority_matrix, workspace_id=ws)
    at = open_page(app, "app_pages/strategy/targets.py")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 1
    drawn = set()
    for dataset in charts[0].proto.datasets:
        table = pa.ipc.open_stream(dataset.data.data).read_all()
        if "Segment" in table.column_names:
            drawn |= set(table.column("Segment").to_pylist())
    assert drawn == {r.name for r in matrix.rows}
    # The files are built only when clicked (the browser test downloads the SVG).
    downloads = {d.key: d.label for d in at.get("download_button")}
    assert downloads == {wkey(at, "target_matrix_png"): "Matrix (.png)", wkey(at, "target_matrix_svg"): "Matrix (.svg)"}

    assert not matrix.unstable
    assert any(s.value.startswith("Stable: no segment changes place") for s in at.success)
    choice = next(d.value for d in at.dataframe if "Priority" in d.value.columns)
    assert list(choice["Segment"]) == [r.name for r in matrix.rows]
    assert sorted(choice["Priority"]) == ["Not prioritised", "Primary target", "Primary target", "Secondary"]
    assert "target_choice_save" not in {b.key for b in at.button}  # the table saves each change at once
    assert "How this is computed" in [e.label for e in at.expander]
    assert "target_weights_reset" not in {b.key for b in at.button}  # the weights are the defaults
    assert [n.value for n in at.number_input] == [30.0, 40.0, 30.0]


def test_all_zero_weights_are_refused(app, db):
    ws = demo_id(db)
    at = _set_weights(open_page(app, "app_pages/strategy/targets.py"), 0.0, 0.0, 0.0)
    assert any("At least one attractiveness weight must be above zero" in e for e in errors(at))
    assert _weights(db, ws) == DEFAULT_ATTRACTIVENESS_WEIGHTS
    assert "target_weights_reset" not in {b.key for b in at.button}


def test_new_weights_apply_and_the_defaults_come_back(app, db):
    ws = demo_id(db)
    at = _set_weights(open_page(app, "app_pages/strategy/targets.py"), 50.0, 25.0, 25.0)
    assert not errors(at)
    assert any("Applied the weights" in s for s in successes(at))
    assert _weights(db, ws) == {"size": 50.0, "potential": 25.0, "growth": 25.0}
    assert any("Now: Size (revenue) 50 % · Potential 25 % · Expected growth 25 %" in c.value for c in at.caption)
    assert at.button(key=wkey(at, "target_weights_reset"))

    at.button(key=wkey(at, "target_weights_reset")).click().run()
    assert not errors(at)
    assert _weights(db, ws) == DEFAULT_ATTRACTIVENESS_WEIGHTS
    assert [n.value for n in at.number_input] == [30.0, 40.0, 30.0]
    assert "target_weights_reset" not in {b.key for b in at.button}


def test_weights_that_move_the_ranking_say_so(app, db):
    ws = demo_id(db)
    at = _set_weights(open_page(app, "app_pages/strategy/targets.py"), 10.0, 40.0, 30.0)
    assert not errors(at)
    matrix = db(priority_matrix, workspace_id=ws)
    assert matrix.unstable  # the demo's ranking is sensitive with these weights
    warning = next(plain(w.value) for w in at.warning if w.value.startswith("Not stable"))
    for row in matrix.unstable:
        assert f"{row.name} (place {row.best_rank}–{row.worst_rank})" in warning
    stable = next(plain(c.value) for c in at.caption if c.value.startswith("Stable:"))
    assert all(row.name in stable for row in matrix.stable)


def test_a_priority_changed_in_the_choice_is_saved_at_once_and_the_rationale_in_the_form_under_it(app, db):
    ws = demo_id(db)
    before = {s.name: (s.priority, s.priority_rationale) for s in db(list_segments, workspace_id=ws)}
    at = open_page(app, "app_pages/strategy/targets.py")
    key = editor_key(at, r"target_choice_\d+_all_v[0-9a-f]+_\d+")
    shown = at.data_editor(key=key).value
    assert list(shown.columns[:3]) == ["Segment", "Priority", "Rationale"]
    row = list(shown["Segment"]).index("Facility managers")
    assert before["Facility managers"][0] == "Not prioritised"

    assert before["Facility managers"][1]  # the demo gives it a rationale, so it may become a target
    edit_table(at, key, {"edited_rows": {str(row): {"Priority": "Secondary"}}})
    assert not errors(at)
    assert "Saved the choice of target segments." in successes(at)
    assert {s.name: (s.priority, s.priority_rationale) for s in db(list_segments, workspace_id=ws)} == before | {
        "Facility managers": ("Secondary", before["Facility managers"][1])
    }

    # The rationale is written in the form under the table; the form saves on its button.
    facility = _segment(db, ws, "Facility managers")
    at.selectbox(key=wkey(at, "target_rationale_segment")).set_value(facility.id).run()
    form = f"target_rationale_{ws}_{facility.id}_v{facility.version}"
    assert at.selectbox(key=f"{form}_priority").value == "Secondary"
    at.selectbox(key=f"{form}_priority").set_value("Primary target")
    at.text_area(key=f"{form}_rationale").input("Service contracts *grow* <fast>")
    at.button(key=wkey(at, "target_rationale_save")).click().run()
    assert not errors(at)
    assert "Saved the choice for Facility managers." in successes(at)
    after = {s.name: (s.priority, s.priority_rationale) for s in db(list_segments, workspace_id=ws)}
    assert after["Facility managers"] == ("Primary target", "Service contracts *grow* <fast>")
    assert {k: v for k, v in after.items() if k != "Facility managers"} == {
        k: v for k, v in before.items() if k != "Facility managers"
    }
    shown = at.data_editor(key=editor_key(at, r"target_choice_\d+_all_v[0-9a-f]+_\d+")).value
    assert shown.set_index("Segment").loc["Facility managers", "Rationale"] == "Service contracts *grow* <fast>"


# --- Overview ------------------------------------------------------------------------------


def test_overview_shows_the_target_segments_and_the_strategy_step(app, db):
    ws = demo_id(db)
    at = open_page(app, "app_pages/overview/overview.py")
    headers = [s.value for s in at.header]
    assert "Target segments" in headers
    assert any(s.startswith("2 · Strategy — ") for s in headers)
    assert _metrics(at)["Target segments"] == "3"
    primary = [s.name for s in db(list_segments, workspace_id=ws) if s.priority == "Primary target"]
    assert primary == ["Time-pressed installers", "Project contractors"]
    cards = [plain(m.value) for m in at.markdown if "-badge[" in m.value]
    for name in primary:
        assert any("Primary target" in card and f"**{name}**" in card for card in cards), cards
    assert any("Secondary" in card and "Quality-focused renovators" in card for card in cards)
    assert not any("Facility managers" in card for card in cards)
    assert "targets" in _page_links(at)


def test_segments_with_nothing_scored_have_nothing_to_rank_not_a_stable_ranking(app, app_db, db):
    at = new_workspace(app, "Nothing scored")
    ws = next(w.id for w in db(list_workspaces) if w.name == "Nothing scored")
    for name in ("Installers", "Contractors"):
        write(app_db, create_segment, workspace_id=ws, data={"name": name})
    at = open_page(at, "app_pages/strategy/targets.py")
    assert not errors(at)
    assert [i.value for i in at.info if i.value.startswith("Nothing to rank")] == [
        "Nothing to rank yet: score the segments' size, potential and growth and rate their key factors."
    ]
    assert not [s for s in at.success if "Stable" in s.value]
    assert not [w for w in at.warning if "Not stable" in w.value]
    assert not [c for c in at.caption if c.value.startswith("Stable")]

    # One figure makes a ranking to test
    installers = _segment(db, ws, "Installers")
    write(
        app_db,
        update_segment,
        workspace_id=ws,
        segment_id=installers.id,
        version=installers.version,
        changes={"revenue": 1_000_000},
    )
    at.run()
    assert not [i for i in at.info if i.value.startswith("Nothing to rank")]
    assert any(s.value.startswith("Stable: no segment changes place") for s in at.success)


def test_the_key_factors_and_facilitator_tabs_run_only_while_open_and_keep_what_was_typed(app, db):
    """A participant's page holds the Rate tab alone; the Key factors tab's half-typed factor (a
    text not yet added) is given back when the tab opens again. The rating form's unsent scores,
    which only the browser holds, are checked in the browser."""
    at = open_page(app, "app_pages/analysis/strengths.py")
    assert "Agreed strength" not in [h.value for h in at.header]
    assert len(at.dataframe) == 2  # the key factors table and the library
    at.text_input(key=wkey(at, "strength_new_factor_name")).input("Leveringspresisjon").run()
    at.text_input(key=wkey(at, "strength_new_factor_description")).input("  Levert når lovet ").run()
    _open_tab(at, "Facilitator")
    assert "Agreed strength" in [h.value for h in at.header]
    assert wkey(at, "strength_new_factor_name") not in {t.key for t in at.text_input}
    _open_tab(at, "Rate")
    assert "Agreed strength" not in [h.value for h in at.header]
    assert not at.text_input and not at.dataframe  # no library, no key factors table
    _open_tab(at, "Key factors")
    assert at.text_input(key=wkey(at, "strength_new_factor_name")).value == "Leveringspresisjon"
    assert at.text_input(key=wkey(at, "strength_new_factor_description")).value == "  Levert når lovet "
    at.button(key=wkey(at, "strength_new_factor_submit")).click().run()
    assert successes(at) == ["Added 'Leveringspresisjon' to the library; choose it in the table above."]
    assert at.text_input(key=wkey(at, "strength_new_factor_name")).value == ""  # added, so emptied
    _open_tab(at, "Rate")
    _open_tab(at, "Key factors")
    assert at.text_input(key=wkey(at, "strength_new_factor_name")).value == ""  # and not given back
