"""Toy GANs: Gaussian-mixture data, mode counting, a one-call trainer and plots.

Chapters: 08_toy_gans.

Two data sets whose density is known in closed form, so every generated
sample can be judged exactly:

- a 1-D mixture of Gaussians (default: three modes at -4, 0 and 4, σ = 0.5);
- the 2-D "ring of 8 Gaussians" of the unrolled-GAN paper (Metz et al., 2017):
  8 modes evenly spaced on a circle of radius 2.

Measures: the first two follow VEEGAN (Srivastava et al., NeurIPS 2017,
section 5.1), which counted a sample as high quality within three standard
deviations of the nearest mode and a mode as captured when at least one high
quality sample is nearest to it (the ring data set itself is from the
unrolled-GAN paper, Metz et al., ICLR 2017):

- a sample is *high quality* when it lies within ``k·σ`` (default 3σ) of some
  mode's centre;
- a mode is *covered* when at least ``min_count`` samples (default 10, stricter
  than VEEGAN's one) are high-quality samples of that mode;
- *evenness*: a mode covered by 10 of 1000 samples still counts, so how evenly
  the high-quality samples spread over equally likely modes is measured too,
  by each mode's share against the fair share 1/K and by the KL divergence of
  the mode histogram from the uniform one.

Plot helpers take ``ax=None``, draw into it and return what they drew.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .._validation import (
    check_choice,
    check_finite_array,
    check_nonnegative_int,
    check_positive,
    check_positive_int,
)

__all__ = [
    "sample_gaussian_mixture_1d",
    "gaussian_mixture_pdf",
    "ring_centers",
    "sample_ring_of_gaussians",
    "mode_counts",
    "modes_covered",
    "high_quality_fraction",
    "relative_mode_shares",
    "kl_to_uniform",
    "kl_to_uniform_quantile",
    "evenly_spread",
    "evaluate_samples",
    "discriminator_output",
    "ToyGANResult",
    "train_toy_gan",
    "format_table",
    "plot_density_1d",
    "plot_discriminator_1d",
    "plot_samples_2d",
]

#: Default 1-D mixture: centres in the data's units.
DEFAULT_MEANS_1D = (-4.0, 0.0, 4.0)


def _mixture_params(means, stds, weights):
    means = check_finite_array("means", means).astype(np.float64)
    if means.ndim != 1:
        raise ValueError(f"means must be 1-D (one centre per mode), got shape {means.shape}")
    stds = np.asarray(stds, dtype=np.float64)
    if stds.ndim == 0:
        stds = np.full(len(means), float(stds))
    if stds.shape != means.shape or not np.all(np.isfinite(stds)) or np.any(stds <= 0):
        raise ValueError(f"stds must be a number > 0 or {len(means)} numbers > 0 (one per mode), got {stds.tolist()}")
    if weights is None:
        weights = np.full(len(means), 1.0 / len(means))
    else:
        weights = np.asarray(weights, dtype=np.float64)
        if weights.shape != means.shape or not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
            raise ValueError(f"weights must be {len(means)} non-negative numbers with a positive sum, got {weights.tolist()}")
        weights = weights / weights.sum()
    return means, stds, weights


def sample_gaussian_mixture_1d(n, *, means=DEFAULT_MEANS_1D, stds=0.5, weights=None, seed=0, return_labels=False):
    """Draw ``n`` samples of a 1-D mixture of Gaussians.

    The density is ``p(x) = Σ_k w_k · N(x; μ_k, σ_k²)`` (see :func:`gaussian_mixture_pdf`).

    Parameters
    ----------
    n : int
        Number of samples.
    means : sequence of float, keyword-only
        Mode centres μ_k (data units).
    stds : float or sequence of float, keyword-only
        Standard deviations σ_k > 0, one for all modes or one per mode.
    weights : sequence of float or None, keyword-only
        Mixture weights w_k ≥ 0 (normalised to sum 1); None = equal weights.
    seed : int, keyword-only
        Seed of ``np.random.default_rng``; equal seeds give equal samples.
    return_labels : bool, keyword-only
        Also return the index of the mode each sample came from.

    Returns
    -------
    x : np.ndarray [shape=(n, 1), dtype=float32]
        Samples, one column (the layout Keras models expect).
    labels : np.ndarray [shape=(n,), dtype=int64]
        Only with ``return_labels=True``.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer, or the mixture parameters are
        inconsistent (lengths, σ ≤ 0, negative weights).

    Chapter: 08_toy_gans

    Examples
    --------
    >>> x = sample_gaussian_mixture_1d(1000, seed=0)
    >>> x.shape, x.dtype
    ((1000, 1), dtype('float32'))
    """
    n = check_positive_int("n", n)
    seed = check_nonnegative_int("seed", seed)
    means, stds, weights = _mixture_params(means, stds, weights)
    rng = np.random.default_rng(seed)
    labels = rng.choice(len(means), size=n, p=weights)
    x = (means[labels] + stds[labels] * rng.standard_normal(n)).astype(np.float32)[:, None]
    return (x, labels) if return_labels else x


def gaussian_mixture_pdf(x, *, means=DEFAULT_MEANS_1D, stds=0.5, weights=None):
    """Density of the 1-D Gaussian mixture of :func:`sample_gaussian_mixture_1d`.

    Parameters
    ----------
    x : np.ndarray [shape=(m,) or (m, 1)]
        Points (data units).
    means, stds, weights
        As in :func:`sample_gaussian_mixture_1d`.

    Returns
    -------
    np.ndarray [shape=(m,), dtype=float64]
        ``p(x) = Σ_k w_k exp(-(x - μ_k)² / (2σ_k²)) / (σ_k √(2π))``, per unit of x.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> round(float(gaussian_mixture_pdf([0.0], means=[0.0], stds=1.0)[0]), 4)
    0.3989
    """
    x = check_finite_array("x", x).astype(np.float64).reshape(-1)
    means, stds, weights = _mixture_params(means, stds, weights)
    z = (x[:, None] - means[None, :]) / stds[None, :]
    return np.sum(weights * np.exp(-0.5 * z**2) / (stds * np.sqrt(2 * np.pi)), axis=1)


def ring_centers(n_modes=8, *, radius=2.0):
    """Centres of the ring-of-Gaussians modes, evenly spaced on a circle.

    Parameters
    ----------
    n_modes : int
        Number of modes (≥ 1). Mode k sits at angle ``2πk / n_modes``.
    radius : float, keyword-only
        Circle radius > 0 (data units).

    Returns
    -------
    np.ndarray [shape=(n_modes, 2), dtype=float64]

    Raises
    ------
    ValueError
        If ``n_modes`` is not a positive integer or ``radius`` is not > 0.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> ring_centers(4, radius=1.0).round(6).tolist()
    [[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [-0.0, -1.0]]
    """
    n_modes = check_positive_int("n_modes", n_modes)
    radius = check_positive("radius", radius)
    angles = 2 * np.pi * np.arange(n_modes) / n_modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def sample_ring_of_gaussians(n, *, n_modes=8, radius=2.0, std=0.1, seed=0, return_labels=False):
    """Draw ``n`` samples of the 2-D ring of Gaussians.

    Each sample picks a mode uniformly at random and adds isotropic Gaussian
    noise ``N(0, std² I)`` to its centre (see :func:`ring_centers`).

    Parameters
    ----------
    n : int
        Number of samples.
    n_modes : int, keyword-only
        Number of modes on the circle.
    radius : float, keyword-only
        Circle radius > 0.
    std : float, keyword-only
        Standard deviation σ > 0 of each coordinate. The unrolled-GAN paper
        used 0.02; 0.1 lets a small GAN learn the ring within a CPU budget of
        a few thousand steps.
    seed : int, keyword-only
        Seed of ``np.random.default_rng``.
    return_labels : bool, keyword-only
        Also return each sample's mode index.

    Returns
    -------
    x : np.ndarray [shape=(n, 2), dtype=float32]
    labels : np.ndarray [shape=(n,), dtype=int64]
        Only with ``return_labels=True``.

    Raises
    ------
    ValueError
        If a parameter is outside its range.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> sample_ring_of_gaussians(5, seed=0).shape
    (5, 2)
    """
    n = check_positive_int("n", n)
    std = check_positive("std", std)
    seed = check_nonnegative_int("seed", seed)
    centers = ring_centers(n_modes, radius=radius)
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(centers), size=n)
    x = (centers[labels] + std * rng.standard_normal((n, 2))).astype(np.float32)
    return (x, labels) if return_labels else x


def _as_points(name, value, dim=None):
    arr = check_finite_array(name, value).astype(np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (n, dim) or (n,), got {arr.shape}")
    if dim is not None and arr.shape[1] != dim:
        raise ValueError(f"{name} must have {dim} column(s) like centers, got shape {arr.shape}")
    return arr


def _nearest_mode(samples, centers, std, k):
    """Index of the nearest centre within k·σ of each sample, or -1."""
    centers = _as_points("centers", centers)
    samples = _as_points("samples", samples, dim=centers.shape[1])
    std = np.asarray(std, dtype=np.float64)
    if std.ndim == 0:
        std = np.full(len(centers), float(std))
    if std.shape != (len(centers),) or not np.all(np.isfinite(std)) or np.any(std <= 0):
        raise ValueError(f"std must be a number > 0 or {len(centers)} numbers > 0 (one per centre)")
    k = check_positive("k", k)
    dist = np.linalg.norm(samples[:, None, :] - centers[None, :, :], axis=2)
    within = dist <= k * std[None, :]
    # Among the centres a sample is close enough to, take the nearest one.
    dist = np.where(within, dist, np.inf)
    nearest = np.argmin(dist, axis=1)
    return np.where(within.any(axis=1), nearest, -1), len(centers)


def mode_counts(samples, centers, std, *, k=3.0):
    """Count the samples within ``k·σ`` of each mode's centre.

    A sample within reach of several centres counts for the nearest one
    only; samples near no centre count for none.

    Parameters
    ----------
    samples : np.ndarray [shape=(n, dim) or (n,)]
        Samples (generated or real).
    centers : np.ndarray [shape=(n_modes, dim) or (n_modes,)]
        Mode centres.
    std : float or np.ndarray [shape=(n_modes,)]
        Each mode's standard deviation σ > 0.
    k : float, keyword-only
        Radius in units of σ (Euclidean distance in 2-D).

    Returns
    -------
    np.ndarray [shape=(n_modes,), dtype=int64]

    Raises
    ------
    ValueError
        If shapes disagree or ``std``/``k`` is not positive.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> mode_counts([0.1, 3.9, 4.2, 9.0], [0.0, 4.0], 0.5).tolist()
    [1, 2]
    """
    nearest, n_modes = _nearest_mode(samples, centers, std, k)
    return np.bincount(nearest[nearest >= 0], minlength=n_modes).astype(np.int64)


def modes_covered(samples, centers, std, *, k=3.0, min_count=10):
    """Number of modes with at least ``min_count`` samples within ``k·σ`` of their centre.

    Parameters
    ----------
    samples, centers, std, k
        As in :func:`mode_counts`.
    min_count : int, keyword-only
        Samples a mode needs to count as covered (≥ 1). With n samples and
        M equally likely modes a perfect generator puts about n/M in each.

    Returns
    -------
    int
        Between 0 and ``n_modes``.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> modes_covered([0.1, 3.9, 4.2, 9.0], [0.0, 4.0], 0.5, min_count=2)
    1
    """
    min_count = check_positive_int("min_count", min_count)
    return int(np.sum(mode_counts(samples, centers, std, k=k) >= min_count))


def high_quality_fraction(samples, centers, std, *, k=3.0):
    """Fraction of samples within ``k·σ`` of some mode's centre.

    For perfect samples the fraction is ``P(|z| ≤ k)`` for a standard normal
    z in 1-D (0.9973 at k = 3) and ``1 - exp(-k²/2)`` for the distance to
    the centre in 2-D (0.9889 at k = 3).

    Parameters
    ----------
    samples, centers, std, k
        As in :func:`mode_counts`.

    Returns
    -------
    float
        In [0, 1].

    Chapter: 08_toy_gans

    Examples
    --------
    >>> high_quality_fraction([0.1, 3.9, 4.2, 9.0], [0.0, 4.0], 0.5)
    0.75
    """
    nearest, _ = _nearest_mode(samples, centers, std, k)
    return float(np.mean(nearest >= 0))


def _check_counts(counts):
    counts = check_finite_array("counts", counts).astype(np.float64)
    if counts.ndim != 1 or counts.size < 1 or np.any(counts < 0):
        raise ValueError(f"counts must be a 1-D array of non-negative numbers (one per mode), got {counts.tolist()}")
    return counts


def relative_mode_shares(counts):
    """Each mode's share of the counted samples, relative to the fair share 1/K.

    ``K · counts[j] / sum(counts)``: 1 for every mode when the samples spread
    evenly over K equally likely modes, 0 for a missing mode, K when all
    samples sit on one mode.

    Parameters
    ----------
    counts : np.ndarray [shape=(K,)]
        Samples per mode, e.g. from :func:`mode_counts`.

    Returns
    -------
    np.ndarray [shape=(K,), dtype=float64]
        All NaN when ``counts`` sums to 0 (no sample near any mode: no share).

    Raises
    ------
    ValueError
        If ``counts`` is not a 1-D array of non-negative finite numbers.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> relative_mode_shares([502, 61, 387]).round(3).tolist()
    [1.585, 0.193, 1.222]
    """
    counts = _check_counts(counts)
    total = counts.sum()
    if total == 0:
        return np.full(counts.shape, np.nan)
    return len(counts) * counts / total


def kl_to_uniform(counts):
    """KL divergence (nats) of the mode histogram from the uniform distribution over its K modes.

    With shares ``p_j = counts[j] / sum(counts)``,
    ``KL(p ‖ u) = Σ_j p_j log(K p_j) = log K - H(p)`` (``0 log 0 = 0``): 0 for a
    perfectly even spread, ``log K`` when every sample sits on one mode. Even
    a perfect generator does not reach 0 with finitely many samples: see
    :func:`kl_to_uniform_quantile`.

    Parameters
    ----------
    counts : np.ndarray [shape=(K,)]
        Samples per mode, e.g. from :func:`mode_counts`.

    Returns
    -------
    float
        In ``[0, log K]``; NaN when ``counts`` sums to 0.

    Raises
    ------
    ValueError
        If ``counts`` is not a 1-D array of non-negative finite numbers.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> round(kl_to_uniform([502, 61, 387]), 4)
    0.2194
    >>> kl_to_uniform([5, 5, 5, 5]), round(kl_to_uniform([20, 0, 0, 0]), 4)
    (0.0, 1.3863)
    """
    counts = _check_counts(counts)
    total = counts.sum()
    if total == 0:
        return float("nan")
    p = counts[counts > 0] / total
    return max(0.0, float(np.sum(p * np.log(len(counts) * p))))


def kl_to_uniform_quantile(n_samples, n_modes, *, q=0.99):
    """The ``q``-quantile of :func:`kl_to_uniform` for ``n_samples`` drawn evenly from ``n_modes`` modes.

    A perfect generator's samples land on the K modes like a multinomial
    draw, and their histogram is never exactly flat. The G-test statistic
    ``2 n · KL(p̂ ‖ u)`` is approximately χ² with K - 1 degrees of freedom, so
    the quantile is ``chi2.ppf(q, K - 1) / (2 n)`` (mean ``(K - 1) / (2 n)``).
    A KL above it says "less even than sampling noise explains" at level ``1 - q``.

    Parameters
    ----------
    n_samples : int
        Number of counted samples n (the sum of the counts), ≥ 1.
    n_modes : int
        Number of modes K, ≥ 2.
    q : float, keyword-only
        Quantile in (0, 1).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> round(kl_to_uniform_quantile(1000, 8), 4)
    0.0092
    """
    from scipy import stats

    n_samples = check_positive_int("n_samples", n_samples)
    n_modes = check_positive_int("n_modes", n_modes)
    if n_modes < 2:
        raise ValueError(f"n_modes={n_modes} must be at least 2")
    q = float(q)
    if not 0 < q < 1:
        raise ValueError(f"q={q!r} must be a number in (0, 1)")
    return float(stats.chi2.ppf(q, n_modes - 1) / (2 * n_samples))


def evenly_spread(counts, *, q=0.99):
    """True when samples spread over the modes as evenly as a perfect generator's would.

    That is, :func:`kl_to_uniform` of ``counts`` is at most
    :func:`kl_to_uniform_quantile` for ``n = sum(counts)`` samples and K modes:
    a generator that draws its samples evenly from the K modes passes with
    probability ``q``.

    Parameters
    ----------
    counts : np.ndarray [shape=(K,)]
        Samples per mode, K ≥ 2.
    q : float, keyword-only
        Quantile in (0, 1).

    Returns
    -------
    bool
        False when ``counts`` sums to 0.

    Raises
    ------
    ValueError
        If ``counts`` is invalid or has fewer than 2 modes.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> evenly_spread([330, 310, 320]), evenly_spread([502, 61, 387])
    (True, False)
    """
    counts = _check_counts(counts)
    n = int(round(counts.sum()))
    if n == 0:
        if len(counts) < 2:
            raise ValueError(f"counts must have at least 2 modes, got {len(counts)}")
        return False
    return bool(kl_to_uniform(counts) <= kl_to_uniform_quantile(n, len(counts), q=q))


def evaluate_samples(samples, centers, std, *, k=3.0, min_count=10):
    """Modes covered, high-quality fraction, per-mode counts and evenness in one call.

    Parameters
    ----------
    samples, centers, std, k, min_count
        As in :func:`modes_covered`.

    Returns
    -------
    dict
        ``{"modes_covered": int, "n_modes": int, "high_quality": float, "counts": np.ndarray,
        "kl_to_uniform": float, "min_relative_share": float}``: the last two from
        :func:`kl_to_uniform` and the smallest of :func:`relative_mode_shares`
        (NaN when no sample is near any mode).

    Chapter: 08_toy_gans

    Examples
    --------
    >>> result = evaluate_samples([0.1, 3.9, 4.2, 9.0], [0.0, 4.0], 0.5, min_count=1)
    >>> result["counts"].tolist(), result["modes_covered"], result["min_relative_share"]
    ([1, 2], 2, 0.6666666666666666)
    """
    counts = mode_counts(samples, centers, std, k=k)
    return {
        "modes_covered": int(np.sum(counts >= check_positive_int("min_count", min_count))),
        "n_modes": int(len(counts)),
        "high_quality": high_quality_fraction(samples, centers, std, k=k),
        "counts": counts,
        "kl_to_uniform": kl_to_uniform(counts),
        "min_relative_share": float(np.min(relative_mode_shares(counts))),
    }


def discriminator_output(logits, loss_kind):
    """Map discriminator logits to the quantity each loss kind reads.

    The minimax and non-saturating losses read ``D(x) = sigmoid(logit)``, a
    probability that x is real; the Wasserstein, hinge and least-squares
    losses read the raw value (a critic score or regression target).

    Parameters
    ----------
    logits : np.ndarray
        Raw outputs of the discriminator.
    loss_kind : str
        One of ``musiclib.gan.LOSS_KINDS``.

    Returns
    -------
    np.ndarray
        Same shape as ``logits``.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> discriminator_output(np.array([0.0]), "minimax").tolist()
    [0.5]
    """
    from .losses import LOSS_KINDS

    check_choice("loss_kind", loss_kind, LOSS_KINDS)
    logits = np.asarray(logits, dtype=np.float64)
    if loss_kind in ("minimax", "nonsaturating"):
        return 0.5 * (1.0 + np.tanh(0.5 * logits))  # sigmoid without overflow
    return logits


@dataclass
class ToyGANResult:
    """What :func:`train_toy_gan` returns.

    Attributes
    ----------
    loss_kind : str
    gan : musiclib.gan.trainer.GAN
        The trained model (``gan.generate(n)`` for new samples).
    history : dict[str, list of float]
        Per-epoch mean losses (``d_loss``, ``g_loss``, ``loss``, ``gp``).
    snapshots : dict[int, np.ndarray]
        Epoch -> samples of the fixed latent batch (epoch 0 = untrained).
    logits : dict[int, np.ndarray]
        Epoch -> discriminator logits on ``grid`` (1-D data only).
    grid : np.ndarray or None
        The points of ``logits``, shape ``(m, 1)``.
    collapse_ratios : dict[int, float]
        Epoch -> diversity ratio from the collapse detector.
    collapsed_epochs : list of int
        Epochs the detector flagged as collapsed.
    diverged : str or None
        The NaN guard's message when training diverged.
    seconds : float
        Wall-clock training time.
    """

    loss_kind: str
    gan: object
    history: dict
    snapshots: dict
    logits: dict
    grid: object
    collapse_ratios: dict
    collapsed_epochs: list
    diverged: object
    seconds: float
    settings: dict = field(default_factory=dict)

    @property
    def collapsed(self):
        """True when the collapse detector flagged at least one epoch."""
        return bool(self.collapsed_epochs)

    @property
    def final_samples(self):
        """Samples of the fixed latent batch after the last recorded epoch."""
        return self.snapshots[max(self.snapshots)]


def train_toy_gan(
    data,
    *,
    loss_kind="nonsaturating",
    epochs=20,
    batch_size=128,
    latent_dim=8,
    g_hidden=(64, 64),
    d_hidden=(64, 64),
    g_learning_rate=2e-3,
    d_learning_rate=2e-3,
    gp_weight=None,
    d_steps=None,
    snapshot_epochs=None,
    n_snapshot=1000,
    grid=None,
    collapse_threshold=0.25,
    collapse_score_fn=None,
    collapse_warmup_epochs=1,
    steps_per_execution=8,
    seed=0,
):
    """Build, train and monitor a small MLP GAN on toy data in one call.

    Generator and discriminator come from :mod:`musiclib.gan.models` with
    seeds derived from ``seed``, the training loop is
    :class:`musiclib.gan.trainer.GAN`, and the callbacks are a
    :class:`~musiclib.gan.trainer.SampleMonitor`, a
    :class:`~musiclib.gan.trainer.CollapseDetector`, a
    :class:`~musiclib.gan.trainer.NaNGuard` (no exception: the message lands
    in ``result.diverged``) and ``keras.callbacks.TerminateOnNaN``. Each epoch
    visits the data in a fresh order drawn from ``np.random.default_rng(seed)``
    (the last ``len(data) % batch_size`` samples of each permutation are
    skipped), so equal seeds give equal runs whatever the global random
    state, up to floating-point differences between machines.

    Parameters
    ----------
    data : np.ndarray [shape=(n, dim)]
        Real samples, e.g. from :func:`sample_ring_of_gaussians`.
    loss_kind : str, keyword-only
        One of ``musiclib.gan.LOSS_KINDS``.
    epochs : int, keyword-only
        Passes over ``data``.
    batch_size : int, keyword-only
        Real samples per step (the generator draws as many).
    latent_dim : int, keyword-only
        Size of the noise vector z.
    g_hidden, d_hidden : sequence of int, keyword-only
        Hidden layer sizes of G and D.
    g_learning_rate, d_learning_rate : float, keyword-only
        Adam learning rates (β₁ = 0.5, β₂ = 0.9, as in DCGAN/WGAN-GP).
        The defaults were tuned on the ring: 1e-3 needed about twice the steps.
    gp_weight : float or None, keyword-only
        Gradient-penalty weight; None means 0.1 for "wasserstein" (WGAN-GP
        with the weight its authors used for their toy data sets; 10 is their
        image setting, which learned far slower on these toys) and 0 otherwise.
    d_steps : int or None, keyword-only
        Discriminator updates per generator update; None means 2 for
        "wasserstein" (the critic must stay ahead of the generator) and 1
        otherwise.
    snapshot_epochs : iterable of int or None, keyword-only
        Epochs at which to keep samples (and D on ``grid``); None: every epoch.
        The last epoch is always kept.
    n_snapshot : int, keyword-only
        Size of the fixed latent batch behind every snapshot and the final
        evaluation.
    grid : np.ndarray [shape=(m, dim)] or None, keyword-only
        Points at which to record D (for 1-D data, an axis).
    collapse_threshold : float, keyword-only
        Threshold of the :class:`~musiclib.gan.trainer.CollapseDetector`.
    collapse_score_fn : callable or None, keyword-only
        Diversity score of the detector (default: mean pairwise distance).
    collapse_warmup_epochs : int, keyword-only
        Epochs the detector ignores: an untrained generator maps all noise
        close to one point, which is not collapse yet.
    steps_per_execution : int, keyword-only
        Training steps per compiled call (``keras.Model.compile``): fewer
        Python round trips, about 1.6× faster for these tiny networks. The
        NaN guard then checks the losses every that many steps.
    seed : int, keyword-only
        One seed for everything (weights, noise, data order, latent batch).

    Returns
    -------
    ToyGANResult

    Raises
    ------
    ValueError
        If a parameter is outside its range, ``data`` is not finite or
        ``batch_size`` exceeds the number of samples.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> x = sample_ring_of_gaussians(512, seed=0)
    >>> result = train_toy_gan(x, loss_kind="hinge", epochs=1)  # doctest: +SKIP
    >>> result.final_samples.shape  # doctest: +SKIP
    (1000, 2)
    """
    import keras

    from .losses import LOSS_KINDS
    from .models import build_mlp_discriminator, build_mlp_generator
    from .trainer import GAN, CollapseDetector, NaNGuard, SampleMonitor, sample_latent

    data = check_finite_array("data", data, min_ndim=2).astype(np.float32)
    if data.ndim != 2:
        raise ValueError(f"data must have shape (n, dim), got {data.shape}")
    check_choice("loss_kind", loss_kind, LOSS_KINDS)
    epochs = check_positive_int("epochs", epochs)
    batch_size = check_positive_int("batch_size", batch_size)
    n_snapshot = check_positive_int("n_snapshot", n_snapshot)
    seed = check_nonnegative_int("seed", seed)
    if gp_weight is None:
        gp_weight = 0.1 if loss_kind == "wasserstein" else 0.0
    if d_steps is None:
        d_steps = 2 if loss_kind == "wasserstein" else 1
    snapshot_set = None if snapshot_epochs is None else {check_nonnegative_int("snapshot_epochs", e) for e in snapshot_epochs} | {epochs}

    dim = data.shape[1]
    generator = build_mlp_generator(latent_dim, dim, hidden=g_hidden, seed=seed)
    discriminator = build_mlp_discriminator(dim, hidden=d_hidden, seed=seed + 1000)
    gan = GAN(generator, discriminator, seed=seed)
    gan.compile(
        keras.optimizers.Adam(check_positive("d_learning_rate", d_learning_rate), beta_1=0.5, beta_2=0.9),
        keras.optimizers.Adam(check_positive("g_learning_rate", g_learning_rate), beta_1=0.5, beta_2=0.9),
        loss_kind=loss_kind,
        gp_weight=gp_weight,
        d_steps=d_steps,
        steps_per_execution=check_positive_int("steps_per_execution", steps_per_execution),
    )
    latent = sample_latent(n_snapshot, latent_dim, seed=seed)
    monitor = SampleMonitor(latent, epochs=snapshot_set, grid=grid)
    detector = CollapseDetector(
        data,
        n_samples=min(n_snapshot, 512),
        threshold=collapse_threshold,
        score_fn=collapse_score_fn,
        warmup_epochs=collapse_warmup_epochs,
        seed=seed,
    )
    guard = NaNGuard(raise_error=False)
    import tensorflow as tf

    # Every epoch's order is drawn up front from a NumPy generator seeded by
    # ``seed``: a seeded tf.data shuffle would also depend on TensorFlow's
    # global seed. ``fit`` with ``steps_per_epoch`` keeps one iterator over
    # all epochs, so each epoch sees its own permutation.
    if batch_size > len(data):
        raise ValueError(f"batch_size={batch_size} must be at most the number of samples ({len(data)})")
    steps_per_epoch = len(data) // batch_size
    rng = np.random.default_rng(seed)
    order = np.concatenate([rng.permutation(len(data))[: steps_per_epoch * batch_size] for _ in range(epochs)])
    dataset = tf.data.Dataset.from_tensor_slices(data[order]).batch(batch_size)
    start = time.perf_counter()
    history = gan.fit(
        dataset,
        epochs=epochs,
        steps_per_epoch=steps_per_epoch,
        shuffle=False,  # the order above is already shuffled
        verbose=0,
        callbacks=[monitor, detector, guard, keras.callbacks.TerminateOnNaN()],
    )
    seconds = time.perf_counter() - start
    return ToyGANResult(
        loss_kind=loss_kind,
        gan=gan,
        history={k: [float(v) for v in vals] for k, vals in history.history.items()},
        snapshots=monitor.samples,
        logits=monitor.logits,
        grid=None if grid is None else np.asarray(grid),
        collapse_ratios=detector.ratios,
        collapsed_epochs=detector.collapsed_epochs,
        diverged=guard.message,
        seconds=seconds,
        settings={"epochs": epochs, "batch_size": batch_size, "latent_dim": latent_dim, "gp_weight": gp_weight, "d_steps": d_steps},
    )


def format_table(rows, *, columns=None, floatfmt=".3f"):
    """Render rows of results as a Markdown table (show with ``IPython.display.Markdown``).

    Parameters
    ----------
    rows : sequence of dict
        One dict per row; the keys of the first row give the columns.
    columns : sequence of str or None, keyword-only
        Column order (default: the first row's keys).
    floatfmt : str, keyword-only
        Format spec for floats.

    Returns
    -------
    str
        A Markdown table.

    Raises
    ------
    ValueError
        If ``rows`` is empty or a row lacks a column.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> print(format_table([{"loss": "hinge", "modes": 8}]))
    | loss | modes |
    |---|---|
    | hinge | 8 |
    """
    rows = list(rows)
    if not rows:
        raise ValueError("rows must hold at least one row")
    columns = list(rows[0]) if columns is None else list(columns)
    for row in rows:
        missing = [c for c in columns if c not in row]
        if missing:
            raise ValueError(f"rows: a row lacks column(s) {missing}")

    def cell(value):
        if isinstance(value, (float, np.floating)):
            return format(float(value), floatfmt)
        return str(value)

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(row[c]) for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def _get_ax(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def plot_density_1d(samples, *, means=DEFAULT_MEANS_1D, stds=0.5, weights=None, value_range=(-8.0, 8.0), bins=80, ax=None, label="generated"):
    """Histogram of 1-D samples (as a density) over the true mixture density.

    Parameters
    ----------
    samples : np.ndarray [shape=(n,) or (n, 1)]
        Generated (or real) samples.
    means, stds, weights
        The true mixture, as in :func:`sample_gaussian_mixture_1d`.
    value_range : (float, float), keyword-only
        x-axis range; samples outside it are left out of the histogram.
    bins : int, keyword-only
        Number of histogram bins.
    ax : matplotlib.axes.Axes or None, keyword-only
        Where to draw (default: the current axes).
    label : str, keyword-only
        Legend label of the histogram.

    Returns
    -------
    dict
        ``{"hist": BarContainer, "pdf": Line2D}``.

    Chapter: 08_toy_gans
    """
    x = check_finite_array("samples", samples).reshape(-1)
    bins = check_positive_int("bins", bins)
    lo, hi = (float(v) for v in value_range)
    if not lo < hi:
        raise ValueError(f"value_range={value_range!r} must be (low, high) with low < high")
    ax = _get_ax(ax)
    _, _, hist = ax.hist(x, bins=bins, range=(lo, hi), density=True, alpha=0.5, color="C0", label=label)
    axis = np.linspace(lo, hi, 400)
    (pdf,) = ax.plot(axis, gaussian_mixture_pdf(axis, means=means, stds=stds, weights=weights), color="k", lw=1.5, label="real density")
    ax.set_xlim(lo, hi)
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    return {"hist": hist, "pdf": pdf}


def plot_discriminator_1d(grid, logits, *, loss_kind="nonsaturating", ax=None, color="C3"):
    """The discriminator's output along a 1-D axis, on a twin y-axis.

    Sigmoid-based losses show ``D(x) ∈ [0, 1]`` (with the line D = ½ where
    it cannot tell real from fake); the others show the raw critic value.

    Parameters
    ----------
    grid : np.ndarray [shape=(m,) or (m, 1)]
        Points of the axis.
    logits : np.ndarray [shape=(m,)]
        Discriminator logits at ``grid`` (e.g. ``gan.discriminate(grid)``).
    loss_kind : str, keyword-only
        Decides what is plotted (see :func:`discriminator_output`).
    ax : matplotlib.axes.Axes or None, keyword-only
        Axes of the data plot; D is drawn on ``ax.twinx()``.
    color : str, keyword-only
        Line colour.

    Returns
    -------
    dict
        ``{"ax": the twin Axes, "line": Line2D}``.

    Chapter: 08_toy_gans
    """
    grid = check_finite_array("grid", grid).reshape(-1)
    logits = check_finite_array("logits", logits).reshape(-1)
    if grid.shape != logits.shape:
        raise ValueError(f"grid and logits must have the same length, got {grid.shape} and {logits.shape}")
    values = discriminator_output(logits, loss_kind)
    twin = _get_ax(ax).twinx()
    (line,) = twin.plot(grid, values, color=color, lw=1.5, label="D(x)" if loss_kind in ("minimax", "nonsaturating") else "critic(x)")
    if loss_kind in ("minimax", "nonsaturating"):
        twin.set_ylim(-0.02, 1.02)
        twin.axhline(0.5, color=color, lw=0.8, ls=":")
        twin.set_ylabel("D(x)", color=color)
    else:
        twin.set_ylabel("critic(x)", color=color)
    twin.tick_params(axis="y", colors=color)
    return {"ax": twin, "line": line}


def plot_samples_2d(samples, *, centers=None, std=None, k=3.0, ax=None, max_points=2000, s=4, color="C0"):
    """Scatter of 2-D samples with the true mode centres (and their k·σ circles).

    Parameters
    ----------
    samples : np.ndarray [shape=(n, 2)]
    centers : np.ndarray [shape=(n_modes, 2)] or None, keyword-only
        Mode centres, drawn as black crosses.
    std : float or None, keyword-only
        With ``centers``: draw a circle of radius ``k·std`` around each
        centre, the "high quality" region.
    k : float, keyword-only
        Circle radius in units of σ.
    ax : matplotlib.axes.Axes or None, keyword-only
    max_points : int, keyword-only
        Plot at most this many samples (the first ones).
    s : float, keyword-only
        Marker size.
    color : str, keyword-only

    Returns
    -------
    dict
        ``{"scatter": PathCollection, "centers": PathCollection or None, "circles": list}``.

    Chapter: 08_toy_gans
    """
    x = check_finite_array("samples", samples, min_ndim=2)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"samples must have shape (n, 2), got {x.shape}")
    max_points = check_positive_int("max_points", max_points)
    ax = _get_ax(ax)
    scatter = ax.scatter(x[:max_points, 0], x[:max_points, 1], s=s, alpha=0.5, color=color, linewidths=0)
    centre_artist, circles = None, []
    if centers is not None:
        c = _as_points("centers", centers, dim=2)
        centre_artist = ax.scatter(c[:, 0], c[:, 1], marker="x", color="k", s=40)
        if std is not None:
            radius = check_positive("k", k) * check_positive("std", std)
            import matplotlib.patches as mpatches

            for cx, cy in c:
                circle = mpatches.Circle((cx, cy), radius, fill=False, color="k", lw=0.6, ls="--")
                ax.add_patch(circle)
                circles.append(circle)
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")
    return {"scatter": scatter, "centers": centre_artist, "circles": circles}
