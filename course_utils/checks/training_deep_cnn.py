"""Checks for the exercises of lesson 06 (``lessons/06_training_deep_cnn.ipynb``)."""

from __future__ import annotations

import fractions
import numbers
import re

import numpy as np

from ._core import (
    CheckResult,
    _Absent,
    _as_array,
    _attr,
    _call,
    _canonical,
    _Failed,
    _forbid,
    _imported,
    _run,
    _short,
    answer_digest,
)

__all__ = [
    "check_batchnorm_forward",
    "check_conv_backward",
    "check_he_std",
    "check_predict_training",
    "check_maxpool_backward",
]


def _module(name: str):
    """The module ``name`` if it is already imported (no import here), else an :class:`_Absent`."""
    value = _imported(name)
    return value if value is not None else _Absent()


def _framework_calls(*extra: tuple[str, str, str]) -> dict:
    """What the numpy exercises of this lesson rule out: the frameworks that would do the work
    (TensorFlow, Keras, JAX, PyTorch, autograd, ``tf.GradientTape``), by the names a student writes."""
    calls = {
        "tf": _module("tensorflow"),
        "tensorflow": _module("tensorflow"),
        "keras": _module("keras"),
        "jax": _module("jax"),
        "torch": _module("torch"),
        "autograd": _module("autograd"),
        "tf.GradientTape": _attr("tensorflow", "GradientTape"),
    }
    for module, attr, label in extra:
        calls[label] = _attr(module, *attr.split("."))
    return calls


def _close(got: np.ndarray, want: np.ndarray, tol: float = 1e-4) -> bool:
    """Equal within float32 round-off, relative to the size of the expected values."""
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    return got.shape == want.shape and bool(np.allclose(got, want, rtol=tol, atol=tol * scale))


# --------------------------------------------------------------------------
# Exercise: batch normalisation's forward pass
# --------------------------------------------------------------------------
def _batchnorm(x, gamma, beta, eps, axes, ddof=0, eps_inside=True):
    x = np.asarray(x, dtype=float)
    mu = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=ddof)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
        return np.asarray(gamma, dtype=float) * (x - mu) / scale + np.asarray(beta, dtype=float)


def _batchnorm_cases():
    """(x, gamma, beta, eps or None for the default): conv outputs (N, H, W, C), then one (N, C)."""
    rng = np.random.default_rng(61)

    def params(c):
        return rng.uniform(0.5, 2.0, size=c), rng.normal(0, 1, size=c)

    cases = []
    # a small spread, called without eps: the default epsilon (Keras's 1e-3) matters
    x = rng.normal(0, 0.05, size=(4, 3, 5, 3)) + np.array([0.5, -1.0, 2.0])
    cases.append((x, *params(3), None))
    # channels with a spread close to eps, and examples with different means
    x = rng.normal(0, 0.02, size=(2, 5, 3, 4)) + rng.normal(0, 0.05, size=(2, 1, 1, 4)) + np.arange(4)
    cases.append((x, *params(4), 1e-3))
    # one channel constant: its variance is 0, its output must be beta
    x = rng.normal(0, 1.5, size=(3, 4, 6, 5))
    x[..., 2] = 7.0
    cases.append((x, *params(5), 1e-3))
    # float32, as a Keras layer's output; a larger eps
    x = (rng.normal(0, 1, size=(5, 6, 4, 3)) * np.array([1.0, 3.0, 0.3]) + np.array([0.0, 1.0, -2.0]))
    cases.append((x.astype("float32"), *(p.astype("float32") for p in params(3)), 0.01))
    # a dense layer's output (N, C): statistics over every axis but the last, the same rule
    x = rng.normal(0, 1, size=(6, 4)) * np.array([0.1, 1.0, 2.0, 0.05]) + np.array([1.0, 0.0, -1.0, 3.0])
    cases.append((x, *params(4), 1e-3))
    return cases


