"""Grading on Gradescope: an autograder bundle for one lesson, and what it runs per submission.

``python -m course_utils grade --gradescope LESSON --out DIR`` writes
``DIR/gradescope_<lesson>.zip``. Uploaded as a Gradescope "programming
assignment" autograder, each submission is graded in its own container by the
same code as ``python -m course_utils grade``: the contained kernel, the judge,
the points. The bundle holds the course package, the lesson and the data the
lesson reads; ``setup.sh`` installs the Python packages (Gradescope's image
build has internet); ``run_autograder`` grades ``/autograder/submission`` and
writes ``/autograder/results/results.json`` (one test per exercise, with its
points and feedback).

``AUTOGRADER_ROOT`` (default ``/autograder``) and ``AUTOGRADER_PYTHON``
(default ``python3``) let the bundle run elsewhere, which is how the tests
run it.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from ..handout import find_lesson
from ..runtime import repo_root

__all__ = ["write_bundle", "run"]

#: Which shipped data a lesson needs, recognised by what its notebook calls.
_DATA = {
    "ecg": ("load_ecg",),
    "fashion-mnist": ("load_fashion_mnist",),
    "flower_photos": ("load_flowers", "flower_split"),
    "efficientnet_lite0": ("efficientnet_lite0",),
    "mobilenet_v1_0.25_224": ("mobilenet",),
    "imagenet_class_index": ("decode_predictions", "mobilenet", "efficientnet_lite0"),
}

_SETUP = """#!/usr/bin/env bash
# Runs once, when Gradescope builds the autograder image (with internet).
set -euo pipefail
if ! command -v python3 >/dev/null || ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update
    apt-get install -y python3 python3-pip python3-venv
fi
python3 -m pip install --upgrade pip
python3 -m pip install -c /autograder/source/course/constraints.txt /autograder/source/course
"""

_RUN = """#!/usr/bin/env bash
# Runs once per submission: grades it and writes results/results.json.
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-python3}}"
cd "$ROOT/source/course" || exit 1
exec "$PYTHON" -m course_utils.grade.gradescope "$ROOT/submission" "$ROOT/results/results.json" {lesson}
"""


def write_bundle(lesson, out) -> Path:
    """Write the Gradescope autograder bundle of one lesson.

    Parameters
    ----------
    lesson : str
        ``"01"`` or ``"01_convolution_1d"``.
    out : path-like
        Folder for ``gradescope_<lesson>.zip`` (created).

    Returns
    -------
    pathlib.Path
        The zip file.

    Raises
    ------
    ValueError
        ``lesson`` names no single lesson.

    Examples
    --------
    >>> import tempfile
    >>> write_bundle("01", tempfile.mkdtemp()).name
    'gradescope_01_convolution_1d.zip'
    """
    root = repo_root()
    path = find_lesson(lesson, root / "lessons")
    if path is None:
        raise ValueError(f"lesson={lesson!r} matches no single lesson in {str(root / 'lessons')!r}")
    text = path.read_text(encoding="utf-8")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"gradescope_{path.stem}.zip"
    files = [root / name for name in ("pyproject.toml", "constraints.txt", "README.md", "LICENSE")]
    files += [p for p in sorted((root / "course_utils").rglob("*.py"))]
    files += [path]
    data = root / "datasets"
    files += [p for p in (data / "README.md",) if p.is_file()]
    for folder, words in _DATA.items():
        if any(word in text for word in words) and (data / folder).is_dir():
            files += [p for p in sorted((data / folder).rglob("*")) if p.is_file()]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in (("setup.sh", _SETUP), ("run_autograder", _RUN.format(lesson=path.stem))):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o755 << 16
            bundle.writestr(info, content)
        for file in files:
            bundle.write(file, Path("course") / file.relative_to(root))
    return target


def run(submission, results, lesson) -> dict:
    """Grade the notebook in ``submission`` and write Gradescope's ``results.json``.

    Parameters
    ----------
    submission : path-like
        The folder Gradescope puts the student's files in; its ``.ipynb`` is
        graded (more than one: the one with the lesson's name, else the first).
    results : path-like
        Where to write ``results.json``.
    lesson : str
        The lesson the notebook must be.

    Returns
    -------
    dict
        What was written: ``{"score", "tests": [{"name", "score", "max_score",
        "output"}], "output"}``.
    """
    from .core import grade

    submission, results = Path(submission), Path(results)
    notebooks = sorted(p for p in submission.rglob("*.ipynb") if not any(
        part.startswith(".") for part in p.relative_to(submission).parts))
    report: dict = {"score": 0.0, "tests": []}
    if not notebooks:
        report["output"] = "No notebook (.ipynb) was submitted."
    else:
        chosen = next((p for p in notebooks if p.stem == lesson), notebooks[0])
        work = Path(tempfile.mkdtemp(prefix="gradescope-"))
        try:
            (work / "in").mkdir()
            shutil.copyfile(chosen, work / "in" / "submission.ipynb")
            rows = grade(work / "in", work / "out", lesson=lesson, progress=None)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        for row in rows:
            if not row["exercise"]:
                report["output"] = f"{row['status']}: {row['feedback']}"
                continue
            report["tests"].append({"name": row["exercise"], "score": float(row["points"]),
                                    "max_score": float(row["max_points"]),
                                    "output": f"{row['status']}: {row['feedback']}"})
        report["score"] = sum(t["score"] for t in report["tests"])
        if len(notebooks) > 1:
            report["output"] = (f"{len(notebooks)} notebooks were submitted; {chosen.name} was graded. "
                                + report.get("output", ""))
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit("usage: python -m course_utils.grade.gradescope SUBMISSION_DIR RESULTS_JSON LESSON")
    run(*sys.argv[1:])
