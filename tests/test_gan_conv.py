"""Convolutional piano-roll builders of musiclib.gan.models (chapter 09): shapes, the voice softmax, safe-mode saving."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from musiclib import voices
from musiclib.data import N_PITCHES, PITCH_OFFSET
from musiclib.gan.models import (ContourLogits, HarmonicIntervals, HeldNotes, MetricPosition, NoteOnsets, ParallelMotion, TuttiRests,
                                 VoiceCascade, VoiceSoftmax,
                                 build_conv_discriminator, build_conv_generator, count_parameters)


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


def test_contour_logits_add_a_gaussian_bump_around_the_centre_inside_each_range(rng):
    layer = ContourLogits(sigma=2.0)
    centre = rng.normal(size=(2, 3, 4)).astype(np.float32)
    free = rng.normal(size=(2, 3, 4 * (N_PITCHES + 1))).astype(np.float32)
    got = keras.ops.convert_to_numpy(layer([centre, free])).reshape(2, 3, 4, N_PITCHES + 1)
    mask = voices.voice_pitch_mask()
    low = np.array([np.flatnonzero(mask[:, v]).min() for v in range(4)])
    high = np.array([np.flatnonzero(mask[:, v]).max() for v in range(4)])
    c = low + (high - low) / (1 + np.exp(-centre.astype(np.float64)))  # (2, 3, 4) pitch columns
    bump = -0.5 * ((np.arange(N_PITCHES) - c[..., None]) / 2.0) ** 2
    expected = free.reshape(2, 3, 4, N_PITCHES + 1).astype(np.float64)
    expected[..., :N_PITCHES] += bump  # the rest logit (last) is left alone
    # logits of up to ~450 in magnitude (far pitches): float32 relative precision
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)
    # With no free logits the best pitch is the column nearest the centre, and extreme centres reach the range's ends.
    extremes = np.array([[[-30.0] * 4, [30.0] * 4]], np.float32)
    best = keras.ops.convert_to_numpy(layer([extremes, np.zeros((1, 2, 4 * (N_PITCHES + 1)), np.float32)]))
    best = best.reshape(1, 2, 4, N_PITCHES + 1)[..., :N_PITCHES].argmax(-1)
    np.testing.assert_array_equal(best[0, 0], low)
    np.testing.assert_array_equal(best[0, 1], high)


def test_contour_generator_saves_and_loads_in_safe_mode(tmp_path, rng):
    g = build_conv_generator(8, width=16, contour=True, seed=0)
    g.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras", safe_mode=True)
    z = rng.normal(size=(2, 8)).astype(np.float32)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(z)), keras.ops.convert_to_numpy(g(z)))
    assert voices.is_valid_voice_roll(voices.decode_voices(keras.ops.convert_to_numpy(g(z))))


@pytest.mark.parametrize("sigma", [0.0, 100.0, float("nan")])
def test_contour_logits_reject_bad_sigma(sigma):
    with pytest.raises(ValueError, match="sigma"):
        ContourLogits(sigma=sigma)


def _cascade_reference(logits, kernels):
    """VoiceCascade written out in float64: voice by voice, step by step, the kernel's three taps summed by hand."""
    mask = np.concatenate([voices.voice_pitch_mask(), np.ones((1, 4), bool)])
    n, steps, k, _ = logits.shape
    out = logits.astype(np.float64).copy()
    chosen = np.zeros((n, steps, k, 4))
    for v in range(4):
        if v:
            context = chosen[..., :v].transpose(0, 1, 3, 2).reshape(n, steps, v * k)  # voice-major, as concatenated
            w = kernels[v - 1].astype(np.float64)  # (3, v * k, k): taps for t - 1, t, t + 1
            for t in range(steps):
                for tap, s in enumerate((t - 1, t, t + 1)):
                    if 0 <= s < steps:
                        out[:, t, :, v] += context[:, s] @ w[tap]
        best = np.where(mask[:, v], out[..., v], -np.inf).argmax(-1)  # (n, steps)
        chosen[..., v] = np.eye(k)[best]
    return out


def test_voice_cascade_adds_a_convolution_of_the_upper_voices_choices(rng):
    layer = VoiceCascade()
    logits = rng.normal(size=(2, 6, N_PITCHES + 1, 4)).astype(np.float32)
    layer.build(logits.shape)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(logits)), logits)  # zeros at the start: no change
    kernels = [rng.normal(size=w.shape).astype(np.float32) for w in layer.kernels]
    for w, value in zip(layer.kernels, kernels):
        w.assign(value)
    got = keras.ops.convert_to_numpy(layer(logits))
    np.testing.assert_array_equal(got[..., 0], logits[..., 0])  # the soprano is never corrected
    # Sums of up to 3 * 3 * 65 products of order-1 numbers: float32 error far below 1e-3.
    np.testing.assert_allclose(got, _cascade_reference(logits, kernels), rtol=1e-5, atol=1e-3)


