"""What an activity kind is: the one object each kind module exports as `KIND`.

A kind owns everything about itself that is not presentation: its template fields
(`config`), the participant commands it accepts and the facilitator's moderation
commands, its rules (`decide`) and its fold (`apply`), its result model (every derived
figure the surfaces show, computed once), what a phone needs to draw it and what one
person sees of their own inputs, what a phone may see of its result, its labels, and
what it offers a later exercise that draws on it (`source`), and what a plausible
participant does in it (`simulate`, for the demo's phones). The engine, the views,
the TUI and the export ask the kind; none keeps a table of kinds of its own.

How each surface draws a kind's result sits beside the other surfaces' drawings, in
`workshop/present/<kind>.py` and `workshop/web/kinds/<kind>.js`; a test fails when a
kind lacks any of them. Adding a kind is its module here, its presentation module and
its phone module: the registry (`activities/__init__.py`) finds the module by itself.

Rules of a kind module, as for the engine: `decide` never mutates and raises
`Refusal` to say no; `apply` trusts the event; nothing reads a clock, draws a random
number (`simulate` draws from the generator it is given) or does I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from random import Random
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover - for the type checker only
    from ..events import EventBody
    from ..model import ExerciseBase, ExerciseState, Identity, Session
    from .common import Ctx, Result


@dataclass(frozen=True)
class Persona:
    """One simulated participant, as a kind's `simulate` sees them (`workshop.demo`)."""

    side: str
    lean: int
    """+1 for IT, -1 for Marketing, 0 otherwise: the direction of their bias, which
    gives the demo's results a perception gap."""
    ideas: tuple[str, ...] = ()
    """What they would write in this exercise (a brainstorm's ideas)."""
    remarks: tuple[str, ...] = ()
    """Short comments they might add (on an initiative)."""


Simulate = Callable[[dict[str, Any], Persona, Random], list[dict[str, Any]]]
"""(the exercise as a phone's view has it, who, their random generator) → the
commands they send, in order, as a phone sends them (`{"type": "rate", …}`)."""


class ActivityKind(Protocol):
    """The contract every `KIND` satisfies (see the module docstring).

    The registry holds every kind under this one type, so a kind's own exercise model
    (`cfg`), commands and events are `Any` here; each kind module's functions name
    their precise types (`decide(ctx: Ctx[ScaleExercise], cmd: c.Rate)`)."""

    # Read-only: a `Kind` is frozen, and nothing changes a kind once registered.
    @property
    def name(self) -> str:
        """The template's `kind = "…"`."""
    @property
    def label(self) -> str:
        """What the facilitator reads: "Dot vote"."""
    @property
    def action_word(self) -> str:
        """How the room took part: "23 of 31 have voted"."""
    @property
    def noun(self) -> str:
        """What the document calls one: "a dot vote" without the article."""
    @property
    def config(self) -> type[ExerciseBase]:
        """The template fields of an exercise of this kind."""
    @property
    def accepts(self) -> tuple[type, ...]:
        """The participant commands it decides."""
    @property
    def moderation(self) -> tuple[type, ...]:
        """The facilitator's commands it decides (besides open, close, reveal, timer)."""
    @property
    def identity(self) -> Identity:
        """Its exercises' identity level when the template names none."""
    @property
    def items_only(self) -> bool:
        """Participants can only act on items: with none (an empty source), nothing to do."""
    @property
    def phone_config(self) -> tuple[str, ...]:
        """The config fields a phone needs to draw its controls."""
    @property
    def result_model(self) -> type[Result]: ...

    def fixed_items(self, cfg: Any) -> list[str]: ...
    def seed(self, state: ExerciseState, cfg: Any, at: float) -> None: ...
    def decide(self, ctx: Ctx[Any], cmd: Any) -> list[EventBody]: ...
    def apply(self, ctx: Ctx[Any], body: Any) -> None: ...
    def result(self, session: Session, cfg: Any, state: ExerciseState) -> Result: ...
    def participated(self, state: ExerciseState, pid: str) -> bool: ...
    def mine(self, session: Session, cfg: Any, state: ExerciseState, pid: str) -> dict[str, Any]: ...
    def for_phone(self, data: dict[str, Any]) -> dict[str, Any]: ...
    @property
    def offers(self) -> Callable[[Session, Any, ExerciseState, int | None], list[str]] | None: ...
    @property
    def simulate(self) -> Simulate: ...


def _no_items(cfg: Any) -> list[str]:
    return []


def _no_seed(state: ExerciseState, cfg: Any, at: float) -> None:
    return None


def _as_is(data: dict[str, Any]) -> dict[str, Any]:
    return data


@dataclass(frozen=True)
class Kind:
    """The usual way to satisfy `ActivityKind`: the kind module's functions, named."""

    name: str
    label: str
    action_word: str
    noun: str
    config: type[ExerciseBase]
    result_model: type[Result]
    decide: Callable[[Ctx[Any], Any], list[EventBody]]
    apply: Callable[[Ctx[Any], Any], None]
    result: Callable[[Session, Any, ExerciseState], Result]
    participated: Callable[[ExerciseState, str], bool]
    mine: Callable[[Session, Any, ExerciseState, str], dict[str, Any]]
    accepts: tuple[type, ...]
    simulate: Simulate
    """What a plausible participant does (the demo's phones)."""
    moderation: tuple[type, ...] = ()
    identity: Identity = "side"
    items_only: bool = False
    phone_config: tuple[str, ...] = ()
    fixed_items: Callable[[Any], list[str]] = _no_items
    seed: Callable[[ExerciseState, Any, float], None] = _no_seed
    for_phone: Callable[[dict[str, Any]], dict[str, Any]] = _as_is
    """Takes the result as JSON, already redacted (`privacy.redact`: people are names
    only where the exercise is named, else None) and removes what phones must not
    see besides (what the facilitator hid, the fields that are None for them)."""
    offers: Callable[[Session, Any, ExerciseState, int | None], list[str]] | None = None
    """As a `source`: the texts a later exercise takes as its items, the top N when
    asked; None when this kind cannot be a source."""


if TYPE_CHECKING:

    def _satisfies(kind: Kind) -> ActivityKind:
        return kind  # where the type checker proves that every `Kind` is an `ActivityKind`


def check(kind: ActivityKind) -> ActivityKind:
    """The kind, after checking it names itself consistently (a registry-time guard)."""
    declared = kind.config.model_fields["kind"].annotation
    if getattr(declared, "__args__", (None,))[0] != kind.name:
        raise TypeError(f"kind {kind.name!r}: its config's `kind` field must be Literal[{kind.name!r}]")
    return kind
