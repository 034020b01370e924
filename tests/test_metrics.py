"""musiclib.metrics: the monitor's music statistics, against hand-built rolls and slow direct re-implementations."""

import numpy as np
import pytest

from musiclib import metrics, voices
from musiclib.data import N_PITCHES, PITCH_OFFSET

MAJOR = {0, 2, 4, 5, 7, 9, 11}


def _random_valid_rolls(rng, n=5, steps=32, rest=0.3):
    probs = rng.dirichlet(np.ones(N_PITCHES + 1) * 0.05, size=(n, steps, 4)).astype(np.float32)
    probs[..., N_PITCHES] += rest
    probs /= probs.sum(-1, keepdims=True)
    # Hold each choice for a random number of steps so notes have varied lengths.
    hold = rng.integers(1, 5, size=(n, steps, 4))
    for s in range(1, steps):
        keep = (s % hold[:, s]) != 0
        probs[:, s][keep] = probs[:, s - 1][keep]
    return voices.decode_voices(np.moveaxis(probs[..., :N_PITCHES], -1, -2))


def _slow_runs(roll):
    """Note runs by walking every voice step by step (independent of the vectorised version)."""
    rows = []
    flat = roll.reshape((-1,) + roll.shape[-3:])
    for r, one in enumerate(flat):
        for v in range(4):
            current, start = None, 0
            for t in range(one.shape[0] + 1):
                pitch = int(np.argmax(one[t, :, v])) if t < one.shape[0] and one[t, :, v].any() else None
                if pitch != current:
                    if current is not None:
                        rows.append([r, v, current + PITCH_OFFSET, start, t - start])
                    current, start = pitch, t
    return sorted(rows)


def test_note_runs_equal_a_step_by_step_walk(rng):
    rolls = _random_valid_rolls(rng)
    assert voices.is_valid_voice_roll(rolls)
    assert sorted(metrics.note_runs(rolls).tolist()) == _slow_runs(rolls)
    assert metrics.note_lengths(rolls).sum() == rolls.sum()  # every sounding step belongs to exactly one note


def test_melodic_leap_rates_equal_a_step_by_step_count(rng):
    rolls = _random_valid_rolls(rng, n=12, steps=48, rest=0.0)
    moves, leaps = np.zeros(4), np.zeros(4)
    for one in rolls:
        for v in range(4):
            pitch = [int(np.argmax(one[t, :, v])) if one[t, :, v].any() else None for t in range(one.shape[0])]
            for a, b in zip(pitch[:-1], pitch[1:]):
                if a is not None and b is not None and a != b:  # a move: the next note starts as this one ends
                    moves[v] += 1
                    leaps[v] += abs(b - a) > 7
    assert moves.min() > 10 and leaps.min() > 0  # the random rolls move and leap in every voice
    np.testing.assert_allclose(metrics.melodic_leap_rates(rolls), leaps / moves, rtol=1e-12)
    np.testing.assert_allclose(metrics.melodic_leap_rates(rolls, above=0), 1.0)  # every move is more than 0


def test_melodic_leap_rates_edge_cases():
    # A rest between two notes breaks the line: no move, so NaN; other voices silent: NaN too.
    broken = _melody([60, 60, 80], [2, 0, 2])
    broken[2:4] = 0
    broken[4:6, 80 - PITCH_OFFSET, 0] = 1
    rates = metrics.melodic_leap_rates(np.concatenate([broken, np.zeros((2, N_PITCHES, 4), np.float32)]))
    assert np.isnan(rates).all()
    assert metrics.melodic_leap_rates(_melody([60, 67, 79]))[0] == 0.5  # a fifth is not beyond a fifth; a twelfth is
    with pytest.raises(ValueError, match="above"):
        metrics.melodic_leap_rates(_melody([60, 62]), above=-1)


def test_in_scale_rate_equals_a_direct_count(rng):
    rolls = _random_valid_rolls(rng, n=8)
    got = metrics.in_scale_rate(rolls)
    for r in range(len(rolls)):
        pcs = [row[2] % 12 for row in _slow_runs(rolls[r:r + 1])]
        best = max(sum((pc - tonic) % 12 in MAJOR for pc in pcs) for tonic in range(12))
        assert got[r] == pytest.approx(best / len(pcs), rel=1e-12)


def _melody(pitches, lengths=None, steps=None):
    lengths = lengths or [1] * len(pitches)
    roll = np.zeros((steps or sum(lengths), N_PITCHES, 4), np.float32)
    t = 0
    for pitch, length in zip(pitches, lengths):
        roll[t:t + length, pitch - PITCH_OFFSET, 0] = 1
        t += length
    return roll


def test_hand_built_values():
    c_major = _melody([60, 62, 64, 65, 67, 69, 71, 72])
    assert metrics.in_scale_rate(c_major) == 1.0
    chromatic = _melody(list(range(60, 72)))
    assert metrics.in_scale_rate(chromatic) == pytest.approx(7 / 12)
    assert metrics.sixteenth_share(chromatic) == 1.0
    assert metrics.sixteenth_share(_melody([60, 62], [4, 4])) == 0.0
    assert metrics.pitch_classes_per_bar(chromatic, steps_per_bar=12) == 12
    assert metrics.pitch_classes_per_bar(chromatic, steps_per_bar=4) == 4
    assert metrics.voices_sounding(c_major) == 1.0
    empty = np.zeros((16, N_PITCHES, 4), np.float32)
    assert metrics.voices_sounding(empty) == 0 and metrics.pitch_classes_per_bar(empty) == 0
    assert np.isnan(metrics.in_scale_rate(empty)) and np.isnan(metrics.sixteenth_share(empty))


def test_statistics_of_a_batch_are_per_roll():
    a = _melody([60, 62, 64, 65], [4, 4, 4, 4])
    b = _melody(list(range(60, 76)))
    batch = np.stack([a, b])
    assert metrics.sixteenth_share(batch).tolist() == [0.0, 1.0]
    assert metrics.voices_sounding(batch).shape == (2,)
    stats = metrics.music_statistics(batch)
    assert stats["sixteenth_share"] == 0.5 and stats["voices_sounding"] == 1.0
    assert set(stats) == {"voices_sounding", "pitch_classes_per_bar", "in_scale_rate", "sixteenth_share"}


@pytest.mark.parametrize(("func", "roll", "kwargs", "match"), [
    (metrics.voices_sounding, np.zeros((16, N_PITCHES)), {}, "roll"),
    (metrics.voices_sounding, np.zeros((16, N_PITCHES, 3)), {}, "4 voices"),
    (metrics.voices_sounding, np.full((16, N_PITCHES, 4), np.nan), {}, "roll"),
    (metrics.voices_sounding, np.zeros((0, N_PITCHES, 4)), {}, "empty"),
    (metrics.pitch_classes_per_bar, np.zeros((20, N_PITCHES, 4)), {}, "multiple of steps_per_bar"),
    (metrics.pitch_classes_per_bar, np.zeros((16, N_PITCHES, 4)), {"steps_per_bar": 0}, "steps_per_bar"),
    (metrics.in_scale_rate, np.zeros((16, N_PITCHES, 4)), {"pitch_offset": -3}, "pitch_offset"),
    (metrics.music_statistics, np.zeros((16, N_PITCHES, 4)), {}, "set of rolls"),
])
def test_bad_input(func, roll, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(roll, **kwargs)
