"""One module per activity kind: its rules and its result. See `common.py` for the
names every kind module exposes."""

from . import allocate, brainstorm, dotvote, initiatives, matrix, ownership, poll, scale
from .common import ALL, Ctx, Refusal, counted, results_visible

KINDS = {
    "scale": scale,
    "brainstorm": brainstorm,
    "dotvote": dotvote,
    "poll": poll,
    "allocate": allocate,
    "matrix": matrix,
    "ownership": ownership,
    "initiatives": initiatives,
}

__all__ = ["ALL", "KINDS", "Ctx", "Refusal", "counted", "results_visible"]
