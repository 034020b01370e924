"""Tests for musiclib.gan.models and musiclib.gan.trainer: updates, metrics, seeds, penalty, NaN guard, resume."""

import os
import re
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from musiclib.gan import trainer
from musiclib.gan.models import MAX_PARAMETERS, build_mlp_discriminator, build_mlp_generator, count_parameters
from musiclib.gan.trainer import (
    GAN,
    CheckpointError,
    CheckpointSkippedWarning,
    CollapseDetector,
    GANCheckpoint,
    ModeCollapseWarning,
    NaNGuard,
    SampleMonitor,
    TrainingDivergedError,
    mean_pairwise_distance,
    sample_latent,
)

LATENT, DIM = 4, 2


def make_gan(*, seed=0, loss_kind="nonsaturating", gp_weight=0.0, d_steps=1, g_lr=1e-3, d_lr=1e-3, hidden=(16, 16), eager=True):
    """A small GAN; eager by default, because tracing a train step costs more than these tests' few steps."""
    gan = GAN(
        build_mlp_generator(LATENT, DIM, hidden=hidden, seed=seed),
        build_mlp_discriminator(DIM, hidden=hidden, seed=seed + 100),
        seed=seed,
    )
    gan.compile(keras.optimizers.Adam(d_lr), keras.optimizers.Adam(g_lr), loss_kind=loss_kind, gp_weight=gp_weight, d_steps=d_steps, run_eagerly=eager)
    return gan


def weights_of(model):
    return [w.numpy() for w in model.weights]


@pytest.fixture
def data(rng):
    return rng.normal(size=(128, DIM)).astype(np.float32)


# ---- models -----------------------------------------------------------------------------


def test_mlp_builders_shapes_and_parameter_counts():
    g = build_mlp_generator(3, 5, hidden=(7, 11), seed=0)
    d = build_mlp_discriminator(5, hidden=(13,), seed=0)
    assert g.input_shape == (None, 3) and g.output_shape == (None, 5)
    assert d.input_shape == (None, 5) and d.output_shape == (None, 1)
    assert count_parameters(g) == (3 * 7 + 7) + (7 * 11 + 11) + (11 * 5 + 5)
    assert count_parameters(d) == (5 * 13 + 13) + (13 * 1 + 1)
    # Logits, not probabilities: the last layer is linear, so outputs leave [0, 1].
    out = np.array(d(np.full((4, 5), 50.0, dtype=np.float32)))
    assert np.abs(out).max() > 1.0


def test_builder_seed_gives_equal_networks():
    a, b, c = (build_mlp_generator(2, 2, seed=s) for s in (1, 1, 2))
    for wa, wb in zip(weights_of(a), weights_of(b)):
        np.testing.assert_array_equal(wa, wb)
    assert not np.array_equal(weights_of(a)[0], weights_of(c)[0])


@pytest.mark.parametrize(
    "builder, args, kwargs, param",
    [
        (build_mlp_generator, (0, 2), {}, "latent_dim"),
        (build_mlp_generator, (2, -1), {}, "output_dim"),
        (build_mlp_generator, (2, 2), {"hidden": ()}, "hidden"),
        (build_mlp_generator, (2, 2), {"hidden": (8, 0)}, "hidden"),
        (build_mlp_generator, (2, 2), {"activation": "sigmoidish"}, "activation"),
        (build_mlp_discriminator, (0,), {}, "input_dim"),
        (build_mlp_discriminator, (2,), {"hidden": 8}, "hidden"),
        (build_mlp_discriminator, (2,), {"seed": -1}, "seed"),
        # bool as int, strings as sequences, integers beyond 64 bits, sizes that would exhaust memory
        (build_mlp_generator, (True, 2), {}, "latent_dim"),
        (build_mlp_generator, (2, 2), {"hidden": (8, True)}, "hidden"),
        (build_mlp_generator, (2, 2), {"hidden": "64"}, "hidden"),
        (build_mlp_generator, (2, 2), {"seed": True}, "seed"),
        (build_mlp_generator, (2, 2), {"seed": 2**32}, r"seed=4294967296 must be an integer in \[0, 4294967295\]"),
        (build_mlp_discriminator, (2,), {"seed": 2**64}, "seed"),
        (build_mlp_discriminator, (2**64,), {}, r"input_dim=18446744073709551616 must be an integer in \[1, 1048576\]"),
        (build_mlp_generator, (2, 2), {"hidden": (2**64,)}, "hidden"),
        (build_mlp_discriminator, (2,), {"hidden": (10**5, 10**5)}, f"hidden=.*gives 10,000,[0-9,]+ weights; at most {MAX_PARAMETERS:,}"),
        (build_mlp_generator, (2**20, 2**20), {"hidden": (64,)}, "hidden=.*latent_dim=1048576"),
        (build_mlp_discriminator, (2.0,), {}, "input_dim"),
    ],
)
def test_builders_reject_bad_inputs(builder, args, kwargs, param):
    with pytest.raises(ValueError, match=param):
        builder(*args, **kwargs)


