"""musiclib.voices: voice ranges, decoding generator output into valid SATB rolls, notes per voice."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from musiclib import voices
from musiclib.data import N_PITCHES, PITCH_OFFSET, VOICE_RANGES, VOICES


def _softmax(logits, axis):
    e = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def test_voice_pitch_mask_matches_the_ranges():
    mask = voices.voice_pitch_mask()
    assert mask.shape == (N_PITCHES, 4) and mask.dtype == bool
    for v, voice in enumerate(VOICES):
        low, high = VOICE_RANGES[voice]
        pitches = PITCH_OFFSET + np.flatnonzero(mask[:, v])
        assert pitches.min() == low and pitches.max() == high and len(pitches) == high - low + 1


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"pitch_offset": 40}, "voice S's range|voice B's range"),
    ({"n_pitches": 30}, "range"),
    ({"pitch_offset": -1}, "pitch_offset"),
    ({"pitch_offset": 100, "n_pitches": 40}, "n_pitches"),
    ({"pitch_offset": 1.5}, "pitch_offset"),
])
def test_voice_pitch_mask_bad_layout(kwargs, match):
    with pytest.raises(ValueError, match=match):
        voices.voice_pitch_mask(**kwargs)


def test_argmax_decoding_is_the_categorical_choice_with_a_rest(rng):
    # Independent reference: build the (pitches + rest) distribution explicitly and take its argmax per voice.
    logits = rng.normal(size=(6, 16, N_PITCHES + 1, 4)) * 3
    mask = voices.voice_pitch_mask()
    logits[:, :, :N_PITCHES, :] = np.where(mask, logits[:, :, :N_PITCHES, :], -np.inf)
    probs = _softmax(logits, axis=2)
    roll = voices.decode_voices(probs[:, :, :N_PITCHES, :].astype(np.float32))
    choice = probs.argmax(axis=2)  # (6, 16, 4); N_PITCHES = rest
    expected = np.zeros_like(roll)
    n, t, v = np.nonzero(choice < N_PITCHES)
    expected[n, t, choice[n, t, v], v] = 1
    np.testing.assert_array_equal(roll, expected)
    assert voices.is_valid_voice_roll(roll)


def test_threshold_decoding_rests_where_unsure_and_fragments_notes():
    probs = np.zeros((1, 8, N_PITCHES, 4), np.float32)
    c5 = 72 - PITCH_OFFSET
    probs[0, :, c5, 0] = [0.9, 0.45, 0.9, 0.45, 0.9, 0.9, 0.9, 0.9]  # the rest takes the remainder
    probs[0, :, c5 - 1, 0] = [0.05, 0.3, 0.05, 0.3, 0.05, 0.05, 0.05, 0.05]
    by_argmax = voices.decode_voices(probs)
    by_threshold = voices.decode_voices(probs, method="threshold", threshold=0.5)
    assert by_argmax[0, :, c5, 0].tolist() == [1] * 8  # 0.45 > rest 0.25 and > 0.3
    assert by_threshold[0, :, c5, 0].tolist() == [1, 0, 1, 0, 1, 1, 1, 1]
    assert len(voices.voice_notes(by_argmax[0])["S"]) == 1
    assert len(voices.voice_notes(by_threshold[0])["S"]) == 3


def test_decoding_ignores_probability_outside_the_voice_range():
    probs = np.zeros((4, N_PITCHES, 4), np.float32)
    probs[:, 30 - PITCH_OFFSET, 0] = 0.99  # MIDI 30 is far below the soprano
    probs[:, 60 - PITCH_OFFSET, 0] = 0.01
    roll = voices.decode_voices(probs)
    # Out-of-range mass is dropped, so the rest (0.99) beats the in-range C4 (0.01).
    assert roll.sum() == 0


@settings(max_examples=40, deadline=None)
@given(arrays(np.float32, (2, 8, N_PITCHES, 4), elements=st.floats(0, 1, width=32)),
       st.sampled_from(voices.DECODE_METHODS))
def test_decoding_always_gives_a_valid_roll(probs, method):
    roll = voices.decode_voices(probs, method=method)
    assert roll.shape == probs.shape and roll.dtype == np.float32
    assert voices.is_valid_voice_roll(roll)


@pytest.mark.parametrize(("probs", "kwargs", "error", "match"), [
    (np.full((2, 8, N_PITCHES, 3), 0.1), {}, ValueError, "4 voices"),
    (np.full((8, N_PITCHES), 0.1), {}, ValueError, "roll|probabilities"),
    (np.full((1, 8, N_PITCHES, 4), 1.5), {}, ValueError, r"\[0, 1\]"),
    (np.full((1, 8, N_PITCHES, 4), -0.5), {}, ValueError, r"\[0, 1\]"),
    (np.full((1, 8, N_PITCHES, 4), np.nan), {}, ValueError, "probabilities"),
    (np.full((1, 8, N_PITCHES, 4), 0.1 + 0.1j), {}, (ValueError, TypeError), "probabilities"),
    (np.full((1, 8, N_PITCHES, 4), 0.1), {"method": "sample"}, ValueError, "method"),
    (np.full((1, 8, N_PITCHES, 4), 0.1), {"method": "threshold", "threshold": 0}, ValueError, "threshold"),
    (np.full((1, 8, N_PITCHES, 4), 0.1), {"threshold": 2.0}, ValueError, "threshold"),
    (np.full((1, 8, 20, 4), 0.1), {}, ValueError, "range"),
    ("abc", {}, (ValueError, TypeError), "probabilities"),
])
def test_decode_voices_bad_input(probs, kwargs, error, match):
    with pytest.raises(error, match=match):
        voices.decode_voices(probs, **kwargs)


def _parallel_count(rolls):
    from musiclib import metrics

    counts = metrics.voice_leading(rolls)
    return counts["parallel_fifths"] + counts["parallel_octaves"]


def _triad_probabilities(rng, n_windows, steps, hold=2, classes=(0, 4, 7)):
    """Probabilities over three tones of ``classes`` (default the C-major triad, so perfect intervals are common) per
    voice and window, changing every ``hold`` steps, with at least 10 % left for the rest."""
    probs = np.zeros((n_windows, steps, N_PITCHES, 4), np.float32)
    support = np.zeros((n_windows, 3, 4), int)
    for w in range(n_windows):
        for v, voice in enumerate(VOICES):
            low, high = VOICE_RANGES[voice]
            tones = [p for p in range(low, high + 1) if p % 12 in classes]
            support[w, :, v] = rng.choice(tones, size=3, replace=False) - PITCH_OFFSET
            for t in range(0, steps, hold):
                p = rng.dirichlet(np.ones(4))[:3] * 0.9
                probs[w, t : t + hold, support[w, :, v], v] = p[:, None]  # advanced indices come first
    return probs, support


def _brute_force_decoding(probs, support, chords_on_beats):
    """Independent reference: the argmax decoding's sonorities; for each, every chord of the voices' possible options
    (their three pitches, the rest, the held pitch) scored by the summed log-probabilities, the parallels judged by
    metrics.voice_leading (music21-checked) on a two-chord roll and, with ``chords_on_beats``, a sonority on a beat
    judged by metrics.chord_rate on a one-beat roll (kept only where some allowed chord passes); the best kept."""
    import itertools

    from musiclib import metrics

    n_steps = probs.shape[1]
    argmax = voices.decode_voices(probs)
    rest = np.clip(1 - probs.sum(axis=2), 0, None)  # (n, steps, 4)
    out = np.zeros_like(probs)
    for w in range(len(probs)):
        index = np.where(argmax[w].any(axis=1), argmax[w].argmax(axis=1), -1)  # (steps, 4), -1 = rest
        starts = [0] + [t for t in range(1, n_steps) if (index[t] != index[t - 1]).any()]
        previous = [-1, -1, -1, -1]
        for start, end in zip(starts, starts[1:] + [n_steps]):
            options = [sorted({*support[w, :, v].tolist(), -1, previous[v]}) for v in range(4)]
            chords = list(itertools.product(*options))
            pair = np.zeros((len(chords), 2, N_PITCHES, 4), np.float32)
            for c, chord in enumerate(chords):
                for v in range(4):
                    if previous[v] >= 0:
                        pair[c, 0, previous[v], v] = 1
                    if chord[v] >= 0:
                        pair[c, 1, chord[v], v] = 1
            allowed = _parallel_count(pair) == 0
            if chords_on_beats and any(t % 4 == 0 for t in range(start, end)):
                beat = np.repeat(pair[:, 1:], 4, axis=1)
                rate = metrics.chord_rate(beat)  # 1 fits a chord, 0 does not, NaN under three pitch classes
                if len({p % 12 for p in index[start] + PITCH_OFFSET if p >= PITCH_OFFSET}) >= 3:
                    fits = rate == 1  # the argmax chord is judged: the chosen one must be judged and fit
                else:
                    fits = ~(rate == 0)
                if (allowed & fits).any():
                    allowed &= fits
            scores = [sum(np.log((probs[w, start:end, chord[v], v] if chord[v] >= 0 else rest[w, start:end, v])
                                 .astype(np.float64) + 1e-12).sum() for v in range(4)) for chord in chords]
            best = chords[int(np.argmax(np.where(allowed, scores, -np.inf)))]
            for v in range(4):
                if best[v] >= 0:
                    out[w, start:end, best[v], v] = 1
            previous = list(best)
    return out


@pytest.mark.parametrize(("method", "classes"), [("voice-leading", (0, 4, 7)), ("harmony", (0, 2, 4, 5, 7, 9, 11))])
def test_rule_decodings_are_the_best_allowed_chord_per_sonority(rng, method, classes):
    probs, support = _triad_probabilities(rng, 4, 16, classes=classes)
    decoded = voices.decode_voices(probs, method=method)
    argmax = voices.decode_voices(probs)
    assert _parallel_count(argmax).sum() > 0  # the example has parallels to remove ...
    if method == "harmony":
        from musiclib import metrics

        assert np.nanmean(metrics.chord_rate(argmax)) < 0.9  # ... and beats that are not chords
    np.testing.assert_array_equal(decoded, _brute_force_decoding(probs, support, method == "harmony"))


def test_harmony_decoding_makes_chords_on_the_beats_only(rng):
    from musiclib import metrics

    probs, _ = _triad_probabilities(rng, 40, 32, classes=(0, 2, 4, 5, 7, 9, 11))
    argmax = voices.decode_voices(probs)
    decoded = voices.decode_voices(probs, method="harmony")
    assert voices.is_valid_voice_roll(decoded) and _parallel_count(decoded).sum() == 0
    assert np.nanmean(metrics.chord_rate(argmax)) < 0.8
    assert np.nanmin(metrics.chord_rate(decoded)) == 1.0  # every judged beat of every window
    # ... and not by thinning beats out of the judgement (doubling or resting a voice): as many beats are judged.
    def judged_beats(rolls):
        index = np.where(rolls.any(axis=2), rolls.argmax(axis=2), -1)[:, ::4]  # (n, beats, 4)
        return sum(len({(p + PITCH_OFFSET) % 12 for p in beat if p >= 0}) >= 3 for window in index for beat in window)
    assert judged_beats(decoded) >= judged_beats(argmax)
    # Between the beats the rule does not apply: judged at the eighth note after each beat, some sonorities fit no
    # chord.
    offbeat = np.roll(decoded, -2, axis=1)
    assert np.nanmean(metrics.chord_rate(offbeat)) < 1.0
    # The voice-leading decoding, the same search without the chord rule, leaves many beats without a chord.
    assert np.nanmean(metrics.chord_rate(voices.decode_voices(probs, method="voice-leading"))) < 0.9


def test_voice_leading_decoding_removes_parallels_and_keeps_everything_else(rng):
    probs, _ = _triad_probabilities(rng, 60, 32)
    argmax = voices.decode_voices(probs)
    decoded = voices.decode_voices(probs, method="voice-leading")
    before, after = _parallel_count(argmax), _parallel_count(decoded)
    assert before.sum() >= 20 and after.sum() == 0
    assert voices.is_valid_voice_roll(decoded)
    clean = before == 0
    assert clean.sum() >= 5  # windows the decoder must leave alone
    np.testing.assert_array_equal(decoded[clean], argmax[clean])
    # It keeps the argmax's rhythm: a voice changes only where the argmax roll has a sonority boundary.
    def boundaries(roll):
        return (roll[:, 1:] != roll[:, :-1]).any(axis=(2, 3))
    assert not (boundaries(decoded) & ~boundaries(argmax)).any()


def test_voice_leading_decoding_replaces_a_whole_sonority_not_one_step():
    # S G4 over B C4, then A4 (0.6) or B4 (0.3) over D4 (0.9): the argmax writes parallel fifths. The decoder takes
    # B4 (a sixth) for all four steps of the second chord, not one step of B4 and then the A4 again.
    probs = np.zeros((1, 8, N_PITCHES, 4), np.float32)
    g4, a4, b4, c4, d4 = (p - PITCH_OFFSET for p in (67, 69, 71, 48, 50))
    probs[0, :4, g4, 0] = 0.9
    probs[0, 4:, a4, 0], probs[0, 4:, b4, 0] = 0.6, 0.3
    probs[0, :4, c4, 3] = probs[0, 4:, d4, 3] = 0.9
    argmax = voices.decode_voices(probs)
    decoded = voices.decode_voices(probs, method="voice-leading")
    assert _parallel_count(argmax)[0] == 1 and _parallel_count(decoded)[0] == 0
    assert decoded[0, :4, g4, 0].tolist() == [1] * 4 and decoded[0, 4:, b4, 0].tolist() == [1] * 4
    np.testing.assert_array_equal(decoded[..., 3], argmax[..., 3])
    assert decoded[..., 1:3].sum() == 0  # alto and tenor rest in both
    # With one candidate pitch per voice the B4 is not on offer. Left: the soprano rests (0.1 x 0.9), the bass rests
    # (0.6 x 0.1), or a voice holds a pitch of probability 0; the soprano rests.
    narrow = voices.decode_voices(probs, method="voice-leading", candidates=1)
    assert narrow[0, :, :, 0].sum(axis=1).tolist() == [1] * 4 + [0] * 4
    np.testing.assert_array_equal(narrow[..., 3], argmax[..., 3])


def test_voice_leading_decoding_breaks_near_ties_like_argmax():
    # Two soprano pitches whose float32 probabilities differ in the last bits: their float32 logs are equal, so a
    # decoder ranking by float32 logs (and a stable sort) would take the lower column; argmax takes the larger one.
    probs = np.zeros((1, 4, N_PITCHES, 4), np.float32)
    probs[0, :, 72 - PITCH_OFFSET, 0] = np.float32(0.26000026)
    probs[0, :, 74 - PITCH_OFFSET, 0] = np.float32(0.2600003)
    probs[0, :, 77 - PITCH_OFFSET, 0] = probs[0, :, 79 - PITCH_OFFSET, 0] = 0.2
    assert np.log(probs[0, 0, 72 - PITCH_OFFSET, 0]) == np.log(probs[0, 0, 74 - PITCH_OFFSET, 0])
    np.testing.assert_array_equal(voices.decode_voices(probs, method="voice-leading"), voices.decode_voices(probs))


def test_voice_leading_decoding_shapes_and_silence(rng):
    probs, _ = _triad_probabilities(rng, 6, 16)
    batch = voices.decode_voices(probs.reshape(2, 3, 16, N_PITCHES, 4), method="voice-leading")
    assert batch.shape == (2, 3, 16, N_PITCHES, 4)
    np.testing.assert_array_equal(batch.reshape(probs.shape), voices.decode_voices(probs, method="voice-leading"))
    single = voices.decode_voices(probs[4], method="voice-leading")  # one window, no batch axis
    np.testing.assert_array_equal(single, batch[1, 1])
    silent = np.zeros((2, 8, N_PITCHES, 4), np.float32)  # every voice rests
    assert voices.decode_voices(silent, method="voice-leading").sum() == 0
    one_step = voices.decode_voices(probs[:, :1], method="voice-leading")  # nothing before: argmax
    np.testing.assert_array_equal(one_step, voices.decode_voices(probs[:, :1]))


def test_harmony_decoding_keeps_a_cluster_no_candidate_can_mend():
    # One candidate per voice, a cluster C4 C#4 D4 D#4 on the first beat (nothing held before): every chord of three
    # or more pitch classes on offer is a cluster, no chord fits, so only the parallel rule applies and the argmax
    # stays; thinning to two pitch classes would dodge the rule and is not taken.
    probs = np.zeros((1, 4, N_PITCHES, 4), np.float32)
    for v, p in enumerate((63, 62, 61, 60)):
        probs[0, :, p - PITCH_OFFSET, v] = 0.6
    argmax = voices.decode_voices(probs)
    assert argmax.sum() == 16
    np.testing.assert_array_equal(voices.decode_voices(probs, method="harmony", candidates=1), argmax)
    # G4 F4 C4 C3 (C F G fits no triad or seventh chord) with E4 as the alto's second candidate: the alto takes E4,
    # a C major chord, rather than any thinner chord (e.g. the alto resting: C G, two pitch classes).
    probs = np.zeros((1, 4, N_PITCHES, 4), np.float32)
    for v, p in enumerate((67, 65, 60, 48)):
        probs[0, :, p - PITCH_OFFSET, v] = 0.6
    probs[0, :, 64 - PITCH_OFFSET, 1] = 0.3
    decoded = voices.decode_voices(probs, method="harmony", candidates=2)
    assert decoded[0, :, 64 - PITCH_OFFSET, 1].tolist() == [1] * 4
    np.testing.assert_array_equal(decoded[..., [0, 2, 3]], voices.decode_voices(probs)[..., [0, 2, 3]])

def test_harmony_decoding_falls_back_to_the_parallel_rule_when_no_chord_is_allowed():
    # G4/C3 in S and B, then on beat 2 A4 C#4 C3 D3 (S/B: parallel fifths). With one candidate per voice, the chords
    # that fit (A C# D: D major seventh; A C D: D seventh) keep the soprano's A4 and so the parallel fifths; every
    # parallel-free chord of three or more pitch classes is a cluster. Only the parallel rule applies then: the result
    # is the voice-leading decoding's (the soprano rests), not the argmax's parallels.
    from musiclib import metrics

    probs = np.zeros((1, 8, N_PITCHES, 4), np.float32)
    probs[0, :4, 67 - PITCH_OFFSET, 0] = probs[0, :4, 48 - PITCH_OFFSET, 3] = 0.9
    for v, p in enumerate((69, 61, 48, 50)):
        probs[0, 4:, p - PITCH_OFFSET, v] = 0.9
    decoded = voices.decode_voices(probs, method="harmony", candidates=1)
    np.testing.assert_array_equal(decoded, voices.decode_voices(probs, method="voice-leading", candidates=1))
    assert _parallel_count(voices.decode_voices(probs))[0] == 1 and _parallel_count(decoded)[0] == 0
    assert metrics.chord_rate(decoded).tolist() == [0.0]  # the judged beat fits no chord: none was to be had


@pytest.mark.parametrize("method", ["voice-leading", "harmony"])
@pytest.mark.parametrize("candidates", [0, 13, 2.5, "4"])
def test_rule_decodings_bad_candidates(candidates, method):
    with pytest.raises(ValueError, match="candidates"):
        voices.decode_voices(np.full((1, 8, N_PITCHES, 4), 0.01), method=method, candidates=candidates)


def test_is_valid_voice_roll_catches_each_violation():
    roll = np.zeros((4, N_PITCHES, 4), np.float32)
    roll[:, 72 - PITCH_OFFSET, 0] = 1
    assert voices.is_valid_voice_roll(roll)
    two = roll.copy(); two[0, 74 - PITCH_OFFSET, 0] = 1
    out_of_range = roll.copy(); out_of_range[0, 72 - PITCH_OFFSET, 3] = 1  # C5 is above the bass range
    soft = roll * 0.5
    assert not voices.is_valid_voice_roll(two)
    assert not voices.is_valid_voice_roll(out_of_range)
    assert not voices.is_valid_voice_roll(soft)


def test_voice_notes_inverts_a_hand_written_roll():
    roll = np.zeros((16, N_PITCHES, 4), np.float32)
    plan = {"S": [(72, 0, 4), (74, 4, 8), (76, 8, 16)], "A": [(67, 0, 16)], "T": [(64, 2, 6)], "B": [(48, 0, 8), (43, 8, 16)]}
    for v, voice in enumerate(VOICES):
        for pitch, start, end in plan[voice]:
            roll[start:end, pitch - PITCH_OFFSET, v] = 1
    notes = voices.voice_notes(roll, steps_per_beat=4, tempo=60)  # a step is 0.25 s
    for voice in VOICES:
        assert [(n.pitch, n.start, n.end) for n in notes[voice]] == [(p, s / 4, e / 4) for p, s, e in plan[voice]]


def test_merge_voices_is_the_union():
    roll = np.zeros((4, N_PITCHES, 4), np.float32)
    roll[:, 40, 1] = 1; roll[:, 40, 2] = 1; roll[:2, 20, 3] = 1
    merged = voices.merge_voices(roll)
    assert merged.shape == (4, N_PITCHES)
    assert merged[:, 40].tolist() == [1, 1, 1, 1] and merged[:, 20].tolist() == [1, 1, 0, 0] and merged.sum() == 6


@pytest.mark.parametrize(("roll", "kwargs", "match"), [
    (np.ones((4, N_PITCHES, 4), np.float32), {}, "valid four-voice roll"),
    (np.zeros((2, 4, N_PITCHES, 4), np.float32), {}, "one roll"),
    (np.zeros((4, N_PITCHES, 4), np.float32), {"tempo": 0}, "tempo"),
    (np.zeros((4, N_PITCHES, 4), np.float32), {"steps_per_beat": 0}, "steps_per_beat"),
    (np.zeros((4, N_PITCHES, 4), np.float32), {"velocity": 128}, "velocity"),
    (np.zeros((4, N_PITCHES, 4), np.float32), {"steps_per_beat": True}, "steps_per_beat"),
])
def test_voice_notes_bad_input(roll, kwargs, match):
    with pytest.raises(ValueError, match=match):
        voices.voice_notes(roll, **kwargs)
