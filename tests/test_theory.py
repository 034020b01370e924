"""Tests for musiclib.theory against music21 (an independent implementation) and closed forms."""

import itertools
from fractions import Fraction

import numpy as np
import pytest
from music21 import corpus, harmony, interval, pitch
from music21 import scale as m21scale

from musiclib import theory

MIDI_ALL = range(128)


def m21_pitch(step, alter, octave):
    """A music21 Pitch built from parts (music21 reads the string "C-1" as C-flat 1)."""
    p = pitch.Pitch()
    p.step = step
    p.accidental = pitch.Accidental(alter) if alter else None
    p.octave = octave
    return p


# ---------------------------------------------------------------- note names and MIDI


def parts(name):
    """Split our note name into (step, alter, octave) for music21."""
    step, rest = name[0], name[1:]
    alter = rest.count("#") - rest.count("b")
    return step, alter, int(rest.lstrip("#b"))


@pytest.mark.parametrize("midi", MIDI_ALL)
def test_midi_to_note_matches_music21(midi):
    for prefer_sharps in (True, False):
        name = theory.midi_to_note(midi, prefer_sharps=prefer_sharps)
        step, alter, octave = parts(name)
        assert m21_pitch(step, alter, octave).midi == midi, name
        assert abs(alter) <= 1 and (alter >= 0 if prefer_sharps else alter <= 0)
        assert theory.note_to_midi(name) == midi
    # music21's own spelling (it writes flats as "-", e.g. "E--1" for E-flat -1) reads back the same.
    ref = pitch.Pitch(midi=midi)
    ours = ref.step + "#" * max(0, int(ref.alter)) + "b" * max(0, -int(ref.alter)) + str(ref.octave)
    assert theory.note_to_midi(ours) == midi


ACCIDENTALS = {"": 0, "#": 1, "##": 2, "b": -1, "bb": -2}


@pytest.mark.parametrize("octave", [-1, 0, 3, 4, 8, 9])
def test_note_to_midi_all_spellings_match_music21(octave):
    checked = 0
    for step, (acc, alter) in itertools.product("CDEFGAB", ACCIDENTALS.items()):
        ref = int(m21_pitch(step, alter, octave).ps)  # .ps is not clamped to 0-127 like .midi
        name = f"{step}{acc}{octave}"
        if 0 <= ref <= 127:
            assert theory.note_to_midi(name) == ref, name
            assert theory.note_to_midi(name.lower() if not acc.startswith("b") else name) == ref
            checked += 1
        else:
            with pytest.raises(ValueError, match="name"):
                theory.note_to_midi(name)
    assert checked > 0


@pytest.mark.parametrize(
    "name, midi",
    [("C4", 60), ("A4", 69), ("C-1", 0), ("G9", 127), ("Cb4", 59), ("B#3", 60), ("E#4", 65), ("Fb4", 64),
     ("C##4", 62), ("Dbb4", 60), ("C♯4", 61), ("D♭4", 61), ("B♭♭3", 57), ("F♯♯2", 43), ("bb3", 58), ("a0", 21)],
)
def test_note_to_midi_known_values(name, midi):
    assert theory.note_to_midi(name) == midi


@pytest.mark.parametrize(
    "name", ["H4", "C", "C#x4", "Cx4", "C###4", "Cbbb4", "C#b4", "4C", "", " C4", "C4.5", "C+4", "G#9", "Cb-1", "C10", 60, None]
)
def test_note_to_midi_rejects_bad_names(name):
    with pytest.raises(ValueError, match="name"):
        theory.note_to_midi(name)


@pytest.mark.parametrize("midi", [-1, 128, 60.0, 60.5, "60", True, None, np.nan, 2**70, 10**400, np.bool_(True)])
def test_midi_to_note_rejects_bad_midi(midi):
    with pytest.raises(ValueError, match="midi"):
        theory.midi_to_note(midi)


@pytest.mark.parametrize("prefer_sharps", ["no", 0, None])
def test_midi_to_note_rejects_non_bool_prefer_sharps(prefer_sharps):
    with pytest.raises(ValueError, match="prefer_sharps"):
        theory.midi_to_note(61, prefer_sharps=prefer_sharps)


