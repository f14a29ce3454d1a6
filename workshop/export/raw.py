"""Every raw input of an exercise, for the appendix: who gave what.

Names appear here, except in anonymous exercises: there a row shows only the side,
and rows are sorted by side and content instead of by person, so that their order
cannot be matched against the list of participants. Ideas the facilitator hid and
ideas their authors withdrew are left out.
"""

from __future__ import annotations

from ..activities.brainstorm import live_ideas
from ..model import FACILITATOR
from .common import NO_VALUE, View
from .document import Block, Column, Note, Paragraph, Table
from .kinds import initiatives_table


def blocks_for(view: View, cfg) -> tuple[Block, ...]:
    if not view.ran(cfg):
        return ()
    blocks = tuple(RAW[cfg.kind](view, cfg))
    return blocks or (Note("No inputs."),)


def _who_columns(cfg) -> tuple[Column, ...]:
    return (Column("Side", short=True),) if cfg.anonymous else (Column("Participant"), Column("Side", short=True))


def _person_rows(view: View, cfg, pids, cells) -> tuple[tuple, ...]:
    """One row per person who gave an input: name (unless anonymous), side, cells."""
    rows = []
    for pid in pids:
        side = view.participant_side(pid, cfg)
        who = () if cfg.anonymous else (view.name(pid),)
        rows.append((view.side_order(side), (*who, view.side_label(side), *cells(pid))))
    if cfg.anonymous:
        rows.sort(key=lambda row: (row[0], row[1]))
    return tuple(row for _, row in rows)


def _respondents(view: View, inputs: dict) -> list[str]:
    """People with an input, in the order they joined the room."""
    order = {pid: n for n, pid in enumerate(view.session.participants)}
    return sorted((pid for pid, value in inputs.items() if value), key=lambda pid: order.get(pid, len(order)))


def scale(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = _respondents(view, state.scores)
    if not pids:
        return []
    columns = (*_who_columns(cfg), *(Column(item.text, True) for item in state.items))
    cells = lambda pid: [str(state.scores[pid][item.id]) if item.id in state.scores[pid] else NO_VALUE for item in state.items]  # noqa: E731
    return [Table(columns=columns, rows=_person_rows(view, cfg, pids, cells))]


def brainstorm(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    ideas = [i for i in live_ideas(state) if not i.hidden]
    if not ideas:
        return []
    number = {idea.id: n for n, idea in enumerate(ideas, 1)}
    themes = {t.id: t.name for t in state.themes.values()}
    rows = []
    for idea in ideas:
        if idea.author == FACILITATOR:
            who = "Facilitator (seed)" if idea.side is None and idea.at == view.session.created_at else "Facilitator"
        else:
            who = view.who(idea.author, cfg)
        note = f"merged into #{number[idea.merged_into]}" if idea.merged_into in number else ""
        row = (str(number[idea.id]), idea.text, view.side_label(idea.side))
        row += () if cfg.anonymous else (who,)
        rows.append(row + (themes.get(idea.theme, ""), note))
    columns = (Column("#", True), Column("Idea"), Column("Side", short=True))
    columns += () if cfg.anonymous else (Column("Author"),)
    return [Table(columns=columns + (Column("Theme"), Column("Note")), rows=tuple(rows))]


def dotvote(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    texts = {item.id: item.text for item in state.items}
    order = [item.id for item in state.items]
    blocks: list[Block] = []
    pids = _respondents(view, state.scores)
    if pids:
        def cells(pid):
            dots = state.scores[pid]
            return ["; ".join(f"{texts[i]} ×{dots[i]}" for i in order if dots.get(i))]

        blocks.append(Table(columns=(*_who_columns(cfg), Column("Dots")), rows=_person_rows(view, cfg, pids, cells)))
    added = [item for item in state.items if item.added_by]
    if added:
        blocks.append(Table(
            columns=(Column("Item added in the room"), Column("Added by")),
            rows=tuple((item.text, view.who(item.added_by, cfg)) for item in added),
        ))
    return blocks


def poll(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    texts = {item.id: item.text for item in state.items}
    answered = {pid: True for pid in state.scores if state.scores[pid]} | {pid: True for pid in state.other}
    pids = _respondents(view, answered)
    if not pids:
        return []
    cells = lambda pid: ["; ".join(texts[i] for i in state.scores.get(pid, {})), state.other.get(pid, "")]  # noqa: E731
    return [Table(columns=(*_who_columns(cfg), Column("Picked"), Column("Own answer")), rows=_person_rows(view, cfg, pids, cells))]


def allocate(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = _respondents(view, state.scores)
    if not pids:
        return []
    columns = (*_who_columns(cfg), *(Column(item.text, True) for item in state.items))
    cells = lambda pid: [str(state.scores[pid].get(item.id, 0)) for item in state.items]  # noqa: E731
    return [Table(columns=columns, rows=_person_rows(view, cfg, pids, cells))]


def matrix(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = _respondents(view, state.places)
    if not pids:
        return []
    x_axis, y_axis = cfg.axes

    def cells(pid):
        places = state.places[pid]
        return [f"{places[item.id][0]}, {places[item.id][1]}" if item.id in places else NO_VALUE for item in state.items]

    return [
        Paragraph(f"Each cell gives {x_axis.lower()}, then {y_axis.lower()} (1 to {cfg.max})."),
        Table(columns=(*_who_columns(cfg), *(Column(item.text, True) for item in state.items)), rows=_person_rows(view, cfg, pids, cells)),
    ]


def ownership(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = _respondents(view, state.scores)
    if not pids:
        return []
    rows = []
    for item in state.items:
        cells = []
        for choice in range(len(cfg.choices)):
            chose = [pid for pid in pids if state.scores[pid].get(item.id) == choice]
            if cfg.anonymous:
                per_side = [(s.label, sum(1 for pid in chose if view.participant_side(pid, cfg) == s.id)) for s in view.sides]
                cells.append(", ".join(f"{label} {n}" for label, n in per_side if n))
            else:
                cells.append(", ".join(view.person(pid, cfg) for pid in chose))
        rows.append((item.text, *cells))
    return [Table(columns=(Column("Responsibility"), *(Column(c) for c in cfg.choices)), rows=tuple(rows))]


def initiatives(view: View, cfg) -> list[Block]:
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
        blocks.append(Table(
            columns=(Column("Comment on"), *(() if cfg.anonymous else (Column("Author"),)), Column("Side", short=True), Column("Comment")),
            rows=tuple(
                (titles.get(m.target, m.target), *(() if cfg.anonymous else (view.who(m.author, cfg),)),
                 view.side_label(view.participant_side(m.author, cfg)), m.text)
                for m in (state.comments if not cfg.anonymous else sorted(state.comments, key=lambda m: (m.target, view.side_order(view.participant_side(m.author, cfg)), m.text)))
            ),
        ))
    return blocks


RAW = {
    "scale": scale,
    "brainstorm": brainstorm,
    "dotvote": dotvote,
    "poll": poll,
    "allocate": allocate,
    "matrix": matrix,
    "ownership": ownership,
    "initiatives": initiatives,
}
