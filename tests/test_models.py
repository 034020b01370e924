"""Tests for musiclib.models (chapter 06_neural_networks) and the training plot helpers."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from musiclib import models, plots, theory


# ---------------------------------------------------------------- activations


@pytest.mark.parametrize("name", models.ACTIVATIONS)
def test_activation_matches_keras_and_autodiff(name):
    x = np.linspace(-6, 6, 121) + 0.013  # avoid the kink of relu at exactly 0
    value, slope = models.activation(x, name)
    keras_fn = {"leaky_relu": lambda t: keras.activations.leaky_relu(t, negative_slope=0.2)}.get(
        name, getattr(keras.activations, name)
    )
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras_fn(xt)
    np.testing.assert_allclose(value, y.numpy(), rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(slope, tape.gradient(y, xt).numpy(), rtol=1e-7, atol=1e-12)


def test_sigmoid_saturates():
    _, slope = models.activation(np.array([0.0, 10.0, -10.0, -800.0]), "sigmoid")
    assert slope[0] == pytest.approx(0.25)
    assert np.all(slope[1:] < 5e-5) and np.all(np.isfinite(slope))


# ---------------------------------------------------------------- tiny net


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu", "leaky_relu", "linear"])
def test_hand_backprop_matches_gradient_tape(rng, act):
    params = models.init_tiny_net(3, 5, 1, seed=1)
    x = rng.normal(size=(16, 3))
    y = rng.integers(0, 2, size=16)
    loss, grads = models.tiny_net_loss_and_gradients(params, x, y, hidden_activation=act)
    tf_loss, tf_grads = models.tiny_net_gradients_tf(params, x, y, hidden_activation=act)
    assert loss == pytest.approx(tf_loss, rel=1e-12)
    for key in params:
        assert grads[key].shape == params[key].shape
        # float64, two BLAS libraries (numpy's OpenBLAS, TensorFlow's Eigen): relative, and an atol
        # scaled by the largest gradient for entries that cancel to almost 0
        np.testing.assert_allclose(grads[key], tf_grads[key], rtol=1e-9, atol=1e-12 * np.abs(tf_grads[key]).max())


def test_hand_backprop_matches_finite_differences(rng):
    params = models.init_tiny_net(2, 4, 1, seed=2)
    x, y = rng.normal(size=(8, 2)), rng.integers(0, 2, size=8)
    loss0, grads = models.tiny_net_loss_and_gradients(params, x, y)
    eps = 1e-6
    for key in params:
        flat = params[key].ravel()
        for i in range(flat.size):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[key].ravel()[i] += eps
            minus[key].ravel()[i] -= eps
            numeric = (models.tiny_net_loss_and_gradients(plus, x, y)[0]
                       - models.tiny_net_loss_and_gradients(minus, x, y)[0]) / (2 * eps)
            # central differences: truncation ~eps**2, rounding ~1e-16 / eps = 1e-10 of the loss (about 0.7)
            assert grads[key].ravel()[i] == pytest.approx(numeric, abs=1e-7 * max(1.0, abs(loss0)))


def test_tiny_net_learns_xor():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    params, losses = models.train_tiny_net(x, y, n_hidden=4, steps=3000, learning_rate=1.0, seed=0)
    logits, _ = models.tiny_net_forward(params, x)
    assert ((logits.ravel() > 0).astype(int) == y).all()
    assert losses[-1] < 0.05 < np.log(2) - 0.1 < losses[0] + 0.1


def test_init_tiny_net_glorot_bounds():
    params = models.init_tiny_net(30, 20, 10, seed=0)
    assert np.abs(params["W1"]).max() <= np.sqrt(6 / 50)
    assert params["W2"].shape == (20, 10) and not params["b1"].any()


# ---------------------------------------------------------------- chord data


def test_chord_chroma_pure_pitch_classes_and_harmonics():
    c_major = models.chord_chroma(theory.chord("C4", "maj"), n_harmonics=1)
    np.testing.assert_allclose(c_major[[0, 4, 7]], 1 / 3)
    assert c_major.sum() == pytest.approx(1.0)
    # One note with 5 harmonics: 1, 2, 4 on C; 3 on G (+19 semitones); 5 on E (+28).
    single = models.chord_chroma([48], n_harmonics=5, rolloff=0.0)
    np.testing.assert_allclose(single[[0, 7, 4]], [3 / 5, 1 / 5, 1 / 5])


def test_chord_dataset_shapes_balance_and_determinism():
    x, y, names = models.chord_dataset(120, qualities=("maj", "min", "dim"), seed=3)
    assert x.shape == (120, 12) and x.dtype == np.float32 and names == ("maj", "min", "dim")
    np.testing.assert_array_equal(np.bincount(y), [40, 40, 40])
    np.testing.assert_allclose(x.sum(axis=1), 1.0, rtol=1e-5)
    assert (x >= 0).all()
    x2, y2, _ = models.chord_dataset(120, qualities=("maj", "min", "dim"), seed=3)
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)


def test_chord_dataset_without_noise_matches_theory():
    # No noise, no extra notes, 1 harmonic: every chroma is exactly a triad's pitch classes.
    x, y, names = models.chord_dataset(24, noise=0.0, extra_note_prob=0.0, n_harmonics=1, seed=0)
    for chroma, label in zip(x, y):
        classes = set(np.flatnonzero(chroma))
        root_candidates = [r for r in range(12) if {(r + s) % 12 for s in theory.CHORD_QUALITIES[names[label]]} == classes]
        assert root_candidates, (chroma, names[label])


def test_keras_classifier_learns_chord_quality():
    keras.utils.set_random_seed(0)
    x, y, _ = models.chord_dataset(1400, seed=5)
    model = models.build_mlp_classifier(12, 2, hidden=(64, 64), learning_rate=3e-3, seed=0)
    ds = tf.data.Dataset.from_tensor_slices((x[:1000] * 12, y[:1000])).shuffle(1000, seed=0).repeat().batch(128)
    model.fit(ds, steps_per_epoch=25, epochs=8, shuffle=False, verbose=0)
    _, accuracy = model.evaluate(x[1000:] * 12, y[1000:], verbose=0)
    assert 0.85 <= accuracy <= 1.0


# ---------------------------------------------------------------- builders


def test_build_mlp_structure_and_seed():
    a = models.build_mlp(12, hidden=(8, 4), output_dim=3, dropout=0.2, l2=1e-3, seed=1)
    b = models.build_mlp(12, hidden=(8, 4), output_dim=3, dropout=0.2, l2=1e-3, seed=1)
    assert a.output_shape == (None, 3)
    assert sum(isinstance(layer, keras.layers.Dropout) for layer in a.layers) == 2
    assert a.count_params() == 12 * 8 + 8 + 8 * 4 + 4 + 4 * 3 + 3
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    x = np.ones((2, 12), dtype="float32")
    a(x)
    assert len(a.losses) == 3  # one L2 term per kernel


def test_build_mlp_classifier_outputs_probabilities():
    model = models.build_mlp_classifier(5, 3, hidden=(4,), seed=0)
    out = model.predict(np.random.default_rng(0).normal(size=(6, 5)), verbose=0)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)
    assert model.loss == "sparse_categorical_crossentropy"


# ---------------------------------------------------------------- plots


def test_loss_curves_pairs_validation_colours():
    lines = plots.loss_curves({"loss": [3.0, 2.0], "val_loss": [3.5, 2.5], "accuracy": [0.5, 0.6]},
                              keys=["loss", "val_loss"])
    assert [line.get_label() for line in lines] == ["loss", "val_loss"]
    assert lines[0].get_color() == lines[1].get_color() and lines[1].get_linestyle() == "--"
    np.testing.assert_array_equal(lines[1].get_ydata(), [3.5, 2.5])
    ax = lines[0].axes
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == ""
    plots.loss_curves([1.0, 0.5], ax=ax, ylabel="cross-entropy")
    assert ax.get_ylabel() == "cross-entropy"


def test_function_curves_and_confusion_matrix():
    x = np.linspace(0, 1, 5)
    lines = plots.function_curves(x, {"a": x, "b": x**2})
    np.testing.assert_array_equal(lines[1].get_ydata(), x**2)
    counts = plots.confusion_matrix(np.array([0, 0, 1, 1, 1]), np.array([0, 1, 1, 1, 0]), labels=["maj", "min"])
    np.testing.assert_array_equal(counts, [[1, 1], [1, 2]])


# ---------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: models.activation(np.zeros(2), "softsign"), "name"),
        (lambda: models.activation(np.array([np.nan]), "relu"), "x"),
        (lambda: models.init_tiny_net(0, 2), "n_inputs"),
        (lambda: models.tiny_net_forward({"W1": 1}, np.zeros((1, 1))), "params"),
        (lambda: models.tiny_net_forward(models.init_tiny_net(2, 2), np.zeros((3, 3))), "x"),
        (lambda: models.tiny_net_loss_and_gradients(models.init_tiny_net(2, 2), np.zeros((3, 2)), [0, 1, 2]), "y"),
        (lambda: models.tiny_net_loss_and_gradients(models.init_tiny_net(2, 2), np.zeros((3, 2)), [0, 1]), "y"),
        (lambda: models.train_tiny_net(np.zeros((2, 2)), [0, 1], steps=0), "steps"),
        (lambda: models.chord_chroma([]), "midi_pitches"),
        (lambda: models.chord_chroma([60, 130]), "midi_pitches"),
        (lambda: models.chord_chroma([60], n_harmonics=0), "n_harmonics"),
        (lambda: models.chord_dataset(0), "n_examples"),
        (lambda: models.chord_dataset(10, qualities=("maj", "major")), "qualities"),
        (lambda: models.chord_dataset(10, qualities=("maj",)), "qualities"),
        (lambda: models.chord_dataset(10, noise=-0.1), "noise"),
        (lambda: models.chord_dataset(10, extra_note_prob=1.5), "extra_note_prob"),
        (lambda: models.build_mlp(0), "input_dim"),
        (lambda: models.build_mlp(3, hidden=(4, 0)), "hidden"),
        (lambda: models.build_mlp(3, hidden=5), "hidden"),
        (lambda: models.build_mlp(3, dropout=1.0), "dropout"),
        (lambda: models.build_mlp(3, l2=-1.0), "l2"),
        (lambda: models.build_mlp_classifier(3, 1), "n_classes"),
        (lambda: models.build_mlp_classifier(3, 2, learning_rate=0), "learning_rate"),
        (lambda: models.build_mlp(3, seed=-1), "seed"),  # accepted while the GAN builders refused it
        (lambda: models.build_mlp(3, seed=1.5), "seed"),
        (lambda: models.build_mlp(3, activation="relux"), "activation"),
        (lambda: models.build_mlp(3, output_activation=5), "output_activation"),
        (lambda: models.build_mlp(3, name=5), "name"),
        (lambda: models.build_mlp(10**6, hidden=(10**4,)), "input_dim"),  # 10 billion weights
        (lambda: models.build_mlp(3, hidden="64"), "hidden"),
        (lambda: models.init_tiny_net(2, 2, seed=-1), "seed"),
        (lambda: models.init_tiny_net(10**5, 10**5), "n_hidden"),
        (lambda: models.activation(np.array([1j]), "relu"), "x"),
        (lambda: models.tiny_net_forward({**models.init_tiny_net(2, 2), "W1": np.ones((2, 2)) * 1j}, np.zeros((1, 2))), "W1"),
        (lambda: models.tiny_net_forward({**models.init_tiny_net(2, 2), "b1": np.ones(3)}, np.zeros((1, 2))), "params"),
        (lambda: models.tiny_net_backward(models.init_tiny_net(2, 2), {}, np.zeros((1, 1))), "cache"),
        (lambda: models.tiny_net_loss_and_gradients(models.init_tiny_net(2, 2), np.zeros((3, 2)), np.zeros((3, 2))), "y"),
        (lambda: models.train_tiny_net(np.zeros((2, 2)), [0, 1], steps=10**400), "steps"),
        (lambda: models.chord_chroma([[60, 64]]), "midi_pitches"),
        (lambda: models.chord_chroma([60], n_harmonics=2**40), "n_harmonics"),
        (lambda: models.chord_dataset(10, qualities="maj"), "qualities"),
        (lambda: models.chord_dataset(10, qualities=None), "qualities"),
        (lambda: models.chord_dataset(10, noise=1e300), "noise"),
        (lambda: models.chord_dataset(10, seed=-1), "seed"),
        (lambda: models.chord_dataset(2**40), "n_examples"),
        (lambda: plots.loss_curves({"loss": [1.0]}, ax="abc"), "ax"),
        (lambda: plots.loss_curves({"loss": ["a"]}), "loss"),
        (lambda: plots.loss_curves({"loss": [1.0]}, keys="loss"), "keys"),
        (lambda: plots.function_curves(np.arange(3.0), {"a": np.arange(3.0) * 1j}), "curves"),
        (lambda: plots.density_curves(np.arange(3.0), {"p": np.ones(3)}, bins=2**40), "bins"),
        (lambda: plots.confusion_matrix([0, 1], [0, 1], labels="ab"), "labels"),
        (lambda: plots.loss_curves({"loss": [1.0]}, keys=["val_loss"]), "keys"),
        (lambda: plots.function_curves(np.arange(3.0), {"a": np.arange(4.0)}), "curves"),
        (lambda: plots.confusion_matrix([0, 2], [0, 1], labels=["a", "b"]), "y_true"),
    ],
)
def test_bad_inputs_raise_value_error(call, match):
    with pytest.raises((ValueError, TypeError), match=match):  # TypeError only for ax
        call()


def test_train_tiny_net_reports_divergence():
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    with pytest.raises(ValueError, match="learning_rate=1e"):  # the weights overflow to inf within a few steps
        models.train_tiny_net(x, np.array([0, 1, 1, 0]), learning_rate=1e308, steps=50)


def test_function_curves_draw_nan_as_gaps():
    x = np.linspace(0.0, 1.0, 5)
    (line,) = plots.function_curves(x, {"log x": np.log(x, where=x > 0, out=np.full_like(x, -np.inf))})
    assert np.isneginf(line.get_ydata()[0])


# ---------------------------------------------------------------- exercises of chapter 06


def test_chapter06_exercises_accept_solutions_and_reject_placeholders():
    from musiclib.exercises import ch06, check

    assert sorted(ch06.SOLUTIONS) == ["06.1", "06.2", "06.3", "06.4"]
    for exercise_id, solution in ch06.SOLUTIONS.items():
        assert check(exercise_id, solution()), exercise_id
        assert not check(exercise_id, None)
    assert ch06.SOLUTIONS["06.1"]() == pytest.approx(0.25)
    assert ch06.SOLUTIONS["06.2"]() == models.build_mlp(12, hidden=(32,), output_dim=2).count_params()
    # ∂L/∂b2 = σ(z) - y for a single example: recompute from the forward pass.
    params = models.init_tiny_net(2, 3, 1, seed=0)
    z = models.tiny_net_forward(params, np.array([[1.0, -1.0]]))[0][0, 0]
    assert ch06.SOLUTIONS["06.3"]() == pytest.approx(1 / (1 + np.exp(-z)) - 1)
    assert np.flatnonzero(ch06.SOLUTIONS["06.4"]()).tolist() == [0, 4, 9]
    assert not check("06.4", np.ones(12) / 12)
