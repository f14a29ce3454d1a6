"""The run screen: agenda rail, the current exercise with its live results, the
timer, participation and the facilitator's notes. Keyboard first.

It redraws at most `REFRESH_HZ` times a second, and only when something changed
(a new event, the timer's second, a toggle), however many phones are acting.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Static

from ... import commands as c
from ... import privacy
from ...activities import KINDS, results_visible
from ..facade import WorkshopScreen
from ..results import render
from ..widgets.board import IdeaBoard
from ..widgets.keybar import KeyBar
from ..widgets.rail import AgendaRail
from .dialogs import Field, FormDialog

REFRESH_HZ = 4


def clock_text(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    seconds = abs(int(seconds))
    return f"{sign}{seconds // 60:02d}:{seconds % 60:02d}"


class RunScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        # In the order the key bar shows them: at 80 columns the first ones fit.
        Binding("n,right", "next", "Next"),
        Binding("b,left", "back", "Back"),
        Binding("o", "open", "Open"),
        Binding("c", "close", "Close"),
        Binding("r", "reveal", "Reveal"),
        Binding("t", "timer", "Timer"),
        Binding("plus,equals_sign", "extend", "+1 min"),
        Binding("question_mark", "app.help", "Help"),
        Binding("d", "decisions", "Decisions"),
        Binding("x", "export", "Export"),
        Binding("v", "notes", "Notes"),
        Binding("p", "presentation", "Present"),
        Binding("l", "lobby", "Lobby"),
        Binding("w", "people", "People", show=False),
        Binding("a", "add_idea", "Add idea", show=False),
        Binding("h", "hide_idea", "Hide idea", show=False),
        Binding("e", "edit_idea", "Edit idea", show=False),
        Binding("m", "merge_ideas", "Merge", show=False),
        Binding("g", "group_ideas", "Theme", show=False),
        Binding("i", "initiatives", "Initiatives", show=False),
    ]

    def __init__(self):
        super().__init__()
        self.presentation = False
        self.show_notes = True
        self._drawn = None
        self._last_theme = ""
        """The theme the facilitator last gave an idea: offered for the next one."""
        self._time_up_told: tuple[str, float | None] | None = None
        self._time_running: tuple[str, float | None] | None = None
        """The opening whose countdown this screen has seen above zero."""
        """The opening of an exercise whose end of timebox was told (once per opening)."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield AgendaRail(id="rail")
            with Vertical(id="main"):
                yield Static(id="head")
                yield Static(id="prompt")
                with Horizontal(id="meters"):
                    yield Static(id="timer")
                    yield Static(id="participation")
                    yield Static(id="visibility")
                yield IdeaBoard(id="board")
                with VerticalScroll(id="results-scroll"):
                    yield Static(id="results")
                yield Static(id="notes")
        yield KeyBar()

    def on_mount(self) -> None:
        self.follow_session()
        self.set_interval(1 / REFRESH_HZ, self.refresh_view)
        self.refresh_view()

    @property
    def workshop(self):
        return self.facilitator.workshop

    def refresh_view(self, force: bool = False) -> None:
        """Redraw what changed since the last call (cheap when nothing did)."""
        if self.workshop is None:
            return
        session = self.workshop.session
        now = self.facilitator.now()
        cfg = session.current_exercise
        state = session.exercises[cfg.id]
        key = (self.session_changes, session.current, self.presentation, self.show_notes, int(state.timer.remaining(now)), int(now // 30))
        if key == self._drawn and not force:
            return
        self._drawn = key
        self._tell_time_up(cfg, state, now)
        self.query_one(AgendaRail).show(session, now)
        self._draw_head(session, cfg, state)
        self._draw_meters(session, cfg, state, now)
        self._draw_board(cfg, state)
        empty = self.workshop.engine.nothing_to_act_on(cfg.id) if state.status != "pending" else None
        if empty:
            # Said where the facilitator looks, and never projected as an instruction.
            said = "Waiting for what this step works on." if self.presentation else empty
            self.query_one("#results", Static).update(Text(said, style="dim italic" if self.presentation else "bold yellow"))
        else:
            self.query_one("#results", Static).update(render(session, cfg.id, presentation=self.presentation))
        notes = self.query_one("#notes", Static)
        notes.display = self.show_notes and not self.presentation and bool(cfg.notes.strip())
        notes.update(Text(cfg.notes.strip(), style="italic"))

    def _draw_board(self, cfg, state) -> None:
        """A brainstorm's board to moderate by pointing, in place of its drawing (not
        in presentation mode: the room sees the drawing)."""
        board = self.query_one(IdeaBoard)
        moderating = cfg.kind == "brainstorm" and not self.presentation and state.status != "pending"
        board.display = moderating
        self.query_one("#results-scroll").display = not moderating
        if moderating:
            board.show(self.workshop.session, cfg.id)

    def _pointed_idea(self) -> tuple[str, str | None]:
        """(the brainstorm on screen, the idea highlighted on its board), saying why
        when there is none to act on."""
        exercise = self._brainstorm()
        if exercise is None:
            return "", None
        board = self.query_one(IdeaBoard)
        pointed = board.selected_idea if board.display else None
        if pointed is None:
            self.notify("Pick an idea on the board first (arrow keys).", severity="warning")
        return exercise, pointed

    def _tell_time_up(self, cfg, state, now) -> None:
        """When an open exercise's countdown reaches zero while this screen watches it:
        a bell and a note, once per opening (the countdown turns red too; phones show
        "Time's up"). A timebox that ran out before the app started is not rung."""
        opening = (cfg.id, state.opened_at)
        if state.status != "open" or not state.timer.running:
            return
        if state.timer.remaining(now) > 0:
            self._time_running = opening
            return
        if self._time_running != opening or self._time_up_told == opening:
            return
        self._time_up_told = opening
        self.app.bell()
        self.notify(f"Time is up for “{cfg.title}”: n moves on, + gives a minute more.", severity="warning", timeout=15)

    def _draw_head(self, session, cfg, state) -> None:
        head = Text(f"Step {session.current + 1} of {len(session.template.exercises)} · ", style="dim")
        head.append(KINDS[cfg.kind].label, style="dim")
        head.append(f" · {privacy.IDENTITY_WORDS[cfg.identity]}", style="bold magenta" if cfg.identity == "anonymous" else "dim")
        head.append("\n")
        head.append(cfg.title, style="bold")
        status = {"pending": ("  not started — press o to open", "yellow"), "open": ("  OPEN", "bold green"), "closed": ("  closed", "dim")}[state.status]
        head.append(status[0], style=status[1])
        self.query_one("#head", Static).update(head)
        self.query_one("#prompt", Static).update(Text(cfg.prompt))

    def _draw_meters(self, session, cfg, state, now) -> None:
        remaining = state.timer.remaining(now)
        timer = Text("Time ", style="dim")
        timer.append(clock_text(remaining), style="bold red" if remaining < 0 else ("bold" if state.timer.running else "dim"))
        timer.append("" if state.timer.running else ("  paused" if state.status == "open" else ""), style="dim")
        self.query_one("#timer", Static).update(timer)
        done, present = self.workshop.engine.participation(cfg.id)
        self.query_one("#participation", Static).update(Text(f"{done} of {present} have {KINDS[cfg.kind].action_word}"))
        visible = results_visible(cfg, state)
        shown = Text("phones see results" if visible else f"results hidden from phones ({cfg.reveal.replace('_', ' ')})")
        shown.stylize("green" if visible else "dim")
        self.query_one("#visibility", Static).update(shown)

    # ------------------------------------------------------------ actions

    @property
    def current(self):
        return self.workshop.session.current_exercise

    async def _do(self, command) -> bool:
        ok = await self.facilitator.act(command)
        self.refresh_view(force=True)
        return ok

    async def action_open(self) -> None:
        await self._do(c.Open(exercise=self.current.id))

    async def action_close(self) -> None:
        await self._do(c.Close(exercise=self.current.id))

    async def action_reveal(self) -> None:
        cfg = self.current
        state = self.workshop.session.exercises[cfg.id]
        if not state.revealed and results_visible(cfg, state):
            when = "live" if cfg.reveal == "live" else "once it is closed"
            self.notify(f"Phones already see these results: this exercise shows them {when}.")
            return
        revealed = not state.revealed
        if await self._do(c.Reveal(exercise=cfg.id, revealed=revealed)):
            self.notify("Results shown on phones" if revealed else "Results hidden from phones again")

    async def action_next(self) -> None:
        await self._do(c.Next())

    async def action_back(self) -> None:
        await self._do(c.Back())

    async def action_timer(self) -> None:
        state = self.workshop.session.exercises[self.current.id]
        command = c.TimerPause if state.timer.running else c.TimerStart
        await self._do(command(exercise=self.current.id))

    async def action_extend(self) -> None:
        await self._do(c.TimerExtend(exercise=self.current.id, seconds=60))

    def action_notes(self) -> None:
        self.show_notes = not self.show_notes
        self.refresh_view(force=True)

    def action_presentation(self) -> None:
        self.presentation = not self.presentation
        self.screen.add_class("presenting") if self.presentation else self.screen.remove_class("presenting")
        self.notify("Presentation mode: no notes, no names" if self.presentation else "Presentation mode off")
        self.refresh_view(force=True)

    def action_people(self) -> None:
        from .people import PeopleScreen

        self.app.push_screen(PeopleScreen())

    def action_lobby(self) -> None:
        from .lobby import LobbyScreen

        self.app.push_screen(LobbyScreen(names=not self.presentation))

    def action_export(self) -> None:
        from .export import ExportScreen

        self.app.push_screen(ExportScreen())

    def action_decisions(self) -> None:
        from .decisions import DecisionsScreen

        self.app.push_screen(DecisionsScreen())

    def action_follow_up(self) -> None:
        """The follow-up review (command palette only: no key of its own): the carried
        actions' status and reason, the initiatives' KPI now."""
        from .followup import FollowUpScreen

        if self.facilitator.session.review is None:
            self.notify("This session follows up no other, so nothing was carried over to review. `workshop follow-up` starts one.", severity="warning")
            return
        self.app.push_screen(FollowUpScreen())

    def action_initiatives(self) -> None:
        from .initiatives import InitiativesScreen

        target = next((e for e in self.workshop.session.template.exercises if e.kind == "initiatives"), None)
        if target is None:
            self.notify("This agenda has no joint initiatives exercise.", severity="warning")
            return
        self.app.push_screen(InitiativesScreen(target.id, presentation=self.presentation))

    # ------------------------------------------------------------ idea moderation

    def _brainstorm(self) -> str | None:
        if self.current.kind != "brainstorm":
            self.notify("Idea moderation works on a brainstorm; this step is not one.", severity="warning")
            return None
        return self.current.id

    def _ask(self, title: str, fields: list[Field], then, help_text: str = "") -> None:
        async def done(values):
            if values is not None:
                await then(values)

        self.app.push_screen(FormDialog(title, fields, help_text=help_text), done)

    def action_add_idea(self) -> None:
        exercise = self._brainstorm()
        if exercise is None:
            return
        sides = (*((s.label, s.id) for s in self.workshop.session.template.sides), ("The room", "room"))

        async def then(v):
            side = None if v["side"] == "room" else v["side"]
            await self._do(c.SubmitIdea(exercise=exercise, text=v["text"], side=side))

        self._ask("Add an idea spoken in the room", [Field("text", "Idea"), Field("side", "Whose idea", "room", options=sides)], then)

    async def action_hide_idea(self) -> None:
        exercise, pointed = self._pointed_idea()
        if pointed is None:
            return
        idea = self.workshop.session.exercises[exercise].ideas[pointed]
        await self._do(c.HideIdea(exercise=exercise, idea=pointed, hidden=not idea.hidden))

    def action_edit_idea(self) -> None:
        exercise, pointed = self._pointed_idea()
        if pointed is None:
            return
        idea = self.workshop.session.exercises[exercise].ideas[pointed]

        async def edit(v):
            if v["text"] != idea.text:
                await self._do(c.EditIdea(exercise=exercise, idea=pointed, text=v["text"]))

        self._ask(f"Edit idea {pointed}", [Field("text", "Text", idea.text)], edit)

    def action_merge_ideas(self) -> None:
        exercise, pointed = self._pointed_idea()
        if pointed is None:
            return
        state = self.workshop.session.exercises[exercise]
        targets = tuple(
            (f"{i.id}  {i.text[:60]}", i.id) for i in state.ideas.values() if i.id != pointed and not (i.withdrawn or i.hidden or i.merged_into)
        )
        if not targets:
            self.notify("There is no other idea on the board to merge it into.", severity="warning")
            return

        async def merge(v):
            await self._do(c.MergeIdeas(exercise=exercise, idea=pointed, into=v["into"]))

        self._ask(f"Merge {pointed} “{state.ideas[pointed].text[:40]}” into…", [Field("into", "The idea it repeats", targets[0][1], options=targets)], merge)

    def action_group_ideas(self) -> None:
        exercise, pointed = self._pointed_idea()
        if pointed is None:
            return
        state = self.workshop.session.exercises[exercise]
        idea = state.ideas[pointed]
        names = [t.name for t in state.themes.values()]
        current = state.themes[idea.theme].name if idea.theme in state.themes else self._last_theme

        async def group(v):
            self._last_theme = v["theme"]
            await self._do(c.GroupIdeas(exercise=exercise, ideas=[pointed], theme=v["theme"]))

        self._ask(
            f"Theme of {pointed} “{idea.text[:40]}”", [Field("theme", "Theme (empty: none)", current)], group,
            help_text=("Themes so far: " + ", ".join(names) + ". Type one of them, or a new name.") if names else "Type a name for a new theme.",
        )
