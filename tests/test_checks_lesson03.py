"""Lesson 03's exercise checks: correct for right answers, 'not yet' with a hint otherwise, never the answer."""

import math

import numpy as np
import pytest
from check_helpers import assert_correct, assert_not_yet, assert_stub_not_yet, run
from scipy import signal
from scipy.signal import convolve2d, correlate2d
from skimage import color, filters

from course_utils import checks
from course_utils.checks import filters_on_images
from course_utils.checks._core import answer_digest

GX = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])
LUMA = np.array([0.2125, 0.7154, 0.0721])  # what color.rgb2gray uses


# ---------------------------------------------------------------- exercise 1
def gauss_with(size, sigma, denominator=None, centre=None, spacing=1.0, dtype=float):
    centre = (size - 1) / 2 if centre is None else centre
    k = (np.arange(size) - centre) * spacing
    d = 2 * sigma**2 if denominator is None else denominator
    w = np.exp(-np.add.outer(k**2, k**2) / d)
    return (w / w.sum()).astype(dtype)


def gaussian_via_scipy_window(size, sigma):
    """Another right answer: scipy's Gaussian window (centred at (size - 1) / 2) as an outer product."""
    w = signal.windows.gaussian(size, std=sigma)
    kernel = np.outer(w, w)
    return kernel / kernel.sum()


def gaussian_linspace(size, sigma):
    k = np.linspace(-(size - 1) / 2, (size - 1) / 2, size)
    g = np.exp(-(k**2) / (2 * sigma**2))
    return np.outer(g, g) / np.outer(g, g).sum()


def gaussian_odd_only(size, sigma):
    """Right for odd sizes; for even ones the centre is a pixel (the old lesson's solution)."""
    k = np.arange(size) - size // 2
    g = np.exp(-(k**2) / (2 * sigma**2))
    return np.outer(g, g) / g.sum() ** 2


def gaussian_rounded_up_to_odd(size, sigma):
    size = size + 1 - size % 2
    return gauss_with(size, sigma)


def gaussian_continuous_normalisation(size, sigma):
    k = np.arange(size) - (size - 1) / 2
    return np.exp(-np.add.outer(k**2, k**2) / (2 * sigma**2)) / (2 * np.pi * sigma**2)


# ---------------------------------------------------------------- exercise 2
def edges(rgb, gray=color.rgb2gray, op=correlate2d, mode="valid", kx=GX, ky=GX.T, combine=np.hypot):
    lum = gray(rgb)
    zx, zy = op(lum, kx, mode=mode), op(lum, ky, mode=mode)
    return zx, zy, combine(zx, zy)


def edges_by_hand_weights(rgb):
    lum = rgb.astype(float) @ LUMA / 255
    return edges(rgb, gray=lambda _: lum)


def edges_from_skimage(rgb):
    """A right answer built from scikit-image's filters: undo their scale, sign and border."""
    lum = color.rgb2gray(rgb)
    zx = -4 * filters.sobel_v(lum)[1:-1, 1:-1]
    zy = -4 * filters.sobel_h(lum)[1:-1, 1:-1]
    return zx, zy, np.hypot(zx, zy)


def edges_channels_first_sum(rgb):
    x = rgb.astype(float) / 255
    lum = LUMA[0] * x[0] + LUMA[1] * x[1] + LUMA[2] * x[2]  # rows 0, 1, 2, as if channels came first
    return edges(rgb, gray=lambda _: lum)


def edges_transposed(rgb):
    zx, zy, m = edges(rgb)
    return zx.T, zy.T, m.T


def weights(w):
    return lambda rgb: rgb.astype(float) @ np.array(w) / 255


# ---------------------------------------------------------------- exercise 3
def threshold_by_sorting(m, fraction):
    n = round(fraction * m.size)
    return np.sort(m, axis=None)[::-1][n]


def threshold_by_partition(m, fraction):
    n = round(fraction * m.size)
    flat = m.ravel()
    return np.partition(flat, flat.size - 1 - n)[flat.size - 1 - n]


def threshold_nth_strongest(m, fraction):
    """Off by one: the n-th strongest value itself, which `magnitude > t` drops."""
    n = round(fraction * m.size)
    return np.sort(m, axis=None)[::-1][n - 1]


def threshold_keeps_ties(m, fraction):
    """Just below the n-th strongest value: keeps the whole group of pixels that tie with it."""
    n = round(fraction * m.size)
    return np.sort(m, axis=None)[::-1][n - 1] - 1e-9


def threshold_square_count(m, fraction):
    n = round(fraction * m.shape[0] ** 2)  # counts H x H pixels
    return np.sort(m, axis=None)[::-1][min(n, m.size - 1)]


