"""Listening in notebooks: short, embedded audio players.

Chapters: every chapter that makes sound (01 onwards).
"""

from __future__ import annotations

import numpy as np

from ._validation import MAX_SAMPLE_RATE, check_bool, check_finite_array, check_positive, check_positive_int

__all__ = ["play"]


def play(y, sr: int = 22050, *, max_seconds: float = 10.0, normalize: bool = False):
    """Return an ``IPython.display.Audio`` player for the first seconds of a clip.

    Audio is embedded in the notebook as 16-bit WAV, so long clips make big
    notebooks; ``max_seconds`` keeps every player small.

    Chapter: 01_pitch_and_frequency (and every chapter that makes sound).

    Parameters
    ----------
    y : np.ndarray [shape=(n_samples,) or (2, n_samples)]
        Waveform, real float in [-1, 1] (values outside are clipped).
    sr : int
        Sample rate in Hz, at most 192000 (:data:`musiclib.synth.MAX_SR`).
    max_seconds : float
        Longest clip embedded, in seconds; longer input is truncated.
    normalize : bool
        If True, scale the clip so its peak is 1 (IPython's default). If
        False (default), play it at its true level so loudness comparisons
        between players are honest.

    Returns
    -------
    IPython.display.Audio

    Raises
    ------
    ValueError
        If ``y`` is empty, complex or not finite, not of shape
        ``(n_samples,)`` or ``(2, n_samples)``, ``sr`` is not an integer in
        ``[1, 192000]``, ``max_seconds`` is not positive, or ``normalize`` is
        not a bool.

    Examples
    --------
    >>> from musiclib import synth
    >>> player = play(synth.sine(440.0, 1.0, sr=22050), sr=22050)
    """
    from IPython.display import Audio

    sr = check_positive_int("sr", sr, maximum=MAX_SAMPLE_RATE)
    max_seconds = check_positive("max_seconds", max_seconds)
    normalize = check_bool("normalize", normalize)
    y = check_finite_array("y", y)
    if y.ndim > 2 or (y.ndim == 2 and y.shape[0] not in (1, 2)):
        raise ValueError(f"y must be mono (n_samples,) or stereo (2, n_samples), got shape {y.shape}")
    y = np.clip(y[..., : int(round(min(max_seconds, y.shape[-1] / sr) * sr))], -1.0, 1.0)
    return Audio(y, rate=sr, normalize=normalize)