def test_midi_to_note_accepts_numpy_integers():
    assert theory.midi_to_note(np.int64(61), prefer_sharps=False) == "Db4"


# ---------------------------------------------------------------- frequencies


def test_midi_to_hz_matches_music21_for_all_midi_numbers():
    ref = np.array([pitch.Pitch(midi=m).frequency for m in MIDI_ALL])
    ours = theory.midi_to_hz(np.arange(128))
    assert isinstance(ours, np.ndarray) and ours.shape == (128,)
    np.testing.assert_allclose(ours, ref, rtol=1e-12)


def test_midi_to_hz_anchors_are_exact():
    assert theory.midi_to_hz(69) == 440.0
    assert theory.midi_to_hz(81) == 880.0 and theory.midi_to_hz(57) == 220.0
    assert theory.midi_to_hz(69, a4=415.0) == 415.0
    assert isinstance(theory.midi_to_hz(60), float)
    # One semitone is the twelfth root of two; 100 cents of fractional MIDI = 1 semitone.
    # (relative: NumPy's exp2 is exact to a few ulp, and its SIMD version differs by CPU)
    assert theory.midi_to_hz(70) / theory.midi_to_hz(69) == pytest.approx(2 ** (1 / 12), rel=4e-15)
    assert theory.midi_to_hz(69.5) == pytest.approx(440 * 2 ** (0.5 / 12))


def test_hz_to_midi_round_trip(rng):
    x = rng.uniform(0, 127, size=1000)
    # float64 tolerances relative to the largest magnitude (MIDI 127), not bare absolute numbers
    np.testing.assert_allclose(theory.hz_to_midi(theory.midi_to_hz(x)), x, atol=1e-11 * np.abs(x).max())
    hz = rng.uniform(8.2, 12500, size=1000)  # MIDI 0 (8.18 Hz) to 127 (12 543.9 Hz)
    np.testing.assert_allclose(theory.midi_to_hz(theory.hz_to_midi(hz)), hz, rtol=1e-12)
    assert theory.hz_to_midi(440.0) == 69.0 and isinstance(theory.hz_to_midi(440.0), float)
    assert theory.hz_to_midi(261.6255653005986) == pytest.approx(60.0, rel=1e-13)
    assert theory.hz_to_midi(np.array([[440.0, 880.0]])).shape == (1, 2)


@pytest.mark.parametrize(
    "hz",
    [0.0, -440.0, np.nan, np.inf, [440.0, -1.0], "440", None,
     np.array([440 + 300j]), 440 + 300j, [440.0, 1j],  # complex: gave 69.0, dropping the imaginary part
     2**70 * 10**300, np.array([2**70], dtype=object), [[440.0], [440.0, 880.0]], True, np.array([True])],
)
def test_hz_to_midi_rejects_bad_hz(hz):
    with pytest.raises(ValueError, match="hz"):
        theory.hz_to_midi(hz)


@pytest.mark.parametrize(
    "func, kwargs, param",
    [
        (theory.midi_to_hz, {"midi": np.nan}, "midi"),
        (theory.midi_to_hz, {"midi": [60, np.inf]}, "midi"),
        (theory.midi_to_hz, {"midi": "A4"}, "midi"),
        (theory.midi_to_hz, {"midi": -1}, r"midi=-1\.0 must be a MIDI number in \[0, 127\]"),
        (theory.midi_to_hz, {"midi": [60, 127.5]}, r"midi=.*\[0, 127\]"),
        (theory.midi_to_hz, {"midi": 69, "a4": 0.0}, "a4"),
        (theory.hz_to_midi, {"hz": 440.0, "a4": -440.0}, "a4"),
        (theory.ratio_to_cents, {"ratio": 0.0}, "ratio"),
        (theory.cents_to_ratio, {"cents": np.nan}, "cents"),
        (theory.cents_to_ratio, {"cents": 1e7}, "cents"),  # overflowed to inf
        (theory.cents_to_ratio, {"cents": np.array([1j])}, "cents"),
        (theory.ratio_to_cents, {"ratio": np.array([1.5 + 1j])}, "ratio"),
        (theory.midi_to_hz, {"midi": np.array([60 + 1j])}, "midi"),
        (theory.midi_to_hz, {"midi": 69, "a4": 2**70 * 10**300}, "a4"),  # np.isfinite raised an unnamed TypeError
    ],
)
def test_frequency_functions_bad_inputs(func, kwargs, param):
    with pytest.raises(ValueError, match=param):
        func(**kwargs)


