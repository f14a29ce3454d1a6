"""The state machine: a command comes in, events or a refusal come out.

Rules of this file:
- `handle` never mutates anything when it refuses; when it accepts, it folds the
  events it returns into the session through `apply`, the same function replay
  uses — so the live state and a replayed journal cannot drift apart.
- Nothing here reads a clock, draws a random number or touches a file, socket or
  event loop. Time comes in with each command (`now`) and is stored in its event;
  randomness (room code, participant tokens) comes in as arguments.
- Each rule has one owner: rules common to all kinds (who may act, on which
  exercise, in which phase — the one table in `lifecycle.py`) are here; a kind's own
  rules are in `activities/`.
- What comes out are events (`events.py`), never the commands that went in: a
  command accepted as it came is recorded through `events.recorded`, and the
  fold matches on event classes only, so the phones' wire format can change
  without touching a saved journal.

The caller must make the returned events durable (see `store.py`) before telling
anyone the command was accepted.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import commands as c
from . import lifecycle, privacy, records
from .activities import KINDS, Ctx, Refusal, counted
from .activities.common import Result
from .events import (
    Arrival,
    Closed,
    Created,
    Event,
    EventBody,
    ExecutivesNamed,
    Joined,
    Left,
    Opened,
    ParticipantMoved,
    ParticipantRemoved,
    Published,
    RecordAmended,
    RecordDropped,
    Recorded,
    RecordedBody,
    Renamed,
    Revealed,
    RoomLocked,
    TimerExtended,
    TimerPaused,
    TimerStarted,
    recorded,
)
from .model import FACILITATOR, STATE_VERSION, Executives, ExerciseBase, ExerciseState, HasSource, Item, Participant, Session, Template

NAME_LIMIT = 40
MAX_EXTEND = 3600
REFUSALS_REMEMBERED = 10_000


@dataclass(frozen=True)
class Accepted:
    events: tuple[Event, ...]
    repeated: bool = False
    """True when this command id was seen before: nothing happened this time."""


@dataclass(frozen=True)
class Refused:
    code: str
    reason: str
    """For people: what happened and what to do, in English (the TUI shows it as is)."""
    repeated: bool = False
    key: str | None = None
    """The sentence's key in `workshop.sentences`, which phones say in their own
    language; None for a sentence only the facilitator sees (English only)."""
    args: Mapping[str, str | int] = field(default_factory=dict)
    """What fills the sentence's placeholders."""

    @classmethod
    def because(cls, refusal: Refusal, repeated: bool = False) -> Refused:
        """The answer to a command the rules refused with `refusal`."""
        return cls(refusal.code, refusal.reason, repeated, refusal.key, refusal.values)


Outcome = Accepted | Refused


