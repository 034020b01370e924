"""Synthesised instrument notes ("timbres"): waveforms, log-mel patches, MFCC and the synthesis labels.

Chapter: 11_audio_gan_on_features (a GAN learns these log-mel patches and designs new instruments).

Each note is rendered by :mod:`musiclib.synth` from four **families** and four **knobs** drawn uniformly in
[0, 1] (the labels kept with every note, :data:`PARAMS`):

- ``additive`` (:func:`~musiclib.synth.additive_tone`, 40 partials of amplitude ``k^-p``): brightness sets the
  roll-off ``p`` from 3 to 0.5, decay the envelope's time constant (0.1-1.6 s), character removes even partials
  (a hollow, clarinet-like tone);
- ``karplus`` (:func:`~musiclib.synth.karplus_strong`): brightness opens a one-pole low-pass, decay sets the
  string's ring (60 dB in 0.15-1.65 s), character the pluck position (a comb filter);
- ``fm`` (:func:`~musiclib.synth.fm_tone`): brightness sets the modulation index (capped by Carson's rule so
  nothing aliases), decay the index's decay (0.05-0.55 s), character the modulator ratio 1, 2 or 3;
- ``noise`` (:func:`~musiclib.synth.filtered_noise`): brightness sets the roll-off of 8 resonances, decay the
  envelope, character their quality factor Q from 8 (breath) to 80 (whistle).

``attack`` sets a linear rise of 3 to 103 ms (a plucked string keeps its own, instant, attack). The pitch is a
whole MIDI note in :data:`PITCH_RANGE` (C3..C5). Every note lasts :data:`DURATION` = 0.5 s at :data:`SR` = 16 kHz,
fades out over its last 20 ms and is peak-normalised to 0.5, so loudness does not vary between notes.

Features (the representation the GAN learns, see chapter 11): a mel power spectrogram
(:func:`musiclib.features.melspectrogram`, ``n_fft`` 1024, hop 256, 128 Slaney mel bands from 0 to 8 kHz, centred
frames) in dB (:func:`musiclib.features.power_to_db` with ``ref=1``, no ``top_db``), shape
``(128 mels, 32 frames)``; and 20 MFCC, the orthonormal DCT of those dB values (as ``librosa.feature.mfcc``).
:func:`encode_patches` turns the dB values into the GAN's ``(32 frames, 128 mels)`` patches in [-1, 1]
(-60 dB -> -1, 35 dB -> 1) and :func:`decode_patches` back.

Cache: the labels and features (not the audio, which :meth:`Timbres.audio` renders again on demand, exactly) are
stored with :mod:`musiclib.data.cache`, like the chorales.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .. import config
from .._validation import check_choice, check_finite_array, check_in_range, check_positive_int
from . import cache as _cache

__all__ = [
    "TIMBRE_FAMILIES",
    "TIMBRE_PARAMS",
    "TIMBRE_SR",
    "TIMBRE_DURATION",
    "TIMBRE_PITCH_RANGE",
    "TIMBRE_FEATURES",
    "TIMBRE_SPLITS",
    "Timbres",
    "synthesize_note",
    "timbre_log_mel",
    "timbre_mfcc",
    "timbre_features",
    "TIMBRE_N_LABELS",
    "timbre_labels",
    "encode_patches",
    "decode_patches",
    "load_timbres",
]

#: Instrument families, in label order (``Timbres.family`` indexes this tuple).
TIMBRE_FAMILIES = ("additive", "karplus", "fm", "noise")
#: The four synthesis knobs kept as labels, each in [0, 1] (``Timbres.params[:, j]`` is ``TIMBRE_PARAMS[j]``).
TIMBRE_PARAMS = ("brightness", "attack", "decay", "character")
#: Sample rate (Hz) and length (s) of every note.
TIMBRE_SR = 16000
TIMBRE_DURATION = 0.5
#: Lowest and highest MIDI pitch (inclusive): C3 (131 Hz) .. C5 (523 Hz).
TIMBRE_PITCH_RANGE = (48, 72)
#: Feature settings: STFT, mel bands, MFCC and the dB range mapped to [-1, 1] by :func:`encode_patches`.
TIMBRE_FEATURES = {
    "sr": TIMBRE_SR,
    "n_fft": 1024,
    "hop_length": 256,
    "n_mels": 128,
    "fmin": 0.0,
    "fmax": TIMBRE_SR / 2,
    "n_frames": 32,
    "n_mfcc": 20,
    "db_floor": -60.0,
    "db_ceil": 35.0,
}
TIMBRE_SPLITS = ("train", "test")
#: Width of a conditioning vector (:func:`timbre_labels`): one-hot family (4) then one-hot pitch (25).
TIMBRE_N_LABELS = len(TIMBRE_FAMILIES) + TIMBRE_PITCH_RANGE[1] - TIMBRE_PITCH_RANGE[0] + 1
#: Notes per split: (full mode, quick mode).
_SPLIT_SIZES = {"train": (4000, 800), "test": (1000, 400)}
_FORMAT_VERSION = "1"  # bump when the synthesis or the features change
_PEAK = 0.5
_FADE_SECONDS = 0.02
_MAX_NOTES = 200_000


# --------------------------------------------------------------------------- synthesis


def timbre_labels(family, pitch) -> np.ndarray:
    """Conditioning vectors of a conditional timbre GAN: one-hot family, then one-hot MIDI pitch.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    family : array_like of int or str [shape=(n,)]
        Indices into :data:`TIMBRE_FAMILIES`, or their names.
    pitch : array_like of int [shape=(n,)]
        MIDI pitches in :data:`TIMBRE_PITCH_RANGE` (48..72).

    Returns
    -------
    np.ndarray [shape=(n, TIMBRE_N_LABELS), dtype=float32]
        Column ``family``, and column ``4 + pitch - 48``, are 1; the rest 0.

    Raises
    ------
    ValueError
        If a family or pitch is out of range, or the two lengths differ.

    Examples
    --------
    >>> y = timbre_labels(["fm", "additive"], [60, 48])
    >>> y.shape, [np.flatnonzero(row).tolist() for row in y]
    ((2, 29), [[2, 16], [0, 4]])
    """
    family = np.atleast_1d(np.asarray(family))
    if family.dtype.kind in "US":
        unknown = sorted(set(family.tolist()) - set(TIMBRE_FAMILIES))
        if unknown:
            raise ValueError(f"family must name one of {TIMBRE_FAMILIES}, got {unknown}")
        family = np.array([TIMBRE_FAMILIES.index(f) for f in family.tolist()])
    elif family.dtype.kind == "O":
        family = np.array([TIMBRE_FAMILIES.index(f) if isinstance(f, str) and f in TIMBRE_FAMILIES else f
                           for f in family.tolist()])
    pitch = np.atleast_1d(np.asarray(pitch))
    if family.ndim != 1 or pitch.ndim != 1 or len(family) != len(pitch):
        raise ValueError(f"family {family.shape} and pitch {pitch.shape} must be two 1-D arrays of one length")
    low, high = TIMBRE_PITCH_RANGE
    for name, values, lo, hi in (("family", family, 0, len(TIMBRE_FAMILIES) - 1), ("pitch", pitch, low, high)):
        if values.dtype.kind not in "iuf" or not np.all(np.isfinite(values)) or np.any(values != np.round(values)) \
                or np.any((values < lo) | (values > hi)):
            raise ValueError(f"{name} must hold whole numbers in [{lo}, {hi}]")
    labels = np.zeros((len(family), TIMBRE_N_LABELS), dtype=np.float32)
    rows = np.arange(len(family))
    labels[rows, family.astype(int)] = 1.0
    labels[rows, len(TIMBRE_FAMILIES) + pitch.astype(int) - low] = 1.0
    return labels


def _envelope(n, sr, attack, decay):
    """Linear rise over ``attack`` seconds, exponential fall with time constant ``decay``, 20 ms fade to 0."""
    t = np.arange(n) / sr
    env = np.minimum(1.0, t / attack) * np.exp(-np.maximum(t - attack, 0.0) / decay)
    n_fade = min(n, int(round(_FADE_SECONDS * sr)))
    env[n - n_fade :] *= np.linspace(1.0, 0.0, n_fade)
    return env


def synthesize_note(family, pitch, params, *, seed=0, sr=TIMBRE_SR, duration=TIMBRE_DURATION) -> np.ndarray:
    """Render one note of ``family`` at MIDI ``pitch`` with the four knobs ``params`` (see the module docstring).

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    family : str or int
        One of :data:`TIMBRE_FAMILIES`, or its index.
    pitch : int
        MIDI pitch, in [21, 108].
    params : sequence of 4 floats
        ``brightness, attack, decay, character``, each in [0, 1].
    seed : int
        Seed of the noise of the ``karplus`` and ``noise`` families, >= 0.
    sr : int
        Sample rate in Hz, in [8000, 96000].
    duration : float
        Seconds, in [0.05, 10].

    Returns
    -------
    np.ndarray [shape=(round(duration * sr),), dtype=float32]
        Peak 0.5, last 20 ms fading to 0.

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> y = synthesize_note("fm", 60, [0.5, 0.2, 0.5, 0.3], seed=0)
    >>> y.shape, y.dtype, float(abs(y).max())
    ((8000,), dtype('float32'), 0.5)
    """
    from .. import synth
    from ..theory import midi_to_hz

    if isinstance(family, (int, np.integer)) and not isinstance(family, bool):
        family = TIMBRE_FAMILIES[check_in_range("family", family, 0, len(TIMBRE_FAMILIES) - 1, integer=True)]
    check_choice("family", family, TIMBRE_FAMILIES)
    pitch = check_in_range("pitch", pitch, 21, 108, integer=True)
    knobs = check_finite_array("params", params).astype(np.float64)
    if knobs.shape != (4,) or np.any(knobs < 0) or np.any(knobs > 1):
        raise ValueError(f"params must be 4 numbers in [0, 1] ({', '.join(TIMBRE_PARAMS)}), got {params!r}")
    seed = check_in_range("seed", seed, 0, 2**63 - 1, integer=True)
    sr = check_in_range("sr", sr, 8000, 96000, integer=True)
    duration = check_in_range("duration", duration, 0.05, 10.0)
    brightness, attack_knob, decay_knob, character = (float(k) for k in knobs)
    freq = float(midi_to_hz(pitch))
    n = int(round(duration * sr))
    attack = 0.003 + 0.1 * attack_knob
    decay = 0.1 + 1.5 * decay_knob
    env = _envelope(n, sr, attack, decay)
    if family == "additive":
        k = np.arange(1, 41)
        weights = k ** -(0.5 + 2.5 * (1.0 - brightness))
        weights[1::2] *= 1.0 - 0.95 * character  # even partials: a hollow, clarinet-like tone when removed
        y = synth.additive_tone(freq, duration, sr, harmonics=weights, amplitude=1.0, envelope=env)
    elif family == "karplus":
        ring = 0.15 + 1.5 * decay_knob  # seconds for the loop to fall by 60 dB
        gain = min(10.0 ** (-3.0 / (ring * freq)), 0.9999)
        y = synth.karplus_strong(freq, duration, sr, decay=gain, amplitude=1.0, seed=seed).astype(np.float64)
        lag = max(1, int(round((0.05 + 0.45 * character) * sr / freq)))  # pluck position: a comb filter
        y[lag:] = y[lag:] - 0.9 * y[:-lag]
        from scipy.signal import lfilter

        pole = 0.85 * (1.0 - brightness)  # a one-pole low-pass: dull strings for small brightness
        y = lfilter([1.0 - pole], [1.0, -pole], y)
        y *= _envelope(n, sr, 0.001, 1e6)  # the string's own attack; only the final fade
    elif family == "fm":
        ratio = (1.0, 2.0, 3.0)[min(int(character * 3), 2)]
        # Carson's rule: keep freq + (index + 1) * ratio * freq below 0.45 sr, so sidebands do not alias.
        index = min(0.5 + 5.5 * brightness, max(0.0, (0.45 * sr - freq) / (ratio * freq) - 1.0))
        y = synth.fm_tone(freq, duration, sr, ratio=ratio, index=index, index_decay=0.05 + 0.5 * decay_knob,
                          amplitude=1.0, envelope=env)
    else:  # noise
        k = np.arange(1, 9)
        weights = k ** -(1.0 + 3.0 * (1.0 - brightness))
        y = synth.filtered_noise(freq, duration, sr, harmonics=weights, q=8.0 + 72.0 * character, amplitude=1.0,
                                 envelope=env, seed=seed)
    y = np.asarray(y, dtype=np.float64)
    peak = np.abs(y).max()
    if peak > 0:
        y *= _PEAK / peak
    return y.astype(np.float32)


# --------------------------------------------------------------------------- features


def _feature_settings():
    f = TIMBRE_FEATURES
    return {"sr": f["sr"], "n_fft": f["n_fft"], "hop_length": f["hop_length"], "n_mels": f["n_mels"],
            "fmin": f["fmin"], "fmax": f["fmax"]}


def timbre_log_mel(audio) -> np.ndarray:
    """Log-mel spectrograms in dB of notes: ``(..., n_samples)`` -> ``(..., 128 mels, 32 frames)``, float32.

    The settings of :data:`TIMBRE_FEATURES`: mel power (Slaney mel, ``n_fft`` 1024, hop 256, centred frames),
    ``10 log10(max(power, 1e-10))`` (ref 1, no ``top_db``), cut to the first 32 frames.

    Chapter: 11_audio_gan_on_features

    Examples
    --------
    >>> timbre_log_mel(np.zeros((2, 8000), dtype=np.float32)).shape
    (2, 128, 32)
    """
    from ..features import melspectrogram, power_to_db

    y = check_finite_array("audio", audio).astype(np.float32)
    mel = melspectrogram(y, **_feature_settings())
    return power_to_db(mel, ref=1.0, amin=1e-10, top_db=None)[..., : TIMBRE_FEATURES["n_frames"]].astype(np.float32)


def timbre_mfcc(log_mel, *, n_mfcc=None) -> np.ndarray:
    """MFCC of log-mel spectrograms in dB: the orthonormal DCT-II over the mel axis (as ``librosa.feature.mfcc``).

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    log_mel : np.ndarray [shape=(..., n_mels, n_frames)]
        dB values (:func:`timbre_log_mel`).
    n_mfcc : int or None
        Coefficients kept (default 20), in [1, n_mels].

    Returns
    -------
    np.ndarray [shape=(..., n_mfcc, n_frames), dtype=float32]

    Examples
    --------
    >>> timbre_mfcc(np.zeros((3, 128, 32))).shape
    (3, 20, 32)
    """
    from ..features import dct

    log_mel = check_finite_array("log_mel", log_mel, min_ndim=2)
    n_mfcc = TIMBRE_FEATURES["n_mfcc"] if n_mfcc is None else n_mfcc
    return dct(log_mel.astype(np.float64), axis=-2, n_coefficients=n_mfcc).astype(np.float32)


def timbre_features(log_mel) -> np.ndarray:
    """One vector per note for distribution metrics: mean and standard deviation over frames of its 20 MFCC.

    The classic "timbre" summary (the average spectral envelope and how much it moves); Fréchet distance and NDB
    in chapter 11 compare sets of these 40-dimensional vectors.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    log_mel : np.ndarray [shape=(n, n_mels, n_frames)]
        dB log-mel spectrograms.

    Returns
    -------
    np.ndarray [shape=(n, 40), dtype=float64]

    Examples
    --------
    >>> timbre_features(np.zeros((5, 128, 32))).shape
    (5, 40)
    """
    log_mel = check_finite_array("log_mel", log_mel, min_ndim=3)
    c = timbre_mfcc(log_mel).astype(np.float64)
    return np.concatenate([c.mean(axis=-1), c.std(axis=-1)], axis=-1)


def encode_patches(log_mel) -> np.ndarray:
    """dB log-mel ``(n, 128 mels, 32 frames)`` -> GAN patches ``(n, 32 frames, 128 mels)`` in [-1, 1], float32.

    ``TIMBRE_FEATURES["db_floor"]`` (-60 dB) maps to -1 and ``TIMBRE_FEATURES["db_ceil"]`` (35 dB) to 1; values
    outside are clipped (the notes peak at about 30 dB; bands without energy sit at -100 dB, the ``amin`` floor).

    Chapter: 11_audio_gan_on_features

    Examples
    --------
    >>> x = encode_patches(np.full((1, 128, 32), -12.5))
    >>> x.shape, float(x[0, 0, 0])
    ((1, 32, 128), 0.0)
    """
    log_mel = check_finite_array("log_mel", log_mel, min_ndim=2)
    low, high = TIMBRE_FEATURES["db_floor"], TIMBRE_FEATURES["db_ceil"]
    x = np.clip((log_mel - low) / (high - low) * 2.0 - 1.0, -1.0, 1.0)
    return np.swapaxes(x, -1, -2).astype(np.float32)


def decode_patches(patches) -> np.ndarray:
    """GAN patches ``(n, 32 frames, 128 mels)`` in [-1, 1] -> dB log-mel ``(n, 128 mels, 32 frames)``, float32.

    The inverse of :func:`encode_patches` (values outside [-1, 1] are clipped first).

    Chapter: 11_audio_gan_on_features

    Examples
    --------
    >>> float(decode_patches(np.zeros((1, 32, 128)))[0, 0, 0])
    -12.5
    """
    patches = check_finite_array("patches", patches, min_ndim=2)
    low, high = TIMBRE_FEATURES["db_floor"], TIMBRE_FEATURES["db_ceil"]
    db = (np.clip(patches, -1.0, 1.0) + 1.0) / 2.0 * (high - low) + low
    return np.swapaxes(db, -1, -2).astype(np.float32)


# --------------------------------------------------------------------------- the dataset


@dataclasses.dataclass(frozen=True, eq=False)
class Timbres:
    """A set of synthesised notes: labels and features (the audio is rendered again on demand).

    Chapter: 11_audio_gan_on_features

    Attributes
    ----------
    family : np.ndarray [shape=(n,), dtype=int8]
        Index into :data:`TIMBRE_FAMILIES`.
    pitch : np.ndarray [shape=(n,), dtype=int16]
        MIDI pitch.
    params : np.ndarray [shape=(n, 4), dtype=float32]
        The knobs :data:`TIMBRE_PARAMS`, in [0, 1].
    seeds : np.ndarray [shape=(n,), dtype=int64]
        Noise seed of each note.
    log_mel : np.ndarray [shape=(n, 128, 32), dtype=float32]
        dB log-mel spectrograms (:func:`timbre_log_mel`).
    mfcc : np.ndarray [shape=(n, 20, 32), dtype=float32]
        Their MFCC (:func:`timbre_mfcc`).
    """

    family: np.ndarray
    pitch: np.ndarray
    params: np.ndarray
    seeds: np.ndarray
    log_mel: np.ndarray
    mfcc: np.ndarray

    def __len__(self) -> int:
        return len(self.family)

    def audio(self, index) -> np.ndarray:
        """The waveform of note ``index`` (or an array of notes for a sequence of indices), float32 at 16 kHz."""
        if np.ndim(index):
            return np.stack([self.audio(int(i)) for i in index])
        i = check_in_range("index", index, -len(self), len(self) - 1, integer=True)
        return synthesize_note(int(self.family[i]), int(self.pitch[i]), self.params[i], seed=int(self.seeds[i]))

    def patches(self) -> np.ndarray:
        """The GAN's training patches, :func:`encode_patches` of :attr:`log_mel`: ``(n, 32, 128)`` in [-1, 1]."""
        return encode_patches(self.log_mel)

    def labels(self) -> np.ndarray:
        """The conditioning vectors of a conditional GAN, :func:`timbre_labels` of family and pitch: ``(n, 29)``."""
        return timbre_labels(self.family, self.pitch)

    def family_names(self) -> np.ndarray:
        """The family of every note as a string."""
        return np.array(TIMBRE_FAMILIES)[self.family]

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={int(np.sum(self.family == i))}" for i, name in enumerate(TIMBRE_FAMILIES))
        return f"Timbres({len(self)} notes: {counts}; pitches {self.pitch.min()}..{self.pitch.max()})"


