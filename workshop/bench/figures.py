"""Figures as the benchmarks print them: the median of a few runs with its spread
(min–max), a target beside it, and whether the target is met.

Pure: numbers in, text out (the tests check the arithmetic and the marks).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Spread:
    """The median of some runs and the lowest and highest of them."""

    median: float
    low: float
    high: float
    values: tuple[float, ...]

    @property
    def runs(self) -> int:
        return len(self.values)


def spread(values: Iterable[float | None]) -> Spread | None:
    """Median and min–max of the values that are there (None: a run that gave no figure)."""
    kept = tuple(float(v) for v in values if v is not None)
    if not kept:
        return None
    return Spread(statistics.median(kept), min(kept), max(kept), kept)


@dataclass(frozen=True)
class Target:
    """A limit a figure must stay under (`<`), at most at (`<=`), reach (`>=`) or equal (`==`).
    `worst`: judged on the worst run rather than the median (votes lost: one run
    losing a vote is a miss, whatever the others did)."""

    op: str
    limit: float
    worst: bool = False

    def __post_init__(self) -> None:
        if self.op not in ("<", "<=", ">=", "=="):
            raise ValueError(f"unknown comparison {self.op!r}")

    @property
    def text(self) -> str:
        op = {"<=": "≤", ">=": "≥", "==": "="}.get(self.op, self.op)
        return f"{op} {self.limit:,g}"

    def met_by(self, value: float) -> bool:
        if self.op == "<":
            return value < self.limit
        if self.op == "<=":
            return value <= self.limit
        if self.op == ">=":
            return value >= self.limit
        return value == self.limit

    def judge(self, figure: Spread) -> bool:
        if self.worst:
            return self.met_by(figure.low if self.op == ">=" else figure.high)
        return self.met_by(figure.median)


def number(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}"


def cell(figure: Spread | None, digits: int = 1) -> str:
    """`33.5 (20.2–56.2)`; a single run shows its value alone; `–` when there is none."""
    if figure is None:
        return "–"
    if figure.runs == 1 or figure.low == figure.high:
        return number(figure.median, digits)
    return f"{number(figure.median, digits)} ({number(figure.low, digits)}–{number(figure.high, digits)})"


def mark(figure: Spread | None, target: Target | None) -> str:
    """`met`, or `MISSED`, with how many runs met it when there were several; '' when
    there is no target (or no figure: `no figure`)."""
    if target is None:
        return ""
    if figure is None:
        return "no figure"
    verdict = "met" if target.judge(figure) else "MISSED"
    if figure.runs > 1:
        verdict += f" ({sum(1 for v in figure.values if target.met_by(v))}/{figure.runs} runs)"
    return verdict


def ratio(numerators: Sequence[float | None], denominators: Sequence[float | None]) -> Spread | None:
    """Median of the numerators over median of the denominators, spread over the
    run-by-run ratios (run i against run i)."""
    top, bottom = spread(numerators), spread(denominators)
    pairs = [a / b for a, b in zip(numerators, denominators, strict=False) if a is not None and b]
    if top is None or bottom is None or not bottom.median or not pairs:
        return None
    return Spread(top.median / bottom.median, min(pairs), max(pairs), tuple(pairs))


def row(label: str, cells: Sequence[str], target: Target | None, figure: Spread | None, widths: Sequence[int], label_width: int) -> str:
    """One line of a table: label, the cells, the target and its mark."""
    text = f"{label:<{label_width}}" + "".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))
    if target is not None:
        text += f"   {target.text:<8} {mark(figure, target)}"
    return text.rstrip()