def threshold_normalised(m, fraction):
    lo, hi = m.min(), m.max()
    with np.errstate(invalid="ignore"):
        unit = (m - lo) / (hi - lo)  # NaN on a flat image
    return lo + (hi - lo) * np.quantile(unit, 1 - fraction)


def threshold_int(m, fraction):
    """The reviewer's answer: int() truncates 0.29 * 100 = 28.999999999999996 to 28."""
    n = int(fraction * m.size)
    return np.sort(m, axis=None)[::-1][n]


def threshold_ceil(m, fraction):
    """ceil() turns 0.07 * 100 = 7.000000000000001 into 8."""
    n = int(np.ceil(fraction * m.size))
    return np.sort(m, axis=None)[::-1][n]


def threshold_weak_side_int(m, fraction):
    """The second reviewer's answer: int() truncates (1 - 0.34) * 100 = 65.99999999999999 to 65."""
    s = np.sort(m, axis=None)
    return s[int((1 - fraction) * m.size) - 1]


def threshold_weak_side_ceil(m, fraction):
    """ceil() turns (1 - 0.57) * 300 = 129.00000000000003 into 130."""
    s = np.sort(m, axis=None)
    return s[math.ceil((1 - fraction) * m.size) - 1]


def threshold_rows_sorted(m, fraction):
    n = round(fraction * m.size)
    return np.sort(m).ravel()[::-1][n]  # sorts each row only


RIGHT = [
    (checks.check_gaussian_kernel, gaussian_via_scipy_window),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma)),
    (checks.check_gaussian_kernel, gaussian_linspace),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, dtype=np.float32)),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma).tolist()),
    (checks.check_luminance_edges, edges),
    (checks.check_luminance_edges, edges_by_hand_weights),
    (checks.check_luminance_edges, edges_from_skimage),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, op=convolve2d, kx=GX[::-1, ::-1], ky=GX.T[::-1, ::-1])),
    (checks.check_luminance_edges, lambda rgb: list(edges(rgb, combine=lambda a, b: np.sqrt(a**2 + b**2)))),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=lambda c: color.rgb2gray(c.astype(np.float32) / 255))),
    (checks.check_edge_threshold, lambda m, fraction: np.quantile(m, 1 - fraction)),
    (checks.check_edge_threshold, lambda m, fraction: np.percentile(m, 100 * (1 - fraction))),
    (checks.check_edge_threshold, threshold_by_sorting),
    (checks.check_edge_threshold, threshold_by_partition),
    (checks.check_edge_threshold, lambda m, fraction: np.sort(m.ravel())[-round(fraction * m.size) - 1]),
    (checks.check_edge_threshold, lambda m, fraction: np.sort(m.ravel())[-int(fraction * m.size + 0.5) - 1]),
    (checks.check_edge_threshold, lambda m, fraction: np.sort(m, axis=None)[::-1][int(np.rint(fraction * m.size))]),
    (checks.check_edge_threshold, lambda m, fraction: np.quantile(m, 1 - fraction, method="lower")),
    (checks.check_edge_threshold, lambda m, fraction: np.sort(m, axis=None)[round((1 - fraction) * m.size) - 1]),
    (checks.check_sobel_prediction, lambda: (-24, -8)),
    (checks.check_sobel_prediction, lambda: [-24.0, np.int64(-8)]),
    (checks.check_chain_shape, lambda: (294, 194)),
    (checks.check_chain_shape, lambda: np.array([294, 194])),
    (checks.check_chain_shape, lambda: [np.int64(294), 194.0]),
]
CHECKS = [checks.check_gaussian_kernel, checks.check_luminance_edges, checks.check_edge_threshold,
          checks.check_sobel_prediction, checks.check_chain_shape]

def threshold_over_distinct_values(m, fraction):  # counts distinct values, not pixels
    u = np.unique(m)
    return float(u[round((1 - fraction) * len(u)) - 1])