def _draw_labels(n, seed, split):
    rng = np.random.default_rng([seed, TIMBRE_SPLITS.index(split), 0x7133])
    family = rng.permutation(np.arange(n) % len(TIMBRE_FAMILIES)).astype(np.int8)
    low, high = TIMBRE_PITCH_RANGE
    pitch = rng.integers(low, high + 1, size=n).astype(np.int16)
    params = rng.uniform(0.0, 1.0, size=(n, len(TIMBRE_PARAMS))).astype(np.float32)
    seeds = rng.integers(0, 2**31, size=n).astype(np.int64)
    return family, pitch, params, seeds


def _build_timbres(n, seed, split, progress) -> dict:
    from tqdm.auto import tqdm

    family, pitch, params, seeds = _draw_labels(n, seed, split)
    log_mel = np.zeros((n, TIMBRE_FEATURES["n_mels"], TIMBRE_FEATURES["n_frames"]), dtype=np.float32)
    block = 256
    for start in tqdm(range(0, n, block), desc=f"Synthesising {split} notes", unit="block", disable=not progress):
        stop = min(n, start + block)
        audio = np.stack([synthesize_note(int(family[i]), int(pitch[i]), params[i], seed=int(seeds[i]))
                          for i in range(start, stop)])
        log_mel[start:stop] = timbre_log_mel(audio)
    return {"family": family, "pitch": pitch, "params": params, "seeds": seeds, "log_mel": log_mel,
            "mfcc": timbre_mfcc(log_mel)}


