"""How the joint initiatives read: each drafted initiative with its fields, status,
champions and comments, the candidates still undrafted, and where each initiative
falls on the impact/effort matrix."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from ..activities.matrix import quadrant_of
from ..export.common import NO_VALUE, View, plural
from ..export.document import Block, Bullets, Column, Note, Paragraph, Span, Table


def tui(session, cfg, result, presentation) -> RenderableType:
    parts: list[RenderableType] = []
    marks = {"draft": ("DRAFT", "bold white on grey30"), "agreed": ("AGREED", "bold black on green"), "parked": ("PARKED", "dim")}
    for target in result.initiatives:
        initiative = target.initiative
        mark, style = marks[initiative.status]
        line = Text(f" {mark} ", style=style)
        line.append(" ")
        line.append(initiative.title, style="bold")
        line.append(f"   {plural(len(target.champions), 'champion')}", style="dim")
        parts.append(line)
        details = [
            ("Outcome", initiative.outcome), ("KPI", " — ".join(x for x in (initiative.kpi, initiative.target) if x)),
            ("When", initiative.timeframe), ("IT lead", initiative.it_lead), ("Marketing lead", initiative.marketing_lead),
            ("Budget", initiative.budget_share), ("First step", initiative.first_step),
        ]
        for label, value in details:
            if value:
                detail = Text(f"      {label}: ", style="dim")
                detail.append(value)
                parts.append(detail)
    if not result.initiatives:
        # An instruction for the facilitator; the room sees a plain fact.
        hint = "No initiatives drafted yet." if presentation else "No initiatives drafted yet — press i to open the editor, then d to draft one from the top candidate."
        parts.append(Text(hint, style="dim italic"))
    if not result.candidates:
        return Group(*parts)
    parts.append(Text(""))
    parts.append(Text("Candidates", style="bold underline"))
    for n, target in enumerate(result.candidates, 1):
        line = Text(f"{n:>2}. ")
        line.append(target.title)
        if target.champions:
            who = ", ".join(c.participant for c in target.champions if c.participant)
            line.append(f"   {plural(len(target.champions), 'champion')}" + (f": {who}" if who else ""), style="green")
        if target.comments:
            line.append(f"   {plural(len(target.comments), 'comment')}", style="dim")
        parts.append(line)
    return Group(*parts)


INITIATIVE_COLUMNS = (
    "Initiative", "Customer outcome", "KPI and target", "Time frame", "IT lead", "Marketing lead",
    "Budget share", "First step", "Status", "Impact/effort",
)


def quadrant_matrix(view: View, cfg):
    """The matrix whose items an initiatives exercise's candidates are matched against:
    one drawing on the same source if there is one, else the first matrix."""
    source = getattr(cfg, "source", None)
    return view.first("matrix", where=lambda m: source is not None and m.source == source) or view.first("matrix")


def initiative_quadrant(view: View, cfg, initiative) -> str:
    matrix_cfg = quadrant_matrix(view, cfg)
    if matrix_cfg is None or not view.ran(matrix_cfg):
        return NO_VALUE
    result = view.result(matrix_cfg.id)
    texts = [item.text for item in view.state(cfg.id).items if item.id == initiative.source_item] + [initiative.title]
    for text in texts:
        found = quadrant_of(result, text)
        if found:
            return found
    return NO_VALUE


def initiative_row(view: View, cfg, initiative) -> tuple:
    kpi = ": ".join(part for part in (initiative.kpi, initiative.target) if part)
    values = (
        initiative.title, initiative.outcome, kpi, initiative.timeframe, initiative.it_lead,
        initiative.marketing_lead, initiative.budget_share, initiative.first_step,
    )
    return (*(v or NO_VALUE for v in values), initiative.status.capitalize(), initiative_quadrant(view, cfg, initiative).capitalize())


BRIEFED = (2, 3, 6)
"""The columns the board brief gives for each agreed initiative (KPI and target, time
frame, budget): left out of the joint agenda's initiatives section, kept in the annex."""


