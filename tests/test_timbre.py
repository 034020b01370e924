"""Tests for the timbre dataset (musiclib.data.timbres), its synthesis, inversion and the timbre GAN (chapter 11)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from musiclib import cli, features, synth
from musiclib import data
from musiclib.data import timbres as T

SR = T.TIMBRE_SR


@pytest.fixture(scope="module")
def notes():
    return data.load_timbres("test", n_notes=16, use_cache=False)


# --------------------------------------------------------------------------- dataset


def test_dataset_shapes_labels_and_ranges(notes):
    n = len(notes)
    assert notes.log_mel.shape == (n, 128, 32) and notes.log_mel.dtype == np.float32
    assert notes.mfcc.shape == (n, 20, 32)
    assert notes.params.shape == (n, 4) and np.all((notes.params >= 0) & (notes.params <= 1))
    low, high = T.TIMBRE_PITCH_RANGE
    assert np.all((notes.pitch >= low) & (notes.pitch <= high))
    assert np.bincount(notes.family, minlength=4).tolist() == [4, 4, 4, 4]  # balanced families
    patches = notes.patches()
    assert patches.shape == (n, 32, 128) and patches.min() >= -1 and patches.max() <= 1
    assert notes.log_mel.max() < T.TIMBRE_FEATURES["db_ceil"]  # loud parts are never clipped
    assert "notes" in repr(notes) and set(notes.family_names()) == set(T.TIMBRE_FAMILIES)


def test_dataset_is_deterministic_and_splits_differ(notes):
    again = data.load_timbres("test", n_notes=16, use_cache=False)
    for name in ("family", "pitch", "params", "seeds", "log_mel", "mfcc"):
        assert np.array_equal(getattr(notes, name), getattr(again, name)), name
    train = data.load_timbres("train", n_notes=16, use_cache=False)
    assert not np.array_equal(train.params, notes.params)
    other_seed = data.load_timbres("test", n_notes=16, seed=1, use_cache=False)
    assert not np.array_equal(other_seed.params, notes.params)


def test_audio_renders_the_note_the_features_describe(notes):
    audio = notes.audio(np.arange(4))
    assert audio.shape == (4, 8000) and audio.dtype == np.float32
    assert np.allclose(np.abs(audio).max(axis=1), 0.5)
    np.testing.assert_allclose(T.timbre_log_mel(audio), notes.log_mel[:4], atol=1e-3 * 100)
    assert np.array_equal(notes.audio(-1), notes.audio(len(notes) - 1))


def test_mfcc_is_the_orthonormal_dct_of_the_log_mel(notes):
    import scipy.fft

    expected = scipy.fft.dct(notes.log_mel.astype(np.float64), type=2, norm="ortho", axis=1)[:, :20]
    np.testing.assert_allclose(notes.mfcc, expected, rtol=1e-5, atol=1e-3)
    f = T.timbre_features(notes.log_mel)
    assert f.shape == (16, 40)
    np.testing.assert_allclose(f[:, :20], notes.mfcc.mean(axis=-1), rtol=1e-5, atol=1e-3)


def test_cache_round_trip_and_damaged_file_rebuilt(tmp_path, notes):
    built = data.load_timbres("test", n_notes=16, cache_dir=tmp_path)
    files = list(tmp_path.glob("timbres-test-*.npz"))
    assert len(files) == 1
    assert np.array_equal(built.log_mel, notes.log_mel)
    cached = data.load_timbres("test", n_notes=16, cache_dir=tmp_path)
    assert np.array_equal(cached.log_mel, built.log_mel) and np.array_equal(cached.seeds, built.seeds)
    arrays = dict(np.load(files[0], allow_pickle=False))
    arrays["pitch"] = arrays["pitch"] + 100  # readable, but impossible values
    np.savez_compressed(files[0], **arrays)
    with pytest.warns(UserWarning, match="does not hold what its parameters imply"):
        rebuilt = data.load_timbres("test", n_notes=16, cache_dir=tmp_path)
    assert np.array_equal(rebuilt.pitch, notes.pitch)
    files[0].write_bytes(b"not a zip file")
    with pytest.warns(UserWarning, match="unreadable"):
        data.load_timbres("test", n_notes=16, cache_dir=tmp_path)


def test_encode_decode_round_trip():
    db = np.linspace(-60, 35, 128 * 32).reshape(1, 128, 32).astype(np.float32)
    np.testing.assert_allclose(T.decode_patches(T.encode_patches(db)), db, atol=1e-4)
    assert T.encode_patches(np.full((1, 128, 32), -100.0)).min() == -1.0


@pytest.mark.parametrize("family", T.TIMBRE_FAMILIES)
def test_every_family_sounds_at_its_pitch(family):
    from musiclib.gan.timbre import measure_pitch

    for pitch in (48, 60, 72):
        y = T.synthesize_note(family, pitch, [0.8, 0.1, 0.8, 0.2], seed=3)
        assert y.shape == (8000,) and np.isclose(np.abs(y).max(), 0.5) and abs(y[-1]) < 1e-3
        assert abs(float(measure_pitch(y)) - pitch) < 0.5, (family, pitch)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"family": "violin"}, "family"),
    ({"family": 4}, "family"),
    ({"pitch": 200}, "pitch"),
    ({"pitch": 60.5}, "pitch"),
    ({"params": [0.5, 0.5, 0.5]}, "params"),
    ({"params": [0.5, 0.5, 0.5, 1.5]}, "params"),
    ({"seed": -1}, "seed"),
])
def test_synthesize_note_rejects_bad_input(kwargs, name):
    args = {"family": "fm", "pitch": 60, "params": [0.5] * 4, **kwargs}
    with pytest.raises(ValueError, match=name):
        T.synthesize_note(args.pop("family"), args.pop("pitch"), args.pop("params"), **args)


@pytest.mark.parametrize(("kwargs", "name"), [({"split": "val"}, "split"), ({"n_notes": 0}, "n_notes"),
                                              ({"seed": -2}, "seed")])
def test_load_timbres_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        data.load_timbres(**{"use_cache": False, **kwargs})


def test_fm_tone_and_filtered_noise():
    y = synth.fm_tone(200.0, 0.25, SR, ratio=1.0, index=0.0, envelope=np.ones(4000))
    np.testing.assert_allclose(y, 0.5 * np.sin(2 * np.pi * 200 * np.arange(4000) / SR), atol=1e-6)  # index 0: a sine
    spectrum = np.abs(np.fft.rfft(synth.fm_tone(200.0, 1.0, SR, ratio=2.0, index=2.0, envelope=np.ones(SR))))
    peaks = np.sort(np.argsort(spectrum)[-4:])  # 1 Hz bins: carrier 200 Hz, sidebands at 200 +- 400 k Hz
    assert set(peaks.tolist()) <= {200, 600, 1000, 1400, 1800}
    a = synth.filtered_noise(300.0, 0.5, SR, q=50.0, seed=1)
    assert np.array_equal(a, synth.filtered_noise(300.0, 0.5, SR, q=50.0, seed=1))
    spectrum = np.abs(np.fft.rfft(synth.filtered_noise(300.0, 1.0, SR, q=50.0, envelope=np.ones(SR), seed=2)))
    assert abs(int(np.argmax(spectrum)) - 300) < 15
    for call, name in [(lambda: synth.fm_tone(9000.0, 0.1, SR), "freq"), (lambda: synth.fm_tone(100.0, 0.1, SR, ratio=0), "ratio"),
                       (lambda: synth.fm_tone(100.0, 0.1, SR, index=-1), "index"),
                       (lambda: synth.fm_tone(100.0, 0.1, SR, index_decay=0), "index_decay"),
                       (lambda: synth.filtered_noise(100.0, 0.1, SR, q=0.1), "q"),
                       (lambda: synth.filtered_noise(9000.0, 0.1, SR), "Nyquist")]:
        with pytest.raises(ValueError, match=name):
            call()


# --------------------------------------------------------------------------- inversion and scores


def test_spectral_convergence_and_mel_to_audio_checks():
    assert float(features.spectral_convergence(np.ones((3, 4)), np.ones((3, 4)))) == 0.0
    assert features.spectral_convergence(np.ones((2, 3, 4)), np.zeros((2, 3, 4))).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match="same shape"):
        features.spectral_convergence(np.ones((3, 4)), np.ones((3, 5)))
    with pytest.raises(ValueError, match="all zero"):
        features.spectral_convergence(np.zeros((3, 4)), np.ones((3, 4)))
    with pytest.raises(ValueError, match="db_to_power"):
        features.mel_to_audio(-np.ones((128, 8)), sr=SR, n_fft=1024, hop_length=256)


def test_inversion_round_trip_on_real_notes_within_tolerance(notes):
    """Griffin-Lim from the true magnitude loses little; from the log-mel patch about 0.3 in spectral convergence."""
    from musiclib.gan.timbre import inversion_loss, log_mel_to_audio, measure_pitch

    idx = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    loss = inversion_loss(notes.audio(idx), n_iter=32)
    assert np.all(loss["phase_only_sc"] < 0.15)
    assert np.all(loss["log_mel_sc"] < 0.6) and loss["log_mel_sc"].mean() < 0.45
    assert loss["log_mel_db_error"].mean() < 6.0  # dB, bands within 60 dB of the peak
    rebuilt = log_mel_to_audio(notes.log_mel[idx], n_iter=32)
    assert rebuilt.shape == (8, 8000)
    assert np.all(np.abs(measure_pitch(rebuilt) - notes.pitch[idx]) < 0.5)  # the pitch survives inversion


def test_scores_separate_real_from_baseline(notes):
    from musiclib.gan.timbre import gaussian_baseline, in_tune_share, timbre_frechet_distance
    from musiclib.metrics import statistically_different_bins

    train = data.load_timbres("train", n_notes=64, use_cache=False)
    baseline = T.decode_patches(gaussian_baseline(train.patches(), 64, seed=0))
    real_vs_real = timbre_frechet_distance(notes.log_mel, train.log_mel)
    assert timbre_frechet_distance(baseline, train.log_mel) > 5 * real_vs_real
    assert timbre_frechet_distance(train.log_mel, train.log_mel) == pytest.approx(0.0, abs=1e-6)
    flat = train.patches().reshape(64, -1)
    assert statistically_different_bins(flat, flat, n_bins=8)["ndb"] == 0
    assert in_tune_share([60.0, 61.4, np.nan, 59.9]) == 0.5


# --------------------------------------------------------------------------- the GAN, training path and CLI


def test_builders_shapes_and_bad_sizes():
    from musiclib.gan.timbre import build_timbre_discriminator, build_timbre_generator

    g = build_timbre_generator(16, width=16, seed=0)
    d = build_timbre_discriminator(width=8, seed=1)
    assert g.output_shape == (None, 32, 128) and d.input_shape == (None, 32, 128) and d.output_shape == (None, 1)
    out = np.asarray(g(np.zeros((2, 16), "float32")))
    assert out.min() >= -1 and out.max() <= 1
    with pytest.raises(ValueError, match="n_frames"):
        build_timbre_generator(16, n_frames=20)
    with pytest.raises(ValueError, match="width"):
        build_timbre_discriminator(width=0)
    with pytest.raises(ValueError, match="rank"):
        build_timbre_generator(16, rank=0)
    with pytest.raises(ValueError, match="n_labels"):
        build_timbre_discriminator(n_labels=-1)


def test_generator_patch_is_a_sum_of_rank_products():
    """Before the tanh, every patch is sum_k a_k(t) b_k(f) + c(f): its frame-centred matrix has rank <= rank."""
    import keras

    from musiclib.gan.timbre import build_timbre_generator

    g = build_timbre_generator(8, n_labels=data.TIMBRE_N_LABELS, width=16, rank=3, seed=0)
    logits = keras.Model(g.inputs, g.get_layer("patch_logits").output)
    y = data.timbre_labels(["fm", "noise"], [50, 70])
    pre = np.asarray(logits([np.random.default_rng(0).normal(size=(2, 8)).astype("float32"), y]), dtype=float)
    assert np.allclose(np.asarray(g([np.zeros((2, 8), "float32"), y])), np.tanh(np.asarray(
        logits([np.zeros((2, 8), "float32"), y]))), atol=1e-6)
    for patch in pre:
        s = np.linalg.svd(patch - patch.mean(axis=0), compute_uv=False)
        assert s[3] < 1e-4 * s[0] and s[2] > 1e-3 * s[0]  # rank 3 after removing the base spectrum


def test_envelope_dct_generator_leaves_the_comb_to_the_labels(tmp_path):
    """With envelope_dct, z changes the pre-tanh patch only within the first envelope_dct DCT functions of each frame,
    while the labels reach every band (so a pitch's comb is theirs alone); the fixed DCT layer survives saving."""
    import keras

    from musiclib.features import dct_matrix
    from musiclib.gan.timbre import build_timbre_generator

    n_coef = 12
    g = build_timbre_generator(8, n_labels=29, width=16, rank=3, envelope_dct=n_coef, seed=0)
    assert not g.get_layer("dct_to_mel").trainable
    logits = keras.Model(g.inputs, g.get_layer("patch_logits").output)
    rng = np.random.default_rng(0)
    z = rng.normal(size=(2, 8)).astype("float32")
    y = data.timbre_labels(["fm", "fm"], [50, 50])
    pre = np.asarray(logits([z, y]), dtype=float)
    diff = pre[0] - pre[1]  # same labels, two z: a smooth change in every frame
    basis = dct_matrix(n_coef, 128)
    outside = diff - (diff @ basis.T) @ basis
    assert np.abs(diff).max() > 1e-3 and np.abs(outside).max() < 1e-5 * np.abs(diff).max()
    # The labels' own rows hold arbitrary spectra (here a random table): a change of pitch is not smooth.
    kernel, bias = g.get_layer("base_spectrum").get_weights()
    g.get_layer("base_spectrum").set_weights([rng.normal(size=kernel.shape).astype("float32"), bias])
    y2 = data.timbre_labels(["fm", "fm"], [50, 51])
    diff = np.asarray(logits([z[:1].repeat(2, 0), y2]), dtype=float)
    diff = diff[0] - diff[1]
    outside = diff - (diff @ basis.T) @ basis
    assert np.abs(outside).max() > 0.1 * np.abs(diff).max()
    path = tmp_path / "g.keras"
    g.save(path)
    np.testing.assert_array_equal(keras.saving.load_model(path).get_layer("dct_to_mel").get_weights()[0], basis.astype("float32"))
    with pytest.raises(ValueError, match="conditional"):
        build_timbre_generator(8, width=16, envelope_dct=12)
    with pytest.raises(ValueError, match="envelope_dct"):
        build_timbre_generator(8, n_labels=29, width=16, envelope_dct=129)


def test_timbre_labels_one_hot_and_bad_input():
    y = data.timbre_labels([0, 3, 1], [48, 72, 60])
    assert y.shape == (3, data.TIMBRE_N_LABELS) and y.dtype == np.float32
    assert np.array_equal(y.sum(axis=1), [2, 2, 2])
    assert y[0, 0] == y[0, 4] == y[1, 3] == y[1, 4 + 24] == y[2, 1] == y[2, 4 + 12] == 1
    assert np.array_equal(data.timbre_labels(["fm"], [55]), data.timbre_labels([2], [55]))
    train = data.load_timbres("test", n_notes=8, use_cache=False)
    assert np.array_equal(train.labels(), data.timbre_labels(train.family, train.pitch))
    for kwargs, name in [({"family": [4], "pitch": [60]}, "family"), ({"family": ["oboe"], "pitch": [60]}, "family"),
                         ({"family": [0], "pitch": [47]}, "pitch"), ({"family": [0], "pitch": [60.5]}, "pitch"),
                         ({"family": [0, 1], "pitch": [60]}, "family")]:
        with pytest.raises(ValueError, match=name):
            data.timbre_labels(**kwargs)


def test_conditional_gan_needs_labels_and_learns_to_follow_them():
    """A conditional GAN on a two-class toy: after training, the label decides which cluster G draws from."""
    import keras

    from musiclib.gan import GAN

    def networks(seed):
        z, y = keras.Input((2,)), keras.Input((2,))
        h = keras.layers.Dense(16, activation="relu")(keras.layers.Concatenate()([z, y]))
        g = keras.Model([z, y], keras.layers.Dense(2)(h))
        x, yd = keras.Input((2,)), keras.Input((2,))
        h = keras.layers.Dense(32, activation="relu")(keras.layers.Concatenate()([x, yd]))
        d = keras.Model([x, yd], keras.layers.Dense(1)(h))
        return g, d

    keras.utils.set_random_seed(0)
    g, d = networks(0)
    gan = GAN(g, d, seed=0)
    assert gan.n_labels == 2 and gan.latent_dim == 2
    gan.compile(keras.optimizers.Adam(3e-3), keras.optimizers.Adam(3e-3), loss_kind="nonsaturating")
    rng = np.random.default_rng(0)
    cls = rng.integers(0, 2, 2048)
    x = (np.where(cls[:, None] == 0, -3.0, 3.0) + 0.3 * rng.normal(size=(2048, 2))).astype("float32")
    y = np.eye(2, dtype="float32")[cls]
    gan.fit(x, y, batch_size=64, epochs=12, verbose=0)
    with pytest.raises(ValueError, match="labels"):
        gan.fit(x, batch_size=64, epochs=1, verbose=0)
    for k, centre in ((0, -3.0), (1, 3.0)):
        out = gan.generate(500, seed=1, labels=np.tile(np.eye(2, dtype="float32")[k], (500, 1)))
        assert abs(np.median(out) - centre) < 1.0, (k, np.median(out))
    with pytest.raises(ValueError, match="labels"):
        gan.generate(4)
    with pytest.raises(ValueError, match="labels"):
        gan.generate(4, labels=np.zeros((3, 2)))
    assert gan.discriminate(x[:5], labels=y[:5]).shape == (5,)
    unconditional = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="conditional"):
        GAN(unconditional, d)


