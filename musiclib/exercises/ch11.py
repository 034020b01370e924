"""Exercise checkers for chapter 11_audio_gan_on_features.

11.1, 11.2 and 11.4 ask for a function; the checker runs it on arrays it draws itself and compares with the course's
own version (:func:`musiclib.data.encode_patches`, :func:`musiclib.features.spectral_convergence`,
:func:`musiclib.gan.timbre.label_spectra`). 11.3 asks for a number derived by hand (the closed form of the Fréchet
distance).
"""

from __future__ import annotations

import numpy as np

from . import as_number, register

__all__ = []


def _db_batch(seed):
    rng = np.random.default_rng(1100 + seed)
    return rng.uniform(-110.0, 45.0, size=(3, 128, 32)).astype(np.float32)


@register("11.1")
def _check_encode(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function to_patch(log_mel_db) -> patches (see the exercise text)."
    from ..data import encode_patches

    for seed in range(3):
        db = _db_batch(seed)
        got = np.asarray(answer(db.copy()), dtype=np.float64)
        expected = encode_patches(db)
        if got.shape != expected.shape:
            if got.shape == db.shape:
                return False, f"Frames come first in a patch: swap the last two axes to get {expected.shape}."
            return False, f"The patches must have shape {expected.shape}, got {got.shape}."
        if not np.allclose(got, expected, atol=1e-5):
            if got.min() < -1 - 1e-6 or got.max() > 1 + 1e-6:
                return False, "Clip to [-1, 1]: values below -60 dB become -1, above 35 dB become 1."
            return False, "Map -60 dB to -1 and 35 dB to 1 linearly: 2 * (db + 60) / 95 - 1."
    return True, ""


@register("11.2")
def _check_spectral_convergence(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function sc(reference, estimate) -> float for two magnitude spectrograms."
    from ..features import spectral_convergence

    rng = np.random.default_rng(1102)
    for _ in range(3):
        reference = np.abs(rng.normal(size=(513, 32)))
        estimate = np.abs(reference + rng.normal(scale=0.3, size=reference.shape))
        got = float(answer(reference.copy(), estimate.copy()))
        expected = float(spectral_convergence(reference, estimate))
        if not np.isclose(got, expected, rtol=1e-6):
            swapped = float(np.linalg.norm(reference - estimate) / np.linalg.norm(estimate))
            if np.isclose(got, swapped, rtol=1e-6):
                return False, "Divide by the norm of the reference (the original's magnitude), not the estimate's."
            if np.isclose(got, expected**2, rtol=1e-6):
                return False, "Frobenius norms are square roots of sums of squares: take the root of each."
            return False, f"Got {got:.4f}, expected {expected:.4f}: ||reference - estimate||_F / ||reference||_F."
    return True, ""


@register("11.3")
def _check_frechet_closed_form(answer):
    # N(0, 1) against N(3, 4) (variance 4): (0 - 3)^2 + 1 + 4 - 2 * sqrt(1 * 4) = 10.
    expected = 10.0
    value = as_number(answer)
    if np.isclose(value, expected):
        return True, ""
    if np.isclose(value, 9.0 + 1 + 2 - 2 * np.sqrt(2)) or np.isclose(value, 9 + 1 + 2 - 2 * np.sqrt(1 * 2)):
        return False, "The second Gaussian has variance 4 (standard deviation 2)."
    if np.isclose(value, 14.0):
        return False, "Almost: subtract 2 * sqrt(sigma_a^2 * sigma_b^2), the cross term."
    if np.isclose(value, 3.0) or np.isclose(value, np.sqrt(10.0)):
        return False, "The Fréchet distance of FID is the squared 2-Wasserstein distance: keep the square of the mean gap."
    return False, "In one dimension: (mu_a - mu_b)^2 + sigma_a^2 + sigma_b^2 - 2 * sigma_a * sigma_b."


@register("11.4")
def _check_label_spectra(answer):
    if answer is None or not callable(answer):
        return False, "Answer with your function label_table(patches, labels) -> W, shape (n_labels, n_mels)."
    from ..gan.timbre import label_spectra

    rng = np.random.default_rng(1104)
    for _ in range(2):
        patches = rng.uniform(-1.0, 1.0, size=(40, 6, 10))
        patches[:, :, 0] = -1.0  # a silent band
        labels = np.concatenate([np.eye(4)[rng.integers(0, 4, 40)], np.eye(5)[rng.integers(0, 5, 40)]], axis=1)
        got = np.asarray(answer(patches.copy(), labels.copy()), dtype=np.float64)
        expected = label_spectra(patches, labels).astype(np.float64)
        if got.shape != expected.shape:
            return False, f"One row per label column, one column per mel band: shape {expected.shape}, got {got.shape}."
        if not np.all(np.isfinite(got)):
            return False, "Clip the patches to [-0.95, 0.95] before arctanh: silent bands sit at -1, where arctanh is infinite."
        # The labels are collinear, so W is not unique; its predictions labels @ W are.
        if np.allclose(labels @ got, labels @ expected, atol=1e-4):
            continue
        no_arctanh = np.linalg.lstsq(labels, np.clip(patches, -0.95, 0.95).mean(axis=1), rcond=None)[0]
        if np.allclose(labels @ got, labels @ no_arctanh, atol=1e-4):
            return False, "Fit the spectra before the generator's tanh: take arctanh of the clipped patches, then average."
        return False, "Average each note's arctanh over its frames (axis 1), then solve labels @ W = T by least squares."
    return True, ""
