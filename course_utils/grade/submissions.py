"""Submissions and lessons: find the notebooks, read the lesson's exercises, identify and merge a submission."""

from __future__ import annotations

import copy
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..handout import METADATA_KEY, find_lesson, handout_version, make_handout, solution_regions
from ..runtime import COLAB_URL

_log = logging.getLogger("course_utils.grade")


_EXERCISE_HEADING = re.compile(r"^#+\s*(Exercise\b.*)$", re.MULTILINE)


_DEF = re.compile(r"^\s*def\s+([A-Za-z_]\w*)\s*\(", re.MULTILINE)


_CHECK_CALL = re.compile(r"^\s*checks\.(check_\w+)\(\s*([A-Za-z_]\w*)\s*\)\s*$", re.M)


_BADGE = re.compile(re.escape(COLAB_URL) + r"(?:lessons|exercises)/([\w-]+)\.ipynb")


# An exercise cell that touches these may be trying to fool its check: the checks
# themselves, printing or importing machinery, or a module attribute it assigns to.
_SUSPICIOUS = re.compile(r"\bchecks\b|course_utils|CheckResult|✅|builtins|sys\.(modules|stdout)|"
                         r"importlib|setattr\(|\.tapes|tape\.json|_tape\b|"
                         r"^\s*(np|numpy|scipy|keras|tf)\.[\w.]+\s*=(?!=)", re.M)


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
    partial : bool
        ``{"course": {"partial": true}}``: a check in parts (a prediction with
        several answers) that does not pass earns its points times the share of
        parts that are right.

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
    partial: bool = False


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
        What runs, in order: ``("setup", cell_id)`` for each of the lesson's
        set-up cells (its code cells up to the one that calls
        ``course_utils.setup(``: the Colab cell, then the set-up cell), then ``("exercise", solution_id)`` for
        each exercise, whose check runs after it. Nothing else runs: exercise
        and check cells need only what the set-up cell defines (a course
        convention that ``tests/test_handout.py`` enforces), and the lesson's
        demonstrations may call the student's functions on large inputs.
    answer_ids : list of str
        Markdown cells where students write an answer (copied, not graded).

    Examples
    --------
    >>> from course_utils.runtime import repo_root
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
    >>> from course_utils.runtime import repo_root
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
        partial = cell.metadata.get("course", {}).get("partial", False)
        if not isinstance(partial, bool):
            raise ValueError(f"{path.name}: cell {cell.id}: metadata course.partial must be true or false; "
                             f"got {partial!r}")
        exercises.append(Exercise(number, title or f"Exercise {number}", cell.id, check.id,
                                  names[-1] if names else None, call.group(1), call.group(2), float(points),
                                  partial))
        title = None
    if not exercises:
        raise ValueError(f"{path.name}: no exercise cells (### BEGIN SOLUTION in a code cell)")
    # The set-up cells: the Colab cell (which does nothing off Colab) and the set-up cell proper.
    last = next((i for i, c in enumerate(code) if "course_utils.setup(" in c.source), 0)
    plan = [("setup", c.id) for c in code[: last + 1] if c.id not in solution]
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


# --------------------------------------------------------------------------
# a folder of submissions
# --------------------------------------------------------------------------
def _find_lesson(name: str, lessons_dir: Path) -> Path | None:
    return find_lesson(name, lessons_dir)  # by slug: a handout from before a renumbering still finds its lesson


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
