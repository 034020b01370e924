"""Plot helpers (symbolic): piano rolls and statistics of the chorale corpus.

Chapters: 03_symbolic_music_data, 09_training_a_music_gan (and later chapters that
show generated rolls). Re-exported by ``musiclib.plots``. Each helper takes
``ax=None`` (a new figure when None), draws into it and returns what it drew.
"""

from __future__ import annotations

import numpy as np

from .._validation import _repr, check_bool, check_finite_array, check_in_range, check_positive, check_positive_int, check_sequence
from ._axes import axes_or_new, check_ax, check_cmap

# Most steps per beat (MIDI's largest ticks per beat, as musiclib.midi) and beats per bar drawn.
_MAX_GRID = 32767

__all__ = [
    "pianoroll",
    "pianoroll_segments",
    "voice_ranges",
    "key_counts",
    "duration_counts",
]


def _pitch_ticks(ax, low: int, high: int, *, axis: str = "y") -> None:
    """Label every C (and every pitch when the range is small) with its note name."""
    from ..theory import midi_to_note

    pitches = list(range(low, high + 1))
    ticks = pitches if len(pitches) <= 14 else [p for p in pitches if p % 12 == 0]
    positions = [p - low for p in ticks] if axis == "y_rows" else ticks
    labels = [midi_to_note(p) for p in ticks]
    if axis in ("y", "y_rows"):
        ax.set_yticks(positions, labels)
    else:
        ax.set_xticks(positions, labels)


def _as_roll(name: str, roll, min_ndim: int) -> np.ndarray:
    """A finite real roll; a boolean roll (sounding or not) is drawn as 0/1."""
    arr = roll
    if isinstance(roll, np.ndarray) and roll.dtype == bool:
        arr = roll.astype(np.float32)
    return check_finite_array(name, arr, min_ndim=min_ndim)


def _check_chorales(chorales, attributes) -> list:
    """A non-empty list of Chorale-like objects having ``attributes``."""
    chorales = list(check_sequence("chorales", chorales, "a list of musiclib.data.Chorale"))
    if not chorales:
        raise ValueError("chorales must not be empty")
    for i, chorale in enumerate(chorales):
        missing = [a for a in attributes if not hasattr(chorale, a)]
        if missing:
            raise ValueError(f"chorales[{i}]={_repr(chorale)} must be a musiclib.data.Chorale (no attribute {missing[0]!r})")
    return chorales


def pianoroll(
    roll,
    ax=None,
    *,
    pitch_offset: int = 0,
    steps_per_beat: int = 4,
    beats_per_bar: int = 4,
    first_downbeat: float = 0.0,
    tempo: float = 120.0,
    crop: bool = True,
    title: str | None = None,
    cmap: str = "Greys",
):
    """Draw a piano roll: time (beats) across, pitch (note names) up, with a beat and bar grid.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    roll : np.ndarray [shape=(n_steps, n_pitches)] or list of musiclib.midi.Note
        A roll (values in [0, 1]; a generator's probabilities show as grey) or notes in
        seconds, which are first put on the grid with :func:`musiclib.midi.notes_to_pianoroll`
        at ``tempo``.
    ax : matplotlib Axes or None
    pitch_offset : int
        MIDI pitch of column 0 of ``roll`` (ignored for notes).
    steps_per_beat : int
        Time steps per beat (quarter note), at most 32767.
    beats_per_bar : int
        Beats per bar, for the bar lines, at most 32767.
    first_downbeat : float
        Beat of the first bar line, e.g. :attr:`musiclib.data.Chorale.pickup_beats` for a
        piece that starts with an upbeat.
    tempo : float
        Quarter notes per minute, used only for notes input.
    crop : bool
        Show only the pitches from the lowest to the highest sounding one (+-2).
    title : str or None
    cmap : str
        Matplotlib colour map (dark = sounding with "Greys").

    Returns
    -------
    matplotlib.image.AxesImage
        The image; its array is ``roll.T`` of the shown pitch rows.

    Raises
    ------
    ValueError
        If the roll is not 2-D, real and finite (a boolean roll is fine), or
        a parameter is out of range.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> from musiclib.midi import Note
    >>> image = pianoroll([Note(60, 0.0, 0.5), Note(64, 0.5, 1.0)], tempo=120)
    """
    from ..midi import Note, notes_to_pianoroll

    steps_per_beat = check_positive_int("steps_per_beat", steps_per_beat, maximum=_MAX_GRID)
    beats_per_bar = check_positive_int("beats_per_bar", beats_per_bar, maximum=_MAX_GRID)
    crop = check_bool("crop", crop)
    check_cmap("cmap", cmap)
    check_ax(ax)
    if isinstance(roll, (list, tuple)) and (not roll or isinstance(roll[0], Note)):
        if not roll:
            raise ValueError("roll must not be an empty list of notes")
        low = min(n.pitch for n in roll)
        high = max(n.pitch for n in roll)
        roll = notes_to_pianoroll(
            roll, steps_per_beat=steps_per_beat, tempo=check_positive("tempo", tempo), pitch_offset=low, n_pitches=high - low + 1
        )
        pitch_offset = low
    roll = _as_roll("roll", roll, 2)
    if roll.ndim != 2:
        raise ValueError(f"roll must be 2-D (n_steps, n_pitches), got shape {roll.shape}")
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    if pitch_offset + roll.shape[1] > 128:
        raise ValueError(f"pitch_offset={pitch_offset} + n_pitches={roll.shape[1]} (roll columns) must be <= 128")
    first_downbeat = check_in_range("first_downbeat", first_downbeat, 0.0, 1e9)
    rows = np.arange(roll.shape[1])
    if crop and roll.max() > 0:
        active = np.nonzero(roll.max(axis=0) > 0)[0]
        rows = np.arange(max(active[0] - 2, 0), min(active[-1] + 3, roll.shape[1]))
    shown = roll[:, rows].T
    low = pitch_offset + int(rows[0])
    ax = axes_or_new(ax, (9, 3.5))
    n_beats = roll.shape[0] / steps_per_beat
    image = ax.imshow(
        shown,
        origin="lower",
        aspect="auto",
        interpolation="nearest",
        cmap=cmap,
        vmin=0.0,
        vmax=1.0,
        extent=(0.0, n_beats, low - 0.5, low + len(rows) - 0.5),
    )
    for beat in np.arange(first_downbeat % 1.0, n_beats + 1e-9, 1.0):
        bar = abs((beat - first_downbeat) / beats_per_bar - round((beat - first_downbeat) / beats_per_bar)) < 1e-9
        ax.axvline(beat, color="tab:blue" if bar else "0.8", lw=1.0 if bar else 0.5, zorder=0 if not bar else 2)
    _pitch_ticks(ax, low, low + len(rows) - 1)
    ax.set_xlabel(f"time (beats; bars of {beats_per_bar} in blue)")
    ax.set_ylabel("pitch")
    if title:
        ax.set_title(title)
    return image


