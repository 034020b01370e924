"""Music theory in numbers: pitch, intervals, scales, chords, keys and rhythm.

Chapters: 01_pitch_and_frequency (note names, MIDI numbers, 12-TET
frequencies, cents) and 02_scales_chords_keys_rhythm (intervals, scales and
modes, chords, key profiles and key estimation, tempo and durations).

Conventions
-----------
- Pitches are MIDI note numbers: integers 0-127, middle C (C4) = 60 and the
  tuning note A4 = 69 (scientific pitch notation, octaves change at C).
- Frequencies follow twelve-tone equal temperament (12-TET):
  ``f = a4 * 2 ** ((midi - 69) / 12)`` with ``a4 = 440.0`` Hz by default.
- Pitch classes count semitones above C: C = 0, C#/Db = 1, ..., B = 11.
- Scales and chords are returned as ascending lists of MIDI numbers.
- Durations are measured in beats, where one beat is a quarter note.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

import numpy as np

from ._validation import (
    _is_finite_real,
    _is_scalar,
    _is_int,
    check_bool,
    check_choice,
    check_finite_array,
    check_in_range,
    check_positive,
)

__all__ = [
    # pitch (chapter 01)
    "PITCH_CLASS_NAMES",
    "PITCH_CLASS_NAMES_FLAT",
    "A4_MIDI",
    "A4_HZ",
    "note_to_midi",
    "midi_to_note",
    "midi_to_hz",
    "hz_to_midi",
    "ratio_to_cents",
    "cents_to_ratio",
    # intervals, scales, chords (chapter 02)
    "INTERVAL_NAMES",
    "JUST_RATIOS",
    "interval_name",
    "SCALE_INTERVALS",
    "scale",
    "CHORD_QUALITIES",
    "CHORD_QUALITY_NAMES",
    "chord",
    # keys (chapter 02)
    "KRUMHANSL_KESSLER_MAJOR",
    "KRUMHANSL_KESSLER_MINOR",
    "KEY_TONIC_NAMES",
    "pitch_class_histogram",
    "key_correlations",
    "estimate_key",
    # rhythm (chapter 02)
    "DURATIONS",
    "beats_to_seconds",
    "seconds_to_beats",
    "note_duration_seconds",
    "sequence_to_notes",
]

# ---------------------------------------------------------------------------
# Pitch: note names, MIDI numbers, frequencies (chapter 01)
# ---------------------------------------------------------------------------

#: Pitch-class names spelled with sharps, index = pitch class (C = 0).
PITCH_CLASS_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")
#: Pitch-class names spelled with flats, index = pitch class (C = 0).
PITCH_CLASS_NAMES_FLAT = ("C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B")
#: MIDI number of the tuning note A4.
A4_MIDI = 69
#: Standard concert pitch of A4 in Hz.
A4_HZ = 440.0

_LETTER_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# Letter, then at most two accidentals of one kind (ASCII or Unicode), then a
# signed octave number. "Cb4" is B3 and "B#3" is C4: octaves follow the letter.
_NOTE_RE = re.compile(r"^([A-Ga-g])(##|#|bb|b|♯♯|♯|♭♭|♭)?(-?\d+)$")
_ACCIDENTAL = {"": 0, "#": 1, "##": 2, "b": -1, "bb": -2, "♯": 1, "♯♯": 2, "♭": -1, "♭♭": -2}
_NOTE_FORM = (
    "a letter A-G, an optional accidental (#, ##, b, bb, ♯, ♭) and an octave number, "
    "e.g. 'C4', 'F#3', 'Bb-1'"
)


def note_to_midi(name: str) -> int:
    """Return the MIDI number of a note name in scientific pitch notation.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    name : str
        A letter ``A``-``G`` (either case), an optional accidental (``#``,
        ``##``, ``b``, ``bb`` or the Unicode ``♯``/``♭``, doubled for double
        accidentals) and an octave number (may be negative, e.g. ``"C-1"``).
        The octave belongs to the letter: ``"Cb4"`` is B3 (59) and ``"B#3"``
        is C4 (60).

    Returns
    -------
    int
        MIDI number, ``12 * (octave + 1) + pitch class + accidental``.

    Raises
    ------
    ValueError
        If ``name`` is not of that form, or the note lies outside MIDI 0-127.

    Examples
    --------
    >>> note_to_midi("C4"), note_to_midi("A4"), note_to_midi("C#4"), note_to_midi("Dbb4")
    (60, 69, 61, 60)
    >>> note_to_midi("C-1")
    0
    """
    match = _NOTE_RE.match(name) if isinstance(name, str) else None
    if match is None:
        raise ValueError(f"name={name!r} is not a note name; expected {_NOTE_FORM}")
    letter, accidental, octave = match.groups()
    midi = 12 * (int(octave) + 1) + _LETTER_PC[letter.upper()] + _ACCIDENTAL[accidental or ""]
    if not 0 <= midi <= 127:
        raise ValueError(f"name={name!r} is MIDI {midi}, outside the MIDI range [0, 127]")
    return midi


def midi_to_note(midi: int, prefer_sharps: bool = True) -> str:
    """Return the scientific-pitch name of a MIDI number.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    midi : int
        MIDI number, an integer in [0, 127].
    prefer_sharps : bool
        Spell black keys with sharps (``"C#4"``, default) or flats (``"Db4"``).

    Returns
    -------
    str
        Note name such as ``"A4"``; the octave is ``midi // 12 - 1``.

    Raises
    ------
    ValueError
        If ``midi`` is not an integer in [0, 127], or ``prefer_sharps`` is not a bool.

    Examples
    --------
    >>> midi_to_note(61), midi_to_note(61, prefer_sharps=False), midi_to_note(0)
    ('C#4', 'Db4', 'C-1')
    """
    midi = check_in_range("midi", midi, 0, 127, integer=True)
    names = PITCH_CLASS_NAMES if check_bool("prefer_sharps", prefer_sharps) else PITCH_CLASS_NAMES_FLAT
    return f"{names[midi % 12]}{midi // 12 - 1}"


def _as_float_or_array(name, value, *, positive=False):
    """Validate a scalar or array of finite real numbers; return (float64 array, was_scalar).

    Complex values, strings, bools and integers too large for a float are refused
    (a complex frequency would otherwise lose its imaginary part silently).
    """
    if isinstance(value, Fraction):
        value = float(value)
    if _is_scalar(value):
        if not _is_finite_real(value):
            raise ValueError(f"{name}={value!r} must be a finite real number or an array of finite real numbers")
        arr = np.asarray(float(value))
    else:
        arr = check_finite_array(name, value, min_ndim=0, allow_empty=True).astype(np.float64)
    if positive and np.any(arr <= 0):
        raise ValueError(f"{name} must be > 0, got minimum {arr.min()!r}")
    return arr, arr.ndim == 0


def _finite_result(name, result, scalar):
    """Return ``result`` (float for scalar input); raise if the computation overflowed to inf."""
    if not np.all(np.isfinite(result)):
        raise ValueError(f"{name} is too large: the result overflows float64")
    return float(result) if scalar else result


def midi_to_hz(midi, a4: float = A4_HZ):
    """Return the 12-TET frequency in Hz of a MIDI number.

    ``f = a4 * 2 ** ((midi - 69) / 12)``: each semitone multiplies the
    frequency by ``2 ** (1/12)``, each octave (12 semitones) doubles it.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    midi : float or array_like
        MIDI number(s) in [0, 127]. Fractional numbers are pitches between
        the keys (0.01 = 1 cent).
    a4 : float
        Frequency of A4 (MIDI 69) in Hz, > 0.

    Returns
    -------
    float or np.ndarray
        Frequency in Hz: a Python float for scalar input, a float64 array of
        the same shape for array input.

    Raises
    ------
    ValueError
        If ``midi`` is not finite or outside [0, 127], or ``a4`` is not a
        positive number.

    Examples
    --------
    >>> midi_to_hz(69), midi_to_hz(81), midi_to_hz(57)
    (440.0, 880.0, 220.0)
    >>> round(midi_to_hz(60), 3)
    261.626
    """
    a4 = check_positive("a4", a4)
    arr, scalar = _as_float_or_array("midi", midi)
    if np.any((arr < 0) | (arr > 127)):
        bad = float(arr[(arr < 0) | (arr > 127)].flat[0])
        raise ValueError(f"midi={bad!r} must be a MIDI number in [0, 127]")
    hz = a4 * np.exp2((arr - A4_MIDI) / 12.0)
    return float(hz) if scalar else hz


def hz_to_midi(hz, a4: float = A4_HZ):
    """Return the (fractional) MIDI number of a frequency, inverse of :func:`midi_to_hz`.

    ``midi = 69 + 12 * log2(hz / a4)``. Round the result to get the nearest
    key; the remainder times 100 is the deviation in cents.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    hz : float or array_like
        Frequency in Hz, finite and > 0.
    a4 : float
        Frequency of A4 (MIDI 69) in Hz, > 0.

    Returns
    -------
    float or np.ndarray
        MIDI number(s), float for scalar input, float64 array for array input.

    Raises
    ------
    ValueError
        If any ``hz`` is not finite or not > 0, or ``a4`` is not positive.

    Examples
    --------
    >>> hz_to_midi(440.0), hz_to_midi(880.0)
    (69.0, 81.0)
    """
    a4 = check_positive("a4", a4)
    arr, scalar = _as_float_or_array("hz", hz, positive=True)
    midi = A4_MIDI + 12.0 * np.log2(arr / a4)
    return float(midi) if scalar else midi


def ratio_to_cents(ratio):
    """Return the size in cents of a frequency ratio: ``1200 * log2(ratio)``.

    A cent is 1/100 of an equal-tempered semitone, so an octave (ratio 2) is
    1200 cents. Chapter: 01_pitch_and_frequency (and 02 for just intervals).

    Parameters
    ----------
    ratio : float or array_like or fractions.Fraction
        Frequency ratio(s) ``f2 / f1``, finite and > 0.

    Returns
    -------
    float or np.ndarray
        Interval size in cents (negative for ratios below 1).

    Raises
    ------
    ValueError
        If a ratio is not finite or not > 0.

    Examples
    --------
    >>> ratio_to_cents(2.0)
    1200.0
    >>> round(ratio_to_cents(1.5), 3)
    701.955
    """
    arr, scalar = _as_float_or_array("ratio", ratio, positive=True)
    cents = 1200.0 * np.log2(arr)
    return float(cents) if scalar else cents


def cents_to_ratio(cents):
    """Return the frequency ratio of an interval given in cents: ``2 ** (cents / 1200)``.

    Chapter: 01_pitch_and_frequency.

    Parameters
    ----------
    cents : float or array_like
        Interval size(s) in cents, finite.

    Returns
    -------
    float or np.ndarray
        Frequency ratio(s).

    Raises
    ------
    ValueError
        If ``cents`` is not finite and real, or so large (above about
        1.2 million cents) that the ratio overflows.

    Examples
    --------
    >>> cents_to_ratio(1200.0), cents_to_ratio(-1200.0)
    (2.0, 0.5)
    """
    arr, scalar = _as_float_or_array("cents", cents)
    with np.errstate(over="ignore"):
        ratio = np.exp2(arr / 1200.0)
    return _finite_result("cents", ratio, scalar)


def _midi_from(name: str, value) -> int:
    """Accept a note name or a MIDI integer for parameter ``name``."""
    if isinstance(value, str):
        try:
            return note_to_midi(value)
        except ValueError as err:
            raise ValueError(f"{name}={value!r} is not a valid note: {err}") from None
    if not _is_int(value):
        raise ValueError(f"{name}={value!r} must be a note name like 'D4' or a MIDI integer in [0, 127]")
    return check_in_range(name, value, 0, 127, integer=True)


# ---------------------------------------------------------------------------
# Intervals, scales and chords (chapter 02)
# ---------------------------------------------------------------------------

#: Names of the simple intervals, index = size in semitones (0-12).
INTERVAL_NAMES = (
    "unison",
    "minor second",
    "major second",
    "minor third",
    "major third",
    "perfect fourth",
    "tritone",
    "perfect fifth",
    "minor sixth",
    "major sixth",
    "minor seventh",
    "major seventh",
    "octave",
)
# Compound intervals between one and two octaves have their own names.
_COMPOUND_NAMES = (
    "minor ninth",
    "major ninth",
    "minor tenth",
    "major tenth",
    "perfect eleventh",
    "augmented eleventh",
    "perfect twelfth",
    "minor thirteenth",
    "major thirteenth",
    "minor fourteenth",
    "major fourteenth",
)

#: Just-intonation ratios (small whole-number frequency ratios) of the simple
#: intervals, keyed by their size in semitones; the 12-TET interval
#: ``2 ** (n / 12)`` approximates each. Tritone and minor seventh have several
#: just candidates; these are the 5-limit ones (45/32, 16/9).
JUST_RATIOS = {
    0: Fraction(1, 1),
    1: Fraction(16, 15),
    2: Fraction(9, 8),
    3: Fraction(6, 5),
    4: Fraction(5, 4),
    5: Fraction(4, 3),
    6: Fraction(45, 32),
    7: Fraction(3, 2),
    8: Fraction(8, 5),
    9: Fraction(5, 3),
    10: Fraction(16, 9),
    11: Fraction(15, 8),
    12: Fraction(2, 1),
}


def interval_name(semitones: int) -> str:
    """Return the name of an interval given its size in semitones.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    semitones : int
        Interval size. 0-12 are the simple intervals (``"unison"`` ...
        ``"octave"``; 6 is ``"tritone"``), 13-23 the compound intervals
        (``"minor ninth"`` ... ``"major fourteenth"``, 18 is ``"augmented
        eleventh"``), 24 up to 127 ``"2 octaves"``, ``"2 octaves + major
        third"`` and so on. Negative sizes name the descending interval:
        ``-7`` is ``"descending perfect fifth"``. At most 127 either way:
        the widest interval between two MIDI notes.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``semitones`` is not an integer in [-127, 127].

    Examples
    --------
    >>> interval_name(7), interval_name(14), interval_name(-3), interval_name(28)
    ('perfect fifth', 'major ninth', 'descending minor third', '2 octaves + major third')
    """
    semitones = check_in_range("semitones", semitones, -127, 127, integer=True)
    if semitones < 0:
        return "descending " + interval_name(-semitones)
    if semitones <= 12:
        return INTERVAL_NAMES[semitones]
    if semitones < 24:
        return _COMPOUND_NAMES[semitones - 13]
    octaves, rest = divmod(semitones, 12)
    return f"{octaves} octaves" + (f" + {INTERVAL_NAMES[rest]}" if rest else "")


#: Semitone steps above the tonic of each scale, from tonic to octave
#: inclusive. ``ionian`` is ``major`` and ``aeolian`` is (natural) ``minor``;
#: ``melodic_minor`` is the ascending form.
SCALE_INTERVALS = {
    "major": (0, 2, 4, 5, 7, 9, 11, 12),
    "ionian": (0, 2, 4, 5, 7, 9, 11, 12),
    "dorian": (0, 2, 3, 5, 7, 9, 10, 12),
    "phrygian": (0, 1, 3, 5, 7, 8, 10, 12),
    "lydian": (0, 2, 4, 6, 7, 9, 11, 12),
    "mixolydian": (0, 2, 4, 5, 7, 9, 10, 12),
    "minor": (0, 2, 3, 5, 7, 8, 10, 12),
    "aeolian": (0, 2, 3, 5, 7, 8, 10, 12),
    "locrian": (0, 1, 3, 5, 6, 8, 10, 12),
    "harmonic_minor": (0, 2, 3, 5, 7, 8, 11, 12),
    "melodic_minor": (0, 2, 3, 5, 7, 9, 11, 12),
    "major_pentatonic": (0, 2, 4, 7, 9, 12),
    "minor_pentatonic": (0, 3, 5, 7, 10, 12),
    "blues": (0, 3, 5, 6, 7, 10, 12),
    "chromatic": tuple(range(13)),
}


def scale(tonic, mode: str = "major") -> list:
    """Return the MIDI numbers of a scale, ascending from the tonic to its octave.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    tonic : str or int
        Starting note, a name like ``"D4"`` or a MIDI integer in [0, 115]
        (the octave above must stay within MIDI 127).
    mode : str
        A key of :data:`SCALE_INTERVALS`: ``major``/``ionian``, ``dorian``,
        ``phrygian``, ``lydian``, ``mixolydian``, ``minor``/``aeolian``,
        ``locrian``, ``harmonic_minor``, ``melodic_minor`` (ascending),
        ``major_pentatonic``, ``minor_pentatonic``, ``blues``, ``chromatic``.

    Returns
    -------
    list of int
        Ascending MIDI numbers, first = tonic, last = tonic + 12.

    Raises
    ------
    ValueError
        If ``tonic`` is not a valid note, ``mode`` is unknown, or the scale
        leaves MIDI 0-127.

    Examples
    --------
    >>> scale("C4", "major")
    [60, 62, 64, 65, 67, 69, 71, 72]
    >>> scale(62, "dorian")
    [62, 64, 65, 67, 69, 71, 72, 74]
    """
    root = _midi_from("tonic", tonic)
    mode = check_choice("mode", mode, tuple(SCALE_INTERVALS))
    if root + 12 > 127:
        raise ValueError(f"tonic={tonic!r} is too high: its scale would pass MIDI 127 (use a tonic <= 115)")
    return [root + step for step in SCALE_INTERVALS[mode]]


#: Semitones above the root of each chord quality.
CHORD_QUALITIES = {
    "maj": (0, 4, 7),
    "min": (0, 3, 7),
    "dim": (0, 3, 6),
    "aug": (0, 4, 8),
    "sus2": (0, 2, 7),
    "sus4": (0, 5, 7),
    "7": (0, 4, 7, 10),
    "maj7": (0, 4, 7, 11),
    "min7": (0, 3, 7, 10),
    "dim7": (0, 3, 6, 9),
    "hdim7": (0, 3, 6, 10),
    "minmaj7": (0, 3, 7, 11),
    "aug7": (0, 4, 8, 10),
    "6": (0, 4, 7, 9),
    "min6": (0, 3, 7, 9),
    "9": (0, 4, 7, 10, 14),
    "maj9": (0, 4, 7, 11, 14),
    "min9": (0, 3, 7, 10, 14),
}

#: Readable names of the chord qualities.
CHORD_QUALITY_NAMES = {
    "maj": "major triad",
    "min": "minor triad",
    "dim": "diminished triad",
    "aug": "augmented triad",
    "sus2": "suspended second",
    "sus4": "suspended fourth",
    "7": "dominant seventh",
    "maj7": "major seventh",
    "min7": "minor seventh",
    "dim7": "diminished seventh",
    "hdim7": "half-diminished seventh",
    "minmaj7": "minor-major seventh",
    "aug7": "augmented seventh",
    "6": "major sixth",
    "min6": "minor sixth",
    "9": "dominant ninth",
    "maj9": "major ninth",
    "min9": "minor ninth",
}


def chord(root, quality: str = "maj", inversion: int = 0) -> list:
    """Return the MIDI numbers of a chord, ascending.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    root : str or int
        Root note, a name like ``"C4"`` or a MIDI integer in [0, 127].
    quality : str
        A key of :data:`CHORD_QUALITIES`: ``maj``, ``min``, ``dim``, ``aug``,
        ``sus2``, ``sus4``, ``7``, ``maj7``, ``min7``, ``dim7``, ``hdim7``,
        ``minmaj7``, ``aug7``, ``6``, ``min6``, ``9``, ``maj9``, ``min9``.
    inversion : int
        0 (root position) up to the number of notes - 1. Inversion ``k``
        puts the chord's ``k``-th tone in the bass and moves the tones below
        it up by whole octaves until they lie above it (1st inversion of C
        major: E G C).

    Returns
    -------
    list of int
        Ascending MIDI numbers.

    Raises
    ------
    ValueError
        If ``root`` is not a valid note, ``quality`` is unknown,
        ``inversion`` is out of range, or a note leaves MIDI 0-127.

    Examples
    --------
    >>> chord("C4", "maj"), chord("C4", "maj", inversion=1), chord(67, "7")
    ([60, 64, 67], [64, 67, 72], [67, 71, 74, 77])
    """
    base = _midi_from("root", root)
    quality = check_choice("quality", quality, tuple(CHORD_QUALITIES))
    steps = CHORD_QUALITIES[quality]
    inversion = check_in_range("inversion", inversion, 0, len(steps) - 1, integer=True)
    bass = base + steps[inversion]
    # Tones below the new bass move up by the fewest whole octaves that put
    # them above it: one, except two for the root when the ninth is the bass.
    notes = sorted(
        base + s + 12 * ((bass - base - s) // 12 + 1) if i < inversion else base + s for i, s in enumerate(steps)
    )
    if notes[-1] > 127:
        raise ValueError(f"root={root!r} is too high for a {quality!r} chord: it would pass MIDI 127")
    return notes


# ---------------------------------------------------------------------------
# Keys (chapter 02)
# ---------------------------------------------------------------------------

#: Krumhansl & Kessler (1982) probe-tone ratings for a major key, C major,
#: index = pitch class. Listeners rated how well each pitch class "fits" after
#: a key-establishing context; rotate by k to get the profile of tonic k.
KRUMHANSL_KESSLER_MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
#: Krumhansl & Kessler (1982) probe-tone ratings for a minor key, C minor.
KRUMHANSL_KESSLER_MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])
KRUMHANSL_KESSLER_MAJOR.setflags(write=False)
KRUMHANSL_KESSLER_MINOR.setflags(write=False)

#: Conventional spelling of each key's tonic, index = pitch class.
KEY_TONIC_NAMES = {
    "major": ("C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"),
    "minor": ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B"),
}


def pitch_class_histogram(midi_pitches, weights=None) -> np.ndarray:
    """Return the normalised pitch-class histogram of some MIDI pitches.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    midi_pitches : array_like of int [shape=(n,)]
        MIDI numbers in [0, 127].
    weights : array_like [shape=(n,)], optional
        Non-negative weight of each pitch, e.g. its duration in beats or
        seconds (Krumhansl's key finding weights notes by duration). Default:
        every note counts once.

    Returns
    -------
    np.ndarray [shape=(12,)]
        Share of each pitch class (C = 0 ... B = 11); sums to 1.

    Raises
    ------
    ValueError
        If ``midi_pitches`` is empty or holds non-integers or values outside
        0-127, if ``weights`` has the wrong shape or negative values, or if
        all weights are zero or their sum overflows.

    Examples
    --------
    >>> pitch_class_histogram([60, 64, 67, 72]).round(2)[[0, 4, 7]]
    array([0.5 , 0.25, 0.25])
    """
    pitches = check_finite_array("midi_pitches", midi_pitches)
    if pitches.ndim != 1:
        raise ValueError(f"midi_pitches must be one-dimensional, got shape {pitches.shape}")
    if np.any(pitches != np.round(pitches)) or np.any((pitches < 0) | (pitches > 127)):
        raise ValueError("midi_pitches must be integers in [0, 127]")
    if weights is None:
        w = np.ones(pitches.shape, dtype=np.float64)
    else:
        w = check_finite_array("weights", weights).astype(np.float64)
        if w.shape != pitches.shape:
            raise ValueError(f"weights must have the shape of midi_pitches {pitches.shape}, got {w.shape}")
        if np.any(w < 0):
            raise ValueError("weights must be >= 0")
    hist = np.bincount(pitches.astype(np.int64) % 12, weights=w, minlength=12)
    with np.errstate(over="ignore"):
        total = hist.sum()
    if total <= 0:
        raise ValueError("weights must not all be zero")
    if not np.isfinite(total):
        raise ValueError("weights are too large: their sum overflows float64")
    return hist / total


def _check_histogram(histogram) -> np.ndarray:
    hist = check_finite_array("pitch_class_histogram", histogram).astype(np.float64)
    if hist.shape != (12,):
        raise ValueError(f"pitch_class_histogram must have shape (12,), got {hist.shape}")
    if np.any(hist < 0) or np.all(hist == hist[0]):
        raise ValueError(
            "pitch_class_histogram must be non-negative and not constant "
            "(a flat histogram correlates equally with every key)"
        )
    # Pearson correlation ignores scale: dividing by the maximum keeps huge or
    # tiny (subnormal) weights from overflowing or underflowing inside corrcoef.
    return hist / hist.max()


def key_correlations(pitch_class_histogram) -> np.ndarray:
    """Return the Pearson correlation of a histogram with all 24 key profiles.

    The Krumhansl-Schmuckler key-finding algorithm: rotate the
    Krumhansl-Kessler major and minor profiles to each of the 12 tonics and
    correlate each with the piece's pitch-class histogram.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    pitch_class_histogram : array_like [shape=(12,)]
        Non-negative weight of each pitch class (C = 0); need not sum to 1,
        must not be constant.

    Returns
    -------
    np.ndarray [shape=(2, 12)]
        Row 0: major keys, row 1: minor keys; column = tonic pitch class.
        Values in [-1, 1].

    Raises
    ------
    ValueError
        If the histogram does not have 12 non-negative finite values or is
        constant.

    Examples
    --------
    >>> r = key_correlations(pitch_class_histogram([60, 62, 64, 65, 67, 69, 71, 72]))
    >>> r.shape, int(r[0].argmax())
    ((2, 12), 0)
    """
    hist = _check_histogram(pitch_class_histogram)
    out = np.empty((2, 12))
    for row, profile in enumerate((KRUMHANSL_KESSLER_MAJOR, KRUMHANSL_KESSLER_MINOR)):
        for tonic in range(12):
            # np.roll(profile, k)[pc] = profile[pc - k]: the profile of tonic k.
            out[row, tonic] = np.corrcoef(hist, np.roll(profile, tonic))[0, 1]
    return out


def estimate_key(pitch_class_histogram) -> tuple:
    """Estimate the key of a piece from its pitch-class histogram.

    Picks the best of the 24 :func:`key_correlations` (Krumhansl-Schmuckler).
    Relative keys (C major / A minor) share their notes, so the estimate
    rests on which notes are emphasised: a histogram of just the scale
    notes, equally weighted, cannot tell them apart.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    pitch_class_histogram : array_like [shape=(12,)]
        Non-negative weight of each pitch class (C = 0), not constant; e.g.
        from :func:`pitch_class_histogram`.

    Returns
    -------
    tuple (str, str)
        ``(tonic, mode)``: the tonic spelled as in :data:`KEY_TONIC_NAMES`
        and ``"major"`` or ``"minor"``.

    Raises
    ------
    ValueError
        As :func:`key_correlations`.

    Examples
    --------
    >>> estimate_key(pitch_class_histogram(scale("G3", "major")))
    ('G', 'major')
    >>> estimate_key(pitch_class_histogram(scale("A3", "harmonic_minor")))
    ('A', 'minor')
    """
    corr = key_correlations(pitch_class_histogram)
    row, tonic = np.unravel_index(int(np.argmax(corr)), corr.shape)
    mode = ("major", "minor")[row]
    return KEY_TONIC_NAMES[mode][tonic], mode


# ---------------------------------------------------------------------------
# Rhythm (chapter 02)
# ---------------------------------------------------------------------------

#: Note values in beats, where one beat is a quarter note. A dot adds half
#: the value; a triplet fits three notes in the time of two.
DURATIONS = {
    "whole": 4.0,
    "dotted_half": 3.0,
    "half": 2.0,
    "dotted_quarter": 1.5,
    "quarter": 1.0,
    "dotted_eighth": 0.75,
    "triplet_quarter": 2.0 / 3.0,
    "eighth": 0.5,
    "triplet_eighth": 1.0 / 3.0,
    "sixteenth": 0.25,
    "thirty_second": 0.125,
}


def beats_to_seconds(beats, tempo_bpm: float):
    """Convert a duration in beats to seconds: ``beats * 60 / tempo_bpm``.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    beats : float or array_like
        Duration(s) or onset time(s) in beats, finite and >= 0.
    tempo_bpm : float
        Tempo in beats per minute, > 0.

    Returns
    -------
    float or np.ndarray
        Seconds; float for scalar input.

    Raises
    ------
    ValueError
        If ``beats`` is negative, not finite or not real, ``tempo_bpm`` is
        not > 0, or the result overflows.

    Examples
    --------
    >>> beats_to_seconds(4, 120)
    2.0
    """
    tempo_bpm = check_positive("tempo_bpm", tempo_bpm)
    arr, scalar = _as_float_or_array("beats", beats)
    if np.any(arr < 0):
        raise ValueError("beats must be >= 0")
    with np.errstate(over="ignore"):
        seconds = arr * 60.0 / tempo_bpm
    return _finite_result("beats", seconds, scalar)


def seconds_to_beats(seconds, tempo_bpm: float):
    """Convert seconds to beats: ``seconds * tempo_bpm / 60``.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    seconds : float or array_like
        Time(s) in seconds, finite and >= 0.
    tempo_bpm : float
        Tempo in beats per minute, > 0.

    Returns
    -------
    float or np.ndarray
        Beats; float for scalar input.

    Raises
    ------
    ValueError
        If ``seconds`` is negative, not finite or not real, ``tempo_bpm`` is
        not > 0, or the result overflows.

    Examples
    --------
    >>> seconds_to_beats(1.5, 120)
    3.0
    """
    tempo_bpm = check_positive("tempo_bpm", tempo_bpm)
    arr, scalar = _as_float_or_array("seconds", seconds)
    if np.any(arr < 0):
        raise ValueError("seconds must be >= 0")
    with np.errstate(over="ignore"):
        beats = arr * tempo_bpm / 60.0
    return _finite_result("seconds", beats, scalar)


def note_duration_seconds(note_value: str, tempo_bpm: float) -> float:
    """Return the length in seconds of a named note value at a tempo.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    note_value : str
        A key of :data:`DURATIONS`, e.g. ``"quarter"`` or ``"dotted_eighth"``.
    tempo_bpm : float
        Tempo in quarter-note beats per minute, > 0.

    Returns
    -------
    float
        Seconds.

    Raises
    ------
    ValueError
        If ``note_value`` is unknown or ``tempo_bpm`` is not > 0.

    Examples
    --------
    >>> note_duration_seconds("quarter", 60), note_duration_seconds("dotted_half", 120)
    (1.0, 1.5)
    """
    note_value = check_choice("note_value", note_value, tuple(DURATIONS))
    return beats_to_seconds(DURATIONS[note_value], tempo_bpm)


def sequence_to_notes(pitches, beats, tempo_bpm: float, *, velocity: int = 100, start: float = 0.0) -> list:
    """Turn a melody written as pitches and durations into timed notes.

    Notes follow each other without gaps; a pitch of ``None`` is a rest. The
    result feeds :func:`musiclib.synth.render_notes`.

    Chapter: 02_scales_chords_keys_rhythm.

    Parameters
    ----------
    pitches : sequence of (int or str or None)
        MIDI numbers or note names, ``None`` for a rest.
    beats : sequence of float or str
        Duration of each note in beats (> 0), or a name from :data:`DURATIONS`.
        Same length as ``pitches``.
    tempo_bpm : float
        Tempo in beats per minute, > 0.
    velocity : int
        MIDI velocity of every note, 0-127.
    start : float
        Time of the first onset in seconds, >= 0.

    Returns
    -------
    list of tuple (pitch, start, end, velocity)
        One tuple per sounding note, times in seconds.

    Raises
    ------
    ValueError
        If ``pitches`` or ``beats`` is not a sequence (a bare string is not),
        the lengths differ, a pitch or duration is invalid, or
        ``tempo_bpm``/``velocity``/``start`` are out of range.

    Examples
    --------
    >>> sequence_to_notes(["C4", None, "E4"], ["quarter", 1, 2], 120)
    [(60, 0.0, 0.5, 100), (64, 1.0, 2.0, 100)]
    """
    tempo_bpm = check_positive("tempo_bpm", tempo_bpm)
    velocity = check_in_range("velocity", velocity, 0, 127, integer=True)
    if not _is_finite_real(start) or start < 0:
        raise ValueError(f"start={start!r} must be a finite number >= 0")
    pitches, beats = _as_list("pitches", pitches), _as_list("beats", beats)
    if len(pitches) != len(beats):
        raise ValueError(f"pitches and beats must have the same length, got {len(pitches)} and {len(beats)}")
    notes, t = [], float(start)
    for pitch, dur in zip(pitches, beats):
        if isinstance(dur, str):
            dur = DURATIONS[check_choice("beats", dur, tuple(DURATIONS))]
        length = beats_to_seconds(check_positive("beats", dur), tempo_bpm)
        if pitch is not None:
            notes.append((_midi_from("pitches", pitch), t, t + length, velocity))
        t += length
        if not math.isfinite(t):
            raise ValueError("beats are too long: the onset times overflow float64")
    return notes


def _as_list(name: str, values) -> list:
    """A sequence parameter as a list; a bare string or a non-iterable is refused."""
    if isinstance(values, (str, bytes)) or (isinstance(values, np.ndarray) and values.ndim == 0):
        raise ValueError(f"{name}={values!r} must be a sequence (list, tuple or 1-D array), not a single value")
    try:
        return list(values)
    except TypeError:
        raise ValueError(f"{name}={values!r} must be a sequence (list, tuple or 1-D array)") from None

