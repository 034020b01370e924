"""Plot helpers (theory): waveforms, spectra, piano keyboards, pitch and key plots.

Chapters: 01_pitch_and_frequency, 02_scales_chords_keys_rhythm. Re-exported
by ``musiclib.plots``. Each helper takes ``ax=None`` (a new figure when None),
draws into it and returns what it drew.
"""

from __future__ import annotations

import numpy as np

from .._validation import MAX_SAMPLE_RATE, _is_finite_real, _repr, check_bool, check_finite_array, check_in_range, check_positive, check_positive_int
from ._axes import axes_or_new, check_ax, check_cmap, check_color, plot_kwargs

__all__ = [
    "waveform",
    "spectrum",
    "keyboard",
    "midi_vs_frequency",
    "pitch_class_bars",
    "key_correlation_map",
]


def _check_signal(y):
    y = check_finite_array("y", y)
    if y.ndim != 1:
        raise ValueError(f"y must be a mono waveform of shape (n_samples,), got shape {y.shape}")
    return y


def waveform(y, sr: int, ax=None, *, start: float = 0.0, duration: float | None = None, label: str | None = None, **line_kwargs):
    """Draw a waveform against time in seconds.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,)]
        Mono waveform.
    sr : int
        Sample rate in Hz, at most 192000.
    ax : matplotlib Axes or None
    start : float
        First second shown (>= 0).
    duration : float or None
        Seconds shown from ``start``; None shows to the end. Zoom in to a few
        periods (e.g. ``duration=0.01``) to see the shape of a tone.
    label : str or None
        Legend label.
    **line_kwargs
        Passed to ``ax.plot`` (color, lw, ...).

    Returns
    -------
    matplotlib.lines.Line2D

    Raises
    ------
    ValueError
        If ``y`` is not a finite 1-D array or the time range is empty.
    TypeError
        If ``ax`` is not a matplotlib Axes or None, or ``line_kwargs`` holds
        an unknown line property.

    Examples
    --------
    >>> from musiclib import synth
    >>> line = waveform(synth.sine(440.0, 0.1), 22050, duration=0.01)
    """
    y = _check_signal(y)
    sr = check_positive_int("sr", sr, maximum=MAX_SAMPLE_RATE)
    start = check_in_range("start", start, 0.0, y.size / sr)
    i0 = int(round(start * sr))
    if duration is not None:
        duration = min(check_positive("duration", duration), y.size / sr)
    i1 = y.size if duration is None else min(y.size, i0 + int(round(duration * sr)))
    if i1 <= i0:
        raise ValueError(f"start={start!r} and duration={duration!r} select no samples")
    ax = axes_or_new(ax, (8, 3))
    t = np.arange(i0, i1) / sr
    (line,) = plot_kwargs(ax.plot, t, y[i0:i1], lw=line_kwargs.pop("lw", 1.0), label=label, **line_kwargs)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    ax.set_xlim(t[0], t[-1] if t.size > 1 else t[0] + 1 / sr)
    if label:
        ax.legend(loc="upper right")
    return line


