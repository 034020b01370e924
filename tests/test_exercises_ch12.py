"""Chapter 12 exercise checkers accept independent correct answers and reject likely mistakes."""

import numpy as np

from musiclib.exercises import check

NAMES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def student_melody_roll(text):
    """An independent parser: a hand-written note-name reader, step by step."""
    roll = np.zeros((64, 64), np.float32)
    t = 0
    for token in text.split():
        name, _, length = token.partition(":")
        beats = float(length) if length else 1.0
        steps = int(round(4 * beats))
        if name != "R":
            pc = NAMES[name[0]] + name.count("#") - name[1:].count("b")
            midi = 12 * (int(name[-1]) + 1) + pc
            roll[t : t + steps, midi - 28] = 1
        t += steps
    return roll


def student_slerp(a, b, t):
    omega = np.arccos(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    return (np.sin((1 - t) * omega) * a + np.sin(t * omega) * b) / np.sin(omega)


def student_crossed_steps(roll):
    count = 0
    for step in range(roll.shape[0]):
        pitches = [int(roll[step, :, v].argmax()) if roll[step, :, v].any() else None for v in range(4)]
        if any(u is not None and low is not None and low > u for u, low in zip(pitches, pitches[1:])):
            count += 1
    return count


def test_12_1_accepts_an_independent_parser_and_rejects_mistakes():
    assert check("12.1", student_melody_roll)
    assert not check("12.1", None)
    off_by_one = lambda text: np.roll(student_melody_roll(text), 1, axis=1)  # noqa: E731 - column = MIDI - 27
    assert not check("12.1", off_by_one)

    def no_rests(text):
        return student_melody_roll(" ".join(tok for tok in text.split() if not tok.startswith("R")))

    assert not check("12.1", no_rests)


def test_12_2_accepts_slerp_and_rejects_linear():
    assert check("12.2", student_slerp)
    result = check("12.2", lambda a, b, t: (1 - t) * a + t * b)
    assert not result and "linear" in result.message
    assert not check("12.2", None)


def test_12_3_accepts_an_independent_count_and_rejects_all_pairs_or_sounding_steps():
    assert check("12.3", student_crossed_steps)

    def any_pair(roll):  # compares non-adjacent voices too (S with T ...): a different rule
        count = 0
        for step in range(roll.shape[0]):
            p = [int(roll[step, :, v].argmax()) if roll[step, :, v].any() else None for v in range(4)]
            if any(p[i] is not None and p[j] is not None and p[j] > p[i] for i in range(4) for j in range(i + 1, 4)):
                count += 1
        return count

    assert not check("12.3", lambda roll: int((roll.sum(axis=(1, 2)) >= 2).sum()))
    assert not check("12.3", None)
    # any_pair may or may not agree on these rolls; it must never crash the checker
    check("12.3", any_pair)