def test_label_spectra_are_class_means_and_least_squares():
    from musiclib.gan.timbre import label_spectra

    rng = np.random.default_rng(0)
    patches = rng.uniform(-1, 1, size=(60, 4, 5)).astype(np.float32)
    patches[:, :, 0] = -1.0  # a silent band: clipped before arctanh
    # One one-hot group: each row is the mean of its notes' frame-averaged arctanh (computed here note by note).
    group = rng.integers(0, 3, size=60)
    table = label_spectra(patches, np.eye(3)[group], clip=0.9)
    for k in range(3):
        expected = np.mean([np.arctanh(np.clip(p, -0.9, 0.9)).mean(axis=0) for p in patches[group == k]], axis=0)
        np.testing.assert_allclose(table[k], expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(table[:, 0], np.arctanh(-0.9), rtol=1e-6)
    # Two one-hot groups (collinear columns): the fit's residual is orthogonal to every label column (normal equations).
    family, pitch = rng.integers(0, 4, size=60), rng.integers(0, 25, size=60)
    labels = data.timbre_labels(family, pitch + 48)
    table = label_spectra(patches, labels)
    target = np.arctanh(np.clip(patches.astype(np.float64), -0.95, 0.95)).mean(axis=1)
    residual = labels @ table - target
    assert table.shape == (29, 5) and table.dtype == np.float32
    np.testing.assert_allclose(labels.T @ residual, 0, atol=1e-4 * np.abs(labels.T @ target).max())
    # ... and it beats the best constant spectrum (the fit is not trivial).
    assert np.mean(residual ** 2) < np.mean((target - target.mean(axis=0)) ** 2)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"patches": np.zeros((4, 5))}, "patches"),
        ({"labels": np.eye(3)}, "labels"),
        ({"labels": np.eye(4)[:, :, None]}, "labels"),
        ({"clip": 1.0}, "clip"),
        ({"clip": 0.0}, "clip"),
        ({"patches": np.full((4, 2, 5), np.nan)}, "patches"),
    ],
)
def test_label_spectra_rejects_bad_input(kwargs, name):
    from musiclib.gan.timbre import label_spectra

    args = {"patches": np.zeros((4, 2, 5)), "labels": np.eye(4), **kwargs}
    with pytest.raises(ValueError, match=name):
        label_spectra(**args)


