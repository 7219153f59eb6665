"""course_utils.diagrams: boxes, arrows and arcs where they should be; clear errors on bad input."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from course_utils import diagrams  # noqa: E402


@pytest.fixture
def ax():
    fig, ax = plt.subplots(figsize=(8, 2))
    yield ax
    plt.close(fig)


def count(ax, kind):
    return sum(isinstance(p, kind) for p in ax.patches)


def test_chain_draws_one_box_per_label_an_arrow_between_neighbours_and_one_arc_per_skip(ax):
    centres = diagrams.chain(ax, ["input", "conv 3x3", "conv 3x3", "add", "ReLU"], skips=[(0, 3, "x"), (1, 4)])
    assert centres == [(float(i), 0.0) for i in range(5)]
    assert count(ax, FancyBboxPatch) == 5
    assert count(ax, FancyArrowPatch) == 4 + 2
    labels = [t.get_text() for t in ax.texts]
    assert labels[:5] == ["input", "conv 3x3", "conv 3x3", "add", "ReLU"] and "x" in labels
    assert not ax.axison


def test_box_colours_follow_the_kind_given_or_guessed(ax):
    diagrams.chain(ax, ["conv 1x1", "max pool", ("odd name", "dense"), "BN, ReLU", "concatenate", "thing"])
    faces = [matplotlib.colors.to_hex(p.get_facecolor()) for p in ax.patches if isinstance(p, FancyBboxPatch)]
    assert faces == [diagrams.KINDS[k] for k in ("conv", "pool", "dense", "norm", "merge", "other")]


def test_long_labels_get_a_smaller_font_and_short_ones_keep_theirs(ax):
    diagrams.chain(ax, ["a", "a very long label that cannot fit in a small box at all"], fontsize=9)
    short, long = ax.texts[0], ax.texts[1]
    assert short.get_fontsize() == 9 and long.get_fontsize() < 9


def test_branches_lays_out_columns_between_source_and_sink(ax):
    where = diagrams.branches(ax, "input", [["1x1"], ["1x1", "3x3"], []], ("concat", "merge"))
    assert where["source"] == (1.0, 0.0) and where["sink"] == (1.0, -3.0)
    assert where["paths"] == [[(0.0, -1.0)], [(1.0, -1.0), (1.0, -2.0)], []]
    assert count(ax, FancyBboxPatch) == 5
    # path 0: 2 arrows; path 1: 3 arrows; the empty path: 1 arrow from source to sink
    assert count(ax, FancyArrowPatch) == 2 + 3 + 1


@pytest.mark.parametrize("call, error, words", [
    (lambda ax: diagrams.chain("not axes", ["a"]), TypeError, "Axes"),
    (lambda ax: diagrams.chain(ax, "conv"), TypeError, "list of boxes"),
    (lambda ax: diagrams.chain(ax, []), ValueError, "at least one box"),
    (lambda ax: diagrams.chain(ax, [3]), TypeError, "boxes[0]"),
    (lambda ax: diagrams.chain(ax, ["  "]), ValueError, "empty label"),
    (lambda ax: diagrams.chain(ax, [("a", "blob")]), ValueError, "unknown kind"),
    (lambda ax: diagrams.chain(ax, ["a", "b", "c"], skips=[(0, 1)]), ValueError, "skips a box"),
    (lambda ax: diagrams.chain(ax, ["a", "b", "c"], skips=[(0, 3)]), ValueError, "j < 3"),
    (lambda ax: diagrams.chain(ax, ["a", "b", "c"], skips=[(0.0, 2)]), TypeError, "ints"),
    (lambda ax: diagrams.chain(ax, ["a", "b", "c"], skips=[(0, 2, 5)]), TypeError, "label must be a str"),
    (lambda ax: diagrams.chain(ax, ["a", "b", "c"], skips=[0]), TypeError, "skips[0]"),
    (lambda ax: diagrams.chain(ax, ["a"], box_height=0), ValueError, "box_height"),
    (lambda ax: diagrams.chain(ax, ["a"], fontsize="big"), TypeError, "fontsize"),
    (lambda ax: diagrams.branches(ax, "in", [], "out"), ValueError, "at least one path"),
    (lambda ax: diagrams.branches(ax, "in", "conv", "out"), TypeError, "list of paths"),
    (lambda ax: diagrams.branches(ax, "in", ["conv"], "out"), TypeError, "paths[0]"),
    (lambda ax: diagrams.branches(ax, None, [["a"]], "out"), TypeError, "source"),
])
def test_bad_input_gives_a_clear_error(ax, call, error, words):
    with pytest.raises(error, match=None) as info:
        call(ax)
    assert words in str(info.value)