def spectrum(
    y,
    sr: int,
    ax=None,
    *,
    db: bool = True,
    log_freq: bool = False,
    fmin: float = 0.0,
    fmax: float | None = None,
    floor_db: float = -100.0,
    label: str | None = None,
    **line_kwargs,
):
    """Draw the magnitude spectrum of a whole clip (Hann window, zero-padded FFT).

    The magnitudes are scaled so that a sine of amplitude ``A`` peaks at
    ``A`` (0 dB = amplitude 1), which makes partial strengths readable.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,)]
        Mono waveform.
    sr : int
        Sample rate in Hz, at most 192000.
    ax : matplotlib Axes or None
    db : bool
        Magnitude in decibels ``20 log10(|X|)`` (default) or linear.
    log_freq : bool
        Logarithmic frequency axis (octaves equally wide, like a keyboard).
    fmin, fmax : float
        Frequency range shown in Hz; ``fmax`` defaults to ``sr / 2``. With
        ``log_freq`` a zero ``fmin`` becomes 20 Hz.
    floor_db : float
        Lowest level drawn in dB (silence would be minus infinity); finite.
    label : str or None
        Legend label.
    **line_kwargs
        Passed to ``ax.plot``.

    Returns
    -------
    matplotlib.lines.Line2D

    Raises
    ------
    ValueError
        If ``y`` is not a finite 1-D array, the frequency range is empty,
        ``db``/``log_freq`` are not bools or ``floor_db`` is not finite.
    TypeError
        If ``ax`` is not a matplotlib Axes or None, or ``line_kwargs`` holds
        an unknown line property.

    Examples
    --------
    >>> from musiclib import synth
    >>> line = spectrum(synth.additive_tone(220.0, 0.5), 22050, fmax=3000)
    """
    y = _check_signal(y).astype(np.float64)
    sr = check_positive_int("sr", sr, maximum=MAX_SAMPLE_RATE)
    db = check_bool("db", db)
    log_freq = check_bool("log_freq", log_freq)
    if not _is_finite_real(floor_db):
        raise ValueError(f"floor_db={_repr(floor_db)} must be a finite number (dB)")
    check_ax(ax)
    fmax = sr / 2 if fmax is None else check_in_range("fmax", fmax, 0.0, sr / 2)
    fmin = check_in_range("fmin", fmin, 0.0, fmax)
    if log_freq and fmin == 0:
        fmin = 20.0
    if fmin >= fmax:
        raise ValueError(f"fmin={fmin!r} must be below fmax={fmax!r}")
    window = np.hanning(y.size) if y.size > 1 else np.ones(1)
    n_fft = max(1 << 14, 1 << int(np.ceil(np.log2(4 * y.size))))
    # Divide by the window's sum (its coherent gain) and double the one-sided
    # spectrum, so a sine of amplitude A shows a peak of height A.
    mag = 2 * np.abs(np.fft.rfft(y * window, n_fft)) / window.sum()
    freqs = np.fft.rfftfreq(n_fft, 1 / sr)
    keep = (freqs >= fmin) & (freqs <= fmax)
    values = np.maximum(20 * np.log10(np.maximum(mag[keep], 1e-12)), floor_db) if db else mag[keep]
    ax = axes_or_new(ax, (8, 3))
    (line,) = plot_kwargs(ax.plot, freqs[keep], values, lw=line_kwargs.pop("lw", 1.0), label=label, **line_kwargs)
    if log_freq:
        ax.set_xscale("log")
    ax.set_xlim(fmin, fmax)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("magnitude (dB)" if db else "magnitude")
    if label:
        ax.legend(loc="upper right")
    return line


_BLACK_PCS = {1, 3, 6, 8, 10}
# Horizontal offset of each black key, in white-key widths from the left edge
# of the white key it follows: real keyboards place them unevenly.
_BLACK_OFFSET = {1: 0.6, 3: 0.8, 6: 0.55, 8: 0.7, 10: 0.85}
# Key sizes in white-key widths (a real white key is about 6 widths long;
# shorter keys keep a many-octave keyboard readable).
_KEY_HEIGHT = 4.0
_BLACK_HEIGHT = 2.5


def _iterable(name: str, values) -> list:
    """A parameter that lists notes: any iterable except a bare string."""
    if isinstance(values, (str, bytes)):
        raise ValueError(f"{name}={values!r} must be an iterable of notes, e.g. [{values!r}], not a single string")
    try:
        return list(values)
    except TypeError:
        raise ValueError(f"{name}={_repr(values)} must be an iterable of notes (MIDI numbers or note names)") from None


def _highlight_midi(note) -> int:
    from .. import theory

    if isinstance(note, str):
        try:
            return theory.note_to_midi(note)
        except ValueError as err:
            raise ValueError(f"highlight={note!r} is not a valid note: {err}") from None
    return check_in_range("highlight", note, 0, 127, integer=True)


