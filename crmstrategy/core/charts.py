"""Altair charts the pages show and the exports embed, and their PNG/SVG rendering
(vl-convert: no browser needed). Pure: data in, chart or bytes out; no Streamlit."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import altair as alt
import vl_convert


def _box(text: str, font: int, x: float, y: float) -> tuple[float, float, float, float]:
    """Room a bold text centred on (x, y) takes, generously (pixels)."""
    half_w, half_h = (len(text) * 0.62 * font + 6) / 2, (font + 6) / 2
    return x - half_w, y - half_h, x + half_w, y + half_h


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_labels(
    texts: list[str], points: list[tuple[float, float]], offsets: list[list[float]], font: int
) -> list[float] | None:
    """For each text, the first of its vertical offsets (pixels) at which it overlaps no text placed
    before it; None if one finds no place. Vertical only: on a wider chart the texts move apart,
    never together."""
    placed: list[tuple[float, float, float, float]] = []
    chosen = []
    for text, (x, y), options in zip(texts, points, offsets):
        for dy in options:
            box = _box(text, font, x, y + dy)
            if not any(_overlap(box, other) for other in placed):
                placed.append(box)
                chosen.append(dy)
                break
        else:
            return None
    return chosen


def money_text(value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}".replace(",", " ") + (f" {currency}" if currency else "")


def fit_page(chart: alt.TopLevelMixin, width: int | str | None) -> alt.TopLevelMixin:
    """A page's chart (`width="container"`) takes the page's width, and its plotting area keeps the
    height asked for: Vega-Lite would otherwise squeeze the title, axes and legends into that height
    as well, which leaves a short, wide chart on a projector."""
    if width != "container":
        return chart
    return chart.properties(autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec for st.vega_lite_chart. Unvalidated: validating against the schema
    on every page run costs more than the rest of the page; the tests validate it instead."""
    return chart.to_dict(validate=False)


def chart_svg(chart: alt.TopLevelMixin) -> bytes:
    return vl_convert.vegalite_to_svg(chart.to_json(validate=False)).encode("utf-8")


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    return vl_convert.vegalite_to_png(chart.to_json(validate=False), scale=scale)


def _png_of_spec(spec: str, scale: float) -> bytes:
    return vl_convert.vegalite_to_png(spec, scale=scale)


_renderer: ProcessPoolExecutor | None = None


_renderer_lock = threading.Lock()


def _render_pool() -> ProcessPoolExecutor:
    global _renderer
    with _renderer_lock:
        if _renderer is None:
            _renderer = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        return _renderer


class RenderedChart:
    """A chart's PNG, drawn in a process of its own: vl-convert keeps Python's lock while it draws,
    so in a thread it would stall everything else (other visitors included) for seconds. If that
    process cannot be had, the chart is drawn here instead."""

    def __init__(self, chart: alt.TopLevelMixin, scale: float = 2.0):
        self.spec, self.scale = chart.to_json(validate=False), scale
        self._future: Future[bytes] | None
        try:
            self._future = _render_pool().submit(_png_of_spec, self.spec, scale)
        except (BrokenProcessPool, RuntimeError, OSError):
            self._future = None
        self._png: bytes | None = None

    def png(self) -> bytes:
        if self._png is None:
            try:
                self._png = self._future.result() if self._future is not None else None
            except (BrokenProcessPool, OSError):
                global _renderer
                with _renderer_lock:
                    _renderer = None  # a new process next time
            if self._png is None:
                self._png = _png_of_spec(self.spec, self.scale)
        return self._png


def wrap(text: str, width: int) -> str:
    """Break a name into lines of about `width` characters at spaces (long words stay whole)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
