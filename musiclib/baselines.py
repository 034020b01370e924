"""Baseline generators for four-voice chorale windows: what a GAN must beat to mean anything.

Chapter: 10_evaluating_generated_music

Each baseline returns valid four-voice rolls shaped like the chapter-09 generator's output, ``(n, 64 steps, 64
pitches, 4 voices)`` float32 on the sixteenth grid, from the same training split:

- :func:`random_rolls`: every voice picks a pitch of its range uniformly at random every eighth note (the GAN's
  rhythmic resolution). The floor: no musical knowledge beyond the voice ranges.
- :class:`MarkovBaseline`: one first-order Markov chain per voice over eighth-note states (a pitch, or a rest);
  holding a note is a self-transition, so note lengths come out geometric. It learns melodic motion of each voice
  but nothing about harmony between voices or about the bar.
- :func:`shuffled_segments`: four real bars taken from random training windows and glued together. Every bar is
  Bach; the phrase is not. It tells which metrics look beyond one bar; window-level novelty does not flag it as
  copying (no single training window holds more than its share), a search bar by bar does.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_in_range, check_positive_int, check_seed
from .data import N_PITCHES, PITCH_OFFSET, VOICE_RANGES, VOICES

__all__ = ["random_rolls", "MarkovBaseline", "shuffled_segments"]

MAX_SAMPLES = 100_000


def _roll_from_states(states, n_pitches, steps_per_state):
    """(n, n_states, 4) pitch columns (-1 = rest) -> binary rolls (n, n_states * steps_per_state, P, 4)."""
    n, n_states, n_voices = states.shape
    rolls = np.zeros((n, n_states * steps_per_state, n_pitches, n_voices), dtype=np.float32)
    steps = np.repeat(states, steps_per_state, axis=1)
    r, t, v = np.nonzero(steps >= 0)
    rolls[r, t, steps[r, t, v], v] = 1.0
    return rolls


def _check_common(n, seed, time_steps, steps_per_state):
    n = check_positive_int("n", n, maximum=MAX_SAMPLES)
    seed = check_seed("seed", seed, allow_none=False)
    time_steps = check_positive_int("time_steps", time_steps, maximum=4096)
    steps_per_state = check_positive_int("steps_per_state", steps_per_state, maximum=time_steps)
    if time_steps % steps_per_state:
        raise ValueError(f"time_steps={time_steps} must be a multiple of steps_per_state={steps_per_state}")
    return n, seed, time_steps, steps_per_state


def random_rolls(n: int, *, seed: int = 0, time_steps: int = 64, steps_per_state: int = 2,
                 pitch_offset: int = PITCH_OFFSET, n_pitches: int = N_PITCHES) -> np.ndarray:
    """Uniformly random four-voice rolls: each voice, every ``steps_per_state`` steps, a pitch of its range.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    n : int
        Number of rolls.
    seed : int
        Seed of the draw (same seed, same rolls).
    time_steps : int
        Steps per roll (64 = four 4/4 bars of sixteenths).
    steps_per_state : int
        Steps each drawn pitch is held (2 = eighth notes, the chapter-09 generator's resolution).
    pitch_offset, n_pitches : int
        Piano-roll layout (MIDI pitch of column 0, number of columns).

    Returns
    -------
    np.ndarray [shape=(n, time_steps, n_pitches, 4), dtype=float32]

    Examples
    --------
    >>> rolls = random_rolls(3, seed=0)
    >>> rolls.shape, float(rolls.sum(axis=2).max())
    ((3, 64, 64, 4), 1.0)
    """
    n, seed, time_steps, steps_per_state = _check_common(n, seed, time_steps, steps_per_state)
    pitch_offset = check_in_range("pitch_offset", pitch_offset, 0, 127, integer=True)
    n_pitches = check_positive_int("n_pitches", n_pitches, maximum=128 - pitch_offset)
    rng = np.random.default_rng(seed)
    n_states = time_steps // steps_per_state
    states = np.empty((n, n_states, len(VOICES)), dtype=np.int64)
    for v, name in enumerate(VOICES):
        low, high = VOICE_RANGES[name]
        low, high = max(low - pitch_offset, 0), min(high - pitch_offset, n_pitches - 1)
        states[:, :, v] = rng.integers(low, high + 1, size=(n, n_states))
    return _roll_from_states(states, n_pitches, steps_per_state)


def _states_of(rolls, steps_per_state):
    """Pitch column (-1 = rest) of each voice at the first step of every state: (n, n_states, 4)."""
    arr = np.asarray(rolls)
    sounding = arr.max(axis=2) > 0  # (n, T, 4)
    index = np.where(sounding, arr.argmax(axis=2), -1)
    return index[:, ::steps_per_state, :]


def _check_training_rolls(rolls):
    from .metrics import _rolls

    return _rolls("rolls", rolls, "separate")


class MarkovBaseline:
    """One first-order Markov chain per voice over eighth-note states, fit by counting the training rolls.

    State: the voice's pitch column at the first sixteenth of each eighth note, or a rest (one extra state).
    ``fit`` counts the transitions between consecutive states of every training window and the states windows
    start in; ``sample`` draws a start state and walks each voice's chain independently. No smoothing: the chain
    only makes moves it has seen, so every pitch stays in its voice's observed range.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    steps_per_state : int
        Sixteenth steps per state (2 = eighth notes, like the chapter-09 generator).

    Examples
    --------
    >>> train = random_rolls(20, seed=1)
    >>> model = MarkovBaseline().fit(train)
    >>> model.transitions.shape, model.sample(2, seed=0).shape
    ((4, 65, 65), (2, 64, 64, 4))
    """

    def __init__(self, steps_per_state: int = 2):
        self.steps_per_state = check_positive_int("steps_per_state", steps_per_state, maximum=64)
        self.transitions = None  # (4, P + 1, P + 1) row-normalised; state P is the rest
        self.initial = None  # (4, P + 1)
        self.counts = None
        self.time_steps = None
        self.n_pitches = None

    def fit(self, rolls) -> MarkovBaseline:
        """Count transitions of every voice in ``rolls`` ``(n, time_steps, n_pitches, 4)`` (binary, monophonic)."""
        arr = _check_training_rolls(rolls)
        n, time_steps, n_pitches, _ = arr.shape
        if time_steps % self.steps_per_state:
            raise ValueError(f"rolls have {time_steps} steps, not a multiple of steps_per_state={self.steps_per_state}")
        states = _states_of(arr, self.steps_per_state)
        states = np.where(states < 0, n_pitches, states)  # the rest is the last state
        k = n_pitches + 1
        counts = np.zeros((len(VOICES), k, k))
        initial = np.zeros((len(VOICES), k))
        for v in range(len(VOICES)):
            np.add.at(counts[v], (states[:, :-1, v].ravel(), states[:, 1:, v].ravel()), 1)
            np.add.at(initial[v], states[:, 0, v], 1)
        self.counts = counts
        rows = counts.sum(axis=2, keepdims=True)
        self.transitions = np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)
        self.initial = initial / initial.sum(axis=1, keepdims=True)
        self.time_steps, self.n_pitches = time_steps, n_pitches
        return self

    def sample(self, n: int, *, seed: int = 0) -> np.ndarray:
        """Draw ``n`` rolls shaped like the training rolls (float32, binary, four monophonic voices)."""
        if self.transitions is None:
            raise ValueError("MarkovBaseline.sample needs a fitted model: call fit(rolls) first")
        n, seed, _, _ = _check_common(n, seed, self.time_steps, self.steps_per_state)
        rng = np.random.default_rng(seed)
        k = self.n_pitches + 1
        n_states = self.time_steps // self.steps_per_state
        states = np.empty((n, n_states, len(VOICES)), dtype=np.int64)
        cumulative = np.cumsum(self.transitions, axis=2)
        for v in range(len(VOICES)):
            states[:, 0, v] = rng.choice(k, size=n, p=self.initial[v])
            for s in range(1, n_states):
                prev = states[:, s - 1, v]
                # A state never left in training (seen only at a window's end) keeps its value.
                draw = (cumulative[v, prev] < rng.random((n, 1))).sum(axis=1)
                dead = self.transitions[v, prev].sum(axis=1) == 0
                states[:, s, v] = np.where(dead, prev, np.minimum(draw, k - 1))
        states = np.where(states == self.n_pitches, -1, states)
        return _roll_from_states(states, self.n_pitches, self.steps_per_state)


def shuffled_segments(rolls, n: int, *, seed: int = 0, steps_per_bar: int = 16) -> np.ndarray:
    """Rolls glued from real bars: bar ``b`` of each output is bar ``b`` of a random training window.

    Keeping each bar at its position keeps where cadences fall; what is lost is the line from bar to bar.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    rolls : array_like [shape=(n_windows, time_steps, n_pitches, 4)]
        Training windows (binary, four monophonic voices).
    n : int
        Rolls to make.
    seed : int
        Seed of the choice of windows.
    steps_per_bar : int
        16 for 4/4 on the sixteenth grid.

    Examples
    --------
    >>> train = random_rolls(10, seed=1)
    >>> out = shuffled_segments(train, 3, seed=0)
    >>> out.shape, any((out[0, 16:32] == window[16:32]).all() for window in train)   # bar 2 is a real bar 2
    ((3, 64, 64, 4), True)
    """
    arr = _check_training_rolls(rolls)
    n = check_positive_int("n", n, maximum=MAX_SAMPLES)
    seed = check_seed("seed", seed, allow_none=False)
    time_steps = arr.shape[1]
    steps_per_bar = check_in_range("steps_per_bar", steps_per_bar, 1, time_steps, integer=True)
    if time_steps % steps_per_bar:
        raise ValueError(f"rolls have {time_steps} steps, not a multiple of steps_per_bar={steps_per_bar}")
    rng = np.random.default_rng(seed)
    n_bars = time_steps // steps_per_bar
    pick = rng.integers(0, len(arr), size=(n, n_bars))
    out = np.empty((n,) + arr.shape[1:], dtype=np.float32)
    for b in range(n_bars):
        sl = slice(b * steps_per_bar, (b + 1) * steps_per_bar)
        out[:, sl] = arr[pick[:, b], sl]
    return out
