"""musiclib.metrics, chapter 10: features on hand-built rolls, voice leading against music21, set comparisons
against closed forms, bad input."""

import numpy as np
import pytest
from scipy import stats

from musiclib import metrics
from musiclib.data import PITCH_OFFSET, VOICE_RANGES

# A fixed spelling in which every fifth but D#-Bb is perfect, for music21 (it spells intervals, we count semitones).
SPELLING = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "B-", "B"]


def _name(midi):
    return f"{SPELLING[midi % 12]}{midi // 12 - 1}"


def _satb(*chords, steps=4, n_steps=None):
    """Rolls from chords (S, A, T, B MIDI pitches or None for a rest), each held ``steps`` steps."""
    n_steps = n_steps or steps * len(chords)
    roll = np.zeros((1, n_steps, 64, 4), "float32")
    for k, chord in enumerate(chords):
        for v, p in enumerate(chord):
            if p is not None:
                roll[0, k * steps:(k + 1) * steps, p - PITCH_OFFSET, v] = 1
    return roll


# ----- per-sample features -------------------------------------------------------------------------------------


def test_c_major_scale_has_scale_consistency_one_and_known_features():
    roll = _satb(*[(p, None, None, None) for p in [60, 62, 64, 65, 67, 69, 71, 72]], steps=2)
    f = metrics.sample_features(roll)
    assert f["scale_consistency"][0] == 1.0
    assert f["pitch_range"][0] == 12 and f["pitches_used"][0] == 8
    assert f["empty_beat_rate"][0] == 0.0 and f["qualified_note_rate"][0] == 0.0  # eighths: 2 steps < 3
    assert f["mean_interval"][0] == pytest.approx((2 + 2 + 1 + 2 + 2 + 2 + 1) / 7)
    assert f["mean_ioi"][0] == 2.0 and f["polyphony"][0] == 1.0


def test_harmonic_minor_counts_as_a_scale_but_a_chromatic_run_does_not():
    a_minor = [57, 59, 60, 62, 64, 65, 68, 69]
    roll = _satb(*[(p, None, None, None) for p in a_minor], steps=2)
    assert metrics.sample_features(roll)["scale_consistency"][0] == 1.0
    chromatic = _satb(*[(p, None, None, None) for p in range(60, 72)], steps=1, n_steps=16)
    assert metrics.sample_features(chromatic)["scale_consistency"][0] == pytest.approx(7 / 12)


def test_empty_roll_has_empty_beat_rate_one_and_nan_note_features():
    f = metrics.sample_features(np.zeros((2, 16, 64, 4), "float32"))
    assert f["empty_beat_rate"].tolist() == [1.0, 1.0]
    for key in ("scale_consistency", "pitch_range", "qualified_note_rate", "mean_ioi", "tonal_distance"):
        assert np.isnan(f[key]).all(), key


def test_empty_beats_and_polyphony_counted_per_beat_and_step():
    roll = _satb((60, 55, 52, 48), (None, None, None, None), (60, 55, None, None), (None, None, None, None))
    f = metrics.sample_features(roll)
    assert f["empty_beat_rate"][0] == 0.5
    assert f["polyphony"][0] == 3.0  # 4 voices on beat 1, 2 on beat 3
    assert f["qualified_note_rate"][0] == 1.0


def test_merged_and_separate_features_agree_where_both_are_defined(rng):
    from musiclib.voices import merge_voices

    roll = _satb((72, 67, 64, 48), (74, 65, 62, 50), (72, 64, 55, 48), (71, 62, 55, 43), steps=4)
    sep = metrics.sample_features(roll)
    mer = metrics.sample_features(merge_voices(roll), voices="merged")
    for key in ("pitch_classes_used", "pitches_used", "pitch_range", "polyphony", "empty_beat_rate", "mean_ioi"):
        assert sep[key][0] == pytest.approx(mer[key][0]), key
    assert set(mer) < set(sep)


def test_pitch_class_histogram_sums_to_one_and_weights_by_duration():
    roll = _satb((72, 67, 64, 48), steps=4)
    hist = metrics.pitch_class_histogram(roll)
    assert hist.sum() == pytest.approx(1.0)
    assert hist[0, 0] == pytest.approx(0.5) and hist[0, 7] == pytest.approx(0.25) and hist[0, 4] == pytest.approx(0.25)


def test_transition_matrix_counts_consecutive_notes_of_a_voice():
    roll = _satb((60, None, None, None), (67, None, None, None), (60, None, None, None), (62, None, None, None))
    counts = metrics.pitch_class_transitions(roll, normalize=False)
    assert counts.sum() == 3 and counts[0, 7] == 1 and counts[7, 0] == 1 and counts[0, 2] == 1
    rows = metrics.pitch_class_transitions(roll)
    assert rows[0, 7] == pytest.approx(0.5) and rows[0, 2] == pytest.approx(0.5)


