"""Text rules: name and text cleaning, length limits, and literal display of user text."""

from __future__ import annotations

import string
import unicodedata

import pytest

from crmstrategy.core.text import NAME_MAX, TEXT_MAX, clean_name, clean_text, md_escape

# --- clean_name ------------------------------------------------------------------------


def test_clean_name_strips_and_collapses_inner_whitespace():
    assert clean_name("  Små \t  bedrifter\n ") == "Små bedrifter"


@pytest.mark.parametrize("value", [None, "", "   ", "\t\n "])
def test_clean_name_refuses_missing_or_blank_names(value):
    with pytest.raises(ValueError, match="Segment name is required"):
        clean_name(value, "Segment name")


def test_clean_name_accepts_exactly_the_limit_and_refuses_one_more():
    assert clean_name("x" * NAME_MAX) == "x" * NAME_MAX
    with pytest.raises(ValueError) as refused:
        clean_name("x" * (NAME_MAX + 1), "Persona name")
    assert "Persona name is 121 characters long; keep it to 120." in str(refused.value)


def test_clean_name_normalises_to_nfc():
    decomposed = "A\u030asen Bjo\u0308rn"  # Å and ö written as letter + combining mark
    cleaned = clean_name(decomposed)
    assert cleaned == "Åsen Björn"
    assert unicodedata.is_normalized("NFC", cleaned)


# --- clean_text ------------------------------------------------------------------------


def test_clean_text_turns_none_into_empty_text():
    assert clean_text(None) == ""


def test_clean_text_normalises_line_endings_and_keeps_inner_lines():
    assert clean_text("  first\r\nsecond\rthird  ") == "first\nsecond\nthird"


def test_clean_text_accepts_text_at_the_limit():
    assert len(clean_text("a" * TEXT_MAX)) == TEXT_MAX


def test_clean_text_refuses_10000_characters_stating_length_and_limit():
    with pytest.raises(ValueError) as refused:
        clean_text("a" * 10_000, "Defining needs")
    message = str(refused.value)
    assert "Defining needs" in message
    assert "10,000" in message
    assert "4,000" in message


def test_clean_text_honours_a_smaller_limit():
    with pytest.raises(ValueError, match="limit is 200"):
        clean_text("b" * 201, "Role or title", max_length=200)


# --- md_escape -------------------------------------------------------------------------


def _unescaped_specials(markdown: str) -> list[str]:
    """ASCII punctuation in `markdown` that is not preceded by a backslash escape."""
    found, index = [], 0
    while index < len(markdown):
        ch = markdown[index]
        if ch == "\\":
            index += 2
            continue
        if ch in string.punctuation:
            found.append(ch)
        index += 1
    return found


def _unescape(markdown: str) -> str:
    out, index = [], 0
    while index < len(markdown):
        if markdown[index] == "\\":
            out.append(markdown[index + 1])
            index += 2
        else:
            out.append(markdown[index])
            index += 1
    return "".join(out)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("**x**", r"\*\*x\*\*"),
        ("<script>alert(1)</script>", r"\<script\>alert\(1\)\<\/script\>"),
        ("[a](b)", r"\[a\]\(b\)"),
        (":red[x]", r"\:red\[x\]"),
        ("$x$", r"\$x\$"),
        ("# Heading", r"\# Heading"),
        ("`code`", r"\`code\`"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_escape_escapes_markdown_html_and_streamlit_directives(text, expected):
    assert md_escape(text) == expected


def test_md_escape_leaves_no_special_character_unescaped():
    text = string.punctuation + " mixed **bold** _it_ ~~del~~ |a|b| {x} 1. item + - ="
    escaped = md_escape(text)
    assert _unescaped_specials(escaped) == []
    assert _unescape(escaped) == text


def test_md_escape_keeps_leading_spaces_from_starting_a_code_block():
    escaped = md_escape("    indented")
    assert escaped == "\u00a0" * 4 + "indented"
    assert not escaped.startswith(" ")


def test_md_escape_keeps_line_breaks_as_hard_breaks():
    assert md_escape("first\nsecond\r\nthird") == "first  \nsecond  \nthird"


def test_md_escape_keeps_every_line_literal():
    escaped = md_escape("- item\n> quote\n  # heading")
    lines = escaped.split("  \n")
    assert lines == [r"\- item", r"\> quote", "\u00a0\u00a0" + r"\# heading"]


@pytest.mark.parametrize(
    "text",
    [
        "😀 👩‍🔧 🇳🇴",
        "שלום עולם",
        "مرحبا بالعالم",
        "Bjørn Ærø Åsen äö",
    ],
)
def test_md_escape_keeps_emoji_and_right_to_left_text_unchanged(text):
    assert md_escape(text) == text
