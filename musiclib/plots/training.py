"""Plot helpers (training): loss curves, function and density curves, confusion matrices.

Chapters: 06_neural_networks, 07_gan_theory (08_toy_gans keeps its own plots in
``musiclib.gan.toy``). Re-exported by :mod:`musiclib.plots`. Each helper takes
``ax=None`` (a new figure when None), draws into it and returns what it drew.
"""

from __future__ import annotations

import numpy as np

from .._validation import _repr, check_bool, check_finite_array, check_positive_int, check_sequence
from ._axes import axes_or_new, check_ax

# Most histogram bins density_curves draws per sample set.
_MAX_BINS = 10_000

__all__ = ["loss_curves", "function_curves", "density_curves", "confusion_matrix"]


def _as_history(history):
    # Accept a keras History (its .history dict), a dict or a bare sequence.
    history = getattr(history, "history", history)
    if isinstance(history, dict):
        return dict(history)
    try:
        ndim = np.ndim(history)
    except (ValueError, TypeError):  # ragged nested lists
        ndim = -1
    if isinstance(history, (str, bytes)) or ndim != 1:
        raise ValueError(
            f"history={_repr(history)} must be a keras History, a dict name -> values, or one 1-D sequence of values"
        )
    return {"loss": history}


def _curve_values(name: str, values, *, allow_nonfinite: bool = False) -> np.ndarray:
    """Real numeric values of one curve (NaN/inf allowed where ``allow_nonfinite``: drawn as gaps)."""
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} must be an array of numbers: {err}") from None
    if allow_nonfinite and np.issubdtype(arr.dtype, np.floating):
        check_finite_array(name, np.nan_to_num(arr), min_ndim=1)  # shape, emptiness and dtype
        return arr.astype(float)
    return check_finite_array(name, arr, min_ndim=1).astype(float)


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
        If ``history`` is not one of the accepted forms, ``keys`` is not a
        sequence of keys of it, a curve is empty, not 1-D or not finite, or
        ``logy`` is not a bool.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> lines = loss_curves({"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6]})
    >>> len(lines)
    2
    """
    curves = _as_history(history)
    if isinstance(keys, (str, bytes)):
        raise ValueError(f"keys={keys!r} must be a list of history keys, e.g. [{keys!r}]")
    try:
        keys = list(curves) if keys is None else list(keys)
    except TypeError:
        raise ValueError(f"keys={_repr(keys)} must be a list of history keys or None") from None
    for key in keys:
        if not isinstance(key, str) or key not in curves:
            raise ValueError(f"keys: {key!r} is not in the history (has {', '.join(map(repr, curves))})")
    logy = check_bool("logy", logy)
    values_of = {key: _curve_values(key, curves[key]) for key in keys}
    for key, values in values_of.items():
        if values.ndim != 1:
            raise ValueError(f"{key} must be a 1-D sequence of values, got shape {values.shape}")
    ax = axes_or_new(ax, (6.0, 3.5))
    lines, colours = [], {}
    for key in keys:
        values = values_of[key]
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
        Label → real values on the grid; NaN or inf leave a gap in the line
        (e.g. ``log D`` where ``D = 0``).
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
        If ``x`` is not a finite 1-D grid, ``curves`` is not a non-empty dict
        of real arrays shaped like ``x``, or ``styles`` is not a dict of dicts.
    TypeError
        If ``ax`` is not a matplotlib Axes or None, or a style holds an unknown line property.

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
    styles = {} if styles is None else styles
    if not isinstance(styles, dict) or not all(isinstance(v, dict) for v in styles.values()):
        raise ValueError(f"styles={_repr(styles)} must be a dict label -> dict of line properties, or None")
    checked = {}
    for label, values in curves.items():
        values = _curve_values(f"curves[{label!r}]", values, allow_nonfinite=True)
        if values.shape != x.shape:
            raise ValueError(f"curves[{label!r}] must have the shape of x {x.shape}, got {values.shape}")
        checked[label] = values
    ax = axes_or_new(ax, (6.0, 3.5))
    lines = []
    for label, values in checked.items():
        try:
            (line,) = ax.plot(x, values, label=label, **styles.get(label, {}))
        except AttributeError as err:  # matplotlib: unknown line property
            raise TypeError(f"styles[{label!r}]: {err}") from None
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
        Histogram bins over the range of ``x``, at most 10,000.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure when None.
    xlabel, title : str or None
        Labels.

    Returns
    -------
    dict
        ``"lines"``: the density lines; ``"histograms"``: the histogram patches.

    Raises
    ------
    ValueError
        As :func:`function_curves`, or if ``bins`` is not an integer in
        [1, 10000] or ``samples`` is not a dict of finite real samples.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> x = np.linspace(-4, 4, 81)
    >>> drawn = density_curves(x, {"p": np.exp(-x**2 / 2) / np.sqrt(2 * np.pi)})
    """
    bins = check_positive_int("bins", bins, maximum=_MAX_BINS)
    if samples is not None and not isinstance(samples, dict):
        raise ValueError(f"samples={_repr(samples)} must be a dict label -> 1-D samples, or None")
    samples = {label: check_finite_array(f"samples[{label!r}]", sample, min_ndim=1).ravel()
               for label, sample in (samples or {}).items()}
    check_ax(ax)
    ax = axes_or_new(ax, (6.0, 3.5))
    lines = function_curves(x, densities, ax=ax, xlabel=xlabel, ylabel="density", title=title)
    for line in lines:
        ax.fill_between(line.get_xdata(), line.get_ydata(), color=line.get_color(), alpha=0.15)
    histograms = []
    for label, sample in samples.items():
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
        If ``labels`` is not a non-empty sequence (a bare string is not), or
        the label arrays differ in length or hold labels outside the range.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1], [0, 1, 0], labels=["maj", "min"]).tolist()
    [[1, 0], [1, 1]]
    """
    labels = list(check_sequence("labels", labels, "a sequence of class names"))
    n = len(labels)
    if n == 0:
        raise ValueError("labels must name at least one class")
    try:
        y_true = np.asarray(y_true).ravel()
        y_pred = np.asarray(y_pred).ravel()
    except (ValueError, TypeError) as err:
        raise ValueError(f"y_true and y_pred must be arrays of integer labels: {err}") from None
    if y_true.shape != y_pred.shape or y_true.size == 0:
        raise ValueError(f"y_true and y_pred must be non-empty and equally long, got {y_true.shape} and {y_pred.shape}")
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        if not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= n:
            raise ValueError(f"{name} must hold integer labels in [0, {n - 1}]")
    counts = np.zeros((n, n), dtype=int)
    np.add.at(counts, (y_true, y_pred), 1)
    check_ax(ax)
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