def test_tonal_distance_matches_the_closed_form_of_harte_centroids():
    def centroid_distance(a, b):  # |phi(a) - phi(b)| for single pitch classes, by the law of cosines per circle
        return np.sqrt(sum(r * r * 2 * (1 - np.cos(t * (a - b)))
                           for r, t in [(1, 7 * np.pi / 6), (1, 3 * np.pi / 2), (0.5, 2 * np.pi / 3)]))

    pcs = [0, 7, 4, 0]
    roll = _satb((72, 67, 64, 48), steps=16)
    expected = np.mean([centroid_distance(pcs[i], pcs[j]) for i, j in metrics.VOICE_PAIRS])
    assert metrics.tonal_distance(roll)[0] == pytest.approx(expected, rel=1e-9)
    unison = _satb((72, 60, 48, 36), steps=16)
    assert metrics.tonal_distance(unison)[0] == pytest.approx(0.0, abs=1e-12)


# ----- voice leading -------------------------------------------------------------------------------------------


def test_known_parallel_fifth_progression_counts_one():
    # C major to D minor with S and B in parallel fifths (G4/C3 -> A4/D3); A and T move by step in contrary motion.
    roll = _satb((67, 64, 60, 48), (69, 65, 57, 50))
    vl = {k: int(v[0]) for k, v in metrics.voice_leading(roll).items()}
    assert vl["parallel_fifths"] == 1 and vl["parallel_octaves"] == 0
    assert vl["pair_moves"] == 6


def test_parallel_octaves_and_antiparallel_fifths_count_but_oblique_and_unisons_do_not():
    octaves = _satb((72, 64, 55, 48), (74, 65, 57, 50))  # S-B C5/C3 -> D5/D3: parallel (compound) octaves
    assert metrics.voice_leading(octaves)["parallel_octaves"][0] == 1
    contrary = _satb((67, None, None, 60), (62, None, None, 43))  # G4/C4 (P5) -> D4/G2 (P12), contrary motion
    assert metrics.voice_leading(contrary)["parallel_fifths"][0] == 1
    oblique = _satb((67, None, None, 60), (67, None, None, 48))  # S holds: no parallel
    assert metrics.voice_leading(oblique)["parallel_fifths"][0] == 0
    unisons = _satb((60, 60, None, None), (62, 62, None, None))  # unisons are not octaves (music21 agrees)
    assert metrics.voice_leading(unisons)["parallel_octaves"][0] == 0
    unison_to_octave = _satb((60, 60, None, None), (67, 55, None, None))  # contrary motion: counts (music21 agrees)
    assert metrics.voice_leading(unison_to_octave)["parallel_octaves"][0] == 1
    similar_unison_to_octave = _satb((60, 60, None, None), (74, 62, None, None))  # P1 -> P8 similar: not parallel
    assert metrics.voice_leading(similar_unison_to_octave)["parallel_octaves"][0] == 0


def test_crossing_spacing_and_range_rules():
    crossed = _satb((60, 64, 55, 48))  # alto above soprano
    vl = metrics.voice_leading(crossed)
    assert vl["crossing_steps"][0] == vl["sounding_steps"][0] == 4
    wide = _satb((79, 64, 55, 48))  # S-A = 15 semitones
    assert metrics.voice_leading(wide)["spacing_steps"][0] == 4
    tb_wide = _satb((72, 67, 64, 40))  # T-B wider than an octave is allowed
    assert metrics.voice_leading(tb_wide)["spacing_steps"][0] == 0
    low_s = VOICE_RANGES["S"][0] - 1
    out = _satb((low_s, 50, 45, 36))
    vl = metrics.voice_leading(out)
    assert vl["notes_out_of_range"][0] == 1 and vl["notes"][0] == 4
    assert metrics.voice_leading_rates(out)["out_of_range_rate"] == pytest.approx(0.25)


def _music21_parallels(moves):
    from music21 import note, voiceLeading

    fifths, octaves = [], []
    for m in moves:
        u0, l0, u1, l1 = (note.Note(_name(int(p))) for p in m[3:])
        quartet = voiceLeading.VoiceLeadingQuartet(u0, u1, l0, l1)
        fifths.append(quartet.parallelFifth())
        octaves.append(quartet.parallelOctave())
    return np.array(fifths, bool), np.array(octaves, bool)


def _spelled_fifths_are_perfect(moves):
    pcs = moves[:, 3:] % 12
    bad = {(3, 10), (10, 3)}
    return np.array([(a, b) not in bad and (c, d) not in bad for a, b, c, d in zip(pcs[:, 0], pcs[:, 1], pcs[:, 2], pcs[:, 3])])


