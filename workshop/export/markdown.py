"""The joint agenda as GitHub-flavoured Markdown.

Every piece of text is escaped, whoever wrote it, so that no participant's idea or
name can open a link, an HTML tag, emphasis, a heading, a list or a table cell:
Markdown's punctuation is backslash-escaped, a line that would start a list or a
heading gets its marker escaped, and line breaks become spaces (a block is one
line). Charts are left out; the tables beside them carry the same numbers.
"""

from __future__ import annotations

import re

from ..text import printable
from .document import Bars, Bullets, Differences, Document, Inline, Note, Paragraph, Part, Plot, Section, Table

SPECIAL = frozenset("\\`*_[]<>#|~&$")
"""CommonMark lets any ASCII punctuation be backslash-escaped; these are the ones that
can start markup in GFM (`&` entities, `~` strikethrough, `$` math on GitHub)."""
LIST_START = re.compile(r"^(\d{1,9})([.)])")
SPACES = re.compile(r"\s+")


def escape(text: str) -> str:
    """Text as literal inline Markdown: no control character, punctuation escaped,
    whitespace runs (line breaks included) folded into one space."""
    text = SPACES.sub(" ", printable(text))
    return "".join("\\" + ch if ch in SPECIAL else ch for ch in text)


def line_start(text: str) -> str:
    """Escape what would make a line a list item or a thematic break (`-`, `+`, `1.`);
    `#`, `>` and `*` are escaped everywhere already."""
    text = text.lstrip()
    match = LIST_START.match(text)
    if match:
        return match.group(1) + "\\" + text[len(match.group(1)):]
    if text[:1] in ("-", "+", "="):
        return "\\" + text
    return text


def _wrap(text: str, marker: str) -> str:
    """Emphasis around text, with its outer spaces kept outside the markers (CommonMark
    does not open emphasis before a space)."""
    core = text.strip()
    if not core:
        return escape(text)
    lead = " " if text[:1].isspace() else ""
    trail = " " if text[-1:].isspace() else ""
    return f"{lead}{marker}{escape(core)}{marker}{trail}"


def inline(content: Inline) -> str:
    if isinstance(content, str):
        return escape(content)
    out = []
    for part in content:
        if isinstance(part, str):
            out.append(escape(part))
        elif part.style in ("strong", "flag", "side"):
            out.append(_wrap(part.text, "**"))
        elif part.style in ("em", "muted"):
            out.append(_wrap(part.text, "*"))
        else:
            out.append(escape(part.text))
    return "".join(out)


def table(block: Table) -> str:
    head = "| " + " | ".join(escape(c.title) for c in block.columns) + " |"
    rule = "| " + " | ".join("---:" if c.numeric else "---" for c in block.columns) + " |"
    rows = ["| " + " | ".join(inline(cell) or " " for cell in row) + " |" for row in block.rows]
    return "\n".join([head, rule, *rows])


def block(item) -> str | None:
    match item:
        case Paragraph():
            return line_start(inline(item.content))
        case Note():
            return _wrap(item.content, "*") if isinstance(item.content, str) else line_start(inline(item.content))
        case Bullets():
            marker = (lambda n: f"{n}. ") if item.ordered else (lambda n: "- ")
            return "\n".join(marker(n) + line_start(inline(entry)) for n, entry in enumerate(item.items, 1))
        case Differences():
            return line_start(inline(item.said()))
        case Table():
            return table(item)
        case Bars() | Plot():
            return None
    raise TypeError(f"no Markdown for {item!r}")


def part(item: Part) -> list[str]:
    out = [f"### {escape(item.title)}"] if item.title else []
    if item.lead:
        out.append(_wrap(item.lead, "*"))
    out.extend(text for text in (block(b) for b in item.blocks) if text is not None)
    return out


def section(item: Section) -> list[str]:
    out = [f"## {escape(item.title)}"]
    out.extend(text for text in (block(b) for b in item.intro) if text is not None)
    for piece in item.parts:
        out.extend(part(piece))
    return out


def render(document: Document) -> str:
    out = [f"# {escape(document.subtitle)}: {escape(document.title)}"]
    out.append("\n".join(f"- **{escape(label)}:** {inline(value)}" for label, value in document.facts))
    for item in document.sections:
        out.extend(section(item))
    if document.footer:
        out.append("---")
        out.append(_wrap(document.footer, "*"))
    return "\n\n".join(out) + "\n"
