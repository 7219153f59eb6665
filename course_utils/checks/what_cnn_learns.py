"""Checks for the exercises of lesson 09 (``lessons/09_what_cnn_learns.ipynb``).

Two exercises hand the student's function a function of the check's own (the
class score of occlusion, the gradient of SmoothGrad): those are plain numpy
objects with a fixed ``repr``, so that grading can match the recorded calls.
What SmoothGrad's ``grad`` received is judged as soon as the student's function
returns; when grading, a failure found there is written on the recording
(:func:`._core._amend_last_call`), so the judge, which never runs the student's
code, gives the same verdict.
"""

from __future__ import annotations

import re

import numpy as np

from . import _core
from ._core import (
    CheckResult,
    _amend_last_call,
    _as_array,
    _attr,
    _call,
    _Failed,
    _forbid,
    _judge_answers,
    _run,
    _short,
)

__all__ = [
    "check_gradcam_weights",
    "check_occlusion_map",
    "check_smoothgrad",
    "check_top_activations",
    "check_predict_interpretation",
]


def _reference_calls(*functions) -> dict:
    """The lesson's reference implementations (``course_utils.interpret``), ruled out by name
    and, when imported, by identity (an alias made in another cell)."""
    calls = {"course_utils.interpret": _attr("course_utils", "interpret")}
    for function in functions:
        calls[f"interpret.{function}"] = _attr("course_utils", "interpret", function)
    return calls


def _replaying() -> bool:
    """True in the grader's judge, where the student's function does not run."""
    return _core._MODE is not None and _core._MODE.replaying


def _while_it_ran(judge) -> None:
    """Run ``judge()``, which reads what the student's function did to the check's own
    function while it ran (in the judge there is nothing to read: skip it). A failure is
    written on the recording when grading, so the judge gives the same verdict."""
    if _replaying():
        return
    try:
        judge()
    except _Failed as failure:
        _amend_last_call(str(failure))
        raise


def _close(a, b, scale=1.0) -> bool:
    return a.shape == b.shape and np.allclose(a, b, rtol=1e-4, atol=1e-5 * scale)


# --------------------------------------------------------------------------
# Exercise 2: Grad-CAM's channel weights
# --------------------------------------------------------------------------
def check_gradcam_weights(gradcam_weights) -> CheckResult:
    """Check ``gradcam_weights(grads)``: Grad-CAM's weight of every channel.

    Parameters
    ----------
    gradcam_weights : callable
        ``gradcam_weights(grads)`` with a float array ``grads`` of shape
        ``(H, W, C)`` (float32 or float64, signed), the gradient of a class
        score with respect to a layer's ``C`` feature maps, must return a float
        array of shape ``(C,)``: each channel's gradients pooled over its
        ``H * W`` positions as Grad-CAM pools them, leaving ``grads`` unchanged.
        The lesson's reference code (``course_utils.interpret``) is ruled out.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_gradcam_weights(lambda grads: grads.sum(axis=(0, 1)))  # doctest: +ELLIPSIS
    ❌ Not yet (gradcam_weights): ...
    CheckResult(ok=False)
    """
    name = "gradcam_weights"
    shapes = [((5, 7, 4), "float64"), ((3, 8, 6), "float32"), ((6, 4, 3), "float32")]

    def body():
        _forbid(gradcam_weights, name, _reference_calls("gradcam_weights", "gradcam"))
        for i, (shape, dtype) in enumerate(shapes):
            h, w, c = shape
            rng = np.random.default_rng(40 + i)
            grads = (rng.normal(size=shape) + rng.normal(0, 0.5, size=c)).astype(dtype)
            before = grads.copy()
            got = _call(gradcam_weights, name, grads)
            call = f"{name}(grads of shape {shape}, {dtype})"
            try:
                out = np.asarray(got, dtype=float)
            except (TypeError, ValueError):
                raise _Failed(f"{call} must return an array of numbers; got {_short(got)}") from None
            if not np.array_equal(grads, before):
                raise _Failed(f"{call} changed grads itself. Hint: compute a new array; leave the input alone.")
            g = before.astype(float)
            if out.shape != (c,):
                if out.ndim == 0:
                    hint = "Grad-CAM gives every channel its own weight, not one number for the whole layer"
                elif out.size == c and out.ndim > 1:
                    hint = "return a 1D array, one weight per channel (drop the pooled axes)"
                elif out.shape in ((h,), (w,), (h, w)):
                    hint = ("the channels are the last axis; pool over the positions (rows and columns) "
                            "and keep one number per channel")
                else:
                    hint = "one weight per channel: the channels are the last axis of grads"
                raise _Failed(f"{call} returned shape {out.shape}. Hint: {hint}.")
            want = g.mean(axis=(0, 1))
            if _close(out, want):
                continue
            if _close(out, g.sum(axis=(0, 1)), h * w):
                hint = f"these weights are H * W = {h * w} times too large: add up less, or divide"
            elif _close(out, np.abs(g).mean(axis=(0, 1))) or _close(out, np.abs(g).sum(axis=(0, 1)), h * w):
                hint = "keep the gradients' signs: a negative gradient lowers the class score"
            elif _close(out, np.maximum(g, 0).mean(axis=(0, 1))) or _close(
                    out, np.maximum(g, 0).sum(axis=(0, 1)), h * w):
                hint = ("negative gradients count too: Grad-CAM pools the signed gradients "
                        "(its ReLU comes later, on the weighted map)")
            elif _close(out, g.max(axis=(0, 1))) or _close(out, np.abs(g).max(axis=(0, 1))):
                hint = "Grad-CAM pools every position of the channel, not only its largest gradient"
            else:
                hint = "pool each channel's gradients over all its H * W positions, as global average pooling does"
            raise _Failed(f"{call}: the weights are not right. Hint: {hint}.")
        return f"right for {len(shapes)} layers, non-square, float32 and float64."

    return _run(name, body)


