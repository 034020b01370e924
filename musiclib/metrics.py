"""Objective measures of generated music: per-roll statistics, voice leading, and set-against-set comparisons.

Chapters: 09_training_a_music_gan (the training monitor), 10_evaluating_generated_music (everything else),
11_audio_gan_on_features (Fréchet distance, NDB).

Per-roll functions take piano rolls and return one number per roll, so a set of samples gives a distribution, not
just a mean; set-level functions (:func:`compare_feature`, :func:`frechet_distance`,
:func:`statistically_different_bins`, :func:`nearest_training_overlap`) compare two such sets. The chapter-09
statistics take valid four-voice rolls ``(..., time_steps, n_pitches, 4)`` (see :mod:`musiclib.voices`);
:func:`music_statistics` averages the four figures the chapter-09 monitor prints next to real chorales:

==================== ======================================================= ===================
statistic            what                                                    real chorales [#]_
==================== ======================================================= ===================
voices_sounding      voices with a note, averaged over steps                 about 3.95
pitch_classes_per_bar distinct pitch classes in a bar, averaged over bars    about 7
in_scale_rate        share of notes inside the best-fitting diatonic scale   about 0.93
sixteenth_share      share of notes one step (a sixteenth) long              about 0.03
==================== ======================================================= ===================

.. [#] Four-bar 4/4 windows of the music21 chorales with a one-bar hop, keys normalised; chapter 09 measures them.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_bool, check_choice, check_finite_array, check_in_range, check_positive_int, check_seed
from .data import PITCH_OFFSET, VOICES
from .theory import CHORD_QUALITIES

__all__ = [
    "DIATONIC_SCALE",
    "note_runs",
    "note_lengths",
    "melodic_leap_rates",
    "voices_sounding",
    "pitch_classes_per_bar",
    "in_scale_rate",
    "sixteenth_share",
    "music_statistics",
    "pitch_class_histogram",
    "pitch_class_transitions",
    "tonal_distance",
    "sample_features",
    "CHORD_SHAPES",
    "chord_rate",
    "onset_positions",
    "on_beat_rate",
    "homophony_rate",
    "tutti_rest_share",
    "voice_pair_moves",
    "parallel_fifths_octaves",
    "voice_leading",
    "voice_leading_rates",
    "perfect_interval_departures",
    "intra_set_distances",
    "inter_set_distances",
    "kde_on_grid",
    "overlapping_area",
    "kde_kl_divergence",
    "compare_feature",
    "gaussian_frechet_distance",
    "frechet_distance",
    "statistically_different_bins",
    "nearest_training_overlap",
]

#: Pitch classes of the major scale on C; its 12 transpositions are the candidate scales (a natural minor scale
#: uses the pitch classes of its relative major).
DIATONIC_SCALE = (0, 2, 4, 5, 7, 9, 11)


def _voice_rolls(roll):
    arr = check_finite_array("roll", roll, min_ndim=3)
    if arr.shape[-1] != len(VOICES):
        raise ValueError(f"roll has shape {arr.shape}; its last axis must hold the {len(VOICES)} voices S, A, T, B")
    return arr


def _pitch_index(arr):
    """Sounding column per step and voice, -1 for a rest: shape (..., time_steps, 4)."""
    sounding = arr.max(axis=-2) > 0
    return np.where(sounding, arr.argmax(axis=-2), -1)


def note_runs(roll, *, pitch_offset: int = PITCH_OFFSET):
    """Every note of every roll and voice as (roll index, voice, MIDI pitch, start step, length in steps).

    A note is a run of consecutive steps of one pitch in one voice (repeated notes merge, as in
    :func:`musiclib.voices.voice_notes`).

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    roll : array_like [shape=(..., time_steps, n_pitches, 4)]
        Valid four-voice roll(s).
    pitch_offset : int
        MIDI pitch of column 0.

    Returns
    -------
    np.ndarray [shape=(n_notes, 5), dtype=int64]
        Columns: flat roll index (over the leading axes), voice index (0 = S), MIDI pitch, start step, length.

    Examples
    --------
    >>> roll = np.zeros((8, 64, 4), "float32"); roll[:3, 44, 0] = 1; roll[3:, 46, 0] = 1
    >>> note_runs(roll).tolist()
    [[0, 0, 72, 0, 3], [0, 0, 74, 3, 5]]
    """
    arr = _voice_rolls(roll)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    index = _pitch_index(arr)
    n_steps = index.shape[-2]
    seqs = np.moveaxis(index.reshape(-1, n_steps, len(VOICES)), 2, 1)  # (n_rolls, 4, time_steps)
    # A run starts where the pitch differs from the previous step; padding with -2 makes step 0 a start.
    padded = np.concatenate([np.full(seqs.shape[:2] + (1,), -2), seqs, np.full(seqs.shape[:2] + (1,), -2)], axis=2)
    change = padded[:, :, 1:] != padded[:, :, :-1]  # (n, 4, time_steps + 1)
    rows = []
    for r, v in np.ndindex(seqs.shape[:2]):
        bounds = np.flatnonzero(change[r, v])
        starts, ends = bounds[:-1], bounds[1:]
        pitches = seqs[r, v, starts]
        keep = pitches >= 0
        if keep.any():
            k = int(keep.sum())
            rows.append(np.stack([np.full(k, r), np.full(k, v), pitches[keep] + pitch_offset, starts[keep],
                                  (ends - starts)[keep]], axis=1))
    return np.concatenate(rows).astype(np.int64) if rows else np.zeros((0, 5), dtype=np.int64)


def _per_roll(arr, runs, values, empty=np.nan):
    """Average ``values`` (one per note) over the notes of each roll; ``empty`` where a roll has none."""
    n_rolls = int(np.prod(arr.shape[:-3], dtype=np.int64))
    total = np.bincount(runs[:, 0], weights=values, minlength=n_rolls)
    count = np.bincount(runs[:, 0], minlength=n_rolls)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(count > 0, total / np.maximum(count, 1), empty)
    return out.reshape(arr.shape[:-3])


def note_lengths(roll, *, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Lengths in steps of all notes of all voices of the roll(s), pooled (see :func:`note_runs`).

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> roll = np.zeros((8, 64, 4), "float32"); roll[:, 44, 0] = 1; roll[:2, 30, 3] = 1
    >>> note_lengths(roll).tolist()
    [8, 2]
    """
    return note_runs(roll, pitch_offset=pitch_offset)[:, 4]


def melodic_leap_rates(rolls, *, above: int = 7, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Per voice, the share of its melodic moves that leap more than ``above`` semitones (default: beyond a fifth).

    A move is one note to the next in a voice when the second starts as the first ends (a rest between them breaks
    the line); notes as in :func:`note_runs`. Bach's chorales leap beyond a fifth in about 1 % of the upper voices'
    moves and 6 % of the bass's (chapter 10).

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(..., time_steps, n_pitches, 4)]
        Valid four-voice roll(s), pooled.
    above : int
        Moves of more than this many semitones count, in [0, 127].
    pitch_offset : int
        MIDI pitch of column 0.

    Returns
    -------
    np.ndarray [shape=(4,)]
        Soprano, alto, tenor, bass; NaN for a voice without moves.

    Examples
    --------
    >>> roll = np.zeros((16, 64, 4), "float32")
    >>> for step, column in enumerate([44, 46, 56, 55]):  # C5 D5 C6 B5 (column 0 is E1)
    ...     roll[4 * step: 4 * step + 4, column, 0] = 1
    >>> float(melodic_leap_rates(roll)[0])  # one of three moves (D5 to C6, a minor seventh) leaps beyond a fifth
    0.3333333333333333
    """
    above = check_in_range("above", above, 0, 127, integer=True)
    runs = note_runs(rolls, pitch_offset=pitch_offset)
    # Consecutive rows of one roll and voice are consecutive notes (note_runs orders them by start).
    same_line = (runs[1:, 0] == runs[:-1, 0]) & (runs[1:, 1] == runs[:-1, 1])
    adjacent = same_line & (runs[1:, 3] == runs[:-1, 3] + runs[:-1, 4])
    leaps = np.abs(runs[1:, 2] - runs[:-1, 2]) > above
    voice = runs[1:, 1]
    moves = np.bincount(voice[adjacent], minlength=4).astype(float)
    count = np.bincount(voice[adjacent & leaps], minlength=4).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(moves > 0, count / np.maximum(moves, 1), np.nan)


def voices_sounding(roll) -> np.ndarray:
    """Mean number of voices holding a note per step, one value per roll (0..4).

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> roll = np.zeros((4, 64, 4), "float32"); roll[:, 40, :3] = 1; roll[:2, 20, 3] = 1
    >>> float(voices_sounding(roll))
    3.5
    """
    arr = _voice_rolls(roll)
    return (arr.max(axis=-2) > 0).sum(axis=-1).mean(axis=-1)


def pitch_classes_per_bar(roll, *, steps_per_bar: int = 16, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Distinct pitch classes sounding in each bar, averaged over the bars, one value per roll (0..12).

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    roll : array_like [shape=(..., time_steps, n_pitches, 4)]
        ``time_steps`` must be a multiple of ``steps_per_bar``.
    steps_per_bar : int
        16 for 4/4 on a sixteenth-note grid.
    pitch_offset : int
        MIDI pitch of column 0.

    Examples
    --------
    >>> roll = np.zeros((32, 64, 4), "float32")
    >>> roll[:16, 60 - 28, 0] = roll[:16, 64 - 28, 1] = 1   # bar 1: C and E
    >>> roll[16:, 72 - 28, 0] = 1                          # bar 2: C (an octave higher: same class)
    >>> float(pitch_classes_per_bar(roll))
    1.5
    """
    arr = _voice_rolls(roll)
    n_steps, n_pitches = arr.shape[-3], arr.shape[-2]
    steps_per_bar = check_in_range("steps_per_bar", steps_per_bar, 1, max(n_steps, 1), integer=True)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    if n_steps % steps_per_bar:
        raise ValueError(f"roll has {n_steps} time steps, not a multiple of steps_per_bar={steps_per_bar}")
    return _pitch_classes_per_bar_merged(arr.max(axis=-1), steps_per_bar, pitch_offset)