def test_cents():
    assert theory.ratio_to_cents(2.0) == 1200.0
    assert theory.ratio_to_cents(Fraction(3, 2)) == pytest.approx(701.955, abs=1e-3)
    np.testing.assert_allclose(theory.cents_to_ratio(theory.ratio_to_cents([1.1, 1.5, 3.0])), [1.1, 1.5, 3.0])
    # 12-TET intervals are exactly 100 cents per semitone.
    ratios = theory.midi_to_hz(np.arange(60, 73)) / theory.midi_to_hz(60)
    np.testing.assert_allclose(theory.ratio_to_cents(ratios), 100 * np.arange(13), atol=1e-12 * 1200)


def test_just_ratios_are_close_to_12tet():
    for n, ratio in theory.JUST_RATIOS.items():
        err = theory.ratio_to_cents(ratio) - 100 * n
        assert abs(err) < 18, (n, err)  # every 5-limit ratio here is within 18 cents
    assert theory.ratio_to_cents(theory.JUST_RATIOS[7]) - 700 == pytest.approx(1.955, abs=1e-3)
    assert theory.ratio_to_cents(theory.JUST_RATIOS[4]) - 400 == pytest.approx(-13.686, abs=1e-3)


# ---------------------------------------------------------------- intervals


@pytest.mark.parametrize("n", [n for n in range(25) if n not in (6, 18)])
def test_interval_name_matches_music21(n):
    ref = interval.Interval(n).niceName.lower()  # e.g. "perfect fifth", "perfect octave"
    ref = {"perfect unison": "unison", "perfect octave": "octave", "perfect double-octave": "2 octaves"}.get(ref, ref)
    assert theory.interval_name(n) == ref


def test_interval_name_tritones_compound_and_descending():
    assert theory.interval_name(6) == "tritone"
    assert theory.interval_name(18) == "augmented eleventh"
    assert theory.interval_name(24) == "2 octaves"
    assert theory.interval_name(28) == "2 octaves + major third"
    assert theory.interval_name(36) == "3 octaves"
    assert theory.interval_name(-7) == "descending perfect fifth"
    assert theory.interval_name(-12) == "descending octave"
    assert theory.interval_name(np.int32(3)) == "minor third"


@pytest.mark.parametrize("semitones", [1.5, 7.0, "7", None, True, 128, -128, pytest.param(10**5000, id="10**5000")])
def test_interval_name_bad_inputs(semitones):
    with pytest.raises(ValueError, match="semitones"):
        theory.interval_name(semitones)


# ---------------------------------------------------------------- scales

M21_SCALES = {
    "major": m21scale.MajorScale,
    "ionian": m21scale.MajorScale,
    "dorian": m21scale.DorianScale,
    "phrygian": m21scale.PhrygianScale,
    "lydian": m21scale.LydianScale,
    "mixolydian": m21scale.MixolydianScale,
    "minor": m21scale.MinorScale,
    "aeolian": m21scale.MinorScale,
    "locrian": m21scale.LocrianScale,
    "harmonic_minor": m21scale.HarmonicMinorScale,
    "melodic_minor": m21scale.MelodicMinorScale,  # its getPitches is the ascending form
    "chromatic": m21scale.ChromaticScale,
}


@pytest.mark.parametrize("mode", sorted(M21_SCALES))
@pytest.mark.parametrize("tonic", ["C4", "D4", "F#3", "Bb2", "Eb5", "A0"])
def test_scale_matches_music21(mode, tonic):
    m21_tonic = tonic.replace("b", "-") if len(tonic) == 3 and tonic[1] == "b" else tonic
    ref = M21_SCALES[mode](m21_tonic)
    top = pitch.Pitch(m21_tonic).transpose(12)
    expected = [p.midi for p in ref.getPitches(m21_tonic, top)]
    assert theory.scale(tonic, mode) == expected
    assert theory.scale(theory.note_to_midi(tonic), mode) == expected


