"""Grading itself: find and read submissions, run them in contained kernels, judge, report."""

from __future__ import annotations

import asyncio
import copy
import csv
import html
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..checks import CORRECT, NOT_YET
from ..handout import METADATA_KEY, handout_version, make_handout, solution_regions
from ..runtime import COLAB_URL, repo_root
from .kernel import Limits, _Runner, containment, landlock_abi

__all__ = [
    "STATUSES",
    "Exercise",
    "Lesson",
    "Limits",
    "check_notebook",
    "find_submissions",
    "gradebook",
    "grade",
    "landlock_abi",
    "load_lesson",
    "summary_html",
    "summary_markdown",
]

#: Per exercise: the first five come from running it, the last three mean the
#: notebook could not be graded at all.
STATUSES = ("passed", "not yet", "not attempted", "error", "timeout",
            "invalid notebook", "unknown lesson", "wrong lesson")
_SYMBOL = {"passed": "✅", "not yet": "❌", "not attempted": "⬜", "error": "💥",
           "timeout": "⏱️", "invalid notebook": "🚫", "unknown lesson": "🚫", "wrong lesson": "🚫"}
CSV_COLUMNS = ("student", "lesson", "exercise", "status", "points", "max_points", "feedback")

_EXERCISE_HEADING = re.compile(r"^#+\s*(Exercise\b.*)$", re.MULTILINE)
_DEF = re.compile(r"^\s*def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)
_RAISED = re.compile(r"\w\(.*\) raised [A-Za-z_][\w.]*(: |$)")
_STUB_SAYS = "still raises NotImplementedError"
_CHECK_CALL = re.compile(r"^\s*checks\.(check_\w+)\(\s*([A-Za-z_]\w*)\s*\)\s*$", re.M)
#: Every exercise starts from these seeds (Python, numpy, Keras), in the kernel and in the judge.
SEED = 0
_BADGE = re.compile(re.escape(COLAB_URL) + r"lessons/(\d\d_[\w-]+)\.ipynb")
# An exercise cell that touches these may be trying to fool its check: the checks
# themselves, printing or importing machinery, or a module attribute it assigns to.
_SUSPICIOUS = re.compile(r"\bchecks\b|course_utils|CheckResult|✅|builtins|sys\.(modules|stdout)|"
                         r"importlib|setattr\(|^\s*(np|numpy|scipy|keras|tf)\.[\w.]+\s*=(?!=)", re.M)
_log = logging.getLogger("course_utils.grade")
_log.addHandler(logging.NullHandler())
_log.propagate = False


@dataclass
class Exercise:
    """One exercise of a lesson: its solution cell and the check cell after it.

    Attributes
    ----------
    number : int
        1, 2, ... in the order of the lesson.
    title : str
        The exercise's heading, e.g. ``"Exercise 1: correlation with a loop"``.
    solution_id, check_id : str
        nbformat cell ids (the same in the lesson and its handout).
    function : str or None
        The name of the function the solution cell defines.
    check, argument : str or None
        The check cell's call ``checks.<check>(<argument>)``: what grading records
        in the student's kernel and replays in the judge.
    points : float
        What the exercise is worth when it passes: the solution cell's metadata
        ``{"course": {"points": 2}}`` in the lesson, 1 by default.

    Examples
    --------
    >>> Exercise(1, "Exercise 1: add", "a", "b", "add").function
    'add'
    """

    number: int
    title: str
    solution_id: str
    check_id: str
    function: str | None = None
    check: str | None = None
    argument: str | None = None
    points: float = 1.0


@dataclass
class Lesson:
    """A lesson ready for grading: its handout and what to run in it.

    Attributes
    ----------
    name : str
        The lesson's file name without ``.ipynb``.
    path : pathlib.Path
    handout : nbformat.NotebookNode
        Made fresh from the lesson with ``handout.make_handout``.
    version : str
        ``handout.handout_version`` of that handout.
    exercises : list of Exercise
    plan : list of (str, str)
        What runs, in order: ``("setup", cell_id)`` for the lesson's set-up
        cell (its first code cell), then ``("exercise", solution_id)`` for
        each exercise, whose check runs after it. Nothing else runs: exercise
        and check cells need only what the set-up cell defines (a course
        convention that ``tests/test_handout.py`` enforces), and the lesson's
        demonstrations may call the student's functions on large inputs.
    answer_ids : list of str
        Markdown cells where students write an answer (copied, not graded).

    Examples
    --------
    >>> lesson = load_lesson(sorted((repo_root() / "lessons").glob("01_*.ipynb"))[0])
    >>> lesson.plan[0][0], len(lesson.exercises) >= 3
    ('setup', True)
    """

    name: str
    path: Path
    handout: object
    version: str
    exercises: list[Exercise]
    plan: list[tuple[str, str]]
    answer_ids: list[str] = field(default_factory=list)


def load_lesson(path) -> Lesson:
    """Read an instructor lesson and find its exercises and check cells.

    An exercise is a code cell with a solution region (``### BEGIN SOLUTION``);
    its check is the next code cell that calls ``checks.check_...``.

    Parameters
    ----------
    path : path-like
        A lesson notebook (``lessons/NN_name.ipynb``).

    Returns
    -------
    Lesson

    Raises
    ------
    ValueError
        An exercise without a check cell, or a cell without an id.

    Examples
    --------
    >>> lesson = load_lesson(sorted((repo_root() / "lessons").glob("01_*.ipynb"))[0])
    >>> lesson.exercises[0].function
    'correlate_loop'
    """
    import nbformat

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    handout = make_handout(nb, lesson=path.stem)
    cells = handout.cells  # the handout keeps the lesson's cell ids
    source = {c.get("id"): c.source for c in nb.cells}  # the instructor's, with the markers
    solution = {i for i, s in source.items() if solution_regions(s, f"{path.name}: cell {i}")}
    code = [c for c in cells if c.cell_type == "code"]
    exercises, answer_ids, title = [], [], None
    for cell in cells:
        if cell.cell_type == "markdown":
            headings = _EXERCISE_HEADING.findall(cell.source)
            title = headings[-1].strip() if headings else title
            if cell.get("id") in solution:
                answer_ids.append(cell.id)
            continue
        if cell.cell_type != "code" or cell.get("id") not in solution:
            continue
        later = code[code.index(cell) + 1:]
        check = None
        for other in later:
            if other.get("id") in solution:
                break
            if "checks.check_" in other.source:
                check = other
                break
        if check is None:
            raise ValueError(f"{path.name}: the exercise in cell {cell.get('id')} has no check cell "
                             "(a code cell calling checks.check_...) after it")
        names = _DEF.findall(source[cell.id].split("### BEGIN SOLUTION")[0])
        number = len(exercises) + 1
        call = _CHECK_CALL.search(check.source)
        if call is None:
            raise ValueError(f"{path.name}: the check cell {check.get('id')} must be one call "
                             "checks.check_<name>(<function>)")
        points = cell.metadata.get("course", {}).get("points", 1)
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points < 0:
            raise ValueError(f"{path.name}: cell {cell.id}: metadata course.points must be a number >= 0; "
                             f"got {points!r}")
        exercises.append(Exercise(number, title or f"Exercise {number}", cell.id, check.id,
                                  names[-1] if names else None, call.group(1), call.group(2), float(points)))
        title = None
    if not exercises:
        raise ValueError(f"{path.name}: no exercise cells (### BEGIN SOLUTION in a code cell)")
    plan = [("setup", code[0].id)] if code[0].id not in solution else []
    plan += [("exercise", e.solution_id) for e in exercises]
    return Lesson(path.stem, path, handout, handout_version(handout), exercises, plan, answer_ids)


def find_submissions(folder, exclude=()) -> list[tuple[str, Path]]:
    """List the notebooks under ``folder`` with the student each belongs to.

    A notebook in a sub-folder belongs to the student named by the first
    sub-folder; a notebook directly in ``folder`` to its file name without
    ``.ipynb``. Hidden files and folders (``.ipynb_checkpoints``) and
    ``__MACOSX`` are skipped.

    Parameters
    ----------
    folder : path-like
        The submissions.
    exclude : iterable of path-like
        Folders to skip (the output folder, when it lies inside ``folder``).

    Returns
    -------
    list of (str, pathlib.Path)
        ``(student, path)``, sorted by path.

    Raises
    ------
    ValueError
        ``folder`` is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "ann").mkdir(); _ = (root / "ann" / "hw.ipynb").write_text("{}")
    >>> _ = (root / "bob.ipynb").write_text("{}")
    >>> [(s, p.name) for s, p in find_submissions(root)]
    [('ann', 'hw.ipynb'), ('bob', 'bob.ipynb')]
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"submissions folder {str(folder)!r} is not a folder")
    skip = [Path(e).resolve() for e in exclude]
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        rel = path.relative_to(folder)
        if any(p.startswith(".") or p == "__MACOSX" for p in rel.parts) or not path.is_file():
            continue
        if any(path.resolve().is_relative_to(s) for s in skip):
            continue
        found.append((rel.parts[0] if len(rel.parts) > 1 else path.stem, path))
    return found


def _stdout(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.output_type == "stream" and o.get("name") == "stdout")


def _error(cell) -> str | None:
    for out in cell.get("outputs", []):
        if out.output_type == "error":
            value = str(out.get("evalue", "")).strip()
            return f"{out.get('ename', 'Error')}: {value}"[:300] if value else out.get("ename", "Error")
    return None


def _verdict(check_cell, solution_cell, judged) -> tuple[str, str]:
    """Status and feedback of an exercise whose check ran to its end in the kernel (recording),
    from the judge's verdict ``judged`` = (ok, line)."""
    raised = _error(solution_cell)
    check_error = _error(check_cell)
    if check_error:
        where = f"your exercise cell raised {raised}; then " if raised else ""
        return "error", f"{where}the check stopped with {check_error}"
    if judged is None:
        return "error", "the grader's judge gave no verdict"
    ok, line = judged
    also = f" (your exercise cell also raised {raised})" if raised else ""
    if ok:
        return "passed", line + also
    if _STUB_SAYS in line:
        return "not attempted", line
    if _RAISED.search(line):
        return "error", line + also
    return "not yet", line + also


def _without_verdicts(outputs) -> list:
    """The kernel's outputs of a check, without the verdict lines printed there (the judge's
    verdict replaces them: what the kernel prints may have been written by the student)."""
    kept = []
    for out in outputs:
        if out.output_type == "stream":
            lines = [line for line in out.text.splitlines(keepends=True)
                     if not line.lstrip().startswith((CORRECT, NOT_YET))]
            if not "".join(lines).strip():
                continue
            out = copy.deepcopy(out)
            out.text = "".join(lines)
        kept.append(out)
    return kept


def _judge(jobs: list[dict], workdir: Path, timeout: float) -> dict:
    """Run the judge (``checks._tape``) in a new process that runs no student code; returns
    {key: (ok, line)}. The recordings are copied out of the student's folder first, without
    following links."""
    if not jobs:
        return {}
    import subprocess

    safe = Path(tempfile.mkdtemp(prefix="judge-", dir=workdir.parent))
    try:
        for job in jobs:
            target = safe / str(job["key"])
            target.mkdir()
            source = Path(job["folder"])
            if source.is_dir() and not source.is_symlink():
                for entry in source.iterdir():
                    if entry.is_file() and not entry.is_symlink() and entry.stat().st_size < 2**28:
                        shutil.copyfile(entry, target / entry.name, follow_symlinks=False)
            job["folder"] = str(target)
        (safe / "job.json").write_text(json.dumps(jobs), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update({"PYTHONPATH": str(repo_root()), "PYTHONHASHSEED": "0", "TF_CPP_MIN_LOG_LEVEL": "2"})
        run = subprocess.run([sys.executable, "-m", "course_utils.checks._tape", "judge",
                              str(safe / "job.json")], capture_output=True, text=True,
                             timeout=timeout, env=env, cwd=str(safe))
        if run.returncode != 0:
            _log.error("the judge failed: %s", run.stderr[-2000:])
            return {}
        return {int(k): (bool(v[0]), str(v[1])) for k, v in json.loads(run.stdout).items()}
    except (subprocess.TimeoutExpired, ValueError, OSError) as err:
        _log.error("the judge failed: %s", err)
        return {}
    finally:
        shutil.rmtree(safe, ignore_errors=True)


async def _run_notebook(lesson: Lesson, nb, limits: Limits, root: Path, abi: int):
    """Execute the graded notebook ``nb``; return {exercise number: (status, feedback)}."""
    index = {c.get("id"): i for i, c in enumerate(nb.cells)}
    exercises = {e.solution_id: e for e in lesson.exercises}
    deadline = time.monotonic() + limits.total_timeout
    import nbformat

    hidden = nbformat.v4.new_code_cell("")  # the grader's own code runs here: seeds, recordings
    nb.cells.append(hidden)
    hidden_at = len(nb.cells) - 1
    runner = _Runner(nb, limits, root, abi)
    results, ran_setup, broken = {}, [], None
    tapes = runner.workdir / ".tapes"
    recorded: dict[int, Exercise] = {}

    async def grader_code(code: str, limit: float) -> str:
        hidden.source, hidden.outputs = code, []
        return await runner.run(hidden_at, limit)

    def left(limit):
        return min(limit, deadline - time.monotonic())

    def too_long(limit, what):
        if limit < limits.cell_timeout - 0.5:
            return f"the notebook's time limit ({limits.total_timeout:g} s) ran out during {what}"
        return None

    async def ensure_kernel():
        if runner.alive() and runner.client.kc is not None:
            return None
        await runner.stop()
        await runner.start()
        for cell_id in ran_setup:
            state = await runner.run(index[cell_id], left(limits.setup_timeout))
            if state != "ok":
                return f"the lesson's set-up cell did not run again after a restart ({state})"
        return None

    try:
        for kind, cell_id in lesson.plan:
            ex = exercises.get(cell_id)
            if broken is not None:
                if ex is not None:
                    results[ex.number] = broken
                continue
            if left(limits.cell_timeout) <= 0:
                broken = ("timeout", f"not run: the notebook's time limit ({limits.total_timeout:g} s) "
                                     "was reached")
                if ex is not None:
                    results[ex.number] = broken
                continue
            try:
                problem = await ensure_kernel()
            except Exception as err:  # report it as the exercise's status
                problem = f"the grader could not start a kernel ({type(err).__name__}: {err})"
            if problem:
                broken = ("error", problem)
                if ex is not None:
                    results[ex.number] = broken
                continue
            if kind == "setup":
                limit = left(limits.setup_timeout)
                state = await runner.run(index[cell_id], limit)
                if state == "ok":
                    ran_setup.append(cell_id)
                else:
                    why = {"timeout": f"ran longer than {limit:.0f} s", "dead": "killed its kernel",
                           "error": f"raised {_error(nb.cells[index[cell_id]])}"}[state]
                    broken = ("error", f"the lesson's set-up cell {why}")
                continue
            name = f"{ex.function}()" if ex.function else "your function"
            await grader_code(f"__import__('course_utils.checks._tape', fromlist=['_seed'])._seed({SEED})", 30)
            limit = left(limits.cell_timeout)
            state = await runner.run(index[ex.solution_id], limit)
            if state == "timeout":
                results[ex.number] = ("timeout", too_long(limit, "your exercise cell") or
                                      f"your exercise cell ran longer than {limit:.0f} s and was stopped")
                continue
            if state == "dead":
                results[ex.number] = ("error", runner.death("your exercise cell"))
                continue
            # The official check runs, recording what the student's function returns; the
            # verdict comes later from the judge, which replays the recording.
            limit = left(limits.cell_timeout)
            folder = tapes / f"exercise{ex.number}"
            state = await grader_code(
                f"__import__('course_utils.checks._tape', fromlist=['record']).record("
                f"{str(folder)!r}, {ex.check!r}, {ex.argument}, seed={SEED})", limit)
            nb.cells[index[ex.check_id]].outputs = _without_verdicts(hidden.outputs)
            if state == "timeout":
                results[ex.number] = ("timeout", too_long(limit, f"the check of {name}") or
                                      f"the check did not finish within {limit:.0f} s: "
                                      f"does {name} end for every input?")
            elif state == "dead":
                results[ex.number] = ("error", runner.death(f"the check of {name}"))
            else:
                recorded[ex.number] = ex
        jobs = [{"key": number, "folder": str(tapes / f"exercise{number}"), "check": ex.check,
                 "name": ex.argument, "source": nb.cells[index[ex.solution_id]].source, "seed": SEED}
                for number, ex in recorded.items()]
        judged = _judge(jobs, runner.workdir, timeout=max(60.0, 30.0 * len(jobs)))
        for number, ex in recorded.items():
            check_cell = nb.cells[index[ex.check_id]]
            results[number] = _verdict(check_cell, nb.cells[index[ex.solution_id]], judged.get(number))
            if number in judged and _error(check_cell) is None:
                check_cell.outputs.append(nbformat.v4.new_output("stream", name="stdout",
                                                                 text=judged[number][1] + "\n"))
    finally:
        await runner.stop()
        shutil.rmtree(runner.workdir, ignore_errors=True)
        nb.cells.remove(hidden)
    for ex in lesson.exercises:
        results.setdefault(ex.number, ("error", "not run"))
    return results, runner.kernels


# --------------------------------------------------------------------------
# one submission
# --------------------------------------------------------------------------
def _merge(lesson: Lesson, submitted):
    """The lesson's handout with the student's solution cells; notes per exercise."""
    graded = copy.deepcopy(lesson.handout)
    mine = {c.get("id"): c for c in submitted.cells if c.get("id")}
    index = {c.get("id"): i for i, c in enumerate(graded.cells)}
    notes = {}  # below: a notebook without cell ids (nbformat < 4.5, Colab) is matched by name
    for ex in lesson.exercises:
        cell = mine.get(ex.solution_id)
        note = None
        if cell is None or cell.cell_type != "code":
            pattern = re.compile(rf"^\s*def\s+{re.escape(ex.function)}\s*\(", re.M) if ex.function else None
            found = [c for c in submitted.cells if c.cell_type == "code" and pattern and pattern.search(c.source)]
            cell = found[-1] if found else None
            if cell is None:
                note = "(no exercise cell found in the notebook: the handout's stub was graded)"
            elif mine:
                note = "(exercise cell found by its function name, not its cell id)"
        if cell is not None:
            graded.cells[index[ex.solution_id]].source = cell.source
            suspect = _SUSPICIOUS.search(cell.source)
            if suspect:
                note = ((note + " ") if note else "") + (
                    f"[review: the exercise cell contains {suspect.group(0).strip()!r}]")
        notes[ex.number] = note
    for cell_id in lesson.answer_ids:
        if cell_id in mine and mine[cell_id].cell_type == "markdown":
            graded.cells[index[cell_id]].source = mine[cell_id].source
    return graded, notes


def _report_cells(lesson: Lesson, nb, results, limits: Limits, remark: str):
    """Add the grading report at the top and a verdict under each check."""
    import nbformat

    def one_line(text):
        return text.replace("|", "\\|").replace("\n", " ")

    passed = sum(status == "passed" for status, _ in results.values())
    rows = "\n".join(f"| {ex.title} | {_SYMBOL[results[ex.number][0]]} {results[ex.number][0]} "
                     f"| {one_line(results[ex.number][1])} |" for ex in lesson.exercises)
    top = nbformat.v4.new_markdown_cell(
        f"## Grading report: {passed} of {len(lesson.exercises)} exercises passed\n\n"
        f"| exercise | status | feedback |\n| --- | --- | --- |\n{rows}\n\n"
        f"Graded by `python -m course_utils grade`: your exercise cells were put into a fresh "
        f"copy of lesson {lesson.name}'s handout; its set-up cell, your exercise cells and the "
        f"checks ran in a new kernel in fast mode (at most {limits.cell_timeout:g} s per cell, "
        f"{limits.total_timeout:g} s in all, {limits.memory_mb} MB of memory). The rest of the "
        f"lesson did not run.{remark}")
    check_at = {ex.check_id: ex for ex in lesson.exercises}
    cells = [top]
    for cell in nb.cells:
        cells.append(cell)
        ex = check_at.get(cell.get("id"))
        if ex is not None:
            status, feedback = results[ex.number]
            cells.append(nbformat.v4.new_markdown_cell(
                f"**Grader: {_SYMBOL[status]} {status}.** {feedback}"))
    nb.cells = cells
    return nb


async def _grade_one(item, limits: Limits, root: Path, abi: int):
    """Grade one identified submission; returns {number: (status, feedback)} and the notebook."""
    lesson, submitted = item["lesson"], item["nb"]
    graded, notes = _merge(lesson, submitted)
    results, kernels = await _run_notebook(lesson, graded, limits, root, abi)
    for number, note in notes.items():
        if note:
            status, feedback = results[number]
            results[number] = (status, f"{feedback} {note}")
    remark = item.get("remark", "")
    if item["version"] != lesson.version:
        remark += (" This notebook was made from another version of the handout (or its "
                   "version is not recorded); it was graded against the current lesson.")
    return results, _report_cells(lesson, graded, results, limits, remark), kernels


# --------------------------------------------------------------------------
# a folder of submissions
# --------------------------------------------------------------------------
def _find_lesson(name: str, lessons_dir: Path) -> Path | None:
    exact = lessons_dir / f"{name}.ipynb"
    if exact.is_file():
        return exact
    number = name.split("_")[0]
    matches = sorted(p for p in lessons_dir.glob(f"{number}_*.ipynb") if number.isdigit())
    return matches[0] if len(matches) == 1 else None


def _identify(student, path, data, lessons_dir, lessons, expected):
    """Parse and identify one submission; returns a dict describing it."""
    import nbformat

    item = {"student": student, "path": path, "lesson": None, "status": None, "why": ""}
    try:
        nb = nbformat.reads(data.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # any unreadable file is an invalid notebook
        first = str(err).strip().splitlines()[0] if str(err).strip() else ""
        item.update(status="invalid notebook",
                    why=f"cannot read {path.name} as a notebook ({type(err).__name__}: {first[:200]})")
        return item
    meta = nb.metadata.get(METADATA_KEY)
    meta = meta if isinstance(meta, dict) else {}
    name, item["remark"] = meta.get("lesson"), ""
    if not isinstance(name, str) or not name:
        # An editor that drops unknown metadata: the handout's Colab badge names its lesson.
        badges = [m for c in nb.cells[:3] for m in _BADGE.findall(c.get("source", ""))]
        if len(set(badges)) != 1:
            item.update(status="unknown lesson", why=f"{path.name} has neither the course's metadata "
                        "nor a lesson's Colab badge: it is not a handout of this course")
            return item
        name = badges[0]
        item["remark"] = (" Its course metadata was missing; its lesson was recognised by the "
                          "Colab badge in its first cell.")
    item["name"] = name
    if expected is not None and _find_lesson(name, lessons_dir) != expected.path:
        item.update(status="wrong lesson",
                    why=f"{path.name} is the handout of lesson {name}, not of {expected.name}")
        return item
    lesson_path = _find_lesson(name, lessons_dir)
    if lesson_path is None:
        item.update(status="unknown lesson", why=f"{path.name} is from lesson {name}, which is not in "
                    f"{lessons_dir}")
        return item
    if lesson_path not in lessons:
        lessons[lesson_path] = load_lesson(lesson_path)
    item.update(lesson=lessons[lesson_path], nb=nb, version=meta.get("version"))
    return item


def grade(submissions, out, lesson=None, limits: Limits | None = None, jobs: int | None = None,
          lessons_dir=None, progress=print) -> list[dict]:
    """Grade every notebook under ``submissions`` and write the results to ``out``.

    Writes ``grades.csv`` (columns ``student, lesson, exercise, status,
    feedback``, one row per student and exercise), ``summary.md`` and
    ``summary.html`` (students by exercises, with totals) and
    ``feedback/<the submission's path>``: the graded notebook with a report,
    for the student. Every submission is read before any student code runs;
    the files are written at the end.

    Parameters
    ----------
    submissions : path-like
        A folder of notebooks, one sub-folder per student or flat.
    out : path-like
        The output folder (created; may lie inside ``submissions``).
    lesson : str, optional
        Expected lesson (``"01"`` or ``"01_convolution_1d"``): a notebook of
        another lesson gets ``wrong lesson``. By default each notebook is
        graded as the lesson it comes from.
    limits : Limits, optional
    jobs : int, optional
        Notebooks graded at the same time; by default as many as there are
        CPU cores and as the free memory allows (``limits.memory_mb`` each).
    lessons_dir : path-like, optional
        Where the instructor lessons are (default ``lessons/``).
    progress : callable or None
        Called with one line of text per event.

    Returns
    -------
    list of dict
        The rows of ``grades.csv``.

    Raises
    ------
    ValueError
        No notebooks found, an unknown ``lesson``, or ``out`` would hold the
        submissions.

    Examples
    --------
    >>> import tempfile
    >>> grade(tempfile.mkdtemp(), tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: no .ipynb files under ...
    """
    limits = limits or Limits()
    say = progress or (lambda text: None)
    submissions, out = Path(submissions), Path(out)
    lessons_dir = Path(lessons_dir) if lessons_dir is not None else repo_root() / "lessons"
    if submissions.is_dir() and submissions.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"out={str(out)!r} must not be the submissions folder or contain it")
    found = find_submissions(submissions, exclude=[out])
    if not found:
        raise ValueError(f"no .ipynb files under {str(submissions)!r}")
    lessons: dict[Path, Lesson] = {}
    expected = None
    if lesson is not None:
        matches = [p for p in sorted(lessons_dir.glob("[0-9][0-9]_*.ipynb"))
                   if p.stem == str(lesson) or p.stem.startswith(f"{lesson}_")]
        if len(matches) != 1:
            raise ValueError(f"lesson={lesson!r} matches no single lesson in {str(lessons_dir)!r}")
        expected = lessons[matches[0]] = load_lesson(matches[0])
    raw = [(student, path, path.read_bytes()) for student, path in found]  # before any code runs
    items = [_identify(s, p, d, lessons_dir, lessons, expected) for s, p, d in raw]
    if expected is None and len({id(i["lesson"]) for i in items if i["lesson"]}) == 1:
        expected = next(i["lesson"] for i in items if i["lesson"])  # one lesson: report others as it
    seen: dict[tuple, int] = {}
    for item in items:
        key = (item["student"], item["lesson"].name if item["lesson"] else item.get("name"))
        seen[key] = seen.get(key, 0) + 1
    for item in items:
        key = (item["student"], item["lesson"].name if item["lesson"] else item.get("name"))
        if seen[key] > 1:  # two notebooks of one lesson from one student: name them apart
            item["student"] = item["path"].relative_to(submissions).with_suffix("").as_posix()

    abi = landlock_abi()
    if jobs is None:
        try:
            import psutil

            free = psutil.virtual_memory().available // ((limits.memory_mb + 512) * 2**20)
        except ImportError:
            free = 1
        jobs = max(1, min(os.cpu_count() or 1, int(free)))
    if not isinstance(jobs, int) or jobs < 1:
        raise ValueError(f"jobs must be a positive int; got {jobs!r}")
    todo = [i for i in items if i["status"] is None]
    say(f"grading {len(items)} notebook(s) from {submissions}, {min(jobs, max(len(todo), 1))} at a time; "
        f"limits: {limits.cell_timeout:g} s per cell, {limits.total_timeout:g} s per notebook, "
        f"{limits.memory_mb} MB")
    try:
        import psutil  # noqa: F401
    except ImportError:
        say("  memory watchdog OFF (no psutil): only the address-space cap applies")
    for text in containment(abi):
        say(f"  student code, {text}")

    start = time.perf_counter()
    done = [0]
    width = max(len(i["student"]) for i in items)

    def line(item, text):
        done[0] += 1
        say(f"[{done[0]:>{len(str(len(items)))}}/{len(items)}] {item['student']:<{width}}  {text}")

    for item in items:
        if item["status"] is not None:
            line(item, f"{item['status']}: {item['why']}")

    async def run_all():
        gate = asyncio.Semaphore(jobs)

        async def one(item):
            async with gate:
                began = time.perf_counter()
                try:
                    results, nb, kernels = await _grade_one(item, limits, root, abi)
                except Exception as err:  # a grader bug must not stop the others
                    _log.exception("grading %s", item["path"])
                    results = {e.number: ("error", f"the grader failed: {type(err).__name__}: {err}")
                               for e in item["lesson"].exercises}
                    nb, kernels = None, 0
                item.update(results=results, graded=nb)
                counts = {}
                for status, _ in results.values():
                    counts[status] = counts.get(status, 0) + 1
                text = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda x: STATUSES.index(x[0])))
                extra = f", {kernels} kernels" if kernels > 1 else ""
                line(item, f"{item['lesson'].name}: {text} ({time.perf_counter() - began:.1f} s{extra})")

        await asyncio.gather(*(one(i) for i in todo))

    root = Path(tempfile.mkdtemp(prefix="course-grade-"))
    try:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: no event loop here
            asyncio.run(run_all())
        else:  # called from a notebook, whose loop is running: use a thread
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(1) as pool:
                pool.submit(asyncio.run, run_all()).result()
    finally:
        shutil.rmtree(root, ignore_errors=True)

    rows = []
    for item in items:
        lesson_ = item["lesson"] or expected
        if item["status"] is None:
            for ex in lesson_.exercises:
                status, feedback = item["results"][ex.number]
                rows.append({"student": item["student"], "lesson": lesson_.name, "exercise": ex.title,
                             "status": status, "points": _points(ex.points if status == "passed" else 0),
                             "max_points": _points(ex.points), "feedback": feedback})
        elif lesson_ is not None:
            rows += [{"student": item["student"], "lesson": lesson_.name, "exercise": ex.title,
                      "status": item["status"], "points": "0", "max_points": _points(ex.points),
                      "feedback": item["why"]} for ex in lesson_.exercises]
        else:
            rows.append({"student": item["student"], "lesson": item.get("name", ""), "exercise": "",
                         "status": item["status"], "points": "0", "max_points": "",
                         "feedback": item["why"]})
    _write(out, submissions, items, rows, limits, abi, time.perf_counter() - start)
    say(f"graded {len(items)} notebook(s) in {time.perf_counter() - start:.1f} s; "
        f"wrote {out / 'grades.csv'}, summary.md, summary.html and feedback/")
    return rows


