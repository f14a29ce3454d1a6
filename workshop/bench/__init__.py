"""Tooling, not the product: the load storm behind `workshop loadtest`
(`loadtest.py`), the room benchmark against its two floors (`bench.py`, run as
`python -m workshop.bench`), the long-day benchmark (`longday.py`, `python -m
workshop.bench --long-day`), how their figures are summed up and judged
(`figures.py`), the persistence benchmark (`bench_store.py`, `python -m
workshop.bench.bench_store`) and the room as a process of its own (`headless.py`).

This package imports from the product; of the product, only the CLI imports from
here, and only to run `workshop loadtest`.
"""