def test_builders_accept_the_largest_seed():
    g = build_mlp_generator(2, 2, hidden=(4,), seed=2**32 - 1)
    assert g.output_shape == (None, 2)


# ---- GAN.compile / train_step -----------------------------------------------------------


@pytest.mark.parametrize("eager", [True, False])
def test_one_step_updates_both_networks(data, eager):
    gan = make_gan(eager=eager)
    g0, d0 = weights_of(gan.generator), weights_of(gan.discriminator)
    gan.fit(data, batch_size=128, epochs=1, shuffle=False, verbose=0)
    for before, after in zip(g0, weights_of(gan.generator)):
        assert not np.allclose(before, after)
    for before, after in zip(d0, weights_of(gan.discriminator)):
        assert not np.allclose(before, after)
    assert int(gan.d_optimizer.iterations) == 1 and int(gan.g_optimizer.iterations) == 1


def test_discriminator_step_leaves_generator_alone(data):
    # With G's learning rate at 0, only the D update can move weights: G must not change.
    gan = make_gan(g_lr=0.0, d_steps=3)
    g0, d0 = weights_of(gan.generator), weights_of(gan.discriminator)
    gan.fit(data, batch_size=64, epochs=1, shuffle=False, verbose=0)
    for before, after in zip(g0, weights_of(gan.generator)):
        np.testing.assert_array_equal(before, after)
    assert not np.allclose(d0[0], weights_of(gan.discriminator)[0])
    assert int(gan.d_optimizer.iterations) == 2 * 3  # 2 batches × d_steps


@pytest.mark.parametrize(
    "gp_weight, expected", [(0.0, ["loss", "d_loss", "g_loss"]), (10.0, ["loss", "d_loss", "g_loss", "gp"])]
)
def test_metric_names(data, gp_weight, expected):
    gan = make_gan(loss_kind="wasserstein", gp_weight=gp_weight)
    assert [m.name for m in gan.metrics] == expected
    history = gan.fit(data, batch_size=32, epochs=2, verbose=0)
    assert sorted(history.history) == sorted(expected)
    assert all(len(v) == 2 and np.all(np.isfinite(v)) for v in history.history.values())
    h = history.history
    np.testing.assert_allclose(h["loss"], np.add(h["d_loss"], h["g_loss"]) + (np.array(h["gp"]) if gp_weight else 0), rtol=1e-4, atol=1e-5)


def test_gradient_penalty_path_is_positive_and_finite(data):
    gan = make_gan(loss_kind="wasserstein", gp_weight=10.0, d_steps=2)
    history = gan.fit(data, batch_size=64, epochs=1, verbose=0)
    gp = history.history["gp"][0]
    assert np.isfinite(gp) and gp > 0


@pytest.mark.parametrize("loss_kind", ["minimax", "nonsaturating", "wasserstein", "hinge", "least_squares"])
def test_every_loss_kind_trains(data, loss_kind):
    gan = make_gan(loss_kind=loss_kind)
    history = gan.fit(data, batch_size=64, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][0]) and np.isfinite(history.history["g_loss"][0])


