"""Chapter 10 exercise checkers accept independent correct answers and reject likely mistakes."""

import numpy as np
import pytest

from musiclib.exercises import available, check
from musiclib.exercises.ch10 import (FRECHET_GAUSSIANS, PROGRESSION, exercise_chords, exercise_moves, exercise_rolls,
                                     progression_roll)

# music21 spells intervals; this spelling makes every fifth a perfect fifth except D#-Bb (not used below).
SPELLING = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "B-", "B"]


def student_empty_beat_rate(roll):
    """An independent solution: loops over beats and steps."""
    beats = roll.shape[0] // 4
    empty = 0
    for beat in range(beats):
        if not any(roll[step].any() for step in range(4 * beat, 4 * beat + 4)):
            empty += 1
    return empty / beats


def student_parallel_kind(upper_before, lower_before, upper_after, lower_after):
    """An independent solution written from the exercise text."""
    if upper_before == upper_after or lower_before == lower_after:
        return None  # oblique motion (or no motion): no parallel
    before, after = abs(upper_before - lower_before), abs(upper_after - lower_after)
    if before % 12 == 7 and after % 12 == 7:
        return "fifth"
    contrary = (upper_after - upper_before) * (lower_after - lower_before) < 0
    if before % 12 == 0 and after % 12 == 0 and (contrary or (before and after)):
        return "octave"
    return None


def test_all_exercises_are_registered():
    assert {"10.1", "10.2", "10.3", "10.4", "10.5"} <= set(available())


def test_10_1_accepts_an_independent_metric_and_rejects_a_step_count():
    assert check("10.1", student_empty_beat_rate)
    assert not check("10.1", lambda roll: float((roll.sum(axis=(1, 2)) == 0).mean()))  # silent steps, not beats
    assert not check("10.1", lambda roll: float((roll.reshape(16, 4, -1).sum(axis=(1, 2)) < 4).mean()))
    assert not check("10.1", 0.5) and not check("10.1", None)


def test_10_1_cases_separate_steps_from_beats():
    rolls = exercise_rolls(0)
    per_step = (rolls.sum(axis=(2, 3)) == 0).mean(axis=1)
    per_beat = np.array([student_empty_beat_rate(r) for r in rolls])
    assert per_beat[0] == 1.0 and (per_step[1:] != per_beat[1:]).all()
    assert 0 < per_beat[1:].min() and per_beat[1:].max() < 1


def test_10_2_accepts_an_independent_rule_and_rejects_common_mistakes():
    assert check("10.2", student_parallel_kind)

    def similar_only(ub, lb, ua, la):  # forgets contrary motion
        kind = student_parallel_kind(ub, lb, ua, la)
        return kind if (ua - ub) * (la - lb) > 0 else None

    def with_unisons(ub, lb, ua, la):  # counts unison to unison as octaves
        if ub != ua and lb != la and ub == lb and ua == la:
            return "octave"
        return student_parallel_kind(ub, lb, ua, la)

    def never_unisons(ub, lb, ua, la):  # misses a unison left for an octave in contrary motion
        return None if ub == lb or ua == la else student_parallel_kind(ub, lb, ua, la)

    def simple_only(ub, lb, ua, la):  # a twelfth is not a fifth, a fifteenth not an octave
        kind = student_parallel_kind(ub, lb, ua, la)
        return kind if abs(ub - lb) < 12 and abs(ua - la) < 12 or kind == "octave" and abs(ub - lb) == abs(ua - la) == 12 else None

    def with_oblique(ub, lb, ua, la):  # counts a held voice
        before, after = abs(ub - lb) % 12, abs(ua - la) % 12
        if (ub != ua or lb != la) and before == after == 7:
            return "fifth"
        return student_parallel_kind(ub, lb, ua, la)

    for wrong in (similar_only, with_unisons, never_unisons, simple_only, with_oblique, lambda *m: None, None):
        assert not check("10.2", wrong), wrong


def test_10_2_cases_agree_with_music21():
    from music21 import note, voiceLeading

    def name(midi):
        return f"{SPELLING[midi % 12]}{midi // 12 - 1}"

    moves = exercise_moves()
    kinds = []
    for ub, lb, ua, la in moves.tolist():
        q = voiceLeading.VoiceLeadingQuartet(note.Note(name(ub)), note.Note(name(ua)), note.Note(name(lb)), note.Note(name(la)))
        kinds.append("fifth" if q.parallelFifth() else "octave" if q.parallelOctave() else None)
    ours = [student_parallel_kind(*m) for m in moves.tolist()]
    # D#/Bb would be spelled as a diminished sixth by music21; every other pitch-class pair spells as counted.
    spelled_apart = [i for i, m in enumerate(moves.tolist())
                     if {m[0] % 12, m[1] % 12} == {3, 10} or {m[2] % 12, m[3] % 12} == {3, 10}]
    agree = [i for i in range(len(moves)) if i not in spelled_apart]
    assert [kinds[i] for i in agree] == [ours[i] for i in agree]
    assert {"fifth", "octave", None} <= set(kinds) and len(agree) > 150


