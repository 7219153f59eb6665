"""Plot helpers: one style for every lesson, and image grids with titles.

Only plumbing lives here; the plots that teach something are written out in
the lessons.
"""

from __future__ import annotations

import numpy as np

__all__ = ["use_course_style", "show_images", "disp_image"]


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


_SCALES = {255: (0.0, 255.0), 1: (0.0, 1.0)}


def disp_image(image, ax=None, title=None, *, scale=None, vmin=None, vmax=None):
    """Show one 2D array on a declared value range (grey levels, 0..1, or signed).

    The range comes from what the numbers mean, which only the caller knows,
    never from the values: a dark photograph on the 0..255 scale whose pixels
    are all below 1 is drawn nearly black, not stretched to full brightness.

    Parameters
    ----------
    image : array_like, shape (H, W)
        A grey image, a mask or a signed response.
    ax : matplotlib Axes, optional
        Where to draw (default: the current Axes).
    title : str, optional
        The panel's title.
    scale : {255, 1, "signed"}, optional
        ``255``: grey levels 0 (black) to 255 (white); ``1``: 0 to 1
        (scikit-image's float convention); ``"signed"``: a diverging colormap
        centred on 0 (white 0, red positive, blue negative) over
        ``[-max|image|, max|image|]``, with a colourbar. Default: 255 for
        ``uint8`` images, 1 for ``bool`` masks; any other dtype must say it.
    vmin, vmax : float, optional
        An explicit grey range instead of ``scale`` (give both). With
        ``scale="signed"``, ``vmax`` alone sets the symmetric limit.
        Values outside the range are drawn in the end colours.

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        If ``image`` is not 2D, ``scale`` is not one of the three, only one of
        ``vmin``/``vmax`` is given, or the scale of a non-uint8, non-bool
        image is not declared.

    Examples
    --------
    >>> art = disp_image(np.full((4, 5), 0.8), scale=255)  # a nearly black image on 0..255
    >>> art.get_clim()
    (0.0, 255.0)
    >>> disp_image(np.full((4, 5), 0.8))
    Traceback (most recent call last):
    ...
    ValueError: scale must be declared for an image of dtype float64: 255 (grey levels 0..255), 1 (0..1) or "signed"; got None
    """
    import matplotlib.pyplot as plt

    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"image must be a 2D array (H, W); got shape {image.shape}")
    if scale is not None and not (isinstance(scale, str) and scale == "signed") and (
        isinstance(scale, (bool, str)) or scale not in _SCALES
    ):
        raise ValueError(f'scale must be 255, 1 or "signed"; got {scale!r}')
    ax = ax or plt.gca()
    if scale == "signed":
        if vmin is not None:
            raise ValueError("with scale=\"signed\" give vmax only (the range is -vmax..vmax); got vmin")
        lim = float(vmax) if vmax is not None else float(np.max(np.abs(image), initial=0.0))
        lim = lim or 1.0
        art = ax.imshow(image, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.figure.colorbar(art, ax=ax, fraction=0.046, pad=0.04)
    else:
        if (vmin is None) != (vmax is None):
            raise ValueError(f"give both vmin and vmax, or neither; got vmin={vmin!r}, vmax={vmax!r}")
        if vmin is None:
            if scale is None and image.dtype == np.uint8:
                scale = 255
            elif scale is None and image.dtype == np.bool_:
                scale = 1
            elif scale is None:
                raise ValueError(
                    f"scale must be declared for an image of dtype {image.dtype}: 255 (grey levels "
                    f'0..255), 1 (0..1) or "signed"; got None'
                )
            vmin, vmax = _SCALES[scale]
        art = ax.imshow(image, cmap="gray", vmin=vmin, vmax=vmax)
    ax.set_title(title)
    ax.set_xlabel("column j")
    ax.set_ylabel("row i")
    ax.grid(False)
    return art
