"""course_utils.conv against numpy, scipy and Keras."""

import subprocess
import sys

import numpy as np
import pytest
import scipy.signal

from course_utils import conv

RNG = np.random.default_rng(0)
SIZES_1D = [(n, k) for n in (1, 2, 5, 8) for k in (1, 2, 3, 4, 7)]


@pytest.mark.parametrize("n,k", SIZES_1D)
@pytest.mark.parametrize("mode", conv.MODES)
def test_conv1d_and_correlate1d_match_numpy(n, k, mode):
    x, h = RNG.normal(size=n), RNG.normal(size=k)
    if mode == "valid" and k > n:
        with pytest.raises(ValueError, match="kernel must fit"):
            conv.conv1d(x, h, mode)
        return
    np.testing.assert_allclose(conv.conv1d(x, h, mode), np.convolve(x, h, mode))
    np.testing.assert_allclose(conv.correlate1d(x, h, mode), np.correlate(x, h, mode))


def test_integer_input_stays_exact():
    y = conv.conv1d([1, 2, 3, 4], [1, 0, -1])
    assert y.dtype.kind == "i"
    np.testing.assert_array_equal(y, [1, 2, 2, 2, -3, -4])


SHAPES_2D = [((5, 5), (3, 3)), ((6, 7), (2, 4)), ((4, 9), (4, 1)), ((8, 8), (5, 2)), ((3, 3), (3, 3))]


@pytest.mark.parametrize("xs,ws", SHAPES_2D)
@pytest.mark.parametrize("mode", conv.MODES)
def test_2d_matches_scipy(xs, ws, mode):
    x, w = RNG.normal(size=xs), RNG.normal(size=ws)
    np.testing.assert_allclose(conv.correlate2d(x, w, mode), scipy.signal.correlate2d(x, w, mode))
    np.testing.assert_allclose(conv.convolve2d(x, w, mode), scipy.signal.convolve2d(x, w, mode))


@pytest.mark.parametrize("mode", ["full", "same"])
def test_2d_kernel_larger_than_image_in_full_and_same(mode):
    x, w = RNG.normal(size=(3, 4)), RNG.normal(size=(5, 6))
    np.testing.assert_allclose(conv.correlate2d(x, w, mode), scipy.signal.correlate2d(x, w, mode))
    np.testing.assert_allclose(conv.convolve2d(x, w, mode), scipy.signal.convolve2d(x, w, mode))


def test_convolution_is_correlation_with_flipped_kernel():
    x, w = RNG.normal(size=(6, 6)), RNG.normal(size=(3, 3))
    for mode in ("full", "valid"):
        np.testing.assert_allclose(conv.convolve2d(x, w, mode), conv.correlate2d(x, w[::-1, ::-1], mode))


def test_deck_worked_example_5x5():
    # NYU deck, "2D Convolution Example with Valid Mode": the 3x3 result.
    x = np.array([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]])
    w = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]])
    expected = np.array([[12, 12, 17], [10, 17, 19], [9, 6, 14]])
    np.testing.assert_array_equal(conv.correlate2d(x, w), expected)
    np.testing.assert_array_equal(conv.correlate2d_loop(x, w), expected)


def test_loop_matches_vectorised():
    x, w = RNG.normal(size=(7, 6)), RNG.normal(size=(3, 2))
    np.testing.assert_allclose(conv.correlate2d_loop(x, w), conv.correlate2d(x, w))


@pytest.mark.parametrize(
    "call,exc,words",
    [
        (lambda: conv.conv1d([[1, 2]], [1]), ValueError, ["x", "1 dimension", "got 2"]),
        (lambda: conv.conv1d([], [1]), ValueError, ["x", "empty"]),
        (lambda: conv.conv1d(["a", "b"], [1]), TypeError, ["x", "real numbers"]),
        (lambda: conv.conv1d("abc", [1]), TypeError, ["x", "str"]),
        (lambda: conv.conv1d([1, 2], [1j]), TypeError, ["h", "complex"]),
        (lambda: conv.conv1d([1, 2], [1], mode="middle"), ValueError, ["mode", "'middle'", "full"]),
        (lambda: conv.conv1d([1, 2], [1, 2, 3], mode="valid"), ValueError, ["h", "(3,)", "(2,)"]),
        (lambda: conv.correlate2d(np.ones(5), np.ones((2, 2))), ValueError, ["x", "2 dimension"]),
        (lambda: conv.correlate2d(np.ones((2, 2)), np.ones((3, 1))), ValueError, ["w", "(3, 1)"]),
        (lambda: conv.convolve2d(np.ones((4, 4)), np.ones((2, 2)), "bogus"), ValueError, ["mode"]),
        (lambda: conv.correlate2d([[1, 2], [3]], [[1]]), ValueError, ["x", "rectangular"]),
        (lambda: conv.conv_output_size(10, 3, stride=0), ValueError, ["stride", "0"]),
        (lambda: conv.conv_output_size(10, 3, stride=1.5), TypeError, ["stride", "1.5"]),
        (lambda: conv.conv_output_size(10, 3, padding="middle"), ValueError, ["padding", "'middle'"]),
        (lambda: conv.conv_output_size(10, 3, padding=-1), ValueError, ["padding", "-1"]),
        (lambda: conv.conv_output_size(2, 5), ValueError, ["k=5", "larger"]),
        (lambda: conv.conv_output_size(0, 1), ValueError, ["n", "0"]),
    ],
)
def test_bad_input_gives_clear_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {info.value!s}"


@pytest.mark.parametrize(
    "n,k,stride,padding,expected",
    [
        (227, 11, 4, 0, 55),    # AlexNet conv1
        (7, 3, 1, 1, 7),        # deck 002: 7x7, 3x3, pad 1
        (32, 5, 1, 2, 32),      # deck 002: 32x32x3, 5x5 filters, pad 2
        (7, 3, 2, 1, 4),        # cs231n: 5x5 padded to 7x7 (pad given here), stride 2
        (5, 3, 2, 1, 3),
        (512, 3, 1, "valid", 510),  # deck 003: cameraman, 3x3 Conv2D
        (28, 5, 1, 2, 28),      # deck 004: Fashion-MNIST conv 1
        (7, 3, 2, "same", 4),
        (8, 3, 2, "same", 4),
    ],
)
def test_conv_output_size(n, k, stride, padding, expected):
    assert conv.conv_output_size(n, k, stride, padding) == expected


@pytest.mark.parametrize("n", [7, 8, 28])
@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv_output_size_matches_keras(keras_module, n, k, stride, padding):
    layer = keras_module.layers.Conv2D(1, k, strides=stride, padding=padding)
    shape = layer.compute_output_shape((1, n, n, 1))
    assert shape[1] == conv.conv_output_size(n, k, stride, padding)


def test_import_is_fast_and_needs_no_tensorflow():
    code = (
        "import sys, time; t = time.perf_counter();"
        "import course_utils; from course_utils import conv, data, checks, plotting, handout, runtime;"
        "dt = time.perf_counter() - t;"
        "bad = [m for m in ('tensorflow', 'keras', 'course_utils.__main__') if m in sys.modules];"
        "print(dt, bad); assert not bad, bad"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds = float(out.stdout.split()[0])
    assert seconds < 5, f"import course_utils took {seconds:.1f} s"
