"""Decisions, actions and risks (`workshop.records`), recorded as the day goes: what
was decided and by whom, who does what by when, what could go wrong and who watches
it. A decision can settle a contested who-leads-what row by naming the one choice
accountable for it. The facilitator also names the CIO and the CMO who sign the
joint agenda, and the sponsor it goes to.

Every change is one facilitator command, journaled like any input: a refused one
records nothing, says why, and opens its form again with what was typed. The table
is drawn from the session each time it changes; everything people typed is shown as
plain text, never as markup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Header, Input, Select, Static

from ... import commands as c
from ... import records
from ...export.common import plural
from ...model import Record, Session
from ..facade import WorkshopScreen
from ..widgets.keybar import KeyBar
from .dialogs import Field, FormDialog

NOTHING = "none"
"""The value of a select's "nothing" option (a Select's value cannot be empty)."""
HELP = (
    "d decision · a action · r risk · k ask the sponsor · c next checkpoint · s settle a contested who-leads row · "
    "n name the CIO, CMO and sponsor · e or Enter edit · x strike out or restore"
)

Send = Callable[[dict], Awaitable[bool]]


def signed_by(session: Session) -> Text:
    """"Signed by Dana Whitfield (CIO) and Maya Okafor (CMO), for Sam Chen"."""
    who = session.executives
    if not who.cio and not who.cmo:
        return Text("CIO and CMO not named yet — press n", style="yellow")
    line = Text("Signed by ")
    line.append(f"{who.cio} (CIO)" if who.cio else "the CIO (not named yet)", style="bold" if who.cio else "yellow")
    line.append(" and ")
    line.append(f"{who.cmo} (CMO)" if who.cmo else "the CMO (not named yet)", style="bold" if who.cmo else "yellow")
    if who.sponsor:
        line.append(", for ")
        line.append(who.sponsor, style="bold")
    return line


def deciders(session: Session) -> str:
    """Who decides by default: the CIO and the CMO, once named."""
    who = session.executives
    return f"{who.cio} and {who.cmo}" if who.cio and who.cmo else ""


def about_text(session: Session, record: Record) -> str:
    """What a record is about, in words: the item or idea, the accountable choice of a
    settling decision, and the initiative."""
    parts = []
    if record.about:
        parts.append(records.describe(session, record.about) + (f" → {record.accountable}" if record.accountable else ""))
    if record.initiative:
        parts.append(f"initiative: {records.describe(session, record.initiative)}")
    return " · ".join(parts)


def current_refs(session: Session) -> list[tuple[Text, str]]:
    """The current exercise's items and live ideas, as (label, "exercise:key")."""
    cfg = session.current_exercise
    state = session.exercises[cfg.id]
    found = [(Text(f"{cfg.title}: {item.text}"), f"{cfg.id}:{item.id}") for item in state.items]
    found += [
        (Text(f"{cfg.title}: {idea.text}"), f"{cfg.id}:{idea.id}")
        for idea in state.ideas.values()
        if not (idea.hidden or idea.withdrawn or idea.merged_into)
    ]
    return found


def initiatives(session: Session) -> list[tuple[Text, str]]:
    """Every initiative of every initiatives exercise, as (label, "exercise:initiative")."""
    return [
        (Text(f"Initiative: {initiative.title}"), f"{cfg.id}:{initiative.id}")
        for cfg in session.template.exercises
        if cfg.kind == "initiatives"
        for initiative in session.exercises[cfg.id].initiatives.values()
    ]


def links(session: Session) -> tuple[tuple[Text | str, str], ...]:
    """One select for what a decision or an action points at: an item or idea of the
    current step ("about:…") or any initiative ("initiative:…")."""
    return (
        ("Nothing", NOTHING),
        *((label, f"about:{ref}") for label, ref in current_refs(session)),
        *((label, f"initiative:{ref}") for label, ref in initiatives(session)),
    )


def linked(value: str) -> dict[str, str | None]:
    """The `about` and `initiative` fields a link select's value sets."""
    field, _, ref = value.partition(":")
    if value == NOTHING or not ref:
        return {}
    return {field: ref}


class RiskDialog(FormDialog):
    """The risk form: picking a worry fills in what could go wrong with its words
    (unless something else was typed there already)."""

    def __init__(self, title: str, fields: list[Field], help_text: str = "", worries: dict[str, str] | None = None):
        super().__init__(title, fields, submit="Record", help_text=help_text)
        self.worries = worries or {}
        chosen = next((f.value for f in fields if f.name == "worry"), NOTHING)
        self._worry_text = self.worries.get(chosen, "")

    @on(Select.Changed, "#f-worry")
    def _from_worry(self, event: Select.Changed) -> None:
        text = self.query_one("#f-text", Input)
        words = self.worries.get(str(event.value), "")
        if not text.value.strip() or text.value == self._worry_text:
            text.value = words
        self._worry_text = words


class DecisionsScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "decision", "Decision"),
        Binding("a", "action", "Action"),
        Binding("r", "risk", "Risk"),
        Binding("s", "settle", "Settle a row"),
        Binding("k", "ask_sponsor", "Ask the sponsor"),
        Binding("c", "checkpoint", "Checkpoint"),
        Binding("n", "name", "Names"),
        Binding("e", "edit", "Edit"),
        Binding("x,delete", "strike", "Strike out / restore"),
        Binding("escape,q", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="decisions-head")
        yield DataTable(id="decisions", cursor_type="row", zebra_stripes=True)
        yield Static(HELP, id="decisions-help", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.title} · Decisions and actions"
        table = self.query_one("#decisions", DataTable)
        self._drawn: tuple[int, int] | None = None
        self._width = 0
        self._cursor_to: str | None = None
        self.follow_session()
        self.set_interval(0.25, self.refresh_records)
        self.refresh_records()
        table.focus()

    @property
    def session(self) -> Session:
        return self.facilitator.session

    # ------------------------------------------------------------ drawing

    def on_resize(self) -> None:
        self.refresh_records()

    def _fit_columns(self, table: DataTable) -> None:
        """What and About share the width the other columns leave; long text wraps."""
        self._width = self.size.width
        fixed = {"Id": 3, "Kind": 12, "Owner": 16, "Due": 10}
        room = max(40, self._width - 4 - 2 - 2 * 6 - sum(fixed.values()))  # margins, scrollbar, cell padding
        widths = {**fixed, "What": room - room * 2 // 5, "About": room * 2 // 5}
        table.clear(columns=True)
        for label in ("Id", "Kind", "What", "Owner", "Due", "About"):
            table.add_column(label, width=widths[label])

    def refresh_records(self, force: bool = False) -> None:
        if not self.facilitator.is_open:
            return
        key = (self.session_changes, self.size.width)
        if key == self._drawn and not force:
            return
        self._drawn = key
        session = self.session
        table = self.query_one("#decisions", DataTable)
        row = table.cursor_row
        if self.size.width != self._width or not table.columns:
            self._fit_columns(table)
        head = signed_by(session)
        counts = " · ".join(plural(len(records.live(session, kind)), kind) for kind in ("decision", "action", "risk", "ask", "checkpoint"))
        struck = sum(1 for r in session.records.values() if r.dropped)
        head.append(f"\n{counts}", style="")
        if struck:
            head.append(f" · {struck} struck out", style="dim")
        self.query_one("#decisions-head", Static).update(head)

        table.clear()
        for record in session.records.values():
            style = "dim strike" if record.dropped else ""
            what = Text(record.text, style=style)
            if record.mitigation:
                what.append(f" · mitigation: {record.mitigation}", style="dim" + (" strike" if record.dropped else ""))
            table.add_row(
                Text(record.id, style=style or "bold"),
                Text(record.kind + (" (struck out)" if record.dropped else ""), style=style or {"decision": "green", "action": "cyan", "risk": "yellow"}.get(record.kind, "magenta")),
                what,
                Text(record.owner, style=style),
                Text(record.due, style=style),
                Text(about_text(session, record), style=style),
                key=record.id,
                height=None,
            )
        if not table.row_count:
            return
        if self._cursor_to in session.records:
            table.move_cursor(row=list(session.records).index(self._cursor_to))
            self._cursor_to = None
        else:
            table.move_cursor(row=min(row, table.row_count - 1))

    def _selected(self) -> Record | None:
        table = self.query_one("#decisions", DataTable)
        if not table.row_count:
            self.notify("Nothing recorded yet: press d, a or r.", severity="warning")
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.session.records.get(key)

    # ------------------------------------------------------------ asking and sending

    def _ask(self, title: str, fields: list[Field], send: Send, *, help_text: str = "", submit: str = "Record", worries: dict[str, str] | None = None) -> None:
        """Ask with a form, then `send` its values; when that was refused (the app said
        why), ask again with what was typed, so nothing is lost and nothing half-done."""

        async def done(values: dict | None) -> None:
            if values is None:
                return
            if not await send(values):
                again = [replace(f, value=values.get(f.name, f.value)) for f in fields]
                self._ask(title, again, send, help_text=help_text, submit=submit, worries=worries)

        if worries is not None:
            dialog: FormDialog = RiskDialog(title, fields, help_text=help_text, worries=worries)
        else:
            dialog = FormDialog(title, fields, submit=submit, help_text=help_text)
        self.app.push_screen(dialog, done)

    async def _record(self, **fields) -> bool:
        before = set(self.session.records)
        if not await self.facilitator.act(c.RecordOutcome(**fields)):
            return False
        new = [rid for rid in self.session.records if rid not in before]
        if new:
            self._cursor_to = new[-1]
            self.notify(f"{records.WORDS[fields['kind']]} is recorded ({new[-1]}).")
        self.refresh_records(force=True)
        return True

    # ------------------------------------------------------------ recording

    def action_decision(self) -> None:
        session = self.session

        async def send(v: dict) -> bool:
            return await self._record(kind="decision", text=v["text"], owner=v["owner"], **linked(v["link"]))

        self._ask(
            "Record a decision",
            [
                Field("text", "What was decided"),
                Field("owner", "Who decided", deciders(session), placeholder="e.g. the CIO and the CMO"),
                Field("link", "About (optional)", NOTHING, options=links(session)),
            ],
            send,
            help_text=f"About: an item or idea of “{session.current_exercise.title}”, or an initiative.",
        )

    def action_action(self) -> None:
        session = self.session

        async def send(v: dict) -> bool:
            return await self._record(kind="action", text=v["text"], owner=v["owner"], due=v["due"].strip(), **linked(v["link"]))

        self._ask(
            "Record an action",
            [
                Field("text", "What is to be done"),
                Field("owner", "Owner", placeholder="a participant, the CIO, the CMO or anyone named"),
                Field("due", "Due date", placeholder="YYYY-MM-DD, such as 2026-03-31"),
                Field("link", "Linked to (optional)", NOTHING, options=links(session)),
            ],
            send,
        )

    def action_risk(self) -> None:
        session = self.session
        cfg = session.current_exercise
        state = session.exercises[cfg.id]
        worries: dict[str, str] = {}
        if cfg.kind == "brainstorm":
            worries = {
                f"{cfg.id}:{idea.id}": idea.text
                for idea in state.ideas.values()
                if not (idea.hidden or idea.withdrawn or idea.merged_into)
            }
        fields = []
        if worries:
            options = (("No — a new risk", NOTHING), *((Text(text), ref) for ref, text in worries.items()))
            fields.append(Field("worry", f"From a worry of “{cfg.title}” (fills in what could go wrong)", NOTHING, options=options))
        fields += [
            Field("text", "What could go wrong"),
            Field("owner", "Owner", placeholder="who watches it: a participant, the CIO, the CMO or anyone named"),
            Field("mitigation", "Mitigation", placeholder="what keeps it from happening, or softens it"),
            Field("initiative", "Threatens the initiative (optional)", NOTHING, options=(("None", NOTHING), *initiatives(session))),
        ]

        async def send(v: dict) -> bool:
            about = v.get("worry", NOTHING)
            return await self._record(
                kind="risk", text=v["text"], owner=v["owner"], mitigation=v["mitigation"],
                about=None if about == NOTHING else about,
                initiative=None if v["initiative"] == NOTHING else v["initiative"],
            )

        self._ask("Record a risk", fields, send, worries=worries)

    def action_settle(self) -> None:
        session, engine = self.session, self.facilitator.engine
        owned = [cfg for cfg in session.template.exercises if cfg.kind == "ownership"]
        rows: dict[str, tuple[str, str]] = {}
        options: list[tuple[Text, str]] = []
        choices: list[str] = []
        for cfg in owned:
            for choice in getattr(cfg, "choices", []):
                if choice not in choices:
                    choices.append(choice)
            for row in engine.result(cfg.id).rows:
                if not row.contested:
                    continue
                ref = f"{cfg.id}:{row.item}"
                rows[ref] = (row.text, cfg.title)
                label = Text(row.text)
                if len(owned) > 1:
                    label.append(f" ({cfg.title})")
                if row.consensus is None:
                    label.append(" — no answers yet")
                else:
                    label.append(f" — top choice {round(row.consensus * 100)}%")
                if row.settled:
                    label.append(f" — settled: {row.settled}")
                options.append((label, ref))
        if not options:
            self.notify("No who-leads-what row is contested: nothing to settle." if owned else "This agenda has no who-leads-what exercise.", severity="warning")
            return

        async def send(v: dict) -> bool:
            text, _ = rows[v["row"]]
            return await self._record(
                kind="decision", text=f"{text}: {v['choice']}", owner=v["owner"],
                about=v["row"], accountable=v["choice"],
            )

        self._ask(
            "Settle a contested who-leads-what row",
            [
                Field("row", "Contested row", options[0][1], options=tuple(options)),
                Field("choice", "Accountable", choices[0], options=tuple((Text(choice), choice) for choice in choices)),
                Field("owner", "Who decided", deciders(session), placeholder="e.g. the CIO and the CMO"),
            ],
            send,
            help_text="Records a decision naming the one choice accountable for the row; it stands whatever the room said.",
            submit="Settle",
        )

    def action_ask_sponsor(self) -> None:
        session = self.session
        sponsor = session.executives.sponsor or "the CEO"

        async def send(v: dict) -> bool:
            return await self._record(kind="ask", text=v["text"], owner=v["owner"])

        self._ask(
            f"What the CIO and the CMO ask of {sponsor}",
            [
                Field("text", "The ask", placeholder="funding, or a ruling: e.g. one review for tools bought outside IT"),
                Field("owner", "Asked by", deciders(session), placeholder="e.g. the CIO and the CMO"),
            ],
            send,
            help_text="It leads the board brief, on the joint agenda's first page.",
        )

    def action_checkpoint(self) -> None:
        session = self.session

        async def send(v: dict) -> bool:
            return await self._record(kind="checkpoint", text=v["text"], owner=v["owner"], due=v["due"].strip())

        self._ask(
            "The next checkpoint",
            [
                Field("text", "What will be measured", placeholder="e.g. the repeat-purchase rate and the tool approval time"),
                Field("due", "Date", placeholder="YYYY-MM-DD, such as 2026-03-31"),
                Field("owner", "Who calls it", deciders(session), placeholder="e.g. the CIO and the CMO"),
            ],
            send,
        )

    def action_name(self) -> None:
        who = self.session.executives

        async def send(v: dict) -> bool:
            if not await self.facilitator.act(c.NameExecutives(cio=v["cio"], cmo=v["cmo"], sponsor=v["sponsor"])):
                return False
            self.refresh_records(force=True)
            return True

        self._ask(
            "Who signs the joint agenda",
            [
                Field("cio", "The CIO", who.cio),
                Field("cmo", "The CMO", who.cmo),
                Field("sponsor", "For (the CEO or sponsor, optional)", who.sponsor),
            ],
            send,
            submit="Save",
        )

    # ------------------------------------------------------------ changing a record

    @on(DataTable.RowSelected, "#decisions")
    def _row_selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        record = self._selected()
        if record is None:
            return
        session = self.session
        labels = {
            "decision": ("What was decided", "Who decided"), "action": ("What is to be done", "Owner"), "risk": ("What could go wrong", "Owner"),
            "ask": ("What the CIO and the CMO ask of the sponsor", "Asked by"), "checkpoint": ("What will be measured", "Who calls it"),
        }
        what, owner = labels[record.kind]
        fields = [Field("text", what, record.text), Field("owner", owner, record.owner)]
        if record.kind in ("action", "checkpoint") or record.due:
            fields.append(Field("due", "Due date", record.due, placeholder="YYYY-MM-DD"))
        if record.kind == "risk" or record.mitigation:
            fields.append(Field("mitigation", "Mitigation", record.mitigation))
        about = [("Nothing", NOTHING), *((label, ref) for label, ref in current_refs(session))]
        if record.about and record.about not in {ref for _, ref in about}:
            about.insert(1, (Text(records.describe(session, record.about)), record.about))
        fields.append(Field("about", "About", record.about or NOTHING, options=tuple(about)))
        if record.accountable and record.about:
            choices = list(getattr(session.exercise(record.about.partition(":")[0]), "choices", []))
            if record.accountable not in choices:
                choices.insert(0, record.accountable)
            fields.append(Field("accountable", "Accountable", record.accountable, options=tuple((Text(x), x) for x in choices)))
        initiative = [("None", NOTHING), *initiatives(session)]
        if record.initiative and record.initiative not in {ref for _, ref in initiative}:
            initiative.insert(1, (Text(records.describe(session, record.initiative)), record.initiative))
        fields.append(Field("initiative", "Initiative", record.initiative or NOTHING, options=tuple(initiative)))

        async def send(v: dict) -> bool:
            values = {name: ("" if value == NOTHING and name in ("about", "initiative") else value) for name, value in v.items()}
            changed = {name: value for name, value in values.items() if value != (getattr(record, name) or "")}
            if not changed:
                return True
            if not await self.facilitator.act(c.AmendRecord(record=record.id, fields=changed)):
                return False
            self.notify(f"{record.id} is changed.")
            self.refresh_records(force=True)
            return True

        self._ask(f"Edit {record.id}: {record.kind}", fields, send, submit="Save")

    async def action_strike(self) -> None:
        record = self._selected()
        if record is None:
            return
        dropping = not record.dropped
        if await self.facilitator.act(c.DropRecord(record=record.id, dropped=dropping)):
            settles = " The row it settled is open again." if record.accountable and dropping else ""
            self.notify(f"{record.id} is struck out.{settles}" if dropping else f"{record.id} is back.")
        self.refresh_records(force=True)
