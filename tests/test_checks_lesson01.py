"""Exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer.

The checks of exercises 1 and 2 read the student's source (calls they rule
out), so the answers here are functions defined with ``def``.
"""

import numpy as np
import pytest
import scipy.signal
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet

from course_utils import checks, conv

correlate_alias = np.correlate  # an alias made "in another cell"


# ---------------------------------------------------------------- exercise 1
def correlate_right(x, h):
    y = np.zeros(len(x) - len(h) + 1)
    for n in range(len(y)):
        for k in range(len(h)):
            y[n] += x[n + k] * h[k]
    return y


def correlate_dot(x, h):  # a loop over positions with a dot product: also right
    return np.array([x[n : n + len(h)] @ h for n in range(len(x) - len(h) + 1)])


def correlate_named_conv(x, h):  # a variable called conv is not a forbidden call
    y = []
    for n in range(len(x) - len(h) + 1):
        conv = 0.0
        for k in range(len(h)):
            conv += x[n + k] * h[k]
        y.append(conv)
    return y


def correlate_taps(x, h):  # a loop over the kernel taps, numpy over the positions: right
    y = np.zeros(len(x) - len(h) + 1)
    for k in range(len(h)):
        y = y + h[k] * x[k : k + len(y)]
    return y


def correlate_while(x, h):  # a while loop and a small index list per position: right
    y, n = [], 0
    while n + len(h) <= len(x):
        y.append(float(np.sum(x[list(range(n, n + len(h)))] * h)))
        n += 1
    return y


# The reviewer's three loop-free answers (right values, but no loop):
def correlate_fft(x, h):
    N, K = len(x), len(h)
    L = N + K - 1
    full = np.real(np.fft.ifft(np.fft.fft(x, L) * np.fft.fft(h[::-1], L)))
    return full[K - 1 : N]


def correlate_fancy_index(x, h):
    idx = np.arange(len(x) - len(h) + 1)[:, None] + np.arange(len(h))
    return x[idx] @ h


def correlate_toeplitz(x, h):
    from scipy.linalg import toeplitz

    return toeplitz(x[len(h) - 1 :], x[len(h) - 1 :: -1]) @ h[::-1]


def correlate_vectorize(x, h):  # right values, no loop: np.vectorize hides it
    return np.vectorize(lambda n: x[n : n + len(h)] @ h)(np.arange(len(x) - len(h) + 1))


def correlate_fancy_index_loop(x, h):  # windows picked by an index array, then a loop: allowed
    idx = np.arange(len(x) - len(h) + 1)[:, None] + np.arange(len(h))
    return np.array([row @ h for row in x[idx]])


def correlate_take(x, h):
    windows = np.take(x, np.arange(len(x) - len(h) + 1)[:, None] + np.arange(len(h)))
    return np.array([w @ h for w in windows])


def correlate_scipy_fft(x, h):
    import scipy.fft

    y = scipy.fft.irfft(scipy.fft.rfft(x, 2 * len(x)) * np.conj(scipy.fft.rfft(h, 2 * len(x))))
    return np.array([y[n] for n in range(len(x) - len(h) + 1)])


def correlate_np(x, h):
    return np.correlate(x, h, "valid")


def correlate_scipy(x, h):
    return scipy.signal.correlate(x, h, mode="valid")


def correlate_course(x, h):
    return conv.correlate1d(x, h)


def correlate_aliased(x, h):
    return correlate_alias(x, h, "valid")


def correlate_windows(x, h):  # no loop: the windows built by numpy
    return np.lib.stride_tricks.sliding_window_view(x, len(h)) @ h


def convolve_loop(x, h):  # the flip error
    y = np.zeros(len(x) - len(h) + 1)
    for n in range(len(y)):
        for k in range(len(h)):
            y[n] += x[n + k] * h[len(h) - 1 - k]
    return y


def correlate_short(x, h):  # off by one: the last position is missing
    y = np.zeros(len(x) - len(h))
    for n in range(len(y)):
        for k in range(len(h)):
            y[n] += x[n + k] * h[k]
    return y


def correlate_last_zero(x, h):  # right length, the loop stops one short
    y = np.zeros(len(x) - len(h) + 1)
    for n in range(len(x) - len(h)):
        for k in range(len(h)):
            y[n] += x[n + k] * h[k]
    return y


def correlate_one_more(x, h):  # off by one the other way: reads past the end (wraps with x[-1]?)
    y = np.zeros(len(x) - len(h) + 2)
    for n in range(len(y)):
        for k in range(len(h)):
            if n + k < len(x):
                y[n] += x[n + k] * h[k]
    return y


def correlate_backwards(x, h):  # outputs in reverse order
    y = np.zeros(len(x) - len(h) + 1)
    for n in range(len(y)):
        for k in range(len(h)):
            y[len(y) - 1 - n] += x[n + k] * h[k]
    return y