# --------------------------------------------------------------------------
# Exercise 3: an occlusion map
# --------------------------------------------------------------------------
class _Score:
    """The check's class score: a weighted sum of the pixels, with a weight per pixel and channel.

    Called with a batch of shape ``(N, H, W, 3)``, it returns ``N`` scores.
    """

    def __init__(self, weights: np.ndarray):
        self.weights = weights

    def __call__(self, batch):
        x = np.asarray(batch, dtype=float)
        if x.ndim != 4 or x.shape[1:] != self.weights.shape:
            h, w, c = self.weights.shape
            raise ValueError(f"score takes a batch of images of shape (N, {h}, {w}, {c}); got shape {x.shape}")
        return np.einsum("nhwc,hwc->n", x, self.weights)

    def __repr__(self) -> str:
        h, w, c = self.weights.shape
        return f"<score, a function of a batch of shape (N, {h}, {w}, {c})>"


def _occlusion(image, weights, rows, cols, size, fill, where):
    """The drop in the weighted-sum score when the ``size`` square whose top-left pixel is at
    ``where(i, j)`` is set to ``fill`` (clipped at the image's edge), for every ``[i, j]``."""
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            r, c = where(i, j)
            part = image[r:r + size, c:c + size]
            out[i, j] = np.sum((part - fill) * weights[r:r + size, c:c + size])
    return out


def _occlusion_hint(out, image, weights, patch, stride, fill):
    """None when ``out`` is the occlusion map of ``image`` under the weighted-sum score, else a hint."""
    rows, cols = out.shape
    scale = float(np.abs(weights).sum())

    def drop(size=patch, value=fill, where=lambda i, j: (i * stride, j * stride)):
        return _occlusion(image, weights, rows, cols, size, value, where)

    want = drop()
    if _close(out, want, scale):
        return None
    if _close(out, -want, scale):
        return ("the sign is flipped: a patch over an important region lowers the score, "
                "and the map shows how much it drops")
    if _close(out, drop(where=lambda i, j: (j * stride, i * stride)), scale):
        return "rows and columns are swapped: entry [i, j] covers rows from i * stride, columns from j * stride"
    if fill != 0 and _close(out, drop(value=0.0), scale):
        return f"the occluded pixels must take the value fill = {fill}"
    if _close(out, drop(size=patch + 1), scale):
        return f"the square covers patch x patch = {patch} x {patch} pixels, not one more"
    if stride != 1 and _close(out, drop(where=lambda i, j: (i, j)), scale):
        return "position [i, j] starts at row i * stride and column j * stride"
    return ("for each position, the score of the image minus the score of a copy in "
            "which only that square is set to fill (the earlier squares put back)")


