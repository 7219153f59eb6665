"""Plot helpers: one style for every lesson, and image grids with titles.

Only plumbing lives here; the plots that teach something are written out in
the lessons.
"""

from __future__ import annotations

import numpy as np

__all__ = ["use_course_style", "show_images"]


def use_course_style() -> None:
    """Apply the course's matplotlib style (size, dpi, grid, font sizes).

    The dpi is moderate so that committed notebooks stay small on disk.

    Examples
    --------
    >>> use_course_style()
    """
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (8, 3.2),
            "figure.dpi": 80,
            "savefig.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "image.interpolation": "nearest",
        }
    )


def show_images(
    images,
    titles=None,
    *,
    ncols: int | None = None,
    cmap: str = "gray",
    signed: bool = False,
    colorbar: bool = False,
    size: float = 2.6,
    suptitle: str | None = None,
):
    """Show 2D arrays (or RGB images) side by side, each with its title.

    Parameters
    ----------
    images : sequence of ndarray, each (H, W) or (H, W, 3)
        Grey images are drawn with ``cmap``; RGB images as they are.
    titles : sequence of str, optional
        One title per image.
    ncols : int, optional
        Images per row (default: all in one row, at most 6).
    cmap : str
        Colormap for 2D arrays.
    signed : bool
        Centre the colour scale on zero with a diverging colormap
        (``"RdBu_r"``) and add a colourbar: for edge maps and other signed data.
    colorbar : bool
        Add a colourbar to every 2D image.
    size : float
        Width and height of one panel in inches.
    suptitle : str, optional
        A title over the whole figure.

    Returns
    -------
    (fig, axes) : matplotlib Figure and a flat ndarray of Axes

    Examples
    --------
    >>> fig, axes = show_images([np.eye(3), -np.eye(3)], ["I", "-I"], signed=True)
    >>> len(axes)
    2
    """
    import matplotlib.pyplot as plt

    images = [np.asarray(im) for im in images]
    if not images:
        raise ValueError("images must hold at least one image; got none")
    for i, im in enumerate(images):
        if im.ndim not in (2, 3) or (im.ndim == 3 and im.shape[-1] not in (3, 4)):
            raise ValueError(
                f"images[{i}] must have shape (H, W) or (H, W, 3); got {im.shape}"
            )
    if titles is not None and len(titles) != len(images):
        raise ValueError(
            f"titles must have one entry per image: {len(images)} images, "
            f"{len(titles)} titles"
        )
    n = len(images)
    ncols = ncols or min(n, 6)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, size * nrows), squeeze=False
    )
    axes = axes.ravel()
    for i, ax in enumerate(axes):
        ax.grid(False)
        if i >= n:
            ax.axis("off")
            continue
        im = images[i]
        if im.ndim == 2 and signed:
            lim = float(np.max(np.abs(im))) or 1.0
            art = ax.imshow(im, cmap="RdBu_r", vmin=-lim, vmax=lim)
        elif im.ndim == 2:
            art = ax.imshow(im, cmap=cmap)
        else:
            art = ax.imshow(im)
        if im.ndim == 2 and (signed or colorbar):
            fig.colorbar(art, ax=ax, fraction=0.046, pad=0.04)
        if titles is not None:
            ax.set_title(titles[i])
        ax.set_xlabel("column j")
        ax.set_ylabel("row i")
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig, axes
