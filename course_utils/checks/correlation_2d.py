"""Checks for the exercises of lesson 02 (``lessons/02_correlation_2d.ipynb``)."""

from __future__ import annotations

import numpy as np

from ._core import CheckResult, _as_2d, _call, _Failed, _run, _short

__all__ = [
    "check_convolve2d_valid",
    "check_output_shape_2d",
    "check_ncc_map",
    "check_diagonal_detector",
]


def check_convolve2d_valid(func) -> CheckResult:
    """Check ``func(x, w)``: valid-mode 2D convolution (the kernel flipped).

    Parameters
    ----------
    func : callable
        ``func(x, w)`` with 2D arrays ``x`` (N1, N2) and ``w`` (K1, K2),
        K1 <= N1 and K2 <= N2, int or float, must return
        ``scipy.signal.convolve2d(x, w, "valid")``: a float array of shape
        (N1 - K1 + 1, N2 - K2 + 1).

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> from scipy.signal import convolve2d
    >>> check_convolve2d_valid(lambda x, w: convolve2d(x, w, "valid"))
    ✅ Correct (convolve2d_valid): matches scipy.signal.convolve2d(x, w, "valid") on 5 test cases.
    CheckResult(ok=True)
    """
    from scipy.signal import convolve2d, correlate2d

    rng = np.random.default_rng(2)
    cases = [
        (np.arange(16.0).reshape(4, 4), np.array([[1.0, 2.0], [3.0, 4.0]])),
        (rng.integers(0, 9, size=(5, 5)).astype(float), rng.integers(-2, 3, size=(3, 3)).astype(float)),
        (rng.normal(size=(6, 7)), rng.normal(size=(2, 3))),
        (rng.normal(size=(4, 4)), rng.normal(size=(4, 4))),
        (rng.normal(size=(5, 6)), rng.normal(size=(1, 3))),
    ]

    def body():
        for x, w in cases:
            got = _as_2d(_call(func, "convolve2d_valid", x.copy(), w.copy()), "convolve2d_valid")
            want = convolve2d(x, w, "valid")
            if got.shape != want.shape:
                raise _Failed(
                    f"for x of shape {x.shape} and w of shape {w.shape} the output has shape "
                    f"{got.shape}. Hint: along each axis, count the positions where the whole "
                    "kernel fits inside x."
                )
            if np.allclose(got, want):
                continue
            if np.allclose(got, correlate2d(x, w, "valid")):
                raise _Failed(
                    "this is correlation: the kernel is not flipped. Hint: convolution "
                    "multiplies x[n1 - k1, n2 - k2] with w[k1, k2]."
                )
            if np.allclose(got, correlate2d(x, w[::-1, :], "valid")) or np.allclose(
                got, correlate2d(x, w[:, ::-1], "valid")
            ):
                raise _Failed("the kernel is flipped along one axis only. Hint: flip it along both.")
            raise _Failed(
                f"wrong values for x of shape {x.shape} and w of shape {w.shape}. Hint: "
                "convolution is correlation with the kernel flipped in both axes."
            )
        return f'matches scipy.signal.convolve2d(x, w, "valid") on {len(cases)} test cases.'

    return _run("convolve2d_valid", body)


