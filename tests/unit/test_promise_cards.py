"""The customer promise as files: the one-page PDF card and the PNG slide (read back with pypdf and
Pillow), the line wrapping of the PNG, and the plain text."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image, ImageFont
from pypdf import PdfReader

from crmstrategy.core.pdf import FONT_DIR
from crmstrategy.strategy.models import PROMISE_PARTS, PromiseVersionRead
from crmstrategy.strategy.promise_cards import (
    NAVY,
    PNG_SIZE,
    PromiseCard,
    card_of,
    promise_pdf,
    promise_png,
    promise_text,
    wrap_to_width,
)

COMPOUND = "kundetilfredshetsundersøkelsesresultatene"
SHORT = "Parts on the site before the crew arrives."
FOOTER = "Version 3 · 2026-11-20 · Hanne Lie"
WHITE = (255, 255, 255)


def _long_promise() -> str:
    words = [COMPOUND, "leveringspresisjonsgaranti", "byggeplassleveranseavtale", "ordrebekreftelsesrutinene"]
    text = " ".join(words * 10)[:600]
    assert len(text) == 600
    return text


def _card(text: str = SHORT, **values) -> PromiseCard:
    base = {"workspace": "Rørlegger Øst AS", "segments": ["Installers", "Renovators"], "footer": FOOTER}
    return PromiseCard(text=text, **(base | values))


def _pdf(card: PromiseCard) -> PdfReader:
    return PdfReader(io.BytesIO(promise_pdf(card)))


def _text_runs(reader: PdfReader) -> list[tuple[str, float, float]]:
    """(text, baseline y in points from the bottom, font size) of every text run on the first page."""
    runs = []

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            runs.append((text, tm[5], font_size))

    reader.pages[0].extract_text(visitor_text=visit)
    return runs


def _promise_runs(reader: PdfReader, promise: str) -> list[tuple[str, float, float]]:
    squeezed = "".join(f"“{promise}”".split())
    return [run for run in _text_runs(reader) if "".join(run[0].split()) in squeezed]


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _image(card: PromiseCard) -> Image.Image:
    return Image.open(io.BytesIO(promise_png(card)))


def _white_pixels(image: Image.Image, top: int, bottom: int) -> int:
    band = image.crop((0, top, image.width, bottom))
    return dict((colour, count) for count, colour in band.getcolors(band.width * band.height)).get(WHITE, 0)


def _version(**values) -> PromiseVersionRead:
    base = {
        "delivers": "Parts at the counter at seven",
        "value": "Crews start on time",
        "perceived": "The counter that knows you",
        "text": SHORT,
        "author": "Hanne Lie",
        "note": "",
        "id": 7,
        "workspace_id": 1,
        "number": 3,
        "created_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        "restored_from": None,
        "is_current": True,
        "segment_ids": [1, 2],
        "segment_names": ["A", "B"],
    }
    return PromiseVersionRead(**(base | values))


# --- PDF ------------------------------------------------------------------------------------


def test_a_short_promise_is_one_page_with_everything_on_it():
    reader = _pdf(_card())
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert f"“{SHORT}”" in _collapsed(text)
    assert "OUR CUSTOMER PROMISE" in text
    assert "Rørlegger Øst AS" in text
    assert "Speaks to: Installers, Renovators" in text
    assert FOOTER in text


def test_a_600_character_promise_of_long_words_is_still_one_page():
    promise = _long_promise()
    reader = _pdf(_card(promise))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert _collapsed(promise) in _collapsed(text)
    assert FOOTER in text


def test_the_long_promise_stays_between_the_header_band_and_the_footer_rule():
    promise = _long_promise()
    reader = _pdf(_card(promise))
    runs = _promise_runs(reader, promise)
    assert len(runs) > 5
    height = float(reader.pages[0].mediabox.height)
    header_bottom, footer_rule = height - 24 / 25.4 * 72, 24 / 25.4 * 72
    assert all(footer_rule < y < header_bottom for _, y, _ in runs)


def test_a_compound_longer_than_a_line_is_kept_whole_when_the_breaks_are_removed():
    reader = _pdf(_card(f"Alle {COMPOUND} i dag"))
    assert len(reader.pages) == 1
    assert COMPOUND in "".join(reader.pages[0].extract_text().split())


def test_scandinavian_letters_render_in_the_pdf():
    card = _card("Vi leverer æøå ÆØÅ äö til byggeplassen", workspace="Bygg Sør", segments=["Håndverkere"])
    reader = _pdf(card)
    text = reader.pages[0].extract_text()
    assert "æøå ÆØÅ äö" in _collapsed(text)
    assert "Bygg Sør" in text
    assert "Speaks to: Håndverkere" in text


def test_a_short_promise_is_set_larger_than_a_long_one():
    short = _promise_runs(_pdf(_card()), SHORT)
    long_ = _promise_runs(_pdf(_card(_long_promise())), _long_promise())
    short_sizes, long_sizes = {size for _, _, size in short}, {size for _, _, size in long_}
    assert len(short_sizes) == len(long_sizes) == 1
    assert short_sizes.pop() > long_sizes.pop()
    assert len(short) < len(long_)


def test_without_segments_the_pdf_has_no_speaks_to_line():
    text = _pdf(_card(segments=[])).pages[0].extract_text()
    assert "Speaks to" not in text
    assert FOOTER in text


def test_a_workspace_name_too_long_for_the_header_is_cut_with_an_ellipsis():
    name = "Rørleggerkjeden " * 20
    lines = _pdf(_card(workspace=name)).pages[0].extract_text().splitlines()
    header = next(line for line in lines if line.startswith("Rørleggerkjeden"))
    assert header.endswith("…")
    assert len(header) < len(name)


def test_an_emoji_does_not_break_the_pdf():
    reader = _pdf(_card("Parts today 🚚 on the site"))
    assert len(reader.pages) == 1
    assert "Parts today" in reader.pages[0].extract_text()


# --- PNG ------------------------------------------------------------------------------------


def test_the_png_is_a_1600_by_900_rgb_slide():
    image = _image(_card())
    assert image.format == "PNG"
    assert image.size == PNG_SIZE == (1600, 900)
    assert image.mode == "RGB"
    assert image.getpixel((5, 5)) == NAVY


def test_the_promise_area_of_the_png_is_not_blank():
    assert _white_pixels(_image(_card()), 220, 740) > 500


def test_two_promises_give_two_different_slides():
    first = _image(_card("Parts on the site before the crew arrives."))
    second = _image(_card("One invoice for every job, matched to the order."))
    assert first.crop((0, 220, 1600, 740)).tobytes() != second.crop((0, 220, 1600, 740)).tobytes()


def test_a_long_promise_stays_above_the_footer_of_the_png():
    image = _image(_card(_long_promise()))
    assert _white_pixels(image, 220, 750) > 500
    assert _white_pixels(image, 760, 900) == 0


# --- wrapping -------------------------------------------------------------------------------


def _font(size: int = 40) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), size)


def test_no_line_is_wider_than_the_width_and_a_long_word_is_split():
    font, width = _font(), 400
    long_word = "a" * 30 + "ø" * 30
    text = f"Send {long_word} to the site today"
    lines = wrap_to_width(text, font, width)
    assert all(font.getlength(line) <= width for line in lines)
    assert sum(1 for line in lines if set(line) <= set("aø")) >= 2
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert lines[0] == "Send"
    assert " ".join(lines).split()[-4:] == ["to", "the", "site", "today"]


def test_short_words_share_a_line_and_paragraphs_start_a_new_one():
    font = _font()
    assert wrap_to_width("Parts today", font, 1000) == ["Parts today"]
    assert wrap_to_width("Parts\ntoday", font, 1000) == ["Parts", "today"]
    assert wrap_to_width("", font, 1000) == [""]


def test_a_width_narrower_than_one_letter_gives_one_letter_a_line():
    assert wrap_to_width("abc", _font(), 1) == ["a", "b", "c"]


# --- plain text and the card ----------------------------------------------------------------


def test_the_plain_text_has_the_promise_its_parts_segments_and_footer():
    text = promise_text(_version(), "Rørlegger Øst AS")
    lines = text.splitlines()
    assert lines[0] == "Our customer promise · Rørlegger Øst AS"
    assert SHORT in lines
    assert f"{PROMISE_PARTS['delivers']}: Parts at the counter at seven" in lines
    assert f"{PROMISE_PARTS['value']}: Crews start on time" in lines
    assert f"{PROMISE_PARTS['perceived']}: The counter that knows you" in lines
    assert "Speaks to: A, B" in lines
    assert lines[-1] == FOOTER
    assert text.endswith("\n")


def test_the_plain_text_leaves_out_empty_parts_and_segments():
    text = promise_text(_version(value="", perceived="", segment_names=[], segment_ids=[]), "W")
    assert "What we deliver: Parts at the counter at seven" in text
    assert PROMISE_PARTS["value"] not in text
    assert PROMISE_PARTS["perceived"] not in text
    assert "Speaks to" not in text


def test_the_plain_text_keeps_markup_literal():
    text = promise_text(_version(text="<b>x</b> **y**", delivers="<i>z</i>"), "W")
    assert "<b>x</b> **y**" in text.splitlines()
    assert "What we deliver: <i>z</i>" in text


def test_card_of_builds_the_footer_from_the_version():
    card = card_of(
        _version(
            number=12, author="Kari Nordmann", created_at=datetime(2027, 1, 5, tzinfo=UTC), segment_names=["Installers"]
        ),
        "Rørlegger Øst AS",
    )
    assert card == PromiseCard("Rørlegger Øst AS", SHORT, ["Installers"], "Version 12 · 2027-01-05 · Kari Nordmann")