def keyboard(
    highlight=(),
    ax=None,
    *,
    low: int = 48,
    high: int = 84,
    color: str = "tab:orange",
    labels: str = "highlight",
    prefer_sharps: bool = True,
    title: str | None = None,
):
    """Draw a piano keyboard with some keys highlighted and named.

    Chapter: 01_pitch_and_frequency (and 02 for scales and chords).

    Parameters
    ----------
    highlight : iterable of int or str
        MIDI numbers or note names of the keys to colour.
    ax : matplotlib Axes or None
    low, high : int
        MIDI range drawn (inclusive), 0-127; widened to start and end on white keys.
    color : str
        Colour of highlighted keys.
    labels : {"highlight", "c", "all", "none"}
        Which keys get their note name: the highlighted ones (default), every
        C (to find octaves), every white key, or none.
    prefer_sharps : bool
        Spell black keys with sharps or flats.
    title : str or None
        Axes title.

    Returns
    -------
    dict
        ``{midi: matplotlib.patches.Rectangle}`` for every key drawn.

    Raises
    ------
    ValueError
        If the range is invalid, ``highlight`` is not an iterable of valid
        notes (a bare string is not: write ``["C4"]``), ``color`` is not a
        colour or ``prefer_sharps`` is not a bool.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> from musiclib import theory
    >>> keys = keyboard(theory.chord("C4", "maj"), low=60, high=72)
    >>> sorted(keys)[:3]
    [60, 61, 62]
    """
    from matplotlib.patches import Rectangle

    from .. import theory

    low = check_in_range("low", low, 0, 127, integer=True)
    high = check_in_range("high", high, 0, 127, integer=True)
    if high <= low:
        raise ValueError(f"high={high!r} must be above low={low!r}")
    if not isinstance(labels, str) or labels not in ("highlight", "c", "all", "none"):
        raise ValueError(f"labels={labels!r} is not supported; choose one of 'highlight', 'c', 'all', 'none'")
    check_color("color", color)
    prefer_sharps = check_bool("prefer_sharps", prefer_sharps)
    check_ax(ax)
    marked = {_highlight_midi(n) for n in _iterable("highlight", highlight)}
    while low % 12 in _BLACK_PCS and low > 0:
        low -= 1
    while high % 12 in _BLACK_PCS and high < 127:
        high += 1

    n_white = sum(1 for m in range(low, high + 1) if m % 12 not in _BLACK_PCS)
    ax = axes_or_new(ax, (min(14.0, max(4.0, 0.35 * n_white)), 1.8))
    keys, x_of_white = {}, {}
    x = 0
    for midi in range(low, high + 1):
        if midi % 12 not in _BLACK_PCS:
            x_of_white[midi] = x
            x += 1
    for midi, xw in x_of_white.items():
        face = color if midi in marked else "white"
        keys[midi] = ax.add_patch(Rectangle((xw, 0), 1, _KEY_HEIGHT, facecolor=face, edgecolor="black", lw=1, zorder=1))
    for midi in range(low, high + 1):
        if midi % 12 in _BLACK_PCS and midi - 1 in x_of_white:
            xb = x_of_white[midi - 1] + _BLACK_OFFSET[midi % 12]
            face = color if midi in marked else "black"
            keys[midi] = ax.add_patch(Rectangle((xb, _KEY_HEIGHT - _BLACK_HEIGHT), 0.6, _BLACK_HEIGHT, facecolor=face, edgecolor="black", lw=1, zorder=2))
    for midi, patch in keys.items():
        show = (
            (labels == "highlight" and midi in marked)
            or (labels == "c" and midi % 12 == 0)
            or (labels == "all" and midi % 12 not in _BLACK_PCS)
        )
        if show:
            name = theory.midi_to_note(midi, prefer_sharps=prefer_sharps)
            black = midi % 12 in _BLACK_PCS
            ax.text(
                patch.get_x() + patch.get_width() / 2,
                _KEY_HEIGHT - _BLACK_HEIGHT + 0.1 if black else 0.15,
                name,
                ha="center",
                va="bottom",
                fontsize=7 if black else 8,
                rotation=90 if black else 0,
                color="black",
                zorder=3,
            )
    ax.set_xlim(0, x)
    ax.set_ylim(0, _KEY_HEIGHT)
    ax.set_aspect("equal")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return keys


def midi_vs_frequency(ax=None, *, low: int = 21, high: int = 108, a4: float = 440.0, log_freq: bool = False, mark=(60, 69)):
    """Draw the 12-TET frequency of each MIDI number: an exponential curve.

    On a logarithmic frequency axis the curve becomes a straight line: equal
    steps in MIDI number are equal frequency *ratios*.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    ax : matplotlib Axes or None
    low, high : int
        MIDI range (default: the 88 keys of a piano, A0-C8).
    a4 : float
        Tuning of A4 in Hz.
    log_freq : bool
        Logarithmic frequency axis.
    mark : iterable of int
        MIDI numbers to annotate with name and frequency.

    Returns
    -------
    matplotlib.lines.Line2D

    Raises
    ------
    ValueError
        If the range, tuning or a marked MIDI number is invalid, or
        ``log_freq`` is not a bool.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> line = midi_vs_frequency(log_freq=True)
    """
    from .. import theory

    low = check_in_range("low", low, 0, 127, integer=True)
    high = check_in_range("high", high, 0, 127, integer=True)
    if high <= low:
        raise ValueError(f"high={high!r} must be above low={low!r}")
    log_freq = check_bool("log_freq", log_freq)
    mark = [check_in_range("mark", m, 0, 127, integer=True) for m in _iterable("mark", mark)]
    midi = np.arange(low, high + 1)
    hz = theory.midi_to_hz(midi, a4=a4)
    ax = axes_or_new(ax, (6, 3.5))
    (line,) = ax.plot(midi, hz, ".-", ms=3, lw=1)
    for m in mark:
        f = theory.midi_to_hz(m, a4=a4)
        ax.plot([m], [f], "o", color="tab:red")
        ax.annotate(f"{theory.midi_to_note(m)}\n{f:.1f} Hz", (m, f), textcoords="offset points", xytext=(-40, 10), fontsize=8)
    if log_freq:
        ax.set_yscale("log", base=2)
    ax.set_xlabel("MIDI number")
    ax.set_ylabel("frequency (Hz)")
    ax.grid(True, alpha=0.3)
    return line


