"""The activity kinds: one module each, found by themselves.

Every module in this package except the shared ones (`common`, `kind`) is a kind and
exports `KIND`, an object satisfying `kind.ActivityKind`. `KINDS` maps each kind's
name to it, in the order the README presents them (a new kind comes after them).
"""

from __future__ import annotations

import importlib
import pkgutil

from .common import ALL, ONES_SIDE, PERSON, Ctx, OnesSide, Person, Refusal, Result, counted, results_visible, side_of
from .kind import ActivityKind, check

SHARED = frozenset({"common", "kind"})
ORDER = ("scale", "brainstorm", "dotvote", "poll", "allocate", "matrix", "ownership", "initiatives")
"""How the kinds are listed; any other kind module follows, by name."""


def _discover() -> dict[str, ActivityKind]:
    names = sorted((m.name for m in pkgutil.iter_modules(__path__) if m.name not in SHARED), key=lambda n: (n not in ORDER, ORDER.index(n) if n in ORDER else 0, n))
    kinds: dict[str, ActivityKind] = {}
    for name in names:
        kind = check(importlib.import_module(f"{__name__}.{name}").KIND)
        if kind.name != name:
            raise TypeError(f"activities/{name}.py exports the kind {kind.name!r}; a kind's module is named after it")
        kinds[name] = kind
    return kinds


KINDS: dict[str, ActivityKind] = _discover()

__all__ = [
    "ALL", "KINDS", "ONES_SIDE", "PERSON", "ActivityKind", "Ctx", "OnesSide", "Person", "Refusal", "Result",
    "counted", "results_visible", "side_of",
]
