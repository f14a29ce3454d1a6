"""What the joint agenda says: the session turned into a `Document` (see DESIGN §4).

Sections come in a fixed order; exercises land in them by their `section` field, so
a custom template exports sensibly. An exercise without a section appears in the
appendix only, with its result — except the impact/effort matrix that the joint
initiatives are matched against, which is shown beside them. A section that no
exercise fed says so in one line rather than disappearing, so every document has
the same outline.
"""

from __future__ import annotations

from .. import privacy, records
from ..activities import ALL, KINDS
from ..activities.common import listing
from ..present import dotvote, initiatives, ownership, scale
from . import kinds, raw
from .common import FLAG, NO_VALUE, View, num, plural, share
from .document import Block, Bullets, Column, Document, Note, Paragraph, Part, Section, Span, Table

SECTIONS = (
    ("objectives", "Shared objectives", "What the joint agenda chases first, ranked by the room's dots."),
    ("kpis", "Shared KPIs", "The measures both teams agreed to be judged on, ranked by the room's dots."),
    ("collaboration", "Where we collaborate", "Where the two teams should work together first, ranked, with each side's dots."),
    ("roles", "Roles and accountabilities", "Who leads each responsibility. Each side's own pick shows where the two teams see their roles differently."),
    ("budget", "Budget as a shared opportunity", "How the room would split joint money: the mean share of the budget per item, per side."),
    ("initiatives", "Joint initiatives", "The joint proposals to take to the CEO and the board, with their two leads."),
    ("ways_of_working", "Ways of working", "The habits the room will commit to, and more ideas for working together."),
    ("perception_gap", "The perception gap, before and after", "How each side rated the same statements at the start and at the end of the workshop."),
    ("concerns", "Concerns raised and parked items", "What worries each side, tagged by side only, and the initiatives set aside for later."),
)
EMPTY = "No exercise of this agenda fed this section."


def build(view: View) -> Document:
    """The whole document. Pure: the same session gives an equal document."""
    session = view.session
    pulled = _pulled_matrix(view)
    sections = [_brief(view), _summary(view), _records(view)]
    for key, title, intro in SECTIONS:
        sections.append(_section(view, key, title, intro, pulled))
    return Document(
        title=session.title,
        subtitle="Joint agenda",
        facts=tuple(_facts(view)),
        sections=tuple(sections),
        footer=(
            f"Exported from Common Ground session {session.id}. Every input the room gave is in the annex, "
            f"the file named “{annex_stem(session)}” beside this one. Names stand beside answers only in named "
            f"exercises; a side's figures show from {session.template.min_answers} answers; "
            "ideas hidden by the facilitator are left out."
        ),
    )


def build_annex(view: View) -> Document:
    """The annex: every raw input, exercise by exercise, in its own file beside the
    joint agenda, so that the document the executives read stays short. Pure."""
    session = view.session
    return Document(
        title=session.title,
        subtitle="Annex: every input",
        facts=(("Date", view.date()), ("Joint agenda", f"the file named “{agenda_stem(session)}” beside this one")),
        sections=(_appendix(view, _pulled_matrix(view)),),
        footer=f"Exported from Common Ground session {session.id}, with its joint agenda.",
    )


def agenda_stem(session) -> str:
    """The joint agenda's file name without its extension."""
    return f"{session.id}-joint-agenda"


def annex_stem(session) -> str:
    """The annex's file name without its extension."""
    return f"{session.id}-annex"


# ------------------------------------------------------------------ header


def _facts(view: View) -> list[tuple[str, object]]:
    session = view.session
    facts: list[tuple[str, object]] = []
    if session.organisation:
        facts.append(("Organisation", session.organisation))
    facts.append(("Date", view.date()))
    chiefs = session.executives
    signers = records.signers(chiefs)
    if signers:
        facts.append(("Signed by", signers))
    if chiefs.sponsor:
        facts.append(("For", chiefs.sponsor))
    if session.facilitator:
        facts.append(("Facilitator", session.facilitator))
    template = session.template
    facts.append(("Agenda", f"{template.title} ({plural(len(template.exercises), 'exercise')}, {template.minutes} minutes planned)"))
    people = view.people()
    by_side = ", ".join(f"{sum(1 for p in people if p.side == s.id)} {s.label}" for s in view.sides)
    facts.append(("Participants", f"{len(people)}: {by_side}" if people else "No one joined."))
    for side in view.sides:
        members = [p for p in people if p.side == side.id]
        if not members:
            continue
        names = [p.name for p in members if p.name]
        unnamed = len(members) - len(names)
        if unnamed:
            names.append(plural(unnamed, "anonymous participant"))
        facts.append((side.label, ", ".join(names)))
    return facts


