"""How an ownership grid reads: who the room would have lead each responsibility, how
strongly, the rows no choice carries (contested), and where the pair of sides name
different owners."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from ..activities import ALL
from ..export.common import FLAG, NO_VALUE, View, plural, share
from ..export.document import Block, Column, Paragraph, Span, Table
from ..export.kinds import where_sides_differ
from ..export.raw import respondents
from ..tui.results import fmt

HEADER_WIDTH = 12
"""A choice longer than this ("CIO accountable (CMO contributes)") heads its column
with its number, and a legend above the grid says what each number is."""


def tui(session, cfg, result, presentation) -> RenderableType:
    numbered = any(len(choice) > HEADER_WIDTH for choice in result.choices)
    table = RichTable(box=box.SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column("Responsibility", ratio=3)
    for n, choice in enumerate(result.choices, 1):
        if numbered:
            table.add_column(str(n), justify="right", width=3)
        else:
            table.add_column(choice, justify="right", ratio=1)
    table.add_column("Top share", justify="right", width=9)
    table.add_column("Verdict", ratio=4)
    for row in result.rows:
        verdict = Text("CONTESTED", style="bold black on yellow") if row.contested else Text(f"→ {row.agreed}", style="bold green")
        if row.settled:
            verdict.append(f" → decided: {row.settled}", style="bold green")
        if row.sentence:
            verdict.append("\n" + row.sentence, style="yellow")
        consensus = fmt(row.consensus * 100 if row.consensus is not None else None, 0)
        table.add_row(Text(row.text), *(str(n) for n in row.counts[ALL]), f"{consensus}%", verdict)
    footer = Text(f"{result.contested} of {len(result.rows)} rows contested (no choice reaches {cfg.consensus:.0%})", style="dim")
    footer.append(f" · {result.respondents} answered", style="dim")
    if not numbered:
        return Group(table, footer)
    legend = Text("  ·  ".join(f"{n} {choice}" for n, choice in enumerate(result.choices, 1)), style="dim")
    return Group(legend, table, footer)


def leader_text(row, key: str) -> str:
    """What one side (or the room) says of a row: its leading choice, "Split" on a tie
    (also the executive summary's contested roles, `export/build.py`)."""
    if not sum(row.counts.get(key, [])):
        return NO_VALUE
    return row.leader.get(key) or "Split"


def document(view: View, cfg) -> list[Block]:
    result = view.result(cfg.id)
    rows = []
    for row in result.rows:
        agreed = row.agreed if not row.contested else (
            (Span(f"{FLAG} Contested", "flag"), f" → decided: {row.settled}") if row.settled else (Span(f"{FLAG} Contested", "flag"),)
        )
        rows.append((row.text, agreed, share(row.consensus), *(leader_text(row, s.id) for s in view.sides)))
    contested = [row.text for row in result.rows if row.contested]
    differ = [row for row in result.rows if row.sentence]
    blocks: list[Block] = [
        Paragraph(
            f"{plural(result.respondents, 'person', 'people')} chose who should lead each responsibility. "
            f"{len(contested)} of {len(result.rows)} {'is' if len(contested) == 1 else 'are'} contested: no choice reached {share(cfg.consensus)} of the room."
        ),
        Table(
            columns=(
                # Choices can be long ("CIO accountable (CMO contributes)"): they wrap.
                Column("Responsibility", brief=True), Column("Agreed owner", brief=True), Column("Consensus", True),
                *(Column(f"{s.label} says", brief=True) for s in view.sides),
            ),
            rows=tuple(rows),
            drop=tuple(range(5, 3 + len(view.sides))),  # the joint agenda shows the pair's view; the annex every side's
        ),
    ]
    blocks.extend(where_sides_differ(view, [(row.text, row.sentence) for row in differ]))
    return blocks


def raw(view: View, cfg) -> list[Block]:
    state = view.state(cfg.id)
    pids = respondents(view, state.scores)
    if not pids:
        return []
    rows = []
    for item in state.items:
        cells = []
        for choice in range(len(cfg.choices)):
            chose = [pid for pid in pids if state.scores[pid].get(item.id) == choice]
            if view.named(cfg):
                cells.append(", ".join(view.person(pid, cfg) for pid in chose))
            else:  # counts by side; a withheld side's people are not counted here
                per_side = [(s.label, sum(1 for pid in chose if view.shown_side(pid, cfg) == s.id)) for s in view.sides]
                cells.append(", ".join(f"{label} {n}" for label, n in per_side if n))
        rows.append((item.text, *cells))
    return [Table(columns=(Column("Responsibility"), *(Column(c) for c in cfg.choices)), rows=tuple(rows))]
