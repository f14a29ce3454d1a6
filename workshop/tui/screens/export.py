"""Export the joint agenda (a follow-up's progress report): a preview of the
document, the files written, and publishing it to the phones.

The document is rendered, laid out and written on worker threads from a copy of the
session (dumped on the loop, a few milliseconds; rebuilt on the thread), and the
preview shows the laid-out lines without wrapping them again (`LaidOut`): a long
document takes a second or more to lay out, and the room, on the same event loop,
must keep answering phones meanwhile. A worker holds the cyclic garbage collector
off while it builds (`collector_held`): a full collection in the middle of a layout
walks every line laid out so far holding the interpreter, and the loop waits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from rich.markdown import Markdown
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Header, Static
from textual.worker import Worker, get_current_worker

from ... import commands as c
from ...export import FORMATS, document_name, local_zone, to_markdown, write_exports
from ...model import Session
from ..facade import WorkshopScreen
from ..widgets.keybar import KeyBar
from ..widgets.laidout import LaidOut, lay_out

RELAYOUT_AFTER = 0.25
"""Seconds the window must keep its size before the preview is laid out again."""
SETTLE = 0.1
"""Seconds after the screen opens before the preview's thread starts: Textual is
still putting the screen together for a few frames, and the two take turns with the
interpreter (measured at a long day's end: the loop's longest block 25–44 ms when
started after the first paint, 14–20 ms after 0.1 s)."""


@contextmanager
def collector_held(freeze: bool = False) -> Iterator[None]:
    """No automatic cyclic collection while a worker thread builds a document: at a
    long day's end, collections in the middle of a preview's layout walked its lines
    so far and stalled the loop 24–76 ms each. With `freeze`, what is alive afterwards
    (the laid-out lines the preview keeps) is taken out of the collector's sight, as
    the room does after a join burst: freed by reference counting when the screen
    closes, never walked by a collection meanwhile. The collector is on again after,
    unless something else (Textual pauses it while scrolling) had it off before."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if was_on:
            gc.enable()


class ExportScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Write md + html + json"),
        Binding("u", "publish", "Publish to phones"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="export-status")
        yield LaidOut("Laying out the preview…", id="preview")
        yield KeyBar()

    def on_mount(self) -> None:
        self._status(f"Preview of the {self._document}. Press e to write the files, u to show it on the phones.")
        self.query_one("#preview", LaidOut).focus()  # the arrow and page keys scroll it
        # Once the screen has settled, so that the thread does not hold the loop up
        # while the screen is being put together (they take turns with the GIL).
        self.set_timer(SETTLE, self._preview)

    _width: int | None = None
    """The width the preview was last laid out for; None before the first paint."""
    _resized: Timer | None = None

    def on_resize(self) -> None:
        # Laid out again once the window stops changing: dragging its edge sends a
        # resize after resize, and each layout is a second of work on a thread that
        # cannot be stopped, taking turns with the loop the room runs on.
        if self._width is None:
            return
        if self._resized is not None:
            self._resized.stop()
        self._resized = self.set_timer(RELAYOUT_AFTER, self._preview)

    def _preview_width(self) -> int:
        return max(40, self.app.size.width - 4)

    def _preview(self) -> None:
        if self._width == self._preview_width():
            return
        self._width = self._preview_width()
        self.lay_out_preview(self._session_copy(), self._width)

    @property
    def _document(self) -> str:
        return document_name(self.facilitator.workshop.session)

    def _session_copy(self) -> dict[str, Any]:
        """The session as it is now, for a worker thread: phones may act meanwhile.
        Plain data: the thread builds the model again, off the loop."""
        return self.facilitator.workshop.session.model_dump()

    @work(thread=True, exclusive=True, group="preview")
    def lay_out_preview(self, dumped: dict[str, Any], width: int) -> None:
        worker = get_current_worker()  # cancelled when a newer layout (another width) starts
        with collector_held(freeze=True):
            session = Session.model_validate(dumped)
            text = to_markdown(session, tz=local_zone(session))
            if worker.is_cancelled:
                return
            lines = lay_out(Markdown(text), width)
        self.app.call_from_thread(self._show, lines, worker)

    def _show(self, lines: list[Strip], worker: Worker[None]) -> None:
        """On the loop: the laid-out lines, unless a newer layout replaced them or the
        screen was closed meanwhile."""
        if not worker.is_cancelled and self.is_attached:
            self.query_one("#preview", LaidOut).show(lines)

    def _status(self, message: str, style: str = "") -> None:
        self.query_one("#export-status", Static).update(Text(message, style=style))

    def action_export(self) -> None:
        self._status("Writing the files…")
        self.write_files(self._session_copy())

    @work(thread=True, exclusive=True, group="export")
    def write_files(self, dumped: dict[str, Any]) -> None:
        folder = self.facilitator.workshop.folder
        try:
            with collector_held():
                session = Session.model_validate(dumped)
                paths = write_exports(session, folder, FORMATS, tz=local_zone(session))
        except OSError as err:
            message = f"Could not write the files to {folder}: {err.strerror or err}. Nothing else changed."
            self.app.call_from_thread(self._status, message, "bold red")
            return
        text = Text("Written:\n", style="bold green")
        for path in paths:
            text.append(f"  {path}\n")
        self.app.call_from_thread(self._written, text, folder)

    def _written(self, text: Text, folder) -> None:
        self.query_one("#export-status", Static).update(text)
        self.notify(f"{self._document.capitalize()} written to {folder}")

    async def action_publish(self) -> None:
        published = not self.facilitator.workshop.session.published
        if await self.facilitator.act(c.Publish(published=published)):
            self._status(
                f"Published: phones now show the {self._document} and can download it." if published
                else f"Unpublished: phones no longer show the {self._document}.",
                "bold green" if published else "",
            )