class Engine:
    """Holds one session and changes it only through `handle` and `apply`."""

    def __init__(self, session: Session):
        self.session = session
        self._token_ids: dict[str, str] = {}  # see with_token
        self._tokens_indexed = 0
        self._refused: OrderedDict[str, Refused] = OrderedDict()

    # ------------------------------------------------------------ construction

    @staticmethod
    def create_event(
        *,
        session_id: str,
        title: str,
        template_name: str,
        template: Template,
        room_code: str,
        now: float,
        organisation: str = "",
        facilitator: str = "",
        max_participants: int = 120,
        executives: Executives | None = None,
    ) -> Event:
        """The first event of every session: everything needed to rebuild it from the
        journal alone, the whole template included."""
        body = Created(
            session_id=session_id,
            title=title,
            organisation=organisation,
            facilitator=facilitator,
            template_name=template_name,
            template=template,
            room_code=room_code,
            max_participants=max_participants,
            executives=executives if executives is not None and any((executives.cio, executives.cmo, executives.sponsor)) else None,
        )
        return Event(seq=1, at=now, actor=FACILITATOR, cmd_id="create", body=body)

    @classmethod
    def replay(cls, events: Iterable[Event], session: Session | None = None) -> Engine:
        """Fold events onto a snapshot (or from nothing, starting with `Created`)."""
        events = iter(events)
        if session is None:
            first = next(events)
            session = _created(first)
        engine = cls(session)
        for event in events:
            engine.apply(event)
        return engine

    # ------------------------------------------------------------ the machine

    def handle(self, actor: str, cmd_id: str, command: c.Command, now: float) -> Outcome:
        """Decide on one command. On acceptance the events are already applied."""
        key = f"{actor}/{cmd_id}"
        if key in self.session.handled:
            return Accepted(events=(), repeated=True)
        if key in self._refused:
            return dataclasses.replace(self._refused[key], repeated=True)
        try:
            bodies = self._decide(actor, command, now)
        except Refusal as refusal:
            answer = Refused.because(refusal)
            self._refused[key] = answer
            while len(self._refused) > REFUSALS_REMEMBERED:
                self._refused.popitem(last=False)
            return answer
        events = []
        for body in bodies:
            event = Event(seq=self.session.seq + 1, at=now, actor=actor, cmd_id=cmd_id, body=body)
            self.apply(event)
            events.append(event)
        return Accepted(events=tuple(events))

    def _decide(self, actor: str, command: c.Command, now: float) -> list[EventBody]:
        session = self.session
        if actor == FACILITATOR:
            if not isinstance(command, c.FACILITATOR_COMMANDS):
                raise Refusal.for_facilitator("not_allowed", f"The facilitator does not send {command.type!r}.")
        elif not isinstance(command, c.PARTICIPANT_COMMANDS):
            raise Refusal("not_allowed")
        match command:
            case c.Join():
                return [Joined(participant=self._joining(actor, command, now))]
            case c.Next():
                return self._move(session.current if self._pending_current() else session.current + 1)
            case c.Back():
                return self._move(session.current - 1)
            case c.Publish() | c.LockRoom():
                return [recorded(command)]
            case c.MoveParticipant() | c.RemoveParticipant():
                return [self._roster(command)]
            case c.RecordOutcome() | c.AmendRecord() | c.DropRecord() | c.NameExecutives():
                return records.decide(session, command, now)
        if actor != FACILITATOR:
            participant = session.participants.get(actor)
            if participant is None or participant.left:
                raise Refusal("not_joined")
            if participant.removed:
                raise Refusal("removed")
            if isinstance(command, c.Rename):
                return [self._renaming(participant, command)]
            if isinstance(command, c.Leave):
                return [recorded(command)]
        assert isinstance(command, c.OnExercise), "every command left names its exercise"
        cfg, state = self._exercise(command.exercise)
        match command:
            case c.Open():
                _allowed(state, "open", cfg.title)
                return self._move(session.template.exercises.index(cfg))
            case c.Close():
                _allowed(state, "close", cfg.title)
                return [Closed(exercise=cfg.id)]
            case c.Reveal():
                _allowed(state, "reveal" if command.revealed else "hide", cfg.title)
                return [recorded(command)]
            case c.TimerStart() | c.TimerPause() | c.TimerExtend():
                return [self._timer(command, cfg, state)]
        kind = KINDS[cfg.kind]
        ctx = Ctx(session=session, cfg=cfg, state=state, actor=actor, now=now)
        if actor == FACILITATOR:
            if not isinstance(command, kind.moderation):
                raise Refusal.for_facilitator("wrong_kind", f"{command.type!r} does not apply to a {cfg.kind} exercise.")
            return kind.decide(ctx, command)
        if not isinstance(command, kind.accepts):
            raise Refusal("wrong_kind", title=cfg.title)
        _allowed(state, "answer", cfg.title)
        return kind.decide(ctx, command)

    # ------------------------------------------------------------ common rules

    def _exercise(self, exercise_id: str) -> tuple[ExerciseBase, ExerciseState]:
        try:
            cfg = self.session.exercise(exercise_id)
        except KeyError:
            raise Refusal("unknown_exercise") from None
        return cfg, self.session.exercises[exercise_id]

    def _pending_current(self) -> bool:
        return self.session.exercises[self.session.current_exercise.id].status == "pending"

    def _move(self, index: int) -> list[EventBody]:
        """Close whatever is open and open exercise number `index`."""
        exercises = self.session.template.exercises
        if index >= len(exercises):
            if self.session.exercises[exercises[-1].id].status == "open":
                raise Refusal.for_facilitator("at_end", "This is the last exercise. Close it, then export the joint agenda.")
            raise Refusal.for_facilitator("at_end", "That was the last exercise. Export the joint agenda, or go back to one.")
        if index < 0:
            raise Refusal.for_facilitator("at_start", "This is the first exercise.")
        bodies: list[EventBody] = [Closed(exercise=cfg.id) for cfg in exercises if self.session.exercises[cfg.id].status == "open"]
        cfg = exercises[index]
        state = self.session.exercises[cfg.id]
        # Items are taken from the source when the exercise first opens — or again,
        # if it had none then (the facilitator skipped ahead): nobody can have acted
        # on an item that did not exist.
        items = self._sourced_items(cfg) if state.opened_at is None or not state.items else []
        bodies.append(Opened(exercise=cfg.id, items=items))
        return bodies

    def _sourced_items(self, cfg: ExerciseBase) -> list[Item]:
        """Freeze the items an exercise draws from its `source` as it first opens, so
        later moderation of the source cannot move votes between items."""
        if not isinstance(cfg, HasSource) or cfg.source is None:
            return []
        state = self.session.exercises[cfg.id]
        existing = {item.text.casefold() for item in state.items}
        items, n = [], state.counter
        for text in self._source_texts(cfg.source, cfg.top):
            if text.casefold() not in existing:
                existing.add(text.casefold())
                n += 1
                items.append(Item(id=f"i{n}", text=text))
        return items

    def _source_texts(self, source: str, top: int | None) -> list[str]:
        """What an exercise's `source` offers, given its `top`: a brainstorm's themes
        then ungrouped ideas; a dotvote's ranking — its top N (filled from unvoted items
        when fewer got votes), or without `top` every item that got a vote (all, if none
        did). A source that was never opened offers what it would have had."""
        src_cfg, src_state = self._exercise(source)
        src_state = counted(self.session, src_state)
        offers = KINDS[src_cfg.kind].offers
        assert offers is not None, "the template checked that a source can be one"
        if src_state.opened_at is None and isinstance(src_cfg, HasSource) and src_cfg.source is not None:
            # A vote that never ran offers what it would have had: its own items and its source's.
            texts = [i.text for i in src_state.items]
            texts += [t for t in self._source_texts(src_cfg.source, src_cfg.top) if t not in texts]
        elif src_state.opened_at is None and src_state.items:
            texts = [i.text for i in src_state.items]
        else:
            texts = offers(self.session, src_cfg, src_state, top)
        return texts[:top] if top is not None else texts

    def with_token(self, token: str) -> Participant | None:
        """The participant a phone's token belongs to (the first, should two share one).
        Looked up in an index that grows with the roster — people are only ever added,
        and a token never changes — so a crowd joining is not a scan per arrival."""
        participants = self.session.participants
        if self._tokens_indexed != len(participants):
            for participant in itertools.islice(participants.values(), self._tokens_indexed, None):
                self._token_ids.setdefault(participant.token, participant.id)
            self._tokens_indexed = len(participants)
        pid = self._token_ids.get(token)
        return None if pid is None else participants[pid]

    def _joining(self, actor: str, cmd: c.Join, now: float) -> Arrival:
        session = self.session
        if cmd.side not in {side.id for side in session.template.sides}:
            raise Refusal("unknown_side")
        name = _clean_name(cmd.name)
        participant = self.with_token(cmd.token)
        if participant is not None:  # the same phone coming back
            if participant.removed:
                raise Refusal("removed")
            side = participant.side if participant.answered else cmd.side
            kept = participant.model_dump(include=set(Arrival.model_fields))
            return Arrival(**{**kept, "name": name, "side": side, "left": False, "joined_by": actor})
        if session.locked:
            raise Refusal("room_locked")
        if len(session.active_participants()) >= session.max_participants:
            raise Refusal("room_full", most=session.max_participants)
        return Arrival(id=f"p{len(session.participants) + 1}", name=name, side=cmd.side, token=cmd.token, joined_at=now, joined_by=actor)

    def _renaming(self, participant: Participant, cmd: c.Rename) -> RecordedBody:
        """A new name, and a new side until the person first answers; after that only the
        facilitator can move them, so nobody re-labels answers already given."""
        side = cmd.side if cmd.side != participant.side else None
        if side is not None:
            if side not in {s.id for s in self.session.template.sides}:
                raise Refusal("unknown_side")
            if participant.answered:
                raise Refusal("side_fixed")
        return recorded(cmd.model_copy(update={"name": _clean_name(cmd.name), "side": side}))

    def _roster(self, cmd: c.MoveParticipant | c.RemoveParticipant) -> RecordedBody:
        participant = self.session.participants.get(cmd.participant)
        if participant is None:
            raise Refusal.for_facilitator("unknown_participant", "That person is not in this session.")
        if isinstance(cmd, c.MoveParticipant):
            if cmd.side not in {s.id for s in self.session.template.sides}:
                raise Refusal.for_facilitator("unknown_side", "Pick one of the template's sides.")
            if cmd.side == participant.side:
                raise Refusal.for_facilitator("same_side", f"{participant.name or participant.id} is on that side already.")
        elif cmd.removed == participant.removed:
            state = "off the roster" if participant.removed else "on the roster"
            raise Refusal.for_facilitator("unchanged", f"{participant.name or participant.id} is {state} already.")
        return recorded(cmd)

    def _timer(self, cmd: c.TimerStart | c.TimerPause | c.TimerExtend, cfg: ExerciseBase, state: ExerciseState) -> RecordedBody:
        match cmd:
            case c.TimerStart():
                _allowed(state, "timer_start", cfg.title)
            case c.TimerPause():
                _allowed(state, "timer_pause", cfg.title)
            case c.TimerExtend():
                _allowed(state, "timer_extend", cfg.title)
                if not 1 <= cmd.seconds <= MAX_EXTEND:
                    raise Refusal.for_facilitator("out_of_range", f"Extend by 1 to {MAX_EXTEND} seconds.")
        return recorded(cmd)

    # ------------------------------------------------------------ the fold

    def apply(self, event: Event) -> None:
        """Fold one event into the session. Trusts the event: it was decided already."""
        session, body, at = self.session, event.body, event.at
        if event.seq != session.seq + 1:
            raise ValueError(f"event {event.seq} does not follow {session.seq}")
        session.seq = event.seq
        session.handled.setdefault(f"{event.actor}/{event.cmd_id}", event.seq)
        match body:
            case Joined():
                arrival = body.participant
                known = session.participants.get(arrival.id)
                if known is None:
                    session.participants[arrival.id] = Participant(**arrival.model_dump())
                else:
                    known.name, known.side, known.left, known.joined_by = arrival.name, arrival.side, arrival.left, arrival.joined_by
            case Renamed():
                participant = session.participants[event.actor]
                participant.name = body.name
                if body.side is not None:
                    participant.side = body.side
            case Left():
                session.participants[event.actor].left = True
            case Published():
                session.published = body.published
            case RoomLocked():
                session.locked = body.locked
            case Recorded() | RecordAmended() | RecordDropped() | ExecutivesNamed():
                records.apply(session, body)
            case ParticipantMoved():
                session.participants[body.participant].side = body.side
            case ParticipantRemoved():
                session.participants[body.participant].removed = body.removed
            case Opened():
                _open(session, body, at)
            case Closed():
                _close(session.exercises[body.exercise], at)
            case Revealed():
                session.exercises[body.exercise].revealed = body.revealed
            case TimerStarted():
                session.exercises[body.exercise].timer.started_at = at
            case TimerPaused():
                _pause(session.exercises[body.exercise], at)
            case TimerExtended():
                session.exercises[body.exercise].timer.duration += body.seconds
            case Created():
                raise ValueError(f"event {event.seq} is 'created', which only a session's first event can be")
            case _:
                cfg = session.exercise(body.exercise)
                state = session.exercises[cfg.id]
                KINDS[cfg.kind].apply(Ctx(session=session, cfg=cfg, state=state, actor=event.actor, now=at), body)
                answering = session.participants.get(event.actor)
                if answering is not None:  # an answer: it counts for the side it was given under
                    answering.answered = True
                    state.sides.setdefault(answering.id, answering.side)

    # ------------------------------------------------------------ reading

    def result(self, exercise_id: str) -> Result:
        """The result model of an exercise, split by side (see each kind's module),
        over the inputs that count (see `counted`)."""
        cfg = self.session.exercise(exercise_id)
        return privacy.result(self.session, cfg, self.session.exercises[exercise_id])

    def counted(self, exercise_id: str) -> ExerciseState:
        """An exercise's state over the inputs that count (see `activities.counted`)."""
        return counted(self.session, self.session.exercises[exercise_id])

    def nothing_to_act_on(self, exercise_id: str) -> str | None:
        """Why participants can do nothing in this exercise, if so: it acts on items
        and has none (its source gave none), and participants may not add their own."""
        cfg = self.session.exercise(exercise_id)
        state = self.session.exercises[exercise_id]
        if not KINDS[cfg.kind].items_only or state.items or getattr(cfg, "allow_add", False):
            return None
        source = getattr(cfg, "source", None)
        if source is None:
            return f"“{cfg.title}” has no items to act on."
        return (
            f"“{cfg.title}” has nothing to act on yet: its items come from “{self.session.exercise(source).title}”, "
            "which has none. Go back and run that first; the items are taken when this one opens again."
        )

    def participation(self, exercise_id: str) -> tuple[int, int]:
        """(people who gave an input, people in the room) — "23 of 31 have voted"."""
        cfg = self.session.exercise(exercise_id)
        state = self.session.exercises[exercise_id]
        present = self.session.active_participants()
        done = sum(1 for p in present if KINDS[cfg.kind].participated(state, p.id))
        return done, len(present)


