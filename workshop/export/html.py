"""The joint agenda as one self-contained HTML file that prints well to PDF.

Self-contained means nothing is ever fetched: the CSS is inline, the charts are
inline SVG, fonts are the reader's own, there is no script at all. A strict
Content-Security-Policy in a meta tag says so to the browser too — `default-src
'none'`, and only this file's own stylesheet (by its hash) may apply — so even a
participant's text that slipped through escaping could not load or run anything.
All text is HTML-escaped (`html.escape`, quotes included).

Printing: the page margins come from `@page`, the paper size from the printer
(A4 and Letter both fit: the layout is no wider than A4). Headings stay with what
follows them, table rows and charts are not split, table headers repeat on every
page; the annex of every input is a document of its own (`build_annex`).

On a screen up to 600 px wide (a phone opening the published agenda) a table's rows
become cards, each value under its column's name (`data-label`), rather than
columns a letter wide that cut words; a records table scrolls in its own box.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from ..text import printable
from . import charts
from .document import Bars, Bullets, Differences, Document, Inline, Note, Paragraph, Part, Plot, Section, Span, Table

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 190mm; padding: 14mm 10mm 20mm; color: #1d2430; background: #fff;
  font: 10.5pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1, h2, h3 { line-height: 1.2; break-after: avoid; page-break-after: avoid; }
h1 { font-size: 24pt; margin: 0 0 4mm; }
h2 { font-size: 16pt; margin: 10mm 0 3mm; padding-bottom: 1.5mm; border-bottom: 2px solid #1d2430; }
h3 { font-size: 12.5pt; margin: 7mm 0 1.5mm; }
p { margin: 0 0 2.5mm; }
.kicker { text-transform: uppercase; letter-spacing: .12em; font-weight: 700; font-size: 9pt; color: #5a6472; margin: 0 0 1mm; }
.cover { border-bottom: 1px solid #d5dae1; padding-bottom: 4mm; margin-bottom: 4mm; }
.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 1mm 5mm; margin: 0; }
.facts dt { font-weight: 700; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.toc ol { columns: 2; column-gap: 10mm; margin: 0; padding-left: 6mm; }
.toc a { color: #1f4f99; text-decoration: none; }
.toc h2 { font-size: 11pt; border: 0; margin: 4mm 0 1mm; padding: 0; }
.lead { font-style: italic; color: #5a6472; margin-bottom: 2mm; }
.note { font-size: 9pt; color: #5a6472; }
.muted { color: #6b7785; }
.flag { font-weight: 700; color: #9a3412; white-space: nowrap; }
.tag { display: inline-block; min-width: 5.2em; font-size: 8pt; font-weight: 700; border: 1px solid currentColor;
  border-radius: 3px; padding: 0 .35em; margin-right: .2em; text-align: center; line-height: 1.35; }
.s-1 { color: #1d2430; } .s0 { color: #1f6fd1; } .s1 { color: #b55a00; } .s2 { color: #5a6472; }
.s3 { color: #2e7d4b; } .s4 { color: #7d3c98; } .s5 { color: #8a6d00; }
ul, ol { margin: 0 0 3mm; padding-left: 6mm; }
li { margin-bottom: 1mm; overflow-wrap: anywhere; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 4mm; font-size: 9pt; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.8mm; border-bottom: 1px solid #d5dae1; overflow-wrap: anywhere; }
thead th { background: #eef1f5; border-bottom: 1.5px solid #9aa3ae; font-weight: 700; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; overflow-wrap: normal; }
td.text { min-width: 30mm; }
th.tight { width: 1%; }
td.short, th.short { white-space: nowrap; overflow-wrap: normal; }
td.brief { min-width: 16mm; }
thead th { overflow-wrap: normal; }
.wide { overflow-x: auto; }
tbody tr:nth-child(even) td { background: #f8f9fb; }
table.records th[scope=row] { width: 27mm; background: #eef1f5; overflow-wrap: normal; }
table.records thead th { font-size: 9.5pt; }
thead { display: table-header-group; }
tr, li, .figure { break-inside: avoid; page-break-inside: avoid; }
.figure { margin: 2mm 0 4mm; }
.figure figcaption { font-size: 9pt; font-weight: 700; margin-bottom: 1mm; }
svg.chart { display: block; width: 100%; max-width: 170mm; height: auto; }
svg.plot { display: block; width: 100%; max-width: 120mm; height: auto; }
.plot-legend { font-size: 9pt; columns: 2; column-gap: 8mm; list-style: none; padding: 0; }
.plot-legend strong { display: inline-block; min-width: 1.4em; }
.part { margin-bottom: 4mm; }
.section-head, .part > h3, .part > .lead { break-after: avoid; page-break-after: avoid; }
.section-head { break-inside: avoid; }
footer { margin-top: 10mm; padding-top: 3mm; border-top: 1px solid #d5dae1; font-size: 8.5pt; color: #5a6472; }
@media screen and (max-width: 600px) {
  body { padding: 6mm 4mm 14mm; }
  h1 { font-size: 20pt; }
  .facts { grid-template-columns: max-content 1fr; }
  .toc ol { columns: 1; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block; }
  table.cards thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); }
  table.cards tr { padding: 1.5mm 0; border-bottom: 1px solid #d5dae1; }
  table.cards tbody tr:nth-child(even) { background: #f8f9fb; }
  table.cards td { border: 0; padding: .3mm 1.8mm; min-width: 0; width: auto; text-align: left; white-space: normal; }
  table.cards tbody tr:nth-child(even) td { background: none; }
  table.cards td::before { content: attr(data-label) ": "; font-weight: 700; color: #5a6472; }
  table.cards td.num, table.cards td.short { display: inline-block; }
  table.cards td.key { font-weight: 700; color: #1d2430; }
  table.cards td.key::before, table.cards td.rank::before { content: none; }
  table.cards td.rank { float: left; padding-right: 1mm; font-weight: 700; }
  table.cards td.rank::after { content: "."; }
  table.records td { min-width: 32mm; }
}
@page { margin: 12mm 12mm 13mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; line-height: 1.3; }
  h1 { font-size: 20pt; }
  h2 { font-size: 13pt; margin: 4.5mm 0 1.5mm; }
  h3 { font-size: 10.5pt; margin: 3mm 0 1mm; }
  p { margin-bottom: 1.2mm; }
  li { margin-bottom: .5mm; }
  ul, ol { margin-bottom: 2mm; }
  table { font-size: 8.5pt; line-height: 1.25; margin-bottom: 2mm; }
  th, td { padding: .5mm 1.4mm; }
  .part { margin-bottom: 2mm; }
  .lead { margin-bottom: 1mm; }
  ul.short { columns: 2; column-gap: 8mm; }
  footer { margin-top: 4mm; padding-top: 2mm; }
  .toc { display: none; }
  .wide { overflow: visible; }
  section.page-break { break-before: page; page-break-before: always; }
  section.summary { break-before: avoid; }
}
""".strip()
"""Also printing: colours are kept (`print-color-adjust: exact`), table headers repeat."""

