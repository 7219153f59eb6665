"""Lesson 07's exercise checks: correct for right answers, 'not yet' with a hint, never the answer."""

import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet, run

from course_utils import arch, checks


# ---------------------------------------------------------------- exercise 1
def vgg_right(a, b, n):
    return arch.conv_params(3, a, b) + (n - 1) * arch.conv_params(3, b, b)


VGG_WRONG = [
    (lambda a, b, n: 9 * a * b + (n - 1) * 9 * b * b, "bias"),
    (lambda a, b, n: n * (9 * a * b + b), "only the first convolution"),
    (lambda a, b, n: a * b + b + (n - 1) * (b * b + b), "3x3"),
    (lambda a, b, n: vgg_right(a, b, n) + 1, "one by one"),
    (lambda a, b, n: float(vgg_right(a, b, n)), "must return an int"),
]


@pytest.mark.parametrize("func, hint", VGG_WRONG)
def test_vgg_block_params_wrong(func, hint, capsys):
    out = assert_not_yet(checks.check_vgg_block_params, func, capsys, hint)
    assert "38720" not in out and "38,720" not in out   # block 1 of VGG16, never shown


def test_vgg_block_params_right_and_stub(capsys):
    assert_correct(checks.check_vgg_block_params, vgg_right, capsys)
    assert_stub_not_yet(checks.check_vgg_block_params, capsys)


# ---------------------------------------------------------------- exercise 2
def inception_right(h, w, c, s):
    n1, n3r, n3, n5r, n5, npool = s
    naive = arch.conv_macs((h, w), 1, c, n1) + arch.conv_macs((h, w), 3, c, n3) + arch.conv_macs((h, w), 5, c, n5)
    reduced = (arch.conv_macs((h, w), 1, c, n1 + n3r + n5r + npool) + arch.conv_macs((h, w), 3, n3r, n3)
               + arch.conv_macs((h, w), 5, n5r, n5))
    return naive, reduced


def test_inception_macs_right_and_stub(capsys):
    assert_correct(checks.check_inception_macs, inception_right, capsys)
    assert_stub_not_yet(checks.check_inception_macs, capsys)


INCEPTION_WRONG = [
    (lambda h, w, c, s: inception_right(h, w, c, s)[::-1], "wrong order"),
    (lambda h, w, c, s: (inception_right(h, w, c, s)[0] + h * w * c * s[5], inception_right(h, w, c, s)[1]),
     "pool branch costs nothing"),
    (lambda h, w, c, s: (inception_right(h, w, c, s)[0], inception_right(h, w, c, s)[1] - h * w * c * s[5]),
     "six"),
    (lambda h, w, c, s: inception_right(h, w, c, s)[0], "pair"),
    (lambda h, w, c, s: (h * w * c * (s[0] + 3 * s[2] + 5 * s[4]), inception_right(h, w, c, s)[1]), "k*k*c_in"),
]


@pytest.mark.parametrize("func, hint", INCEPTION_WRONG)
def test_inception_macs_wrong(func, hint, capsys):
    out = assert_not_yet(checks.check_inception_macs, func, capsys, hint)
    naive, reduced = inception_right(28, 28, 192, (64, 96, 128, 16, 32, 32))
    for number in (naive, reduced):
        assert str(number) not in out and f"{number:,}" not in out


# ---------------------------------------------------------------- exercise 3
def test_receptive_field_right_and_stub(capsys):
    assert_correct(checks.check_receptive_field, arch.receptive_field, capsys)
    assert_stub_not_yet(checks.check_receptive_field, capsys)


RF_WRONG = [
    (lambda k, s: 1 + sum(x - 1 for x in k), "strides matter"),
    (lambda k, s: sum(k), "two 3x3 layers see 5"),
    (lambda k, s: arch.receptive_field(k, s) + 1, "product of the strides"),
    (lambda k, s: arch.receptive_field(k[::-1], s[::-1]), "product of the strides"),
]


@pytest.mark.parametrize("func, hint", RF_WRONG)
def test_receptive_field_wrong(func, hint, capsys):
    out = assert_not_yet(checks.check_receptive_field, func, capsys, hint)
    assert f"= {arch.receptive_field([7, 3, 3], [2, 2, 1])}" not in out


# ---------------------------------------------------------------- exercise 4
keras = pytest.importorskip("keras")
layers = keras.layers


