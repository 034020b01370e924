"""Plot helpers (spectral): sampling, windows, spectrograms, mel filterbanks, DCT basis, MFCCs.

Chapters: 04_audio_signals, 05_mfcc_features. Re-exported by ``musiclib.plots``.
Each helper takes ``ax=None`` (a new figure when None), draws into it and
returns what it drew.
"""

from __future__ import annotations

import numpy as np

from ._axes import axes_or_new

__all__ = [
    "sampled_signal",
    "window_responses",
    "spectrogram",
    "mel_scales",
    "mel_filterbank",
    "dct_basis",
    "mfcc_image",
]


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
    """
    ax = axes_or_new(ax, (8, 3))
    t_fine = np.linspace(0.0, duration, int(oversample * sr * duration) + 1)
    t_samples = np.arange(0.0, duration + 1e-12, 1.0 / sr)
    (curve,) = ax.plot(t_fine, func(t_fine), lw=1, alpha=0.7, label=label)
    (markers,) = ax.plot(t_samples, func(t_samples), "o", ms=4, color=curve.get_color())
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
        Zero-padding factor, so the response is drawn finely between bins.
    ax : matplotlib Axes or None
    floor_db : float
        Lowest dB value drawn.

    Returns
    -------
    list of Line2D
        One line per window; x in DFT bins of the unpadded window.
    """
    from ..features import get_window

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
        Samples between frames (centred frames: frame ``t`` at ``t * hop_length / sr`` s).
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
    """
    from ..features import mel_frequencies

    S_db = np.asarray(S_db)
    if S_db.ndim != 2:
        raise ValueError(f"S_db must have shape (n_bins, n_frames), got {S_db.shape}")
    ax = axes_or_new(ax, (8, 3))
    n_rows, n_frames = S_db.shape
    t_max = n_frames * hop_length / sr
    if y_axis == "linear":
        extent = (0, t_max, 0, sr / 2)
        ylabel = "frequency (Hz)"
    elif y_axis == "mel":
        extent = (0, t_max, -0.5, n_rows - 0.5)
        ylabel = "mel band (centre Hz)"
    else:
        raise ValueError(f"y_axis={y_axis!r} is not supported; choose one of 'linear', 'mel'")
    image = ax.imshow(
        S_db, origin="lower", aspect="auto", extent=extent, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    if y_axis == "mel":
        centres = mel_frequencies(n_rows + 2, fmin=fmin, fmax=fmax or sr / 2, htk=htk)[1:-1]
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
        Highest frequency drawn, in Hz.
    ax : matplotlib Axes or None

    Returns
    -------
    list of Line2D
        ``[slaney_line, htk_line]``.
    """
    from ..features import hz_to_mel

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
    """
    weights = np.asarray(weights)
    ax = axes_or_new(ax, (8, 3))
    f = np.linspace(0.0, sr / 2, weights.shape[1])
    lines = [ax.plot(f, row, lw=1)[0] for row in weights[::every]]
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("weight")
    return lines


def dct_basis(*, n_mels: int = 40, n_basis: int = 5, ax=None):
    """Draw the first ``n_basis`` orthonormal DCT-II basis vectors over ``n_mels`` bands.

    Chapter: 05_mfcc_features

    Returns
    -------
    list of Line2D
        One line per basis vector (coefficient ``k`` measures how much the log-mel
        spectrum looks like cosine ``k``).
    """
    from ..features import dct_matrix

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
    """
    from matplotlib.ticker import MaxNLocator

    M = np.asarray(M)
    if M.ndim != 2:
        raise ValueError(f"M must have shape (n_mfcc, n_frames), got {M.shape}")
    ax = axes_or_new(ax, (8, 3))
    limit = np.max(np.abs(M[1:])) if M.shape[0] > 1 else np.max(np.abs(M))
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
