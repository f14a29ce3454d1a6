"""Inline SVG charts for the HTML export: bars per side, and the 2×2 impact/effort plot.

The SVG is written by hand (no library, nothing fetched). Colours are presentation
attributes, not `style=` attributes, so the document's Content-Security-Policy can
forbid inline styles and the charts still print in colour. All text is escaped.
Sizes are in SVG user units; the CSS scales each chart to the page width.
"""

from __future__ import annotations

from html import escape

from ..text import printable
from .common import num
from .document import Bars, Plot, SideKey

PALETTE = ("#1f6fd1", "#d9730d", "#6b7785", "#2e9d5b", "#8e44ad", "#b58900")
"""One colour per side, by template order: IT blue, Marketing orange, Other grey."""
INK = "#1d2430"
GRID = "#d5dae1"
QUADRANT_FILL = {"money pit": "#fcebea", "big bet": "#e9f0fc", "fill-in": "#f3f4f6", "quick win": "#e6f4ea"}
CHAR_WIDTH = 6.4
"""Rough width of one character at 12 units, to lay out legends and wrap labels."""


def colour(side: SideKey | int) -> str:
    index = side.index if isinstance(side, SideKey) else side
    return PALETTE[index % len(PALETTE)] if index >= 0 else INK


def _text(x: float, y: float, text: str, *, size: int = 12, anchor: str = "start", weight: str = "normal", fill: str = INK, extra: str = "") -> str:
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}{extra}>{escape(printable(text))}</text>'


def wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Word-wrap a label into at most `lines` lines of `width` characters, with … if cut."""
    words, out, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
            continue
        if current:
            out.append(current)
        current = word
        if len(out) == lines:
            break
    if current and len(out) < lines:
        out.append(current)
    shown = " ".join(out)
    if len(shown) < len(" ".join(words)):
        last = out[-1] if out else ""
        out[-1:] = [(last[: width - 1].rstrip() + "…") if len(last) >= width else last + " …"]
    return [line[:width] if len(line) > width else line for line in out] or [""]


def _legend(sides, y: float, x: float = 0.0, extra: list[tuple[str, str, float]] | None = None) -> tuple[str, float]:
    """Swatch + label per side (and extra (label, colour, opacity) entries) in one row."""
    parts = []
    for side in sides:
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" rx="2" fill="{colour(side)}"/>')
        parts.append(_text(x + 17, y, side.label))
        x += 17 + len(side.label) * CHAR_WIDTH + 18
    for label, fill, opacity in extra or []:
        parts.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" rx="2" fill="{fill}" fill-opacity="{opacity}"/>')
        parts.append(_text(x + 17, y, label))
        x += 17 + len(label) * CHAR_WIDTH + 18
    return "".join(parts), x


def stacked(chart: Bars) -> str:
    """One bar per group, a segment per side, the total at the end."""
    width, x0, x1 = 640, 0, 600
    scale = (x1 - x0) / chart.top if chart.top else 0
    legend, _ = _legend(chart.sides, 14)
    body, y = [], 30.0
    for group in chart.groups:
        for line in wrap(group.label, 96):
            y += 14
            body.append(_text(0, y, line))
        y += 4
        x = float(x0)
        for side, value in zip(chart.sides, group.values):
            if not value:
                continue
            w = value * scale
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="13" fill="{colour(side)}" stroke="#ffffff" stroke-width="1"/>')
            if w >= 16:
                body.append(_text(x + w / 2, y + 10, num(value, chart.digits), size=10, anchor="middle", weight="bold", fill="#ffffff"))
            x += w
        total = sum(v or 0 for v in group.values)
        body.append(_text(x + 5, y + 10.5, num(total, chart.digits) + chart.unit, size=11, weight="bold"))
        y += 19
    grid = []
    for tick in chart.ticks:
        x = x0 + tick * scale
        grid.append(f'<line x1="{x:.1f}" y1="30" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>')
        grid.append(_text(min(max(x, 6), width - 6), y + 13, num(tick, 0) + chart.unit, size=10, anchor="middle", fill="#5a6472"))
    height = y + 20
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" role="img" aria-label="{escape(printable(chart.title))}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(printable(chart.title))}</title>{legend}{''.join(grid)}{''.join(body)}</svg>"
    )


def bars(chart: Bars) -> str:
    if chart.stacked:
        return stacked(chart)
    width, label_x, x0, x1 = 640, 84, 92, 574
    scale = (x1 - x0) / chart.top if chart.top else 0
    compare = any(group.before for group in chart.groups)
    extra = [(f"{chart.before_label} (light)", INK, 0.3), (f"{chart.after_label} (solid)", INK, 1.0)] if compare else None
    legend, _ = _legend(chart.sides, 14, 0, extra)
    body, y = [], 30.0
    for group in chart.groups:
        for line in wrap(group.label, 92):
            y += 15
            body.append(_text(0, y, line, weight="bold"))
        y += 5
        for n, side in enumerate(chart.sides):
            value = group.values[n]
            before = group.before[n] if group.before else None
            if compare:
                if before is not None:
                    body.append(f'<rect x="{x0}" y="{y:.1f}" width="{max(before * scale, 1):.1f}" height="6" fill="{colour(side)}" fill-opacity="0.3"/>')
                    body.append(_text(x0 + before * scale + 4, y + 6, num(before, chart.digits) + chart.unit, size=9, fill="#5a6472"))
                y += 7
            height = 11
            body.append(_text(label_x, y + 9.5, side.label, size=11, anchor="end", fill=colour(side)))
            if value is not None:
                body.append(f'<rect x="{x0}" y="{y:.1f}" width="{max(value * scale, 1):.1f}" height="{height}" fill="{colour(side)}"/>')
            body.append(_text(x0 + (value or 0) * scale + 4, y + 9.5, (num(value, chart.digits) + chart.unit) if value is not None else "–", size=11))
            y += height + 3
        y += 6
    grid_top, grid_bottom = 30.0, y
    grid = [f'<line x1="{x0}" y1="{grid_top:.1f}" x2="{x0}" y2="{grid_bottom:.1f}" stroke="#9aa3ae" stroke-width="1"/>']
    for tick in chart.ticks:
        x = x0 + tick * scale
        grid.append(f'<line x1="{x:.1f}" y1="{grid_top:.1f}" x2="{x:.1f}" y2="{grid_bottom:.1f}" stroke="{GRID}" stroke-width="1"/>')
        grid.append(_text(x, grid_bottom + 13, num(tick, 0) + chart.unit, size=10, anchor="middle", fill="#5a6472"))
    height = grid_bottom + 20
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height:.0f}" role="img" aria-label="{escape(printable(chart.title))}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(printable(chart.title))}</title>{legend}{''.join(grid)}{''.join(body)}</svg>"
    )


def plot(chart: Plot) -> str:
    left, top_y, size = 64.0, 28.0, 360.0
    right, bottom = left + size, top_y + size
    middle = (1 + chart.top) / 2

    def px(value: float) -> float:
        return left + (value - 1) / (chart.top - 1) * size

    def py(value: float) -> float:
        return bottom - (value - 1) / (chart.top - 1) * size

    mid_x, mid_y = px(middle), py(middle)
    parts = [
        f'<rect x="{left}" y="{top_y}" width="{mid_x - left:.1f}" height="{mid_y - top_y:.1f}" fill="{QUADRANT_FILL["money pit"]}"/>',
        f'<rect x="{mid_x:.1f}" y="{top_y}" width="{right - mid_x:.1f}" height="{mid_y - top_y:.1f}" fill="{QUADRANT_FILL["big bet"]}"/>',
        f'<rect x="{left}" y="{mid_y:.1f}" width="{mid_x - left:.1f}" height="{bottom - mid_y:.1f}" fill="{QUADRANT_FILL["fill-in"]}"/>',
        f'<rect x="{mid_x:.1f}" y="{mid_y:.1f}" width="{right - mid_x:.1f}" height="{bottom - mid_y:.1f}" fill="{QUADRANT_FILL["quick win"]}"/>',
        _text(left + 8, top_y + 18, "Money pits", weight="bold", fill="#8a3b36"),
        _text(right - 8, top_y + 18, "Big bets", anchor="end", weight="bold", fill="#2f5596"),
        _text(left + 8, bottom - 10, "Fill-ins", weight="bold", fill="#5a6472"),
        _text(right - 8, bottom - 10, "Quick wins", anchor="end", weight="bold", fill="#2d6b40"),
        f'<rect x="{left}" y="{top_y}" width="{size}" height="{size}" fill="none" stroke="#9aa3ae"/>',
        f'<line x1="{mid_x:.1f}" y1="{top_y}" x2="{mid_x:.1f}" y2="{bottom}" stroke="#9aa3ae" stroke-dasharray="4 3"/>',
        f'<line x1="{left}" y1="{mid_y:.1f}" x2="{right}" y2="{mid_y:.1f}" stroke="#9aa3ae" stroke-dasharray="4 3"/>',
    ]
    for tick in range(1, chart.top + 1):
        parts.append(_text(px(tick), bottom + 15, str(tick), size=10, anchor="middle", fill="#5a6472"))
        parts.append(_text(left - 8, py(tick) + 4, str(tick), size=10, anchor="end", fill="#5a6472"))
    x_axis, y_axis = chart.axes
    parts.append(_text(left + size / 2, bottom + 34, f"{x_axis} →", anchor="middle", weight="bold"))
    parts.append(_text(18, top_y + size / 2, f"{y_axis} →", anchor="middle", weight="bold",
                       extra=f' transform="rotate(-90 18 {top_y + size / 2:.1f})"'))
    placed: list[tuple[float, float]] = []
    marks, dots = [], []
    for point in chart.points:
        x, y = px(point.x), py(point.y)
        while any(abs(x - a) < 18 and abs(y - b) < 18 for a, b in placed):
            x += 18  # keep numbers readable when two items share a position
        placed.append((x, y))
        for side, pos in zip(chart.sides, point.by_side):
            if pos is None:
                continue
            sx, sy = px(pos[0]), py(pos[1])
            marks.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{sx:.1f}" y2="{sy:.1f}" stroke="{colour(side)}" stroke-width="1.5" stroke-opacity="0.7"/>')
            marks.append(f'<circle cx="{sx:.1f}" cy="{sy:.1f}" r="4.5" fill="{colour(side)}" stroke="#ffffff" stroke-width="1"/>')
        dots.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="{INK}"/>')
        dots.append(_text(x, y + 4, str(point.number), size=11, anchor="middle", weight="bold", fill="#ffffff"))
    legend, _ = _legend(chart.sides, bottom + 58, left, [("Whole room (numbered)", INK, 1.0)])
    height = bottom + 68
    return (
        f'<svg class="plot" viewBox="0 0 {right + 16:.0f} {height:.0f}" role="img" aria-label="{escape(printable(chart.title))}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(printable(chart.title))}</title>{''.join(parts)}{''.join(marks)}{''.join(dots)}{legend}</svg>"
    )
