"""The customer promise's pure checks (length, parts, buzzwords, jargon, needs), the word diff of two
versions, and the promise check of the strategy step's progress."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from crmstrategy.strategy.promise_checks import (
    CHAR_CEILING,
    DEFAULT_BUZZWORDS,
    DEFAULT_JARGON,
    NEEDS_TO_TOUCH,
    PART_NAMES,
    SENTENCE_CEILING,
    WORD_CEILING,
    NeedSource,
    PromiseDraft,
    buzzword_check,
    check_promise,
    clean_term,
    find_terms,
    jargon_check,
    length_check,
    needs_check,
    parts_check,
    sentence_count,
    top_needs,
    touched,
    word_diff,
    words,
)
from crmstrategy.workspace.method_path import Place
from crmstrategy.workspace.progress import promise_check


def _words(n: int, word: str = "word") -> str:
    return " ".join([word] * n)


def _sources() -> list[NeedSource]:
    return [
        NeedSource("need", "Parts in stock at the nearest counter", "Kjetil"),
        NeedSource("need", "Clear delivery times", "Kjetil"),
        NeedSource("pain", "Deliveries arriving before the site is ready", "Kjetil"),
        NeedSource("pain", "Invoices he cannot match to jobs", "Kjetil"),
        NeedSource("need", "Installers ask which invoice belongs to which job", "Insight 2026-03-04"),
    ]


def _needs(*texts: str, limit: int = 6) -> list:
    return top_needs([NeedSource("need", text, "Kari") for text in texts], limit=limit)


# --- length ---------------------------------------------------------------------------------


def test_the_ceilings_are_the_documented_ones():
    assert (WORD_CEILING, CHAR_CEILING, SENTENCE_CEILING, NEEDS_TO_TOUCH) == (35, 220, 2, 2)


def test_a_short_promise_passes_the_length_check():
    check = length_check("Parts on the site before the crew arrives. Or we pay for the wait.")
    assert check.key == "length"
    assert check.status == "pass" and check.passed
    assert check.message.startswith("14 words, 66 characters, 2 sentences: within 35 words")


def test_exactly_35_words_pass_and_36_warn_naming_how_many_words_over():
    assert length_check(_words(35)).status == "pass"
    check = length_check(_words(36))
    assert check.status == "warn" and not check.passed
    assert check.message.startswith("36 words, 179 characters, 1 sentence: 1 word")
    assert "over the ceiling of 35 words" in check.message
    assert "5 words over" in length_check(_words(40)).message


def test_one_word_or_one_character_over_is_singular():
    assert ": 1 word over the ceiling" in length_check(_words(36)).message
    assert length_check("x" * 221).message.startswith("1 word, 221 characters, 1 sentence: 1 character over the")


def test_exactly_220_characters_pass_and_221_warn():
    assert length_check("x" * 220).status == "pass"
    check = length_check("x" * 221)
    assert check.status == "warn"
    assert "221 characters" in check.message and "1 character" in check.message


def test_three_sentences_warn_and_two_pass():
    assert length_check("We deliver. You build.").status == "pass"
    check = length_check("We deliver. You build. Everyone wins.")
    assert check.status == "warn"
    assert "3 sentences" in check.message and "1 sentence over" in check.message


def test_an_empty_promise_warns_to_write_the_promise_itself():
    for text in ("", "   \n "):
        check = length_check(text)
        assert check.status == "warn"
        assert "Write the promise itself" in check.message


def test_a_decimal_point_does_not_end_a_sentence():
    assert sentence_count("Sales grew to NOK 1.4 bn this year") == 1
    assert sentence_count("A. B! C?") == 3
    assert sentence_count("Really?! Yes…") == 2
    assert sentence_count("") == 0


def test_words_leave_out_numbers_and_punctuation():
    assert words("NOK 1.4 bn, back-orders; Kjetil's van") == ["NOK", "bn", "back-orders", "Kjetil's", "van"]


# --- parts ----------------------------------------------------------------------------------


def test_all_three_parts_pass():
    check = parts_check(PromiseDraft("Parts today", "Crews keep working", "The counter that knows you", "x"))
    assert check.status == "pass"
    assert check.missing == []


def test_a_missing_part_warns_with_its_name():
    check = parts_check(PromiseDraft(delivers="Parts today", value="", perceived="Reliable"))
    assert check.status == "warn"
    assert check.missing == [PART_NAMES["value"]] == ["how it creates value"]
    assert "Missing: how it creates value." in check.message


def test_a_whitespace_only_part_counts_as_missing():
    check = parts_check(PromiseDraft(delivers="  \n ", value="Crews keep working", perceived="\t"))
    assert check.status == "warn"
    assert check.missing == ["what we deliver", "how we want to be perceived"]


# --- buzzwords and jargon -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A world-class and innovative partner", ["world-class", "innovative"]),
        ("Markedsledende og innovative løsninger", ["Markedsledende", "innovative", "løsninger"]),
        ("Den førende og bedste grossist", ["førende", "bedste"]),
        ("Världsklass och bästa service", ["Världsklass", "bästa"]),
        ("WORLD-CLASS service", ["WORLD-CLASS"]),
    ],
)
def test_the_default_buzzwords_are_found_in_four_languages(text, expected):
    assert find_terms(text, DEFAULT_BUZZWORDS) == expected


def test_buzzwords_match_whole_words_only():
    assert find_terms("Bestilling på nett, uniquely simple", DEFAULT_BUZZWORDS) == []
    assert find_terms("Best at bestilling", ["best"]) == ["Best"]
    assert find_terms("unique and uniquely", ["unique"]) == ["unique"]


def test_a_wildcard_matches_any_ending():
    assert find_terms("Innovativt, innovativa og innovativ", ["innovativ*"]) == [
        "Innovativt",
        "innovativa",
        "innovativ",
    ]
    assert find_terms("Innovativt tenkt", DEFAULT_BUZZWORDS) == ["Innovativt"]


def test_a_longer_term_wins_over_a_shorter_one_inside_it():
    assert find_terms("Simply the best parts", ["best", "the best"]) == ["the best"]
    assert find_terms("Simply the best parts", DEFAULT_BUZZWORDS) == ["the best"]


def test_a_repeated_term_is_reported_once_in_the_order_found():
    assert find_terms("Best parts, best prices, BEST service, and innovative", DEFAULT_BUZZWORDS) == [
        "Best",
        "innovative",
    ]


def test_buzzword_check_warns_and_lists_what_it_found():
    check = buzzword_check("World-class parts from the best counter", list(DEFAULT_BUZZWORDS))
    assert check.status == "warn"
    assert check.found == ["World-class", "the best"]
    assert "'World-class', 'the best'" in check.message


def test_a_clean_promise_passes_the_buzzword_check():
    check = buzzword_check("Parts on the site before the crew arrives, or we pay for the wait.", DEFAULT_BUZZWORDS)
    assert check.status == "pass"
    assert check.found == []
    assert f"{len(DEFAULT_BUZZWORDS)} buzzwords" in check.message


def test_an_empty_promise_has_nothing_to_check_for_buzzwords():
    assert buzzword_check("  ", DEFAULT_BUZZWORDS).status == "info"


def test_the_default_jargon_is_found():
    assert find_terms("Our CRM maps every touchpoints", DEFAULT_JARGON) == ["CRM", "touchpoints"]
    assert find_terms("A smooth customer journey", DEFAULT_JARGON) == ["customer journey"]
    assert find_terms("A smooth customer  journey", DEFAULT_JARGON) == ["customer  journey"]
    assert find_terms("One touchpoint", DEFAULT_JARGON) == ["touchpoint"]


def test_jargon_check_warns_passes_and_waits():
    check = jargon_check("Fewer touchpoints in the customer journey", list(DEFAULT_JARGON))
    assert check.status == "warn"
    assert check.found == ["touchpoints", "customer journey"]
    assert jargon_check("Parts on the site before the crew arrives.", DEFAULT_JARGON).status == "pass"
    assert jargon_check("", DEFAULT_JARGON).status == "info"


def test_clean_term_rejects_what_is_not_a_term():
    for bad, words_in_error in [
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("x" * 61, "61 characters"),
        ("inno*vativ", "only stand at the end"),
        ("*best", "only stand at the end"),
        ("!!!", "no letters"),
        ("*", "no letters"),
    ]:
        with pytest.raises(ValueError, match=words_in_error):
            clean_term(bad)


def test_clean_term_keeps_a_trailing_wildcard_and_collapses_spaces():
    assert clean_term("innovativ*") == "innovativ*"
    assert clean_term("  innovative \t  løsninger ") == "innovative løsninger"
    assert clean_term("x" * 60) == "x" * 60


# --- needs and pains -------------------------------------------------------------------------


def test_top_needs_rank_by_how_many_items_mention_a_word():
    needs = top_needs(_sources())
    # jobs/job count together (a plain plural s may leave three letters)
    assert [n.word for n in needs] == ["delivery", "invoices", "jobs", "parts", "stock", "nearest"]
    assert [n.count for n in needs[:4]] == [2, 2, 2, 1]


def test_singular_and_plural_are_counted_together():
    delivery, invoices = top_needs(_sources())[:2]
    assert [e.text for e in delivery.examples] == [
        "Clear delivery times",
        "Deliveries arriving before the site is ready",
    ]
    assert [e.source for e in invoices.examples] == ["Kjetil", "Insight 2026-03-04"]


def test_a_word_repeated_in_one_item_counts_once():
    needs = _needs("Stock, stock and more stock", "Fast counter")
    assert [(n.word, n.count) for n in needs] == [("stock", 1), ("fast", 1), ("counter", 1)]


def test_ties_go_to_the_word_said_first():
    needs = _needs("Quiet counter", "Clear invoices", "Invoices and counter")
    assert [n.word for n in needs] == ["counter", "invoices", "quiet", "clear"]


def test_top_needs_respect_the_limit():
    assert len(top_needs(_sources(), limit=3)) == 3
    assert len(top_needs(_sources(), limit=50)) > 6


def test_the_names_to_ignore_do_not_count():
    assert "installers" in [n.word for n in top_needs(_sources(), limit=50)]
    needs = top_needs(_sources(), limit=50, ignore="Installers")
    assert "installers" not in [n.word for n in needs]


def test_stop_words_never_become_needs():
    needs = _needs("The installers want the parts og the deliveries", "Och the want", limit=50)
    assert [n.word for n in needs] == ["installers", "parts", "deliveries"]


def test_no_sources_give_no_needs():
    assert top_needs([]) == []


def test_norwegian_stems_and_compounds_touch_the_need():
    needs = _needs("Rask leveranse", limit=50)
    hit, _ = touched("Leveransen kommer i dag", needs)
    assert [n.word for n in hit] == ["leveranse"]
    needs = _needs("Presis levering", limit=50)
    hit, miss = touched("Kort leveringstid", needs)
    assert [n.word for n in hit] == ["levering"]
    assert [n.word for n in miss] == ["presis"]


def test_touched_splits_the_needs_into_hit_and_missed():
    needs = top_needs(_sources())
    hit, miss = touched("Every delivery on time, parts in stock", needs)
    assert [n.word for n in hit] == ["delivery", "parts", "stock"]
    assert [n.word for n in miss] == ["invoices", "jobs", "nearest"]


def test_needs_check_passes_when_two_needs_are_touched():
    check = needs_check("One invoice per visit, and every delivery on time.", top_needs(_sources()), "Installers")
    assert check.status == "pass"
    assert check.found == ["delivery", "invoices"]
    assert check.missing == ["jobs", "parts", "stock", "nearest"]
    assert "touches 2 of the 6 needs and pains that come back most in Installers" in check.message


def test_needs_check_warns_when_one_need_is_touched():
    check = needs_check("Every delivery on time.", top_needs(_sources()), "Installers")
    assert check.status == "warn"
    assert check.found == ["delivery"]
    assert "touches at least 2" in check.message


def test_needs_check_waits_without_needs_or_without_a_promise():
    check = needs_check("Every delivery on time.", [], "the personas of Installers")
    assert check.status == "info"
    assert "the personas of Installers record no needs or pains" in check.message
    check = needs_check("  ", top_needs(_sources(), limit=2), "Installers")
    assert check.status == "info"
    assert check.missing == ["delivery", "invoices"]


def test_check_promise_runs_the_five_checks_in_order():
    draft = PromiseDraft("Parts today", "Crews keep working", "Reliable", "Every delivery on time, world-class CRM.")
    checks = check_promise(
        draft,
        buzzwords=list(DEFAULT_BUZZWORDS),
        jargon=list(DEFAULT_JARGON),
        needs=top_needs(_sources()),
        scope="Installers",
    )
    assert [c.key for c in checks] == ["length", "parts", "buzzwords", "jargon", "needs"]
    assert [c.status for c in checks] == ["pass", "pass", "warn", "warn", "warn"]


# --- word diff ------------------------------------------------------------------------------


def test_identical_texts_are_all_the_same():
    assert word_diff("Parts on the  site", "Parts on the site") == [
        ("same", "Parts"),
        ("same", "on"),
        ("same", "the"),
        ("same", "site"),
    ]


def test_a_replaced_word_is_removed_then_added():
    assert word_diff("Parts today", "Parts tomorrow") == [
        ("same", "Parts"),
        ("removed", "today"),
        ("added", "tomorrow"),
    ]


def test_words_inserted_and_deleted_at_the_start_and_end():
    assert word_diff("on the site", "Parts on the site today") == [
        ("added", "Parts"),
        ("same", "on"),
        ("same", "the"),
        ("same", "site"),
        ("added", "today"),
    ]
    assert word_diff("Parts on the site today", "on the site") == [
        ("removed", "Parts"),
        ("same", "on"),
        ("same", "the"),
        ("same", "site"),
        ("removed", "today"),
    ]


def test_from_an_empty_text_every_word_is_added():
    assert word_diff("", "Parts today") == [("added", "Parts"), ("added", "today")]
    assert word_diff("Parts today", "") == [("removed", "Parts"), ("removed", "today")]
    assert word_diff("", "") == []


# --- progress -------------------------------------------------------------------------------


def _version(number: int, is_current: bool = False) -> SimpleNamespace:
    return SimpleNamespace(number=number, is_current=is_current)


def test_the_promise_check_is_done_with_a_current_version():
    check = promise_check([_version(1), _version(2, is_current=True), _version(3)])
    assert check.done
    assert check.detail == "Version 2 of 3 is the current promise."
    assert check.page == Place.PROMISE


def test_the_promise_check_is_not_done_without_a_current_version():
    check = promise_check([_version(1), _version(2)])
    assert not check.done
    assert check.detail == "2 versions saved, none marked as the current promise."
    assert promise_check([_version(1)]).detail == "1 version saved, none marked as the current promise."


def test_the_promise_check_is_not_done_without_versions():
    check = promise_check([])
    assert not check.done
    assert check.detail.startswith("No promise yet")
    assert check.page == Place.PROMISE