def _batchnorm_mistakes(x, gamma, beta, eps, called_with_eps):
    """The wrong answers students write, each with its feedback: (output, message)."""
    nd = x.ndim
    last = nd - 1
    all_but_channel = tuple(range(nd - 1))
    mistakes = []
    if nd == 4:
        mistakes += [
            (_batchnorm(x, gamma, beta, eps, 0),
             "each position (row, column) of a channel got its own mean and variance: that is a "
             "dense layer's rule. Hint: a convolution's channel shares its weights across the "
             "positions, so batch normalisation gives the channel one mean and one variance."),
            (_batchnorm(x, gamma, beta, eps, (1, 2)),
             "each example got its own mean and variance. Hint: batch normalisation takes its "
             "statistics from the whole mini-batch."),
            (_batchnorm(x, gamma, beta, eps, (1, 2, 3)),
             "each example was normalised on its own (that is layer normalisation). Hint: batch "
             "normalisation takes its statistics from the whole mini-batch, per channel."),
        ]
    mistakes += [
        (_batchnorm(x, gamma, beta, eps, last),
         "you normalised across the channels at each position. Hint: every channel has its own "
         "mean and variance (and its own gamma and beta)."),
        (_batchnorm(x, gamma, beta, eps, None),
         "one mean and one variance for the whole array. Hint: every channel has its own mean "
         "and variance."),
        (_batchnorm(x, gamma, beta, eps, all_but_channel, ddof=1),
         "the variance is the unbiased one (divided by m - 1). Hint: batch normalisation's "
         "sigma squared is the mean of the squared deviations over the m values."),
        (_batchnorm(x, gamma, beta, eps, all_but_channel, eps_inside=False),
         "eps is in the wrong place. Hint: compare with the formula: where does eps go?"),
        (_batchnorm(x, beta, gamma, eps, all_but_channel),
         "gamma and beta are swapped. Hint: gamma scales the normalised values, beta shifts them."),
        (_batchnorm(x, 1.0, 0.0, eps, all_but_channel),
         "the output is normalised but not scaled and shifted. Hint: gamma and beta."),
        (_batchnorm(x, gamma, beta, 0.0, all_but_channel),
         "eps is missing. Hint: it keeps the division safe when a channel's variance is tiny."),
    ]
    if not called_with_eps:
        for other in (1e-5, 1e-8):
            mistakes.append((_batchnorm(x, gamma, beta, other, all_but_channel),
                             "called without eps, your function uses another epsilon than "
                             "Keras's default, 1e-3. Hint: keep the default of the signature."))
    return mistakes


def _batchnorm_calls() -> dict:
    return _framework_calls(
        ("keras.layers", "BatchNormalization", "keras.layers.BatchNormalization"),
        ("keras.ops", "batch_normalization", "keras.ops.batch_normalization"),
        ("keras.ops", "moments", "keras.ops.moments"),
        ("tensorflow.nn", "batch_normalization", "tf.nn.batch_normalization"),
        ("tensorflow.nn", "moments", "tf.nn.moments"),
    )


def check_batchnorm_forward(func) -> CheckResult:
    """Check ``func(x, gamma, beta, eps=1e-3)``: batch normalisation in training mode, in numpy.

    For a convolutional layer's output ``x`` of shape (N, H, W, C) (channels
    last), each channel is normalised with the mean and the (biased) variance
    of its N x H x W values in the mini-batch, then scaled by ``gamma`` and
    shifted by ``beta``, as ``keras.layers.BatchNormalization`` does while
    training. For ``x`` of shape (N, C), a dense layer's output, the same rule
    takes the statistics over the N examples.

    Parameters
    ----------
    func : callable
        ``func(x, gamma, beta, eps=1e-3)`` with a float ndarray ``x`` (float64
        or float32) of shape (N, H, W, C) or (N, C), N >= 2, float arrays
        ``gamma`` and ``beta`` of shape (C,) and a float ``eps`` (its default
        is Keras's epsilon, 1e-3) must return a new float array of the shape
        of ``x``, leaving ``x`` unchanged. TensorFlow, Keras (its layers and
        ops), JAX and PyTorch are ruled out.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_batchnorm_forward(lambda x, gamma, beta, eps=1e-3: x)  # doctest: +ELLIPSIS
    ❌ Not yet (batchnorm_forward): ...
    CheckResult(ok=False)
    """
    name = "batchnorm_forward"
    cases = _batchnorm_cases()

    def body():
        _forbid(func, name, _batchnorm_calls())
        for x, gamma, beta, eps in cases:
            given = x.copy()
            args = (given, gamma.copy(), beta.copy()) if eps is None else (given, gamma.copy(), beta.copy(), eps)
            where = (f"for x of shape {x.shape} ({x.dtype}), "
                     + ("called without eps" if eps is None else f"eps={eps}"))
            try:
                got = _as_array(_call(func, name, *args), name, x.ndim)
            except _Failed as failure:
                if x.ndim == 2:
                    raise _Failed(f"{failure} Hint: x of shape (N, C), a dense layer's output, follows "
                                  "the same rule: the statistics over every axis but the last.") from None
                raise
            if not np.array_equal(given, x):
                raise _Failed(f"{where}: {name} changed x itself. Hint: build a new array; "
                              "leave the input alone (no -= or /= on x).")
            if got.shape != x.shape:
                raise _Failed(f"{where}: the output has shape {got.shape}. Hint: the output has "
                              "the shape of x.")
            used_eps = 1e-3 if eps is None else eps
            want = _batchnorm(x, gamma, beta, used_eps, tuple(range(x.ndim - 1)))
            if not np.all(np.isfinite(got)):
                raise _Failed(f"{where}: the output holds nan or inf. Hint: a channel whose values "
                              "are all equal has variance 0; what keeps the division finite?")
            if _close(got, want):
                continue
            for wrong, message in _batchnorm_mistakes(x, gamma, beta, used_eps, eps is not None):
                if np.all(np.isfinite(wrong)) and _close(got, wrong):
                    raise _Failed(f"{where}: {message}")
            raise _Failed(f"{where}: wrong values. Hint: subtract the channel's mean, divide by "
                          "the square root of its variance plus eps, then scale and shift.")
        return (f"right for {len(cases)} mini-batches: non-square maps, a constant channel, "
                "float32, a small spread, and a dense layer's output.")

    return _run(name, body)


