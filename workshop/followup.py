"""The 90-day follow-up: what a review session carries over, the agenda built from
it, and the figures over time that its progress report shows.

`workshop follow-up S` (`sessions.follow_up`) reads session S without writing to it
and starts a new session that **follows** it. What S agreed comes along read-only,
in the new session's template (`model.Review`, stored in its first event): the
agreed initiatives with their leads, KPI, baseline, target and time frame; the
decisions, actions with owners and due dates, risks, asks and checkpoints; and the
pulse S took — its statements and, for each moment (check-in, check-out, an earlier
follow-up), its figures per side. The agenda (`exercises/follow-up.toml`) is filled
from it: the pulse asks the same statements at the same identity level, "Where each
action stands" lists the actions still open, "Our initiatives" the initiatives, and
the talk tracks list what was carried. A follow-up can itself be followed up: the
chain grows by one link each time, and what the last review recorded (statuses,
KPI readings, its own new decisions and actions, its pulse) is carried on.

Privacy across sessions, the rule this module keeps:

- a pulse is carried as aggregates per side only, with S's k (`min_answers`)
  already applied: a side below k is never carried, only that it was withheld;
- people are carried by name only from a pulse whose answers were `named`, and
  only people whose name nobody else in that session had; from a `side` or
  `anonymous` pulse nobody is ever followed, so the shift across sessions is by
  side only;
- over time, the strictest k of the chain applies at every point, and to the
  people followed by name (`over_time`).

Pure: no clock, no files. Dates are the sessions' own timestamps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from . import privacy, records, review
from .activities import ALL, counted, side_of
from .activities.scale import ScaleExercise, ScaleResult
from .model import (
    CarriedInitiative,
    CarriedRecord,
    ChainLink,
    KpiReading,
    PulseFigure,
    PulsePoint,
    RatedBy,
    Record,
    Review,
    SamePeople,
    Session,
    StatusNote,
    Template,
)

TEMPLATE = "follow-up"
"""The built-in follow-up agenda (`exercises/follow-up.toml`); a user's own folder may replace it."""
PULSE = "pulse"
"""The follow-up agenda's pulse: it asks the carried statements again."""
ACTIONS = "actions"
"""Its "where each action stands": one row per open action (an ownership grid)."""
KPIS = "kpis"
"""Its initiatives: one statement per carried initiative (a scale)."""
ROW_LIMIT = 120
MAX_ROWS = 20
MAX_STATEMENTS = 10
CLOSED = ("done", "dropped")
"""Statuses after which an action is not reviewed again."""


# ------------------------------------------------------------------ what is carried


def carry(session: Session, notes: Sequence[str] = ()) -> Review:
    """What a follow-up of `session` carries: everything it agreed, and its pulse.
    `notes` are what went wrong reading it (damaged lines, an older version), kept
    in the review so that the progress report says so too."""
    earlier = session.review
    if earlier is None:
        chain = [ChainLink(session=session.id, title=session.title, at=session.created_at)]
        initiatives, refs = _agreed(session)
        carried = _own_records(session, [], refs)
        statements, scale, pulse = _first_pulse(session)
    else:
        reviewed = [r for r in earlier.records if r.kind == "action" and review.recorded_of(session, r.id).status]
        chain = [*earlier.chain, ChainLink(
            session=session.id, title=session.title, at=session.created_at, follow_up=True,
            done=sum(1 for r in reviewed if review.recorded_of(session, r.id).status == "done"), reviewed=len(reviewed),
        )]
        initiatives = [_read(session, i) for i in earlier.initiatives]
        refs = {review.ref(i.id): i.id for i in earlier.initiatives}
        carried = _own_records(session, [_noted(session, r) for r in earlier.records], refs)
        statements, scale = list(earlier.statements), list(earlier.scale)
        pulse = list(earlier.pulse)
        now = _own_pulse(session)
        if now is not None:
            found = point(session, now, f"Follow-up {sum(1 for link in chain if link.follow_up)}")
            if found is not None:
                pulse.append(found)
    return Review(
        follows=session.id, chain=chain, initiatives=initiatives, records=carried,
        statements=statements, scale=scale, pulse=pulse, notes=list(notes),
    )


