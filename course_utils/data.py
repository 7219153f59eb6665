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
import zlib
from pathlib import Path

import numpy as np

from .runtime import repo_root

__all__ = [
    "DatasetError",
    "FASHION_MNIST_CLASSES",
    "datasets_dir",
    "find_file",
    "verify_file",
    "load_ecg",
    "load_fashion_mnist",
    "check_shipped_data",
    "FLOWER_CLASSES",
    "flower_credits",
    "flower_split",
    "load_flowers",
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

#: The five classes of flower_photos, in label order 0..4.
FLOWER_CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
# SHA-256 of the committed split file (datasets/flower_photos/split.csv).
_FLOWER_SPLIT_SHA256 = "5520ea7340e8310d3b3c3ae5f89e1c81364ee3098778eee799b7dfc57fff577d"

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


def _listed_sha256(path: Path) -> str | None:
    """The SHA-256 that the ``SHA256SUMS`` next to ``path`` lists for it, if any."""
    sums = path.parent / "SHA256SUMS"
    if not sums.is_file():
        return None
    for line in sums.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].lstrip("*") == path.name:
            return parts[0]
    return None


def _verified(path: Path, expected: str, decompress: bool) -> bytes:
    """Read ``path`` and return its (decompressed) bytes if the hashes match.

    A file listed in the ``SHA256SUMS`` beside it (every shipped file) is
    checked byte for byte first, so a corrupt or truncated ``.gz`` gets this
    module's error, naming the file, before anything tries to decompress it.
    """
    raw = path.read_bytes()
    listed = _listed_sha256(path)
    if listed is not None and _sha256(raw) != listed:
        raise DatasetError(
            f"{path}: the SHA-256 of the file is {_sha256(raw)}, but "
            f"{path.parent / 'SHA256SUMS'} lists {listed}. The file is corrupt, truncated "
            f"or was changed; {_restore_hint(path)}."
        )
    try:
        content = gzip.decompress(raw) if decompress else raw
    except (OSError, EOFError, zlib.error) as err:
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


def find_file(name: str, folders) -> Path | None:
    """Return the first ``folder / name`` that is an existing file, or ``None``.

    Parameters
    ----------
    name : str
        A file name, for example ``"ecg.dat"``.
    folders : sequence of pathlib.Path
        Where to look, in order.

    Returns
    -------
    pathlib.Path or None

    Examples
    --------
    >>> find_file("SHA256SUMS", [datasets_dir() / "nowhere", datasets_dir() / "ecg"]).parent.name
    'ecg'
    """
    for folder in folders:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    return None


def verify_file(path, expected: str) -> Path:
    """Check a file's SHA-256 (read in chunks, so large files are fine) and return its path.

    Parameters
    ----------
    path : str or pathlib.Path
        An existing file.
    expected : str
        Its SHA-256 as 64 lower-case hex digits.

    Returns
    -------
    pathlib.Path
        ``path``, once checked.

    Raises
    ------
    DatasetError
        The digest differs; the message names the file, both digests and how to restore it.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> verify_file(p, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad").name
    'a.txt'
    """
    path = Path(path)
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    got = digest.hexdigest()
    if got != expected:
        raise DatasetError(
            f"{path}: the SHA-256 of the file is {got}, expected {expected}. "
            f"The file is corrupt or was changed; {_restore_hint(path)}."
        )
    return path


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
    missing = [n for n in _FASHION_MNIST_SHA256 if find_file(n, folders) is None]
    if missing:
        _download_with_keras(missing, folders)
    arrays = {}
    for name, expected in _FASHION_MNIST_SHA256.items():
        path = find_file(name, folders)
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
    still = [n for n in missing if find_file(n, folders) is None]
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
    path = find_file("ecg.dat", folders)
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
        path = find_file("ecg.dat", folders)
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


# --------------------------------------------------------------------------
# flower photos (lesson 08)
# --------------------------------------------------------------------------
_FLOWER_CACHE: dict = {}


def _flower_dir() -> Path:
    folder = datasets_dir() / "flower_photos"
    if not (folder / "split.csv").is_file():
        raise DatasetError(
            f"flower_photos: split.csv not found in {folder}. The course's flower photos "
            "(resized copies with their credits) ship only with the course repository; "
            "they are not the files of TensorFlow's flower_photos.tgz download.\n"
            "Fix: run from a clone of the course repository (its datasets/flower_photos/ "
            "folder has them), or set COURSE_DATASETS to a folder that has flower_photos/."
        )
    return folder


def flower_split() -> list[tuple[str, str, str]]:
    """Read the course's fixed split of the flower photos (``split.csv``).

    Every photo is in exactly one of ``train`` (70% of each class), ``val``
    (15%) and ``test`` (15%); each group of near-duplicates is on one side
    (``datasets/flower_photos/make_split.py`` wrote the file).

    Returns
    -------
    list of (path, class_name, split)
        ``path`` relative to ``datasets/flower_photos/``, e.g.
        ``"daisy/100080576_f52e8ee070_n.jpg"``; sorted by path.

    Raises
    ------
    DatasetError
        The file is missing or corrupt.

    Examples
    --------
    >>> rows = flower_split()
    >>> len(rows), rows[0][1], sorted({r[2] for r in rows})
    (3479, 'daisy', ['test', 'train', 'val'])
    """
    path = _flower_dir() / "split.csv"
    lines = _verified(path, _FLOWER_SPLIT_SHA256, decompress=False).decode().splitlines()
    return [tuple(line.split(",")) for line in lines[1:] if line]


