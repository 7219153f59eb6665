"""Every check of every lesson is tested with a right answer and at least three wrong ones."""

import importlib
import importlib.util
import inspect

import pytest
from lessons_helpers import LESSONS

from course_utils import checks
from course_utils.handout import lesson_slug

# lesson number -> the checks module named after its notebook (lessons/08_transfer_learning.ipynb:
# checks.transfer_learning, tested in tests/test_checks_lesson08.py); every numbered lesson has one.
MODULES = {p.name[:2]: lesson_slug(p.stem) for p in LESSONS}


def test_every_numbered_lesson_has_a_checks_module_and_its_tests():
    for number, slug in MODULES.items():
        assert hasattr(checks, slug), f"lesson {number}: no course_utils/checks/{slug}.py listed in checks/__init__.py"
        assert importlib.util.find_spec(f"test_checks_lesson{number}"), f"no tests/test_checks_lesson{number}.py"


@pytest.mark.parametrize("number", sorted(MODULES))
def test_every_check_has_a_right_and_three_different_wrong_answers(number):
    tests = importlib.import_module(f"test_checks_lesson{number}")
    module = getattr(checks, MODULES[number])
    right = tests.RIGHT
    right_checks = {entry[0] for entry in right} if isinstance(right, list) else set(right)
    for name in module.__all__:
        check = getattr(module, name)
        assert check in right_checks, f"{name}: no right answer in the tests"
        wrong = [(func, hint) for c, func, hint in tests.WRONG if c is check]
        assert len({id(func) for func, _ in wrong}) >= 3, f"{name}: fewer than 3 wrong answers"
        if "_judge_answers" not in inspect.getsource(check):  # a prediction's feedback is one line
            assert len({hint for _, hint in wrong}) >= 2, f"{name}: the wrong answers are all of one kind"


@pytest.mark.parametrize("number", sorted(MODULES))
def test_every_check_says_not_yet_to_the_stub_and_shows_no_passing_example(number, capsys):
    from check_helpers import assert_stub_not_yet

    module = getattr(checks, MODULES[number])
    for name in module.__all__:
        check = getattr(module, name)
        assert_stub_not_yet(check, capsys)
        assert checks.CORRECT not in (check.__doc__ or ""), f"{name}: its docstring shows a passing answer"