def _agreed(session: Session) -> tuple[list[CarriedInitiative], dict[str, str]]:
    """The agreed initiatives of every initiatives exercise, numbered i1, i2 …, and
    "exercise:initiative" → the carried id, for the records that point at them."""
    found: list[CarriedInitiative] = []
    refs: dict[str, str] = {}
    for cfg in session.template.exercises:
        if cfg.kind != "initiatives":
            continue
        for key, initiative in counted(session, session.exercises[cfg.id]).initiatives.items():
            if initiative.status != "agreed":
                continue
            carried_id = f"i{len(found) + 1}"
            refs[f"{cfg.id}:{key}"] = carried_id
            found.append(CarriedInitiative(
                id=carried_id, title=initiative.title, outcome=initiative.outcome, kpi=initiative.kpi, baseline=initiative.baseline,
                target=initiative.target, timeframe=initiative.timeframe, it_lead=initiative.it_lead,
                marketing_lead=initiative.marketing_lead, budget=initiative.budget or initiative.budget_share, agreed_in=session.id,
            ))
    return found, refs


def _own_records(session: Session, carried: list[CarriedRecord], refs: dict[str, str]) -> list[CarriedRecord]:
    """`carried` (renumbered) and then the session's own live records, numbered per kind
    in that order ("a1" …), each pointing at its initiative by carried id."""
    out: list[CarriedRecord] = []
    counts: dict[str, int] = {}

    def number(kind: str) -> str:
        counts[kind] = counts.get(kind, 0) + 1
        return f"{records.LETTER[kind]}{counts[kind]}"

    for record in carried:
        out.append(record.model_copy(update={"id": number(record.kind)}))
    for own in records.live(session):
        out.append(_from_record(session, own, number(own.kind), refs))
    return out


def _from_record(session: Session, record: Record, carried_id: str, refs: dict[str, str]) -> CarriedRecord:
    about = records.describe(session, record.about) if record.about else ""
    if about == record.about:
        about = ""  # a reference that no longer resolves says nothing to a reader
    return CarriedRecord(
        id=carried_id, kind=record.kind, text=record.text, owner=record.owner, due=record.due, mitigation=record.mitigation,
        about=about, accountable=record.accountable, initiative=refs.get(record.initiative or "", ""),
        recorded_in=session.id, original_id=record.id,
    )


def _noted(session: Session, record: CarriedRecord) -> CarriedRecord:
    """A carried action with the status `session` recorded for it added to its history."""
    now = review.recorded_of(session, record.id)
    if record.kind != "action" or not now.status:
        return record
    note = StatusNote(session=session.id, at=session.created_at, status=now.status, reason=now.reason)  # type: ignore[arg-type]  # checked by review.decide
    return record.model_copy(update={"history": [*record.history, note]})


def _read(session: Session, initiative: CarriedInitiative) -> CarriedInitiative:
    """A carried initiative with the KPI value `session` recorded added to its readings."""
    value = review.recorded_of(session, initiative.id).value
    if not value:
        return initiative
    return initiative.model_copy(update={"readings": [*initiative.readings, KpiReading(session=session.id, at=session.created_at, value=value)]})


# ------------------------------------------------------------------ the pulse


def pulse_pair(session: Session) -> tuple[ScaleExercise | None, ScaleExercise | None]:
    """An ordinary session's check-in and check-out: the first scale a later scale
    compares with, and the last scale that compares with it."""
    scales = [cfg for cfg in session.template.exercises if isinstance(cfg, ScaleExercise)]
    for first in scales:
        later = [cfg for cfg in scales if cfg.compare_with == first.id]
        if later:
            return first, later[-1]
    return None, None


def _own_pulse(session: Session) -> ScaleExercise | None:
    """A follow-up's own pulse (`PULSE`), when its agenda has one."""
    for cfg in session.template.exercises:
        if cfg.id == PULSE and isinstance(cfg, ScaleExercise):
            return cfg
    return None


def _first_pulse(session: Session) -> tuple[list[str], list[str], list[PulsePoint]]:
    check_in, check_out = pulse_pair(session)
    if check_in is None:
        return [], [], []
    statements = [item.text for item in session.exercises[check_in.id].items]
    scale = [*check_in.labels, str(check_in.max)]
    found = [point(session, cfg, label) for cfg, label in ((check_in, "Check-in"), (check_out, "Check-out")) if cfg is not None]
    return statements, scale, [p for p in found if p is not None]