def test_scale_pentatonic_and_blues():
    assert theory.scale("C4", "major_pentatonic") == [60, 62, 64, 67, 69, 72]
    assert theory.scale("A3", "minor_pentatonic") == [57, 60, 62, 64, 67, 69]
    assert theory.scale("A3", "blues") == [57, 60, 62, 63, 64, 67, 69]
    # The five pitch classes of C major pentatonic are those of A minor pentatonic.
    assert {p % 12 for p in theory.scale("C4", "major_pentatonic")} == {p % 12 for p in theory.scale("A3", "minor_pentatonic")}


def test_modes_are_rotations_of_the_major_scale():
    major_steps = np.diff(theory.SCALE_INTERVALS["major"])
    for k, mode in enumerate(["ionian", "dorian", "phrygian", "lydian", "mixolydian", "aeolian", "locrian"]):
        np.testing.assert_array_equal(np.diff(theory.SCALE_INTERVALS[mode]), np.roll(major_steps, -k))


def test_scale_intervals_table_is_well_formed():
    for mode, steps in theory.SCALE_INTERVALS.items():
        assert steps[0] == 0 and steps[-1] == 12 and all(np.diff(steps) > 0), mode


@pytest.mark.parametrize(
    "tonic, mode, param",
    [("C4", "hungarian", "mode"), ("C4", "Major", "mode"), ("H4", "major", "tonic"), (116, "major", "tonic"),
     (-1, "major", "tonic"), (60.0, "major", "tonic"), (None, "major", "tonic")],
)
def test_scale_bad_inputs(tonic, mode, param):
    with pytest.raises(ValueError, match=param):
        theory.scale(tonic, mode)


def test_scale_unknown_mode_lists_the_modes():
    with pytest.raises(ValueError, match="dorian"):
        theory.scale("C4", "hungarian")


# ---------------------------------------------------------------- chords

M21_KINDS = {
    "maj": "major",
    "min": "minor",
    "dim": "diminished",
    "aug": "augmented",
    "sus2": "suspended-second",
    "sus4": "suspended-fourth",
    "7": "dominant-seventh",
    "maj7": "major-seventh",
    "min7": "minor-seventh",
    "dim7": "diminished-seventh",
    "hdim7": "half-diminished-seventh",
    "minmaj7": "minor-major-seventh",
    "aug7": "augmented-seventh",
    "6": "major-sixth",
    "min6": "minor-sixth",
    "9": "dominant-ninth",
    "maj9": "major-ninth",
    "min9": "minor-ninth",
}


def test_chord_table_covers_music21_kinds():
    assert set(M21_KINDS) == set(theory.CHORD_QUALITIES) == set(theory.CHORD_QUALITY_NAMES)


@pytest.mark.parametrize("quality", sorted(M21_KINDS))
@pytest.mark.parametrize("root", ["C4", "F#3", "Bb4", "E2"])
def test_chord_matches_music21_chord_symbols(quality, root):
    ref = harmony.ChordSymbol(root=root[:-1].replace("b", "-"), kind=M21_KINDS[quality])
    expected_steps = sorted(p.midi - ref.root().midi for p in ref.pitches)
    ours = theory.chord(root, quality)
    assert [p - ours[0] for p in ours] == expected_steps
    assert ours[0] == theory.note_to_midi(root)


@pytest.mark.parametrize(
    "quality, common_name",
    [("maj", "major triad"), ("min", "minor triad"), ("dim", "diminished triad"), ("aug", "augmented triad"),
     ("7", "dominant seventh chord"), ("maj7", "major seventh chord"), ("min7", "minor seventh chord"),
     ("dim7", "diminished seventh chord"), ("hdim7", "half-diminished seventh chord"),
     ("aug7", "augmented seventh chord"), ("maj9", "major-ninth chord"), ("min9", "minor-ninth chord"),
     # music21 hears the sixth chords as inverted sevenths with the same notes (C6 = Am7/C).
     ("6", "minor seventh chord"), ("min6", "half-diminished seventh chord")],
)
def test_chord_common_names_from_music21(quality, common_name):
    from music21 import chord as m21chord

    assert m21chord.Chord(theory.chord("D4", quality)).commonName == common_name


