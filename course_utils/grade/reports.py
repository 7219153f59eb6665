"""What grading writes: grades.csv, gradebook.csv, the summaries and the report in each returned notebook."""

from __future__ import annotations

import csv
import html
import logging
import re
from pathlib import Path

from .kernel import Limits, containment
from .submissions import Lesson

_log = logging.getLogger("course_utils.grade")


#: Per exercise: the first five come from running it, the last three mean the
#: notebook could not be graded at all.
STATUSES = ("passed", "not yet", "not attempted", "error", "timeout",
            "invalid notebook", "unknown lesson", "wrong lesson")


_SYMBOL = {"passed": "✅", "not yet": "❌", "not attempted": "⬜", "error": "💥",
           "timeout": "⏱️", "invalid notebook": "🚫", "unknown lesson": "🚫", "wrong lesson": "🚫"}


CSV_COLUMNS = ("student", "lesson", "exercise", "status", "points", "max_points", "feedback")


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


_CANVAS_KEYS = ("ID", "SIS User ID", "SIS Login ID", "Student")


def canvas_import(book, roster) -> tuple[list[str], list[list[str]], list[str]]:
    r"""Fill a Canvas grade-book export with the points of :func:`gradebook`, for Canvas's import.

    Canvas imports grades from a CSV shaped like its own export (Grades >
    Export): columns ``Student, ID, SIS User ID, SIS Login ID, Section`` and
    one per assignment, and a "Points Possible" row under the header. This adds
    (or fills) one column per lesson, ``"<lesson> (out of <max>)"`` as in
    ``gradebook.csv``. A student of the grade book is matched to a roster row
    by its ``ID``, ``SIS User ID``, ``SIS Login ID`` or ``Student`` (case
    ignored), or by the Canvas user id inside a downloaded file's name
    (``lastfirst_12345_...``).

    Parameters
    ----------
    book : list of dict
        :func:`gradebook`'s rows.
    roster : path-like
        The CSV exported from Canvas.

    Returns
    -------
    (header, rows, unmatched)
        The CSV to write (header and rows, the "Points Possible" row kept), and
        the grade book's students that match no roster row.

    Raises
    ------
    ValueError
        The roster has none of Canvas's identifying columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> roster = pathlib.Path(tempfile.mkdtemp()) / "export.csv"
    >>> _ = roster.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n"
    ...                       "    Points Possible,,,,\n\"Lovelace, Ada\",4242,,ada,A\n")
    >>> header, rows, unmatched = canvas_import([{"student": "ada", "01_x (out of 5)": "4"}], roster)
    >>> header[-1], rows[-1][-1], unmatched
    ('01_x (out of 5)', '4', [])
    """
    with open(roster, newline="", encoding="utf-8-sig") as f:
        table = list(csv.reader(f))
    if not table or not any(key in table[0] for key in _CANVAS_KEYS):
        raise ValueError(f"{str(roster)!r} is not a Canvas grade-book export (no column among {_CANVAS_KEYS})")
    header = list(table[0])
    body = [row + [""] * (len(header) - len(row)) for row in table[1:]]
    lessons = [key for key in (book[0] if book else {}) if key != "student"]
    for lesson in lessons:
        if lesson not in header:
            header.append(lesson)
            for row in body:
                row.append("")
    keys = [header.index(k) for k in _CANVAS_KEYS if k in header]
    index = {}
    for i, row in enumerate(body):
        for k in keys:
            if row[k].strip():
                index.setdefault(row[k].strip().lower(), i)
    unmatched = []
    for entry in book:
        student = str(entry["student"])
        parts = student.split("_")
        found = index.get(student.strip().lower())
        if found is None and len(parts) > 2 and parts[1].isdigit():
            found = index.get(parts[1])
        if found is None or body[found][0].strip().lower() == "points possible":
            unmatched.append(student)
            continue
        for lesson in lessons:
            body[found][header.index(lesson)] = entry[lesson]
    for row in body:  # Canvas's "Points Possible" row: the maximum of each new column
        if row and row[0].strip().lower() == "points possible":
            for lesson in lessons:
                row[header.index(lesson)] = lesson.rsplit("(out of ", 1)[-1].rstrip(")")
    return header, body, unmatched


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