def test_start_at_label_spectra_sets_only_the_label_rows():
    from musiclib.gan.timbre import build_timbre_discriminator, build_timbre_generator, label_spectra, start_at_label_spectra

    rng = np.random.default_rng(1)
    patches = rng.uniform(-1, 1, size=(40, 32, 128)).astype(np.float32)
    labels = data.timbre_labels(rng.integers(0, 4, size=40), rng.integers(48, 73, size=40))
    g = build_timbre_generator(8, n_labels=29, width=16, seed=0)
    before = {w.path: np.array(w.numpy()) for w in g.weights}
    start_at_label_spectra(g, patches, labels)
    kernel = g.get_layer("base_spectrum").get_weights()[0]
    np.testing.assert_array_equal(kernel[-29:], label_spectra(patches, labels))
    for w in g.weights:
        if w.path.endswith("base_spectrum/kernel"):
            np.testing.assert_array_equal(np.array(w.numpy())[:-29], before[w.path][:-29])
        else:
            np.testing.assert_array_equal(np.array(w.numpy()), before[w.path])
    with pytest.raises(ValueError, match="conditional"):
        start_at_label_spectra(build_timbre_generator(8, width=16, seed=0), patches, labels)
    with pytest.raises(ValueError, match="timbre generator"):
        start_at_label_spectra(build_timbre_discriminator(n_labels=29, width=4, seed=0), patches, labels)
    with pytest.raises(ValueError, match="table of shape"):
        start_at_label_spectra(g, patches, labels[:, :20])