def _allowed(state: ExerciseState, action: lifecycle.Action, title: str) -> None:
    """Refuse, changing nothing, what the lifecycle table does not allow (`lifecycle.py`)."""
    try:
        lifecycle.step(lifecycle.phase(state), action, title)
    except lifecycle.Illegal as illegal:
        raise Refusal(illegal.code, illegal.key, **illegal.values) from None


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if len(name) > NAME_LIMIT:
        raise Refusal("too_long", "too_long.name", limit=NAME_LIMIT)
    return name


def _created(event: Event) -> Session:
    body = event.body
    if not isinstance(body, Created):
        raise ValueError("a session's first event must be 'created'")
    session = Session(
        state_version=STATE_VERSION,
        id=body.session_id,
        title=body.title,
        organisation=body.organisation,
        facilitator=body.facilitator,
        created_at=event.at,
        room_code=body.room_code,
        template_name=body.template_name,
        template=body.template,
        max_participants=body.max_participants,
        executives=body.executives.model_copy() if body.executives is not None else Executives(),
        seq=event.seq,
        handled={f"{event.actor}/{event.cmd_id}": event.seq},
    )
    for cfg in body.template.exercises:
        state = ExerciseState()
        kind = KINDS[cfg.kind]
        for text in kind.fixed_items(cfg):
            state.items.append(Item(id=state.next_id("i"), text=text))
        kind.seed(state, cfg, event.at)
        session.exercises[cfg.id] = state
    return session


def _open(session: Session, body: Opened, at: float) -> None:
    state = session.exercises[body.exercise]
    cfg = session.exercise(body.exercise)
    for item in body.items:
        state.counter += 1
        state.items.append(item.model_copy())
    if state.opened_at is None:
        state.opened_at = at
        state.timer.duration += cfg.minutes * 60
    state.status = "open"
    state.open_since = at
    state.timer.started_at = at if state.timer.remaining(at) > 0 else None
    session.current = session.template.exercises.index(cfg)


def _close(state: ExerciseState, at: float) -> None:
    _pause(state, at)
    if state.open_since is not None:
        state.active_seconds += at - state.open_since
    state.status = "closed"
    state.open_since = None
    state.closed_at = at


def _pause(state: ExerciseState, at: float) -> None:
    timer = state.timer
    if timer.started_at is not None:
        timer.used += at - timer.started_at
        timer.started_at = None
