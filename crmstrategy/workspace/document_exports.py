"""The strategy document as PDF (fpdf2, DejaVu fonts: æøå and äö), as one self-contained HTML
file (charts inlined as PNG data) and as Markdown in a zip with its charts. All three draw the
same blocks from crmstrategy.workspace.strategy_document; user text is shown as typed in each."""

from __future__ import annotations

import base64
import html
import io
import zipfile

from fpdf import FPDF
from fpdf.fonts import TTFFont

from crmstrategy.core.pdf import FONT_DIR, md_literal
from crmstrategy.workspace.blocks import Bullets, Heading, Image, PageBreak, Paragraph, Table
from crmstrategy.workspace.document_layout import document_blocks
from crmstrategy.workspace.strategy_document import StrategyDocument

NAVY = (31, 78, 121)
GREY = (100, 100, 100)
TEXT = (30, 30, 30)
RULE = (208, 215, 222)
_PT = {"body": 10.5, "muted": 9.5, "lead": 17, "strong": 11}
_HEADING_PT = {1: 20, 2: 14, 3: 12}
_TABLE_PT = 8.5
_PAD = 1.3  # mm inside a table cell


def _pdf_text(text: str) -> str:
    # DejaVu has no emoji; keep the rest of the text rather than fail on one glyph.
    return "".join(ch if ord(ch) < 0x1F000 else "\u25a1" for ch in str(text))


