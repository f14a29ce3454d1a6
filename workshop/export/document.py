"""The joint agenda as a neutral tree of blocks, shared by the Markdown and HTML writers.

`build.py` decides *what* the document says (from the session and the results);
`markdown.py` and `html.py` only decide how a block looks. Keeping the content in
one place is what makes the two formats say the same thing.

Every string in a block is plain text — participant text, template text and our
own words alike. A writer must escape all of it; no block ever carries markup. Style
is expressed with `Span` styles, never with characters in the text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A run of text with a style: "" (plain), "strong", "em", "muted", "flag" (a gap
    or a contested row worth a conversation) or "side" (a side tag; `side` says which)."""

    text: str
    style: str = ""
    side: int = -1
    """Index of the side in the template (for its colour) when style is "side"."""


Inline = str | tuple[Span | str, ...]
"""Plain text, or a sequence of plain strings and styled spans."""


def plain(inline: Inline) -> str:
    """The text of an inline without its styles (for comparisons and titles)."""
    if isinstance(inline, str):
        return inline
    return "".join(part if isinstance(part, str) else part.text for part in inline)


@dataclass(frozen=True)
class SideKey:
    id: str
    label: str
    index: int
    """Position in the template's sides: picks the colour, the same in every chart."""


@dataclass(frozen=True)
class Paragraph:
    content: Inline
    detail: bool = False
    """Only in the full result of the annex, not in the joint agenda (see `Table.keep`)."""


@dataclass(frozen=True)
class Note:
    """A short aside: an empty section, what a flag means, what was left out."""

    content: Inline
    detail: bool = False
    """Only in the full result of the annex (how a flag is computed, a legend)."""


@dataclass(frozen=True)
class Bullets:
    items: tuple[Inline, ...]
    ordered: bool = False
    keep: int | None = None
    """In the joint agenda, only the first `keep` items (0: none); the annex has all."""
    detail: bool = False
    short: bool = False
    """Items of a few words (ideas): printed in two columns."""


@dataclass(frozen=True)
class Differences:
    """The rows of a result where the pair of sides differ enough to flag, each with
    a sentence that says how. The joint agenda gathers them all in its perception-gap
    section; the annex shows each under its result."""

    label: str
    """"Where IT and Marketing see it differently:"."""
    items: tuple[tuple[str, str], ...]
    """(the row's text, how the two sides differ on it)."""
    source: str = ""
    """The exercise whose rows these are, when not the one drawn (a check-in's gaps,
    said under the check-out that compares with it)."""
    detail: bool = False

    def said(self) -> Inline:
        """The block as one paragraph: "Where … differently: a (how); b (how)."."""
        content: list[Span | str] = [Span(self.label, "strong"), " "]
        for n, (text, how) in enumerate(self.items):
            content.extend(["; " if n else "", text, f" ({how})"])
        content.append(".")
        return tuple(content)


@dataclass(frozen=True)
class Column:
    title: str
    numeric: bool = False
    short: bool = False
    """A few words that should not wrap (a side, a status)."""
    brief: bool = False
    """A few words that may wrap (a choice): no minimum width, so that many such
    columns fit the page."""


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: tuple[tuple[Inline, ...], ...]
    transpose: bool = False
    """A record-per-row table too wide for a page: HTML shows fields as rows and
    records as columns. Markdown keeps the plain layout (GFM tables scroll)."""
    keep: int | None = None
    """In the joint agenda, only the first `keep` rows (the top of a ranking); the
    annex shows them all. None keeps every row (every role, every statement)."""
    drop: tuple[int, ...] = ()
    """Columns left out in the joint agenda (detail the annex keeps)."""
    detail: bool = False


@dataclass(frozen=True)
class BarGroup:
    label: str
    values: tuple[float | None, ...]
    """One per side of the chart, in `Bars.sides` order."""
    before: tuple[float | None, ...] | None = None
    """The earlier value per side, drawn as a lighter bar above (check-in → check-out)."""


@dataclass(frozen=True)
class Bars:
    """Horizontal bars, one per side for each group (statement, item, option)."""

    title: str
    sides: tuple[SideKey, ...]
    groups: tuple[BarGroup, ...]
    top: float
    ticks: tuple[float, ...]
    unit: str = ""
    """Appended to value labels ("%")."""
    digits: int = 1
    before_label: str = ""
    after_label: str = ""
    stacked: bool = False
    """One bar per group with a segment per side (counts that add up: dots, picks)."""


@dataclass(frozen=True)
class PlotPoint:
    number: int
    label: str
    x: float
    y: float
    quadrant: str
    by_side: tuple[tuple[float, float] | None, ...]
    """The mean position per side (in `Plot.sides` order), None when that side gave none."""


@dataclass(frozen=True)
class Plot:
    """The 2×2 impact/effort matrix."""

    title: str
    axes: tuple[str, str]
    top: int
    sides: tuple[SideKey, ...]
    points: tuple[PlotPoint, ...]


Block = Paragraph | Note | Bullets | Differences | Table | Bars | Plot


@dataclass(frozen=True)
class Part:
    """One exercise's piece of a section (a level-3 heading and its blocks)."""

    key: str
    """Unique in the document; HTML uses it as the element id."""
    title: str
    """Its heading; "" for none (the only part of a section with the same title)."""
    blocks: tuple[Block, ...]
    lead: str = ""
    """The prompt the room answered, shown under the title."""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    intro: tuple[Block, ...] = ()
    parts: tuple[Part, ...] = ()
    page_break: bool = False
    """Start on a new page when printed (the appendix)."""


@dataclass(frozen=True)
class Document:
    title: str
    subtitle: str
    facts: tuple[tuple[str, Inline], ...]
    """Label → value lines of the header: organisation, date, facilitator, participants."""
    sections: tuple[Section, ...]
    footer: str = ""
    lang: str = "en"
