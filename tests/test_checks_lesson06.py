"""Lesson 06's exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import math

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet
from scipy.signal import convolve2d, correlate2d

from course_utils import checks
from course_utils.checks import training_deep_cnn


# ---------------------------------------------------------------- exercise: batch norm forward
def batchnorm_forward(x, gamma, beta, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    mu = x.mean(axis=axes)
    var = x.var(axis=axes)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def batchnorm_float32(x, gamma, beta, eps=1e-3):
    """Computes in float32, as a Keras layer does."""
    x = np.asarray(x, dtype=np.float32)
    axes = tuple(range(x.ndim - 1))
    xhat = (x - x.mean(axis=axes, keepdims=True)) / np.sqrt(x.var(axis=axes, keepdims=True) + np.float32(eps))
    return (np.float32(1) * gamma * xhat + beta).astype(np.float32)


def batchnorm_lists(x, gamma, beta, eps=1e-3):
    """A loop over the channels, the result as nested lists."""
    out = np.empty(x.shape)
    for c in range(x.shape[-1]):
        v = x[..., c]
        out[..., c] = gamma[c] * (v - v.mean()) / np.sqrt(((v - v.mean()) ** 2).mean() + eps) + beta[c]
    return out.tolist()


def bn_axis0(x, gamma, beta, eps=1e-3):
    """The dense layer's rule on a 4D array: statistics over the examples only."""
    return gamma * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + eps) + beta


