"""Four-voice (SATB) piano rolls: voice ranges, decoding a generator's output, notes per voice.

Chapters: 09_training_a_music_gan (decoding, listening), 10-12 (evaluation and applications).

A four-voice roll has shape ``(..., time_steps, n_pitches, 4)``: one binary channel per voice in the order
:data:`musiclib.data.VOICES` = S, A, T, B, column ``p`` holding MIDI pitch ``pitch_offset + p``. A *valid* roll
has at most one sounding pitch per voice and step, and only inside that voice's range
(:data:`musiclib.data.VOICE_RANGES`, the ranges Bach wrote for). :func:`musiclib.data.load_pianorolls` with
``voices="separate", transpose="none"`` returns such rolls; after key normalisation (the default) the voices stay
monophonic but a few notes (under 1 % of the sounding steps) move past the written ranges. :func:`decode_voices`
turns a generator's continuous output into a valid roll.

The roll stores which pitch sounds at each step, not where notes start, so :func:`voice_notes` merges
consecutive steps of one pitch into one note: a repeated note comes back as one longer note.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_choice, check_finite_array, check_in_range, check_positive
from .data import DEFAULT_TEMPO, N_PITCHES, PITCH_OFFSET, VOICE_RANGES, VOICES
from .midi import Note, seconds_per_step
from .metrics import _SET_FITS_A_CHORD, _SET_SIZE, STEPS_PER_BEAT

__all__ = [
    "DECODE_METHODS",
    "voice_pitch_mask",
    "decode_voices",
    "is_valid_voice_roll",
    "merge_voices",
    "voice_notes",
    "VOICE_PROGRAMS",
    "render_voices",
    "find_soundfont",
    "render_midi_fluidsynth",
]

#: Ways :func:`decode_voices` turns probabilities into a valid roll.
DECODE_METHODS = ("argmax", "threshold", "voice-leading", "harmony")


def _check_layout(pitch_offset, n_pitches):
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n_pitches = check_in_range("n_pitches", n_pitches, 1, 128 - pitch_offset, integer=True)
    return pitch_offset, n_pitches


def voice_pitch_mask(*, pitch_offset: int = PITCH_OFFSET, n_pitches: int = N_PITCHES) -> np.ndarray:
    """Which pitch columns each voice may use: True inside its :data:`~musiclib.data.VOICE_RANGES` range.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    pitch_offset : int
        MIDI pitch of column 0, in [0, 127].
    n_pitches : int
        Number of pitch columns, in [1, 128 - pitch_offset].

    Returns
    -------
    np.ndarray [shape=(n_pitches, 4), dtype=bool]
        ``mask[p, v]`` is True when MIDI pitch ``pitch_offset + p`` lies in voice ``VOICES[v]``'s range.

    Raises
    ------
    ValueError
        If a parameter is out of range, or the columns miss part of a voice's range.

    Examples
    --------
    >>> mask = voice_pitch_mask()
    >>> mask.shape, int(mask[:, 0].sum())  # the soprano's range 57..84 has 28 pitches
    ((64, 4), 28)
    """
    pitch_offset, n_pitches = _check_layout(pitch_offset, n_pitches)
    pitches = pitch_offset + np.arange(n_pitches)
    mask = np.zeros((n_pitches, len(VOICES)), dtype=bool)
    for v, voice in enumerate(VOICES):
        low, high = VOICE_RANGES[voice]
        if low < pitch_offset or high >= pitch_offset + n_pitches:
            raise ValueError(
                f"pitch_offset={pitch_offset}, n_pitches={n_pitches} cover MIDI {pitch_offset}.."
                f"{pitch_offset + n_pitches - 1}, which must contain voice {voice}'s range {low}..{high}"
            )
        mask[:, v] = (pitches >= low) & (pitches <= high)
    return mask


def _as_voice_array(name, value, n_pitches_expected=None):
    arr = check_finite_array(name, value, min_ndim=3)
    if arr.shape[-1] != len(VOICES):
        raise ValueError(f"{name} has shape {arr.shape}; its last axis must hold the {len(VOICES)} voices S, A, T, B")
    if n_pitches_expected is not None and arr.shape[-2] != n_pitches_expected:
        raise ValueError(f"{name} has {arr.shape[-2]} pitch columns; n_pitches={n_pitches_expected} expected")
    return arr


def decode_voices(
    probabilities,
    *,
    method: str = "argmax",
    threshold: float = 0.5,
    pitch_offset: int = PITCH_OFFSET,
    candidates: int = 4,
) -> np.ndarray:
    """Turn a generator's per-voice pitch probabilities into a valid binary four-voice roll.

    Chapter: 09_training_a_music_gan

    Each voice and step gets at most one pitch, always inside the voice's range. Probability outside the range is
    ignored; the *rest* probability is what the in-range pitches leave, ``1 - sum(p)`` (clipped at 0).

    - ``"argmax"``: the most probable of the in-range pitches and the rest wins (a categorical choice, as in
      Coconet). A voice rests only where resting is more likely than every single pitch.
    - ``"threshold"``: the most probable in-range pitch sounds only where its probability is at least
      ``threshold``, else the voice rests (MuseGAN's hard thresholding, applied per voice). Uncertain steps turn
      into rests, which cuts notes into fragments; chapter 09 measures how much.
    - ``"voice-leading"``: ``"argmax"`` under the rule of four-part writing that forbids parallel fifths and octaves
      (:func:`musiclib.metrics.parallel_fifths_octaves`). The argmax decoding cuts the window into sonorities
      (stretches in which no voice changes); left to right, each sonority gets the chord with the largest product
      of the voices' probabilities over its steps that makes no parallel fifth or octave with the chord before.
      Each voice chooses among its ``candidates`` most probable options (pitches or the rest), resting and holding
      its previous pitch (holding every voice breaks no rule, so a chord is always left). Up to the first parallel
      the result equals ``"argmax"``; after a replacement the following chords are judged against it. A
      replacement fills a whole sonority, so the rule cannot be met by splitting a note (a step-by-step version of
      this decoder slipped one-step notes between two fifths), but a chain of parallels can still be broken by one
      changed chord in its middle. Greedy constrained decoding: a sonority never revises the one before. Chapter
      10 measures what it costs.
    - ``"harmony"``: ``"voice-leading"`` plus a second rule for each sonority sounding on a beat (its steps include
      a multiple of 4: windows start on a beat of four sixteenth-note steps) whose argmax chord holds three or more
      pitch classes: its chord must also hold three or more and fit one triad or seventh chord
      (:data:`musiclib.metrics.CHORD_SHAPES`, as :func:`musiclib.metrics.chord_rate` judges), so that the rule cannot
      be dodged by doubling or resting a voice; a sonority whose argmax holds fewer may not become a non-chord of
      three or more. Where no candidate chord meets both rules, only the parallels are forbidden. Chapter 10 uses it
      to ask whether chords on the beat are what gives a generator away.

    Parameters
    ----------
    probabilities : array_like [shape=(..., time_steps, n_pitches, 4)]
        Values in [0, 1], e.g. a generator's softmax output without its rest column.
    method : {"argmax", "threshold", "voice-leading", "harmony"}
    threshold : float
        Used by ``"threshold"`` only, in (0, 1].
    pitch_offset : int
        MIDI pitch of column 0 (the ranges are in MIDI numbers).
    candidates : int
        Used by ``"voice-leading"`` and ``"harmony"``: how many of its most probable options (pitches or the rest, ranked by their
        summed log-probability over the sonority) each voice may choose from, besides resting and holding its
        previous pitch; in [1, 12] (checked whatever the method). The search tries ``(candidates + 2) ** 4`` chords
        per sonority.

    Returns
    -------
    np.ndarray [shape=probabilities.shape, dtype=float32]
        0/1 roll, at most one 1 per voice and step, only inside the voice's range; with ``"voice-leading"`` also
        free of parallel fifths and octaves between consecutive sonorities, with ``"harmony"`` also of judged beats
        that fit no chord (unless no candidate chord did).

    Raises
    ------
    ValueError
        If the array is not finite, not of that shape, holds values outside [0, 1] (beyond float32 round-off),
        or a parameter is out of range.

    Examples
    --------
    >>> p = np.zeros((1, 2, 64, 4), "float32")
    >>> p[0, 0, 72 - 28, 0] = 0.7   # soprano C5, likely
    >>> p[0, 1, 72 - 28, 0] = 0.3   # then unlikely: resting (0.7) wins
    >>> roll = decode_voices(p)
    >>> roll[0, :, 72 - 28, 0].tolist()
    [1.0, 0.0]
    """
    method = check_choice("method", method, DECODE_METHODS)
    threshold = check_in_range("threshold", threshold, 0.0, 1.0)
    candidates = check_in_range("candidates", candidates, 1, 12, integer=True)
    if method == "threshold" and threshold == 0:
        raise ValueError("threshold=0 must be in (0, 1]")
    probs = _as_voice_array("probabilities", probabilities)
    pitch_offset, n_pitches = _check_layout(pitch_offset, probs.shape[-2])
    tolerance = 1e-4  # softmax outputs in float32 may sum to 1 + a few ulps
    if probs.size and (probs.min() < -tolerance or probs.max() > 1 + tolerance):
        raise ValueError(
            f"probabilities must lie in [0, 1]; got values in [{probs.min():.3g}, {probs.max():.3g}] "
            "(apply a softmax or sigmoid first)"
        )
    mask = voice_pitch_mask(pitch_offset=pitch_offset, n_pitches=n_pitches)
    in_range = np.where(mask, np.clip(probs, 0.0, 1.0), 0.0)
    if method in ("voice-leading", "harmony"):
        return _decode_without_parallels(in_range, candidates, pitch_offset=pitch_offset,
                                         chords_on_beats=method == "harmony")
    best = in_range.argmax(axis=-2)  # (..., time_steps, 4)
    best_p = np.take_along_axis(in_range, best[..., None, :], axis=-2)[..., 0, :]
    if method == "argmax":
        rest = np.clip(1.0 - in_range.sum(axis=-2), 0.0, None)
        sounds = best_p > rest
    else:
        sounds = best_p >= threshold
    roll = np.zeros(probs.shape, dtype=np.float32)
    np.put_along_axis(roll, best[..., None, :], sounds[..., None, :].astype(np.float32), axis=-2)
    return roll


def _decode_without_parallels(in_range, candidates, *, pitch_offset=PITCH_OFFSET, chords_on_beats=False,
                              steps_per_beat=STEPS_PER_BEAT, min_pitch_classes=3):
    """The ``"voice-leading"`` and ``"harmony"`` decodings of :func:`decode_voices` (probabilities already masked)."""
    import itertools

    from .metrics import _parallel_fifths_octaves

    shape = in_range.shape
    probs = in_range.reshape((-1,) + shape[-3:])  # (n, time_steps, n_pitches, 4)
    n_voices = shape[-1]
    rest = np.clip(1.0 - probs.sum(axis=-2, keepdims=True), 0.0, None)
    # Option 0 is the rest, option 1 + p pitch column p: argmax then breaks ties towards resting, as "argmax" does.
    options = np.concatenate([rest, probs], axis=-2)
    # Sum of logs = log of the product; the floor keeps zero-probability options ordered. float64: in float32, nearly
    # equal probabilities can share a log and reorder against the argmax.
    log_options = np.log(options.astype(np.float64) + 1e-12)
    argmax_chords = options.argmax(axis=-2)  # (n, time_steps, 4)
    chords = np.array(list(itertools.product(range(candidates + 2), repeat=n_voices)))  # option index per voice
    voice = np.arange(n_voices)
    pairs = [(i, j) for i in range(n_voices) for j in range(i + 1, n_voices)]
    roll = np.zeros(probs.shape, dtype=np.float32)
    for r in range(len(probs)):
        change = np.ones(len(argmax_chords[r]), dtype=bool)
        change[1:] = (argmax_chords[r, 1:] != argmax_chords[r, :-1]).any(axis=1)
        starts = np.flatnonzero(change)
        previous = np.zeros(n_voices, dtype=np.int64)  # all resting before the first step
        for start, end in zip(starts, np.append(starts[1:], len(change))):
            score = log_options[r, start:end].sum(axis=0)  # (n_pitches + 1, 4): each option held over the sonority
            # Best first; on equal scores the argmax's own option first, so that the chord of first options (index 0 of
            # `chords`, which wins ties) is the argmax chord.
            not_argmax = np.arange(len(score))[:, None] != argmax_chords[r, start][None, :]
            top = np.lexsort((not_argmax, -score), axis=0)[:candidates]
            choice = np.concatenate([top, np.zeros((1, n_voices), dtype=np.int64), previous[None]])
            pitch = choice[chords, voice]  # (n_chords, 4) option indices
            total = np.take_along_axis(score, choice, axis=0)[chords, voice].sum(axis=1)
            broken = np.zeros(len(chords), dtype=bool)
            for i, j in pairs:
                if previous[i] and previous[j]:
                    fifths, octaves = _parallel_fifths_octaves(previous[i], previous[j], pitch[:, i], pitch[:, j])
                    broken |= (pitch[:, i] > 0) & (pitch[:, j] > 0) & (fifths | octaves)
            total[broken] = -np.inf  # holding every voice breaks no rule, so some chord is always left
            if chords_on_beats and -(-start // steps_per_beat) * steps_per_beat < end:  # a beat falls in it
                classes = np.zeros(len(chords), dtype=np.int64)  # bit c set: pitch class c sounds
                for v in voice:
                    classes |= np.where(pitch[:, v] > 0, 1 << ((pitch[:, v] - 1 + pitch_offset) % 12), 0)
                full = _SET_SIZE[classes] >= min_pitch_classes
                no_chord = full & ~_SET_FITS_A_CHORD[classes]
                if full[0]:  # the argmax chord (index 0) is judged: thinning it to fewer pitch classes dodges the rule
                    no_chord |= ~full
                if not np.isneginf(total[~no_chord]).all():  # else keep only the parallel rule
                    total[no_chord] = -np.inf
            previous = pitch[total.argmax()]
            for v in np.flatnonzero(previous):
                roll[r, start:end, previous[v] - 1, v] = 1.0
    return roll.reshape(shape)


def is_valid_voice_roll(roll, *, pitch_offset: int = PITCH_OFFSET) -> bool:
    """True when ``roll`` is binary, has at most one pitch per voice and step, and stays in each voice's range.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    roll : array_like [shape=(..., time_steps, n_pitches, 4)]
    pitch_offset : int
        MIDI pitch of column 0.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        If ``roll`` is not a finite array shaped like a four-voice roll.

    Examples
    --------
    >>> roll = np.zeros((16, 64, 4), "float32")
    >>> roll[:, 72 - 28, 0] = 1      # a soprano C5
    >>> is_valid_voice_roll(roll)
    True
    >>> roll[:, 40 - 28, 0] = 1      # a second soprano note, out of range too
    >>> is_valid_voice_roll(roll)
    False
    """
    arr = _as_voice_array("roll", roll)
    pitch_offset, n_pitches = _check_layout(pitch_offset, arr.shape[-2])
    if not np.isin(arr, (0.0, 1.0)).all():
        return False
    if (arr.sum(axis=-2) > 1).any():
        return False
    mask = voice_pitch_mask(pitch_offset=pitch_offset, n_pitches=n_pitches)
    return not (arr * ~mask).any()


def merge_voices(roll) -> np.ndarray:
    """The merged piano roll ``(..., time_steps, n_pitches)``: a pitch sounds when any voice sings it.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> roll = np.zeros((4, 64, 4), "float32"); roll[:, 40, 1] = roll[:, 40, 2] = 1  # unison alto and tenor
    >>> merge_voices(roll)[:, 40].tolist()
    [1.0, 1.0, 1.0, 1.0]
    """
    return _as_voice_array("roll", roll).max(axis=-1)


def voice_notes(
    roll,
    *,
    steps_per_beat: int = 4,
    tempo: float = DEFAULT_TEMPO,
    pitch_offset: int = PITCH_OFFSET,
    velocity: int = 80,
) -> dict:
    """The notes of each voice of one valid four-voice roll, in seconds.

    Chapter: 09_training_a_music_gan

    Consecutive steps of one pitch become one note (the roll has no onsets, so a repeated note merges).

    Parameters
    ----------
    roll : array_like [shape=(time_steps, n_pitches, 4)]
        A valid roll (:func:`is_valid_voice_roll`), e.g. from :func:`decode_voices`.
    steps_per_beat : int
        Time steps per quarter note, in [1, 96].
    tempo : float
        Quarter notes per minute, positive.
    pitch_offset : int
        MIDI pitch of column 0.
    velocity : int
        MIDI velocity of every note, in [1, 127].

    Returns
    -------
    dict
        ``{"S": [Note, ...], "A": [...], "T": [...], "B": [...]}``, each sorted by start.

    Raises
    ------
    ValueError
        If the roll is not one valid four-voice roll, or a parameter is out of range.

    Examples
    --------
    >>> roll = np.zeros((8, 64, 4), "float32")
    >>> roll[0:4, 72 - 28, 0] = 1; roll[4:8, 74 - 28, 0] = 1   # soprano C5 then D5, a half note each
    >>> [(n.pitch, n.start, n.end) for n in voice_notes(roll, tempo=120)["S"]]
    [(72, 0.0, 0.5), (74, 0.5, 1.0)]
    """
    arr = _as_voice_array("roll", roll)
    if arr.ndim != 3:
        raise ValueError(f"roll has shape {arr.shape}; one roll (time_steps, n_pitches, 4) expected")
    steps_per_beat = check_in_range("steps_per_beat", steps_per_beat, 1, 96, integer=True)
    tempo = check_positive("tempo", tempo)
    velocity = check_in_range("velocity", velocity, 1, 127, integer=True)
    if not is_valid_voice_roll(arr, pitch_offset=pitch_offset):
        raise ValueError(
            "roll must be a valid four-voice roll (binary, at most one pitch per voice and step, inside each "
            "voice's range): decode a generator's output with decode_voices first"
        )
    step = seconds_per_step(tempo=tempo, steps_per_beat=steps_per_beat)
    sounding = arr.sum(axis=1) > 0  # (time_steps, 4)
    pitch = np.where(sounding, arr.argmax(axis=1), -1)
    notes = {}
    for v, voice in enumerate(VOICES):
        column = pitch[:, v]
        change = np.flatnonzero(np.diff(column) != 0) + 1
        starts = np.concatenate([[0], change])
        ends = np.concatenate([change, [len(column)]])
        notes[voice] = [
            Note(pitch=int(pitch_offset + column[s]), start=s * step, end=e * step, velocity=velocity)
            for s, e in zip(starts, ends)
            if column[s] >= 0
        ]
    return notes



#: Synth settings per voice for :func:`render_voices`: brighter upper voices, a plucked bass that carries.
_VOICE_SOUND = {
    "S": {"instrument": "additive", "gain": 0.22},
    "A": {"instrument": "additive", "gain": 0.17},
    "T": {"instrument": "additive", "gain": 0.17},
    "B": {"instrument": "karplus", "gain": 0.30},
}

#: General MIDI programs for the four voice tracks (52 = choir aahs, 32 = acoustic bass).
VOICE_PROGRAMS = {"S": 52, "A": 52, "T": 52, "B": 32}

#: Where Debian's fluid-soundfont-gm (and conda-forge's fluidsynth users, by convention) put a General MIDI SoundFont.
SOUNDFONT_PATHS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/soundfonts/FluidR3_GM.sf2", "/usr/share/sounds/sf2/default-GM.sf2")

FLUIDSYNTH_HELP = (
    "install FluidSynth and a General MIDI SoundFont: Debian/Ubuntu `sudo apt-get install fluidsynth "
    "fluid-soundfont-gm`; conda `conda install -c conda-forge fluidsynth` plus a .sf2 file passed as soundfont=; "
    "or use the built-in renderer (renderer='synth')"
)


def render_voices(notes_by_voice, sr: int = 22050) -> np.ndarray:
    """Render the notes of four voices with :mod:`musiclib.synth`, one timbre per voice, as one mono waveform.

    Chapter: 09_training_a_music_gan

    Parameters
    ----------
    notes_by_voice : dict
        ``{"S": [Note, ...], ...}`` as returned by :func:`voice_notes`.
    sr : int
        Sample rate in Hz.

    Returns
    -------
    np.ndarray [shape=(n_samples,), dtype=float32]
        In [-1, 1] (peak-limited to 0.99 if the voices add up louder).

    Examples
    --------
    >>> roll = np.zeros((16, 64, 4), "float32"); roll[:, 44, 0] = roll[:, 36, 3] = 1
    >>> y = render_voices(voice_notes(roll), sr=8000)
    >>> y.dtype, bool(np.abs(y).max() <= 1)
    (dtype('float32'), True)
    """
    from .synth import render_notes

    if not isinstance(notes_by_voice, dict) or not set(notes_by_voice) <= set(VOICES):
        raise ValueError(f"notes_by_voice must be a dict with keys among {VOICES}")
    parts = [render_notes(notes, sr, **_VOICE_SOUND[voice]) for voice, notes in notes_by_voice.items() if notes]
    if not parts:
        return np.zeros(int(sr * 0.1), dtype=np.float32)
    y = np.zeros(max(len(p) for p in parts), dtype=np.float32)
    for part in parts:
        y[: len(part)] += part
    peak = float(np.abs(y).max())
    return (y * (0.99 / peak) if peak > 0.99 else y).astype(np.float32)


def find_soundfont(soundfont=None):
    """The SoundFont to use: ``soundfont`` if given and present, else the first of :data:`SOUNDFONT_PATHS`; or None."""
    from pathlib import Path

    if soundfont is not None:
        return Path(soundfont) if Path(soundfont).is_file() else None
    return next((Path(p) for p in SOUNDFONT_PATHS if Path(p).is_file()), None)


def render_midi_fluidsynth(midi_path, wav_path, *, sr: int = 22050, soundfont=None) -> None:
    """Render a MIDI file to WAV with the FluidSynth program and a General MIDI SoundFont.

    Chapter: 09_training_a_music_gan (optional: CI and the course never need it)

    Raises
    ------
    RuntimeError
        If the ``fluidsynth`` program or a SoundFont is missing (the message says how to install them), or
        FluidSynth fails.
    """
    import shutil
    import subprocess

    program = shutil.which("fluidsynth")
    font = find_soundfont(soundfont)
    if program is None or font is None:
        missing = "the fluidsynth program" if program is None else f"a SoundFont ({soundfont or ', '.join(SOUNDFONT_PATHS)})"
        raise RuntimeError(f"renderer 'fluidsynth' needs {missing}: {FLUIDSYNTH_HELP}")
    sr = check_in_range("sr", sr, 8000, 192000, integer=True)
    result = subprocess.run(
        [program, "-ni", "-g", "0.8", "-r", str(sr), "-F", str(wav_path), str(font), str(midi_path)],
        capture_output=True, text=True, timeout=600, check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"fluidsynth failed ({result.returncode}): {result.stderr.strip()[-500:]}")
