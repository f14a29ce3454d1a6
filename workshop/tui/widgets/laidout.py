"""A long text laid out off the event loop and shown as it is.

A `Static` given a long `Text` wraps all of it on the event loop whenever it is
updated or resized: for the joint agenda of a full day (500+ lines) that is a
pause of 70–150 ms in which the room, on the same loop, answers no phone. Here a
worker thread lays the text out into lines (`lay_out`), and the widget draws only
the lines in view (Textual's line API), so updating and scrolling cost the same
for ten lines or ten thousand. The price: the lines keep the width they were laid
out for; the caller lays them out again after a resize if it matters.
"""

from __future__ import annotations

import io

from rich.console import Console, RenderableType
from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


def lay_out(renderable: RenderableType, width: int) -> list[Strip]:
    """The lines a renderable takes at `width` columns. Safe on a worker thread:
    it touches no widget."""
    console = Console(width=width, file=io.StringIO(), color_system="truecolor", force_terminal=True)
    return [Strip(line) for line in console.render_lines(renderable, console.options, pad=False)]


class LaidOut(ScrollView, can_focus=True):
    """Lines laid out elsewhere, scrolled with the keys and the wheel."""

    DEFAULT_CSS = """
    LaidOut { height: 1fr; }
    """

    def __init__(self, placeholder: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.show([Strip([Segment(placeholder)])] if placeholder else [])

    @property
    def text(self) -> str:
        """What the lines say, as plain text (for people reading a test's failure)."""
        return "\n".join(line.text for line in self._lines)

    def show(self, lines: list[Strip]) -> None:
        """Show these lines instead (where it was scrolled to, as far as they reach)."""
        self._lines = lines
        self.virtual_size = Size(max((line.cell_length for line in lines), default=0), len(lines))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        left, top = self.scroll_offset
        width = self.scrollable_content_region.width
        index = top + y
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        style = self.rich_style  # the widget's colours under the text's own
        return self._lines[index].crop_extend(left, left + width, style).apply_style(style)
