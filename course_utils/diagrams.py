"""Block diagrams of CNN architectures: boxes joined by arrows, drawn with matplotlib.

Plumbing for lesson 07, which draws every architecture it builds. Two layouts:

- :func:`chain`: boxes one after the other (left to right), with optional
  *skips* (arcs from the output of one box to the input of a later one:
  residual shortcuts, dense connections);
- :func:`branches`: one input box, several parallel paths side by side, and
  one box where the paths meet (an Inception module, a fire module).

A box is a label, or a ``(label, kind)`` pair; the kind sets its colour.
Without a kind it is guessed from the label (``"conv ..."`` is a
convolution, ``"max pool"`` a pooling layer, ...). What a diagram should
teach (which boxes, which labels) is written in the lesson.
"""

from __future__ import annotations

import numbers

__all__ = ["KINDS", "chain", "branches"]

# kind -> face colour (light, so that black text stays readable)
KINDS = {
    "input": "#e6e6e6",
    "conv": "#cfe2f3",
    "pool": "#fce5cd",
    "norm": "#e1d5e7",
    "dense": "#d9ead3",
    "merge": "#fff2cc",
    "block": "#d0e0e3",
    "other": "#ffffff",
}

# first matching word in a label -> kind (for boxes given without a kind)
_GUESS = [
    ("input", "input"), ("image", "input"),
    ("concat", "merge"), ("add", "merge"), ("+", "merge"),
    ("pool", "pool"), ("gap", "pool"),
    ("batchnorm", "norm"), ("bn", "norm"), ("lrn", "norm"), ("norm", "norm"),
    ("dense", "dense"), ("fc", "dense"), ("softmax", "dense"), ("linear", "dense"),
    ("conv", "conv"), ("1x1", "conv"), ("3x3", "conv"), ("5x5", "conv"),
    ("block", "block"), ("module", "block"), ("stage", "block"), ("fire", "block"),
]


def _kind_of(label: str) -> str:
    words = label.lower().replace("\n", " ").replace("×", "x").split()
    for word in words:
        for key, kind in _GUESS:
            if word.startswith(key):
                return kind
    return "other"


def _box(value, where: str) -> tuple:
    """A box as (label, kind), from a label or a (label, kind) pair."""
    if isinstance(value, str):
        label, kind = value, None
    elif isinstance(value, (tuple, list)) and len(value) == 2 and isinstance(value[0], str):
        label, kind = value
    else:
        raise TypeError(f"{where} must be a label (str) or a (label, kind) pair; got {value!r}")
    if not label.strip():
        raise ValueError(f"{where} has an empty label")
    if kind is None:
        kind = _kind_of(label)
    if kind not in KINDS:
        raise ValueError(f"{where}: unknown kind {kind!r}; use one of {sorted(KINDS)}")
    return label, kind


def _boxes(values, name: str) -> list:
    if isinstance(values, str) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a list of boxes (labels or (label, kind) pairs); got {values!r}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one box")
    return [_box(v, f"{name}[{i}]") for i, v in enumerate(values)]


def _check_axes(ax) -> None:
    if not (hasattr(ax, "add_patch") and hasattr(ax, "text")):
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}")


def _check_size(name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number; got {value!r}")
    if not value > 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return float(value)


def _points_per_unit(ax, xspan, yspan):
    """Points per data unit along x and y, once the limits span xspan and yspan."""
    scale = 72.0 / ax.figure.dpi
    return ax.bbox.width * scale / xspan, ax.bbox.height * scale / yspan


def _draw_box(ax, x, y, w, h, label, kind, fontsize, per_unit):
    """A rounded box with its label; the font shrinks (never grows) until the label fits."""
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.06",
                                facecolor=KINDS[kind], edgecolor="#444444", linewidth=0.8))
    lines = label.split("\n")
    longest = max(len(line) for line in lines)
    fit_w = 0.92 * w * per_unit[0] / (0.6 * longest)        # a character is about 0.6 em wide
    fit_h = 0.92 * h * per_unit[1] / (1.25 * len(lines))    # a line is about 1.25 em high
    ax.text(x, y, label, ha="center", va="center", fontsize=max(min(fontsize, fit_w, fit_h), 4.0))


