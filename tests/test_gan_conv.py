"""Convolutional piano-roll builders of musiclib.gan.models (chapter 09): shapes, the voice softmax, safe-mode saving."""

import keras
import numpy as np
import pytest

from musiclib import voices
from musiclib.data import N_PITCHES, PITCH_OFFSET
from musiclib.gan.models import VoiceSoftmax, build_conv_discriminator, build_conv_generator, count_parameters


@pytest.fixture(scope="module")
def small_pair():
    return build_conv_generator(8, width=16, seed=0), build_conv_discriminator(width=8, seed=1)


def test_generator_outputs_per_voice_probabilities_inside_the_ranges(small_pair, rng):
    generator, _ = small_pair
    z = rng.normal(size=(5, 8)).astype(np.float32)
    p = keras.ops.convert_to_numpy(generator(z))
    assert p.shape == (5, 64, N_PITCHES, 4) and p.dtype == np.float32
    assert p.min() >= 0 and p.sum(axis=2).max() <= 1 + 1e-5
    mask = voices.voice_pitch_mask()
    assert np.all(p[:, :, ~mask[:, 0], 0] == 0) and np.all(p[:, :, ~mask[:, 3], 3] == 0)
    assert voices.is_valid_voice_roll(voices.decode_voices(p))


def test_voice_softmax_equals_a_masked_softmax_with_a_rest(rng):
    logits = rng.normal(size=(2, 3, N_PITCHES + 1, 4)).astype(np.float32)
    got = keras.ops.convert_to_numpy(VoiceSoftmax()(logits))
    mask = np.concatenate([voices.voice_pitch_mask(), np.ones((1, 4), bool)])
    e = np.where(mask, np.exp(logits.astype(np.float64)), 0.0)
    expected = (e / e.sum(axis=2, keepdims=True))[:, :, :N_PITCHES]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def test_discriminator_outputs_one_logit_and_takes_gradients(small_pair, rng):
    generator, discriminator = small_pair
    x = rng.random((3, 64, N_PITCHES, 4)).astype(np.float32)
    assert discriminator(x).shape == (3, 1)
    assert build_conv_discriminator(width=8, norm="spectral", seed=0)(x).shape == (3, 1)
    assert build_conv_discriminator(width=8, norm="none", seed=0)(x).shape == (3, 1)


def test_same_seed_same_weights(small_pair):
    generator, discriminator = small_pair
    again = build_conv_generator(8, width=16, seed=0)
    for a, b in zip(generator.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    other = build_conv_generator(8, width=16, seed=5)
    assert not np.array_equal(generator.get_weights()[0], other.get_weights()[0])


def test_default_sizes_fit_a_cpu():
    g, d = build_conv_generator(64, seed=0), build_conv_discriminator(seed=0)
    assert 100_000 < count_parameters(g) < 1_000_000 and 100_000 < count_parameters(d) < 1_000_000


def test_generator_saves_and_loads_in_safe_mode(small_pair, tmp_path, rng):
    generator, _ = small_pair
    path = tmp_path / "g.keras"
    generator.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    z = rng.normal(size=(2, 8)).astype(np.float32)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(z)), keras.ops.convert_to_numpy(generator(z)))


@pytest.mark.parametrize(("builder", "kwargs", "param"), [
    (build_conv_generator, {"latent_dim": 0}, "latent_dim"),
    (build_conv_generator, {"time_steps": 40}, "time_steps"),
    (build_conv_generator, {"width": 0}, "width"),
    (build_conv_generator, {"width": 10**7}, "width"),
    (build_conv_generator, {"norm": "spectral"}, "norm"),
    (build_conv_generator, {"seed": -1}, "seed"),
    (build_conv_generator, {"pitch_offset": 40}, "pitch_offset"),
    (build_conv_generator, {"n_pitches": 200}, "n_pitches"),
    (build_conv_discriminator, {"time_steps": 0}, "time_steps"),
    (build_conv_discriminator, {"width": True}, "width"),
    (build_conv_discriminator, {"norm": "batch"}, "norm"),
    (build_conv_discriminator, {"seed": 1.5}, "seed"),
])
def test_builders_reject_bad_input(builder, kwargs, param):
    with pytest.raises(ValueError, match=param):
        builder(**kwargs)
