"""The shared input pipeline (course_utils.pipeline) and the seed summaries (course_utils.runs)."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.pipeline import batches
from course_utils.runs import plot_runs, summary


@pytest.fixture(scope="module")
def data():
    x = np.arange(300 * 4, dtype=np.float32).reshape(300, 2, 2, 1)
    return x, np.arange(300) % 10


def _labels(dataset):
    return np.concatenate([np.asarray(b[1]) for b in dataset])


def test_batches_cover_every_example_once_per_epoch_in_a_new_order(keras_module, data):
    x, y = data
    dataset = batches(x, y, batch_size=128, shuffle=True, seed=3)
    assert [int(b[1].shape[0]) for b in dataset] == [128, 128, 44]
    first, second = _labels(dataset), _labels(dataset)
    np.testing.assert_array_equal(np.sort(first), np.sort(y))
    assert not np.array_equal(first, second)


def test_the_seed_fixes_the_order_and_another_seed_changes_it(keras_module, data):
    x, y = data
    a = _labels(batches(x, y, shuffle=True, seed=1))
    b = _labels(batches(x, y, shuffle=True, seed=1))
    c = _labels(batches(x, y, shuffle=True, seed=2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_without_shuffle_the_order_is_kept_and_pairs_stay_together(keras_module, data):
    x, y = data
    got_x = np.concatenate([np.asarray(b[0]) for b in batches(x, y, batch_size=7)])
    np.testing.assert_array_equal(got_x, x)
    np.testing.assert_array_equal(_labels(batches(x, y, batch_size=7)), y)


def test_inputs_only_and_an_augmentation(keras_module, data):
    x, y = data
    only = list(batches(x, batch_size=100))
    assert len(only) == 3 and tuple(only[0].shape) == (100, 2, 2, 1)
    flipped = next(iter(batches(x, y, batch_size=5, augment=lambda i, lab: (i[:, :, ::-1], lab))))
    np.testing.assert_array_equal(np.asarray(flipped[0]), x[:5, :, ::-1])


@pytest.mark.parametrize("args, kwargs, error, message", [
    (([1, 2],), {}, TypeError, "array"),
    ((np.zeros((0, 2)),), {}, ValueError, "no examples"),
    ((np.zeros((3, 2)), np.zeros(4)), {}, ValueError, "3 inputs and 4 labels"),
    ((np.zeros((3, 2)),), {"batch_size": 0}, TypeError, "batch_size"),
    ((np.zeros((3, 2)),), {"batch_size": 2.0}, TypeError, "batch_size"),
    ((np.zeros((3, 2)),), {"shuffle": "yes"}, TypeError, "shuffle"),
    ((np.zeros((3, 2)),), {"seed": -1}, TypeError, "seed"),
    ((np.zeros((3, 2)),), {"augment": 3}, TypeError, "augment"),
])
def test_bad_arguments_are_named(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        batches(*args, **kwargs)


def test_summary_mean_spread_range_and_seeds():
    assert summary([0.909, 0.912, 0.915], percent=True) == "91.2% ± 0.3% (90.9%–91.5%, 3 seeds)"
    assert summary([2.0]) == "2.000 ± 0.000 (2.000–2.000, 1 seed)"
    assert summary(np.array([1, 2, 3]), digits=0) == "2 ± 1 (1–3, 3 seeds)"


@pytest.mark.parametrize("values, error", [
    ("0.9", TypeError), (0.9, TypeError), ([], ValueError), ([[1, 2]], ValueError),
    ([1, np.nan], ValueError), (["a"], TypeError),
])
def test_summary_rejects_what_is_not_one_number_per_seed(values, error):
    with pytest.raises(error):
        summary(values)


def test_plot_runs_draws_the_mean_and_the_range():
    fig, ax = plt.subplots()
    runs = [{"acc": [0.1, 0.5, 0.9]}, {"acc": [0.3, 0.7]}, {"acc": [0.2, 0.6, 0.7]}]
    line = plot_runs(ax, runs, "acc", label="net", percent=True)
    assert line.get_label() == "net (3 seeds)"
    np.testing.assert_allclose(line.get_ydata(), [20, 60, 80])
    band = ax.collections[0].get_paths()[0].vertices
    assert band[:, 1].max() == pytest.approx(90) and band[:, 1].min() == pytest.approx(10)
    plt.close(fig)


@pytest.mark.parametrize("histories, key, error, message", [
    ({"acc": [1]}, "acc", TypeError, "list of Keras histories"),
    ([], "acc", TypeError, "non-empty"),
    ([{"acc": [1]}, [1]], "acc", TypeError, r"histories\[1\]"),
    ([{"loss": [1]}], "acc", ValueError, "has no 'acc'"),
])
def test_plot_runs_names_bad_input(histories, key, error, message):
    fig, ax = plt.subplots()
    with pytest.raises(error, match=message):
        plot_runs(ax, histories, key)
    plt.close(fig)
