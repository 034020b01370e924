"""Exercise checkers for chapter 13_challenges_and_outlook ("check your understanding").

13.1 asks how many listeners of a blind A/B test must pick the real Bach before guessing stops being a good
explanation (a one-sided binomial test); 13.2 asks for an epoch read off the training log chapter 13 reads, the first
design's (``data/pretrained/chorale_gan/first_design/log.csv``). The expected values are computed here, from the
binomial distribution and from the log itself, so the notebook does not give them away.
"""

from __future__ import annotations

import csv
import math

from . import as_integer, register

__all__ = ["AB_LISTENERS", "AB_ALPHA", "IN_SCALE_TARGET", "ab_critical_count", "first_epoch_reaching"]

#: Listeners in the blind A/B test of exercise 13.1.
AB_LISTENERS = 20
#: Significance level of exercise 13.1 (one-sided).
AB_ALPHA = 0.05
#: The in-scale rate of exercise 13.2.
IN_SCALE_TARGET = 0.95


def _binomial_tail(n: int, k: int) -> float:
    """P(X >= k) for X ~ Binomial(n, 1/2), exactly (integer arithmetic, then one division)."""
    return sum(math.comb(n, i) for i in range(k, n + 1)) / 2**n


def ab_critical_count(n: int = AB_LISTENERS, alpha: float = AB_ALPHA) -> int:
    """Smallest k with P(X >= k) <= alpha when each of n listeners guesses (X ~ Binomial(n, 1/2)).

    Chapter: 13_challenges_and_outlook

    Parameters
    ----------
    n : int
        Listeners, in [1, 10000].
    alpha : float
        One-sided significance level, in [1e-12, 1 - 1e-12].

    Returns
    -------
    int
        The critical count; ``n + 1`` when even n right answers out of n are not significant.

    Raises
    ------
    ValueError
        If ``n`` or ``alpha`` is out of range.

    Examples
    --------
    >>> ab_critical_count(20, 0.05)
    15
    >>> ab_critical_count(4, 0.05)  # 4 of 4 happens by chance with probability 1/16 > 0.05
    5
    """
    from .._validation import check_in_range

    n = check_in_range("n", n, 1, 10_000, integer=True)
    alpha = float(check_in_range("alpha", alpha, 1e-12, 1 - 1e-12))  # a probability strictly between 0 and 1
    for k in range(n + 1):
        if _binomial_tail(n, k) <= alpha:
            return k
    return n + 1


def _read_log(path=None) -> list:
    from ..config import DATA_DIR

    path = DATA_DIR / "pretrained" / "chorale_gan" / "first_design" / "log.csv" if path is None else path
    with open(path, newline="") as f:
        return [{key: float(value) for key, value in row.items()} for row in csv.DictReader(f)]


def first_epoch_reaching(column: str = "in_scale_rate", target: float = IN_SCALE_TARGET, *, path=None):
    """First epoch of a training log whose ``column`` is at least ``target`` (None if no epoch reaches it).

    Chapter: 13_challenges_and_outlook

    Parameters
    ----------
    column : str
        A column of the log, e.g. ``"in_scale_rate"``.
    target : float
        The value to reach.
    path : str or Path or None
        A ``log.csv`` written by :func:`musiclib.gan.training.train`; None: the log chapter 13 reads, the first
        design's (``data/pretrained/chorale_gan/first_design``).

    Returns
    -------
    int or None

    Raises
    ------
    ValueError
        If the log has no such column.

    Examples
    --------
    >>> first_epoch_reaching("voices_sounding", 0.0)
    1
    """
    rows = _read_log(path)
    if rows and column not in rows[0]:
        raise ValueError(f"column={column!r} is not in the log; choose one of {', '.join(rows[0])}")
    for row in rows:
        if row[column] >= target:
            return int(row["epoch"])
    return None


@register("13.1")
def _check_ab_count(answer):
    if answer is None:
        return False, "Answer with a whole number of listeners (see the exercise text)."
    value = as_integer(answer)
    expected = ab_critical_count()
    if value == expected:
        return True, ""
    if value == expected - 1:
        return False, (f"Close: with {value} right answers P(X >= {value}) = {_binomial_tail(AB_LISTENERS, value):.3f}, "
                       f"still above {AB_ALPHA}. Sum the binomial probabilities from k up to n.")
    if value == AB_LISTENERS // 2:
        return False, "That is what guessing gives on average; the question asks how far above it chance rarely goes."
    return False, (f"Under guessing X ~ Binomial({AB_LISTENERS}, 1/2); find the smallest k with P(X >= k) <= {AB_ALPHA} "
                   "(scipy.stats.binom.sf(k - 1, n, 0.5) is P(X >= k)).")


@register("13.2")
def _check_first_epoch(answer):
    if answer is None:
        return False, "Answer with an epoch number (the log's 'epoch' column)."
    value = as_integer(answer)
    expected = first_epoch_reaching()
    if value == expected:
        return True, ""
    rows = _read_log()
    if expected is not None and value == expected - 1:
        return False, "Epochs in the log count from 1: read the 'epoch' column, not the row index from 0."
    if any(int(r["epoch"]) == value and r["in_scale_rate"] >= IN_SCALE_TARGET for r in rows):
        return False, "That epoch reaches the target, but an earlier one already did: the question asks for the first."
    return False, f"Find the first row of log.csv whose in_scale_rate is at least {IN_SCALE_TARGET} and answer its epoch."