@pytest.mark.slow
def test_parallels_equal_music21_voice_leading_quartets_on_real_chorales():
    from musiclib import data

    rolls = data.load_pianorolls("train", voices="separate")[:100]  # quick mode loads 136 windows: the same 100 then
    moves = metrics.voice_pair_moves(rolls)
    moves = moves[_spelled_fifths_are_perfect(moves)]
    ours = metrics._parallels(moves)
    theirs = _music21_parallels(moves)
    assert len(moves) > 2000 and theirs[0].sum() >= 3
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])


def test_parallels_equal_music21_on_random_quartets(rng):
    n = 600
    low = rng.integers(40, 70, n)
    upper = low + rng.choice([0, 3, 4, 5, 7, 12, 19, 24, -5, -7, -12], n)
    low_move = rng.choice([-6, -3, -2, -1, 0, 1, 2, 3, 6], n)  # +-6 in contrary motion turns a unison into an octave
    up_move = np.where(rng.random(n) < 0.5, low_move, np.where(rng.random(n) < 0.3, -low_move, rng.integers(-4, 5, n)))
    moves = np.column_stack([np.zeros((n, 3)), upper, low, upper + up_move, low + low_move]).astype(np.int64)
    moves = moves[_spelled_fifths_are_perfect(moves)]
    ours = metrics.parallel_fifths_octaves(*moves[:, 3:].T)
    theirs = _music21_parallels(moves)
    assert theirs[0].sum() > 10 and theirs[1].sum() > 10  # the sample exercises both rules
    np.testing.assert_array_equal(ours[0], theirs[0])
    np.testing.assert_array_equal(ours[1], theirs[1])



def test_parallel_fifths_octaves_broadcasts_and_ignores_transposition():
    # One upper-voice move against every lower-voice move of a grid: shapes broadcast, the answer is the scalar one.
    lower_before = np.arange(40, 60)[:, None]
    lower_after = np.arange(40, 60)[None, :]
    fifths, octaves = metrics.parallel_fifths_octaves(67, lower_before, 69, lower_after)
    assert fifths.shape == octaves.shape == (20, 20)
    for i, lb in enumerate(range(40, 60)):
        for j, la in enumerate(range(40, 60)):
            f, o = metrics.parallel_fifths_octaves(67, lb, 69, la)
            assert (fifths[i, j], octaves[i, j]) == (bool(f), bool(o))
    # Under G4-A4: C3 to D3 makes fifths (a twelfth), G2 or G3 to A2 or A3 octaves (four ways).
    assert fifths.sum() == 1 and fifths[48 - 40, 50 - 40] and octaves.sum() == 4
    shifted = metrics.parallel_fifths_octaves(67 - 28, lower_before - 28, 69 - 28, lower_after - 28)
    np.testing.assert_array_equal(shifted[0], fifths)  # pitch columns work as well as MIDI numbers



@pytest.mark.parametrize(("args", "match"), [
    ((67.5, 60, 69, 62), "upper_before"),
    ((67, -1, 69, 62), "lower_before"),
    ((67, 60, np.nan, 62), "upper_after"),
    ((67, 60, 69, "D4"), "lower_after"),
    (([67, 68], 60, [69, 70, 71], 62), "broadcast"),
])
def test_parallel_fifths_octaves_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        metrics.parallel_fifths_octaves(*args)

# ----- chords on the beat --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("chord", "fits"), [
    ((72, 67, 64, 48), True),    # C major, root doubled
    ((70, 64, 60, 48), True),    # C7 without its fifth (C E Bb)
    ((71, 65, 62, 55), True),    # G7 without its third
    ((71, 67, 62, 53), True),    # G7 (F in the bass)
    ((74, 68, 65, 59), True),    # B diminished seventh (B D F G#/Ab)
    ((69, 65, 62, 50), True),    # D minor
    ((71, 64, 60, 48), True),    # C major seventh
    ((74, 67, 64, 48), False),   # D over C E G: no triad or seventh holds all four
    ((68, 64, 60, 48), False),   # C augmented: left out of CHORD_SHAPES
    ((62, 61, 60, 48), False),   # a cluster
])
def test_chord_rate_on_hand_made_chords(chord, fits):
    assert metrics.chord_rate(_satb(chord)).tolist() == [1.0 if fits else 0.0]


def _chord_rate_loop(rolls, min_pitch_classes=3, steps_per_beat=4):
    """Reference: beat by beat, voice by voice, every root and shape as a Python set."""
    out = []
    for roll in rolls:
        judged = fit = 0
        for t in range(0, roll.shape[0], steps_per_beat):
            pitches = [int(np.argmax(roll[t, :, v])) + PITCH_OFFSET for v in range(4) if roll[t, :, v].any()]
            classes = {p % 12 for p in pitches}
            if len(classes) < min_pitch_classes:
                continue
            judged += 1
            fit += any(classes <= {(root + s) % 12 for s in shape}
                       for root in range(12) for shape in metrics.CHORD_SHAPES.values())
        out.append(fit / judged if judged else np.nan)
    return np.array(out)