def test_cascade_generator_starts_as_the_plain_one_and_saves(tmp_path, rng):
    z = rng.normal(size=(3, 8)).astype(np.float32)
    plain = build_conv_generator(8, width=16, contour=True, seed=0)
    cascade = build_conv_generator(8, width=16, contour=True, cascade=True, seed=0)
    for training in (False, True):
        np.testing.assert_allclose(keras.ops.convert_to_numpy(cascade(z, training=training)),
                                   keras.ops.convert_to_numpy(plain(z, training=training)), atol=1e-6)
    # A kernel that makes the alto rest wherever the soprano sings: the alto falls silent, the others do not.
    w = np.zeros((3, N_PITCHES + 1, N_PITCHES + 1), np.float32)
    w[1, :N_PITCHES, N_PITCHES] = 1e3
    cascade.get_layer("voice_cascade").kernels[0].assign(w)
    rolls = voices.decode_voices(keras.ops.convert_to_numpy(cascade(z)))
    soprano = rolls[..., 0].any(axis=-1)
    assert soprano.any() and not (rolls[..., 1].any(axis=-1) & soprano).any() and rolls[..., 3].any()
    with tf.GradientTape() as tape:
        y = cascade(z, training=True)
        loss = tf.reduce_sum(y * rng.normal(size=y.shape).astype(np.float32))
    assert all(g is not None for g in tape.gradient(loss, cascade.trainable_weights))
    cascade.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras", safe_mode=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(z)), keras.ops.convert_to_numpy(cascade(z)))


def test_cascade_needs_eighth_notes():
    with pytest.raises(ValueError, match="cascade"):
        build_conv_generator(8, width=16, cascade=True, sixteenths=True)
    with pytest.raises(ValueError, match="cascade"):
        build_conv_generator(8, width=16, cascade="yes")


#: Voice pairs (upper, lower) in the layers' order: SA, ST, SB, AT, AB, TB.
_PAIRS = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]


def _random_voice_roll(rng, n, steps=64):
    """One-hot four-voice rolls whose voices jump anywhere in their ranges (leaps beyond an octave too) or rest."""
    mask = voices.voice_pitch_mask()
    roll = np.zeros((n, steps, N_PITCHES, 4), np.float32)
    pitch = np.full((n, steps, 4), -1)
    for v in range(4):
        allowed = np.flatnonzero(mask[:, v])
        pitch[..., v] = rng.choice(allowed, size=(n, steps))
    pitch[rng.random(pitch.shape) < 0.1] = -1  # rests
    i, t, v = np.nonzero(pitch >= 0)
    roll[i, t, pitch[i, t, v], v] = 1
    return roll, pitch


def test_harmonic_intervals_count_the_interval_classes_of_decoded_voices(rng):
    roll, pitch = _random_voice_roll(rng, 3)
    got = keras.ops.convert_to_numpy(HarmonicIntervals()(roll))
    assert got.shape == (3, 64, 6 * 12)
    expected = np.zeros((3, 64, 6, 12))
    for i, t in np.ndindex(3, 64):
        for k, (upper, lower) in enumerate(_PAIRS):
            a, b = pitch[i, t, upper], pitch[i, t, lower]
            if a >= 0 and b >= 0:
                expected[i, t, k, (a - b) % 12] = 1  # columns share one offset, so this is the interval class
    assert expected[..., 7].sum() > 0 and (expected.sum(-1) == 0).any()  # the test saw fifths and rests
    # float32 sums through a 12-point Fourier transform: exact up to a few float32 steps
    np.testing.assert_allclose(got.reshape(3, 64, 6, 12), expected, atol=1e-5)


@pytest.mark.parametrize("options, without", [({"intervals": True}, {}),
                                              ({"intervals": True, "motion": True}, {"intervals": True})])
