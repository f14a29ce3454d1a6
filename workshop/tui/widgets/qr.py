"""The join QR code drawn with half-block characters: two modules per character
cell, always black on white whatever the terminal's theme, with the quiet zone
scanners need. At a larger `scale` each module is a square of scale × scale
half-blocks (a terminal cell is about twice as tall as it is wide), which a
projector needs to be scanned from the back of the room."""

from __future__ import annotations

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from ...qr import qr_matrix

DARK, LIGHT = "#000000", "#ffffff"
"""True colours, not ANSI black/white, which many themes draw as greys."""


def fit_scale(data: str, width: int, height: int) -> int:
    """The largest module size at which the code fits `width` × `height` cells; at
    least 1, where the code is cropped if the terminal is smaller than that."""
    modules = len(qr_matrix(data))
    return max(1, min(width // modules, 2 * height // modules))


def qr_text(data: str, scale: int = 1) -> Text:
    """Half-block rendering: the upper module is the foreground of '▀', the lower
    one the background, so dark-on-light holds in dark and light themes alike."""
    matrix = [[dark for dark in row for _ in range(scale)] for row in qr_matrix(data) for _ in range(scale)]
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    text = Text(no_wrap=True, overflow="crop")
    for top, bottom in zip(matrix[0::2], matrix[1::2]):
        for upper, lower in zip(top, bottom):
            text.append("▀", style=f"{DARK if upper else LIGHT} on {DARK if lower else LIGHT}")
        text.append("\n")
    text.rstrip()
    return text


def matrix_from_text(text: Text, scale: int = 1) -> list[list[bool]]:
    """Read the modules back from a rendering at `scale` (for tests that decode what
    is drawn): one half-block from each scale × scale square."""
    rows: list[list[bool]] = []
    for line in text.split("\n"):
        top, bottom = [], []
        for span_text, style in _cells(line):
            for _ in span_text:
                top.append(style.color.triplet.hex == DARK)
                bottom.append(style.bgcolor.triplet.hex == DARK)
        rows.extend([top, bottom])
    return [row[::scale] for row in rows[::scale]]


def _cells(line: Text):
    for segment in line.render(Console(width=400, color_system="truecolor")):
        yield segment.text, segment.style or Style()


class QRCode(Static):
    """Shows `data` as a scannable code, each module `scale` half-blocks square."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    scale: reactive[int] = reactive(1, init=False)
    """Set by the screen that knows how much room there is (see `fit_scale`)."""

    def __init__(self, data: str, *, scale: int = 1, **kwargs):
        self.data = data
        self.text = qr_text(data, scale)
        """What is drawn, kept for tests that decode it."""
        super().__init__(self.text, **kwargs)
        self.set_reactive(QRCode.scale, scale)

    def watch_scale(self, scale: int) -> None:
        self.text = qr_text(self.data, scale)
        self.update(self.text)