def test_chord_rate_equals_a_loop_on_chorales_and_random_rolls():
    from musiclib import baselines, data

    bach = data.load_pianorolls("train", voices="separate")[:60]
    noise = baselines.random_rolls(40, seed=0)
    for rolls in (bach, noise):
        for min_pitch_classes in (1, 3, 4):
            np.testing.assert_array_equal(metrics.chord_rate(rolls, min_pitch_classes=min_pitch_classes),
                                          _chord_rate_loop(rolls, min_pitch_classes))
        np.testing.assert_array_equal(metrics.chord_rate(rolls, steps_per_beat=2), _chord_rate_loop(rolls, 3, 2))
    # Bach's beats are chords; uniform random pitches seldom are.
    assert np.nanmean(metrics.chord_rate(bach)) > 0.8 > 0.4 > np.nanmean(metrics.chord_rate(noise))


def test_chord_rate_ignores_thin_beats_and_transposition():
    # Two pitch classes on every beat (C over C over G, D over C#): nothing judged by default ...
    thin = _satb((72, 67, None, 48), (74, 61, None, None))
    assert np.isnan(metrics.chord_rate(thin)[0])
    # ... because any two pitch classes fit some seventh chord (D and C#: D major seventh).
    assert metrics.chord_rate(thin, min_pitch_classes=2).tolist() == [1.0]
    progression = [(72, 67, 64, 48), (74, 67, 62, 55), (72, 65, 60, 53), (71, 67, 62, 55)]
    shifted = [tuple(p + 2 for p in chord) for chord in progression]
    assert metrics.chord_rate(_satb(*progression)).tolist() == metrics.chord_rate(_satb(*shifted)).tolist() == [1.0]


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"min_pitch_classes": 0}, "min_pitch_classes"),
    ({"min_pitch_classes": 5}, "min_pitch_classes"),
    ({"steps_per_beat": 0}, "steps_per_beat"),
    ({"steps_per_beat": 3}, "multiple of steps_per_beat"),
])
def test_chord_rate_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        metrics.chord_rate(_satb((72, 67, 64, 48)), **kwargs)


def test_chord_rate_bad_rolls_and_silence():
    with pytest.raises(ValueError, match="binary"):
        metrics.chord_rate(np.full((1, 16, 64, 4), 0.5, "float32"))
    with pytest.raises(ValueError, match="rolls"):
        metrics.chord_rate(_satb((72, 67, 64, 48))[0])  # one roll without the set axis
    assert np.isnan(metrics.chord_rate(np.zeros((2, 16, 64, 4), "float32"))).all()

def _onsets_loop(roll):
    """(voice, start step) of every note of one four-voice roll, walking each voice step by step."""
    out = []
    for v in range(4):
        previous = None
        for t in range(roll.shape[0]):
            sounding = np.flatnonzero(roll[t, :, v])
            pitch = int(sounding[0]) if sounding.size else None
            if pitch is not None and pitch != previous:
                out.append((v, t))
            previous = pitch
    return out


def test_onset_positions_and_on_beat_rate_equal_a_loop_on_chorales_and_random_rolls():
    from musiclib import baselines, data

    bach = data.load_pianorolls("train", voices="separate")[:60]
    noise = baselines.random_rolls(40, seed=0)
    for rolls in (bach, noise):
        onsets = [_onsets_loop(roll) for roll in rolls]
        starts = np.array([t for roll in onsets for _, t in roll])
        for steps_per_bar in (16, 8, 4):
            expected = np.bincount(starts % steps_per_bar, minlength=steps_per_bar) / len(starts)
            np.testing.assert_allclose(metrics.onset_positions(rolls, steps_per_bar=steps_per_bar), expected,
                                       rtol=1e-12)
        for steps_per_beat in (4, 2):
            expected = [np.mean([t % steps_per_beat == 0 for _, t in roll]) for roll in onsets]
            np.testing.assert_allclose(metrics.on_beat_rate(rolls, steps_per_beat=steps_per_beat), expected,
                                       rtol=1e-12)
    # Bach's notes mostly start on the beat and almost never off the eighth-note grid.
    positions = metrics.onset_positions(bach)
    assert positions[::4].sum() > 0.7 and positions[1::2].sum() < 0.05
    assert np.nanmean(metrics.on_beat_rate(bach)) > 0.7


