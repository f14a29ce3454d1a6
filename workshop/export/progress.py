"""The progress report: what a follow-up session (`workshop.followup`) says, as a
`Document` for the Markdown and HTML writers and as JSON — the same blocks, writers
and escaping as the joint agenda.

Page one is for the CEO, in plain sentences: what was delivered, what is on track,
what slipped and why, how each initiative's KPI moved (baseline → now → target), how
the perception gap between the two sides moved, and the next checkpoint. Then the
pulse over time (every point of the chain, side by side, with the gap at each), every
carried action with its status and reason, the initiatives and their readings, what
the room said today (the room's view of each action, what blocked us, what we
change), what was recorded today, and the chain of sessions.

Why a follow-up exports this *instead of* a joint agenda: the joint agenda is what a
workshop agrees, signed for the CEO; a follow-up agrees no new agenda — it reviews
one. Its own exercises (the pulse, the status grid, blockers, changes) would leave
most of a joint agenda's sections empty, while everything the CEO needs from a
review is here. Every raw input is still exported, in the annex beside it.

Pure, like the rest of the export: the same session gives the same bytes.
"""

from __future__ import annotations

import json as _json
from dataclasses import replace
from datetime import datetime

from .. import followup, records
from ..activities import ALL
from ..activities.common import listing
from ..activities.scale import GAP_FLAG
from ..model import Session
from . import build
from . import json as agenda_json
from .common import MONTHS, NO_VALUE, View, gap_spans, num, plural, signed
from .document import Bullets, Column, Document, Note, Paragraph, Part, Section, Span, Table

FORMAT = "common-ground/progress-report"
VERSION = 1
STATUS_WORDS = {"done": "done", "on track": "on track", "at risk": "at risk", "dropped": "dropped", "": "not reviewed"}


def stem(session: Session) -> str:
    """The progress report's file name without its extension."""
    return f"{session.id}-progress-report"


def is_follow_up(session: Session) -> bool:
    return session.review is not None


# ------------------------------------------------------------------ the document


def build_report(view: View) -> Document:
    """The whole progress report of a follow-up session. Pure."""
    session = view.session
    assert session.review is not None, "a progress report is a follow-up's"
    sections = (
        _glance(view),
        _over_time(view),
        _actions(view),
        _initiatives(view),
        _the_room(view),
        replace(build._records(view), title="What we recorded today: decisions, actions and risks"),
        _chain(view),
    )
    k = session.template.min_answers
    return Document(
        title=session.title,
        subtitle="Progress report",
        facts=tuple(_facts(view)),
        sections=sections,
        footer=(
            f"Common Ground session {session.id}, a follow-up of {session.review.follows}. Every input of this review is in the "
            f"annex “{build.annex_stem(session)}”. What the earlier sessions agreed is carried over as it was; a side's figures "
            f"show from {k} answers at every point; nobody is followed from one session to the next unless the pulse was "
            "answered by name."
        ),
    )


def annex(view: View) -> Document:
    """The annex of a follow-up: every raw input, pointing at the progress report."""
    document = build.build_annex(view)
    facts = tuple(
        ("Progress report", f"the file named “{stem(view.session)}” beside this one") if label == "Joint agenda" else (label, value)
        for label, value in document.facts
    )
    return replace(document, facts=facts, footer=f"Exported from Common Ground session {view.session.id}, with its progress report.")


def _date(view: View, timestamp: float) -> str:
    when = datetime.fromtimestamp(timestamp, view.tz)
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}"


def _facts(view: View) -> list[tuple[str, object]]:
    session = view.session
    review = session.review
    assert review is not None
    facts: list[tuple[str, object]] = []
    if session.organisation:
        facts.append(("Organisation", session.organisation))
    facts.append(("Date", view.date()))
    last = review.chain[-1]
    facts.append(("Follows up", f"{last.title} ({_date(view, last.at)})"))
    if len(review.chain) > 1:
        facts.append(("The chain", " → ".join(f"{link.title} ({_date(view, link.at)})" for link in review.chain) + " → this review"))
    signers = records.signers(session.executives)
    if signers:
        facts.append(("Signed by", signers))
    if session.executives.sponsor:
        facts.append(("For", session.executives.sponsor))
    if session.facilitator:
        facts.append(("Facilitator", session.facilitator))
    template = session.template
    facts.append(("Agenda", f"{template.title}: {plural(len(template.exercises), 'exercise')} in {template.timing()}"))
    people = view.people()
    by_side = ", ".join(f"{sum(1 for p in people if p.side == s.id)} {s.label}" for s in view.sides)
    facts.append(("Participants", f"{len(people)}: {by_side}" if people else "No one joined."))
    return facts