def _pitch_classes_per_bar_merged(merged, steps_per_bar, pitch_offset):
    n_steps, n_pitches = merged.shape[-2], merged.shape[-1]
    bars = merged.reshape(merged.shape[:-2] + (n_steps // steps_per_bar, steps_per_bar, n_pitches)).max(axis=-2)
    classes = np.zeros(bars.shape[:-1] + (12,))
    for p in range(n_pitches):
        classes[..., (pitch_offset + p) % 12] += bars[..., p]
    return (classes > 0).sum(axis=-1).mean(axis=-1)


def in_scale_rate(roll, *, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Share of a roll's notes that lie in its best-fitting diatonic scale, one value per roll (NaN if no notes).

    The best-fitting scale is the transposition of :data:`DIATONIC_SCALE` holding the most notes (so a piece
    in A minor scores against the C major collection; its raised leading tone G# counts as outside). Counts
    notes, not steps: a long note counts once. This is "scale consistency" in the C-RNN-GAN and MuseGAN papers.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> roll = np.zeros((8, 64, 4), "float32")
    >>> for step, pitch in enumerate([60, 62, 64, 65, 67, 69, 71, 73]):   # C major scale, then C#
    ...     roll[step, pitch - 28, 0] = 1
    >>> float(in_scale_rate(roll))
    0.875
    """
    arr = _voice_rolls(roll)
    runs = note_runs(arr, pitch_offset=pitch_offset)
    n_rolls = int(np.prod(arr.shape[:-3], dtype=np.int64))
    counts = np.zeros((n_rolls, 12))
    np.add.at(counts, (runs[:, 0], runs[:, 2] % 12), 1)
    scale = np.zeros(12)
    scale[list(DIATONIC_SCALE)] = 1
    in_each = np.stack([counts @ np.roll(scale, tonic) for tonic in range(12)], axis=1)
    total = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(total > 0, in_each.max(axis=1) / np.maximum(total, 1), np.nan)
    return rate.reshape(arr.shape[:-3])


def sixteenth_share(roll, *, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Share of a roll's notes that last exactly one step (a sixteenth note on the default grid); NaN if none.

    Many one-step notes are the fingerprint of fragmented output (a voice flickering between pitches).

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> roll = np.zeros((8, 64, 4), "float32"); roll[0, 44, 0] = 1; roll[1:, 46, 0] = 1
    >>> float(sixteenth_share(roll))
    0.5
    """
    arr = _voice_rolls(roll)
    runs = note_runs(arr, pitch_offset=pitch_offset)
    return _per_roll(arr, runs, (runs[:, 4] == 1).astype(float))


def music_statistics(rolls, *, steps_per_bar: int = 16, pitch_offset: int = PITCH_OFFSET) -> dict:
    """The four monitor statistics of a set of four-voice rolls, each averaged over the rolls.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
    steps_per_bar, pitch_offset : int
        As in :func:`pitch_classes_per_bar`.

    Returns
    -------
    dict
        ``voices_sounding``, ``pitch_classes_per_bar``, ``in_scale_rate``, ``sixteenth_share`` (floats; the
        last two average over rolls that have notes, NaN when none has).

    Examples
    --------
    >>> rolls = np.zeros((2, 16, 64, 4), "float32"); rolls[:, :, 44, 0] = 1
    >>> music_statistics(rolls)["voices_sounding"]
    1.0
    """
    arr = _voice_rolls(rolls)
    if arr.ndim != 4:
        raise ValueError(f"rolls has shape {arr.shape}; a set of rolls (n, time_steps, n_pitches, 4) expected")

    def mean(values):
        values = values[np.isfinite(values)]
        return float(values.mean()) if values.size else float("nan")

    return {
        "voices_sounding": mean(voices_sounding(arr)),
        "pitch_classes_per_bar": mean(pitch_classes_per_bar(arr, steps_per_bar=steps_per_bar, pitch_offset=pitch_offset)),
        "in_scale_rate": mean(in_scale_rate(arr, pitch_offset=pitch_offset)),
        "sixteenth_share": mean(sixteenth_share(arr, pitch_offset=pitch_offset)),
    }


# ---------------------------------------------------------------------------------------------------------------
# Chapter 10: per-sample features, voice leading, set-level comparison, novelty
# ---------------------------------------------------------------------------------------------------------------

#: Steps of a beat (a quarter note) and of a bar (4/4) on the course's sixteenth-note grid.
STEPS_PER_BEAT = 4
STEPS_PER_BAR = 16

#: Pitch classes of the harmonic minor scale on A (the chorales' minor mode raises the leading tone).
HARMONIC_MINOR_SCALE = (9, 11, 0, 2, 4, 5, 8)

#: Voice pairs (upper, lower) by index into ``VOICES``: SA, ST, SB, AT, AB, TB.
VOICE_PAIRS = tuple((i, j) for i in range(4) for j in range(i + 1, 4))


def _rolls(name, rolls, voices):
    """A set of binary rolls ``(n, T, P)`` (merged) or ``(n, T, P, 4)`` (four monophonic voices) as float32."""
    voices = check_choice("voices", voices, ("separate", "merged"))
    want = 4 if voices == "separate" else 3
    arr = check_finite_array(name, rolls, min_ndim=want)
    if arr.ndim != want or (voices == "separate" and arr.shape[-1] != len(VOICES)):
        shape = "(n, time_steps, n_pitches, 4)" if voices == "separate" else "(n, time_steps, n_pitches)"
        raise ValueError(f"{name} has shape {arr.shape}; voices={voices!r} expects a set of rolls {shape}")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is an empty set (shape {arr.shape}); at least one roll is needed")
    if not np.isin(arr, (0, 1)).all():
        raise ValueError(f"{name} must be binary (0/1): decode probabilities first (musiclib.voices.decode_voices)")
    if voices == "separate" and (arr.sum(axis=-2) > 1).any():
        raise ValueError(f"{name} has a voice holding two pitches at once; each of S, A, T, B must be monophonic")
    return arr.astype(np.float32, copy=False)


def _notes(arr, voices, pitch_offset):
    """Note table (roll, voice, pitch, start, length); merged rolls give one run per sounding pitch, voice 0."""
    if voices == "separate":
        return note_runs(arr, pitch_offset=pitch_offset)
    n, n_steps, n_pitches = arr.shape
    on = np.concatenate([np.zeros((n, 1, n_pitches)), arr, np.zeros((n, 1, n_pitches))], axis=1)
    diff = np.diff(on, axis=1)  # +1 at onsets, -1 one past the end
    r_on, t_on, p_on = np.nonzero(diff > 0)
    r_off, t_off, p_off = np.nonzero(diff < 0)
    order_on = np.lexsort((t_on, p_on, r_on))
    order_off = np.lexsort((t_off, p_off, r_off))
    r, t, p = r_on[order_on], t_on[order_on], p_on[order_on]
    length = t_off[order_off] - t
    table = np.stack([r, np.zeros_like(r), p + pitch_offset, t, length], axis=1).astype(np.int64)
    return table[np.lexsort((table[:, 2], table[:, 3], table[:, 0]))]


def _sounding(arr, voices):
    """Merged binary roll (n, T, P)."""
    return arr.max(axis=-1) if voices == "separate" else arr


def pitch_class_histogram(rolls, *, voices: str = "separate", pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Share of sounding steps on each pitch class (C = 0), one 12-bin histogram per roll (zeros if silent).

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4) or (n, time_steps, n_pitches)]
        Binary rolls; four monophonic voices (``voices="separate"``) or one polyphonic roll (``"merged"``).
    voices : {"separate", "merged"}
    pitch_offset : int
        MIDI pitch of column 0.

    Returns
    -------
    np.ndarray [shape=(n, 12)]
        Rows sum to 1 (or 0 for a silent roll). Counts voice-steps: a note held for 4 steps weighs 4.

    Examples
    --------
    >>> roll = np.zeros((1, 4, 64), "float32"); roll[0, :, 60 - 28] = 1; roll[0, :2, 67 - 28] = 1
    >>> pitch_class_histogram(roll, voices="merged")[0, [0, 7]].round(3).tolist()
    [0.667, 0.333]
    """
    arr = _rolls("rolls", rolls, voices)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    per_pitch = arr.sum(axis=(1, -1)) if voices == "separate" else arr.sum(axis=1)  # (n, P)
    hist = np.zeros((arr.shape[0], 12))
    for p in range(per_pitch.shape[1]):
        hist[:, (pitch_offset + p) % 12] += per_pitch[:, p]
    total = hist.sum(axis=1, keepdims=True)
    return np.divide(hist, total, out=np.zeros_like(hist), where=total > 0)


def pitch_class_transitions(rolls, *, voices: str = "separate", pitch_offset: int = PITCH_OFFSET,
                            normalize: bool = True) -> np.ndarray:
    """Pitch-class transition matrix of a set: entry (i, j) counts a note of class i followed by one of class j.

    Follows Yang & Lerch (2020, "PCTM"): consecutive notes of one voice (``voices="separate"``) or consecutive
    onsets of the merged roll (every pair of a note and a note starting at the next onset). Repeated pitches count
    on the diagonal only when a rest or a new onset separates them (held notes are one note).

    Chapter: 10_evaluating_generated_music

    Returns
    -------
    np.ndarray [shape=(12, 12)]
        Summed over the set; with ``normalize=True`` each row sums to 1 (rows never left stay 0).

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :4, 60 - 28, 0] = 1; roll[0, 4:, 67 - 28, 0] = 1    # C then G in the soprano
    >>> m = pitch_class_transitions(roll); float(m[0, 7])
    1.0
    """
    arr = _rolls("rolls", rolls, voices)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    normalize = check_bool("normalize", normalize)
    notes = _notes(arr, voices, pitch_offset)
    counts = np.zeros((12, 12))
    if voices == "separate":
        same = (notes[1:, 0] == notes[:-1, 0]) & (notes[1:, 1] == notes[:-1, 1])
        np.add.at(counts, (notes[:-1][same, 2] % 12, notes[1:][same, 2] % 12), 1)
    else:
        for r in np.unique(notes[:, 0]):
            mine = notes[notes[:, 0] == r]
            onsets = np.unique(mine[:, 3])
            for a, b in zip(onsets[:-1], onsets[1:]):
                pa, pb = mine[mine[:, 3] == a, 2] % 12, mine[mine[:, 3] == b, 2] % 12
                np.add.at(counts, (np.repeat(pa, len(pb)), np.tile(pb, len(pa))), 1)
    if normalize:
        rows = counts.sum(axis=1, keepdims=True)
        counts = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
    return counts


def _best_scale_share(notes, n_rolls, scales):
    counts = np.zeros((n_rolls, 12))
    np.add.at(counts, (notes[:, 0], notes[:, 2] % 12), 1)
    masks = []
    for pcs in scales:
        mask = np.zeros(12)
        mask[list(pcs)] = 1
        masks += [np.roll(mask, tonic) for tonic in range(12)]
    inside = counts @ np.stack(masks, axis=1)
    total = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, inside.max(axis=1) / np.maximum(total, 1), np.nan)


def _tonal_centroid(chroma):
    """Harte et al. (2006) 6-D tonal centroid of chroma vectors (..., 12); NaN for an empty vector."""
    l = np.arange(12)
    phi = np.stack([np.sin(l * 7 * np.pi / 6), np.cos(l * 7 * np.pi / 6),
                    np.sin(l * 3 * np.pi / 2), np.cos(l * 3 * np.pi / 2),
                    0.5 * np.sin(l * 2 * np.pi / 3), 0.5 * np.cos(l * 2 * np.pi / 3)], axis=1)  # (12, 6)
    norm = chroma.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (chroma @ phi) / np.where(norm > 0, norm, np.nan)


def tonal_distance(rolls, *, pitch_offset: int = PITCH_OFFSET, steps_per_bar: int = STEPS_PER_BAR) -> np.ndarray:
    """Harmonic distance between voices (MuseGAN's "TD"), one value per four-voice roll.

    Each voice's chroma in each bar becomes a 6-D tonal centroid (Harte, Sandler & Gasser 2006: circles of fifths,
    minor and major thirds); TD is the Euclidean distance between two voices' centroids, averaged over the bars
    where both sound and over the six voice pairs. Voices in one key and chord are close (small TD).

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> roll = np.zeros((1, 16, 64, 4), "float32")
    >>> for v, p in enumerate([72, 67, 64, 48]):   # a C major chord: every pair in one bar
    ...     roll[0, :, p - 28, v] = 1
    >>> round(float(tonal_distance(roll)[0]), 3)   # mean of six pair distances; S and B (both C) are 0 apart
    1.558
    """
    arr = _rolls("rolls", rolls, "separate")
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n, n_steps, n_pitches, _ = arr.shape
    steps_per_bar = check_in_range("steps_per_bar", steps_per_bar, 1, n_steps, integer=True)
    if n_steps % steps_per_bar:
        raise ValueError(f"rolls have {n_steps} time steps, not a multiple of steps_per_bar={steps_per_bar}")
    per_bar = arr.reshape(n, n_steps // steps_per_bar, steps_per_bar, n_pitches, 4).sum(axis=2)  # (n, bars, P, 4)
    chroma = np.zeros((n, per_bar.shape[1], 12, 4))
    for p in range(n_pitches):
        chroma[:, :, (pitch_offset + p) % 12] += per_bar[:, :, p]
    centroid = _tonal_centroid(np.moveaxis(chroma, 3, 2))  # (n, bars, 4, 6)
    dists = np.stack([np.linalg.norm(centroid[:, :, i] - centroid[:, :, j], axis=-1) for i, j in VOICE_PAIRS], axis=-1)
    with np.errstate(invalid="ignore"):
        valid = np.isfinite(dists)
        return np.where(valid.any(axis=(1, 2)), np.nansum(dists, axis=(1, 2)) / np.maximum(valid.sum(axis=(1, 2)), 1), np.nan)


def sample_features(rolls, *, voices: str = "separate", pitch_offset: int = PITCH_OFFSET) -> dict:
    """Per-sample features of a set of rolls, each an array with one value per roll (NaN where undefined).

    The features of Yang & Lerch (2020) and MuseGAN (Dong et al. 2018) that apply to our rolls:

    ===================== ==================================================================================
    ``pitch_classes_used`` distinct pitch classes per bar, averaged over bars ("UPC"; 0..12)
    ``pitches_used``       distinct MIDI pitches in the roll ("PC")
    ``pitch_range``        highest minus lowest pitch, semitones ("PR")
    ``polyphony``          pitches sounding per step, over steps where any sounds
    ``empty_beat_rate``    share of beats (4 steps) with no note sounding ("EB")
    ``qualified_note_rate`` share of notes at least 3 steps long ("QN")
    ``scale_consistency``  share of notes in the best-fitting major or harmonic minor scale (24 candidates)
    ``mean_ioi``           mean steps between consecutive onsets ("IOI")
    ``mean_interval``      mean absolute step between consecutive notes of one voice, semitones (four voices only)
    ``tonal_distance``     :func:`tonal_distance` (four voices only)
    ===================== ==================================================================================

    Four-voice rolls add the chapter-09 statistics :func:`voices_sounding` and :func:`sixteenth_share`.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4) or (n, time_steps, n_pitches)]
        Binary rolls (time steps a multiple of 16: 4/4 bars of sixteenths).
    voices : {"separate", "merged"}
    pitch_offset : int
        MIDI pitch of column 0.

    Examples
    --------
    >>> roll = np.zeros((1, 16, 64, 4), "float32")
    >>> for step, pitch in enumerate([60, 62, 64, 65, 67, 69, 71, 72]):   # a C major scale in eighths
    ...     roll[0, 2 * step:2 * step + 2, pitch - 28, 0] = 1
    >>> f = sample_features(roll)
    >>> float(f["scale_consistency"][0]), float(f["pitch_range"][0]), float(f["empty_beat_rate"][0])
    (1.0, 12.0, 0.0)
    """
    arr = _rolls("rolls", rolls, voices)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n, n_steps = arr.shape[0], arr.shape[1]
    if n_steps % STEPS_PER_BAR:
        raise ValueError(f"rolls have {n_steps} time steps; a multiple of {STEPS_PER_BAR} (4/4 bars) is expected")
    notes = _notes(arr, voices, pitch_offset)
    merged = _sounding(arr, voices)  # (n, T, P)
    sounding_pitches = merged.sum(axis=1) > 0  # (n, P)
    columns = np.arange(merged.shape[2])
    with np.errstate(invalid="ignore"):
        top = np.where(sounding_pitches, columns, -1).max(axis=1)
        low = np.where(sounding_pitches, columns, columns.size).min(axis=1)
    per_step = merged.sum(axis=2)  # (n, T)
    beats = per_step.reshape(n, -1, STEPS_PER_BEAT).sum(axis=2)
    count = np.bincount(notes[:, 0], minlength=n)
    qualified = np.bincount(notes[:, 0], weights=notes[:, 4] >= 3, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {
            "pitch_classes_used": _pitch_classes_per_bar_merged(merged, STEPS_PER_BAR, pitch_offset),
            "pitches_used": sounding_pitches.sum(axis=1).astype(float),
            "pitch_range": np.where(top >= 0, top - low, np.nan).astype(float),
            "polyphony": np.where((per_step > 0).any(axis=1), per_step.sum(axis=1) / np.maximum((per_step > 0).sum(axis=1), 1), np.nan),
            "empty_beat_rate": (beats == 0).mean(axis=1),
            "qualified_note_rate": np.where(count > 0, qualified / np.maximum(count, 1), np.nan),
            "scale_consistency": _best_scale_share(notes, n, (DIATONIC_SCALE, HARMONIC_MINOR_SCALE)),
        }
    ioi = np.full(n, np.nan)
    for r in range(n):
        onsets = np.unique(notes[notes[:, 0] == r, 3])
        if onsets.size > 1:
            ioi[r] = np.diff(onsets).mean()
    out["mean_ioi"] = ioi
    if voices == "separate":
        same = (notes[1:, 0] == notes[:-1, 0]) & (notes[1:, 1] == notes[:-1, 1])
        jumps = np.abs(notes[1:, 2] - notes[:-1, 2]).astype(float)
        total = np.bincount(notes[:-1][same, 0], weights=jumps[same], minlength=n)
        moves = np.bincount(notes[:-1][same, 0], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["mean_interval"] = np.where(moves > 0, total / np.maximum(moves, 1), np.nan)
        out["tonal_distance"] = tonal_distance(arr, pitch_offset=pitch_offset)
        out["voices_sounding"] = voices_sounding(arr).astype(float)
        out["sixteenth_share"] = sixteenth_share(arr, pitch_offset=pitch_offset)
    return out


#: Chord shapes of :func:`chord_rate`, as semitones above the root (:data:`musiclib.theory.CHORD_QUALITIES`): the
#: triads and seventh chords of the chorales' harmony. Augmented, suspended and added-tone chords are left out on
#: purpose: Bach rarely writes them on a beat, and a wider list would let more foreign tones pass as chord tones.
CHORD_SHAPES = {quality: CHORD_QUALITIES[quality] for quality in ("maj", "min", "dim", "7", "min7", "hdim7", "dim7", "maj7")}


def _chord_pitch_classes() -> np.ndarray:
    """``(12 * len(CHORD_SHAPES), 12)`` bool: row ``12 k + root`` marks the pitch classes of shape ``k`` on ``root``."""
    chords = np.zeros((12 * len(CHORD_SHAPES), 12), dtype=bool)
    for k, shape in enumerate(CHORD_SHAPES.values()):
        for root in range(12):
            chords[12 * k + root, [(root + s) % 12 for s in shape]] = True
    return chords


_CHORD_PITCH_CLASSES = _chord_pitch_classes()


def _pitch_class_set_tables():
    """Lookups over the 4096 pitch-class sets (bit ``c`` set: pitch class ``c`` sounds): does the set fit one chord
    of :data:`CHORD_SHAPES` (all its classes in one chord), and how many pitch classes it holds."""
    chord_bits = _CHORD_PITCH_CLASSES @ (1 << np.arange(12))
    sets = np.arange(4096)
    return ((sets[:, None] & ~chord_bits) == 0).any(axis=1), ((sets[:, None] >> np.arange(12)) & 1).sum(axis=1)


#: Shared by :func:`chord_rate`, the ``"harmony"`` decoding of :func:`musiclib.voices.decode_voices` and exercise 10.5.
_SET_FITS_A_CHORD, _SET_SIZE = _pitch_class_set_tables()


def _check_whole_units(arr, name, steps):
    """Raise unless a validated roll set's time axis holds whole beats or bars of ``steps`` steps."""
    if arr.shape[1] % steps:
        raise ValueError(f"rolls have {arr.shape[1]} steps, not a multiple of {name}={steps}")


