"""musiclib.gan.naive (chapter 09): the repaired naive loop, and Keras 3's ``trainable`` flag as measured.

The tests in the "Keras 3 itself" block check Keras, not musiclib: they back the table in the
module docstring (and chapter 09's claims), so a Keras upgrade that changes the behaviour fails here.
"""

import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from musiclib.gan import losses
from musiclib.gan.models import (
    build_conv_discriminator,
    build_conv_generator,
    build_mlp_discriminator,
    build_mlp_generator,
)
from musiclib.gan.naive import (
    PREDICT_CALLS,
    NaiveGAN,
    build_naive_gan,
    naive_discriminator_step,
    naive_generator_step,
    naive_train,
    naive_train_step,
    snapshot_weights,
    weights_moved,
)

LATENT = 4


def _mlp_pair(seed=0, dim=2):
    return (build_mlp_generator(LATENT, dim, hidden=(8,), seed=seed),
            build_mlp_discriminator(dim, hidden=(8,), seed=seed + 1))


def _softplus(x):
    return np.logaddexp(0.0, np.asarray(x, np.float64))


def _numpy(t):
    return np.asarray(keras.ops.convert_to_numpy(t), np.float64)


@pytest.fixture
def toy(rng):
    """16 two-dimensional "real" samples around (3, 3)."""
    return (rng.standard_normal((16, 2)) + 3.0).astype(np.float32)


def _bce():
    return keras.losses.BinaryCrossentropy(from_logits=True)


# ---------------------------------------------------------------- the repaired loop


@pytest.mark.slow  # tracing the conv steps: about 20 s on 2 busy cores
def test_one_step_on_piano_rolls_moves_both_networks(rng):
    generator, discriminator = build_conv_generator(8, width=16, seed=0), build_conv_discriminator(width=8, seed=1)
    # "training": the generator may compute differently in training mode (straight-through output).
    parts = build_naive_gan(generator, discriminator, predict="training")
    rolls = rng.random((8, 64, 64, 4)) < 0.05  # binary rolls, bool accepted
    g_before, d_before = snapshot_weights(generator), snapshot_weights(discriminator)
    logs = naive_train_step(parts, rolls, seed=0)
    assert weights_moved(generator, g_before) > 0
    assert weights_moved(discriminator, d_before) > 0
    assert all(np.isfinite(v) for v in logs.values())
    assert logs["d_loss"] == pytest.approx(logs["d_loss_real"] + logs["d_loss_fake"])
    assert discriminator.trainable  # left trainable between steps


def test_each_half_of_the_step_moves_only_its_own_network(toy):
    generator, discriminator = _mlp_pair()
    parts = build_naive_gan(generator, discriminator, learning_rate=1e-2)
    for _ in range(2):  # the second round runs the already traced functions
        g_before, d_before = snapshot_weights(generator), snapshot_weights(discriminator)
        naive_discriminator_step(parts, toy, seed=1)
        assert weights_moved(generator, g_before) == 0.0
        assert weights_moved(discriminator, d_before) > 0
        g_before, d_before = snapshot_weights(generator), snapshot_weights(discriminator)
        naive_generator_step(parts, len(toy), seed=2)
        assert weights_moved(discriminator, d_before) == 0.0
        assert weights_moved(generator, g_before) > 0


def test_a_new_batch_size_retraces_with_the_right_flags(toy):
    generator, discriminator = _mlp_pair()
    parts = build_naive_gan(generator, discriminator, learning_rate=1e-2)
    naive_train_step(parts, toy, seed=0)
    naive_discriminator_step(parts, toy[:8], seed=1)
    d_before = snapshot_weights(discriminator)
    naive_generator_step(parts, 8, seed=2)  # a retrace of the combined step, D frozen again
    assert weights_moved(discriminator, d_before) == 0.0


def test_the_three_ways_to_make_fakes_give_the_same_step(toy):
    # An MLP computes the same in training and inference mode: only the speed differs.
    results = []
    for predict in PREDICT_CALLS:
        generator, discriminator = _mlp_pair()
        parts = build_naive_gan(generator, discriminator, learning_rate=1e-2, predict=predict)
        logs = naive_train_step(parts, toy, seed=4)
        results.append((logs, snapshot_weights(generator) + snapshot_weights(discriminator)))
    for logs, weights in results[1:]:
        assert logs == pytest.approx(results[0][0], rel=1e-5)
        assert max(np.max(np.abs(a - b)) for a, b in zip(weights, results[0][1])) < 1e-6


