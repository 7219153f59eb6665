"""course_utils.conv.conv2d, max_pool2d and avg_pool2d against Keras's layers."""

import numpy as np
import pytest

from course_utils import conv

STRIDES = [1, 2, 3, (2, 1)]
PADDINGS = ["valid", "same"]
# (kernel height, kernel width): odd, even and mixed sizes, and 1x1.
KERNELS = [(3, 3), (2, 2), (4, 3), (1, 1), (5, 2)]
# (input height, input width, input channels, output channels): odd and even sides.
SHAPES = [(7, 8, 1, 2), (6, 6, 3, 4), (9, 5, 2, 1), (8, 11, 4, 3), (10, 7, 3, 5)]


def keras_conv(keras, x, W, b, stride, padding):
    layer = keras.layers.Conv2D(W.shape[3], W.shape[:2], strides=stride, padding=padding)
    layer.build((None, *x.shape[1:]))
    layer.set_weights([W.astype("float32"), b.astype("float32")])
    return np.asarray(layer(x.astype("float32")))


@pytest.mark.parametrize("stride", STRIDES, ids=str)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("kernel", KERNELS, ids=str)
def test_conv2d_matches_keras(keras_module, stride, padding, kernel):
    rng = np.random.default_rng([KERNELS.index(kernel), STRIDES.index(stride)])
    h, w, c_in, c_out = SHAPES[(KERNELS.index(kernel) + STRIDES.index(stride)) % len(SHAPES)]
    x = rng.normal(size=(2, h, w, c_in))
    W = rng.normal(size=(*kernel, c_in, c_out))
    b = rng.normal(size=c_out)
    want = keras_conv(keras_module, x, W, b, stride, padding)
    got = conv.conv2d(x, W, b, stride=stride, padding=padding)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)
    # One image without the batch axis gives the same as a batch of one.
    np.testing.assert_allclose(conv.conv2d(x[1], W, b, stride, padding), got[1])