def test_same_seed_same_weights_different_seed_different(data):
    runs = []
    for seed in (7, 7, 8):
        gan = make_gan(seed=seed)
        gan.fit(data, batch_size=64, epochs=2, shuffle=False, verbose=0)
        runs.append(weights_of(gan.generator) + weights_of(gan.discriminator))
    for a, b in zip(runs[0], runs[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(runs[0][0], runs[2][0])


def test_noise_seed_alone_changes_training(data):
    # Equal initial weights, different noise seeds: different results.
    a, b = make_gan(seed=3), make_gan(seed=3)
    b.seed_generator = keras.random.SeedGenerator(99)
    for gan in (a, b):
        gan.fit(data, batch_size=32, epochs=1, shuffle=False, verbose=0)
    assert not np.allclose(weights_of(a.generator)[0], weights_of(b.generator)[0])


@pytest.mark.parametrize(
    "kwargs, param",
    [
        ({"loss_kind": "bce"}, "loss_kind"),
        ({"gp_weight": -1.0}, "gp_weight"),
        ({"d_steps": 0}, "d_steps"),
        ({"d_steps": True}, "d_steps"),
        ({"d_steps": 101}, r"d_steps=101 must be an integer in \[1, 100\]"),
        ({"d_steps": 2**64}, "d_steps"),
        ({"gp_weight": True}, "gp_weight"),
        ({"gp_weight": float("nan")}, "gp_weight"),
    ],
)
def test_compile_rejects_bad_settings(kwargs, param):
    gan = GAN(build_mlp_generator(LATENT, DIM), build_mlp_discriminator(DIM))
    with pytest.raises(ValueError, match=param):
        gan.compile(keras.optimizers.Adam(), keras.optimizers.Adam(), **kwargs)


def test_compile_and_init_reject_bad_objects():
    g, d = build_mlp_generator(LATENT, DIM), build_mlp_discriminator(DIM)
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="different"):
        GAN(g, d).compile(shared, shared)
    with pytest.raises(ValueError, match="d_optimizer"):
        GAN(g, d).compile("adam", keras.optimizers.Adam())
    with pytest.raises(ValueError, match="generator"):
        GAN(lambda z: z, d)
    with pytest.raises(ValueError, match="seed"):
        GAN(g, d, seed=-2)
    with pytest.raises(ValueError, match="seed"):
        GAN(g, d, seed=True)
    with pytest.raises(ValueError, match=r"seed=18446744073709551616 must be an integer in \[0, 4294967295\]"):
        GAN(g, d, seed=2**64)
    with pytest.raises(ValueError, match="latent_dim=5 must match the generator's input size 4"):
        GAN(g, d, latent_dim=LATENT + 1)
    with pytest.raises(ValueError, match="latent_dim"):
        GAN(g, d, latent_dim=True)
    assert GAN(g, d, latent_dim=LATENT, seed=2**32 - 1).latent_dim == LATENT


def test_generate_and_discriminate(data):
    gan = make_gan()
    a = gan.generate(10, seed=1)
    assert a.shape == (10, DIM) and a.dtype == np.float32
    np.testing.assert_array_equal(a, gan.generate(10, seed=1))
    np.testing.assert_allclose(a, np.array(gan.generator(sample_latent(10, LATENT, seed=1))), rtol=1e-5, atol=1e-6)
    assert gan.discriminate(data).shape == (len(data),)
    with pytest.raises(ValueError, match="exactly one"):
        gan.generate(3, latent=np.zeros((3, LATENT)))
    with pytest.raises(ValueError, match="latent"):
        gan.generate(latent=np.zeros((3, LATENT + 1)))


# ---- callbacks --------------------------------------------------------------------------


def test_sample_monitor_records_chosen_epochs(data):
    gan = make_gan()
    latent = sample_latent(50, LATENT, seed=0)
    untrained = gan.generate(latent=latent)
    grid = np.linspace(-3, 3, 21, dtype=np.float32)[:, None].repeat(DIM, axis=1)
    monitor = SampleMonitor(latent, epochs=[0, 2, 3], grid=grid)
    gan.fit(data, batch_size=64, epochs=3, verbose=0, callbacks=[monitor])
    assert sorted(monitor.samples) == [0, 2, 3] and sorted(monitor.logits) == [0, 2, 3]
    np.testing.assert_allclose(monitor.samples[0], untrained)
    np.testing.assert_allclose(monitor.samples[3], gan.generate(latent=latent))
    assert monitor.logits[2].shape == (21,)
    assert not np.allclose(monitor.samples[0], monitor.samples[3])


def _collapsed_gan():
    """A GAN whose generator outputs one constant point (zero last kernel, frozen)."""
    gan = make_gan(g_lr=0.0)
    last = gan.generator.layers[-1]
    last.kernel.assign(np.zeros(last.kernel.shape, dtype=np.float32))
    return gan


def test_collapse_detector_flags_a_constant_generator(data):
    gan = _collapsed_gan()
    detector = CollapseDetector(data, threshold=0.25, warmup_epochs=1)
    with pytest.warns(ModeCollapseWarning, match="epoch 2"):
        gan.fit(data, batch_size=64, epochs=3, verbose=0, callbacks=[detector])
    assert sorted(detector.ratios) == [1, 2, 3]
    assert max(detector.ratios.values()) < 1e-3
    assert detector.collapsed_epochs == [2, 3] and detector.first_collapse_epoch == 2  # epoch 1 is warm-up


def test_collapse_detector_can_stop_training(data):
    detector = CollapseDetector(data, stop_training=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ModeCollapseWarning)
        history = _collapsed_gan().fit(data, batch_size=64, epochs=5, verbose=0, callbacks=[detector])
    assert len(history.history["loss"]) == 1 and detector.collapsed


def test_collapse_detector_quiet_on_diverse_samples(rng, data):
    detector = CollapseDetector(data)
    detector.set_model(make_gan())
    detector.on_train_begin()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModeCollapseWarning)
        # A generator as diverse as the data: ratio about 1 when scored against itself.
        detector.model.generate = lambda latent: rng.normal(size=(len(latent), DIM)).astype(np.float32)
        detector.on_epoch_end(0)
    assert 0.8 < detector.ratios[1] < 1.2 and not detector.collapsed


@pytest.mark.parametrize("kwargs, param", [({"threshold": 0}, "threshold"), ({"threshold": 1.5}, "threshold"), ({"n_samples": 0}, "n_samples"), ({"score_fn": 3}, "score_fn")])
def test_collapse_detector_bad_inputs(data, kwargs, param):
    with pytest.raises(ValueError, match=param):
        CollapseDetector(data, **kwargs)


def test_nan_guard_raises_a_clear_error_on_poisoned_data(data):
    poisoned = data.copy()
    poisoned[70] = np.nan  # in the second batch of 64
    gan = make_gan()
    with pytest.raises(TrainingDivergedError, match=r"diverged in epoch 1, batch 2: .*d_loss=nan.*NaN/inf"):
        gan.fit(poisoned, batch_size=64, epochs=3, shuffle=False, verbose=0, callbacks=[NaNGuard()])


