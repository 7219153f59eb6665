"""Counting parameters, multiply-adds and receptive fields of CNN layers.

Plain arithmetic with ints (numpy only); lesson 07 checks every function
against Keras layers. ``layer_counts`` reads a built Keras layer by duck
typing, so this module never imports Keras.

A *multiply-add* (MAC) is one ``a * b + c``: a convolution output value
with a ``k x k x c_in`` kernel costs ``k * k * c_in`` of them. Biases,
activations, pooling and batch normalisation are not counted (they cost
far less), the convention of the GoogLeNet and ResNet papers.
"""

from __future__ import annotations

import numpy as np


def _int(name: str, value, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def _pair(name: str, value) -> tuple:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints; got {value!r}")
        return _int(name, value[0]), _int(name, value[1])
    k = _int(name, value)
    return k, k


def conv_params(k, c_in: int, c_out: int, bias: bool = True) -> int:
    """Number of weights of a 2D convolution layer.

    ``kh * kw * c_in * c_out`` weights plus ``c_out`` biases.

    Parameters
    ----------
    k : int or (int, int)
        Kernel size ``kh`` (= ``kw``) or ``(kh, kw)``.
    c_in, c_out : int >= 1
        Input and output channels.
    bias : bool
        Count one bias per output channel.

    Returns
    -------
    int

    Examples
    --------
    >>> conv_params(11, 3, 96)              # AlexNet's first layer
    34944
    >>> conv_params((1, 3), 64, 64, bias=False)
    12288
    """
    kh, kw = _pair("k", k)
    c_in, c_out = _int("c_in", c_in), _int("c_out", c_out)
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def conv_macs(out_hw, k, c_in: int, c_out: int) -> int:
    """Multiply-adds of a 2D convolution: ``H_out * W_out * c_out * kh * kw * c_in``.

    Parameters
    ----------
    out_hw : int or (int, int)
        Output height and width (an int means a square output).
    k : int or (int, int)
        Kernel size.
    c_in, c_out : int >= 1
        Input and output channels.

    Returns
    -------
    int

    Examples
    --------
    >>> conv_macs(56, 3, 64, 192)           # GoogLeNet's 3x3 stem layer
    346816512
    """
    oh, ow = _pair("out_hw", out_hw)
    kh, kw = _pair("k", k)
    return oh * ow * _int("c_out", c_out) * kh * kw * _int("c_in", c_in)


def dense_params(n_in: int, n_out: int, bias: bool = True) -> int:
    """Number of weights of a fully connected layer: ``n_in * n_out (+ n_out)``.

    Parameters
    ----------
    n_in, n_out : int >= 1
    bias : bool

    Returns
    -------
    int

    Examples
    --------
    >>> dense_params(4096, 1000)
    4097000
    """
    n_in, n_out = _int("n_in", n_in), _int("n_out", n_out)
    return n_in * n_out + (n_out if bias else 0)


def dense_macs(n_in: int, n_out: int) -> int:
    """Multiply-adds of a fully connected layer: ``n_in * n_out``.

    Parameters
    ----------
    n_in, n_out : int >= 1

    Returns
    -------
    int

    Examples
    --------
    >>> dense_macs(1024, 1000)
    1024000
    """
    return _int("n_in", n_in) * _int("n_out", n_out)


def receptive_field(kernels, strides=None) -> int:
    """Receptive field (in input pixels, along one axis) of a stack of layers.

    ``r = 1 + sum_l (k_l - 1) * prod_{j < l} s_j``: each layer widens the
    field by ``k - 1`` steps of the distance between neighbouring outputs
    of the layers below it.

    Parameters
    ----------
    kernels : sequence of int >= 1
        Kernel size of each layer, input side first (a pooling layer counts
        as a layer with its window size).
    strides : sequence of int >= 1, optional
        Stride of each layer, same length as ``kernels``; default all 1.

    Returns
    -------
    int

    Examples
    --------
    >>> receptive_field([3, 3])             # two stacked 3x3 see as far as one 5x5
    5
    >>> receptive_field([3, 3, 2, 3], [1, 1, 2, 1])
    10
    """
    kernels = [_int("kernels[i]", k) for k in kernels]
    if strides is None:
        strides = [1] * len(kernels)
    strides = [_int("strides[i]", s) for s in strides]
    if len(strides) != len(kernels):
        raise ValueError(
            f"strides must have one entry per kernel ({len(kernels)}); got {len(strides)}"
        )
    field, jump = 1, 1
    for k, s in zip(kernels, strides):
        field += (k - 1) * jump
        jump *= s
    return field


def layer_counts(layer) -> tuple:
    """Parameters and multiply-adds of one built Keras layer.

    Reads ``Conv2D`` and ``Dense`` layers (by their class name, kernel
    shape and output shape); every other layer gets 0 multiply-adds.
    Grouped and depthwise convolutions are not supported.

    Parameters
    ----------
    layer : keras.layers.Layer
        A layer of a built functional or sequential model (it must have
        ``.output``).

    Returns
    -------
    (int, int)
        ``(parameters, multiply_adds)``; parameters as ``layer.count_params()``.

    Examples
    --------
    >>> class FakeConv:                     # stands in for a Keras Conv2D
    ...     class kernel:
    ...         shape = (3, 3, 16, 32)
    ...     class output:
    ...         shape = (None, 8, 8, 32)
    ...     def count_params(self):
    ...         return 3 * 3 * 16 * 32 + 32
    >>> FakeConv.__name__ = "Conv2D"
    >>> layer_counts(FakeConv())
    (4640, 294912)
    """
    kind = type(layer).__name__
    params = int(layer.count_params())
    if kind == "Conv2D":
        kh, kw, c_in, c_out = (int(d) for d in layer.kernel.shape)
        if getattr(layer, "groups", 1) != 1:
            raise ValueError(f"layer {layer!r}: grouped convolutions are not supported")
        _, oh, ow, _ = layer.output.shape
        return params, conv_macs((int(oh), int(ow)), (kh, kw), c_in, c_out)
    if kind == "Dense":
        n_in, n_out = (int(d) for d in layer.kernel.shape)
        out = layer.output.shape
        positions = int(np.prod([int(d) for d in out[1:-1]])) if len(out) > 2 else 1
        return params, positions * dense_macs(n_in, n_out)
    return params, 0


def model_counts(model) -> tuple:
    """Total parameters and multiply-adds of a built Keras model.

    Sums ``layer_counts`` over ``model.layers``, going into nested models.

    Parameters
    ----------
    model : keras.Model

    Returns
    -------
    (int, int)
        ``(parameters, multiply_adds)`` for one input image.

    Examples
    --------
    >>> class Fake:
    ...     layers = []
    >>> model_counts(Fake())
    (0, 0)
    """
    params = macs = 0
    for layer in model.layers:
        if hasattr(layer, "layers") and type(layer).__name__ in ("Functional", "Sequential", "Model"):
            p, m = model_counts(layer)
        else:
            p, m = layer_counts(layer)
        params += p
        macs += m
    return params, macs