def test_inference_mode_fakes_warn_for_a_mode_dependent_generator():
    z = keras.Input((LATENT,))
    hidden = keras.layers.Dropout(0.5, name="drop")(keras.layers.Dense(8)(z))
    generator = keras.Model(z, keras.layers.Dense(2)(hidden))
    for predict in ("predict", "predict_on_batch"):
        with pytest.warns(UserWarning, match=r"inference mode, but its layers \['drop'\] .* pass predict='training'"):
            build_naive_gan(generator, build_mlp_discriminator(2, hidden=(8,)), predict=predict)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_naive_gan(generator, build_mlp_discriminator(2, hidden=(8,)), predict="training")
        build_naive_gan(*_mlp_pair(), predict="predict")  # an MLP: nothing to warn about


def test_losses_equal_binary_cross_entropy_on_the_logits(toy):
    # A vanishing learning rate: every loss of the step is computed at the initial weights.
    generator, discriminator = _mlp_pair()
    parts = build_naive_gan(generator, discriminator, learning_rate=1e-12)
    rng = np.random.default_rng(5)
    z_d = rng.standard_normal((len(toy), LATENT)).astype(np.float32)  # drawn first: the D step
    z_g = rng.standard_normal((len(toy), LATENT)).astype(np.float32)  # then the G step
    real_logits = _numpy(discriminator(toy))
    fake_logits_d = _numpy(discriminator(generator(z_d)))
    fake_logits_g = _numpy(discriminator(generator(z_g)))

    logs = naive_train_step(parts, toy, seed=5)

    assert logs["d_loss_real"] == pytest.approx(np.mean(_softplus(-real_logits)), rel=1e-5)  # -log sigmoid(r)
    assert logs["d_loss_fake"] == pytest.approx(np.mean(_softplus(fake_logits_d)), rel=1e-5)  # -log(1 - sigmoid(f))
    assert logs["g_loss"] == pytest.approx(np.mean(_softplus(-fake_logits_g)), rel=1e-5)  # non-saturating
    d_loss = losses.discriminator_loss(real_logits, fake_logits_d, kind="nonsaturating")
    assert logs["d_loss"] == pytest.approx(float(d_loss), rel=1e-5)
    assert logs["g_loss"] == pytest.approx(float(losses.generator_loss(fake_logits_g, kind="nonsaturating")), rel=1e-5)


class _Adam:
    """Keras' Adam update written out in NumPy (float64), for a list of weights."""

    def __init__(self, lr, beta_1, beta_2=0.999, eps=1e-7):
        self.lr, self.b1, self.b2, self.eps, self.t, self.m, self.v = lr, beta_1, beta_2, eps, 0, None, None

    def step(self, weights, grads):
        grads = [np.asarray(g, np.float64) for g in grads]
        if self.m is None:
            self.m = [np.zeros_like(g) for g in grads]
            self.v = [np.zeros_like(g) for g in grads]
        self.t += 1
        alpha = self.lr * np.sqrt(1 - self.b2**self.t) / (1 - self.b1**self.t)
        out = []
        for w, g, m, v in zip(weights, grads, self.m, self.v):
            m += (g - m) * (1 - self.b1)
            v += (g * g - v) * (1 - self.b2)
            out.append(w - alpha * m / (np.sqrt(v) + self.eps))
        return out


def test_step_equals_a_gradient_tape_reference(toy):
    """The whole step against a re-implementation: two D updates (real, then fake), one G update."""
    lr, beta_1 = 1e-2, 0.5
    generator, discriminator = _mlp_pair()
    ref_g, ref_d = _mlp_pair()  # same seeds: same initial weights
    parts = build_naive_gan(generator, discriminator, learning_rate=lr, beta_1=beta_1)
    logs = naive_train_step(parts, toy, seed=9)

    rng = np.random.default_rng(9)
    z_d = rng.standard_normal((len(toy), LATENT)).astype(np.float32)
    z_g = rng.standard_normal((len(toy), LATENT)).astype(np.float32)
    d_adam, g_adam = _Adam(lr, beta_1), _Adam(lr, beta_1)

    def d_update(x, sign):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.math.softplus(sign * ref_d(x)))
        new = d_adam.step([w.numpy() for w in ref_d.trainable_weights], tape.gradient(loss, ref_d.trainable_weights))
        for w, value in zip(ref_d.trainable_weights, new):
            w.assign(value.astype(np.float32))
        return float(loss)

    d_real = d_update(toy, -1.0)  # label 1
    d_fake = d_update(ref_g(z_d), 1.0)  # label 0, G's output as a constant
    with tf.GradientTape() as tape:
        g_loss = tf.reduce_mean(tf.math.softplus(-ref_d(ref_g(z_g))))
    new = g_adam.step([w.numpy() for w in ref_g.trainable_weights], tape.gradient(g_loss, ref_g.trainable_weights))
    for w, value in zip(ref_g.trainable_weights, new):
        w.assign(value.astype(np.float32))

    assert logs["d_loss_real"] == pytest.approx(d_real, rel=1e-5)
    assert logs["d_loss_fake"] == pytest.approx(d_fake, rel=1e-5)
    assert logs["g_loss"] == pytest.approx(float(g_loss), rel=1e-5)
    for net, ref in ((discriminator, ref_d), (generator, ref_g)):
        assert weights_moved(net, snapshot_weights(ref)) < 1e-5  # the updates are about lr = 1e-2