def test_discriminator_with_features_takes_penalty_gradients_and_saves(options, without, rng, tmp_path):
    import tensorflow as tf

    d = build_conv_discriminator(width=8, seed=0, **options)
    roll, _ = _random_voice_roll(rng, 2)
    x = tf.constant(0.5 * roll + 0.5 * rng.random(roll.shape).astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = d(x)
    grad = tape.gradient(y, x).numpy()
    assert np.isfinite(grad).all() and np.abs(grad).max() > 0
    d.save(tmp_path / "d.keras")
    loaded = keras.saving.load_model(tmp_path / "d.keras", safe_mode=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(roll)), keras.ops.convert_to_numpy(d(roll)), rtol=1e-5,
                               atol=1e-6)
    assert d.count_params() > build_conv_discriminator(width=8, seed=0, **without).count_params()


def test_harmonic_intervals_need_four_voices():
    with pytest.raises(ValueError, match="4 voices"):
        HarmonicIntervals()(np.zeros((1, 16, N_PITCHES, 3), np.float32))


def _motion_by_loop(pitch):
    """Parallel fifths, parallel octaves (or unisons) and moves per roll, step and voice pair, note by note."""
    n, steps, _ = pitch.shape
    out = np.zeros((n, steps, 6, 3))
    for i, t in np.ndindex(n, steps):
        if t == 0:
            continue
        for k, (u, l) in enumerate(_PAIRS):
            a, b, c, d = pitch[i, t - 1, u], pitch[i, t - 1, l], pitch[i, t, u], pitch[i, t, l]
            if min(a, b, c, d) < 0 or (a == c and b == d):
                continue
            out[i, t, k, 2] = 1
            if a != c and b != d:
                out[i, t, k, 0] = (a - b) % 12 == 7 and (c - d) % 12 == 7
                out[i, t, k, 1] = (a - b) % 12 == 0 and (c - d) % 12 == 0
    return out


def test_parallel_motion_counts_parallels_and_moves_of_decoded_voices(rng):
    roll, pitch = _random_voice_roll(rng, 4)
    held = rng.random(pitch.shape) < 0.3  # some voices hold their pitch: not a move, never a parallel
    for t in range(1, pitch.shape[1]):
        pitch[:, t][held[:, t]] = pitch[:, t - 1][held[:, t]]
    fifths = rng.random(pitch.shape[:2]) < 0.4  # and some steps put S–B a fifth (or twelfth ...) apart
    pitch[..., 3] = np.where(fifths & (pitch[..., 0] >= 0), pitch[..., 0] - 19, pitch[..., 3])
    roll[:] = 0
    i, t, v = np.nonzero(pitch >= 0)
    roll[i, t, pitch[i, t, v], v] = 1
    assert voices.is_valid_voice_roll(roll)
    expected = _motion_by_loop(pitch)
    assert expected[..., 0].sum() >= 5 and expected[..., 1].sum() >= 1 and expected[..., 2].sum() > 100
    got = keras.ops.convert_to_numpy(ParallelMotion()(roll))
    assert got.shape == (4, 64, 6 * 3)
    # one-hot input: sums of products of 0s and 1s, exact in float32
    np.testing.assert_array_equal(got.reshape(expected.shape), expected)


def test_parallel_motion_of_probabilities_is_the_expected_count(rng):
    """Against brute force: every combination of the four pitches of a pair's transition, weighted, in float64."""
    n, steps, support = 2, 6, 7
    mask = voices.voice_pitch_mask()
    columns = [np.sort(rng.choice(np.flatnonzero(mask[:, v]), support, replace=False)) for v in range(4)]
    p = np.zeros((n, steps, N_PITCHES, 4))
    for v in range(4):
        w = rng.random((n, steps, support))
        p[:, :, columns[v], v] = 0.8 * w / w.sum(-1, keepdims=True)  # a fifth of each cell's mass is a rest
    got = keras.ops.convert_to_numpy(ParallelMotion()(p.astype(np.float32))).reshape(n, steps, 6, 3)
    assert (got[:, 0] == 0).all()
    for k, (u, l) in enumerate(_PAIRS):
        a, b = columns[u], columns[l]
        before = (a[:, None] - b[None, :]) % 12  # class at the first step, [a, b]; the same grid at the second
        upper_holds = a[:, None, None, None] == a[None, None, :, None]  # over [a, b, c, d]: a → c, b → d
        lower_holds = b[None, :, None, None] == b[None, None, None, :]
        moved = ~upper_holds & ~lower_holds
        kinds = [(before == 7)[:, :, None, None] & (before == 7)[None, None] & moved,
                 (before == 0)[:, :, None, None] & (before == 0)[None, None] & moved,
                 ~(upper_holds & lower_holds)]
        pu, pl = p[:, :, a, u], p[:, :, b, l]
        for kind, indicator in enumerate(kinds):
            expected = np.einsum("nta,ntb,ntc,ntd,abcd->nt", pu[:, :-1], pl[:, :-1], pu[:, 1:], pl[:, 1:],
                                 np.broadcast_to(indicator, (support,) * 4).astype(float))
            # float32 products and sums of a few dozen terms of size <= 1: a few float32 steps
            np.testing.assert_allclose(got[:, 1:, k, kind], expected, rtol=1e-5, atol=1e-6)
    assert got[:, 1:, :, 2].min() > 0.1  # the expected moves are not vacuous


