"""Shared by the lesson tests: find lessons, their exercises and their check cells."""

from __future__ import annotations

from pathlib import Path

import nbformat

from course_utils.handout import solution_regions
from course_utils.runtime import repo_root

LESSONS = sorted((repo_root() / "lessons").glob("[0-9][0-9]_*.ipynb"))
# Appendices (infrastructure detours such as speed) have no exercises and no number.
APPENDICES = sorted((repo_root() / "lessons").glob("appendix_*.ipynb"))
NOTEBOOKS = LESSONS + APPENDICES


def read(path: Path):
    return nbformat.read(path, as_version=4)


def exercises(nb):
    """Yield (solution_cell, check_cell) pairs: a cell with a solution and the check after it."""
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(cells):
        if solution_regions(cell.source):
            follow = [c for c in cells[i + 1 :] if "checks.check_" in c.source]
            yield cell, (follow[0] if follow else None)
