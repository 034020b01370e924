"""Chapter 11 exercise checkers accept independent correct answers and reject likely mistakes."""

import numpy as np

from musiclib.exercises import check


def student_to_patch(db):
    out = np.empty((db.shape[0], db.shape[2], db.shape[1]))
    for i in range(db.shape[0]):
        for m in range(db.shape[1]):
            for f in range(db.shape[2]):
                value = 2 * (db[i, m, f] + 60) / 95 - 1
                out[i, f, m] = min(1.0, max(-1.0, value))
    return out


def test_11_1_accepts_an_independent_encoder_and_rejects_mistakes():
    assert check("11.1", student_to_patch)
    assert not check("11.1", None)
    assert not check("11.1", lambda db: np.swapaxes(student_to_patch(db), 1, 2))  # frames not first
    assert not check("11.1", lambda db: np.swapaxes(2 * (db + 60) / 95 - 1, 1, 2))  # no clipping
    assert not check("11.1", lambda db: np.swapaxes(np.clip(db / 60, -1, 1), 1, 2))


def test_11_2_accepts_an_independent_score_and_rejects_mistakes():
    def sc(reference, estimate):
        return np.sqrt(((reference - estimate) ** 2).sum()) / np.sqrt((reference**2).sum())

    assert check("11.2", sc)
    assert not check("11.2", lambda r, e: np.linalg.norm(r - e) / np.linalg.norm(e))
    assert not check("11.2", lambda r, e: ((r - e) ** 2).sum() / (r**2).sum())
    assert not check("11.2", None)


def test_11_3_closed_form():
    assert check("11.3", 10) and check("11.3", 10.0)
    assert not check("11.3", 14) and not check("11.3", 3) and not check("11.3", None)


def test_11_4_accepts_the_normal_equations_and_rejects_mistakes():
    def label_table(patches, labels):  # the normal equations, solved with a pseudo-inverse (labels are collinear)
        target = np.arctanh(np.clip(patches, -0.95, 0.95)).mean(axis=1)
        return np.linalg.pinv(labels.T @ labels) @ labels.T @ target

    assert check("11.4", label_table)
    assert not check("11.4", None)
    assert not check("11.4", lambda p, y: np.linalg.pinv(y) @ np.arctanh(p).mean(axis=1))  # no clipping: infinite
    assert not check("11.4", lambda p, y: np.linalg.pinv(y) @ np.clip(p, -0.95, 0.95).mean(axis=1))  # no arctanh
    assert not check("11.4", lambda p, y: np.linalg.pinv(y) @ np.arctanh(np.clip(p, -0.95, 0.95)).mean(axis=2))  # over mels
    assert not check("11.4", lambda p, y: y.T @ np.arctanh(np.clip(p, -0.95, 0.95)).mean(axis=1) / len(y))  # not least squares