def test_parallel_motion_agrees_with_the_voice_leading_metric_on_chorales():
    """On Bach's windows the two rare differences (unisons, crossed pairs) leave the counts close to music21's rules."""
    from musiclib import metrics
    from musiclib.data import load_pianorolls

    rolls = load_pianorolls("train", voices="separate", bars=4, hop_bars=4, transpose="normalize", limit=24)
    got = keras.ops.convert_to_numpy(ParallelMotion()(rolls)).reshape(len(rolls), -1, 6, 3)
    counts = metrics.voice_leading(rolls)
    np.testing.assert_array_equal(got[..., 2].sum(axis=(1, 2)), counts["pair_moves"])
    assert abs(got[..., :2].sum() - (counts["parallel_fifths"] + counts["parallel_octaves"]).sum()) <= 2


@pytest.mark.parametrize("shape, match", [((1, 16, N_PITCHES, 3), "4 voices"), ((1, 1, N_PITCHES, 4), "2 time steps")])
def test_parallel_motion_rejects_bad_shapes(shape, match):
    with pytest.raises(ValueError, match=match):
        ParallelMotion()(np.zeros(shape, np.float32))


def test_discriminator_motion_must_be_a_bool():
    with pytest.raises(ValueError, match="motion"):
        build_conv_discriminator(width=8, motion="yes")


def test_metric_position_appends_the_position_in_the_bar(rng):
    x = rng.normal(size=(2, 12, 3)).astype(np.float32)
    got = keras.ops.convert_to_numpy(MetricPosition(4)(x))
    assert got.shape == (2, 12, 7)
    np.testing.assert_array_equal(got[..., :3], x)
    for t in range(12):  # one 1, in channel t mod 4, the same for every window
        expected = np.zeros(4, np.float32)
        expected[t % 4] = 1
        np.testing.assert_array_equal(got[:, t, 3:], np.broadcast_to(expected, (2, 4)))
    assert MetricPosition(4).compute_output_shape((None, 12, 3)) == (None, 12, 7)
    with tf.GradientTape() as tape:
        xt = tf.constant(x)
        tape.watch(xt)
        y = tf.reduce_sum(MetricPosition(4)(xt) ** 2)
    np.testing.assert_allclose(tape.gradient(y, xt).numpy(), 2 * x, rtol=1e-6)


@pytest.mark.parametrize("steps_per_bar", [0, -1, 2.5, 5000])
def test_metric_position_rejects_bad_steps_per_bar(steps_per_bar):
    with pytest.raises(ValueError, match="steps_per_bar"):
        MetricPosition(steps_per_bar)


def test_metric_position_rejects_inputs_without_a_known_time_axis():
    with pytest.raises(ValueError, match="steps, channels"):
        MetricPosition(4)(np.zeros((2, 8, 3, 1), np.float32))
    with pytest.raises(ValueError, match="known number of steps"):
        MetricPosition(4)(keras.Input((None, 3)))


def test_meter_tells_the_networks_where_the_beat_is_and_saves(tmp_path, rng):
    """Shifting a roll by one step shifts what the critic's first convolution sees of the roll, but not the position
    channels beside it: the same notes one step later are a different input."""
    generator = build_conv_generator(8, width=16, meter=True, seed=0)
    critic = build_conv_discriminator(width=8, meter=True, seed=1)
    names = [layer.name for layer in generator.layers]
    assert ["meter0", "meter1", "meter2"] == [n for n in names if n.startswith("meter")]
    assert [generator.get_layer(f"meter{i}").steps_per_bar for i in range(3)] == [2, 4, 8]
    assert critic.get_layer("meter").steps_per_bar == 16
    plain = build_conv_discriminator(width=8, seed=1)
    # 16 more input channels for the first convolution (kernel 4): 4 * 16 * 8 weights more.
    assert count_parameters(critic) - count_parameters(plain) == 4 * 16 * 8
    z = rng.normal(size=(3, 8)).astype(np.float32)
    rolls = voices.decode_voices(keras.ops.convert_to_numpy(generator(z)))
    assert voices.is_valid_voice_roll(rolls)
    first = keras.Model(critic.input, critic.get_layer("meter").output)
    seen = keras.ops.convert_to_numpy(first(rolls))
    shifted = keras.ops.convert_to_numpy(first(np.roll(rolls, 1, axis=1)))
    np.testing.assert_array_equal(shifted[:, :, :-16], np.roll(seen[:, :, :-16], 1, axis=1))
    np.testing.assert_array_equal(shifted[:, :, -16:], seen[:, :, -16:])
    generator.save(tmp_path / "g.keras")
    critic.save(tmp_path / "d.keras")
    loaded_g = keras.saving.load_model(tmp_path / "g.keras", safe_mode=True)
    loaded_d = keras.saving.load_model(tmp_path / "d.keras", safe_mode=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded_g(z)), keras.ops.convert_to_numpy(generator(z)))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded_d(rolls)), keras.ops.convert_to_numpy(critic(rolls)))


