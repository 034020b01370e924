"""Every exercise checker (01.x to 08.x) against independent answers and against likely mistakes.

The right answers here are NOT musiclib's own reference solutions (``SOLUTIONS``): they are hand-computed numbers,
closed forms, or what another library (librosa, music21, mido, scipy, TensorFlow) says. Each checker must accept
them, and must reject the wrong answers a student is likely to give (wrong formula, wrong convention, wrong units,
rounded or truncated non-integers, a partial answer).
"""

import math

import numpy as np
import pytest
from scipy import fft as sp_fft
from scipy import stats
from scipy.spatial.distance import cdist

from musiclib.exercises import as_integer, as_integers, available, check

SR = 22050
T = np.arange(SR) / SR  # one second


def _tone(partials, f0=220.0, phase=0.0):
    """Sum of sines k·f0 with the given {k: amplitude}, one second at 22 050 Hz (built without musiclib)."""
    return sum(a * np.sin(2 * np.pi * k * f0 * T + phase * k) for k, a in partials.items())


CLARINET = {1: 1.0, 3: 1 / 3, 5: 1 / 5, 7: 1 / 7}


# ---------------------------------------------------------------- independent right answers


def _e5_hz_librosa():
    import librosa

    return float(librosa.note_to_hz("E5"))


def _fifth_above_f_sharp_3_music21():
    from music21 import pitch

    return pitch.Pitch("F#3").transpose("P5").nameWithOctave  # "C#4"


def _interval_c4_a4_music21():
    from music21 import interval, note

    return interval.Interval(note.Note("C4"), note.Note("A4")).niceName  # "Major Sixth"


def _e_harmonic_minor_music21():
    from music21 import scale

    return [p.midi for p in scale.HarmonicMinorScale("E").getPitches("E4", "E5")]


def _mystery_key_music21():
    from music21 import analysis, note, stream

    from musiclib.exercises.ch02 import MYSTERY_MELODY

    melody = stream.Stream([note.Note(name, quarterLength=beats) for name, beats in MYSTERY_MELODY])
    key = analysis.discrete.KrumhanslSchmuckler().getSolution(melody)
    return (key.tonic.name.replace("-", "b"), key.mode)


def _tick_1440_mido():
    import mido

    # 120 bpm = 500 000 µs per beat up to tick 960, then 60 bpm = 1 000 000 µs per beat.
    return mido.tick2second(960, 480, 500_000) + mido.tick2second(1440 - 960, 480, 1_000_000)


def _roll_03_2_by_hand():
    # 4 steps per beat at 120 bpm: a step lasts 0.125 s. (60, 0-0.5 s) fills steps 0-3 of column 0,
    # (62, 0.25-0.75 s) steps 2-5 of column 2, (64, 0.75-1 s) steps 6-7 of column 4.
    roll = np.zeros((8, 5))
    roll[0:4, 0] = 1
    roll[2:6, 2] = 1
    roll[6:8, 4] = 1
    return roll


def _is_valid_segment_independent(roll):
    roll = np.asarray(roll)
    return bool(np.isin(roll, (0, 1)).all() and (roll.sum(axis=1) <= 4).all())


def _alias_of_15_khz_by_fft():
    n = 22050  # 1 s: 1-Hz bins
    spectrum = np.abs(np.fft.rfft(np.sin(2 * np.pi * 15000 * np.arange(n) / SR)))
    return float(np.argmax(spectrum))  # 7050


def _frame_count_librosa():
    import librosa

    return librosa.stft(np.zeros(3 * SR, dtype=np.float32), n_fft=2048, hop_length=512, center=True).shape[1]


def _bin_of_440_librosa():
    import librosa

    return int(np.argmin(np.abs(librosa.fft_frequencies(sr=SR, n_fft=2048) - 440.0)))


def _slaney_mel_librosa():
    import librosa

    return float(librosa.hz_to_mel(2000.0))


