"""Plot helpers (training): loss curves, function and density curves, confusion matrices.

Chapters: 06_neural_networks, 07_gan_theory (08_toy_gans keeps its own plots in
``musiclib.gan.toy``). Re-exported by :mod:`musiclib.plots`. Each helper takes
``ax=None`` (a new figure when None), draws into it and returns what it drew.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_finite_array, check_positive_int
from ._axes import axes_or_new

__all__ = ["loss_curves", "function_curves", "density_curves", "confusion_matrix"]


def _as_history(history):
    # Accept a keras History (its .history dict), a dict or a bare sequence.
    history = getattr(history, "history", history)
    if isinstance(history, dict):
        return dict(history)
    return {"loss": history}


def loss_curves(history, *, keys=None, ax=None, logy: bool = False, xlabel: str = "epoch", ylabel=None, title=None):
    """Plot training curves (loss, accuracy, …) against the epoch or step.

    Chapter: 06_neural_networks (also 07_gan_theory)

    Parameters
    ----------
    history : keras.callbacks.History, dict of sequences, or sequence
        A Keras ``History`` (from ``model.fit``), a dict name → values, or one
        sequence of values (plotted as ``"loss"``).
    keys : sequence of str or None
        Which curves to draw (default: all). A key ``"val_x"`` is drawn dashed
        in the colour of ``"x"`` when both are drawn.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure when None.
    logy : bool
        Logarithmic y axis (for positive values).
    xlabel : str
        Label of the x axis.
    ylabel : str or None
        Label of the y axis (e.g. "cross-entropy"); none when None.
    title : str or None
        Axes title.

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line per key, in order.

    Raises
    ------
    ValueError
        If a requested key is missing or a curve is empty.

    Examples
    --------
    >>> lines = loss_curves({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6]})
    >>> len(lines)
    2
    """
    curves = _as_history(history)
    keys = list(curves) if keys is None else list(keys)
    for key in keys:
        if key not in curves:
            raise ValueError(f"keys: {key!r} is not in the history (has {', '.join(map(repr, curves))})")
    ax = axes_or_new(ax, (6.0, 3.5))
    lines, colours = [], {}
    for key in keys:
        values = check_finite_array(key, np.asarray(curves[key], dtype=float), min_ndim=1)
        base = key[4:] if key.startswith("val_") else key
        style = {"linestyle": "--"} if key.startswith("val_") else {}
        if base in colours:
            style["color"] = colours[base]
        (line,) = ax.plot(np.arange(1, values.size + 1), values, label=key, **style)
        colours.setdefault(base, line.get_color())
        lines.append(line)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return lines


def function_curves(x, curves, *, ax=None, xlabel: str = "x", ylabel=None, title=None, styles=None):
    """Plot several functions of the same grid ``x`` (activations, discriminators, critics, gradients).

    Chapter: 06_neural_networks (also 07_gan_theory)

    Parameters
    ----------
    x : np.ndarray [shape=(n,)]
        Grid.
    curves : dict of str → np.ndarray [shape=(n,)]
        Label → values on the grid.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure when None.
    xlabel, ylabel, title : str or None
        Labels.
    styles : dict of str → dict or None
        Optional matplotlib keyword arguments per label (e.g. ``{"D*": {"linestyle": ":"}}``).

    Returns
    -------
    list of matplotlib.lines.Line2D

    Raises
    ------
    ValueError
        If a curve does not match the grid.

    Examples
    --------
    >>> x = np.linspace(-3, 3, 61)
    >>> lines = function_curves(x, {"tanh": np.tanh(x), "relu": np.maximum(x, 0)})
    """
    x = check_finite_array("x", x, min_ndim=1)
    if x.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {x.shape}")
    if not isinstance(curves, dict) or not curves:
        raise ValueError("curves must be a non-empty dict label -> values")
    styles = styles or {}
    ax = axes_or_new(ax, (6.0, 3.5))
    lines = []
    for label, values in curves.items():
        values = np.asarray(values, dtype=float)
        if values.shape != x.shape:
            raise ValueError(f"curves[{label!r}] must have the shape of x {x.shape}, got {values.shape}")
        (line,) = ax.plot(x, values, label=label, **styles.get(label, {}))
        lines.append(line)
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3)
    return lines


def density_curves(x, densities, *, samples=None, bins: int = 60, ax=None, xlabel: str = "x", title=None):
    """Plot densities on a grid, optionally over normalised histograms of samples.

    Chapter: 07_gan_theory

    Parameters
    ----------
    x : np.ndarray [shape=(n,)]
        Grid.
    densities : dict of str → np.ndarray [shape=(n,)]
        Label → density values (filled lightly under the curve).
    samples : dict of str → np.ndarray or None
        Label → 1-D samples, drawn as step histograms (density-normalised).
    bins : int
        Histogram bins over the range of ``x``.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure when None.
    xlabel, title : str or None
        Labels.

    Returns
    -------
    dict
        ``"lines"``: the density lines; ``"histograms"``: the histogram patches.

    Examples
    --------
    >>> x = np.linspace(-4, 4, 81)
    >>> drawn = density_curves(x, {"p": np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)})
    """
    bins = check_positive_int("bins", bins)
    ax = axes_or_new(ax, (6.0, 3.5))
    lines = function_curves(x, densities, ax=ax, xlabel=xlabel, ylabel="density", title=title)
    for line in lines:
        ax.fill_between(line.get_xdata(), line.get_ydata(), color=line.get_color(), alpha=0.15)
    histograms = []
    for label, sample in (samples or {}).items():
        sample = check_finite_array(f"samples[{label!r}]", sample, min_ndim=1).ravel()
        _, _, patches = ax.hist(sample, bins=bins, range=(float(np.min(x)), float(np.max(x))), density=True,
                                histtype="step", label=f"{label} (samples)")
        histograms.append(patches)
    ax.legend()
    return {"lines": lines, "histograms": histograms}


def confusion_matrix(y_true, y_pred, *, labels, ax=None, title=None):
    """Draw the confusion matrix of a classifier with counts in each cell.

    Chapter: 06_neural_networks

    Parameters
    ----------
    y_true, y_pred : np.ndarray [shape=(n,)]
        Integer class labels ``0 … len(labels)-1``.
    labels : sequence of str
        Class names.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure when None.
    title : str or None
        Axes title.

    Returns
    -------
    counts : np.ndarray [shape=(n_classes, n_classes)]
        ``counts[i, j]`` = examples of true class i predicted as j.

    Raises
    ------
    ValueError
        If the label arrays differ in length or hold labels outside the range.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], labels=["maj", "min"]).tolist()
    [[1, 0], [1, 1]]
    """
    labels = list(labels)
    n = len(labels)
    y_true = np.asarray(y_true).ravel()
    y_pred = np.asarray(y_pred).ravel()
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"y_true and y_pred must be non-empty and equally long, got {y_true.shape} and {y_pred.shape}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n:
            raise ValueError(f"{name} must hold integer labels in [0, {n - 1}]")
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    ax = axes_or_new(ax, (3.5, 3.0))
    ax.imshow(counts, cmap="Blues")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(counts[i, j]), ha="center", va="center",
                    color="white" if counts[i, j] > counts.max() / 2 else "black")
    ax.set_xticks(range(n), labels)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if title:
        ax.set_title(title)
    return counts