def _arrow(ax, start, end, rad=0.0, color="#333333", style="-|>", label=None, fontsize=7):
    from matplotlib.patches import FancyArrowPatch

    ax.add_patch(FancyArrowPatch(start, end, arrowstyle=style, mutation_scale=8, color=color, linewidth=0.9,
                                 connectionstyle=f"arc3,rad={rad}", shrinkA=0, shrinkB=0))
    if label:
        mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
        ax.text(mx, my + abs(rad) * abs(end[0] - start[0]) / 2 + 0.02, label, ha="center", va="bottom",
                fontsize=fontsize, color=color)


def _finish(ax, xmin, xmax, ymin, ymax, title):
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.axis("off")
    if title:
        ax.set_title(title)


def chain(ax, boxes, *, skips=(), box_height: float = 0.6, fontsize: float = 7, title: str | None = None):
    """Draw boxes left to right, an arrow between neighbours, and arcs for skip connections.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn on in data coordinates (box ``i`` is centred at ``x = i``);
        its axis lines are switched off.
    boxes : sequence of str or (str, str), length N >= 1
        Each box's label (``"\\n"`` for several lines), or ``(label, kind)``
        with a kind of :data:`KINDS` (``"conv"``, ``"pool"``, ``"norm"``,
        ``"dense"``, ``"merge"``, ``"block"``, ``"input"``, ``"other"``).
    skips : sequence of (int, int) or (int, int, str)
        ``(i, j)``: an arc above the chain from the output of box ``i`` to
        the input of box ``j`` (``0 <= i``, ``i + 1 < j < N``: it skips at
        least one box), with an optional label (for example ``"x"``).
    box_height : float > 0
        Height of a box in data units (the boxes are 0.8 wide, 1 apart).
    fontsize : float > 0
        Largest font size of the labels; a label that does not fit its box
        gets a smaller one (set the figure size before drawing).
    title : str, optional

    Returns
    -------
    list of (float, float), length N
        The centre of each box.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(6, 1.5))
    >>> centres = chain(ax, ["input", "conv 3x3", "conv 3x3", "add", "ReLU"], skips=[(0, 3, "x")])
    >>> centres[3]
    (3.0, 0.0)
    >>> len(ax.patches)          # 5 boxes, 4 arrows, 1 arc
    10
    >>> plt.close(fig)
    """
    _check_axes(ax)
    items = _boxes(boxes, "boxes")
    h = _check_size("box_height", box_height)
    fontsize = _check_size("fontsize", fontsize)
    n, w = len(items), 0.8
    arcs = []
    if isinstance(skips, (str, bytes)) or not hasattr(skips, "__iter__"):
        raise TypeError(f"skips must be a list of (i, j) or (i, j, label); got {skips!r}")
    for k, skip in enumerate(skips):
        if not isinstance(skip, (tuple, list)) or len(skip) not in (2, 3):
            raise TypeError(f"skips[{k}] must be (i, j) or (i, j, label); got {skip!r}")
        i, j = skip[0], skip[1]
        label = skip[2] if len(skip) == 3 else None
        if any(isinstance(v, bool) or not isinstance(v, numbers.Integral) for v in (i, j)):
            raise TypeError(f"skips[{k}]: i and j must be ints (box numbers); got {skip!r}")
        if not (0 <= i and i + 1 < j < n):
            raise ValueError(f"skips[{k}] = {skip!r}: need 0 <= i < j - 1 and j < {n} (an arc skips a box)")
        if label is not None and not isinstance(label, str):
            raise TypeError(f"skips[{k}]: the label must be a str; got {label!r}")
        arcs.append((int(i), int(j), label))

    top = h / 2
    for i, j, _ in arcs:
        top = max(top, h / 2 + 0.35 * (j - i - 0.3) / 2 + 0.2)  # an arc's peak, and room for a label
    xmin, xmax, ymin, ymax = -0.5, n - 0.5, -h / 2 - 0.1, top + 0.1
    per_unit = _points_per_unit(ax, xmax - xmin, ymax - ymin)
    centres = [(float(i), 0.0) for i in range(n)]
    for (x, y), (label, kind) in zip(centres, items):
        _draw_box(ax, x, y, w, h, label, kind, fontsize, per_unit)
    for i in range(n - 1):
        _arrow(ax, (i + w / 2, 0.0), (i + 1 - w / 2, 0.0))
    for i, j, label in arcs:
        # an arc from the top of box i to the top of box j; longer skips arc higher
        _arrow(ax, (i + 0.15, h / 2), (j - 0.15, h / 2), rad=-0.35, color="#b45f06", label=label,
               fontsize=fontsize)
    _finish(ax, xmin, xmax, ymin, ymax, title)
    return centres


