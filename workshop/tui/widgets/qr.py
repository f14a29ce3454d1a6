"""The join QR code drawn with half-block characters: two modules per character
cell, always black on white whatever the terminal's theme, with the quiet zone
scanners need."""

from __future__ import annotations

import qrcode
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

DARK, LIGHT = "#000000", "#ffffff"
"""True colours, not ANSI black/white, which many themes draw as greys."""
QUIET = 2
"""Modules of white border; scanners want some, terminals have little room."""


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR modules (True = dark) including the quiet zone."""
    code = qrcode.QRCode(border=QUIET, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_text(data: str) -> Text:
    """Half-block rendering: the upper module is the foreground of '▀', the lower
    one the background, so dark-on-light holds in dark and light themes alike."""
    matrix = qr_matrix(data)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    text = Text(no_wrap=True, overflow="crop")
    for top, bottom in zip(matrix[0::2], matrix[1::2]):
        for upper, lower in zip(top, bottom):
            text.append("▀", style=f"{DARK if upper else LIGHT} on {DARK if lower else LIGHT}")
        text.append("\n")
    text.rstrip()
    return text


def matrix_from_text(text: Text) -> list[list[bool]]:
    """Read the modules back from a rendering (for tests that decode what is drawn)."""
    rows: list[list[bool]] = []
    for line in text.split("\n"):
        top, bottom = [], []
        for span_text, style in _cells(line):
            for _ in span_text:
                top.append(style.color.triplet.hex == DARK)
                bottom.append(style.bgcolor.triplet.hex == DARK)
        rows.extend([top, bottom])
    return rows


def _cells(line: Text):
    for segment in line.render(Console(width=400, color_system="truecolor")):
        yield segment.text, segment.style or Style()


class QRCode(Static):
    """Shows `data` as a scannable code."""

    DEFAULT_CSS = """
    QRCode { width: auto; height: auto; }
    """

    def __init__(self, data: str, **kwargs):
        self.data = data
        self.text = qr_text(data)
        """What is drawn, kept for tests that decode it."""
        super().__init__(self.text, **kwargs)