# --------------------------------------------------------------------------
# Exercise: the backward pass of a convolution
# --------------------------------------------------------------------------
def _conv_calls() -> dict:
    """The frameworks, and every library routine that convolves or correlates (scipy.signal,
    scipy.ndimage, np.convolve, np.correlate): the exercise asks for loops or slicing."""
    return _framework_calls(
        ("tensorflow.nn", "conv2d_backprop_input", "tf.nn.conv2d_backprop_input"),
        ("tensorflow.nn", "conv2d_backprop_filter", "tf.nn.conv2d_backprop_filter"),
        ("numpy", "convolve", "np.convolve"),
        ("numpy", "correlate", "np.correlate"),
        ("scipy", "signal", "scipy.signal"),
        ("scipy", "ndimage", "scipy.ndimage"),
        ("scipy.signal", "convolve2d", "scipy.signal.convolve2d"),
        ("scipy.signal", "correlate2d", "scipy.signal.correlate2d"),
        ("scipy.signal", "fftconvolve", "scipy.signal.fftconvolve"),
        ("scipy.signal", "oaconvolve", "scipy.signal.oaconvolve"),
        ("scipy.ndimage", "correlate1d", "scipy.ndimage.correlate1d"),
        ("scipy.ndimage", "convolve1d", "scipy.ndimage.convolve1d"),
    )


def _numerical_gradients(x, w, dz, h=1e-5):
    """Central differences of L = sum(dz * z), z the valid correlation of x with w: (dx, dw)."""
    from scipy.signal import correlate2d

    x, w, dz = (np.array(a, dtype=float) for a in (x, w, dz))

    def loss():
        return float(np.sum(dz * correlate2d(x, w, "valid")))

    grads = []
    for v in (x, w):
        grad = np.zeros_like(v)
        for i in np.ndindex(v.shape):
            old = v[i]
            v[i] = old + h
            up = loss()
            v[i] = old - h
            down = loss()
            v[i] = old
            grad[i] = (up - down) / (2 * h)
        grads.append(grad)
    return grads


def _relative_error(a, n) -> float:
    """The largest relative error |a - n| / max(|a| + |n|, 1e-8), as lesson 06's gradient check."""
    a, n = np.asarray(a, dtype=float), np.asarray(n, dtype=float)
    return float(np.max(np.abs(a - n) / np.maximum(np.abs(a) + np.abs(n), 1e-8)))


def _conv_cases():
    rng = np.random.default_rng(62)
    cases = []
    for shape, kernel in [((6, 8), (2, 3)), ((7, 5), (3, 2)), ((5, 5), (3, 3)), ((3, 9), (2, 4)),
                          ((4, 6), (1, 1)), ((6, 7), (3, 2)), ((5, 4), (5, 4)), ((8, 6), (4, 2))]:
        x = rng.normal(size=shape)
        w = rng.normal(size=kernel)
        dz = rng.normal(size=(shape[0] - kernel[0] + 1, shape[1] - kernel[1] + 1))
        cases.append((x, w, dz))
    x, w, dz = cases[5]
    cases[5] = (x.astype("float32"), w.astype("float32"), dz.astype("float32"))
    return cases