def test_note_onsets_are_the_note_starts_of_decoded_voices(rng):
    from musiclib import baselines, data, metrics

    rolls = np.concatenate([data.load_pianorolls("train", voices="separate")[:30], baselines.random_rolls(10, seed=0)])
    got = keras.ops.convert_to_numpy(NoteOnsets()(rolls))
    runs = metrics.note_runs(rolls)
    expected = np.zeros(got.shape, np.float32)
    expected[runs[:, 0], runs[:, 3], runs[:, 1]] = 1
    np.testing.assert_array_equal(got, expected)
    assert NoteOnsets().compute_output_shape((None, 64, N_PITCHES, 4)) == (None, 64, 4)


def test_note_onsets_of_probabilities_and_their_gradient(rng):
    # Probabilities: P(sounding at t) - P(same pitch at t-1 and t) under independent steps, by a loop in float64.
    p = rng.dirichlet(np.ones(6), size=(2, 8, 4))[..., :5].transpose(0, 1, 3, 2)  # (2, 8, 5 pitches, 4), rest left over
    expected = np.zeros((2, 8, 4))
    for t in range(8):
        held = (p[:, t] * p[:, t - 1]).sum(axis=1) if t else 0
        expected[:, t] = p[:, t].sum(axis=1) - held
    x = tf.constant(p.astype(np.float32))
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = NoteOnsets()(x)
        total = tf.reduce_sum(y[:, 3, 2])
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-5, atol=1e-6)
    grad = tape.gradient(total, x).numpy()
    # d onset[3, tenor] / d p[3, q, tenor] = 1 - p[2, q, tenor]; / d p[2, q, tenor] = -p[3, q, tenor]; zero elsewhere
    np.testing.assert_allclose(grad[:, 3, :, 2], 1 - p[:, 2, :, 2], rtol=1e-5)
    np.testing.assert_allclose(grad[:, 2, :, 2], -p[:, 3, :, 2], rtol=1e-5)
    grad[:, 2:4, :, 2] = 0
    assert not grad.any()


def test_note_onsets_rejects_bad_shapes_and_the_critic_option_is_checked(tmp_path):
    with pytest.raises(ValueError, match="4 voices"):
        NoteOnsets()(np.zeros((1, 8, 5, 3), np.float32))
    with pytest.raises(ValueError, match="onsets"):
        build_conv_discriminator(width=8, onsets="yes")
    critic = build_conv_discriminator(width=8, onsets=True, meter=True, seed=1)
    plain = build_conv_discriminator(width=8, seed=1)
    assert count_parameters(critic) - count_parameters(plain) == 4 * (4 + 16) * 8  # 4 onset + 16 position channels
    first = keras.Model(critic.input, critic.get_layer("meter").input)
    roll = np.zeros((1, 64, N_PITCHES, 4), np.float32)
    roll[0, :6, 60 - PITCH_OFFSET, 3] = 1  # the bass: a note at 0, another at 6
    roll[0, 6:, 62 - PITCH_OFFSET, 3] = 1
    onsets = keras.ops.convert_to_numpy(first(roll))[0, :, -4:]
    assert np.flatnonzero(onsets[:, 3]).tolist() == [0, 6] and not onsets[:, :3].any()
    critic.save(tmp_path / "d.keras")
    loaded = keras.saving.load_model(tmp_path / "d.keras", safe_mode=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(roll)), keras.ops.convert_to_numpy(critic(roll)))


def _sigmoid64(x):
    return 1 / (1 + np.exp(-x.astype(np.float64)))


