"""Chapter 09 exercise checkers accept independent correct answers and reject likely mistakes."""

import numpy as np

from musiclib.data import PITCH_OFFSET, VOICE_RANGES, VOICES
from musiclib.exercises import check


def student_decode(probs):
    """An independent solution: loops over voices and steps, building the categorical choice by hand."""
    n, t, p, v = probs.shape
    roll = np.zeros_like(probs)
    for voice in range(v):
        low, high = (x - PITCH_OFFSET for x in VOICE_RANGES[VOICES[voice]])
        for i in range(n):
            for step in range(t):
                inside = probs[i, step, low:high + 1, voice]
                rest = max(0.0, 1.0 - inside.sum())
                if inside.max() > rest:
                    roll[i, step, low + int(inside.argmax()), voice] = 1
    return roll


def student_sixteenth_share(roll):
    lengths = []
    for voice in range(4):
        current, run = None, 0
        for step in range(roll.shape[0]):
            pitch = int(roll[step, :, voice].argmax()) if roll[step, :, voice].any() else None
            if pitch == current:
                run += 1
                continue
            if current is not None:
                lengths.append(run)
            current, run = pitch, 1
        if current is not None:
            lengths.append(run)
    return float(np.mean(np.array(lengths) == 1)) if lengths else float("nan")


def test_09_1_accepts_an_independent_decoder_and_rejects_mistakes():
    assert check("09.1", student_decode)
    assert not check("09.1", None)
    no_rest = lambda p: (p == p.max(axis=2, keepdims=True)).astype(np.float32)  # noqa: E731 - argmax, no rest, no ranges
    assert not check("09.1", no_rest)

    def threshold(p):
        roll = student_decode(p)
        return roll * (p >= 0.5)

    assert not check("09.1", threshold)


def test_09_2_counts_weights_and_biases():
    assert check("09.2", 30784)
    assert not check("09.2", 30720) and not check("09.2", 30784.5) and not check("09.2", "30784")


def test_09_3_accepts_an_independent_metric_and_rejects_a_step_count():
    assert check("09.3", student_sixteenth_share)
    assert not check("09.3", lambda roll: float((roll.sum(axis=1) > 0).mean()))
    assert not check("09.3", 0.5)