def check_occlusion_map(occlusion_map) -> CheckResult:
    """Check ``occlusion_map(score, image, patch, stride, fill=0.0)``: occlusion sensitivity.

    Parameters
    ----------
    occlusion_map : callable
        ``occlusion_map(score, image, patch, stride, fill=0.0)`` with a function
        ``score`` of a batch of images (a float array of shape ``(N, H, W, 3)``,
        returning ``N`` class scores), a float32 image of shape ``(H, W, 3)``
        and ints ``patch``, ``stride`` must return a float array of shape
        ``((H - patch) // stride + 1, (W - patch) // stride + 1)``: entry
        ``[i, j]`` is the score of the image minus its score when the
        ``patch`` x ``patch`` square whose top-left pixel is at row
        ``i * stride``, column ``j * stride`` is set to ``fill``. The image
        the caller passed must be unchanged afterwards; one call of ``score``
        per position or batched calls are both fine. The lesson's reference
        code (``course_utils.interpret``) is ruled out.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_occlusion_map(lambda score, image, patch, stride, fill=0.0: 0)  # doctest: +ELLIPSIS
    ❌ Not yet (occlusion_map): ...
    CheckResult(ok=False)
    """
    name = "occlusion_map"
    # (image shape, patch, stride, fill); None: the default fill is used (four arguments)
    cases = [((9, 12, 3), 3, 2, 0.0), ((10, 7, 3), 4, 3, 0.5), ((6, 8, 3), 2, 1, None), ((8, 8, 3), 2, 2, -1.0)]

    def body():
        _forbid(occlusion_map, name, _reference_calls("occlusion_map"))
        for i, (shape, patch, stride, fill) in enumerate(cases):
            h, w, _ = shape
            rng = np.random.default_rng(60 + i)
            image = rng.uniform(0.1, 1.0, size=shape).astype("float32")
            score = _Score(rng.normal(size=shape))
            before = image.copy()
            args = (score, image, patch, stride) + (() if fill is None else (fill,))
            got = _call(occlusion_map, name, *args)
            call = f"{name}(score, image of shape {shape}, patch={patch}, stride={stride}" + (
                ")" if fill is None else f", fill={fill})")
            out = _as_array(got, name, 2)
            if not np.array_equal(image, before):
                raise _Failed(f"{call} changed the caller's image. Hint: occlude a copy (or put the "
                              "pixels back), so that the image is the same after the call.")
            fill_value = 0.0 if fill is None else fill
            x = before.astype(float)
            rows, cols = (h - patch) // stride + 1, (w - patch) // stride + 1
            if out.shape != (rows, cols):
                if out.shape == (cols, rows):
                    hint = "the map's rows follow the image's rows (H), its columns the image's columns (W)"
                elif out.shape == (h - patch + 1, w - patch + 1):
                    hint = "the patch moves by stride pixels from one position to the next"
                elif out.shape in ((rows - 1, cols - 1), (rows - 1, cols), (rows, cols - 1)):
                    hint = ("a position is missing: the last patch that still fits inside the image "
                            "counts too")
                elif out.shape in ((rows + 1, cols + 1), (rows + 1, cols), (rows, cols + 1)):
                    hint = "a position too many: every patch must lie wholly inside the image"
                else:
                    hint = ("one entry per position of the patch, every stride pixels, from the "
                            "image's edge to the last position where the whole patch fits")
                raise _Failed(f"{call} returned shape {out.shape}. Hint: {hint}.")
            hint = _occlusion_hint(out, x, score.weights, patch, stride, fill_value)
            if hint is None:
                continue
            raise _Failed(f"{call}: the map's values are not right. Hint: {hint}.")
        return f"right for {len(cases)} images, strides and fills, non-square among them."

    return _run(name, body)