def _check_timbre_arrays(arrays, n):
    spec = {
        "family": ("i", (n,)),
        "pitch": ("i", (n,)),
        "params": ("f", (n, len(TIMBRE_PARAMS))),
        "seeds": ("i", (n,)),
        "log_mel": ("f", (n, TIMBRE_FEATURES["n_mels"], TIMBRE_FEATURES["n_frames"])),
        "mfcc": ("f", (n, TIMBRE_FEATURES["n_mfcc"], TIMBRE_FEATURES["n_frames"])),
    }
    problem = _cache.check_arrays(arrays, spec)
    if problem is not None:
        return problem
    if np.any((arrays["family"] < 0) | (arrays["family"] >= len(TIMBRE_FAMILIES))):
        return "family holds an index outside TIMBRE_FAMILIES"
    low, high = TIMBRE_PITCH_RANGE
    if np.any((arrays["pitch"] < low) | (arrays["pitch"] > high)):
        return "pitch is outside TIMBRE_PITCH_RANGE"
    if np.any((arrays["params"] < 0) | (arrays["params"] > 1)):
        return "params holds values outside [0, 1]"
    if not (np.all(np.isfinite(arrays["log_mel"])) and np.all(np.isfinite(arrays["mfcc"]))):
        return "the features are not finite"
    return None