def test_naive_train_moves_generated_samples_towards_the_data(rng):
    """A range check, not exact values: 1-D data around 3, G starts around 0."""
    generator, discriminator = _mlp_pair(seed=3, dim=1)
    x = (rng.standard_normal((256, 1)) * 0.5 + 3.0).astype(np.float32)
    z = rng.standard_normal((512, LATENT)).astype(np.float32)
    start = float(np.mean(_numpy(generator(z))))
    parts = build_naive_gan(generator, discriminator, learning_rate=1e-2)
    history = naive_train(parts, x, epochs=8, batch_size=64, seed=0)
    end = float(np.mean(_numpy(generator(z))))
    assert sorted(history) == ["d_loss", "d_loss_fake", "d_loss_real", "g_loss"]
    assert all(len(v) == 8 and np.all(np.isfinite(v)) for v in history.values())
    assert abs(end - 3.0) < 0.5 * abs(start - 3.0), (start, end)


# ---------------------------------------------------------------- the broken recipe and Keras 3 itself


def test_keras2_recipe_leaves_the_discriminator_untrained(toy):
    generator, discriminator = _mlp_pair()
    parts = build_naive_gan(generator, discriminator, learning_rate=1e-2, recipe="keras2")
    g_before, d_before = snapshot_weights(generator), snapshot_weights(discriminator)
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        for seed in range(3):
            naive_train_step(parts, toy, seed=seed)
    assert weights_moved(discriminator, d_before) == 0.0  # D never learns
    assert weights_moved(generator, g_before) > 0  # G does, against a fixed D
    assert not discriminator.trainable


def _keras2_models(lr=1e-2):
    generator, discriminator = _mlp_pair()
    discriminator.compile(optimizer=keras.optimizers.Adam(lr), loss=_bce())
    discriminator.trainable = False
    combined = keras.Sequential([generator, discriminator])
    combined.compile(optimizer=keras.optimizers.Adam(lr), loss=_bce())
    return generator, discriminator, combined


def test_keras3_reads_the_flag_at_the_first_call_not_at_compile(toy):
    # Compiled with D frozen, but the flag is back to True at the combined model's first call:
    # the G step then trains D too (on fakes labelled real).
    generator, discriminator, combined = _keras2_models()
    discriminator.trainable = True
    z = np.random.default_rng(0).standard_normal((len(toy), LATENT)).astype(np.float32)
    discriminator.train_on_batch(toy, np.ones((len(toy), 1)))
    d_before = snapshot_weights(discriminator)
    combined.train_on_batch(z, np.ones((len(toy), 1)))
    assert weights_moved(discriminator, d_before) > 0


def test_keras3_ignores_a_flag_flipped_after_the_first_call(toy):
    _, discriminator, _ = _keras2_models()
    discriminator.trainable = True
    ones = np.ones((len(toy), 1))
    discriminator.train_on_batch(toy, ones)  # traced with D trainable
    discriminator.trainable = False
    d_before = snapshot_weights(discriminator)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no warning about it
        discriminator.train_on_batch(toy, ones)
    assert weights_moved(discriminator, d_before) > 0


# Keras formats its error message with np.array(variable), which NumPy 2 warns about.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")
def test_keras3_retrace_with_a_different_flag_fails():
    _, discriminator, combined = _keras2_models()
    combined.train_on_batch(np.zeros((4, LATENT), np.float32), np.ones((4, 1)))  # traced with D frozen
    discriminator.trainable = True
    with pytest.raises(ValueError, match="Unknown variable"):  # a new batch size retraces, now with D's weights
        combined.train_on_batch(np.zeros((2, LATENT), np.float32), np.ones((2, 1)))


# ---------------------------------------------------------------- helpers and bad input


def test_weights_moved_is_the_largest_absolute_change():
    _, discriminator = _mlp_pair()
    before = snapshot_weights(discriminator)
    assert weights_moved(discriminator, before) == 0.0
    discriminator.weights[0].assign(discriminator.weights[0] - 0.25)
    discriminator.weights[1].assign(discriminator.weights[1] + 0.125)
    assert weights_moved(discriminator, before) == pytest.approx(0.25)