def chord_rate(rolls, *, min_pitch_classes: int = 3, steps_per_beat: int = STEPS_PER_BEAT,
               pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Share of the beats whose sounding pitches all belong to one triad or seventh chord, per four-voice roll.

    On the first step of every beat, the pitch classes of the sounding voices are tested against every chord of
    :data:`CHORD_SHAPES` on each of the 12 roots; the beat counts when one chord contains all of them (so doubled
    notes and a missing chord tone are fine, a non-chord tone on the beat is not). Only beats sounding at least
    ``min_pitch_classes`` different pitch classes are judged: any two pitch classes fit some seventh chord, so a beat
    of two (an open fifth, a doubled third) proves nothing either way. None of the twelve scorecard features asks
    whether the voices form chords; chapter 10 uses this to see what the classifier may be seeing. For scale: four
    voices drawn independently and uniformly from the twelve pitch classes fit on about a quarter of such beats.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls, ``time_steps`` a multiple of ``steps_per_beat``.
    min_pitch_classes : int
        Different pitch classes a beat must sound to be judged, in [1, 4].
    steps_per_beat : int
        Steps per beat, at least 1 (4 for the course's sixteenth-note grid).
    pitch_offset : int
        MIDI pitch of column 0.

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float64]
        Share in [0, 1]; NaN for a roll without a judged beat.

    Raises
    ------
    ValueError
        If the rolls are not a set of binary four-voice rolls, or a parameter is out of range.

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> for v, p in enumerate((72, 67, 64, 48)):   # C major: C5 G4 E4 C3
    ...     roll[0, :4, p - 28, v] = 1
    >>> for v, p in enumerate((74, 67, 64, 48)):   # D5 over G4 E4 C3: D is not in a C chord, nor in any other
    ...     roll[0, 4:, p - 28, v] = 1
    >>> chord_rate(roll).tolist()
    [0.5]
    """
    arr = _rolls("rolls", rolls, "separate")
    min_pitch_classes = check_in_range("min_pitch_classes", min_pitch_classes, 1, len(VOICES), integer=True)
    steps_per_beat = check_positive_int("steps_per_beat", steps_per_beat, maximum=arr.shape[1])
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    _check_whole_units(arr, "steps_per_beat", steps_per_beat)
    index = _pitch_index(arr)[:, ::steps_per_beat]  # (n, beats, 4)
    sounding = index >= 0
    classes = np.zeros(index.shape[:2] + (12,), dtype=bool)
    n, beat, voice = np.nonzero(sounding)
    classes[n, beat, (index[n, beat, voice] + pitch_offset) % 12] = True
    sets = classes @ (1 << np.arange(12))  # (n, beats): each beat's pitch-class set as a bit mask
    judged = _SET_SIZE[sets] >= min_pitch_classes
    counted = judged.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counted > 0, (_SET_FITS_A_CHORD[sets] & judged).sum(axis=1) / counted, np.nan)


def onset_positions(rolls, *, steps_per_bar: int = STEPS_PER_BAR) -> np.ndarray:
    """Share of a set's notes that start on each step of the bar, pooled over rolls and voices.

    A note is a run of one pitch in one voice (:func:`note_runs`); it starts at step ``t`` of the window, at
    position ``t mod steps_per_bar`` of the bar (windows start on a bar line). A note already sounding at the
    window's first step counts as starting there (about 7 % of the notes of four-bar chorale windows), which lifts
    the first position for every set. Of the notes of the course's four-bar chorale windows, 74 % (training split)
    to 78 % (held-out split) start on one of the four beats of a 4/4 bar and nearly all the rest on an eighth note
    between two beats; chapter 10 finds a generator that does not know where the beat is.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls, ``time_steps`` a multiple of ``steps_per_bar``.
    steps_per_bar : int
        Steps per bar, at least 1 (16 for 4/4 in sixteenth notes).

    Returns
    -------
    np.ndarray [shape=(steps_per_bar,), dtype=float64]
        Shares summing to 1; NaN everywhere if the rolls hold no note.

    Raises
    ------
    ValueError
        If the rolls are not a set of binary four-voice rolls, or ``steps_per_bar`` is out of range.

    Examples
    --------
    >>> roll = np.zeros((1, 16, 64, 4), "float32")
    >>> roll[0, 0:4, 72 - 28, 0] = 1; roll[0, 4:6, 74 - 28, 0] = 1; roll[0, 6:16, 76 - 28, 0] = 1
    >>> onset_positions(roll)[[0, 4, 6]].tolist()   # three notes: beat 1, beat 2 and the eighth after it
    [0.3333333333333333, 0.3333333333333333, 0.3333333333333333]
    """
    arr = _rolls("rolls", rolls, "separate")
    steps_per_bar = check_positive_int("steps_per_bar", steps_per_bar, maximum=arr.shape[1])
    _check_whole_units(arr, "steps_per_bar", steps_per_bar)
    starts = note_runs(arr)[:, 3]
    if starts.size == 0:
        return np.full(steps_per_bar, np.nan)
    return np.bincount(starts % steps_per_bar, minlength=steps_per_bar) / starts.size


def on_beat_rate(rolls, *, steps_per_beat: int = STEPS_PER_BEAT) -> np.ndarray:
    """Share of the notes that start on a beat, per four-voice roll (all voices together).

    A summary of :func:`onset_positions`: the notes starting at a multiple of ``steps_per_beat`` over all notes.
    A mean per window of about 0.75 (training split) to 0.80 (held-out split) for the course's four-bar chorale
    windows, a note sounding at the first step counting as starting there; 1 for music in quarter notes and
    longer, 0.5 for even eighth notes. Not one of the twelve scorecard features; chapter 10 adds it as a column of
    its own.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls, ``time_steps`` a multiple of ``steps_per_beat``.
    steps_per_beat : int
        Steps per beat, at least 1 (4 for the course's sixteenth-note grid).

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float64]
        Share in [0, 1]; NaN for a silent roll.

    Raises
    ------
    ValueError
        If the rolls are not a set of binary four-voice rolls, or ``steps_per_beat`` is out of range.

    Examples
    --------
    >>> roll = np.zeros((2, 16, 64, 4), "float32")
    >>> roll[0, :, 60 - 28, 0] = 1                          # one whole note: on the beat
    >>> roll[1, 0:2, 60 - 28, 3] = 1; roll[1, 2:4, 62 - 28, 3] = 1   # two eighth notes: the second is off it
    >>> on_beat_rate(roll).tolist()
    [1.0, 0.5]
    """
    arr = _rolls("rolls", rolls, "separate")
    steps_per_beat = check_positive_int("steps_per_beat", steps_per_beat, maximum=arr.shape[1])
    _check_whole_units(arr, "steps_per_beat", steps_per_beat)
    runs = note_runs(arr)
    return _per_roll(arr, runs, (runs[:, 3] % steps_per_beat == 0).astype(np.float64))


def homophony_rate(rolls) -> np.ndarray:
    """Share of the steps where a note starts at which every voice starts one, per four-voice roll.

    A chorale is mostly homophonic: the four voices change together, chord by chord, and only some of them move in
    between (passing notes, suspensions). Over the steps at which at least one voice starts a note
    (:func:`note_runs`), this counts those at which all four do. The window's first step is left out, since every
    voice sounding there would seem to start a note. A mean per window of about 0.21 (training split) to 0.23
    (held-out split) for the course's four-bar chorale windows; 1 for block chords, 0 when the voices take turns or
    one voice always holds. A voice resting at a step does not start a note there. Not one of the twelve scorecard
    features; chapter 10 adds it as a column of its own.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls.

    Returns
    -------
    np.ndarray [shape=(n,), dtype=float64]
        Share in [0, 1]; NaN for a roll in which no note starts after the first step.

    Raises
    ------
    ValueError
        If the rolls are not a set of binary four-voice rolls.

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :, 60 - 28, 3] = 1                             # the bass holds C4 ...
    >>> roll[0, :4, 72 - 28, 0] = 1; roll[0, 4:, 74 - 28, 0] = 1   # ... while the soprano moves
    >>> roll[0, :4, 67 - 28, 1:3] = 1; roll[0, 4:, 65 - 28, 1:3] = 1
    >>> homophony_rate(roll).tolist()                          # one onset step (4), three voices of four start
    [0.0]
    >>> roll[0, 4:, 60 - 28, 3] = 0; roll[0, 4:, 59 - 28, 3] = 1   # now the bass moves too
    >>> homophony_rate(roll).tolist()
    [1.0]
    """
    arr = _rolls("rolls", rolls, "separate")
    n_rolls, n_steps = arr.shape[0], arr.shape[1]
    runs = note_runs(arr)
    runs = runs[runs[:, 3] > 0]
    starting = np.zeros((n_rolls, n_steps), dtype=np.int64)  # voices starting a note, per roll and step
    np.add.at(starting, (runs[:, 0], runs[:, 3]), 1)
    onset_steps = (starting > 0).sum(axis=1)
    together = (starting == arr.shape[-1]).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(onset_steps > 0, together / np.maximum(onset_steps, 1), np.nan)


def tutti_rest_share(rolls) -> float:
    """Of all the voice-steps at which a voice rests, the share at steps where every voice rests.

    In a chorale a rest is a breath of the whole choir at the end of a phrase: about 92 % of the resting
    voice-steps of the course's four-bar training windows (93 % held out) fall on steps where all four voices rest.
    Four voices chosen independently (the Markov chain, or a generator with one categorical choice per voice) almost
    never rest together, so their rests are single voices dropping out. One figure for the whole set, pooled over
    its resting voice-steps: most windows (Bach: 77 % to 85 %) have no rest at all, so a mean per window would be
    decided by the few that do.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n, time_steps, n_pitches, 4)]
        Binary four-voice rolls.

    Returns
    -------
    float
        Share in [0, 1]; NaN if no voice rests anywhere in the set.

    Raises
    ------
    ValueError
        If the rolls are not a set of binary four-voice rolls.

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :6, [72 - 28, 67 - 28, 64 - 28, 48 - 28], [0, 1, 2, 3]] = 1  # a C major chord for six steps ...
    >>> roll[0, 2:4, 72 - 28, 0] = 0                # ... with the soprano resting alone for two of them
    >>> tutti_rest_share(roll)                      # 8 resting voice-steps together, 2 alone
    0.8
    """
    arr = _rolls("rolls", rolls, "separate")
    resting = arr.sum(axis=-2) == 0  # (n, time_steps, voices)
    n_resting = int(resting.sum())
    if n_resting == 0:
        return float("nan")
    return float(resting.all(axis=-1).sum() * arr.shape[-1] / n_resting)


def voice_pair_moves(rolls, *, pitch_offset: int = PITCH_OFFSET) -> np.ndarray:
    """Every move of every voice pair between consecutive sonorities, as rows of MIDI pitches.

    A *sonority* is a stretch of steps in which no voice changes (a note starts, ends or a rest begins). Between two
    consecutive sonorities, a pair of voices makes a *move* when both sound in both and at least one of them changes
    pitch. These are the "voice-leading quartets" of music21 (two notes of an upper and of a lower voice).

    Chapter: 10_evaluating_generated_music

    Returns
    -------
    np.ndarray [shape=(n_moves, 7), dtype=int64]
        Columns: roll index, upper voice, lower voice (0 = S ... 3 = B), then MIDI pitches upper before, lower before,
        upper after, lower after.

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :4, 67 - 28, 0] = roll[0, :4, 60 - 28, 3] = 1   # S G4 over B C4 ...
    >>> roll[0, 4:, 69 - 28, 0] = roll[0, 4:, 62 - 28, 3] = 1   # ... to A4 over D4: parallel fifths
    >>> voice_pair_moves(roll).tolist()
    [[0, 0, 3, 67, 60, 69, 62]]
    """
    arr = _rolls("rolls", rolls, "separate")
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    index = _pitch_index(arr)  # (n, T, 4), -1 = rest
    rows = []
    for r in range(index.shape[0]):
        seq = index[r]
        change = np.ones(len(seq), dtype=bool)
        change[1:] = (seq[1:] != seq[:-1]).any(axis=1)
        son = seq[change]  # (n_sonorities, 4)
        a, b = son[:-1], son[1:]
        for i, j in VOICE_PAIRS:
            ok = (a[:, i] >= 0) & (a[:, j] >= 0) & (b[:, i] >= 0) & (b[:, j] >= 0) & ((a[:, i] != b[:, i]) | (a[:, j] != b[:, j]))
            k = int(ok.sum())
            if k:
                rows.append(np.column_stack([np.full(k, r), np.full(k, i), np.full(k, j), a[ok, i], a[ok, j], b[ok, i], b[ok, j]]))
    if not rows:
        return np.zeros((0, 7), dtype=np.int64)
    out = np.concatenate(rows).astype(np.int64)
    out[:, 3:] += pitch_offset
    return out


def _count_per_roll(rows, n, weights=None):
    """How many of the entries (weighted: how many true ``weights``) belong to each of the ``n`` rolls, int64."""
    return np.bincount(rows, weights=weights, minlength=n).astype(np.int64)


def parallel_fifths_octaves(upper_before, lower_before, upper_after, lower_after):
    """Whether two voices moving from one pair of pitches to the next make parallel fifths or parallel octaves.

    The rule is music21's (``VoiceLeadingQuartet.parallelFifth`` and ``parallelOctave``): both voices move, and the
    interval is a perfect fifth (or twelfth ...) before and after, or an octave (or double octave ...) before and
    after. Contrary motion counts too (antiparallels). A unison is not an octave in similar motion (unison to
    octave is no parallel); in contrary motion unison and octave are the same simple interval and count.

    Chapter: 10_evaluating_generated_music (:func:`voice_leading` counts with it; ``decode_voices(method=
    "voice-leading")`` in :mod:`musiclib.voices` avoids it).

    Parameters
    ----------
    upper_before, lower_before, upper_after, lower_after : array_like of int
        MIDI pitches (or pitch columns: only differences matter) of the upper and the lower voice before and after
        the move, whole numbers >= 0; the four arrays broadcast against each other. Every voice must sound (no rest
        markers such as -1).

    Returns
    -------
    fifths, octaves : np.ndarray of bool
        Broadcast shape of the inputs.

    Raises
    ------
    ValueError
        If an argument is not finite, not whole, negative, or the four do not broadcast.

    Examples
    --------
    >>> fifths, octaves = parallel_fifths_octaves(67, 60, 69, 62)   # G4/C4 to A4/D4
    >>> bool(fifths), bool(octaves)
    (True, False)
    >>> [bool(x) for x in parallel_fifths_octaves(72, 60, 67, 67)]   # octave to unison, contrary: counts
    [False, True]
    """
    values = []
    for name, value in (("upper_before", upper_before), ("lower_before", lower_before), ("upper_after", upper_after),
                        ("lower_after", lower_after)):
        arr = check_finite_array(name, value, min_ndim=0)
        if (arr < 0).any() or (arr != np.round(arr)).any():
            raise ValueError(f"{name} must hold whole pitch numbers >= 0 (sounding voices only), got {arr.min()} to {arr.max()}")
        values.append(arr)
    try:
        np.broadcast_shapes(*(v.shape for v in values))
    except ValueError:
        raise ValueError(f"the four pitch arrays must broadcast together, got shapes {[v.shape for v in values]}") from None
    return _parallel_fifths_octaves(*values)


def _parallel_fifths_octaves(upper_before, lower_before, upper_after, lower_after):
    """:func:`parallel_fifths_octaves` without the checks (for loops over trusted pitch indices)."""
    ub, lb, ua, la = np.broadcast_arrays(*(np.asarray(x, dtype=np.int64) for x in
                                           (upper_before, lower_before, upper_after, lower_after)))
    up = ua - ub
    low = la - lb
    both_move = (up != 0) & (low != 0)
    before = np.abs(ub - lb)
    after = np.abs(ua - la)
    contrary = np.sign(up) != np.sign(low)
    fifths = both_move & (before % 12 == 7) & (after % 12 == 7)
    octave_like = (before % 12 == 0) & (after % 12 == 0)
    octaves = both_move & octave_like & (contrary | ((before > 0) & (after > 0)))
    return fifths, octaves


def _parallels(moves):
    """Boolean (fifths, octaves) per row of :func:`voice_pair_moves`."""
    return _parallel_fifths_octaves(moves[:, 3], moves[:, 4], moves[:, 5], moves[:, 6])


def voice_leading(rolls, *, pitch_offset: int = PITCH_OFFSET) -> dict:
    """Counts of the voice-leading rules of four-part writing, one value per four-voice roll.

    ======================= =====================================================================================
    ``pair_moves``          voice-pair moves (:func:`voice_pair_moves`): the denominator of the parallel rates
    ``parallel_fifths``     moves from a perfect fifth (or twelfth ...) to another, both voices moving
                            (similar or contrary motion: music21's ``VoiceLeadingQuartet.parallelFifth``)
    ``parallel_octaves``    the same for octaves: music21's ``parallelOctave`` (parallel unisons do not count;
                            a unison to an octave in contrary motion does)
    ``sounding_steps``      steps where at least two voices sound
    ``crossing_steps``      of those, steps where a lower voice sits above the next higher one (A over S, ...)
    ``spacing_steps``       steps where S–A or A–T are more than an octave apart (T–B may be wider)
    ``notes``               notes of all four voices
    ``notes_out_of_range``  notes outside their voice's range :data:`musiclib.data.VOICE_RANGES`
    ======================= =====================================================================================

    Pitches are MIDI numbers, so a diminished sixth spelled from the same keys counts as a fifth (chorales rarely
    write one between two moving voices).

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :4, 67 - 28, 0] = roll[0, :4, 60 - 28, 3] = 1
    >>> roll[0, 4:, 69 - 28, 0] = roll[0, 4:, 62 - 28, 3] = 1
    >>> {k: int(v[0]) for k, v in voice_leading(roll).items()}["parallel_fifths"]
    1
    """
    from .data import VOICE_RANGES

    arr = _rolls("rolls", rolls, "separate")
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n = arr.shape[0]
    moves = voice_pair_moves(arr, pitch_offset=pitch_offset)
    fifths, octaves = _parallels(moves)
    index = _pitch_index(arr)
    sounding = index >= 0
    two = sounding.sum(axis=2) >= 2
    crossed = np.zeros(index.shape[:2], dtype=bool)
    for upper in range(3):
        lower = upper + 1
        crossed |= sounding[:, :, upper] & sounding[:, :, lower] & (index[:, :, lower] > index[:, :, upper])
    wide = np.zeros(index.shape[:2], dtype=bool)
    for upper in range(2):  # S-A and A-T
        lower = upper + 1
        wide |= sounding[:, :, upper] & sounding[:, :, lower] & (index[:, :, upper] - index[:, :, lower] > 12)
    notes = note_runs(arr, pitch_offset=pitch_offset)
    low = np.array([VOICE_RANGES[v][0] for v in VOICES])[notes[:, 1]]
    high = np.array([VOICE_RANGES[v][1] for v in VOICES])[notes[:, 1]]
    outside = (notes[:, 2] < low) | (notes[:, 2] > high)
    return {
        "pair_moves": _count_per_roll(moves[:, 0], n),
        "parallel_fifths": _count_per_roll(moves[:, 0], n, fifths),
        "parallel_octaves": _count_per_roll(moves[:, 0], n, octaves),
        "sounding_steps": two.sum(axis=1).astype(np.int64),
        "crossing_steps": (crossed & two).sum(axis=1).astype(np.int64),
        "spacing_steps": (wide & two).sum(axis=1).astype(np.int64),
        "notes": _count_per_roll(notes[:, 0], n),
        "notes_out_of_range": _count_per_roll(notes[:, 0], n, outside),
    }


def voice_leading_rates(rolls, *, pitch_offset: int = PITCH_OFFSET) -> dict:
    """Voice-leading rates of a set of four-voice rolls, pooled over the set (see :func:`voice_leading`).

    Chapter: 10_evaluating_generated_music

    Returns
    -------
    dict
        ``parallel_fifth_rate``, ``parallel_octave_rate`` and ``parallel_rate`` (their sum) per voice-pair move;
        ``crossing_rate`` and ``spacing_rate`` per step with two or more voices sounding; ``out_of_range_rate``
        per note. NaN when the denominator is 0.

    Examples
    --------
    >>> roll = np.zeros((1, 8, 64, 4), "float32")
    >>> roll[0, :4, 67 - 28, 0] = roll[0, :4, 60 - 28, 3] = 1
    >>> roll[0, 4:, 69 - 28, 0] = roll[0, 4:, 62 - 28, 3] = 1
    >>> voice_leading_rates(roll)["parallel_rate"]
    1.0
    """
    c = {k: int(v.sum()) for k, v in voice_leading(rolls, pitch_offset=pitch_offset).items()}

    def rate(num, den):
        return num / den if den else float("nan")

    return {
        "parallel_fifth_rate": rate(c["parallel_fifths"], c["pair_moves"]),
        "parallel_octave_rate": rate(c["parallel_octaves"], c["pair_moves"]),
        "parallel_rate": rate(c["parallel_fifths"] + c["parallel_octaves"], c["pair_moves"]),
        "crossing_rate": rate(c["crossing_steps"], c["sounding_steps"]),
        "spacing_rate": rate(c["spacing_steps"], c["sounding_steps"]),
        "out_of_range_rate": rate(c["notes_out_of_range"], c["notes"]),
    }


def perfect_interval_departures(rolls, *, pitch_offset: int = PITCH_OFFSET) -> dict:
    """How often two voices a perfect fifth or octave apart, both moving, land on a parallel; per roll.

    The parallel rate of :func:`voice_leading_rates` mixes two things: how often two voices leave a perfect interval
    with both moving (the only moves that can make a parallel), and how often, when they do, they keep it. This
    counts them apart: a *departure* is a voice-pair move (:func:`voice_pair_moves`) in which both voices change pitch
    and start a fifth (or twelfth, ...) or an octave (or fifteenth, ...; not a unison) apart; the *parallels* are the
    departures that :func:`voice_leading` counts as parallel fifths or octaves. Their ratio is a voice-leading habit,
    near 0 in Bach; for voices moving as a block (every interval kept) it is 1.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : np.ndarray [shape=(n, time_steps, n_pitches, 4)] or one roll [shape=(time_steps, n_pitches, 4)]
        Binary four-voice rolls.
    pitch_offset : int
        MIDI number of pitch column 0, in [0, 127].

    Returns
    -------
    dict
        ``departures`` and ``parallels``, int64 arrays of shape ``(n,)``.

    Examples
    --------
    >>> roll = np.zeros((1, 12, 64, 4), "float32")
    >>> roll[0, :4, 67 - 28, 0], roll[0, :4, 60 - 28, 3] = 1, 1   # S G4 over B C4, a fifth
    >>> roll[0, 4:8, 69 - 28, 0], roll[0, 4:8, 62 - 28, 3] = 1, 1  # A4 over D4: both move, the fifth is kept
    >>> roll[0, 8:, 71 - 28, 0], roll[0, 8:, 55 - 28, 3] = 1, 1    # B4 over G3: both move, to a major third
    >>> {k: int(v[0]) for k, v in perfect_interval_departures(roll).items()}
    {'departures': 2, 'parallels': 1}
    """
    arr = _rolls("rolls", rolls, "separate")
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    moves = voice_pair_moves(arr, pitch_offset=pitch_offset)
    fifths, octaves = _parallels(moves)
    before = np.abs(moves[:, 3] - moves[:, 4])
    both_move = (moves[:, 5] != moves[:, 3]) & (moves[:, 6] != moves[:, 4])
    departure = both_move & ((before % 12 == 7) | ((before % 12 == 0) & (before > 0)))
    n = arr.shape[0]
    # A unison leaving to an octave in contrary motion is a parallel octave but no departure: left out of both.
    return {"departures": _count_per_roll(moves[:, 0], n, departure),
            "parallels": _count_per_roll(moves[:, 0], n, departure & (fifths | octaves))}


# ----- set-level comparison (Yang & Lerch 2020), Fréchet distance, NDB, novelty ---------------------------------


def _values(name, values, *, min_count=2):
    """Finite values of a feature: ``(n,)`` scalars or ``(n, d)`` vectors; NaN rows (silent rolls) are dropped."""
    arr = np.asarray(values, dtype=float) if not isinstance(values, np.ndarray) else values.astype(float, copy=False)
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} must be one value per sample (n,) or one vector per sample (n, d), got shape {arr.shape}")
    keep = np.isfinite(arr) if arr.ndim == 1 else np.isfinite(arr).all(axis=1)
    arr = arr[keep]
    if len(arr) < min_count:
        raise ValueError(f"{name} has {len(arr)} finite sample(s); at least {min_count} are needed")
    return arr


def intra_set_distances(values) -> np.ndarray:
    """Distances between every two samples of one set (absolute difference, or Euclidean for vectors).

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> intra_set_distances([1.0, 2.0, 4.0]).tolist()
    [1.0, 3.0, 2.0]
    """
    arr = _values("values", values)
    arr = arr[:, None] if arr.ndim == 1 else arr
    i, j = np.triu_indices(len(arr), k=1)
    return np.linalg.norm(arr[i] - arr[j], axis=1)


def inter_set_distances(values_a, values_b) -> np.ndarray:
    """Distances between every sample of set A and every sample of set B (flattened, A-major).

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> inter_set_distances([0.0, 1.0], [3.0, 5.0]).tolist()
    [3.0, 5.0, 2.0, 4.0]
    """
    a = _values("values_a", values_a, min_count=1)
    b = _values("values_b", values_b, min_count=1)
    a = a[:, None] if a.ndim == 1 else a
    b = b[:, None] if b.ndim == 1 else b
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"values_a has vectors of length {a.shape[1]}, values_b of length {b.shape[1]}; they must match")
    return np.linalg.norm(a[:, None, :] - b[None, :, :], axis=2).ravel()


def _bandwidth(x):
    """Scott's rule (scipy.stats.gaussian_kde's default for 1-D), floored so a constant sample is a narrow bump."""
    std = x.std(ddof=1) if len(x) > 1 else 0.0
    scale = max(float(np.abs(x).max()), 1.0)
    return max(std * len(x) ** (-1 / 5), 1e-3 * scale)


def kde_on_grid(values_a, values_b, *, grid_size: int = 2048):
    """Gaussian kernel density estimates of two 1-D samples evaluated on ONE shared grid.

    Each sample keeps its own bandwidth (Scott's rule); the grid spans both samples plus four bandwidths on each
    side, so both densities integrate to 1 on it. (mgeval, the reference implementation of Yang & Lerch, evaluates
    the two densities of its KL divergence on different grids, so it compares mismatched points; its overlap
    integrates only between the samples' extremes, dropping the tails.) The estimate is binned: samples are histogrammed on the grid and smoothed with the kernel, exact to the grid spacing.

    Chapter: 10_evaluating_generated_music

    Returns
    -------
    grid, density_a, density_b : np.ndarray [shape=(grid_size,)]

    Examples
    --------
    >>> grid, pa, pb = kde_on_grid(np.random.default_rng(0).normal(size=500), [0.0, 0.5, 1.0])
    >>> round(float(pa.sum() * (grid[1] - grid[0])), 3), round(float(pb.sum() * (grid[1] - grid[0])), 3)
    (1.0, 1.0)
    """
    a = _values("values_a", values_a, min_count=1)
    b = _values("values_b", values_b, min_count=1)
    if a.ndim != 1 or b.ndim != 1:
        raise ValueError("kde_on_grid compares two 1-D samples (one number per sample)")
    grid_size = check_positive_int("grid_size", grid_size, maximum=1 << 20)
    if grid_size < 16:
        raise ValueError(f"grid_size={grid_size} must be at least 16")
    ha, hb = _bandwidth(a), _bandwidth(b)
    pad = 4 * max(ha, hb)
    lo, hi = min(a.min(), b.min()) - pad, max(a.max(), b.max()) + pad
    grid = np.linspace(lo, hi, grid_size)
    dx = grid[1] - grid[0]
    edges = np.concatenate([grid - dx / 2, [grid[-1] + dx / 2]])

    def density(x, h):
        hist = np.histogram(x, bins=edges)[0].astype(float)
        half = int(np.ceil(5 * h / dx))
        offsets = np.arange(-half, half + 1) * dx
        kernel = np.exp(-0.5 * (offsets / h) ** 2)
        kernel /= kernel.sum()
        pdf = np.convolve(hist, kernel, mode="same") if kernel.size <= hist.size else np.convolve(hist, kernel)[half:half + hist.size]
        return pdf / (pdf.sum() * dx)

    return grid, density(a, ha), density(b, hb)


def overlapping_area(values_a, values_b) -> float:
    """Overlapping area of the two samples' density estimates: 1 for identical distributions, 0 for disjoint.

    ``OA = ∫ min(p_a(x), p_b(x)) dx`` with :func:`kde_on_grid`. Finite samples of one distribution score below 1
    (sampling noise): measure that ceiling with two real sets before reading a model's value.

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(overlapping_area(rng.normal(size=4000), rng.normal(size=4000)), 2)
    0.98
    >>> overlapping_area([0.0, 0.1, 0.2], [50.0, 50.1, 50.2])
    0.0
    """
    grid, pa, pb = kde_on_grid(values_a, values_b)
    return float(np.clip(np.minimum(pa, pb).sum() * (grid[1] - grid[0]), 0.0, 1.0))


def kde_kl_divergence(values_a, values_b, *, floor: float = 1e-10) -> float:
    """KL divergence ``KL(p_a || p_b)`` in nats between the two samples' density estimates on one grid.

    Where ``p_b`` vanishes the divergence would be infinite; ``floor`` (a density) keeps it finite, so the value
    saturates rather than overflows for disjoint samples.

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(kde_kl_divergence(rng.normal(0, 1, 20000), rng.normal(1, 1, 20000)), 1)   # closed form: 0.5
    0.5
    """
    floor = check_in_range("floor", floor, 1e-300, 1.0)
    grid, pa, pb = kde_on_grid(values_a, values_b)
    dx = grid[1] - grid[0]
    pa, pb = np.maximum(pa, floor), np.maximum(pb, floor)
    return float(max(np.sum(pa * np.log(pa / pb)) * dx, 0.0))


def compare_feature(reference, samples) -> dict:
    """Yang & Lerch's comparison of one feature: the reference set's intra-set distances against the inter-set ones.

    If ``samples`` came from the reference's distribution, a sample is as far from the reference samples as those
    are from each other, so the two distance distributions overlap.

    Chapter: 10_evaluating_generated_music

    Returns
    -------
    dict
        ``overlap`` (:func:`overlapping_area` of intra(reference) and inter(reference, samples)), ``kl``
        (:func:`kde_kl_divergence`, intra against inter), ``reference_mean`` and ``samples_mean`` of the feature.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(compare_feature(rng.normal(size=300), rng.normal(size=300))["overlap"], 2)
    0.98
    """
    ref = _values("reference", reference)
    gen = _values("samples", samples)
    intra = intra_set_distances(ref)
    inter = inter_set_distances(ref, gen)
    return {"overlap": overlapping_area(intra, inter), "kl": kde_kl_divergence(intra, inter),
            "reference_mean": float(ref.mean()), "samples_mean": float(gen.mean())}


def gaussian_frechet_distance(mean_a, cov_a, mean_b, cov_b) -> float:
    """Fréchet (2-Wasserstein squared) distance between two Gaussians, in squared feature units.

    ``d² = |μ_a − μ_b|² + tr(Σ_a + Σ_b − 2 (Σ_a^{1/2} Σ_b Σ_a^{1/2})^{1/2})`` (Dowson & Landau 1982), the quantity
    behind FID. Computed with symmetric eigendecompositions, so it is real and ≥ 0.

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> gaussian_frechet_distance([0, 0], np.eye(2), [3, 4], 4 * np.eye(2))   # 25 + 2 * (1 + 4 - 2 * 2)
    27.0
    """
    mean_a = check_finite_array("mean_a", mean_a).astype(float).ravel()
    mean_b = check_finite_array("mean_b", mean_b).astype(float).ravel()
    d = mean_a.size
    if mean_b.size != d:
        raise ValueError(f"mean_a has {d} entries, mean_b {mean_b.size}; they must match")
    covs = []
    for name, cov in (("cov_a", cov_a), ("cov_b", cov_b)):
        c = check_finite_array(name, cov).astype(float)
        c = c.reshape(1, 1) if c.ndim == 0 or c.size == 1 and d == 1 else c
        if c.shape != (d, d):
            raise ValueError(f"{name} has shape {c.shape}; ({d}, {d}) expected")
        covs.append((c + c.T) / 2)

    def sqrt_psd(m):
        w, v = np.linalg.eigh(m)
        return (v * np.sqrt(np.clip(w, 0, None))) @ v.T

    root_a = sqrt_psd(covs[0])
    cross = np.linalg.eigvalsh(root_a @ covs[1] @ root_a)
    value = np.sum((mean_a - mean_b) ** 2) + np.trace(covs[0]) + np.trace(covs[1]) - 2 * np.sum(np.sqrt(np.clip(cross, 0, None)))
    return float(max(value, 0.0))


def frechet_distance(features_a, features_b) -> float:
    """Fréchet distance between Gaussians fitted to two sets of per-sample feature vectors ``(n, d)``.

    Sample means and covariances (``ddof=1``) into :func:`gaussian_frechet_distance`. Features on very different
    scales should be standardised first (e.g. by the reference set's standard deviation). Finite samples of one
    distribution give a small positive value (bias of order d²/n): compare with a real-vs-real value.

    Chapter: 10_evaluating_generated_music

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> round(frechet_distance(rng.normal(0, 1, (20000, 2)), rng.normal([3, 4], 2, (20000, 2))), 0)
    27.0
    """
    a = check_finite_array("features_a", features_a, min_ndim=1).astype(float)
    b = check_finite_array("features_b", features_b, min_ndim=1).astype(float)
    a = a[:, None] if a.ndim == 1 else a
    b = b[:, None] if b.ndim == 1 else b
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"features_a {a.shape} and features_b {b.shape} must be (n, d) with the same d")
    for name, x in (("features_a", a), ("features_b", b)):
        if len(x) < 2:
            raise ValueError(f"{name} has {len(x)} sample(s); at least 2 are needed for a covariance")
    return gaussian_frechet_distance(a.mean(axis=0), np.atleast_2d(np.cov(a, rowvar=False)),
                                     b.mean(axis=0), np.atleast_2d(np.cov(b, rowvar=False)))


def statistically_different_bins(reference, samples, *, n_bins: int = 50, alpha: float = 0.05, seed: int = 0) -> dict:
    """Number of statistically different bins (NDB; Richardson & Weiss 2018, used by GANSynth).

    k-means (``n_bins`` clusters, k-means++ start, seeded) partitions the reference vectors; every reference and
    sample vector goes to its nearest centre; a two-sided two-proportion z-test per bin asks whether the two sets'
    shares differ at level ``alpha``. A generator that covers the data's modes in the right proportions has few
    different bins; a collapsed one has many. Identical sets give 0; disjoint sets give every occupied bin.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    reference, samples : array_like [shape=(n, d)]
        Feature vectors (e.g. flattened log-mel patches); use the same scale for both.
    n_bins : int
        Clusters (50 in GANSynth); at most the number of reference vectors.
    alpha : float
        Significance level in (0, 1).
    seed : int
        Seed of the k-means start.

    Returns
    -------
    dict
        ``ndb`` (int), ``n_bins``, ``reference_share`` and ``sample_share`` (per bin), ``different`` (bool per bin),
        ``centers`` ``(n_bins, d)``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 2))
    >>> statistically_different_bins(x, x, n_bins=10)["ndb"]
    0
    >>> statistically_different_bins(x, x + 100, n_bins=10)["ndb"]
    10
    """
    from scipy.cluster.vq import kmeans2
    from scipy.stats import norm

    ref = check_finite_array("reference", reference, min_ndim=2).astype(float)
    gen = check_finite_array("samples", samples, min_ndim=2).astype(float)
    if ref.ndim != 2 or gen.ndim != 2 or ref.shape[1] != gen.shape[1]:
        raise ValueError(f"reference {ref.shape} and samples {gen.shape} must be (n, d) with the same d")
    n_bins = check_positive_int("n_bins", n_bins, maximum=len(ref))
    alpha = check_in_range("alpha", alpha, 1e-12, 1 - 1e-12)
    seed = check_seed("seed", seed, allow_none=False)
    centers, _ = kmeans2(ref, n_bins, minit="++", seed=np.random.default_rng(seed))

    def assign(x):
        d = (x ** 2).sum(1)[:, None] - 2 * x @ centers.T + (centers ** 2).sum(1)[None, :]
        return np.bincount(d.argmin(axis=1), minlength=n_bins)

    n_r, n_s = len(ref), len(gen)
    p_r, p_s = assign(ref) / n_r, assign(gen) / n_s
    pooled = (p_r * n_r + p_s * n_s) / (n_r + n_s)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_r + 1 / n_s))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, np.abs(p_r - p_s) / np.where(se > 0, se, 1), 0.0)
    different = z > norm.ppf(1 - alpha / 2)
    return {"ndb": int(different.sum()), "n_bins": n_bins, "reference_share": p_r, "sample_share": p_s,
            "different": different, "centers": centers}


def nearest_training_overlap(generated, training, *, voices: str = "separate", return_index: bool = False):
    """For each generated roll, the share of its sounding cells found in its nearest training roll.

    Cells are (step, pitch) of the merged roll, so a copy with voices exchanged still counts as a copy. The nearest
    training roll is the one sharing the most cells. 1.0 = every sounding cell copied; real held-out chorales score
    well below (measure it), although chorales quote each other's cadences.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    generated, training : array_like
        Binary rolls ``(n, T, P, 4)`` (``voices="separate"``) or ``(n, T, P)`` (``"merged"``), same T and P.
    return_index : bool
        Also return the index of each nearest training roll.

    Returns
    -------
    overlap : np.ndarray [shape=(n_generated,)]
        NaN for a silent generated roll.
    index : np.ndarray [shape=(n_generated,)], optional

    Examples
    --------
    >>> train = np.zeros((2, 16, 64), "float32"); train[0, :, 30] = 1; train[1, :, 40] = 1
    >>> gen = np.zeros((1, 16, 64), "float32"); gen[0, :8, 40] = 1; gen[0, 8:, 41] = 1
    >>> overlap, index = nearest_training_overlap(gen, train, voices="merged", return_index=True)
    >>> float(overlap[0]), int(index[0])
    (0.5, 1)
    """
    gen = _sounding(_rolls("generated", generated, voices), voices)
    ref = _sounding(_rolls("training", training, voices), voices)
    if gen.shape[1:] != ref.shape[1:]:
        raise ValueError(f"generated rolls {gen.shape[1:]} and training rolls {ref.shape[1:]} must have the same shape")
    return_index = check_bool("return_index", return_index)
    g = gen.reshape(len(gen), -1)
    t = ref.reshape(len(ref), -1)
    best = np.zeros(len(g))
    index = np.zeros(len(g), dtype=np.int64)
    for start in range(0, len(g), 256):
        shared = g[start:start + 256] @ t.T  # (chunk, n_training) counts of shared cells
        index[start:start + 256] = shared.argmax(axis=1)
        best[start:start + 256] = shared.max(axis=1)
    size = g.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        overlap = np.where(size > 0, best / np.maximum(size, 1), np.nan)
    return (overlap, index) if return_index else overlap
