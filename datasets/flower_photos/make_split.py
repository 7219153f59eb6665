"""Write split.csv: the course's fixed train / validation / test split of flower_photos.

Run once from this folder (``python make_split.py``); the result is committed and
every lesson reads it, so everyone trains and tests on the same photos.

Rules:

* stratified: in every class, 70% of the photos go to ``train``, 15% to ``val``
  (choosing epochs, learning rates, which layers to unfreeze) and 15% to ``test``
  (looked at once, for the numbers the lesson reports);
* every group of near-duplicates in NEAR_DUPLICATES (the same photograph under
  several Flickr ids, often re-graded, re-cropped or resized; found by
  find_near_duplicates.py and checked by eye, see PROVENANCE.txt) is kept on one
  side, so no photo has a copy in another split;
* deterministic without a random generator: the photos (a group of near-duplicates
  counts as one unit) are ordered by the SHA-256 of their file name (a group's
  first name in sorted order), which is the same on every machine and every Python
  version.
"""

import csv
import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]
FRACTIONS = {"train": 0.70, "val": 0.15}  # test gets the rest
NEAR_DUPLICATES = [  # groups of copies of one photograph; see PROVENANCE.txt
    # found by the 16x16 grey-thumbnail test (the first list)
    ("daisy/10466290366_cc72e33532.jpg", "daisy/10994032453_ac7f8d9e2e.jpg"),
    ("daisy/10993710036_2033222c91.jpg", "daisy/10993818044_4c19b86c82.jpg"),
    ("dandelion/17161833794_e1d92259d2_m.jpg", "dandelion/18304194360_2a4a0be631_m.jpg"),
    ("dandelion/506659320_6fac46551e.jpg", "dandelion/506660896_c903cca1f0.jpg"),
    ("roses/13279526615_a3b0059bec.jpg", "roses/13342823005_16d3df58df_n.jpg"),
    ("roses/1775233884_12ff5a124f.jpg", "roses/2093263381_afd51358a3.jpg"),
    ("tulips/5635347336_bc1400e939_n.jpg", "tulips/5700394524_dc6f8fa9cd_n.jpg"),
    # found by find_near_duplicates.py (CNN features, grey thumbnails) and a look
    ("daisy/19177263840_6a316ea639.jpg", "daisy/19178753159_a471bf4b6b.jpg"),
    ("daisy/7630517248_98fb8bee1f_n.jpg", "daisy/9204730092_a7f2182347.jpg"),
    ("dandelion/13734221225_0e04edc6b6.jpg", "dandelion/15358221063_2c6e548e84.jpg"),
    ("dandelion/17482158576_86c5ebc2f8.jpg", "dandelion/23192507093_2e6ec77bef_n.jpg"),
    ("dandelion/18996760154_58d3c48604.jpg", "dandelion/19586799286_beb9d684b5.jpg"),
    ("dandelion/18996965033_1d92e5c99e.jpg", "dandelion/19617643201_9922eec796.jpg"),
    ("dandelion/284497199_93a01f48f6.jpg", "dandelion/284497233_c19801752c.jpg"),
    ("dandelion/4278757393_bca8415ed4_n.jpg", "dandelion/4654848357_9549351e0b_n.jpg"),
    ("dandelion/8689302100_be76a16ccc_n.jpg", "dandelion/8689302980_9bd2f7b9fe_n.jpg"),
    ("dandelion/8978962053_0727b41d26.jpg", "dandelion/8980145452_efbd6e3b04.jpg",
     "dandelion/8980164828_04fbf64f79_n.jpg"),
    ("dandelion/8979062599_86cac547b8.jpg", "dandelion/8979087213_28f572174c.jpg",
     "dandelion/8980266062_8387f6cc89.jpg", "dandelion/8980273068_cf7e8b880a_n.jpg"),
    ("roses/12406418663_af20dc225f_n.jpg", "roses/12407768513_3440238148_n.jpg"),
    ("roses/4608559939_3487bf3b62_n.jpg", "roses/4609166128_b7ed49b40b_m.jpg",
     "roses/4609168052_3d4e1d3804_n.jpg"),
    ("sunflowers/14741866338_bdc8bfc8d5_n.jpg", "sunflowers/14925398301_55a180f919_n.jpg",
     "sunflowers/14925398441_107f3e0304_n.jpg"),
    ("sunflowers/17433282043_441b0a07f4_n.jpg", "sunflowers/22429946721_e17a12cb39_n.jpg"),
    ("sunflowers/2588234269_c4bfd0d8b9_n.jpg", "sunflowers/2588453601_66f2a03cca_n.jpg"),
    ("sunflowers/2823659190_afdabee45c.jpg", "sunflowers/2979133707_84aab35b5d.jpg"),
    ("sunflowers/6495554833_86eb8faa8e_n.jpg", "sunflowers/6495559397_61d01c0c57.jpg"),
    ("tulips/12916135413_dafcf3089e_n.jpg", "tulips/12916441224_2ed63596f8_n.jpg"),
    ("tulips/133858239_3eaa8a91fd_n.jpg", "tulips/134143359_71fa8dd9a4.jpg"),
    ("tulips/13530690445_9f1f5cf43a_n.jpg", "tulips/13530786873_0d34880300_n.jpg"),
    ("tulips/14087792403_f34f37ba3b_m.jpg", "tulips/14087892193_653a3ac7ca_n.jpg"),
    ("tulips/2333321040_3960b9d67e_n.jpg", "tulips/2344751399_71620039f2_n.jpg"),
]


def groups_of(cls):
    """The class's near-duplicate groups, merged where they share a photo (a ~ b and b ~ c: one group)."""
    merged = []
    for group in NEAR_DUPLICATES:
        classes = {path.split("/")[0] for path in group}
        if len(classes) != 1:
            raise ValueError(f"a near-duplicate group spans classes {sorted(classes)}: {group}")
        if classes != {cls}:
            continue
        touching = [g for g in merged if g & set(group)]
        merged = [g for g in merged if not g & set(group)] + [set(group).union(*touching)]
    return merged


def units(cls):
    """The class's photos as units: a near-duplicate group is one unit, a lone photo a unit of one."""
    paths = sorted(f"{cls}/{p.name}" for p in (HERE / cls).glob("*.jpg"))
    group_of = {path: group for group in groups_of(cls) for path in group}
    missing = sorted(set(group_of) - set(paths))
    if missing:
        raise FileNotFoundError(f"near-duplicates listed but not on disk: {missing}")
    seen, out = set(), []
    for path in paths:
        if path in seen:
            continue
        group = sorted(group_of.get(path, {path}))
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