def block(proj="auto", final_relu=True, add=True, bn=False, stride_on="first", relu_on="first",
          final_relu_proj=True):
    def func(x, filters, stride):
        s1, s2 = (stride, 1) if stride_on == "first" else (1, stride)
        a1, a2 = ("relu", None) if relu_on == "first" else (None, "relu") if relu_on == "second" else ("relu", "relu")
        f = layers.Conv2D(filters, 3, strides=s1, padding="same", activation=a1)(x)
        f = layers.Conv2D(filters, 3, strides=s2, padding="same", activation=a2)(f)
        if bn:
            f = layers.BatchNormalization()(f)
        needs = stride != 1 or x.shape[-1] != filters
        if proj == "always" or (proj == "auto" and needs):
            s = layers.Conv2D(filters, 1, strides=stride)(x)
        else:
            s = x
        y = layers.Add()([s, f]) if add else f
        if not final_relu_proj and s is not x:
            return y
        return keras.activations.relu(y) if final_relu else y
    return func


def block_sequential(x, filters, stride):
    """A differently written right answer: F as a Sequential, layers.ReLU at the end."""
    f = keras.Sequential([layers.Conv2D(filters, 3, strides=stride, padding="same"), layers.ReLU(),
                          layers.Conv2D(filters, 3, padding="same")])(x)
    s = x if stride == 1 and x.shape[-1] == filters else layers.Conv2D(filters, 1, strides=stride, padding="same")(x)
    return layers.ReLU()(layers.Add()([f, s]))


def test_residual_block_right_and_stub(capsys):
    assert_correct(checks.check_residual_block, block(), capsys)
    assert_correct(checks.check_residual_block, block_sequential, capsys)
    assert_stub_not_yet(checks.check_residual_block, capsys)


BLOCK_WRONG = [
    (block(proj="never"), "the shortcut needs a 1x1 convolution with the stride"),  # Keras refuses the addition
    (block(proj="always"), "x itself"),
    (block(final_relu=False), "ReLU after the addition"),
    (block(add=False), "parameters"),
    (block(bn=True), "no batch normalisation"),
    (block(stride_on="second"), "stride belongs to the first"),
    (block(relu_on="second"), "follows the first 3x3"),
    (block(relu_on="both"), "no ReLU of its own"),
    (block(final_relu_proj=False), "with or without the projection"),
]


@pytest.mark.parametrize("func, hint", BLOCK_WRONG)
def test_residual_block_wrong(func, hint, capsys):
    ok, out = run(checks.check_residual_block, func, capsys)
    assert not ok and hint.lower() in out.lower()


# ---------------------------------------------------------------- exercise 5 (a prediction)
def dense_right():
    return 24 + 4 * 12, 24 + 3 * 12, (24 + 4 * 12) // 2, 3 * 3 * 4 * 12 * 12


DENSE_WRONG = [
    (lambda: (72, 72, 36, 5184), "4th layer's 1x1 convolution is not right. Hint: a layer reads"),            # the 4th layer reads its own output too
    (lambda: (72, 60, 72, 5184), "after the transition is not right. Hint: the transition keeps"),       # compression forgotten
    (lambda: (72, 60, 36, 3 * 3 * 60 * 12), "3x3 convolution is not right. Hint: the 3x3 convolution reads"),  # the 3x3 reads all, not the bottleneck
    (lambda: (24 + 3 * 12, 24 + 3 * 12, 30, 5184), "leaving the block is not right. Hint: every dense layer"),  # one layer too few
    (lambda: (72, 60, 36), "must return 4 answers"),
]


def test_dense_block_prediction_right_and_stub(capsys):
    assert_correct(checks.check_dense_block_prediction, dense_right, capsys)
    assert_correct(checks.check_dense_block_prediction, lambda: [72.0, 60, 36, 5184], capsys)
    assert_stub_not_yet(checks.check_dense_block_prediction, capsys)


@pytest.mark.parametrize("func, hint", DENSE_WRONG)
def test_dense_block_prediction_wrong(func, hint, capsys):
    out = assert_not_yet(checks.check_dense_block_prediction, func, capsys, hint)
    if len(func()) == 4:  # the feedback names the part, never a right number
        for number in ("72", "60", "36", "5184", "5,184"):
            assert number not in out


# the layout tests/test_check_coverage.py reads
RIGHT = [
    (checks.check_vgg_block_params, vgg_right),
    (checks.check_inception_macs, inception_right),
    (checks.check_receptive_field, arch.receptive_field),
    (checks.check_residual_block, block()),
    (checks.check_residual_block, block_sequential),
    (checks.check_dense_block_prediction, dense_right),
]
WRONG = [
    *[(checks.check_vgg_block_params, f, h) for f, h in VGG_WRONG],
    *[(checks.check_inception_macs, f, h) for f, h in INCEPTION_WRONG],
    *[(checks.check_receptive_field, f, h) for f, h in RF_WRONG],
    *[(checks.check_residual_block, f, h) for f, h in BLOCK_WRONG],
    *[(checks.check_dense_block_prediction, f, h) for f, h in DENSE_WRONG],
]
