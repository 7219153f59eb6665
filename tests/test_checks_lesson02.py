"""Lesson 02's exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import numpy as np
import pytest
import scipy.ndimage
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet
from numpy.lib.stride_tricks import sliding_window_view
from scipy import signal
from scipy.signal import convolve2d, correlate2d
from skimage.feature import match_template

from course_utils import checks, conv
from course_utils.checks.correlation_2d import _CORNER, _ncc_cases

# ---------------------------------------------------------------- exercise 1: convolve2d_valid
# Functions are defined with `def`: the check reads their source, as it reads a student's cell.


def conv_loops(x, w):
    k1, k2 = w.shape
    flipped = w[::-1, ::-1]
    out = np.zeros((x.shape[0] - k1 + 1, x.shape[1] - k2 + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + k1, j : j + k2] * flipped)
    return out


def conv_windows(x, w):
    return np.einsum("ijab,ab->ij", sliding_window_view(x, w.shape), np.rot90(w, 2))


def conv_by_definition(x, w):
    """The formula itself: z[n] = sum_k w[k] x[n - k], for n from K - 1 to N - 1."""
    k1, k2 = w.shape
    out = np.zeros((x.shape[0] - k1 + 1, x.shape[1] - k2 + 1))
    for n1 in range(k1 - 1, x.shape[0]):
        for n2 in range(k2 - 1, x.shape[1]):
            out[n1 - k1 + 1, n2 - k2 + 1] = sum(
                w[a, b] * x[n1 - a, n2 - b] for a in range(k1) for b in range(k2))
    return out


def corr_loops(x, w):  # correlation: the kernel is not flipped
    k1, k2 = w.shape
    out = np.zeros((x.shape[0] - k1 + 1, x.shape[1] - k2 + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + k1, j : j + k2] * w)
    return out


def flip_rows_only(x, w):
    return np.einsum("ijab,ab->ij", sliding_window_view(x, w.shape), w[::-1])


def flip_columns_only(x, w):
    return np.einsum("ijab,ab->ij", sliding_window_view(x, w.shape), np.fliplr(w))


def kernel_transposed(x, w):  # "flipping" by transposing: only a square kernel gets through
    return np.einsum("ijab,ab->ij", sliding_window_view(x, w.T.shape), w.T)


def output_transposed(x, w):
    return conv_windows(x, w).T


def assumes_square_kernel(x, w):
    k = w.shape[0]
    flipped = w[::-1, ::-1]
    out = np.zeros((x.shape[0] - k + 1, x.shape[1] - k + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + k, j : j + k] * flipped[:k, :k])
    return out


def int_output(x, w):  # the output takes the image's dtype: int images give truncated values
    k1, k2 = w.shape
    out = np.zeros_like(x)[: x.shape[0] - k1 + 1, : x.shape[1] - k2 + 1]
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + k1, j : j + k2] * w[::-1, ::-1])
    return out


def off_by_one(x, w):
    return conv_windows(x, w)[:-1, :-1]


def squeezed(x, w):  # fails when the output is one row or column (a kernel as large as the image)
    return np.squeeze(conv_windows(x, w))


def uses_scipy(x, w):
    return signal.convolve2d(x, w, "valid")


def uses_correlate2d(x, w):
    return correlate2d(x, w[::-1, ::-1], "valid")


def uses_course_conv(x, w):
    return conv.convolve2d(x, w, "valid")


def uses_ndimage(x, w):
    k1, k2 = w.shape
    return scipy.ndimage.convolve(x, w, mode="constant")[k1 // 2 : x.shape[0] - (k1 - 1) // 2,
                                                        k2 // 2 : x.shape[1] - (k2 - 1) // 2]


hidden = signal.convolve2d  # an alias made "in another cell"


def uses_alias(x, w):
    return hidden(x, w, "valid")


def uses_fftconvolve_by_getattr(x, w):  # the name is not written out: the call is disabled while it runs
    return getattr(signal, "fft" + "convolve")(x, w, "valid")


namespace = {"signal": signal}
exec("def made_with_exec(x, w):\n    return signal.convolve2d(x, w, 'valid')\n", namespace)  # no source to read
made_with_exec = namespace["made_with_exec"]



def correlate(x, w):  # a student's own helper, named like the library functions: allowed
    k1, k2 = w.shape
    out = np.zeros((x.shape[0] - k1 + 1, x.shape[1] - k2 + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + k1, j : j + k2] * w)
    return out


def conv_via_helper(x, w):  # the reviewer's right answer: the own helper with the flipped kernel
    return correlate(x, np.asarray(w)[::-1, ::-1])


def correlate2d_mine(x, w):  # an own helper that calls the library: read by the same rules
    return signal.correlate2d(x, w, "valid")


def conv_via_library_helper(x, w):
    return correlate2d_mine(x, w[::-1, ::-1])


def pixel(x, i, j):  # lesson 02, section 3: the formula at one index
    return x[i, j] if 0 <= i < x.shape[0] and 0 <= j < x.shape[1] else 0


def convolution_at(x, w, n1, n2):
    return sum(w[k1, k2] * pixel(x, n1 - k1, n2 - k2) for (k1, k2), _ in np.ndenumerate(w))


def conv_via_section3(x, w):  # reuses the lesson's per-pixel formula: allowed, the prompt says so
    (n1, n2), (k1, k2) = x.shape, w.shape
    return np.array([[convolution_at(x, w, a, b) for b in range(k2 - 1, n2)] for a in range(k1 - 1, n1)],
                    dtype=float)


def conv_section3_wrong_range(x, w):  # correlation's index range with the convolution formula
    (n1, n2), (k1, k2) = x.shape, w.shape
    return np.array([[convolution_at(x, w, a, b) for b in range(n2 - k2 + 1)] for a in range(n1 - k1 + 1)],
                    dtype=float)

# ---------------------------------------------------------------- exercise 2: same_padding_2d
def pad_right(n, k, s):
    out = []
    for size, kernel, stride in zip(n, k, s):
        outputs = -(-size // stride)  # ceil: 'same' makes this many outputs
        total = max((outputs - 1) * stride + kernel - size, 0)
        out.append((total // 2, total - total // 2))
    return tuple(out)


def pad_right_math(n, k, s):  # another right answer, with math.ceil and numpy ints
    import math

    totals = np.maximum([(math.ceil(a / c) - 1) * c + b - a for a, b, c in zip(n, k, s)], 0)
    return ((totals[0] // 2, totals[0] - totals[0] // 2), (totals[1] // 2, totals[1] - totals[1] // 2))


def pad_ignores_stride(n, k, s):  # the stride-1 rule at every stride
    return tuple(((b - 1) // 2, b - 1 - (b - 1) // 2) for b in k)


def pad_symmetric(n, k, s):  # PyTorch's habit, padding=(K - 1) // 2 on both sides
    return tuple(((b - 1) // 2, (b - 1) // 2) for b in k)


def pad_extra_before(n, k, s):  # the odd zero at the top/left
    return tuple((p[1], p[0]) for p in pad_right(n, k, s))


def pad_axes_swapped(n, k, s):  # the kernel's width and the column stride used for the rows
    return pad_right(n, k[::-1], s[::-1])


def pad_floor(n, k, s):  # floor instead of ceil for the number of outputs
    out = []
    for size, kernel, stride in zip(n, k, s):
        total = max((size // stride - 1) * stride + kernel - size, 0)
        out.append((total // 2, total - total // 2))
    return tuple(out)


def pad_no_max(n, k, s):  # forgets that a count of zeros cannot be negative
    out = []
    for size, kernel, stride in zip(n, k, s):
        total = (-(-size // stride) - 1) * stride + kernel - size
        out.append((total // 2, total - total // 2))
    return tuple(out)


def pad_flat(n, k, s):  # returns (top, bottom, left, right)
    (a, b), (c, d) = pad_right(n, k, s)
    return (a, b, c, d)


def pad_with_keras(n, k, s):  # measures the padding with a Keras layer: the prompt rules this out
    import keras

    keras.layers.Conv2D(1, k, strides=s, padding="same")
    return pad_right(n, k, s)


# ---------------------------------------------------------------- exercise 3: ncc_map
def ncc_windows(image, template):
    """The instructor's answer: 0 where a sum of squares is 0, as match_template does."""
    t = template - template.mean()
    patches = sliding_window_view(image, t.shape)
    patches = patches - patches.mean(axis=(2, 3), keepdims=True)
    numerator = np.einsum("ijab,ab->ij", patches, t)
    denominator = np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(t**2))
    ok = denominator > np.finfo(float).eps
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=ok)


