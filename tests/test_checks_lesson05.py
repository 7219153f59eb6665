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


def deck_cnn(first_kernel=3, second_kernel=5, first_filters=16, extra=False, keras=None):
    layers = keras.layers
    stack = [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(first_filters, first_kernel, padding="same"),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, second_kernel, padding="same"),
        layers.BatchNormalization(),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Flatten(),
    ]
    if extra:
        stack.append(layers.Dense(32, activation="relu"))
    stack.append(layers.Dense(10, activation="softmax"))
    return keras.Sequential(stack)


RIGHT = {
    checks.check_stack_summary: stack_summary,
    checks.check_inverted_dropout: dropout,
    checks.check_most_confused: most_confused,
}

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
]


@pytest.mark.parametrize("check", list(RIGHT), ids=lambda c: c.__name__)
def test_right_answer_is_correct(check, capsys):
    assert_correct(check, RIGHT[check], capsys)


@pytest.mark.parametrize("check", [*RIGHT, checks.check_first_layer_3x3], ids=lambda c: c.__name__)
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
