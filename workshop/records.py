"""Decisions, actions and risks: what the day asks people to act on, recorded live.

The facilitator records them from any step (the TUI's Decisions screen, `d`):

- a **decision** — what was decided and who decided it; one that settles a contested
  who-leads-what row names the one choice accountable for it (`accountable`);
- an **action** — what is to be done, its owner (a participant, the CIO, the CMO or
  anyone named) and its due date;
- a **risk** — what could go wrong (often one of the worries), its owner and its
  mitigation, and the initiative it threatens;
- an **ask** — what the CIO and the CMO ask of their sponsor (funding, a ruling);
- a **checkpoint** — when they meet again and what will be measured then.

Each can point at what it comes from or settles (`about`, "exercise:item") and at a
joint initiative (`initiative`, "exercise:initiative"). They are journaled like any
input, can be amended, and struck out (`dropped`, undoable). Pure, like the engine:
`decide` raises `Refusal` and changes nothing; `apply` trusts the event.

In a follow-up session (`workshop.followup`) the records of the earlier sessions are
carried over read-only; an amendment of a carried one (`carried:a2`) records its
status and reason, or an initiative's KPI now, and is ruled by `workshop.review`.
"""

from __future__ import annotations

from datetime import date

from . import commands as c
from . import review
from .activities.common import Refusal
from .events import EventBody, ExecutivesNamed, RecordAmended, RecordDropped, Recorded, recorded
from .model import CarriedInitiative, Executives, Record, Session

TEXT_LIMIT = 280
NAME_LIMIT = 80
AMENDABLE = ("text", "owner", "due", "mitigation", "about", "initiative", "accountable")
WORDS = {"decision": "A decision", "action": "An action", "risk": "A risk", "ask": "An ask of the sponsor", "checkpoint": "A checkpoint"}
LETTER = {"decision": "d", "action": "a", "risk": "r", "ask": "q", "checkpoint": "c"}


def decide(session: Session, cmd: c.Command, now: float) -> list[EventBody]:
    match cmd:
        case c.RecordOutcome():
            number = 1 + sum(1 for r in session.records.values() if r.kind == cmd.kind)
            record = Record(id=f"{LETTER[cmd.kind]}{number}", kind=cmd.kind, text=cmd.text, at=now)
            record = _checked(session, record, cmd.model_dump(include=set(AMENDABLE)))
            return [Recorded(record=record)]
        case c.AmendRecord() if review.is_carried(cmd.record):
            return review.decide(session, cmd)
        case c.AmendRecord():
            record = _record(session, cmd.record)
            unknown = set(cmd.fields) - set(AMENDABLE)
            if unknown:
                raise Refusal.for_facilitator("unknown_field", f"A record has no field {', '.join(sorted(unknown))}.")
            checked = _checked(session, record, dict(cmd.fields))
            fields = {name: getattr(checked, name) or "" for name in cmd.fields}
            return [recorded(cmd.model_copy(update={"fields": fields}))]
        case c.DropRecord() if review.is_carried(cmd.record):
            review.refuse_drop(session, cmd.record)
        case c.DropRecord():
            _record(session, cmd.record)
            return [recorded(cmd)]
        case c.NameExecutives():
            for label, value in (("The CIO's name", cmd.cio), ("The CMO's name", cmd.cmo), ("The sponsor's name", cmd.sponsor)):
                _limit(" ".join(value.split()), NAME_LIMIT, label)
            return [recorded(cmd.model_copy(update={k: " ".join(getattr(cmd, k).split()) for k in ("cio", "cmo", "sponsor")}))]
    raise AssertionError(f"records cannot decide {cmd!r}")


def apply(session: Session, body: EventBody) -> None:
    match body:
        case Recorded():
            session.records[body.record.id] = body.record.model_copy()
        case RecordAmended() if review.is_carried(body.record):
            review.apply(session, body)
        case RecordAmended():
            record = session.records[body.record]
            for name, value in body.fields.items():
                setattr(record, name, value if value or name not in ("about", "initiative") else None)
        case RecordDropped():
            session.records[body.record].dropped = body.dropped
        case ExecutivesNamed():
            session.executives = Executives(cio=body.cio, cmo=body.cmo, sponsor=body.sponsor)


