"""Kept only so that `workshop/tui/app.py` can still do `from ..loadtest import
run_phones`. The demo's phones live in `workshop.demo`; the load storm of `workshop
loadtest` lives in `workshop.bench.loadtest`. Delete this module once app.py imports
from `workshop.demo`."""

from .demo import run_phones

__all__ = ["run_phones"]
