"""Tests for musiclib.gan.losses: closed forms, gradients, stability, gradient penalty."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from musiclib.gan import losses
from musiclib.gan.losses import LOSS_KINDS, discriminator_loss, generator_loss, gradient_penalty


def _log_sigmoid(x):
    # Independent numpy reference: log σ(x) = -log(1 + e^{-x}), stable form.
    return -np.logaddexp(0.0, -x)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _reference_d_loss(r, f, kind):
    if kind in ("minimax", "nonsaturating"):
        return -np.mean(_log_sigmoid(r)) - np.mean(_log_sigmoid(-f))  # log(1 - σ(f)) = log σ(-f)
    if kind == "wasserstein":
        return np.mean(f) - np.mean(r)
    if kind == "hinge":
        return np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f))
    return 0.5 * np.mean((r - 1) ** 2) + 0.5 * np.mean(f**2)


def _reference_g_loss(f, kind):
    if kind == "minimax":
        return np.mean(np.log1p(-_sigmoid(f)))
    if kind == "nonsaturating":
        return -np.mean(np.log(_sigmoid(f)))
    if kind in ("wasserstein", "hinge"):
        return -np.mean(f)
    return 0.5 * np.mean((f - 1) ** 2)


def test_loss_kinds_tuple():
    assert LOSS_KINDS == ("minimax", "nonsaturating", "wasserstein", "hinge", "least_squares")
    assert set(losses.__all__) == {"LOSS_KINDS", "discriminator_loss", "generator_loss", "gradient_penalty",
                                   "expected_parallel_motion"}


@pytest.mark.parametrize("kind", LOSS_KINDS)
@pytest.mark.parametrize("shape", [(64,), (32, 1), (8, 4, 3)])
def test_discriminator_loss_matches_closed_form(rng, kind, shape):
    r = rng.normal(1.0, 2.0, size=shape)
    f = rng.normal(-1.0, 2.0, size=shape)
    got = discriminator_loss(r, f, kind=kind)
    assert got.shape == ()
    assert got.dtype == tf.float64
    np.testing.assert_allclose(got.numpy(), _reference_d_loss(r, f, kind), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", LOSS_KINDS)
def test_generator_loss_matches_closed_form(rng, kind):
    f = rng.normal(0.0, 2.0, size=(50, 1))
    got = generator_loss(f, kind=kind)
    assert got.shape == ()
    np.testing.assert_allclose(got.numpy(), _reference_g_loss(f, kind), rtol=1e-12, atol=1e-12)


def test_default_kind_is_nonsaturating(rng):
    r, f = rng.normal(size=10), rng.normal(size=10)
    assert float(discriminator_loss(r, f)) == pytest.approx(float(discriminator_loss(r, f, kind="nonsaturating")))
    assert float(generator_loss(f)) == pytest.approx(_reference_g_loss(f, "nonsaturating"))


def test_minimax_and_nonsaturating_share_discriminator_loss(rng):
    r, f = rng.normal(size=20), rng.normal(size=20)
    a = discriminator_loss(r, f, kind="minimax").numpy()
    b = discriminator_loss(r, f, kind="nonsaturating").numpy()
    assert a == b


def test_tf_tensor_inputs_and_batch_sizes_may_differ(rng):
    r = tf.constant(rng.normal(size=(16, 1)), dtype=tf.float32)
    f = tf.constant(rng.normal(size=(8, 1)), dtype=tf.float32)
    got = discriminator_loss(r, f, kind="hinge")
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), _reference_d_loss(r.numpy(), f.numpy(), "hinge"), rtol=1e-6)


def test_integer_logits_are_cast_to_float32():
    got = generator_loss(np.array([0, 0]), kind="nonsaturating")
    assert got.dtype == tf.float32
    assert float(got) == pytest.approx(np.log(2.0), rel=1e-6)


def test_discriminator_loss_at_equilibrium_is_log4():
    # D = 1/2 everywhere (logit 0): the GAN value function at the optimum is -log 4.
    zeros = np.zeros(5)
    assert float(discriminator_loss(zeros, zeros, kind="minimax")) == pytest.approx(np.log(4.0))


@pytest.mark.parametrize("kind", LOSS_KINDS)
@pytest.mark.parametrize("value", [80.0, -80.0, 1e4, -1e4])
def test_losses_finite_at_extreme_logits_float32(kind, value):
    x = tf.constant([value, -value, 0.0], dtype=tf.float32)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        d = discriminator_loss(x, x, kind=kind)
        g = generator_loss(x, kind=kind)
    for loss in (d, g):
        assert np.isfinite(loss.numpy())
        grad = tape.gradient(loss, x).numpy()
        assert np.all(np.isfinite(grad))


def test_nonsaturating_value_at_large_negative_logit_is_exact():
    # -log σ(-80) = 80 + log(1 + e^-80) ≈ 80: log(sigmoid) in float32 would give inf.
    assert float(generator_loss(tf.constant([-80.0]), kind="nonsaturating")) == pytest.approx(80.0, rel=1e-6)
    assert float(generator_loss(tf.constant([80.0]), kind="minimax")) == pytest.approx(-80.0, rel=1e-6)


@pytest.mark.parametrize("kind", ["minimax", "nonsaturating"])
def test_generator_gradients_match_derived_formula(rng, kind):
    f = tf.constant(rng.normal(0.0, 4.0, size=32))
    with tf.GradientTape() as tape:
        tape.watch(f)
        # Sum, not mean, so each logit's gradient is the per-example derivative.
        loss = generator_loss(f, kind=kind) * f.shape[0]
    grad = tape.gradient(loss, f).numpy()
    s = _sigmoid(f.numpy())
    # d/df log(1 - σ(f)) = -σ(f);   d/df -log σ(f) = -(1 - σ(f)).
    expected = -s if kind == "minimax" else -(1.0 - s)
    np.testing.assert_allclose(grad, expected, rtol=1e-10, atol=1e-12)


def test_saturation_minimax_vanishes_nonsaturating_does_not():
    f = tf.constant([-10.0, -20.0])  # D(G(z)) ≈ 0: the discriminator rejects the fakes.
    grads = {}
    for kind in ("minimax", "nonsaturating"):
        with tf.GradientTape() as tape:
            tape.watch(f)
            loss = generator_loss(f, kind=kind)
        grads[kind] = np.abs(tape.gradient(loss, f).numpy())
    assert np.all(grads["minimax"] < 1e-4)
    assert np.all(grads["nonsaturating"] > 0.49)  # ≈ 1/batch = 0.5


@pytest.mark.parametrize("kind", LOSS_KINDS)
def test_losses_work_inside_tf_function(rng, kind):
    @tf.function(input_signature=[tf.TensorSpec([None, 1], tf.float32), tf.TensorSpec([None, 1], tf.float32)])
    def both(r, f):
        return discriminator_loss(r, f, kind=kind), generator_loss(f, kind=kind)

    r = rng.normal(size=(12, 1)).astype("float32")
    f = rng.normal(size=(12, 1)).astype("float32")
    d, g = both(r, f)
    np.testing.assert_allclose(d.numpy(), _reference_d_loss(r, f, kind), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(g.numpy(), _reference_g_loss(f, kind), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- gradient penalty


@pytest.mark.parametrize("norm_w", [0.0, 0.5, 1.0, 5.0])
@pytest.mark.parametrize("shape", [(16, 3), (4, 5, 2)])
def test_gradient_penalty_exact_on_linear_critic(rng, norm_w, shape):
    w = rng.normal(size=shape[1:])
    w = norm_w * w / np.linalg.norm(w)
    w_t = tf.constant(w, dtype=tf.float64)
    axes = list(range(1, len(shape)))

    def critic(x):
        return tf.reduce_sum(x * w_t, axis=axes) + 0.3

    real, fake = rng.normal(size=shape), rng.normal(size=shape)
    got = gradient_penalty(critic, real, fake, weight=7.0, seed=3)
    # The 1e-12 inside the square root shifts the norm by at most 1e-6 (at ‖w‖ = 0).
    np.testing.assert_allclose(got.numpy(), 7.0 * (norm_w - 1.0) ** 2, rtol=1e-5, atol=1e-5)


def test_gradient_penalty_quadratic_critic_matches_numpy(rng):
    # critic(x) = ½‖x‖² has gradient x̂ itself: the penalty depends on α, reproduced here.
    real = rng.normal(size=(10, 4)).astype("float32")
    fake = rng.normal(size=(10, 4)).astype("float32")
    seed = 11
    alpha = keras.ops.convert_to_numpy(keras.random.uniform((10, 1), seed=seed))
    x_hat = alpha * real + (1 - alpha) * fake
    expected = 10.0 * np.mean((np.linalg.norm(x_hat, axis=1) - 1.0) ** 2)
    got = gradient_penalty(lambda x: 0.5 * tf.reduce_sum(x**2, axis=1), real, fake, seed=seed)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-4)


def test_gradient_penalty_alpha_uniform_per_sample(rng):
    # With critic(x) = ½‖x‖², real = 1 and fake = 0 in 1-D, the gradient norm is α itself:
    # the penalty weight·E[(α - 1)²] estimates 1/3 for α ~ U(0, 1) (1/2 for a normal α).
    n = 20000
    got = gradient_penalty(
        lambda x: 0.5 * tf.reduce_sum(x**2, axis=1), np.ones((n, 1)), np.zeros((n, 1)), weight=1.0, seed=5
    )
    assert 0.32 < float(got) < 0.345


def test_gradient_penalty_finite_at_zero_gradient(rng):
    real = tf.constant(rng.normal(size=(8, 3)), dtype=tf.float32)
    fake = tf.constant(rng.normal(size=(8, 3)), dtype=tf.float32)
    scale = tf.Variable(0.0)

    def critic(x):
        # Zero input gradient at scale = 0 (a constant critic), still a function of a weight.
        return scale * tf.reduce_sum(x, axis=1) + 2.0

    with tf.GradientTape() as tape:
        gp = gradient_penalty(critic, real, fake, weight=10.0)
    grad = tape.gradient(gp, scale)
    assert float(gp) == pytest.approx(10.0, rel=1e-5)
    assert grad is not None and np.isfinite(grad.numpy())
    # Input-independent critic: gradient unconnected, penalty = weight.
    assert float(gradient_penalty(lambda x: tf.ones([tf.shape(x)[0]]), real, fake)) == pytest.approx(10.0, rel=1e-5)


def test_gradient_penalty_second_order_inside_tf_function(rng):
    # Linear keras critic: gp = λ(‖w‖ - 1)², so d gp / d w = 2λ(‖w‖ - 1) w/‖w‖.
    critic = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    w0 = np.array([[1.0], [2.0], [2.0]], dtype="float32")  # ‖w‖ = 3
    critic.layers[0].kernel.assign(w0)
    gen = keras.random.SeedGenerator(1)

    @tf.function
    def penalty_and_grad(real, fake):
        with tf.GradientTape() as tape:
            gp = gradient_penalty(critic, real, fake, weight=10.0, seed=gen)
        # (The bias does not change input gradients, so the penalty does not depend on it.)
        return gp, tape.gradient(gp, critic.layers[0].kernel)

    real = rng.normal(size=(16, 3)).astype("float32")
    fake = rng.normal(size=(16, 3)).astype("float32")
    gp, d_kernel = penalty_and_grad(real, fake)
    assert float(gp) == pytest.approx(10.0 * (3.0 - 1.0) ** 2, rel=1e-5)
    np.testing.assert_allclose(d_kernel.numpy(), 2 * 10.0 * (3.0 - 1.0) * w0 / 3.0, rtol=1e-5)


def test_gradient_penalty_seed_generator_draws_fresh_alpha(rng):
    real = rng.normal(size=(6, 2)).astype("float32")
    fake = rng.normal(size=(6, 2)).astype("float32")
    critic = lambda x: 0.5 * tf.reduce_sum(x**2, axis=1)  # noqa: E731
    gen = keras.random.SeedGenerator(7)
    a, b = gradient_penalty(critic, real, fake, seed=gen), gradient_penalty(critic, real, fake, seed=gen)
    assert float(a) != float(b)
    c, d = gradient_penalty(critic, real, fake, seed=4), gradient_penalty(critic, real, fake, seed=4)
    assert float(c) == float(d)


def test_tensor_logits_are_not_value_checked():
    # Inside a training step a NaN must reach NaNGuard instead of raising mid-graph.
    assert np.isnan(float(generator_loss(tf.constant([np.nan, 0.0]))))


def test_gradient_penalty_accepts_the_largest_seed(rng):
    x = rng.normal(size=(4, 2))
    assert np.isfinite(float(gradient_penalty(lambda t: tf.reduce_sum(t, axis=1), x, -x, seed=2**32 - 1)))


def test_gradient_penalty_weight_zero(rng):
    x = rng.normal(size=(4, 2))
    assert float(gradient_penalty(lambda t: tf.reduce_sum(t, axis=1), x, x, weight=0.0)) == 0.0


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: discriminator_loss(np.zeros(3), np.zeros(3), kind="bce"), "kind"),
        (lambda: generator_loss(np.zeros(3), kind="Wasserstein"), "kind"),
        (lambda: generator_loss(np.zeros(3), kind=None), "kind"),
        (lambda: discriminator_loss(np.zeros((4, 1)), np.zeros(4)), "real_logits and fake_logits"),
        (lambda: discriminator_loss(np.zeros((4, 1)), np.zeros((4, 2))), "real_logits and fake_logits"),
        (lambda: discriminator_loss(np.float32(1.0), np.zeros(3)), "real_logits"),
        (lambda: discriminator_loss(np.zeros(3), np.zeros(0)), "fake_logits"),
        (lambda: generator_loss(np.array(["a", "b"])), "fake_logits"),
        (lambda: discriminator_loss(np.zeros(3, "float32"), np.zeros(3, "float64")), "real_logits and fake_logits"),
        (lambda: gradient_penalty("critic", np.zeros((2, 2)), np.zeros((2, 2))), "critic"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((3, 2))), "real and fake"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), weight=-1.0), "weight"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), weight=np.nan), "weight"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), seed=-1), "seed"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), seed="x"), "seed"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((0, 2)), np.zeros((0, 2))), "real"),
        # complex, bool and string inputs (NumPy and tensors), NaN/inf in NumPy input,
        # bool as int, seeds beyond 32 bits
        (lambda: discriminator_loss(np.zeros(3, complex), np.zeros(3)), "real_logits must be a real numeric"),
        (lambda: generator_loss(tf.constant([1 + 2j, 0j])), "fake_logits must be a real numeric .* complex128"),
        (lambda: generator_loss(tf.constant([True, False])), "fake_logits must be a real numeric .* bool"),
        (lambda: generator_loss(tf.constant(["a", "b"])), "fake_logits must be a real numeric .* string"),
        (lambda: generator_loss(np.array([True, False])), "fake_logits"),
        (lambda: discriminator_loss(np.array([0.0, np.nan]), np.zeros(2)), "real_logits must contain only finite"),
        (lambda: discriminator_loss(np.zeros(2), [np.inf, 0.0]), "fake_logits must contain only finite"),
        (lambda: generator_loss(np.array([2**65, 1])), "fake_logits"),
        (lambda: gradient_penalty(lambda x: x, np.full((2, 2), np.nan), np.zeros((2, 2))), "real must contain only finite"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), tf.zeros((2, 2), tf.complex64)), "fake must be a real numeric"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), seed=True), "seed=True"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), seed=2**32), r"seed=4294967296 must be an integer in \[0, 4294967295\]"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), seed=2**64), "seed"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), weight=True), "weight"),
        (lambda: gradient_penalty(lambda x: x, np.zeros((2, 2)), np.zeros((2, 2)), training="yes"), "training='yes' must be True or False"),
    ],
)
def test_bad_inputs_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --- expected_parallel_motion: the rule penalty of the chorale generator (chapter 10) -------------------------------

def test_expected_parallel_motion_equals_the_metric_on_one_hot_eighth_note_rolls():
    from musiclib import metrics
    from musiclib.baselines import random_rolls
    from musiclib.data import PITCH_OFFSET

    rolls = random_rolls(6, seed=2)  # voices move on even steps only, as the generator's do
    rolls[0] = 0  # and a hand-made one: S G4 / B C3 -> A4 / D3 (fifths), then C5 / C3 -> D5 / D3 (octaves)
    for t, (s, b) in enumerate([(67, 48), (69, 50), (72, 48), (74, 50)]):
        rolls[0, 4 * t : 4 * t + 4, s - PITCH_OFFSET, 0] = rolls[0, 4 * t : 4 * t + 4, b - PITCH_OFFSET, 3] = 1
    counts = metrics.voice_leading(rolls)
    expected, moves_expected = (t.numpy() for t in losses.expected_parallel_motion(rolls))
    # The penalty leaves out one case the metric counts: unison <-> octave in contrary motion.
    moves = metrics.voice_pair_moves(rolls)
    unison = (moves[:, 3] == moves[:, 4]) | (moves[:, 5] == moves[:, 6])
    contrary = np.sign(moves[:, 5] - moves[:, 3]) != np.sign(moves[:, 6] - moves[:, 4])
    octave_like = (np.abs(moves[:, 3] - moves[:, 4]) % 12 == 0) & (np.abs(moves[:, 5] - moves[:, 6]) % 12 == 0)
    left_out = np.bincount(moves[unison & contrary & octave_like & (moves[:, 5] != moves[:, 3]) & (moves[:, 6] != moves[:, 4]), 0],
                           minlength=len(rolls))
    np.testing.assert_allclose(expected, counts["parallel_fifths"] + counts["parallel_octaves"] - left_out, atol=1e-4)
    assert expected[0] == pytest.approx(2)  # the leap A4 / D3 -> C5 / C3 is neither
    assert (expected[1:] > 0).any()  # the random rolls have some, so the comparison above is not 0 == 0
    # On one-hot rolls changing only at eighth notes the expected moves are the metric's pair moves, exactly.
    np.testing.assert_allclose(moves_expected, counts["pair_moves"], atol=1e-3)


def _soft_roll(rng, n_pitches=64):
    """Probabilities per eighth note (held two steps), each voice on 3 pitches of its own octave plus a rest."""
    from musiclib.data import PITCH_OFFSET

    probs = np.zeros((32, n_pitches, 4), np.float32)
    bases = [72, 60, 52, 40]  # disjoint octaves S A T B: no unisons, so no left-out case
    for v, base in enumerate(bases):
        cols = base - PITCH_OFFSET + np.array([0, 2, 7])
        w = rng.dirichlet(np.ones(4), size=32).astype(np.float32)  # three pitches and the rest
        probs[:, cols, v] = w[:, :3]
    return np.repeat(probs, 2, axis=0)  # (64, P, 4)


def test_expected_parallel_motion_matches_sampled_rolls():
    """The closed form against Monte Carlo: draw one-hot rolls cell by cell and count with the metric."""
    from musiclib import metrics

    rng = np.random.default_rng(0)
    probs = _soft_roll(rng)
    expected, expected_moves = (float(t.numpy()[0]) for t in losses.expected_parallel_motion(probs[None]))
    n = 4000
    eighth = probs[::2]  # (32, P, 4)
    full = np.concatenate([eighth, np.clip(1 - eighth.sum(axis=1, keepdims=True), 0, 1)], axis=1)  # rest last
    cdf = np.cumsum(full, axis=1)
    u = rng.random((n, 32, 1, 4))
    choice = (u > cdf[None]).sum(axis=2)  # (n, 32, 4) index, P = rest
    rolls = np.zeros((n, 32, 65, 4), np.float32)
    np.put_along_axis(rolls, choice[:, :, None, :], 1.0, axis=2)
    rolls = np.repeat(rolls[:, :, :64], 2, axis=1)
    counts = metrics.voice_leading(rolls)
    sampled = counts["parallel_fifths"] + counts["parallel_octaves"]
    # Monte Carlo standard error of the mean, from the sample itself; 4 of them is far beyond chance.
    assert expected > 1  # enough parallels in this roll that the check has something to find
    assert abs(sampled.mean() - expected) < 4 * sampled.std() / np.sqrt(n)
    moves = counts["pair_moves"]
    assert abs(moves.mean() - expected_moves) < 4 * moves.std() / np.sqrt(n)


def test_expected_parallel_motion_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    probs = tf.constant(_soft_roll(rng)[None])
    with tf.GradientTape() as tape:
        tape.watch(probs)
        parallels, moves = losses.expected_parallel_motion(probs)
        value = parallels[0] / moves[0]  # the penalty's ratio: both parts' gradients are checked
    grad = tape.gradient(value, probs).numpy()
    assert np.isfinite(grad).all() and np.abs(grad).max() > 0
    # Central differences in float64 by re-evaluating with one cell nudged (the function is multilinear in cells).
    for t, p, v in [(3, 72 - 28, 0), (4, 60 - 28, 1), (9, 40 - 28 + 7, 3)]:
        from musiclib.data import PITCH_OFFSET

        assert PITCH_OFFSET == 28
        h = 1e-2
        up, down = probs.numpy().copy(), probs.numpy().copy()
        up[0, t, p, v] += h
        down[0, t, p, v] -= h
        ratio = lambda x: float(np.divide(*(t.numpy()[0] for t in losses.expected_parallel_motion(x))))  # noqa: E731
        fd = (ratio(up) - ratio(down)) / (2 * h)
        assert grad[0, t, p, v] == pytest.approx(fd, rel=2e-3, abs=1e-6)


def test_expected_parallel_motion_zero_without_parallels_and_hold_one_counts_every_step():
    from musiclib.data import PITCH_OFFSET

    x = np.zeros((1, 4, 64, 4), np.float32)
    x[0, :2, [76 - PITCH_OFFSET, 67 - PITCH_OFFSET, 60 - PITCH_OFFSET, 48 - PITCH_OFFSET], [0, 1, 2, 3]] = 1
    x[0, 2:, [77 - PITCH_OFFSET, 67 - PITCH_OFFSET, 60 - PITCH_OFFSET, 47 - PITCH_OFFSET], [0, 1, 2, 3]] = 1  # contrary
    parallels, moves = losses.expected_parallel_motion(x)
    assert float(parallels[0]) == 0.0 and float(moves[0]) == 5.0  # S and B move, A and T hold: 5 of 6 pairs move
    y = np.zeros((1, 2, 64, 4), np.float32)
    y[0, 0, [44, 32, 25, 13], [0, 1, 2, 3]] = 1  # C5 C4 F3 F2: fifths and octaves only
    y[0, 1, [46, 34, 27, 15], [0, 1, 2, 3]] = 1  # all up a tone
    parallels, moves = losses.expected_parallel_motion(y, hold=1)
    assert (float(parallels[0]), float(moves[0])) == pytest.approx((6.0, 6.0))  # 6 of 6 pairs, one move


@pytest.mark.parametrize("shape, hold, match", [((2, 64, 64), 2, "probs"), ((2, 64, 64, 3), 2, "probs"),
                                                ((1, 64, 64, 4), 0, "hold"), ((1, 64, 64, 4), 33, "hold")])
def test_expected_parallel_motion_rejects_bad_input(shape, hold, match):
    with pytest.raises(ValueError, match=match):
        losses.expected_parallel_motion(np.zeros(shape, np.float32), hold=hold)
