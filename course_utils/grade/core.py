"""Grading a class: every submission, in parallel, then the files; and one notebook for a student's pre-check."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..handout import find_lesson
from ..runtime import repo_root
from .judge import Judge, _run_notebook
from .kernel import Limits, containment, landlock_abi
from .reports import _SYMBOL, STATUSES, _points, _report_cells, _write
from .submissions import Lesson, _identify, _merge, find_submissions, load_lesson

__all__ = ["check_notebook", "grade"]

_log = logging.getLogger("course_utils.grade")
_log.addHandler(logging.NullHandler())
_log.propagate = False


async def _grade_one(item, limits: Limits, root: Path, abi: int, judge: Judge):
    """Grade one identified submission; returns {number: (status, feedback)} and the notebook."""
    lesson, submitted = item["lesson"], item["nb"]
    graded, notes = _merge(lesson, submitted)
    results, kernels, fractions = await _run_notebook(lesson, graded, limits, root, abi, judge)
    item["fractions"] = fractions
    for number, note in notes.items():
        if note:
            status, feedback = results[number]
            results[number] = (status, f"{feedback} {note}")
    remark = item.get("remark", "")
    if item["version"] != lesson.version:
        remark += (" This notebook was made from another version of the handout (or its "
                   "version is not recorded); it was graded against the current lesson.")
    return results, _report_cells(lesson, graded, results, limits, remark), kernels


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
        match = find_lesson(lesson, lessons_dir)
        if match is None:
            raise ValueError(f"lesson={lesson!r} matches no single lesson in {str(lessons_dir)!r}")
        expected = lessons[match] = load_lesson(match)
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
                    results, nb, kernels = await _grade_one(item, limits, root, abi, judge)
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
    judge = Judge(root)  # one process for the whole class: numpy and Keras imported once
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
        judge.close()
        shutil.rmtree(root, ignore_errors=True)

    rows = []
    for item in items:
        lesson_ = item["lesson"] or expected
        if item["status"] is None:
            for ex in lesson_.exercises:
                status, feedback = item["results"][ex.number]
                share = 1.0 if status == "passed" else item.get("fractions", {}).get(ex.number, 0.0) * ex.partial
                rows.append({"student": item["student"], "lesson": lesson_.name, "exercise": ex.title,
                             "status": status, "points": _points(round(ex.points * share, 2)),
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