def check_notebook(path, limits: Limits | None = None, out=None, progress=print) -> list[dict]:
    """Grade one notebook as the instructor will, and print its table: a student's pre-check.

    ``python -m course_utils check NOTEBOOK`` calls this. The notebook is copied
    into a temporary folder and graded exactly as :func:`grade` grades a class
    (same kernels, limits, judge); nothing is written beside it.

    Parameters
    ----------
    path : path-like
        The student's notebook (a handout with the exercises done).
    limits : Limits, optional
    out : path-like, optional
        Also write the graded notebook (with its report) there.
    progress : callable or None
        Called with each line of the table.

    Returns
    -------
    list of dict
        The rows :func:`grade` returns.

    Examples
    --------
    >>> check_notebook("no-such-notebook.ipynb")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: no notebook at ...
    """
    path = Path(path)
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"no notebook at {str(path)!r} (give the path of a .ipynb file)")
    say = progress or (lambda text: None)
    work = Path(tempfile.mkdtemp(prefix="course-check-"))
    try:
        (work / "in").mkdir()
        shutil.copyfile(path, work / "in" / path.name)
        rows = grade(work / "in", work / "out", limits=limits, progress=None)
        graded = [r for r in rows if r["exercise"]]
        if not graded:
            say(f"{path.name}: {rows[0]['status']}: {rows[0]['feedback']}")
        else:
            passed = sum(r["status"] == "passed" for r in graded)
            points = sum(float(r["points"]) for r in graded)
            most = sum(float(r["max_points"]) for r in graded)
            say(f"{path.name} (lesson {graded[0]['lesson']}): {passed} of {len(graded)} exercises passed, "
                f"{_points(points)} of {_points(most)} points")
            for r in graded:
                say(f"  {_SYMBOL[r['status']]} {r['exercise']}: {r['status']} ({r['points']}/{r['max_points']})")
                say(f"      {r['feedback']}")
        if out is not None:
            for found in (work / "out" / "feedback").rglob("*.ipynb"):
                Path(out).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(found, Path(out) / found.name)
        return rows
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write(out: Path, submissions: Path, items, rows, limits: Limits, abi: int, seconds: float):
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    book = gradebook(rows)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(book[0]) if book else ["student"])
        writer.writeheader()
        writer.writerows(book)
    note = (f"{len(items)} notebooks graded in {seconds:.0f} s; limits: {limits.cell_timeout:g} s per "
            f"cell, {limits.total_timeout:g} s per notebook, {limits.memory_mb} MB. Student code, "
            + "; ".join(containment(abi)) + ".")
    (out / "summary.md").write_text(summary_markdown(rows, note), encoding="utf-8")
    (out / "summary.html").write_text(summary_html(rows, note), encoding="utf-8")
    for item in items:
        if item.get("graded") is not None:
            target = out / "feedback" / item["path"].relative_to(submissions)
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(item["graded"], target)