@pytest.mark.parametrize("n", [5, 6, 7, 8])
@pytest.mark.parametrize("k", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("stride", [1, 2, 3])
def test_same_padding_puts_the_odd_zero_at_the_bottom_right(keras_module, n, k, stride):
    # A single 1 at each position in turn shows where every output looks:
    # the kernel [[1, 2, ...]] reads off the offset of the window.
    x = np.arange(1, n * n + 1, dtype=float).reshape(1, n, n, 1)
    W = np.arange(1, k * k + 1, dtype=float).reshape(k, k, 1, 1)
    want = keras_conv(keras_module, x, W, np.zeros(1), stride, "same")
    np.testing.assert_allclose(conv.conv2d(x, W, stride=stride, padding="same"), want, rtol=1e-6)
    n_out = conv.conv_output_size(n, k, stride, "same")
    assert want.shape == (1, n_out, n_out, 1)


def test_conv2d_integer_input_stays_exact():
    x = np.arange(16).reshape(4, 4, 1)
    W = np.array([[1, 0], [0, -1]]).reshape(2, 2, 1, 1)
    z = conv.conv2d(x, W, b=[3])
    assert z.dtype.kind == "i"
    np.testing.assert_array_equal(z[..., 0], conv.correlate2d(x[..., 0], W[..., 0, 0]) + 3)


def test_conv2d_is_a_sum_of_2d_correlations_over_input_channels():
    rng = np.random.default_rng(5)
    x, W, b = rng.normal(size=(9, 8, 3)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=2)
    z = conv.conv2d(x, W, b)
    for m in range(2):
        want = sum(conv.correlate2d(x[..., c], W[..., c, m]) for c in range(3)) + b[m]
        np.testing.assert_allclose(z[..., m], want)


def test_int_padding_adds_zeros_on_every_side():
    rng = np.random.default_rng(6)
    x, W = rng.normal(size=(5, 5, 3)), rng.normal(size=(3, 3, 3, 2))
    padded = np.pad(x, ((2, 2), (2, 2), (0, 0)))
    np.testing.assert_allclose(conv.conv2d(x, W, stride=2, padding=2), conv.conv2d(padded, W, stride=2))
    assert conv.conv2d(x, W, stride=2, padding=2).shape[0] == conv.conv_output_size(5, 3, 2, 2)


def test_cs231n_worked_example():
    # Deck 001 (cs231n demo): 5x5x3 input with one zero of padding, two 3x3x3
    # filters with biases 1 and 0, stride 2 -> the deck's 3x3x2 output.
    x = np.stack([
        [[2, 1, 1, 2, 1], [1, 1, 0, 0, 0], [1, 1, 1, 0, 0], [1, 2, 2, 2, 2], [0, 2, 1, 1, 1]],
        [[1, 0, 0, 2, 2], [2, 1, 1, 1, 2], [2, 1, 0, 1, 1], [0, 0, 0, 2, 2], [2, 1, 0, 0, 0]],
        [[1, 1, 1, 0, 2], [2, 1, 0, 0, 1], [1, 2, 1, 1, 2], [0, 0, 2, 2, 1], [2, 1, 2, 0, 2]],
    ], axis=-1)
    w0 = np.stack([[[0, -1, 0], [1, 0, 1], [0, 0, 1]], [[1, 0, 0], [0, -1, -1], [0, -1, 0]],
                   [[1, 1, 1], [0, 1, -1], [-1, 1, 0]]], axis=-1)
    w1 = np.stack([[[0, 1, -1], [-1, 1, 1], [-1, 1, 1]], [[1, -1, 1], [-1, 0, -1], [1, 0, 0]],
                   [[-1, -1, 1], [0, 0, 1], [-1, 1, 1]]], axis=-1)
    out = conv.conv2d(x, np.stack([w0, w1], axis=-1), b=[1, 0], stride=2, padding=1)
    np.testing.assert_array_equal(out[..., 0], [[2, 1, 2], [2, 7, 1], [0, 8, 7]])
    np.testing.assert_array_equal(out[..., 1], [[9, -1, -1], [4, 5, -2], [1, 1, -1]])
    # Keras's "same" padding puts exactly one zero on each side here.
    np.testing.assert_array_equal(conv.conv2d(x, np.stack([w0, w1], -1), [1, 0], 2, "same"), out)


POOL_SIZES = [2, 3, (2, 3), 1]
POOL_STRIDES = [None, 1, 2, 3]


def keras_pool(keras, kind, x, size, stride, padding):
    cls = keras.layers.MaxPooling2D if kind == "max" else keras.layers.AveragePooling2D
    return np.asarray(cls(pool_size=size, strides=stride, padding=padding)(x.astype("float32")))


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("size", POOL_SIZES, ids=str)
@pytest.mark.parametrize("stride", POOL_STRIDES, ids=str)
@pytest.mark.parametrize("padding", PADDINGS)
def test_pooling_matches_keras(keras_module, kind, size, stride, padding):
    rng = np.random.default_rng([POOL_SIZES.index(size), POOL_STRIDES.index(stride)])
    h, w, c, _ = SHAPES[(POOL_SIZES.index(size) + POOL_STRIDES.index(stride)) % len(SHAPES)]
    x = rng.normal(size=(3, h, w, c)) - 2.0  # mostly negative: padded zeros must not win a max
    pool = conv.max_pool2d if kind == "max" else conv.avg_pool2d
    want = keras_pool(keras_module, kind, x, size, stride, padding)
    got = pool(x, size, stride, padding)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(pool(x[0], size, stride, padding), got[0])


def test_same_average_pooling_ignores_the_padding(keras_module):
    x = np.ones((1, 5, 5, 1))
    want = keras_pool(keras_module, "avg", x, 2, 2, "same")
    np.testing.assert_allclose(want, 1.0)  # an average of ones, not of ones and zeros
    np.testing.assert_allclose(conv.avg_pool2d(x, 2, 2, "same"), want)


def test_deck_max_pool_examples():
    deck004 = np.array([[5, 1, 3, 4], [8, 2, 9, 2], [1, 3, 0, 1], [2, 2, 2, 0]])[..., None]
    out = conv.max_pool2d(deck004)
    np.testing.assert_array_equal(out[..., 0], [[8, 9], [3, 2]])
    assert out.dtype == deck004.dtype
    deck003 = np.array([[2, 3, 4, 0], [1, 5, 3, 2], [0, 4, 2, 3], [1, 0, 6, 1]])[..., None]
    np.testing.assert_array_equal(conv.max_pool2d(deck003)[..., 0], [[5, 4], [4, 6]])
    np.testing.assert_array_equal(conv.avg_pool2d(deck003)[..., 0], [[2.75, 2.25], [1.25, 3.0]])


def test_integer_max_pool_with_same_padding_keeps_negative_values():
    x = -np.arange(1, 10).reshape(3, 3, 1)
    np.testing.assert_array_equal(conv.max_pool2d(x, 2, padding="same")[..., 0], [[-1, -3], [-7, -9]])


@pytest.mark.parametrize(
    "call,exc,words",
    [
        (lambda: conv.conv2d(np.ones((4, 4)), np.ones((2, 2, 1, 1))), ValueError,
         ["x", "3 dimensions", "got 2", "(4, 4)", "np.newaxis"]),
        (lambda: conv.conv2d(np.ones((1, 1, 4, 4, 1)), np.ones((2, 2, 1, 1))), ValueError, ["x", "got 5"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1))), ValueError, ["W", "4 dimension", "got 3"]),
        (lambda: conv.conv2d(np.ones((4, 4, 3)), np.ones((2, 2, 1, 5))), ValueError,
         ["W", "(2, 2, 1, 5)", "C = 1", "3 channel"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 2)), b=[1, 2, 3]), ValueError,
         ["b", "(2,)", "(3,)"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 2)), b=[[1, 2]]), ValueError, ["b", "1 dimension"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((5, 2, 1, 1))), ValueError, ["kernel", "5x2", "4x4"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), stride=0), ValueError, ["stride", "0"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), stride=1.5), TypeError, ["stride", "1.5"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), stride=(1, 2, 3)), ValueError,
         ["stride", "(1, 2, 3)", "pair"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), padding="full"), ValueError,
         ["padding", "'full'", '"same"']),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), padding=-1), ValueError, ["padding", "-1"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)), np.ones((2, 2, 1, 1)), padding=1.0), TypeError, ["padding", "1.0"]),
        (lambda: conv.conv2d("image", np.ones((2, 2, 1, 1))), TypeError, ["x", "str"]),
        (lambda: conv.conv2d(np.ones((4, 4, 1)) * 1j, np.ones((2, 2, 1, 1))), TypeError, ["x", "complex"]),
        (lambda: conv.conv2d(np.ones((0, 4, 1)), np.ones((2, 2, 1, 1))), ValueError, ["x", "empty"]),
        (lambda: conv.conv2d([[[1], [2]], [[3]]], np.ones((1, 1, 1, 1))), ValueError, ["x", "rectangular"]),
        (lambda: conv.max_pool2d(np.ones((4, 4))), ValueError, ["x", "3 dimensions", "got 2"]),
        (lambda: conv.max_pool2d(np.ones((4, 4, 1)), size=5), ValueError, ["pooling window", "5x5", "4x4"]),
        (lambda: conv.avg_pool2d(np.ones((4, 4, 1)), size=0), ValueError, ["size", "0"]),
        (lambda: conv.avg_pool2d(np.ones((4, 4, 1)), stride=-2), ValueError, ["stride", "-2"]),
        (lambda: conv.avg_pool2d(np.ones((4, 4, 1)), padding=1), TypeError, ["padding", "1", '"valid"']),
        (lambda: conv.max_pool2d(np.ones((4, 4, 1)), padding="full"), ValueError, ["padding", "'full'"]),
    ],
)
def test_bad_input_gives_clear_errors(call, exc, words):
    with pytest.raises(exc) as info:
        call()
    for word in words:
        assert word in str(info.value), f"{word!r} not in {info.value!s}"
