"""What every export shares: the fonts bundled for PDFs, text a PDF font can draw, and user text
shown literally in Markdown."""

from __future__ import annotations

import re
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parents[1] / "assets" / "fonts"


def md_literal(text: str) -> str:
    """Markdown-escape text for a downloaded .md file, so a wiki shows it as typed (`$` too: GitHub
    and many wikis read `$...$` as a formula)."""
    return re.sub(r"([\\`*_{}\[\]<>()#+\-.!|~&$])", r"\\\1", text)


def pdf_safe(text: str) -> str:
    # DejaVu has no emoji; keep the rest of the text rather than failing on a glyph.
    return "".join(ch if ord(ch) < 0x1F000 else "\u25a1" for ch in text)
