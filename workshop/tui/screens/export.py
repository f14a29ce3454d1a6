"""Export the joint agenda: a preview of the document, the files written, and
publishing it to the phones."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static

from ... import commands as c
from ...export import FORMATS, local_zone, to_markdown, write_exports


class ExportScreen(Screen):
    BINDINGS = [
        Binding("e", "export", "Write md + html + json"),
        Binding("u", "publish", "Publish to phones"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="export-status")
        with VerticalScroll(id="export-preview"):
            yield Markdown(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        engine = self.app.workshop.engine
        self.query_one("#preview", Markdown).update(to_markdown(engine, tz=local_zone(engine.session)))
        self._status("Preview of the joint agenda. Press e to write the files, u to show it on the phones.")

    def _status(self, message: str, style: str = "") -> None:
        self.query_one("#export-status", Static).update(Text(message, style=style))

    def action_export(self) -> None:
        workshop = self.app.workshop
        folder = workshop.folder
        try:
            paths = write_exports(workshop.engine, folder, FORMATS, tz=local_zone(workshop.session))
        except OSError as err:
            self._status(f"Could not write the files to {folder}: {err.strerror or err}. Nothing else changed.", "bold red")
            return
        text = Text("Written:\n", style="bold green")
        for path in paths:
            text.append(f"  {path}\n")
        self.query_one("#export-status", Static).update(text)
        self.notify(f"Joint agenda written to {folder}")

    async def action_publish(self) -> None:
        published = not self.app.workshop.session.published
        if await self.app.facilitate(c.Publish(published=published)):
            self._status(
                "Published: phones now show the joint agenda and can download it." if published
                else "Unpublished: phones no longer show the joint agenda.",
                "bold green" if published else "",
            )
