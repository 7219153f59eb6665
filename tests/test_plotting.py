"""The plot helpers: disp_image draws on the range the caller declares, never one guessed from the data."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils.plotting import disp_image, show_images


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_uint8_is_drawn_on_0_to_255(ax):
    dark = np.full((4, 6), 3, dtype=np.uint8)
    art = disp_image(dark, ax, "dark")
    assert art.get_clim() == (0, 255) and art.get_cmap().name == "gray"
    assert ax.get_title() == "dark" and ax.get_xlabel() == "column j" and ax.get_ylabel() == "row i"


def test_a_dark_float_image_on_0_to_255_stays_dark(ax):
    """The bug this function fixes: a float image on 0..255 whose values are all <= 1 was drawn on 0..1."""
    dim = np.linspace(0, 0.9, 20).reshape(4, 5)
    art = disp_image(dim, ax, scale=255)
    assert art.get_clim() == (0, 255)
    assert art.norm(dim).max() < 0.01  # nearly black


def test_scale_1_and_bool_masks_are_drawn_on_0_to_1(ax):
    assert disp_image(np.eye(3) * 0.5, ax, scale=1).get_clim() == (0, 1)
    assert disp_image(np.eye(3, dtype=bool), ax).get_clim() == (0, 1)


def test_signed_data_get_a_symmetric_diverging_scale_and_a_colourbar(ax):
    response = np.array([[-2.0, 0.5], [1.0, 0.0]])
    art = disp_image(response, ax, scale="signed")
    assert art.get_clim() == (-2, 2) and art.get_cmap().name == "RdBu_r"
    assert art.colorbar is not None
    # All-positive data declared signed stay on a range centred on 0; a flat zero image gets +-1.
    assert disp_image(np.ones((2, 2)), ax, scale="signed").get_clim() == (-1, 1)
    assert disp_image(np.zeros((2, 2)), ax, scale="signed").get_clim() == (-1, 1)
    assert disp_image(response, ax, scale="signed", vmax=5).get_clim() == (-5, 5)


def test_explicit_vmin_vmax(ax):
    art = disp_image(np.arange(6.0).reshape(2, 3), ax, vmin=-10, vmax=10)
    assert art.get_clim() == (-10, 10)


def test_default_axes_is_the_current_one():
    fig = plt.figure()
    try:
        art = disp_image(np.zeros((2, 2), dtype=np.uint8))
        assert art.axes is fig.gca()
    finally:
        plt.close(fig)


def test_the_old_call_signature_still_works(ax):
    """disp_image(image, ax, title), positionally, as lesson 03 first wrote it."""
    art = disp_image(np.zeros((3, 3), dtype=np.uint8), ax, "t")
    assert art.get_clim() == (0, 255)


@pytest.mark.parametrize("image,kwargs,message", [
    (np.full((3, 3), 0.5), {}, "scale must be declared for an image of dtype float64"),
    (np.full((3, 3), 7, dtype=np.int64), {}, "scale must be declared for an image of dtype int64"),
    (np.zeros((3, 3)), {"scale": 100}, 'scale must be 255, 1 or "signed"; got 100'),
    (np.zeros((3, 3)), {"scale": True}, 'scale must be 255, 1 or "signed"; got True'),
    (np.zeros((3, 3)), {"scale": "0..255"}, "scale must be 255, 1"),
    (np.zeros((3, 3)), {"vmin": 0}, "give both vmin and vmax"),
    (np.zeros((3, 3)), {"scale": "signed", "vmin": -1}, "give vmax only"),
    (np.zeros((3, 3, 3)), {"scale": 1}, "image must be a 2D array (H, W); got shape (3, 3, 3)"),
    (np.zeros(3), {"scale": 1}, "got shape (3,)"),
])
def test_bad_arguments_are_named(ax, image, kwargs, message):
    with pytest.raises(ValueError) as err:
        disp_image(image, ax, **kwargs)
    assert message in str(err.value)


def test_show_images_is_unchanged():
    fig, axes = show_images([np.eye(3), -np.eye(3)], ["I", "-I"], signed=True)
    try:
        assert len(axes) == 2 and axes[1].images[0].get_clim() == (-1, 1)
    finally:
        plt.close(fig)