# ------------------------------------------------------------------ the board brief


def _brief(view: View) -> Section:
    """Page one: what the CIO and the CMO agreed, what they ask of their sponsor, the
    agreed initiatives with baseline → target → date, leads and budget, the top risks
    and the next checkpoint."""
    session = view.session
    chiefs = session.executives
    sponsor = chiefs.sponsor or "the CEO"
    signers = records.signers(chiefs) or "the CIO and the CMO"
    agreed = [i for cfg in view.exercises if cfg.kind == "initiatives" for i in view.state(cfg.id).initiatives.values() if i.status == "agreed"]
    parts = [
        Part("brief-agreed", "What we agreed", (Paragraph(" ".join(_agreed_in_three(view, agreed))),), lead=f"From {signers} to {sponsor}."),
        _asks(view, sponsor),
        _brief_initiatives(agreed),
        _top_risks(view),
        _checkpoint(view),
    ]
    confidence = _confidence(view)
    if confidence is not None:
        parts.append(confidence)
    return Section(key="brief", title="Board brief", parts=tuple(parts))


def _agreed_in_three(view: View, agreed: list) -> list[str]:
    """Three sentences: the objectives, the initiatives, the decisions."""
    sentences = []
    cfg = view.first("dotvote", "objectives", where=lambda c: c.section == "objectives")
    top = [row.text for row in dotvote.top_items(view, cfg)][:3] if cfg is not None and view.ran(cfg) else []
    sentences.append(f"We will chase {listing(top)} together." if top else "We have not yet ranked shared objectives.")
    if agreed:
        sentences.append(
            f"We agreed {plural(len(agreed), 'joint initiative')}, each led by one person from IT and one from Marketing: "
            f"{listing([i.title for i in agreed])}."
        )
    else:
        sentences.append("We have not yet agreed a joint initiative.")
    decisions = records.live(view.session, "decision")
    sentences.append(
        f"We took {plural(len(decisions), 'decision')} on how we work together; the first: {decisions[0].text.rstrip('.')}."
        if decisions else "We recorded no decision on how we work together yet."
    )
    return sentences


def _asks(view: View, sponsor: str) -> Part:
    asks = records.live(view.session, "ask")
    title = f"What we ask of {sponsor}"
    if not asks:
        return Part("brief-asks", title, (Note("Nothing is asked of the sponsor yet."),))
    return Part("brief-asks", title, (Bullets(tuple((a.text,) for a in asks), ordered=True),))


def _brief_initiatives(agreed: list) -> Part:
    title = "The initiatives"
    if not agreed:
        return Part("brief-initiatives", title, (Note("No initiative was agreed yet."),))
    rows = tuple(
        (
            i.title,
            f"{i.kpi}: {i.baseline or NO_VALUE} → {i.target or NO_VALUE}" if i.kpi else NO_VALUE,
            i.timeframe or NO_VALUE,
            f"{i.it_lead} (IT), {i.marketing_lead} (Marketing)",
            i.budget or (f"{i.budget_share} of the joint budget" if i.budget_share else NO_VALUE),
        )
        for i in agreed
    )
    columns = (Column("Initiative"), Column("KPI: baseline → target"), Column("By", short=True), Column("Leads"), Column("Budget"))
    return Part("brief-initiatives", title, (Table(columns=columns, rows=rows),))


def _top_risks(view: View) -> Part:
    risks = records.live(view.session, "risk")[:3]
    title = "Top risks"
    if not risks:
        return Part("brief-risks", title, (Note("No risk was recorded."),))
    return Part("brief-risks", title, (Bullets(tuple(
        (Span(r.text, "strong"), f" — {r.owner}" + (f"; {r.mitigation}" if r.mitigation else "")) for r in risks
    )),))


