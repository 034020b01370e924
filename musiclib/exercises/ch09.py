"""Exercise checkers for chapter 09_training_a_music_gan.

09.1 and 09.3 ask for a function; the checker runs it on probability arrays and rolls it draws itself and
compares with the course's own version (:func:`musiclib.voices.decode_voices`, :func:`musiclib.metrics.sixteenth_share`).
"""

from __future__ import annotations

import numpy as np

from . import as_integer, register

__all__ = ["test_probabilities"]


def test_probabilities(seed=0, n=3, rest=0.3):
    """Generator-like per-voice probabilities ``(n, 16, 64, 4)``: softmax outputs over 64 pitches plus a rest.

    Probability also lands outside each voice's range, as it does in a generator without a range mask.
    """
    rng = np.random.default_rng(909 + seed)
    probs = rng.dirichlet(np.full(65, 0.08), size=(n, 16, 4))
    probs[..., 64] += rest
    probs /= probs.sum(axis=-1, keepdims=True)
    return np.moveaxis(probs[..., :64], -1, -2).astype(np.float32)


def _run(function, *args):
    out = np.asarray(function(*args), dtype=np.float64)
    return out


@register("09.1")
def _check_decode(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function decode(probabilities) -> roll (see the exercise text)."
    from ..voices import decode_voices, is_valid_voice_roll

    for seed, rest in ((0, 0.3), (1, 0.0), (2, 0.9)):
        probs = test_probabilities(seed, rest=rest)
        got = _run(answer, probs.copy())
        expected = decode_voices(probs)
        if got.shape != expected.shape:
            return False, f"The roll must keep the shape {expected.shape}, got {got.shape}."
        if not np.array_equal(got, expected):
            if not is_valid_voice_roll(got):
                return False, "Each voice needs at most one pitch per step, inside its VOICE_RANGES range, as 0/1 values."
            return False, ("Valid roll, different choices: compare the best in-range pitch with the rest probability "
                           "1 - (sum of the in-range probabilities) at every step and voice.")
    return True, ""


@register("09.2")
def _check_conv_weights(answer):
    expected = 5 * 96 * 64 + 64
    if answer is None:
        return False, "Count the kernel weights (kernel size x input channels x output channels) and the biases."
    value = as_integer(answer)
    if value == expected:
        return True, ""
    if value == 5 * 96 * 64:
        return False, "Almost: every output channel also has a bias."
    return False, "A Conv1D kernel holds kernel_size x in_channels x out_channels weights, plus out_channels biases."


@register("09.3")
def _check_sixteenth_share(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function sixteenth_share(roll) -> float for one roll (time_steps, 64, 4)."
    from ..metrics import sixteenth_share
    from ..voices import decode_voices

    for seed in range(3):
        rolls = decode_voices(test_probabilities(seed, n=2, rest=0.2 * seed))
        for roll in rolls:
            got = float(answer(roll.copy()))
            expected = float(sixteenth_share(roll))
            if not np.isclose(got, expected, rtol=1e-9, atol=1e-12):
                return False, (f"Got {got:.4f}, expected {expected:.4f}: a note is a run of steps of one pitch in one "
                               "voice; count the runs of length 1 among all runs of all four voices.")
    return True, ""
