"""Lesson 05's exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet, run

from course_utils import checks
from course_utils.conv import conv_output_size


# ---------------------------------------------------------------- right answers
def stack_summary(shape, stack, *, bias=True, padding=True, channels=True, pool_params=False, flatten=True):
    """A right answer, and with a flag switched off one of the typical mistakes."""
    params = 0
    for layer in stack:
        if layer[0] == "conv":
            _, f, k, s, p = layer
            h, w, c = shape
            params += k * k * (c if channels else 1) * f + (f if bias else 0)
            p = p if padding else 0
            shape = (conv_output_size(h, k, s, p), conv_output_size(w, k, s, p), f)
        elif layer[0] == "pool":
            _, size, s = layer
            h, w, c = shape
            params += h * w * c if pool_params else 0
            shape = ((h - size) // s + 1, (w - size) // s + 1, c)
        else:
            units = layer[1]
            n_in = int(np.prod(shape)) if flatten else shape[-1]
            params += n_in * units + (units if bias else 0)
            shape = (units,)
    return shape, params


def dropout(x, rate, rng):
    return x * (rng.random(x.shape) >= rate) / (1 - rate)


def most_confused(cm):
    both = cm + cm.T
    np.fill_diagonal(both, -1)
    i, j = np.unravel_index(np.argmax(both), both.shape)
    return (min(i, j), max(i, j))


def deck_cnn(first_kernel=3, second_kernel=5, first_filters=16, extra=False, keras=None, relu1=True,
             relu_before_bn=False, dropout=False, activation_layers=False):
    keras = keras or pytest.importorskip("keras")
    layers = keras.layers
    relu = layers.Activation("relu") if activation_layers else layers.ReLU()
    first = [layers.BatchNormalization(), relu] if relu1 else [layers.BatchNormalization()]
    if relu_before_bn:
        first = first[::-1]
    stack = [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(first_filters, first_kernel, padding="same"),
        *first,
        layers.MaxPooling2D(2),
        layers.Conv2D(32, second_kernel, padding="same"),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Flatten(),
    ]
    if extra:
        stack.append(layers.Dense(32, activation="relu"))
    if dropout:  # no weights, and nothing at prediction time: only the list of layers shows it
        stack.append(layers.Dropout(0.3))
    if activation_layers:
        stack += [layers.Dense(10), layers.Softmax()]
    else:
        stack.append(layers.Dense(10, activation="softmax"))
    return keras.Sequential(stack)


def dropout_where(x, rate, rng):
    """The lesson's way: np.where on a boolean mask."""
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0)


def most_confused_loop(cm):
    """A loop that keeps the last of tied pairs (>=): still right."""
    best, pair = -1, None
    for i in range(len(cm)):
        for j in range(i + 1, len(cm)):
            if cm[i, j] + cm[j, i] >= best:
                best, pair = cm[i, j] + cm[j, i], (i, j)
    return pair


RIGHT = [
    (checks.check_stack_summary, stack_summary),
    (checks.check_inverted_dropout, dropout),
    (checks.check_inverted_dropout, dropout_where),
    (checks.check_most_confused, most_confused),
    (checks.check_most_confused, most_confused_loop),
    (checks.check_first_layer_3x3, lambda: deck_cnn()),
    (checks.check_first_layer_3x3, lambda: deck_cnn(activation_layers=True)),  # Activation, Softmax layers
    (checks.check_one_run_or_three, lambda: (18, "b")),
    (checks.check_one_run_or_three, lambda: (18.0, " (B). ")),
]


def square_only(shape, stack):
    """Uses the height for both axes."""
    (h, w, c) = shape if len(shape) == 3 else (0, 0, 0)
    return stack_summary((h, h, c), stack) if len(shape) == 3 else stack_summary(shape, stack)