def _versions() -> dict:
    import scipy

    return {"numpy": np.__version__, "scipy": scipy.__version__, "format": _FORMAT_VERSION}


def load_timbres(split="train", *, n_notes=None, seed=0, cache_dir=None, use_cache=True, progress=False) -> Timbres:
    """The synthesised notes of one split, with labels, log-mel spectrograms and MFCC (built once, then cached).

    ``train`` and ``test`` draw their labels from independent streams of ``seed``, so they share no note.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    split : {"train", "test"}
    n_notes : int or None
        Notes in the split, in [1, 200000]; None: 4,000 (train) or 1,000 (test), in quick mode 800 or 400.
        The first ``k`` notes do not depend on ``n_notes`` (labels are drawn per split, then cut).
    seed : int
        Seed of the labels (families, pitches, knobs, noise), in [0, 2**32 - 1].
    cache_dir : str, os.PathLike or None
        Cache folder; None = :data:`musiclib.config.CACHE_DIR`.
    use_cache : bool
        If False, synthesise again and do not read or write the cache.
    progress : bool
        Show a progress bar while synthesising (about 5 s per 1,000 notes on one core).

    Returns
    -------
    Timbres

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> notes = load_timbres("test", n_notes=8, use_cache=False)
    >>> notes.log_mel.shape, notes.mfcc.shape, notes.params.shape
    ((8, 128, 32), (8, 20, 32), (8, 4))
    """
    check_choice("split", split, TIMBRE_SPLITS)
    if n_notes is None:
        n_notes = config.budget(*_SPLIT_SIZES[split])
    n_notes = check_positive_int("n_notes", n_notes, maximum=_MAX_NOTES)
    seed = check_in_range("seed", seed, 0, 2**32 - 1, integer=True)
    params = {"kind": "timbres", "split": split, "n_notes": n_notes, "seed": seed, "features": TIMBRE_FEATURES,
              "families": TIMBRE_FAMILIES, "pitch_range": TIMBRE_PITCH_RANGE, "duration": TIMBRE_DURATION}
    path = _cache.cache_dir(cache_dir) / f"timbres-{split}-{_cache.cache_key(params, _versions())}.npz" if use_cache else None
    arrays = _cache.load_npz(path, lambda a: _check_timbre_arrays(a, n_notes)) if use_cache else None
    if arrays is None:
        arrays = _build_timbres(n_notes, seed, split, progress)
        if use_cache:
            _cache.save_npz(path, arrays)
    return Timbres(
        family=arrays["family"].astype(np.int8),
        pitch=arrays["pitch"].astype(np.int16),
        params=arrays["params"].astype(np.float32),
        seeds=arrays["seeds"].astype(np.int64),
        log_mel=arrays["log_mel"].astype(np.float32),
        mfcc=arrays["mfcc"].astype(np.float32),
    )
