"""The Personas page: create, edit and delete personas through the forms, with error paths."""

from crmstrategy.analysis.personas import list_personas
from tests.app.conftest import demo_id, errors, open_page, scoped_key, successes, wkey


def test_create_persona_with_channels_and_literal_text(app, db):
    at = open_page(app, "app_pages/analysis/personas.py")
    at.text_input(key=wkey(at, "persona_new_name")).input("Åse 🚀 <i>the buyer</i>")
    at.text_area(key=wkey(at, "persona_new_needs")).input("**Fast** answers\nשלום عربى")
    at.selectbox(key=wkey(at, "persona_new_decision_role")).set_value("Influencer")
    at.text_input(key=wkey(at, "persona_new_channels_owned")).input("App, Newsletter")
    at.text_input(key=wkey(at, "persona_new_channels_earned")).input("Reviews")
    at.button(key=wkey(at, "persona_new_submit")).click().run()
    assert not errors(at)
    persona = next(p for p in db(list_personas, workspace_id=demo_id(db)) if p.name.startswith("Åse"))
    assert persona.name == "Åse 🚀 <i>the buyer</i>"
    assert persona.needs == "**Fast** answers\nשלום عربى"
    assert persona.decision_role == "Influencer"
    assert [(c.kind, c.channel) for c in persona.channels] == [
        ("Owned", "App"),
        ("Owned", "Newsletter"),
        ("Earned", "Reviews"),
    ]
    # The new persona is shown on the card, its text literal (escaped Markdown, plain st.text).
    assert at.selectbox(key=wkey(at, "personas_selected")).value == persona.id
    assert any(h.value == r"Åse 🚀 \<i\>the buyer\<\/i\>" for h in at.header)
    assert any(s.startswith("Created 'Åse 🚀 <i>the buyer</i>'") for s in successes(at))
    assert "**Fast** answers\nשלום عربى" in [t.value for t in at.text]


def test_blank_name_is_refused_and_nothing_written_and_a_long_text_is_not_taken(app, db):
    before = len(db(list_personas, workspace_id=demo_id(db)))
    at = open_page(app, "app_pages/analysis/personas.py")
    at.text_input(key=wkey(at, "persona_new_name")).input("  ")
    at.button(key=wkey(at, "persona_new_submit")).click().run()
    assert any("Persona name is required" in e for e in errors(at))
    assert len(db(list_personas, workspace_id=demo_id(db))) == before
    # The box holds what the service takes: a longer paste is not taken at all (as in the browser).
    pains = at.text_area(key=wkey(at, "persona_new_pains"))
    assert pains.max_chars == 4000
    pains.input("x" * 10_000).run()
    assert at.text_area(key=wkey(at, "persona_new_pains")).value == ""


def test_duplicate_persona_name_is_refused(app, db):
    at = open_page(app, "app_pages/analysis/personas.py")
    at.text_input(key=wkey(at, "persona_new_name")).input("kjetil the van installer")
    at.button(key=wkey(at, "persona_new_submit")).click().run()
    assert any("already exists" in e for e in errors(at))


def test_edit_and_delete_the_selected_persona(app, db):
    at = open_page(app, "app_pages/analysis/personas.py")
    selected = at.selectbox(key=wkey(at, "personas_selected")).value
    at.text_input(key=scoped_key(at, "persona_edit", selected, "name")).input("Renamed persona")
    at.text_input(key=scoped_key(at, "persona_edit", selected, "channels_bought")).input("Trade fair")
    at.button(key=scoped_key(at, "persona_edit", selected, "submit")).click().run()
    assert not errors(at)
    persona = next(p for p in db(list_personas, workspace_id=demo_id(db)) if p.id == selected)
    assert persona.name == "Renamed persona"
    assert ("Bought", "Trade fair") in [(c.kind, c.channel) for c in persona.channels]
    at.checkbox(key=wkey(at, "persona_delete_confirm")).check().run()
    at.button(key=wkey(at, "persona_delete")).click().run()
    assert not errors(at)
    assert selected not in [p.id for p in db(list_personas, workspace_id=demo_id(db))]


def test_segment_filter_limits_the_choice(app, db):
    personas = db(list_personas, workspace_id=demo_id(db))
    segment_id = next(p.segment_id for p in personas if p.name.startswith("Ingrid"))
    at = open_page(app, "app_pages/analysis/personas.py")
    at.selectbox(key=wkey(at, "personas_segment_filter")).set_value(segment_id).run()
    expected = {p.id for p in personas if p.segment_id == segment_id}
    assert len(expected) == 2
    shown = at.selectbox(key=wkey(at, "personas_selected"))
    assert len(shown.options) == 2
    assert shown.value in expected
