"""What the joint agenda says: the session turned into a `Document` (see DESIGN §4).

The joint agenda is short enough for a CEO: page one is the board brief; then the
decisions, actions and risks; then the perception gap (the before-and-after pulse
and every flagged gap between the two sides, each one signed sentence); then the
sections of the day, each result condensed to what a reader acts on (the top of a
ranking, no chart, no legend: `kinds.condensed`). Everything else — each result in
full with its charts, and every raw input — is in the annex, a file of its own.

Sections come in a fixed order; exercises land in them by their `section` field, so
a custom template exports sensibly. An exercise without a section appears in the
annex only — except the impact/effort matrix that the joint initiatives are matched
against, which is shown beside them. A section that no exercise fed says so in one
line rather than disappearing, so every document has the same outline.
"""

from __future__ import annotations

from dataclasses import replace

from .. import privacy, records
from ..activities import ALL, KINDS
from ..activities.common import listing
from ..present import dotvote, initiatives
from . import kinds, raw
from .common import FLAG, NO_VALUE, View, num, plural
from .document import Block, Bullets, Column, Differences, Document, Note, Paragraph, Part, Section, Span, Table

PERCEPTION = "perception_gap"
SECTIONS = (
    ("objectives", "Shared objectives", "What the joint agenda chases first, ranked by the room's dots."),
    ("kpis", "Shared KPIs", "The measures both teams agreed to be judged on, ranked by the room's dots."),
    ("collaboration", "Where we collaborate", "Where the two teams should work together first, ranked, with each side's dots."),
    ("roles", "Roles and accountabilities", "Who leads each responsibility. Each side's own pick shows where the two teams see their roles differently."),
    ("budget", "Budget as a shared opportunity", "How the room would split joint money: the mean share of the budget per item, per side."),
    ("initiatives", "Joint initiatives", "The joint proposals to take to the CEO and the board, with their two leads."),
    ("ways_of_working", "Ways of working", "The habits the room will commit to, and more ideas for working together."),
    (PERCEPTION, "The perception gap", "How each side sees the same things, and whether the gap closed during the day."),
    ("concerns", "Concerns raised and parked items", "What each side has heard and worries about, tagged by side only, and the initiatives set aside for later."),
)
EMPTY = "No exercise of this agenda fed this section."


def build(view: View) -> Document:
    """The whole document. Pure: the same session gives an equal document."""
    session = view.session
    pulled = _pulled_matrix(view)
    sections = [_brief(view), _records(view)]
    for key, title, intro in SECTIONS:
        if key == PERCEPTION:
            sections.insert(2, _perception(view, title, intro))
        else:
            sections.append(_section(view, key, title, intro, pulled))
    return Document(
        title=session.title,
        subtitle="Joint agenda",
        facts=tuple(_facts(view)),
        sections=tuple(sections),
        footer=(
            f"Common Ground session {session.id}. Each result in full, and every input, is in the annex "
            f"“{annex_stem(session)}”. Names stand beside answers only in named exercises; a side's figures "
            f"show from {session.template.min_answers} answers; ideas hidden by the facilitator are left out."
        ),
    )


