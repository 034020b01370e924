"""Tests for musiclib.gan.theory: the numerical checks of chapter 07_gan_theory."""

import numpy as np
import pytest
import sympy as sp
import tensorflow as tf
from scipy import stats
from scipy.spatial.distance import jensenshannon

from musiclib import plots
from musiclib.gan import generator_loss, theory
from musiclib.gan.losses import LOSS_KINDS

GRID = np.linspace(-8.0, 10.0, 3601)


def _gauss(mean, std, x=GRID):
    return stats.norm.pdf(x, mean, std)


# ---------------------------------------------------------------- optimal discriminator


def test_optimal_discriminator_is_p_over_p_plus_q():
    p, q = _gauss(0, 1), _gauss(2, 0.5)
    np.testing.assert_allclose(theory.optimal_discriminator(p, q), p / (p + q))
    # Zero density on both sides: 1/2 by convention, never NaN.
    assert theory.optimal_discriminator(np.zeros(3), np.zeros(3)).tolist() == [0.5, 0.5, 0.5]


def test_optimal_discriminator_maximises_value_function(rng):
    p, q = _gauss(0, 1), _gauss(1.5, 0.8)
    d_star = theory.optimal_discriminator(p, q)
    best = theory.generator_criterion(p, q, GRID)  # V(D*, G), computed without rounding D* to 1
    inner = np.abs(GRID) < 5  # where D* is not rounded to 0 or 1 in float64
    assert theory.value_function(d_star[inner], p[inner], q[inner], GRID[inner]) == pytest.approx(
        theory.generator_criterion(p[inner], q[inner], GRID[inner]), rel=1e-9)
    for _ in range(20):
        bump = 0.2 * rng.normal() * np.exp(-((GRID - rng.uniform(-2, 3)) ** 2))
        other = np.clip(d_star + bump, 1e-9, 1 - 1e-9)
        assert theory.value_function(other, p, q, GRID) < best
    # A discriminator that always answers 1/2 scores -log 4 whatever p and q are.
    assert theory.value_function(np.full_like(p, 0.5), p, q, GRID) == pytest.approx(-np.log(4.0), rel=1e-6)


def test_optimal_discriminator_symbolic_derivation():
    steps = theory.optimal_discriminator_symbolic()
    D, p, q = steps["symbols"]
    assert len(steps["solutions"]) == 1
    assert sp.simplify(steps["d_star"] - p / (p + q)) == 0
    assert sp.simplify(steps["derivative"].subs(D, steps["d_star"])) == 0
    # Concave for every p, q > 0 and D in (0, 1): second derivative -p/D² - q/(1-D)² < 0.
    assert sp.simplify(steps["second_derivative"] + p / D**2 + q / (1 - D) ** 2) == 0
    value = steps["value_at_optimum"].subs({p: 0.3, q: 0.7})
    assert float(value) == pytest.approx(0.3 * np.log(0.3) + 0.7 * np.log(0.7))


# ---------------------------------------------------------------- C(G) and divergences


@pytest.mark.parametrize("mean_q, std_q", [(0.0, 1.0), (0.5, 1.0), (2.0, 0.5), (6.0, 0.3)])
def test_generator_criterion_is_minus_log4_plus_2_jsd(mean_q, std_q):
    p, q = _gauss(0, 1), _gauss(mean_q, std_q)
    c = theory.generator_criterion(p, q, GRID)
    jsd = theory.js_divergence(p, q, GRID)
    assert c == pytest.approx(-np.log(4.0) + 2.0 * jsd, abs=1e-9)
    assert c >= -np.log(4.0) - 1e-9
    # scipy's jensenshannon is the square root of JSD of probability vectors (natural log).
    assert jsd == pytest.approx(jensenshannon(p, q) ** 2, abs=1e-6)


def test_jsd_bounds():
    p = _gauss(0, 1)
    assert theory.js_divergence(p, p, GRID) == pytest.approx(0.0, abs=1e-12)
    far = theory.js_divergence(_gauss(-5, 0.3), _gauss(7, 0.3), GRID)
    assert far == pytest.approx(np.log(2.0), rel=1e-6)  # disjoint supports: saturated


@pytest.mark.parametrize("m1, s1, m2, s2", [(0, 1, 1, 1), (0, 1, 0, 2), (1, 0.5, -1, 1.5)])
def test_kl_divergence_matches_gaussian_closed_form(m1, s1, m2, s2):
    expected = np.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    assert theory.kl_divergence(_gauss(m1, s1), _gauss(m2, s2), GRID) == pytest.approx(expected, rel=1e-6)


