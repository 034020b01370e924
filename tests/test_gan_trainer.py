"""Tests for musiclib.gan.models and musiclib.gan.trainer: updates, metrics, seeds, penalty, NaN guard, resume."""

import warnings

import keras
import numpy as np
import pytest

from musiclib.gan.models import build_mlp_discriminator, build_mlp_generator, count_parameters
from musiclib.gan.trainer import (
    GAN,
    CollapseDetector,
    GANCheckpoint,
    ModeCollapseWarning,
    NaNGuard,
    SampleMonitor,
    TrainingDivergedError,
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
    ],
)
def test_builders_reject_bad_inputs(builder, args, kwargs, param):
    with pytest.raises(ValueError, match=param):
        builder(*args, **kwargs)


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


# ---- package re-exports -----------------------------------------------------------------


def test_gan_package_reexports_trainer_and_builders():
    import musiclib.gan as gan_pkg
    from musiclib.gan import models as gan_models
    from musiclib.gan import trainer as gan_trainer

    for name in ("GAN", "SampleMonitor", "CollapseDetector", "NaNGuard", "GANCheckpoint", "TrainingDivergedError", "ModeCollapseWarning", "sample_latent"):
        assert getattr(gan_pkg, name) is getattr(gan_trainer, name), name
        assert name in gan_pkg.__all__
    for name in gan_models.__all__:
        assert getattr(gan_pkg, name) is getattr(gan_models, name), name
        assert name in gan_pkg.__all__
    # The heavier-to-read helpers stay behind their submodule names, loaded on first use.
    assert gan_pkg.toy.__name__ == "musiclib.gan.toy" and "toy" in dir(gan_pkg)
    with pytest.raises(AttributeError, match="no_such_name"):
        gan_pkg.no_such_name