def test_on_beat_rate_on_hand_made_rhythms():
    c_major = (72, 67, 64, 48)
    quarters = _satb(c_major, (74, 67, 65, 47), c_major, (71, 62, 67, 55))  # four chords on four beats
    eighths = _satb(c_major, (74, 67, 65, 47), c_major, (71, 62, 67, 55), steps=2, n_steps=16)
    syncopated = _satb((72, None, None, None), (74, None, None, None), (76, None, None, None), steps=6, n_steps=16)
    rolls = np.concatenate([quarters, eighths, syncopated])
    # syncopated: notes at steps 0, 6, 12 (beat 1, the eighth after beat 2, beat 4) -> 2 of 3 on the beat
    np.testing.assert_allclose(metrics.on_beat_rate(rolls), [1.0, 0.5, 2 / 3])
    np.testing.assert_allclose(metrics.onset_positions(syncopated)[[0, 6, 12]], [1 / 3] * 3)
    # A held note is one onset, however long; a rest and the same pitch again is a new one.
    held = _satb((60, None, None, None), (60, None, None, None), (None, None, None, None), (60, None, None, None),
                 steps=2, n_steps=16)
    assert metrics.onset_positions(held, steps_per_bar=8).tolist() == [0.5, 0, 0, 0, 0, 0, 0.5, 0]
    assert np.isnan(metrics.on_beat_rate(np.zeros((2, 16, 64, 4), "float32"))).all()
    assert np.isnan(metrics.onset_positions(np.zeros((1, 16, 64, 4), "float32"))).all()


def test_homophony_rate_equals_a_loop_on_chorales_and_random_rolls():
    from musiclib import baselines, data

    bach = data.load_pianorolls("train", voices="separate")[:60]
    noise = baselines.random_rolls(40, seed=0)
    for rolls in (bach, noise):
        expected = []
        for roll in rolls:
            voices_at = {}
            for v, t in _onsets_loop(roll):
                if t > 0:
                    voices_at.setdefault(t, set()).add(v)
            expected.append(np.mean([len(vs) == 4 for vs in voices_at.values()]) if voices_at else np.nan)
        np.testing.assert_allclose(metrics.homophony_rate(rolls), expected, rtol=1e-12)
    # Bach's voices start a note together at about a fifth of the steps where any starts one; random voices
    # (a new pitch at nearly every step) at nearly all of them.
    assert 0.15 < np.nanmean(metrics.homophony_rate(bach)) < 0.35
    assert np.nanmean(metrics.homophony_rate(noise)) > 0.5


def test_homophony_rate_on_hand_made_textures():
    c_major, g_major = (72, 67, 64, 48), (71, 62, 55, 43)
    chords = _satb(c_major, g_major, c_major, g_major)                        # block chords: all move together
    turns = _satb(c_major, (74, 67, 64, 48), (74, 69, 64, 48), (74, 69, 65, 48))  # one voice at a time
    held_bass = _satb(c_major, (74, 69, 65, 48), c_major, (74, 69, 65, 48))  # the bass holds its C throughout
    # Onset steps 4, 8 and 12: all four voices at 4 and 12, the soprano alone at 8 (71 to 74 over a held G chord).
    mixed = _satb(c_major, g_major, (74, 62, 55, 43), (72, 64, 60, 48))
    np.testing.assert_allclose(metrics.homophony_rate(np.concatenate([chords, turns, held_bass, mixed])),
                               [1.0, 0.0, 0.0, 2 / 3])
    # A rest is not a start, and a rest then the same pitch is: the bass rests at step 4 and comes back at 8.
    rest = _satb(c_major, (74, 69, 65, None), (72, 67, 64, 48))
    np.testing.assert_allclose(metrics.homophony_rate(rest), [0.5])
    # Nothing starts after the first step: no onset step to judge.
    assert np.isnan(metrics.homophony_rate(np.concatenate([_satb(c_major, steps=16),
                                                           np.zeros((1, 16, 64, 4), "float32")]))).all()


def test_homophony_rate_bad_rolls():
    with pytest.raises(ValueError, match="binary"):
        metrics.homophony_rate(np.full((1, 16, 64, 4), 0.5, "float32"))
    with pytest.raises(ValueError, match="rolls"):
        metrics.homophony_rate(_satb((72, 67, 64, 48), steps=16)[0])
    with pytest.raises(ValueError, match="monophonic"):
        metrics.homophony_rate(np.ones((1, 16, 64, 4), "float32"))


def test_tutti_rest_share_equals_a_loop_and_bach_rests_together():
    from musiclib import baselines, data

    bach = data.load_pianorolls("train", voices="separate")
    markov = baselines.MarkovBaseline().fit(bach).sample(200, seed=0)
    noise = baselines.random_rolls(40, seed=0)
    noise[:, 10:14] = 0  # four steps of silence in every random roll, so the set has some rests together
    for rolls in (bach, markov, noise):
        alone = together = 0
        for roll in rolls:
            for t in range(roll.shape[0]):
                silent = [v for v in range(4) if not roll[t, :, v].any()]
                together += len(silent) if len(silent) == 4 else 0
                alone += len(silent) if len(silent) < 4 else 0
        assert metrics.tutti_rest_share(rolls) == pytest.approx(together / (together + alone), rel=1e-12)
    # The choir breathes together: most of Bach's resting voice-steps are all four voices resting ...
    assert metrics.tutti_rest_share(bach) > 0.85
    # ... and independent voices almost never rest at the same step.
    assert metrics.tutti_rest_share(markov) < 0.1