def initiatives_table(view: View, cfg, initiatives) -> Table:
    return Table(
        columns=tuple(Column(title) for title in INITIATIVE_COLUMNS),
        rows=tuple(initiative_row(view, cfg, i) for i in initiatives),
        transpose=True,
        drop=BRIEFED,
    )


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    active = [t for t in result.initiatives if t.initiative.status != "parked"]
    parked = [t for t in result.initiatives if t.initiative.status == "parked"]
    blocks: list[Block] = []
    summary = f"{plural(len(result.initiatives), 'initiative')} drafted: {result.agreed} agreed, {result.parked} parked"
    drafts = len(result.initiatives) - result.agreed - result.parked
    blocks.append(Paragraph(summary + (f", {drafts} still in draft." if drafts else ".")))
    if active:
        blocks.append(initiatives_table(view, cfg, [t.initiative for t in active]))
    else:
        blocks.append(Note("No initiative is agreed or in draft."))
    backed = [t for t in active if t.champions or t.comments]
    if backed:
        blocks.append(Paragraph((Span("Champions and comments", "strong"),), detail=True))
        blocks.append(Bullets(tuple(_target_line(view, cfg, t) for t in backed), detail=True))
    candidates = [t for t in result.candidates if t.champions or t.comments]  # the drafted ones are initiatives now
    if candidates:
        blocks.append(Paragraph((Span("On other candidates", "strong"),), detail=True))
        blocks.append(Bullets(tuple(_target_line(view, cfg, t) for t in candidates), detail=True))
    if parked:
        blocks.append(Note(f"{plural(len(parked), 'parked initiative')} {'is' if len(parked) == 1 else 'are'} listed under “Concerns raised and parked items”."))
    return blocks


def _target_line(view: View, cfg, target) -> tuple:
    line: list = [Span(target.title, "strong")]
    if target.champions:
        names = ", ".join(view.label(c.participant, c.side) for c in target.champions)
        line.append(f" — champions: {names}")
    for comment in target.comments:
        line.extend([f" — {view.label(comment.author, comment.side)}: “", comment.text, "”"])
    return tuple(line)


def parked_line(view: View, cfg, initiative) -> tuple:
    """One parked initiative, for “Concerns raised and parked items” (`export/build.py`)."""
    leads = ", ".join(
        f"{label}: {value}" for label, value in (("IT lead", initiative.it_lead), ("Marketing lead", initiative.marketing_lead)) if value
    )
    line: list = [Span(initiative.title, "strong")]
    if initiative.outcome:
        line.append(f" — {initiative.outcome}")
    if leads:
        line.append(f" ({leads})")
    if initiative.first_step:
        line.append(f". Next: {initiative.first_step}")
    return tuple(line)


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    blocks: list[Block] = []
    if state.initiatives:
        blocks.append(initiatives_table(view, cfg, list(state.initiatives.values())))
    titles = {item.id: item.text for item in state.items} | {i.id: i.title for i in state.initiatives.values()}
    volunteered = [(target, pids) for target, pids in state.volunteers.items() if pids]
    if volunteered:
        blocks.append(Table(
            columns=(Column("Champion of"), Column("Champions")),
            rows=tuple(
                (titles.get(target, target), ", ".join(view.person(pid, cfg) for pid in pids))
                for target, pids in volunteered
            ),
        ))
    if state.comments:
        named, sided = view.named(cfg), view.sided(cfg)
        comments = state.comments if named else sorted(
            state.comments, key=lambda m: (m.target, view.side_order(view.shown_side(m.author, cfg)), m.text)
        )
        blocks.append(Table(
            columns=(
                Column("Comment on"), *((Column("Author"),) if named else ()),
                *((Column("Side", short=True),) if sided else ()), Column("Comment"),
            ),
            rows=tuple(
                (titles.get(m.target, m.target), *((view.who(m.author, cfg),) if named else ()),
                 *((view.side_cell(view.participant_side(m.author, cfg), cfg),) if sided else ()), m.text)
                for m in comments
            ),
        ))
    return blocks
