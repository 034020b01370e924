"""Objective statistics of four-voice piano rolls, cheap enough to watch during training.

Chapters: 09_training_a_music_gan (the training monitor), 10_evaluating_generated_music.

Every function takes valid four-voice rolls ``(..., time_steps, n_pitches, 4)`` (see :mod:`musiclib.voices`) and
returns one number per roll (an array over the leading axes), so a set of samples gives a distribution, not just a
mean. :func:`music_statistics` averages the four figures the chapter-09 monitor prints next to real chorales:

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

from ._validation import check_finite_array, check_in_range
from .data import PITCH_OFFSET, VOICES

__all__ = [
    "DIATONIC_SCALE",
    "note_runs",
    "note_lengths",
    "voices_sounding",
    "pitch_classes_per_bar",
    "in_scale_rate",
    "sixteenth_share",
    "music_statistics",
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
    merged = arr.max(axis=-1)  # (..., time_steps, n_pitches)
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
