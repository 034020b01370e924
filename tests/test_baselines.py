"""musiclib.baselines: shapes and validity, determinism, the Markov chain's statistics, bad input."""

import numpy as np
import pytest

from musiclib import baselines, metrics, voices
from musiclib.data import PITCH_OFFSET, VOICE_RANGES, VOICES


@pytest.fixture(scope="module")
def train():
    from musiclib import data

    return data.load_pianorolls("train", voices="separate")  # quick mode (CI): the 136 windows of the quick subset


def _check_valid(rolls, n, in_range=True):
    assert rolls.shape == (n, 64, 64, 4) and rolls.dtype == np.float32
    assert set(np.unique(rolls)) <= {0.0, 1.0}
    assert rolls.sum(axis=2).max() <= 1  # each voice monophonic
    if in_range:  # real windows after key normalisation leave the written ranges in 0.04 % of steps: so may Markov
        assert all(voices.is_valid_voice_roll(r) for r in rolls)


def test_random_rolls_are_valid_in_range_uniform_and_seeded():
    rolls = baselines.random_rolls(200, seed=3)
    _check_valid(rolls, 200)
    assert np.array_equal(rolls, baselines.random_rolls(200, seed=3))
    assert not np.array_equal(rolls, baselines.random_rolls(200, seed=4))
    notes = metrics.note_runs(rolls)
    for v, name in enumerate(VOICES):
        low, high = VOICE_RANGES[name]
        pitches = notes[notes[:, 1] == v, 2]
        assert pitches.min() == low and pitches.max() == high  # the whole range is used ...
        counts = np.bincount(pitches - low)
        assert counts.min() > 0.5 * counts.mean()  # ... about uniformly
    # every eighth is a new draw: held steps come in pairs
    assert np.array_equal(rolls[:, ::2], rolls[:, 1::2])


def test_markov_baseline_reproduces_training_transition_statistics(train):
    model = baselines.MarkovBaseline().fit(train)
    assert np.allclose(model.transitions.sum(axis=2)[model.counts.sum(axis=2) > 0], 1.0)
    samples = model.sample(2000, seed=0)
    _check_valid(samples, 2000, in_range=False)
    refit = baselines.MarkovBaseline().fit(samples)
    for v in range(4):
        seen = model.counts[v].sum(axis=1)
        # states seen in training and visited often by the samples (sampling error of a row: TV ~ 0.02-0.04)
        busy = (seen >= 50) & (refit.counts[v].sum(axis=1) >= 1000)
        assert busy.sum() >= 5
        diff = np.abs(refit.transitions[v][busy] - model.transitions[v][busy]).sum(axis=1) / 2  # total variation
        assert diff.max() < 0.1, (VOICES[v], diff.max())
    # marginal pitch distribution of the soprano close to the training one
    hist_train = metrics.pitch_class_histogram(train).mean(axis=0)
    hist_markov = metrics.pitch_class_histogram(samples).mean(axis=0)
    assert np.abs(hist_train - hist_markov).sum() / 2 < 0.08


def test_markov_baseline_is_seeded_and_only_makes_seen_moves(train):
    model = baselines.MarkovBaseline().fit(train)
    a, b = model.sample(50, seed=1), model.sample(50, seed=1)
    assert np.array_equal(a, b)
    states = baselines._states_of(a, 2)
    states = np.where(states < 0, 64, states)
    for v in range(4):
        moves = model.counts[v][states[:, :-1, v].ravel(), states[:, 1:, v].ravel()]
        dead = model.counts[v].sum(axis=1)[states[:, :-1, v].ravel()] == 0
        assert ((moves > 0) | dead).all()


def test_shuffled_segments_take_each_bar_from_a_real_window_at_its_position(train):
    out = baselines.shuffled_segments(train, 30, seed=0)
    _check_valid(out, 30, in_range=False)
    flat = train.reshape(len(train), 4, 16, 64, 4)
    for roll in out.reshape(30, 4, 16, 64, 4):
        for b in range(4):
            assert (flat[:, b] == roll[b]).all(axis=(1, 2, 3)).any()
    assert np.array_equal(out, baselines.shuffled_segments(train, 30, seed=0))


def test_bad_inputs_raise_value_errors_naming_the_parameter(train):
    with pytest.raises(ValueError, match="n="):
        baselines.random_rolls(0)
    with pytest.raises(ValueError, match="steps_per_state"):
        baselines.random_rolls(2, steps_per_state=3)
    with pytest.raises(ValueError, match="fit"):
        baselines.MarkovBaseline().sample(2)
    with pytest.raises(ValueError, match="rolls.*binary"):
        baselines.MarkovBaseline().fit(np.full((2, 64, 64, 4), 0.5, "float32"))
    with pytest.raises(ValueError, match="rolls.*empty"):
        baselines.shuffled_segments(np.zeros((0, 64, 64, 4), "float32"), 3)
    with pytest.raises(ValueError, match="steps_per_bar"):
        baselines.shuffled_segments(train, 3, steps_per_bar=24)