def signers(executives: Executives) -> str:
    """"Dana Whitfield (CIO) and Maya Okafor (CMO)": whoever of the two is named; ""
    when neither is."""
    return " and ".join(f"{name} ({role})" for name, role in ((executives.cio, "CIO"), (executives.cmo, "CMO")) if name)


def live(session: Session, kind: str | None = None) -> list[Record]:
    """The records not struck out, in the order recorded (of one kind if given)."""
    return [r for r in session.records.values() if not r.dropped and (kind is None or r.kind == kind)]




def describe(session: Session, ref: str | None) -> str:
    """What a reference points at, in words: the item's, idea's or initiative's text."""
    if not ref:
        return ""
    carried = review.carried(session, ref)
    if carried is not None:
        return carried.title if isinstance(carried, CarriedInitiative) else carried.text
    exercise, _, key = ref.partition(":")
    state = session.exercises.get(exercise)
    if state is None:
        return ref
    for item in state.items:
        if item.id == key:
            return item.text
    if key in state.ideas:
        return state.ideas[key].text
    if key in state.initiatives:
        return state.initiatives[key].title
    return ref


# ---------------------------------------------------------------- checks


def _record(session: Session, record_id: str) -> Record:
    record = session.records.get(record_id)
    if record is None:
        raise Refusal.for_facilitator("unknown_record", "That decision, action or risk is not in this session.")
    return record


def _initiative(session: Session, ref: str) -> None:
    """Refuse a record about an initiative that is neither drafted in this session
    nor carried over from the session this one follows up."""
    if isinstance(review.carried(session, ref), CarriedInitiative):
        return
    exercise, _, key = ref.partition(":")
    state = session.exercises.get(exercise)
    if state is None or key not in state.initiatives:
        raise Refusal.for_facilitator("unknown_initiative", "That initiative is not in this session; draft it first.")


def _checked(session: Session, record: Record, fields: dict[str, object]) -> Record:
    """`record` with `fields` set, every field checked: a Refusal says what to fix."""
    values = {name: " ".join(str(value).split()) if isinstance(value, str) else value for name, value in fields.items()}
    for name in ("about", "initiative"):
        if values.get(name) == "":
            values[name] = None
    merged = record.model_copy(update=values)
    what = WORDS[merged.kind]
    if not merged.text:
        raise Refusal.for_facilitator("empty", f"{what} needs a sentence that says what it is.")
    _limit(merged.text, TEXT_LIMIT, f"{what}'s text")
    _limit(merged.owner, NAME_LIMIT, "The owner's name")
    _limit(merged.mitigation, TEXT_LIMIT, "The mitigation")
    if merged.kind in ("action", "risk") and not merged.owner:
        raise Refusal.for_facilitator("no_owner", f"{what} needs an owner: a participant, the CIO, the CMO or anyone named.")
    if merged.kind == "action" and not merged.due:
        raise Refusal.for_facilitator("no_due", "An action needs a due date, such as 2026-03-31.")
    if merged.kind == "checkpoint" and not merged.due:
        raise Refusal.for_facilitator("no_due", "A checkpoint needs its date, such as 2026-03-31.")
    if merged.due:
        try:
            date.fromisoformat(merged.due)
        except ValueError:
            raise Refusal.for_facilitator("bad_date", f"The due date “{merged.due}” is not a date; write it as year-month-day, such as 2026-03-31.") from None
    if merged.about is not None:
        _reference(session, merged.about, "about")
    if merged.initiative is not None:
        _initiative(session, merged.initiative)
    if merged.accountable:
        if merged.kind != "decision" or merged.about is None:
            raise Refusal.for_facilitator("not_a_row", "Only a decision about a who-leads-what row names who is accountable.")
        cfg = session.exercise(merged.about.partition(":")[0])
        choices = list(getattr(cfg, "choices", []))
        if merged.accountable not in choices:
            raise Refusal.for_facilitator("unknown_choice", f"Pick who is accountable from: {', '.join(choices) or 'the row’s choices'}.")
    return merged


def _reference(session: Session, ref: str, what: str) -> None:
    exercise, _, key = ref.partition(":")
    state = session.exercises.get(exercise)
    known = state is not None and (any(i.id == key for i in state.items) or key in state.ideas or key in state.initiatives)
    if not known:
        raise Refusal.for_facilitator("unknown_item", "What this refers to is not in this session any more. Pick it again.")


def _limit(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise Refusal.for_facilitator("too_long", f"{what} is {len(text)} characters; the limit is {limit}.")