def check_output_shape_2d(func) -> CheckResult:
    """Check ``func(image_shape, kernel_shape, mode)``: the shape of a 2D correlation.

    Parameters
    ----------
    func : callable
        ``func(image_shape, kernel_shape, mode)`` with ``image_shape``
        (N1, N2) and ``kernel_shape`` (K1, K2) tuples of ints, K1 <= N1 and
        K2 <= N2, and ``mode`` one of ``"valid"``, ``"same"``, ``"full"``,
        must return the shape of ``scipy.signal.correlate2d`` as a tuple of
        two ints.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> check_output_shape_2d(lambda n, k, mode: n)  # doctest: +ELLIPSIS
    ❌ Not yet (output_shape_2d): mode='valid', ...
    CheckResult(ok=False)
    """
    pairs = [
        ((5, 5), (3, 3)),
        ((6, 7), (2, 5)),
        ((512, 512), (9, 9)),
        ((28, 28), (4, 4)),
        ((10, 3), (1, 3)),
        ((8, 8), (8, 8)),
    ]
    hints = {
        "valid": "count the positions where the whole kernel lies inside the image",
        "same": "'same' keeps the size of the input",
        "full": "count every position where the kernel overlaps the image at least "
        "partly (the deck's picture of this mode has a typo)",
    }

    def body():
        for mode in ("valid", "same", "full"):
            for n, k in pairs:
                got = _call(func, "output_shape_2d", n, k, mode)
                if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(
                    isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in got
                ):
                    raise _Failed(f"output_shape_2d must return a tuple of two ints; got {_short(got)}")
                want = {
                    "valid": (n[0] - k[0] + 1, n[1] - k[1] + 1),
                    "same": n,
                    "full": (n[0] + k[0] - 1, n[1] + k[1] - 1),
                }[mode]
                if tuple(int(v) for v in got) != tuple(want):
                    raise _Failed(
                        f"mode={mode!r}, image {n}, kernel {k}: {tuple(got)} is not right. "
                        f"Hint: {hints[mode]}."
                    )
        return f"right for all 3 modes on {len(pairs)} (image, kernel) pairs."

    return _run("output_shape_2d", body)


def check_ncc_map(func) -> CheckResult:
    """Check ``func(image, template)``: the normalised cross-correlation map.

    Parameters
    ----------
    func : callable
        ``func(image, template)`` with 2D float arrays ``image`` (N1, N2) and
        ``template`` (K1, K2), no larger than the image, must return the
        Pearson correlation between the template and the image patch at every
        valid offset: a float array of shape (N1 - K1 + 1, N2 - K2 + 1), equal
        to ``skimage.feature.match_template(image, template)``.

    Returns
    -------
    CheckResult
        True when correct (``bool(result)``); the feedback is printed.

    Examples
    --------
    >>> from skimage.feature import match_template
    >>> check_ncc_map(match_template)
    ✅ Correct (ncc_map): matches skimage.feature.match_template on 4 test images.
    CheckResult(ok=True)
    """
    from numpy.lib.stride_tricks import sliding_window_view
    from skimage.feature import match_template

    rng = np.random.default_rng(3)
    ramp = np.add.outer(np.arange(14.0), np.arange(18.0)) * 10  # uneven lighting
    textured = rng.normal(size=(14, 18)) * 20 + 100 + ramp
    cases = [
        (rng.normal(size=(10, 12)), rng.normal(size=(3, 4))),
        (textured, textured[4:9, 6:12].copy()),
        (rng.random((9, 9)) * 255, rng.random((5, 5)) * 255),
        (rng.normal(size=(8, 11)) + 5, rng.normal(size=(2, 6)) + 5),
    ]

    def variants(image, template):
        patches = sliding_window_view(image, template.shape)
        t0 = template - template.mean()
        p0 = patches - patches.mean(axis=(2, 3), keepdims=True)
        raw = np.einsum("ijab,ab->ij", patches, template)
        cosine = raw / np.sqrt(np.sum(patches**2, axis=(2, 3)) * np.sum(template**2))
        covariance = np.einsum("ijab,ab->ij", p0, t0)
        g0 = patches - image.mean()
        global_mean = np.einsum("ijab,ab->ij", g0, t0) / np.sqrt(
            np.sum(g0**2, axis=(2, 3)) * np.sum(t0**2)
        )
        return raw, cosine, covariance, global_mean

    def body():
        for image, template in cases:
            got = _as_2d(_call(func, "ncc_map", image.copy(), template.copy()), "ncc_map")
            want = match_template(image, template)
            if got.shape != want.shape:
                raise _Failed(
                    f"for an image of shape {image.shape} and a template of shape "
                    f"{template.shape} the map has shape {got.shape}. Hint: one value per "
                    "offset where the whole template lies inside the image (valid mode)."
                )
            if np.allclose(got, want, atol=1e-6):
                continue
            raw, cosine, covariance, global_mean = variants(image, template)
            if np.allclose(got, raw):
                raise _Failed(
                    "this is raw correlation. Hint: subtract the means and divide by the "
                    "spreads, as in the formula of section 5."
                )
            if np.allclose(got, cosine):
                raise _Failed(
                    "the means are missing. Hint: subtract the patch's mean from the patch "
                    "and the template's mean from the template before multiplying."
                )
            if np.allclose(got, covariance):
                raise _Failed(
                    "the normalisation is missing (values should lie between -1 and 1). "
                    "Hint: divide by the square root of the two sums of squares."
                )
            if np.allclose(got, global_mean):
                raise _Failed(
                    "you subtract the mean of the whole image. Hint: subtract the mean of "
                    "each patch, computed at each offset."
                )
            if np.nanmax(np.abs(got)) > 1 + 1e-9:
                raise _Failed(
                    "some values lie outside [-1, 1]. Hint: check the denominator of the formula."
                )
            raise _Failed(
                f"wrong values for an image of shape {image.shape} and a template of shape "
                f"{template.shape}. Hint: at each offset, compute the Pearson correlation "
                "of the patch and the template."
            )
        return f"matches skimage.feature.match_template on {len(cases)} test images."

    return _run("ncc_map", body)


