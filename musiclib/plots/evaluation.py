"""Plot helpers (evaluation): feature distributions of several systems, overlap areas against the real-vs-real
ceiling, pitch-class transition matrices side by side.

Chapter: 10_evaluating_generated_music. Re-exported by :mod:`musiclib.plots`. Each helper takes ``ax=None`` (or
``axes=None``; new axes when None), draws into it and returns what it drew.
"""

from __future__ import annotations

import numpy as np

from .._validation import _repr, check_finite_array, check_positive_int
from ._axes import axes_or_new, check_ax, check_cmap

__all__ = ["SYSTEM_COLORS", "PITCH_CLASS_NAMES", "feature_histograms", "overlap_bars", "transition_matrices"]

#: Colours of the scorecard's systems; other names get matplotlib's cycle.
SYSTEM_COLORS = {"real": "0.25", "held-out": "0.25", "gan": "#d62728", "markov": "#1f77b4", "random": "#ff7f0e",
                 "shuffled": "#2ca02c"}

#: Labels of the 12 pitch classes (C = 0), sharps.
PITCH_CLASS_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")

# Most panels feature_histograms draws, and most histogram bins per panel.
_MAX_PANELS = 64
_MAX_BINS = 1000


def _color(name, index):
    return SYSTEM_COLORS.get(name, f"C{index % 10}")


def _check_dict(name: str, value, what: str) -> dict:
    if not isinstance(value, dict) or not value:
        raise ValueError(f"{name}={_repr(value)} must be a non-empty dict {what}")
    for key in value:
        if not isinstance(key, str):
            raise ValueError(f"{name}: key {key!r} must be a string ({what})")
    return value


def _check_axes_list(axes, count: int):
    if axes is None:
        return None
    try:
        flat = list(np.ravel(np.asarray(axes, dtype=object)))
    except (TypeError, ValueError):
        raise TypeError(f"axes={_repr(axes)} must be a sequence of matplotlib Axes or None") from None
    if len(flat) < count:
        raise ValueError(f"axes holds {len(flat)} Axes; {count} are needed (one per panel)")
    for ax in flat:
        if ax is None:
            raise TypeError("axes must hold matplotlib Axes, not None")
        check_ax(ax)
    return flat


def _new_axes(count: int, ncols: int, panel_size):
    import matplotlib.pyplot as plt

    ncols = min(ncols, count)
    nrows = -(-count // ncols)
    fig, grid = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows), squeeze=False)
    flat = list(grid.ravel())
    for ax in flat[count:]:
        ax.set_visible(False)
    fig.set_layout_engine("tight")
    return flat


def feature_histograms(features, *, names=None, bins: int = 24, ncols: int = 4, axes=None):
    """One panel per feature: the distribution of each system's per-sample values, as step histograms on shared bins.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    features : dict of str → dict of str → np.ndarray [shape=(n,)]
        System name (``"real"``, ``"gan"``, ...) → feature name → one value per sample, e.g. the output of
        :func:`musiclib.metrics.sample_features`. NaN values (a silent roll has no pitch range) are left out.
    names : sequence of str or None
        Features to draw, in order (default: those of the first system). Every system must have them.
    bins : int
        Bins per panel (1 to 1000), spanning the finite values of all systems; a feature whose values are all
        integers gets one bin per integer when that is fewer.
    ncols : int
        Panels per row when new axes are made.
    axes : sequence of matplotlib.axes.Axes or None
        Where to draw, one Axes per feature; a new figure when None.

    Returns
    -------
    list of matplotlib.axes.Axes
        The panels drawn into, one per feature (``axes[0].figure`` is the figure).

    Raises
    ------
    ValueError
        If ``features`` is not a non-empty dict of dicts of 1-D real arrays, a name is missing from a system or has
        no finite value in any system, ``bins`` or ``ncols`` is not a positive integer in range, or ``axes`` holds
        too few Axes.
    TypeError
        If ``axes`` is not a sequence of matplotlib Axes or None.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> drawn = feature_histograms({"real": {"x": rng.normal(size=50)}, "gan": {"x": rng.normal(1, 1, 50)}})
    >>> len(drawn), drawn[0].get_title()
    (1, 'x')
    """
    _check_dict("features", features, "system name -> dict feature name -> values")
    for system, table in features.items():
        _check_dict(f"features[{system!r}]", table, "feature name -> one value per sample")
    first = next(iter(features.values()))
    if names is None:
        names = list(first)
    else:
        if isinstance(names, (str, bytes)):
            raise ValueError(f"names={names!r} must be a list of feature names, e.g. [{names!r}]")
        try:
            names = list(names)
        except TypeError:
            raise ValueError(f"names={_repr(names)} must be a list of feature names or None") from None
        if not names:
            raise ValueError("names must name at least one feature")
    if len(names) > _MAX_PANELS:
        raise ValueError(f"names has {len(names)} features; at most {_MAX_PANELS} panels are drawn")
    bins = check_positive_int("bins", bins, maximum=_MAX_BINS)
    ncols = check_positive_int("ncols", ncols, maximum=_MAX_PANELS)
    values = {}
    for name in names:
        per_system = {}
        for system, table in features.items():
            if name not in table:
                raise ValueError(f"features[{system!r}] has no feature {name!r} (has {', '.join(map(repr, table))})")
            try:
                arr = np.asarray(table[name], dtype=float)
            except (TypeError, ValueError):
                raise ValueError(f"features[{system!r}][{name!r}] must be an array of numbers") from None
            if arr.ndim != 1:
                raise ValueError(f"features[{system!r}][{name!r}] must be 1-D (one value per sample), got shape {arr.shape}")
            if np.isinf(arr).any():
                raise ValueError(f"features[{system!r}][{name!r}] holds inf; only finite values or NaN are drawn")
            per_system[system] = arr[np.isfinite(arr)]
        if not any(v.size for v in per_system.values()):
            raise ValueError(f"feature {name!r} has no finite value in any system")
        values[name] = per_system
    flat = _check_axes_list(axes, len(names))
    flat = _new_axes(len(names), ncols, (3.2, 2.4)) if flat is None else flat[:len(names)]
    for ax, name in zip(flat, names):
        pooled = np.concatenate([v for v in values[name].values() if v.size])
        lo, hi = float(pooled.min()), float(pooled.max())
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
        if np.all(pooled == np.round(pooled)) and hi - lo + 1 <= bins:
            edges = np.arange(lo - 0.5, hi + 1.0)
        else:
            edges = np.linspace(lo, hi, bins + 1)
        for k, (system, arr) in enumerate(values[name].items()):
            if arr.size:
                ax.hist(arr, bins=edges, density=True, histtype="step", linewidth=1.4, color=_color(system, k),
                        label=system)
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    flat[0].legend(fontsize=7)
    return flat