CSP = (
    "default-src 'none'; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(CSS.encode()).digest()).decode()}'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def text(value: str) -> str:
    """Any text as HTML text: no control character, markup escaped (quotes included)."""
    return escape(printable(value), quote=True)


def inline(content: Inline) -> str:
    if isinstance(content, str):
        return text(content)
    out = []
    for part in content:
        if isinstance(part, str):
            out.append(text(part))
        elif part.style == "strong":
            out.append(f"<strong>{text(part.text)}</strong>")
        elif part.style == "em":
            out.append(f"<em>{text(part.text)}</em>")
        elif part.style in ("muted", "flag"):
            out.append(f'<span class="{part.style}">{text(part.text)}</span>')
        elif part.style == "side":
            out.append(_tag(part))
        else:
            out.append(text(part.text))
    return "".join(out)


def _tag(span: Span) -> str:
    index = span.side if span.side < 6 else span.side % 6
    return f'<span class="tag s{index}">{text(span.text)}</span>'


def table(block: Table) -> str:
    """A table; on a phone-sized screen (the published agenda is read on phones) each
    row becomes a card: its title cell first, every other cell under its column's
    name. A records table is wider than a phone and scrolls sideways instead."""
    if block.transpose and block.rows:
        head = "<th></th>" + "".join(f'<th scope="col">{inline(row[0])}</th>' for row in block.rows)
        body = "".join(
            f'<tr><th scope="row">{text(column.title)}</th>' + "".join(f"<td>{inline(row[i])}</td>" for row in block.rows) + "</tr>"
            for i, column in enumerate(block.columns) if i
        )
        return f'<div class="wide"><table class="records"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
    cls = [
        ("num" if c.numeric else "short" if c.short else "brief" if c.brief else "text")
        + (" tight" if (c.numeric or c.short) and len(c.title) <= 16 else "")
        for c in block.columns
    ]
    key = next((i for i, c in enumerate(cls) if c == "text"), next((i for i, c in enumerate(cls) if c == "brief"), None))
    if key is not None:
        cls[key] += " key"
    if block.columns and block.columns[0].numeric and block.columns[0].title == "#":
        cls[0] += " rank"
    head = "".join(f'<th scope="col" class="{c}">{text(col.title)}</th>' for c, col in zip(cls, block.columns))
    labels = [text(col.title) for col in block.columns]
    rows = "".join(
        "<tr>" + "".join(f'<td class="{c}" data-label="{label}">{inline(cell)}</td>' for c, label, cell in zip(cls, labels, row)) + "</tr>"
        for row in block.rows
    )
    return f'<table class="cards"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _plot(block: Plot) -> str:
    items = "".join(
        f"<li><strong>{p.number}</strong> {text(p.label)} — {text(p.quadrant.capitalize())}</li>" for p in block.points
    )
    return (
        f'<figure class="figure"><figcaption>{text(block.title)}</figcaption>{charts.plot(block)}'
        f'<ul class="plot-legend">{items}</ul></figure>'
    )


def block(item) -> str:
    match item:
        case Paragraph():
            return f"<p>{inline(item.content)}</p>"
        case Note():
            return f'<p class="note">{inline(item.content)}</p>'
        case Bullets():
            tag = "ol" if item.ordered else "ul"
            attrs = ' class="short"' if item.short else ""
            return f"<{tag}{attrs}>" + "".join(f"<li>{inline(entry)}</li>" for entry in item.items) + f"</{tag}>"
        case Differences():
            return f"<p>{inline(item.said())}</p>"
        case Table():
            return table(item)
        case Bars():
            return f'<figure class="figure"><figcaption>{text(item.title)}</figcaption>{charts.bars(item)}</figure>'
        case Plot():
            return _plot(item)
    raise TypeError(f"no HTML for {item!r}")


def part(item: Part) -> str:
    lead = f'<p class="lead">{text(item.lead)}</p>' if item.lead else ""
    body = "\n".join(block(b) for b in item.blocks)
    heading = f"<h3>{text(item.title)}</h3>\n" if item.title else ""
    return f'<section class="part" id="{text(item.key)}">\n{heading}{lead}\n{body}\n</section>'


def section(item: Section) -> str:
    classes = " ".join(c for c in ("section", item.key, "page-break" if item.page_break else "") if c)
    intro = "\n".join(block(b) for b in item.intro)
    parts = "\n".join(part(p) for p in item.parts)
    head = f'<div class="section-head">\n<h2>{text(item.title)}</h2>\n{intro}\n</div>'
    return f'<section class="{classes}" id="{text(item.key)}">\n{head}\n{parts}\n</section>'


def render(document: Document) -> str:
    facts = "".join(f"<dt>{text(label)}</dt><dd>{inline(value)}</dd>" for label, value in document.facts)
    toc = "".join(f'<li><a href="#{text(s.key)}">{text(s.title)}</a></li>' for s in document.sections)
    body = "\n".join(section(s) for s in document.sections)
    return f"""<!DOCTYPE html>
<html lang="{text(document.lang)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="Common Ground">
<link rel="icon" href="data:,">
<title>{text(document.subtitle)}: {text(document.title)}</title>
<style>{CSS}</style>
</head>
<body>
<header class="cover">
<p class="kicker">{text(document.subtitle)}</p>
<h1>{text(document.title)}</h1>
<dl class="facts">{facts}</dl>
</header>
<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>{toc}</ol></nav>
<main>
{body}
</main>
<footer>{text(document.footer)}</footer>
</body>
</html>
"""