def correlate_int_output(x, h):  # the right loop, but writing into an int array truncates the sums
    y = np.zeros(len(x) - len(h) + 1, dtype=int)
    for n in range(len(y)):
        for k in range(len(h)):
            y[n] += x[n + k] * h[k]
    return y


def correlate_centred(x, h):  # 'same'-style indexing around the kernel's centre: wrong for even K
    c = len(h) // 2
    y = np.zeros(len(x) - len(h) + 1)
    for n in range(len(y)):
        for k in range(len(h)):
            y[n] += x[n + c + k - c] * h[k] if len(h) % 2 else x[n + k - 1] * h[k]
    return y


def correlate_needs_two_taps(x, h):  # written for the two-tap example only
    y = np.zeros(len(x) - len(h) + 1)
    for n in range(len(y)):
        y[n] = x[n] * h[0] + x[n + 1] * h[1]
    return y


def correlate_one_tap(x, h):  # "a one-tap kernel leaves the signal as it is"
    if len(h) == 1:
        return x.copy()
    return correlate_right(x, h)


def correlate_whole(x, h):  # kernel as long as the signal: multiplied, not summed
    if len(h) == len(x):
        return x * h
    return correlate_right(x, h)


# ---------------------------------------------------------------- exercise 2
def padding_right(k):
    return k // 2, (k - 1) // 2


def padding_keras(k):  # TensorFlow's choice: the extra zero after the signal
    return (k - 1) // 2, k // 2


def padding_even_split(k):  # both sides k // 2: one zero too many for even k
    return k // 2, k // 2


def padding_full(k):  # full mode's zeros
    return k - 1, k - 1


def padding_float(k):
    return (k - 1) / 2, (k - 1) / 2


def padding_by_np(k):  # reads it off np.convolve inside the function
    y = np.convolve(np.r_[1.0, np.zeros(k + 3)], np.arange(1.0, k + 1)[::-1], "same")
    return int(y[0]) - 1, k - int(y[0])


def padding_one_number(k):
    return k // 2


# ---------------------------------------------------------------- exercise 3
def kernel_right(m):
    return np.convolve(np.ones(m) / m, [1, -1])


def kernel_by_hand(m):
    g = np.zeros(m + 1)
    g[0], g[-1] = 1 / m, -1 / m
    return g


RIGHT = {
    checks.check_correlate_loop: correlate_right,
    checks.check_same_padding: padding_right,
    checks.check_smoothed_difference_kernel: kernel_right,
    checks.check_interpolation_kernel: lambda: np.array([1, 2, 3, 2, 1]) / 3,
    checks.check_predict_convolution: lambda: ([1, -1, -1], "B", 50),
}