WRONG = [
    (checks.check_edge_threshold, threshold_over_distinct_values, "keeps 12 of 100 pixels"),
    # exercise 1: normalisation, sigma, centre, even sizes, shape, dtype
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones((size, size)), "add up to"),
    (checks.check_gaussian_kernel, gaussian_continuous_normalisation, "add up to"),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, denominator=sigma**2), "too narrow"),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, denominator=2 * sigma),
     "not the variance"),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, centre=0), "not symmetric"),
    (checks.check_gaussian_kernel, gaussian_odd_only, "between the two middle pixels"),
    (checks.check_gaussian_kernel, lambda size, sigma: gauss_with(size, sigma, spacing=size / (size - 1))
     if size % 2 == 0 else gauss_with(size, sigma), "one pixel apart"),
    (checks.check_gaussian_kernel, gaussian_rounded_up_to_odd, "its centre lies between"),
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones((size, size)) / size**2, "wrong weights"),
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones((size, size + 1)), "square"),
    (checks.check_gaussian_kernel, lambda size, sigma: np.ones(size) / size, "2D array"),
    (checks.check_gaussian_kernel, lambda size, sigma: np.rint(1000 * gauss_with(size, sigma)).astype(int),
     "array of floats"),
    # exercise 2: signs, swaps, luminance, axes, mode, magnitude
    (checks.check_luminance_edges, lambda rgb: edges(rgb, op=convolve2d), "wrong sign everywhere"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, kx=GX.T, ky=GX), "swapped"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, ky=np.rot90(GX)), "Zy has the wrong sign"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, kx=-GX), "Zx has the wrong sign"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, op=convolve2d, kx=GX.T, ky=GX), "swapped, and their signs"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=lambda c: 255 * color.rgb2gray(c)), "255 times"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=lambda c: c.mean(axis=2)), "luminance"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=lambda c: c.mean(axis=2) / 255), "luminance"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=weights([0.299, 0.587, 0.114])), "luminance"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=weights(LUMA[::-1])), "channels in another order"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, gray=weights([0.2126, 0.7152, 0.0722])), "luminance"),
    (checks.check_luminance_edges, edges_channels_first_sum, "the luminance has shape (H, W)"),
    (checks.check_luminance_edges, edges_transposed, "rows and columns are swapped"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, mode="same"), "'valid'"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb)[2], "three arrays"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, combine=lambda a, b: a**2 + b**2), "square root"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, combine=lambda a, b: np.abs(a) + np.abs(b)),
     "not the gradient magnitude"),
    (checks.check_luminance_edges, lambda rgb: edges(rgb, ky=GX), "Zx is right, Zy is not"),
    # exercise 3: the fraction's meaning, ties, flat images, shapes
    (checks.check_edge_threshold, lambda m, fraction: np.quantile(m, fraction), "weakest"),
    (checks.check_edge_threshold, lambda m, fraction: fraction * m.max(), "fraction of the largest value"),
    (checks.check_edge_threshold, lambda m, fraction: m.mean(), "keeps"),
    (checks.check_edge_threshold, lambda m, fraction: m > np.quantile(m, 1 - fraction), "one number"),
    (checks.check_edge_threshold, threshold_nth_strongest, "one level too few"),
    (checks.check_edge_threshold, threshold_keeps_ties, "tied group"),
    (checks.check_edge_threshold, threshold_square_count, "count all H x W pixels"),
    (checks.check_edge_threshold, threshold_normalised, "finite number"),
    (checks.check_edge_threshold, threshold_rows_sorted, "keeps"),
    (checks.check_edge_threshold, threshold_int, "one pixel too few"),
    (checks.check_edge_threshold, lambda m, fraction: np.sort(m.ravel())[-int(fraction * m.size) - 1], "too few"),
    (checks.check_edge_threshold, lambda m, fraction: np.sort(m.ravel())[m.size - 1 - math.floor(fraction * m.size)],
     "one pixel too few"),
    (checks.check_edge_threshold, threshold_ceil, "one pixel too many"),
    (checks.check_edge_threshold, threshold_weak_side_int, "int() turns it into 65"),
    (checks.check_edge_threshold, threshold_weak_side_ceil, "ceil turns it into 130"),
    (checks.check_edge_threshold, lambda m, fraction: np.quantile(m, 1 - fraction) - 1e-9, "tied group"),
    # exercises 4 and 5: predictions
    (checks.check_sobel_prediction, lambda: (24, 8), "Zx[1, 1] (the first number) is not right"),
    (checks.check_sobel_prediction, lambda: (-8, -24), "is not right"),
    (checks.check_sobel_prediction, lambda: (-24, 8), "Zy[1, 1] (the second number) is not right"),
    (checks.check_sobel_prediction, lambda: -24, "must return 2 answers"),
    (checks.check_sobel_prediction, lambda: (-24.5, -8), "expected a number"),
    (checks.check_chain_shape, lambda: (194, 294), "is not right"),  # rows and columns swapped
    (checks.check_chain_shape, lambda: (292, 192), "is not right"),  # the shape after the first filter only
    (checks.check_chain_shape, lambda: (300, 200), "is not right"),  # the modes ignored: every step keeps the shape
    (checks.check_chain_shape, lambda: (290, 190), "is not right"),  # stops after Gx, or 'full' taken as 'same'
    (checks.check_chain_shape, lambda: (282, 182), "is not right"),  # every step in 'valid' mode
    (checks.check_chain_shape, lambda: (296, 196), "is not right"),  # 'full' gains K instead of K - 1
    (checks.check_chain_shape, lambda: (286, 186), "is not right"),  # 'same' taken as 'valid'
    (checks.check_chain_shape, lambda: "294x194", "is not right"),
]


