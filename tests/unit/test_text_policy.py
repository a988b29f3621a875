"""The one text policy where text enters: characters that cannot be stored are refused with a
sentence naming the field and the place, never dropped or changed without a word."""

from __future__ import annotations

import pytest

from crmstrategy.core.text import clean_name, clean_text, displayable, md_escape


@pytest.mark.parametrize("clean", [clean_name, clean_text])
def test_a_lone_surrogate_is_refused_naming_the_field_and_the_place(clean):
    with pytest.raises(ValueError) as refused:
        clean("Kund \ud83d glad", "Segment name")
    assert str(refused.value) == (
        "Segment name holds half of an emoji or symbol at character 6 (a broken paste), which cannot "
        "be saved. Delete it and type the character again."
    )


@pytest.mark.parametrize("clean", [clean_name, clean_text])
@pytest.mark.parametrize(("text", "code", "place"), [("Ac\x00me", "U+0000", 3), ("\x1bx", "U+001B", 1)])
def test_a_control_character_is_refused_not_dropped(clean, text, code, place):
    with pytest.raises(ValueError) as refused:
        clean(text, "Notes")
    assert str(refused.value) == (
        f"Notes holds an invisible control character ({code}) at character {place}, which cannot be "
        "saved. Delete it and try again."
    )


def test_a_whole_emoji_right_to_left_text_and_markup_are_kept_as_typed():
    typed = "🎉 שלום عربي $$x$$ :red[x] <b>x</b> =SUM(A1)"
    assert clean_text(typed) == typed
    assert clean_name(typed) == typed


def test_tabs_and_line_breaks_inside_free_text_are_kept():
    assert clean_text("one\ttwo\n\tthree") == "one\ttwo\n\tthree"


def test_displayable_replaces_only_lone_surrogates():
    assert displayable("a\ud800b 🎉") == "a\ufffdb 🎉"


def test_md_escape_of_a_lone_surrogate_can_be_sent_to_the_browser():
    md_escape("x\udfffy").encode("utf-8")


def test_markdown_files_show_dollars_and_every_marker_literally():
    from crmstrategy.core.pdf import md_literal

    assert md_literal("$$x$$ costs $5 [a](javascript:b) **c**") == (
        "\\$\\$x\\$\\$ costs \\$5 \\[a\\]\\(javascript:b\\) \\*\\*c\\*\\*"
    )
