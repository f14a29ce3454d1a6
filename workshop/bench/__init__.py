"""Tooling, not the product: the load storm behind `workshop loadtest`
(`loadtest.py`), the room benchmark (`bench.py`, run as `python -m workshop.bench`)
and the persistence benchmark (`bench_store.py`, `python -m workshop.bench.bench_store`).

This package imports from the product; of the product, only the CLI imports from
here, and only to run `workshop loadtest`.
"""