def test_nan_guard_can_stop_quietly(data):
    poisoned = data.copy()
    poisoned[0] = np.inf
    guard = NaNGuard(raise_error=False)
    history = make_gan().fit(poisoned, batch_size=64, epochs=4, shuffle=False, verbose=0, callbacks=[guard])
    assert len(history.history["loss"]) == 1
    assert "diverged in epoch 1, batch 1" in guard.message


def test_keras_terminate_on_nan_sees_the_gan_losses(data):
    poisoned = data.copy()
    poisoned[5] = np.nan
    history = make_gan().fit(poisoned, batch_size=64, epochs=4, shuffle=False, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])


# ---- checkpoint / resume ----------------------------------------------------------------


def test_resume_from_checkpoint_continues_exactly(data, tmp_path):
    path = tmp_path / "gan_state.npz"
    straight = make_gan(seed=5, loss_kind="wasserstein", gp_weight=10.0, eager=False)
    straight.fit(data, batch_size=32, epochs=4, shuffle=False, verbose=0)

    first = make_gan(seed=5, loss_kind="wasserstein", gp_weight=10.0)
    checkpoint = GANCheckpoint(path, every=2)
    first.fit(data, batch_size=32, epochs=2, shuffle=False, verbose=0, callbacks=[checkpoint])
    assert checkpoint.last_saved_epoch == 2 and path.is_file()

    resumed = make_gan(seed=123, loss_kind="wasserstein", gp_weight=10.0)  # different init: the checkpoint must overwrite it
    epoch = resumed.load_state(path)
    assert epoch == 2
    assert int(resumed.d_optimizer.iterations) == 2 * 4 and int(resumed.g_optimizer.iterations) == 2 * 4
    history = resumed.fit(data, batch_size=32, epochs=4, initial_epoch=epoch, shuffle=False, verbose=0)
    assert len(history.history["loss"]) == 2
    for a, b in zip(weights_of(straight.generator) + weights_of(straight.discriminator), weights_of(resumed.generator) + weights_of(resumed.discriminator)):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_load_state_rejects_a_mismatched_checkpoint(data, tmp_path):
    gan = make_gan()
    path = gan.save_state(tmp_path / "state", epoch=0)
    assert path.suffix == ".npz"
    with pytest.raises(ValueError, match="loss_kind"):
        make_gan(loss_kind="hinge").load_state(path)
    with pytest.raises(ValueError, match="variable"):
        make_gan(hidden=(8, 8)).load_state(path)
    with pytest.raises(ValueError, match="path"):
        gan.load_state(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="epoch"):
        gan.save_state(path, epoch=-1)


# ---- train_step: update counts and the discriminator loss direction (mutation gaps) ------


class _IterationLog(keras.callbacks.Callback):
    """Both optimizers' step counters after every batch."""

    def __init__(self):
        super().__init__()
        self.counts = []

    def on_train_batch_end(self, batch, logs=None):
        self.counts.append((int(self.model.d_optimizer.iterations), int(self.model.g_optimizer.iterations)))


@pytest.mark.parametrize("d_steps", [1, 3])
def test_one_generator_update_per_batch_whatever_d_steps(data, d_steps):
    # Catches a generator update moved inside the critic loop (d_steps G updates per batch).
    gan = make_gan(d_steps=d_steps)
    log = _IterationLog()
    gan.fit(data[:96], batch_size=32, epochs=1, shuffle=False, verbose=0, callbacks=[log])
    assert log.counts == [(d_steps * b, b) for b in (1, 2, 3)]


def test_generator_step_leaves_discriminator_alone(data):
    # With D's learning rate at 0, only the G update can move weights: D must not change.
    gan = make_gan(d_lr=0.0, d_steps=2)
    g0, d0 = weights_of(gan.generator), weights_of(gan.discriminator)
    gan.fit(data, batch_size=64, epochs=1, shuffle=False, verbose=0)
    for before, after in zip(d0, weights_of(gan.discriminator)):
        np.testing.assert_array_equal(before, after)
    assert not np.allclose(g0[0], weights_of(gan.generator)[0])


# Hand-derived derivatives of each discriminator loss with respect to one real
# logit r_i and one fake logit f_j (n real, m fake examples), and the loss value.
def _sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


_D_LOSS_BY_HAND = {
    "minimax": (lambda r, f: np.mean(np.log1p(np.exp(-r))) + np.mean(np.log1p(np.exp(f))),
                lambda r: -_sigmoid(-r), lambda f: _sigmoid(f)),
    "wasserstein": (lambda r, f: np.mean(f) - np.mean(r), lambda r: -np.ones_like(r), lambda f: np.ones_like(f)),
    "hinge": (lambda r, f: np.mean(np.maximum(0, 1 - r)) + np.mean(np.maximum(0, 1 + f)),
              lambda r: -(r < 1.0).astype(float), lambda f: (f > -1.0).astype(float)),
    "least_squares": (lambda r, f: 0.5 * np.mean((r - 1) ** 2) + 0.5 * np.mean(f**2), lambda r: r - 1.0, lambda f: f),
}
_D_LOSS_BY_HAND["nonsaturating"] = _D_LOSS_BY_HAND["minimax"]