def check_conv_backward(func) -> CheckResult:
    """Check ``func(x, w, dz)``: the gradients of a 2-D convolution layer, in numpy.

    The forward pass is the 'valid' cross-correlation ``z`` of ``x`` with the
    kernel ``w`` (what a Keras ``Conv2D`` with one input and one output channel,
    stride 1 and no bias computes); ``dz`` is the gradient of the loss with
    respect to ``z``.

    Parameters
    ----------
    func : callable
        ``func(x, w, dz)`` with float ndarrays ``x`` (H, W), ``w`` (kh, kw),
        kh <= H, kw <= W, and ``dz`` (H - kh + 1, W - kw + 1), float64 or
        float32, must return the pair ``(dx, dw)``: the gradient of the loss
        with respect to ``x`` (shape of ``x``) and with respect to ``w``
        (shape of ``w``), written with numpy loops or slicing: routines
        that convolve or correlate (``scipy.signal``, ``scipy.ndimage``,
        ``np.convolve``, ``np.correlate``), TensorFlow (its ``GradientTape``
        included), Keras, JAX, PyTorch and autograd are ruled out. Besides
        the exact gradients, the answer is compared with a central-difference
        numerical gradient; the success line gives the largest relative error.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_conv_backward(lambda x, w, dz: (x, w))  # doctest: +ELLIPSIS
    ❌ Not yet (conv_backward): ...
    CheckResult(ok=False)
    """
    from scipy.signal import convolve2d, correlate2d

    name = "conv_backward"
    cases = _conv_cases()

    def body():
        _forbid(func, name, _conv_calls())
        worst = 0.0  # the largest relative error against the numerical gradient
        for x, w, dz in cases:
            got = _call(func, name, x.copy(), w.copy(), dz.copy())
            where = f"for x of shape {x.shape} and w of shape {w.shape}"
            if not isinstance(got, (tuple, list)) or len(got) != 2:
                raise _Failed(f"{where}: {name} returned {_short(got)}; return the pair (dx, dw).")
            dx = _as_array(got[0], f"{name} (dx)", 2)
            dw = _as_array(got[1], f"{name} (dw)", 2)
            x64, w64, dz64 = (np.asarray(a, dtype=float) for a in (x, w, dz))
            want_dx = convolve2d(dz64, w64, "full")
            want_dw = correlate2d(x64, dz64, "valid")
            if x.shape != w.shape and dx.shape == w.shape and dw.shape == x.shape:
                raise _Failed(f"{where}: the pair is in the wrong order. Hint: return (dx, dw).")
            if x.shape == w.shape and _close(dx, want_dw) and _close(dw, want_dx) and not _close(dx, want_dx):
                raise _Failed(f"{where}: the pair is in the wrong order. Hint: return (dx, dw).")
            for label, arr, want in (("dx", dx, want_dx), ("dw", dw, want_dw)):
                if arr.shape == want.shape:
                    continue
                if arr.shape == want.shape[::-1]:
                    raise _Failed(f"{where}: {label} has shape {arr.shape}: rows and columns are "
                                  "swapped (a transpose?).")
                if label == "dx":
                    raise _Failed(f"{where}: dx has shape {arr.shape}. Hint: every pixel of x, "
                                  "those at the border included, gets a gradient: dx has the shape of x.")
                raise _Failed(f"{where}: dw has shape {arr.shape}. Hint: dw has the shape of w, "
                              "one number per weight.")
            if not _close(dx, want_dx):
                if _close(dx, correlate2d(dz64, w64, "full")):
                    hint = ("dx comes out as if the kernel were rotated by 180 degrees: follow, in "
                            "the forward pass, which outputs a pixel fed and through which weights.")
                elif dx.shape[0] == dx.shape[1] and _close(dx.T, want_dx):
                    hint = "rows and columns are swapped (a transpose?)."
                else:
                    hint = ("a pixel of x feeds every output whose window covers it; add up "
                            "dz times the weight that linked them, over all those outputs.")
                raise _Failed(f"{where}: dx is not right. Hint: {hint}")
            if not _close(dw, want_dw):
                if _close(dw, convolve2d(x64, dz64, "valid")):
                    hint = ("dz is flipped by 180 degrees (a convolution flips its second "
                            "argument): check which pixels of x each weight multiplied in the "
                            "forward pass.")
                elif _close(dw, want_dw[::-1, ::-1]):
                    hint = ("dw is rotated by 180 degrees: check which pixels of x each weight "
                            "multiplied in the forward pass.")
                elif dw.shape[0] == dw.shape[1] and _close(dw.T, want_dw):
                    hint = "rows and columns are swapped (a transpose?)."
                else:
                    hint = ("a weight is shared by every output position: its gradient adds up "
                            "dz times the pixel it multiplied, over all the positions of z.")
                raise _Failed(f"{where}: dw is not right. Hint: {hint}")
            num_dx, num_dw = _numerical_gradients(x64, w64, dz64)
            error = max(_relative_error(dx, num_dx), _relative_error(dw, num_dw))
            if not error < 1e-3:  # cs231n: above 1e-2 a gradient is probably wrong
                raise _Failed(f"{where}: the relative error against a numerical gradient is "
                              f"{error:.1e}. Hint: some entries are off by more than round-off; compute in float64.")
            if x.dtype == np.float64:  # (float32 round-off would hide what float64 shows)
                worst = max(worst, error)
        bound = 10.0 ** np.ceil(np.log10(max(worst, 1e-16)))
        return (f"dx and dw right for {len(cases)} inputs: non-square images and kernels, a 1x1 "
                "kernel, a kernel as large as the image, float32; relative error against a "
                f"central-difference numerical gradient at most {bound:.0e} (float64 inputs).")

    return _run(name, body)