# --------------------------------------------------------------------------
# Exercise 4: SmoothGrad
# --------------------------------------------------------------------------
class _Grad:
    """The check's gradient: a fixed non-linear function of one image, which records its inputs."""

    def __init__(self, weights: np.ndarray):
        self.weights = weights
        self.inputs: list[np.ndarray] = []
        self.outputs: list[np.ndarray] = []

    def value(self, x):
        return np.sin(2 * x) * self.weights + 0.5 * x**2

    def __call__(self, image):
        x = np.array(image, dtype=float)
        if x.shape != self.weights.shape:
            raise ValueError(f"grad takes one image of shape {self.weights.shape}; got shape {x.shape}")
        out = self.value(x)
        self.inputs.append(x)
        self.outputs.append(out.copy())
        return out

    def __repr__(self) -> str:
        return f"<grad, a function of one image of shape {self.weights.shape}>"


def _judge_noise(grad: _Grad, image, n, sigma, got, call, name) -> None:
    """What grad saw while the student's function ran, and the result compared with it."""
    k = len(grad.inputs)
    if k != n:
        raise _Failed(f"{call} called grad {k} time{'s' * (k != 1)}. Hint: one call of grad per "
                      "noisy copy of the image, n copies in all.")
    x = image.astype(float)
    noise = np.stack([inp - x for inp in grad.inputs])
    if np.max(np.abs(noise)) < 1e-9:
        raise _Failed(f"{call}: grad received the image without noise. Hint: add the noise to the "
                      "image before calling grad (not to the gradients).")
    flat = noise.reshape(n, -1)
    for a in range(n):
        for b in range(a + 1, n):
            if np.allclose(flat[a], flat[b], rtol=0, atol=1e-6 * sigma):
                raise _Failed(f"{call}: grad received the same noise twice. Hint: draw a new noise "
                              "sample for every copy of the image.")
    inputs = np.stack(grad.inputs)
    if max(np.mean(inputs == inputs.max()), np.mean(inputs == inputs.min())) > 0.01:
        raise _Failed(f"{call}: many values of the noisy copies grad received sit at one bound. Hint: "
                      "do not clip the noisy copies to the image's range; add the noise and nothing else.")
    std, mean = float(noise.std()), float(noise.mean())
    if abs(std / sigma - 1) > 0.06:
        spread = float(x.max() - x.min())
        if np.isclose(std, sigma**2, rtol=0.06):
            hint = "sigma is the standard deviation of the noise, not its variance"
        elif np.isclose(std, np.sqrt(sigma), rtol=0.06):
            hint = "sigma is the standard deviation of the noise itself"
        elif np.isclose(std, sigma * spread, rtol=0.06):
            hint = "sigma is in the image's own units, not a share of its range"
        else:
            hint = "draw the noise from a normal distribution with standard deviation sigma"
        raise _Failed(f"{call}: the noise grad received has standard deviation {std:.3g}, "
                      f"for sigma = {sigma}. Hint: {hint}.")
    if abs(mean) > 6 * sigma / np.sqrt(noise.size):
        raise _Failed(f"{call}: the noise grad received has mean {mean:.3g}. Hint: the noise is "
                      "centred on zero, so that the noisy copies surround the image.")
    # the shape of the distribution: a normal sample's excess kurtosis is 0 with standard error
    # sqrt(24 / size); six standard errors (at least 1080 values here) keep every right answer in,
    # and uniform noise (-1.2) or Laplace noise (+3) out
    centred = noise - mean
    excess = float(np.mean(centred**4) / np.mean(centred**2) ** 2 - 3)
    if abs(excess) > 6 * np.sqrt(24 / noise.size):
        raise _Failed(f"{call}: the noise grad received has the right spread but the wrong shape "
                      f"(excess kurtosis {excess:+.2f}; a normal distribution has 0). Hint: draw the "
                      "noise from a normal distribution.")
    out = _as_array(got, name, 3)
    if out.shape != image.shape:
        raise _Failed(f"{call} returned shape {out.shape}. Hint: the result is a gradient, one "
                      "number per pixel and channel, like grad's.")
    outputs = np.stack(grad.outputs)
    want = outputs.mean(axis=0)
    scale = float(np.abs(want).max())
    if _close(out, want, scale):
        return
    if _close(out, outputs.sum(axis=0), n * scale):
        hint = f"this is {n} times too large: average the gradients of the noisy copies"
    elif _close(out, grad.value(x), scale):
        hint = "return the average of the gradients at the noisy copies, not the gradient at the image"
    elif _close(out, grad.outputs[-1], scale):
        hint = "average the gradients of all the noisy copies, not only the last"
    else:
        hint = "average what grad returned for the noisy copies (and add no noise to the gradients)"
    raise _Failed(f"{call}: the result is not right. Hint: {hint}.")


