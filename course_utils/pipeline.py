"""The course's input pipeline: arrays in memory -> shuffled ``tf.data`` batches for ``fit``.

Lesson 05 builds and explains this pipeline; lessons 05 to 07 feed every
``fit`` with it. TensorFlow is imported inside :func:`batches`, so
``import course_utils.pipeline`` stays light.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["batches"]


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise TypeError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def batches(x, y=None, *, batch_size: int = 128, shuffle: bool = False, seed: int = 0,
            augment=None, prefetch: int = 2):
    """Cut arrays into batches for ``model.fit``/``evaluate``/``predict``, as a ``tf.data.Dataset``.

    Parameters
    ----------
    x : array, shape (N, ...)
        The inputs, for example images ``(N, 28, 28, 1)`` float32.
    y : array, shape (N,) or (N, ...), optional
        The labels; without them the dataset yields input batches only
        (for ``predict``).
    batch_size : int
        Examples per batch; the last batch holds the ``N % batch_size``
        left over (when not 0).
    shuffle : bool
        Draw the examples in a new order every epoch, from a buffer as
        large as the data (a complete shuffle). ``seed`` fixes the orders,
        so that two runs with the same seed see the same batches.
    seed : int
        Seed of the shuffle (ignored without ``shuffle``).
    augment : callable, optional
        A function ``(images, labels) -> (images, labels)`` applied to each
        batch (for example random flips); with ``y=None`` it gets and returns
        the images only. It runs in the pipeline, in graph mode, so it must
        use TensorFlow or Keras operations.
    prefetch : int
        Batches prepared ahead while the model trains on the current one.

    Returns
    -------
    tf.data.Dataset
        Of ``(images, labels)`` pairs (or of images), ``ceil(N / batch_size)``
        batches per epoch.

    Notes
    -----
    TensorFlow's autotuning is switched off. Its background thread sleeps
    longer and longer between adjustments, and ``fit`` waits for it to wake
    up when it ends an epoch's pipeline: training stood idle for 15 to 30 s
    at the start of some epochs on the machine where lesson 05 was first run
    (as recorded in the README; Appendix A tells how it was found). A
    pipeline over arrays in memory needs no tuning.

    Examples
    --------
    >>> import numpy as np
    >>> from course_utils.pipeline import batches
    >>> x, y = np.zeros((300, 28, 28, 1), np.float32), np.arange(300) % 10
    >>> data = batches(x, y, batch_size=128, shuffle=True, seed=0)  # doctest: +SKIP
    >>> [int(b[1].shape[0]) for b in data]  # doctest: +SKIP
    [128, 128, 44]
    """
    if not hasattr(x, "shape") or not hasattr(x, "__len__"):
        raise TypeError(f"x must be an array with a first axis of examples; got {type(x).__name__}")
    n = len(x)
    if n == 0:
        raise ValueError("x holds no examples (its first axis has length 0)")
    if y is not None:
        if not hasattr(y, "__len__"):
            raise TypeError(f"y must be an array of labels; got {type(y).__name__}")
        if len(y) != n:
            raise ValueError(f"x and y must hold as many examples; got {n} inputs and {len(y)} labels")
    batch_size = _positive_int("batch_size", batch_size)
    prefetch = _positive_int("prefetch", prefetch)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False; got {shuffle!r}")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise TypeError(f"seed must be a non-negative int; got {seed!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be a function (images, labels) -> (images, labels); got {augment!r}")

    from .runtime import import_keras_quietly

    import_keras_quietly()
    import tensorflow as tf

    dataset = tf.data.Dataset.from_tensor_slices(x if y is None else (x, y))
    if shuffle:
        dataset = dataset.shuffle(n, seed=int(seed), reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size)
    if augment is not None:
        dataset = dataset.map(augment)  # sequential: the same random draws in every run
    options = tf.data.Options()
    options.autotune.enabled = False  # no tuning thread, no pauses between epochs
    options.deterministic = True
    return dataset.prefetch(prefetch).with_options(options)