def _softmax64(x, one_hot):
    """Softmax over axis 2 in float64, or (``one_hot``) the one-hot of its argmax."""
    p = np.exp(x - x.max(axis=2, keepdims=True))
    p /= p.sum(axis=2, keepdims=True)
    if one_hot:
        p = (np.arange(p.shape[2])[None, None, :, None] == p.argmax(axis=2)[:, :, None, :]).astype(np.float64)
    return p


def _gradient_wrt_gates(layer, logits, gates, w):
    """d Σ (w · layer([logits, gates], training=True)) / d gates, by autodiff."""
    g_in = tf.constant(gates)
    with tf.GradientTape() as tape:
        tape.watch(g_in)
        loss = tf.reduce_sum(layer([tf.constant(logits), g_in], training=True) * w)
    return tape.gradient(loss, g_in).numpy()


def _held_notes_reference(logits, gates, mask, one_hot):
    """HeldNotes by a float64 loop: masked softmax (or its one-hot argmax), held where the gate is closed."""
    p = _softmax64(logits.astype(np.float64) + mask, one_hot)
    open_gate = _sigmoid64(gates) > 0.5
    out = p.copy()
    for e in range(1, p.shape[1]):
        out[:, e] = np.where(open_gate[:, e][:, None, :], p[:, e], out[:, e - 1])
    return out, p, open_gate


@pytest.mark.parametrize("training", [False, True])
def test_held_notes_holds_the_previous_choice_where_the_gate_is_closed(rng, training):
    from musiclib.gan.models import _voice_logit_mask

    logits = rng.normal(scale=2.0, size=(3, 16, N_PITCHES + 1, 4)).astype(np.float32)
    gates = rng.normal(size=(3, 16, 4)).astype(np.float32)
    layer = HeldNotes(hold=2)
    got = keras.ops.convert_to_numpy(layer([logits, gates], training=training))
    expected, _, open_gate = _held_notes_reference(logits, gates, _voice_logit_mask(PITCH_OFFSET, N_PITCHES),
                                                   one_hot=training)
    assert got.shape == (3, 32, N_PITCHES, 4)
    np.testing.assert_allclose(got, np.repeat(expected[:, :, :N_PITCHES], 2, axis=1), rtol=1e-5, atol=1e-6)
    # Decoded, a voice changes pitch (or rest) only at an eighth whose gate is open, and both passes decode alike.
    decoded = voices.decode_voices(got)
    changes = np.any(decoded[:, 2::2] != decoded[:, 1:-1:2], axis=2)  # (batch, eighth 1.., voice)
    assert changes.any() and not np.any(changes & ~open_gate[:, 1:])
    other = keras.ops.convert_to_numpy(layer([logits, gates], training=not training))
    np.testing.assert_array_equal(voices.decode_voices(other), decoded)


def test_held_notes_gradient_is_the_straight_through_one(rng):
    # loss = Σ w · out. With hard gates g_k and choices c_e (one-hot in training), out_e = g_e c_e + (1 - g_e) out_{e-1},
    # so d loss / d gate_e = σ'(gate_e) · (c_e - out_{e-1}) · Σ_{e' >= e} W_{e'} Π_{e < k <= e'} (1 - g_k),
    # W_{e'} being w summed over the steps eighth e' is held for.
    from musiclib.gan.models import _voice_logit_mask

    logits = rng.normal(scale=2.0, size=(2, 8, N_PITCHES + 1, 4)).astype(np.float32)
    gates = rng.normal(size=(2, 8, 4)).astype(np.float32)
    w = rng.normal(size=(2, 16, N_PITCHES, 4)).astype(np.float32)
    got = _gradient_wrt_gates(HeldNotes(hold=2), logits, gates, w)
    out, c, open_gate = _held_notes_reference(logits, gates, _voice_logit_mask(PITCH_OFFSET, N_PITCHES), one_hot=True)
    weight = np.zeros(out.shape)
    weight[:, :, :N_PITCHES] = w[:, 0::2] + w[:, 1::2]
    sigmoid = _sigmoid64(gates)
    expected = np.zeros(gates.shape)
    for e in range(1, 8):
        carried = np.zeros(out.shape[0:1] + out.shape[2:])  # Σ_{e'} W_{e'} Π (1 - g_k), per pitch and voice
        keep = np.ones((out.shape[0], 1, 4))
        for later in range(e, 8):
            if later > e:
                keep = keep * (1 - open_gate[:, later][:, None, :])
            carried += weight[:, later] * keep
        expected[:, e] = sigmoid[:, e] * (1 - sigmoid[:, e]) * np.sum((c[:, e] - out[:, e - 1]) * carried, axis=1)
    np.testing.assert_allclose(got[:, 1:], expected[:, 1:], rtol=1e-4, atol=1e-5)
    assert np.abs(expected[:, 1:]).max() > 1e-3  # the gates do get a gradient