def _points(value: float) -> str:
    """Points as written in the CSV files: 2, 0.5."""
    return f"{float(value):g}"


def gradebook(rows) -> list[dict]:
    """One row per student, one column per lesson with the points earned, for a grade book.

    The columns are ``student`` and, for each lesson, ``"<lesson> (out of <max>)"``.
    Moodle's "Import grades from CSV" reads this file as it is (map ``student``
    to the user name or e-mail the folders are named by); other systems import
    it after a column mapping.

    Parameters
    ----------
    rows : list of dict
        Rows as :func:`grade` returns them.

    Returns
    -------
    list of dict

    Examples
    --------
    >>> gradebook([{"student": "ann", "lesson": "01_x", "exercise": "Exercise 1", "status": "passed",
    ...             "points": "2", "max_points": "2", "feedback": ""}])
    [{'student': 'ann', '01_x (out of 2)': '2'}]
    """
    maxima: dict[str, dict[str, float]] = {}
    earned: dict[str, dict[str, float]] = {}
    for row in rows:
        if not row.get("exercise"):
            continue
        maxima.setdefault(row["lesson"], {})[row["exercise"]] = float(row.get("max_points") or 0)
        mine = earned.setdefault(row["student"], {})
        mine[row["lesson"]] = mine.get(row["lesson"], 0.0) + float(row.get("points") or 0)
    heads = {lesson: f"{lesson} (out of {_points(sum(m.values()))})" for lesson, m in maxima.items()}
    return [{"student": student, **{heads[lesson]: _points(got.get(lesson, 0.0)) for lesson in heads}}
            for student, got in sorted(earned.items())]


