"""Audio features from scratch: framing, STFT, mel filterbank, decibels, DCT and MFCC.

Chapters: 04_audio_signals (``frame``, ``get_window``, ``stft``, ``power_spectrogram``),
05_mfcc_features (mel scale, filterbank, ``power_to_db``, ``dct``, ``mfcc``, ``delta``,
the TensorFlow path and ``mfcc_to_audio``), 11_audio_gan_on_features (``mel_to_audio``,
``spectral_convergence``: hearing generated log-mel patches and scoring the inversion).

Everything here is plain NumPy (plus ``scipy.fft`` for the FFT and
``scipy.signal.savgol_filter`` for ``delta``). TensorFlow is imported only
inside :func:`melspectrogram_tf` and :func:`mfcc_tf`, and librosa only inside
:func:`mfcc_to_audio` (for the non-negative least squares and Griffin-Lim steps).

Every function takes ``(..., n_samples)`` arrays, so a whole batch of clips goes
through in one call, and with the parameters left out it uses the defaults of
librosa 0.11. With the same parameters the results equal ``librosa.stft``,
``librosa.filters.mel``, ``librosa.feature.melspectrogram`` and
``librosa.feature.mfcc`` to within 1e-4 of the largest magnitude, in float32
and float64 (``tests/test_features.py`` checks it).

Conventions (the reasons libraries disagree, all explicit here)
---------------------------------------------------------------
* **Centring**: ``center=True`` pads ``n_fft // 2`` samples on both sides, so
  frame ``t`` is centred on sample ``t * hop_length``. The pad is zeros
  (``pad_mode="constant"``, librosa >= 0.10); older librosa and many tutorials
  reflect. ``tf.signal.stft`` does not centre at all.
* **Window**: periodic Hann, ``w[n] = 0.5 - 0.5 cos(2 pi n / N)`` (the DFT-even
  window of ``scipy.signal.get_window``), not the symmetric ``np.hanning``.
* **Power vs magnitude**: ``power=2.0`` (power spectrogram, ``|X|**2``) is the
  default of every mel function; ``power=1.0`` gives magnitudes.
* **Mel scale**: Slaney (linear below 1 kHz, logarithmic above; librosa's
  default) or HTK (``2595 log10(1 + f / 700)``, ``htk=True``; what
  ``tf.signal`` uses).
* **Filter normalisation**: ``norm="slaney"`` divides each triangle by its
  width in Hz (constant area, so a white noise gives a flat mel spectrum);
  ``norm=None`` keeps peak height 1 (``tf.signal``'s choice).
* **Log**: decibels ``10 log10(max(amin, S) / ref)`` with ``amin=1e-10``,
  ``ref=1.0`` and a floor ``top_db=80`` dB below the maximum. ``tf.signal``
  tutorials use the natural log ``log(S + 1e-6)`` instead.
* **top_db and clip length**: the floor is relative to the loudest value of
  the *clip*, so appending a loud passage raises the floor of every quiet frame
  and changes its MFCCs. ``mfcc`` takes that maximum per clip (a batch gives
  the same numbers as clip-by-clip calls); ``librosa.feature.mfcc`` on a batch
  takes it over the whole batch. ``top_db=None`` removes the effect.
* **DCT**: type II, orthonormal (``scipy.fft.dct(norm="ortho")``): ``c0`` is
  ``sqrt(n_mels)`` times the mean log-mel value. ``tf.signal``'s
  ``mfccs_from_log_mel_spectrograms`` scales all coefficients alike, so its
  ``c0`` is ``sqrt(2)`` times larger.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import scipy.fft
import scipy.signal

from ._validation import (
    MAX_FFT_SIZE,
    _is_finite_real,
    _is_scalar,
    _same_choice,
    check_bool,
    check_choice,
    check_finite_array,
    check_in_range,
    check_nonnegative,
    check_positive,
    check_positive_int,
    check_seed,
)

__all__ = [
    "FFT_WORKERS",
    "TF_SIGNAL_RECIPE",
    "MAX_N_FFT",
    "MAX_N_MELS",
    "frame",
    "frame_count",
    "get_window",
    "stft",
    "power_spectrogram",
    "fft_frequencies",
    "hz_to_mel",
    "mel_to_hz",
    "mel_frequencies",
    "mel_filterbank",
    "melspectrogram",
    "power_to_db",
    "db_to_power",
    "dct_matrix",
    "dct",
    "idct",
    "mfcc",
    "delta",
    "mfcc_to_mel",
    "mfcc_to_audio",
    "mel_to_audio",
    "spectral_convergence",
    "melspectrogram_tf",
    "mfcc_tf",
]

#: Threads ``scipy.fft`` may use for a batch of frames (all cores by default;
#: set ``MUSICLIB_FFT_WORKERS`` to limit it on a shared machine).
FFT_WORKERS = int(os.environ.get("MUSICLIB_FFT_WORKERS", os.cpu_count() or 1))

#: The conventions of the plain ``tf.signal`` MFCC recipe from TensorFlow's
#: documentation, for :func:`mfcc_tf` / :func:`melspectrogram_tf`: no centring,
#: ``tf.signal.linear_to_mel_weight_matrix`` (HTK, no area norm, DC bin zeroed),
#: natural log of ``mel + 1e-6`` and TensorFlow's DCT scaling.
TF_SIGNAL_RECIPE = {"center": False, "mel_weights": "tf", "log": "natural", "dct_norm": "tf"}

#: Largest ``n_fft`` / ``win_length`` / ``hop_length`` (and ``idct`` output length, ``delta`` width) accepted:
#: 2**20 = 1,048,576 samples (47 s at 22050 Hz). A larger value is almost always a typo
#: that would exhaust memory, so it raises ``ValueError``.
MAX_N_FFT = MAX_FFT_SIZE
#: Most mel bands accepted by :func:`mel_filterbank` and the functions built on it (and
#: the longest vector :func:`dct_matrix` builds a matrix for).
MAX_N_MELS = 4096
# Most Griffin-Lim iterations mfcc_to_audio runs (each is an STFT and an inverse STFT).
_MAX_GRIFFIN_LIM_ITERATIONS = 10_000
# dct/idct multiply by dct_matrix up to this length (fast for MFCC-sized vectors) and
# use scipy.fft beyond it (an n x n matrix of a long axis would fill memory).
_DCT_MATRIX_MAX = 1024

_WINDOWS = ("hann", "hamming", "blackman", "boxcar", "rectangular")
_PAD_MODES = ("constant", "reflect", "edge", "symmetric")
_MEL_NORMS = ("slaney", None, 1, 2, np.inf)
# Cosine-sum coefficients a_k of w[n] = sum_k (-1)^k a_k cos(2 pi k n / N).
_COSINE_SUMS = {"hann": (0.5, 0.5), "hamming": (0.54, 0.46), "blackman": (0.42, 0.5, 0.08)}


# ----------------------------------------------------------------------------- validation
def _check_signal(y, name: str = "y") -> np.ndarray:
    """Finite, non-empty, real ``(..., n_samples)`` array as float32 or float64."""
    if isinstance(y, np.ndarray) and np.iscomplexobj(y):
        raise ValueError(f"{name} must be a real-valued signal, got a complex array")
    y = check_finite_array(name, y)
    if y.dtype not in (np.float32, np.float64):
        y = y.astype(np.float32 if y.dtype == np.float16 else np.float64)
    return y


_check_bool = check_bool


def _check_n_fft(n_fft, name: str = "n_fft") -> int:
    return check_positive_int(name, n_fft, maximum=MAX_N_FFT)


def _check_float_dtype(dtype) -> np.dtype:
    """A NumPy floating dtype (float16/32/64); integer or complex output would be meaningless here."""
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        raise ValueError(f"dtype={dtype!r} is not a NumPy dtype; use np.float32 or np.float64") from None
    if not np.issubdtype(dt, np.floating):
        raise ValueError(f"dtype={dt.name} must be a floating dtype (np.float32 or np.float64)")
    return dt


def _check_stft_params(n_fft, hop_length, win_length, window, center, pad_mode):
    n_fft = _check_n_fft(n_fft)
    if win_length is None:
        win_length = n_fft
    win_length = check_in_range("win_length", win_length, 1, n_fft, integer=True)
    if hop_length is None:
        hop_length = max(win_length // 4, 1)
    hop_length = _check_n_fft(hop_length, "hop_length")
    center = _check_bool("center", center)
    check_choice("pad_mode", pad_mode, _PAD_MODES)
    if isinstance(window, str):
        check_choice("window", window, _WINDOWS)
    return n_fft, hop_length, win_length, center


def _check_mel_params(sr, n_fft, n_mels, fmin, fmax, htk, norm):
    sr = check_positive("sr", sr)
    n_fft = _check_n_fft(n_fft)
    n_mels = _check_n_mels(n_mels)
    nyquist = sr / 2.0
    fmax = nyquist if fmax is None else fmax
    fmax = float(check_in_range("fmax", fmax, 0.0, nyquist))
    fmin = check_nonnegative("fmin", fmin)
    if fmin >= fmax:
        raise ValueError(f"fmin={fmin!r} must be smaller than fmax={fmax!r} (Hz)")
    htk = _check_bool("htk", htk)
    if not any(_same_choice(norm, choice) for choice in _MEL_NORMS):
        raise ValueError(f"norm={norm!r} is not supported; choose one of 'slaney', None, 1, 2, np.inf")
    return sr, n_fft, n_mels, fmin, fmax, htk


def _check_n_mels(n_mels) -> int:
    return check_positive_int("n_mels", n_mels, maximum=MAX_N_MELS)


def _check_power(power) -> float:
    return check_positive("power", power)


def _check_fits(n_fft: int, n_samples) -> None:
    """Raise if a frame of ``n_fft`` samples does not fit in ``n_samples`` (no padding); None = unknown, skip."""
    if n_samples is not None and n_fft > n_samples:
        raise ValueError(
            f"n_fft={n_fft} is longer than the signal (n_samples={n_samples}); use center=True or a smaller n_fft"
        )


def _check_top_db(top_db):
    return None if top_db is None else check_nonnegative("top_db", top_db)


def _check_lifter(lifter) -> float:
    return check_nonnegative("lifter", lifter)


def _check_mfcc_params(n_mfcc, n_mels: int, lifter, top_db):
    """The MFCC-only parameters, shared by :func:`mfcc` and :func:`mfcc_tf` (``n_mels`` already validated)."""
    n_mfcc = check_positive_int("n_mfcc", n_mfcc)
    if n_mfcc > n_mels:
        raise ValueError(f"n_mfcc={n_mfcc} must be <= n_mels={n_mels} (the DCT cannot give more coefficients than bands)")
    return n_mfcc, _check_lifter(lifter), _check_top_db(top_db)


# ----------------------------------------------------------------------------- framing
def frame_count(n_samples: int, *, n_fft: int = 2048, hop_length: int = 512, center: bool = True) -> int:
    """Return the number of STFT frames of a signal of ``n_samples`` samples.

    ``1 + (n_samples + 2 * (n_fft // 2) - n_fft) // hop_length`` with centring,
    ``1 + (n_samples - n_fft) // hop_length`` without.

    Chapter: 04_audio_signals

    Parameters
    ----------
    n_samples : int
        Signal length in samples.
    n_fft : int
        Frame length in samples, at most :data:`MAX_N_FFT`.
    hop_length : int
        Step between frames in samples.
    center : bool
        Whether the signal is padded by ``n_fft // 2`` on both sides first.

    Returns
    -------
    int

    Raises
    ------
    ValueError
        If a parameter is not a positive integer, ``n_fft > MAX_N_FFT``, or
        ``n_fft > n_samples`` without centring.

    Examples
    --------
    >>> frame_count(22050, n_fft=2048, hop_length=512)
    44
    """
    n_samples = check_positive_int("n_samples", n_samples)
    n_fft = _check_n_fft(n_fft)
    hop_length = _check_n_fft(hop_length, "hop_length")
    if _check_bool("center", center):
        n_samples += 2 * (n_fft // 2)
    _check_fits(n_fft, n_samples)
    return 1 + (n_samples - n_fft) // hop_length


def frame(y, *, frame_length: int, hop_length: int) -> np.ndarray:
    """Slice a signal into overlapping frames, without copying.

    Frame ``t`` holds samples ``y[..., t * hop_length : t * hop_length + frame_length]``.
    Same layout as ``librosa.util.frame(y, axis=-1)``.

    Chapter: 04_audio_signals

    Parameters
    ----------
    y : np.ndarray [shape=(..., n_samples)]
        Signal(s).
    frame_length : int
        Samples per frame.
    hop_length : int
        Samples between the starts of consecutive frames.

    Returns
    -------
    np.ndarray [shape=(..., frame_length, n_frames)]
        A read-only strided view of ``y``; ``n_frames = 1 + (n_samples - frame_length) // hop_length``.

    Raises
    ------
    ValueError
        If ``y`` is empty or not finite, a length is not a positive integer, or
        ``frame_length > n_samples``.

    Examples
    --------
    >>> frame(np.arange(6.0), frame_length=4, hop_length=2)
    array([[0., 2.],
           [1., 3.],
           [2., 4.],
           [3., 5.]])
    """
    y = check_finite_array("y", y)
    frame_length = check_positive_int("frame_length", frame_length)
    hop_length = check_positive_int("hop_length", hop_length)
    if frame_length > y.shape[-1]:
        raise ValueError(f"frame_length={frame_length} is longer than the signal (n_samples={y.shape[-1]})")
    return np.swapaxes(_frames_last(y, frame_length, hop_length), -1, -2)


def _frames_last(y: np.ndarray, frame_length: int, hop_length: int) -> np.ndarray:
    """Strided view ``(..., n_frames, frame_length)``: each frame contiguous, ready for an FFT."""
    return np.lib.stride_tricks.sliding_window_view(y, frame_length, axis=-1)[..., ::hop_length, :]


def get_window(window="hann", win_length: int = 2048, *, periodic: bool = True, dtype=np.float64) -> np.ndarray:
    """Return an analysis window of ``win_length`` samples.

    Cosine-sum windows ``w[n] = sum_k (-1)^k a_k cos(2 pi k n / N)`` with
    ``N = win_length`` (periodic, for spectral analysis: the default, as in
    ``scipy.signal.get_window(..., fftbins=True)`` and librosa) or
    ``N = win_length - 1`` (symmetric, like ``np.hanning``). Hann:
    ``a = (0.5, 0.5)``; Hamming: ``(0.54, 0.46)``; Blackman: ``(0.42, 0.5, 0.08)``;
    boxcar (rectangular): all ones.

    Chapter: 04_audio_signals

    Parameters
    ----------
    window : {"hann", "hamming", "blackman", "boxcar", "rectangular"} or array-like
        Window name, or the window values themselves (real, finite, length ``win_length``).
    win_length : int
        Window length in samples, at most :data:`MAX_N_FFT` (2**20).
    periodic : bool
        Periodic (DFT-even) window if True, symmetric if False.
    dtype : numpy floating dtype
        Output dtype (``np.float32`` or ``np.float64``; integer dtypes would
        round the window to zeros and ones).

    Returns
    -------
    np.ndarray [shape=(win_length,)]

    Raises
    ------
    ValueError
        For an unknown name, a length that is not in ``[1, MAX_N_FFT]``, a
        window array of the wrong length, or a non-floating ``dtype``.

    Examples
    --------
    >>> get_window("hann", 4)
    array([0. , 0.5, 1. , 0.5])
    """
    win_length = _check_n_fft(win_length, "win_length")
    periodic = _check_bool("periodic", periodic)
    dtype = _check_float_dtype(dtype)
    if not isinstance(window, str):
        values = check_finite_array("window", window)
        if values.shape != (win_length,):
            raise ValueError(f"window must have shape ({win_length},) to match win_length, got {values.shape}")
        return values.astype(dtype)
    check_choice("window", window, _WINDOWS)
    if window in ("boxcar", "rectangular") or win_length == 1:
        return np.ones(win_length, dtype=dtype)
    denominator = win_length if periodic else win_length - 1
    phase = 2.0 * np.pi * np.arange(win_length) / denominator
    values = np.zeros(win_length)
    for k, a_k in enumerate(_COSINE_SUMS[window]):
        values += (-1) ** k * a_k * np.cos(k * phase)
    return values.astype(dtype)


def _padded_window(window, win_length: int, n_fft: int, dtype) -> np.ndarray:
    """The window centred in ``n_fft`` samples (zeros around), like ``librosa.util.pad_center``."""
    values = get_window(window, win_length)
    left = (n_fft - win_length) // 2
    return np.pad(values, (left, n_fft - win_length - left)).astype(dtype)


# ----------------------------------------------------------------------------- STFT
def _stft_frames_last(y, n_fft, hop_length, win_length, window, center, pad_mode):
    """Complex STFT with layout ``(..., n_frames, 1 + n_fft // 2)`` (validated inputs)."""
    if center:
        pad = [(0, 0)] * (y.ndim - 1) + [(n_fft // 2, n_fft // 2)]
        y = np.pad(y, pad, mode=pad_mode)
    else:
        _check_fits(n_fft, y.shape[-1])
    # float32 stays float32 end to end: half the memory traffic of float64, and
    # the rounding error (~1e-7 of the peak) is far below the 1e-4 we promise.
    windowed = _frames_last(y, n_fft, hop_length) * _padded_window(window, win_length, n_fft, y.dtype)
    return scipy.fft.rfft(windowed, axis=-1, workers=FFT_WORKERS, overwrite_x=True)


def stft(
    y,
    *,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window="hann",
    center: bool = True,
    pad_mode: str = "constant",
) -> np.ndarray:
    """Short-time Fourier transform: the DFT of overlapping windowed frames.

    ``X[..., k, t] = sum_n w[n] y[t * hop_length + n - n_fft // 2] exp(-2j pi k n / n_fft)``
    (with ``center=True``; samples outside the signal are padded), for
    ``k = 0 .. n_fft // 2`` (the real FFT keeps the non-negative frequencies;
    bin ``k`` is ``k * sr / n_fft`` Hz). Equals ``librosa.stft`` with the same
    parameters.

    Chapter: 04_audio_signals

    Parameters
    ----------
    y : np.ndarray [shape=(..., n_samples)]
        Real signal(s); float32 input gives complex64, float64 gives complex128.
    n_fft : int
        FFT length in samples (frame length after zero-padding the window),
        at most :data:`MAX_N_FFT` (2**20).
    hop_length : int or None
        Samples between frames (at most :data:`MAX_N_FFT`); ``None`` means ``win_length // 4``.
    win_length : int or None
        Window length in samples, ``<= n_fft`` (the window is centred in the
        frame with zeros around it); ``None`` means ``n_fft``.
    window : str or array-like
        Window name for :func:`get_window` (periodic) or its values.
    center : bool
        Pad ``n_fft // 2`` samples on both sides so frame ``t`` is centred on
        sample ``t * hop_length``.
    pad_mode : {"constant", "reflect", "edge", "symmetric"}
        How to pad when centring (``"constant"`` = zeros, librosa's default).

    Returns
    -------
    np.ndarray [shape=(..., 1 + n_fft // 2, n_frames), complex]
        ``n_frames`` as in :func:`frame_count`.

    Raises
    ------
    ValueError
        For an empty, complex or non-finite signal, ``n_fft`` or
        ``hop_length`` not in ``[1, MAX_N_FFT]``, ``win_length > n_fft``, an
        unknown window or pad mode, or ``n_fft > n_samples`` with ``center=False``.

    Examples
    --------
    >>> X = stft(np.ones(4096, dtype=np.float32), n_fft=1024, hop_length=256)
    >>> X.shape, X.dtype
    ((513, 17), dtype('complex64'))
    """
    y = _check_signal(y)
    n_fft, hop_length, win_length, center = _check_stft_params(n_fft, hop_length, win_length, window, center, pad_mode)
    return np.swapaxes(_stft_frames_last(y, n_fft, hop_length, win_length, window, center, pad_mode), -1, -2)


def _power(X: np.ndarray, power: float) -> np.ndarray:
    if power == 2.0:
        return np.square(X.real) + np.square(X.imag)
    magnitude = np.abs(X)
    return magnitude if power == 1.0 else magnitude**power


def power_spectrogram(
    y,
    *,
    n_fft: int = 2048,
    hop_length: int | None = None,
    win_length: int | None = None,
    window="hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
) -> np.ndarray:
    """Return ``|stft(y)| ** power``: a power (``power=2``) or magnitude (``power=1``) spectrogram.

    Chapter: 04_audio_signals

    Parameters
    ----------
    y : np.ndarray [shape=(..., n_samples)]
        Real signal(s).
    n_fft, hop_length, win_length, window, center, pad_mode
        As in :func:`stft`.
    power : float > 0
        Exponent of the magnitude: 2.0 for power (energy), 1.0 for magnitude.

    Returns
    -------
    np.ndarray [shape=(..., 1 + n_fft // 2, n_frames), real, same float dtype as ``y``]

    Raises
    ------
    ValueError
        As :func:`stft`, or if ``power <= 0``.

    Examples
    --------
    >>> P = power_spectrogram(np.zeros(2048), n_fft=512)
    >>> float(P.max())
    0.0
    """
    y = _check_signal(y)
    n_fft, hop_length, win_length, center = _check_stft_params(n_fft, hop_length, win_length, window, center, pad_mode)
    power = _check_power(power)
    X = _stft_frames_last(y, n_fft, hop_length, win_length, window, center, pad_mode)
    return np.swapaxes(_power(X, power), -1, -2)


def fft_frequencies(*, sr: float = 22050, n_fft: int = 2048) -> np.ndarray:
    """Return the centre frequency in Hz of each real-FFT bin: ``k * sr / n_fft``, ``k = 0 .. n_fft // 2``.

    Chapter: 04_audio_signals

    Parameters
    ----------
    sr : float
        Sample rate in Hz.
    n_fft : int
        FFT length in samples, at most :data:`MAX_N_FFT`.

    Returns
    -------
    np.ndarray [shape=(1 + n_fft // 2,)]

    Raises
    ------
    ValueError
        If ``sr`` or ``n_fft`` is not positive, or ``n_fft > MAX_N_FFT``.

    Examples
    --------
    >>> fft_frequencies(sr=8000, n_fft=8)
    array([   0., 1000., 2000., 3000., 4000.])
    """
    sr = check_positive("sr", sr)
    n_fft = _check_n_fft(n_fft)
    return np.fft.rfftfreq(n=n_fft, d=1.0 / sr)


# ----------------------------------------------------------------------------- mel scale
_SLANEY_HZ_PER_MEL = 200.0 / 3  # linear part: 3 mel per 200 Hz
_SLANEY_BREAK_HZ = 1000.0  # the log part starts here ...
_SLANEY_BREAK_MEL = _SLANEY_BREAK_HZ / _SLANEY_HZ_PER_MEL  # ... at 15 mel
_SLANEY_LOGSTEP = np.log(6.4) / 27.0  # 27 mel per factor 6.4 in frequency


def _as_float_array(name: str, values) -> np.ndarray:
    """Finite, real, non-negative float64 values (scalar or any shape; empty in, empty out)."""
    if _is_scalar(values) and not _is_finite_real(values):
        raise ValueError(f"{name}={values!r} must be a finite number >= 0 or an array of them")
    arr = check_finite_array(name, values, min_ndim=0, allow_empty=True).astype(np.float64)
    if np.any(arr < 0):
        raise ValueError(f"{name} must be >= 0, got a minimum of {arr.min()!r}")
    return arr


def hz_to_mel(frequencies, *, htk: bool = False):
    """Convert frequencies in Hz to mel.

    Slaney (``htk=False``, librosa's default; Auditory Toolbox): linear below
    1 kHz, ``m = 3 f / 200``, so 1000 Hz is 15 mel; logarithmic above,
    ``m = 15 + 27 ln(f / 1000) / ln(6.4)``. HTK (``htk=True``):
    ``m = 2595 log10(1 + f / 700)``, so 1000 Hz is about 1000 mel. Both make
    equal mel steps sound roughly equally far apart in pitch.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    frequencies : float or np.ndarray
        Frequencies in Hz, ``>= 0`` (real; an empty array gives an empty array).
    htk : bool
        Use the HTK formula instead of Slaney's.

    Returns
    -------
    float or np.ndarray
        Mel values (float64), same shape as ``frequencies``.

    Raises
    ------
    ValueError
        For negative, non-finite or complex frequencies.

    Examples
    --------
    >>> round(hz_to_mel(1000.0), 6), round(hz_to_mel(1000.0, htk=True), 2)
    (15.0, 999.99)
    """
    f = _as_float_array("frequencies", frequencies)
    if _check_bool("htk", htk):
        mels = 2595.0 * np.log10(1.0 + f / 700.0)
    else:
        mels = f / _SLANEY_HZ_PER_MEL
        log_part = f >= _SLANEY_BREAK_HZ
        mels = np.where(
            log_part, _SLANEY_BREAK_MEL + np.log(np.maximum(f, _SLANEY_BREAK_HZ) / _SLANEY_BREAK_HZ) / _SLANEY_LOGSTEP, mels
        )
    return mels if mels.ndim else float(mels)


def mel_to_hz(mels, *, htk: bool = False):
    """Convert mel values to Hz: the inverse of :func:`hz_to_mel`.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    mels : float or np.ndarray
        Mel values, ``>= 0`` (real; an empty array gives an empty array).
    htk : bool
        Use the HTK formula ``f = 700 (10 ** (m / 2595) - 1)`` instead of Slaney's.

    Returns
    -------
    float or np.ndarray
        Frequencies in Hz (float64), same shape as ``mels``.

    Raises
    ------
    ValueError
        For negative, non-finite or complex values, or values so large the
        frequency overflows float64.

    Examples
    --------
    >>> round(mel_to_hz(15.0), 6)
    1000.0
    """
    m = _as_float_array("mels", mels)
    htk = _check_bool("htk", htk)
    with np.errstate(over="ignore"):
        if htk:
            f = 700.0 * (10.0 ** (m / 2595.0) - 1.0)
        else:
            f = m * _SLANEY_HZ_PER_MEL
            log_part = m >= _SLANEY_BREAK_MEL
            f = np.where(log_part, _SLANEY_BREAK_HZ * np.exp(_SLANEY_LOGSTEP * (np.maximum(m, _SLANEY_BREAK_MEL) - _SLANEY_BREAK_MEL)), f)
    if not np.all(np.isfinite(f)):
        raise ValueError(f"mels must be small enough to give a finite frequency in Hz, got a maximum of {m.max()!r}")
    return f if f.ndim else float(f)


def mel_frequencies(n_mels: int = 128, *, fmin: float = 0.0, fmax: float = 11025.0, htk: bool = False) -> np.ndarray:
    """Return ``n_mels`` frequencies in Hz equally spaced on the mel scale from ``fmin`` to ``fmax``.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    n_mels : int
        Number of frequencies, at most :data:`MAX_N_FFT`.
    fmin, fmax : float
        First and last frequency in Hz (``0 <= fmin < fmax``).
    htk : bool
        HTK mel scale instead of Slaney's.

    Returns
    -------
    np.ndarray [shape=(n_mels,)]

    Raises
    ------
    ValueError
        For ``n_mels`` not in ``[1, MAX_N_FFT]`` or ``fmin >= fmax``.

    Examples
    --------
    >>> mel_frequencies(3, fmin=0.0, fmax=2000.0, htk=True).round(1)
    array([   0. ,  674.8, 2000. ])
    """
    n_mels = check_positive_int("n_mels", n_mels, maximum=MAX_N_FFT)
    fmin = check_nonnegative("fmin", fmin)
    fmax = check_positive("fmax", fmax)
    if fmin >= fmax:
        raise ValueError(f"fmin={fmin!r} must be smaller than fmax={fmax!r} (Hz)")
    mels = np.linspace(hz_to_mel(fmin, htk=htk), hz_to_mel(fmax, htk=htk), n_mels)
    return mel_to_hz(mels, htk=htk)


def mel_filterbank(
    *,
    sr: float = 22050,
    n_fft: int = 2048,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm="slaney",
    dtype=np.float32,
) -> np.ndarray:
    """Return the triangular mel filterbank matrix that maps FFT bins to mel bands.

    Band ``m`` is a triangle over FFT-bin frequencies that rises from
    ``f[m]`` to 1 at ``f[m + 1]`` and falls back to 0 at ``f[m + 2]``, where
    ``f`` are ``n_mels + 2`` frequencies equally spaced in mel between ``fmin``
    and ``fmax`` (:func:`mel_frequencies`). With ``norm="slaney"`` each
    triangle is scaled by ``2 / (f[m + 2] - f[m])`` so all bands have the same
    area (equal energy per band for white noise); ``norm=None`` keeps peaks at 1;
    ``norm=1, 2, np.inf`` divides each row by its L1/L2/max norm. Equals
    ``librosa.filters.mel``.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    sr : float
        Sample rate in Hz.
    n_fft : int
        FFT length in samples (the matrix has ``1 + n_fft // 2`` columns), at
        most :data:`MAX_N_FFT`.
    n_mels : int
        Number of mel bands (rows), at most :data:`MAX_N_MELS` (4096).
    fmin : float
        Lowest band edge in Hz.
    fmax : float or None
        Highest band edge in Hz, at most ``sr / 2``; ``None`` means ``sr / 2``.
    htk : bool
        HTK mel scale instead of Slaney's.
    norm : {"slaney", None, 1, 2, np.inf}
        Row normalisation (see above).
    dtype : numpy floating dtype
        Output dtype (float32 like librosa).

    Returns
    -------
    np.ndarray [shape=(n_mels, 1 + n_fft // 2)]

    Raises
    ------
    ValueError
        If ``fmax > sr / 2``, ``fmin >= fmax``, a count is not a positive
        integer or exceeds its cap, ``norm`` is unknown or ``dtype`` is not
        a floating dtype.

    Warns
    -----
    UserWarning
        When some bands fall between FFT bins and stay empty (too many
        ``n_mels`` for this ``n_fft``), like librosa.

    Examples
    --------
    >>> mel_filterbank(sr=22050, n_fft=2048, n_mels=40).shape
    (40, 1025)
    """
    sr, n_fft, n_mels, fmin, fmax, htk = _check_mel_params(sr, n_fft, n_mels, fmin, fmax, htk, norm)
    dtype = _check_float_dtype(dtype)
    bin_hz = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    edges = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    widths = np.diff(edges)
    distance = edges[:, None] - bin_hz[None, :]  # distance[i, k] = f_i - bin_k
    rising = -distance[:-2] / widths[:-1, None]
    falling = distance[2:] / widths[1:, None]
    weights = np.maximum(0.0, np.minimum(rising, falling))
    if norm == "slaney" and isinstance(norm, str):
        weights *= (2.0 / (edges[2:] - edges[:-2]))[:, None]
    elif norm is not None:
        lengths = np.linalg.norm(weights, ord=norm, axis=1, keepdims=True)
        weights = np.divide(weights, lengths, out=weights.copy(), where=lengths > np.finfo(np.float64).tiny)
    if not np.all((edges[:-2] == 0) | (weights.max(axis=1) > 0)):
        warnings.warn(
            f"Empty mel bands: n_mels={n_mels} is too many for n_fft={n_fft} at sr={sr} Hz; "
            "some bands lie between FFT bins. Reduce n_mels or increase n_fft.",
            UserWarning,
            stacklevel=2,
        )
    return weights.astype(dtype)


def _matmul_frames(A, B):
    """``(..., n_frames, n_in) @ (n_in, n_out)`` as one 2-D matrix product (one BLAS call).

    NumPy's stacked matmul on 3-D input loops over small matrices and was 20x
    slower here for the DCT step.
    """
    B = np.ascontiguousarray(B, dtype=A.dtype)
    A2 = np.ascontiguousarray(A).reshape(-1, A.shape[-1])
    return (A2 @ B).reshape(A.shape[:-1] + (B.shape[-1],))


#: Bytes of windowed frames processed at once by :func:`_mel_power_frames_last` (about the size of a core's L2
#: cache): framing, FFT, power and mel projection of one block run while its data are still in cache.
_BLOCK_BYTES = 1 << 20


def _mel_power_frames_last(y, n_fft, hop_length, win_length, window, center, pad_mode, power, mel_weights):
    """Mel power spectrogram ``(..., n_frames, n_mels)`` of validated inputs, computed block by block.

    The same arithmetic as ``_power(_stft_frames_last(...)) @ mel_weights.T``, but the windowed frames, their
    spectrum and its power (each as large as the signal times ``n_fft / hop_length``) never exist for the whole
    batch at once: measured on 64 clips of 10 s, the whole-batch pipeline spent most of its time moving those
    arrays through memory (benchmarks/README.md).
    """
    if center:
        pad = [(0, 0)] * (y.ndim - 1) + [(n_fft // 2, n_fft // 2)]
        y = np.pad(y, pad, mode=pad_mode)
    else:
        _check_fits(n_fft, y.shape[-1])
    lead = y.shape[:-1]
    clips = y.reshape(-1, y.shape[-1])
    frames = _frames_last(clips, n_fft, hop_length)  # a strided view, nothing copied yet
    n_frames = frames.shape[-2]
    win = _padded_window(window, win_length, n_fft, y.dtype)
    weights_t = np.ascontiguousarray(mel_weights.T, dtype=y.dtype)
    out = np.empty((clips.shape[0], n_frames, weights_t.shape[1]), dtype=y.dtype)
    block = max(1, _BLOCK_BYTES // (n_fft * y.dtype.itemsize))
    for c in range(clips.shape[0]):
        for start in range(0, n_frames, block):
            spectrum = scipy.fft.rfft(frames[c, start : start + block] * win, axis=-1, overwrite_x=True, workers=1)
            np.matmul(_power(spectrum, power), weights_t, out=out[c, start : start + block])
    return out.reshape(lead + out.shape[1:])


def melspectrogram(
    y,
    *,
    sr: float = 22050,
    n_fft: int = 2048,
    hop_length: int = 512,
    win_length: int | None = None,
    window="hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm="slaney",
) -> np.ndarray:
    """Mel spectrogram: ``mel_filterbank(...) @ |stft(y)| ** power``.

    Power (``power=2``, default) or magnitude (``power=1``) per mel band and
    frame, linear (not in dB). Equals ``librosa.feature.melspectrogram`` with
    the same parameters.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    y : np.ndarray [shape=(..., n_samples)]
        Real signal(s).
    sr : float
        Sample rate in Hz.
    n_fft, hop_length, win_length, window, center, pad_mode
        As in :func:`stft` (but ``hop_length`` defaults to 512 like librosa).
    power : float > 0
        2.0 for power, 1.0 for magnitude.
    n_mels, fmin, fmax, htk, norm
        As in :func:`mel_filterbank`.

    Returns
    -------
    np.ndarray [shape=(..., n_mels, n_frames), same float dtype as ``y``]

    Raises
    ------
    ValueError
        As :func:`stft` and :func:`mel_filterbank`.

    Examples
    --------
    >>> M = melspectrogram(np.zeros((2, 22050), dtype=np.float32), n_mels=64)
    >>> M.shape
    (2, 64, 44)
    """
    y = _check_signal(y)
    n_fft, hop_length, win_length, center = _check_stft_params(n_fft, hop_length, win_length, window, center, pad_mode)
    power = _check_power(power)
    weights = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm, dtype=y.dtype)
    mel = _mel_power_frames_last(y, n_fft, hop_length, win_length, window, center, pad_mode, power, weights)
    return np.ascontiguousarray(np.swapaxes(mel, -1, -2))


# ----------------------------------------------------------------------------- decibels
def power_to_db(S, *, ref=1.0, amin: float = 1e-10, top_db: float | None = 80.0, top_db_axis=None) -> np.ndarray:
    """Convert power to decibels: ``10 log10(max(amin, S) / ref)``, floored ``top_db`` below the maximum.

    ``amin`` avoids ``log(0)`` (1e-10 is -100 dB). The floor
    ``max(result) - top_db`` is relative to the loudest value, so it depends on
    everything else in ``S``: see the module notes on top_db and clip length.
    Use it on power (``|X|**2``); for magnitudes the dB value is
    ``20 log10``, i.e. ``power_to_db(S**2)``. Equals ``librosa.power_to_db``
    when ``top_db_axis=None``.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    S : np.ndarray
        Non-negative power values.
    ref : float or callable
        Reference power (0 dB), or a function of ``S`` returning it (e.g.
        ``np.max``); what the function returns must be one finite number >= 0
        (like a fixed ``ref``, it is raised to at least ``amin``, so the
        ``np.max`` of silence is fine).
    amin : float > 0
        Smallest power considered.
    top_db : float >= 0 or None
        Dynamic range kept below the maximum, in dB; ``None`` keeps everything.
    top_db_axis : int, tuple of int or None
        Axes over which that maximum is taken: ``None`` (the whole array, as
        librosa) or e.g. ``(-2, -1)`` for one floor per clip of a batch.

    Returns
    -------
    np.ndarray
        Same shape and float dtype as ``S``, in dB.

    Raises
    ------
    ValueError
        If ``S`` is empty, complex, not finite or negative, ``amin <= 0``,
        ``top_db < 0``, ``ref`` is not a finite number > 0 (or, callable,
        does not return one finite number >= 0), or ``top_db_axis`` does not
        name distinct axes of ``S``.

    Examples
    --------
    >>> power_to_db(np.array([1.0, 0.1, 0.0]))
    array([  0., -10., -80.])
    """
    if isinstance(S, np.ndarray) and np.iscomplexobj(S):
        raise ValueError("S must be real power values; pass np.abs(X) ** 2 for a complex STFT")
    S = check_finite_array("S", S, min_ndim=0)
    if S.dtype not in (np.float32, np.float64):
        S = S.astype(np.float64)
    if np.any(S < 0):
        raise ValueError("S must be non-negative power values")
    amin = check_positive("amin", amin)
    top_db = _check_top_db(top_db)
    top_db_axis = _check_axes("top_db_axis", top_db_axis, S.ndim)
    ref_value = _check_ref_result(ref, ref(S)) if callable(ref) else check_positive("ref", ref)
    log_spec = 10.0 * np.log10(np.maximum(S, S.dtype.type(amin)))
    log_spec -= S.dtype.type(10.0 * np.log10(max(float(amin), float(ref_value))))
    if top_db is not None:
        floor = log_spec.max(axis=top_db_axis, keepdims=top_db_axis is not None) - S.dtype.type(top_db)
        log_spec = np.maximum(log_spec, floor)
    return log_spec


def _check_ref_result(ref, value) -> float:
    """What a callable ``ref`` returned: one finite number >= 0 (0, e.g. ``np.max`` of silence, counts as ``amin``)."""
    if isinstance(value, np.ndarray):
        scalar = value.item() if value.ndim == 0 else None
    else:
        scalar = value.item() if isinstance(value, np.generic) else value
    if not _is_finite_real(scalar) or scalar < 0:
        name = getattr(ref, "__name__", repr(ref))
        raise ValueError(f"ref={name}: ref(S) must return one finite number >= 0 (a power), got {value!r}")
    return float(scalar)


def _check_axes(name: str, axes, ndim: int):
    """None, an axis or a tuple of distinct axes of an array with ``ndim`` dimensions (normalised to >= 0)."""
    if axes is None:
        return None
    single = not isinstance(axes, (tuple, list))
    items = (axes,) if single else tuple(axes)
    if not items:
        raise ValueError(f"{name}={axes!r} must be None, an axis or a non-empty tuple of axes")
    normalised = tuple(check_in_range(name, a, -ndim, ndim - 1, integer=True) % ndim for a in items) if ndim else None
    if normalised is None:
        raise ValueError(f"{name}={axes!r} must be None for a scalar (0-d) input")
    if len(set(normalised)) != len(normalised):
        raise ValueError(f"{name}={axes!r} must name distinct axes")
    return normalised[0] if single else normalised


def db_to_power(S_db, *, ref: float = 1.0) -> np.ndarray:
    """Invert :func:`power_to_db` (without its floor): ``ref * 10 ** (S_db / 10)``.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    S_db : np.ndarray
        Values in dB.
    ref : float > 0
        Reference power of 0 dB.

    Returns
    -------
    np.ndarray
        Power, same shape as ``S_db``.

    Raises
    ------
    ValueError
        If ``S_db`` is empty, complex or not finite, ``ref <= 0``, or the
        power overflows (values above about 3000 dB).

    Examples
    --------
    >>> db_to_power(np.array([0.0, -10.0]))
    array([1. , 0.1])
    """
    S_db = check_finite_array("S_db", S_db, min_ndim=0)
    return _db_to_power(S_db, check_positive("ref", ref), "S_db")


def _db_to_power(S_db: np.ndarray, ref: float, name: str) -> np.ndarray:
    with np.errstate(over="ignore"):
        power = ref * np.power(10.0, 0.1 * S_db)
    if not np.all(np.isfinite(power)):
        raise ValueError(f"{name} holds values too large for a finite power (max {np.max(S_db)!r} dB)")
    return power


# ----------------------------------------------------------------------------- DCT
def dct_matrix(n_out: int, n_in: int, *, dtype=np.float64) -> np.ndarray:
    """Return the first ``n_out`` rows of the orthonormal DCT-II matrix of size ``n_in``.

    ``C[k, n] = sqrt(2 / N) cos(pi k (2 n + 1) / (2 N))`` with row 0 scaled by
    ``1 / sqrt(2)``, ``N = n_in``. With all rows, ``C @ C.T`` is the identity,
    so the transform keeps energy and its inverse is ``C.T`` (DCT-III).

    Chapter: 05_mfcc_features

    Parameters
    ----------
    n_out : int
        Number of coefficients (rows), ``<= n_in``.
    n_in : int
        Length of the transformed vectors, at most :data:`MAX_N_MELS` (4096;
        :func:`dct` handles longer vectors with ``scipy.fft``).
    dtype : numpy floating dtype
        Output dtype.

    Returns
    -------
    np.ndarray [shape=(n_out, n_in)]

    Raises
    ------
    ValueError
        If a size is not a positive integer, ``n_in > MAX_N_MELS``,
        ``n_out > n_in`` or ``dtype`` is not a floating dtype.

    Examples
    --------
    >>> C = dct_matrix(4, 4)
    >>> np.allclose(C @ C.T, np.eye(4))
    True
    """
    n_in = check_positive_int("n_in", n_in, maximum=MAX_N_MELS)
    n_out = check_in_range("n_out", n_out, 1, n_in, integer=True)
    dtype = _check_float_dtype(dtype)
    k = np.arange(n_out)[:, None]
    n = np.arange(n_in)[None, :]
    basis = np.sqrt(2.0 / n_in) * np.cos(np.pi * k * (2 * n + 1) / (2 * n_in))
    basis[0] /= np.sqrt(2.0)
    return basis.astype(dtype)


def dct(x, *, axis: int = -1, n_coefficients: int | None = None) -> np.ndarray:
    """Orthonormal DCT-II along ``axis``, keeping the first ``n_coefficients``.

    Equals ``scipy.fft.dct(x, type=2, norm="ortho", axis=axis)[..., :n_coefficients]``,
    computed as a product with :func:`dct_matrix` (fast for the short
    vectors of MFCCs, and only the kept coefficients are computed); vectors
    longer than 1024 go through ``scipy.fft.dct`` instead.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    x : np.ndarray
        Real input.
    axis : int
        Axis to transform.
    n_coefficients : int or None
        How many coefficients to keep (``None``: all).

    Returns
    -------
    np.ndarray
        ``x`` with ``axis`` replaced by ``n_coefficients`` DCT coefficients.

    Raises
    ------
    ValueError
        If ``x`` is empty, complex or not finite, ``axis`` is not an axis of
        ``x``, or ``n_coefficients`` is not an integer in ``[1, x.shape[axis]]``.

    Examples
    --------
    >>> c = dct(np.ones(4))  # a constant vector is all c0: sqrt(4) * mean
    >>> float(c[0]), bool(np.allclose(c[1:], 0.0))
    (2.0, True)
    """
    x = check_finite_array("x", x)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    axis = check_in_range("axis", axis, -x.ndim, x.ndim - 1, integer=True)
    n_in = x.shape[axis]
    n_coefficients = n_in if n_coefficients is None else n_coefficients
    n_coefficients = check_in_range("n_coefficients", n_coefficients, 1, n_in, integer=True)
    if n_in > _DCT_MATRIX_MAX:
        c = scipy.fft.dct(x, type=2, norm="ortho", axis=axis, workers=FFT_WORKERS)
        return np.take(c, np.arange(n_coefficients), axis=axis)
    basis = dct_matrix(n_coefficients, n_in, dtype=x.dtype)
    return np.moveaxis(_matmul_frames(np.moveaxis(x, axis, -1), basis.T), -1, axis)


def idct(c, *, axis: int = -1, n: int | None = None) -> np.ndarray:
    """Inverse of :func:`dct` (orthonormal DCT-III); missing coefficients count as zeros.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    c : np.ndarray
        DCT coefficients along ``axis``.
    axis : int
        Axis holding the coefficients.
    n : int or None
        Length of the output vectors (``>=`` the number of coefficients, at
        most :data:`MAX_N_FFT`); ``None`` means as many as coefficients.

    Returns
    -------
    np.ndarray
        ``c`` with ``axis`` replaced by ``n`` values.

    Raises
    ------
    ValueError
        If ``c`` is empty, complex or not finite, or ``n`` is not an integer
        between the number of coefficients and ``MAX_N_FFT``.

    Examples
    --------
    >>> idct(np.array([2.0, 0.0]), n=4)
    array([1., 1., 1., 1.])
    """
    c = check_finite_array("c", c)
    if c.dtype not in (np.float32, np.float64):
        c = c.astype(np.float64)
    axis = check_in_range("axis", axis, -c.ndim, c.ndim - 1, integer=True)
    n_coefficients = c.shape[axis]
    n = n_coefficients if n is None else n
    n = check_in_range("n", n, n_coefficients, max(MAX_N_FFT, n_coefficients), integer=True)
    if n > _DCT_MATRIX_MAX:
        return scipy.fft.idct(c, type=2, norm="ortho", axis=axis, n=n, workers=FFT_WORKERS)
    basis = dct_matrix(n_coefficients, n, dtype=c.dtype)
    return np.moveaxis(_matmul_frames(np.moveaxis(c, axis, -1), basis), -1, axis)


# ----------------------------------------------------------------------------- MFCC
def _lifter_weights(n_mfcc: int, lifter: float, dtype) -> np.ndarray:
    """``1 + (L / 2) sin(pi (k + 1) / L)``: raises mid-order coefficients (HTK's sinusoidal liftering)."""
    k = np.arange(1, n_mfcc + 1, dtype=np.float64)
    return (1.0 + (lifter / 2.0) * np.sin(np.pi * k / lifter)).astype(dtype)


def mfcc(
    y,
    *,
    sr: float = 22050,
    n_mfcc: int = 20,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    lifter: float = 0,
    top_db: float | None = 80.0,
    win_length: int | None = None,
    window="hann",
    center: bool = True,
    pad_mode: str = "constant",
    power: float = 2.0,
    norm="slaney",
) -> np.ndarray:
    """Mel-frequency cepstral coefficients: DCT-II (orthonormal) of the log-mel power spectrum.

    Steps, per frame: ``P = |stft(y)| ** 2`` (power), ``M = mel_filterbank @ P``
    (Slaney mel, Slaney area norm), ``L = 10 log10(max(1e-10, M))`` dB
    (``ref=1.0``) floored at ``max(L) - top_db`` where the maximum is over the
    whole *clip*, then ``c = dct_matrix(n_mfcc, n_mels) @ L``, optionally
    liftered by ``1 + (lifter / 2) sin(pi k / lifter)``, ``k = 1 .. n_mfcc``.

    The dB floor makes a frame's MFCC depend on the clip it sits in: appending
    a louder passage raises the clip maximum, so quiet frames are clipped
    higher and their coefficients change. Pass ``top_db=None`` for features
    that depend on the frame alone. Each clip of a batch gets its own floor,
    so ``mfcc(batch)[i] == mfcc(batch[i])``; ``librosa.feature.mfcc`` on a
    batch floors relative to the whole batch's maximum instead (clip by clip,
    the two are equal to within 1e-4 of the largest magnitude).

    Chapter: 05_mfcc_features

    Parameters
    ----------
    y : np.ndarray [shape=(..., n_samples)]
        Real signal(s), e.g. a ``(batch, n_samples)`` array.
    sr : float
        Sample rate in Hz.
    n_mfcc : int
        Number of coefficients kept, ``<= n_mels``.
    n_fft, hop_length : int
        FFT length and hop in samples.
    n_mels, fmin, fmax, htk : see :func:`mel_filterbank`.
    lifter : float >= 0
        Cepstral liftering parameter; 0 switches it off.
    top_db : float >= 0 or None
        Dynamic range kept below the clip's maximum, in dB.
    win_length, window, center, pad_mode, power, norm
        As in :func:`melspectrogram`.

    Returns
    -------
    np.ndarray [shape=(..., n_mfcc, n_frames), same float dtype as ``y``]

    Raises
    ------
    ValueError
        As :func:`melspectrogram`, or if ``n_mfcc > n_mels``, ``lifter < 0`` or ``top_db < 0``.

    See Also
    --------
    mfcc_tf : the same numbers from TensorFlow, batched, for training pipelines.
    mfcc_to_audio : back to a waveform, to hear what MFCCs keep.

    Examples
    --------
    >>> t = np.arange(22050) / 22050
    >>> mfcc(np.sin(2 * np.pi * 440 * t), n_mfcc=13).shape
    (13, 44)
    """
    y = _check_signal(y)
    n_fft, hop_length, win_length, center = _check_stft_params(n_fft, hop_length, win_length, window, center, pad_mode)
    power = _check_power(power)
    n_mels = _check_n_mels(n_mels)
    n_mfcc, lifter, top_db = _check_mfcc_params(n_mfcc, n_mels, lifter, top_db)
    weights = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm, dtype=y.dtype)
    # Everything stays in the (..., n_frames, features) layout so that the mel
    # projection and the DCT are each a single matrix product over all frames.
    mel = _mel_power_frames_last(y, n_fft, hop_length, win_length, window, center, pad_mode, power, weights)
    log_mel = power_to_db(mel, top_db=top_db, top_db_axis=(-2, -1))
    coefficients = _matmul_frames(log_mel, dct_matrix(n_mfcc, n_mels, dtype=y.dtype).T)
    if lifter > 0:
        coefficients *= _lifter_weights(n_mfcc, lifter, y.dtype)
    return np.ascontiguousarray(np.swapaxes(coefficients, -1, -2))


def delta(data, *, width: int = 9, order: int = 1, axis: int = -1, mode: str = "interp") -> np.ndarray:
    """Delta (time-derivative) features by local polynomial regression (Savitzky-Golay).

    Away from the edges, the first-order delta is the least-squares slope over
    ``width`` frames: ``d[t] = sum_{n=-N}^{N} n x[t + n] / sum n^2`` with
    ``N = width // 2``. ``mode="interp"`` fits a polynomial to the first and
    last ``width`` frames to fill the edges. Equals ``librosa.feature.delta``
    (both call ``scipy.signal.savgol_filter``).

    Chapter: 05_mfcc_features

    Parameters
    ----------
    data : np.ndarray
        Features, e.g. MFCCs ``(..., n_mfcc, n_frames)``.
    width : int
        Odd number of frames, ``>= 3`` and at most :data:`MAX_N_FFT`.
    order : int
        Derivative order (1: delta, 2: delta-delta).
    axis : int
        Time axis.
    mode : {"interp", "nearest", "mirror", "constant", "wrap"}
        Edge handling (see ``scipy.signal.savgol_filter``).

    Returns
    -------
    np.ndarray
        Same shape as ``data``, per frame (not per second).

    Raises
    ------
    ValueError
        If ``data`` is empty, complex or not finite, ``width`` is even, < 3 or
        above ``MAX_N_FFT``, ``order`` is not a positive integer below
        ``width``, or ``width`` exceeds the number of frames with ``mode="interp"``.

    Examples
    --------
    >>> delta(np.arange(10.0), width=3)[:3]
    array([1., 1., 1.])
    """
    data = check_finite_array("data", data)
    width = check_positive_int("width", width, maximum=MAX_N_FFT)
    if width < 3 or width % 2 == 0:
        raise ValueError(f"width={width} must be an odd integer >= 3")
    order = check_in_range("order", order, 1, width - 1, integer=True)
    check_choice("mode", mode, ("interp", "nearest", "mirror", "constant", "wrap"))
    axis = check_in_range("axis", axis, -data.ndim, data.ndim - 1, integer=True)
    if mode == "interp" and width > data.shape[axis]:
        raise ValueError(
            f"width={width} must be <= the number of frames ({data.shape[axis]}) with mode='interp'; "
            "use a smaller width or another mode"
        )
    if data.dtype not in (np.float32, np.float64):
        data = data.astype(np.float64)
    return scipy.signal.savgol_filter(data, width, deriv=order, polyorder=order, mode=mode, axis=axis)


# ----------------------------------------------------------------------------- inversion
def mfcc_to_mel(M, *, n_mels: int = 128, lifter: float = 0, ref: float = 1.0) -> np.ndarray:
    """Invert MFCCs to a mel power spectrogram: undo lifter, inverse DCT (zeros for dropped coefficients), dB to power.

    What the dropped high coefficients held (fine spectral detail such as
    individual harmonics) is gone; the result is a smoothed spectral envelope.
    Equals ``librosa.feature.inverse.mfcc_to_mel``.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    M : np.ndarray [shape=(..., n_mfcc, n_frames)]
        MFCCs from :func:`mfcc`.
    n_mels : int
        Number of mel bands to rebuild (``>= n_mfcc``, at most :data:`MAX_N_MELS`).
    lifter : float >= 0
        The lifter used by :func:`mfcc`.
    ref : float > 0
        The dB reference power (1.0 in :func:`mfcc`).

    Returns
    -------
    np.ndarray [shape=(..., n_mels, n_frames)]

    Raises
    ------
    ValueError
        If ``M`` is empty, complex, not finite or has fewer than 2 dimensions,
        ``n_mels < n_mfcc`` or ``n_mels > MAX_N_MELS``, or the dB values are
        too large for a finite power.

    Examples
    --------
    >>> mfcc_to_mel(np.zeros((20, 5)), n_mels=40).shape
    (40, 5)
    """
    M = check_finite_array("M", M, min_ndim=2)
    if M.dtype not in (np.float32, np.float64):
        M = M.astype(np.float64)
    n_mels = _check_n_mels(n_mels)
    if n_mels < M.shape[-2]:
        raise ValueError(f"n_mels={n_mels} must be >= the number of coefficients n_mfcc={M.shape[-2]}")
    lifter = _check_lifter(lifter)
    ref = check_positive("ref", ref)
    if lifter > 0:
        M = M / _lifter_weights(M.shape[-2], lifter, M.dtype)[:, None]
    return _db_to_power(idct(M, axis=-2, n=n_mels), ref, "M")


def mfcc_to_audio(
    M,
    *,
    sr: float = 22050,
    n_mels: int = 128,
    n_fft: int = 2048,
    hop_length: int = 512,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm="slaney",
    lifter: float = 0,
    power: float = 2.0,
    n_iter: int = 32,
    length: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Turn MFCCs back into a waveform, to hear what they keep and lose.

    Three steps: :func:`mfcc_to_mel` (our inverse DCT and dB), then librosa's
    ``feature.inverse.mel_to_stft`` (non-negative least squares through the
    mel filterbank to a magnitude spectrogram) and ``librosa.griffinlim``
    (phase reconstruction by alternating projections, ``n_iter`` iterations,
    random initial phase from ``seed``). MFCCs drop the phase and the fine
    spectral detail, so expect the right loudness and timbre envelope with a
    buzzy, noisy texture. Same result as
    ``librosa.feature.inverse.mfcc_to_audio``, which has no seed argument.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    M : np.ndarray [shape=(..., n_mfcc, n_frames)]
        MFCCs made with the parameters below.
    sr, n_mels, n_fft, hop_length, fmin, fmax, htk, norm, lifter, power
        The parameters :func:`mfcc` used.
    n_iter : int
        Griffin-Lim iterations, at most 10,000 (librosa's default is 32).
    length : int or None
        Output length in samples (``None``: as the frames imply), at most
        ``(n_frames + 1) * hop_length + n_fft`` (what the frames cover).
    seed : int
        Seed of the random initial phase, a non-negative integer.

    Returns
    -------
    np.ndarray [shape=(..., n_samples), float32]

    Raises
    ------
    ValueError
        For invalid MFCCs or parameters (as :func:`mfcc_to_mel` and
        :func:`mel_filterbank`), or a ``length`` beyond what the frames cover.

    Examples
    --------
    >>> t = np.arange(22050) / 22050
    >>> y = np.sin(2 * np.pi * 440 * t).astype(np.float32)
    >>> y_hat = mfcc_to_audio(mfcc(y), length=len(y))  # doctest: +SKIP
    """
    import librosa

    n_fft = _check_n_fft(n_fft)
    hop_length = _check_n_fft(hop_length, "hop_length")
    n_iter = check_positive_int("n_iter", n_iter, maximum=_MAX_GRIFFIN_LIM_ITERATIONS)
    power = _check_power(power)
    seed = check_seed("seed", seed, allow_none=False)
    mel_params = _check_mel_params(sr, n_fft, n_mels, fmin, fmax, htk, norm)
    sr, n_fft, n_mels, fmin, fmax, htk = mel_params
    mel_power = mfcc_to_mel(M, n_mels=n_mels, lifter=lifter).astype(np.float32)
    if length is not None:
        covered = (mel_power.shape[-1] + 1) * hop_length + n_fft
        length = check_positive_int("length", length, maximum=covered)
    magnitude = librosa.feature.inverse.mel_to_stft(
        mel_power, sr=sr, n_fft=n_fft, power=power, fmin=fmin, fmax=fmax, htk=htk, norm=norm
    )
    return librosa.griffinlim(
        magnitude,
        n_iter=n_iter,
        hop_length=hop_length,
        n_fft=n_fft,
        length=length,
        random_state=np.random.default_rng(int(seed)),
    )


def mel_to_audio(
    S,
    *,
    sr: float = 22050,
    n_fft: int = 2048,
    hop_length: int = 512,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm="slaney",
    power: float = 2.0,
    n_iter: int = 32,
    length: int | None = None,
    seed: int = 0,
) -> np.ndarray:
    """Turn a mel spectrogram back into a waveform: mel -> linear magnitude (NNLS) -> Griffin-Lim.

    The second and third steps of :func:`mfcc_to_audio`, for a mel spectrogram that still has its fine spectral
    detail (a log-mel patch from a GAN, after :func:`db_to_power`): librosa's ``feature.inverse.mel_to_stft``
    finds the non-negative linear magnitude whose mel projection is closest to ``S``, and ``librosa.griffinlim``
    invents a phase for it from a seeded random start (``n_iter`` alternating projections). Two things are lost:
    detail finer than a mel band (high harmonics merge) and the phase, which the spectrogram never held.
    Equals ``librosa.feature.inverse.mel_to_audio`` with a seeded phase.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    S : np.ndarray [shape=(..., n_mels, n_frames)]
        Mel power (``power=2``) or magnitude (``power=1``) spectrogram, linear (not dB), >= 0.
    sr, n_fft, hop_length, fmin, fmax, htk, norm, power
        The parameters :func:`melspectrogram` used.
    n_iter : int
        Griffin-Lim iterations, at most 10,000.
    length : int or None
        Output length in samples (``None``: as the frames imply), at most ``(n_frames + 1) * hop_length + n_fft``.
    seed : int
        Seed of the random initial phase, a non-negative integer.

    Returns
    -------
    np.ndarray [shape=(..., n_samples), dtype=float32]

    Raises
    ------
    ValueError
        If ``S`` is empty, negative, not finite or has fewer than 2 dimensions, or a parameter is out of range.

    Examples
    --------
    >>> t = np.arange(8000) / 16000
    >>> y = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    >>> S = melspectrogram(y, sr=16000, n_fft=1024, hop_length=256, n_mels=128)
    >>> mel_to_audio(S, sr=16000, n_fft=1024, hop_length=256, length=len(y)).shape
    (8000,)
    """
    import librosa

    S = check_finite_array("S", S, min_ndim=2)
    if np.any(S < 0):
        raise ValueError("S must be a linear mel spectrogram (>= 0), not dB: convert with db_to_power first")
    n_fft = _check_n_fft(n_fft)
    hop_length = _check_n_fft(hop_length, "hop_length")
    n_iter = check_positive_int("n_iter", n_iter, maximum=_MAX_GRIFFIN_LIM_ITERATIONS)
    power = _check_power(power)
    seed = check_seed("seed", seed, allow_none=False)
    sr, n_fft, n_mels, fmin, fmax, htk = _check_mel_params(sr, n_fft, S.shape[-2], fmin, fmax, htk, norm)
    if length is not None:
        covered = (S.shape[-1] + 1) * hop_length + n_fft
        length = check_positive_int("length", length, maximum=covered)
    magnitude = librosa.feature.inverse.mel_to_stft(
        S.astype(np.float32), sr=sr, n_fft=n_fft, power=power, fmin=fmin, fmax=fmax, htk=htk, norm=norm
    )
    y = librosa.griffinlim(
        magnitude,
        n_iter=n_iter,
        hop_length=hop_length,
        n_fft=n_fft,
        length=length,
        random_state=np.random.default_rng(int(seed)),
    )
    return y.astype(np.float32)


def spectral_convergence(reference, estimate, *, axis=(-2, -1)) -> np.ndarray:
    """Spectral convergence ``||reference - estimate||_F / ||reference||_F`` of two magnitude spectrograms.

    The standard score of phase reconstruction (Griffin-Lim and its successors): 0 for a perfect match, 1 when
    the estimate is silent; lower is better. Compute it on the magnitude ``|stft|`` of the original and of the
    reconstructed audio.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    reference, estimate : np.ndarray [shape=(..., n_bins, n_frames)]
        Magnitudes of the same shape, finite, >= 0; ``reference`` not all zero along ``axis``.
    axis : tuple of int
        Axes the norms run over (default the last two: one score per spectrogram).

    Returns
    -------
    np.ndarray
        One score per spectrogram (a 0-d array for a single one).

    Raises
    ------
    ValueError
        If the shapes differ, a value is negative or not finite, or a reference is all zero.

    Examples
    --------
    >>> float(spectral_convergence(np.ones((4, 3)), np.zeros((4, 3))))
    1.0
    """
    reference = check_finite_array("reference", reference, min_ndim=2).astype(np.float64)
    estimate = check_finite_array("estimate", estimate, min_ndim=2).astype(np.float64)
    if reference.shape != estimate.shape:
        raise ValueError(f"reference {reference.shape} and estimate {estimate.shape} must have the same shape")
    if np.any(reference < 0) or np.any(estimate < 0):
        raise ValueError("reference and estimate must be magnitudes (>= 0)")
    norm = np.sqrt(np.sum(reference**2, axis=axis))
    if np.any(norm == 0):
        raise ValueError("reference is all zero: spectral convergence is undefined")
    return np.sqrt(np.sum((reference - estimate) ** 2, axis=axis)) / norm


# ----------------------------------------------------------------------------- TensorFlow
def _check_tf_signal(y):
    """Convert to a float32 tensor; check emptiness and finiteness when the values are at hand (eager)."""
    import tensorflow as tf

    try:
        y = tf.convert_to_tensor(y)
    except (ValueError, TypeError) as err:
        raise ValueError(f"y must be a real signal (tensor or array of numbers), got {type(y).__name__}: {err}") from None
    if y.dtype.is_complex:
        raise ValueError("y must be a real-valued signal, got a complex tensor")
    if not (y.dtype.is_floating or y.dtype.is_integer) or y.dtype.is_bool:
        raise ValueError(f"y must be a real numeric signal, got dtype {y.dtype.name}")
    y = tf.cast(y, tf.float32)
    if y.shape.rank is not None and y.shape.rank < 1:
        raise ValueError(f"y must have at least 1 dimension(s), got shape {tuple(y.shape)}")
    if tf.executing_eagerly():
        _check_signal(y.numpy())
    return y


def _melspectrogram_tf(y, sr, n_fft, hop_length, n_mels, fmin, fmax, htk, norm, power, center, pad_mode, mel_weights):
    """Validated core of :func:`melspectrogram_tf`; returns ``(..., n_frames, n_mels)`` (frames first)."""
    import tensorflow as tf

    if center:
        pad = [[0, 0]] * (y.shape.rank - 1) + [[n_fft // 2, n_fft // 2]]
        y = tf.pad(y, pad, mode=pad_mode.upper())
    else:
        _check_fits(n_fft, y.shape[-1])  # the length may be unknown inside tf.function: checked when known
    X = tf.signal.stft(
        y, frame_length=n_fft, frame_step=hop_length, fft_length=n_fft, window_fn=tf.signal.hann_window, pad_end=False
    )
    P = tf.math.square(tf.math.real(X)) + tf.math.square(tf.math.imag(X)) if power == 2.0 else tf.abs(X) ** power
    if mel_weights == "librosa":
        weights = mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, fmin=fmin, fmax=fmax, htk=htk, norm=norm).T
    else:
        weights = tf.signal.linear_to_mel_weight_matrix(
            num_mel_bins=n_mels,
            num_spectrogram_bins=n_fft // 2 + 1,
            sample_rate=sr,
            lower_edge_hertz=fmin,
            upper_edge_hertz=fmax,
        )
    return tf.tensordot(P, tf.constant(weights, dtype=tf.float32), axes=1)


def _check_tf_params(n_fft, hop_length, center, pad_mode, mel_weights, power, sr, n_mels, fmin, fmax, htk, norm):
    n_fft, hop_length, _, center = _check_stft_params(n_fft, hop_length, None, "hann", center, "constant")
    check_choice("pad_mode", pad_mode, ("constant", "reflect"))
    check_choice("mel_weights", mel_weights, ("librosa", "tf"))
    power = _check_power(power)
    sr, n_fft, n_mels, fmin, fmax, htk = _check_mel_params(sr, n_fft, n_mels, fmin, fmax, htk, norm)
    return n_fft, hop_length, center, power, sr, n_mels, fmin, fmax, htk


def melspectrogram_tf(
    y,
    *,
    sr: float = 22050,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    norm="slaney",
    power: float = 2.0,
    center: bool = True,
    pad_mode: str = "constant",
    mel_weights: str = "librosa",
):
    """Batched mel spectrogram in TensorFlow (``tf.signal.stft``), for training pipelines.

    With the defaults it follows librosa's conventions (centred frames with
    zero padding, periodic Hann window, Slaney mel matrix from
    :func:`mel_filterbank`, power 2) and equals :func:`melspectrogram` to about
    1e-6 of the largest value (float32). ``tf.signal`` on its own differs:
    ``tf.signal.stft`` does not centre (``center=False``: frame ``t`` starts at
    sample ``t * hop_length``) and ``tf.signal.linear_to_mel_weight_matrix``
    (``mel_weights="tf"``) uses the HTK scale, peak-1 triangles without area
    normalisation and an empty DC bin.

    Works in float32 only (input is cast). Runs eagerly or inside
    ``tf.function`` / ``tf.data`` (the signal's values are checked only eagerly).

    Chapter: 05_mfcc_features

    Parameters
    ----------
    y : tf.Tensor or np.ndarray [shape=(batch, n_samples) or (..., n_samples)]
        Real signal(s).
    sr, n_fft, hop_length, n_mels, fmin, fmax, htk, norm, power
        As in :func:`melspectrogram` (``htk``/``norm`` apply to ``mel_weights="librosa"``).
    center : bool
        Pad ``n_fft // 2`` samples on both sides first (librosa's convention).
    pad_mode : {"constant", "reflect"}
        Padding for ``center=True``.
    mel_weights : {"librosa", "tf"}
        Our (librosa's) mel matrix, or ``tf.signal.linear_to_mel_weight_matrix``.

    Returns
    -------
    tf.Tensor [shape=(..., n_mels, n_frames), float32]
        Same layout as :func:`melspectrogram` (transpose for frames-first models).

    Raises
    ------
    ValueError
        As :func:`melspectrogram`, or for an unknown ``pad_mode``/``mel_weights``.

    Examples
    --------
    >>> M = melspectrogram_tf(np.zeros((4, 22050), np.float32))  # doctest: +SKIP
    >>> M.shape  # doctest: +SKIP
    TensorShape([4, 128, 44])
    """
    import tensorflow as tf

    n_fft, hop_length, center, power, sr, n_mels, fmin, fmax, htk = _check_tf_params(
        n_fft, hop_length, center, pad_mode, mel_weights, power, sr, n_mels, fmin, fmax, htk, norm
    )
    y = _check_tf_signal(y)
    mel = _melspectrogram_tf(y, sr, n_fft, hop_length, n_mels, fmin, fmax, htk, norm, power, center, pad_mode, mel_weights)
    return tf.linalg.matrix_transpose(mel)


def mfcc_tf(
    y,
    *,
    sr: float = 22050,
    n_mfcc: int = 20,
    n_fft: int = 2048,
    hop_length: int = 512,
    n_mels: int = 128,
    fmin: float = 0.0,
    fmax: float | None = None,
    htk: bool = False,
    lifter: float = 0,
    top_db: float | None = 80.0,
    norm="slaney",
    center: bool = True,
    pad_mode: str = "constant",
    mel_weights: str = "librosa",
    log: str = "db",
    dct_norm: str = "ortho",
):
    """Batched MFCCs in TensorFlow (``tf.signal``), for training pipelines.

    With the defaults it follows librosa's conventions (see
    :func:`melspectrogram_tf`; dB with ``ref=1``, ``amin=1e-10`` and a
    ``top_db`` floor per clip; orthonormal DCT-II via
    ``tf.signal.dct(type=2, norm="ortho")``) and equals :func:`mfcc` (and
    librosa clip by clip) to within about 2e-5 of the largest magnitude in
    float32. Each convention can be switched to what plain ``tf.signal`` code
    does: ``center=False``, ``mel_weights="tf"``, ``log="natural"``
    (``ln(mel + 1e-6)``, no floor) and ``dct_norm="tf"``
    (``tf.signal.mfccs_from_log_mel_spectrograms``: every coefficient scaled by
    ``1 / sqrt(2 n_mels)`` times the unnormalised DCT, so ``c0`` is ``sqrt(2)``
    times the orthonormal one). ``mfcc_tf(y, **TF_SIGNAL_RECIPE)`` is that
    plain recipe.

    Chapter: 05_mfcc_features

    Parameters
    ----------
    y : tf.Tensor or np.ndarray [shape=(batch, n_samples) or (..., n_samples)]
        Real signal(s).
    sr, n_mfcc, n_fft, hop_length, n_mels, fmin, fmax, htk, lifter, top_db, norm
        As in :func:`mfcc`.
    center, pad_mode, mel_weights
        As in :func:`melspectrogram_tf`.
    log : {"db", "natural"}
        Decibels with the ``top_db`` floor (librosa), or ``ln(mel + 1e-6)``.
    dct_norm : {"ortho", "tf"}
        Orthonormal DCT-II (librosa), or ``tf.signal.mfccs_from_log_mel_spectrograms``.

    Returns
    -------
    tf.Tensor [shape=(..., n_mfcc, n_frames), float32]

    Raises
    ------
    ValueError
        As :func:`mfcc`, or for an unknown convention name.

    Examples
    --------
    >>> C = mfcc_tf(np.zeros((4, 22050), np.float32), n_mfcc=13)  # doctest: +SKIP
    >>> C.shape  # doctest: +SKIP
    TensorShape([4, 13, 44])
    """
    import tensorflow as tf

    n_fft, hop_length, center, power, sr, n_mels, fmin, fmax, htk = _check_tf_params(
        n_fft, hop_length, center, pad_mode, mel_weights, 2.0, sr, n_mels, fmin, fmax, htk, norm
    )
    n_mfcc, lifter, top_db = _check_mfcc_params(n_mfcc, n_mels, lifter, top_db)
    check_choice("log", log, ("db", "natural"))
    check_choice("dct_norm", dct_norm, ("ortho", "tf"))
    y = _check_tf_signal(y)
    mel = _melspectrogram_tf(y, sr, n_fft, hop_length, n_mels, fmin, fmax, htk, norm, power, center, pad_mode, mel_weights)
    if log == "db":
        log_mel = 10.0 * tf.math.log(tf.maximum(mel, 1e-10)) / tf.math.log(10.0)
        if top_db is not None:
            floor = tf.reduce_max(log_mel, axis=[-2, -1], keepdims=True) - top_db
            log_mel = tf.maximum(log_mel, floor)
    else:
        log_mel = tf.math.log(mel + 1e-6)
    if dct_norm == "ortho":
        coefficients = tf.signal.dct(log_mel, type=2, norm="ortho")[..., :n_mfcc]
    else:
        coefficients = tf.signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :n_mfcc]
    if lifter > 0:
        coefficients = coefficients * tf.constant(_lifter_weights(n_mfcc, lifter, np.float32))
    return tf.linalg.matrix_transpose(coefficients)