def check_diagonal_detector(func) -> CheckResult:
    """Check ``func()``: a 3x3 kernel of +-1 that detects a diagonal stroke.

    On images of -1 and +1, the valid-mode correlation with the kernel, divided
    by 9, must be exactly 1 where the patch is the stroke
    ``[[1, -1, -1], [-1, 1, -1], [-1, -1, 1]]`` and smaller elsewhere.

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
    >>> check_diagonal_detector(lambda: np.ones((3, 3)))  # doctest: +ELLIPSIS
    ❌ Not yet (diagonal_detector): ...
    CheckResult(ok=False)
    """
    from scipy.signal import correlate2d

    stroke = 2 * np.eye(3) - 1
    rng = np.random.default_rng(4)
    images = []
    for _ in range(5):
        image = rng.choice([-1.0, 1.0], size=(9, 10))
        image[2:5, 3:6] = stroke
        image[5:8, 0:3] = stroke
        images.append(image)

    def body():
        kernel = _as_2d(_call(func, "diagonal_detector"), "diagonal_detector")
        if kernel.shape != (3, 3):
            raise _Failed(f"the kernel must have shape (3, 3); got {kernel.shape}")
        if not np.all(np.isin(kernel, (-1.0, 1.0))):
            raise _Failed("the kernel must hold only -1 and +1.")
        for image in images:
            score = correlate2d(image, kernel, "valid") / 9
            windows = np.lib.stride_tricks.sliding_window_view(image, (3, 3))
            is_stroke = np.all(windows == stroke, axis=(2, 3))
            if np.allclose(score[is_stroke], 1) and np.all(score[~is_stroke] < 1):
                continue
            if np.allclose(score[is_stroke], -1):
                raise _Failed("the kernel gives -1 on the stroke: its signs are inverted.")
            if np.array_equal(kernel, stroke[::-1]):
                raise _Failed(
                    "this detects the other diagonal, from bottom-left to top-right. "
                    "Hint: correlation does not flip the kernel."
                )
            raise _Failed(
                "the score is not 1 on the stroke, or reaches 1 elsewhere. Hint: each "
                "product is +1 where kernel and patch agree and -1 where they differ."
            )
        return "scores exactly 1 on the stroke and less everywhere else, on 5 test images."

    return _run("diagonal_detector", body)