@pytest.mark.parametrize("quality", sorted(theory.CHORD_QUALITIES))
def test_chord_inversions(quality):
    root_position = theory.chord(60, quality)
    for k in range(len(root_position)):
        inv = theory.chord(60, quality, inversion=k)
        assert inv == sorted(inv) and len(inv) == len(root_position)
        assert sorted(p % 12 for p in inv) == sorted(p % 12 for p in root_position)
        assert inv[0] == root_position[k]  # the k-th chord tone is in the bass
        assert inv[-1] - inv[0] < 24
    assert theory.chord("C4", "maj", inversion=1) == [64, 67, 72]
    assert theory.chord("C4", "maj", inversion=2) == [67, 72, 76]


@pytest.mark.parametrize(
    "root, quality, inversion, param",
    [("C4", "major", 0, "quality"), ("C4", "m7", 0, "quality"), ("X4", "maj", 0, "root"), (128, "maj", 0, "root"),
     (125, "maj", 0, "root"), ("C4", "maj", 3, "inversion"), ("C4", "maj", -1, "inversion"), ("C4", "7", 1.0, "inversion"),
     (2**70, "maj", 0, "root"), ("C4", ["maj"], 0, "quality"), ("C4", "maj", 2**70, "inversion")],
)
def test_chord_bad_inputs(root, quality, inversion, param):
    with pytest.raises(ValueError, match=param):
        theory.chord(root, quality, inversion)


# ---------------------------------------------------------------- keys


def test_krumhansl_kessler_profiles_match_music21():
    from music21.analysis.discrete import KrumhanslSchmuckler

    ks = KrumhanslSchmuckler()
    np.testing.assert_array_equal(theory.KRUMHANSL_KESSLER_MAJOR, ks.getWeights("major"))
    np.testing.assert_array_equal(theory.KRUMHANSL_KESSLER_MINOR, ks.getWeights("minor"))


def test_pitch_class_histogram():
    h = theory.pitch_class_histogram([60, 72, 64, 67, 61], weights=[1.0, 1.0, 2.0, 0.0, 4.0])
    np.testing.assert_allclose(h, np.array([2, 4, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]) / 8)
    assert theory.pitch_class_histogram(np.array([0, 127])).sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "pitches, weights, param",
    [([], None, "midi_pitches"), ([60.5], None, "midi_pitches"), ([128], None, "midi_pitches"), ([[60]], None, "midi_pitches"),
     ([60, 62], [1.0], "weights"), ([60, 62], [1.0, -1.0], "weights"), ([60, 62], [0.0, 0.0], "weights"),
     ([60, np.nan], None, "midi_pitches"), ([60 + 1j], None, "midi_pitches"), ([True, False], None, "midi_pitches"),
     ([60, 62], [1e308, 1e308], "weights"), ([60, 62], [1j, 1.0], "weights")],
)
def test_pitch_class_histogram_bad_inputs(pitches, weights, param):
    with pytest.raises(ValueError, match=param):
        theory.pitch_class_histogram(pitches, weights)


@pytest.mark.parametrize("mode, scale_mode", [("major", "major"), ("minor", "minor"), ("minor", "harmonic_minor")])
@pytest.mark.parametrize("tonic_pc", range(12))
def test_estimate_key_on_the_scale_of_every_key(mode, scale_mode, tonic_pc):
    # scale() includes the octave, so the tonic counts twice: enough emphasis to
    # tell a key from its relative (C major and A minor share their notes).
    hist = theory.pitch_class_histogram(theory.scale(60 + tonic_pc, scale_mode))
    name, est_mode = theory.estimate_key(hist)
    assert est_mode == mode
    assert theory.note_to_midi(f"{name}4") % 12 == tonic_pc
    assert name == theory.KEY_TONIC_NAMES[mode][tonic_pc]