def check_smoothgrad(smoothgrad) -> CheckResult:
    """Check ``smoothgrad(grad, image, n, sigma, rng)``: SmoothGrad's averaged gradient.

    Parameters
    ----------
    smoothgrad : callable
        ``smoothgrad(grad, image, n, sigma, rng)`` with a function ``grad`` of
        one image (shape ``(H, W, C)``; it returns the gradient of a class
        score, of the same shape), a float32 image, an int ``n >= 1``, a float
        ``sigma > 0`` and a ``numpy.random.Generator`` ``rng`` (the only source
        of randomness to use) must return a float array of the image's shape:
        the average of ``grad`` over ``n`` noisy copies of the image, each with
        its own noise drawn from a normal distribution of mean 0 and standard
        deviation ``sigma`` (in the image's units, not clipped), calling
        ``grad`` once per copy. The lesson's reference code (``course_utils.interpret``) is
        ruled out.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_smoothgrad(lambda grad, image, n, sigma, rng: grad(image))  # doctest: +ELLIPSIS
    ❌ Not yet (smoothgrad): ...
    CheckResult(ok=False)
    """
    name = "smoothgrad"
    # (image shape, n, sigma, seed): enough noise values that a right answer's spread is
    # within 1.5% of sigma, far inside the check's 6%
    cases = [((24, 20, 3), 8, 0.4, 101), ((30, 40, 1), 5, 0.05, 102)]

    def one(shape, n, sigma, seed, image_seed):
        rng = np.random.default_rng(image_seed)
        image = rng.uniform(-1, 1, size=shape).astype("float32")
        grad = _Grad(rng.normal(size=shape))
        before = image.copy()
        call = f"{name}(grad, image of shape {shape}, n={n}, sigma={sigma}, rng)"
        got = _call(smoothgrad, name, grad, image, n, sigma, np.random.default_rng(seed))
        if not np.array_equal(image, before):
            raise _Failed(f"{call} changed the image itself. Hint: add the noise to a new array.")
        _while_it_ran(lambda: _judge_noise(grad, before, n, sigma, got, call, name))
        out = _as_array(got, name, 3)
        if out.shape != shape:  # (when grading, the judge sees the verdict above)
            raise _Failed(f"{call} returned shape {out.shape}.")
        return out, call

    def body():
        _forbid(smoothgrad, name, _reference_calls("smoothgrad", "saliency"))
        for i, (shape, n, sigma, seed) in enumerate(cases):
            one(shape, n, sigma, seed, 80 + i)
        first, call = one((10, 12, 3), 3, 0.2, 7, 90)
        again, _ = one((10, 12, 3), 3, 0.2, 7, 90)
        if not np.allclose(first, again, rtol=1e-6, atol=1e-9):
            raise _Failed(f"{call} gives different results for two generators with the same seed. "
                          "Hint: draw the noise from rng, not from np.random.")
        other, _ = one((10, 12, 3), 3, 0.2, 8, 90)
        if np.allclose(first, other, rtol=1e-6, atol=1e-9):
            raise _Failed(f"{call} gives the same result for generators with different seeds. "
                          "Hint: draw the noise from the rng you are given (no seed of your own).")
        return (f"n calls of grad on noisy copies with the right spread, their average, and the noise "
                f"from rng, for {len(cases) + 1} images.")

    return _run(name, body)


