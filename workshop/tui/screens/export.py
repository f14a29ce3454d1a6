"""Export the joint agenda: a preview of the document, the files written, and
publishing it to the phones.

The document is rendered, laid out and written on worker threads from a copy of the
session: a long document takes a second or more to lay out, and the room, on the
same event loop, must keep answering phones meanwhile."""

from __future__ import annotations

import io
from typing import ClassVar

from rich.console import Console
from rich.markdown import Markdown
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Header, Static

from ... import commands as c
from ...export import FORMATS, local_zone, to_markdown, write_exports
from ...model import Session
from ..facade import WorkshopScreen
from ..widgets.keybar import KeyBar


class ExportScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Write md + html + json"),
        Binding("u", "publish", "Publish to phones"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="export-status")
        with VerticalScroll(id="export-preview"):
            yield Static("Laying out the preview…", id="preview")
        yield KeyBar()

    def on_mount(self) -> None:
        self._status("Preview of the joint agenda. Press e to write the files, u to show it on the phones.")
        self.lay_out_preview(self._session_copy(), max(40, self.app.size.width - 4))

    def _session_copy(self) -> Session:
        """The session as it is now, for a worker thread: phones may act meanwhile."""
        return Session.model_validate(self.facilitator.workshop.session.model_dump())

    @work(thread=True, exclusive=True, group="preview")
    def lay_out_preview(self, session: Session, width: int) -> None:
        console = Console(width=width, file=io.StringIO(), color_system="truecolor", force_terminal=True)
        document = Markdown(to_markdown(session, tz=local_zone(session)))
        preview = Text()
        for line in console.render_lines(document, console.options, pad=False):
            for segment in line:
                preview.append(segment.text, segment.style)
            preview.append("\n")
        self.app.call_from_thread(self.query_one("#preview", Static).update, preview)

    def _status(self, message: str, style: str = "") -> None:
        self.query_one("#export-status", Static).update(Text(message, style=style))

    def action_export(self) -> None:
        self._status("Writing the files…")
        self.write_files(self._session_copy())

    @work(thread=True, exclusive=True, group="export")
    def write_files(self, session: Session) -> None:
        folder = self.facilitator.workshop.folder
        try:
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
        self.notify(f"Joint agenda written to {folder}")

    async def action_publish(self) -> None:
        published = not self.facilitator.workshop.session.published
        if await self.facilitator.act(c.Publish(published=published)):
            self._status(
                "Published: phones now show the joint agenda and can download it." if published
                else "Unpublished: phones no longer show the joint agenda.",
                "bold green" if published else "",
            )