def test_key_correlations_match_direct_pearson(rng):
    hist = rng.uniform(0, 1, 12)
    corr = theory.key_correlations(hist)
    assert corr.shape == (2, 12)
    for row, profile in enumerate([theory.KRUMHANSL_KESSLER_MAJOR, theory.KRUMHANSL_KESSLER_MINOR]):
        for tonic in range(12):
            rotated = np.array([profile[(pc - tonic) % 12] for pc in range(12)])
            a, b = hist - hist.mean(), rotated - rotated.mean()
            assert corr[row, tonic] == pytest.approx(a @ b / np.sqrt((a @ a) * (b @ b)))
    # Transposing the histogram rotates the correlations.
    # atol: correlations near 0 have no meaningful relative precision (values lie in [-1, 1])
    np.testing.assert_allclose(theory.key_correlations(np.roll(hist, 5)), np.roll(corr, 5, axis=1), atol=1e-12)


def test_key_correlations_ignore_the_histogram_scale():
    """Pearson correlation is scale-free: huge or subnormal weights give the same numbers (no overflow)."""
    hist = theory.pitch_class_histogram(theory.scale("D4"))
    for scale in (1e300, 1e-310):
        np.testing.assert_allclose(theory.key_correlations(hist * scale), theory.key_correlations(hist), atol=1e-12)


@pytest.mark.parametrize(
    "hist", [np.ones(12), np.zeros(12), np.ones(11), -np.arange(12.0), np.full(12, np.nan), np.arange(12.0) * 1j]
)
def test_estimate_key_bad_histograms(hist):
    with pytest.raises(ValueError, match="pitch_class_histogram"):
        theory.estimate_key(hist)


# Chorales where music21's default key analysis (Aarden-Essen profiles) is also
# right next to Krumhansl-Schmuckler, plus bwv2.6 and bwv13.6 where the two
# profile sets disagree (g minor vs D major, Bb major vs F major): our
# estimate_key implements Krumhansl-Schmuckler, so it must match music21's
# 'key.krumhansl' exactly, correlation included, and may differ from 'key'.
CHORALES = ["bwv66.6", "bwv1.6", "bwv2.6", "bwv13.6", "bwv26.6", "bwv29.8"]


@pytest.fixture(scope="module")
def chorale_scores():
    return {name: corpus.parse(name) for name in CHORALES}


@pytest.mark.parametrize("name", CHORALES)
def test_estimate_key_matches_music21_on_bach_chorales(chorale_scores, name):
    score = chorale_scores[name]
    pitches, beats = [], []
    for element in score.flatten().notes:
        for p in element.pitches:
            pitches.append(p.midi)
            beats.append(float(element.quarterLength))
    hist = theory.pitch_class_histogram(pitches, weights=beats)
    tonic, mode = theory.estimate_key(hist)
    ref = score.analyze("key.krumhansl")
    assert (theory.note_to_midi(f"{tonic}4") % 12, mode) == (ref.tonic.pitchClass, ref.mode)
    assert theory.key_correlations(hist).max() == pytest.approx(ref.correlationCoefficient, abs=1e-6)


# ---------------------------------------------------------------- rhythm


def test_beats_and_seconds():
    assert theory.beats_to_seconds(4, 120) == 2.0
    assert theory.seconds_to_beats(2.0, 120) == 4.0
    np.testing.assert_allclose(theory.seconds_to_beats(theory.beats_to_seconds([0, 1.5, 7], 93), 93), [0, 1.5, 7])
    assert theory.note_duration_seconds("quarter", 60) == 1.0
    assert theory.note_duration_seconds("dotted_quarter", 120) == 0.75
    assert theory.note_duration_seconds("whole", 100) == pytest.approx(2.4)
    # A dot adds half the value; a triplet fits three notes in the time of two.
    for base in ("half", "quarter", "eighth"):
        assert theory.DURATIONS[f"dotted_{base}"] == 1.5 * theory.DURATIONS[base]
    assert 3 * theory.DURATIONS["triplet_eighth"] == pytest.approx(2 * theory.DURATIONS["eighth"])


