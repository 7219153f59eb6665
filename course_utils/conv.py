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
``conv2d``            ``keras.layers.Conv2D`` (weights set by hand)
``max_pool2d``        ``keras.layers.MaxPooling2D``
``avg_pool2d``        ``keras.layers.AveragePooling2D``
====================  ==========================================

The fast versions are vectorised: they build every window at once with
``numpy.lib.stride_tricks.sliding_window_view`` and multiply-add with
``numpy.einsum``. ``correlate2d_loop`` is a deliberately plain loop, written
to be read (lesson 01 writes its 1D loop in the notebook itself).

``conv2d`` and the pooling functions work on images with channels, in Keras's
layout: one image is (H, W, C), a batch is (N, H, W, C), and a ``Conv2D``
weight tensor is (KH, KW, C, M) for C input and M output channels. They take
Keras's ``stride`` and ``padding`` and put the zeros of ``"same"`` padding
where Keras (TensorFlow) puts them: the odd one at the bottom and right.
They use numpy only; the tests compare them with Keras.

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
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
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


# --------------------------------------------------------------------------
# layers: Conv2D and pooling with channels, stride and padding (Keras layout)
# --------------------------------------------------------------------------
def _as_images(name: str, value) -> tuple[np.ndarray, bool]:
    """Return ``value`` as an (N, H, W, C) array, and whether it had the batch axis."""
    try:
        ndim = np.ndim(value)
    except (ValueError, TypeError):  # ragged: let _as_real_array explain
        ndim = 4
    if ndim not in (3, 4) and not isinstance(value, (str, bytes)):
        raise ValueError(
            f"{name} must have 3 dimensions (H, W, C) or 4 (N, H, W, C); got "
            f"{ndim} (shape {np.shape(value)}). Hint: a grey image of shape "
            f"(H, W) becomes (H, W, 1) with {name}[..., np.newaxis]"
        )
    arr = _as_real_array(name, value, ndim if ndim in (3, 4) else 3)
    return (arr, True) if arr.ndim == 4 else (arr[np.newaxis], False)