def ncc_loop(image, template):
    """A plain-loop normalised cross-correlation (another right answer)."""
    t = template - template.mean()
    out = np.zeros((image.shape[0] - t.shape[0] + 1, image.shape[1] - t.shape[1] + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            p = image[i : i + t.shape[0], j : j + t.shape[1]]
            p = p - p.mean()
            spread = np.sqrt(np.sum(p**2) * np.sum(t**2))
            out[i, j] = np.sum(p * t) / spread if spread > 0 else 0.0
    return out


def ncc_nan_on_flat(image, template):  # the old instructor solution: 0/0 = NaN on a flat patch
    t = template - template.mean()
    patches = sliding_window_view(image, t.shape)
    patches = patches - patches.mean(axis=(2, 3), keepdims=True)
    with np.errstate(all="ignore"):
        return np.einsum("ijab,ab->ij", patches, t) / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(t**2))


def ncc_one_on_flat(image, template):
    out = ncc_windows(image, template)
    spread = np.ptp(sliding_window_view(image, template.shape), axis=(2, 3))
    out[(spread == 0) | (np.ptp(template) == 0)] = 1.0
    return out


def ncc_absolute(image, template):
    return np.abs(ncc_windows(image, template))


def ncc_without_means(image, template):
    patches = sliding_window_view(image, template.shape)
    raw = np.einsum("ijab,ab->ij", patches, template)
    with np.errstate(all="ignore"):
        return raw / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(template**2))