def test_sequence_to_notes():
    notes = theory.sequence_to_notes(["C4", None, 64, "G4"], ["quarter", 1, "half", 0.5], 120, velocity=90, start=1.0)
    assert notes == [(60, 1.0, 1.5, 90), (64, 2.0, 3.0, 90), (67, 3.0, 3.25, 90)]
    assert theory.sequence_to_notes([], [], 100) == []


@pytest.mark.parametrize(
    "func, args, param",
    [
        (theory.beats_to_seconds, (1.0, 0.0), "tempo_bpm"),
        (theory.beats_to_seconds, (1.0, -60), "tempo_bpm"),
        (theory.beats_to_seconds, (-1.0, 60), "beats"),
        (theory.seconds_to_beats, (1.0, np.inf), "tempo_bpm"),
        (theory.seconds_to_beats, (-0.5, 60), "seconds"),
        (theory.note_duration_seconds, ("crotchet", 60), "note_value"),
        (theory.note_duration_seconds, ("quarter", 0), "tempo_bpm"),
        (theory.sequence_to_notes, ([60, 62], [1.0], 120), "same length"),
        (theory.sequence_to_notes, ([60], [0.0], 120), "beats"),
        (theory.sequence_to_notes, ([60], ["long"], 120), "beats"),
        (theory.sequence_to_notes, (["H2"], [1.0], 120), "pitches"),
        (theory.sequence_to_notes, ([60], [1.0], -5), "tempo_bpm"),
        (theory.sequence_to_notes, (5, [1.0], 120), "pitches"),  # TypeError: 'int' object is not iterable
        (theory.sequence_to_notes, ("C4", [1.0, 1.0], 120), "pitches"),  # a string is not a sequence of notes
        (theory.sequence_to_notes, ([60], None, 120), "beats"),
        (theory.sequence_to_notes, ([60], [True], 120), "beats"),
        (theory.beats_to_seconds, (1e300, 1e-300), "beats"),  # overflowed to inf
        (theory.beats_to_seconds, (np.array([1 + 1j]), 60), "beats"),
        (theory.seconds_to_beats, (1.0, 2**70 * 10**300), "tempo_bpm"),
    ],
)
def test_rhythm_bad_inputs(func, args, param):
    with pytest.raises(ValueError, match=param):
        func(*args)


# ---------------------------------------------------------------- plots (musiclib.plots.theory)


def test_plot_waveform_and_spectrum_draw_the_data():
    from musiclib import plots, synth

    y = synth.sine(440.0, 0.5, 22050, amplitude=0.5)
    line = plots.waveform(y, 22050, duration=0.01)
    assert line.get_xdata().size == 220 and line.get_xdata()[-1] == pytest.approx(219 / 22050)
    spec = plots.spectrum(y, 22050, fmax=2000)
    f, mag_db = spec.get_xdata(), spec.get_ydata()
    assert f.max() <= 2000 and f[np.argmax(mag_db)] == pytest.approx(440.0, abs=1.0)
    assert mag_db.max() == pytest.approx(20 * np.log10(0.5), abs=0.1)  # amplitude-calibrated
    lin = plots.spectrum(y, 22050, db=False, log_freq=True)
    assert lin.get_ydata().max() == pytest.approx(0.5, rel=0.01) and lin.get_xdata().min() >= 20
    assert lin.axes.get_xscale() == "log"


def test_plot_keyboard_highlights_and_names():
    from matplotlib.colors import to_rgba

    from musiclib import plots

    keys = plots.keyboard(["C4", "E4", 67, "Bb4"], low=61, high=72, color="red")
    assert min(keys) == 60 and max(keys) == 72  # widened to white keys
    assert len(keys) == 13
    for midi, patch in keys.items():
        expected = "red" if midi in (60, 64, 67, 70) else ("black" if midi % 12 in (1, 3, 6, 8, 10) else "white")
        assert patch.get_facecolor() == to_rgba(expected), midi
    texts = sorted(t.get_text() for t in keys[60].axes.texts)
    assert texts == ["A#4", "C4", "E4", "G4"]


