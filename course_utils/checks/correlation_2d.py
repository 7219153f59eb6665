"""Checks for the exercises of lesson 02 (``lessons/02_correlation_2d.ipynb``)."""

from __future__ import annotations

import contextlib
import functools
import inspect

import numpy as np

from ._core import (
    CheckResult,
    _amend_last_call,
    _as_2d,
    _call,
    _Failed,
    _forbid,
    _imported,
    _judge_answers,
    _recording,
    _run,
    _short,
)

__all__ = [
    "check_convolve2d_valid",
    "check_same_padding_2d",
    "check_ncc_map",
    "check_corner_detector",
    "check_predictions_2d",
]

# Library functions that convolve or correlate, which exercise 1 rules out:
# (module, attribute, the name the feedback gives it).
_CONVOLVERS = [
    ("scipy.signal", "convolve2d", "scipy.signal.convolve2d"),
    ("scipy.signal", "correlate2d", "scipy.signal.correlate2d"),
    ("scipy.signal", "convolve", "scipy.signal.convolve"),
    ("scipy.signal", "correlate", "scipy.signal.correlate"),
    ("scipy.signal", "fftconvolve", "scipy.signal.fftconvolve"),
    ("scipy.signal", "oaconvolve", "scipy.signal.oaconvolve"),
    ("numpy", "convolve", "np.convolve"),
    ("numpy", "correlate", "np.correlate"),
    ("scipy.ndimage", "convolve", "scipy.ndimage.convolve"),
    ("scipy.ndimage", "correlate", "scipy.ndimage.correlate"),
    ("course_utils.conv", "correlate2d", "conv.correlate2d"),
    ("course_utils.conv", "convolve2d", "conv.convolve2d"),
    ("course_utils.conv", "correlate2d_loop", "conv.correlate2d_loop"),
    ("course_utils.conv", "conv2d", "conv.conv2d"),
    ("tensorflow.nn", "conv2d", "tf.nn.conv2d"),
    ("tensorflow.nn", "convolution", "tf.nn.convolution"),
    ("tensorflow.nn", "depthwise_conv2d", "tf.nn.depthwise_conv2d"),
    ("tensorflow.nn", "separable_conv2d", "tf.nn.separable_conv2d"),
    ("tensorflow.nn", "conv2d_transpose", "tf.nn.conv2d_transpose"),
    ("tensorflow.nn", "conv_transpose", "tf.nn.conv_transpose"),
    ("tensorflow.nn", "atrous_conv2d", "tf.nn.atrous_conv2d"),
    # TensorFlow 1's API (older tutorials) and the raw ops: other function objects
    ("tensorflow.compat.v1.nn", "conv2d", "tf.compat.v1.nn.conv2d"),
    ("tensorflow.compat.v1.nn", "convolution", "tf.compat.v1.nn.convolution"),
    ("tensorflow.compat.v1.nn", "depthwise_conv2d", "tf.compat.v1.nn.depthwise_conv2d"),
    ("tensorflow.compat.v1.nn", "separable_conv2d", "tf.compat.v1.nn.separable_conv2d"),
    ("tensorflow.compat.v1.nn", "conv2d_transpose", "tf.compat.v1.nn.conv2d_transpose"),
    ("tensorflow.raw_ops", "Conv2D", "tf.raw_ops.Conv2D"),
    ("tensorflow.raw_ops", "DepthwiseConv2dNative", "tf.raw_ops.DepthwiseConv2dNative"),
    ("keras.ops", "conv", "keras.ops.conv"),
    ("keras.ops", "depthwise_conv", "keras.ops.depthwise_conv"),
    ("keras.ops", "separable_conv", "keras.ops.separable_conv"),
    ("keras.ops", "conv_transpose", "keras.ops.conv_transpose"),
    ("keras.layers", "Conv2D", "keras.layers.Conv2D"),
    ("keras.layers", "DepthwiseConv2D", "keras.layers.DepthwiseConv2D"),
    ("keras.layers", "SeparableConv2D", "keras.layers.SeparableConv2D"),
    ("keras.layers", "Conv2DTranspose", "keras.layers.Conv2DTranspose"),
]
_MATCHERS = [("skimage.feature", "match_template", "feature.match_template")]
# The forbidden callables whose last name the source may not use (read by _core._forbid,
# which lets the student's own variables and functions have any name, even ``correlate``).
# ``conv``, ``conv2d`` and ``convolution`` are left out (``conv`` is also the course's module, and
# TensorFlow may be imported only inside the student's function): those calls are disabled
# while the function runs, and the feedback names the one it called.
_FORBIDDEN_NAMES = {"convolve2d", "correlate2d", "convolve", "correlate", "fftconvolve", "oaconvolve",
                    "correlate2d_loop", "Conv2D", "depthwise_conv2d", "separable_conv2d",
                    "conv2d_transpose", "conv_transpose", "atrous_conv2d", "depthwise_conv",
                    "separable_conv", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose"}


def _present(entries) -> dict:
    """The callables of ``entries`` (module, attribute, label) that exist here, by label."""
    found = {}
    for module, attr, label in entries:
        value = getattr(_imported(module), attr, None)
        if value is not None:
            found[label] = value
    return found


def _forbid_source(func, name: str, entries, names) -> None:
    """Read ``func``'s source (and its own helpers') for the forbidden callables named in ``names``.

    A name the function binds itself, or a function of the student's own (a hand-written
    ``correlate`` helper), is allowed; an alias of a forbidden callable made in another
    cell is not (``_core._forbid``).
    """
    if _recording():
        return  # when grading, the judge reads the exercise cell
    if hasattr(func, "_course_source"):  # the judge: the cell's source, every ruled-out name
        _forbid(func, name, calls={label: None for _, _, label in entries if label.rsplit(".", 1)[-1] in names})
        return
    target = func
    while isinstance(target, functools.partial):
        target = target.func
    present = _present(entries)
    for label, value in present.items():
        if target is value:
            raise _Failed(f"{name} is {label} itself, which this exercise rules out: "
                          "write the computation yourself.")
    try:
        inspect.getsource(target)
    except (OSError, TypeError):
        return  # no source to read (made with exec): the calls are still disabled while it runs
    calls = {label: value for label, value in present.items() if label.rsplit(".", 1)[-1] in names}
    _forbid(target, name, calls=calls)


@contextlib.contextmanager
def _disabled(func, entries, used: list):
    """Make the forbidden callables raise while ``func`` runs (in their modules and in its globals)."""
    banned = _present(entries)
    patches = []

    def blocker(label):
        def blocked(*args, **kwargs):
            used.append(label)
            raise RuntimeError(f"{label} is ruled out in this exercise")

        return blocked

    for module, attr, label in entries:
        owner = _imported(module)
        if label in banned and getattr(owner, attr, None) is banned[label]:
            patches.append((owner, attr, label))
    scope = getattr(func, "__globals__", None)
    if isinstance(scope, dict):
        for key, value in list(scope.items()):
            for label, banned_value in banned.items():
                if value is banned_value:
                    patches.append((scope, key, label))
                    break
    saved = []
    try:
        for owner, attr, label in patches:
            if isinstance(owner, dict):
                saved.append((owner, attr, owner[attr]))
                owner[attr] = blocker(label)
            else:
                saved.append((owner, attr, getattr(owner, attr)))
                setattr(owner, attr, blocker(label))
        yield
    finally:
        for owner, attr, value in reversed(saved):
            if isinstance(owner, dict):
                owner[attr] = value
            else:
                setattr(owner, attr, value)


def _call_without(func, name: str, entries, *args):
    """Call the student's function with the forbidden callables disabled."""
    used: list = []
    with _disabled(func, entries, used):
        try:
            result = _call(func, name, *args)
        except _Failed:
            if not used:
                raise
    if used:
        message = f"{name} calls {used[0]}, which this exercise rules out: write the computation yourself."
        _amend_last_call(message)  # when grading, the judge sees the same verdict
        raise _Failed(message)
    return result


def check_convolve2d_valid(func) -> CheckResult:
    """Check ``func(x, w)``: valid-mode 2D convolution (the kernel flipped), written by hand.

    Parameters
    ----------
    func : callable
        ``func(x, w)`` with 2D arrays ``x`` (N1, N2) and ``w`` (K1, K2),
        K1 <= N1 and K2 <= N2, int or float, must return
        ``scipy.signal.convolve2d(x, w, "valid")``: a float array of shape
        (N1 - K1 + 1, N2 - K2 + 1). It may not call a library function that
        convolves or correlates (scipy.signal, scipy.ndimage, np.convolve,
        np.correlate, the course's ``conv`` functions, TensorFlow or Keras
        convolutions); the check reads its source and disables those calls.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> def convolve2d_valid(x, w):
    ...     return x[: x.shape[0] - w.shape[0] + 1, : x.shape[1] - w.shape[1] + 1]
    >>> check_convolve2d_valid(convolve2d_valid)  # doctest: +ELLIPSIS
    ❌ Not yet (convolve2d_valid): wrong values for x of shape ...
    CheckResult(ok=False)
    """
    from scipy.signal import convolve2d, correlate2d

    rng = np.random.default_rng(2)
    cases = [
        (rng.normal(size=(6, 6)), rng.normal(size=(3, 3))),  # square: a transposed output has the right shape
        (np.arange(16.0).reshape(4, 4), np.array([[1.0, 2.0], [3.0, 4.0]])),  # even kernel
        (rng.integers(0, 9, size=(5, 5)).astype(float), rng.integers(-2, 3, size=(3, 3)).astype(float)),
        (rng.normal(size=(6, 7)), rng.normal(size=(2, 3))),  # non-square image and kernel
        (rng.normal(size=(7, 5)), rng.normal(size=(3, 2))),
        (rng.normal(size=(4, 4)), rng.normal(size=(4, 4))),  # kernel as large as the image
        (rng.normal(size=(5, 6)), rng.normal(size=(1, 3))),
        (rng.normal(size=(8, 6)), rng.normal(size=(4, 2))),
        (rng.normal(size=(5, 4)), np.array([[-1.5]])),  # a 1x1 kernel
        (rng.integers(0, 9, size=(6, 5)), rng.normal(size=(2, 2))),  # int image, float kernel: a float result
    ]

    def body():
        _forbid_source(func, "convolve2d_valid", _CONVOLVERS, _FORBIDDEN_NAMES)
        for x, w in cases:
            want = convolve2d(x, w, "valid")
            result = _call_without(func, "convolve2d_valid", _CONVOLVERS, x.copy(), w.copy())
            got = _as_2d(result, "convolve2d_valid")
            if got.shape != want.shape:
                if got.shape == want.shape[::-1]:
                    raise _Failed(
                        f"for x of shape {x.shape} and w of shape {w.shape} the output has shape "
                        f"{got.shape}: rows and columns are swapped. Hint: output rows come from "
                        "the rows of x and w, output columns from their columns."
                    )
                raise _Failed(
                    f"for x of shape {x.shape} and w of shape {w.shape} the output has shape "
                    f"{got.shape}. Hint: along each axis, count the positions where the whole "
                    "kernel fits inside x."
                )
            if np.allclose(got, want):
                continue
            if x.dtype.kind == "i" and np.allclose(got, np.trunc(want)):
                raise _Failed(
                    "for an int image and a float kernel the values are cut to whole numbers. "
                    "Hint: the result must be a float array (an output made with np.zeros_like(x) "
                    "takes the image's int type)."
                )
            if np.allclose(got, correlate2d(x, w, "valid")):
                raise _Failed(
                    "this is correlation: the kernel is not flipped. Hint: convolution "
                    "multiplies x[n1 - k1, n2 - k2] with w[k1, k2]."
                )
            if np.allclose(got, correlate2d(x, w[::-1, :], "valid")) or np.allclose(
                got, correlate2d(x, w[:, ::-1], "valid")
            ):
                raise _Failed("the kernel is flipped along one axis only. Hint: flip it along both.")
            if w.shape[0] == w.shape[1] and any(
                np.allclose(got, correlate2d(x, v, "valid")) for v in (w.T, np.rot90(w), np.rot90(w, -1))
            ):
                raise _Failed(
                    "the kernel is transposed or turned by 90 degrees, not flipped. Hint: the flip "
                    "turns the kernel by 180 degrees: w[k1, k2] goes to w[K1-1-k1, K2-1-k2]."
                )
            if got.shape[0] == got.shape[1] and np.allclose(got.T, want):
                raise _Failed(
                    "the output is transposed: rows and columns are swapped. Hint: index the "
                    "output [row, column] as the image."
                )
            raise _Failed(
                f"wrong values for x of shape {x.shape} and w of shape {w.shape}. Hint: "
                "convolution is correlation with the kernel flipped in both axes."
            )
        return f'matches scipy.signal.convolve2d(x, w, "valid") on {len(cases)} test cases.'

    return _run("convolve2d_valid", body)


def _keras_same_padding(n: int, k: int, s: int) -> tuple[int, int]:
    """Zeros (before, after) that Keras's ``padding="same"`` adds along one axis."""
    total = max((-(-n // s) - 1) * s + k - n, 0)
    return total // 2, total - total // 2


def check_same_padding_2d(func) -> CheckResult:
    """Check ``func(image_shape, kernel_shape, strides)``: where Keras's ``same`` puts its zeros.

    Parameters
    ----------
    func : callable
        ``func(image_shape, kernel_shape, strides)`` with ``image_shape`` (N1, N2),
        ``kernel_shape`` (K1, K2) and ``strides`` (S1, S2) tuples of positive ints
        must return ``((top, bottom), (left, right))``, the numbers of zeros that
        ``keras.layers.Conv2D(..., strides=strides, padding="same")`` adds on each
        side of the image, as ints, without calling a function that correlates or
        convolves (the check reads its source and disables those calls).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_same_padding_2d(lambda n, k, s: ((0, 0), (0, 0)))  # doctest: +ELLIPSIS
    ❌ Not yet (same_padding_2d): image (6, 6), kernel (3, 3), strides (1, 1): ...
    CheckResult(ok=False)
    """
    cases = [
        ((6, 6), (3, 3), (1, 1)),
        ((6, 6), (3, 3), (2, 2)),  # even input at stride 2: one zero, after
        ((7, 7), (3, 3), (2, 2)),  # odd input at stride 2: one zero per side
        ((7, 7), (4, 4), (1, 1)),  # even kernel
        ((7, 7), (4, 4), (2, 2)),
        ((8, 8), (4, 4), (2, 2)),
        ((5, 8), (4, 2), (1, 2)),  # non-square, different strides per axis
        ((9, 6), (1, 5), (2, 3)),
        ((6, 7), (2, 4), (2, 2)),
        ((4, 4), (1, 1), (2, 2)),  # the last window ends before the image does: no zeros
        ((8, 10), (1, 2), (3, 4)),
        ((5, 5), (2, 2), (4, 4)),
        ((1, 1), (1, 1), (1, 1)),  # length one
        ((1, 5), (1, 3), (2, 1)),
        ((2, 7), (4, 3), (2, 2)),  # a kernel taller than the image
        ((28, 28), (5, 5), (2, 2)),
    ]

    def ints(v) -> bool:
        return isinstance(v, (int, np.integer)) and not isinstance(v, bool)

    def body():
        _forbid_source(func, "same_padding_2d", _CONVOLVERS, _FORBIDDEN_NAMES)
        for n, k, s in cases:
            where = f"image {n}, kernel {k}, strides {s}"
            got = _call_without(func, "same_padding_2d", _CONVOLVERS, n, k, s)
            if not (isinstance(got, (tuple, list)) and len(got) == 2 and all(
                    isinstance(p, (tuple, list)) and len(p) == 2 and all(ints(v) for v in p) for p in got)):
                raise _Failed(f"same_padding_2d must return ((top, bottom), (left, right)), four ints; "
                              f"got {_short(got)}")
            got = tuple(tuple(int(v) for v in p) for p in got)
            want = tuple(_keras_same_padding(n[a], k[a], s[a]) for a in range(2))
            if got == want:
                continue
            if any(v < 0 for p in got for v in p):
                raise _Failed(f"{where}: {got} has a negative number of zeros. Hint: when the "
                              "last window already ends inside the image, no zero is needed.")
            swapped = tuple(_keras_same_padding(n[a], k[1 - a], s[1 - a]) for a in range(2))
            if got == swapped or got == want[::-1]:
                raise _Failed(f"{where}: {got} mixes up the axes. Hint: the zeros above and below "
                              "depend only on the image's height, the kernel's height and the row stride.")
            if all(sum(g) == sum(w) for g, w in zip(got, want)):
                if all(g == w[::-1] for g, w in zip(got, want)):
                    raise _Failed(f"{where}: {got} has the right number of zeros, but puts the odd "
                                  "one on the wrong side. Hint: section 5 says which side Keras chooses.")
                raise _Failed(f"{where}: {got} has the right number of zeros per axis, but does not "
                              "split them as Keras does. Hint: Keras gives the two sides the same "
                              "number, or one more after.")
            if got == tuple(((k[a] - 1) // 2,) * 2 for a in range(2)):
                raise _Failed(f"{where}: {got} pads both sides alike whatever the image and the "
                              "stride, as symmetric padding does; Keras does not. Hint: count the "
                              "outputs 'same' makes at this stride, and where the last window must end.")
            raise _Failed(f"{where}: {got} is not right. Hint: at a stride larger than 1 the "
                          "number of zeros depends on the image's size too: count the outputs "
                          "'same' makes, and where the last window must end.")
        return f"matches Keras's 'same' padding on {len(cases)} (image, kernel, strides) cases."

    return _run("same_padding_2d", body)


def _ncc_cases():
    """Test images and templates for :func:`check_ncc_map`, with what each one tests."""
    rng = np.random.default_rng(3)
    ramp = np.add.outer(np.arange(14.0), np.arange(18.0)) * 10  # uneven lighting
    textured = rng.normal(size=(14, 18)) * 20 + 100 + ramp
    flat = rng.integers(0, 256, size=(9, 11)).astype(float)
    flat[2:7, 3:9] = 120.0  # a flat block: the patches inside it have no spread
    ints = rng.integers(0, 256, size=(7, 10)).astype(float)
    return [
        (rng.normal(size=(10, 12)), rng.normal(size=(3, 4)), "a non-square template"),
        (textured, textured[4:9, 6:12].copy(), "a template cut from the image"),
        (rng.random((9, 9)) * 255, rng.random((5, 5)) * 255, "a square template"),
        (rng.normal(size=(8, 11)) + 5, rng.normal(size=(2, 6)) + 5, "a 2x6 template"),
        (flat, rng.integers(0, 256, size=(3, 4)).astype(float), "an image with a flat region"),
        (ints, np.full((3, 2), 7.0), "a flat template"),
        (ints, 255 - ints[2:5, 1:5], "a negative of part of the image"),
    ]


def check_ncc_map(func) -> CheckResult:
    """Check ``func(image, template)``: the normalised cross-correlation map.

    Parameters
    ----------
    func : callable
        ``func(image, template)`` with 2D float arrays ``image`` (N1, N2) and
        ``template`` (K1, K2), no larger than the image, must return the
        Pearson correlation between the template and the image patch at every
        valid offset, and 0 where the patch or the template is flat (all its
        values equal): a float array of shape (N1 - K1 + 1, N2 - K2 + 1),
        equal to ``skimage.feature.match_template(image, template)``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> from scipy.signal import correlate2d
    >>> check_ncc_map(lambda image, t: correlate2d(image, t, "valid"))  # doctest: +ELLIPSIS
    ❌ Not yet (ncc_map): this is raw correlation. ...
    CheckResult(ok=False)
    """
    from numpy.lib.stride_tricks import sliding_window_view
    from skimage.feature import match_template

    cases = _ncc_cases()

    def variants(image, template):
        patches = sliding_window_view(image, template.shape)
        t0 = template - template.mean()
        p0 = patches - patches.mean(axis=(2, 3), keepdims=True)
        with np.errstate(all="ignore"):
            raw = np.einsum("ijab,ab->ij", patches, template)
            template_raw_ss = np.einsum("ijab,ab->ij", p0, t0) / np.sqrt(
                np.sum(p0**2, axis=(2, 3)) * np.sum(template**2))
            cosine = raw / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(template**2))
            covariance = np.einsum("ijab,ab->ij", p0, t0)
            g0 = patches - image.mean()
            global_mean = np.einsum("ijab,ab->ij", g0, t0) / np.sqrt(
                np.sum(g0**2, axis=(2, 3)) * np.sum(t0**2)
            )
        flat = (np.ptp(patches, axis=(2, 3)) == 0) | (np.ptp(template) == 0)
        return raw, cosine, covariance, global_mean, template_raw_ss, flat

    def body():
        _forbid_source(func, "ncc_map", _MATCHERS, {"match_template"})
        for image, template, what in cases:
            result = _call_without(func, "ncc_map", _MATCHERS, image.copy(), template.copy())
            got = _as_2d(result, "ncc_map")
            want = match_template(image, template)
            if got.shape != want.shape:
                raise _Failed(
                    f"for an image of shape {image.shape} and a template of shape "
                    f"{template.shape} the map has shape {got.shape}. Hint: one value per "
                    "offset where the whole template lies inside the image (valid mode)."
                )
            if np.allclose(got, want, atol=1e-6):
                continue
            raw, cosine, covariance, global_mean, template_raw_ss, flat = variants(image, template)
            if flat.any() and np.allclose(got[~flat], want[~flat], atol=1e-6):
                kind = "the template is flat" if np.ptp(template) == 0 else "the patch is flat"
                raise _Failed(
                    f"on {what}, the values where {kind} (all its values equal) are "
                    f"{'NaN or infinite' if not np.all(np.isfinite(got[flat])) else 'not right'}. "
                    "Hint: there the formula is 0/0; the exercise asks for 0, as match_template gives."
                )
            if np.allclose(got, np.abs(want), atol=1e-6):
                raise _Failed(f"on {what}, the signs are lost: the map must be negative where the "
                              "patch looks like the negative of the template.")
            # Common mistakes, each computed on the same image: the first one the answer equals.
            mistakes = [
                (raw, "this is raw correlation. Hint: subtract the means and divide by the "
                      "spreads, as in the formula of section 6."),
                (cosine, "the means are missing. Hint: subtract the patch's mean from the patch "
                         "and the template's mean from the template before multiplying."),
                (covariance, "the normalisation is missing (values should lie between -1 and 1). "
                             "Hint: divide by the square root of the two sums of squares."),
                (template_raw_ss, "the denominator uses the template without subtracting its mean. "
                                  "Hint: both sums of squares are of deviations from the mean."),
                (global_mean, "you subtract the mean of the whole image. Hint: subtract the mean "
                              "of each patch, computed at each offset."),
            ]
            for mistake, message in mistakes:
                if np.allclose(got, mistake):
                    raise _Failed(message)
            if np.nanmax(np.abs(got)) > 1 + 1e-9:
                raise _Failed(
                    "some values lie outside [-1, 1]. Hint: check the denominator of the formula."
                )
            raise _Failed(
                f"wrong values on {what} (image {image.shape}, template "
                f"{template.shape}). Hint: at each offset, compute the Pearson correlation "
                "of the patch and the template."
            )
        return f"matches skimage.feature.match_template on {len(cases)} test images, flat ones included."

    return _run("ncc_map", body)


# The pattern of exercise 4: ink (+1) along the top row and the left column.
_CORNER = np.array([[1, 1, 1], [1, -1, -1], [1, -1, -1]], dtype=float)


def check_corner_detector(func) -> CheckResult:
    """Check ``func()``: a 3x3 kernel of +-1 for ``convolve2d`` that detects a top-left corner.

    On images of -1 and +1, ``scipy.signal.convolve2d(image, kernel, "valid") / 9``
    must be exactly 1 where the 3x3 patch is a top-left corner (ink along its
    top row and its left column, background on the other four pixels) and
    smaller elsewhere.

    Parameters
    ----------
    func : callable
        ``func()`` returns a (3, 3) array of -1 and +1.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_corner_detector(lambda: np.ones((3, 3)))  # doctest: +ELLIPSIS
    ❌ Not yet (corner_detector): ...
    CheckResult(ok=False)
    """
    from scipy.signal import convolve2d

    rng = np.random.default_rng(4)
    images = []
    for _ in range(5):
        image = rng.choice([-1.0, 1.0], size=(9, 10))
        image[2:5, 3:6] = _CORNER
        image[5:8, 0:3] = _CORNER
        images.append(image)

    def body():
        kernel = _as_2d(_call(func, "corner_detector"), "corner_detector")
        if kernel.shape != (3, 3):
            raise _Failed(f"the kernel must have shape (3, 3); got {kernel.shape}")
        if not np.all(np.isin(kernel, (-1.0, 1.0))):
            raise _Failed("the kernel must hold only -1 and +1.")
        for image in images:
            score = convolve2d(image, kernel, "valid") / 9
            windows = np.lib.stride_tricks.sliding_window_view(image, (3, 3))
            is_corner = np.all(windows == _CORNER, axis=(2, 3))
            if np.allclose(score[is_corner], 1) and np.all(score[~is_corner] < 1):
                continue
            if np.allclose(score[is_corner], -1):
                raise _Failed("the kernel gives -1 on the corner: its signs are inverted.")
            if np.array_equal(kernel, _CORNER):
                raise _Failed(
                    "this kernel would find the corner with correlation, but convolve2d "
                    "is convolution. Hint: what does convolution do to the kernel first?"
                )
            if np.array_equal(kernel, _CORNER[::-1]) or np.array_equal(kernel, _CORNER[:, ::-1]):
                raise _Failed("the kernel is flipped along one axis only. Hint: convolution flips both.")
            raise _Failed(
                "the score is not 1 on the corner, or reaches 1 elsewhere. Hint: with +-1 values "
                "each product is +1 where the (flipped) kernel and the patch agree and -1 where "
                "they differ."
            )
        return "scores exactly 1 on the corner and less everywhere else, on 5 test images."

    return _run("corner_detector", body)


# Salted digests of the answers to exercise 5 (see _core.answer_digest); the
# answers themselves are in no file of the course.
_PREDICTION_DIGESTS = [
    "0f246245ae5dab1bf39d721725b5d7769a8f20fbf1112ecae48f2a486e78ffdc",
    "3894c8170dfa42b9892e4d40d11fecd6dba302f343301c96a5917e0b4d965035",
    "db4637ea4f29901fcfb388b2068376c0057708b8d40cbd1ebe5cf8a599499838",
]
_PREDICTION_PARTS = [
    "(a) the shape of the chained result",
    "(b) the pair of positions of the non-zero value",
    "(c) the letter of the true statement",
]


def check_predictions_2d(func) -> CheckResult:
    """Check ``func()``: the answers to exercise 5's three prediction questions.

    ``func()`` returns a tuple ``(shape, positions, letter)``: (a) a tuple of two
    ints; (b) two (row, column) tuples; (c) one letter. Each part is compared
    with a salted digest of the right answer, so the answer is nowhere in the
    course's code.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_predictions_2d(lambda: ((1, 1), ((0, 0), (0, 0)), "a"))  # doctest: +ELLIPSIS
    ❌ Not yet (predictions_2d): (a) the shape of the chained result is not right. ...
    CheckResult(ok=False)
    """
    return _judge_answers(
        func, "predictions_2d", _PREDICTION_DIGESTS, _PREDICTION_PARTS,
        "work it out on paper with the output-size table of section 5 and the index "
        "formulas of section 3, then run the code to see whether you were right.",
    )