def _tiny_timbre_config(epochs, *, generator_kwargs=None, **overrides):
    """The timbre task's config with tiny networks (width 8 and 4) on 32 notes, started at label spectra."""
    from musiclib.gan import training

    n_labels = data.TIMBRE_N_LABELS
    return training.make_config("quick", task="timbre", epochs=epochs, batch_size=16,
                                generator={"builder": "timbre_generator", "init": "label_spectra",
                                           "kwargs": {"width": 8, "n_labels": n_labels, "seed": 0, **(generator_kwargs or {})}},
                                discriminator={"builder": "timbre_discriminator", "kwargs": {"width": 4, "n_labels": n_labels, "seed": 1}},
                                data={"dataset": "timbres", "split": "train", "n_notes": 32, "seed": 0}, **overrides)


def test_config_init_is_checked_and_applied_by_train(tmp_path):
    from musiclib.gan import training
    from musiclib.gan.timbre import label_spectra

    assert training.make_config("full", task="timbre")["generator"]["init"] == "label_spectra"
    assert "init" not in training.make_config("full")["generator"]  # the chorale GAN starts at random weights
    with pytest.raises(ValueError, match="init"):
        training.make_config("quick", task="timbre", generator={"builder": "timbre_generator", "kwargs": {}, "init": "zeros"})
    with pytest.raises(ValueError, match="conditional timbre_generator"):
        training.make_config("quick", task="timbre", generator={"builder": "timbre_generator", "kwargs": {}, "init": "label_spectra"})
    n_labels = data.TIMBRE_N_LABELS
    config = _tiny_timbre_config(0)
    x, labels = training.training_data(config), training.training_labels(config)
    gan = training.train(config, x, tmp_path / "run", progress=False, verbose=False, labels=labels)
    np.testing.assert_array_equal(gan.generator.get_layer("base_spectrum").get_weights()[0][-n_labels:], label_spectra(x, labels))

