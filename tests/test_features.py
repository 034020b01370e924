"""musiclib.features against librosa, closed-form maths and invariants; bad-input grids.

"Equal" means within 1e-4 of the largest magnitude of the reference (TOL), the promise in the
module docstring; the measured differences are around 1e-6 in float32 and 1e-8 in float64.

Every tolerance is relative to the largest magnitude of the values compared (``assert_close_rel``),
never a bare absolute number: BLAS kernels (OpenBLAS picks Haswell, SkylakeX, ... by CPU, or
``OPENBLAS_CORETYPE``), thread counts and NumPy's SIMD paths sum in different orders, so float32
results move in the last bits, i.e. by about 1e-7 of the magnitude per step. Comparing our own code
with itself (a batch against single calls, a matrix product against an FFT) allows F32_SAME = 1e-5
of the largest magnitude in float32 (1.3e-6 was measured between a batch and single MFCC calls with
OPENBLAS_CORETYPE=Haswell; an absolute 1e-3 on MFCCs near -1100 failed there) and F64_SAME = 1e-12
in float64.
"""

import importlib.util
import warnings
from pathlib import Path

import librosa
import numpy as np
import pytest
import scipy.fft
import scipy.signal

from musiclib import features as F

TOL = 1e-4
F32_SAME = 1e-5  # our float32 code against itself, relative to the largest magnitude
F64_SAME = 1e-12  # our float64 code against itself or an exact formula, relative to the largest magnitude
SRS = (16000, 22050, 44100)
DTYPES = (np.float32, np.float64)