def _tables(rows):
    """{lesson: (exercises in order, {student: {exercise: row}})}; ungraded rows apart."""
    tables, loose = {}, []
    for row in rows:
        if not row["exercise"]:
            loose.append(row)
            continue
        exercises, students = tables.setdefault(row["lesson"], ([], {}))
        if row["exercise"] not in exercises:
            exercises.append(row["exercise"])
        students.setdefault(row["student"], {})[row["exercise"]] = row
    return tables, loose


def _short(title: str, number: int) -> str:
    match = re.match(r"Exercise\s+(\w+)", title)
    return f"Ex {match.group(1)}" if match else f"Ex {number}"


def summary_markdown(rows, note: str = "") -> str:
    """Students by exercises, one table per lesson, as Markdown.

    Parameters
    ----------
    rows : list of dict
        Rows as :func:`grade` returns them.
    note : str
        A line to put under the title.

    Returns
    -------
    str

    Examples
    --------
    >>> print(summary_markdown([{"student": "ann", "lesson": "01_x", "exercise": "Exercise 1: add",
    ...                          "status": "passed", "points": "1", "max_points": "1",
    ...                          "feedback": "ok"}]).splitlines()[6])
    | ann | ✅ passed | 1/1 | 1/1 |
    """
    tables, loose = _tables(rows)
    out = ["# Grades", "", note, ""] if note else ["# Grades", ""]
    for lesson, (exercises, students) in tables.items():
        heads = [_short(t, i + 1) for i, t in enumerate(exercises)]
        out += [f"## {lesson}", "", "| student | " + " | ".join(heads) + " | passed | points |",
                "| --- |" + " --- |" * (len(heads) + 2)]
        for student in sorted(students):
            got = students[student]
            cells = [f"{_SYMBOL[got[e]['status']]} {got[e]['status']}" if e in got else "" for e in exercises]
            total = sum(got.get(e, {}).get("status") == "passed" for e in exercises)
            points = sum(float(got.get(e, {}).get("points") or 0) for e in exercises)
            most = sum(float(got.get(e, {}).get("max_points") or 0) for e in exercises)
            out.append(f"| {student} | " + " | ".join(cells) + f" | {total}/{len(exercises)} | "
                       f"{_points(points)}/{_points(most)} |")
        counts = [sum(s.get(e, {}).get("status") == "passed" for s in students.values()) for e in exercises]
        if len(students) > 1:
            out.append("| **passed** | " + " | ".join(f"{c}/{len(students)}" for c in counts) + " | | |")
        out += [""] + [f"- {h}: {t}" for h, t in zip(heads, exercises)] + [""]
    if loose:
        out += ["## Not graded", ""] + [f"- {r['student']}: {r['status']}: {r['feedback']}" for r in loose]
        out.append("")
    out.append("Feedback for every exercise: `grades.csv`; graded notebooks to return: `feedback/`.")
    return "\n".join(out) + "\n"


