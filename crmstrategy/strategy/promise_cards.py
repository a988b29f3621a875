"""The customer promise as files to take away: a one-page PDF card, a PNG card for slides and
chat, and plain text. The fonts ship in the repo (DejaVu), so æ, ø, å, ä and ö render everywhere."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import cast

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos
from PIL import Image, ImageDraw, ImageFont

from crmstrategy.core.pdf import FONT_DIR, pdf_safe
from crmstrategy.strategy.models import PROMISE_PARTS, PromiseVersionRead

NAVY = (31, 78, 121)
PALE = (214, 228, 240)
PNG_SIZE = (1600, 900)


@dataclass(frozen=True)
class PromiseCard:
    """What a card shows: the promise, where it comes from, and whom it speaks to."""

    workspace: str
    text: str
    segments: list[str]
    footer: str  # "Version 3 · 2026-11-20 · Hanne Lie"


def card_of(version: PromiseVersionRead, workspace: str) -> PromiseCard:
    return PromiseCard(
        workspace,
        version.text,
        version.segment_names,
        f"Version {version.number} · {version.created_at:%Y-%m-%d} · {version.author}",
    )


def promise_text(version: PromiseVersionRead, workspace: str) -> str:
    """Plain text (UTF-8), for e-mail and chat: the promise, then its parts and whom it speaks to."""
    lines = [f"Our customer promise · {workspace}", "", version.text, ""]
    for key, label in PROMISE_PARTS.items():
        if getattr(version, key):
            lines.append(f"{label}: {getattr(version, key)}")
    if version.segment_names:
        lines.append("Speaks to: " + ", ".join(version.segment_names))
    lines += ["", card_of(version, workspace).footer]
    return "\n".join(lines) + "\n"


# --- PDF ------------------------------------------------------------------------------------


def promise_pdf(card: PromiseCard) -> bytes:
    """One A5 landscape page: the promise as large as fits, never a second page."""
    pdf = FPDF(orientation="L", unit="mm", format=(148, 210))  # A5; the name warns since fpdf2 2.8.5
    for style, name in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf"), ("I", "DejaVuSans-Oblique.ttf")):
        pdf.add_font("DejaVu", style, str(FONT_DIR / name))
    pdf.set_auto_page_break(False)
    pdf.set_margins(16, 14, 16)
    pdf.set_title(pdf_safe(f"Customer promise · {card.workspace}"))
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_fill_color(*NAVY)
    pdf.rect(0, 0, pdf.w, 24, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(pdf.l_margin, 6)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(width, 5, "OUR CUSTOMER PROMISE", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(width, 7, _fit_line(pdf, pdf_safe(card.workspace), width), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    top, bottom = 32.0, pdf.h - 30
    text = pdf_safe(f"“{card.text}”")
    size = 28.0
    while True:
        pdf.set_font("DejaVu", "B", size)
        line_height = size * 0.50
        # fpdf2 types the result for every `output`; with LINES alone it is the list of lines.
        lines = cast(
            list[str],
            pdf.multi_cell(width, line_height, text, align=Align.C, dry_run=True, output=MethodReturnValue.LINES),
        )
        if len(lines) * line_height <= bottom - top or size <= 9:
            break
        size -= 1
    block = len(lines) * line_height
    pdf.set_text_color(*NAVY)
    pdf.set_xy(pdf.l_margin, top + max(0.0, (bottom - top - block) / 2))
    pdf.multi_cell(width, line_height, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.set_draw_color(*PALE)
    pdf.line(pdf.l_margin, pdf.h - 24, pdf.w - pdf.r_margin, pdf.h - 24)
    pdf.set_text_color(80, 80, 80)
    pdf.set_xy(pdf.l_margin, pdf.h - 22)
    if card.segments:
        pdf.set_font("DejaVu", "", 9)
        pdf.cell(
            width,
            5,
            _fit_line(pdf, pdf_safe("Speaks to: " + ", ".join(card.segments)), width),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
    pdf.set_font("DejaVu", "I", 8)
    pdf.cell(width, 5, _fit_line(pdf, pdf_safe(card.footer), width), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())


def _fit_line(pdf: FPDF, text: str, width: float) -> str:
    """One line that fits `width`, shortened with an ellipsis (a header is not a paragraph)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- PNG ------------------------------------------------------------------------------------


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)


def wrap_to_width(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Lines no wider than `width`; a word longer than a line (Norwegian compounds) is split."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            while font.getlength(word) > width:  # split an over-long word where it no longer fits
                if line:
                    lines.append(line)
                    line = ""
                fits = [i for i in range(1, len(word) + 1) if font.getlength(word[:i]) <= width]
                cut = fits[-1] if fits else 1  # narrower than one letter: one letter a line
                lines.append(word[:cut])
                word = word[cut:]
            candidate = f"{line} {word}".strip()
            if font.getlength(candidate) <= width:
                line = candidate
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return [line for line in lines if line] or [""]


def promise_png(card: PromiseCard) -> bytes:
    """A 1600 × 900 slide: the promise in white on the workbench's blue, as large as fits."""
    width, height = PNG_SIZE
    image = Image.new("RGB", PNG_SIZE, NAVY)
    draw = ImageDraw.Draw(image)
    margin = 110
    draw.text((margin, 70), "OUR CUSTOMER PROMISE", font=_font(30, bold=True), fill=PALE)
    header = _font(34)
    draw.text(
        (margin, 115),
        wrap_to_width(pdf_safe(card.workspace), header, width - 2 * margin)[0],
        font=header,
        fill=(255, 255, 255),
    )
    top, bottom = 210, height - 150
    text = pdf_safe(f"“{card.text}”")
    size = 76
    while True:
        font = _font(size, bold=True)
        lines = wrap_to_width(text, font, width - 2 * margin)
        line_height = int(size * 1.25)
        if len(lines) * line_height <= bottom - top or size <= 22:
            break
        size -= 2
    y = top + max(0, (bottom - top - len(lines) * line_height) // 2)
    for line in lines:
        draw.text(((width - font.getlength(line)) / 2, y), line, font=font, fill=(255, 255, 255))
        y += line_height
    small = _font(26)
    draw.line((margin, height - 120, width - margin, height - 120), fill=PALE, width=2)
    if card.segments:
        draw.text(
            (margin, height - 100),
            wrap_to_width(pdf_safe("Speaks to: " + ", ".join(card.segments)), small, width - 2 * margin)[0],
            font=small,
            fill=PALE,
        )
    draw.text(
        (margin, height - 60), wrap_to_width(pdf_safe(card.footer), small, width - 2 * margin)[0], font=small, fill=PALE
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