# --------------------------------------------------------------------------
# Exercise 5: the top-activating images of a channel
# --------------------------------------------------------------------------
def _top(acts, k):
    flat = acts.reshape(len(acts), -1)
    best = flat.max(axis=1)
    order = np.argsort(-best, kind="stable")[:k]
    return [(int(i), *(int(v) for v in np.unravel_index(np.argmax(flat[i]), acts.shape[1:]))) for i in order]


def _tie_cases():
    """Channels with ties across images and within an image (as ReLU gives)."""
    rng = np.random.default_rng(70)
    a = -rng.uniform(0.1, 1.0, size=(7, 3, 4))
    for img, r, c, v in [(0, 1, 1, 2.0), (1, 2, 1, 5.0), (1, 0, 3, 5.0), (2, 1, 2, 5.0), (2, 1, 0, 5.0),
                         (3, 0, 0, 1.0), (4, 2, 3, 5.0), (6, 2, 0, 3.0), (6, 0, 2, 3.0)]:
        a[img, r, c] = v
    a[5] = 0.0
    relu = np.maximum(np.random.default_rng(71).normal(size=(5, 2, 3)), 0)
    relu[1] = 0.0
    relu[3] = 0.0
    relu[4] = relu[0]  # the same maximum as image 0, at the same place
    many = np.maximum(np.round(np.random.default_rng(72).normal(size=(40, 3, 5)), 1), 0)
    # more than 16 images, most of them saturated at one maximum (as ReLU6 gives): a sort that
    # is not stable (numpy's default) reorders the tied images
    saturated = np.minimum(np.abs(np.random.default_rng(74).normal(0, 4, size=(48, 4, 4))), 6.0)
    saturated[::7] = np.minimum(saturated[::7], 2.0)
    return [(a.astype("float32"), 5), (relu.astype("float32"), 4), (many, 12), (saturated.astype("float32"), 30)]