def ncc_without_denominator(image, template):
    t = template - template.mean()
    patches = sliding_window_view(image, template.shape)
    patches = patches - patches.mean(axis=(2, 3), keepdims=True)
    return np.einsum("ijab,ab->ij", patches, t)


def ncc_global_mean(image, template):
    t = template - template.mean()
    patches = sliding_window_view(image, template.shape) - image.mean()
    with np.errstate(all="ignore"):
        return np.einsum("ijab,ab->ij", patches, t) / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(t**2))


def ncc_template_mean_only_on_top(image, template):
    patches = sliding_window_view(image, template.shape)
    patches = patches - patches.mean(axis=(2, 3), keepdims=True)
    numerator = np.einsum("ijab,ab->ij", patches, template - template.mean())
    denominator = np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(template**2))
    return np.divide(numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)


def conv_with_tensorflow(x, w):
    import tensorflow as tf

    flipped = w[::-1, ::-1, None, None].astype("float32")
    return tf.nn.conv2d(x[None, :, :, None].astype("float32"), flipped, 1, "VALID").numpy()[0, :, :, 0]


def conv_with_keras_ops(x, w):
    import keras

    flipped = w[::-1, ::-1, None, None]
    return keras.ops.convert_to_numpy(keras.ops.conv(x[None, :, :, None], flipped))[0, :, :, 0]


def conv_depthwise(x, w):  # the second reviewer's answer: a depthwise convolution is a convolution too
    import tensorflow as tf

    x = np.asarray(x, "float32")
    w = np.asarray(w, "float32")[::-1, ::-1].copy()
    return tf.nn.depthwise_conv2d(x[None, :, :, None], w[:, :, None, None], [1, 1, 1, 1],
                                  "VALID").numpy()[0, :, :, 0].astype(float)


def conv_keras_depthwise(x, w):
    import keras

    flipped = np.asarray(w, "float32")[::-1, ::-1, None, None]
    out = keras.ops.depthwise_conv(np.asarray(x, "float32")[None, :, :, None], flipped)
    return keras.ops.convert_to_numpy(out)[0, :, :, 0].astype(float)


def conv_depthwise_alias(x, w):  # the same call under a name of the student's choosing
    import tensorflow as tf

    slide = getattr(tf.nn, "depthwise_" + "conv2d")
    w = np.asarray(w, "float32")[::-1, ::-1].copy()
    return slide(np.asarray(x, "float32")[None, :, :, None], w[:, :, None, None], [1, 1, 1, 1],
                 "VALID").numpy()[0, :, :, 0].astype(float)