def test_held_notes_generator_option(tmp_path, rng):
    plain = build_conv_generator(8, width=16, meter=True, seed=0)
    generator = build_conv_generator(8, width=16, meter=True, held_notes=True, seed=0)
    assert count_parameters(generator) - count_parameters(plain) == 8 * 4 + 4  # one 1x1 conv, 8 channels -> 4 gates
    z = rng.normal(size=(6, 8)).astype(np.float32)
    p = keras.ops.convert_to_numpy(generator(z))
    assert p.shape == (6, 64, N_PITCHES, 4) and p.min() >= 0 and p.sum(axis=2).max() <= 1 + 1e-5
    decoded = voices.decode_voices(p)
    assert voices.is_valid_voice_roll(decoded)
    hard = keras.ops.convert_to_numpy(generator(z, training=True))
    assert set(np.unique(hard)) <= {0.0, 1.0}
    np.testing.assert_array_equal(hard, decoded)
    generator.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras", safe_mode=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(z)), p)
    for bad in ({"sixteenths": True}, {"cascade": True}):
        with pytest.raises(ValueError, match="held_notes"):
            build_conv_generator(8, width=16, held_notes=True, **bad)
    with pytest.raises(ValueError, match="held_notes"):
        build_conv_generator(8, width=16, held_notes="yes")
    with pytest.raises(ValueError, match="input_shape"):
        HeldNotes()([np.zeros((1, 4, N_PITCHES, 4), np.float32), np.zeros((1, 4, 4), np.float32)])
    with pytest.raises(ValueError, match="hold"):
        HeldNotes(hold=0)


def _tutti_reference(logits, gate, one_hot):
    """TuttiRests in float64: each voice's softmax over its in-range pitches alone, times the hard sound gate."""
    from musiclib.gan.models import _voice_logit_mask

    x = logits.astype(np.float64)[:, :, :N_PITCHES] + _voice_logit_mask(PITCH_OFFSET, N_PITCHES)[:N_PITCHES]
    p = _softmax64(x, one_hot)
    sound = _sigmoid64(gate) > 0.5
    return p * sound[:, :, :, None], p, sound


@pytest.mark.parametrize("training", [False, True])
def test_tutti_rests_rest_all_four_voices_together(rng, training):
    logits = rng.normal(scale=2.0, size=(3, 16, N_PITCHES + 1, 4)).astype(np.float32)
    logits[..., -1, :] = 50.0  # a huge rest logit must not make any voice rest: only the gate does
    gate = rng.normal(size=(3, 16, 1)).astype(np.float32)
    got = keras.ops.convert_to_numpy(TuttiRests()([logits, gate], training=training))
    expected, _, sound = _tutti_reference(logits, gate, one_hot=training)
    assert got.shape == (3, 16, N_PITCHES, 4) and sound.any() and not sound.all()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    decoded = voices.decode_voices(got)
    assert voices.is_valid_voice_roll(decoded)
    resting = decoded.sum(axis=2) == 0  # (batch, steps, voice)
    np.testing.assert_array_equal(resting, np.repeat(~sound, 4, axis=2))  # all four rest, exactly where the gate shuts


def test_tutti_rests_gradient_is_the_straight_through_one(rng):
    # loss = Σ w · s c with s the hard gate and c the one-hot choices: d loss / d gate_t = σ'(gate_t) Σ_{p,v} w c.
    logits = rng.normal(scale=2.0, size=(2, 8, N_PITCHES + 1, 4)).astype(np.float32)
    gate = rng.normal(size=(2, 8, 1)).astype(np.float32)
    w = rng.normal(size=(2, 8, N_PITCHES, 4)).astype(np.float32)
    got = _gradient_wrt_gates(TuttiRests(), logits, gate, w)
    _, c, _ = _tutti_reference(logits, gate, one_hot=True)
    sigmoid = _sigmoid64(gate)
    expected = sigmoid * (1 - sigmoid) * np.sum(w * c, axis=(2, 3))[:, :, None]
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6)
    assert np.abs(expected).max() > 1e-3


