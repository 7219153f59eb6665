"""Training-speed benchmark: images per second of lesson 05's CNN.

``python -m course_utils bench train`` trains the lecture deck's Fashion-MNIST
network (two 5x5 convolutions with 16 and 32 kernels, batch normalisation,
ReLU, 2x2 max pooling, one dense layer) for a few steps at several batch
sizes, with and without XLA (``jit_compile=True``), and prints a table. The
images are random numbers of the right shape: the speed of a network does not
depend on what the pixels show.

Keras is imported inside the functions, so ``import course_utils`` stays
light.
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["deck_cnn", "format_table", "train_throughput"]

#: What ``python -m course_utils bench train`` measures by default.
BATCH_SIZES = (32, 128, 512)


def _keras():
    from .runtime import import_keras_quietly  # quiet, and with TensorFlow's oneDNN kernels on

    return import_keras_quietly()


def deck_cnn():
    """Build (uncompiled) the lecture deck's CNN for 28x28 grey images.

    ``[CONV 16, 5x5, pad 2] -> BN -> ReLU -> [MAXPOOL 2x2] -> [CONV 32, 5x5,
    pad 2] -> BN -> ReLU -> [MAXPOOL 2x2] -> [FC 10]``, softmax output; the
    same network lesson 05 builds and trains.

    Returns
    -------
    keras.Model
        Input (batch, 28, 28, 1) float32, output (batch, 10) class
        probabilities; 29,130 parameters.

    Examples
    --------
    >>> deck_cnn().count_params()
    29130
    """
    keras = _keras()
    layers = keras.layers
    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(16, 5, padding="same"),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.MaxPooling2D(2),
            layers.Conv2D(32, 5, padding="same"),
            layers.BatchNormalization(),
            layers.ReLU(),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ],
        name="deck_cnn",
    )


def _step_clock(times: list):
    """A Keras callback that appends the time after each training step to ``times``."""
    keras = _keras()

    class StepClock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            times.append(time.perf_counter())

    return StepClock()


def _positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def train_throughput(batch_sizes=BATCH_SIZES, xla=(False, True), steps=30, warmup=5, seed=0):
    """Measure training speed of :func:`deck_cnn` in images per second.

    For every batch size and XLA setting: build the network, compile it
    (Adam, sparse categorical cross-entropy, ``jit_compile`` as given), train
    it for ``warmup + steps`` steps with ``model.fit`` and time the last
    ``steps`` steps (the warm-up steps include tracing and compiling).

    Parameters
    ----------
    batch_sizes : sequence of int
        Images per training step.
    xla : sequence of bool
        The ``jit_compile`` values to try.
    steps : int
        Timed training steps per setting.
    warmup : int
        Untimed steps before them (at least 1: the first step compiles).
    seed : int
        Seed for the random images and the weights.

    Returns
    -------
    list of dict
        One dict per setting with keys ``batch_size`` (int), ``xla`` (bool),
        ``images_per_s`` (float) and ``ms_per_step`` (float).

    Raises
    ------
    ValueError
        A batch size, ``steps`` or ``warmup`` is not a positive int.

    Examples
    --------
    >>> rows = train_throughput(batch_sizes=[8], xla=[False], steps=2, warmup=1)
    >>> rows[0]["batch_size"], rows[0]["xla"], rows[0]["images_per_s"] > 0
    (8, False, True)
    """
    batch_sizes = [_positive_int("batch_sizes[]", b) for b in batch_sizes]
    steps = _positive_int("steps", steps)
    warmup = _positive_int("warmup", warmup)
    keras = _keras()
    rng = np.random.default_rng(seed)
    rows = []
    for batch_size in batch_sizes:
        n = (warmup + steps) * batch_size
        x = rng.random((n, 28, 28, 1), dtype=np.float32)
        y = rng.integers(0, 10, n).astype(np.int32)
        for jit in xla:
            keras.utils.set_random_seed(seed)
            model = deck_cnn()
            model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                          jit_compile=bool(jit))
            times = []
            model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
                      callbacks=[_step_clock(times)])
            seconds = times[-1] - times[warmup - 1]
            rows.append({
                "batch_size": batch_size,
                "xla": bool(jit),
                "images_per_s": steps * batch_size / seconds,
                "ms_per_step": 1000 * seconds / steps,
            })
            keras.backend.clear_session()
    return rows


def format_table(rows) -> str:
    """Format :func:`train_throughput`'s rows as a Markdown table.

    One line per batch size, one column per XLA setting, and the speed-up of
    XLA when both were measured.

    Parameters
    ----------
    rows : list of dict
        As returned by :func:`train_throughput`.

    Returns
    -------
    str

    Examples
    --------
    >>> print(format_table([{"batch_size": 32, "xla": False, "images_per_s": 1000.0, "ms_per_step": 32.0},
    ...                     {"batch_size": 32, "xla": True, "images_per_s": 1500.0, "ms_per_step": 21.3}]))
    | batch size | images/s, XLA off | images/s, XLA on | XLA speed-up |
    | ---: | ---: | ---: | ---: |
    | 32 | 1,000 | 1,500 | 1.50x |
    """
    settings = sorted({r["xla"] for r in rows})
    speed = {(r["batch_size"], r["xla"]): r["images_per_s"] for r in rows}
    header = ["batch size"] + [f"images/s, XLA {'on' if s else 'off'}" for s in settings]
    both = settings == [False, True]
    if both:
        header.append("XLA speed-up")
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(["---:"] * len(header)) + " |"]
    for b in sorted({r["batch_size"] for r in rows}):
        cells = [str(b)] + [f"{speed[(b, s)]:,.0f}" if (b, s) in speed else "-" for s in settings]
        if both:
            ok = (b, False) in speed and (b, True) in speed
            cells.append(f"{speed[(b, True)] / speed[(b, False)]:.2f}x" if ok else "-")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