@pytest.fixture(scope="module")
def parts():
    return build_naive_gan(*_mlp_pair())


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"generator": "G"}, r"generator=str must be a keras\.Model"),
        ({"discriminator": None}, r"discriminator=NoneType must be a keras\.Model"),
        ({"learning_rate": 0.0}, r"learning_rate=0\.0 must be a number in \(0, 1\]"),
        ({"learning_rate": -1e-3}, r"learning_rate=.* in \(0, 1\]"),
        ({"learning_rate": 2.0}, r"learning_rate=2\.0 .* in \(0, 1\]"),
        ({"learning_rate": float("nan")}, r"learning_rate=nan .* in \(0, 1\]"),
        ({"learning_rate": True}, r"learning_rate=True .* in \(0, 1\]"),
        ({"learning_rate": "1e-3"}, r"learning_rate='1e-3' .* in \(0, 1\]"),
        ({"beta_1": 1.0}, r"beta_1=1\.0 must be a number in \[0, 1\)"),
        ({"beta_1": -0.5}, r"beta_1=-0\.5 .* in \[0, 1\)"),
        ({"recipe": "keras1"}, r"recipe='keras1' is not supported; choose one of 'flip', 'keras2'"),
        ({"predict": "call"}, r"predict='call' is not supported; choose one of 'predict', 'predict_on_batch', 'training'"),
    ],
)
def test_build_naive_gan_rejects_bad_arguments(kwargs, match):
    generator, discriminator = _mlp_pair()
    args = {"generator": generator, "discriminator": discriminator, **kwargs}
    with pytest.raises(ValueError, match=match):
        build_naive_gan(args.pop("generator"), args.pop("discriminator"), **args)


def test_build_naive_gan_rejects_mismatched_networks():
    generator, discriminator = _mlp_pair()
    with pytest.raises(ValueError, match="two different models"):
        build_naive_gan(discriminator, discriminator)
    with pytest.raises(ValueError, match=r"output shape \(None, 3\) must equal the discriminator's input shape \(None, 2\)"):
        build_naive_gan(build_mlp_generator(LATENT, 3), discriminator)
    # The article's head: a sigmoid convolution and Flatten, one "probability" per pixel.
    roll = keras.Input((64, 96, 4))
    probabilities = keras.layers.Conv2D(4, 3, padding="same", activation="sigmoid")(roll)
    article_d = keras.Model(roll, keras.layers.Flatten()(probabilities))
    with pytest.raises(ValueError, match=r"one logit per sample, shape \(batch, 1\), got \(None, 24576\) \(24576 outputs"):
        build_naive_gan(build_conv_generator(8, width=16), article_d)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda p, x: naive_train_step(object(), x), r"parts=object must be a NaiveGAN"),
        (lambda p, x: naive_train_step(p, x[:, :1]), r"real_batch must have shape \(n, 2\) like the discriminator's input, got \(16, 1\)"),
        (lambda p, x: naive_train_step(p, np.full((4, 2), np.nan)), r"real_batch must contain only finite values"),
        (lambda p, x: naive_train_step(p, np.zeros((0, 2))), r"real_batch must not be empty"),
        (lambda p, x: naive_train_step(p, x, seed=-1), r"seed=-1 must be a non-negative integer"),
        (lambda p, x: naive_train_step(p, x, seed=2**32), r"seed=4294967296 must be an integer in \[0, 4294967295\]"),
        (lambda p, x: naive_train_step(p, x, seed=1.5), r"seed=1\.5 must be an integer in \[0, 4294967295\] or a numpy Generator"),
        (lambda p, x: naive_train_step(p, x, seed=True), r"seed=True must be an integer"),
        (lambda p, x: naive_discriminator_step(p, x.astype(complex)), r"real_batch must be real-valued"),
        (lambda p, x: naive_generator_step(p, 0), r"batch_size=0 must be a positive integer <= 1048576"),
        (lambda p, x: naive_train(p, x, epochs=0), r"epochs=0 must be a positive integer <= 100000"),
        (lambda p, x: naive_train(p, x, batch_size=17), r"batch_size=17 must be an integer in \[1, 16\]"),
        (lambda p, x: naive_train(p, x, batch_size=16, seed=None), r"seed=None must be a non-negative integer"),
        (lambda p, x: weights_moved(p.discriminator, []), r"before must be snapshot_weights\(model\): a list of 4 arrays, got 0"),
        (lambda p, x: weights_moved(p.discriminator, snapshot_weights(p.generator)),
         r"before\[0\] has shape \(4, 8\), model weight 0 has shape \(2, 8\)"),
        (lambda p, x: snapshot_weights("D"), r"model=str must be a keras\.Model or layer"),
    ],
)
def test_bad_input_raises_value_error(parts, toy, call, match):
    with pytest.raises(ValueError, match=match):
        call(parts, toy)


def test_parts_is_a_naive_gan(parts):
    assert isinstance(parts, NaiveGAN) and parts.recipe == "flip" and parts.latent_dim == LATENT
    assert parts.combined.output_shape == (None, 1)
