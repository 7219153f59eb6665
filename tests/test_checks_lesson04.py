"""Lesson 04's exercise checks: correct for right answers, 'not yet' with a hint, never the answer."""

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet

from course_utils import checks, conv


def derivative(sign=1.0, scale=1 / 3, channels=(0, 1, 2), bias=0.0):
    def func():
        W = np.zeros((1, 2, 3, 1))
        for c in channels:
            W[0, 1, c, 0], W[0, 0, c, 0] = sign * scale, -sign * scale
        return W, np.full(1, bias)
    return func


def shape_answer(input_shape, filters, k, stride, padding):
    h, w, _ = input_shape
    if padding == "same":
        return (-(-h // stride), -(-w // stride), filters)
    return ((h - k) // stride + 1, (w - k) // stride + 1, filters)


def params_answer(h, w, ci, co, k):
    return k * k * ci * co + co, (h * w * ci) * (h * w * co) + h * w * co


def max_pool_answer(x):
    h, w, c = x.shape
    return x.reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))


RIGHT = {
    checks.check_channel_derivative: derivative(),
    checks.check_conv_output_shape: shape_answer,
    checks.check_param_counts: params_answer,
    checks.check_max_pool_reshape: max_pool_answer,
}


def shape_ceil(input_shape, filters, k, stride, padding):
    h, w, _ = input_shape
    return (-(-(h - k) // stride) + 1, -(-(w - k) // stride) + 1, filters)


def reshape_mixed_up(x):
    h, w, c = x.shape
    return x.reshape(h // 2, w // 2, 2, 2, c).max(axis=(2, 3))


WRONG = [
    (checks.check_channel_derivative, derivative(sign=-1.0), "sign is flipped"),
    (checks.check_channel_derivative, derivative(scale=1.0), "3 times too large"),
    (checks.check_channel_derivative, derivative(channels=(0,), scale=1.0), "ignores input channel 1"),
    (checks.check_channel_derivative, derivative(bias=1.0), "bias"),
    (checks.check_channel_derivative, lambda: (np.zeros((2, 1, 3, 1)), np.zeros(1)), "(2, 1, 3, 1)"),
    (checks.check_channel_derivative, lambda: (np.zeros((1, 2, 3, 1)), np.zeros(3)), "one bias"),
    (checks.check_channel_derivative, lambda: np.zeros((1, 2, 3, 1)), "pair (W, b)"),
    (checks.check_channel_derivative,
     lambda: (np.stack([np.full((3, 1), 1.0), np.full((3, 1), 1 / 3)])[None], np.zeros(1)), "wrong values"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: shape_answer(s, s[2], k, st, p), "channels"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: shape_answer(s, f, k, 1, p), "stride"),
    (checks.check_conv_output_shape,
     lambda s, f, k, st, p: shape_answer(s, f, k, st, p) if p == "same" else shape_ceil(s, f, k, st, p), "one too many"),
    (checks.check_conv_output_shape,
     lambda s, f, k, st, p: tuple(float(v) for v in shape_answer(s, f, k, st, p)), "must be ints"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: [s[0] - k + 1, s[1] - k + 1, f], "'valid'"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: 7, "tuple (height, width, channels)"),
    (checks.check_param_counts, lambda h, w, ci, co, k: (k * k * ci * co, params_answer(h, w, ci, co, k)[1]),
     "biases (one per filter)"),
    (checks.check_param_counts, lambda h, w, ci, co, k: (k * k * co + co, params_answer(h, w, ci, co, k)[1]),
     "every input channel"),
    (checks.check_param_counts, lambda h, w, ci, co, k: (params_answer(h, w, ci, co, k)[0], (h * w * ci) * (h * w * co)),
     "misses its biases"),
    (checks.check_param_counts,
     lambda h, w, ci, co, k: (params_answer(h, w, ci, co, k)[0], (h * w * ci) * (h * w * co) + co), "not one per channel"),
    (checks.check_param_counts, lambda h, w, ci, co, k: (params_answer(h, w, ci, co, k)[0], h * w * ci * co),
     "every (input number, output number) pair"),
    (checks.check_param_counts, lambda h, w, ci, co, k: tuple(float(v) for v in params_answer(h, w, ci, co, k)), "ints"),
    (checks.check_max_pool_reshape, lambda x: x[::2, ::2], "wrong values"),
    (checks.check_max_pool_reshape, reshape_mixed_up, "which axes"),
    (checks.check_max_pool_reshape, lambda x: conv.avg_pool2d(x), "average pooling"),
    (checks.check_max_pool_reshape, lambda x: max_pool_answer(x)[..., 0], "every channel stays"),
]


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_right_answer_is_correct(check, capsys):
    assert_correct(check, RIGHT[check], capsys)


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG, ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


def test_an_error_in_the_answer_is_shown(capsys):
    assert_not_yet(checks.check_max_pool_reshape, lambda x: x.reshape(3, -1), capsys, "ValueError")


def test_feedback_never_shows_the_answer(capsys):
    # Shapes: a wrong answer's feedback names the call, never the right shape.
    checks.check_conv_output_shape(lambda s, f, k, st, p: (1, 1, f))
    out = capsys.readouterr().out
    assert "(55, 55, 96)" not in out and "55, 55" not in out
    # Parameter counts: no right count appears, for any of the test layers.
    checks.check_param_counts(lambda h, w, ci, co, k: (1, 1))
    out = capsys.readouterr().out
    for case in [(4, 4, 5, 3, 1), (28, 28, 1, 16, 5), (55, 55, 96, 256, 5)]:
        for number in params_answer(*case):
            assert str(number) not in out and f"{number:,}" not in out
    # The derivative: no weight value (1/3) is printed.
    checks.check_channel_derivative(derivative(sign=-1.0))
    out = capsys.readouterr().out
    assert "0.333" not in out and "1/3" not in out and "1 / 3" not in out


def test_not_a_function(capsys):
    assert_not_yet(checks.check_param_counts, 42, capsys, "expected a function")
