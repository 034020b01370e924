"""Chapter 13 exercise checkers accept independent correct answers and reject likely mistakes."""

import numpy as np
import pytest
from scipy import stats

from musiclib.config import DATA_DIR
from musiclib.exercises import available, check
from musiclib.exercises.ch13 import AB_ALPHA, AB_LISTENERS, IN_SCALE_TARGET, ab_critical_count, first_epoch_reaching

LOG = DATA_DIR / "pretrained" / "chorale_gan" / "first_design" / "log.csv"  # the run chapter 13 reads


def scipy_critical_count(n, alpha):
    """Smallest k with P(X >= k) <= alpha, X ~ Binomial(n, 1/2), by scipy (sf(k - 1) = P(X >= k))."""
    ks = np.arange(n + 2)
    return int(ks[stats.binom.sf(ks - 1, n, 0.5) <= alpha][0])


def numpy_first_epoch(column, target):
    log = np.genfromtxt(LOG, delimiter=",", names=True)
    reached = np.flatnonzero(log[column] >= target)
    return int(log["epoch"][reached[0]]) if reached.size else None


def test_both_exercises_are_registered():
    assert {"13.1", "13.2"} <= set(available())


def test_13_1_accepts_the_binomial_answer_and_rejects_mistakes():
    right = scipy_critical_count(AB_LISTENERS, AB_ALPHA)
    assert right == 15  # by hand: P(X >= 15) = 21700 / 2**20 = 0.0207, P(X >= 14) = 60460 / 2**20 = 0.0577
    assert check("13.1", right) and check("13.1", float(right)) and check("13.1", np.int64(right))
    for wrong in (None, right - 1, AB_LISTENERS // 2, right + 1, right + 0.5, str(right)):
        assert not check("13.1", wrong), wrong


@pytest.mark.parametrize("n,alpha", [(1, 0.05), (4, 0.05), (5, 0.05), (20, 0.01), (50, 0.05), (100, 0.001)])
def test_ab_critical_count_matches_scipy(n, alpha):
    assert ab_critical_count(n, alpha) == scipy_critical_count(n, alpha)


@pytest.mark.parametrize("n,alpha", [(0, 0.05), (2.5, 0.05), (10, 0.0), (10, 1.0), (10_001, 0.05), (10, "0.05"),
                                     (10, float("nan")), (True, 0.05)])
def test_ab_critical_count_rejects_bad_arguments(n, alpha):
    with pytest.raises(ValueError, match="n=|alpha="):
        ab_critical_count(n, alpha)


def test_13_2_accepts_the_epoch_read_with_numpy_and_rejects_mistakes():
    right = numpy_first_epoch("in_scale_rate", IN_SCALE_TARGET)
    assert right is not None and right == first_epoch_reaching()
    assert check("13.2", right) and check("13.2", float(right))
    log = np.genfromtxt(LOG, delimiter=",", names=True)
    later = int(log["epoch"][-1])
    for wrong in (None, right - 1, later, right + 0.5):
        assert not check("13.2", wrong), wrong


def test_first_epoch_reaching_other_columns_and_a_written_log(tmp_path):
    assert first_epoch_reaching("voices_sounding", 0.0) == 1
    assert first_epoch_reaching("in_scale_rate", 2.0) is None  # a rate never reaches 2
    path = tmp_path / "log.csv"
    path.write_text("epoch,step,in_scale_rate\n1,10,0.5\n2,20,0.97\n3,30,0.96\n")
    assert first_epoch_reaching("in_scale_rate", 0.95, path=path) == 2
    with pytest.raises(ValueError, match="column="):
        first_epoch_reaching("no_such_column", 0.5, path=path)