def point(session: Session, cfg: ScaleExercise, label: str) -> PulsePoint | None:
    """The pulse `cfg` as it may be carried: each statement's mean and count per side
    (a side below the session's k left out, as every result leaves it out), the
    same-people shift of a check-out, and the people by name only where the pulse
    was `named`. None when it never ran."""
    state = session.exercises[cfg.id]
    if state.opened_at is None:
        return None
    result = privacy.result(session, cfg, state)
    assert isinstance(result, ScaleResult)
    figures = [
        PulseFigure(
            mean={key: value for key, value in st.mean.items() if value is not None},
            n={key: st.n.get(key, 0) for key, value in st.mean.items() if value is not None},
        )
        for st in result.statements
    ]
    same = None
    if cfg.compare_with is not None:
        same = [
            SamePeople(
                before={k: v for k, v in (st.before or {}).items() if v is not None},
                after={k: v for k, v in (st.after or {}).items() if v is not None},
                n={k: v for k, v in (st.matched or {}).items() if (st.before or {}).get(k) is not None},
            )
            for st in result.statements
        ]
    policy = privacy.policy(session, cfg, state)
    withheld = [side.id for side in session.template.sides if side.id in policy.withheld]
    return PulsePoint(
        label=label, session=session.id, title=cfg.title, at=state.opened_at, identity=cfg.identity,
        min_answers=session.template.min_answers, figures=figures, withheld=withheld, same_people=same,
        people=_named_people(session, cfg) if cfg.identity == "named" else [],
    )


def _named_people(session: Session, cfg: ScaleExercise) -> list[RatedBy]:
    """Everyone who rated a named pulse, by a name no one else in the session has; the
    side only where it may be shown beside their answer (not a withheld side)."""
    state = counted(session, session.exercises[cfg.id])
    policy = privacy.policy(session, cfg, state)
    names: dict[str, int] = {}
    for someone in session.participants.values():
        if someone.name and not someone.removed:
            names[key(someone.name)] = names.get(key(someone.name), 0) + 1
    people = []
    for pid, scores in state.scores.items():
        person = session.participants.get(pid)
        if person is None or not person.name or names.get(key(person.name)) != 1 or not scores:
            continue
        people.append(RatedBy(
            name=person.name, side=policy.side_shown(side_of(session, pid, state)) or "",
            ratings=[scores.get(item.id) for item in state.items],
        ))
    return people


def key(name: str) -> str:
    """A name as two sessions are matched on it: case and spacing do not count."""
    return " ".join(name.split()).casefold()


# ------------------------------------------------------------------ the agenda


def template_for(base: Template, carried: Review, source: Session) -> Template:
    """The follow-up agenda `base` (`exercises/follow-up.toml`) filled from what it
    carries: the source's sides and k, the pulse's statements, scale and identity
    level, one row per open action, one statement per initiative, and the talk tracks
    with the carried items in them. A part with nothing to review is left out."""
    data: dict[str, Any] = base.model_dump(mode="json")
    data["sides"] = [side.model_dump(mode="json") for side in source.template.sides]
    data["min_answers"] = source.template.min_answers
    data["follow_up"] = True
    data["review"] = carried.model_dump(mode="json")
    data["translations"] = {}  # the filled-in lists no longer match a translation of the placeholders
    open_actions = [r for r in carried.records if r.kind == "action" and not _closed(r)]
    first = carried.chain[0]
    exercises = []
    for ex in data["exercises"]:
        if ex["id"] == PULSE and ex["kind"] == "scale" and carried.statements:
            low, high, top = carried.scale
            ex.update(statements=list(carried.statements), labels=[low, high], max=int(top), compare_with=None)
            if carried.pulse:
                ex["identity"] = carried.pulse[0].identity
            ex["notes"] = _said(ex["notes"], _pulse_words(carried))
        elif ex["id"] == ACTIONS and ex["kind"] == "ownership":
            if not open_actions:
                continue
            ex["rows"] = [_row(r) for r in open_actions[:MAX_ROWS]]
            ex["notes"] = _said(ex["notes"], _actions_words(carried, open_actions))
        elif ex["id"] == KPIS and ex["kind"] == "scale":
            if not carried.initiatives:
                continue
            ex["statements"] = [i.title[:200] for i in carried.initiatives[:MAX_STATEMENTS]]
            ex["notes"] = _said(ex["notes"], _kpi_words(carried))
        exercises.append(ex)
    data["exercises"] = exercises
    kept = {ex["id"] for ex in exercises}
    data["breaks"] = [b for b in data.get("breaks", []) if b["before"] in kept]
    data["description"] = f"A review of “{first.title}”: " + data.get("description", "")
    return Template.model_validate(data)