def check_top_activations(top_activations) -> CheckResult:
    """Check ``top_activations(acts, k)``: the images that excite one channel most.

    Parameters
    ----------
    top_activations : callable
        ``top_activations(acts, k)`` with a float array ``acts`` of shape
        ``(N, H, W)`` (one channel's activations over ``N`` images) and an int
        ``1 <= k <= N`` must return a list of ``k`` tuples of ints
        ``(image, row, col)``: the ``k`` images whose maximum activation is
        largest, one tuple per image at the position of its maximum, ordered
        from the largest maximum down. Ties between images go to the smaller
        image index; a tie within an image to the smaller row, then the
        smaller column. ``acts`` must be unchanged. The lesson's reference
        code (``course_utils.interpret``) is ruled out.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_top_activations(lambda acts, k: [(0, 0, 0)] * k)  # doctest: +ELLIPSIS
    ❌ Not yet (top_activations): ...
    CheckResult(ok=False)
    """
    name = "top_activations"
    rng = np.random.default_rng(73)
    cases = [(rng.normal(size=(6, 4, 5)).astype("float32"), 3), *_tie_cases(), (rng.normal(size=(10, 3, 7)), 1)]

    def entries(got, call, k):
        if isinstance(got, np.ndarray):
            got = list(got)
        if not isinstance(got, (list, tuple)):
            raise _Failed(f"{call} must return a list of tuples (image, row, col); got {_short(got)}")
        out = []
        for item in got:
            if isinstance(item, np.ndarray):
                item = tuple(item)
            if not isinstance(item, (list, tuple)) or len(item) != 3:
                raise _Failed(f"{call}: every entry must be a tuple (image, row, col); got {_short(item)}")
            if not all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in item):
                kinds = ", ".join(type(v).__name__ for v in item)
                raise _Failed(f"{call}: the numbers in a tuple must be ints (indices); got {kinds}")
            out.append(tuple(int(v) for v in item))
        return out

    def body():
        _forbid(top_activations, name, _reference_calls("top_activations"))
        for acts, k in cases:
            n, h, w = acts.shape
            before = acts.copy()
            got = _call(top_activations, name, acts, k)
            call = f"{name}(acts of shape {acts.shape}, k={k})"
            if not np.array_equal(acts, before):
                raise _Failed(f"{call} changed acts itself. Hint: sort indices, not the activations.")
            got = entries(got, call, k)
            want = _top(before, k)
            if got == want:
                continue
            if len(got) != k:
                hint = ("return only the k best images" if len(got) == n else f"return k = {k} tuples")
                raise _Failed(f"{call} returned {len(got)} tuples. Hint: {hint}.")
            images = [t[0] for t in got]
            if len(set(images)) < k:
                raise _Failed(f"{call} returned several tuples for one image. Hint: one tuple per image, at "
                              "that image's maximum; rank the images by their maxima.")
            if not all(0 <= i < n and 0 <= r < h and 0 <= c < w for i, r, c in got):
                if all(0 <= i < n and 0 <= c < h and 0 <= r < w for i, r, c in got):
                    hint = "the position is (row, col): the row indexes the H axis, the column the W axis"
                else:
                    hint = "every tuple is (image, row, col) with indices inside acts"
                raise _Failed(f"{call}: a tuple points outside acts of shape {acts.shape}. Hint: {hint}.")
            if got == [(i, c, r) for i, r, c in want]:
                hint = "the position is (row, col): the row indexes the H axis, the column the W axis"
            elif got == want[::-1]:
                hint = "order the tuples from the largest maximum down"
            elif {t[0] for t in got} != {t[0] for t in want}:
                best = before.reshape(n, -1).max(axis=1)
                if sorted(best[images]) == sorted(best[[t[0] for t in want]]):
                    hint = ("at a tie between images' maxima, the smaller image index comes first "
                            "(a stable sort keeps that order)")
                elif sorted(best[images]) == sorted(np.sort(best)[:k]):
                    hint = "the k images whose maximum is largest, not smallest"
                else:
                    hint = "rank the images by their maximum activation (the largest value anywhere in the image)"
            elif images != [t[0] for t in want]:
                best = before.reshape(n, -1).max(axis=1)
                if list(best[images]) == list(best[[t[0] for t in want]]):
                    hint = ("at a tie between images' maxima, the smaller image index comes first "
                            "(a stable sort keeps that order)")
                elif list(best[images]) == sorted(best[images]):
                    hint = "order the tuples from the largest maximum down"
                else:
                    hint = "order the images by their maximum activation, the largest first"
            elif all(before[i, r, c] == before[i].max() for i, r, c in got):
                hint = "at a tie within an image, the smaller row wins, then the smaller column"
            else:
                hint = "each tuple points at the position of its image's maximum"
            raise _Failed(f"{call}: the tuples are not right. Hint: {hint}.")
        return f"right for {len(cases)} channels, ties between and within images among them."

    return _run(name, body)


# --------------------------------------------------------------------------
# Exercise 1: predictions about the maps
# --------------------------------------------------------------------------
# answer_digest("predict_interpretation[i]", answer_i): the right answers are not in this file
_INTERPRETATION_DIGESTS = [
    "387c6d8b4bf2fcf2c4daf4192c7af036b7e41c48b2db1978f5d1d7db9620cd7e",
    "32079cf399b3f79a845503bd28f0ef4ad0f1b1b76a02787f7ee5004491117881",
    "ef81bde4549fc47bc4ada04bda9f41cad91a9af50f47d17700af86dd254c2d7e",
]
_INTERPRETATION_KEYS = ("gradcam_size", "gradcam_after_randomising", "edge_detector")
# the words a student may write for each choice (every choice has its forms: nothing is given away)
_WORDS = {"change": "changes", "changed": "changes", "changes": "changes",
          "stay": "stays", "stays": "stays", "stayed": "stays", "same": "stays", "stays the same": "stays",
          "the same": "stays", "stay the same": "stays",
          "pass": "passes", "passed": "passes", "passes": "passes",
          "fail": "fails", "failed": "fails", "fails": "fails",
          "will change": "changes", "will stay": "stays", "would change": "changes", "would stay": "stays",
          "will pass": "passes", "will fail": "fails", "would pass": "passes", "would fail": "fails",
          "does not change": "stays", "doesn't change": "stays", "does not pass": "fails",
          "doesn't pass": "fails", "does not fail": "passes", "doesn't fail": "passes"}


