"""Files users take away: segment tables (CSV/XLSX) and persona cards (Markdown/PDF)."""

from __future__ import annotations

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from crmstrategy.analysis.models import (
    INSIGHT_LABELS,
    PERSONA_LABELS,
    SEGMENT_LABELS,
    InsightRead,
    PersonaRead,
    SegmentRead,
)
from crmstrategy.core.pdf import FONT_DIR, md_literal, pdf_safe
from crmstrategy.core.tabular import Sheet, to_csv_bytes, to_xlsx_bytes

SEGMENT_COLUMNS = list(SEGMENT_LABELS)


def _segment_rows(segments: list[SegmentRead]) -> list[list]:
    return [[getattr(s, f) for f in SEGMENT_COLUMNS] for s in segments]


def segments_csv(segments: list[SegmentRead]) -> bytes:
    return to_csv_bytes([SEGMENT_LABELS[f] for f in SEGMENT_COLUMNS], _segment_rows(segments))


def segments_xlsx(segments: list[SegmentRead], currency: str) -> bytes:
    header = [SEGMENT_LABELS[f] + (f" ({currency})" if f in ("revenue", "potential") else "") for f in SEGMENT_COLUMNS]
    money = "#,##0"
    formats = {
        SEGMENT_COLUMNS.index("customer_count"): "#,##0",
        SEGMENT_COLUMNS.index("revenue"): money,
        SEGMENT_COLUMNS.index("potential"): money,
        SEGMENT_COLUMNS.index("expected_growth_pct"): "0.0",
    }
    widths = {0: 28, 1: 50, 2: 50, 3: 30, 9: 40}
    return to_xlsx_bytes([Sheet("Segments", header, _segment_rows(segments), widths, formats)])


INSIGHT_COLUMNS = ["recorded_on", "kind", "text", "source_type", "theme", "segments", "personas", "recorded_by"]


def _insight_rows(insights: list[InsightRead]) -> list[list]:
    return [
        [
            i.recorded_on,
            i.kind,
            i.text,
            i.source_type,
            i.theme or "",
            "; ".join(i.segment_names),
            "; ".join(i.persona_names),
            i.recorded_by,
        ]
        for i in insights
    ]


def insights_csv(insights: list[InsightRead]) -> bytes:
    return to_csv_bytes(
        [INSIGHT_LABELS[c] for c in INSIGHT_COLUMNS], [[r[0].isoformat(), *r[1:]] for r in _insight_rows(insights)]
    )


def insights_xlsx(insights: list[InsightRead]) -> bytes:
    widths = {0: 12, 1: 10, 2: 70, 3: 18, 4: 18, 5: 30, 6: 30, 7: 18}
    return to_xlsx_bytes(
        [
            Sheet(
                "Insights",
                [INSIGHT_LABELS[c] for c in INSIGHT_COLUMNS],
                _insight_rows(insights),
                widths,
                {0: "yyyy-mm-dd"},
            )
        ]
    )


CARD_SECTIONS = ("goals", "needs", "pains", "motives", "buying_process", "touchpoints")


def persona_facts(persona: PersonaRead) -> list[tuple[str, str]]:
    facts = [("Segment", persona.segment_name)]
    for key in ("role_title", "decision_role", "desired_relationship", "lifecycle_stage"):
        value = getattr(persona, key)
        if value:
            facts.append((PERSONA_LABELS[key], value))
    return facts


def channel_lines(persona: PersonaRead) -> list[str]:
    grouped: dict[str, list[str]] = {}
    for channel in persona.channels:
        grouped.setdefault(channel.kind, []).append(channel.channel)
    return [f"{kind}: {', '.join(names)}" for kind, names in grouped.items()]


def persona_markdown(persona: PersonaRead) -> str:
    lines = [f"# {md_literal(persona.name)}", ""]
    if persona.quote:
        lines += [f"> {md_literal(line)}" for line in persona.quote.split("\n")] + [""]
    lines += [f"- **{label}:** {md_literal(value)}" for label, value in persona_facts(persona)]
    lines.append("")
    for key in CARD_SECTIONS:
        value = getattr(persona, key)
        if value:
            lines += [f"## {PERSONA_LABELS[key]}", "", md_literal(value), ""]
    channels = channel_lines(persona)
    if channels:
        lines += [f"## {PERSONA_LABELS['channels']}", ""] + [f"- {md_literal(c)}" for c in channels] + [""]
    return "\n".join(lines).rstrip() + "\n"


class _CardPDF(FPDF):
    def __init__(self):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_auto_page_break(auto=True, margin=15)
        self.set_margins(18, 18, 18)


def persona_pdf(persona: PersonaRead) -> bytes:
    pdf = _CardPDF()
    pdf.set_title(pdf_safe(persona.name))
    pdf.add_page()
    pdf.set_fill_color(31, 78, 121)
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("DejaVu", "B", 22)
    # Every multi_cell returns to the left margin: fpdf2's default (XPos.RIGHT) leaves the next
    # cell no width, and a second fact or section then fails with "Not enough horizontal space".
    pdf.multi_cell(0, 12, pdf_safe(persona.name), fill=True, padding=4, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(30, 30, 30)
    pdf.ln(3)
    if persona.quote:
        pdf.set_font("DejaVu", "I", 13)
        pdf.multi_cell(0, 7, pdf_safe(f"“{persona.quote}”"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    pdf.set_font("DejaVu", "", 11)
    for label, value in persona_facts(persona):
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(48, 7, label)
        pdf.set_font("DejaVu", "", 11)
        pdf.multi_cell(0, 7, pdf_safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for key in CARD_SECTIONS:
        value = getattr(persona, key)
        if value:
            pdf.ln(2)
            pdf.set_font("DejaVu", "B", 13)
            pdf.multi_cell(0, 8, PERSONA_LABELS[key], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font("DejaVu", "", 11)
            pdf.multi_cell(0, 6, pdf_safe(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    channels = channel_lines(persona)
    if channels:
        pdf.ln(2)
        pdf.set_font("DejaVu", "B", 13)
        pdf.multi_cell(0, 8, PERSONA_LABELS["channels"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("DejaVu", "", 11)
        for line in channels:
            pdf.multi_cell(0, 6, pdf_safe(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