def ncc_padded(image, template):
    return ncc_windows(np.pad(image, [(k // 2, (k - 1) // 2) for k in template.shape], mode="edge"), template)


def ncc_calls_match_template(image, template):
    return match_template(image, template)


def ncc_scaled(image, template):
    return 0.9 * ncc_windows(image, template)


# ---------------------------------------------------------------- exercise 4: corner_detector
ANSWER = _CORNER[::-1, ::-1]

# ---------------------------------------------------------------- tables
RIGHT = [
    (checks.check_convolve2d_valid, conv_loops),
    (checks.check_convolve2d_valid, conv_windows),
    (checks.check_convolve2d_valid, conv_by_definition),
    (checks.check_convolve2d_valid, conv_via_helper),
    (checks.check_convolve2d_valid, conv_via_section3),
    (checks.check_same_padding_2d, pad_right),
    (checks.check_same_padding_2d, pad_right_math),
    (checks.check_ncc_map, ncc_windows),
    (checks.check_ncc_map, ncc_loop),
    (checks.check_corner_detector, lambda: ANSWER),
    (checks.check_corner_detector, lambda: ANSWER.astype(int).tolist()),
    (checks.check_predictions_2d, lambda: ((32, 18), ((2, 5), (0, 3)), "b")),
    (checks.check_predictions_2d, lambda: ([32, 18], [[2, 5], [0, 3]], " B ")),
    (checks.check_predictions_2d, lambda: ((32, 18), ((2, 5), (0, 3)), "B.")),
    (checks.check_predictions_2d, lambda: ((32, 18), ((2, 5), (0, 3)), "(B)")),
]
CHECKS = [checks.check_convolve2d_valid, checks.check_same_padding_2d, checks.check_ncc_map,
          checks.check_corner_detector, checks.check_predictions_2d]

def conv_tf1(x, w):  # TensorFlow 1's API, as in older tutorials
    import tensorflow as tf

    x = np.asarray(x, "float64")
    w = np.asarray(w, "float64")[::-1, ::-1].copy()
    return tf.compat.v1.nn.conv2d(x[None, :, :, None], w[:, :, None, None], [1, 1, 1, 1],
                                  "VALID").numpy()[0, :, :, 0]


def conv_tf1_convolution(x, w):
    import tensorflow as tf

    x = np.asarray(x, "float64")
    w = np.asarray(w, "float64")[::-1, ::-1].copy()
    return tf.compat.v1.nn.convolution(x[None, :, :, None], w[:, :, None, None],
                                       "VALID").numpy()[0, :, :, 0]


WRONG = [
    (checks.check_convolve2d_valid, conv_tf1, "tf.compat.v1.nn.conv2d"),
    (checks.check_convolve2d_valid, conv_tf1_convolution, "tf.compat.v1.nn.convolution"),
    (checks.check_convolve2d_valid, corr_loops, "not flipped"),
    (checks.check_convolve2d_valid, flip_rows_only, "one axis only"),
    (checks.check_convolve2d_valid, flip_columns_only, "one axis only"),
    (checks.check_convolve2d_valid, kernel_transposed, "transposed or turned"),
    (checks.check_convolve2d_valid, output_transposed, "output is transposed"),
    (checks.check_convolve2d_valid, assumes_square_kernel, "has shape"),
    (checks.check_convolve2d_valid, off_by_one, "count the positions"),
    (checks.check_convolve2d_valid, int_output, "float array"),
    (checks.check_convolve2d_valid, squeezed, "2D array"),
    (checks.check_convolve2d_valid, uses_scipy, "rules out"),
    (checks.check_convolve2d_valid, uses_correlate2d, "rules out"),
    (checks.check_convolve2d_valid, uses_course_conv, "rules out"),
    (checks.check_convolve2d_valid, uses_ndimage, "rules out"),
    (checks.check_convolve2d_valid, uses_alias, "under another name"),
    (checks.check_convolve2d_valid, uses_fftconvolve_by_getattr, "calls scipy.signal.fftconvolve"),
    (checks.check_convolve2d_valid, made_with_exec, "calls scipy.signal.convolve2d"),
    (checks.check_convolve2d_valid, signal.convolve2d, "itself"),
    (checks.check_convolve2d_valid, lambda x, w: 1 / 0, "ZeroDivisionError"),
    (checks.check_convolve2d_valid, conv_with_tensorflow, "calls tf.nn.conv2d"),
    (checks.check_convolve2d_valid, conv_via_library_helper, "uses scipy.signal.correlate2d"),
    (checks.check_convolve2d_valid, conv_section3_wrong_range, "wrong values"),
    (checks.check_convolve2d_valid, conv_with_keras_ops, "calls keras.ops.conv"),
    (checks.check_convolve2d_valid, conv_depthwise, "tf.nn.depthwise_conv2d"),
    (checks.check_convolve2d_valid, conv_keras_depthwise, "keras.ops.depthwise_conv"),
    (checks.check_convolve2d_valid, conv_depthwise_alias, "tf.nn.depthwise_conv2d"),
    (checks.check_same_padding_2d, pad_ignores_stride, "count the outputs 'same' makes"),
    (checks.check_same_padding_2d, pad_symmetric, "pads both sides alike"),
    (checks.check_same_padding_2d, pad_extra_before, "wrong side"),
    (checks.check_same_padding_2d, pad_axes_swapped, "mixes up the axes"),
    (checks.check_same_padding_2d, pad_floor, "is not right"),
    (checks.check_same_padding_2d, pad_no_max, "negative"),
    (checks.check_same_padding_2d, pad_flat, "four ints"),
    (checks.check_same_padding_2d, lambda n, k, s: ((0.0, 1.0), (0.0, 1.0)), "four ints"),
    (checks.check_same_padding_2d, pad_with_keras, "rules out"),
    (checks.check_ncc_map, ncc_nan_on_flat, "NaN"),
    (checks.check_ncc_map, ncc_one_on_flat, "the patch is flat"),
    (checks.check_ncc_map, ncc_absolute, "signs are lost"),
    (checks.check_ncc_map, lambda im, t: correlate2d(im, t, "valid"), "raw correlation"),
    (checks.check_ncc_map, ncc_without_means, "means are missing"),
    (checks.check_ncc_map, ncc_without_denominator, "normalisation is missing"),
    (checks.check_ncc_map, ncc_global_mean, "mean of the whole image"),
    (checks.check_ncc_map, ncc_template_mean_only_on_top, "without subtracting its mean"),
    (checks.check_ncc_map, ncc_padded, "shape"),
    (checks.check_ncc_map, ncc_scaled, "Pearson"),
    (checks.check_ncc_map, ncc_calls_match_template, "rules out"),
    (checks.check_ncc_map, match_template, "itself"),
    (checks.check_corner_detector, lambda: _CORNER, "what does convolution do"),
    (checks.check_corner_detector, lambda: _CORNER[::-1], "one axis only"),
    (checks.check_corner_detector, lambda: _CORNER[:, ::-1], "one axis only"),
    (checks.check_corner_detector, lambda: -ANSWER, "inverted"),
    (checks.check_corner_detector, lambda: ANSWER / 9, "-1 and +1"),
    (checks.check_corner_detector, lambda: np.ones((3, 3)), "not 1 on the corner"),
    (checks.check_corner_detector, lambda: np.ones((2, 2)), "shape (3, 3)"),
    (checks.check_predictions_2d, lambda: ((34, 23), ((2, 5), (0, 3)), "b"), "(a) the shape"),
    (checks.check_predictions_2d, lambda: ((32, 18), ((2, 5), (2, 5)), "b"), "(b) the pair of positions"),
    (checks.check_predictions_2d, lambda: ((32, 18), ((2, 5), (4, 7)), "b"), "(b) the pair of positions"),
    (checks.check_predictions_2d, lambda: ((32, 18), ((2, 5), (0, 3)), "a"), "(c) the letter"),
    (checks.check_predictions_2d, lambda: ((32, 18), ((2, 5), (0, 3))), "must return 3 answers"),
]


@pytest.mark.parametrize("check,func", RIGHT, ids=lambda v: getattr(v, "__name__", ""))
def test_right_answer_is_correct(check, func, capsys):
    assert_correct(check, func, capsys)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG, ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_not_a_function(check, capsys):
    assert_not_yet(check, 42, capsys, "expected a function")


def test_forbidden_calls_work_again_after_the_check(capsys):
    """The check disables the forbidden functions only while the student's code runs."""
    originals = (signal.convolve2d, signal.fftconvolve, np.convolve, conv.correlate2d, hidden)
    checks.check_convolve2d_valid(uses_fftconvolve_by_getattr)
    checks.check_convolve2d_valid(made_with_exec)
    checks.check_ncc_map(ncc_calls_match_template)
    capsys.readouterr()
    assert (signal.convolve2d, signal.fftconvolve, np.convolve, conv.correlate2d, hidden) == originals
    assert namespace["signal"].convolve2d is convolve2d
    assert signal.convolve2d(np.ones((3, 3)), np.ones((2, 2)), "valid").shape == (2, 2)


def test_ncc_cases_hold_flat_patches_a_flat_template_and_negative_values():
    """The check's reference is match_template; on these cases it gives 0 where the formula is 0/0."""
    kinds = set()
    for image, template, _what in _ncc_cases():
        want = match_template(image, template)
        np.testing.assert_allclose(ncc_loop(image, template), want, atol=1e-9)
        patches = sliding_window_view(image, template.shape)
        flat = (np.ptp(patches, axis=(2, 3)) == 0) | (np.ptp(template) == 0)
        assert np.all(want[flat] == 0)
        if np.ptp(template) == 0:
            kinds.add("flat template")
        elif flat.any():
            kinds.add("flat patch")
        if want.min() < -0.99:
            kinds.add("negative")
        if template.shape[0] != template.shape[1]:
            kinds.add("non-square")
    assert kinds == {"flat template", "flat patch", "negative", "non-square"}


def test_keras_same_padding_is_what_the_check_expects():
    """The check's rule is Keras's: a Conv2D layer gives the same numbers as explicit zeros + 'valid'."""
    import keras

    from course_utils.checks.correlation_2d import _keras_same_padding

    rng = np.random.default_rng(5)
    for n, k, s in [((6, 6), (3, 3), (2, 2)), ((7, 7), (3, 3), (2, 2)), ((7, 7), (4, 4), (2, 2)),
                    ((5, 8), (4, 2), (1, 2)), ((9, 6), (1, 5), (2, 3)), ((4, 4), (1, 1), (2, 2)),
                    ((2, 7), (4, 3), (2, 2))]:
        x, w = rng.normal(size=n).astype("float32"), rng.normal(size=k).astype("float32")
        layer = keras.layers.Conv2D(1, k, strides=s, padding="same", use_bias=False)
        layer.build((None, *n, 1))
        layer.set_weights([w[:, :, None, None]])
        got = keras.ops.convert_to_numpy(layer(x[None, :, :, None]))[0, :, :, 0]
        pads = [_keras_same_padding(n[a], k[a], s[a]) for a in range(2)]
        want = correlate2d(np.pad(x, pads), w, "valid")[:: s[0], :: s[1]]
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
        assert pad_right(n, k, s) == tuple(pads)


def test_feedback_never_shows_the_answer(capsys):
    for wrong in (lambda n, k, s: ((0, 0), (0, 0)), pad_ignores_stride, pad_symmetric, pad_floor):
        checks.check_same_padding_2d(wrong)
    out = capsys.readouterr().out
    for secret in ("ceil", "// 2", "K - 1", "max(", "(0, 1)), "):
        assert secret not in out
    checks.check_corner_detector(lambda: _CORNER)
    checks.check_corner_detector(lambda: np.ones((3, 3)))
    out = capsys.readouterr().out
    assert str(ANSWER) not in out and str(_CORNER) not in out and "[[" not in out
    checks.check_convolve2d_valid(corr_loops)
    checks.check_ncc_map(ncc_without_denominator)
    checks.check_predictions_2d(lambda: ((1, 1), ((0, 0), (0, 0)), "a"))
    out = capsys.readouterr().out
    assert "[::-1" not in out and "np.flip" not in out and "corrcoef" not in out
    assert "32" not in out and "(0, 3)" not in out


def test_checks_do_not_modify_their_test_data(capsys):
    """A student's function that writes into its arguments cannot change later test cases."""

    def vandal(x, w):
        result = conv_windows(x, w)
        x[...] = 0
        return result

    assert checks.check_convolve2d_valid(vandal)
    assert checks.check_convolve2d_valid(conv_loops)