def _side(value):
    """The side of a square map from an int, a float, a shape (n, n) or text such as "n" or "n x n"."""
    if isinstance(value, str):
        text = value.strip().strip(".!\"'()[]").lower()
        match = re.fullmatch(r"(\d+)(?:\s*(?:x|×|by|\*|,)\s*(\d+))?(?:\s*(?:pixels|px|cells))?", text)
        if match is None:
            raise ValueError("gradcam_size: give the side of the map as a number (an int)")
        value = (int(match[1]), int(match[2] or match[1]))
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (tuple, list)):
        if len(value) != 2 or not all(isinstance(v, (int, float, np.number)) for v in value):
            raise ValueError("gradcam_size: give the side of the map as one int, not "
                             f"{_short(value)}")
        if value[0] != value[1]:
            raise ValueError("gradcam_size: the map of a square photo is square; give its side as one int")
        value = value[0]
    return value


def _word(value, key, choices):
    """One of the two choices from the words a student may write ("it changed", "fails the test")."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.strip().strip(".!\"'").lower().split())
    text = re.sub(r"^(?:it|the map|grad-cam|the edge detector|the map will|it will|it would)\s+", "", text)
    text = re.sub(r"\s+(?:the (?:sanity |randomisation |randomization |model-randomisation )?test|it)$", "", text)
    word = _WORDS.get(text)
    if word is None:
        raise ValueError(f"{key}: answer with one of the words {' or '.join(repr(c) for c in choices)}")
    return word


def check_predict_interpretation(answers) -> CheckResult:
    """Check ``answers()``: three predictions about Grad-CAM and the randomisation test.

    Parameters
    ----------
    answers : callable
        ``answers()`` returns a dict with three keys: ``"gradcam_size"``, the
        side (an int) of the Grad-CAM map at EfficientNet-Lite0's last
        convolutional layer for a 224 x 224 input; ``"gradcam_after_randomising"``,
        ``"changes"`` or ``"stays"``: does a Grad-CAM map change when the top
        layers' weights are re-initialised at random; ``"edge_detector"``,
        ``"passes"`` or ``"fails"``: does an edge detector applied to the input
        image (no network) pass the model-randomisation sanity test of
        Adebayo et al. (2018). Text is compared without case or extra spaces,
        short phrases ("it ...", "... the test") and a shape ``(n, n)`` or
        ``"n x n"`` for the side are accepted. The dict itself is accepted too.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_predict_interpretation(lambda: {"gradcam_size": 1, "gradcam_after_randomising": "stays",
    ...                                       "edge_detector": "passes"})  # doctest: +ELLIPSIS
    ❌ Not yet (predict_interpretation): ...
    CheckResult(ok=False)
    """
    name = "predict_interpretation"
    func = answers if callable(answers) else (lambda: answers)

    def as_tuple():
        """The dict as the tuple of answers _judge_answers compares (run through _call only)."""
        got = func()
        if not isinstance(got, dict):
            return got
        missing = [key for key in _INTERPRETATION_KEYS if key not in got]
        extra = sorted(str(key) for key in got if key not in _INTERPRETATION_KEYS)
        if missing or extra:
            raise ValueError(f"the dict must have exactly the keys {', '.join(_INTERPRETATION_KEYS)}"
                             + (f"; missing: {', '.join(missing)}" if missing else "")
                             + (f"; unknown: {', '.join(extra)}" if extra else ""))
        return (_side(got["gradcam_size"]),
                _word(got["gradcam_after_randomising"], "gradcam_after_randomising", ("changes", "stays")),
                _word(got["edge_detector"], "edge_detector", ("passes", "fails")))

    as_tuple.__name__ = getattr(func, "__name__", name)
    parts = ["gradcam_size (the side of the Grad-CAM map)",
             "gradcam_after_randomising (changes or stays)",
             "edge_detector (passes or fails)"]
    hints = [
        "each convolution or pooling of stride 2 halves the side; count them between the input and the "
        "last convolutional layer.",
        "Grad-CAM is computed from the network's own activations and gradients: do those depend on the "
        "weights that were replaced?",
        "the test asks whether a map depends on the model's weights; what does an edge detector read?",
    ]
    return _judge_answers(as_tuple, name, _INTERPRETATION_DIGESTS, parts, hints)