# --------------------------------------------------------------------------
# Exercise: He initialisation's standard deviation
# --------------------------------------------------------------------------
def check_he_std(func) -> CheckResult:
    """Check ``func(kernel_shape)``: the standard deviation He initialisation aims at.

    He (Kaiming) initialisation draws a ReLU layer's weights with zero mean
    and a standard deviation chosen from the kernel's shape, so that the
    spread of the activations neither grows nor shrinks from layer to layer.
    The function returns that target standard deviation (Keras's
    ``he_normal`` draws from a truncated normal whose ``stddev`` parameter
    is larger, so that the truncated draws have this spread).

    Parameters
    ----------
    func : callable
        ``func(kernel_shape)`` with ``kernel_shape`` a tuple of ints, the shape
        of a Keras kernel: (n_in, n_out) for ``Dense``, (kh, kw, c_in, c_out)
        for ``Conv2D``, must return a float (a Python or numpy float, not an
        array).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_he_std(lambda kernel_shape: 1.0)  # doctest: +ELLIPSIS
    ❌ Not yet (he_std): ...
    CheckResult(ok=False)
    """
    name = "he_std"
    cases = [(64, 10), (3, 5, 8, 16), (100, 300), (5, 3, 32, 4), (1, 1, 12, 3), (7, 2, 3, 64), (784, 128)]

    def fans(shape):
        if len(shape) == 2:
            return shape[0], shape[1], shape[0], shape[1]
        kh, kw, c_in, c_out = shape
        return kh * kw * c_in, kh * kw * c_out, c_in, c_out

    def body():
        for shape in cases:
            got = _call(func, name, shape)
            call = f"{name}({shape})"
            if isinstance(got, np.ndarray):
                raise _Failed(f"{call} returned {_short(got)}; return a float. Hint: float(...) of "
                              "a one-number result.")
            if isinstance(got, (bool, np.bool_)) or not isinstance(got, (float, np.floating)):
                raise _Failed(f"{call} returned {_short(got)}; return a float.")
            got = float(got)
            fan_in, fan_out, c_in, c_out = fans(shape)
            if np.isclose(got, np.sqrt(2 / fan_in), rtol=1e-6, atol=0):
                continue
            wrong = [
                (np.sqrt(2 / fan_out), "you counted the layer's outputs (the fan-out, as deck 002 "
                 "words it). Hint: Keras's he_normal, and He et al.'s forward-pass rule, count "
                 "the inputs that one output unit sums over."),
                (np.sqrt(2 / c_in), "you counted the input channels only. Hint: a Conv2D unit "
                 "sums over a whole kh x kw window of every input channel."),
                (np.sqrt(2 / c_out), "you counted the output channels. Hint: count the inputs "
                 "that one output unit sums over."),
                (np.sqrt(2 / (fan_in + fan_out)), "that is Glorot's (Xavier) standard deviation, "
                 "which averages inputs and outputs. Hint: He's rule is for ReLU and counts "
                 "one side only."),
                (2 / fan_in, "that looks like a variance. Hint: the exercise asks for the "
                 "standard deviation."),
                (np.sqrt(2 / fan_in) / 0.87962566103423978, "that is the stddev parameter of "
                 "the truncated normal Keras draws from, not the spread of its draws. Hint: "
                 "leave out the truncation's correction."),
                (np.sqrt(1 / fan_in), "that is LeCun's standard deviation, without the factor "
                 "for ReLU. Hint: ReLU sets about half of its inputs to zero."),
            ]
            for value, message in wrong:
                if np.isclose(got, value, rtol=1e-6, atol=0):
                    raise _Failed(f"{call} = {got:.4g} is not right: {message}")
            raise _Failed(f"{call} = {got:.4g} is not right. Hint: count the inputs one output "
                          "unit sums over; He's variance is 2 divided by that count.")
        return f"right for {len(cases)} kernels: Dense and Conv2D, non-square kernels, c_in != c_out."

    return _run(name, body)


