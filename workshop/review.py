"""What a follow-up records of what it carried over: each action's status, and each
initiative's KPI now.

A follow-up session (`workshop.followup`) carries the earlier sessions' decisions,
actions, risks and agreed initiatives read-only, in its template (`model.Review`).
In the room the facilitator records, for each carried action, where it stands —
done, on track, at risk or dropped — with the one-line reason the room gave, and for
each initiative the value of its KPI today, as its leads give it.

Each is one facilitator command, journaled like any input: an `AmendRecord` whose
`record` is a carried reference (`carried:a2`, `carried:i1`) and whose fields are
`status` and `reason` (an action) or `value` (an initiative). The stored event is the
usual `RecordAmended`, so no new event type exists and an older journal reads as
before. Everything else of a carried item is read-only: what was agreed then stays
as it was; a new decision or action is recorded as in any session.

Pure, like `records`: `decide` raises `Refusal` and changes nothing; `apply` trusts
the event.
"""

from __future__ import annotations

from . import commands as c
from .activities.common import Refusal
from .events import EventBody, RecordAmended, recorded
from .model import ACTION_STATUSES, CarriedInitiative, CarriedRecord, Reviewed, Session

CARRIED = "carried:"
"""The prefix of a reference to a carried item: `carried:a2`, `carried:i1`."""
REASON_LIMIT = 200
VALUE_LIMIT = 80
ACTION_FIELDS = ("status", "reason")
INITIATIVE_FIELDS = ("value",)


def ref(item_id: str) -> str:
    """The reference a command uses for a carried item's id ("a2" → "carried:a2")."""
    return CARRIED + item_id


def is_carried(reference: str | None) -> bool:
    return bool(reference) and str(reference).startswith(CARRIED)


def carried(session: Session, reference: str) -> CarriedRecord | CarriedInitiative | None:
    """The carried record or initiative a reference names, or None."""
    review = session.review
    if review is None or not is_carried(reference):
        return None
    key = reference.removeprefix(CARRIED)
    for record in review.records:
        if record.id == key:
            return record
    for initiative in review.initiatives:
        if initiative.id == key:
            return initiative
    return None


def recorded_of(session: Session, item_id: str) -> Reviewed:
    """What this follow-up recorded of a carried item (empty fields when nothing)."""
    return session.reviewed.get(item_id) or Reviewed()


def decide(session: Session, cmd: c.AmendRecord) -> list[EventBody]:
    """An action's status and reason, or an initiative's KPI now; a Refusal says why not."""
    item = carried(session, cmd.record)
    if item is None:
        raise Refusal.for_facilitator("unknown_record", "That carried action or initiative is not in this follow-up.")
    fields = {name: " ".join(value.split()) for name, value in cmd.fields.items()}
    if isinstance(item, CarriedInitiative):
        _only(fields, INITIATIVE_FIELDS, f"The initiative “{item.title}” was agreed in an earlier session and is carried over as agreed; only its KPI's value now can be recorded here.")
        value = fields.get("value", "")
        if not value:
            raise Refusal.for_facilitator("empty", f"Give the value of “{item.kpi or 'the KPI'}” today, as the leads report it (e.g. 33% repeat purchase).")
        _limit(value, VALUE_LIMIT, "The KPI's value")
        return [recorded(cmd.model_copy(update={"fields": {"value": value}}))]
    if item.kind != "action":
        raise Refusal.for_facilitator(
            "read_only",
            f"This {item.kind} was recorded in an earlier session and is carried over as it was. "
            "If it changed, record a new one (d on the run screen).",
        )
    _only(fields, ACTION_FIELDS, f"The action “{item.text}” is carried over as agreed; only its status and the reason can be recorded here.")
    before = recorded_of(session, item.id)
    status = fields.get("status", before.status).lower().replace("-", " ").replace("_", " ")
    reason = fields.get("reason", before.reason)
    if status not in ACTION_STATUSES:
        raise Refusal.for_facilitator("unknown_status", f"An action's status is one of: {', '.join(ACTION_STATUSES)}.")
    if not reason:
        raise Refusal.for_facilitator("no_reason", f"Say in one line why it is {status}: the reason the room gave.")
    _limit(reason, REASON_LIMIT, "The reason")
    return [recorded(cmd.model_copy(update={"fields": {"status": status, "reason": reason}}))]


def apply(session: Session, body: RecordAmended) -> None:
    key = body.record.removeprefix(CARRIED)
    now = session.reviewed.get(key) or Reviewed()
    session.reviewed[key] = now.model_copy(update=dict(body.fields))


def refuse_drop(session: Session, reference: str) -> None:
    """A carried item cannot be struck out: it was agreed in an earlier session."""
    item = carried(session, reference)
    if item is None:
        raise Refusal.for_facilitator("unknown_record", "That carried action or initiative is not in this follow-up.")
    raise Refusal.for_facilitator(
        "read_only",
        "This was agreed in an earlier session and is carried over as it was; it cannot be struck out here. "
        "An action that will not happen is recorded as dropped, with the reason.",
    )


def _only(fields: dict[str, str], allowed: tuple[str, ...], reason: str) -> None:
    if not fields:
        raise Refusal.for_facilitator("empty", "Nothing to record.")
    if set(fields) - set(allowed):
        raise Refusal.for_facilitator("read_only", reason)


def _limit(text: str, limit: int, what: str) -> None:
    if len(text) > limit:
        raise Refusal.for_facilitator("too_long", f"{what} is {len(text)} characters; keep it to one line of at most {limit}.")