# ------------------------------------------------------------------ page one


def _glance(view: View) -> Section:
    session = view.session
    review = session.review
    assert review is not None
    first = review.chain[0]
    chiefs = session.executives
    sponsor = chiefs.sponsor or "the CEO"
    signers = records.signers(chiefs) or "the CIO and the CMO"
    acts = followup.actions(session)
    intro: list = [Paragraph(
        f"From {signers} to {sponsor}. On {view.date()} we reviewed what we agreed at “{first.title}” on {_date(view, first.at)}"
        + (f" and at {plural(len(review.chain) - 1, 'follow-up')} since" if len(review.chain) > 1 else "")
        + f": {plural(len(acts), 'action')}, {plural(len(review.initiatives), 'joint initiative')} and the pulse we took."
    )]
    intro += [Note(note) for note in review.notes]
    parts = [_delivered(acts), _on_track(acts), _slipped(acts), _kpis_moved(view), _gap_moved(view), _next_checkpoint(view)]
    return Section(key="glance", title="Progress at a glance", intro=tuple(intro), parts=tuple(parts))


def _action_line(a: followup.ActionNow, with_reason: bool = True) -> tuple:
    r = a.record
    said = f" — {r.owner}, due {r.due}" if r.due else f" — {r.owner}"
    reason = a.reason or (a.earlier.reason if a.closed_before and a.earlier else "")
    return (Span(r.text, "strong"), said + (f": {reason}" if with_reason and reason else "") + ".")


def _delivered(acts: list[followup.ActionNow]) -> Part:
    done = [a for a in acts if a.status == "done"]
    before = [a for a in acts if a.closed_before and a.earlier is not None and a.earlier.status == "done"]
    title = "What was delivered"
    if len(acts) == 1:
        lead = "The one action carried over is done" if done else "The one action carried over is not done yet"
    else:
        lead = f"{len(done)} of the {len(acts)} actions carried over {'is' if len(done) == 1 else 'are'} done"
    lead += f"; {len(before)} more {'was' if len(before) == 1 else 'were'} done at an earlier review." if before else "."
    if not acts:
        return Part("glance-delivered", title, (Note("No action was carried over to review."),))
    blocks: list = [Paragraph(lead)]
    if done:
        blocks.append(Bullets(tuple(_action_line(a) for a in done)))
    return Part("glance-delivered", title, tuple(blocks))


def _on_track(acts: list[followup.ActionNow]) -> Part:
    going = [a for a in acts if a.status == "on track"]
    title = "What is on track"
    if not going:
        return Part("glance-on-track", title, (Note("No action was said to be on track."),))
    return Part("glance-on-track", title, (Bullets(tuple(_action_line(a) for a in going)),))


def _slipped(acts: list[followup.ActionNow]) -> Part:
    title = "What slipped, and why"
    risky = [a for a in acts if a.status == "at risk"]
    dropped = [a for a in acts if a.status == "dropped"]
    silent = [a for a in acts if not a.status and not a.closed_before]
    lines: list[tuple] = []
    for a in risky:
        lines.append((Span(a.record.text, "strong"), f" is at risk ({a.record.owner}, due {a.record.due}): {a.reason}."))
    for a in dropped:
        lines.append((Span(a.record.text, "strong"), f" was dropped ({a.record.owner}): {a.reason}."))
    for a in silent:
        late = f", overdue since {a.record.due}" if a.overdue else f", due {a.record.due}"
        lines.append((Span(a.record.text, "strong"), f" was not reviewed ({a.record.owner}{late})."))
    if not lines:
        return Part("glance-slipped", title, (Note("Nothing slipped: every action reviewed is done or on track."),))
    counts = [c for c in (
        f"{len(risky)} at risk" if risky else "", f"{len(dropped)} dropped" if dropped else "",
        f"{len(silent)} not reviewed" if silent else "",
    ) if c]
    return Part("glance-slipped", title, (Paragraph(f"{listing(counts).capitalize()}."), Bullets(tuple(lines))))


