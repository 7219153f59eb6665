"""Repeated runs: a result over several seeds, as a mean with its spread, in words and in a plot.

A comparison that draws a conclusion rests on at least three seeds; these
helpers print and draw what the seeds give, so that every lesson shows the
spread the same way. Training the runs stays in the lessons.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["summary", "plot_runs"]


def _values(values, name: str = "values") -> np.ndarray:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence of numbers, one per seed; got {values!r}")
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a sequence of numbers, one per seed; got {values!r}") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1D sequence (one number per seed); got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite numbers; got {values!r}")
    return array


def summary(values, *, percent: bool = False, digits: int | None = None) -> str:
    """Describe one result over seeds: mean ± standard deviation, the range, and the number of seeds.

    Parameters
    ----------
    values : sequence of float, shape (S,)
        One result per seed (for example the best validation accuracy).
    percent : bool
        Show fractions as percentages (0.912 -> 91.2%).
    digits : int, optional
        Decimals shown (default: 1 for percentages, 3 otherwise).

    Returns
    -------
    str
        For example ``"91.2% ± 0.3% (90.9%–91.5%, 3 seeds)"``; the standard
        deviation is the sample one (``ddof=1``), 0 for one seed.

    Examples
    --------
    >>> summary([0.909, 0.912, 0.915], percent=True)
    '91.2% ± 0.3% (90.9%–91.5%, 3 seeds)'
    >>> summary([2.5, 3.5])
    '3.000 ± 0.707 (2.500–3.500, 2 seeds)'
    """
    array = _values(values)
    if digits is None:
        digits = 1 if percent else 3
    if isinstance(digits, bool) or not isinstance(digits, numbers.Integral) or digits < 0:
        raise TypeError(f"digits must be a non-negative int; got {digits!r}")
    scale, unit = (100.0, "%") if percent else (1.0, "")
    std = array.std(ddof=1) if array.size > 1 else 0.0

    def fmt(v):
        return f"{v * scale:.{digits}f}{unit}"

    seeds = f"{array.size} seed" + ("s" if array.size != 1 else "")
    return f"{fmt(array.mean())} ± {fmt(std)} ({fmt(array.min())}–{fmt(array.max())}, {seeds})"


def plot_runs(ax, histories, key: str, *, label: str | None = None, color=None, percent: bool = False):
    """Draw one metric over epochs for several seeds: the mean as a line, the range as a band.

    Parameters
    ----------
    ax : matplotlib Axes
    histories : sequence of dict
        One Keras history per seed (``model.fit(...).history``): each maps a
        metric name to its per-epoch values. Runs may have different lengths
        (early stopping): each epoch is averaged over the runs that reached it.
    key : str
        The metric, for example ``"val_accuracy"``.
    label : str, optional
        Legend entry; the number of seeds is added.
    color : optional
        Any matplotlib colour (default: the next one of the axes' cycle).
    percent : bool
        Plot fractions as percentages.

    Returns
    -------
    matplotlib.lines.Line2D
        The mean line (its colour is the band's).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> runs = [{"val_accuracy": [0.80, 0.85]}, {"val_accuracy": [0.78, 0.86]}, {"val_accuracy": [0.81, 0.84]}]
    >>> line = plot_runs(ax, runs, "val_accuracy", label="CNN")
    >>> line.get_label()
    'CNN (3 seeds)'
    >>> plt.close(fig)
    """
    if isinstance(histories, dict) or not hasattr(histories, "__len__") or len(histories) == 0:
        raise TypeError("histories must be a non-empty list of Keras histories (dicts), one per seed; "
                        f"got {type(histories).__name__}")
    curves = []
    for i, history in enumerate(histories):
        if not isinstance(history, dict):
            raise TypeError(f"histories[{i}] must be a dict (model.fit(...).history); got {type(history).__name__}")
        if key not in history:
            raise ValueError(f"histories[{i}] has no {key!r}; it has {sorted(history)}")
        curves.append(_values(history[key], f"histories[{i}][{key!r}]"))
    length = max(len(c) for c in curves)
    table = np.full((len(curves), length), np.nan)
    for i, curve in enumerate(curves):
        table[i, : len(curve)] = curve
    scale = 100.0 if percent else 1.0
    epochs = np.arange(1, length + 1)
    mean = np.nanmean(table, axis=0) * scale
    text = f"{label} ({len(curves)} seed{'s' if len(curves) != 1 else ''})" if label else None
    (line,) = ax.plot(epochs, mean, color=color, label=text)
    if len(curves) > 1:
        ax.fill_between(epochs, np.nanmin(table, axis=0) * scale, np.nanmax(table, axis=0) * scale,
                        color=line.get_color(), alpha=0.2, linewidth=0)
    ax.set_xlabel("epoch")
    return line