def test_kl_divergence_infinite_without_overlap():
    x = np.linspace(0, 1, 11)
    assert theory.kl_divergence((x < 0.5).astype(float), (x >= 0.5).astype(float), x) == np.inf


# ---------------------------------------------------------------- Wasserstein-1


@pytest.mark.parametrize("n_u, n_v", [(500, 500), (300, 700), (1, 5)])
def test_wasserstein1_samples_matches_scipy(rng, n_u, n_v):
    u, v = rng.normal(0, 1, n_u), rng.gamma(2.0, 1.0, n_v)
    assert theory.wasserstein1_samples(u, v) == pytest.approx(stats.wasserstein_distance(u, v), rel=1e-10)
    assert theory.wasserstein1_samples(u[:, None], v) == pytest.approx(theory.wasserstein1_samples(u, v))


def test_wasserstein1_equal_sizes_is_mean_sorted_gap(rng):
    u, v = rng.normal(size=100), rng.normal(3, 2, size=100)
    assert theory.wasserstein1_samples(u, v) == pytest.approx(np.mean(np.abs(np.sort(u) - np.sort(v))))


def test_wasserstein1_densities_shift_and_samples(rng):
    # A shift by s moves every bit of mass by s: W1 = s, whereas JSD saturates.
    for shift in (0.5, 3.0, 8.0):
        assert theory.wasserstein1_densities(_gauss(-4, 0.5), _gauss(-4 + shift, 0.5), GRID) == pytest.approx(
            shift, rel=1e-4
        )
    p, q = _gauss(0, 1), _gauss(1, 2)
    u, v = rng.normal(0, 1, 200_000), rng.normal(1, 2, 200_000)
    assert theory.wasserstein1_densities(p, q, GRID) == pytest.approx(theory.wasserstein1_samples(u, v), rel=0.02)


# ---------------------------------------------------------------- saturation


@pytest.mark.parametrize("kind", LOSS_KINDS)
def test_generator_logit_gradient_matches_autodiff(rng, kind):
    f = tf.constant(rng.normal(0, 5, size=40))
    with tf.GradientTape() as tape:
        tape.watch(f)
        loss = generator_loss(f, kind=kind) * 40  # sum of the per-example losses
    np.testing.assert_allclose(tape.gradient(loss, f).numpy(), theory.generator_logit_gradient(f.numpy(), kind),
                               rtol=1e-10, atol=1e-12)


def test_saturating_gradient_vanishes_as_discriminator_wins():
    logits = np.array([-2.0, -5.0, -10.0])  # D(G(z)) = σ(f) ≈ 0.12, 0.0067, 4.5e-5
    d = 1 / (1 + np.exp(-logits))
    np.testing.assert_allclose(np.abs(theory.generator_logit_gradient(logits, "minimax")), d)
    assert np.all(np.abs(theory.generator_logit_gradient(logits, "nonsaturating")) > 0.88)


# ---------------------------------------------------------------- trained discriminator and critics


@pytest.fixture(scope="module")
def two_samples():
    rng = np.random.default_rng(7)
    return rng.normal(0.0, 1.0, 1500), rng.normal(2.5, 0.6, 1500)


def test_trained_discriminator_approaches_optimal(two_samples):
    real, fake = two_samples
    model, losses = theory.train_discriminator(real, fake, steps=500, seed=0)
    x = np.linspace(-3, 4.5, 151)
    d = tf.sigmoid(model(x[:, None])).numpy().ravel()
    d_star = theory.optimal_discriminator(_gauss(0, 1, x), _gauss(2.5, 0.6, x))
    assert np.max(np.abs(d - d_star)) < 0.08
    assert losses[-1] < losses[0]


def test_gradient_penalty_critic_estimate(two_samples):
    real, fake = two_samples
    w1 = theory.wasserstein1_samples(real, fake)
    for weight in (10.0, 100.0):
        critic, history = theory.train_critic(real, fake, gp_weight=weight, steps=500, learning_rate=1e-2, seed=0)
        ratio = theory.critic_estimate(critic, real, fake) / w1
        # Slope s trades the gain s·W1 against the penalty λ(s - 1)²: s* = 1 + W1/(2λ).
        assert ratio == pytest.approx(1 + w1 / (2 * weight), rel=0.05)
        assert history["estimate"].shape == (500,)