def test_tutti_rest_share_on_hand_made_rests():
    c_major = (72, 67, 64, 48)
    breath = _satb(c_major, (None, None, None, None), c_major)            # all four rest for a beat
    dropout = _satb(c_major, (72, 67, None, 48), c_major)                  # the tenor rests alone for a beat
    assert metrics.tutti_rest_share(breath) == 1.0
    assert metrics.tutti_rest_share(dropout) == 0.0
    # Pooled over the set, not averaged per window: 16 resting voice-steps together, 4 alone.
    assert metrics.tutti_rest_share(np.concatenate([breath, dropout])) == pytest.approx(0.8)
    assert np.isnan(metrics.tutti_rest_share(_satb(c_major, steps=16)))  # nothing rests
    with pytest.raises(ValueError, match="binary"):
        metrics.tutti_rest_share(np.full((1, 16, 64, 4), 0.5, "float32"))
    with pytest.raises(ValueError, match="rolls"):
        metrics.tutti_rest_share(breath[0])
    with pytest.raises(ValueError, match="monophonic"):
        metrics.tutti_rest_share(np.ones((1, 16, 64, 4), "float32"))

@pytest.mark.parametrize(("func", "kwargs", "match"), [
    (metrics.onset_positions, {"steps_per_bar": 0}, "steps_per_bar"),
    (metrics.onset_positions, {"steps_per_bar": 17}, "steps_per_bar"),
    (metrics.onset_positions, {"steps_per_bar": 12}, "multiple of steps_per_bar=12"),
    (metrics.on_beat_rate, {"steps_per_beat": 0}, "steps_per_beat"),
    (metrics.on_beat_rate, {"steps_per_beat": 3}, "multiple of steps_per_beat=3"),
    (metrics.on_beat_rate, {"steps_per_beat": 2.5}, "steps_per_beat"),
])
def test_onset_measures_bad_parameters(func, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(_satb((72, 67, 64, 48), steps=16), **kwargs)


@pytest.mark.parametrize("func", [metrics.onset_positions, metrics.on_beat_rate])
def test_onset_measures_bad_rolls(func):
    with pytest.raises(ValueError, match="binary"):
        func(np.full((1, 16, 64, 4), 0.5, "float32"))
    with pytest.raises(ValueError, match="rolls"):
        func(_satb((72, 67, 64, 48), steps=16)[0])
    with pytest.raises(ValueError, match="monophonic"):
        func(np.ones((1, 16, 64, 4), "float32"))


def test_voice_pair_moves_skip_rests_and_held_pairs():
    roll = _satb((72, 67, 64, 48), (72, 67, 64, None), (74, 67, 62, 47))
    moves = metrics.voice_pair_moves(roll)
    # sonority 1 -> 2: only B stops (no pair sounds in both with a move); 2 -> 3: S and T move, A holds:
    # pairs SA, ST, AT move (SB, AB, TB have B resting in sonority 2).
    assert sorted(map(tuple, moves[:, 1:3].tolist())) == [(0, 1), (0, 2), (1, 2)]


def test_perfect_interval_departures_on_hand_made_progressions():
    # C5 G4 C4 C3, all four voices up a tone: every pair moves as a block. S-A is a fourth; S-T (12), S-B (24),
    # A-T (7), A-B (19) and T-B (12) are perfect fifths and octaves, so five pairs depart and all five keep it.
    block = _satb((72, 67, 60, 48), (74, 69, 62, 50))
    out = metrics.perfect_interval_departures(block)
    counted = metrics.voice_leading(block)
    assert out["departures"].tolist() == [5] and out["parallels"].tolist() == [5]
    assert int(counted["parallel_fifths"][0] + counted["parallel_octaves"][0]) == 5
    # S-B a fifth in contrary motion to a twelfth: a departure and (music21's rule) a parallel fifth.
    contrary = _satb((67, None, None, 60), (74, None, None, 55))
    assert metrics.perfect_interval_departures(contrary)["parallels"].tolist() == [1]
    # A fifth left with one voice holding, a fifth left to a sixth, a unison left: departures 0, 1, 0.
    assert metrics.perfect_interval_departures(_satb((67, None, None, 60), (67, None, None, 62)))["departures"].tolist() == [0]
    to_sixth = metrics.perfect_interval_departures(_satb((67, None, None, 60), (69, None, None, 60 - 3)))
    assert to_sixth["departures"].tolist() == [1] and to_sixth["parallels"].tolist() == [0]
    assert metrics.perfect_interval_departures(_satb((60, 60, None, None), (62, 59, None, None)))["departures"].tolist() == [0]


def _departures_loop(roll):
    """Note-by-note reference: sonorities from the decoded pitches, every pair, the rules written out."""
    pitch = [tuple(int(np.flatnonzero(roll[t, :, v])[0]) if roll[t, :, v].any() else None for v in range(4))
             for t in range(roll.shape[0])]
    sonorities = [pitch[0]] + [p for q, p in zip(pitch, pitch[1:]) if p != q]
    departures = parallels = 0
    for a, b in zip(sonorities, sonorities[1:]):
        for i in range(4):
            for j in range(i + 1, 4):
                if None in (a[i], a[j], b[i], b[j]) or a[i] == b[i] or a[j] == b[j]:
                    continue
                before, after = abs(a[i] - a[j]), abs(b[i] - b[j])
                if before % 12 == 7 or (before % 12 == 0 and before > 0):
                    departures += 1
                    parallels += after % 12 == before % 12 and (after > 0 or (b[i] - a[i]) * (b[j] - a[j]) < 0)
    return departures, parallels


def test_perfect_interval_departures_match_a_note_by_note_loop(rng):
    from musiclib import data

    rolls = data.load_pianorolls("train", voices="separate")[:40]
    # Bach's windows and the same windows with random voices shifted by a tone (which makes parallels).
    shifted = rolls.copy()
    for r in range(len(shifted)):
        for v in rng.choice(4, 2, replace=False):
            shifted[r, 32:, :, v] = np.roll(shifted[r, 32:, :, v], 2, axis=-1)
    for set_ in (rolls, shifted):
        out = metrics.perfect_interval_departures(set_)
        loop = np.array([_departures_loop(roll) for roll in set_])
        np.testing.assert_array_equal(out["departures"], loop[:, 0])
        np.testing.assert_array_equal(out["parallels"], loop[:, 1])
    assert out["departures"].sum() > 50 and out["parallels"].sum() > 0  # the loop was exercised


def test_perfect_interval_departures_reject_bad_input():
    with pytest.raises(ValueError, match="rolls"):
        metrics.perfect_interval_departures(np.zeros((2, 16, 64, 3), "float32"))
    with pytest.raises(ValueError, match="pitch_offset"):
        metrics.perfect_interval_departures(np.zeros((2, 16, 64, 4), "float32"), pitch_offset=200)


# ----- set-level comparison ------------------------------------------------------------------------------------


def test_overlapping_area_of_two_large_samples_of_one_distribution_approaches_one(rng):
    # With n = 5000 per set, KDE and sampling error keep the overlap within 0.05 of 1 (seen: 0.98-0.99).
    assert metrics.overlapping_area(rng.normal(size=5000), rng.normal(size=5000)) > 0.95
    # Two unit normals one standard deviation apart overlap by 2 * Phi(-1/2) = 0.617.
    oa = metrics.overlapping_area(rng.normal(0, 1, 20000), rng.normal(1, 1, 20000))
    assert oa == pytest.approx(2 * stats.norm.cdf(-0.5), abs=0.02)
    assert metrics.overlapping_area([0.0, 0.1, 0.2], [50.0, 50.1, 50.2]) == 0.0


def test_kl_divergence_matches_gaussian_closed_form_on_one_grid(rng):
    a, b = rng.normal(0, 1, 30000), rng.normal(0.5, 2, 30000)
    closed = np.log(2 / 1) + (1 + 0.5 ** 2) / (2 * 4) - 0.5
    assert metrics.kde_kl_divergence(a, b) == pytest.approx(closed, abs=0.03)
    grid, pa, pb = metrics.kde_on_grid(a, b)
    dx = grid[1] - grid[0]
    assert pa.sum() * dx == pytest.approx(1.0) and pb.sum() * dx == pytest.approx(1.0)


def test_compare_feature_separates_shifted_sets(rng):
    ref = rng.normal(size=200)
    same = metrics.compare_feature(ref, rng.normal(size=200))
    shifted = metrics.compare_feature(ref, rng.normal(3, 1, 200))
    assert same["overlap"] > 0.9 > 0.5 > shifted["overlap"]
    assert shifted["kl"] > same["kl"]


def test_intra_and_inter_set_distances_match_brute_force(rng):
    a, b = rng.normal(size=(6, 3)), rng.normal(size=(4, 3))
    intra = sorted(np.linalg.norm(a[i] - a[j]) for i in range(6) for j in range(i + 1, 6))
    np.testing.assert_allclose(sorted(metrics.intra_set_distances(a)), intra)
    inter = [np.linalg.norm(x - y) for x in a for y in b]
    np.testing.assert_allclose(metrics.inter_set_distances(a, b), inter)


def test_gaussian_frechet_distance_equals_closed_forms():
    # Commuting covariances: |mu|^2 + sum (sqrt(a) - sqrt(b))^2 over eigenvalues.
    assert metrics.gaussian_frechet_distance([0, 0], np.diag([1, 9]), [1, 2], np.diag([4, 1])) == pytest.approx(
        5 + (1 - 2) ** 2 + (3 - 1) ** 2)
    # 1-D: (m1 - m2)^2 + (s1 - s2)^2
    assert metrics.gaussian_frechet_distance([2.0], [[4.0]], [-1.0], [[0.25]]) == pytest.approx(9 + 1.5 ** 2)
    # Non-commuting: compare with scipy.linalg.sqrtm on the product.
    from scipy.linalg import sqrtm

    c1 = np.array([[2.0, 0.8], [0.8, 1.0]])
    c2 = np.array([[1.0, -0.3], [-0.3, 3.0]])
    expected = np.trace(c1 + c2 - 2 * np.real(sqrtm(c1 @ c2)))
    assert metrics.gaussian_frechet_distance([0, 0], c1, [0, 0], c2) == pytest.approx(expected, rel=1e-9)
    assert metrics.gaussian_frechet_distance([1, 1], c1, [1, 1], c1) == pytest.approx(0.0, abs=1e-9)


def test_frechet_distance_of_samples_converges_to_the_gaussian_value(rng):
    a = rng.normal([0, 0], [1, 3], (40000, 2))
    b = rng.normal([1, 2], [2, 1], (40000, 2))
    closed = 1 + 4 + (1 - 2) ** 2 + (3 - 1) ** 2
    assert metrics.frechet_distance(a, b) == pytest.approx(closed, rel=0.03)


def test_ndb_is_zero_for_identical_sets_and_counts_every_bin_for_disjoint_ones(rng):
    x = rng.normal(size=(1000, 4))
    same = metrics.statistically_different_bins(x, x, n_bins=20)
    assert same["ndb"] == 0 and same["reference_share"].sum() == pytest.approx(1.0)
    far = metrics.statistically_different_bins(x, x + 50, n_bins=20)
    assert far["ndb"] == 20
    # A generator that only produces one half of the data: many bins differ, not all.
    half = x[x[:, 0] > 0]
    ndb = metrics.statistically_different_bins(x, half, n_bins=20)["ndb"]
    assert 5 <= ndb < 20


def test_nearest_training_overlap_finds_copies_and_ignores_voice_swaps(rng):
    from musiclib import data

    train = data.load_pianorolls("train", voices="separate")[:40]
    copies = train[[3, 17]][..., [1, 0, 2, 3]]  # soprano and alto exchanged: still a copy
    overlap, index = metrics.nearest_training_overlap(copies, train, return_index=True)
    assert overlap.tolist() == [1.0, 1.0] and index.tolist() == [3, 17]


# ----- bad input -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("func", [metrics.sample_features, metrics.voice_leading, metrics.voice_leading_rates,
                                  metrics.pitch_class_histogram, metrics.tonal_distance])