# --------------------------------------------------------------------------
# Prediction: saturation, vanishing gradients and He initialisation
# --------------------------------------------------------------------------
_PREDICT_KEYS = ("sigmoid_max_slope", "first_to_vanish", "relu_he_spread")
_PREDICT_CHOICES = {
    "first_to_vanish": ("sigmoid", "tanh", "relu"),
    "relu_he_spread": ("grows", "shrinks", "stays about the same"),
}
# other words for the choices (the same answer, written differently)
_PREDICT_SYNONYMS = {
    "relu_he_spread": {
        "grow": "grows", "increases": "grows", "it grows": "grows",
        "shrink": "shrinks", "decreases": "shrinks", "it shrinks": "shrinks",
        "stays the same": "stays about the same", "about the same": "stays about the same",
        "the same": "stays about the same", "same": "stays about the same",
        "stays roughly the same": "stays about the same", "roughly the same": "stays about the same",
        "it stays about the same": "stays about the same", "stays constant": "stays about the same",
        "constant": "stays about the same", "roughly constant": "stays about the same",
        "stays roughly constant": "stays about the same", "about constant": "stays about the same",
        "stays about constant": "stays about the same", "remains constant": "stays about the same",
        "remains the same": "stays about the same", "remains about the same": "stays about the same",
        "remains roughly the same": "stays about the same", "unchanged": "stays about the same",
        "stays approximately the same": "stays about the same",
        "approximately the same": "stays about the same", "approximately constant": "stays about the same",
        "stable": "stays about the same", "stays stable": "stays about the same",
        "does not change": "stays about the same", "doesn't change": "stays about the same",
        "grows exponentially": "grows", "increases exponentially": "grows",
        "shrinks exponentially": "shrinks", "decreases exponentially": "shrinks",
    },
    "first_to_vanish": {"logistic": "sigmoid", "tanh(x)": "tanh", "sigmoid(x)": "sigmoid"},
}
# answer_digest(f"predict_training[{i}]", answer_i, decimals=2): the right answers are not in this file
_PREDICT_DIGESTS = [
    "6fa46d01a87508c9ff189257494a789fba968ecb2693bd2ae6cfa3ff78cc26a3",
    "998ae2cf6c6930c3478325f0eca2d2bebde75f9533dec736a27470377f02e844",
    "0e79d17580b6d6892697ab7bd34c877db2560013680ff6d1be1c7b128012ba9d",
]


def _constant(value):
    def answers():
        return value
    return answers