def pianoroll_segments(
    rolls,
    *,
    pitch_offset: int = 0,
    steps_per_beat: int = 4,
    beats_per_bar: int = 4,
    ncols: int = 4,
    titles=None,
    fig=None,
):
    """Draw several piano-roll segments side by side (e.g. a batch a GAN sees or makes).

    Chapter: 03_symbolic_music_data (also 09 for generated samples)

    Parameters
    ----------
    rolls : np.ndarray [shape=(n, n_steps, n_pitches)]
    pitch_offset, steps_per_beat, beats_per_bar
        As in :func:`pianoroll`; all panels share the full pitch range (no cropping),
        so they are comparable.
    ncols : int
        Panels per row.
    titles : list of str or None
    fig : matplotlib Figure or None

    Returns
    -------
    list of matplotlib.image.AxesImage
        One image per segment.

    Raises
    ------
    ValueError
        If ``rolls`` is not a finite real 3-D array, ``titles`` does not have
        one entry per roll, or a parameter is out of range.
    TypeError
        If ``fig`` is not a matplotlib Figure or None.

    Examples
    --------
    >>> images = pianoroll_segments(np.zeros((2, 16, 12)), pitch_offset=60)
    """
    import matplotlib.pyplot as plt

    from matplotlib.figure import Figure

    rolls = _as_roll("rolls", rolls, 3)
    if rolls.ndim != 3:
        raise ValueError(f"rolls must be 3-D (n, n_steps, n_pitches), got shape {rolls.shape}")
    ncols = min(check_positive_int("ncols", ncols), len(rolls))
    nrows = int(np.ceil(len(rolls) / ncols))
    if titles is not None:
        if isinstance(titles, (str, bytes)) or not hasattr(titles, "__len__") or len(titles) != len(rolls):
            raise ValueError(f"titles must be a list with one entry per roll ({len(rolls)}), got {_repr(titles)}")
    if fig is not None and not isinstance(fig, Figure):
        raise TypeError(f"fig={_repr(fig)} must be a matplotlib Figure or None")
    # the shared parameters, checked once (and before a figure is made)
    check_positive_int("steps_per_beat", steps_per_beat, maximum=_MAX_GRID)
    check_positive_int("beats_per_bar", beats_per_bar, maximum=_MAX_GRID)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    if pitch_offset + rolls.shape[2] > 128:
        raise ValueError(f"pitch_offset={pitch_offset} + n_pitches={rolls.shape[2]} must be <= 128")
    if fig is None:
        fig = plt.figure(figsize=(3.2 * ncols, 2.6 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True)
    images = []
    for i, ax in enumerate(axes.ravel()):
        if i >= len(rolls):
            ax.set_visible(False)
            continue
        images.append(
            pianoroll(
                rolls[i],
                ax,
                pitch_offset=pitch_offset,
                steps_per_beat=steps_per_beat,
                beats_per_bar=beats_per_bar,
                crop=False,
                title=None if titles is None else titles[i],
            )
        )
        if i % ncols:
            ax.set_ylabel("")
        ax.set_xlabel("beats")
    fig.tight_layout()
    return images


def voice_ranges(chorales, ax=None):
    """Box plot of the pitches each voice sings (Soprano, Alto, Tenor, Bass) over a set of chorales.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    chorales : list of musiclib.data.Chorale
    ax : matplotlib Axes or None

    Returns
    -------
    dict
        What ``ax.boxplot`` returns (``"boxes"``, ``"whiskers"``, ...), one box per voice.

    Raises
    ------
    ValueError
        If ``chorales`` is not a non-empty list of chorales, or a voice has no notes at all.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> from musiclib import data
    >>> artists = voice_ranges(data.load_chorales(limit=2, progress=False))
    """
    from ..data import VOICE_NAMES, VOICES

    chorales = _check_chorales(chorales, ("voices",))
    try:
        pitches = [[n.pitch for c in chorales for n in c.voices[v]] for v in VOICES]
    except (KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"chorales must hold voices {', '.join(VOICES)} of notes with a pitch: {err!r}") from None
    empty = [VOICE_NAMES[v] for v, p in zip(VOICES, pitches) if not p]
    if empty:
        raise ValueError(f"chorales hold no notes for {', '.join(empty)}")
    ax = axes_or_new(ax, (6, 4))
    artists = ax.boxplot(pitches, whis=(0, 100), widths=0.5)
    ax.set_xticks(range(1, len(VOICES) + 1), [VOICE_NAMES[v] for v in VOICES])
    low, high = min(min(p) for p in pitches), max(max(p) for p in pitches)
    _pitch_ticks(ax, low - low % 12, high)
    ax.set_ylabel("pitch (whiskers: lowest and highest note)")
    ax.set_title(f"Pitch range per voice ({len(chorales)} chorales)")
    return artists


def key_counts(chorales, ax=None):
    """Bar chart of the estimated keys, most frequent first; major keys blue, minor orange.

    Chapter: 03_symbolic_music_data

    Returns
    -------
    matplotlib.container.BarContainer
        One bar per key; bar heights are the counts.

    Raises
    ------
    ValueError
        If ``chorales`` is not a non-empty list of chorales with string keys.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    from collections import Counter

    chorales = _check_chorales(chorales, ("key",))
    bad = [i for i, c in enumerate(chorales) if not isinstance(c.key, str)]
    if bad:
        raise ValueError(f"chorales[{bad[0]}].key={chorales[bad[0]].key!r} must be a string such as 'G major'")
    counts = Counter(c.key for c in chorales).most_common()
    ax = axes_or_new(ax, (9, 3))
    colors = ["tab:blue" if key.endswith("major") else "tab:orange" for key, _ in counts]
    bars = ax.bar([key for key, _ in counts], [n for _, n in counts], color=colors)
    ax.tick_params(axis="x", labelrotation=60)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel("chorales")
    ax.set_title("Estimated keys (blue: major, orange: minor)")
    return bars


def duration_counts(chorales, ax=None, *, max_bars: int = 12):
    """Bar chart of note durations in beats (quarter notes), over all voices.

    Chapter: 03_symbolic_music_data

    Parameters
    ----------
    chorales : list of musiclib.data.Chorale
    ax : matplotlib Axes or None
    max_bars : int
        Show the ``max_bars`` most common durations, in increasing duration.

    Returns
    -------
    matplotlib.container.BarContainer
        Bar heights are note counts; the x labels the durations in beats.

    Raises
    ------
    ValueError
        If ``chorales`` is not a non-empty list of chorales with notes, or
        ``max_bars`` is not a positive integer.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    from collections import Counter

    chorales = _check_chorales(chorales, ("voices", "tempo"))
    max_bars = check_positive_int("max_bars", max_bars)
    try:
        counts = Counter(
            round(n.duration * c.tempo / 60.0, 3) for c in chorales for v in c.voices.values() for n in v
        ).most_common(max_bars)
    except (TypeError, AttributeError) as err:
        raise ValueError(f"chorales must hold voices of notes with a duration, and a numeric tempo: {err!r}") from None
    if not counts:
        raise ValueError("chorales hold no notes")
    counts.sort()
    ax = axes_or_new(ax, (7, 3))
    bars = ax.bar([f"{d:g}" for d, _ in counts], [n for _, n in counts], color="tab:green")
    ax.set_xlabel("duration (beats: 1 = quarter note, 0.5 = eighth)")
    ax.set_ylabel("notes")
    ax.set_yscale("log")
    ax.set_title("Note durations")
    return bars