def test_bad_rolls_raise_value_errors_naming_the_parameter(func):
    with pytest.raises(ValueError, match="rolls.*shape"):
        func(np.zeros((16, 64, 4), "float32"))  # one roll, not a set
    with pytest.raises(ValueError, match="rolls.*binary"):
        func(np.full((1, 16, 64, 4), 0.5, "float32"))
    with pytest.raises(ValueError, match="rolls.*empty"):
        func(np.zeros((0, 16, 64, 4), "float32"))
    poly = np.zeros((1, 16, 64, 4), "float32")
    poly[0, 0, [30, 34], 0] = 1
    with pytest.raises(ValueError, match="monophonic"):
        func(poly)


def test_bad_set_level_inputs_raise_value_errors():
    with pytest.raises(ValueError, match="reference"):
        metrics.compare_feature([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="features_a"):
        metrics.frechet_distance(np.zeros((1, 2)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="same d"):
        metrics.frechet_distance(np.zeros((5, 2)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="n_bins"):
        metrics.statistically_different_bins(np.zeros((5, 2)), np.zeros((5, 2)), n_bins=6)
    with pytest.raises(ValueError, match="cov_b"):
        metrics.gaussian_frechet_distance([0, 0], np.eye(2), [0, 0], np.eye(3))
    with pytest.raises(ValueError, match="voices"):
        metrics.sample_features(np.zeros((1, 16, 64), "float32"), voices="mono")
    with pytest.raises(ValueError, match="same shape"):
        metrics.nearest_training_overlap(np.zeros((1, 16, 64, 4), "float32"), np.zeros((1, 32, 64, 4), "float32"))