def _reading_path(view: View, initiative, now: str) -> str:
    """"31% repeat purchase at the start → 32% at follow-up 1 → 33% now"."""
    steps = [f"{initiative.baseline} at the start" if initiative.baseline else "no baseline at the start"]
    chain = {link.session: n for n, link in enumerate(view.session.review.chain)}
    for reading in initiative.readings:
        steps.append(f"{reading.value} at follow-up {chain.get(reading.session, 0)}")
    steps.append(f"{now} now" if now else "not measured at this review")
    return " → ".join(steps)


def _kpis_moved(view: View) -> Part:
    title = "How each KPI moved"
    found = followup.kpis(view.session)
    if not found:
        return Part("glance-kpis", title, (Note("No joint initiative was carried over."),))
    lines = []
    for initiative, now in found:
        kpi = initiative.kpi or "No shared KPI was set"
        target = f"; the target is {initiative.target}" if initiative.target else "; no target was set"
        by = f", by {initiative.timeframe}" if initiative.timeframe else ""
        lines.append((
            Span(initiative.title, "strong"),
            f" — {kpi}: {_reading_path(view, initiative, now)}{target}{by} (leads {initiative.it_lead} and {initiative.marketing_lead}).",
        ))
    return Part("glance-kpis", title, (Bullets(tuple(lines)),))


def _gap_moved(view: View) -> Part:
    title = "How the perception gap moved"
    over = followup.over_time(view.session)
    first, second = view.pair
    if over is None:
        return Part("glance-gap", title, (Note("No pulse was carried over or taken at this review."),))
    lines = []
    for index, text in enumerate(over.statements):
        steps = []
        for p in over.points:
            figure = p.figures[index] if index < len(p.figures) else None
            the_gap = followup.gap(view.session, figure) if figure is not None else None
            steps.append(f"{signed(the_gap) if the_gap is not None else 'not shown (too few answers)'} {_at(p)}")
        gaps = [followup.gap(view.session, p.figures[index]) for p in over.points if index < len(p.figures)]
        known = [g for g in gaps if g is not None]
        trend = ""
        if len(known) >= 2:
            a, b = abs(known[0]), abs(known[-1])
            since = _at(over.points[0]).removeprefix("at ")
            trend = f": narrower than at {since}" if b < a - 0.05 else f": wider than at {since}" if b > a + 0.05 else f": about as wide as at {since}"
        lines.append((Span(text, "strong"), f" — the gap {first.label} − {second.label} was {listing(steps)}{trend}."))
    return Part("glance-gap", title, (Bullets(tuple(lines)), Note(over.why)))


def _at(p) -> str:
    return "now" if p.label == "Now" else f"at the {p.label.lower()}" if not p.label.startswith("Follow-up") else f"at {p.label.lower()}"


def _next_checkpoint(view: View) -> Part:
    points = sorted(records.live(view.session, "checkpoint"), key=lambda r: r.due)
    title = "Next checkpoint"
    if points:
        nxt = points[0]
        return Part("glance-checkpoint", title, (Paragraph((Span(nxt.due, "strong"), f" — {nxt.text}" + (f" ({nxt.owner})" if nxt.owner else ""))),))
    return Part("glance-checkpoint", title, (Note("No next checkpoint was set at this review."),))


# ------------------------------------------------------------------ the pulse over time