@pytest.mark.parametrize(
    "call, param",
    [
        (lambda p: p.keyboard([60], ax="abc"), "ax"),  # was an AttributeError
        (lambda p: p.keyboard("C4"), "highlight"),
        (lambda p: p.keyboard([60], color="no-colour"), "color"),
        (lambda p: p.keyboard([60], prefer_sharps="no"), "prefer_sharps"),
        (lambda p: p.waveform(np.zeros(10), 22050, ax=5), "ax"),
        (lambda p: p.waveform(np.zeros(10), 22050, nonsense=1), "nonsense"),
        (lambda p: p.waveform(np.zeros(10), 10**9), "sr"),
        (lambda p: p.spectrum(np.ones(100), 22050, floor_db=np.nan), "floor_db"),
        (lambda p: p.spectrum(np.ones(100), 22050, db="yes"), "db"),
        (lambda p: p.pitch_class_bars(np.ones(12), width=-0.5), "width"),  # negative widths were drawn
        (lambda p: p.pitch_class_bars(np.ones(12), offset=np.inf), "offset"),
        (lambda p: p.pitch_class_bars(np.ones(12) * 1j), "values"),
        (lambda p: p.midi_vs_frequency(mark=[128]), "mark"),
        (lambda p: p.key_correlation_map(np.full((2, 12), 3.0)), "correlations"),
        (lambda p: p.key_correlation_map(np.zeros((2, 12)), cmap="no-cmap"), "cmap"),
        (lambda p: p.keyboard([60], low=70, high=60), "high"),
        (lambda p: p.keyboard([128]), "highlight"),
        (lambda p: p.keyboard(["H4"]), "name"),
        (lambda p: p.keyboard([60], labels="some"), "labels"),
        (lambda p: p.waveform(np.zeros((2, 10)), 22050), "y"),
        (lambda p: p.spectrum(np.ones(100), 22050, fmin=5000, fmax=1000), "fmin"),
        (lambda p: p.pitch_class_bars(np.ones(11)), "values"),
        (lambda p: p.key_correlation_map(np.ones((12, 2))), "correlations"),
    ],
)
def test_plot_bad_inputs(call, param):
    from musiclib import plots

    with pytest.raises((ValueError, TypeError), match=param):  # TypeError: ax or a line property
        call(plots)


def test_plot_pitch_and_key_helpers():
    from musiclib import plots

    line = plots.midi_vs_frequency(log_freq=True)
    np.testing.assert_allclose(line.get_ydata(), theory.midi_to_hz(np.arange(21, 109)))
    bars = plots.pitch_class_bars(theory.KRUMHANSL_KESSLER_MINOR)
    assert [b.get_height() for b in bars] == list(theory.KRUMHANSL_KESSLER_MINOR)
    corr = theory.key_correlations(theory.pitch_class_histogram(theory.scale("E4", "harmonic_minor")))
    image = plots.key_correlation_map(corr)
    np.testing.assert_array_equal(image.get_array(), corr)


# ---------------------------------------------------------------- exercises of chapters 01 and 02


# Each checker is tested against independent values in tests/test_exercises.py; here only likely mistakes.


@pytest.mark.parametrize(
    "exercise_id, wrong",
    [("01.1", 660.0), ("01.2", 84), ("01.3", "C4"), ("01.4", 39.9), ("01.5", np.zeros(22050)),
     ("02.1", "minor sixth"), ("02.2", -13.69), ("02.3", [64, 66, 67, 69, 71, 72, 74, 76]),
     ("02.4", [55, 59, 62, 65]), ("02.5", 12.0), ("02.6", ("G", "major"))],
)
def test_exercise_checkers_reject_wrong_answers(exercise_id, wrong):
    from musiclib.exercises import check

    assert not check(exercise_id, wrong)


def test_exercise_answers_that_should_count():
    from musiclib.exercises import check, ch01, ch02

    assert check("01.1", 659.255) and check("01.2", 83) and check("01.3", "Db4") and check("01.4", 38.9)
    assert check("02.1", "Major Sixth") and check("02.2", 13.69) and check("02.5", 10)
    assert ch02.SOLUTIONS["02.6"]() == ("E", "minor") and check("02.6", ["e", "minor"])
    assert ch01.SOLUTIONS["01.3"]() == "C#4"
