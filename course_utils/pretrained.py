"""ImageNet networks that work offline: weights, class names, EfficientNet-Lite0.

The course ships three pretrained files in ``datasets/`` (lesson 08):

* ``mobilenet_2_5_224_tf.h5`` and ``mobilenet_2_5_224_tf_no_top.h5``: Keras's own
  MobileNet (alpha 0.25) ImageNet weights, under the names
  ``keras.applications.MobileNet`` downloads;
* ``imagenet_class_index.json``: the class names ``decode_predictions`` downloads;
* ``efficientnet_lite0.weights.h5``: EfficientNet-Lite0 ImageNet weights for the
  model that :func:`efficientnet_lite0` builds.

:func:`weights_path` finds a file like the loaders in :mod:`course_utils.data`:
in the repository's ``datasets/``, then in Keras's cache (``$KERAS_HOME/models``,
by default ``~/.keras/models``), then through Keras's own download
(``keras.utils.get_file``) where there is an internet connection. The SHA-256 is
checked every time. :func:`install_keras_files` copies the verified files into
Keras's cache, so that the ordinary calls work offline::

    pretrained.install_keras_files()
    keras.applications.MobileNet(alpha=0.25, weights="imagenet")
    keras.applications.imagenet_utils.decode_predictions(probs)

Keras is imported inside the functions that need it.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .data import DatasetError, datasets_dir, find_file, verify_file

__all__ = [
    "EFFICIENTNET_LITE0_BLOCKS",
    "center_crop",
    "decode_predictions",
    "efficientnet_lite0",
    "efficientnet_lite0_preprocess",
    "efficientnet_lite0_weights",
    "format_top5",
    "install_keras_files",
    "keras_models_dir",
    "mobilenet_weights",
    "weights_path",
]

_MOBILENET_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
_CLASS_INDEX_URL = "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json"


@dataclass(frozen=True)
class _File:
    folder: str  # under datasets/
    sha256: str
    url: str | None  # where Keras downloads it from (None: not a Keras file)


_FILES = {
    "mobilenet_2_5_224_tf.h5": _File(
        "mobilenet_v1_0.25_224",
        "6b0e5561e6611c6e88f014c3f698ee3ed80bc0a2ed74bc048173f6508afa53db",
        _MOBILENET_URL + "mobilenet_2_5_224_tf.h5",
    ),
    "mobilenet_2_5_224_tf_no_top.h5": _File(
        "mobilenet_v1_0.25_224",
        "5583bfd0b6572d11fbb377a907299dc02bd1f6b461cdc93d2283f298146c7e46",
        _MOBILENET_URL + "mobilenet_2_5_224_tf_no_top.h5",
    ),
    "imagenet_class_index.json": _File(
        "imagenet_class_index",
        "a1e7a966a1f601d39e4b43e119b3e7dd4a2ad3ea08cf69847cbaf021013767bc",
        _CLASS_INDEX_URL,
    ),
    "efficientnet_lite0.weights.h5": _File(
        "efficientnet_lite0",
        "d95314a2c197b77ca3ede0c1b2b3565d64cf23bc175a8de39cb3b0f1eddb33de",
        None,
    ),
}

#: EfficientNet-Lite0's 16 MBConv blocks: (kernel, stride, expansion, output channels).
EFFICIENTNET_LITE0_BLOCKS = [
    (3, 1, 1, 16),
    (3, 2, 6, 24), (3, 1, 6, 24),
    (5, 2, 6, 40), (5, 1, 6, 40),
    (3, 2, 6, 80), (3, 1, 6, 80), (3, 1, 6, 80),
    (5, 1, 6, 112), (5, 1, 6, 112), (5, 1, 6, 112),
    (5, 2, 6, 192), (5, 1, 6, 192), (5, 1, 6, 192), (5, 1, 6, 192),
    (3, 1, 6, 320),
]


def keras_models_dir() -> Path:
    """Return the folder where ``keras.applications`` caches its downloads.

    That is ``$KERAS_HOME/models`` (by default ``~/.keras/models``). When Keras
    is already imported, its own setting wins (Keras reads ``KERAS_HOME`` once,
    when it is imported).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> keras_models_dir().name
    'models'
    """
    if "keras" in sys.modules:
        try:
            from keras.src.backend import config

            return Path(config.keras_home()) / "models"
        except (ImportError, AttributeError):  # another Keras layout: fall back to its rule
            pass
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"]) / "models"
    home = Path.home() if os.access(Path.home(), os.W_OK) else Path("/tmp")
    return home / ".keras" / "models"


def weights_path(name: str) -> Path:
    """Return the verified local path of one of the course's pretrained files.

    Looks in ``datasets/<folder>/`` (``COURSE_DATASETS`` overrides
    ``datasets/``), then in Keras's cache (:func:`keras_models_dir`), then
    downloads it with ``keras.utils.get_file`` into that cache (Keras's own
    files only; EfficientNet-Lite0 exists only in the course's repository).

    Parameters
    ----------
    name : str
        ``"mobilenet_2_5_224_tf.h5"``, ``"mobilenet_2_5_224_tf_no_top.h5"``,
        ``"imagenet_class_index.json"`` or ``"efficientnet_lite0.weights.h5"``.

    Returns
    -------
    pathlib.Path
        An existing file whose SHA-256 was checked.

    Raises
    ------
    ValueError
        ``name`` is not one of the files above.
    DatasetError
        The file is corrupt, or missing everywhere and could not be downloaded.

    Examples
    --------
    >>> weights_path("imagenet_class_index.json").name
    'imagenet_class_index.json'
    """
    if name not in _FILES:
        raise ValueError(f"unknown pretrained file {name!r}; expected one of {sorted(_FILES)}")
    entry = _FILES[name]
    folders = [datasets_dir() / entry.folder, keras_models_dir()]
    path = find_file(name, folders)
    if path is None:
        path = _download(name, entry, folders)
    return verify_file(path, entry.sha256)


def _download(name: str, entry: _File, folders: list[Path]) -> Path:
    where = "\n  ".join(str(f) for f in folders)
    fix = ("Fix: run from a clone of the course repository (its datasets/ folder has "
           "the file)")
    if entry.url is None:
        raise DatasetError(f"{name} not found. Looked in:\n  {where}\n{fix}; it cannot be "
                           "downloaded from Keras.")
    try:
        import keras

        got = keras.utils.get_file(name, entry.url, cache_subdir="models")
    except Exception as err:  # no internet, a proxy, ...
        raise DatasetError(
            f"{name} not found. Looked in:\n  {where}\nand the download from {entry.url} "
            f"failed ({type(err).__name__}: {err}).\n{fix}, or connect to the internet "
            "and run again."
        ) from None
    return Path(got)


def mobilenet_weights(include_top: bool = True) -> str:
    """Return the path of Keras's MobileNet (alpha 0.25) ImageNet weights.

    Pass it as ``weights=`` to ``keras.applications.MobileNet(alpha=0.25, ...)``.
    With ``include_top=False`` and an input size other than 224, Keras's
    ``weights="imagenet"`` looks for a file named after that size
    (``mobilenet_2_5_128_tf_no_top.h5``), which is not shipped; the 224 no-top
    file fits every size, because a convolutional base has the same weights for
    any input size.

    Parameters
    ----------
    include_top : bool
        True: the full classifier (1000 classes); False: the convolutional base.

    Returns
    -------
    str
        The verified path.

    Examples
    --------
    >>> Path(mobilenet_weights(include_top=False)).name
    'mobilenet_2_5_224_tf_no_top.h5'
    """
    if not isinstance(include_top, bool):
        raise TypeError(f"include_top must be True or False; got {include_top!r}")
    name = "mobilenet_2_5_224_tf.h5" if include_top else "mobilenet_2_5_224_tf_no_top.h5"
    return str(weights_path(name))


def efficientnet_lite0_weights() -> str:
    """Return the verified path of the EfficientNet-Lite0 ImageNet weights.

    Returns
    -------
    str

    Examples
    --------
    >>> Path(efficientnet_lite0_weights()).name
    'efficientnet_lite0.weights.h5'
    """
    return str(weights_path("efficientnet_lite0.weights.h5"))


def install_keras_files() -> Path:
    """Copy MobileNet-0.25's weights and the class index where Keras looks for them.

    After this, ``keras.applications.MobileNet(alpha=0.25, weights="imagenet")``
    (input size 224) and ``keras.applications.imagenet_utils.decode_predictions``
    work without the internet. A file already in the cache with the right SHA-256
    is left alone; a corrupt one is replaced.

    Returns
    -------
    pathlib.Path
        Keras's cache folder (:func:`keras_models_dir`).

    Examples
    --------
    >>> (install_keras_files() / "imagenet_class_index.json").is_file()
    True
    """
    target = keras_models_dir()
    target.mkdir(parents=True, exist_ok=True)
    for name, entry in _FILES.items():
        if entry.url is None:
            continue
        dest = target / name
        if dest.is_file():
            try:
                verify_file(dest, entry.sha256)
                continue
            except DatasetError:
                pass  # replace the bad copy below
        source = weights_path(name)
        if source.resolve() != dest.resolve():
            tmp = dest.with_suffix(dest.suffix + ".part")
            shutil.copyfile(source, tmp)
            os.replace(tmp, dest)
    return target


def decode_predictions(probs, top: int = 5):
    """``keras.applications.imagenet_utils.decode_predictions``, offline.

    Puts the verified class index where Keras looks (:func:`install_keras_files`),
    then calls Keras's function.

    Parameters
    ----------
    probs : array of float, shape (batch, 1000)
        Class probabilities of an ImageNet classifier.
    top : int
        How many classes to return per image.

    Returns
    -------
    list (one per image) of lists of (wordnet_id, class_name, probability)

    Examples
    --------
    >>> p = np.zeros((1, 1000), "float32"); p[0, 285] = 1
    >>> decode_predictions(p, top=1)[0][0][1]
    'Egyptian_cat'
    """
    probs = np.asarray(probs)
    if probs.ndim != 2 or probs.shape[1] != 1000:
        raise ValueError(f"probs must have shape (batch, 1000); got {probs.shape}")
    install_keras_files()
    from keras.applications import imagenet_utils

    return imagenet_utils.decode_predictions(probs, top=top)


def format_top5(decoded) -> str:
    """Format one image's decoded predictions as aligned lines ``name  probability``.

    Parameters
    ----------
    decoded : list of (wordnet_id, class_name, probability)
        One entry of :func:`decode_predictions`'s result.

    Returns
    -------
    str

    Examples
    --------
    >>> print(format_top5([("n1", "tabby", 0.4012), ("n2", "lynx", 0.05)]))
      tabby          40.1%
      lynx            5.0%
    """
    return "\n".join(f"  {name:<13}{100 * float(p):>6.1f}%" for _, name, p in decoded)


def center_crop(image, size: int = 224):
    """Cut the largest centred square out of an image and resize it to ``size``.

    This is how the reference predictions of EfficientNet-Lite0 were made
    (bilinear resizing, no antialiasing).

    Parameters
    ----------
    image : array, shape (H, W, 3), uint8 or float in 0..255
    size : int
        The side of the result.

    Returns
    -------
    ndarray of float32, shape (size, size, 3), values 0..255

    Examples
    --------
    >>> center_crop(np.zeros((300, 451, 3), np.uint8), 224).shape
    (224, 224, 3)
    """
    import keras

    arr = np.asarray(image)
    if arr.ndim != 3 or arr.shape[2] != 3:
        raise ValueError(f"image must have shape (H, W, 3); got {arr.shape}")
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 1:
        raise ValueError(f"size must be a positive int; got {size!r}")
    h, w = arr.shape[:2]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    square = arr[top : top + s, left : left + s].astype(np.float32)
    # Bilinear without antialiasing, as keras.layers.Resizing and tf.image.resize do.
    resized = keras.ops.image.resize(square, (size, size), interpolation="bilinear")
    return np.asarray(keras.ops.convert_to_numpy(resized), dtype=np.float32)


def efficientnet_lite0_preprocess(x):
    """Scale RGB values 0..255 to EfficientNet-Lite0's input range: ``(x - 127) / 128``.

    Parameters
    ----------
    x : array or tensor of float, any shape
        Pixel values 0..255.

    Returns
    -------
    same type, values about -1..1

    Examples
    --------
    >>> efficientnet_lite0_preprocess(np.array([0.0, 127.0, 255.0]))
    array([-0.9921875,  0.       ,  1.       ])
    """
    return (x - 127.0) / 128.0


def efficientnet_lite0(input_shape=(224, 224, 3), include_top: bool = True, weights="imagenet",
                       pooling: str | None = None, name: str = "efficientnet_lite0"):
    """Build EfficientNet-Lite0 in Keras (ImageNet weights by default).

    EfficientNet-Lite0 is EfficientNet-B0 made for phones: no squeeze-and-excite
    blocks, ReLU6 instead of swish, 4,694,024 parameters, about 75% ImageNet top-1.
    A stem (3x3 convolution, stride 2, 32 channels), 16 MBConv blocks
    (:data:`EFFICIENTNET_LITE0_BLOCKS`: 1x1 expansion, depthwise kxk, 1x1
    projection, a residual addition when the shape allows), a 1x1 convolution to
    1280 channels, global average pooling and a dense layer of 1000 classes.
    Layers are named ``stem_conv``, ``b{i}_expand``, ``b{i}_dw``,
    ``b{i}_project``, ``b{i}_bn0/1/2``, ``b{i}_add``, ``head_conv``, ``fc``.

    Inputs are RGB values 0..255 scaled with :func:`efficientnet_lite0_preprocess`
    (the model does not scale them itself).

    Parameters
    ----------
    input_shape : tuple of 3 ints
        (height, width, 3); any size >= 32 works without the top; with the top,
        use 224 x 224 (what the classifier was trained on).
    include_top : bool
        True: the ImageNet classifier (softmax over 1000 classes). False: the
        convolutional base, see ``pooling``.
    weights : "imagenet", None or a path
        "imagenet" loads :func:`efficientnet_lite0_weights`; None leaves random
        weights; a path loads that ``.weights.h5`` file.
    pooling : None, "avg" or "max"
        Only without the top: None returns the last feature map
        (H/32, W/32, 1280); "avg"/"max" pool it to a 1280-vector.
    name : str
        The model's name.

    Returns
    -------
    keras.Model

    Examples
    --------
    >>> m = efficientnet_lite0(weights=None)
    >>> m.count_params(), m.output.shape
    (4694024, (None, 1000))
    """
    import keras
    from keras import layers

    if len(tuple(input_shape)) != 3 or tuple(input_shape)[-1] != 3:
        raise ValueError(f"input_shape must be (height, width, 3); got {input_shape!r}")
    if pooling not in (None, "avg", "max"):
        raise ValueError(f"pooling must be None, 'avg' or 'max'; got {pooling!r}")
    if not isinstance(include_top, bool):
        raise TypeError(f"include_top must be True or False; got {include_top!r}")
    if weights == "imagenet":
        weights = efficientnet_lite0_weights()
    elif weights is not None and not Path(weights).is_file():
        raise ValueError(f"weights must be 'imagenet', None or the path of a .weights.h5 file; "
                         f"got {weights!r}")

    def bn(x, layer_name):
        return layers.BatchNormalization(epsilon=1e-3, momentum=0.99, name=layer_name)(x)

    def relu6(x, layer_name=None):
        return layers.ReLU(6.0, name=layer_name)(x)

    inputs = keras.Input(shape=tuple(input_shape), name="image")
    x = layers.Conv2D(32, 3, strides=2, padding="same", use_bias=False, name="stem_conv")(inputs)
    x = relu6(bn(x, "stem_bn"), "stem_relu")
    c_in = 32
    for i, (k, stride, expand, c_out) in enumerate(EFFICIENTNET_LITE0_BLOCKS):
        h = x
        if expand != 1:  # 1x1 convolution to expand * c_in channels
            h = layers.Conv2D(c_in * expand, 1, use_bias=False, name=f"b{i}_expand")(h)
            h = relu6(bn(h, f"b{i}_bn0"), f"b{i}_relu0")
        h = layers.DepthwiseConv2D(k, stride, padding="same", use_bias=False, name=f"b{i}_dw")(h)
        h = relu6(bn(h, f"b{i}_bn1"), f"b{i}_relu1")
        h = layers.Conv2D(c_out, 1, use_bias=False, name=f"b{i}_project")(h)  # linear bottleneck
        h = bn(h, f"b{i}_bn2")
        if stride == 1 and c_in == c_out:
            h = layers.Add(name=f"b{i}_add")([x, h])
        x, c_in = h, c_out
    x = layers.Conv2D(1280, 1, use_bias=False, name="head_conv")(x)
    features = relu6(bn(x, "head_bn"), "head_relu")
    pooled = layers.GlobalAveragePooling2D(name="avg_pool")(features)
    probs = layers.Dense(1000, activation="softmax", name="fc")(pooled)
    full = keras.Model(inputs, probs, name=name)
    if weights is not None:
        try:
            full.load_weights(weights)
        except Exception as err:
            raise DatasetError(f"{weights}: could not load EfficientNet-Lite0 weights from it "
                               f"({type(err).__name__}: {err})") from None
    if include_top:
        return full
    if pooling == "avg":
        out = pooled
    elif pooling == "max":
        out = layers.GlobalMaxPooling2D(name="max_pool")(features)
    else:
        out = features
    return keras.Model(inputs, out, name=f"{name}_base")
