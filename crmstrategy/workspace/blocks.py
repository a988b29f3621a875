"""The neutral blocks a document is laid out in (headings, paragraphs, bullets, tables, images, page
breaks), which crmstrategy.workspace.document_exports draws as PDF, HTML and Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from crmstrategy.core.charts import RenderedChart


@dataclass(frozen=True)
class Heading:
    level: int  # 1 a section, 2 a subsection, 3 an item
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "body"  # "body", "muted", "lead" (large), "strong", "title" (the cover's)


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[float]  # relative


@dataclass(frozen=True)
class Image:
    """A chart, rendering in the background while the document's text is laid out. `aspect`
    (height over width) is known before the picture is, so a page can keep room for it."""

    name: str  # file name stem, e.g. "goals-1"
    title: str  # alternative text
    aspect: float
    rendering: RenderedChart

    @property
    def png(self) -> bytes:
        return self.rendering.png()

    @property
    def size_px(self) -> tuple[int, int]:
        # The PNG header holds width and height as big-endian integers at bytes 16-24.
        png = self.png
        return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | Table | Image | PageBreak
