"""Write split.csv: the course's fixed train / validation / test split of flower_photos.

Run once from this folder (``python make_split.py``); the result is committed and
every lesson reads it, so everyone trains and tests on the same photos.

Rules:

* stratified: in every class, 70% of the photos go to ``train``, 15% to ``val``
  (choosing epochs, learning rates, which layers to unfreeze) and 15% to ``test``
  (looked at once, for the numbers the lesson reports);
* the seven near-duplicate pairs of PROVENANCE.txt (the same picture under two
  Flickr ids) are kept on one side, so no test photo has a twin in training;
* deterministic without a random generator: the photos (a near-duplicate pair
  counts as one unit) are ordered by the SHA-256 of their file name, which is the
  same on every machine and every Python version.
"""

import csv
import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
FRACTIONS = {"train": 0.70, "val": 0.15}  # test gets the rest
NEAR_DUPLICATES = [
    ("daisy/10466290366_cc72e33532.jpg", "daisy/10994032453_ac7f8d9e2e.jpg"),
    ("daisy/10993710036_2033222c91.jpg", "daisy/10993818044_4c19b86c82.jpg"),
    ("dandelion/17161833794_e1d92259d2_m.jpg", "dandelion/18304194360_2a4a0be631_m.jpg"),
    ("dandelion/506659320_6fac46551e.jpg", "dandelion/506660896_c903cca1f0.jpg"),
    ("roses/13279526615_a3b0059bec.jpg", "roses/13342823005_16d3df58df_n.jpg"),
    ("roses/1775233884_12ff5a124f.jpg", "roses/2093263381_afd51358a3.jpg"),
    ("tulips/5635347336_bc1400e939_n.jpg", "tulips/5700394524_dc6f8fa9cd_n.jpg"),
]


def units(cls):
    """The class's photos as units: a near-duplicate pair is one unit of two."""
    paths = sorted(f"{cls}/{p.name}" for p in (HERE / cls).glob("*.jpg"))
    partner = {a: b for a, b in NEAR_DUPLICATES} | {b: a for a, b in NEAR_DUPLICATES}
    seen, out = set(), []
    for path in paths:
        if path in seen:
            continue
        group = sorted({path, partner.get(path, path)})
        seen.update(group)
        out.append(group)
    return sorted(out, key=lambda g: hashlib.sha256(g[0].encode()).hexdigest())


def split_class(cls):
    groups = units(cls)
    n = sum(len(g) for g in groups)
    n_train, n_val = round(FRACTIONS["train"] * n), round(FRACTIONS["val"] * n)
    rows, count = [], 0
    for group in groups:
        split = "train" if count < n_train else "val" if count < n_train + n_val else "test"
        rows += [(path, cls, split) for path in group]
        count += len(group)
    return rows


def main():
    rows = sorted(row for cls in CLASSES for row in split_class(cls))
    with open(HERE / "split.csv", "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["path", "class", "split"])
        writer.writerows(rows)
    for split in ("train", "val", "test"):
        print(split, sum(r[2] == split for r in rows))


if __name__ == "__main__":
    main()
