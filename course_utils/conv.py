"""Reference convolution code for the course (numpy only).

Every function here has a library twin that the tests compare it with:

====================  ==========================================
here                  library
====================  ==========================================
``conv1d``            ``numpy.convolve``
``correlate1d``       ``numpy.correlate``
``convolve2d``        ``scipy.signal.convolve2d``
``correlate2d``       ``scipy.signal.correlate2d``
``conv_output_size``  the output shape Keras reports for ``Conv2D``
====================  ==========================================

The fast versions are vectorised: they build every window at once with
``numpy.lib.stride_tricks.sliding_window_view`` and multiply-add with
``numpy.einsum``. ``correlate2d_loop`` is a deliberately plain loop, written
to be read (lesson 01 writes its 1D loop in the notebook itself).

Bad input raises ``TypeError`` (not an array of real numbers) or
``ValueError`` (wrong number of dimensions, empty, unknown mode, a kernel
larger than the input in ``"valid"`` mode, ...), with a message that names the
argument, the value given and what was expected.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "MODES",
    "conv1d",
    "correlate1d",
    "convolve2d",
    "correlate2d",
    "correlate2d_loop",
    "conv_output_size",
]

#: The three boundary modes, as numpy and scipy name them.
MODES = ("full", "same", "valid")


# --------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------
def _as_real_array(name: str, value, ndim: int) -> np.ndarray:
    """Return ``value`` as an ndarray of real numbers with ``ndim`` dimensions."""
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"{name} must be an array of real numbers with {ndim} dimension(s); "
            f"got a {type(value).__name__}: {value!r}"
        )
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array with {ndim} dimension(s); "
            f"numpy could not make one from it ({err})"
        ) from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.floating)
        or arr.dtype == bool
    ):
        raise TypeError(
            f"{name} must hold real numbers (int or float); got dtype {arr.dtype}"
        )
    if arr.ndim != ndim:
        raise ValueError(
            f"{name} must have {ndim} dimension(s); got {arr.ndim} "
            f"(shape {arr.shape})"
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got shape {arr.shape}")
    if arr.dtype == bool:
        arr = arr.astype(np.int64)
    return arr


def _check_mode(mode) -> str:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}; got {mode!r}")
    return mode


def _check_fits(x: np.ndarray, k: np.ndarray, xname: str, kname: str) -> None:
    if any(kn > xn for kn, xn in zip(k.shape, x.shape)):
        raise ValueError(
            f'in "valid" mode the kernel must fit inside the input: '
            f"{kname} has shape {k.shape}, {xname} has shape {x.shape}"
        )


# --------------------------------------------------------------------------
# 1D
# --------------------------------------------------------------------------
def conv1d(x, h, mode: str = "full") -> np.ndarray:
    """Discrete convolution of two 1D signals, ``y[n] = sum_k x[k] h[n - k]``.

    Equal to ``numpy.convolve(x, h, mode)``, except that ``"valid"`` mode
    refuses a kernel longer than the signal (numpy silently swaps the two).

    Parameters
    ----------
    x : array_like, shape (N,), int or float
        The signal.
    h : array_like, shape (K,), int or float
        The kernel (impulse response).
    mode : {"full", "same", "valid"}
        ``"full"``: every shift where the two overlap, length ``N + K - 1``.
        ``"same"``: the centre of ``"full"``, length ``max(N, K)``.
        ``"valid"``: only shifts where ``h`` lies inside ``x``, length
        ``N - K + 1``.

    Returns
    -------
    ndarray, shape as above, dtype of ``x * h`` (int stays int).

    Examples
    --------
    >>> conv1d([1, 2, 3], [1, 1])
    array([1, 3, 5, 3])
    """
    x = _as_real_array("x", x, 1)
    h = _as_real_array("h", h, 1)
    _check_mode(mode)
    if mode == "valid":
        _check_fits(x, h, "x", "h")
    # Convolution is correlation with the kernel reversed. numpy's "same"
    # keeps max(N, K) samples starting (min(N, K) - 1) // 2 into "full".
    start = (min(len(x), len(h)) - 1) // 2
    return _correlate1d_unchecked(x, h[::-1], mode, start)


def correlate1d(x, h, mode: str = "valid") -> np.ndarray:
    """Cross-correlation of two 1D signals, ``y[n] = sum_k x[n + k] h[k]``.

    Equal to ``numpy.correlate(x, h, mode)`` (same default, ``"valid"``) for
    real input, except that ``"valid"`` refuses a kernel longer than ``x``.
    This is what deep-learning libraries call "convolution": the kernel slides
    over the signal without being flipped.

    Parameters
    ----------
    x : array_like, shape (N,), int or float
    h : array_like, shape (K,), int or float
    mode : {"full", "same", "valid"}
        Output lengths as for :func:`conv1d`.

    Returns
    -------
    ndarray, shape (N - K + 1,) for ``"valid"``.

    Examples
    --------
    >>> correlate1d([1, 2, 3, 4], [1, -1])
    array([-1, -1, -1])
    """
    x = _as_real_array("x", x, 1)
    h = _as_real_array("h", h, 1)
    _check_mode(mode)
    if mode == "valid":
        _check_fits(x, h, "x", "h")
    # numpy.correlate's "same" is not centred like numpy.convolve's: it starts
    # (K - 1) // 2 into "full" when K <= N, and N // 2 when the kernel is longer.
    n, k = len(x), len(h)
    start = (k - 1) // 2 if k <= n else n // 2
    return _correlate1d_unchecked(x, h, mode, start)


def _correlate1d_unchecked(
    x: np.ndarray, h: np.ndarray, mode: str, same_start: int
) -> np.ndarray:
    n, k = len(x), len(h)
    # "full": pad with K - 1 zeros on both sides so that every partial
    # overlap becomes a whole window, then one dot product per window.
    padded = np.pad(x, (k - 1, k - 1))
    full = sliding_window_view(padded, k) @ h
    if mode == "full":
        return full
    if mode == "valid":
        return full[k - 1 : n]
    return full[same_start : same_start + max(n, k)]


# --------------------------------------------------------------------------
# 2D
# --------------------------------------------------------------------------
def correlate2d(x, w, mode: str = "valid") -> np.ndarray:
    """2D cross-correlation, ``y[i, j] = sum_{a,b} x[i + a, j + b] w[a, b]``.

    Equal to ``scipy.signal.correlate2d(x, w, mode)`` (zero padding) for real
    input, including where ``"same"`` puts the output for an even-sized
    kernel. This is the operation Keras's ``Conv2D`` computes.

    Parameters
    ----------
    x : array_like, shape (H, W), int or float
        The image.
    w : array_like, shape (KH, KW), int or float
        The kernel.
    mode : {"full", "same", "valid"}
        ``"valid"`` -> (H - KH + 1, W - KW + 1); ``"same"`` -> (H, W);
        ``"full"`` -> (H + KH - 1, W + KW - 1).

    Returns
    -------
    ndarray with the dtype of ``x * w``.

    Examples
    --------
    >>> correlate2d(np.arange(9).reshape(3, 3), [[1, 0], [0, -1]])
    array([[-4, -4],
           [-4, -4]])
    """
    x = _as_real_array("x", x, 2)
    w = _as_real_array("w", w, 2)
    _check_mode(mode)
    if mode == "valid":
        _check_fits(x, w, "x", "w")
    kh, kw = w.shape
    padded = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    full = np.einsum("ijab,ab->ij", sliding_window_view(padded, w.shape), w)
    if mode == "full":
        return full
    if mode == "valid":
        return full[kh - 1 : x.shape[0], kw - 1 : x.shape[1]]
    # scipy's "same" for correlation starts K // 2 into the full output.
    h0, w0 = kh // 2, kw // 2
    return full[h0 : h0 + x.shape[0], w0 : w0 + x.shape[1]]


def convolve2d(x, w, mode: str = "valid") -> np.ndarray:
    """2D convolution: correlation with the kernel flipped in both axes.

    ``y[i, j] = sum_{a,b} x[a, b] w[i - a, j - b]``. Equal to
    ``scipy.signal.convolve2d(x, w, mode)`` (zero padding) for real input,
    except that ``"valid"`` refuses a kernel larger than ``x`` (scipy swaps
    the two).

    Parameters
    ----------
    x : array_like, shape (H, W), int or float
    w : array_like, shape (KH, KW), int or float
    mode : {"full", "same", "valid"}
        Output shapes as for :func:`correlate2d`.

    Returns
    -------
    ndarray with the dtype of ``x * w``.

    Examples
    --------
    >>> convolve2d(np.arange(9).reshape(3, 3), [[1, 0], [0, -1]])
    array([[4, 4],
           [4, 4]])
    """
    x = _as_real_array("x", x, 2)
    w = _as_real_array("w", w, 2)
    _check_mode(mode)
    if mode != "same":
        return correlate2d(x, w[::-1, ::-1], mode)
    # In "same" mode scipy centres convolution and correlation differently
    # when a kernel side is even: convolution starts (K - 1) // 2 into "full".
    kh, kw = w.shape
    full = correlate2d(x, w[::-1, ::-1], "full")
    h0, w0 = (kh - 1) // 2, (kw - 1) // 2
    return full[h0 : h0 + x.shape[0], w0 : w0 + x.shape[1]]


def correlate2d_loop(x, w) -> np.ndarray:
    """'Valid' 2D cross-correlation with explicit loops (for reading, not speed).

    For every output pixel ``(i, j)``: take the window of ``x`` under the
    kernel, multiply element by element, add up.

    Parameters
    ----------
    x : array_like, shape (H, W), int or float
    w : array_like, shape (KH, KW), int or float, no larger than ``x``

    Returns
    -------
    ndarray of float64, shape (H - KH + 1, W - KW + 1)

    Examples
    --------
    >>> correlate2d_loop(np.arange(9).reshape(3, 3), [[1, 0], [0, -1]])
    array([[-4., -4.],
           [-4., -4.]])
    """
    x = _as_real_array("x", x, 2)
    w = _as_real_array("w", w, 2)
    _check_fits(x, w, "x", "w")
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            window = x[i : i + kh, j : j + kw]
            out[i, j] = np.sum(window * w)
    return out


# --------------------------------------------------------------------------
# sizes
# --------------------------------------------------------------------------
def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive int; got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}")
    return int(value)


def conv_output_size(n: int, k: int, stride: int = 1, padding=0) -> int:
    """Length of a convolution's output along one axis.

    ``floor((n + 2 * padding - k) / stride) + 1`` for an int ``padding``;
    ``padding="valid"`` means 0 and ``padding="same"`` gives
    ``ceil(n / stride)``, as in Keras.

    Parameters
    ----------
    n : int >= 1
        Input length (height or width).
    k : int >= 1
        Kernel length.
    stride : int >= 1
    padding : int >= 0, "valid" or "same"
        Zeros added on *each* side, or a Keras padding name.

    Returns
    -------
    int

    Examples
    --------
    >>> conv_output_size(227, 11, stride=4)   # AlexNet's first layer
    55
    >>> conv_output_size(32, 5, padding=2)
    32
    >>> conv_output_size(7, 3, stride=2, padding="same")
    4
    """
    n = _positive_int("n", n)
    k = _positive_int("k", k)
    stride = _positive_int("stride", stride)
    if isinstance(padding, str):
        if padding == "same":
            return -(-n // stride)
        if padding != "valid":
            raise ValueError(
                f'padding must be an int >= 0, "valid" or "same"; got {padding!r}'
            )
        padding = 0
    elif isinstance(padding, bool) or not isinstance(padding, numbers.Integral):
        raise TypeError(
            f'padding must be an int >= 0, "valid" or "same"; got {padding!r}'
        )
    if padding < 0:
        raise ValueError(f"padding must be >= 0; got {padding}")
    if n + 2 * padding < k:
        raise ValueError(
            f"the kernel (k={k}) is larger than the padded input "
            f"(n + 2*padding = {n + 2 * padding})"
        )
    return (n + 2 * padding - k) // stride + 1