def _confidence(view: View) -> Part | None:
    """The closing confidence question: a scale in the perception-gap section that no
    later scale compares with and that compares with none (the check-in is compared,
    the check-out compares). None when the agenda has none, or it was not run."""
    compared = {cfg.compare_with for cfg in view.exercises if cfg.kind == "scale" and cfg.compare_with}
    found = [
        cfg for cfg in view.exercises
        if cfg.kind == "scale" and cfg.section == "perception_gap" and not cfg.compare_with and cfg.id not in compared
    ]
    if not found or not view.ran(found[-1]):
        return None
    cfg = found[-1]
    st = view.result(cfg.id).statements[0]
    mean = st.mean.get(ALL)
    if mean is None:
        return None
    sides = ", ".join(f"{s.label} {num(st.mean[s.id])}" for s in view.sides if st.mean.get(s.id) is not None)
    line = f"{num(mean)} of {cfg.max} (1: {cfg.labels[0]}, {cfg.max}: {cfg.labels[1]})" + (f"; {sides}" if sides else "")
    return Part("brief-confidence", "How confident we are", (Paragraph((Span(st.text, "strong"), f": {line}.")),), lead=f"From “{cfg.title}”.")


def _checkpoint(view: View) -> Part:
    points = sorted(records.live(view.session, "checkpoint"), key=lambda r: r.due)
    title = "Next checkpoint"
    if not points:
        return Part("brief-checkpoint", title, (Note("No checkpoint is set yet."),))
    first = points[0]
    return Part("brief-checkpoint", title, (Paragraph((Span(first.due, "strong"), f" — {first.text}" + (f" ({first.owner})" if first.owner else ""))),))


# ------------------------------------------------------------------ summary


def _summary(view: View) -> Section:
    parts = [_top_objectives(view), _agreed_initiatives(view), _pulse_shift(view), _roles_contested(view)]
    return Section(key="summary", title="Executive summary", parts=tuple(parts))


def _top_objectives(view: View) -> Part:
    cfg = view.first("dotvote", "objectives", where=lambda c: c.section == "objectives")
    title = "Top objectives"
    if cfg is None or not view.ran(cfg):
        return Part("summary-objectives", title, (Note("No objectives vote was run."),))
    rows = dotvote.top_items(view, cfg)
    if not rows:
        return Part("summary-objectives", title, (Note("No dots were spent on the objectives."),))
    items = tuple(
        (Span(row.text, "strong"), f" — {plural(row.total, 'dot')} (" + ", ".join(f"{s.label} {row.by_side[s.id]}" for s in view.sides if s.id in row.by_side) + ")")
        for row in rows
    )
    return Part("summary-objectives", title, (Bullets(items, ordered=True),), lead=f"From “{cfg.title}”.")


def _agreed_initiatives(view: View) -> Part:
    title = "Agreed joint initiatives"
    exercises = [cfg for cfg in view.exercises if cfg.kind == "initiatives" and view.ran(cfg)]
    if not exercises:
        return Part("summary-initiatives", title, (Note("No initiatives were drafted."),))
    lines, parked = [], 0
    for cfg in exercises:
        for initiative in view.state(cfg.id).initiatives.values():
            parked += initiative.status == "parked"
            if initiative.status != "agreed":
                continue
            line: list = [Span(initiative.title, "strong"), f" — IT lead: {initiative.it_lead or NO_VALUE}; Marketing lead: {initiative.marketing_lead or NO_VALUE}"]
            if initiative.kpi:
                line.append(f"; KPI: {initiative.kpi}" + (f" (target: {initiative.target})" if initiative.target else ""))
            if initiative.timeframe:
                line.append(f"; time frame: {initiative.timeframe}")
            lines.append(tuple(line))
    blocks: list[Block] = [Bullets(tuple(lines))] if lines else [Note("No initiative was agreed yet.")]
    if parked:
        blocks.append(Note(f"{plural(parked, 'initiative')} parked; see “Concerns raised and parked items”."))
    return Part("summary-initiatives", title, tuple(blocks))