def _ordered_answers(got) -> tuple:
    """The student's dict as a tuple in the order of the questions (text in canonical form),
    or :class:`_Failed` saying what is missing or not one of the choices."""
    keys = ", ".join(map(repr, _PREDICT_KEYS))
    if not isinstance(got, dict):
        raise _Failed(f"give the answers as a dict with the keys {keys}; got {_short(got)}")
    missing = [k for k in _PREDICT_KEYS if k not in got]
    extra = [k for k in got if k not in _PREDICT_KEYS]
    if missing or extra:
        raise _Failed(f"the answers must have exactly the keys {keys}"
                      + (f"; missing {', '.join(map(repr, missing))}" if missing else "")
                      + (f"; unknown {', '.join(map(repr, extra))}" if extra else "") + ".")
    slope = got["sigmoid_max_slope"]
    if isinstance(slope, str):
        try:
            slope = float(fractions.Fraction(slope.strip()))
        except (ValueError, ZeroDivisionError):
            raise _Failed(f"'sigmoid_max_slope' must be a number; got {slope!r}") from None
    elif isinstance(slope, numbers.Real) and not isinstance(slope, (bool, np.bool_)) and np.isfinite(slope):
        slope = float(slope)
    else:
        raise _Failed(f"'sigmoid_max_slope' must be a number; got {_short(slope)}")
    out = [slope]
    for key in _PREDICT_KEYS[1:]:
        value = got[key]
        choices = _PREDICT_CHOICES[key]
        text = _canonical(value) if isinstance(value, str) else None
        if text is not None:
            text = re.sub(r"^(the|it|they) ", "", text)
            text = re.sub(r"\b(roughly|approximately|about|more or less) ", "", text)
            text = {"stays the same": "stays about the same", "the same": "stays about the same",
                    "stays constant": "stays about the same"}.get(text, text)
        text = _PREDICT_SYNONYMS[key].get(text, text)
        if text not in choices:
            raise _Failed(f"{key!r} must be one of {', '.join(map(repr, choices))}; got {_short(value)}")
        out.append(text)
    return tuple(out)


def check_predict_training(answers) -> CheckResult:
    """Check the three predictions about training deep networks.

    (a) ``"sigmoid_max_slope"``: the largest value of the sigmoid's derivative,
    a number; (b) ``"first_to_vanish"``: in a stack of 20 ``Dense(64)``
    layers with Keras's default initialisation (Glorot uniform), the
    activation that leaves the smallest gradient norm at the first layer,
    one of ``"sigmoid"``, ``"tanh"``, ``"relu"``; (c) ``"relu_he_spread"``:
    with ReLU and He initialisation, what the spread (standard deviation)
    of the activations does through 20 layers, one of ``"grows"``,
    ``"shrinks"``, ``"stays about the same"``. Text is compared without
    regard to case and spaces; each part is compared with a salted digest
    of the right answer (``answer_digest``, floats rounded to 2 decimals),
    so the answers are nowhere in the course's code; the feedback gives one
    hint per part, and the share of right parts as partial credit.

    Parameters
    ----------
    answers : dict or callable
        The dict of the three answers, or (as the lesson's exercise cell
        writes it) a function without arguments that returns it.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_predict_training({"sigmoid_max_slope": 1, "first_to_vanish": "tanh",
    ...                         "relu_he_spread": "grows"})  # doctest: +ELLIPSIS
    ❌ Not yet (predict_training): ...
    CheckResult(ok=False)
    """
    name = "predict_training"
    parts = ["(a) the sigmoid's largest slope", "(b) the activation whose gradient vanishes first",
             "(c) the spread through 20 ReLU layers with He initialisation"]
    hints = [
        "differentiate 1 / (1 + exp(-z)) and find where the curve is steepest (the lesson plots f').",
        "going backwards, every layer multiplies the gradient by the activation's slope: compare "
        "the slopes the three activations can have, and multiply 20 such factors.",
        "He's scale makes up for ReLU's halving of the signal's energy: what is left after one "
        "layer, and after 20?",
    ]
    # a dict is called through a function too, so that grading records it like any answer
    func = _constant(answers) if isinstance(answers, dict) else answers

    def body():
        # the shared prediction judge takes a tuple from a function; here the dict is checked
        # and ordered first, then judged the same way (a digest and a hint per part)
        got = _ordered_answers(_call(func, name))
        first, right = None, 0
        for i, (answer, digest, part, hint) in enumerate(zip(got, _PREDICT_DIGESTS, parts, hints)):
            if answer_digest(f"{name}[{i}]", answer, 2) == digest:
                right += 1
            else:
                first = first or f"{part} is not right. Hint: {hint}"
        if first is not None:
            raise _Failed(first, right / len(parts))
        return "every answer is right."

    return _run(name, body)


