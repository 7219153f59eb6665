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


def params_answer(h, w, ci, co, k, use_bias):
    if not use_bias:
        return k * k * ci * co, (h * w * ci) * (h * w * co)
    return k * k * ci * co + co, (h * w * ci) * (h * w * co) + h * w * co


def max_pool_answer(x):
    h, w, c = x.shape
    h2, w2 = h // 2, w // 2
    return x[: 2 * h2, : 2 * w2].reshape(h2, 2, w2, 2, c).max(axis=(1, 3))


def predicted_stack():
    return (7, 10, 8), 160, 2506


def true_statement():
    return "c"


RIGHT = {
    checks.check_channel_derivative: derivative(),
    checks.check_conv_output_shape: shape_answer,
    checks.check_param_counts: params_answer,
    checks.check_max_pool_reshape: max_pool_answer,
    checks.check_predict_stack: predicted_stack,
    checks.check_pooling_statement: true_statement,
}


def shape_ceil(input_shape, filters, k, stride, padding):
    h, w, _ = input_shape
    return (-(-(h - k) // stride) + 1, -(-(w - k) // stride) + 1, filters)


def shape_symmetric(input_shape, filters, k, stride, padding):
    """PyTorch-style: padding=(k - 1) // 2 on both sides for 'same'."""
    h, w, _ = input_shape
    p = (k - 1) // 2 if padding == "same" else 0
    return ((h + 2 * p - k) // stride + 1, (w + 2 * p - k) // stride + 1, filters)


def shape_floor_same(input_shape, filters, k, stride, padding):
    h, w, _ = input_shape
    if padding == "same":
        return (h // stride, w // stride, filters)
    return shape_answer(input_shape, filters, k, stride, padding)


def shape_swapped(input_shape, filters, k, stride, padding):
    h, w, c = input_shape
    return shape_answer((w, h, c), filters, k, stride, padding)


def reshape_mixed_up(x):
    h, w, c = x.shape
    h2, w2 = h // 2, w // 2
    return x[: 2 * h2, : 2 * w2].reshape(h2, w2, 2, 2, c).max(axis=(2, 3))


def pool_even_only(x):
    h, w, c = x.shape
    return x.reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))


def pool_zero_padded(x):
    h, w, c = x.shape
    x = np.pad(x, ((0, h % 2), (0, w % 2), (0, 0)))
    return x.reshape(-(-h // 2), 2, -(-w // 2), 2, c).max(axis=(1, 3))


def pool_abs(x):
    h, w, c = x.shape
    h2, w2 = h // 2, w // 2
    return np.abs(x[: 2 * h2, : 2 * w2]).reshape(h2, 2, w2, 2, c).max(axis=(1, 3))


def pool_loop(x):
    h, w, c = x.shape
    out = np.zeros((h // 2, w // 2, c))
    for i in range(h // 2):
        out[i] = x[2 * i : 2 * i + 2, : 2 * (w // 2)].reshape(2, w // 2, 2, c).max(axis=(0, 2))
    return out


def pool_library(x):
    return conv.max_pool2d(x.reshape(x.shape))


def pool_alias(x):
    return my_pool(x.reshape(x.shape))


my_pool = conv.max_pool2d


def pool_block_reduce(x):
    from skimage.measure import block_reduce
    h, w = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
    return block_reduce(x[:h, :w].reshape(h, w, -1), (2, 2, 1), np.max)


def pool_no_reshape(x):
    h, w = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
    x = x[:h, :w]
    return np.maximum(np.maximum(x[::2, ::2], x[1::2, ::2]), np.maximum(x[::2, 1::2], x[1::2, 1::2]))


def pool_subsample(x):
    h, w = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
    return x[:h:2, :w:2].reshape(h // 2, w // 2, -1)


def pool_average(x):
    h, w, c = x.shape
    h2, w2 = h // 2, w // 2
    return x[: 2 * h2, : 2 * w2].reshape(h2, 2, w2, 2, c).mean(axis=(1, 3))


def pool_first_channel(x):
    return max_pool_answer(x)[..., 0]


def derivative_vertical():
    W = np.zeros((2, 1, 3, 1))
    W[1, 0], W[0, 0] = 1 / 3, -1 / 3
    return W, np.zeros(1)


def derivative_channel_axis():
    """Taps put on the channel axis: the difference of two channels, not of two pixels."""
    W = np.zeros((1, 2, 3, 1))
    W[0, 0, 0, 0], W[0, 0, 1, 0], W[0, 0, 2, 0] = -1 / 3, 1 / 3, 0
    W[0, 1, :, 0] = 1 / 3
    return W, np.zeros(1)


def derivative_luma():
    W = np.zeros((1, 2, 3, 1))
    W[0, 1, :, 0], W[0, 0, :, 0] = [0.299, 0.587, 0.114], [-0.299, -0.587, -0.114]
    return W, np.zeros(1)


def ignores_bias_flag(h, w, ci, co, k, use_bias):
    return params_answer(h, w, ci, co, k, True)


def dense_bias_when_off(h, w, ci, co, k, use_bias):
    return params_answer(h, w, ci, co, k, use_bias)[0], params_answer(h, w, ci, co, k, True)[1]


WRONG = [
    (checks.check_channel_derivative, derivative(sign=-1.0), "sign is flipped"),
    (checks.check_channel_derivative, derivative(scale=1.0), "3 times too large"),
    (checks.check_channel_derivative, derivative(channels=(0,), scale=1.0), "ignores input channel 1"),
    (checks.check_channel_derivative, derivative(bias=1.0), "bias"),
    (checks.check_channel_derivative, lambda: (np.zeros((2, 1, 3, 1)), np.zeros(1)), "vertical derivative"),
    (checks.check_channel_derivative, derivative_vertical, "vertical derivative"),
    (checks.check_channel_derivative, lambda: (np.zeros((1, 2, 1, 3)), np.zeros(1)), "(1, 2, 1, 3)"),
    (checks.check_channel_derivative, lambda: (np.zeros((1, 2, 3, 1)), np.zeros(3)), "one bias"),
    (checks.check_channel_derivative, lambda: np.zeros((1, 2, 3, 1)), "pair (W, b)"),
    (checks.check_channel_derivative, derivative_channel_axis, "third axis is the channel"),
    (checks.check_channel_derivative, derivative_luma, "not weighted equally"),
    (checks.check_channel_derivative,
     lambda: (np.stack([np.full((3, 1), 1.0), np.full((3, 1), 1 / 3)])[None], np.zeros(1)), "difference of neighbours"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: shape_answer(s, s[2], k, st, p), "channels"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: shape_answer(s, f, k, 1, p), "stride"),
    (checks.check_conv_output_shape,
     lambda s, f, k, st, p: shape_answer(s, f, k, st, p) if p == "same" else shape_ceil(s, f, k, st, p), "one too many"),
    (checks.check_conv_output_shape,
     lambda s, f, k, st, p: tuple(float(v) for v in shape_answer(s, f, k, st, p)), "must be ints"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: [s[0] - k + 1, s[1] - k + 1, f], "'valid'"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: 7, "tuple (height, width, channels)"),
    (checks.check_conv_output_shape, shape_symmetric, "both sides"),
    (checks.check_conv_output_shape, shape_floor_same, "round up"),
    (checks.check_conv_output_shape, shape_swapped, "swapped"),
    (checks.check_conv_output_shape,
     lambda s, f, k, st, p: shape_answer(s, f, k, st, "valid") if st > 1 else shape_answer(s, f, k, st, p),
     "'same' mode"),
    (checks.check_param_counts, lambda h, w, ci, co, k, b: (k * k * ci * co, params_answer(h, w, ci, co, k, b)[1]),
     "biases (one per filter)"),
    (checks.check_param_counts, lambda h, w, ci, co, k, b: (k * k * co + co * b, params_answer(h, w, ci, co, k, b)[1]),
     "every input channel"),
    (checks.check_param_counts, lambda h, w, ci, co, k, b: (k * k * ci * co + ci * b, params_answer(h, w, ci, co, k, b)[1]),
     "not per input channel"),
    (checks.check_param_counts,
     lambda h, w, ci, co, k, b: (params_answer(h, w, ci, co, k, b)[0], (h * w * ci) * (h * w * co)), "misses its biases"),
    (checks.check_param_counts,
     lambda h, w, ci, co, k, b: (params_answer(h, w, ci, co, k, b)[0], (h * w * ci) * (h * w * co) + co * b),
     "not one per channel"),
    (checks.check_param_counts, lambda h, w, ci, co, k, b: (params_answer(h, w, ci, co, k, b)[0], h * w * ci * co),
     "every (input number, output number) pair"),
    (checks.check_param_counts,
     lambda h, w, ci, co, k, b: tuple(float(v) for v in params_answer(h, w, ci, co, k, b)), "ints"),
    (checks.check_param_counts, ignores_bias_flag, "use_bias=False the convolution has no biases"),
    (checks.check_param_counts, dense_bias_when_off, "use_bias=False the dense layer has no biases"),
    (checks.check_max_pool_reshape, pool_subsample, "wrong values"),
    (checks.check_max_pool_reshape, reshape_mixed_up, "which axes"),
    (checks.check_max_pool_reshape, pool_average, "average pooling"),
    (checks.check_max_pool_reshape, pool_first_channel, "every channel stays"),
    (checks.check_max_pool_reshape, pool_even_only, "leaves out the last row or column"),
    (checks.check_max_pool_reshape, pool_zero_padded, "not padded"),
    (checks.check_max_pool_reshape, pool_abs, "absolute value"),
    (checks.check_max_pool_reshape, pool_loop, "a for loop"),
    (checks.check_max_pool_reshape, pool_library, "conv.max_pool2d"),
    (checks.check_max_pool_reshape, pool_alias, "under another name"),
    (checks.check_max_pool_reshape, pool_block_reduce, "block_reduce"),
    (checks.check_max_pool_reshape, pool_no_reshape, "uses no reshape"),
    (checks.check_predict_stack, lambda: ((15, 20, 8), 160, 2506), "shape after the pooling layer"),
    (checks.check_predict_stack, lambda: ((7, 10, 8), 4 * 4 * 8 * 4, 2506), "flattened length"),
    (checks.check_predict_stack, lambda: ((7, 10, 8), 160, 2506 + 4), "total parameter count"),
    (checks.check_predict_stack, lambda: ((7, 10, 8), 160), "must return 3 answers"),
    (checks.check_pooling_statement, lambda: "a", "not right"),
    (checks.check_pooling_statement, lambda: "b", "not right"),
    (checks.check_pooling_statement, lambda: "d", "not right"),
    (checks.check_pooling_statement, lambda: 3, "not right"),
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


def bad_reshape(x):
    return x.reshape(3, -1)


def test_an_error_in_the_answer_is_shown(capsys):
    assert_not_yet(checks.check_max_pool_reshape, bad_reshape, capsys, "ValueError")


def test_keras_pooling_is_ruled_out(capsys):
    keras = pytest.importorskip("keras")

    def pool_keras(x):
        return keras.layers.MaxPooling2D()(x[None].reshape(1, *x.shape))[0]

    assert_not_yet(checks.check_max_pool_reshape, pool_keras, capsys, "MaxPooling2D")


def test_right_answers_in_other_words(capsys):
    """Right answers written differently pass too: capitals, a list, numpy ints, a crop by slicing."""
    assert_correct(checks.check_pooling_statement, lambda: " C ", capsys)
    assert_correct(checks.check_pooling_statement, lambda: "(c).", capsys)
    assert_correct(checks.check_predict_stack, lambda: ([7, 10, 8], np.int64(160), 2506.0), capsys)

    def pool_other(x):
        h, w, c = x.shape
        y = x[: h - h % 2, : w - w % 2]
        return y.reshape(h // 2, 2, w // 2, 2, c).transpose(0, 2, 4, 1, 3).reshape(h // 2, w // 2, c, 4).max(-1)

    assert_correct(checks.check_max_pool_reshape, pool_other, capsys)
    assert_correct(checks.check_conv_output_shape,
                   lambda s, f, k, st, p: tuple(np.int64(v) for v in shape_answer(s, f, k, st, p)), capsys)


def test_feedback_never_shows_the_answer(capsys):
    # Shapes: a wrong answer's feedback names the call, never the right shape.
    checks.check_conv_output_shape(lambda s, f, k, st, p: (1, 1, f))
    out = capsys.readouterr().out
    assert "(55, 55, 96)" not in out and "55, 55" not in out
    # Parameter counts: no right count appears, for any of the test layers.
    checks.check_param_counts(lambda h, w, ci, co, k, b: (1, 1))
    out = capsys.readouterr().out
    for case in [(4, 4, 5, 3, 1, True), (28, 28, 1, 16, 5, True), (55, 55, 96, 256, 5, True)]:
        for number in params_answer(*case):
            assert str(number) not in out and f"{number:,}" not in out
    # The derivative: no weight value (1/3) is printed.
    checks.check_channel_derivative(derivative(sign=-1.0))
    out = capsys.readouterr().out
    assert "0.333" not in out and "1/3" not in out and "1 / 3" not in out
    # Predictions: no shape or count of the stack is printed.
    checks.check_predict_stack(lambda: ((1, 1, 1), 1, 1))
    out = capsys.readouterr().out
    assert "160" not in out and "2506" not in out and "7, 10" not in out


def test_not_a_function(capsys):
    assert_not_yet(checks.check_param_counts, 42, capsys, "expected a function")
