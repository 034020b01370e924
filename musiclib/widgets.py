"""Interactive explorers with a static fallback.

Chapters: 01, 02, 04, 05 and 12 (any chapter with a slider).

Widgets only render in a live Jupyter front end with widget support. Every
explorer in the course is therefore a plain function of its parameters:
:func:`explore` shows sliders that redraw it when ipywidgets works, and with
``MUSICLIB_NO_WIDGETS=1`` (front ends without widget support, exported HTML)
it draws the same function once at the default values instead: the static
fallback. Both paths call the same function, so CI exercises the drawing code
either way (ipywidgets calls the function once when the widget is built).
"""

from __future__ import annotations

import os

__all__ = ["explore", "build_explorer", "widgets_enabled"]


def widgets_enabled() -> bool:
    """Return True unless ``MUSICLIB_NO_WIDGETS`` is set or ipywidgets is missing."""
    if os.environ.get("MUSICLIB_NO_WIDGETS", "").strip().lower() in {"1", "true", "yes", "on"}:
        return False
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _check_func(func) -> None:
    if not callable(func):
        raise TypeError(f"func={func!r} must be a callable (the function that draws or displays)")


def build_explorer(func, /, **controls):
    """Return an ``ipywidgets.interactive`` for ``func`` without displaying it.

    Parameters are those of :func:`explore`. ipywidgets calls ``func`` once
    with the default values while building the widget.

    Returns
    -------
    ipywidgets.interactive

    Raises
    ------
    TypeError
        If ``func`` is not callable.
    """
    import ipywidgets

    _check_func(func)
    fixed_or_control = {k: (v if hasattr(v, "value") else ipywidgets.fixed(v)) for k, v in controls.items()}
    return ipywidgets.interactive(func, **fixed_or_control)


def explore(func, /, **controls) -> None:
    """Show ``func`` with ipywidgets controls, or draw it once at its defaults.

    Parameters
    ----------
    func : callable
        Function of keyword parameters that draws or displays something
        (a plot, an audio player). The static fallback calls it once with
        the default value of each control.
    **controls
        One ipywidgets control per parameter of ``func`` (e.g.
        ``ipywidgets.FloatSlider(value=440, min=55, max=1760)``), or a plain
        value to hold fixed. A control's ``value`` is the default.

    Returns
    -------
    None
        The explorer is displayed here; it returns nothing so that a cell
        ending in ``explore(...)`` does not show it twice. Use
        :func:`build_explorer` to get the widget itself.

    Raises
    ------
    TypeError
        If ``func`` is not callable.

    Examples
    --------
    >>> import ipywidgets as W
    >>> def show(midi=69):
    ...     print(midi)
    >>> explore(show, midi=W.IntSlider(value=69, min=21, max=108))  # doctest: +SKIP
    """
    _check_func(func)
    if not widgets_enabled():
        func(**{name: getattr(ctrl, "value", ctrl) for name, ctrl in controls.items()})
        return None
    from IPython.display import display

    display(build_explorer(func, **controls))
    return None