def test_10_3_counts_match_music21_and_the_checker():
    from music21 import note, voiceLeading

    def name(midi):
        return f"{SPELLING[midi % 12]}{midi // 12 - 1}"

    fifths = octaves = 0
    for a, b in zip(PROGRESSION[:-1], PROGRESSION[1:]):
        for i in range(4):
            for j in range(i + 1, 4):
                q = voiceLeading.VoiceLeadingQuartet(note.Note(name(a[i])), note.Note(name(b[i])),
                                                     note.Note(name(a[j])), note.Note(name(b[j])))
                fifths += q.parallelFifth()
                octaves += q.parallelOctave()
    assert (fifths, octaves) == (2, 2)  # by hand: A-B and S-B in chords 1-2; T-B and S-B (contrary) in chords 4-5
    assert check("10.3", (fifths, octaves)) and check("10.3", [2.0, 2])
    for wrong in ((1, 1), (2, 3), (3, 2), (4, 0), 4, None, ("2", "2"), (2, 2, 0)):
        assert not check("10.3", wrong), wrong


def test_progression_roll_holds_each_chord_for_a_beat():
    roll = progression_roll()
    assert roll.shape == (1, 32, 64, 4)
    assert (roll[0, :20].sum(axis=1) == 1).all() and roll[0, 20:].sum() == 0
    with pytest.raises(ValueError, match="chords"):
        progression_roll(((100, None, None, 48),))


def test_10_4_frechet_of_two_gaussians_in_closed_form():
    (m1, s1), (m2, s2) = FRECHET_GAUSSIANS
    right = (m1 - m2) ** 2 + (s1 - s2) ** 2
    assert right == 10.0
    assert check("10.4", right) and check("10.4", 10)
    # Monte Carlo: the 1-D 2-Wasserstein distance squared is the mean squared gap between sorted samples.
    rng = np.random.default_rng(0)
    a, b = np.sort(rng.normal(m1, s1, 200_000)), np.sort(rng.normal(m2, s2, 200_000))
    assert np.mean((a - b) ** 2) == pytest.approx(right, rel=0.01)
    for wrong in (9.0, 14.0, np.sqrt(10), 5.0, None, "10"):
        assert not check("10.4", wrong), wrong


# Chord spellings written out by hand (semitones above the root), independent of metrics.CHORD_SHAPES.
HAND_SHAPES = [{0, 4, 7}, {0, 3, 7}, {0, 3, 6}, {0, 4, 7, 10}, {0, 3, 7, 10}, {0, 3, 6, 10}, {0, 3, 6, 9}, {0, 4, 7, 11}]


def student_fits_one_chord(pitches):
    classes = {p % 12 for p in pitches}
    for root in range(12):
        for shape in HAND_SHAPES:
            if all((c - root) % 12 in shape for c in classes):
                return True
    return False


def test_10_5_accepts_an_independent_chord_test_and_rejects_common_mistakes():
    assert check("10.5", student_fits_one_chord)

    def bass_is_root(pitches):  # forgets inversions
        classes = {(p - pitches[-1]) % 12 for p in pitches}
        return any(classes <= shape for shape in HAND_SHAPES)

    def every_tone_needed(pitches):  # forgets that a fifth may be left out
        classes = {p % 12 for p in pitches}
        return any(classes == {(root + s) % 12 for s in shape} for root in range(12) for shape in HAND_SHAPES)

    def triads_only(pitches):  # forgets the seventh chords
        classes = {p % 12 for p in pitches}
        return any(classes <= {(root + s) % 12 for s in shape} for root in range(12) for shape in HAND_SHAPES[:3])

    for wrong in (bass_is_root, every_tone_needed, triads_only, lambda pitches: True, lambda pitches: None):
        assert not check("10.5", wrong)
    assert not check("10.5", None) and not check("10.5", True)


def test_10_5_cases_cover_inversions_incomplete_chords_and_foreign_tones():
    beats = exercise_chords()
    verdicts = [student_fits_one_chord(b) for b in beats.tolist()]
    assert verdicts == [True, False] * 120  # each chord is followed by its foreign-tone twin
    fitting = beats[np.array(verdicts)]
    assert len({len({p % 12 for p in b}) for b in fitting.tolist()}) == 3  # two, three and four pitch classes
    from musiclib.data import VOICE_RANGES, VOICES
    for v, voice in enumerate(VOICES):
        low, high = VOICE_RANGES[voice]
        assert beats[:, v].min() >= low and beats[:, v].max() <= high

