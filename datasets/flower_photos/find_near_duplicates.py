"""Find photos that are the same picture twice: print candidate pairs, most similar first.

The near-duplicates in flower_photos are the same photograph uploaded twice under
two Flickr ids, often re-graded (colours, contrast), re-cropped, resized or
mirrored. A pixel test misses those, so each pair of photos is scored twice:

* ``cnn``: cosine similarity of EfficientNet-Lite0's global-average-pooled
  features (ImageNet weights, 1280 numbers; what the network "sees", little
  moved by size and small crops). Each photo gives four views: its centred
  square and the whole photo squeezed to a square, in colour and in grey (a
  grey or re-coloured copy scores low on colour features); each view's features
  are averaged with those of its mirror image, so a flipped copy scores like the
  original. A pair's score is the best of the view-against-view similarities
  (colour with colour, grey with grey; a crop of a photo matches the other's
  square or its whole).
* ``thumb``: correlation of 24 x 24 grey thumbnails, each standardised (mean 0,
  sd 1), which cancels a change of brightness, contrast or colour; the better
  of the thumbnail and its mirror image.

Every pair of the 3479 photos is compared, in the same class and across classes.
A pair is printed when ``cnn >= --cnn`` or ``thumb >= --thumb``; then it has to be
LOOKED AT: a high score also comes from two photos of similar flowers, and only
the eye tells a second copy of one photograph from a second photograph (of the
same scene, moments later: things have moved).
``--sheet`` draws the printed pairs side by side into PNG contact sheets for that.
What was found and decided is in PROVENANCE.txt; the groups are make_split.py's
NEAR_DUPLICATES.

Not run by the lessons or CI. Needs Keras, Pillow, and matplotlib for ``--sheet``.
Run from the repository root::

    .venv/bin/python datasets/flower_photos/find_near_duplicates.py \\
        --cache /tmp/flower_features.npz [--cnn 0.9] [--thumb 0.9] [--sheet /tmp/sheets]

Extracting the features takes 20 to 35 minutes on two CPU cores (four views and
their mirror images x 3479 photos at 224 px); ``--cache`` keeps them for the next run.
"""

import argparse
import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
SIZE = 224  # EfficientNet-Lite0's input size
THUMB = 24


def photo_paths():
    return sorted(f"{cls}/{p.name}" for cls in CLASSES for p in (HERE / cls).glob("*.jpg"))


def views(path):
    """The photo's centred square and the whole photo squeezed to a square, SIZE px, and a thumbnail."""
    from PIL import Image

    with Image.open(HERE / path) as img:
        img = img.convert("RGB")
        w, h = img.size
        s = min(w, h)
        box = ((w - s) // 2, (h - s) // 2, (w - s) // 2 + s, (h - s) // 2 + s)
        crop = np.asarray(img.resize((SIZE, SIZE), Image.BILINEAR, box=box), np.float32)
        whole = np.asarray(img.resize((SIZE, SIZE), Image.BILINEAR), np.float32)
        thumb = np.asarray(img.resize((THUMB, THUMB), Image.BOX), np.float32)
    return crop, whole, thumb


def unit(v):
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def grey(x):
    """The same pixels in grey (ITU-R 601 luma) in all three channels: colour grading gone."""
    return np.repeat(x @ np.array([0.299, 0.587, 0.114], np.float32)[:, None], 3, axis=-1)


def extract(paths, batch=64):
    """Features (N, 4, 1280) and thumbnails (N, 24, 24, 3).

    The four views: centred square, whole photo, and the same two in grey; each
    view's features are averaged with its mirror image's and scaled to length 1.
    """
    sys.path.insert(0, str(HERE.parents[1]))
    from course_utils import pretrained

    model = pretrained.efficientnet_lite0(include_top=False, pooling="avg")
    feats = np.zeros((len(paths), 4, 1280), np.float32)
    thumbs = np.zeros((len(paths), THUMB, THUMB, 3), np.float32)
    for start in range(0, len(paths), batch):
        chunk = [views(p) for p in paths[start : start + batch]]
        thumbs[start : start + len(chunk)] = [t for _, _, t in chunk]
        for v in range(4):
            x = np.stack([c[v % 2] for c in chunk])
            x = pretrained.efficientnet_lite0_preprocess(grey(x) if v >= 2 else x)
            both = model.predict(np.concatenate([x, x[:, :, ::-1]]), batch_size=batch, verbose=0)
            feats[start : start + len(chunk), v] = unit(both[: len(chunk)] + both[len(chunk) :])
        print(f"  features: {start + len(chunk)} / {len(paths)}", file=sys.stderr, flush=True)
    return feats, thumbs


def load(paths, cache):
    """Features and thumbnails of ``paths``, from ``cache`` if it holds these photos."""
    if cache and Path(cache).is_file():
        saved = np.load(cache)
        if saved["paths"].tolist() == paths and saved["feats"].shape[1] == 4:
            return saved["feats"], saved["thumbs"]
        print(f"{cache} holds other photos or views; extracting again", file=sys.stderr)
    feats, thumbs = extract(paths)
    if cache:
        np.savez(cache, paths=np.array(paths), feats=feats, thumbs=thumbs)
    return feats, thumbs


def cnn_similarity(feats):
    """(N, N): the best cosine similarity over the view-against-view pairings (colour with colour, grey with grey)."""
    sim = np.full((len(feats), len(feats)), -1.0, np.float32)
    for a, b in [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3)]:
        np.maximum(sim, feats[:, a] @ feats[:, b].T, out=sim)
    return sim