class _Writer:
    """Lays the blocks out on A4 pages with fpdf2's low-level text(): fpdf2's own multi_cell and
    table measure every character of every line twice over, which made a plan of 1,000 actions
    take seconds. Lines are wrapped here from the font's glyph widths, words too long for their
    column broken where they must."""

    def __init__(self, workspace: str):
        pdf = FPDF(orientation="P", unit="mm", format="A4")
        for style, file in (("", "DejaVuSans.ttf"), ("B", "DejaVuSans-Bold.ttf")):  # each font costs its parsing
            pdf.add_font("DejaVu", style, str(FONT_DIR / file))
        pdf.set_margins(18, 18, 18)
        pdf.set_auto_page_break(False)
        self.pdf = pdf
        self.workspace = workspace
        self.left, self.width = 18.0, pdf.w - 36.0
        self.top, self.bottom = 18.0, pdf.h - 18.0
        self.y = self.top
        self.placed: list[tuple] = []  # (page, x, y, width, height, image) of each chart
        self._font: tuple | None = None
        self._widths: dict[tuple[str, str], dict[str, float]] = {}
        self.new_page()

    # --- pages -------------------------------------------------------------------------
    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        self._font = None  # a new page starts without the font set on it
        self.font("", 8, GREY)
        footer = _pdf_text(f"{self.workspace} · CRM strategy · page {pdf.page_no()}")
        pdf.text(self.left + (self.width - self.text_width(footer, "", 8)) / 2, pdf.h - 9, footer)
        self.y = self.top

    def room(self, needed: float) -> None:
        if self.y + needed > self.bottom:
            self.new_page()

    # --- text ----------------------------------------------------------------------------
    def font(self, style: str, size: float, colour=TEXT) -> None:
        if (style, size, colour) != self._font:  # fpdf2 does work on every call, changed or not
            self.pdf.set_font("DejaVu", style, size)
            self.pdf.set_text_color(*colour)
            self._font = (style, size, colour)

    def text_width(self, text: str, style: str, size: float) -> float:
        key = ("DejaVu", style)
        widths = self._widths.get(key)
        if widths is None:
            widths = self._widths[key] = {}
        font = self.pdf.fonts[f"dejavu{style}"]
        assert isinstance(font, TTFFont)  # DejaVu is added from its TrueType file: widths by code point
        total = 0.0
        for ch in text:
            w = widths.get(ch)
            if w is None:
                try:
                    w = widths[ch] = font.cw[ord(ch)] or 0
                except (IndexError, KeyError):
                    w = widths[ch] = 600
            total += w
        return total * size * 0.001 / self.pdf.k

    def wrap(self, text: str, width: float, style: str, size: float) -> list[str]:
        lines: list[str] = []
        space = self.text_width(" ", style, size)
        for paragraph in _pdf_text(text).split("\n"):
            line, used = "", 0.0
            for word in paragraph.split():
                w = self.text_width(word, style, size)
                if w > width:  # a word wider than the column: break it by characters
                    if line:
                        lines.append(line)
                        line, used = "", 0.0
                    piece = ""
                    for ch in word:
                        if self.text_width(piece + ch, style, size) > width and piece:
                            lines.append(piece)
                            piece = ""
                        piece += ch
                    line, used = piece, self.text_width(piece, style, size)
                elif not line:
                    line, used = word, w
                elif used + space + w <= width:
                    line, used = f"{line} {word}", used + space + w
                else:
                    lines.append(line)
                    line, used = word, w
            lines.append(line)
        return lines

    def lines(
        self,
        text: str,
        size: float,
        style: str = "",
        colour=TEXT,
        *,
        indent: float = 0.0,
        leading: float | None = None,
        after: float = 2.0,
    ) -> None:
        height = leading or size * 0.48
        self.font(style, size, colour)
        for line in self.wrap(text, self.width - indent, style, size):
            if self.y + height > self.bottom:
                self.new_page()
                self.font(style, size, colour)
            self.y += height
            if line:
                self.pdf.text(self.left + indent, self.y - height * 0.22, line)
        self.y += after

    # --- blocks --------------------------------------------------------------------------
    def heading(self, block: Heading) -> None:
        size = _HEADING_PT[block.level]
        self.room(34 if block.level < 3 else 22)
        self.y += 0 if block.level == 1 or self.y == self.top else 2.5
        if block.level < 3:
            self.pdf.set_y(self.y)
            self.pdf.start_section(_pdf_text(block.text), level=block.level - 1)
        self.lines(block.text, size, "B", NAVY, leading=size * 0.55, after=2.0 if block.level == 1 else 1.2)
        if block.level == 1:
            self.pdf.set_draw_color(*NAVY)
            self.pdf.set_line_width(0.5)
            self.pdf.line(self.left, self.y - 1.2, self.left + self.width, self.y - 1.2)
            self.y += 2.5

    def table(self, block: Table) -> None:
        total = sum(block.widths)
        columns = [self.width * w / total for w in block.widths]
        headed = any(block.header)
        leading = _TABLE_PT * 0.5
        pdf = self.pdf

        def header() -> None:
            if headed:
                self.row(block.header, columns, leading, "B", NAVY, NAVY, 0.4)

        self.room(leading * 3 + 4 * _PAD)
        header()
        for cells in block.rows:
            styles = ["B" if not headed and n == 0 else "" for n in range(len(cells))]
            wrapped = [self.wrap(str(c), w - 2 * _PAD, s, _TABLE_PT) for c, w, s in zip(cells, columns, styles)]
            while True:
                fit = int((self.bottom - self.y - 2 * _PAD) // leading)
                if fit < min(2, max(len(w) for w in wrapped)):
                    self.new_page()
                    header()
                    continue
                self.row_lines([w[:fit] for w in wrapped], columns, leading, styles, TEXT, RULE, 0.2)
                wrapped = [w[fit:] for w in wrapped]
                if not any(wrapped):
                    break
                self.new_page()
                header()
        pdf.set_draw_color(*TEXT)
        self.y += 3

    def row(self, cells: list[str], columns: list[float], leading: float, style: str, colour, rule, weight) -> None:
        wrapped = [self.wrap(str(c), w - 2 * _PAD, style, _TABLE_PT) for c, w in zip(cells, columns)]
        self.row_lines(wrapped, columns, leading, [style] * len(cells), colour, rule, weight)

    def row_lines(
        self, wrapped: list[list[str]], columns: list[float], leading: float, styles: list[str], colour, rule, weight
    ) -> None:
        height = max(len(w) for w in wrapped) * leading + 2 * _PAD
        x = self.left
        for lines, width, style in zip(wrapped, columns, styles):
            self.font(style, _TABLE_PT, colour)
            for n, line in enumerate(lines):
                if line:
                    self.pdf.text(x + _PAD, self.y + _PAD + (n + 1) * leading - leading * 0.25, line)
            x += width
        self.y += height
        self.pdf.set_draw_color(*rule)
        self.pdf.set_line_width(weight)
        self.pdf.line(self.left, self.y, self.left + self.width, self.y)

    def image(self, block: Image) -> None:
        """Keep room for a chart now, and draw it when it is ready (place_images)."""
        width = self.width
        height = width * block.aspect
        limit = self.bottom - self.top - 4
        if height > limit:  # a tall chart: fit the page's height instead
            height, width = limit, limit / block.aspect
        self.room(height + 2)
        self.placed.append((self.pdf.page, self.left + (self.width - width) / 2, self.y, width, height, block))
        self.y += height + 4

    def place_images(self) -> None:
        """Each chart in the room kept for it, as large as fits with its own proportions."""
        pdf = self.pdf
        last = pdf.page
        for page, x, y, width, height, block in self.placed:
            px_w, px_h = block.size_px
            scale = min(width / px_w, height / px_h)
            w, h = px_w * scale, px_h * scale
            pdf.page = page
            pdf.image(io.BytesIO(block.png), x=x + (width - w) / 2, y=y, w=w, h=h, alt_text=block.title)
        pdf.page = last


def document_pdf(doc: StrategyDocument) -> bytes:
    writer = _Writer(doc.workspace.name)
    pdf = writer.pdf
    pdf.set_title(_pdf_text(f"CRM strategy · {doc.workspace.name}"))
    pdf.set_author("CRM Strategy Workbench")
    for block in document_blocks(doc):
        if isinstance(block, PageBreak):
            if writer.y > writer.top + 1:
                writer.new_page()
        elif isinstance(block, Heading):
            writer.heading(block)
        elif isinstance(block, Paragraph):
            if block.style == "title":
                writer.y += 30
                writer.lines(block.text, 28, "B", NAVY, leading=13, after=3)
            else:
                style = "B" if block.style in ("lead", "strong") else ""
                writer.lines(
                    block.text,
                    _PT[block.style],
                    style,
                    GREY if block.style == "muted" else NAVY if block.style == "lead" else TEXT,
                    leading=_PT[block.style] * 0.5,
                )
        elif isinstance(block, Bullets):
            for item in block.items:
                writer.lines(f"•  {item}", 10, leading=5, after=0.6, indent=2)
            writer.y += 2
        elif isinstance(block, Table):
            writer.table(block)
        elif isinstance(block, Image):
            writer.image(block)
    writer.place_images()
    return bytes(pdf.output())


SHORT_CELL = 14  # characters

_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #1e1e1e; max-width: 60rem;
       margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { color: #1f4e79; font-size: 1.9rem; margin-top: 2.5rem; border-bottom: 2px solid #1f4e79; }
h2 { color: #1f4e79; font-size: 1.3rem; margin-top: 1.6rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .3rem; }
p.muted { color: #555; font-size: .92rem; }
p.lead { color: #1f4e79; font-size: 1.6rem; font-weight: bold; line-height: 1.3; }
p.strong { font-weight: bold; }
p.title { color: #1f4e79; font-size: 2.6rem; font-weight: bold; margin: 1rem 0 .2rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .3rem .45rem; border-bottom: 1px solid #d0d7de;
         overflow-wrap: break-word; white-space: pre-wrap; }
th { color: #1f4e79; }
td.short { white-space: nowrap; }
img { max-width: 100%; height: auto; display: block; margin: .8rem auto; }
@media print { h1 { break-before: page; } h1:first-of-type { break-before: avoid; } img, tr { break-inside: avoid; } }
"""


def document_html(doc: StrategyDocument) -> bytes:
    """One HTML file with everything in it: styles inline, charts as data: URLs, no request made."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(f'CRM strategy · {doc.workspace.name}')}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
    ]
    for block in document_blocks(doc):
        if isinstance(block, Heading):
            out.append(f"<h{block.level}>{e(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            out.append(f'<p class="{block.style}">{e(block.text)}</p>')
        elif isinstance(block, Bullets):
            out.append("<ul>" + "".join(f"<li>{e(item)}</li>" for item in block.items) + "</ul>")
        elif isinstance(block, Table):
            head = (
                "<thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in block.header) + "</tr></thead>"
                if any(block.header)
                else ""
            )
            # A date or a short status stays on one line; a browser would break a date at its hyphens.
            body = "".join(
                "<tr>"
                + "".join(
                    f'<td class="short">{e(str(c))}</td>' if len(str(c)) <= SHORT_CELL else f"<td>{e(str(c))}</td>"
                    for c in row
                )
                + "</tr>"
                for row in block.rows
            )
            out.append(f"<table>{head}<tbody>{body}</tbody></table>")
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            width, height = block.size_px
            out.append(
                f'<img src="data:image/png;base64,{data}" alt="{e(block.title)}" '
                f'width="{width // 2}" height="{height // 2}">'
            )
    out += ["</body>", "</html>", ""]
    return "\n".join(out).encode("utf-8")


def _md_cell(value: str) -> str:
    return md_literal(str(value)).replace("\n", "<br>") or " "


def document_markdown(doc: StrategyDocument) -> tuple[str, dict[str, bytes]]:
    """The Markdown text, and the chart files it links to (charts/NAME.png)."""
    lines: list[str] = []
    images: dict[str, bytes] = {}
    for block in document_blocks(doc):
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + md_literal(block.text), ""]
        elif isinstance(block, Paragraph):
            text = md_literal(block.text).replace("\n", "  \n")
            lines += [
                f"# {text}"
                if block.style == "title"
                else f"**{text}**"
                if block.style in ("lead", "strong")
                else f"*{text}*"
                if block.style == "muted"
                else text,
                "",
            ]
        elif isinstance(block, Bullets):
            lines += [f"- {md_literal(item)}" for item in block.items] + [""]
        elif isinstance(block, Table):
            header = block.header if any(block.header) else [" "] * len(block.header)
            lines.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
            lines.append("|" + "|".join(" --- " for _ in header) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            lines.append("")
        elif isinstance(block, Image):
            path = f"charts/{block.name}.png"
            images[path] = block.png
            lines += [f"![{md_literal(block.title)}]({path})", ""]
    return "\n".join(lines).rstrip() + "\n", images


def document_markdown_zip(doc: StrategyDocument, stem: str = "crm-strategy") -> bytes:
    text, images = document_markdown(doc)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.md", text)
        for path, png in images.items():
            archive.writestr(path, png)
    return buffer.getvalue()