def _over_time(view: View) -> Section:
    title = "The pulse over time"
    over = followup.over_time(view.session)
    if over is None:
        return Section(key="over-time", title=title, intro=(Note("No pulse was carried over or taken at this review."),))
    first, second = view.pair
    intro = (Paragraph(
        f"The same {plural(len(over.statements), 'statement')}, rated from 1 ({over.scale[0] if over.scale else 'low'}) to "
        f"{over.scale[2] if over.scale else 'the top'} ({over.scale[1] if over.scale else 'high'}) at every point. Each row is one "
        f"point in time; the gap is the mean of {first.label} minus the mean of {second.label}."
    ), Note(over.why))
    columns = (
        Column("When"), *(Column(s.label, True) for s in view.sides), Column("Room", True),
        Column(view.gap_label(), True), Column("Answered", brief=True),
    )
    parts = []
    for index, text in enumerate(over.statements):
        rows = []
        for p in over.points:
            figure = p.figures[index] if index < len(p.figures) else None
            mean = figure.mean if figure is not None else {}
            the_gap = followup.gap(view.session, mean)
            answered = ", ".join(f"{figure.n[s.id]} {s.label}" for s in view.sides if figure is not None and s.id in figure.n)
            rows.append((
                f"{'Now' if p.label == 'Now' else p.label} ({_date(view, p.at)})",
                *(num(mean.get(s.id)) for s in view.sides), num(mean.get(ALL)),
                gap_spans(the_gap, the_gap is not None and abs(the_gap) >= GAP_FLAG),
                f"{figure.n.get(ALL, 0)}" + (f": {answered}" if answered else "") if figure is not None else NO_VALUE,
            ))
        blocks: list = [Table(columns=columns, rows=tuple(rows))]
        blocks += _same_people(view, over, index)
        parts.append(Part(key=f"over-time-{index + 1}", title=text, blocks=tuple(blocks)))
    withheld = sorted({side for p in over.points for side in p.withheld}, key=view.side_order)
    if withheld:
        labels = listing([view.side_label(side) for side in withheld])
        parts.append(Part("over-time-privacy", "", (Note(
            f"{labels}: fewer than {over.k} answers at some point, so no figure of {'its' if len(withheld) == 1 else 'their'} own "
            "is shown there; those answers count for the room."
        ),)))
    return Section(key="over-time", title=title, intro=intro, parts=tuple(parts))


def _same_people(view: View, over: followup.OverTime, index: int) -> list:
    if over.by_name and over.followed is not None:
        followed = over.followed[index]
        if not followed.means:
            return [Note(f"Fewer than {over.k} people rated this statement at every point, so the same people's shift is not shown.")]
        said = []
        for side_id, label in [*((s.id, s.label) for s in view.sides), (ALL, "the room")]:
            if side_id not in followed.means:
                continue
            series = followed.means[side_id]
            path = " → ".join(num(v) for v in series)
            said.append(f"{label} {path} ({signed(series[-1] - series[0])}, {plural(followed.n[side_id], 'person', 'people')})")
        return [Paragraph(f"The same people, who rated at every point: {'; '.join(said)}.")]
    checkout = next((p for p in over.points if p.same_people), None)
    if checkout is None or checkout.same_people is None or index >= len(checkout.same_people):
        return []
    same = checkout.same_people[index]
    said = [
        f"{label} {num(same.before[side_id])} → {num(same.after[side_id])} ({signed(same.after[side_id] - same.before[side_id])}, "
        f"{plural(same.n.get(side_id, 0), 'person', 'people')})"
        for side_id, label in [*((s.id, s.label) for s in view.sides), (ALL, "the room")]
        if side_id in same.before and side_id in same.after and (side_id == ALL or same.n.get(side_id, 0) >= over.k)
    ]
    if not said:
        return []
    return [Paragraph(f"At the workshop, among the people who rated both times (“{checkout.title}”): {'; '.join(said)}.")]


# ------------------------------------------------------------------ actions and initiatives