def summary_html(rows, note: str = "") -> str:
    """The same tables as :func:`summary_markdown`, as a stand-alone HTML page.

    The feedback of each exercise shows when the pointer rests on its status.

    Parameters
    ----------
    rows : list of dict
        Rows as :func:`grade` returns them.
    note : str
        A line to put under the title.

    Returns
    -------
    str

    Examples
    --------
    >>> "<table>" in summary_html([{"student": "ann", "lesson": "01_x", "exercise": "Exercise 1: a",
    ...                             "status": "error", "feedback": "x < y"}])
    True
    """
    e = html.escape
    tables, loose = _tables(rows)
    colour = {"passed": "#d9f2d9", "not yet": "#fde2cf", "not attempted": "#eeeeee", "error": "#f8c9c9",
              "timeout": "#f8c9c9"}
    body = [f"<h1>Grades</h1><p>{e(note)}</p>"]
    for lesson, (exercises, students) in tables.items():
        heads = [_short(t, i + 1) for i, t in enumerate(exercises)]
        body.append(f"<h2>{e(lesson)}</h2><table><tr><th>student</th>"
                    + "".join(f'<th title="{e(t)}">{e(h)}</th>' for h, t in zip(heads, exercises))
                    + "<th>passed</th></tr>")
        for student in sorted(students):
            got = students[student]
            cells = []
            for ex in exercises:
                row = got.get(ex)
                if row is None:
                    cells.append("<td></td>")
                    continue
                bg = colour.get(row["status"], "#f8c9c9")
                cells.append(f'<td style="background:{bg}" title="{e(row["feedback"])}">'
                             f"{_SYMBOL[row['status']]} {e(row['status'])}</td>")
            total = sum(got.get(x, {}).get("status") == "passed" for x in exercises)
            body.append(f"<tr><td>{e(student)}</td>{''.join(cells)}<td>{total}/{len(exercises)}</td></tr>")
        counts = [sum(s.get(x, {}).get("status") == "passed" for s in students.values()) for x in exercises]
        body.append("<tr><th>passed</th>" + "".join(f"<th>{c}/{len(students)}</th>" for c in counts)
                    + "<th></th></tr></table><ul>"
                    + "".join(f"<li>{e(h)}: {e(t)}</li>" for h, t in zip(heads, exercises)) + "</ul>")
    if loose:
        body.append("<h2>Not graded</h2><ul>" + "".join(
            f"<li>{e(r['student'])}: {e(r['status'])}: {e(r['feedback'])}</li>" for r in loose) + "</ul>")
    style = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
             "td,th{border:1px solid #bbb;padding:4px 8px;text-align:left}")
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>Grades</title>'
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")