def test_envelope_dct_generator_trains_from_label_spectra_and_reloads(tmp_path):
    """The source-filter generator goes through the one training path: config, label-spectra start, run folder."""
    from musiclib.gan import training
    from musiclib.features import dct_matrix

    config = _tiny_timbre_config(1, generator_kwargs={"envelope_dct": 24}, d_steps=1)
    x, labels = training.training_data(config), training.training_labels(config)
    gan = training.train(config, x, tmp_path / "run", progress=False, verbose=False, labels=labels)
    assert np.isfinite(gan.history_rows[-1]["g_loss"])
    generator, _ = training.load_run(tmp_path / "run")
    np.testing.assert_array_equal(generator.get_layer("dct_to_mel").get_weights()[0], dct_matrix(24, 128, dtype=np.float32))
    z = np.random.default_rng(0).normal(size=(4, 64)).astype("float32")
    np.testing.assert_allclose(np.asarray(generator([z, labels[:4]])), np.asarray(gan.generator([z, labels[:4]])), atol=1e-6)


@pytest.mark.slow
def test_timbre_task_trains_through_the_one_training_path_and_generates(tmp_path):
    from musiclib.gan import training

    config = training.make_config("quick", task="timbre")
    assert config["generator"]["builder"] == "timbre_generator" and config["loss"] == "wgan-gp"
    assert config["generator"]["kwargs"]["n_labels"] == config["discriminator"]["kwargs"]["n_labels"] == 29
    # Smaller still, for speed: the same path with tiny networks and one critic step.
    n_labels = data.TIMBRE_N_LABELS
    config = _tiny_timbre_config(1, d_steps=1)
    x = training.training_data(config)
    labels = training.training_labels(config)
    assert x.shape == (32, 32, 128) and labels.shape == (32, n_labels)
    with pytest.raises(ValueError, match="labels"):
        training.train(config, x, tmp_path / "refused", progress=False, verbose=False)
    gan = training.train(config, x, tmp_path / "run", progress=False, verbose=False, labels=labels)
    row = gan.history_rows[-1]
    assert np.isfinite(row["d_loss"]) and np.isfinite(row["fd_mfcc"]) and row["patch_std"] > 0
    assert {"run.json", "checkpoint.npz", "log.csv", "generator.keras", "samples"} <= {p.name for p in (tmp_path / "run").iterdir()}
    generator, saved = training.load_run(tmp_path / "run")
    assert saved["data"]["dataset"] == "timbres" and generator.output_shape == (None, 32, 128)
    out = tmp_path / "gen"
    assert cli.main(["generate", "--checkpoint", str(tmp_path / "run"), "--n", "2", "--out", str(out)]) == 0
    index = json.loads((out / "index.json").read_text())
    assert [s["wav"] for s in index["samples"]] == ["000.wav", "001.wav"] and (out / "001.png").exists()
    assert all(s["family"] in data.TIMBRE_FAMILIES and 48 <= s["asked_pitch_midi"] <= 72 for s in index["samples"])
    with pytest.raises(ValueError, match="task"):
        training.make_config("quick", task="images")


def test_cli_train_accepts_the_timbre_task():
    args = cli.build_parser().parse_args(["train", "--task", "timbre", "--config", "quick", "--out", "x"])
    assert args.task == "timbre"
    with warnings.catch_warnings(), pytest.raises(SystemExit):
        cli.build_parser().parse_args(["train", "--task", "audio", "--out", "x"])