def pitch_class_bars(values, ax=None, *, label: str | None = None, color=None, offset: float = 0.0, width: float = 0.8, prefer_sharps: bool = True):
    """Draw 12 values, one per pitch class (a histogram or a key profile).

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    values : array_like [shape=(12,)]
        One value per pitch class, C = 0.
    ax : matplotlib Axes or None
    label : str or None
        Legend label.
    color : color or None
    offset, width : float
        Bar position shift (finite) and width (in (0, 1]), to draw several
        series side by side (e.g. ``width=0.4, offset=-0.2`` and ``offset=0.2``).
    prefer_sharps : bool
        Spell black-key pitch classes with sharps or flats.

    Returns
    -------
    matplotlib.container.BarContainer

    Raises
    ------
    ValueError
        If ``values`` does not hold 12 finite numbers, ``width`` is not in
        (0, 1], ``offset`` is not finite, ``color`` is not a colour or
        ``prefer_sharps`` is not a bool.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> from musiclib import theory
    >>> bars = pitch_class_bars(theory.KRUMHANSL_KESSLER_MAJOR, label="major profile")
    """
    from .. import theory

    values = check_finite_array("values", values)
    if values.shape != (12,):
        raise ValueError(f"values must have shape (12,), got {values.shape}")
    width = check_in_range("width", width, 0.0, 1.0)
    if width == 0:
        raise ValueError("width=0 must be in (0, 1] (a bar without width is invisible)")
    if not _is_finite_real(offset):
        raise ValueError(f"offset={_repr(offset)} must be a finite number")
    check_color("color", color)
    prefer_sharps = check_bool("prefer_sharps", prefer_sharps)
    ax = axes_or_new(ax, (7, 3))
    bars = ax.bar(np.arange(12) + offset, values, width=width, label=label, color=color)
    names = theory.PITCH_CLASS_NAMES if prefer_sharps else theory.PITCH_CLASS_NAMES_FLAT
    ax.set_xticks(np.arange(12), names)
    ax.set_xlabel("pitch class")
    if label:
        ax.legend(loc="upper right")
    return bars


def key_correlation_map(correlations, ax=None, *, cmap: str = "RdBu_r"):
    """Draw the 2 x 12 table of key correlations as a heat map, best key circled.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    correlations : array_like [shape=(2, 12)]
        From :func:`musiclib.theory.key_correlations` (row 0 major, row 1 minor).
    ax : matplotlib Axes or None
    cmap : str
        Colour map (diverging, centred on 0).

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        If ``correlations`` is not a finite (2, 12) array of values in
        [-1, 1], or ``cmap`` is not a colour map name.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.

    Examples
    --------
    >>> from musiclib import theory
    >>> image = key_correlation_map(theory.key_correlations(theory.pitch_class_histogram(theory.scale("D4"))))
    """
    from matplotlib.patches import Rectangle

    from .. import theory

    corr = check_finite_array("correlations", correlations, min_ndim=2)
    if corr.shape != (2, 12):
        raise ValueError(f"correlations must have shape (2, 12), got {corr.shape}")
    if np.any(np.abs(corr) > 1 + 1e-9):
        raise ValueError("correlations must lie in [-1, 1] (Pearson correlations)")
    check_cmap("cmap", cmap)
    ax = axes_or_new(ax, (8, 2.2))
    image = ax.imshow(corr, cmap=cmap, vmin=-1, vmax=1, aspect="auto")
    for row in range(2):
        for col in range(12):
            ax.text(col, row, f"{corr[row, col]:.2f}", ha="center", va="center", fontsize=7)
    row, col = np.unravel_index(int(np.argmax(corr)), corr.shape)
    ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False, lw=2.5, edgecolor="black"))
    ax.set_xticks(np.arange(12), theory.KEY_TONIC_NAMES["major"])
    ax.set_yticks([0, 1], ["major", "minor"])
    ax.set_xlabel("tonic")
    ax.figure.colorbar(image, ax=ax, label="Pearson r")
    return image
