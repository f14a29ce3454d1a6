"""The benchmark tooling (`workshop.bench`) stays runnable where the README says, and
stays tooling: the product does not import it."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "workshop"


@pytest.mark.parametrize(
    ("module", "prog"),
    [("workshop.bench", "python -m workshop.bench"), ("workshop.bench.bench_store", "python -m workshop.bench.bench_store")],
)
def test_the_benchmarks_answer_their_help(module, prog):
    out = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.startswith(f"usage: {prog}")


def test_only_the_cli_imports_the_bench_package():
    importers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "bench" not in path.relative_to(PACKAGE).parts
        and re.search(r"^\s*(from\s+(workshop)?\.*bench\b|import\s+workshop\.bench\b)", path.read_text(), re.MULTILINE)
    )
    assert importers == ["cli.py"]