def build_annex(view: View) -> Document:
    """The annex: every raw input, exercise by exercise, in its own file beside the
    joint agenda, so that the document the executives read stays short. Pure."""
    session = view.session
    return Document(
        title=session.title,
        subtitle="Annex: every input",
        facts=(("Date", view.date()), ("Joint agenda", f"the file named “{agenda_stem(session)}” beside this one"), *_who_was_there(view)),
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
    facts.append(("Agenda", f"{template.title}: {plural(len(template.exercises), 'exercise')} in {template.timing()}"))
    people = view.people()
    by_side = ", ".join(f"{sum(1 for p in people if p.side == s.id)} {s.label}" for s in view.sides)
    facts.append(("Participants", f"{len(people)}: {by_side}" if people else "No one joined."))
    return facts


def _who_was_there(view: View) -> list[tuple[str, object]]:
    """Each side's people by name (the annex's header; the joint agenda counts them)."""
    facts: list[tuple[str, object]] = []
    people = view.people()
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
    agreed = [(cfg, i) for cfg in view.exercises if cfg.kind == "initiatives" for i in view.state(cfg.id).initiatives.values() if i.status == "agreed"]
    parts = [
        Part("brief-agreed", "What we agreed", (Paragraph(" ".join(_agreed_in_three(view, [i for _, i in agreed]))),), lead=f"From {signers} to {sponsor}."),
        _asks(view, sponsor),
        _brief_initiatives(view, agreed),
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


def _brief_initiatives(view: View, agreed: list) -> Part:
    title = "The initiatives"
    if not agreed:
        return Part("brief-initiatives", title, (Note("No initiative was agreed yet."),))
    rows = tuple(
        (
            i.title,
            f"{i.kpi}: {i.baseline or NO_VALUE} → {i.target or NO_VALUE}" if i.kpi else NO_VALUE,
            i.timeframe or NO_VALUE,
            f"{i.it_lead} (IT), {i.marketing_lead} (Marketing)",
            _budget(view, cfg, i),
        )
        for cfg, i in agreed
    )
    columns = (Column("Initiative"), Column("KPI: baseline → target"), Column("By", brief=True), Column("Leads"), Column("Budget", brief=True))
    return Part("brief-initiatives", title, (Table(columns=columns, rows=rows),))


def _budget(view: View, cfg, initiative) -> str:
    """An initiative's budget: in money when entered, else its share; with the share
    of the joint budget the room gave its candidate, when the room split a budget over
    the same candidates ("€400k; the room gave it 33%")."""
    said = initiative.budget or (f"{initiative.budget_share} of the joint budget" if initiative.budget_share else "")
    room = _room_share(view, cfg, initiative)
    if room is None:
        return said or NO_VALUE
    given = f"the room gave it {num(room, 0)}%"
    return f"{said}; {given}" if said else given.capitalize()


def _room_share(view: View, cfg, initiative) -> float | None:
    source = getattr(cfg, "source", None)
    split = view.first("allocate", where=lambda a: source is not None and a.source == source)
    if split is None or not view.ran(split) or initiative.source_item is None:
        return None
    texts = {item.id: item.text for item in view.state(cfg.id).items}
    wanted = texts.get(initiative.source_item)
    return next((row.share.get(ALL) for row in view.result(split.id).items if row.text == wanted), None)


def _top_risks(view: View) -> Part:
    risks = records.live(view.session, "risk")[:3]
    title = "Top risks"
    if not risks:
        return Part("brief-risks", title, (Note("No risk was recorded."),))
    return Part("brief-risks", title, (Bullets(tuple(
        (Span(r.text, "strong"), f" — {r.owner}" + (f"; {r.mitigation}" if r.mitigation else "")) for r in risks
    )),))


def _confidence_question(view: View):
    """The closing confidence question: the last scale of the perception-gap section,
    if no later scale compares with it and it compares with none (the check-in is
    compared, the check-out compares); None when the agenda has none."""
    compared = _compared(view.exercises)
    found = [cfg for cfg in view.in_section(PERCEPTION) if cfg.kind == "scale"]
    if not found or found[-1].compare_with or found[-1].id in compared:
        return None
    return found[-1]


def _confidence(view: View) -> Part | None:
    """The confidence question's answer for page one; None when it was not run."""
    cfg = _confidence_question(view)
    if cfg is None or not view.ran(cfg):
        return None
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


# ------------------------------------------------------------------ decisions, actions and risks


RECORD_PARTS = (
    ("decision", "Decisions", ("Decision", "Decided by", "About")),
    ("action", "Actions", ("Action", "Owner", "Due", "About")),
    ("risk", "Risks", ("Risk", "Owner", "Mitigation", "Initiative")),
    ("checkpoint", "Checkpoints", ("What will be measured", "Who calls it", "Date")),
)
"""The records the section lists; the asks are all on page one, and so is the next
checkpoint (this section lists the checkpoints when there are several)."""


def _records(view: View) -> Section:
    """Decisions, actions and risks recorded during the day (`workshop.records`)."""
    session = view.session
    parts = []
    for kind, title, columns in RECORD_PARTS:
        found = records.live(session, kind)
        if not found or (kind == "checkpoint" and len(found) == 1):
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
                "checkpoint": (r.text, r.owner or NO_VALUE, r.due),
            }[kind]
            rows.append(cells)
        parts.append(Part(
            key=f"records-{kind}", title=title,
            blocks=(Table(columns=tuple(Column(name, short=name in ("Due", "Date", "Owner", "Decided by")) for name in columns), rows=tuple(rows)),),
        ))
    if not parts:
        return Section(key="records", title="Decisions, actions and risks", intro=(Note("No decision, action or risk was recorded."),))
    return Section(key="records", title="Decisions, actions and risks", parts=tuple(parts))


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
    """An exercise's result as the joint agenda shows it: condensed, without the prompt
    (the annex gives both in full)."""
    return Part(key=key, title=title or cfg.title, blocks=kinds.condensed(kinds.blocks_for(view, cfg)))


def _compared(exercises) -> set[str]:
    """The scales a later scale compares with: shown inside it, not on their own."""
    return {cfg.compare_with for cfg in exercises if cfg.kind == "scale" and cfg.compare_with}


def _parts(view: View, key: str) -> list[Part]:
    """A section's exercises, condensed; a reason a side's figures are withheld is said
    under the first exercise of the section it applies to, not again under the next."""
    exercises = view.in_section(key)
    compared = _compared(exercises)
    parts, said = [], set()
    for cfg in exercises:
        if cfg.id in compared:
            continue
        heading = None
        if cfg.kind == "scale" and cfg.compare_with in {c.id for c in exercises}:
            heading = f"{view.session.exercise(cfg.compare_with).title} → {cfg.title}"
        part = _part(view, cfg, f"{key}-{cfg.id}", heading)
        reasons = {Note(reason) for reason in view.policy(cfg).reasons()}
        parts.append(replace(part, blocks=tuple(b for b in part.blocks if b not in said)))
        said |= reasons
    return parts


def _perception(view: View, title: str, intro: str) -> Section:
    """The before-and-after pulse and the other perception exercises (not the
    confidence question: page one gives it), then every flagged gap of the day, each
    one signed sentence."""
    closing = _confidence_question(view)
    parts = [p for p in _parts(view, PERCEPTION) if closing is None or p.key != f"{PERCEPTION}-{closing.id}"]
    gaps = _gaps(view)
    first, second = view.pair
    if gaps:
        parts.append(Part(
            f"{PERCEPTION}-flags", f"Where {first.label} and {second.label} see it differently", (Bullets(gaps),),
            lead=f"Every {FLAG} of the day, in agenda order. How each flag is computed is stated with each result in the annex.",
        ))
    if not parts:
        return Section(key=PERCEPTION, title=title, intro=(Note(EMPTY),))
    return Section(key=PERCEPTION, title=title, intro=(Paragraph(intro),), parts=tuple(parts))


def _gaps(view: View) -> tuple:
    """Every flagged row of the exercises this document shows, one line per exercise
    in agenda order: the exercise, then each row's text and how the two sides differ."""
    compared = _compared(view.exercises)
    found: dict[str, list[tuple[str, str]]] = {}
    shown = {cfg.id for cfg in view.exercises if cfg.section is not None} | {m.id for m in (_pulled_matrix(view),) if m is not None}
    for cfg in view.exercises:
        if cfg.id in compared or cfg.id not in shown or not view.ran(cfg):
            continue  # a compared scale's gaps come with the scale that compares with it; the annex has the rest
        for block in kinds.blocks_for(view, cfg):
            if isinstance(block, Differences):
                found.setdefault(block.source or cfg.title, []).extend(block.items)
    order = {cfg.title: n for n, cfg in enumerate(view.exercises)}
    lines = []
    for title in sorted(found, key=lambda t: order.get(t, len(order))):
        line: list = [Span(f"{title}:", "strong")]
        for n, (text, how) in enumerate(found[title]):
            line.extend([";" if n else "", " ", text, f" — {how}"])
        lines.append((*line, "."))
    return tuple(lines)


def _section(view: View, key: str, title: str, intro: str, pulled) -> Section:
    parts = [replace(p, title="") if p.title == title else p for p in _parts(view, key)]
    if key == "initiatives" and pulled is not None and parts:
        parts.append(_part(view, pulled, f"{key}-{pulled.id}"))
    if key == "concerns":
        parked = _parked(view)
        if parked is not None:
            parts.append(parked)
    if not parts:
        return Section(key=key, title=title, intro=(Note(EMPTY),))
    return Section(key=key, title=title, parts=tuple(parts))


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
    return Part("concerns-parked", "Parked initiatives", blocks)


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
        where = cfg.section or ("initiatives" if pulled is not None and cfg.id == pulled.id else None)
        if where is not None:
            blocks.append(Note(f"In the joint agenda under “{section_titles[where]}”; here in full."))
        if view.ran(cfg):
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