def title_for(source: Session) -> str:
    """"Acme offsite: follow-up 1" — the first workshop's title and the link's number."""
    chain = source.review.chain if source.review is not None else []
    first = chain[0].title if chain else source.title
    return f"{first}: follow-up {sum(1 for link in chain if link.follow_up) + (2 if source.review is not None else 1)}"


def _closed(record: CarriedRecord) -> bool:
    return bool(record.history) and record.history[-1].status in CLOSED


def _row(record: CarriedRecord) -> str:
    row = f"{record.id} · {record.text}"
    return row if len(row) <= ROW_LIMIT else row[: ROW_LIMIT - 1].rstrip() + "…"


def _said(notes: str, words: str) -> str:
    return f"{notes.rstrip()}\n\n{words}" if notes.strip() else words


def _actions_words(carried: Review, open_actions: list[CarriedRecord]) -> str:
    lines = [f"{r.id} {r.text} ({r.owner}, due {r.due})" + _last_status(r) for r in open_actions]
    more = len(open_actions) - MAX_ROWS
    tail = f" The phones list the first {MAX_ROWS}; record the other {more} in the review all the same." if more > 0 else ""
    closed = sum(1 for r in carried.records if r.kind == "action" and _closed(r))
    done = f" {closed} more {'was' if closed == 1 else 'were'} closed at an earlier follow-up." if closed else ""
    return "The actions to review: " + "; ".join(lines) + "." + tail + done


def _last_status(record: CarriedRecord) -> str:
    if not record.history:
        return ""
    last = record.history[-1]
    return f" — last time: {last.status}, {last.reason}"


def _kpi_words(carried: Review) -> str:
    lines = []
    for i in carried.initiatives:
        last = f"; last reading {i.readings[-1].value}" if i.readings else ""
        lines.append(f"{i.id} {i.title}: {i.kpi or 'no shared KPI'}, from {i.baseline or 'no baseline'} to {i.target or 'no target'}, by {i.timeframe or 'no date'}{last} (leads {i.it_lead} and {i.marketing_lead})")
    return "The initiatives, their KPI from baseline to target: " + "; ".join(lines) + "."


def _pulse_words(carried: Review) -> str:
    if not carried.pulse:
        return "These statements were asked before, but no answers could be carried over."
    said = ", ".join(f"{p.label.lower()} ({p.title})" for p in carried.pulse)
    level = carried.pulse[0].identity
    how = {
        "named": "named, as it was then, so that the same people can be followed by name",
        "side": "by side, never by name, as it was then",
        "anonymous": "anonymous, as it was then",
    }[level]
    return f"Answers are {how}. The progress report sets today beside the {said}."


# ------------------------------------------------------------------ over time


@dataclass(frozen=True)
class Followed:
    """One statement over the people followed by name at every point: per side (and
    ALL) their mean at each point, and how many they are. A side with fewer than k
    such people is left out."""

    means: dict[str, list[float]]
    n: dict[str, int]


@dataclass(frozen=True)
class OverTime:
    """The pulse at every point of the chain, this session's last ("now")."""

    statements: list[str]
    scale: list[str]
    points: list[PulsePoint]
    """With the strictest k of the chain applied to every point's figures."""
    k: int
    by_name: bool
    """People are followed by name (every point was named); else by side only."""
    followed: list[Followed] | None
    """With `by_name`: one per statement."""
    why: str
    """How the points are compared, in one sentence for the reader."""


def now_point(session: Session) -> PulsePoint | None:
    """This follow-up's own pulse, as it stands (None before it ran)."""
    cfg = _own_pulse(session)
    if cfg is None or session.review is None:
        return None
    return point(session, cfg, "Now")


def over_time(session: Session) -> OverTime | None:
    """A follow-up's pulse at every point of its chain and now; None when it carried
    no pulse and took none."""
    carried = session.review
    if carried is None:
        return None
    points = list(carried.pulse)
    now = now_point(session)
    if now is not None:
        points.append(now)
    statements = list(carried.statements)
    if not statements:
        cfg = _own_pulse(session)
        statements = [item.text for item in session.exercises[cfg.id].items] if cfg is not None else []
    if not points or not statements:
        return None
    k = max([session.template.min_answers, *(p.min_answers for p in points)])
    points = [_at_least(p, k) for p in points]
    by_name = len(points) > 1 and all(p.identity == "named" for p in points)
    followed = _followed(points, len(statements), k) if by_name else None
    if by_name:
        why = (
            f"Every pulse was answered by name, so the shift follows the same people: those who rated at every point, "
            f"matched by name and side; a side with fewer than {k} of them has no figure."
        )
    else:
        level = next((p.identity for p in points if p.identity != "named"), "side")
        why = (
            f"The pulse was {'anonymous' if level == 'anonymous' else 'answered by side, never by name'}, so nobody is followed "
            f"from one session to the next: each point counts whoever answered then, side by side, and a side with fewer "
            f"than {k} answers at a point has no figure there."
        )
    return OverTime(statements=statements, scale=list(carried.scale), points=points, k=k, by_name=by_name, followed=followed, why=why)