def ceil_pool(shape, stack):
    out, params = stack_summary(shape, stack)
    if stack[-1][0] == "pool":
        _, size, s = stack[-1]
        h, w, c = shape if len(stack) == 1 else (None, None, None)
        if h is not None:
            out = (-(-(h - size) // s) + 1, -(-(w - size) // s) + 1, c)
    return out, params


def fixed_mask(x, rate, rng):
    """Drops the first rate share of the numbers: the right share, but no randomness."""
    keep = np.arange(x.size).reshape(x.shape) >= rate * x.size
    return x * keep / (1 - rate)


def own_generator(x, rate, rng):
    """Ignores the generator it is given."""
    return dropout(x, rate, np.random.default_rng(0))


def row_mask(x, rate, rng):
    """One random number per row."""
    return x * (rng.random((x.shape[0], 1)) >= rate) / (1 - rate)


def block_mask(x, rate, rng):
    """One random number per block of 10 neighbouring entries: the right share, but correlated."""
    keep = np.repeat(rng.random((x.shape[0], -(-x.shape[1] // 10))) >= rate, 10, axis=1)[:, :x.shape[1]]
    return x * keep / (1 - rate)


def rates_confused(cm):
    """Row-normalised: the share of each true class, not the count of mistakes."""
    cm = np.asarray(cm, dtype=float)
    return tuple(int(v) for v in most_confused(cm / cm.sum(axis=1, keepdims=True)))


def upper_only(cm):
    cm = np.triu(np.asarray(cm), 1)
    i, j = np.unravel_index(np.argmax(cm), cm.shape)
    return (int(i), int(j))


def lower_only(cm):
    cm = np.tril(np.asarray(cm), -1)
    i, j = np.unravel_index(np.argmax(cm), cm.shape)
    return (int(min(i, j)), int(max(i, j)))

WRONG = [
    (checks.check_stack_summary, lambda s, st: stack_summary(s, st, padding=False), "positions the window"),
    (checks.check_stack_summary, lambda s, st: stack_summary(s, st, bias=False), "one bias"),
    (checks.check_stack_summary, lambda s, st: stack_summary(s, st, channels=False), "spans all the input channels"),
    (checks.check_stack_summary, lambda s, st: stack_summary(s, st, pool_params=True), "no weights"),
    (checks.check_stack_summary, lambda s, st: stack_summary(s, st, flatten=False), "flattened input"),
    (checks.check_stack_summary, lambda s, st: (list(stack_summary(s, st)[0]), 1.0), "must be an int"),
    (checks.check_stack_summary, lambda s, st: stack_summary(s, st)[0], "return a pair"),
    (checks.check_inverted_dropout, lambda x, r, rng: x * (rng.random(x.shape) >= r), "expected value"),
    (checks.check_inverted_dropout, lambda x, r, rng: x * (rng.random(x.shape) < r) / r if r else x,
     "probability of dropping"),
    (checks.check_inverted_dropout, lambda x, r, rng: x * (np.random.random(x.shape) >= r) / (1 - r),
     "from rng"),
    (checks.check_inverted_dropout, lambda x, r, rng: x * (rng.random(x.shape) >= r) * (1 - r),
     "wrong factor"),
    (checks.check_inverted_dropout, lambda x, r, rng: dropout(x, r, rng)[:10], "keep the shape"),
    (checks.check_most_confused, lambda cm: (1, 1), "diagonal"),
    (checks.check_most_confused, lambda cm: most_confused(cm)[::-1], "smaller index first"),
    (checks.check_most_confused,
     lambda cm: tuple(sorted(np.unravel_index(np.argmax(cm - np.diag(np.diag(cm))), cm.shape))),
     "both directions"),
    (checks.check_most_confused, lambda cm: (0, cm.shape[0] - 1), "not the most confused pair"),
    (checks.check_most_confused, lambda cm: 3, "return a tuple"),
    (checks.check_most_confused, upper_only, "both directions"),
    (checks.check_most_confused, lower_only, "not the most confused pair"),
    (checks.check_most_confused, lambda cm: tuple(v + 1 for v in most_confused(cm)), "not the most confused"),
    (checks.check_stack_summary, square_only, "positions the window"),
    (checks.check_stack_summary, ceil_pool, "rounded down"),
    (checks.check_inverted_dropout, fixed_mask, "same places"),
    (checks.check_inverted_dropout, own_generator, "rng you are given"),
    (checks.check_inverted_dropout, row_mask, "one random number per entry"),
    (checks.check_first_layer_3x3, lambda: deck_cnn(first_kernel=5), "asks for 3x3"),
    (checks.check_first_layer_3x3, lambda: deck_cnn(second_kernel=3), "change only the first layer"),
    (checks.check_first_layer_3x3, lambda: deck_cnn(first_filters=8), "number of filters"),
    (checks.check_first_layer_3x3, lambda: deck_cnn(extra=True), "add nothing, remove nothing"),
    (checks.check_first_layer_3x3, lambda: deck_cnn(dropout=True), "not even a layer without weights"),
    (checks.check_inverted_dropout, block_mask, "dropped together"),
    (checks.check_most_confused, rates_confused, "without dividing"),
    (checks.check_first_layer_3x3, lambda: deck_cnn(relu1=False), "computes something else"),
    (checks.check_first_layer_3x3, lambda: deck_cnn(relu_before_bn=True), "computes something else"),
    (checks.check_one_run_or_three, lambda: (180, "b"), "number of images"),  # 3% instead of 0.3 points
    (checks.check_one_run_or_three, lambda: (18, "a"), "a second seed of A"),
    (checks.check_one_run_or_three, lambda: (18, "c"), "that statement"),
    (checks.check_one_run_or_three, lambda: (18, "d"), "that statement"),
    (checks.check_one_run_or_three, lambda: (0.3, "b"), "number of images"),
    (checks.check_one_run_or_three, lambda: "b", "must return 2 answers"),
    (checks.check_one_run_or_three, lambda: (18 + 1e-12, "b"), "round it"),  # a float product's rounding error
    (checks.check_one_run_or_three, lambda: (18, "z"), "that statement"),
]


@pytest.mark.parametrize("check,func", RIGHT)
def test_right_answer_is_correct(check, func, capsys):
    assert_correct(check, func, capsys)


def test_a_tie_accepts_either_pair(capsys):
    """argmax keeps the first of tied pairs, the >= loop the last: the check (which has a tie) accepts both."""
    cm = np.array([[90, 3, 1], [4, 80, 0], [2, 7, 70]])  # (0, 1) and (1, 2) both have 7
    assert most_confused(cm) != most_confused_loop(cm)
    calls = []
    checks.check_most_confused(lambda m: calls.append(m) or most_confused(m))
    capsys.readouterr()
    assert any(most_confused(m) != most_confused_loop(m) for m in calls), "the check has no tie"
    assert_correct(checks.check_most_confused, most_confused, capsys)
    assert_correct(checks.check_most_confused, most_confused_loop, capsys)


@pytest.mark.parametrize("check", dict(RIGHT), ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG)
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


def test_dropout_that_changes_its_input(capsys):
    def in_place(x, rate, rng):
        x *= (rng.random(x.shape) >= rate) / (1 - rate)
        return x

    assert_not_yet(checks.check_inverted_dropout, in_place, capsys, "changed x itself")


def test_stack_feedback_never_shows_the_answer(capsys):
    checks.check_stack_summary(lambda s, st: stack_summary(s, st, bias=False))
    out = capsys.readouterr().out
    assert "416" not in out and "(28, 28, 16)" not in out
    checks.check_stack_summary(lambda s, st: stack_summary(s, st, padding=False))
    out = capsys.readouterr().out
    assert "(28, 28, 16)" not in out and "416" not in out


def test_confused_feedback_never_shows_the_answer(capsys):
    checks.check_most_confused(lambda cm: (0, 1))
    out = capsys.readouterr().out
    assert "(1, 2)" not in out


# ---------------------------------------------------------------- the Keras exercise
def test_first_layer_3x3_right(capsys, keras_module):
    assert_correct(checks.check_first_layer_3x3, lambda: deck_cnn(keras=keras_module), capsys)


@pytest.mark.parametrize("kwargs,hint", [
    ({"first_kernel": 5}, "asks for 3x3"),
    ({"second_kernel": 3}, "change only the first layer"),
    ({"first_filters": 8}, "number of filters"),
    ({"extra": True}, "add nothing, remove nothing"),
])
def test_first_layer_3x3_wrong(kwargs, hint, capsys, keras_module):
    out = assert_not_yet(checks.check_first_layer_3x3, lambda: deck_cnn(keras=keras_module, **kwargs), capsys, hint)
    assert "28,874" not in out and "28874" not in out


def test_first_layer_3x3_not_a_model(capsys, keras_module):
    assert_not_yet(checks.check_first_layer_3x3, lambda: "a model", capsys, "keras.Model")
    bad_input = lambda: keras_module.Sequential([keras_module.Input(shape=(28, 28)),  # noqa: E731
                                                 keras_module.layers.Dense(10, activation="softmax")])
    ok, out = run(checks.check_first_layer_3x3, bad_input, capsys)
    assert not ok and ("10 class probabilities" in out or "fails on a batch" in out)