def assert_close_rel(actual, expected, tol=TOL):
    """max |actual - expected| <= tol * max |expected| (and same shape)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape
    scale = np.max(np.abs(expected))
    assert scale > 0
    err = np.max(np.abs(actual.astype(np.complex128) - expected.astype(np.complex128))) / scale
    assert err <= tol, f"relative error {err:.3g} > {tol:g}"


def make_signals(rng, sr, seconds=0.6, extra=0, shape=(), dtype=np.float32):
    """Chirp, harmonic tone and noise (cycled over the batch shape), ``(*shape, n)``."""
    n = int(sr * seconds) + extra
    t = np.arange(n) / sr
    kinds = [
        0.5 * np.sin(2 * np.pi * (80 * t + (sr / 3 - 80) * t**2 / (2 * seconds))),
        sum(0.3 / h * np.sin(2 * np.pi * 220 * h * t) for h in range(1, 6)),
        0.2 * rng.standard_normal(n),
    ]
    count = int(np.prod(shape)) if shape else 1
    y = np.stack([kinds[i % 3] for i in range(count)]).reshape(*shape, n) if shape else kinds[0]
    return y.astype(dtype)


def librosa_per_clip(func, y, **kwargs):
    """Apply a librosa function clip by clip over the leading axes (its batch top_db differs from ours)."""
    flat = y.reshape(-1, y.shape[-1])
    out = np.stack([func(y=clip, **kwargs) for clip in flat])
    return out.reshape(y.shape[:-1] + out.shape[1:])


# ----------------------------------------------------------------------------- framing and windows
@pytest.mark.parametrize("frame_length,hop_length", [(4, 1), (16, 5), (33, 33), (100, 7)])
def test_frame_matches_librosa_and_is_a_view(rng, frame_length, hop_length):
    y = rng.standard_normal((2, 3, 257))
    frames = F.frame(y, frame_length=frame_length, hop_length=hop_length)
    np.testing.assert_array_equal(frames, librosa.util.frame(y, frame_length=frame_length, hop_length=hop_length))
    assert frames.shape[-1] == 1 + (257 - frame_length) // hop_length
    assert np.shares_memory(frames, y)


@pytest.mark.parametrize("n_samples,n_fft,hop_length,center", [(22050, 2048, 512, True), (1000, 256, 100, False), (7, 2048, 512, True)])
def test_frame_count_matches_stft(rng, n_samples, n_fft, hop_length, center):
    y = rng.standard_normal(n_samples)
    n_frames = F.frame_count(n_samples, n_fft=n_fft, hop_length=hop_length, center=center)
    assert F.stft(y, n_fft=n_fft, hop_length=hop_length, center=center).shape[-1] == n_frames


@pytest.mark.parametrize("name", ["hann", "hamming", "blackman", "boxcar"])
@pytest.mark.parametrize("length", [1, 8, 255, 2048])
@pytest.mark.parametrize("periodic", [True, False])
def test_get_window_matches_scipy(name, length, periodic):
    expected = scipy.signal.get_window(name, length, fftbins=periodic)
    assert_close_rel(F.get_window(name, length, periodic=periodic), expected, tol=F64_SAME)


def test_symmetric_hann_is_numpy_hanning_and_periodic_is_not():
    assert_close_rel(F.get_window("hann", 64, periodic=False), np.hanning(64), tol=F64_SAME)
    assert not np.allclose(F.get_window("hann", 64), np.hanning(64))


# ----------------------------------------------------------------------------- STFT
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_fft,hop_length,win_length", [(2048, None, None), (1024, 256, None), (512, 128, 400), (1023, 300, None), (256, 64, 255)])
@pytest.mark.parametrize("center,pad_mode", [(True, "constant"), (True, "reflect"), (False, "constant")])
def test_stft_matches_librosa(rng, dtype, n_fft, hop_length, win_length, center, pad_mode):
    y = make_signals(rng, 22050, seconds=0.3, extra=13, shape=(3,), dtype=dtype)
    kwargs = dict(n_fft=n_fft, hop_length=hop_length, win_length=win_length, center=center, pad_mode=pad_mode)
    ours = F.stft(y, **kwargs)
    expected = librosa.stft(y, **kwargs)
    assert ours.dtype == expected.dtype
    assert_close_rel(ours, expected)


@pytest.mark.parametrize("shape", [(), (2,), (2, 3)])
def test_stft_batches_like_single_calls(rng, shape):
    y = make_signals(rng, 16000, seconds=0.25, extra=1, shape=shape or (1,), dtype=np.float64).reshape(*shape, -1)
    batch = F.stft(y, n_fft=512, hop_length=160)
    for index in np.ndindex(*shape):
        assert_close_rel(batch[index], F.stft(y[index], n_fft=512, hop_length=160), tol=F64_SAME)


def test_stft_equals_direct_dft_formula(rng):
    """X[k, t] = sum_n w[n] y_pad[t*hop + n] exp(-2j pi k n / N), written out as a slow loop."""
    y = rng.standard_normal(300)
    n_fft, hop = 64, 24
    window = F.get_window("hann", n_fft)
    y_pad = np.pad(y, n_fft // 2)
    n = np.arange(n_fft)
    k = np.arange(n_fft // 2 + 1)[:, None]
    n_frames = 1 + (len(y_pad) - n_fft) // hop
    direct = np.stack(
        [(window * y_pad[t * hop : t * hop + n_fft] * np.exp(-2j * np.pi * k * n / n_fft)).sum(axis=1) for t in range(n_frames)],
        axis=1,
    )
    assert_close_rel(F.stft(y, n_fft=n_fft, hop_length=hop), direct, tol=F64_SAME)


def test_stft_of_a_bin_centred_tone_peaks_at_its_bin():
    sr, n_fft, k = 8000, 256, 20
    t = np.arange(sr) / sr
    y = np.cos(2 * np.pi * (k * sr / n_fft) * t)
    X = F.stft(y, n_fft=n_fft, hop_length=64, center=False)
    assert np.all(np.argmax(np.abs(X), axis=0) == k)
    # periodic Hann: coherent gain sum(w) / 2 = n_fft / 4 for a unit cosine at a bin centre
    np.testing.assert_allclose(np.abs(X[k]), n_fft / 4, rtol=1e-9)


@pytest.mark.parametrize("power", [1.0, 2.0, 1.5])
def test_power_spectrogram_is_abs_stft_to_the_power(rng, power):
    y = rng.standard_normal((2, 4000)).astype(np.float32)
    expected = np.abs(F.stft(y, n_fft=512)) ** power
    assert_close_rel(F.power_spectrogram(y, n_fft=512, power=power), expected, tol=1e-6)


# ----------------------------------------------------------------------------- mel scale and filterbank
@pytest.mark.parametrize("htk", [False, True])
def test_hz_mel_conversions_match_librosa_and_invert(htk):
    f = np.concatenate([np.linspace(0, 2000, 101), np.geomspace(20, 22050, 50)])
    mels = F.hz_to_mel(f, htk=htk)
    np.testing.assert_allclose(mels, librosa.hz_to_mel(f, htk=htk), rtol=1e-12)
    np.testing.assert_allclose(F.mel_to_hz(mels, htk=htk), f, rtol=1e-10, atol=F64_SAME * f.max())
    np.testing.assert_allclose(F.mel_to_hz(mels, htk=htk), librosa.mel_to_hz(mels, htk=htk), rtol=1e-12)
    assert np.all(np.diff(F.hz_to_mel(np.linspace(0, 20000, 200), htk=htk)) > 0)


def test_mel_anchor_values():
    assert F.hz_to_mel(1000.0) == pytest.approx(15.0)  # Slaney: 3 mel per 200 Hz up to 1 kHz
    assert F.hz_to_mel(200.0) == pytest.approx(3.0)
    assert F.hz_to_mel(6400.0) == pytest.approx(15.0 + 27.0)  # 27 mel per factor 6.4 above 1 kHz
    assert F.hz_to_mel(1000.0, htk=True) == pytest.approx(1000.0, abs=0.05)
    assert isinstance(F.hz_to_mel(440.0), float)


@pytest.mark.parametrize("sr", SRS)
@pytest.mark.parametrize("n_fft", [512, 2048])
@pytest.mark.parametrize("htk", [False, True])
@pytest.mark.parametrize("norm", ["slaney", None, 1, 2, np.inf])
def test_mel_filterbank_matches_librosa(sr, n_fft, htk, norm):
    n_mels = 40 if n_fft == 512 else 128
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # empty bands at 16 kHz / 512 (both warn)
        ours = F.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=n_mels, htk=htk, norm=norm)
        expected = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels, htk=htk, norm=norm)
    assert ours.dtype == np.float32
    assert_close_rel(ours, expected)


@pytest.mark.parametrize("fmin,fmax", [(0.0, None), (30.0, 8000.0), (500.0, 4000.0), (0.0, 11025.0)])
@pytest.mark.parametrize("dtype", DTYPES)
def test_mel_filterbank_band_limits_match_librosa(fmin, fmax, dtype):
    ours = F.mel_filterbank(sr=22050, n_fft=2048, n_mels=64, fmin=fmin, fmax=fmax, dtype=dtype)
    expected = librosa.filters.mel(sr=22050, n_fft=2048, n_mels=64, fmin=fmin, fmax=fmax, dtype=dtype)
    assert ours.dtype == dtype
    assert_close_rel(ours, expected)
    bin_hz = F.fft_frequencies(sr=22050, n_fft=2048)
    outside = (bin_hz < fmin) | (bin_hz > (fmax or 11025.0))
    assert np.all(ours[:, outside] == 0)


def test_slaney_norm_gives_unit_area_triangles():
    """Each Slaney-normalised triangle has height 2 / (f2 - f0) over a base f2 - f0: area 1 (in Hz)."""
    sr, n_fft = 22050, 8192
    weights = F.mel_filterbank(sr=sr, n_fft=n_fft, n_mels=40, dtype=np.float64)
    areas = weights.sum(axis=1) * sr / n_fft  # Riemann sum over bins spaced sr / n_fft Hz
    np.testing.assert_allclose(areas[5:], 1.0, rtol=0.02)


def test_mel_filterbank_warns_on_empty_bands():
    with pytest.warns(UserWarning, match="n_mels"):
        F.mel_filterbank(sr=16000, n_fft=256, n_mels=128)


# ----------------------------------------------------------------------------- mel spectrogram and dB
@pytest.mark.parametrize("sr", SRS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"n_fft": 1024, "hop_length": 256, "n_mels": 64, "htk": True, "norm": None},
        {"n_fft": 512, "hop_length": 100, "n_mels": 40, "fmin": 50.0, "fmax": 6000.0, "power": 1.0},
    ],
)
def test_melspectrogram_matches_librosa(rng, sr, dtype, kwargs):
    y = make_signals(rng, sr, seconds=0.5, extra=3, shape=(3,), dtype=dtype)
    ours = F.melspectrogram(y, sr=sr, **kwargs)
    expected = librosa.feature.melspectrogram(y=y, sr=sr, **kwargs)
    assert ours.dtype == dtype
    assert_close_rel(ours, expected)


def test_white_noise_has_a_flat_slaney_mel_spectrum(rng):
    y = rng.standard_normal(22050 * 4)
    mel = F.melspectrogram(y, sr=22050, n_mels=40).mean(axis=-1)
    assert np.ptp(10 * np.log10(mel[2:])) < 1.5  # within 1.5 dB across bands (area normalisation)


@pytest.mark.parametrize("ref", [1.0, 0.01, np.max])
@pytest.mark.parametrize("top_db", [80.0, 40.0, None])
@pytest.mark.parametrize("dtype", DTYPES)
def test_power_to_db_matches_librosa(rng, ref, top_db, dtype):
    S = (rng.random((3, 40, 50)) ** 8).astype(dtype)
    S[0, :5] = 0.0
    ours = F.power_to_db(S, ref=ref, top_db=top_db)
    expected = librosa.power_to_db(S, ref=ref, top_db=top_db)
    assert ours.dtype == dtype
    np.testing.assert_allclose(ours, expected, atol=1e-4 * np.abs(expected).max())


def test_power_to_db_callable_ref_of_silence_is_amin():
    """ref=np.max of silence returns 0: like a fixed ref it is raised to amin (librosa does the same)."""
    silence = np.zeros((4, 5))
    np.testing.assert_array_equal(F.power_to_db(silence, ref=np.max), librosa.power_to_db(silence, ref=np.max))
    S = np.array([1.0, 0.1])
    assert F.power_to_db(S, ref=lambda S: np.float32(0.1))[0] == pytest.approx(10.0)
    assert F.power_to_db(S, ref=lambda S: np.array(0.1))[0] == pytest.approx(10.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, "float32"])
def test_float_dtypes_are_kept(dtype):
    assert F.get_window("hann", 8, dtype=dtype).dtype == np.dtype(dtype)
    assert F.dct_matrix(2, 4, dtype=dtype).dtype == np.dtype(dtype)


def test_hz_to_mel_takes_empty_arrays_and_integers():
    assert F.hz_to_mel(np.zeros(0)).shape == (0,)
    assert F.hz_to_mel(np.array([1000])) == pytest.approx(15.0)
    assert F.mel_to_hz([]).shape == (0,)


@pytest.mark.parametrize("n", [1025, 3000])
def test_dct_and_idct_of_long_axes_use_the_fft_and_agree_with_scipy(rng, n):
    """Beyond 1024 values an n x n matrix would be wasteful; the FFT path gives the same numbers."""
    x = rng.standard_normal((2, n))
    assert_close_rel(F.dct(x, n_coefficients=20), scipy.fft.dct(x, type=2, norm="ortho")[:, :20], tol=F64_SAME)
    assert_close_rel(F.idct(F.dct(x)), x, tol=F64_SAME)
    c = x[:, :20]
    assert_close_rel(F.idct(c, n=n), scipy.fft.idct(c, type=2, norm="ortho", n=n), tol=F64_SAME)
    assert F.dct(x.astype(np.float32)).dtype == np.float32


def test_power_to_db_per_clip_floor(rng):
    S = rng.random((2, 10, 20))
    S[1] *= 1e-6  # second clip 60 dB quieter
    per_clip = F.power_to_db(S, top_db=10.0, top_db_axis=(-2, -1))
    np.testing.assert_allclose(per_clip[1].max() - per_clip[1].min(), 10.0, atol=F64_SAME * np.abs(per_clip).max())
    whole = F.power_to_db(S, top_db=10.0)
    assert np.all(whole[1] == whole.max() - 10.0)  # the whole quiet clip sits on the global floor
    np.testing.assert_allclose(F.db_to_power(F.power_to_db(S, top_db=None)), S, rtol=1e-12)


# ----------------------------------------------------------------------------- DCT
@pytest.mark.parametrize("n", [1, 2, 13, 40, 128])
def test_dct_matches_scipy_orthonormal_dct2(rng, n):
    x = rng.standard_normal((3, n))
    assert_close_rel(F.dct(x), scipy.fft.dct(x, type=2, norm="ortho"), tol=F64_SAME)
    assert_close_rel(F.idct(F.dct(x)), x, tol=F64_SAME)
    C = F.dct_matrix(n, n)
    assert_close_rel(C @ C.T, np.eye(n), tol=F64_SAME)


def test_dct_axis_truncation_and_c0_is_scaled_mean(rng):
    x = rng.standard_normal((40, 7))
    c = F.dct(x, axis=0, n_coefficients=13)
    assert c.shape == (13, 7)
    assert_close_rel(c, scipy.fft.dct(x, type=2, norm="ortho", axis=0)[:13], tol=F64_SAME)
    assert_close_rel(c[0], np.sqrt(40) * x.mean(axis=0), tol=F64_SAME)
    assert_close_rel(F.idct(c, axis=0, n=40), scipy.fft.idct(c, type=2, norm="ortho", axis=0, n=40), tol=F64_SAME)


# ----------------------------------------------------------------------------- MFCC
@pytest.mark.parametrize("sr", SRS)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"n_mfcc": 13, "n_fft": 1024, "hop_length": 256, "n_mels": 40, "htk": True, "lifter": 22},
        {"n_mfcc": 40, "n_fft": 512, "hop_length": 160, "n_mels": 40, "fmin": 20.0, "fmax": 7000.0},
    ],
)
def test_mfcc_matches_librosa_clip_by_clip(rng, sr, dtype, kwargs):
    y = make_signals(rng, sr, seconds=0.5, extra=5, shape=(3,), dtype=dtype)
    ours = F.mfcc(y, sr=sr, **kwargs)
    expected = librosa_per_clip(librosa.feature.mfcc, y, sr=sr, **kwargs)
    assert ours.dtype == dtype
    assert_close_rel(ours, expected)


@pytest.mark.parametrize("top_db", [None, 40.0])
@pytest.mark.parametrize("norm", ["slaney", None])
def test_mfcc_top_db_and_norm_match_librosa(rng, top_db, norm):
    y = make_signals(rng, 22050, seconds=0.5, extra=1, shape=(2,), dtype=np.float64)
    ours = F.mfcc(y, sr=22050, top_db=top_db, norm=norm)
    for i in range(2):
        mel = librosa.feature.melspectrogram(y=y[i], sr=22050, norm=norm)
        expected = librosa.feature.mfcc(S=librosa.power_to_db(mel, top_db=top_db), n_mfcc=20)
        assert_close_rel(ours[i], expected)


@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_mfcc_batch_equals_single_calls_and_differs_from_librosa_batch(rng, shape):
    y = make_signals(rng, 22050, seconds=0.4, extra=7, shape=shape or (1,), dtype=np.float32).reshape(*shape, -1)
    if shape:
        y[(0,) * len(shape)] *= 1e-4  # one quiet clip: librosa's batch-wide top_db floor clips it harder
    batch = F.mfcc(y)
    assert batch.shape == y.shape[:-1] + (20, F.frame_count(y.shape[-1], n_fft=2048, hop_length=512))
    for index in np.ndindex(*shape):
        # float32: BLAS splits the batch's matrix products differently from a single clip's
        assert_close_rel(batch[index], F.mfcc(y[index]), tol=F32_SAME)
    if shape:
        assert_close_rel(batch, librosa_per_clip(librosa.feature.mfcc, y))
        librosa_batch = librosa.feature.mfcc(y=y)
        assert np.max(np.abs(librosa_batch - batch)) > 1.0


def test_top_db_makes_a_frames_mfcc_depend_on_the_clip_length(rng):
    sr, hop = 22050, 512
    quiet = 1e-3 * rng.standard_normal(sr)
    t = np.arange(sr) / sr
    loud = np.sin(2 * np.pi * 440 * t)
    alone, appended = F.mfcc(quiet, sr=sr), F.mfcc(np.concatenate([quiet, loud]), sr=sr)
    early = slice(2, 20)  # frames far from the join
    assert np.max(np.abs(alone[:, early] - appended[:, early])) > 1.0  # the loud part raised the floor
    alone, appended = F.mfcc(quiet, sr=sr, top_db=None), F.mfcc(np.concatenate([quiet, loud]), sr=sr, top_db=None)
    assert_close_rel(appended[:, early], alone[:, early], tol=F64_SAME)


def test_mfcc_of_silence_is_the_floor(rng):
    c = F.mfcc(np.zeros(4096), n_mels=40, n_mfcc=5)
    np.testing.assert_allclose(c[0], np.sqrt(40) * -100.0, rtol=F64_SAME)  # all bands at amin = -100 dB
    np.testing.assert_allclose(c[1:], 0.0, atol=F64_SAME * np.abs(c[0]).max())


@pytest.mark.parametrize("order", [1, 2])
@pytest.mark.parametrize("width", [3, 9])
@pytest.mark.parametrize("mode", ["interp", "nearest"])
def test_delta_matches_librosa(rng, order, width, mode):
    data = rng.standard_normal((2, 13, 30))
    assert_close_rel(
        F.delta(data, width=width, order=order, mode=mode), librosa.feature.delta(data, width=width, order=order, mode=mode), tol=F64_SAME
    )


def test_delta_interior_is_regression_slope(rng):
    x = rng.standard_normal(50)
    n = np.arange(-4, 5)
    slope = np.array([np.dot(n, x[t - 4 : t + 5]) / np.dot(n, n) for t in range(4, 46)])
    assert_close_rel(F.delta(x, width=9)[4:46], slope, tol=F64_SAME)


# ----------------------------------------------------------------------------- inversion
def test_mfcc_to_mel_matches_librosa(rng):
    y = make_signals(rng, 22050, seconds=0.5)
    for lifter in (0, 22):
        M = F.mfcc(y, n_mfcc=20, lifter=lifter).astype(np.float64)
        np.testing.assert_allclose(
            F.mfcc_to_mel(M, n_mels=128, lifter=lifter), librosa.feature.inverse.mfcc_to_mel(M, n_mels=128, lifter=lifter), rtol=1e-8
        )


def test_mfcc_to_audio_keeps_the_envelope_and_is_seeded():
    sr = 22050
    t = np.arange(sr) / sr
    y = (sum(np.sin(2 * np.pi * 330 * h * t) / h for h in range(1, 8)) * np.exp(-2 * t) * 0.3).astype(np.float32)
    M = F.mfcc(y, sr=sr)
    y_hat = F.mfcc_to_audio(M, sr=sr, length=len(y), n_iter=16, seed=3)
    assert y_hat.shape == y.shape and np.all(np.isfinite(y_hat))
    np.testing.assert_array_equal(y_hat, F.mfcc_to_audio(M, sr=sr, length=len(y), n_iter=16, seed=3))
    M_hat = F.mfcc(y_hat, sr=sr)
    # the low coefficients (loudness, spectral tilt) survive; the waveform does not
    assert np.corrcoef(M[0], M_hat[0])[0, 1] > 0.9
    assert np.max(np.abs(M[:4] - M_hat[:4])) < 0.25 * np.max(np.abs(M[:4]))
    assert np.abs(np.corrcoef(y, y_hat)[0, 1]) < 0.5
    batch = F.mfcc_to_audio(np.stack([M, M[:, ::-1]]), sr=sr, length=len(y), n_iter=2)
    assert batch.shape == (2, len(y)) and np.all(np.isfinite(batch))


# ----------------------------------------------------------------------------- TensorFlow path
@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.mark.parametrize("sr", SRS)
@pytest.mark.parametrize("pad_mode", ["constant", "reflect"])
def test_tf_path_equals_librosa_with_its_conventions(rng, tf, sr, pad_mode):
    y = make_signals(rng, sr, seconds=0.5, extra=11, shape=(3,), dtype=np.float32)
    mel_tf = F.melspectrogram_tf(tf.constant(y), sr=sr, pad_mode=pad_mode).numpy()
    assert_close_rel(mel_tf, librosa.feature.melspectrogram(y=y, sr=sr, pad_mode=pad_mode), tol=1e-5)
    mfcc_tf = F.mfcc_tf(tf.constant(y), sr=sr, pad_mode=pad_mode, n_mfcc=13, lifter=22).numpy()
    expected = librosa_per_clip(librosa.feature.mfcc, y, sr=sr, pad_mode=pad_mode, n_mfcc=13, lifter=22)
    assert_close_rel(mfcc_tf, expected, tol=2e-5)


def test_tf_path_runs_inside_tf_function(rng, tf):
    y = make_signals(rng, 16000, seconds=0.5, shape=(2,), dtype=np.float32)
    graph = tf.function(lambda batch: F.mfcc_tf(batch, sr=16000, n_mfcc=13))
    assert_close_rel(graph(tf.constant(y)).numpy(), F.mfcc(y, sr=16000, n_mfcc=13), tol=2e-5)


def test_tf_signal_conventions_are_the_documented_differences(rng, tf):
    sr, n_fft, hop = 22050, 2048, 512
    y = tf.constant(make_signals(rng, sr, seconds=0.8, shape=(2,), dtype=np.float32))
    ours = F.mfcc_tf(y, sr=sr).numpy()
    # dct_norm="tf": every coefficient scaled alike, so c0 is sqrt(2) times the orthonormal c0
    tf_dct = F.mfcc_tf(y, sr=sr, dct_norm="tf").numpy()
    assert_close_rel(tf_dct[:, 0], np.sqrt(2) * ours[:, 0], tol=2e-5)
    assert_close_rel(tf_dct[:, 1:], ours[:, 1:], tol=2e-5)
    # center=False: frame t starts where centred frame t + n_fft / (2 hop) starts
    uncentred = F.melspectrogram_tf(y, sr=sr, center=False).numpy()
    shift = n_fft // 2 // hop
    assert_close_rel(uncentred, F.melspectrogram_tf(y, sr=sr).numpy()[..., shift : shift + uncentred.shape[-1]], tol=1e-5)
    # mel_weights="tf": tf.signal's own HTK matrix, no area norm, empty DC bin
    mel_tf = F.melspectrogram_tf(y, sr=sr, mel_weights="tf").numpy()
    weights = tf.signal.linear_to_mel_weight_matrix(128, n_fft // 2 + 1, sr, 0.0, sr / 2).numpy()
    assert np.all(weights[0] == 0)
    assert_close_rel(mel_tf, np.einsum("fm,bft->bmt", weights, F.power_spectrogram(y.numpy(), n_fft=n_fft, hop_length=hop)), tol=1e-5)
    # natural log of mel + 1e-6 instead of dB: a factor 10 / ln 10 on the log scale (no floor)
    recipe = F.mfcc_tf(y, sr=sr, **F.TF_SIGNAL_RECIPE).numpy()
    assert recipe.shape[-1] == uncentred.shape[-1]
    assert np.max(np.abs(recipe - ours[..., shift : shift + recipe.shape[-1]])) > 10.0


# ----------------------------------------------------------------------------- bad input
_Y = np.zeros(4096, dtype=np.float32)
BAD_INPUTS = [
    (F.stft, (np.zeros(0),), {}, "y"),
    (F.stft, (np.array([0.0, np.nan, 1.0]),), {}, "y"),
    (F.stft, (np.array([0.0, np.inf]),), {}, "y"),
    (F.stft, (np.zeros(4, dtype=complex),), {}, "y"),
    (F.stft, (np.zeros(100),), {"n_fft": 256, "center": False}, "n_fft"),
    (F.stft, (_Y,), {"n_fft": 0}, "n_fft"),
    (F.stft, (_Y,), {"n_fft": 512.0}, "n_fft"),
    (F.stft, (_Y,), {"hop_length": 0}, "hop_length"),
    (F.stft, (_Y,), {"hop_length": -5}, "hop_length"),
    (F.stft, (_Y,), {"win_length": 4096}, "win_length"),
    (F.stft, (_Y,), {"window": "kaiser"}, "window"),
    (F.stft, (_Y,), {"window": np.ones(5)}, "window"),
    (F.stft, (_Y,), {"pad_mode": "zeros"}, "pad_mode"),
    (F.stft, (_Y,), {"center": "yes"}, "center"),
    (F.frame, (np.zeros(10),), {"frame_length": 11, "hop_length": 1}, "frame_length"),
    (F.frame, (np.zeros(10),), {"frame_length": 4, "hop_length": 0}, "hop_length"),
    (F.frame_count, (0,), {}, "n_samples"),
    (F.get_window, ("hann", 0), {}, "win_length"),
    (F.power_spectrogram, (_Y,), {"power": 0.0}, "power"),
    (F.hz_to_mel, (-1.0,), {}, "frequencies"),
    (F.hz_to_mel, (np.nan,), {}, "frequencies"),
    (F.mel_to_hz, (-3.0,), {}, "mels"),
    (F.mel_filterbank, (), {"sr": 22050, "n_fft": 2048, "fmax": 12000.0}, "fmax"),
    (F.mel_filterbank, (), {"sr": 22050, "n_fft": 2048, "fmin": 5000.0, "fmax": 4000.0}, "fmin"),
    (F.mel_filterbank, (), {"sr": 22050, "n_fft": 2048, "fmin": -1.0}, "fmin"),
    (F.mel_filterbank, (), {"sr": 0, "n_fft": 2048}, "sr"),
    (F.mel_filterbank, (), {"sr": 22050, "n_fft": 2048, "n_mels": 0}, "n_mels"),
    (F.mel_filterbank, (), {"sr": 22050, "n_fft": 2048, "norm": "area"}, "norm"),
    (F.mel_filterbank, (), {"sr": 22050, "n_fft": 2048, "htk": "yes"}, "htk"),
    (F.melspectrogram, (_Y,), {"sr": 16000, "fmax": 8001.0}, "fmax"),
    (F.melspectrogram, (np.zeros((2, 0)),), {}, "y"),
    (F.power_to_db, (np.ones(3),), {"amin": 0.0}, "amin"),
    (F.power_to_db, (np.ones(3),), {"top_db": -1.0}, "top_db"),
    (F.power_to_db, (np.ones(3),), {"ref": 0.0}, "ref"),
    (F.power_to_db, (-np.ones(3),), {}, "S"),
    (F.power_to_db, (np.ones(3, dtype=complex),), {}, "S"),
    (F.dct, (np.ones(4),), {"n_coefficients": 5}, "n_coefficients"),
    (F.dct, (np.array([1.0 + 2j, 3.0]),), {}, "x"),  # the imaginary part was dropped silently
    (F.idct, (np.array([1j, 1.0]),), {}, "c"),
    (F.idct, (np.ones(4),), {"n": 2**40}, "n"),
    (F.get_window, ("hann", 16), {"dtype": np.int64}, "dtype"),  # gave zeros and ones
    (F.get_window, ("hann", 16), {"dtype": "no-such-dtype"}, "dtype"),
    (F.get_window, ("hann", 10**9), {}, "win_length"),  # 8 GB of window
    (F.get_window, ("hann", 2**70), {}, "win_length"),
    (F.stft, (_Y,), {"n_fft": F.MAX_N_FFT * 2}, "n_fft"),
    (F.stft, (_Y,), {"hop_length": 2**70}, "hop_length"),
    (F.stft, (_Y,), {"hop_length": True}, "hop_length"),
    (F.stft, (_Y,), {"window": np.ones(2048) * 1j}, "window"),
    (F.stft, ([[0.0, 1.0], [2.0]],), {}, "y"),  # ragged
    (F.stft, (np.array([2**70, 1], dtype=object),), {}, "y"),
    (F.fft_frequencies, (), {"n_fft": 2**40}, "n_fft"),
    (F.frame_count, (4096,), {"n_fft": 2**40}, "n_fft"),
    (F.mel_frequencies, (2**40,), {}, "n_mels"),
    (F.mel_filterbank, (), {"n_mels": F.MAX_N_MELS + 1}, "n_mels"),
    (F.mel_filterbank, (), {"norm": True}, "norm"),  # True == 1 was taken as the L1 norm
    (F.mel_filterbank, (), {"dtype": np.int32}, "dtype"),
    (F.mel_filterbank, (), {"sr": 10**400}, "sr"),
    (F.hz_to_mel, (440 + 300j,), {}, "frequencies"),
    (F.hz_to_mel, (np.array([440 + 300j]),), {}, "frequencies"),
    (F.hz_to_mel, ("440",), {}, "frequencies"),  # was converted to 440.0
    (F.hz_to_mel, (None,), {}, "frequencies"),
    (F.mel_to_hz, (1e6,), {}, "mels"),  # overflowed to inf
    (F.power_to_db, (np.ones(3),), {"ref": lambda S: -1.0}, "ref"),  # what ref() returns was not checked
    (F.power_to_db, (np.ones(3),), {"ref": lambda S: S}, "ref"),
    (F.power_to_db, (np.ones(3),), {"ref": lambda S: np.nan}, "ref"),
    (F.power_to_db, (np.ones((2, 3)),), {"top_db_axis": 2}, "top_db_axis"),
    (F.power_to_db, (np.ones((2, 3)),), {"top_db_axis": (1, -1)}, "top_db_axis"),
    (F.db_to_power, (np.array([1e4]),), {}, "S_db"),  # overflowed to inf
    (F.dct_matrix, (2, F.MAX_N_MELS + 1), {}, "n_in"),
    (F.dct_matrix, (2, 4), {"dtype": np.int64}, "dtype"),
    (F.mfcc, (_Y,), {"n_mels": 2**40}, "n_mels"),
    (F.mfcc, (_Y,), {"win_length": 10**9}, "win_length"),
    (F.delta, (np.ones((3, 20)),), {"width": 2**40 + 1, "mode": "nearest"}, "width"),
    (F.delta, (np.ones((3, 20)),), {"width": 3, "order": 3}, "order"),
    (F.mfcc_to_mel, (np.full((2, 3), 1e5),), {}, "M"),  # 8800 dB: the power overflowed to inf
    (F.dct_matrix, (5, 4), {}, "n_out"),
    (F.idct, (np.ones(4),), {"n": 3}, "n"),
    (F.mfcc, (_Y,), {"n_mfcc": 41, "n_mels": 40}, "n_mfcc"),
    (F.mfcc, (_Y,), {"n_mfcc": 0}, "n_mfcc"),
    (F.mfcc, (_Y,), {"lifter": -1}, "lifter"),
    (F.mfcc, (_Y,), {"top_db": -10.0}, "top_db"),
    (F.mfcc, (_Y,), {"hop_length": 0}, "hop_length"),
    (F.mfcc, (_Y,), {"sr": 16000, "fmax": 9000.0}, "fmax"),
    (F.mfcc, (np.full(100, np.nan),), {}, "y"),
    (F.mfcc, (np.zeros(100),), {"center": False}, "n_fft"),
    (F.delta, (np.ones((3, 5)),), {"width": 9}, "width"),
    (F.delta, (np.ones((3, 20)),), {"width": 4}, "width"),
    (F.delta, (np.ones((3, 20)),), {"order": 0}, "order"),
    (F.mfcc_to_mel, (np.zeros((20, 5)),), {"n_mels": 10}, "n_mels"),
    (F.mfcc_to_mel, (np.zeros(20),), {}, "M"),
    (F.mfcc_to_audio, (np.zeros((20, 5)),), {"seed": -1}, "seed"),
    (F.mfcc_to_audio, (np.zeros((20, 5)),), {"n_iter": 0}, "n_iter"),
    (F.mfcc_to_audio, (np.zeros((20, 5)),), {"n_iter": 10**400}, "n_iter"),  # looped forever
    (F.mfcc_to_audio, (np.zeros((20, 5)),), {"length": 2**40}, "length"),
    (F.mfcc_to_audio, (np.zeros((20, 5)),), {"seed": None}, "seed"),
]


@pytest.mark.parametrize("func,args,kwargs,param", BAD_INPUTS, ids=[f"{f.__name__}-{p}-{i}" for i, (f, _, _, p) in enumerate(BAD_INPUTS)])
def test_bad_input_raises_value_error_naming_the_parameter(func, args, kwargs, param):
    with pytest.raises(ValueError, match=param):
        func(*args, **kwargs)


@pytest.mark.parametrize(
    "kwargs,param",
    [
        ({"n_mfcc": 200}, "n_mfcc"),
        ({"hop_length": 0}, "hop_length"),
        ({"fmax": 20000.0}, "fmax"),
        ({"pad_mode": "edge"}, "pad_mode"),
        ({"mel_weights": "htk"}, "mel_weights"),
        ({"log": "log10"}, "log"),
        ({"dct_norm": None}, "dct_norm"),
        ({"center": False, "n_fft": 8192}, "n_fft"),
        ({"n_mfcc": 0}, "n_mfcc"),
        ({"lifter": -1.0}, "lifter"),
        ({"top_db": -10.0}, "top_db"),
    ],
)
def test_tf_bad_input(tf, kwargs, param):
    with pytest.raises(ValueError, match=param):
        F.mfcc_tf(tf.zeros((2, 4096)), **kwargs)


@pytest.mark.parametrize(
    "y,param",
    [(np.zeros((2, 0)), "y"), (np.full((2, 4096), np.nan), "y"), ("abc", "y"), (None, "y"), (np.ones((2, 8), dtype=bool), "y")],
)
def test_tf_bad_signal(tf, y, param):
    with pytest.raises(ValueError, match=param):
        F.melspectrogram_tf(y)


# ----------------------------------------------------------------------------- plots, exercises, benchmark
def test_spectral_plots_draw_and_return_artists(rng):
    from musiclib import plots

    y = make_signals(rng, 22050, seconds=0.5)
    S_db = F.power_to_db(F.power_spectrogram(y, n_fft=1024))
    image = plots.spectrogram(S_db, sr=22050, hop_length=256)
    assert image.get_array().shape == S_db.shape
    mel_db = F.power_to_db(F.melspectrogram(y, n_mels=40))
    assert plots.spectrogram(mel_db, sr=22050, hop_length=512, y_axis="mel").get_array().shape == mel_db.shape
    assert len(plots.mel_filterbank(F.mel_filterbank(sr=22050, n_fft=1024, n_mels=10), sr=22050)) == 10
    assert len(plots.mel_scales(fmax=8000.0)) == 2
    assert len(plots.dct_basis(n_mels=40, n_basis=4)) == 4
    assert len(plots.window_responses(["hann", "boxcar"], n_fft=64)) == 2
    assert plots.mfcc_image(F.mfcc(y), sr=22050, hop_length=512).get_array().shape == (20, 22)
    assert len(plots.sampled_signal(lambda t: np.sin(2 * np.pi * 3 * t), sr=10, duration=1.0)) == 2


# Correct answers are checked against independent values in tests/test_exercises.py.
# The mistakes a student is likely to make; each must be rejected.
WRONG_ANSWERS = {
    "04.1": [15000.0, 15000.0 - 11025.0, 37050.0],  # unfolded; f - Nyquist instead of sr - f; f + sr
    "04.2": [1 + (3 * 22050 - 2048) // 512, 3 * 22050 // 512],  # without centring; hops without the first frame
    "04.3": [int(440 * 2048 / 22050), 440, round(440 * 1024 / 22050)],  # truncated (40); Hz; n_fft // 2 bins
    "05.1": [F.hz_to_mel(2000.0, htk=True), 2000 * 3 / 200],  # HTK; the linear formula used above 1 kHz
    "05.2": [np.eye(8), scipy.fft.dct(np.eye(8), type=2, axis=0), F.dct_matrix(8, 8).T, np.ones((4, 4))],
    "05.3": [-20.0, -20.0 * 40, np.sqrt(2) * np.sqrt(40) * -20.0],  # the mean; the sum; tf.signal's scaling
}


@pytest.mark.parametrize("exercise_id,wrong", [(k, w) for k, ws in WRONG_ANSWERS.items() for w in ws])
def test_exercise_checkers_reject_likely_mistakes(exercise_id, wrong):
    from musiclib.exercises import check

    assert not check(exercise_id, wrong)


def test_benchmark_main_runs_on_two_short_clips():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_features.py"
    spec = importlib.util.spec_from_file_location("bench_features", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    results = bench.main(["--clips", "2", "--seconds", "0.5", "--repeats", "1"])
    assert results["equal"]
    assert results["musiclib numpy (batched)"]["max_rel_diff"] <= TOL
    assert all(r["clips_per_s"] > 0 for k, r in results.items() if k != "equal")