def branches(ax, source, paths, sink, *, box_height: float = 0.55, fontsize: float = 7,
             title: str | None = None):
    """Draw one box feeding several parallel paths that meet again in one box (top to bottom).

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn on in data coordinates (path ``p`` is the column at ``x = p``,
        row ``r`` at ``y = -r``); its axis lines are switched off.
    source : str or (str, str)
        The box every path starts from (the module's input).
    paths : sequence of sequences of boxes, length P >= 1
        Each path is a list of boxes (labels or ``(label, kind)``), drawn as
        a column; an empty path is a plain arrow (an identity shortcut).
    sink : str or (str, str)
        The box where the paths meet (``"concatenate"``, ``"add"``).
    box_height : float > 0
        Height of a box (rows are 1 apart, columns 1 apart, boxes 0.86 wide).
    fontsize : float > 0
        Largest font size of the labels (smaller where a label would not fit).
    title : str, optional

    Returns
    -------
    dict
        ``{"source": (x, y), "paths": [[(x, y), ...], ...], "sink": (x, y)}``,
        the centres of the boxes.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3))
    >>> where = branches(ax, "input", [["1x1 conv"], ["1x1 conv", "3x3 conv"]], "concatenate")
    >>> where["sink"]
    (0.5, -3.0)
    >>> len(ax.patches)          # 5 boxes, 5 arrows
    10
    >>> plt.close(fig)
    """
    _check_axes(ax)
    src = _box(source, "source")
    snk = _box(sink, "sink")
    if isinstance(paths, str) or not hasattr(paths, "__len__"):
        raise TypeError(f"paths must be a list of paths (each a list of boxes); got {paths!r}")
    if len(paths) == 0:
        raise ValueError("paths must hold at least one path")
    columns = []
    for p, path in enumerate(paths):
        if isinstance(path, str) or not hasattr(path, "__len__"):
            raise TypeError(f"paths[{p}] must be a list of boxes; got {path!r}")
        columns.append([_box(v, f"paths[{p}][{r}]") for r, v in enumerate(path)])
    h = _check_size("box_height", box_height)
    fontsize = _check_size("fontsize", fontsize)
    w = 0.86
    rows = max(len(c) for c in columns)
    middle = (len(columns) - 1) / 2
    src_xy, sink_xy = (middle, 0.0), (middle, -(rows + 1.0))
    xmin, xmax, ymin, ymax = -0.55, len(columns) - 0.45, sink_xy[1] - h / 2 - 0.1, h / 2 + 0.1
    per_unit = _points_per_unit(ax, xmax - xmin, ymax - ymin)
    _draw_box(ax, *src_xy, w, h, *src, fontsize, per_unit)
    _draw_box(ax, *sink_xy, w, h, *snk, fontsize, per_unit)
    where = []
    for p, column in enumerate(columns):
        xy = [(float(p), -(r + 1.0)) for r in range(len(column))]
        for (x, y), (label, kind) in zip(xy, column):
            _draw_box(ax, x, y, w, h, label, kind, fontsize, per_unit)
        ends = [(src_xy[0], src_xy[1] - h / 2)]
        for x, y in xy:
            ends.append((x, y + h / 2))
            _arrow(ax, ends[-2], ends[-1])
            ends[-1] = (x, y - h / 2)
        _arrow(ax, ends[-1], (sink_xy[0], sink_xy[1] + h / 2))
        where.append(xy)
    _finish(ax, xmin, xmax, ymin, ymax, title)
    return {"source": src_xy, "paths": where, "sink": sink_xy}
