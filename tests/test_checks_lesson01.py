"""Exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet

from course_utils import checks

RIGHT = {
    checks.check_correlate_loop: lambda x, h: np.correlate(x, h, "valid"),
    checks.check_output_length: lambda n, k, mode: {"full": n + k - 1, "same": n, "valid": n - k + 1}[mode],
    checks.check_moving_average_kernel: lambda m: np.ones(m) / m,
    checks.check_interpolation_kernel: lambda: np.array([1, 2, 3, 2, 1]) / 3,
}

WRONG = [
    (checks.check_correlate_loop, lambda x, h: np.convolve(x, h, "valid"), "flipped"),
    (checks.check_correlate_loop, lambda x, h: np.correlate(x, h, "full"), "length"),
    (checks.check_correlate_loop, lambda x, h: np.correlate(x, h, "valid") + 1, "wrong values"),
    (checks.check_correlate_loop, lambda x, h: 1 / 0, "ZeroDivisionError"),
    (checks.check_output_length, lambda n, k, mode: n + k - 1, "mode='same'"),
    (checks.check_output_length, lambda n, k, mode: float(n), "must return an int"),
    (checks.check_moving_average_kernel, lambda m: np.ones(m), "add up to 1"),
    (checks.check_moving_average_kernel, lambda m: np.ones(m + 1) / (m + 1), "length"),
    (checks.check_interpolation_kernel, lambda: np.array([0.5, 1.0, 0.5]), "in-between"),
    (checks.check_interpolation_kernel, lambda: np.array([1.0, 1.0]), "even length"),
    (checks.check_interpolation_kernel, lambda: np.ones(7), "original samples"),
    (checks.check_interpolation_kernel, lambda: [[1.0]], "1D"),
]


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_right_answer_is_correct(check, capsys):
    assert_correct(check, RIGHT[check], capsys)


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG)
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


def test_feedback_never_shows_the_answer(capsys):
    checks.check_interpolation_kernel(lambda: np.array([0.5, 1.0, 0.5]))
    out = capsys.readouterr().out
    for secret in ("1/3", "2/3", "0.333", "0.667"):
        assert secret not in out
    checks.check_output_length(lambda n, k, mode: 0)
    out = capsys.readouterr().out
    assert "n + k - 1" not in out and "n - k + 1" not in out


def test_not_a_function(capsys):
    assert_not_yet(checks.check_moving_average_kernel, np.ones(3), capsys, "expected a function")


def test_result_shows_nothing_in_a_notebook():
    result = checks.check_moving_average_kernel(RIGHT[checks.check_moving_average_kernel])
    assert result._ipython_display_() is None and bool(result)