def _pair(name: str, value) -> tuple[int, int]:
    """An int or a pair of ints, all >= 1, as Keras takes a size or a stride."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be a positive int or a pair of them; got {value!r}"
            )
        return _positive_int(name, value[0]), _positive_int(name, value[1])
    n = _positive_int(name, value)
    return n, n


def _check_padding(padding, allow_int: bool):
    names = '"valid" or "same"' + (" or an int >= 0" if allow_int else "")
    if isinstance(padding, str):
        if padding not in ("valid", "same"):
            raise ValueError(f"padding must be {names}; got {padding!r}")
        return padding
    if allow_int and isinstance(padding, numbers.Integral) and not isinstance(padding, bool):
        if padding < 0:
            raise ValueError(f"padding must be {names}; got {padding!r}")
        return int(padding)
    raise TypeError(f"padding must be {names}; got {padding!r}")


def _pads(n: int, k: int, stride: int, padding) -> tuple[int, int]:
    """Zeros (before, after) along one axis, placed as Keras places them."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        # TensorFlow's rule: just enough zeros for ceil(n / stride) outputs;
        # when the total is odd, the extra zero goes after (bottom, right).
        total = max((-(-n // stride) - 1) * stride + k - n, 0)
        return total // 2, total - total // 2
    return padding, padding


def _windows(x: np.ndarray, size, stride, pads, fill, what: str, kname: str):
    """Pad x (N, H, W, C) and return its strided windows, (N, H', W', C, KH, KW)."""
    (kh, kw), (sh, sw), (ph, pw) = size, stride, pads
    if x.shape[1] + sum(ph) < kh or x.shape[2] + sum(pw) < kw:
        raise ValueError(
            f"the {what} ({kname} {kh}x{kw}) must fit inside the padded input; "
            f"x has height x width {x.shape[1]}x{x.shape[2]} and padding adds "
            f"{sum(ph)} rows and {sum(pw)} columns"
        )
    if any(ph + pw):
        x = np.pad(x, ((0, 0), ph, pw, (0, 0)), constant_values=fill)
    return sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::sh, ::sw]


def conv2d(x, W, b=None, stride=1, padding="valid") -> np.ndarray:
    """What a Keras ``Conv2D`` layer computes (before its activation).

    ``z[i, j, m] = b[m] + sum_{p, q, c} W[p, q, c, m] * xp[s*i + p, s*j + q, c]``
    where ``xp`` is ``x`` with the zeros of the padding added: a
    cross-correlation over space, summed over the input channels, one output
    channel per filter. Equal to ``keras.layers.Conv2D`` with
    ``kernel=W``, ``bias=b``, ``strides=stride``, ``padding=padding``.

    Parameters
    ----------
    x : array_like, shape (H, W, C) or (N, H, W, C), int or float
        One image or a batch of images, channels last.
    W : array_like, shape (KH, KW, C, M), int or float
        The weight tensor in Keras's layout: M filters of size KH x KW x C.
    b : array_like, shape (M,), optional
        One bias per output channel (default: zeros).
    stride : int or (int, int)
        Step between windows, along rows and columns.
    padding : "valid", "same" or int >= 0
        ``"valid"``: no zeros, output ``(H - KH) // s + 1``.
        ``"same"``: output ``ceil(H / s)``, with Keras's zeros: the total
        ``max((ceil(H / s) - 1) * s + KH - H, 0)``, its odd one at the bottom
        (and at the right for the columns). An int ``P``: ``P`` zeros on every
        side, output ``(H + 2P - KH) // s + 1`` (Keras needs a
        ``ZeroPadding2D`` layer for this).

    Returns
    -------
    ndarray, shape (H', W', M), or (N, H', W', M) for a batch, with the dtype
    of ``x * W`` (int stays int).

    Examples
    --------
    >>> x = np.arange(16).reshape(4, 4, 1)
    >>> W = np.ones((2, 2, 1, 1))                  # one 2x2 filter: a window sum
    >>> conv2d(x, W, stride=2)[..., 0]
    array([[10., 18.],
           [42., 50.]])
    >>> conv2d(x, W, b=[100], padding="same").shape
    (4, 4, 1)
    """
    x, batched = _as_images("x", x)
    W = _as_real_array("W", W, 4)
    if W.shape[2] != x.shape[3]:
        raise ValueError(
            f"W must have one input channel per channel of x: W has shape "
            f"{W.shape} (KH, KW, C, M), so C = {W.shape[2]}, but x has "
            f"{x.shape[3]} channel(s) (shape {x.shape if batched else x.shape[1:]})"
        )
    if b is not None:
        b = _as_real_array("b", b, 1)
        if b.shape != (W.shape[3],):
            raise ValueError(
                f"b must have one bias per output channel, shape ({W.shape[3]},); "
                f"got shape {b.shape}"
            )
    stride = _pair("stride", stride)
    padding = _check_padding(padding, allow_int=True)
    kh, kw = W.shape[:2]
    pads = [_pads(n, k, s, padding) for n, k, s in zip(x.shape[1:3], (kh, kw), stride)]
    dtype = np.result_type(x.dtype, W.dtype)  # one dtype: einsum's fast path
    x, W = x.astype(dtype, copy=False), W.astype(dtype, copy=False)
    windows = _windows(x, (kh, kw), stride, pads, 0, "kernel", "W is")
    # Every window times every filter, summed over rows a, columns b and
    # input channels c: one einsum over the (strided) view of the windows.
    z = np.einsum("nijcab,abcm->nijm", windows, W)
    if b is not None:
        z = z + b
    return z if batched else z[0]


def _pool(x, size, stride, padding, how: str) -> np.ndarray:
    x, batched = _as_images("x", x)
    size = _pair("size", size)
    stride = size if stride is None else _pair("stride", stride)
    padding = _check_padding(padding, allow_int=False)
    pads = [_pads(n, k, s, padding) for n, k, s in zip(x.shape[1:3], size, stride)]
    if how == "max":
        # Padded cells must never win: fill them with the lowest value there is.
        if np.issubdtype(x.dtype, np.integer):
            low = np.iinfo(x.dtype).min
        else:
            low = -np.inf
        out = _windows(x, size, stride, pads, low, "pooling window", "size").max(axis=(4, 5))
    else:
        # Keras averages over the cells inside the image only: divide each
        # window's sum by how many of its cells are real (padding counts 0).
        x = x.astype(np.result_type(x.dtype, np.float32))
        sums = _windows(x, size, stride, pads, 0, "pooling window", "size").sum(axis=(4, 5))
        ones = np.ones((1, *x.shape[1:3], 1), dtype=x.dtype)
        counts = _windows(ones, size, stride, pads, 0, "pooling window", "size").sum(axis=(4, 5))
        out = sums / counts
    return out if batched else out[0]


def max_pool2d(x, size=2, stride=None, padding="valid") -> np.ndarray:
    """Max pooling, as ``keras.layers.MaxPooling2D``: the largest value per window.

    Each channel of each image is pooled on its own.

    Parameters
    ----------
    x : array_like, shape (H, W, C) or (N, H, W, C), int or float
    size : int or (int, int)
        The window, ``pool_size`` in Keras.
    stride : int or (int, int), optional
        Step between windows; by default the window size (as in Keras), so
        windows tile the image without overlap.
    padding : "valid" or "same"
        ``"valid"``: output ``(H - size) // stride + 1``; ``"same"``: output
        ``ceil(H / stride)``, and windows that stick out of the image take the
        maximum of their cells inside it (as Keras does).

    Returns
    -------
    ndarray, shape (H', W', C) or (N, H', W', C), dtype of ``x``.

    Examples
    --------
    >>> x = np.array([[5, 1, 3, 4], [8, 2, 9, 2], [1, 3, 0, 1], [2, 2, 2, 0]])
    >>> max_pool2d(x[..., np.newaxis])[..., 0]
    array([[8, 9],
           [3, 2]])
    """
    return _pool(x, size, stride, padding, "max")


def avg_pool2d(x, size=2, stride=None, padding="valid") -> np.ndarray:
    """Average pooling, as ``keras.layers.AveragePooling2D``: the mean per window.

    Each channel of each image is pooled on its own. With ``padding="same"``,
    a window that sticks out of the image is averaged over its cells inside
    the image only (the padding is not counted), as in Keras.

    Parameters
    ----------
    x : array_like, shape (H, W, C) or (N, H, W, C), int or float
    size : int or (int, int)
        The window, ``pool_size`` in Keras.
    stride : int or (int, int), optional
        Step between windows; by default the window size (as in Keras).
    padding : "valid" or "same"
        Output sizes as for :func:`max_pool2d`.

    Returns
    -------
    ndarray of float (float64 for int input), shape (H', W', C) or
    (N, H', W', C).

    Examples
    --------
    >>> x = np.array([[5, 1, 3, 4], [8, 2, 9, 2], [1, 3, 0, 1], [2, 2, 2, 0]])
    >>> avg_pool2d(x[..., np.newaxis])[..., 0]
    array([[4.  , 4.5 ],
           [2.  , 0.75]])
    """
    return _pool(x, size, stride, padding, "avg")