def _tiny_net_bias_gradient_tf():
    import tensorflow as tf

    from musiclib.models import init_tiny_net

    params = init_tiny_net(2, 3, 1, seed=0)  # the exercise's network (its weights), not its answer
    b2 = tf.Variable(params["b2"])
    with tf.GradientTape() as tape:
        z = tf.tanh(tf.constant([[1.0, -1.0]], tf.float64) @ params["W1"] + params["b1"]) @ params["W2"] + b2
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.ones_like(z), logits=z))
    return float(tape.gradient(loss, b2).numpy()[0])


def _a_minor_chroma_music21():
    from music21 import chord

    classes = chord.Chord(["A3", "C4", "E4"]).pitchClasses
    return np.bincount(classes, minlength=12) / len(classes)


def _ring_bruteforce():
    """Modes covered and high-quality fraction of the 08.x samples, by brute-force distances (no musiclib.gan)."""
    from musiclib.exercises.ch08 import exercise_samples

    x = exercise_samples().astype(np.float64)
    angles = 2 * np.pi * np.arange(8) / 8
    centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    dist = cdist(x, centers)
    near = dist.min(axis=1) <= 3 * 0.1
    per_mode = np.bincount(dist.argmin(axis=1)[near], minlength=8)
    return x, near, per_mode


def _modes_covered():
    return int(np.sum(_ring_bruteforce()[2] >= 10))


def _high_quality():
    return float(_ring_bruteforce()[1].mean())