def flower_credits() -> dict[str, str]:
    """Return each flower photo's credit line (CC BY 2.0), from ``ATTRIBUTION.txt``.

    Returns
    -------
    dict of str to str
        ``{path: "CC-BY by <photographer> - <Flickr URL>"}`` with ``path`` as in
        :func:`flower_split`.

    Examples
    --------
    >>> flower_credits()["daisy/100080576_f52e8ee070_n.jpg"]
    'CC-BY by mario - https://www.flickr.com/photos/64738468@N00/100080576/'
    """
    text = (_flower_dir() / "ATTRIBUTION.txt").read_text(encoding="utf-8")
    credits = {}
    for line in text.splitlines():
        head, _, rest = line.partition(" ")
        if head.endswith(".jpg") and head.split("/")[0] in FLOWER_CLASSES:
            credits[head] = rest
    return credits


def _flower_sums(folder: Path) -> dict[str, str]:
    sums = {}
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest
    return sums


def _decode_square(content: bytes, size: int) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(content)) as img:
        img = img.convert("RGB")
        w, h = img.size
        s = min(w, h)
        box = ((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)
        img = img.resize((size, size), Image.BILINEAR, box=box)
        return np.asarray(img, dtype=np.uint8)


def load_flowers(size: int = 224, splits=("train", "val", "test"), per_class: int | None = None):
    """Load the flower photos as arrays: decoded once, centre-cropped, resized.

    Each photo's largest centred square is resized to ``size`` x ``size``
    (bilinear, with Pillow's antialiasing). Files are checked against
    ``SHA256SUMS``. Decoded photos are kept in memory for the session (all of
    them take 150 KB per photo at 224 px, 525 MB), so a second call with the
    same ``size`` costs nothing and no training epoch waits
    for JPEG decoding (``course_utils.pipeline.batches(x, y)`` slices the arrays).

    Parameters
    ----------
    size : int
        Side of the square images, 32..512.
    splits : sequence of str
        Which parts of the fixed split (:func:`flower_split`) to return.
    per_class : int, optional
        Keep only the first ``per_class`` photos of each class in each split
        (fast mode uses this); by default all.

    Returns
    -------
    dict of split -> (x, y, paths)
        ``x``: uint8, shape (N, size, size, 3), values 0..255; ``y``: int64,
        shape (N,), label = index in :data:`FLOWER_CLASSES`; ``paths``: list of
        N str, for :func:`flower_credits`.

    Raises
    ------
    DatasetError
        A photo or the split file is missing or corrupt.

    Examples
    --------
    >>> parts = load_flowers(size=64, splits=["val"], per_class=4)
    >>> x, y, paths = parts["val"]
    >>> x.shape, x.dtype, [FLOWER_CLASSES[i] for i in y[::4]]
    ((20, 64, 64, 3), dtype('uint8'), ['daisy', 'dandelion', 'roses', 'sunflowers', 'tulips'])
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or not 32 <= size <= 512:
        raise ValueError(f"size must be an int from 32 to 512; got {size!r}")
    if per_class is not None and (isinstance(per_class, bool) or not isinstance(per_class, (int, np.integer))
                                  or per_class < 1):
        raise ValueError(f"per_class must be None or a positive int; got {per_class!r}")
    if isinstance(splits, str):
        splits = [splits]
    unknown = [s for s in splits if s not in ("train", "val", "test")]
    if unknown:
        raise ValueError(f"splits must be taken from 'train', 'val', 'test'; got {unknown}")
    folder = _flower_dir()
    rows = flower_split()
    key = (str(folder.resolve()), int(size))
    if key not in _FLOWER_CACHE:
        _FLOWER_CACHE[key] = (np.zeros((len(rows), size, size, 3), np.uint8), np.zeros(len(rows), bool))
    images, done = _FLOWER_CACHE[key]
    sums = None
    out = {}
    for split in splits:
        idx = [i for i, row in enumerate(rows) if row[2] == split]
        if per_class is not None:
            idx = [i for c in FLOWER_CLASSES for i in [j for j in idx if rows[j][1] == c][:per_class]]
        for i in idx:
            if done[i]:
                continue
            if sums is None:
                sums = _flower_sums(folder)
            path = rows[i][0]
            file = folder / path
            if not file.is_file():
                raise DatasetError(f"{file} is missing; {_restore_hint(file)}.")
            if path not in sums:
                raise DatasetError(f"{path} has no line in {folder / 'SHA256SUMS'}")
            images[i] = _decode_square(_verified(file, sums[path], decompress=False), size)
            done[i] = True
        idx = np.array(idx, dtype=np.int64)
        labels = np.array([FLOWER_CLASSES.index(rows[i][1]) for i in idx], dtype=np.int64)
        out[split] = (images[idx], labels, [rows[i][0] for i in idx])
    return out