WRONG = [
    (checks.check_correlate_loop, correlate_np, "rules out"),
    (checks.check_correlate_loop, correlate_scipy, "rules out"),
    (checks.check_correlate_loop, correlate_course, "rules out"),
    (checks.check_correlate_loop, correlate_aliased, "under another name"),
    (checks.check_correlate_loop, correlate_windows, "sliding_window_view"),
    (checks.check_correlate_loop, correlate_fft, "uses np.fft"),
    (checks.check_correlate_loop, correlate_fancy_index, "has no loop"),
    (checks.check_correlate_loop, correlate_vectorize, "has no loop"),
    (checks.check_correlate_loop, correlate_toeplitz, "toeplitz"),
    (checks.check_correlate_loop, correlate_take, "np.take"),
    (checks.check_correlate_loop, correlate_scipy_fft, "rules out"),
    (checks.check_correlate_loop, convolve_loop, "flipped"),
    (checks.check_correlate_loop, correlate_short, "length"),
    (checks.check_correlate_loop, correlate_one_more, "length"),
    (checks.check_correlate_loop, correlate_last_zero, "the last position"),
    (checks.check_correlate_loop, correlate_backwards, "reverse order"),
    (checks.check_correlate_loop, correlate_int_output, "int array"),
    (checks.check_correlate_loop, correlate_centred, "wrong values"),
    (checks.check_correlate_loop, correlate_needs_two_taps, "wrong values"),
    (checks.check_correlate_loop, correlate_one_tap, "wrong values"),
    (checks.check_correlate_loop, correlate_whole, "len(x)=5 and len(h)=5"),
    (checks.check_correlate_loop, lambda x, h: 1 / 0, "ZeroDivisionError"),
    (checks.check_same_padding, padding_keras, "wrong side"),
    (checks.check_same_padding, padding_even_split, "in all"),
    (checks.check_same_padding, padding_full, "in all"),
    (checks.check_same_padding, padding_float, "two ints"),
    (checks.check_same_padding, padding_by_np, "rules out"),
    (checks.check_same_padding, padding_one_number, "two ints"),
    (checks.check_smoothed_difference_kernel, lambda m: np.ones(m) / m, "length"),
    (checks.check_smoothed_difference_kernel, lambda m: np.convolve(np.ones(m) / m, [1, -1], "same"), "length"),
    (checks.check_smoothed_difference_kernel, lambda m: np.convolve(np.ones(m) / m, [-1, 1]), "sign"),
    (checks.check_smoothed_difference_kernel, lambda m: np.correlate(np.ones(m + 1) / m, [1, -1], "same"), "sign"),
    (checks.check_smoothed_difference_kernel, lambda m: np.convolve(np.ones(m), [1, -1]), "scale"),
    (checks.check_smoothed_difference_kernel, lambda m: np.r_[np.ones(m) / m, 0.0], "add up to"),
    (checks.check_smoothed_difference_kernel, lambda m: np.r_[1.0, np.zeros(m - 1), -1.0] / (m + 1), "scale"),
    (checks.check_interpolation_kernel, lambda: np.array([0.5, 1.0, 0.5]), "in-between"),
    (checks.check_interpolation_kernel, lambda: np.array([1.0, 1.0]), "even length"),
    (checks.check_interpolation_kernel, lambda: np.ones(7), "original samples"),
    (checks.check_interpolation_kernel, lambda: np.r_[0, 0, np.array([1, 2, 3, 2, 1]) / 3], "original samples"),
    (checks.check_interpolation_kernel, lambda: [[1.0]], "1D"),
    (checks.check_predict_convolution, lambda: ([-1, 1, 1], "B", 50), "(a)"),       # no flip
    (checks.check_predict_convolution, lambda: ([3, 1, -1], "B", 50), "(a)"),       # start of 'full'
    (checks.check_predict_convolution, lambda: ([1, -1, -1], "A", 50), "(b)"),      # centre-heavy blur
    (checks.check_predict_convolution, lambda: ([1, -1, -1], "D", 50), "(b)"),      # sums to zero
    (checks.check_predict_convolution, lambda: ([1, -1, -1], "C", 50), "(b)"),      # a derivative
    (checks.check_predict_convolution, lambda: ([1, -1, -1], "B", 49), "(c)"),      # floor, not ceil
    (checks.check_predict_convolution, lambda: ([1, -1, -1], "B", 51), "(c)"),
    (checks.check_predict_convolution, lambda: ([1, -1, -1], "B"), "must return 3 answers"),
]


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_right_answer_is_correct(check, capsys):
    assert_correct(check, RIGHT[check], capsys)


@pytest.mark.parametrize("check,func", [
    (checks.check_correlate_loop, correlate_dot),
    (checks.check_correlate_loop, correlate_named_conv),
    (checks.check_correlate_loop, correlate_taps),
    (checks.check_correlate_loop, correlate_while),
    (checks.check_correlate_loop, correlate_fancy_index_loop),  # windows by index arrays, then a loop
    (checks.check_smoothed_difference_kernel, kernel_by_hand),
    (checks.check_interpolation_kernel, lambda: np.r_[0.0, np.array([1, 2, 3, 2, 1]) / 3, 0.0]),
    (checks.check_predict_convolution, lambda: (np.array([1.0, -1.0, -1.0]), " b ", np.int64(50))),
])
def test_other_right_answers_are_correct(check, func, capsys):
    assert_correct(check, func, capsys)


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG)
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


def test_every_check_has_three_kinds_of_wrong_answers():
    for check in RIGHT:
        assert len({hint for c, _, hint in WRONG if c is check}) >= 3, check.__name__


def test_feedback_never_shows_the_answer(capsys):
    checks.check_interpolation_kernel(lambda: np.array([0.5, 1.0, 0.5]))
    out = capsys.readouterr().out
    for secret in ("1/3", "2/3", "0.333", "0.667"):
        assert secret not in out
    checks.check_same_padding(padding_keras)
    out = capsys.readouterr().out
    assert "k // 2" not in out and "(1, 0)" not in out
    checks.check_smoothed_difference_kernel(lambda m: np.ones(m) / m)
    out = capsys.readouterr().out
    assert "m + 1" not in out and "1/m" not in out
    checks.check_predict_convolution(lambda: ([0, 0, 0], "a", 0))
    out = capsys.readouterr().out
    assert "50" not in out and "-1, -1" not in out


def test_not_a_function(capsys):
    assert_not_yet(checks.check_smoothed_difference_kernel, np.ones(3), capsys, "expected a function")


def test_result_shows_nothing_in_a_notebook():
    result = checks.check_smoothed_difference_kernel(RIGHT[checks.check_smoothed_difference_kernel])
    assert result._ipython_display_() is None and bool(result)
