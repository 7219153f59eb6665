"""Lesson 04's exercise checks: correct for right answers, 'not yet' with a hint, never the answer."""

import math

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


def params_answer(h, w, ci, co, k, stride, use_bias):
    m1, m2 = (h - k) // stride + 1, (w - k) // stride + 1
    if not use_bias:
        return k * k * ci * co, (h * w * ci) * (m1 * m2 * co)
    return k * k * ci * co + co, (h * w * ci) * (m1 * m2 * co) + m1 * m2 * co


def params_same_size(h, w, ci, co, k, stride, use_bias):
    """The old exercise's answer: the dense layer's output as large as its input."""
    return k * k * ci * co + co * use_bias, (h * w * ci) * (h * w * co) + h * w * co * use_bias


def params_ceil(h, w, ci, co, k, stride, use_bias):
    """Output size rounded up: a window sticking out of the image is counted."""
    m1, m2 = -(-(h - k) // stride) + 1, -(-(w - k) // stride) + 1
    return k * k * ci * co + co * use_bias, (h * w * ci) * (m1 * m2 * co) + m1 * m2 * co * use_bias


def params_input_biases(h, w, ci, co, k, stride, use_bias):
    """Deck 003's slip: N1 N2 N_out dense biases instead of M1 M2 N_out."""
    conv_p, dense_p = params_answer(h, w, ci, co, k, stride, False)
    return conv_p + co * use_bias, dense_p + h * w * co * use_bias


def params_locally_connected(h, w, ci, co, k, stride, use_bias):
    m1, m2 = (h - k) // stride + 1, (w - k) // stride + 1
    return m1 * m2 * (k * k * ci * co + co * use_bias), params_answer(h, w, ci, co, k, stride, use_bias)[1]


def params_no_stride(h, w, ci, co, k, stride, use_bias):
    return params_answer(h, w, ci, co, k, 1, use_bias)


def params_lesson_helpers(h, w, ci, co, k, stride, use_bias):
    """A bypass: the lesson's own counting helpers (the notebook defines them in section 9)."""
    m1, m2 = (h - k) // stride + 1, (w - k) // stride + 1
    conv_w, conv_b = conv_params(k, k, ci, co)
    dense_w, dense_b = dense_params(h, w, ci, m1, m2, co)
    return conv_w + conv_b * use_bias, dense_w + dense_b * use_bias


def conv_params(K1, K2, n_in, n_out):  # as in the lesson's section 9
    return K1 * K2 * n_in * n_out, n_out


def dense_params(N1, N2, n_in, M1, M2, n_out):
    return N1 * N2 * n_in * M1 * M2 * n_out, M1 * M2 * n_out


def params_keras(h, w, ci, co, k, stride, use_bias):
    import keras

    layer = keras.layers.Conv2D(co, k, strides=stride, use_bias=use_bias)
    layer.build((None, h, w, ci))
    return layer.count_params(), params_answer(h, w, ci, co, k, stride, use_bias)[1]


def max_pool_answer(x):
    h, w, c = x.shape
    h2, w2 = h // 2, w // 2
    return x[: 2 * h2, : 2 * w2].reshape(h2, 2, w2, 2, c).max(axis=(1, 3))


def predicted_stack():
    return (7, 10, 8), 160, 2506


def true_statement():
    return "b"


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


def shape_ceil_valid(s, f, k, st, p):
    return shape_answer(s, f, k, st, p) if p == "same" else shape_ceil(s, f, k, st, p)


def shape_floats(s, f, k, st, p):
    return tuple(float(v) for v in shape_answer(s, f, k, st, p))


def shape_valid_when_strided(s, f, k, st, p):
    return shape_answer(s, f, k, st, "valid") if st > 1 else shape_answer(s, f, k, st, p)


def shape_numpy_ints(s, f, k, st, p):
    return tuple(np.int64(v) for v in shape_answer(s, f, k, st, p))


def shape_by_library(input_shape, filters, k, stride, padding):
    """The reviewer's bypass: the lesson's helper does the work."""
    return (conv.conv_output_size(input_shape[0], k, stride, padding),
            conv.conv_output_size(input_shape[1], k, stride, padding), filters)


def shape_by_conv2d(input_shape, filters, k, stride, padding):
    """Another bypass: convolve zeros and read the shape."""
    out = conv.conv2d(np.zeros(input_shape), np.zeros((k, k, input_shape[2], filters)), None, stride, padding)
    return tuple(out.shape)


def shape_float_ceil(input_shape, filters, k, stride, padding):
    h, w, _ = input_shape
    if padding == "same":
        return (np.ceil(h / stride), np.ceil(w / stride), filters)
    return shape_answer(input_shape, filters, k, stride, padding)


def shape_round(input_shape, filters, kernel_size, stride, padding):
    """The second reviewer's answer: Python's round() in place of the floor."""
    H, W, _ = input_shape
    if padding == "same":
        return (math.ceil(H / stride), math.ceil(W / stride), filters)
    return (round((H - kernel_size) / stride) + 1, round((W - kernel_size) / stride) + 1, filters)


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


def ignores_bias_flag(h, w, ci, co, k, stride, use_bias):
    return params_answer(h, w, ci, co, k, stride, True)


def dense_bias_when_off(h, w, ci, co, k, stride, use_bias):
    return params_answer(h, w, ci, co, k, stride, use_bias)[0], params_answer(h, w, ci, co, k, stride, True)[1]


def conv_without_bias(h, w, ci, co, k, stride, use_bias):
    return k * k * ci * co, params_answer(h, w, ci, co, k, stride, use_bias)[1]


def conv_per_filter_channel(h, w, ci, co, k, stride, use_bias):
    return k * k * co + co * use_bias, params_answer(h, w, ci, co, k, stride, use_bias)[1]


def dense_bias_per_channel(h, w, ci, co, k, stride, use_bias):
    conv_p, dense_p = params_answer(h, w, ci, co, k, stride, False)
    return conv_p + co * use_bias, dense_p + co * use_bias


def float_counts(h, w, ci, co, k, stride, use_bias):
    return tuple(float(v) for v in params_answer(h, w, ci, co, k, stride, use_bias))


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
    (checks.check_conv_output_shape, shape_ceil_valid, "one too many"),
    (checks.check_conv_output_shape, shape_floats, "must be ints"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: [s[0] - k + 1, s[1] - k + 1, f], "'valid'"),
    (checks.check_conv_output_shape, lambda s, f, k, st, p: 7, "tuple (height, width, channels)"),
    (checks.check_conv_output_shape, shape_symmetric, "both sides"),
    (checks.check_conv_output_shape, shape_floor_same, "round up"),
    (checks.check_conv_output_shape, shape_swapped, "swapped"),
    (checks.check_conv_output_shape, shape_round, "one too many"),
    (checks.check_conv_output_shape, shape_by_library, "conv.conv_output_size"),
    (checks.check_conv_output_shape, shape_by_conv2d, "conv.conv2d"),
    (checks.check_conv_output_shape, shape_float_ceil, "int(...)"),
    (checks.check_conv_output_shape, shape_valid_when_strided, "'same' mode"),
    (checks.check_param_counts, params_same_size, "smaller than its input"),
    (checks.check_param_counts, params_ceil, "one row or column too large"),
    (checks.check_param_counts, params_input_biases, "counted on the input's height and width"),
    (checks.check_param_counts, params_locally_connected, "locally connected"),
    (checks.check_param_counts, params_no_stride, "ignores the stride"),
    (checks.check_param_counts, params_lesson_helpers, "uses conv_params, which"),
    (checks.check_param_counts, ignores_bias_flag, "use_bias=False the convolution has no biases"),
    (checks.check_param_counts, dense_bias_when_off, "use_bias=False the dense layer has no biases"),
    (checks.check_param_counts, conv_without_bias, "misses its biases (one per filter)"),
    (checks.check_param_counts, conv_per_filter_channel, "every input channel"),
    (checks.check_param_counts, dense_bias_per_channel, "not one per channel"),
    (checks.check_param_counts, float_counts, "ints"),
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
    (checks.check_pooling_statement, lambda: "c", "not right"),
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
    assert_correct(checks.check_pooling_statement, lambda: " B ", capsys)
    assert_correct(checks.check_pooling_statement, lambda: "(b).", capsys)
    assert_correct(checks.check_predict_stack, lambda: ([7, 10, 8], np.int64(160), 2506.0), capsys)

    def pool_other(x):
        h, w, c = x.shape
        y = x[: h - h % 2, : w - w % 2]
        return y.reshape(h // 2, 2, w // 2, 2, c).transpose(0, 2, 4, 1, 3).reshape(h // 2, w // 2, c, 4).max(-1)

    assert_correct(checks.check_max_pool_reshape, pool_other, capsys)

    def pool_named_max_pool(x):  # a local variable may carry a forbidden call's name
        h, w, c = x.shape
        max_pool = x[: h - h % 2, : w - w % 2].reshape(h // 2, 2, w // 2, 2, c).max(axis=(1, 3))
        return max_pool

    assert_correct(checks.check_max_pool_reshape, pool_named_max_pool, capsys)

    def counts_via_own_shape(h, w, c_in, c_out, k, stride, use_bias):  # reusing exercise 2 is fine
        m1, m2, _ = shape_answer((h, w, c_in), c_out, k, stride, "valid")
        weights = k * k * c_in * c_out
        return weights + c_out * use_bias, h * w * c_in * m1 * m2 * c_out + m1 * m2 * c_out * use_bias

    assert_correct(checks.check_param_counts, counts_via_own_shape, capsys)
    assert_correct(checks.check_conv_output_shape, shape_numpy_ints, capsys)


def test_feedback_never_shows_the_answer(capsys):
    # Shapes: a wrong answer's feedback names the call, never the right shape.
    checks.check_conv_output_shape(lambda s, f, k, st, p: (1, 1, f))
    out = capsys.readouterr().out
    assert "(55, 55, 96)" not in out and "55, 55" not in out
    # Parameter counts: no right count appears, for any of the test layers.
    checks.check_param_counts(lambda h, w, ci, co, k, s, b: (1, 1))
    out = capsys.readouterr().out
    for case in [(4, 4, 5, 3, 1, 1, True), (28, 28, 1, 16, 5, 1, True), (227, 227, 3, 96, 11, 4, True)]:
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


def test_keras_is_ruled_out_for_counts_and_shapes(capsys):
    pytest.importorskip("keras")
    assert_not_yet(checks.check_param_counts, params_keras, capsys, "Conv2D")

    def shape_keras(input_shape, filters, k, stride, padding):
        import keras
        return keras.layers.Conv2D(filters, k, strides=stride, padding=padding).compute_output_shape(
            (None, *input_shape))[1:]

    assert_not_yet(checks.check_conv_output_shape, shape_keras, capsys, "rules out")


def test_not_a_function(capsys):
    assert_not_yet(checks.check_param_counts, 42, capsys, "expected a function")
