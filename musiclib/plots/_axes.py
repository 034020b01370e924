"""The one ``ax=None`` rule shared by every plot helper, and the checks plot helpers share."""

from __future__ import annotations

import numpy as np

from .._validation import _repr, check_bool, check_finite_array


def check_ax(ax):
    """Return ``ax``; raise ``TypeError`` unless it is a matplotlib Axes or None."""
    if ax is not None:
        from matplotlib.axes import Axes

        if not isinstance(ax, Axes):
            raise TypeError(f"ax={_repr(ax)} must be a matplotlib Axes or None")
    return ax


def axes_or_new(ax, figsize):
    """Return ``ax``, or the axes of a new figure of ``figsize`` (inches) when ``ax`` is None.

    Raises ``TypeError`` for anything else than an Axes or None (checked before a figure is made).
    """
    if check_ax(ax) is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize)
    return ax


def check_color(name: str, value):
    """Return ``value``; raise ``ValueError`` unless matplotlib understands it as a colour (None passes)."""
    from matplotlib.colors import is_color_like

    if value is not None and not is_color_like(value):
        raise ValueError(f"{name}={_repr(value)} is not a matplotlib colour (e.g. 'tab:blue', 'red', '#1f77b4')")
    return value


def check_cmap(name: str, value):
    """Return ``value``; raise ``ValueError`` unless it names a registered matplotlib colour map (or is one)."""
    import matplotlib
    from matplotlib.colors import Colormap

    if isinstance(value, Colormap):
        return value
    if not isinstance(value, str) or value not in matplotlib.colormaps:
        raise ValueError(f"{name}={_repr(value)} is not a matplotlib colour map name (e.g. 'magma', 'Greys', 'RdBu_r')")
    return value


def check_image(name: str, value) -> np.ndarray:
    """A finite, real, numeric 2-D array to draw as an image."""
    arr = check_finite_array(name, value, min_ndim=2)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D, got shape {arr.shape}")
    return arr


def plot_kwargs(ax_method, *args, **kwargs):
    """Call ``ax.plot``-like ``ax_method``; an unknown keyword becomes a ``TypeError`` naming it."""
    try:
        return ax_method(*args, **kwargs)
    except AttributeError as err:  # matplotlib: "Line2D.set() got an unexpected keyword argument 'foo'"
        raise TypeError(f"line_kwargs: {err}") from None


__all__ = ["axes_or_new", "check_ax", "check_bool", "check_cmap", "check_color", "check_image", "plot_kwargs"]
