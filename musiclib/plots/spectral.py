"""Plot helpers (spectral): sampling, windows, spectrograms, mel filterbanks, DCT basis, MFCCs.

Chapters: 04_audio_signals, 05_mfcc_features. Re-exported by ``musiclib.plots``.
Each helper takes ``ax=None`` (a new figure when None), draws into it and
returns what it drew.
"""

from __future__ import annotations

import numpy as np

from .._validation import (
    MAX_FFT_SIZE,
    _is_finite_real,
    _repr,
    check_bool,
    check_choice,
    check_finite_array,
    check_positive,
    check_positive_int,
)
from ._axes import axes_or_new, check_ax, check_cmap, check_image

# Most points one curve of sampled_signal draws, and most zero-padded FFT points of
# window_responses: beyond this a plot is unreadable and only costs memory.
_MAX_POINTS = 10**6

__all__ = [
    "sampled_signal",
    "window_responses",
    "spectrogram",
    "mel_scales",
    "mel_filterbank",
    "dct_basis",
    "mfcc_image",
]


def _call_signal(func, t):
    """``func(t)``, checked to be one finite real value per time (a scalar broadcasts)."""
    values = check_finite_array("func(t)", func(t), min_ndim=0)
    try:
        return np.broadcast_to(values, t.shape)
    except ValueError:
        raise ValueError(f"func(t) must return one value per time, shape {t.shape}; got shape {values.shape}") from None


def sampled_signal(func, *, sr: float, duration: float, ax=None, oversample: int = 200, label: str | None = None):
    """Draw a continuous-time signal and its samples taken every ``1 / sr`` seconds.

    Chapter: 04_audio_signals

    Parameters
    ----------
    func : callable
        ``func(t)`` gives the signal at times ``t`` in seconds (vectorised).
    sr : float
        Sample rate in Hz.
    duration : float
        Seconds shown.
    ax : matplotlib Axes or None
    oversample : int
        Points per sample period for the continuous curve.
    label : str or None
        Legend label of the curve.

    Returns
    -------
    list
        ``[curve_line, sample_markers]``.

    Raises
    ------
    ValueError
        If ``sr`` or ``duration`` is not a finite number > 0, ``oversample``
        is not a positive integer, the plot would need more than 10**6 points
        (``oversample * sr * duration``), or ``func`` does not return one
        finite real value per time.
    TypeError
        If ``func`` is not callable or ``ax`` is not a matplotlib Axes or None.
    """
    if not callable(func):
        raise TypeError(f"func={_repr(func)} must be a callable f(t) of times in seconds")
    sr = check_positive("sr", sr)
    duration = check_positive("duration", duration)
    oversample = check_positive_int("oversample", oversample, maximum=_MAX_POINTS)
    if oversample * sr * duration > _MAX_POINTS:
        raise ValueError(
            f"oversample={oversample} x sr={sr:g} x duration={duration:g} is more than {_MAX_POINTS} points; "
            "show a shorter duration (a few periods) or a lower oversample"
        )
    check_ax(ax)
    ax = axes_or_new(ax, (8, 3))
    t_fine = np.linspace(0.0, duration, int(oversample * sr * duration) + 1)
    t_samples = np.arange(0.0, duration + 1e-12, 1.0 / sr)
    (curve,) = ax.plot(t_fine, _call_signal(func, t_fine), lw=1, alpha=0.7, label=label)
    (markers,) = ax.plot(t_samples, _call_signal(func, t_samples), "o", ms=4, color=curve.get_color())
    ax.set_xlabel("time (s)")
    ax.set_ylabel("amplitude")
    if label:
        ax.legend(loc="upper right")
    return [curve, markers]