def _actions(view: View) -> Section:
    title = "Every carried action"
    acts = followup.actions(view.session)
    review = view.session.review
    assert review is not None
    parts = []
    if acts:
        rows = []
        for a in acts:
            r = a.record
            status = a.status or (f"{a.earlier.status} (earlier)" if a.closed_before and a.earlier else "not reviewed")
            why = a.reason or (a.earlier.reason if a.closed_before and a.earlier else "")
            if a.earlier is not None and not a.closed_before and a.earlier.reason:
                why = f"{why} (last time {a.earlier.status}: {a.earlier.reason})" if why else f"last time {a.earlier.status}: {a.earlier.reason}"
            cell = (Span(status, "flag"),) if status in ("at risk", "dropped") or (a.overdue and not a.status) else status
            rows.append((r.id, r.text, r.owner, r.due, cell, why or NO_VALUE))
        parts.append(Part("actions-table", "", (Table(
            columns=(Column("Id", short=True), Column("Action"), Column("Owner", short=True), Column("Due", short=True), Column("Status", brief=True), Column("Why")),
            rows=tuple(rows),
        ),)))
    others = [
        ("decision", "Decisions carried over"), ("risk", "Risks carried over"), ("ask", "What we asked of the sponsor"), ("checkpoint", "Checkpoints set before"),
    ]
    for kind, heading in others:
        found = [r for r in review.records if r.kind == kind]
        if not found:
            continue
        lines = tuple(
            (Span(r.text, "strong"), (f" — {r.owner}" if r.owner else "") + (f", {r.due}" if r.due else "") + (f"; mitigation: {r.mitigation}" if r.mitigation else "") + ".")
            for r in found
        )
        parts.append(Part(f"actions-{kind}", heading, (Bullets(lines),)))
    if not parts:
        return Section(key="actions", title=title, intro=(Note("Nothing was carried over from the earlier sessions."),))
    intro = (Paragraph("What the earlier sessions agreed, as they agreed it, with the status the room settled today and the reason it gave."),)
    return Section(key="actions", title=title, intro=intro, parts=tuple(parts))


def _initiatives(view: View) -> Section:
    title = "The initiatives and their KPIs"
    found = followup.kpis(view.session)
    if not found:
        return Section(key="initiatives", title=title, intro=(Note("No joint initiative was carried over."),))
    review = view.session.review
    assert review is not None
    earlier = [link for link in review.chain if link.follow_up]
    columns = (
        Column("Initiative"), Column("KPI"), Column("Baseline", brief=True),
        *(Column(f"Follow-up {n}", brief=True) for n, _ in enumerate(earlier, 1)),
        Column("Now", brief=True), Column("Target", brief=True), Column("By", brief=True), Column("Leads"),
    )
    rows = []
    for initiative, now in found:
        readings = {reading.session: reading.value for reading in initiative.readings}
        rows.append((
            initiative.title, initiative.kpi or NO_VALUE, initiative.baseline or NO_VALUE,
            *(readings.get(link.session, NO_VALUE) for link in earlier),
            (Span(now, "strong"),) if now else NO_VALUE, initiative.target or NO_VALUE, initiative.timeframe or NO_VALUE,
            f"{initiative.it_lead} ({view.sides[0].label}), {initiative.marketing_lead} ({view.sides[1].label})",
        ))
    parts = [Part("initiatives-kpis", "", (Table(columns=columns, rows=tuple(rows)),))]
    return Section(key="initiatives", title=title, intro=(Paragraph("Each KPI as its two leads gave it today, beside where it started and where we said it would be."),), parts=tuple(parts))


# ------------------------------------------------------------------ what the room said


def _the_room(view: View) -> Section:
    title = "What the room said today"
    parts = []
    for cfg in view.exercises:
        if cfg.id == followup.PULSE or not view.ran(cfg):
            continue
        if cfg.id == followup.ACTIONS and cfg.kind == "ownership":
            parts.append(_status_views(view, cfg))
        else:
            parts.append(build._part(view, cfg, f"room-{cfg.id}"))
    if not parts:
        return Section(key="room", title=title, intro=(Note("No exercise of this review was run."),))
    return Section(key="room", title=title, parts=tuple(parts))


def _status_views(view: View, cfg) -> Part:
    """The room's view of each action (an ownership grid over the statuses), beside
    the status settled: per side, the status most of its people gave."""
    result = view.result(cfg.id)
    settled = {a.record.id: a.status for a in followup.actions(view.session)}
    rows = []
    for row in result.rows:
        action_id = row.text.split(" · ", 1)[0]
        text = row.text.split(" · ", 1)[-1]
        cells = [_leading(row, s.id) for s in view.sides]
        flagged = row.differ
        rows.append((
            text, _leading(row, ALL), *(((Span(c, "flag"),) if flagged and i < 2 else c) for i, c in enumerate(cells)),
            settled.get(action_id) or "not reviewed",
        ))
    columns = (Column("Action"), Column("Room says", brief=True), *(Column(f"{s.label} says", brief=True) for s in view.sides), Column("Settled", brief=True))
    blocks: list = [
        Paragraph(f"{plural(result.respondents, 'person', 'people')} said where each action stands; the status most of each side gave, and the one the room settled:"),
        Table(columns=columns, rows=tuple(rows)),
        *(Note(reason) for reason in view.policy(cfg).reasons()),
    ]
    return Part(f"room-{cfg.id}", cfg.title, tuple(blocks))