# --------------------------------------------------------------------------
# Exercise (optional): the backward pass of 2x2 max pooling
# --------------------------------------------------------------------------
def _maxpool_cases():
    rng = np.random.default_rng(65)
    cases = [
        (rng.normal(size=(4, 6)), rng.normal(size=(2, 3))),
        (rng.normal(size=(6, 4)), rng.normal(size=(3, 2))),
        (rng.normal(size=(8, 8)) - 3.0, rng.normal(size=(4, 4))),
        # ties: values 0 and 1 only, so most windows have several maxima
        (rng.integers(0, 2, size=(6, 8)).astype(float), rng.uniform(0.5, 2.0, size=(3, 4))),
        (np.ones((2, 4)), np.array([[2.0, -3.0]])),
        (rng.normal(size=(2, 10)), rng.normal(size=(1, 5))),
    ]
    x, dz = cases[2]
    cases[2] = (x.astype("float32"), dz.astype("float32"))
    return cases


def check_maxpool_backward(func) -> CheckResult:
    """Check ``func(x, dz)``: the backward pass of 2x2 max pooling with stride 2, in numpy.

    Each value of ``dz`` (the gradient with respect to the pooled output)
    goes to the position of its window's maximum in ``x``; every other
    position gets zero. When a window has several equal maxima, the whole
    value goes to one of them (TensorFlow picks one; any one is accepted).

    Parameters
    ----------
    func : callable
        ``func(x, dz)`` with a float ndarray ``x`` (H, W), H and W even, and
        ``dz`` (H // 2, W // 2) must return ``dx``, a float array of the shape
        of ``x``. TensorFlow, Keras, JAX and PyTorch are ruled out.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_maxpool_backward(lambda x, dz: x)  # doctest: +ELLIPSIS
    ❌ Not yet (maxpool_backward): ...
    CheckResult(ok=False)
    """
    name = "maxpool_backward"
    cases = _maxpool_cases()

    def body():
        _forbid(func, name, _framework_calls())
        for x, dz in cases:
            got = _call(func, name, x.copy(), dz.copy())
            where = f"for x of shape {x.shape}"
            dx = _as_array(got, name, 2)
            if dx.shape != x.shape:
                if dx.shape == dz.shape:
                    hint = "dx has the shape of x, not of the pooled output."
                elif dx.shape == x.shape[::-1]:
                    hint = "rows and columns are swapped (a transpose?)."
                else:
                    hint = "dx has the shape of x."
                raise _Failed(f"{where}: the output has shape {dx.shape}. Hint: {hint}")
            h, w = x.shape
            xs = np.asarray(x, dtype=float).reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
            gs = dx.reshape(h // 2, 2, w // 2, 2).transpose(0, 2, 1, 3).reshape(h // 2, w // 2, 4)
            d = np.asarray(dz, dtype=float)
            is_max = xs == xs.max(axis=2, keepdims=True)
            tol = 1e-5 * max(1.0, float(np.abs(d).max()))
            nonzero = np.abs(gs) > tol
            ok = (np.all(np.abs(gs.sum(axis=2) - d) <= tol)
                  & np.all(nonzero.sum(axis=2) <= 1)
                  & np.all(~nonzero | is_max))
            if ok:
                continue
            avg = np.repeat(np.repeat(d / 4, 2, axis=0), 2, axis=1)
            split = np.where(is_max, d[..., None] / is_max.sum(axis=2, keepdims=True), 0.0)
            every = np.where(is_max, d[..., None], 0.0)
            if np.allclose(dx, avg, atol=tol):
                hint = ("the gradient is spread over the whole window, as for average pooling. "
                        "Hint: only the input that won the max affected the output.")
            elif np.allclose(gs, split, atol=tol) and np.any(is_max.sum(axis=2) > 1):
                hint = ("where a window has several equal maxima, the value is split among them. "
                        "Hint: the max passes on one of them; give it the whole value.")
            elif np.allclose(gs, every, atol=tol) and np.any(is_max.sum(axis=2) > 1):
                hint = ("where a window has several equal maxima, each of them got the whole value "
                        "(a mask of x == max?). Hint: the max passes on one of them; give the value to one.")
            elif np.any(nonzero & ~is_max):
                hint = ("a gradient lands on a position that is not its window's maximum. Hint: "
                        "compare the positions of each 2x2 block's maximum (rows and columns, "
                        "not transposed).")
            elif np.any(np.abs(gs.sum(axis=2) - d) > tol):
                hint = ("the values that reach a window do not add up to its dz. Hint: each "
                        "window's dz goes, whole, to one position.")
            else:
                hint = "wrong values. Hint: each window's dz goes, whole, to the position of its maximum."
            raise _Failed(f"{where}: {hint}")
        return (f"right for {len(cases)} inputs: non-square, negative values, float32, and windows "
                "with tied maxima.")

    return _run(name, body)