@pytest.mark.parametrize("loss_kind", ["minimax", "nonsaturating", "wasserstein", "hinge", "least_squares"])
def test_discriminator_update_matches_hand_computation(loss_kind):
    # A linear D(x) = w·x + b and a constant generator G(z) = c make one SGD step
    # computable by hand. Swapping real and fake in the trainer's discriminator
    # loss (or its sign) moves w the wrong way and fails here, for every loss kind.
    w0, b0, c = np.array([[0.8], [-0.3]]), 0.1, np.array([0.5, -1.0])
    x = np.array([[1.0, 2.0], [-0.5, 0.3], [2.0, -1.0], [0.2, 0.4]])
    generator = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(DIM, kernel_initializer="zeros", bias_initializer=keras.initializers.Constant(c))])
    discriminator = keras.Sequential([keras.Input((DIM,)), keras.layers.Dense(1)])
    discriminator.layers[0].kernel.assign(w0.astype("float32"))
    discriminator.layers[0].bias.assign(np.array([b0], dtype="float32"))
    gan = GAN(generator, discriminator, seed=0)
    lr = 0.1
    gan.compile(keras.optimizers.SGD(lr), keras.optimizers.SGD(lr), loss_kind=loss_kind, run_eagerly=True)
    gan.train_step(tf.constant(x, dtype="float32"))

    loss, d_real, d_fake = _D_LOSS_BY_HAND[loss_kind]
    r = (x @ w0).ravel() + b0  # logits on real data: 0.3, -0.39, 2.0, 0.14
    f = np.full(len(x), float(c @ w0.ravel() + b0))  # logits on the constant fake: 0.8
    gr, gf = d_real(r) / len(r), d_fake(f) / len(f)
    grad_w = x.T @ gr + c * gf.sum()
    grad_b = gr.sum() + gf.sum()
    np.testing.assert_allclose(float(gan.d_loss_tracker.result()), loss(r, f), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(discriminator.layers[0].kernel.numpy().ravel(), w0.ravel() - lr * grad_w, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(float(discriminator.layers[0].bias.numpy()[0]), b0 - lr * grad_b, rtol=1e-5, atol=1e-6)


def test_generator_penalty_joins_the_generator_update_only():
    # G(z) = c (zero kernel) against a frozen linear critic D(x) = w·x + b (learning rate 0), Wasserstein loss and the
    # penalty λ·|G(z)|²: G's bias moves by -lr·(-w + 2λc), and the logged penalty is λ|c|².
    w0, b0, c, lam, lr = np.array([[0.8], [-0.3]]), 0.1, np.array([0.5, -1.0]), 0.7, 0.1
    generator = keras.Sequential([keras.Input((LATENT,)), keras.layers.Dense(DIM, kernel_initializer="zeros",
                                                                            bias_initializer=keras.initializers.Constant(c))])
    discriminator = keras.Sequential([keras.Input((DIM,)), keras.layers.Dense(1)])
    discriminator.layers[0].kernel.assign(w0.astype("float32"))
    discriminator.layers[0].bias.assign(np.array([b0], dtype="float32"))
    gan = GAN(generator, discriminator, seed=0)
    gan.compile(keras.optimizers.SGD(0.0), keras.optimizers.SGD(lr), loss_kind="wasserstein", run_eagerly=True,
                generator_penalty=lambda fake: lam * tf.reduce_mean(tf.reduce_sum(fake**2, axis=-1)))
    logs = gan.train_step(tf.constant(np.ones((4, DIM)), dtype="float32"))
    np.testing.assert_allclose(generator.layers[0].bias.numpy(), c - lr * (-w0.ravel() + 2 * lam * c), rtol=1e-5)
    assert float(logs["penalty"]) == pytest.approx(lam * float(c @ c), rel=1e-5)
    np.testing.assert_array_equal(discriminator.layers[0].kernel.numpy(), w0.astype("float32"))
    assert "penalty" not in make_gan().metrics_names and "penalty" not in [m.name for m in make_gan().metrics]
    with pytest.raises(ValueError, match="generator_penalty"):
        make_gan().compile(keras.optimizers.Adam(), keras.optimizers.Adam(), generator_penalty=3.0)


# ---- checkpoints: learning rate, divergence, damage, atomic writes ----------------------


def test_load_state_keeps_the_compiled_learning_rate(data, tmp_path):
    source = make_gan(d_lr=1e-3, g_lr=1e-3)
    source.fit(data, batch_size=64, epochs=1, shuffle=False, verbose=0)
    path = source.save_state(tmp_path / "gan.npz", epoch=1)

    finetune = make_gan(d_lr=1e-4, g_lr=2e-4)  # a user fine-tuning with smaller steps
    assert finetune.load_state(path) == 1
    assert float(finetune.d_optimizer.learning_rate) == pytest.approx(1e-4)
    assert float(finetune.g_optimizer.learning_rate) == pytest.approx(2e-4)
    # Everything else of the optimizers' state (step counter, moments) is restored.
    for opt_a, opt_b in ((source.d_optimizer, finetune.d_optimizer), (source.g_optimizer, finetune.g_optimizer)):
        assert int(opt_b.iterations) == int(opt_a.iterations) == 2
        for va, vb in zip(opt_a.variables, opt_b.variables):
            if va.name != "learning_rate":
                np.testing.assert_array_equal(va.numpy(), vb.numpy())
    finetune.fit(data, batch_size=64, epochs=2, initial_epoch=1, shuffle=False, verbose=0)
    assert float(finetune.d_optimizer.learning_rate) == pytest.approx(1e-4)


def test_checkpoint_is_never_written_from_a_diverged_state(data, tmp_path):
    path = tmp_path / "gan.npz"
    gan = make_gan()
    checkpoint = GANCheckpoint(path)
    gan.fit(data, batch_size=64, epochs=1, shuffle=False, verbose=0, callbacks=[checkpoint])
    good = path.read_bytes()

    poisoned = data.copy()
    poisoned[3] = np.nan
    guard = NaNGuard(raise_error=False)
    with pytest.warns(CheckpointSkippedWarning, match=r"skipped epoch 2: .*not finite.*diverged; the checkpoint of epoch 1 is kept"):
        gan.fit(poisoned, batch_size=64, epochs=3, initial_epoch=1, shuffle=False, verbose=0, callbacks=[guard, checkpoint])
    assert guard.message is not None
    assert checkpoint.skipped_epochs == [2] and checkpoint.last_saved_epoch == 1
    assert path.read_bytes() == good
    assert make_gan().load_state(path) == 1

    # NaN weights behind finite logs: save_state itself refuses, the callback warns.
    assert not np.all(np.isfinite(gan.generator.weights[0].numpy()))
    with pytest.raises(TrainingDivergedError, match=r"not saving .*gan\.npz: generator variable 0 .* NaN or inf"):
        gan.save_state(path, epoch=9)
    with pytest.warns(CheckpointSkippedWarning, match="skipped epoch 5: not saving"):
        checkpoint.on_epoch_end(4, {"loss": 0.5, "d_loss": 0.25, "g_loss": 0.25})
    assert checkpoint.skipped_epochs == [2, 5] and path.read_bytes() == good


def _rewrite(path, **changes):
    """Write a copy of the checkpoint at ``path`` with entries replaced (None removes one)."""
    with np.load(path) as archive:
        arrays = {key: archive[key] for key in archive.files}
    for key, value in changes.items():
        key = key.replace("__", "/")
        if value is None:
            del arrays[key]
        else:
            arrays[key] = value
    out = path.with_name("changed.npz")
    np.savez(out, **arrays)
    return out


def _damage(kind, path, gan):
    raw = path.read_bytes()
    out = path.with_name("damaged.npz")
    if kind == "truncated":
        out.write_bytes(raw[: len(raw) // 2])
    elif kind == "empty":
        out.write_bytes(b"")
    elif kind == "flipped byte":
        kernel = gan.generator.weights[0].numpy().tobytes()
        i = raw.index(kernel) + 5
        out.write_bytes(raw[:i] + bytes([raw[i] ^ 0xFF]) + raw[i + 1 :])
    elif kind == "text file":
        out.write_text("not a checkpoint")
    elif kind == "single array":
        with open(out, "wb") as f:
            np.save(f, np.zeros(3))
    elif kind == "missing epoch":
        return _rewrite(path, epoch=None)
    elif kind == "missing loss_kind":
        return _rewrite(path, loss_kind=None)
    elif kind == "missing entry":  # a gap in the numbering: generator/1 gone, generator/9 extra
        with np.load(path) as archive:
            extra = archive["generator/1"]
        return _rewrite(path, generator__1=None, generator__9=extra)
    elif kind == "NaN weights":
        with np.load(path) as archive:
            kernel = archive["discriminator/0"].copy()
        kernel[0, 0] = np.nan
        return _rewrite(path, discriminator__0=kernel)
    elif kind == "NaN moments":
        with np.load(path) as archive:
            moment = archive["d_optimizer/2"].copy()
        moment.flat[0] = np.inf
        return _rewrite(path, d_optimizer__2=moment)
    elif kind == "negative epoch":
        return _rewrite(path, epoch=np.array(-3))
    elif kind == "float epoch":
        return _rewrite(path, epoch=np.array(2.5))
    elif kind == "complex weights":
        with np.load(path) as archive:
            kernel = archive["generator/0"].astype(np.complex64)
        return _rewrite(path, generator__0=kernel)
    return out


@pytest.mark.parametrize(
    "kind, match",
    [
        ("truncated", "not a readable .npz archive|cannot be read"),
        ("empty", "not a readable .npz archive"),
        ("flipped byte", "entry 'generator/0.npy' fails its CRC-32 check"),
        ("text file", "not a readable .npz archive"),
        ("single array", "not an .npz archive"),
        ("missing epoch", "the 'epoch' entry is missing"),
        ("missing loss_kind", "the 'loss_kind' entry is missing"),
        ("missing entry", "the 'generator/1' entry is missing"),
        ("NaN weights", r"discriminator variable 0 .* NaN or inf"),
        ("NaN moments", r"d_optimizer variable 2 .* NaN or inf"),
        ("negative epoch", "epoch=-3 is negative"),
        ("float epoch", "epoch must be one integer"),
        ("complex weights", "generator variable 0 has dtype complex64"),
    ],
)
def test_load_state_rejects_a_damaged_checkpoint(data, tmp_path, kind, match):
    gan = make_gan()
    path = gan.save_state(tmp_path / "gan.npz", epoch=1)
    damaged = _damage(kind, path, gan)
    target = make_gan(seed=9)
    before = weights_of(target.generator) + weights_of(target.discriminator)
    with pytest.raises(CheckpointError, match=f"damaged checkpoint {re.escape(str(damaged))}: ({match})") as info:
        target.load_state(damaged)
    assert isinstance(info.value, ValueError)
    # Nothing was assigned: the GAN is as it was.
    for a, b in zip(before, weights_of(target.generator) + weights_of(target.discriminator)):
        np.testing.assert_array_equal(a, b)


def test_save_is_atomic_and_a_killed_save_leaves_no_trace(data, tmp_path, monkeypatch):
    path = tmp_path / "gan.npz"
    gan = make_gan()
    gan.save_state(path, epoch=1)
    good = path.read_bytes()

    # The data reach the disk (fsync) before the file is renamed into place.
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    gan.save_state(path, epoch=1)
    assert calls[:2] == ["fsync", "replace"]
    monkeypatch.undo()

    def dying_writer(file, arrays):
        file.write(good[: len(good) // 3])
        raise KeyboardInterrupt("killed mid-save")

    # 1. An error mid-write: the old checkpoint stays, the temporary file is removed.
    monkeypatch.setattr(trainer, "_write_npz", dying_writer)
    with pytest.raises(KeyboardInterrupt):
        gan.save_state(path, epoch=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gan.npz"]
    assert path.read_bytes() == good

    # 2. A process killed mid-write gets no chance to clean up (no _discard).
    monkeypatch.setattr(trainer, "_discard", lambda p: None)
    with pytest.raises(KeyboardInterrupt):
        gan.save_state(path, epoch=2)
    monkeypatch.undo()
    orphans = [p for p in tmp_path.iterdir() if p.name != "gan.npz"]
    assert len(orphans) == 1 and orphans[0].name.startswith(".gan.npz.") and orphans[0].name.endswith(".tmp")
    assert make_gan().load_state(path) == 1  # the orphan is ignored
    (tmp_path / ".other.npz.x.tmp").write_bytes(b"another checkpoint's")
    gan.save_state(path, epoch=3)  # the next save removes it
    assert sorted(p.name for p in tmp_path.iterdir()) == [".other.npz.x.tmp", "gan.npz"]
    assert make_gan().load_state(path) == 3


# ---- size limits and bad inputs across the trainer ---------------------------------------


def test_generate_and_sample_latent_cap_huge_sizes():
    gan = make_gan()
    high = 2**27 // LATENT  # LATENT = 4 latent values > DIM = 2 output values per sample
    with pytest.raises(ValueError, match=rf"n=100000000 must be an integer in \[1, {high}\]: at most 2\*\*27 values"):
        gan.generate(10**8)
    with pytest.raises(ValueError, match=rf"n=100000000 must be an integer in \[1, {high}\]"):
        sample_latent(10**8, LATENT)
    with pytest.raises(ValueError, match=rf"latent={high + 1} must be an integer in \[1, {high}\]"):
        gan.generate(latent=np.broadcast_to(np.float32(0), (high + 1, LATENT)))  # a view: no memory used
    # A wide generator output lowers the cap: 2**27 / 2**17 values = 1024 samples.
    wide = GAN(build_mlp_generator(LATENT, 2**17, hidden=(2,)), build_mlp_discriminator(2**17, hidden=(2,)))
    with pytest.raises(ValueError, match=r"n=1025 must be an integer in \[1, 1024\]"):
        wide.generate(1025)
    assert gan.generate(1, seed=2**32 - 1).shape == (1, DIM)


@pytest.fixture(scope="module")
def shared_gan():
    return make_gan()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda g: g.generate(True), "n=True"),
        (lambda g: g.generate(0), "n=0"),
        (lambda g: g.generate(2.0), "n=2.0"),
        (lambda g: g.generate(2**64), "n=18446744073709551616 must be an integer in"),
        (lambda g: g.generate(3, seed=-1), "seed"),
        (lambda g: g.generate(3, seed=2**32), "seed=4294967296"),
        (lambda g: g.generate(3, batch_size=True), "batch_size"),
        (lambda g: g.generate(latent=np.zeros((3, LATENT), complex)), "latent must be real-valued"),
        (lambda g: g.generate(latent=np.full((3, LATENT), np.nan)), "latent must contain only finite"),
        (lambda g: g.generate(latent=np.zeros((0, LATENT))), "latent must not be empty"),
        (lambda g: g.generate(latent=np.zeros((3, LATENT, 1))), "latent must have shape"),
        (lambda g: g.generate(latent=np.array([[2**65] * LATENT])), "latent must be numeric"),
        (lambda g: g.discriminate(np.zeros((3, DIM), complex)), "x must be real-valued"),
        (lambda g: g.discriminate(np.full((3, DIM), np.inf)), "x must contain only finite"),
        (lambda g: g.discriminate(np.zeros((3, DIM + 1))), r"x must have shape \(n, 2\)"),
        (lambda g: g.discriminate(np.zeros((3, DIM)), batch_size=0), "batch_size"),
        (lambda g: g.save_state("unused.npz", epoch=True), "epoch"),
        (lambda g: g.save_state("unused.npz", epoch=2**63), r"epoch=9223372036854775808 must be an integer in \[0, "),
        (lambda g: sample_latent(3, True), "latent_dim"),
        (lambda g: sample_latent(3, 2, seed=-1), "seed"),
        (lambda g: sample_latent(3, 2, seed=2**64), "seed"),
        (lambda g: sample_latent(3, 2**21), r"latent_dim=2097152 must be an integer in \[1, 1048576\]"),
        (lambda g: mean_pairwise_distance(np.zeros((3, 2), complex)), "samples must be real-valued"),
        (lambda g: mean_pairwise_distance(np.array([[0.0, np.nan], [1.0, 1.0]])), "samples must contain only finite"),
        (lambda g: mean_pairwise_distance(np.zeros((3, 2)), max_samples=1), r"max_samples=1 must be an integer in \[2, 4096\]"),
        (lambda g: mean_pairwise_distance(np.zeros((3, 2)), max_samples=10**9), "max_samples"),
        (lambda g: mean_pairwise_distance(np.zeros((3, 2)), max_samples=True), "max_samples"),
        (lambda g: mean_pairwise_distance(np.zeros((3, 2)), seed=2**32), "seed"),
        (lambda g: SampleMonitor(np.zeros((3, LATENT), complex)), "latent must be real-valued"),
        (lambda g: SampleMonitor(np.zeros((3, LATENT)), epochs=5), "epochs=5 must be an iterable"),
        (lambda g: SampleMonitor(np.zeros((3, LATENT)), epochs=[1, True]), "epochs=True"),
        (lambda g: SampleMonitor(np.zeros((3, LATENT)), grid=np.full((4, DIM), np.nan)), "grid must contain only finite"),
        (lambda g: CollapseDetector(np.zeros((4, DIM), complex)), "reference must be real-valued"),
        (lambda g: CollapseDetector(np.eye(DIM), n_samples=1), r"n_samples=1 must be an integer in \[2, 65536\]"),
        (lambda g: CollapseDetector(np.eye(DIM), n_samples=10**8), "n_samples"),
        (lambda g: CollapseDetector(np.eye(DIM), stop_training="yes"), "stop_training='yes' must be True or False"),
        (lambda g: CollapseDetector(np.eye(DIM), seed=2**32), "seed"),
        (lambda g: CollapseDetector(np.eye(DIM), warmup_epochs=True), "warmup_epochs"),
        (lambda g: NaNGuard(raise_error=0), "raise_error=0 must be True or False"),
        (lambda g: GANCheckpoint("x.npz", every=True), "every"),
    ],
)
def test_trainer_rejects_bad_inputs(shared_gan, call, match):
    with pytest.raises(ValueError, match=match):
        call(shared_gan)


# ---- package re-exports -----------------------------------------------------------------


def test_gan_package_reexports_trainer_and_builders():
    import musiclib.gan as gan_pkg
    from musiclib.gan import models as gan_models
    from musiclib.gan import trainer as gan_trainer

    for name in (
        "GAN", "SampleMonitor", "CollapseDetector", "NaNGuard", "GANCheckpoint", "TrainingDivergedError",
        "CheckpointError", "ModeCollapseWarning", "CheckpointSkippedWarning", "sample_latent",
    ):
        assert getattr(gan_pkg, name) is getattr(gan_trainer, name), name
        assert name in gan_pkg.__all__
    for name in gan_models.__all__:
        assert getattr(gan_pkg, name) is getattr(gan_models, name), name
        assert name in gan_pkg.__all__
    # The heavier-to-read helpers stay behind their submodule names, loaded on first use.
    assert gan_pkg.toy.__name__ == "musiclib.gan.toy" and "toy" in dir(gan_pkg)
    with pytest.raises(AttributeError, match="no_such_name"):
        gan_pkg.no_such_name