def test_clipped_and_unconstrained_critics(two_samples):
    real, fake = two_samples
    w1 = theory.wasserstein1_samples(real, fake)
    clipped, _ = theory.train_critic(real, fake, constraint="clip", clip_value=0.05, steps=300, learning_rate=1e-2)
    slopes = theory.input_gradient_norms(clipped, np.linspace(-2, 4, 61))
    estimate = theory.critic_estimate(clipped, real, fake)
    assert estimate < 0.5 * w1  # K-Lipschitz with K << 1: a scaled-down estimate
    assert estimate == pytest.approx(np.mean(slopes) * w1, rel=0.15)
    _, free = theory.train_critic(real, fake, constraint="none", steps=300, learning_rate=1e-2)
    assert free["estimate"][-1] > 5 * w1  # unconstrained: the "distance" diverges


def test_input_gradient_norms_linear_model():
    w = tf.constant([[3.0], [-4.0]])
    norms = theory.input_gradient_norms(lambda t: tf.matmul(t, w), np.ones((5, 2)))
    np.testing.assert_allclose(norms, 5.0)


def test_density_curves_draws_lines_and_histograms(rng):
    x = np.linspace(-4, 4, 81)
    drawn = plots.density_curves(x, {"p": _gauss(0, 1, x), "q": _gauss(1, 1, x)}, samples={"real": rng.normal(size=99)})
    assert len(drawn["lines"]) == 2 and len(drawn["histograms"]) == 1
    np.testing.assert_allclose(drawn["lines"][0].get_ydata(), _gauss(0, 1, x))


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: theory.optimal_discriminator(np.ones(3), np.ones(4)), "p and q"),
        (lambda: theory.optimal_discriminator(-np.ones(3), np.ones(3)), "p and q"),
        (lambda: theory.js_divergence(np.ones(3), np.ones(3), np.array([0.0, 2.0, 1.0])), "x"),
        (lambda: theory.js_divergence(np.ones(3), np.ones(2), np.arange(3.0)), "q"),
        (lambda: theory.kl_divergence(np.array([1.0, -1.0]), np.ones(2), np.arange(2.0)), "p"),
        (lambda: theory.value_function(np.full(3, 1.5), np.ones(3), np.ones(3), np.arange(3.0)), "d"),
        (lambda: theory.wasserstein1_samples(np.zeros(0), np.ones(3)), "u"),
        (lambda: theory.wasserstein1_samples(np.ones(3), np.ones((3, 2))), "v"),
        (lambda: theory.wasserstein1_samples(np.ones(3), [np.nan]), "v"),
        (lambda: theory.wasserstein1_densities(np.zeros(3), np.ones(3), np.arange(3.0)), "p"),
        (lambda: theory.generator_logit_gradient(np.zeros(2), "saturating"), "kind"),
        (lambda: theory.train_critic(np.zeros(4), np.ones(4), constraint="spectral"), "constraint"),
        (lambda: theory.train_critic(np.zeros(4), np.ones(4), steps=0), "steps"),
        (lambda: theory.train_critic(np.zeros(4), np.ones(4), gp_weight=-1.0), "gp_weight"),
        (lambda: theory.train_discriminator(np.zeros((4, 2)), np.ones((4, 3))), "real and fake"),
        (lambda: theory.train_discriminator(np.zeros(4), np.ones(4), learning_rate=0.0), "learning_rate"),
    ],
)
def test_bad_inputs_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# ---------------------------------------------------------------- exercises of chapter 07


def test_chapter07_exercises_accept_solutions_and_reject_placeholders():
    from musiclib.exercises import ch07, check

    assert sorted(ch07.SOLUTIONS) == ["07.1", "07.2", "07.3", "07.4", "07.5", "07.6"]
    for exercise_id, solution in ch07.SOLUTIONS.items():
        assert check(exercise_id, solution()), exercise_id
        assert not check(exercise_id, None)
        assert not check(exercise_id, solution() + 0.5)
    # Independent values: 3/4, -log 4, log 2, (2 + 2 + 1)/3, (1 - 0.01)/0.01, 2·(1 + 2/20).
    expected = [0.75, -np.log(4), np.log(2), 5 / 3, 99.0, 2.2]
    got = [ch07.SOLUTIONS[k]() for k in sorted(ch07.SOLUTIONS)]
    np.testing.assert_allclose(got, expected, rtol=1e-9)