def bn_per_example(x, gamma, beta, eps=1e-3):
    axes = tuple(range(1, x.ndim - 1)) or (0,)
    mu, var = x.mean(axis=axes, keepdims=True), x.var(axis=axes, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def bn_ddof1(x, gamma, beta, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    return gamma * (x - x.mean(axis=axes)) / np.sqrt(x.var(axis=axes, ddof=1) + eps) + beta


def bn_eps_outside(x, gamma, beta, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    return gamma * (x - x.mean(axis=axes)) / (x.std(axis=axes) + eps) + beta


def bn_no_eps(x, gamma, beta, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    return gamma * (x - x.mean(axis=axes)) / x.std(axis=axes) + beta


def bn_swapped(x, gamma, beta, eps=1e-3):
    return batchnorm_forward(x, beta, gamma, eps)


def bn_channel_axis(x, gamma, beta, eps=1e-3):
    mu, var = x.mean(axis=-1, keepdims=True), x.var(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def bn_in_place(x, gamma, beta, eps=1e-3):
    axes = tuple(range(x.ndim - 1))
    mu, var = x.mean(axis=axes), x.var(axis=axes)
    x -= mu
    x /= np.sqrt(var + eps)
    return gamma * x + beta


def bn_nan_on_constant(x, gamma, beta, eps=1e-3):
    """Right where the variance is positive; 0 / 0 for a constant channel."""
    axes = tuple(range(x.ndim - 1))
    std = x.std(axis=axes)
    with np.errstate(invalid="ignore", divide="ignore"):
        return gamma * (x - x.mean(axis=axes)) / std * std / np.sqrt(std**2 + eps) + beta


def bn_pytorch_eps(x, gamma, beta, eps=1e-5):
    """PyTorch's default epsilon in the signature."""
    return batchnorm_forward(x, gamma, beta, eps)


def bn_no_affine(x, gamma, beta, eps=1e-3):
    return batchnorm_forward(x, 1.0, 0.0, eps)


def bn_4d_only(x, gamma, beta, eps=1e-3):
    """Right for (N, H, W, C), but fails on a dense layer's (N, C)."""
    mu, var = x.mean(axis=(0, 1, 2)), x.var(axis=(0, 1, 2))
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def bn_with_keras(x, gamma, beta, eps=1e-3):
    import keras

    layer = keras.layers.BatchNormalization(epsilon=eps)
    return np.asarray(layer(x, training=True)) * gamma + beta


def bn_with_tf_moments(x, gamma, beta, eps=1e-3):
    import tensorflow as tf

    mu, var = tf.nn.moments(x, axes=[0, 1, 2])
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


BN_WRONG = [
    (bn_axis0, "dense layer's rule"),
    (bn_per_example, "each example got its own"),
    (bn_ddof1, "unbiased"),
    (bn_eps_outside, "eps is in the wrong place"),
    (bn_no_eps, "eps"),
    (bn_swapped, "gamma and beta are swapped"),
    (bn_channel_axis, "across the channels"),
    (bn_in_place, "changed x itself"),
    (bn_pytorch_eps, "Keras's default"),
    (bn_nan_on_constant, "nan or inf"),
    (bn_no_affine, "not scaled and shifted"),
    (bn_4d_only, "every axis but the last"),
    (bn_with_keras, "rules out"),
    (bn_with_tf_moments, "rules out"),
    (lambda x, gamma, beta, eps=1e-3: batchnorm_forward(x, gamma, beta, eps)[0], "4D array"),
]


def test_batchnorm_reference_is_keras_in_training_mode():
    """The check's reference (and the right answer above) equal keras.layers.BatchNormalization(training=True)."""
    keras = pytest.importorskip("keras")
    for x, gamma, beta, eps in training_deep_cnn._batchnorm_cases():
        eps = 1e-3 if eps is None else eps
        layer = keras.layers.BatchNormalization(epsilon=eps)
        layer.build(x.shape)
        layer.gamma.assign(gamma.astype("float32"))
        layer.beta.assign(beta.astype("float32"))
        want = keras.ops.convert_to_numpy(layer(x.astype("float32"), training=True))
        mine = training_deep_cnn._batchnorm(x, gamma, beta, eps, tuple(range(x.ndim - 1)))
        assert np.allclose(mine, want, rtol=1e-4, atol=1e-4)
        assert np.allclose(batchnorm_forward(x, gamma, beta, eps), want, rtol=1e-4, atol=1e-4)


def test_batchnorm_constant_channel_gives_beta():
    x, gamma, beta, eps = training_deep_cnn._batchnorm_cases()[2]
    out = batchnorm_forward(x, gamma, beta, eps)
    assert np.allclose(out[..., 2], beta[2])


# ---------------------------------------------------------------- exercise: conv backward
def conv_backward(x, w, dz):
    """Slicing over the kernel's positions: weight (a, b) met the pixels x[a:a + zh, b:b + zw]."""
    x, w, dz = (np.asarray(a, dtype=float) for a in (x, w, dz))
    kh, kw = w.shape
    zh, zw = dz.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    for a in range(kh):
        for b in range(kw):
            dw[a, b] = np.sum(dz * x[a:a + zh, b:b + zw])
            dx[a:a + zh, b:b + zw] += w[a, b] * dz
    return dx, dw


def conv_backward_loops(x, w, dz):
    """The sum over every output position, written out; the pair as a list of nested lists."""
    kh, kw = w.shape
    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    for r in range(dz.shape[0]):
        for c in range(dz.shape[1]):
            dx[r:r + kh, c:c + kw] += dz[r, c] * w
            dw += dz[r, c] * x[r:r + kh, c:c + kw]
    return [dx.tolist(), dw.tolist()]


def conv_backward_float32(x, w, dz):
    dx, dw = conv_backward(x, w, dz)
    return dx.astype(np.float32), dw.astype(np.float32)


def conv_backward_scipy(x, w, dz):
    """Right values, but with the library routines the exercise rules out."""
    return convolve2d(dz, w, "full"), correlate2d(x, dz, "valid")


def conv_backward_signal_module(x, w, dz):
    """The same through the module: ``from scipy import signal``."""
    from scipy import signal

    return signal.convolve2d(dz, w, "full"), signal.correlate2d(x, dz, "valid")


def conv_dw_flipped(x, w, dz):
    """dw as a convolution (dz rotated by 180 degrees)."""
    return conv_backward(x, w, dz)[0], conv_backward(x, w, dz[::-1, ::-1])[1]


def conv_dw_rotated(x, w, dz):
    dx, dw = conv_backward(x, w, dz)
    return dx, dw[::-1, ::-1]


def conv_dx_correlation(x, w, dz):
    """dx as a full correlation (the kernel rotated by 180 degrees)."""
    return conv_backward(x, w[::-1, ::-1], dz)[0], conv_backward(x, w, dz)[1]


def conv_dx_same(x, w, dz):
    """dx cut to the size of dz (mode 'same' of dz)."""
    dx, dw = conv_backward(x, w, dz)
    return dx[:dz.shape[0], :dz.shape[1]], dw


def conv_dx_valid(x, w, dz):
    """dx for the positions where the whole kernel fits only."""
    dx, dw = conv_backward(x, w, dz)
    kh, kw = w.shape
    return dx[kh - 1:x.shape[0] - kh + 1, kw - 1:x.shape[1] - kw + 1], dw


def conv_swapped(x, w, dz):
    dx, dw = conv_backward(x, w, dz)
    return dw, dx


def conv_transposed(x, w, dz):
    dx, dw = conv_backward(x, w, dz)
    return dx.T, dw.T


def conv_dw_transposed(x, w, dz):
    dx, dw = conv_backward(x, w, dz)
    return dx, dw.T


def conv_dw_last_row_forgotten(x, w, dz):
    dx = conv_backward(x, w, dz)[0]
    dw = conv_backward(x[:-1], w, dz[:-1])[1] if dz.shape[0] > 1 else np.zeros(w.shape)
    return dx, dw


def conv_dw_mean(x, w, dz):
    dx, dw = conv_backward(x, w, dz)
    return dx, dw / dz.size


def conv_with_tape(x, w, dz):
    import tensorflow as tf

    xt, wt = tf.Variable(x[None, :, :, None]), tf.Variable(w[:, :, None, None])
    with tf.GradientTape() as tape:
        z = tf.nn.conv2d(xt, wt, 1, "VALID")
    dx, dw = tape.gradient(z, [xt, wt], output_gradients=dz[None, :, :, None])
    return dx.numpy()[0, :, :, 0], dw.numpy()[:, :, 0, 0]


CONV_WRONG = [
    (conv_dw_flipped, "dz is flipped by 180"),
    (conv_dw_rotated, "dw is rotated by 180"),
    (conv_dx_correlation, "dx comes out as if the kernel were rotated"),
    (conv_dx_same, "dx has the shape of x"),
    (conv_dx_valid, "dx has the shape of x"),
    (conv_swapped, "wrong order"),
    (conv_transposed, "rows and columns are swapped"),
    (conv_dw_transposed, "rows and columns are swapped"),
    (conv_dw_last_row_forgotten, "over all the positions"),
    (conv_dw_mean, "over all the positions"),
    (conv_with_tape, "rules out"),
    (conv_backward_scipy, "scipy.signal.convolve2d, which this exercise rules out"),
    (conv_backward_signal_module, "rules out"),
    (lambda x, w, dz: conv_backward(x, w, dz)[0], "return the pair"),
]


def test_conv_backward_success_line_gives_the_numerical_gradient_error(capsys):
    """The check compares with a central-difference gradient and says how close it came."""
    out = assert_correct(checks.check_conv_backward, conv_backward, capsys)
    assert "numerical gradient at most 1e-" in out


def test_conv_backward_reference_is_tensorflow():
    """The check's reference (correlation for dw, full convolution for dx) is what GradientTape gives."""
    tf = pytest.importorskip("tensorflow")
    for x, w, dz in training_deep_cnn._conv_cases():
        x, w, dz = (np.asarray(a, dtype="float64") for a in (x, w, dz))
        xt, wt = tf.Variable(x[None, :, :, None]), tf.Variable(w[:, :, None, None])
        with tf.GradientTape() as tape:
            z = tf.nn.conv2d(xt, wt, 1, "VALID")
            loss = tf.reduce_sum(z * dz[None, :, :, None])
        gx, gw = tape.gradient(loss, [xt, wt])
        for dx, dw in (conv_backward(x, w, dz), conv_backward_scipy(x, w, dz)):
            assert np.allclose(dx, gx.numpy()[0, :, :, 0]) and np.allclose(dw, gw.numpy()[:, :, 0, 0])


# ---------------------------------------------------------------- exercise: He's standard deviation
def he_std(kernel_shape):
    return np.sqrt(2 / np.prod(kernel_shape[:-1]))


def he_std_math(kernel_shape):
    fan_in = math.prod(kernel_shape[:-1])
    return math.sqrt(2 / fan_in)


def he_std_float32(kernel_shape):
    return np.float32(np.sqrt(2.0 / np.prod(kernel_shape[:-1])))


def he_fan_out(kernel_shape):
    n = kernel_shape[-1] * (kernel_shape[0] * kernel_shape[1] if len(kernel_shape) == 4 else 1)
    return math.sqrt(2 / n)


def he_channels_only(kernel_shape):
    return math.sqrt(2 / kernel_shape[-2])


def he_glorot(kernel_shape):
    area = kernel_shape[0] * kernel_shape[1] if len(kernel_shape) == 4 else 1
    return math.sqrt(2 / (area * (kernel_shape[-2] + kernel_shape[-1])))


def he_variance(kernel_shape):
    return 2 / math.prod(kernel_shape[:-1])


def he_array(kernel_shape):
    return np.array([he_std(kernel_shape)])


def he_truncated_parameter(kernel_shape):
    return he_std(kernel_shape) / 0.87962566103423978


HE_WRONG = [
    (he_fan_out, "fan-out"),
    (he_channels_only, "input channels only"),
    (he_glorot, "Glorot"),
    (he_variance, "variance"),
    (he_array, "return a float"),
    (lambda kernel_shape: 1, "return a float"),
    (he_truncated_parameter, "truncated normal"),
    (lambda kernel_shape: math.sqrt(1 / math.prod(kernel_shape[:-1])), "LeCun"),
    (lambda kernel_shape: 0.05, "count the inputs"),
]


def test_he_std_is_the_spread_of_keras_he_normal():
    """Keras's he_normal draws have the standard deviation the check expects (within sampling error)."""
    keras = pytest.importorskip("keras")
    for shape in [(3, 5, 8, 16), (200, 300)]:
        draws = keras.ops.convert_to_numpy(keras.initializers.HeNormal(seed=1)(shape))
        assert abs(draws.std() / he_std(shape) - 1) < 0.03


# ---------------------------------------------------------------- the prediction
def predict_training():
    return {"sigmoid_max_slope": 0.25, "first_to_vanish": "sigmoid", "relu_he_spread": "stays about the same"}


def predict_training_variants():
    return {"relu_he_spread": " Stays the same. ", "first_to_vanish": "Sigmoid", "sigmoid_max_slope": "1/4"}


def predict_training_constant():
    return {**predict_training(), "relu_he_spread": "Stays roughly constant"}


def predict_training_constant_short():
    return {**predict_training(), "relu_he_spread": "constant"}


def predict_training_natural():
    return {**predict_training(), "first_to_vanish": "the sigmoid", "relu_he_spread": "stays approximately constant"}


def predict_with(**changes):
    def predict():
        return {**predict_training(), **changes}
    return predict


PREDICT_RIGHT_DICT = {"sigmoid_max_slope": np.float32(0.25), "first_to_vanish": "SIGMOID",
                      "relu_he_spread": "stays about the same"}

PREDICT_WRONG = [
    (predict_with(sigmoid_max_slope=0.5), "(a) the sigmoid's largest slope is not right. Hint: differentiate"),
    (predict_with(sigmoid_max_slope=1), "(a) the sigmoid's largest slope is not right"),
    (predict_with(first_to_vanish="tanh"), "(b) the activation whose gradient vanishes first is not right"),
    (predict_with(first_to_vanish="relu"), "(b) the activation whose gradient vanishes first is not right"),
    (predict_with(relu_he_spread="grows"), "(c) the spread through 20 ReLU layers"),
    (predict_with(relu_he_spread="shrinks"), "(c) the spread through 20 ReLU layers"),
    (predict_with(relu_he_spread="vanishes"), "must be one of"),
    (predict_with(relu_he_spread="roughly constant", first_to_vanish="relu"), "(b) the activation"),
    (lambda: {"sigmoid_max_slope": 0.25}, "missing"),
    (lambda: (0.25, "sigmoid", "grows"), "as a dict"),
]


# ---------------------------------------------------------------- optional exercise: max pooling backward
def maxpool_backward(x, dz):
    """Reshape into 2x2 windows; the first maximum (in reading order) gets the gradient."""
    h, w = x.shape
    windows = x.reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
    onehot = np.eye(4)[windows.argmax(axis=2)] * dz[..., None]
    return onehot.reshape(h // 2, w // 2, 2, 2).transpose(0, 2, 1, 3).reshape(h, w)


def maxpool_backward_loops(x, dz):
    """Loops; the last of tied maxima gets the gradient."""
    dx = np.zeros(x.shape)
    for i in range(dz.shape[0]):
        for j in range(dz.shape[1]):
            window = x[2 * i:2 * i + 2, 2 * j:2 * j + 2]
            best = None
            for a in range(2):
                for b in range(2):
                    if best is None or window[a, b] >= window[best]:
                        best = (a, b)
            dx[2 * i + best[0], 2 * j + best[1]] = dz[i, j]
    return dx


def maxpool_average(x, dz):
    return np.repeat(np.repeat(dz / 4, 2, axis=0), 2, axis=1)


def maxpool_split_ties(x, dz):
    big = np.repeat(np.repeat(dz, 2, axis=0), 2, axis=1)
    top = np.repeat(np.repeat(x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).max(axis=(1, 3)), 2, axis=0), 2, axis=1)
    mask = x == top
    count = mask.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).sum(axis=(1, 3))
    return np.where(mask, big / np.repeat(np.repeat(count, 2, axis=0), 2, axis=1), 0.0)


def maxpool_every_tie(x, dz):
    """The mask x == window max: every tied maximum gets the whole value."""
    big = np.repeat(np.repeat(dz, 2, axis=0), 2, axis=1)
    top = np.repeat(np.repeat(x.reshape(x.shape[0] // 2, 2, x.shape[1] // 2, 2).max(axis=(1, 3)), 2, axis=0), 2, axis=1)
    return np.where(x == top, big, 0.0)


def maxpool_on_minimum(x, dz):
    return maxpool_backward(-x, dz)


def maxpool_no_transpose(x, dz):
    """Reshapes into windows without the transpose: the 'windows' are not 2x2 blocks."""
    h, w = x.shape
    windows = x.reshape(h // 2, w // 2, 4)
    onehot = np.eye(4)[windows.argmax(axis=2)] * dz[..., None]
    return onehot.reshape(h, w)


def maxpool_transposed(x, dz):
    return maxpool_backward(x, dz).T


MAXPOOL_WRONG = [
    (maxpool_average, "average pooling"),
    (maxpool_split_ties, "split among them"),
    (maxpool_every_tie, "each of them got the whole value"),
    (maxpool_on_minimum, "not its window's maximum"),
    (maxpool_no_transpose, "not its window's maximum"),
    (maxpool_transposed, "transpose"),
    (lambda x, dz: np.repeat(np.repeat(dz, 2, axis=0), 2, axis=1) * 0, "add up"),
    (lambda x, dz: dz, "not of the pooled output"),
]


def test_maxpool_tensorflow_gradient_is_accepted(capsys):
    """TensorFlow's MaxPoolGrad (ties included) passes the check, and the check's inputs have ties."""
    tf = pytest.importorskip("tensorflow")
    answers = {}
    for x, dz in training_deep_cnn._maxpool_cases():
        xt = tf.Variable(np.asarray(x, dtype="float32")[None, :, :, None])
        with tf.GradientTape() as tape:
            z = tf.nn.max_pool2d(xt, 2, 2, "VALID")
        g = tape.gradient(z, xt, output_gradients=np.asarray(dz, dtype="float32")[None, :, :, None])
        answers[x.tobytes()] = g.numpy()[0, :, :, 0]
    assert any(not np.allclose(maxpool_backward(x, dz), maxpool_backward_loops(x, dz))
               for x, dz in training_deep_cnn._maxpool_cases()), "no case with tied maxima"
    assert_correct(checks.check_maxpool_backward, lambda x, dz: answers[x.tobytes()], capsys)


# ---------------------------------------------------------------- the layout tests/test_check_coverage.py reads
RIGHT = [
    (checks.check_batchnorm_forward, batchnorm_forward),
    (checks.check_batchnorm_forward, batchnorm_float32),
    (checks.check_batchnorm_forward, batchnorm_lists),
    (checks.check_conv_backward, conv_backward),
    (checks.check_conv_backward, conv_backward_loops),
    (checks.check_conv_backward, conv_backward_float32),
    (checks.check_he_std, he_std),
    (checks.check_he_std, he_std_math),
    (checks.check_he_std, he_std_float32),
    (checks.check_predict_training, predict_training),
    (checks.check_predict_training, predict_training_variants),
    (checks.check_predict_training, predict_training_constant),
    (checks.check_predict_training, predict_training_constant_short),
    (checks.check_predict_training, predict_training_natural),
    (checks.check_predict_training, PREDICT_RIGHT_DICT),
    (checks.check_maxpool_backward, maxpool_backward),
    (checks.check_maxpool_backward, maxpool_backward_loops),
]
WRONG = [
    *[(checks.check_batchnorm_forward, f, h) for f, h in BN_WRONG],
    *[(checks.check_conv_backward, f, h) for f, h in CONV_WRONG],
    *[(checks.check_he_std, f, h) for f, h in HE_WRONG],
    *[(checks.check_predict_training, f, h) for f, h in PREDICT_WRONG],
    *[(checks.check_maxpool_backward, f, h) for f, h in MAXPOOL_WRONG],
]


@pytest.mark.parametrize("check,func", RIGHT, ids=lambda v: getattr(v, "__name__", type(v).__name__))
def test_right_answer_is_correct(check, func, capsys):
    assert_correct(check, func, capsys)


@pytest.mark.parametrize("check", list(dict.fromkeys(c for c, _ in RIGHT)), ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG, ids=lambda v: getattr(v, "__name__", None))
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


def test_every_check_is_exported():
    assert set(training_deep_cnn.__all__) == {c.__name__ for c, _ in RIGHT}
    for name in training_deep_cnn.__all__:
        assert getattr(checks, name) is getattr(training_deep_cnn, name)


def test_prediction_feedback_never_shows_the_answers(capsys):
    source = open(training_deep_cnn.__file__, encoding="utf-8").read()
    assert "0.25" not in source and "1/4" not in source
    for func, _ in PREDICT_WRONG[:6]:
        out = assert_not_yet(checks.check_predict_training, func, capsys)
        assert "0.25" not in out and "about the same" not in out
    # partial credit: two of three right
    result = checks.check_predict_training(predict_with(first_to_vanish="tanh"))
    capsys.readouterr()
    assert result.fraction == pytest.approx(2 / 3)


def test_he_std_feedback_never_shows_the_answer(capsys):
    out = assert_not_yet(checks.check_he_std, he_fan_out, capsys)
    assert f"{he_std((64, 10)):.4g}" not in out
