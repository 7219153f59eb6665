"""Grading replays a check outside the student's process: the verdict must be the one the check
gives in the lesson, for every right and wrong answer the check tests know, and for the stub."""

import importlib
import inspect
import re

import pytest
from check_helpers import stub
from test_check_coverage import MODULES

from course_utils.checks import _tape


def _answers(number):
    tests = importlib.import_module(f"test_checks_lesson{number}")
    right = tests.RIGHT
    pairs = list(right.items()) if isinstance(right, dict) else [entry[:2] for entry in right]
    pairs += [(check, func) for check, func, _ in tests.WRONG]
    pairs += [(check, stub) for check in {check for check, _ in pairs}]
    return tests, pairs


def _source(tests, func):
    """What the judge reads: the test module, as an exercise cell would hold the student's code
    (a library function given as the answer has no cell: nothing to read)."""
    return inspect.getsource(tests) if getattr(func, "__module__", None) == tests.__name__ else ""


def _unnumbered(text):
    """Keras numbers the names it makes up (input_layer_80) per process: not part of a verdict."""
    return re.sub(r"\b([a-z_]+)_\d+\b", r"\1_N", text)


@pytest.mark.parametrize("number", sorted(MODULES))
def test_replayed_verdicts_are_the_lessons_verdicts(number, tmp_path, capsys, keras_module):
    tests, pairs = _answers(number)
    differ = []
    for i, (check, func) in enumerate(pairs):
        folder = tmp_path / f"t{i}"
        live = check(func)  # as in the lesson
        _tape.record(folder, check.__name__, func)  # as in the student's kernel when grading
        capsys.readouterr()
        name = getattr(func, "__name__", "f")
        ok, line, fraction = _tape.judge(folder, check.__name__, name, _source(tests, func))
        if not ok and not live and "could not read the source" in line:
            continue  # a lambda or exec: the judge wants a def (stricter than the lesson, never kinder)
        if (ok, _unnumbered(line), fraction) != (bool(live), _unnumbered(live.message), live.fraction):
            differ.append(f"{check.__name__} with {name}:\n  lesson: {live.message}\n  judge:  {line}")
    assert not differ, "\n".join(differ)
