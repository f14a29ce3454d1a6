"""How each activity kind's result reads, on every surface: one module per kind.

Every module in this package is the presentation of the kind it is named after
(`present/dotvote.py` for `kind = "dotvote"`), and holds that kind's drawings side
by side:

    tui(session, cfg, result, presentation)
        the live result on the facilitator's screen, a Rich renderable; the result
        is already redacted (`privacy.redact`: a person is a name only where the
        exercise is named), `presentation` hides idea ids for the projector
    document(view, cfg)
        the result in the joint agenda, as document blocks (`view.result` is
        redacted the same way)
    raw(view, cfg)
        every input, for the joint agenda's appendix, each person as
        `view.person(pid, cfg)` allows; an empty list when there is none

A phone draws the kind in `web/kinds/<kind>.js`. Adding a kind is its module in
`activities/`, its module here and its phone module: `SURFACES` finds this one by
itself, and tests/test_kind_registry.py fails while any kind lacks any surface.

What the drawings of several kinds share stays with its surface and is imported by
the kind modules: `tui/results.py` (bars, side styles), `export/kinds.py` (axes,
ranks, flag notes), `export/raw.py` (who-gave-what rows). Those three modules look
a drawing up here when they draw rather than when they are imported, since the
drawings import them.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..activities import KINDS

SHARED: frozenset[str] = frozenset()
"""Modules here that are not a kind's presentation (none yet: helpers live with their surface)."""
DRAWINGS = {
    "tui": ("session", "cfg", "result", "presentation"),
    "document": ("view", "cfg"),
    "raw": ("view", "cfg"),
}
"""Every drawing a presentation module defines, with its parameters."""


@dataclass(frozen=True)
class Surfaces:
    """One kind's drawings, as its presentation module defines them."""

    kind: str
    tui: Callable[..., Any]
    """(session, cfg, result, presentation) → a Rich renderable."""
    document: Callable[..., list[Any]]
    """(view, cfg) → the result as document blocks."""
    raw: Callable[..., list[Any]]
    """(view, cfg) → every input as document blocks, or none."""


def _surfaces(name: str) -> Surfaces:
    if name not in KINDS:
        raise TypeError(f"present/{name}.py names no activity kind; a presentation module is named after its kind ({', '.join(KINDS)})")
    module = importlib.import_module(f"{__name__}.{name}")
    drawings = {}
    for drawing, params in DRAWINGS.items():
        draw = getattr(module, drawing, None)
        if not callable(draw) or tuple(inspect.signature(draw).parameters) != params:
            raise TypeError(f"present/{name}.py must define {drawing}({', '.join(params)})")
        drawings[drawing] = draw
    return Surfaces(kind=name, **drawings)


def _discover() -> dict[str, Surfaces]:
    found = {m.name: _surfaces(m.name) for m in pkgutil.iter_modules(__path__) if m.name not in SHARED}
    return {name: found[name] for name in KINDS if name in found}


SURFACES: dict[str, Surfaces] = _discover()
"""Kind name → its drawings, in the order of `activities.KINDS`. A kind without a
presentation module is missing here (the registry test says which)."""

__all__ = ["DRAWINGS", "SHARED", "SURFACES", "Surfaces"]
