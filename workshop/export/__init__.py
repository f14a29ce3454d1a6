"""Export the joint agenda: Markdown, one self-contained HTML file, JSON; and beside
the Markdown and HTML, their annex with every raw input (`<id>-annex.md`, `.html`),
so that the document the executives read stays short.

A follow-up session (`workshop.followup`) exports its **progress report** instead of
a joint agenda (`<id>-progress-report.md`, `.html`, `.json`, see `progress.py` for
why), with its annex beside it: every function here gives a follow-up's report where
it gives any other session's joint agenda.

Everything here is pure — a session (or its `Engine`) in, text out — except
`write_exports`, the one function that touches the disk. No clock is read: the
document's date is the session's `created_at`, shown in `tz` (UTC unless the
caller passes another, e.g. the laptop's local zone). The same session always
gives the same bytes.

    from workshop.export import to_markdown, to_html, to_json, write_exports
    write_exports(workshop.engine, Path("out"), ["md", "html", "json"])
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from ..engine import Engine
from ..model import Session
from . import html as _html
from . import json as _json
from . import markdown as _markdown
from . import progress
from .build import agenda_stem, annex_stem, build, build_annex
from .common import View, as_engine
from .document import Document
from .json import results_from_json

FORMATS = {"md": "md", "html": "html", "json": "json"}
"""Format name → file extension."""


def document(source: Engine | Session, *, tz: tzinfo = UTC) -> Document:
    """The neutral document tree both text formats are written from: the joint agenda,
    or a follow-up's progress report."""
    view = View(as_engine(source), tz)
    return progress.build_report(view) if progress.is_follow_up(view.session) else build(view)


def to_markdown(source: Engine | Session, *, tz: tzinfo = UTC) -> str:
    return _markdown.render(document(source, tz=tz))


def to_html(source: Engine | Session, *, tz: tzinfo = UTC) -> str:
    return _html.render(document(source, tz=tz))


def to_json(source: Engine | Session, *, tz: tzinfo = UTC) -> str:
    view = View(as_engine(source), tz)
    return progress.render_json(view) if progress.is_follow_up(view.session) else _json.render(view)


def annex(source: Engine | Session, *, tz: tzinfo = UTC) -> Document:
    """The annex's document tree: every raw input."""
    view = View(as_engine(source), tz)
    return progress.annex(view) if progress.is_follow_up(view.session) else build_annex(view)


def annex_markdown(source: Engine | Session, *, tz: tzinfo = UTC) -> str:
    return _markdown.render(annex(source, tz=tz))


def annex_html(source: Engine | Session, *, tz: tzinfo = UTC) -> str:
    return _html.render(annex(source, tz=tz))


RENDER = {"md": to_markdown, "html": to_html, "json": to_json}
ANNEX = {"md": annex_markdown, "html": annex_html}
"""The formats that have an annex beside them (JSON holds every input itself)."""


def local_zone(session: Session) -> tzinfo:
    """This laptop's time zone on the session's day: the date people saw in the room."""
    return datetime.fromtimestamp(session.created_at).astimezone().tzinfo


def document_name(session: Session) -> str:
    """What the exported document is called in a sentence: "joint agenda", or a
    follow-up's "progress report"."""
    return "progress report" if progress.is_follow_up(session) else "joint agenda"


def file_name(session: Session, fmt: str) -> str:
    """`<id>-joint-agenda.<ext>`, or a follow-up's `<id>-progress-report.<ext>`."""
    stem = progress.stem(session) if progress.is_follow_up(session) else agenda_stem(session)
    return f"{stem}.{FORMATS[fmt]}"


def annex_file_name(session: Session, fmt: str) -> str:
    return f"{annex_stem(session)}.{FORMATS[fmt]}"


def write_exports(
    source: Engine | Session, out_dir: Path, formats: Iterable[str] = ("md", "html", "json"), *, tz: tzinfo = UTC
) -> list[Path]:
    """Write each format to `out_dir/<session-id>-joint-agenda.<ext>` (a follow-up's
    to `<session-id>-progress-report.<ext>`; and, for Markdown and HTML, its annex
    `<session-id>-annex.<ext>`) and return the paths.
    Each file is written to a temporary name and renamed into place, so a
    reader never sees half a document. Unknown formats raise ValueError before
    anything is written."""
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ValueError(f"Unknown export format(s): {', '.join(unknown)}. Use md, html or json.")
    engine = as_engine(source)
    texts = {file_name(engine.session, fmt): RENDER[fmt](engine, tz=tz) for fmt in formats}
    texts |= {annex_file_name(engine.session, fmt): ANNEX[fmt](engine, tz=tz) for fmt in formats if fmt in ANNEX}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in texts.items():
        path = out_dir / name
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=out_dir)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(text.encode("utf-8"))
            os.chmod(tmp, 0o666 & ~_umask())  # a document to share, not a private temp file
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        paths.append(path)
    return paths


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


__all__ = [
    "FORMATS", "annex", "annex_file_name", "annex_html", "annex_markdown", "document", "document_name", "file_name", "local_zone",
    "results_from_json", "to_html", "to_json", "to_markdown", "write_exports",
]