RIGHT = {
    "01.1": [lambda: 440 * 2 ** (7 / 12), _e5_hz_librosa, lambda: 659.255],
    "01.2": [lambda: round(69 + 12 * math.log2(1000 / 440)), lambda: 83.0, lambda: np.int64(83)],
    "01.3": [_fifth_above_f_sharp_3_music21, lambda: "Db4", lambda: "C#4"],
    "01.4": [lambda: 1200 * math.log2(450 / 440), lambda: 38.9],
    "01.5": [
        lambda: _tone(CLARINET),
        lambda: 0.2 * _tone(CLARINET, phase=1.0) * np.minimum(1.0, np.minimum(T, 1 - T) / 0.05),  # fades, other phases
        lambda: _tone(CLARINET).astype(np.float32).tolist(),
    ],
    "02.1": [_interval_c4_a4_music21, lambda: "major sixth"],
    "02.2": [lambda: 400 - 1200 * math.log2(5 / 4), lambda: 13.69],
    "02.3": [_e_harmonic_minor_music21, lambda: [64, 66, 67, 69, 71, 72, 75, 76],
             lambda: ["E4", "F#4", "G4", "A4", "B4", "C5", "D#5", "E5"]],
    "02.4": [lambda: [59, 62, 65, 67], lambda: np.array([59.0, 62.0, 65.0, 67.0])],  # B3 D4 F4 G4
    "02.5": [lambda: 3 * 4 * 60 / 72],
    "02.6": [_mystery_key_music21, lambda: ("E", "minor"), lambda: ["Fb", "minor"]],
    "03.1": [_tick_1440_mido, lambda: 2.0],
    "03.2": [_roll_03_2_by_hand, lambda: _roll_03_2_by_hand().astype(bool)],
    "03.3": [lambda: (-4, -1), lambda: [-4.0, -1.0], lambda: (np.int64(-4), np.int8(-1))],
    "03.4": [lambda: (12 - 4 + 1, 12 // 4), lambda: [9.0, 3.0]],
    "03.5": [lambda: _is_valid_segment_independent],
    "04.1": [_alias_of_15_khz_by_fft, lambda: 22050 - 15000],
    "04.2": [_frame_count_librosa, lambda: 1 + (3 * 22050) // 512],
    "04.3": [_bin_of_440_librosa, lambda: round(440 * 2048 / 22050)],
    "05.1": [_slaney_mel_librosa, lambda: 15 + 27 * math.log(2000 / 1000) / math.log(6.4)],
    "05.2": [lambda: sp_fft.dct(np.eye(8), type=2, norm="ortho", axis=0)],
    "05.3": [lambda: float(sp_fft.dct(np.full(40, -20.0), type=2, norm="ortho")[0]), lambda: -20 * math.sqrt(40)],
    "06.1": [lambda: 0.5 * (1 - 0.5)],
    "06.2": [lambda: (12 * 32 + 32) + (32 * 2 + 2)],
    "06.3": [_tiny_net_bias_gradient_tf],
    "06.4": [_a_minor_chroma_music21],
    "07.1": [lambda: 0.3 / (0.3 + 0.1)],
    "07.2": [lambda: -math.log(4)],
    "07.3": [lambda: math.log(2)],
    "07.4": [lambda: stats.wasserstein_distance([0, 1, 5], [4, 2, 3]), lambda: (2 + 2 + 1) / 3],
    "07.5": [lambda: (1 - 0.01) / 0.01],
    "07.6": [lambda: 2 * (1 + 2 / (2 * 10))],
    "08.1": [_modes_covered],
    "08.2": [_high_quality],
    "08.3": [lambda: {"minimax"}, lambda: "minimax", lambda: ["minimax"]],
    "08.4": [lambda: math.exp(6)],
}

# The mistakes a student is likely to make; each must be rejected (and so must the placeholder None).
WRONG = {
    "01.1": [lambda: 440 * 2 ** (8 / 12), lambda: 440 * 2 ** (-5 / 12), lambda: 76],  # a semitone off; E4; MIDI no.
    "01.2": [lambda: 69 + 12 * math.log2(1000 / 440), lambda: 84, lambda: 83.4],  # unrounded; rounded up; not whole
    "01.3": [lambda: "C#3", lambda: "C4", lambda: "B3", lambda: 61],  # octave not changed at C; 6 or 5 semitones; MIDI
    "01.4": [lambda: 10.0, lambda: 1200 * math.log10(450 / 440), lambda: 100 * math.log2(450 / 440)],
    "01.5": [
        lambda: _tone({k: 1 / k for k in range(1, 8)}),  # sawtooth: even harmonics too
        lambda: _tone({k: 1 / k for k in (1, 3, 5, 7, 9)}),  # one odd harmonic too many (the old checker stopped at 8)
        lambda: _tone({k: 1 / k**2 for k in (1, 3, 5, 7)}),  # triangle-like amplitudes 1/k²
        lambda: _tone({1: 1.0, 3: 1 / 3, 5: 1 / 3, 7: 1 / 3}),  # only the third right (the old checker's blind spot)
        lambda: _tone({1: 1.0, 3: 1 / 3, 5: 1 / 5}),  # the 7th missing
        lambda: _tone(CLARINET, f0=440.0),  # A4 instead of A3
        lambda: _tone(CLARINET) + 0.1 * np.random.default_rng(0).standard_normal(SR),  # noisy
        lambda: _tone(CLARINET)[:-50],  # not one second
        lambda: np.zeros(SR),
    ],
    "02.1": [lambda: "minor sixth", lambda: "major seventh", lambda: 9],
    "02.2": [lambda: 1200 * math.log2(5 / 4), lambda: -13.69, lambda: 14.0],
    "02.3": [lambda: [64, 66, 67, 69, 71, 72, 74, 76],  # natural minor
             lambda: [63.6, 66, 67, 69, 71, 72, 75, 76],  # not a MIDI number (rounding used to accept it)
             lambda: [64, 66, 67, 69, 71, 72, 75]],  # without the octave
    "02.4": [lambda: [55, 59, 62, 65], lambda: [62, 65, 67, 71], lambda: [59, 62, 65, 67.4]],  # root; 2nd inv.; non-int
    "02.5": [lambda: 12.0, lambda: 3 * 60 / 72, lambda: 3 * 4 * 72 / 60],
    "02.6": [lambda: ("G", "major"), lambda: ("E", "major"), lambda: ("B", "minor"), lambda: "E minor"],
    "03.1": [lambda: 1440 / 480 * 0.5, lambda: 1440 / 480 * 1.0, lambda: 1440],  # all 120 bpm; all 60 bpm; ticks
    "03.2": [lambda: _roll_03_2_by_hand().T,  # pitches x time
             lambda: np.pad(_roll_03_2_by_hand(), ((1, 0), (0, 0)))[:8],  # one step late
             lambda: np.vstack([_roll_03_2_by_hand()[:4], _roll_03_2_by_hand()[3:7]])],  # end included
    "03.3": [lambda: (4, 1), lambda: (8, -1), lambda: (-4.9, -1.2), lambda: (-4.2, -0.6), lambda: ("-4", "-1"),
             lambda: (-4,), lambda: (-4, -1, 0), lambda: (True, -1)],
    "03.4": [lambda: (12, 3), lambda: (8, 2), lambda: (9.5, 3.7), lambda: 9],
    "03.5": [lambda: (lambda roll: True),
             lambda: (lambda roll: bool(np.asarray(roll).sum(axis=1).max() <= 4)),  # misses the binary rule
             lambda: (lambda roll: bool(np.asarray(roll).sum(axis=0).max() <= 4)),  # counts per pitch, not per step
             lambda: (lambda roll: bool(np.isin(roll, (0, 1)).all() and (np.asarray(roll).sum(axis=1) < 4).all())),
             lambda: None],
    "04.1": [lambda: 15000.0, lambda: 15000.0 - 11025.0, lambda: 37050.0],
    "04.2": [lambda: 1 + (3 * 22050 - 2048) // 512, lambda: (3 * 22050) // 512, lambda: 130.5],  # uncentred; no +1
    "04.3": [lambda: int(440 * 2048 / 22050), lambda: 440, lambda: 440 * 2048 / 22050],  # truncated; Hz; unrounded
    "05.1": [lambda: 2595 * math.log10(1 + 2000 / 700), lambda: 2000 * 3 / 200],  # HTK; the linear part extended
    "05.2": [lambda: np.eye(8), lambda: sp_fft.dct(np.eye(8), type=2, axis=0),  # unnormalised
             lambda: sp_fft.dct(np.eye(8), type=2, norm="ortho", axis=0).T, lambda: np.ones((4, 4))],  # transposed
    "05.3": [lambda: -20.0, lambda: -20.0 * 40, lambda: math.sqrt(2) * math.sqrt(40) * -20.0],  # mean; sum; tf scale
    "06.1": [lambda: 0.5, lambda: 1.0, lambda: 0.0],
    "06.2": [lambda: 12 * 32 + 32 * 2, lambda: 12 * 32 + 32, lambda: 12 + 32 + 2],  # no biases; one layer; units
    "06.3": [lambda: -_tiny_net_bias_gradient_tf(), lambda: _tiny_net_bias_gradient_tf() + 1],  # sign; y - σ(z) + 1
    "06.4": [lambda: np.bincount([9, 1, 4], minlength=12) / 3,  # A major (C#)
             lambda: np.bincount([9, 0, 4], minlength=12).astype(float),  # not normalised
             lambda: np.bincount([0, 3, 7], minlength=12) / 3,  # counted from A = 0
             lambda: np.ones(12) / 12],
    "07.1": [lambda: 0.25, lambda: 3.0, lambda: 0.5],
    "07.2": [lambda: math.log(4), lambda: -math.log(2), lambda: 0.0],
    "07.3": [lambda: 1.0, lambda: math.inf, lambda: 0.0],  # bits instead of nats; KL's infinity; overlap
    "07.4": [lambda: (4 + 1 + 2) / 3, lambda: 5.0, lambda: stats.energy_distance([0, 1, 5], [4, 2, 3])],  # unsorted
    "07.5": [lambda: 1 / 99, lambda: 100.0, lambda: 0.99],
    "07.6": [lambda: 2.0, lambda: 1.1, lambda: 2 * (1 + 2 / 10)],  # W1 itself; s*; λ not doubled
    "08.1": [lambda: int(np.sum(_ring_bruteforce()[2] >= 1)),  # any sample counts a mode
             lambda: _modes_covered() + 0.5, lambda: "four"],
    "08.2": [lambda: 100 * _high_quality(),  # a percentage
             lambda: float(np.mean(cdist(_ring_bruteforce()[0], 2.0 * np.stack(
                 [np.cos(2 * np.pi * np.arange(8) / 8), np.sin(2 * np.pi * np.arange(8) / 8)], axis=1)).min(axis=1) <= 0.2)),
             lambda: float(_ring_bruteforce()[2][_ring_bruteforce()[2] >= 10].sum() / 600)],  # only covered modes
    "08.3": [lambda: {"minimax", "least_squares"}, lambda: {"nonsaturating"}, lambda: set()],
    "08.4": [lambda: math.exp(-6), lambda: 6.0, lambda: 1 / (1 + math.exp(6))],
}


def test_every_registered_exercise_has_independent_cases():
    # Chapters 01-08; the exercises of later chapters get their cases here when those chapters land.
    assert {k for k in available() if int(k.split(".")[0]) <= 8} == set(RIGHT) == set(WRONG)


@pytest.mark.parametrize("exercise_id,answer", [(k, f) for k, fs in RIGHT.items() for f in fs])
def test_checker_accepts_an_independent_right_answer(exercise_id, answer):
    result = check(exercise_id, answer())
    assert result, repr(result)


@pytest.mark.parametrize("exercise_id,answer", [(k, f) for k, fs in WRONG.items() for f in fs])
def test_checker_rejects_a_likely_mistake(exercise_id, answer):
    assert not check(exercise_id, answer())


@pytest.mark.parametrize("exercise_id", sorted(RIGHT))
def test_checker_rejects_the_placeholder(exercise_id):
    result = check(exercise_id, None)
    assert not result and result.message  # a hint, not an exception


def test_independent_values_are_the_numbers_the_chapters_expect():
    """Pin the independent answers to hand-derived numbers, so a wrong library call cannot pass both sides."""
    assert _e5_hz_librosa() == pytest.approx(659.2551, abs=1e-4)
    assert _fifth_above_f_sharp_3_music21() == "C#4"
    assert _interval_c4_a4_music21() == "Major Sixth"
    assert _mystery_key_music21() == ("E", "minor")
    assert _tick_1440_mido() == pytest.approx(2.0)
    assert _alias_of_15_khz_by_fft() == 7050
    assert _frame_count_librosa() == 130
    assert _bin_of_440_librosa() == 41
    assert _slaney_mel_librosa() == pytest.approx(25.0819, abs=1e-4)
    assert np.flatnonzero(_a_minor_chroma_music21()).tolist() == [0, 4, 9]
    # exercise_samples() puts 250, 180, 40, 6 and 14 samples on modes 0, 1, 3, 4 and 7 (σ = 0.08 < 0.1) and 110
    # half-way between modes 0 and 1, 0.77 from both centres: 4 modes reach 10 samples, (250+180+40+6+14)/600 near one.
    _, near, per_mode = _ring_bruteforce()
    assert _modes_covered() == 4
    assert abs(near.sum() - 490) <= 2


@pytest.mark.parametrize("value,expected", [(3, 3), (3.0, 3), (np.int64(-4), -4), (np.float32(7.0), 7)])
def test_as_integer_accepts_whole_numbers(value, expected):
    assert as_integer(value) == expected and isinstance(as_integer(value), int)


@pytest.mark.parametrize("value", [None, 2.5, -4.9, "3", True, np.bool_(False), math.nan, math.inf])
def test_as_integer_rejects_everything_else(value):
    with pytest.raises(ValueError):
        as_integer(value)


def test_as_integers_checks_length_and_type():
    assert as_integers([1, 2.0], length=2) == (1, 2)
    for bad in (None, "12", 5, [1], [1, 2, 3]):
        with pytest.raises(ValueError):
            as_integers(bad, length=2)
