"""The follow-up review: what a follow-up session carried over (`workshop.followup`),
and what the facilitator records of it in the room.

Two tables: every carried action with its owner, due date, status and reason; every
carried initiative with its KPI from baseline to target and its value now. `s` (or
Enter) on an action records its status — done, on track, at risk, dropped — with the
one-line reason the room gave; `v` (or Enter) on an initiative records its KPI now,
as its leads give it. Each is one facilitator command (`workshop.review`), journaled
like any input: a refused one records nothing, says why, and asks again with what
was typed. Everything people typed is shown as plain text, never as markup.

Reached from the run screen through the command palette (ctrl+p, "Follow-up review")
in a follow-up session.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Header, Static

from ... import commands as c
from ... import followup, review
from ...model import ACTION_STATUSES, Session
from ..facade import WorkshopScreen
from ..widgets.keybar import KeyBar
from .dialogs import Field, FormDialog

HELP = "s or Enter on an action: its status and why · v or Enter on an initiative: its KPI now · Tab: the other table · Escape: back"
STATUS_STYLE = {"done": "bold green", "on track": "green", "at risk": "bold yellow", "dropped": "dim", "": "yellow"}

Send = Callable[[dict], Awaitable[bool]]


def summary(session: Session) -> Text:
    """"Follow-up of “Acme offsite” (its chain) · 6 actions: 2 done, 1 at risk, 3 to review · 2 initiatives: 1 measured"."""
    carried = session.review
    if carried is None:
        return Text("This session follows up no other: nothing was carried over.", style="yellow")
    line = Text("Follow-up of ")
    line.append(" → ".join(f"“{link.title}”" for link in carried.chain), style="bold")
    acts = followup.actions(session)
    counts: dict[str, int] = {}
    for a in acts:
        key = a.status or ("closed before" if a.closed_before else "to review")
        counts[key] = counts.get(key, 0) + 1
    said = ", ".join(f"{n} {what}" for what, n in counts.items())
    line.append(f"\n{len(acts)} action{'' if len(acts) == 1 else 's'}" + (f": {said}" if said else ""))
    measured = sum(1 for _, now in followup.kpis(session) if now)
    line.append(f" · {len(carried.initiatives)} initiative{'' if len(carried.initiatives) == 1 else 's'}: {measured} measured today")
    for note in carried.notes:
        line.append(f"\n{note}", style="yellow")
    return line


class FollowUpScreen(WorkshopScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "status", "Action status"),
        Binding("v", "value", "KPI now"),
        Binding("escape,q", "app.pop_screen", "Back"),
    ]
    DEFAULT_CSS = """
    FollowUpScreen #review-head { padding: 1 2 0 2; }
    FollowUpScreen .review-title { padding: 1 2 0 2; text-style: bold; }
    FollowUpScreen DataTable { height: auto; max-height: 16; margin: 0 2; }
    FollowUpScreen #review-help { color: $text-muted; padding: 1 2; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll():
            yield Static(id="review-head")
            yield Static("Carried actions", classes="review-title")
            yield DataTable(id="review-actions", cursor_type="row", zebra_stripes=True)
            yield Static("Carried initiatives", classes="review-title")
            yield DataTable(id="review-kpis", cursor_type="row", zebra_stripes=True)
            yield Static(HELP, id="review-help", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.title} · Follow-up review"
        actions = self.query_one("#review-actions", DataTable)
        actions.add_columns("Id", "Action", "Owner", "Due", "Status", "Why")
        self.query_one("#review-kpis", DataTable).add_columns("Id", "Initiative", "KPI", "Baseline", "Now", "Target", "By", "Leads")
        self._drawn = -1
        self.follow_session()
        self.set_interval(0.25, self.redraw)
        self.redraw()
        actions.focus()

    @property
    def session(self) -> Session:
        return self.facilitator.session

    def redraw(self, force: bool = False) -> None:
        if not self.facilitator.is_open or (self._drawn == self.session_changes and not force):
            return
        self._drawn = self.session_changes
        session = self.session
        self.query_one("#review-head", Static).update(summary(session))
        table = self.query_one("#review-actions", DataTable)
        row = table.cursor_row
        table.clear()
        for a in followup.actions(session):
            r = a.record
            status = a.status or (f"{a.earlier.status} (before)" if a.closed_before and a.earlier else "to review")
            why = a.reason or (a.earlier.reason if a.earlier else "")
            style = STATUS_STYLE.get(a.status, "dim") if a.status or a.closed_before else ("bold red" if a.overdue else "yellow")
            table.add_row(
                Text(r.id, style="bold"), Text(r.text), Text(r.owner), Text(r.due, style="red" if a.overdue else ""),
                Text(status, style=style), Text(why, style="" if a.reason else "dim"), key=r.id, height=None,
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        kpis = self.query_one("#review-kpis", DataTable)
        row = kpis.cursor_row
        kpis.clear()
        for initiative, now in followup.kpis(session):
            kpis.add_row(
                Text(initiative.id, style="bold"), Text(initiative.title), Text(initiative.kpi), Text(initiative.baseline or "–"),
                Text(now or "not yet", style="bold green" if now else "yellow"), Text(initiative.target or "–"), Text(initiative.timeframe or "–"),
                Text(f"{initiative.it_lead} and {initiative.marketing_lead}"), key=initiative.id, height=None,
            )
        if kpis.row_count:
            kpis.move_cursor(row=min(row, kpis.row_count - 1))

    # ------------------------------------------------------------ asking and sending

    def _ask(self, title: str, fields: list[Field], send: Send, help_text: str = "") -> None:
        """Ask with a form, then `send`; when that was refused (the app said why), ask
        again with what was typed."""

        async def done(values: dict | None) -> None:
            if values is None:
                return
            if not await send(values):
                again = [replace(f, value=values.get(f.name, f.value)) for f in fields]
                self._ask(title, again, send, help_text)

        self.app.push_screen(FormDialog(title, fields, submit="Record", help_text=help_text), done)

    def _picked(self, selector: str) -> str | None:
        table = self.query_one(selector, DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_status(self) -> None:
        picked = self._picked("#review-actions")
        found = next((a for a in followup.actions(self.session) if a.record.id == picked), None)
        if found is None:
            self.notify("No action was carried over to review.", severity="warning")
            return
        record = found.record
        current = found.status or (found.earlier.status if found.earlier else "on track")

        async def send(v: dict) -> bool:
            if not await self.facilitator.act(c.AmendRecord(record=review.ref(record.id), fields={"status": v["status"], "reason": v["reason"]})):
                return False
            self.notify(f"{record.id} is {v['status']}.")
            self.redraw(force=True)
            return True

        self._ask(
            f"{record.id}: {record.text}",
            [
                Field("status", "Where it stands", current, options=tuple((Text(s), s) for s in ACTION_STATUSES)),
                Field("reason", "Why, in one line", found.reason, placeholder="the reason the room gave"),
            ],
            send,
            help_text=f"Owner {record.owner}, due {record.due}." + (f" Last time: {found.earlier.status}, {found.earlier.reason}." if found.earlier else ""),
        )

    def action_value(self) -> None:
        picked = self._picked("#review-kpis")
        found = next(((i, now) for i, now in followup.kpis(self.session) if i.id == picked), None)
        if found is None:
            self.notify("No initiative was carried over.", severity="warning")
            return
        initiative, now = found

        async def send(v: dict) -> bool:
            if not await self.facilitator.act(c.AmendRecord(record=review.ref(initiative.id), fields={"value": v["value"]})):
                return False
            self.notify(f"{initiative.kpi or 'The KPI'} of “{initiative.title}” is recorded.")
            self.redraw(force=True)
            return True

        self._ask(
            f"{initiative.title}: {initiative.kpi or 'its KPI'} now",
            [Field("value", "The KPI today, as its leads give it", now, placeholder="e.g. 33% repeat purchase")],
            send,
            help_text=f"Baseline {initiative.baseline or '–'}, target {initiative.target or '–'}, by {initiative.timeframe or '–'}.",
        )

    @on(DataTable.RowSelected, "#review-actions")
    def _action_selected(self) -> None:
        self.action_status()

    @on(DataTable.RowSelected, "#review-kpis")
    def _kpi_selected(self) -> None:
        self.action_value()