def window_responses(windows, *, n_fft: int = 64, zero_pad: int = 64, ax=None, floor_db: float = -120.0):
    """Draw the magnitude response (dB) of analysis windows: main-lobe width vs side-lobe leakage.

    Chapter: 04_audio_signals

    Parameters
    ----------
    windows : list of str
        Window names for :func:`musiclib.features.get_window`.
    n_fft : int
        Window length in samples.
    zero_pad : int
        Zero-padding factor, so the response is drawn finely between bins
        (``n_fft * zero_pad`` at most 10**6).
    ax : matplotlib Axes or None
    floor_db : float
        Lowest dB value drawn, a finite number < 0.

    Returns
    -------
    list of Line2D
        One line per window; x in DFT bins of the unpadded window.

    Raises
    ------
    ValueError
        If ``windows`` is not a non-empty list of window names, a size is not
        a positive integer or ``n_fft * zero_pad > 10**6``, or ``floor_db`` is
        not a finite negative number.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    from ..features import _WINDOWS, get_window

    if isinstance(windows, str):
        windows = [windows]
    try:
        windows = list(windows)
    except TypeError:
        raise ValueError(f"windows={_repr(windows)} must be a list of window names") from None
    if not windows:
        raise ValueError("windows must name at least one window")
    for name in windows:
        check_choice("windows", name, _WINDOWS)
    n_fft = check_positive_int("n_fft", n_fft)
    zero_pad = check_positive_int("zero_pad", zero_pad)
    if n_fft * zero_pad > _MAX_POINTS:
        raise ValueError(f"n_fft={n_fft} x zero_pad={zero_pad} must be <= {_MAX_POINTS} points")
    if not _is_finite_real(floor_db) or floor_db >= 0:
        raise ValueError(f"floor_db={_repr(floor_db)} must be a finite number < 0 (dB)")
    ax = axes_or_new(ax, (8, 3))
    lines = []
    for name in windows:
        w = get_window(name, n_fft)
        response = np.abs(np.fft.rfft(w, n=n_fft * zero_pad))
        response_db = 20 * np.log10(np.maximum(response / response.max(), 10 ** (floor_db / 20)))
        bins = np.arange(len(response)) / zero_pad
        (line,) = ax.plot(bins, response_db, label=name)
        lines.append(line)
    ax.set_xlim(0, min(n_fft // 2, 20))
    ax.set_ylim(floor_db, 5)
    ax.set_xlabel("frequency offset (bins)")
    ax.set_ylabel("magnitude (dB)")
    ax.legend(loc="upper right")
    return lines


def _check_limits(vmin, vmax):
    """Colour limits: each None or a finite number, and ``vmin < vmax`` when both are given."""
    for name, value in (("vmin", vmin), ("vmax", vmax)):
        if value is not None and not _is_finite_real(value):
            raise ValueError(f"{name}={_repr(value)} must be a finite number or None")
    if vmin is not None and vmax is not None and not vmin < vmax:
        raise ValueError(f"vmin={vmin!r} must be below vmax={vmax!r}")
    return vmin, vmax


def spectrogram(
    S_db,
    *,
    sr: float,
    hop_length: int,
    ax=None,
    y_axis: str = "linear",
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    cmap: str = "magma",
    vmin: float | None = None,
    vmax: float | None = None,
    colorbar: bool = True,
    title: str | None = None,
):
    """Draw a (dB) spectrogram with time in seconds and frequency in Hz.

    Chapter: 04_audio_signals, 05_mfcc_features

    Parameters
    ----------
    S_db : np.ndarray [shape=(n_bins, n_frames)]
        Values to colour, usually from :func:`musiclib.features.power_to_db`.
    sr : float
        Sample rate in Hz.
    hop_length : int
        Samples between frames (centred frames: frame ``t`` at ``t * hop_length / sr`` s),
        at most 2**20.
    ax : matplotlib Axes or None
    y_axis : {"linear", "mel"}
        Rows are FFT bins (``0 .. sr/2`` Hz) or mel bands (labelled with their centre in Hz).
    fmin, fmax, htk
        The mel band limits and scale, for ``y_axis="mel"``.
    cmap : str
        Colour map.
    vmin, vmax : float or None
        Colour limits (default: the data's range); fix them to compare two plots.
    colorbar : bool
        Add a colour bar in dB.
    title : str or None

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        If ``S_db`` is not a finite real 2-D array, ``sr``/``hop_length``
        are not positive, ``y_axis`` or ``cmap`` is unknown, the mel band
        limits are invalid, ``vmin``/``vmax`` are not finite numbers (or
        None) with ``vmin < vmax``, or ``colorbar`` is not a bool.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    from ..features import mel_frequencies

    S_db = check_image("S_db", S_db)
    sr = check_positive("sr", sr)
    hop_length = check_positive_int("hop_length", hop_length, maximum=MAX_FFT_SIZE)
    check_choice("y_axis", y_axis, ("linear", "mel"))
    check_cmap("cmap", cmap)
    vmin, vmax = _check_limits(vmin, vmax)
    colorbar = check_bool("colorbar", colorbar)
    n_rows, n_frames = S_db.shape
    if y_axis == "mel":
        # validated (and computed) before drawing: fmin, fmax, htk and the band count
        fmax = sr / 2 if fmax is None else check_positive("fmax", fmax)
        if fmax > sr / 2:
            raise ValueError(f"fmax={fmax!r} must be <= sr / 2 = {sr / 2} Hz")
        centres = mel_frequencies(n_rows + 2, fmin=fmin, fmax=fmax, htk=htk)[1:-1]
    check_ax(ax)
    ax = axes_or_new(ax, (8, 3))
    t_max = n_frames * hop_length / sr
    if y_axis == "linear":
        extent = (0, t_max, 0, sr / 2)
        ylabel = "frequency (Hz)"
    else:
        extent = (0, t_max, -0.5, n_rows - 0.5)
        ylabel = "mel band (centre Hz)"
    image = ax.imshow(
        S_db, origin="lower", aspect="auto", extent=extent, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    if y_axis == "mel":
        ticks = np.linspace(0, n_rows - 1, min(n_rows, 6)).round().astype(int)
        ax.set_yticks(ticks)
        ax.set_yticklabels([f"{centres[i]:.0f}" for i in ticks])
    ax.set_xlabel("time (s)")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, format="%+.0f dB")
    return image


def mel_scales(*, fmax: float = 11025.0, ax=None):
    """Draw the Slaney and HTK mel scales against frequency, each scaled to 1 at ``fmax``.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    fmax : float
        Highest frequency drawn, in Hz (a finite number > 0).
    ax : matplotlib Axes or None

    Returns
    -------
    list of Line2D
        ``[slaney_line, htk_line]``.

    Raises
    ------
    ValueError
        If ``fmax`` is not a finite number > 0.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    from ..features import hz_to_mel

    fmax = check_positive("fmax", fmax)
    ax = axes_or_new(ax, (8, 3))
    f = np.linspace(0.0, fmax, 500)
    lines = []
    for htk, name in ((False, "Slaney (librosa default)"), (True, "HTK (tf.signal)")):
        mels = hz_to_mel(f, htk=htk)
        (line,) = ax.plot(f, mels / mels[-1], label=name)
        lines.append(line)
    ax.axvline(1000.0, color="gray", lw=0.8, ls=":")
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel(f"mel / mel({fmax:.0f} Hz)")
    ax.legend(loc="lower right")
    return lines


def mel_filterbank(weights, *, sr: float, ax=None, every: int = 1):
    """Draw each triangular filter of a mel filterbank against frequency.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    weights : np.ndarray [shape=(n_mels, 1 + n_fft // 2)]
        From :func:`musiclib.features.mel_filterbank`.
    sr : float
        Sample rate in Hz.
    ax : matplotlib Axes or None
    every : int
        Draw every ``every``-th filter (for large ``n_mels``).

    Returns
    -------
    list of Line2D
        One line per drawn filter.

    Raises
    ------
    ValueError
        If ``weights`` is not a finite, non-negative 2-D array, ``sr`` is not
        a finite number > 0 or ``every`` is not a positive integer.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    weights = check_image("weights", weights)
    if np.any(weights < 0):
        raise ValueError("weights must be non-negative (a mel filterbank)")
    sr = check_positive("sr", sr)
    every = check_positive_int("every", every)
    ax = axes_or_new(ax, (8, 3))
    f = np.linspace(0.0, sr / 2, weights.shape[1])
    lines = [ax.plot(f, row, lw=1)[0] for row in weights[::every]]
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("weight")
    return lines


def dct_basis(*, n_mels: int = 40, n_basis: int = 5, ax=None):
    """Draw the first ``n_basis`` orthonormal DCT-II basis vectors over ``n_mels`` bands.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    n_mels : int
        Length of each basis vector (mel bands).
    n_basis : int
        Basis vectors drawn, ``<= n_mels``.
    ax : matplotlib Axes or None

    Returns
    -------
    list of Line2D
        One line per basis vector (coefficient ``k`` measures how much the log-mel
        spectrum looks like cosine ``k``).

    Raises
    ------
    ValueError
        If ``n_mels`` is not a positive integer (at most
        :data:`musiclib.features.MAX_N_MELS`) or ``n_basis`` is not an
        integer in ``[1, n_mels]``.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    from .._validation import check_in_range
    from ..features import MAX_N_MELS, dct_matrix

    n_mels = check_positive_int("n_mels", n_mels, maximum=MAX_N_MELS)
    n_basis = check_in_range("n_basis", n_basis, 1, n_mels, integer=True)
    ax = axes_or_new(ax, (8, 3))
    basis = dct_matrix(n_basis, n_mels)
    lines = [ax.plot(np.arange(n_mels), row, marker=".", lw=1, label=f"c{k}")[0] for k, row in enumerate(basis)]
    ax.set_xlabel("mel band")
    ax.set_ylabel("basis value")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))  # outside: the cosines fill the whole box
    return lines


def mfcc_image(M, *, sr: float, hop_length: int, ax=None, colorbar: bool = True, title: str | None = None):
    """Draw MFCCs (coefficient by frame) with time in seconds.

    The colour limits are symmetric and set by coefficients 1 and up: ``c0``
    (loudness) is usually much larger and saturates, so the rest stay visible.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    M : np.ndarray [shape=(n_mfcc, n_frames)]
    sr : float
        Sample rate in Hz.
    hop_length : int
        Samples between frames.
    ax : matplotlib Axes or None
    colorbar : bool
    title : str or None

    Returns
    -------
    matplotlib.image.AxesImage

    Raises
    ------
    ValueError
        If ``M`` is not a finite real 2-D array, ``sr``/``hop_length`` are
        not positive or ``colorbar`` is not a bool.
    TypeError
        If ``ax`` is not a matplotlib Axes or None.
    """
    from matplotlib.ticker import MaxNLocator

    M = check_image("M", M)
    sr = check_positive("sr", sr)
    hop_length = check_positive_int("hop_length", hop_length, maximum=MAX_FFT_SIZE)
    colorbar = check_bool("colorbar", colorbar)
    ax = axes_or_new(ax, (8, 3))
    limit = np.max(np.abs(M[1:])) if M.shape[0] > 1 else np.max(np.abs(M))
    limit = limit if limit > 0 else 1.0  # all zeros: a symmetric range around 0 all the same
    image = ax.imshow(
        M,
        origin="lower",
        aspect="auto",
        cmap="coolwarm",
        vmin=-limit,
        vmax=limit,
        extent=(0, M.shape[1] * hop_length / sr, -0.5, M.shape[0] - 0.5),
        interpolation="nearest",
    )
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # coefficients are numbered 0, 1, 2, ...
    ax.set_xlabel("time (s)")
    ax.set_ylabel("coefficient")
    if title:
        ax.set_title(title)
    if colorbar:
        # an orthonormal DCT of dB values is in dB too (c0 = sqrt(n_mels) x the mean level)
        ax.figure.colorbar(image, ax=ax, label="value (dB)")
    return image
