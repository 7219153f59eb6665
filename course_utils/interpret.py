"""Looking inside a trained CNN: gradients, Grad-CAM, occlusion, top activations (lesson 09).

The reference code that lesson 09's figures come from. The lesson writes each
method's core lines in its text and its exercises; these functions are the
tested versions it calls (the exercise checks do not accept calls to them).

* :func:`input_gradients` and :func:`saliency`: the gradient of a class score
  with respect to the input pixels (Simonyan et al., 2014);
* :func:`smoothgrad`: that gradient averaged over noisy copies of the input
  (Smilkov et al., 2017);
* :func:`gradcam_weights` and :func:`gradcam`: Grad-CAM (Selvaraju et al.,
  2017), channel weights from pooled gradients, a ReLU of the weighted sum of
  the maps;
* :func:`occlusion_map`: how much a score drops when a square of the input is
  covered (Zeiler and Fergus, 2014);
* :func:`top_activations`: the images and positions where one channel fires most;
* :func:`conv_chain` and :func:`unit_field`: which input pixels one unit of a
  feature map sees (its receptive field, with Keras's ``"same"`` padding).

numpy does the arithmetic; TensorFlow is imported only inside
:func:`input_gradients`, and Keras only inside :func:`conv_chain`.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "conv_chain",
    "gradcam",
    "gradcam_weights",
    "input_gradients",
    "occlusion_map",
    "saliency",
    "smoothgrad",
    "top_activations",
    "unit_field",
]


def _positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be >= 1; got {value}")
    return int(value)


def _maps_array(name: str, value, min_ndim: int = 3) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.ndim < min_ndim:
        raise ValueError(f"{name} must have shape (..., H, W, C) with at least {min_ndim} axes; "
                         f"got shape {array.shape}")
    return array


def input_gradients(score, images) -> np.ndarray:
    """Gradient of a score with respect to the input images (TensorFlow's ``GradientTape``).

    Parameters
    ----------
    score : callable
        Takes a float32 tensor of shape (N, H, W, C) and returns a tensor of
        shape (N,): one score per image (usually a class's logit). It must be
        built from TensorFlow operations (a Keras model called on the tensor,
        for example), so that the tape can follow it.
    images : array of float, shape (N, H, W, C)

    Returns
    -------
    ndarray of float32, shape (N, H, W, C)
        ``d score[n] / d images[n]`` (each image's score depends on that image only).

    Examples
    --------
    >>> import tensorflow as tf
    >>> g = input_gradients(lambda x: tf.reduce_sum(x ** 2, axis=(1, 2, 3)), np.ones((2, 4, 5, 3)))
    >>> g.shape, g.dtype
    ((2, 4, 5, 3), dtype('float32'))
    """
    import tensorflow as tf

    x = np.asarray(images, dtype=np.float32)
    if x.ndim != 4:
        raise ValueError(f"images must have shape (N, H, W, C); got shape {x.shape}")
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        s = score(x)
        if tuple(s.shape) != (x.shape[0],):
            raise ValueError(f"score must return one value per image, shape ({x.shape[0]},); "
                             f"got shape {tuple(s.shape)}")
        total = tf.reduce_sum(s)
    return tape.gradient(total, x).numpy()


def saliency(grads) -> np.ndarray:
    """A saliency map from input gradients: the largest absolute value over the colour channels.

    Simonyan, Vedaldi and Zisserman (2014) take, at each pixel, the maximum of
    ``|gradient|`` over the three colour channels.

    Parameters
    ----------
    grads : array of float, shape (..., H, W, C)

    Returns
    -------
    ndarray, shape (..., H, W), values >= 0

    Examples
    --------
    >>> saliency(np.zeros((2, 6, 7, 3))).shape
    (2, 6, 7)
    """
    return np.abs(_maps_array("grads", grads)).max(axis=-1)


def smoothgrad(grad, image, n: int, sigma: float, rng, batched: bool = False) -> np.ndarray:
    """SmoothGrad: the gradient averaged over ``n`` noisy copies of the image.

    Each copy is ``image + noise`` with noise drawn independently for every value
    from a normal distribution of standard deviation ``sigma`` (in the image's
    units) by ``rng``.

    Parameters
    ----------
    grad : callable
        ``grad(one_image)`` returns the gradient of the score at that image
        (same shape); with ``batched=True``, ``grad(images)`` takes all ``n``
        noisy copies at once, shape (n, H, W, C), and returns their gradients.
    image : array of float, shape (H, W, C)
    n : int
        Number of noisy copies.
    sigma : float
        Standard deviation of the noise, >= 0.
    rng : numpy.random.Generator
    batched : bool
        See ``grad``.

    Returns
    -------
    ndarray of float64, shape (H, W, C)

    Examples
    --------
    >>> out = smoothgrad(lambda x: 2 * x, np.zeros((4, 5, 3)), 8, 0.1, np.random.default_rng(0))
    >>> out.shape
    (4, 5, 3)
    """
    n = _positive_int("n", n)
    if not isinstance(sigma, numbers.Real) or sigma < 0:
        raise ValueError(f"sigma must be a number >= 0; got {sigma!r}")
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy Generator (np.random.default_rng(seed)); got {rng!r}")
    x = np.asarray(image, dtype=np.float64)
    noisy = x + rng.normal(0.0, sigma, size=(n,) + x.shape)
    if batched:
        grads = np.asarray(grad(noisy.astype(np.float32)), dtype=np.float64)
        if grads.shape != noisy.shape:
            raise ValueError(f"grad must return shape {noisy.shape}; got {grads.shape}")
        return grads.mean(axis=0)
    return np.mean([np.asarray(grad(one), dtype=np.float64) for one in noisy.astype(np.float32)], axis=0)


def gradcam_weights(grads) -> np.ndarray:
    """Grad-CAM's channel weights: the class score's gradients pooled over the positions.

    Parameters
    ----------
    grads : array of float, shape (..., H, W, C)
        ``d score / d A`` for feature maps ``A`` of shape (..., H, W, C).

    Returns
    -------
    ndarray of float64, shape (..., C)

    Examples
    --------
    >>> gradcam_weights(np.zeros((7, 9, 16))).shape
    (16,)
    """
    return _maps_array("grads", grads).mean(axis=(-3, -2))


def gradcam(maps, grads, relu: bool = True) -> np.ndarray:
    """Grad-CAM: the feature maps weighted by :func:`gradcam_weights`, summed, then a ReLU.

    Parameters
    ----------
    maps : array of float, shape (..., H, W, C)
        Feature maps ``A`` (usually the last convolutional layer's).
    grads : array of float, same shape
        ``d score / d A``.
    relu : bool
        False returns the weighted sum before the ReLU (signed), which the
        randomisation tests of lesson 09 compare.

    Returns
    -------
    ndarray of float64, shape (..., H, W)

    Examples
    --------
    >>> gradcam(np.ones((2, 7, 7, 8)), np.ones((2, 7, 7, 8))).shape
    (2, 7, 7)
    """
    a = _maps_array("maps", maps)
    g = _maps_array("grads", grads)
    if a.shape != g.shape:
        raise ValueError(f"maps and grads must have the same shape; got {a.shape} and {g.shape}")
    weighted = np.einsum("...hwc,...c->...hw", a, gradcam_weights(g))
    return np.maximum(weighted, 0.0) if relu else weighted


def occlusion_map(score, image, patch: int, stride: int, fill=0.0, batch_size: int = 64) -> np.ndarray:
    """Occlusion sensitivity: the drop of a score when a square of the image is covered.

    Entry ``[i, j]`` is ``score(image) - score(covered)``, where ``covered`` is
    the image with the ``patch`` x ``patch`` square whose top-left corner is at
    row ``i * stride``, column ``j * stride`` set to ``fill`` (in every channel).
    Positive: covering that square lowers the score.

    Parameters
    ----------
    score : callable
        Takes a float32 array (N, H, W, C) and returns N scores.
    image : array of float, shape (H, W, C)
        Not modified.
    patch, stride : int
    fill : float or array of C floats
        The value put in the covered square (0 for "black" in the image's units,
        the mean colour for "grey").
    batch_size : int
        How many covered copies ``score`` receives per call.

    Returns
    -------
    ndarray of float64, shape ((H - patch) // stride + 1, (W - patch) // stride + 1)

    Examples
    --------
    >>> occlusion_map(lambda b: b.sum(axis=(1, 2, 3)), np.ones((10, 12, 3)), 4, 2).shape
    (4, 5)
    """
    x = np.asarray(image, dtype=np.float32)
    if x.ndim != 3:
        raise ValueError(f"image must have shape (H, W, C); got shape {x.shape}")
    patch, stride = _positive_int("patch", patch), _positive_int("stride", stride)
    batch_size = _positive_int("batch_size", batch_size)
    h, w = x.shape[:2]
    if patch > min(h, w):
        raise ValueError(f"patch must fit in the image ({h} x {w}); got {patch}")
    rows, cols = (h - patch) // stride + 1, (w - patch) // stride + 1
    base = float(np.asarray(score(x[None])).reshape(-1)[0])
    corners = [(i * stride, j * stride) for i in range(rows) for j in range(cols)]
    drops = []
    for start in range(0, len(corners), batch_size):
        chunk = corners[start:start + batch_size]
        covered = np.repeat(x[None], len(chunk), axis=0)
        for k, (r, c) in enumerate(chunk):
            covered[k, r:r + patch, c:c + patch] = fill
        drops.extend(base - np.asarray(score(covered), dtype=np.float64).reshape(-1))
    return np.array(drops).reshape(rows, cols)


def top_activations(acts, k: int) -> list:
    """The ``k`` images where one channel's maximum is largest, with that maximum's position.

    Parameters
    ----------
    acts : array of float, shape (N, H, W)
        One channel's activations over N images.
    k : int
        How many images to return (at most N).

    Returns
    -------
    list of k tuples (image, row, col) of int
        Largest maximum first; ties go to the smaller image index, and within an
        image to the first position in row-major order (as ``np.argmax``).

    Examples
    --------
    >>> len(top_activations(np.zeros((5, 3, 4)), 2))
    2
    """
    a = np.asarray(acts, dtype=np.float64)
    if a.ndim != 3:
        raise ValueError(f"acts must have shape (N, H, W); got shape {a.shape}")
    k = _positive_int("k", k)
    if k > len(a):
        raise ValueError(f"k must be at most the number of images ({len(a)}); got {k}")
    flat = a.reshape(len(a), -1)
    where = flat.argmax(axis=1)
    best = flat[np.arange(len(a)), where]
    order = np.argsort(-best, kind="stable")[:k]
    width = a.shape[2]
    return [(int(n), int(where[n] // width), int(where[n] % width)) for n in order]


def conv_chain(model, layer_name: str) -> list:
    """Kernel sizes and strides of the convolutions and poolings from a model's input to a layer.

    Reads ``Conv2D``, ``DepthwiseConv2D``, ``MaxPooling2D`` and
    ``AveragePooling2D`` layers in the model's order, up to and including
    ``layer_name``. Right for networks whose spatial layers all lie on one path
    (plain stacks and residual networks such as EfficientNet-Lite0, whose
    shortcuts hold no convolution); all layers with kernels larger than 1 must
    use ``"same"`` padding for :func:`unit_field`.

    Parameters
    ----------
    model : keras.Model
    layer_name : str

    Returns
    -------
    list of (kernel, stride, padding)
        Along the rows (square kernels and strides are assumed).

    Examples
    --------
    >>> import keras
    >>> inp = keras.Input((32, 32, 3))
    >>> out = keras.layers.Conv2D(4, 3, strides=2, padding="same", name="c")(inp)
    >>> conv_chain(keras.Model(inp, out), "c")
    [(3, 2, 'same')]
    """
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(f"layer_name must name a layer of the model; got {layer_name!r}")
    chain = []
    for layer in model.layers[: names.index(layer_name) + 1]:
        kind = type(layer).__name__
        if kind in ("Conv2D", "DepthwiseConv2D"):
            chain.append((int(layer.kernel_size[0]), int(layer.strides[0]), layer.padding))
        elif kind in ("MaxPooling2D", "AveragePooling2D"):
            chain.append((int(layer.pool_size[0]), int(layer.strides[0]), layer.padding))
    return chain


def unit_field(chain, index: int, size: int) -> tuple:
    """The input pixels (along one axis) that one unit of a feature map sees.

    Follows Keras/TensorFlow's ``"same"`` padding: a layer with kernel ``k``
    and stride ``s`` on ``n`` inputs has ``ceil(n / s)`` outputs and pads
    ``max((out - 1) * s + k - n, 0)`` zeros, the smaller half before. Output
    ``i`` reads inputs ``i * s - before`` to ``i * s - before + k - 1``.

    Parameters
    ----------
    chain : list of (kernel, stride) or (kernel, stride, padding)
        As :func:`conv_chain` returns, input side first; padding must be "same"
        (or anything for a kernel of 1, which needs no padding).
    index : int
        The unit's row (or column) in the last layer's output.
    size : int
        The input's height (or width).

    Returns
    -------
    (first, last) : tuple of int
        Input rows from ``first`` to ``last`` inclusive; they may lie outside
        ``0 .. size - 1`` (the padding), clip them to draw the box.
        ``last - first + 1`` is the receptive field (``arch.receptive_field``).

    Examples
    --------
    >>> first, last = unit_field([(3, 2), (3, 1)], 4, 32)
    >>> last - first + 1
    7
    """
    size = _positive_int("size", size)
    sizes, steps = [size], []
    for entry in chain:
        k, s = _positive_int("kernel", entry[0]), _positive_int("stride", entry[1])
        if len(entry) > 2 and entry[2] != "same" and k > 1:  # a 1x1 kernel pads nothing either way
            raise ValueError(f"unit_field follows 'same' padding only (or kernels of 1); got {entry[2]!r}")
        n_in = sizes[-1]
        n_out = -(-n_in // s)
        before = max((n_out - 1) * s + k - n_in, 0) // 2
        steps.append((k, s, before))
        sizes.append(n_out)
    if isinstance(index, bool) or not isinstance(index, numbers.Integral) or not 0 <= index < sizes[-1]:
        raise ValueError(f"index must be an int from 0 to {sizes[-1] - 1}; got {index!r}")
    first = last = int(index)
    for k, s, before in reversed(steps):
        first, last = first * s - before, last * s - before + k - 1
    return first, last
