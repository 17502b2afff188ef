"""The benchmarks and drills drive kwippy from outside: over HTTP and manage.py, not its code."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLING = sorted(path for folder in ("bench", "drills") for path in (ROOT / folder).glob("*.py"))
# In code or in code kept in a string for `python -c`, `shell -c` and the like.
KWIPPY_IMPORT = re.compile(r"^\s*(from|import)\s+kwippy\b", re.MULTILINE)


@pytest.mark.parametrize("path", TOOLING, ids=lambda path: str(path.relative_to(ROOT)))
def test_tooling_imports_nothing_of_kwippy(path):
    assert not KWIPPY_IMPORT.findall(path.read_text())


def test_the_benchmarks_keep_only_the_latest_full_and_quick_results():
    results = ROOT / "bench" / "results"
    assert {path.name for path in results.iterdir()} <= {"latest-full.json", "latest-quick.json"}
