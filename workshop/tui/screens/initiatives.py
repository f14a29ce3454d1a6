"""The joint initiatives editor: draft from the top-voted candidates, fill in the
two leads, the shared KPI and the first step, then mark each agreed or parked."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from ... import commands as c
from ...model import INITIATIVE_LABELS
from ..facade import WorkshopScreen
from ..results import render
from ..widgets.keybar import KeyBar
from .dialogs import Field, FormDialog


class InitiativesScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "draft", "Draft next"),
        Binding("enter", "edit", "Edit"),
        Binding("a", "status('agreed')", "Agree"),
        Binding("k", "status('parked')", "Park"),
        Binding("u", "status('draft')", "Back to draft"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def __init__(self, exercise_id: str, *, presentation: bool = False):
        super().__init__()
        self.exercise_id = exercise_id
        self.presentation = presentation
        """Set from the run screen's presentation mode: no champions' names."""
        self._drawn = None
        self._count = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="initiatives"):
            yield OptionList(id="initiative-list")
            with VerticalScroll(id="initiative-detail"):
                yield Static(id="initiative-board")
        yield KeyBar()

    def on_mount(self) -> None:
        self.follow_session()
        self.set_interval(0.25, self.refresh_view)
        self.refresh_view()
        self.query_one(OptionList).focus()

    @property
    def state(self):
        return self.facilitator.workshop.session.exercises[self.exercise_id]

    def refresh_view(self, force: bool = False) -> None:
        if not self.facilitator.is_open:
            return
        session = self.facilitator.workshop.session
        if self.session_changes == self._drawn and not force:
            return
        self._drawn = self.session_changes
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for initiative in self.state.initiatives.values():
            label = Text(f"[{initiative.status}] ", style={"agreed": "green", "parked": "dim"}.get(initiative.status, "yellow"))
            label.append(initiative.title)
            options.add_option(Option(label, id=initiative.id))
        if options.option_count:
            grew = options.option_count > self._count
            # After a draft, the new one is selected, ready for Enter to fill it in.
            options.highlighted = options.option_count - 1 if grew or highlighted is None else min(highlighted, options.option_count - 1)
        self._count = options.option_count
        self.query_one("#initiative-board", Static).update(render(session, self.exercise_id, presentation=self.presentation))

    def _selected(self) -> str | None:
        options = self.query_one(OptionList)
        if options.highlighted is None:
            self.notify("No initiative selected; press d to draft one.", severity="warning")
            return None
        return options.get_option_at_index(options.highlighted).id

    async def _do(self, command) -> None:
        await self.facilitator.act(command)
        self.refresh_view(force=True)

    def _next_candidate(self):
        drafted = {i.source_item for i in self.state.initiatives.values()}
        return next((item for item in self.state.items if item.id not in drafted), None)

    def action_draft(self) -> None:
        candidate = self._next_candidate()

        async def then(values):
            if values is None:
                return
            source = candidate.id if candidate and values["title"].strip() == candidate.text else None
            await self._do(c.DraftInitiative(exercise=self.exercise_id, title=values["title"], source_item=source))

        title = candidate.text if candidate else ""
        self.app.push_screen(
            FormDialog("Draft a joint initiative", [Field("title", "Title", title)], help_text="Starts from the next top-voted candidate."),
            then,
        )

    @on(OptionList.OptionSelected)
    def action_edit(self) -> None:
        initiative_id = self._selected()
        if initiative_id is None:
            return
        initiative = self.state.initiatives[initiative_id]

        async def then(values):
            if values is None:
                return
            changed = {k: v for k, v in values.items() if v != getattr(initiative, k)}
            if changed:
                await self._do(c.UpdateInitiative(exercise=self.exercise_id, initiative=initiative_id, fields=changed))

        fields = [Field(name, label, getattr(initiative, name)) for name, label in INITIATIVE_LABELS.items()]
        self.app.push_screen(FormDialog(f"Edit: {initiative.title}", fields, submit="Save"), then)

    async def action_status(self, status: str) -> None:
        initiative_id = self._selected()
        if initiative_id is not None:
            await self._do(c.SetInitiativeStatus(exercise=self.exercise_id, initiative=initiative_id, status=status))