def _leading(row, side_id: str) -> str:
    """What most of a side said of one action: its status, "Split" on a tie, NO_VALUE
    when the side gave none (or is withheld)."""
    if not sum(row.counts.get(side_id) or []):
        return NO_VALUE
    return row.leader.get(side_id) or "Split"


# ------------------------------------------------------------------ the chain


def _chain(view: View) -> Section:
    session = view.session
    review = session.review
    assert review is not None
    acts = followup.actions(session)
    rows = []
    for n, link in enumerate(review.chain):
        if not link.follow_up:
            carried_here = sum(1 for r in review.records if r.kind == "action" and r.recorded_in == link.session)
            what = f"The workshop: {plural(len([i for i in review.initiatives if i.agreed_in == link.session]), 'joint initiative')} agreed, {plural(carried_here, 'action')}"
        else:
            what = f"Follow-up {n}: {link.reviewed} action{'' if link.reviewed == 1 else 's'} reviewed, {link.done} done"
        rows.append((link.title, _date(view, link.at), what))
    reviewed = [a for a in acts if a.status]
    rows.append((
        (Span(session.title, "strong"),), view.date(),
        f"This review: {len(reviewed)} action{'' if len(reviewed) == 1 else 's'} reviewed, {sum(1 for a in reviewed if a.status == 'done')} done",
    ))
    table = Table(columns=(Column("Session"), Column("Date", short=True), Column("What it did")), rows=tuple(rows))
    return Section(key="chain", title="From the workshop to this review", parts=(Part("chain-sessions", "", (table,)),))


# ------------------------------------------------------------------ JSON


def render_json(view: View) -> str:
    return _json.dumps(export(view), ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"


def export(view: View) -> dict:
    """The progress report as data: every figure page one and the tables state, plus
    this review's own exercises as the joint agenda's JSON gives them (raw inputs,
    redacted the same way). People carried by name are never written here: only
    aggregates per side."""
    session = view.session
    review = session.review
    assert review is not None
    over = followup.over_time(session)
    base = agenda_json.export(view)
    return {
        "format": FORMAT,
        "version": VERSION,
        "session": base["session"],
        "follows": review.follows,
        "chain": [
            {**link.model_dump(mode="json"), "date": datetime.fromtimestamp(link.at, view.tz).date().isoformat()} for link in review.chain
        ],
        "notes": list(review.notes),
        "executives": base["executives"],
        "sides": base["sides"],
        "participants": base["participants"],
        "actions": [
            {
                **a.record.model_dump(mode="json", include={"id", "text", "owner", "due", "initiative", "recorded_in", "original_id"}),
                "status": a.status, "reason": a.reason, "overdue": a.overdue,
                "history": [note.model_dump(mode="json") for note in a.record.history],
            }
            for a in followup.actions(session)
        ],
        "carried": [r.model_dump(mode="json", exclude={"history"}) for r in review.records if r.kind != "action"],
        "initiatives": [
            {**i.model_dump(mode="json"), "now": now} for i, now in followup.kpis(session)
        ],
        "pulse": None if over is None else {
            "statements": over.statements,
            "scale": over.scale,
            "min_answers": over.k,
            "matched_by": "name" if over.by_name else "side",
            "how": over.why,
            "points": [
                {
                    "label": p.label, "session": p.session, "title": p.title, "at": p.at, "identity": p.identity,
                    "withheld_sides": list(p.withheld),
                    "statements": [
                        {"mean": dict(f.mean), "n": dict(f.n), "gap": followup.gap(session, f)} for f in p.figures
                    ],
                    "same_people": None if p.same_people is None else [s.model_dump(mode="json") for s in p.same_people],
                }
                for p in over.points
            ],
            "followed": None if over.followed is None else [{"means": f.means, "n": f.n} for f in over.followed],
        },
        "records": base["records"],
        "exercises": base["exercises"],
    }