def thumb_similarity(thumbs):
    """(N, N): correlation of the grey thumbnails (each standardised), the better of as-is and mirrored."""
    g = grey(thumbs)[..., 0]
    z = (g - g.mean(axis=(1, 2), keepdims=True)) / (g.std(axis=(1, 2), keepdims=True) + 1e-6)
    flat = unit(z.reshape(len(z), -1))
    mirrored = unit(z[:, :, ::-1].reshape(len(z), -1))
    return np.maximum(flat @ flat.T, flat @ mirrored.T)


def read_split():
    path = HERE / "split.csv"
    if not path.is_file():
        return {}
    with open(path, newline="") as f:
        return {row["path"]: row["split"] for row in csv.DictReader(f)}


def candidates(paths, feats, thumbs, cnn_min, thumb_min):
    """Pairs (i, j, cnn, thumb) with i < j above either threshold, highest cnn first."""
    cnn, thumb = cnn_similarity(feats), thumb_similarity(thumbs)
    i, j = np.nonzero(np.triu((cnn >= cnn_min) | (thumb >= thumb_min), k=1))
    rows = [(int(a), int(b), float(cnn[a, b]), float(thumb[a, b])) for a, b in zip(i, j)]
    return sorted(rows, key=lambda r: (-r[2], -r[3]))


def contact_sheets(paths, rows, folder, per_sheet=8):
    """PNGs of the pairs side by side, ``per_sheet`` pairs each, with scores and rank."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    split = read_split()
    for start in range(0, len(rows), per_sheet):
        part = rows[start : start + per_sheet]
        fig, axes = plt.subplots(len(part), 2, figsize=(8, 3.2 * len(part)), squeeze=False)
        for k, (a, b, c, t) in enumerate(part):
            for ax, idx in zip(axes[k], (a, b)):
                with Image.open(HERE / paths[idx]) as img:
                    ax.imshow(img.convert("RGB"))
                ax.set_title(f"{paths[idx]} [{split.get(paths[idx], '?')}]", fontsize=7)
                ax.axis("off")
            axes[k][0].text(0, -0.18, f"#{start + k + 1}  cnn {c:.3f}  thumb {t:.3f}",
                            transform=axes[k][0].transAxes, fontsize=8, color="darkred")
        fig.tight_layout()
        fig.savefig(folder / f"pairs_{start + 1:04d}.png", dpi=80)
        plt.close(fig)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cnn", type=float, default=0.90, help="print pairs with cnn similarity >= this")
    parser.add_argument("--thumb", type=float, default=0.90, help="... or thumbnail correlation >= this")
    parser.add_argument("--cache", help="an .npz file to keep the features in between runs")
    parser.add_argument("--sheet", help="a folder for contact sheets of the printed pairs (PNG)")
    args = parser.parse_args(argv)
    paths = photo_paths()
    feats, thumbs = load(paths, args.cache)
    rows = candidates(paths, feats, thumbs, args.cnn, args.thumb)
    split = read_split()
    print(f"{len(paths)} photos, {len(paths) * (len(paths) - 1) // 2} pairs; "
          f"{len(rows)} with cnn >= {args.cnn} or thumb >= {args.thumb}:")
    print("rank    cnn  thumb  photo a [split]  photo b [split]")
    for k, (a, b, c, t) in enumerate(rows, 1):
        print(f"{k:4d}  {c:.3f}  {t:.3f}  {paths[a]} [{split.get(paths[a], '?')}]  "
              f"{paths[b]} [{split.get(paths[b], '?')}]")
    if args.sheet:
        contact_sheets(paths, rows, args.sheet)


if __name__ == "__main__":
    main()
