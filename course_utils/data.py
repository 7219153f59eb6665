"""Data loaders that work offline, verify checksums and explain failures.

Each loader looks for its files

1. in the repository's ``datasets/`` folder (shipped with the course),
2. where the standard library function caches them (Keras's
   ``~/.keras/datasets``, SciPy's pooch cache), and
3. if neither has them, calls that standard function, which downloads them
   where the internet is reachable (a laptop, Colab).

Every file is checked against its SHA-256 before it is used. When nothing
works, a :class:`DatasetError` says which file is missing or corrupt, where the
loader looked and how to fix it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
from pathlib import Path

import numpy as np

from .runtime import repo_root

__all__ = [
    "DatasetError",
    "FASHION_MNIST_CLASSES",
    "datasets_dir",
    "load_ecg",
    "load_fashion_mnist",
    "check_shipped_data",
]

#: Class names of Fashion-MNIST, in label order 0..9.
FASHION_MNIST_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

# SHA-256 of the *decompressed* IDX files. The .gz wrappers differ between
# mirrors (Keras's download vs the Debian package shipped here) while the
# content is identical, so the content is what we check.
_FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte.gz": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte.gz": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte.gz": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}

# SHA-256 of ecg.dat, as in SciPy's own registry for electrocardiogram().
_ECG_SHA256 = "f20ad3365fb9b7f845d0e5c48b6fe67081377ee466c3a220b7f69f35c8958baf"
_ECG_RATE_HZ = 360


class DatasetError(RuntimeError):
    """A data file is missing, corrupt or could not be downloaded."""


def datasets_dir() -> Path:
    """Return the repository's ``datasets/`` folder (it may not exist).

    ``COURSE_DATASETS`` overrides it (tests use that).

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> datasets_dir().name
    'datasets'
    """
    override = os.environ.get("COURSE_DATASETS")
    return Path(override) if override else repo_root() / "datasets"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _restore_hint(path: Path) -> str:
    try:
        rel = path.resolve().relative_to(repo_root())
        return f"restore it with `git checkout -- {rel.as_posix()}` (or delete it to download it again)"
    except ValueError:
        return "delete it so that it is downloaded again"


def _verified(path: Path, expected: str, decompress: bool) -> bytes:
    """Read ``path`` and return its (decompressed) bytes if the hash matches."""
    raw = path.read_bytes()
    try:
        content = gzip.decompress(raw) if decompress else raw
    except (OSError, EOFError) as err:
        raise DatasetError(
            f"{path} is not a valid gzip file ({err}): it is corrupt or "
            f"truncated; {_restore_hint(path)}."
        ) from None
    got = _sha256(content)
    if got != expected:
        what = "decompressed content" if decompress else "file"
        raise DatasetError(
            f"{path}: the SHA-256 of its {what} is {got}, expected {expected}. "
            f"The file is corrupt or was changed; {_restore_hint(path)}."
        )
    return content


def _find(name: str, folders: list[Path]) -> Path | None:
    for folder in folders:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _keras_cache() -> Path:
    return Path(os.environ.get("KERAS_HOME", Path.home() / ".keras")) / "datasets"


def _parse_idx(content: bytes, name: str) -> np.ndarray:
    magic = int.from_bytes(content[:4], "big")
    if magic == 0x803:  # images: n, rows, cols
        n, rows, cols = (int.from_bytes(content[4 + 4 * i : 8 + 4 * i], "big") for i in range(3))
        return np.frombuffer(content, np.uint8, offset=16).reshape(n, rows, cols)
    if magic == 0x801:  # labels
        return np.frombuffer(content, np.uint8, offset=8)
    raise DatasetError(f"{name}: not an IDX file (magic number {magic:#x})")


def load_fashion_mnist():
    """Load Fashion-MNIST exactly as ``keras.datasets.fashion_mnist.load_data()``.

    Looks in ``datasets/fashion-mnist/``, then in Keras's cache
    (``$KERAS_HOME/datasets/fashion-mnist/``, by default
    ``~/.keras/datasets/fashion-mnist/``), then lets Keras download the files.
    Each file's content is checked against its SHA-256.

    Returns
    -------
    (x_train, y_train), (x_test, y_test), class_names
        ``x_train``: uint8, shape (60000, 28, 28), values 0..255;
        ``y_train``: uint8, shape (60000,), values 0..9;
        ``x_test``: uint8, shape (10000, 28, 28); ``y_test``: uint8, (10000,);
        ``class_names``: list of the 10 class names, index = label.

    Raises
    ------
    DatasetError
        A file is corrupt, or missing everywhere and could not be downloaded.

    Examples
    --------
    >>> (x_train, y_train), (x_test, y_test), names = load_fashion_mnist()
    >>> x_train.shape, x_train.dtype, names[y_train[0]]
    ((60000, 28, 28), dtype('uint8'), 'Ankle boot')
    """
    folders = [datasets_dir() / "fashion-mnist", _keras_cache() / "fashion-mnist"]
    missing = [n for n in _FASHION_MNIST_SHA256 if _find(n, folders) is None]
    if missing:
        _download_with_keras(missing, folders)
    arrays = {}
    for name, expected in _FASHION_MNIST_SHA256.items():
        path = _find(name, folders)
        arrays[name] = _parse_idx(_verified(path, expected, decompress=True), name)
    return (
        (arrays["train-images-idx3-ubyte.gz"], arrays["train-labels-idx1-ubyte.gz"]),
        (arrays["t10k-images-idx3-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]),
        list(FASHION_MNIST_CLASSES),
    )


def _download_with_keras(missing: list[str], folders: list[Path]) -> None:
    where = "\n  ".join(str(f) for f in folders)
    try:
        import keras

        keras.datasets.fashion_mnist.load_data()
    except Exception as err:  # no internet, no keras, a proxy, ...
        raise DatasetError(
            f"Fashion-MNIST: {', '.join(missing)} not found. Looked in:\n  {where}\n"
            f"and the download with keras.datasets.fashion_mnist.load_data() "
            f"failed ({type(err).__name__}: {err}).\n"
            "Fix: run from a clone of the course repository (its datasets/ "
            "folder has the files), or connect to the internet and run again."
        ) from None
    still = [n for n in missing if _find(n, folders) is None]
    if still:
        raise DatasetError(
            f"Keras reported success but {', '.join(still)} is still not in any "
            f"of:\n  {where}\nIs KERAS_HOME set to another folder?"
        )


def load_ecg():
    """Load 5 minutes of a real ECG (MIT-BIH record 208) in millivolts.

    The same signal as ``scipy.datasets.electrocardiogram()``. Looks in
    ``datasets/ecg/``, then in SciPy's pooch cache (``scipy-data``), then lets
    SciPy download it (needs ``pooch``). The file is checked against its
    SHA-256.

    Returns
    -------
    signal : ndarray of float64, shape (108000,)
        Amplitude in mV.
    fs : int
        Sampling rate in Hz (360).

    Raises
    ------
    DatasetError
        The file is corrupt, or missing everywhere and could not be downloaded.

    Examples
    --------
    >>> ecg, fs = load_ecg()
    >>> ecg.shape, fs, len(ecg) / fs
    ((108000,), 360, 300.0)
    """
    folders = [datasets_dir() / "ecg"]
    try:
        import pooch

        folders.append(Path(pooch.os_cache("scipy-data")))
    except ImportError:
        pass
    path = _find("ecg.dat", folders)
    if path is None:
        where = "\n  ".join(str(f) for f in folders)
        try:
            from scipy import datasets as scipy_datasets

            signal = scipy_datasets.electrocardiogram()
        except Exception as err:
            raise DatasetError(
                f"ECG: ecg.dat not found. Looked in:\n  {where}\nand the download "
                f"with scipy.datasets.electrocardiogram() failed "
                f"({type(err).__name__}: {err}).\n"
                "Fix: run from a clone of the course repository (its datasets/ "
                "folder has the file), or install pooch and connect to the internet."
            ) from None
        path = _find("ecg.dat", folders)
        if path is None:  # scipy cached it somewhere else: trust scipy's own hash check
            return np.asarray(signal, dtype=np.float64), _ECG_RATE_HZ
    content = _verified(path, _ECG_SHA256, decompress=False)
    with np.load(io.BytesIO(content)) as npz:
        raw = npz["ecg"]
    # The ADC stores 200 steps per mV around an offset of 1024.
    return (raw.astype(np.int64) - 1024) / 200.0, _ECG_RATE_HZ


def check_shipped_data() -> list[tuple[str, str, str]]:
    """Check every ``datasets/*/SHA256SUMS`` entry against the files on disk.

    Returns
    -------
    list of (folder, file, status)
        ``status`` is ``"ok"``, ``"MISSING"`` or ``"BAD CHECKSUM"``.

    Examples
    --------
    >>> all(status == "ok" for _, _, status in check_shipped_data())
    True
    """
    rows = []
    root = datasets_dir()
    for sums in sorted(root.glob("*/SHA256SUMS")):
        for line in sums.read_text().splitlines():
            if not line.strip():
                continue
            expected, name = line.split(maxsplit=1)
            name = name.lstrip("*")
            path = sums.parent / name
            if not path.is_file():
                status = "MISSING"
            else:
                status = "ok" if _sha256(path.read_bytes()) == expected else "BAD CHECKSUM"
            rows.append((sums.parent.name, name, status))
    return rows