def _pulse_shift(view: View) -> Part:
    cfg = view.first("scale", "perception_gap", where=lambda c: c.compare_with is not None)
    title = "The pulse, check-in → check-out"
    if cfg is None or not view.ran(cfg):
        return Part("summary-pulse", title, (Note("No before-and-after pulse was run."),))
    earlier = view.session.exercise(cfg.compare_with)
    first, second = view.pair
    return Part(
        "summary-pulse", title,
        (Table(columns=scale.shift_columns(view), rows=scale.shift_rows(view, cfg)),
         Note(
             f"Mean rating from 1 to {cfg.max}, “{earlier.title}” → “{cfg.title}”. The gap is the mean of {first.label} minus "
             f"the mean of {second.label}; {FLAG} marks a gap of a point or more."
         )),
    )


def _roles_contested(view: View) -> Part:
    cfg = view.first("ownership", "roles")
    title = "Accountabilities still contested"
    if cfg is None or not view.ran(cfg):
        return Part("summary-roles", title, (Note("No ownership vote was run."),))
    result = view.result(cfg.id)
    contested = [row for row in result.rows if row.contested and not row.settled]
    settled = [row for row in result.rows if row.contested and row.settled]
    decided = (
        (Paragraph("Settled by a decision where the room was split:"),
         Bullets(tuple((Span(row.text, "strong"), f" — {row.settled} (decision {row.settled_by})") for row in settled)))
        if settled else ()
    )
    if not contested:
        return Part("summary-roles", title, (Paragraph(f"All {len(result.rows)} accountabilities have an agreed or decided owner."), *decided))
    first, second = view.pair
    items = tuple(
        (Span(row.text, "strong"), f" — {first.label} says {ownership.leader_text(row, first.id)}, {second.label} says {ownership.leader_text(row, second.id)}; "
         f"the most chosen answer has {share(row.consensus)} of the room")
        for row in contested
    )
    return Part(
        "summary-roles", title,
        (Paragraph(f"{len(contested)} of {len(result.rows)} accountabilities are still contested (no choice reached {share(cfg.consensus)} of the room):"),
         Bullets(items), *decided),
    )


# ------------------------------------------------------------------ decisions, actions and risks


RECORD_PARTS = (
    ("decision", "Decisions", "What was decided, and who decided it.", ("Decision", "Decided by", "About")),
    ("action", "Actions", "Who does what, by when.", ("Action", "Owner", "Due", "About")),
    ("risk", "Risks", "What could go wrong, who watches it, and how it is kept small.", ("Risk", "Owner", "Mitigation", "Initiative")),
    ("ask", "Asks of the sponsor", "What the CIO and the CMO ask for.", ("Ask", "Asked by")),
    ("checkpoint", "Checkpoints", "When the two teams meet again, and what they will measure.", ("What will be measured", "Who calls it", "Date")),
)


def _records(view: View) -> Section:
    """Decisions, actions and risks recorded during the day (`workshop.records`)."""
    session = view.session
    parts = []
    for kind, title, lead, columns in RECORD_PARTS:
        found = records.live(session, kind)
        if not found:
            continue
        rows = []
        for r in found:
            about = records.describe(session, r.about)
            if r.accountable:
                about = f"{about}: {r.accountable}"
            initiative = records.describe(session, r.initiative)
            cells = {
                "decision": (r.text, r.owner or NO_VALUE, about or NO_VALUE),
                "action": (r.text, r.owner, r.due, about or initiative or NO_VALUE),
                "risk": (r.text, r.owner, r.mitigation or NO_VALUE, initiative or NO_VALUE),
                "ask": (r.text, r.owner or NO_VALUE),
                "checkpoint": (r.text, r.owner or NO_VALUE, r.due),
            }[kind]
            rows.append(cells)
        parts.append(Part(
            key=f"records-{kind}", title=title, lead=lead,
            blocks=(Table(columns=tuple(Column(name, short=name in ("Due", "Date", "Owner", "Decided by")) for name in columns), rows=tuple(rows)),),
        ))
    if not parts:
        return Section(key="records", title="Decisions, actions and risks", intro=(Note("No decision, action or risk was recorded."),))
    return Section(
        key="records", title="Decisions, actions and risks",
        intro=(Paragraph("Recorded in the room as the day went; each action has an owner and a date."),), parts=tuple(parts),
    )


