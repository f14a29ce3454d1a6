"""Home: resume a saved session, start a new one from an agenda template, or start
the follow-up of a saved session (`f`: the 90-day review, `workshop.followup`)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Header, Input, Label, Select, Static

from ... import followup, sessions
from ...agenda import list_templates
from ...store import StoreError
from ..facade import WorkshopScreen
from ..widgets.keybar import KeyBar
from .dialogs import Field, FormDialog


class HomeScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "focus_new", "New session"),
        Binding("f", "follow_up", "Follow up the session picked"),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="home"):
            with Vertical(id="saved"):
                yield Static("Saved sessions — Enter to resume, f to follow one up", classes="section-title")
                yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
            with Vertical(id="new"):
                yield Static("New session", classes="section-title")
                yield Label("Title")
                yield Input(placeholder="Acme CIO–CMO offsite", id="title")
                yield Label("Organisation")
                yield Input(placeholder="Acme Ltd", id="organisation")
                yield Label("Facilitator")
                yield Input(placeholder="Your name", id="facilitator")
                yield Label("Agenda")
                yield Select(self._template_options(), id="template", allow_blank=False)
                yield Button("Start session", variant="primary", id="create")
        yield KeyBar()

    def _template_options(self) -> list[tuple[Text, str]]:
        found, errors = list_templates()
        for error in errors:
            self.notify(error, severity="warning", timeout=20)
        found.sort(key=lambda t: (t.name != "cio-cmo-alignment", t.name))
        return [(Text(f"{t.template.title} — {len(t.template.exercises)} steps, {t.template.planned} min"), t.name) for t in found]

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        table.add_columns("Session", "Date", "People", "Progress")
        self.rows = sessions.list_sessions(self.facilitator.sessions_dir)
        for row in self.rows:
            date = time.strftime("%d %b %Y %H:%M" if time.localtime(row.created_at).tm_year != time.localtime().tm_year else "%d %b %H:%M", time.localtime(row.created_at))
            if row.open_by is not None:
                progress = f"open elsewhere (pid {row.open_by.pid})" if row.open_by.pid else "open elsewhere"
            elif row.problem:
                progress = f"cannot load: {row.problem[:40]}"
            else:
                step = row.current if len(row.current) <= 20 else row.current[:19] + "…"
                progress = f"{row.done}/{row.total} · {step}" + (" · damaged lines, will be set aside" if row.damaged else "")
            # Text, not str: DataTable parses strings as markup, and a title is the user's data.
            # Two sessions of the same title are told apart: #1 is the older one.
            twins = sorted((r.created_at, str(r.folder)) for r in self.rows if r.title == row.title)
            title = row.title if len(twins) == 1 else f"{row.title} #{twins.index((row.created_at, str(row.folder))) + 1}"
            cells = (title, date, str(row.participants), progress)
            table.add_row(*(Text(cell) for cell in cells), key=str(row.folder))
        if self.rows:
            table.focus()
        else:
            self.query_one("#title", Input).focus()

    def action_focus_new(self) -> None:
        self.query_one("#title", Input).focus()

    @on(DataTable.RowSelected, "#sessions")
    def _resume(self, event: DataTable.RowSelected) -> None:
        self._open(event.row_key.value)

    def _open(self, folder: str) -> None:
        row = next((r for r in self.rows if str(r.folder) == folder), None)
        if row is not None and row.open_by is not None:
            self.notify(
                f"“{row.title}” is {row.open_by.describe()}. Close that one first.", severity="error", timeout=20
            )
            return
        try:
            workshop = sessions.open_folder(Path(folder))
        except (StoreError, ValueError) as err:
            self.notify(str(err), severity="error", timeout=20)
            return
        self.facilitator.open_session(workshop)

    @on(Input.Submitted)
    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.notify("Give the session a title first.", severity="warning")
            self.query_one("#title", Input).focus()
            return
        self._start(title)

    def _start(self, title: str) -> None:
        try:
            workshop = sessions.create(
                title,
                str(self.query_one("#template", Select).value),
                organisation=self.query_one("#organisation", Input).value,
                facilitator=self.query_one("#facilitator", Input).value,
                sessions_dir=self.facilitator.sessions_dir,
            )
        except (StoreError, ValueError) as err:
            self.notify(str(err), severity="error", timeout=20)
            return
        self.facilitator.open_session(workshop)

    # ------------------------------------------------------------ follow-up

    def action_follow_up(self) -> None:
        """Start the follow-up of the session picked in the list: a new session that
        carries its actions, initiatives, decisions, risks and pulse over (asks for the
        title and the facilitator first), and opens on its lobby."""
        table = self.query_one("#sessions", DataTable)
        if not table.row_count:
            self.notify("No saved session to follow up yet.", severity="warning")
            return
        folder = Path(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or "")
        try:
            source = sessions.read_folder(folder).session
        except (StoreError, ValueError) as err:
            self.notify(f"Cannot follow up {folder.name}: {err}", severity="error", timeout=20)
            return

        def done(values: dict | None) -> None:
            if values is not None:
                self._follow_up(folder, values["title"], values["facilitator"])

        self.app.push_screen(FormDialog(
            f"Follow up “{source.title}”",
            [
                Field("title", "Title", followup.title_for(source)),
                Field("facilitator", "Facilitator", source.facilitator, placeholder="Your name"),
            ],
            submit="Start the follow-up",
            help_text="A new session: the same statements for the pulse, each action to review with its status, each initiative's KPI "
            "against its baseline and target, what blocked us and what we change. The session itself is not changed.",
        ), done)

    def _follow_up(self, folder: Path, title: str, facilitator: str) -> None:
        try:
            workshop = sessions.follow_up(folder, title=title or None, facilitator=facilitator, sessions_dir=self.facilitator.sessions_dir)
        except (StoreError, ValueError) as err:
            self.notify(str(err), severity="error", timeout=20)
            return
        carried = workshop.session.review
        if carried is not None:
            actions = sum(1 for r in carried.records if r.kind == "action")
            self.notify(
                f"Follow-up of “{carried.chain[-1].title}”: {actions} action{'' if actions == 1 else 's'} and "
                f"{len(carried.initiatives)} initiative{'' if len(carried.initiatives) == 1 else 's'} carried over. "
                "On the run screen, ctrl+p → “Follow-up review” records their status.",
                timeout=20,
            )
        self.facilitator.open_session(workshop)