def _at_least(p: PulsePoint, k: int) -> PulsePoint:
    """A point without the figures of sides that have fewer than k answers (the room's stays)."""
    figures = [
        PulseFigure(
            mean={side: mean for side, mean in f.mean.items() if side == ALL or f.n.get(side, 0) >= k},
            n={side: n for side, n in f.n.items() if side == ALL or n >= k},
        )
        for f in p.figures
    ]
    withheld = list(p.withheld) + [side for f in p.figures for side, n in f.n.items() if side != ALL and n < k and side not in p.withheld]
    return p.model_copy(update={"figures": figures, "withheld": list(dict.fromkeys(withheld))})


def _followed(points: list[PulsePoint], count: int, k: int) -> list[Followed]:
    """Per statement, the people who rated it at every point, matched by name and side."""
    by_point = [{key(person.name): person for person in p.people} for p in points]
    names = set(by_point[0])
    for people in by_point[1:]:
        names &= set(people)
    same_side = [name for name in sorted(names) if len({people[name].side for people in by_point}) == 1]
    out = []
    for index in range(count):
        rows: dict[str, list[list[int]]] = {}
        for name in same_side:
            ratings = [people[name].ratings[index] if index < len(people[name].ratings) else None for people in by_point]
            if any(r is None for r in ratings):
                continue
            side = by_point[0][name].side
            for group in ([side, ALL] if side else [ALL]):
                rows.setdefault(group, []).append([r for r in ratings if r is not None])
        kept = {group: series for group, series in rows.items() if len(series) >= k}
        out.append(Followed(
            means={group: [round(sum(s[i] for s in series) / len(series), 3) for i in range(len(points))] for group, series in kept.items()},
            n={group: len(series) for group, series in kept.items()},
        ))
    return out


def gap(session: Session, figure: PulseFigure | dict[str, float]) -> float | None:
    """The first side's mean minus the second's at one point, where both are shown."""
    means = figure.mean if isinstance(figure, PulseFigure) else figure
    first, second = (side.id for side in session.template.sides[:2])
    a, b = means.get(first), means.get(second)
    return None if a is None or b is None else round(a - b, 3)


# ------------------------------------------------------------------ actions and KPIs now


@dataclass(frozen=True)
class ActionNow:
    """A carried action as this follow-up sees it."""

    record: CarriedRecord
    status: str
    """Recorded here; "" when not (yet) reviewed here."""
    reason: str
    earlier: StatusNote | None
    """Its last status at an earlier follow-up, if any."""
    overdue: bool
    """Due before this session's day and given no status here (nor closed before)."""

    @property
    def closed_before(self) -> bool:
        return self.earlier is not None and self.earlier.status in CLOSED


def actions(session: Session) -> list[ActionNow]:
    """Every carried action, in order, with what this follow-up recorded of it."""
    carried = session.review
    if carried is None:
        return []
    today = day(session.created_at)
    out = []
    for record in carried.records:
        if record.kind != "action":
            continue
        now = review.recorded_of(session, record.id)
        earlier = record.history[-1] if record.history else None
        closed = earlier is not None and earlier.status in CLOSED
        overdue = not now.status and not closed and _before(record.due, today)
        out.append(ActionNow(record=record, status=now.status, reason=now.reason, earlier=earlier, overdue=overdue))
    return out


def kpis(session: Session) -> list[tuple[CarriedInitiative, str]]:
    """Every carried initiative with its KPI now, as recorded here ("" when not yet)."""
    carried = session.review
    if carried is None:
        return []
    return [(i, review.recorded_of(session, i.id).value) for i in carried.initiatives]


def day(timestamp: float) -> date:
    """The calendar day of a session's timestamp (UTC: the core has no time zone)."""
    return datetime.fromtimestamp(timestamp, UTC).date()


def _before(due: str, today: date) -> bool:
    try:
        return date.fromisoformat(due) < today
    except ValueError:
        return False

