"""Sound from numbers: oscillators, envelopes, plucked strings and note rendering.

Chapters: 01_pitch_and_frequency (sine, additive synthesis, Karplus-Strong,
ADSR envelopes), 02_scales_chords_keys_rhythm (rendering melodies and
chords), 03_symbolic_music_data and 04_audio_signals (rendering chorales),
11_audio_gan_on_features (``fm_tone`` and ``filtered_noise`` for the timbre dataset).

Conventions
-----------
- Every function returns a mono ``float32`` waveform with values in [-1, 1].
- The sample rate ``sr`` (Hz) is always passed explicitly; the course default
  is 22050 Hz (:data:`musiclib.config.DEFAULT_SR`).
- A duration of ``d`` seconds is ``round(d * sr)`` samples, never fewer than 1.
- Caps, so that a typo cannot exhaust memory: ``sr`` is an integer of at most
  :data:`MAX_SR` (192 kHz) and every duration (a tone, an envelope segment, a
  whole rendering) is at most :data:`MAX_DURATION` (600 s, 10 minutes).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
from scipy.signal import lfilter

from ._validation import (
    MAX_DURATION,
    MAX_SAMPLE_RATE,
    _is_finite_real,
    _repr,
    check_choice,
    check_finite_array,
    check_in_range,
    check_nonnegative,
    check_positive,
    check_positive_int,
    check_seed,
)
from .config import DEFAULT_SR
from .theory import midi_to_hz

__all__ = [
    "DEFAULT_HARMONICS",
    "INSTRUMENTS",
    "MAX_SR",
    "MAX_DURATION",
    "sine",
    "adsr",
    "additive_tone",
    "karplus_strong",
    "fm_tone",
    "filtered_noise",
    "render_notes",
]

#: Relative amplitudes of partials 1, 2, 3, ... used by :func:`additive_tone`
#: by default: ``1/k``, the recipe of a sawtooth wave, a bright, organ-like tone.
DEFAULT_HARMONICS = (1.0, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 6)

#: Instruments understood by :func:`render_notes`.
INSTRUMENTS = ("additive", "sine", "karplus")

#: Highest sample rate accepted, in Hz (the top rate of common audio hardware).
MAX_SR = MAX_SAMPLE_RATE
# MAX_DURATION (imported): the longest tone, envelope segment or rendering, in seconds (600 s).

# Lowest Karplus-Strong frequency in Hz: the delay line holds one period, sr / freq samples.
_MIN_STRING_HZ = 1.0

# Shortest fade in or out (seconds) that render_notes gives a note edge, whatever
# attack/release ask for: a step from silence to a sounding tone is a click.
_MIN_EDGE_FADE = 0.002


def _check_sr(sr) -> int:
    return check_positive_int("sr", sr, maximum=MAX_SR)


def _check_seconds(name: str, value) -> float:
    """A segment length in seconds: finite, >= 0 and at most MAX_DURATION."""
    return check_nonnegative(name, value, maximum=MAX_DURATION)


def _n_samples(duration, sr: int) -> int:
    duration = check_positive("duration", duration)
    # One sample of slack: render_notes rounds a note's start, end and release separately.
    if duration > MAX_DURATION + 1.0 / sr:
        raise ValueError(f"duration={duration!r} must be a finite number > 0 and <= {MAX_DURATION:g} (seconds)")
    return max(1, int(round(duration * sr)))


def sine(freq: float, duration: float, sr: int = DEFAULT_SR, *, amplitude: float = 0.5, phase: float = 0.0) -> np.ndarray:
    """Return a sine wave ``amplitude * sin(2 pi freq t + phase)``.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    freq : float
        Frequency in Hz, > 0. Frequencies at or above ``sr / 2`` (the Nyquist
        frequency) are allowed on purpose, to demonstrate aliasing: they sound
        at a folded-back lower frequency (chapter 04).
    duration : float
        Length in seconds, in (0, :data:`MAX_DURATION`].
    sr : int
        Sample rate in Hz, at most :data:`MAX_SR`.
    amplitude : float
        Peak value, in [0, 1].
    phase : float
        Starting phase in radians.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]

    Raises
    ------
    ValueError
        If a parameter is out of range, or ``freq`` is so large that the
        phase ``2 pi freq t`` overflows.

    Examples
    --------
    >>> y = sine(440.0, 1.0, sr=22050)
    >>> y.shape, y.dtype
    ((22050,), dtype('float32'))
    """
    freq = check_positive("freq", freq)
    sr = _check_sr(sr)
    n = _n_samples(duration, sr)
    amplitude = check_in_range("amplitude", amplitude, 0.0, 1.0)
    if not _is_finite_real(phase):
        raise ValueError(f"phase={_repr(phase)} must be a finite number (radians)")
    if not np.isfinite(2 * np.pi * freq * n / sr + abs(float(phase))):
        raise ValueError(f"freq={freq!r} is too large: the phase 2 pi freq t overflows float64")
    t = np.arange(n) / sr
    return (amplitude * np.sin(2 * np.pi * freq * t + phase)).astype(np.float32)


def _adsr_samples(n: int, sr: int, attack: float, decay: float, sustain: float, release: float) -> np.ndarray:
    """ADSR envelope of exactly ``n`` samples; the release is the last part of ``n``."""
    n_release = min(int(round(release * sr)), n)
    n_gate = n - n_release
    n_attack = int(round(attack * sr))
    n_decay = int(round(decay * sr))

    def gate(i):
        # Level while the key is held, as a function of the sample index.
        i = np.asarray(i, dtype=np.float64)
        rise = i / n_attack if n_attack else np.ones_like(i)
        fall = 1.0 - (1.0 - sustain) * (i - n_attack) / n_decay if n_decay else np.full_like(i, sustain)
        return np.where(i < n_attack, rise, np.where(i < n_attack + n_decay, fall, sustain))

    env = np.empty(n, dtype=np.float64)
    env[:n_gate] = gate(np.arange(n_gate))
    if n_release:
        # Start the release from the level the gate would have reached next,
        # so the envelope stays continuous even when the note is cut short
        # during its attack or decay, and end exactly at 0 on the last sample.
        level = float(gate(n_gate)) if n_gate else 0.0
        env[n_gate:] = level * (1.0 - np.arange(1, n_release + 1) / n_release)
    return env


def adsr(
    duration: float,
    sr: int = DEFAULT_SR,
    *,
    attack: float = 0.01,
    decay: float = 0.1,
    sustain: float = 0.7,
    release: float = 0.1,
) -> np.ndarray:
    """Return an attack-decay-sustain-release (ADSR) amplitude envelope.

    The envelope rises linearly from 0 to 1 in ``attack`` seconds, falls to
    ``sustain`` in ``decay`` seconds, holds, and finally falls linearly to 0
    in ``release`` seconds. The release fits *inside* ``duration``: it takes
    the last ``round(release * sr)`` samples, so to hold a note for ``T``
    seconds and then let it ring out, ask for ``T + release`` seconds. If the
    note is shorter than attack + decay + release, the attack/decay are cut
    where the release starts and the release falls from the level reached
    (the envelope never jumps). Segment lengths in samples are
    ``round(seconds * sr)``; a zero-length attack starts at full level.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    duration : float
        Total length in seconds, in (0, :data:`MAX_DURATION`]; the envelope
        has ``round(duration * sr)`` samples.
    sr : int
        Sample rate in Hz, at most :data:`MAX_SR`.
    attack, decay, release : float
        Segment lengths in seconds, in [0, :data:`MAX_DURATION`].
    sustain : float
        Sustain level, in [0, 1].

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]
        Values in [0, 1]; the first sample is 0 when ``attack > 0`` and the
        last sample is 0 when ``release > 0``.

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> env = adsr(1.0, sr=1000, attack=0.1, decay=0.2, sustain=0.5, release=0.3)
    >>> env.shape, float(env[100]), float(env[500]), float(env[-1])
    ((1000,), 1.0, 0.5, 0.0)
    """
    sr = _check_sr(sr)
    n = _n_samples(duration, sr)
    attack = _check_seconds("attack", attack)
    decay = _check_seconds("decay", decay)
    release = _check_seconds("release", release)
    sustain = check_in_range("sustain", sustain, 0.0, 1.0)
    return _adsr_samples(n, sr, attack, decay, sustain, release).astype(np.float32)


_ADSR_KEYS = {"attack", "decay", "sustain", "release"}


def _check_harmonics(harmonics) -> np.ndarray:
    weights = check_finite_array("harmonics", harmonics).astype(np.float64)
    if weights.ndim != 1 or np.any(weights < 0) or not np.any(weights > 0):
        raise ValueError("harmonics must be a 1-D sequence of amplitudes >= 0, not all 0")
    return weights


def _check_envelope(envelope, duration, sr, n):
    """Turn the ``envelope`` argument (None, mapping or array) into n samples."""
    if envelope is None:
        return _adsr_samples(n, sr, 0.01, 0.1, 0.7, min(0.1, duration / 2))
    if isinstance(envelope, Mapping):
        unknown = sorted(map(str, set(envelope) - _ADSR_KEYS))
        if unknown:
            raise ValueError(f"envelope has unknown key(s) {', '.join(unknown)}; use attack, decay, sustain, release")
        try:
            return adsr(duration, sr, **envelope).astype(np.float64)
        except ValueError as err:
            raise ValueError(f"envelope: {err}") from None
    env = check_finite_array("envelope", envelope).astype(np.float64)
    if env.shape != (n,):
        raise ValueError(f"envelope must have shape ({n},) (duration * sr samples), got {env.shape}")
    if np.any(np.abs(env) > 1):
        raise ValueError("envelope values must lie in [-1, 1]")
    return env


def additive_tone(
    freq: float,
    duration: float,
    sr: int = DEFAULT_SR,
    *,
    harmonics=DEFAULT_HARMONICS,
    amplitude: float = 0.5,
    envelope=None,
) -> np.ndarray:
    """Return a tone built by adding harmonics: sine waves at ``k * freq``.

    A musical tone of pitch ``freq`` is (nearly) periodic, so it is a sum of
    sines at whole multiples of ``freq`` (its partials or harmonics); their
    relative strengths are the tone's colour (timbre).

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    freq : float
        Fundamental frequency in Hz, > 0.
    duration : float
        Length in seconds, in (0, :data:`MAX_DURATION`].
    sr : int
        Sample rate in Hz, at most :data:`MAX_SR`.
    harmonics : sequence of float
        Relative amplitude of partial 1 (the fundamental), 2, 3, ... each
        >= 0, not all 0. Partials at or above ``sr / 2`` are left out.
    amplitude : float
        Peak bound, in [0, 1]: partial amplitudes are scaled to sum to
        ``amplitude``, so ``|y| <= amplitude``.
    envelope : None, dict or array_like, optional
        None (default): a gentle ADSR (10 ms attack, 100 ms decay to 0.7,
        release of 100 ms or half the tone if shorter) so the tone starts
        and ends at 0 without clicks. A dict: keyword arguments for
        :func:`adsr`. An array of ``round(duration * sr)`` values in [-1, 1]:
        used as is (``np.ones(n)`` for a raw, unshaped tone).

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]

    Raises
    ------
    ValueError
        If a parameter is out of range, or every partial is at or above the
        Nyquist frequency (nothing left to play).

    Examples
    --------
    >>> y = additive_tone(220.0, 0.5, sr=22050, harmonics=[1.0, 0.5, 0.25])
    >>> y.shape, bool(abs(y).max() <= 0.5)
    ((11025,), True)
    """
    freq = check_positive("freq", freq)
    sr = _check_sr(sr)
    n = _n_samples(duration, sr)
    amplitude = check_in_range("amplitude", amplitude, 0.0, 1.0)
    weights = _check_harmonics(harmonics)
    env = _check_envelope(envelope, float(duration), sr, n)
    # Partial k at k * freq >= sr / 2 cannot be represented at this sample
    # rate: sampled, it would fold back (alias) to |k * freq - m * sr|, an
    # unrelated, inharmonic frequency. Leaving it out is what an ideal
    # band-limited recording would contain.
    numbers = np.arange(1, len(weights) + 1)
    keep = (numbers * freq < sr / 2) & (weights > 0)
    if not np.any(keep):
        raise ValueError(f"freq={freq!r} Hz: every partial is at or above the Nyquist frequency {sr / 2} Hz")
    numbers, weights = numbers[keep], weights[keep]
    weights = amplitude * weights / weights.sum()
    t = np.arange(n) / sr
    y = np.zeros(n)
    for k, w in zip(numbers, weights):
        y += w * np.sin(2 * np.pi * k * freq * t)
    return (y * env).astype(np.float32)


def karplus_strong(
    freq: float,
    duration: float,
    sr: int = DEFAULT_SR,
    *,
    decay: float = 0.996,
    amplitude: float = 0.5,
    seed=None,
) -> np.ndarray:
    """Return a plucked-string tone made with the Karplus-Strong algorithm.

    A burst of noise, one period long, circulates in a delay line; each pass
    averages neighbouring samples (a gentle low-pass filter) and scales them
    by ``decay``. The loop keeps what repeats every period, so the noise
    turns into a pitched tone whose high partials die first, like a string.
    A first-order all-pass filter adds the fractional part of the period
    ``sr / freq`` (Jaffe & Smith, 1983), so the pitch is exact rather than
    rounded to a whole number of samples.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    freq : float
        Fundamental frequency in Hz, in [1, sr / 2) (the delay line holds one
        period of ``sr / freq`` samples).
    duration : float
        Length in seconds, in (0, :data:`MAX_DURATION`].
    sr : int
        Sample rate in Hz, at most :data:`MAX_SR`.
    decay : float
        Loop gain per period in (0, 1); closer to 1 rings longer.
    amplitude : float
        Peak value of the output, in [0, 1].
    seed : int >= 0 or None or np.random.Generator
        Seed of the noise burst: the same seed gives the same waveform.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]
        Peak-normalised to ``amplitude``; the last 5 ms fade to 0 so a cut
        string does not click. The first sample is the pluck (not 0).

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> y = karplus_strong(196.0, 1.0, sr=22050, seed=0)
    >>> y.shape, y.dtype, bool(np.isclose(abs(y).max(), 0.5))
    ((22050,), dtype('float32'), True)
    """
    freq = check_positive("freq", freq)
    sr = _check_sr(sr)
    if not _MIN_STRING_HZ <= freq < sr / 2:
        raise ValueError(f"freq={freq!r} must be in [{_MIN_STRING_HZ:g}, sr / 2) = [{_MIN_STRING_HZ:g}, {sr / 2}) Hz")
    n = _n_samples(duration, sr)
    decay = check_in_range("decay", decay, 0.0, 1.0)
    if decay in (0.0, 1.0):
        raise ValueError(f"decay={decay!r} must be in (0, 1) (exclusive)")
    amplitude = check_in_range("amplitude", amplitude, 0.0, 1.0)
    seed = check_seed("seed", seed, allow_generator=True)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)

    # Loop delay in samples = period. The two-point average delays by exactly
    # 1/2 sample at every frequency; an integer delay line gives `n_delay`,
    # and the all-pass supplies the rest, `frac`, kept in [0.1, 1.1) where a
    # first-order all-pass has a smooth, stable delay.
    period = sr / freq
    n_delay = int(np.floor(period - 0.5 - 0.1))
    frac = period - 0.5 - n_delay
    w0 = 2 * np.pi * freq / sr
    # All-pass A(z) = (c + z^-1) / (1 + c z^-1) with phase delay exactly `frac` at w0.
    c = np.sin(w0 * (1 - frac) / 2) / np.sin(w0 * (1 + frac) / 2)

    # y = x + decay * 0.5 * (1 + z^-1) * A(z) * z^-n_delay * y, as one
    # rational filter: multiply through by (1 + c z^-1).
    b = np.array([1.0, c])
    a = np.zeros(n_delay + 3)
    a[0], a[1] = 1.0, c
    a[n_delay] += -0.5 * decay * c
    a[n_delay + 1] += -0.5 * decay * (1 + c)
    a[n_delay + 2] += -0.5 * decay
    burst = rng.uniform(-1.0, 1.0, size=max(1, int(round(period))))
    burst -= burst.mean()  # no DC offset, which the loop would sustain as a thump
    x = np.zeros(n)
    x[: min(n, burst.size)] = burst[:n]
    y = lfilter(b, a, x)

    peak = np.abs(y).max()
    if peak > 0:
        y *= amplitude / peak
    n_fade = min(n, int(round(0.005 * sr)))
    if n_fade:
        y[n - n_fade :] *= np.linspace(1.0, 0.0, n_fade)
    return y.astype(np.float32)


def fm_tone(
    freq: float,
    duration: float,
    sr: int = DEFAULT_SR,
    *,
    ratio: float = 1.0,
    index: float = 2.0,
    index_decay: float | None = None,
    amplitude: float = 0.5,
    envelope=None,
) -> np.ndarray:
    """Return a frequency-modulated (FM) tone: ``sin(2 pi freq t + I(t) sin(2 pi ratio freq t))``.

    Chowning's FM synthesis (1973): a carrier at ``freq`` whose phase is modulated by a sine at
    ``ratio * freq``. The modulation index ``I`` spreads energy into sidebands at ``freq +- k * ratio * freq``:
    a whole-number ``ratio`` gives harmonic spectra (brass, electric piano), others inharmonic ones (bells).
    With ``index_decay`` the index falls as ``I(t) = index * exp(-t / index_decay)``, so the tone starts bright
    and mellows, as struck and plucked instruments do. Carson's rule puts nearly all energy below
    ``freq + (index + 1) * ratio * freq``; above ``sr / 2`` that energy aliases, so keep it below.

    Chapter: 11_audio_gan_on_features.

    Parameters
    ----------
    freq : float
        Carrier frequency in Hz, in (0, sr / 2).
    duration : float
        Length in seconds, in (0, :data:`MAX_DURATION`].
    sr : int
        Sample rate in Hz, at most :data:`MAX_SR`.
    ratio : float
        Modulator frequency over carrier frequency, in (0, 32].
    index : float
        Peak modulation index (radians), in [0, 100]; 0 gives a sine.
    index_decay : float or None
        Time constant of the index's exponential decay in seconds (> 0), or None for a constant index.
    amplitude : float
        Peak bound, in [0, 1].
    envelope : None, dict or array_like
        As in :func:`additive_tone`.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> y = fm_tone(220.0, 0.5, sr=16000, ratio=2.0, index=3.0, index_decay=0.2)
    >>> y.shape, y.dtype, bool(abs(y).max() <= 0.5)
    ((8000,), dtype('float32'), True)
    """
    freq = check_positive("freq", freq)
    sr = _check_sr(sr)
    if freq >= sr / 2:
        raise ValueError(f"freq={freq!r} must be below the Nyquist frequency sr / 2 = {sr / 2} Hz")
    n = _n_samples(duration, sr)
    ratio = check_positive("ratio", ratio, maximum=32.0)
    index = check_nonnegative("index", index, maximum=100.0)
    if index_decay is not None:
        index_decay = check_positive("index_decay", index_decay, maximum=MAX_DURATION)
    amplitude = check_in_range("amplitude", amplitude, 0.0, 1.0)
    env = _check_envelope(envelope, float(duration), sr, n)
    t = np.arange(n) / sr
    modulation = index * (np.exp(-t / index_decay) if index_decay is not None else 1.0)
    y = np.sin(2 * np.pi * freq * t + modulation * np.sin(2 * np.pi * ratio * freq * t))
    return (amplitude * y * env).astype(np.float32)


def filtered_noise(
    freq: float,
    duration: float,
    sr: int = DEFAULT_SR,
    *,
    harmonics=(1.0,),
    q: float = 20.0,
    amplitude: float = 0.5,
    envelope=None,
    seed=None,
) -> np.ndarray:
    """Return white noise through resonant band-pass filters at ``freq`` and its harmonics: a breathy, pitched tone.

    Each partial ``k * freq`` gets a second-order peak filter (``scipy.signal.iirpeak``) of quality ``q``
    (bandwidth ``k * freq / q``), weighted by ``harmonics[k - 1]``. A high ``q`` sounds like a whistle or a
    bowed glass, a low one like breath or wind. Partials at or above ``sr / 2`` are left out.

    Chapter: 11_audio_gan_on_features.

    Parameters
    ----------
    freq : float
        Fundamental frequency in Hz, > 0 (below ``sr / 2``).
    duration : float
        Length in seconds, in (0, :data:`MAX_DURATION`].
    sr : int
        Sample rate in Hz, at most :data:`MAX_SR`.
    harmonics : sequence of float
        Relative amplitude of each resonance, >= 0, not all 0.
    q : float
        Quality factor of every resonance, in [0.5, 1000].
    amplitude : float
        Peak value of the output, in [0, 1] (the filtered noise is peak-normalised).
    envelope : None, dict or array_like
        As in :func:`additive_tone`.
    seed : int >= 0 or None or np.random.Generator
        Seed of the noise: the same seed gives the same waveform.

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]

    Raises
    ------
    ValueError
        If a parameter is out of range or every resonance is at or above ``sr / 2``.

    Examples
    --------
    >>> y = filtered_noise(440.0, 0.5, sr=16000, harmonics=[1.0, 0.3], q=30.0, seed=0)
    >>> y.shape, bool(np.isclose(abs(y).max(), 0.5))
    ((8000,), True)
    """
    from scipy.signal import iirpeak

    freq = check_positive("freq", freq)
    sr = _check_sr(sr)
    n = _n_samples(duration, sr)
    weights = _check_harmonics(harmonics)
    q = check_in_range("q", q, 0.5, 1000.0)
    amplitude = check_in_range("amplitude", amplitude, 0.0, 1.0)
    env = _check_envelope(envelope, float(duration), sr, n)
    seed = check_seed("seed", seed, allow_generator=True)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    numbers = np.arange(1, len(weights) + 1)
    keep = (numbers * freq < 0.49 * sr) & (weights > 0)
    if not np.any(keep):
        raise ValueError(f"freq={freq!r} Hz: every resonance is at or above the Nyquist frequency {sr / 2} Hz")
    noise = rng.standard_normal(n)
    y = np.zeros(n)
    for k, w in zip(numbers[keep], weights[keep]):
        b, a = iirpeak(k * freq, q, fs=sr)
        y += w * lfilter(b, a, noise)
    y *= env
    peak = np.abs(y).max()
    if peak > 0:
        y *= amplitude / peak
    return y.astype(np.float32)


def _note_fields(note, index: int):
    """Read (pitch, start, end, velocity) from a Note-like object or a tuple."""
    if hasattr(note, "pitch"):
        try:
            fields = (note.pitch, note.start, note.end, getattr(note, "velocity", 100))
        except AttributeError as err:
            raise ValueError(f"notes[{index}] needs attributes pitch, start, end (and velocity): {err}") from None
    elif isinstance(note, (tuple, list)) and len(note) in (3, 4):
        fields = (*note, 100) if len(note) == 3 else tuple(note)
    else:
        raise ValueError(
            f"notes[{index}]={note!r} must have attributes pitch, start, end, velocity "
            "or be a tuple (pitch, start, end) / (pitch, start, end, velocity)"
        )
    pitch, start, end, velocity = fields
    for name, value in (("pitch", pitch), ("start", start), ("end", end), ("velocity", velocity)):
        if not _is_finite_real(value):
            raise ValueError(f"notes[{index}].{name}={_repr(value)} must be a finite number")
    if not 0 <= pitch <= 127:
        raise ValueError(f"notes[{index}].pitch={pitch!r} must be a MIDI number in [0, 127]")
    if start < 0:
        raise ValueError(f"notes[{index}].start={start!r} must be >= 0 seconds")
    if end <= start:
        raise ValueError(f"notes[{index}].end={end!r} must be > start={start!r}")
    if end > MAX_DURATION:
        raise ValueError(f"notes[{index}].end={end!r} must be <= {MAX_DURATION:g} s (renderings are at most 10 minutes)")
    if not 0 <= velocity <= 127:
        raise ValueError(f"notes[{index}].velocity={velocity!r} must be in [0, 127]")
    return float(pitch), float(start), float(end), float(velocity)


def render_notes(
    notes,
    sr: int = DEFAULT_SR,
    *,
    instrument: str = "additive",
    gain: float = 0.3,
    attack: float = 0.01,
    decay: float = 0.1,
    sustain: float = 0.7,
    release: float = 0.1,
    harmonics=DEFAULT_HARMONICS,
    string_decay: float = 0.996,
    seed=0,
) -> np.ndarray:
    """Render timed notes to a mono waveform.

    Each note sounds from ``start`` to ``end`` and then rings out for
    ``release`` seconds. Every note is shaped by an envelope that starts and
    ends at 0, so note edges do not click.

    Chapter: 02_scales_chords_keys_rhythm (also 03, 04, 09-12 to listen).

    Parameters
    ----------
    notes : iterable
        Objects with attributes ``pitch`` (MIDI number, 0-127, may be
        fractional), ``start`` and ``end`` (seconds, ``0 <= start < end``) and
        ``velocity`` (0-127), such as :class:`musiclib.midi.Note`; or tuples
        ``(pitch, start, end)`` (velocity 100) / ``(pitch, start, end, velocity)``.
        The rendering (last ``end`` plus ``release``) lasts at most
        :data:`MAX_DURATION` (600 s).
    sr : int
        Sample rate in Hz, at most :data:`MAX_SR`.
    instrument : {"additive", "sine", "karplus"}
        ``"additive"``: :func:`additive_tone` with ``harmonics`` under an ADSR;
        ``"sine"``: pure sines under the same ADSR; ``"karplus"``: plucked
        strings (:func:`karplus_strong`) with a 2 ms fade-in and the string
        damped over ``release`` after ``end``.
    gain : float
        Peak amplitude of a note at velocity 127, in [0, 1]; a note's peak is
        ``gain * velocity / 127``.
    attack, decay, sustain, release : float
        ADSR envelope (:func:`adsr`) of each note; the release comes after the
        note's ``end``. ``attack``/``decay``/``sustain`` apply to the
        additive and sine instruments only. An attack or release shorter than
        2 ms (0 included) still gets a 2 ms linear fade, so a note edge never
        jumps (clicks).
    harmonics : sequence of float
        Partial amplitudes for ``instrument="additive"`` (checked whatever the
        instrument).
    string_decay : float
        Loop gain of ``instrument="karplus"`` (``decay`` of :func:`karplus_strong`).
    seed : int >= 0 or None
        Seed of the Karplus-Strong noise bursts (one per note, drawn from one
        generator), so a rendering is reproducible.

    Returns
    -------
    np.ndarray [shape=(round(max_end * sr) + round(release * sr),), dtype=float32]
        The mix. If overlapping notes add up beyond 1 the whole waveform is
        scaled down so its peak is 1 (and only then): quiet renderings keep
        their true level. With no notes at all the result is silence of
        ``max(1, round(release * sr))`` samples, so a generator that produced
        nothing still yields something playable.

    Raises
    ------
    ValueError
        If ``notes`` is not an iterable of notes, a note is malformed (pitch
        outside 0-127, start < 0, end <= start, velocity outside 0-127), the
        rendering would last more than ``MAX_DURATION``, or a parameter is
        out of range.

    Warns
    -----
    UserWarning
        When notes whose fundamental is at or above the Nyquist frequency
        ``sr / 2`` are skipped (silent): they cannot be represented at ``sr``.

    Examples
    --------
    >>> y = render_notes([(60, 0.0, 0.5), (64, 0.5, 1.0, 80)], sr=22050)
    >>> y.shape, y.dtype
    ((24255,), dtype('float32'))
    """
    sr = _check_sr(sr)
    instrument = check_choice("instrument", instrument, INSTRUMENTS)
    gain = check_in_range("gain", gain, 0.0, 1.0)
    attack = _check_seconds("attack", attack)
    decay = _check_seconds("decay", decay)
    sustain = check_in_range("sustain", sustain, 0.0, 1.0)
    release = _check_seconds("release", release)
    string_decay = check_in_range("string_decay", string_decay, 0.0, 1.0)
    if string_decay in (0.0, 1.0):
        raise ValueError(f"string_decay={string_decay!r} must be in (0, 1) (exclusive)")
    harmonics = _check_harmonics(harmonics)
    rng = np.random.default_rng(check_seed("seed", seed))
    if notes is None or isinstance(notes, (str, bytes)):
        raise ValueError(f"notes={notes!r} must be an iterable of notes")
    try:
        notes = iter(notes)
    except TypeError:
        raise ValueError(f"notes={notes!r} must be an iterable of notes") from None
    parsed = [_note_fields(note, i) for i, note in enumerate(notes)]

    n_release = int(round(release * sr))
    if not parsed:
        return np.zeros(max(1, n_release), dtype=np.float32)
    last_end = max(end for _, _, end, _ in parsed)
    if last_end + release > MAX_DURATION:
        raise ValueError(
            f"release={release!r}: the rendering would last {last_end + release:g} s "
            f"(last note end + release), more than MAX_DURATION={MAX_DURATION:g} s"
        )
    n_total = int(round(last_end * sr)) + n_release
    out = np.zeros(n_total, dtype=np.float64)
    skipped = []
    for pitch, start, end, velocity in parsed:
        freq = midi_to_hz(pitch)
        if freq >= sr / 2:
            skipped.append(pitch)
            continue
        i0 = int(round(start * sr))
        n_note = max(1, int(round(end * sr)) - i0) + n_release
        peak = gain * velocity / 127.0
        if instrument == "karplus":
            # Strings start at the pluck: a 2 ms fade-in removes the step
            # without softening the attack; releasing the key damps them.
            env = _adsr_samples(n_note, sr, 0.002, 0.0, 1.0, release)
            tone = karplus_strong(freq, n_note / sr, sr, decay=string_decay, amplitude=1.0, seed=rng)
        else:
            env = _adsr_samples(n_note, sr, attack, decay, sustain, release)
            n_fade = min(int(round(_MIN_EDGE_FADE * sr)), n_note // 2)
            if n_fade > 1:
                ramp = np.linspace(0.0, 1.0, n_fade)
                if int(round(attack * sr)) < n_fade:
                    env[:n_fade] *= ramp
                if n_release < n_fade:
                    env[n_note - n_fade :] *= ramp[::-1]
            weights = harmonics if instrument == "additive" else (1.0,)
            tone = additive_tone(freq, n_note / sr, sr, harmonics=weights, amplitude=1.0, envelope=np.ones(n_note))
        tone = tone[:n_note]
        out[i0 : i0 + tone.size] += peak * env[: tone.size] * tone
    if skipped:
        warnings.warn(
            f"render_notes skipped {len(skipped)} note(s) with pitch >= {min(skipped):g}: "
            f"at or above the Nyquist frequency {sr / 2} Hz for sr={sr}",
            stacklevel=2,
        )
    peak = np.abs(out).max()
    if peak > 1.0:
        out /= peak
    return np.clip(out, -1.0, 1.0).astype(np.float32)