@pytest.mark.parametrize("check,func", RIGHT, ids=lambda v: getattr(v, "__name__", ""))
def test_right_answer_is_correct(check, func, capsys):
    assert_correct(check, func, capsys)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_stub_is_not_yet(check, capsys):
    assert_stub_not_yet(check, capsys)


@pytest.mark.parametrize("check,func,hint", WRONG, ids=lambda v: v if isinstance(v, str) else "")
def test_wrong_answer_gets_a_hint(check, func, hint, capsys):
    assert_not_yet(check, func, capsys, hint)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_not_a_function(check, capsys):
    assert_not_yet(check, None, capsys, "expected a function")


def test_the_stored_digests_are_the_answers_in_this_file():
    """The predictions' answers live here, in plain, and nowhere in course_utils or the lesson."""
    assert filters_on_images._SOBEL_DIGESTS == [answer_digest("sobel_prediction[0]", -24),
                                                answer_digest("sobel_prediction[1]", -8)]
    assert filters_on_images._CHAIN_DIGESTS == [answer_digest("chain_shape[0]", (294, 194))]


def test_the_predictions_match_a_computation():
    """Exercise 4's image and exercise 5's chain, computed."""
    x = np.zeros((4, 5))
    x[2:, 3:] = 8
    assert correlate2d(x, GX, "valid")[1, 1] == -24 and correlate2d(x, GX.T, "valid")[1, 1] == -8
    out = np.zeros((300, 200))
    shapes = [out.shape]
    for kernel, mode in [(np.ones((9, 9)), "valid"), (np.ones((5, 5)), "same"), (GX, "valid"),
                         (np.ones((5, 5)), "full")]:
        out = correlate2d(out, kernel, mode)
        shapes.append(out.shape)
    assert out.shape == (294, 194)
    # The answer is no tie: the input (every mode ignored) and the shape after each earlier step differ from it.
    assert out.shape not in shapes[:-1]


def test_threshold_cases_have_whole_pixel_counts_ties_and_flat_images():
    cases = filters_on_images._threshold_cases()
    for m, fraction in cases:
        assert abs(fraction * m.size - round(fraction * m.size)) < 1e-9
    # some products fall just below a whole number (int() drops a pixel), some just above (ceil() adds one)
    assert sum(int(f * m.size) < round(f * m.size) for m, f in cases) >= 3
    assert sum(math.ceil(f * m.size) > round(f * m.size) for m, f in cases) >= 2
    shapes = {m.shape for m, _ in cases}
    assert any(h != w for h, w in shapes) and any(1 in s for s in shapes)
    assert sum(m.min() == m.max() for m, _ in cases) == 2
    # The tie case: exactly the 10% is impossible, np.quantile and sorting keep fewer.
    ties = next(m for m, f in cases if m.shape == (20, 30))
    assert np.sum(ties > 8) == 50 and np.sum(ties >= 8) == 80


def test_colour_cases_are_never_square_and_distinguish_the_luminance_weights():
    for rgb in filters_on_images._colour_cases():
        assert rgb.ndim == 3 and rgb.shape[2] == 3 and rgb.shape[0] != rgb.shape[1]


def test_feedback_never_shows_the_answer(capsys):
    checks.check_gaussian_kernel(lambda size, sigma: gauss_with(size, sigma, denominator=sigma**2))
    checks.check_gaussian_kernel(lambda size, sigma: np.ones((size, size)) / size**2)
    checks.check_gaussian_kernel(gaussian_odd_only)
    out = capsys.readouterr().out
    assert "2 * sigma**2" not in out and "2σ²" not in out and "np.outer" not in out and "(size - 1) / 2" not in out
    checks.check_edge_threshold(lambda m, fraction: np.quantile(m, fraction))
    checks.check_edge_threshold(lambda m, fraction: fraction * m.max())
    checks.check_edge_threshold(threshold_nth_strongest)
    out = capsys.readouterr().out
    assert "quantile" not in out and "percentile" not in out and "1 - fraction" not in out
    checks.check_luminance_edges(lambda rgb: edges(rgb, gray=lambda c: c.mean(axis=2)))
    checks.check_luminance_edges(lambda rgb: edges(rgb, op=convolve2d))
    out = capsys.readouterr().out
    assert "0.2125" not in out and "0.7154" not in out and "[[" not in out
    checks.check_sobel_prediction(lambda: (24, 8))
    checks.check_chain_shape(lambda: (192, 292))
    out = capsys.readouterr().out
    assert "-24" not in out and "294" not in out and "194" not in out


def test_a_correct_answer_may_not_change_the_input(capsys):
    """The checks hand each call a copy, so a function that writes into its input is judged fairly."""
    def sorts_in_place(m, fraction):
        m.ravel().sort()  # the check's copy is contiguous, so this sorts it in place
        return np.quantile(m, 1 - fraction)

    ok, _ = run(checks.check_edge_threshold, sorts_in_place, capsys)
    assert ok