def test_tutti_rests_generator_option(tmp_path, rng):
    plain = build_conv_generator(8, width=16, meter=True, cascade=True, seed=0)
    generator = build_conv_generator(8, width=16, meter=True, cascade=True, tutti_rests=True, seed=0)
    assert count_parameters(generator) - count_parameters(plain) == 8 + 1  # one 1x1 conv, 8 channels -> 1 gate
    z = rng.normal(size=(6, 8)).astype(np.float32)
    p = keras.ops.convert_to_numpy(generator(z))
    assert p.shape == (6, 64, N_PITCHES, 4) and p.min() >= 0
    # The gate starts open (bias 3), so a fresh generator's voices all sound, each summing to 1 over its pitches.
    np.testing.assert_allclose(p.sum(axis=2), 1.0, rtol=1e-5)
    hard = keras.ops.convert_to_numpy(generator(z, training=True))
    decoded = voices.decode_voices(p)
    assert set(np.unique(hard)) <= {0.0, 1.0} and voices.is_valid_voice_roll(decoded)
    np.testing.assert_array_equal(hard, decoded)
    generator.save(tmp_path / "g.keras")
    loaded = keras.saving.load_model(tmp_path / "g.keras", safe_mode=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(z)), p)
    with pytest.raises(ValueError, match="tutti_rests"):
        build_conv_generator(8, width=16, held_notes=True, tutti_rests=True)
    with pytest.raises(ValueError, match="tutti_rests"):
        build_conv_generator(8, width=16, tutti_rests="yes")
    with pytest.raises(ValueError, match="input_shape"):
        TuttiRests()([np.zeros((1, 4, N_PITCHES + 1, 4), np.float32), np.zeros((1, 4, 4), np.float32)])


def test_note_onsets_with_sounding_and_the_rhythm_head(tmp_path):
    from musiclib import baselines, data
    from musiclib.gan import evaluation

    rolls = np.concatenate([data.load_pianorolls("train", voices="separate")[:12], baselines.random_rolls(4, seed=0)])
    both = keras.ops.convert_to_numpy(NoteOnsets(sounding=True)(rolls))
    assert both.shape == (16, 64, 8) and NoteOnsets(sounding=True).compute_output_shape((None, 64, 9, 4)) == (None, 64, 8)
    np.testing.assert_array_equal(both[..., :4], keras.ops.convert_to_numpy(NoteOnsets()(rolls)))
    np.testing.assert_array_equal(both[..., 4:], rolls.sum(axis=2))
    with pytest.raises(ValueError, match="sounding"):
        NoteOnsets(sounding="yes")
    width, half = 8, 4
    critic = build_conv_discriminator(width=width, meter=True, rhythm_head=True, seed=1)
    plain = build_conv_discriminator(width=width, meter=True, seed=1)
    head_weights = (4 * (8 + 16) * half + half) + 2 * (4 * half * half + half + 2 * half) + (64 // 8 * half + 1)
    assert count_parameters(critic) - count_parameters(plain) == head_weights
    # The head sees the rhythm and nothing else: a window and its rhythm_only version get the same head logit, the
    # whole critic's logit is the main logit plus it, and a different rhythm changes it.
    parts = keras.Model(critic.input, [critic.get_layer("logit").output, critic.get_layer("rhythm_logit").output,
                                       critic.output])
    main, head, total = (keras.ops.convert_to_numpy(t) for t in parts(rolls))
    np.testing.assert_allclose(total, main + head, rtol=1e-6, atol=1e-6)
    _, head_rhythm, _ = (keras.ops.convert_to_numpy(t) for t in parts(evaluation.rhythm_only(rolls)))
    np.testing.assert_allclose(head_rhythm, head, rtol=1e-5, atol=1e-5)
    _, head_other, _ = (keras.ops.convert_to_numpy(t) for t in parts(evaluation.beats_only(rolls[:12])))
    assert np.abs(head_other - head[:12]).max() > 1e-4
    critic.save(tmp_path / "d.keras")
    loaded = keras.saving.load_model(tmp_path / "d.keras", safe_mode=True)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(rolls)), total)
    with pytest.raises(ValueError, match="rhythm_head"):
        build_conv_discriminator(width=8, rhythm_head=1)


def test_meter_must_be_a_bool():
    with pytest.raises(ValueError, match="meter"):
        build_conv_generator(8, width=16, meter="yes")
    with pytest.raises(ValueError, match="meter"):
        build_conv_discriminator(width=8, meter=1.5)


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
    (build_conv_discriminator, {"intervals": "yes"}, "intervals"),
])
def test_builders_reject_bad_input(builder, kwargs, param):
    with pytest.raises(ValueError, match=param):
        builder(**kwargs)