def overlap_bars(overlaps, *, ceiling=None, ceiling_sd=None, ax=None, title=None):
    """Grouped bars of overlapping areas per feature and system, with the real-vs-real ceiling as a grey band.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    overlaps : dict of str → dict of str → float
        System name → feature name → overlapping area in [0, 1] (e.g. ``{f: card["gan"][f + "_overlap"]}``). Every
        system must have the features of the first.
    ceiling : dict of str → float, float, or None
        Real-vs-real overlap per feature (or one value for all), drawn as a dark line across each group.
    ceiling_sd : dict of str → float, float, or None
        Spread of the ceiling over resamples; the band covers ceiling ± ceiling_sd. Needs ``ceiling``.
    ax : matplotlib.axes.Axes or None
        Where to draw; a new figure when None.
    title : str or None

    Returns
    -------
    dict of str → matplotlib.container.BarContainer
        The bars of each system.

    Raises
    ------
    ValueError
        If ``overlaps`` is not a non-empty dict of dicts of numbers in [0, 1] over the same features, ``ceiling`` or
        ``ceiling_sd`` is not a number or a dict covering those features (ceiling in [0, 1], spread ≥ 0), or
        ``ceiling_sd`` is given without ``ceiling``.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> bars = overlap_bars({"gan": {"pitch_range": 0.6, "mean": 0.7}, "random": {"pitch_range": 0.1, "mean": 0.4}},
    ...                     ceiling={"pitch_range": 0.9, "mean": 0.93}, ceiling_sd=0.01)
    >>> sorted(bars), len(bars["gan"])
    (['gan', 'random'], 2)
    """
    _check_dict("overlaps", overlaps, "system name -> dict feature name -> overlapping area")
    names = None
    table = {}
    for system, row in overlaps.items():
        _check_dict(f"overlaps[{system!r}]", row, "feature name -> overlapping area")
        if names is None:
            names = list(row)
        missing = [n for n in names if n not in row]
        if missing:
            raise ValueError(f"overlaps[{system!r}] has no value for {', '.join(map(repr, missing))}")
        arr = check_finite_array(f"overlaps[{system!r}]", [row[n] for n in names]).astype(float)
        if arr.min() < 0 or arr.max() > 1:
            raise ValueError(f"overlaps[{system!r}] must hold overlapping areas in [0, 1], got [{arr.min():.3g}, {arr.max():.3g}]")
        table[system] = arr

    def per_feature(name, value, low, high):
        if value is None:
            return None
        if isinstance(value, dict):
            missing = [n for n in names if n not in value]
            if missing:
                raise ValueError(f"{name} has no value for {', '.join(map(repr, missing))}")
            arr = check_finite_array(name, [value[n] for n in names]).astype(float)
        else:
            arr = check_finite_array(name, value, min_ndim=0).astype(float)
            if arr.ndim != 0:
                raise ValueError(f"{name} must be one number or a dict feature name -> number, got shape {arr.shape}")
            arr = np.full(len(names), float(arr))
        if arr.min() < low or arr.max() > high:
            raise ValueError(f"{name} must lie in [{low}, {high}], got [{arr.min():.3g}, {arr.max():.3g}]")
        return arr

    ceil = per_feature("ceiling", ceiling, 0.0, 1.0)
    spread = per_feature("ceiling_sd", ceiling_sd, 0.0, np.inf)
    if spread is not None and ceil is None:
        raise ValueError("ceiling_sd needs ceiling: the band is drawn around the ceiling")
    check_ax(ax)
    ax = axes_or_new(ax, (max(6.0, 0.75 * len(names) + 2), 3.2))
    x = np.arange(len(names))
    width = 0.8 / len(table)
    if ceil is not None:
        sd = np.zeros(len(names)) if spread is None else spread
        for i in range(len(names)):
            ax.fill_between([i - 0.45, i + 0.45], ceil[i] - sd[i], np.minimum(ceil[i] + sd[i], 1.0), color="0.8",
                            zorder=0, linewidth=0, label="real vs real (ceiling)" if i == 0 else None)
            ax.plot([i - 0.45, i + 0.45], [ceil[i], ceil[i]], color="0.3", linewidth=1.2, zorder=3)
    bars = {}
    for k, (system, arr) in enumerate(table.items()):
        offset = (k - (len(table) - 1) / 2) * width
        bars[system] = ax.bar(x + offset, arr, width=width * 0.95, color=_color(system, k), label=system, zorder=2)
    ax.set_xticks(x, names, rotation=40, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("overlapping area")
    ax.legend(fontsize=7, ncols=min(4, len(table) + 1), loc="upper center", bbox_to_anchor=(0.5, 1.18), frameon=False)
    if title:
        ax.set_title(title, pad=24)
    return bars


def transition_matrices(matrices, *, axes=None, cmap: str = "magma_r", vmax=None):
    """Pitch-class transition matrices side by side on one colour scale (rows: from, columns: to).

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    matrices : dict of str → np.ndarray [shape=(12, 12)]
        Title → matrix, e.g. :func:`musiclib.metrics.pitch_class_transitions` of each system (row-normalised).
    axes : sequence of matplotlib.axes.Axes or None
        Where to draw, one per matrix; a new row of panels when None.
    cmap : str
        Matplotlib colour map name.
    vmax : float or None
        Top of the shared colour scale (default: the largest entry of all matrices); values are ≥ 0.

    Returns
    -------
    list of matplotlib.image.AxesImage
        One image per matrix.

    Raises
    ------
    ValueError
        If ``matrices`` is not a non-empty dict of finite, non-negative ``(12, 12)`` arrays, ``cmap`` is not a
        colour map name, ``vmax`` is not a positive number, or ``axes`` holds too few Axes.
    TypeError
        If ``axes`` is not a sequence of matplotlib Axes or None.

    Examples
    --------
    >>> images = transition_matrices({"uniform": np.full((12, 12), 1 / 12), "stay": np.eye(12)})
    >>> len(images), images[1].get_clim()
    (2, (0.0, 1.0))
    """
    _check_dict("matrices", matrices, "title -> (12, 12) transition matrix")
    if len(matrices) > _MAX_PANELS:
        raise ValueError(f"matrices has {len(matrices)} entries; at most {_MAX_PANELS} panels are drawn")
    arrays = {}
    for title, m in matrices.items():
        arr = check_finite_array(f"matrices[{title!r}]", m, min_ndim=2).astype(float)
        if arr.shape != (12, 12):
            raise ValueError(f"matrices[{title!r}] must have shape (12, 12) (pitch class to pitch class), got {arr.shape}")
        if arr.min() < 0:
            raise ValueError(f"matrices[{title!r}] must be non-negative (counts or probabilities)")
        arrays[title] = arr
    cmap = check_cmap("cmap", cmap)
    top = max(float(a.max()) for a in arrays.values())
    if vmax is not None:
        arr = check_finite_array("vmax", vmax, min_ndim=0)
        if arr.ndim != 0 or float(arr) <= 0:
            raise ValueError(f"vmax={_repr(vmax)} must be a positive number or None")
        vmax = float(arr)
    vmax = vmax if vmax is not None else (top if top > 0 else 1.0)
    flat = _check_axes_list(axes, len(arrays))
    flat = _new_axes(len(arrays), len(arrays), (2.9, 2.9)) if flat is None else flat[:len(arrays)]
    images = []
    for ax, (title, arr) in zip(flat, arrays.items()):
        images.append(ax.imshow(arr, cmap=cmap, vmin=0.0, vmax=vmax, origin="upper", interpolation="nearest"))
        ax.set_xticks(range(12), PITCH_CLASS_NAMES, fontsize=6, rotation=90)
        ax.set_yticks(range(12), PITCH_CLASS_NAMES, fontsize=6)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("to", fontsize=8)
    flat[0].set_ylabel("from", fontsize=8)
    return images
