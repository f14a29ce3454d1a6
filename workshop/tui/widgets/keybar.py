"""The key bar every screen shows at its foot: Textual's footer, compact on a narrow
terminal (one space between keys instead of two), so that at 80 columns the keys a
screen lists first — the ones a facilitator needs most — stay in view."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

COMPACT_BELOW = 120
"""Columns under which the bar is compact."""


class KeyBar(Footer):
    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