# ------------------------------------------------------------------ sections


def _pulled_matrix(view: View):
    """The section-less matrix shown beside the joint initiatives, if any."""
    for cfg in view.exercises:
        if cfg.kind == "initiatives" and cfg.section == "initiatives":
            matrix = initiatives.quadrant_matrix(view, cfg)
            if matrix is not None and matrix.section is None:
                return matrix
    return None


def _part(view: View, cfg, key: str, title: str | None = None) -> Part:
    return Part(key=key, title=title or cfg.title, blocks=kinds.blocks_for(view, cfg), lead=cfg.prompt)


def _section(view: View, key: str, title: str, intro: str, pulled) -> Section:
    exercises = view.in_section(key)
    compared = {cfg.compare_with for cfg in exercises if cfg.kind == "scale" and cfg.compare_with}
    parts = []
    for cfg in exercises:
        if cfg.kind == "scale" and cfg.id in compared:
            continue  # shown inside the later scale that compares with it
        heading = None
        if cfg.kind == "scale" and cfg.compare_with in {c.id for c in exercises}:
            heading = f"{view.session.exercise(cfg.compare_with).title} → {cfg.title}"
        parts.append(_part(view, cfg, f"{key}-{cfg.id}", heading))
    if key == "initiatives" and pulled is not None and parts:
        parts.append(_part(view, pulled, f"{key}-{pulled.id}"))
    if key == "concerns":
        parked = _parked(view)
        if parked is not None:
            parts.append(parked)
    if not parts:
        return Section(key=key, title=title, intro=(Note(EMPTY),))
    return Section(key=key, title=title, intro=(Paragraph(intro),), parts=tuple(parts))


def _parked(view: View) -> Part | None:
    exercises = [cfg for cfg in view.exercises if cfg.kind == "initiatives"]
    if not exercises:
        return None
    lines = tuple(
        initiatives.parked_line(view, cfg, initiative)
        for cfg in exercises
        for initiative in view.state(cfg.id).initiatives.values()
        if initiative.status == "parked"
    )
    blocks = (Bullets(lines),) if lines else (Note("No initiative was parked."),)
    return Part("concerns-parked", "Parked items", blocks, lead="Initiatives drafted in the room and set aside for later.")


# ------------------------------------------------------------------ appendix


def _appendix(view: View, pulled) -> Section:
    parts = []
    section_titles = {key: title for key, title, _ in SECTIONS}
    for number, cfg in enumerate(view.exercises, 1):
        state = view.state(cfg.id)
        facts = [KINDS[cfg.kind].noun.capitalize()]
        facts.append(privacy.IDENTITY_WORDS[cfg.identity])
        if state.opened_at is None:
            facts.append("not run")
        else:
            done, present = view.engine.participation(cfg.id)
            facts.append(f"{done} of {present} people took part")
        blocks: list[Block] = [Paragraph(" · ".join(facts) + ".")]
        if cfg.section is not None:
            blocks.append(Note(f"The result is under “{section_titles[cfg.section]}”."))
        elif pulled is not None and cfg.id == pulled.id:
            blocks.append(Note(f"The result is under “{section_titles['initiatives']}”."))
        elif view.ran(cfg):
            blocks.extend(kinds.blocks_for(view, cfg))
        inputs = raw.blocks_for(view, cfg)
        if inputs:
            blocks.append(Paragraph((Span("Every input", "strong"),)))
            blocks.extend(inputs)
        parts.append(Part(key=f"appendix-{cfg.id}", title=f"{number}. {cfg.title}", blocks=tuple(blocks), lead=cfg.prompt))
    intro = (
        Paragraph(
            "Every input, exercise by exercise, as the room gave it. A name stands beside an input only in an "
            "exercise whose answers are named; elsewhere an input shows its side, or nothing in an anonymous "
            f"exercise, and a side with fewer than {view.session.template.min_answers} answers is not shown. "
            "Ideas hidden by the facilitator and ideas withdrawn by their authors are left out."
        ),
    )
    return Section(key="appendix", title="Every input", intro=intro, parts=tuple(parts))

