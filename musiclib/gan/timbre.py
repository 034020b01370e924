"""A GAN on audio features: log-mel patches of instrument notes, inverted to sound, and how to score it.

Chapter: 11_audio_gan_on_features (the data: :mod:`musiclib.data.timbres`; training: :mod:`musiclib.gan.training`
with ``task="timbre"``).

- :func:`build_timbre_generator` / :func:`build_timbre_discriminator`: a generator that outputs a note as a sum of
  envelope-times-spectrum products, and a critic convolving over the 32 frames (the 128 mel bands as channels); both
  optionally conditioned on a family and a pitch (:func:`musiclib.data.timbre_labels`; the critic by projection).
- :func:`label_spectra`, :func:`start_at_label_spectra`: the least-squares spectrum of each label (closed form), and a
  conditional generator started there, so it draws the asked pitch's harmonic comb before it has learned anything.
- :func:`random_timbre_labels`: a seeded family and pitch per note, to ask a conditional generator for.
- :func:`generate_patches`, :func:`patches_to_audio`: sample the generator and hear the result (log-mel -> mel
  power -> linear magnitude -> Griffin-Lim, :func:`musiclib.features.mel_to_audio`).
- :func:`inversion_loss`: what the inversion loses on real notes, the ceiling of what a listener can hear from any
  generated spectrogram.
- :func:`measure_pitch`: the pitch of a note measured from its audio (YIN).
- :func:`gaussian_baseline`: a generator with no model of structure, noise shaped like the data (each mel band and
  frame with the data's mean and standard deviation), the baseline the GAN must beat.
- :class:`TimbreMonitor`: the training monitor of a timbre run (Fréchet distance of MFCC statistics, a PNG).
"""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np

from .._validation import check_choice, check_finite_array, check_in_range, check_positive_int, check_seed
from ..data.timbres import TIMBRE_DURATION, TIMBRE_FEATURES, TIMBRE_SR, decode_patches, timbre_features, timbre_log_mel
from ..features import dct_matrix
from .models import GENERATOR_NORMS, MAX_WIDTH, _initializers, _norm_layer

__all__ = [
    "build_timbre_generator",
    "build_timbre_discriminator",
    "label_spectra",
    "start_at_label_spectra",
    "random_timbre_labels",
    "generate_patches",
    "patches_to_audio",
    "log_mel_to_audio",
    "inversion_loss",
    "measure_pitch",
    "gaussian_baseline",
    "timbre_frechet_distance",
    "in_tune_share",
    "TimbreMonitor",
]

_N_FRAMES = TIMBRE_FEATURES["n_frames"]
_N_MELS = TIMBRE_FEATURES["n_mels"]


def _check_patch_shape(n_frames, n_mels):
    n_frames = check_positive_int("n_frames", n_frames, maximum=4096)
    if n_frames % 8:
        raise ValueError(f"n_frames={n_frames} must be a multiple of 8 (three stride-2 layers halve it)")
    n_mels = check_positive_int("n_mels", n_mels, maximum=4096)
    return n_frames, n_mels


def build_timbre_generator(latent_dim=64, *, n_labels=0, n_frames=_N_FRAMES, n_mels=_N_MELS, width=256, rank=8,
                           norm="layer", envelope_dct=None, seed=None, name="timbre_generator"):
    """Build a generator of log-mel patches as a sum of ``rank`` envelope-times-spectrum products, in [-1, 1].

    ``[z, labels] -> 2 x [Dense(width) -> norm -> ReLU] -> h``; then, from ``[h, labels]``, ``rank`` envelopes
    ``a_k`` (``n_frames`` values each), ``rank`` spectra ``b_k`` (``n_mels`` values each) and a base spectrum ``c``;
    the patch is ``tanh(sum_k a_k(t) b_k(f) + c(f))``. A note is nearly such a sum: one spectrum that decays over
    time, its upper bands faster (four products keep a real patch within 0.022 of itself on average, on the [-1, 1]
    scale, by SVD). A convolution over frames (the chapter-09 design) must instead learn that every frame repeats
    the same sharp harmonic comb; trained with the same loss and budget it smeared the harmonics and missed the pitch
    (chapter 11, section 4, has the comparison). The labels (a family and a pitch, :func:`musiclib.data.timbre_labels`)
    reach the spectra directly, so a pitch's comb is one set of weights to learn; :func:`start_at_label_spectra` starts
    those weights at the comb itself (the training configs do, ``"init": "label_spectra"``).

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    latent_dim : int
        Size of z, in [1, 4096].
    n_labels : int
        Width of the conditioning vector (29 for :func:`musiclib.data.timbre_labels`), in [0, 4096]; 0 builds an
        unconditional generator with the one input ``z``.
    n_frames, n_mels : int
        Patch shape (``n_frames`` a multiple of 8); default 32 x 128 (:data:`musiclib.data.TIMBRE_FEATURES`).
    width : int
        Units of the two hidden layers, in [2, 4096].
    rank : int
        Envelope-times-spectrum products, in [1, 64].
    norm : {"layer", "batch", "none"}
    envelope_dct : int or None
        None: every spectrum has ``n_mels`` free values. An int in [1, n_mels] (conditional generators only) splits
        the note as a source-filter model does. The spectra that depend on ``z`` (the ``rank`` spectra ``b_k`` and
        the hidden part of ``c``) become sums of the first ``envelope_dct`` rows of the MFCC's DCT over the mel bands
        (:func:`musiclib.features.dct_matrix`), smooth spectral envelopes; the training presets use 16 (chapter 05: the
        first 13-20 coefficients keep the envelope and drop the harmonics). Only the labels reach ``c`` at full
        resolution, through the layer ``"base_spectrum"`` (``labels -> n_mels``). So ``z`` can shape and brighten a
        note but cannot move its harmonic comb, which the labels alone set.
    seed : int or None
        Seed of the weight initialisers.
    name : str

    Returns
    -------
    keras.Model
        ``[(batch, latent_dim), (batch, n_labels)] -> (batch, n_frames, n_mels)``, or ``(batch, latent_dim) -> ...``
        when ``n_labels`` is 0.

    Raises
    ------
    ValueError
        If a size or option is out of range, or ``envelope_dct`` is given for an unconditional generator.

    Examples
    --------
    >>> g = build_timbre_generator(16, n_labels=29, width=32, seed=0)
    >>> g.output_shape, [tuple(t.shape) for t in g.inputs]
    ((None, 32, 128), [(None, 16), (None, 29)])
    >>> g = build_timbre_generator(16, n_labels=29, width=32, envelope_dct=24, seed=0)
    >>> g.get_layer("base_spectrum").get_weights()[0].shape  # the comb: read from the labels only
    (29, 128)
    """
    latent_dim = check_positive_int("latent_dim", latent_dim, maximum=4096)
    n_labels = check_in_range("n_labels", n_labels, 0, 4096, integer=True)
    n_frames, n_mels = _check_patch_shape(n_frames, n_mels)
    width = check_positive_int("width", width, maximum=MAX_WIDTH)
    if width < 2:
        raise ValueError(f"width={width} must be at least 2")
    rank = check_positive_int("rank", rank, maximum=64)
    norm = check_choice("norm", norm, GENERATOR_NORMS)
    if envelope_dct is not None:
        envelope_dct = check_in_range("envelope_dct", envelope_dct, 1, n_mels, integer=True)
        if not n_labels:
            raise ValueError(f"envelope_dct={envelope_dct} needs a conditional generator (n_labels > 0): with it only "
                             "the labels set the fine structure (the pitch's harmonic comb)")
    init = _initializers(seed)
    z = keras.Input((latent_dim,), name="z")
    inputs = [z]
    if n_labels:
        labels = keras.Input((n_labels,), name="labels")
        inputs.append(labels)
        x = keras.layers.Concatenate(name="z_and_labels")([z, labels])
    else:
        x = z
    for i in range(2):
        x = keras.layers.Dense(width, kernel_initializer=init(), name=f"dense{i}")(x)
        layer = _norm_layer(norm, f"norm{i}")
        if layer is not None:
            x = layer(x)
        x = keras.layers.ReLU(name=f"relu{i}")(x)
    if n_labels:
        x = keras.layers.Concatenate(name="hidden_and_labels")([x, labels])
    envelopes = keras.layers.Dense(n_frames * rank, kernel_initializer=init(), name="envelopes")(x)
    envelopes = keras.layers.Reshape((n_frames, rank), name="envelopes_by_frame")(envelopes)
    if envelope_dct is None:
        spectra = keras.layers.Dense(rank * n_mels, kernel_initializer=init(), name="spectra")(x)
        spectra = keras.layers.Reshape((rank, n_mels), name="spectra_by_rank")(spectra)
        base = keras.layers.Dense(n_mels, kernel_initializer=init(), name="base_spectrum")(x)
    else:
        # A fixed (non-trainable) layer maps DCT coefficients to mel bands; its weights are set after the build.
        to_mel = keras.layers.Dense(n_mels, use_bias=False, trainable=False, kernel_initializer="zeros", name="dct_to_mel")
        spectra = keras.layers.Dense(rank * envelope_dct, kernel_initializer=init(), name="spectra_dct")(x)
        spectra = to_mel(keras.layers.Reshape((rank, envelope_dct), name="spectra_by_rank")(spectra))
        envelope = keras.layers.Dense(envelope_dct, kernel_initializer=init(), name="base_envelope_dct")(x)
        comb = keras.layers.Dense(n_mels, kernel_initializer=init(), name="base_spectrum")(labels)
        base = keras.layers.Add(name="envelope_and_comb")([to_mel(envelope), comb])
    products = keras.layers.Dot(axes=(2, 1), name="sum_of_products")([envelopes, spectra])
    base = keras.layers.RepeatVector(n_frames, name="base_every_frame")(base)
    out = keras.layers.Add(name="patch_logits")([products, base])
    out = keras.layers.Activation("tanh", name="tanh")(out)
    model = keras.Model(inputs if n_labels else z, out, name=name)
    if envelope_dct is not None:
        model.get_layer("dct_to_mel").set_weights([dct_matrix(envelope_dct, n_mels, dtype=np.float32)])
    return model


def label_spectra(patches, labels, *, clip=0.95) -> np.ndarray:
    """The least-squares spectrum of each label, in the generator's pre-tanh units: ``(n_labels, n_mels)``.

    The table ``W`` minimising ``||labels @ W - T||^2``, where row ``i`` of ``T`` is note ``i``'s patch averaged over
    its frames after ``arctanh`` (the inverse of the generator's output ``tanh``; values clipped to ``[-clip, clip]``
    first, because silent bands sit at -1, where ``arctanh`` is infinite). With one-hot labels of one group (a pitch)
    row ``k`` is the average over the notes labelled ``k``; with two one-hot groups (family and pitch), a family part
    plus a pitch part. So ``labels @ W`` is the best spectrum a linear map of the labels can give: for each pitch
    it holds that pitch's harmonic comb (chapter 11, section 4). :func:`start_at_label_spectra` starts a generator
    there.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    patches : np.ndarray [shape=(n, n_frames, n_mels)]
        Training patches in [-1, 1] (:meth:`musiclib.data.Timbres.patches`).
    labels : np.ndarray [shape=(n, n_labels)]
        Their labels (:func:`musiclib.data.timbre_labels`).
    clip : float
        In (0, 1).

    Returns
    -------
    np.ndarray [shape=(n_labels, n_mels), dtype=float32]
        The minimum-norm solution where the labels are collinear (family and pitch one-hots each sum to 1).

    Raises
    ------
    ValueError
        If the arrays are not finite, not shaped as above, of different lengths, or ``clip`` is out of range.

    Examples
    --------
    >>> patches = np.stack([np.full((2, 3), 0.5), np.full((2, 3), -0.5)])
    >>> np.round(np.tanh(label_spectra(patches, np.eye(2))), 3)
    array([[ 0.5,  0.5,  0.5],
           [-0.5, -0.5, -0.5]], dtype=float32)
    """
    patches = check_finite_array("patches", patches, min_ndim=3)
    if patches.ndim != 3:
        raise ValueError(f"patches must have shape (n, n_frames, n_mels), got {patches.shape}")
    labels = check_finite_array("labels", labels, min_ndim=2)
    if labels.ndim != 2 or len(labels) != len(patches):
        raise ValueError(f"labels must have shape (n, n_labels) with n = {len(patches)} (one row per patch), got {labels.shape}")
    clip = check_in_range("clip", clip, 0.0, 1.0)
    if not 0 < clip < 1:
        raise ValueError(f"clip={clip} must be in (0, 1): arctanh is infinite at 1")
    target = np.arctanh(np.clip(patches.astype(np.float64), -clip, clip)).mean(axis=1)
    table, *_ = np.linalg.lstsq(labels.astype(np.float64), target, rcond=None)
    return table.astype(np.float32)


def start_at_label_spectra(generator, patches, labels, *, clip=0.95):
    """Start a conditional :func:`build_timbre_generator` at its labels' least-squares spectra (before training).

    Sets the label part of the generator's base-spectrum layer to :func:`label_spectra`, so that an untrained
    generator asked for a pitch already draws that pitch's comb, on top of its random envelope-times-spectrum
    products. Only the starting point changes: every weight stays trainable. From a random start the timbre config's
    full-resolution generator (no ``envelope_dct``) placed 73 % of its notes within half a semitone of the asked pitch
    after 16 epochs; from this start, 83 % after 10, with a lower Fréchet distance and NDB (120 notes; chapter 11,
    section 6).

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    generator : keras.Model
        A conditional timbre generator (``n_labels`` > 0).
    patches, labels : np.ndarray
        The training data, as for :func:`label_spectra`.
    clip : float

    Raises
    ------
    ValueError
        If the generator is not a conditional timbre generator or the labels do not fit it.

    Examples
    --------
    >>> from musiclib.data import timbre_labels
    >>> g = build_timbre_generator(8, n_labels=29, width=16, seed=0)
    >>> labels = timbre_labels(["fm", "noise"], [60, 72])
    >>> patches = np.stack([np.full((32, 128), 0.5), np.full((32, 128), -0.5)])
    >>> start_at_label_spectra(g, patches, labels)
    >>> kernel = g.get_layer("base_spectrum").get_weights()[0]
    >>> np.round(np.tanh(labels @ kernel[-29:])[:, :3], 3)  # the label part of each note's base spectrum
    array([[ 0.5,  0.5,  0.5],
           [-0.5, -0.5, -0.5]], dtype=float32)
    """
    from .trainer import label_width

    try:
        layer = generator.get_layer("base_spectrum")
    except ValueError:
        raise ValueError("generator must be a timbre generator (build_timbre_generator; it has no 'base_spectrum' layer)") from None
    n_labels = label_width(generator)
    if not n_labels:
        raise ValueError("generator must be conditional (build_timbre_generator with n_labels > 0) to start at label spectra")
    table = label_spectra(patches, labels, clip=clip)
    if table.shape != (n_labels, layer.units):
        raise ValueError(f"labels and patches give a table of shape {table.shape}, the generator needs {(n_labels, layer.units)}")
    kernel, bias = layer.get_weights()
    kernel[-n_labels:] = table  # it reads [hidden, labels] or (envelope_dct) the labels alone: their rows are last
    layer.set_weights([kernel, bias])


def build_timbre_discriminator(*, n_labels=0, n_frames=_N_FRAMES, n_mels=_N_MELS, width=128, norm="layer", seed=None,
                               name="timbre_discriminator"):
    """Build a critic of log-mel patches: ``(n_frames, n_mels) -> 1`` logit (given the labels, if conditional).

    ``3 x [Conv1D(4, stride 2) -> norm -> LeakyReLU(0.2)] -> Flatten -> h -> Dense(1)``, layer normalisation (per
    sample, as the gradient penalty needs) after all but the first convolution; no sigmoid. With labels, a
    projection (Miyato & Koyama 2018) adds ``<E labels, h>``: the critic scores how well the patch fits the asked
    family and pitch, not only whether it looks like a note.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    n_labels : int
        Width of the conditioning vector, in [0, 4096]; 0: an unconditional critic with the one input ``patch``.
    n_frames, n_mels : int
        Patch shape (``n_frames`` a multiple of 8).
    width : int
        Channels of the first convolution, doubled after it; in [1, 4096]. 128 gives about 0.5 M weights.
    norm : {"layer", "none"}
    seed : int or None
    name : str

    Returns
    -------
    keras.Model
        ``(batch, n_frames, n_mels) -> (batch, 1)`` logits; conditional: ``[patch, labels] -> logits``.

    Examples
    --------
    >>> d = build_timbre_discriminator(width=16, seed=0)
    >>> d.input_shape, d.output_shape
    ((None, 32, 128), (None, 1))
    >>> build_timbre_discriminator(n_labels=29, width=16, seed=0).input_shape
    [(None, 32, 128), (None, 29)]
    """
    n_labels = check_in_range("n_labels", n_labels, 0, 4096, integer=True)
    n_frames, n_mels = _check_patch_shape(n_frames, n_mels)
    width = check_positive_int("width", width, maximum=MAX_WIDTH)
    norm = check_choice("norm", norm, ("layer", "none"))
    init = _initializers(seed)
    patch = keras.Input((n_frames, n_mels), name="patch")
    x = patch
    for i, channels in enumerate([width, 2 * width, 2 * width]):
        x = keras.layers.Conv1D(channels, 4, strides=2, padding="same", kernel_initializer=init(), name=f"down{i}")(x)
        if norm == "layer" and i > 0:
            x = keras.layers.LayerNormalization(name=f"norm{i}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"lrelu{i}")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    logit = keras.layers.Dense(1, kernel_initializer=init(), name="logit")(x)
    if not n_labels:
        return keras.Model(patch, logit, name=name)
    labels = keras.Input((n_labels,), name="labels")
    embedded = keras.layers.Dense(x.shape[-1], use_bias=False, kernel_initializer=init(), name="label_embedding")(labels)
    projection = keras.layers.Dot(axes=1, name="projection")([embedded, x])
    logit = keras.layers.Add(name="logit_given_labels")([logit, projection])
    return keras.Model([patch, labels], logit, name=name)


# --------------------------------------------------------------------------- sampling and listening


def random_timbre_labels(n, *, seed=0):
    """A seeded family and MIDI pitch per note, uniform over :data:`musiclib.data.TIMBRE_FAMILIES` and the pitch range.

    What to ask a conditional timbre generator for when nothing else is wanted (the training notes are drawn the same
    way). Returns ``(family, pitch)``, two int arrays of length ``n``; :func:`musiclib.data.timbre_labels` turns them
    into the generator's labels.

    Chapter: 11_audio_gan_on_features

    Examples
    --------
    >>> family, pitch = random_timbre_labels(1000, seed=0)
    >>> sorted(set(family.tolist())), int(pitch.min()), int(pitch.max())
    ([0, 1, 2, 3], 48, 72)
    """
    from ..data.timbres import TIMBRE_FAMILIES, TIMBRE_PITCH_RANGE

    n = check_positive_int("n", n, maximum=100_000)
    rng = np.random.default_rng(check_seed("seed", seed, allow_none=False))
    family = rng.integers(0, len(TIMBRE_FAMILIES), size=n)
    pitch = rng.integers(TIMBRE_PITCH_RANGE[0], TIMBRE_PITCH_RANGE[1] + 1, size=n)
    return family, pitch


def generate_patches(generator, n, *, seed=0, latent=None, labels=None) -> np.ndarray:
    """Draw ``n`` patches ``(n, n_frames, n_mels)`` in [-1, 1] from a generator (latent from ``seed``, or given).

    A conditional generator (two inputs, :func:`build_timbre_generator` with ``n_labels``) needs ``labels``, one
    row per patch (:func:`musiclib.data.timbre_labels`); an unconditional one refuses them.

    Chapter: 11_audio_gan_on_features

    Examples
    --------
    >>> generate_patches(build_timbre_generator(8, width=16, seed=0), 3, seed=1).shape
    (3, 32, 128)
    >>> from musiclib.data import timbre_labels
    >>> g = build_timbre_generator(8, n_labels=29, width=16, seed=0)
    >>> generate_patches(g, 2, labels=timbre_labels(["fm", "noise"], [60, 72])).shape
    (2, 32, 128)
    """
    from .trainer import check_labels, label_width, sample_latent

    n_labels = label_width(generator)
    latent_dim = generator.inputs[0].shape[-1]
    if latent is None:
        n = check_positive_int("n", n, maximum=100_000)
        latent = sample_latent(n, latent_dim, seed=seed)
    latent = check_finite_array("latent", latent, min_ndim=2).astype(np.float32)
    labels = check_labels(labels, len(latent), n_labels,
                          what="this generator", hint="one row per patch (musiclib.data.timbre_labels(family, pitch))")

    def call(i):
        batch = [latent[i : i + 512], labels[i : i + 512]] if n_labels else latent[i : i + 512]
        return keras.ops.convert_to_numpy(generator(batch, training=False))

    return np.concatenate([call(i) for i in range(0, len(latent), 512)]).astype(np.float32)


def _inversion_settings():
    f = TIMBRE_FEATURES
    return {"sr": f["sr"], "n_fft": f["n_fft"], "hop_length": f["hop_length"], "fmin": f["fmin"], "fmax": f["fmax"]}


def log_mel_to_audio(log_mel, *, n_iter=64, seed=0) -> np.ndarray:
    """dB log-mel spectrograms ``(..., 128, 32)`` -> waveforms at 16 kHz (mel power -> NNLS -> Griffin-Lim).

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    log_mel : np.ndarray [shape=(..., n_mels, n_frames)]
        dB values as :func:`musiclib.data.timbre_log_mel` makes them.
    n_iter : int
        Griffin-Lim iterations, in [1, 10000].
    seed : int
        Seed of the initial phase.

    Returns
    -------
    np.ndarray [shape=(..., n_samples), dtype=float32]
        8,000 samples (0.5 s) for a 32-frame patch, ``(n_frames - 1) * 256`` otherwise; peak-normalised to 0.5 per
        note (as the training notes).
    """
    from ..features import db_to_power, mel_to_audio

    log_mel = check_finite_array("log_mel", log_mel, min_ndim=2)
    n_frames, hop = log_mel.shape[-1], TIMBRE_FEATURES["hop_length"]
    # As many samples as the notes have (0.5 s), so the centred frames of the result are the patch's frames again.
    length = int(round(TIMBRE_SR * TIMBRE_DURATION)) if n_frames == TIMBRE_FEATURES["n_frames"] else (n_frames - 1) * hop
    y = mel_to_audio(db_to_power(log_mel.astype(np.float64)), **_inversion_settings(), n_iter=n_iter, length=length,
                     seed=seed)
    peak = np.abs(y).max(axis=-1, keepdims=True)
    return (0.5 * y / np.maximum(peak, 1e-12)).astype(np.float32)


def patches_to_audio(patches, *, n_iter=64, seed=0) -> np.ndarray:
    """GAN patches ``(..., 32, 128)`` in [-1, 1] -> waveforms at 16 kHz (:func:`log_mel_to_audio` of the decoded dB).

    Chapter: 11_audio_gan_on_features
    """
    return log_mel_to_audio(decode_patches(patches), n_iter=n_iter, seed=seed)


def inversion_loss(audio, *, n_iter=64, seed=0) -> dict:
    """What phase reconstruction loses on real notes, two ways, one score per note.

    1. **Phase only**: the true linear magnitude ``|STFT|`` -> Griffin-Lim -> audio. Its spectral convergence
       (:func:`musiclib.features.spectral_convergence` against the true magnitude) is what losing the phase costs.
    2. **Log-mel**: the note's dB log-mel patch (what the GAN generates) -> :func:`log_mel_to_audio`. Scored by
       the spectral convergence of the re-analysed audio's magnitude, and by the mean absolute difference in dB
       between the re-analysed log-mel and the original (over bands within 60 dB of the note's peak).

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    audio : np.ndarray [shape=(n, n_samples)]
        Notes at 16 kHz (:meth:`musiclib.data.Timbres.audio`).
    n_iter, seed
        Griffin-Lim iterations and the seed of the initial phase.

    Returns
    -------
    dict
        ``phase_only_sc``, ``log_mel_sc`` (spectral convergence, 0 = perfect) and ``log_mel_db_error`` (dB),
        each an array of n values.
    """
    import librosa

    from ..features import spectral_convergence, stft

    audio = check_finite_array("audio", audio, min_ndim=2).astype(np.float32)
    n_iter = check_positive_int("n_iter", n_iter, maximum=10_000)
    f = TIMBRE_FEATURES
    length = audio.shape[-1]

    def magnitude(y):
        return np.abs(stft(y, n_fft=f["n_fft"], hop_length=f["hop_length"]))

    true_mag = magnitude(audio)
    phase_only = librosa.griffinlim(true_mag, n_iter=n_iter, hop_length=f["hop_length"], n_fft=f["n_fft"],
                                    length=length, random_state=np.random.default_rng(seed))
    original_db = timbre_log_mel(audio)
    from_mel = log_mel_to_audio(original_db, n_iter=n_iter, seed=seed)[..., :length]
    if from_mel.shape[-1] < length:
        from_mel = np.pad(from_mel, [(0, 0)] * (from_mel.ndim - 1) + [(0, length - from_mel.shape[-1])])
    # from_mel is peak-normalised to 0.5 like the notes; compare magnitudes at the notes' own level.
    scale = np.abs(audio).max(axis=-1, keepdims=True) / np.maximum(np.abs(from_mel).max(axis=-1, keepdims=True), 1e-12)
    from_mel = from_mel * scale
    rebuilt_db = timbre_log_mel(from_mel)
    loud = original_db > original_db.max(axis=(-2, -1), keepdims=True) - 60.0
    db_error = np.array([np.abs(r - o)[m].mean() for r, o, m in zip(rebuilt_db, original_db, loud)])
    return {
        "phase_only_sc": spectral_convergence(true_mag, magnitude(phase_only.astype(np.float32))),
        "log_mel_sc": spectral_convergence(true_mag, magnitude(from_mel.astype(np.float32))),
        "log_mel_db_error": db_error,
    }


def measure_pitch(audio, *, sr=TIMBRE_SR, fmin=65.0, fmax=1100.0) -> np.ndarray:
    """The pitch of each note, in (fractional) MIDI numbers, measured from its audio with YIN.

    ``librosa.yin`` over 64 ms frames; the median over the frames within 20 dB of the note's loudest frame (so
    the fading tail does not count). NaN for a silent note.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    audio : np.ndarray [shape=(n_samples,) or (n, n_samples)]
    sr : int
        Sample rate in Hz.
    fmin, fmax : float
        Search range in Hz (default 65-1100, about C2-C#6).

    Returns
    -------
    np.ndarray [shape=() or (n,)]

    Examples
    --------
    >>> t = np.arange(8000) / 16000
    >>> round(float(measure_pitch(np.sin(2 * np.pi * 440.0 * t))), 1)
    69.0
    """
    import librosa

    audio = check_finite_array("audio", audio).astype(np.float32)
    if audio.ndim == 2:
        return np.array([measure_pitch(y, sr=sr, fmin=fmin, fmax=fmax) for y in audio])
    if audio.ndim != 1:
        raise ValueError(f"audio must have shape (n_samples,) or (n, n_samples), got {audio.shape}")
    sr = check_positive_int("sr", sr, maximum=192_000)
    frame_length, hop = 1024, 256
    f0 = librosa.yin(audio, fmin=fmin, fmax=fmax, sr=sr, frame_length=frame_length, hop_length=hop, center=True)
    rms = librosa.feature.rms(y=audio, frame_length=frame_length, hop_length=hop, center=True)[0][: len(f0)]
    if not np.any(rms > 0):
        return np.array(np.nan)
    loud = rms >= rms.max() * 10 ** (-20 / 20)
    return np.array(librosa.hz_to_midi(np.median(f0[loud])))


def gaussian_baseline(reference, n, *, seed=0) -> np.ndarray:
    """Noise shaped like the data: each value drawn from a normal with that value's mean and standard deviation.

    Every mel band of every frame gets the reference set's mean and spread, independently of the others, then is
    clipped to [-1, 1]: the average spectrum and its envelope are right, harmonics and their relations are not.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    reference : np.ndarray [shape=(m, ...)]
        Real patches.
    n : int
        Samples to draw.
    seed : int

    Returns
    -------
    np.ndarray [shape=(n, ...), dtype=float32]

    Examples
    --------
    >>> gaussian_baseline(np.zeros((4, 32, 128)), 2).shape
    (2, 32, 128)
    """
    reference = check_finite_array("reference", reference, min_ndim=2).astype(np.float64)
    n = check_positive_int("n", n, maximum=1_000_000)
    seed = check_in_range("seed", seed, 0, 2**63 - 1, integer=True)
    rng = np.random.default_rng(seed)
    out = reference.mean(axis=0) + reference.std(axis=0) * rng.standard_normal((n, *reference.shape[1:]))
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def timbre_frechet_distance(log_mel_a, log_mel_b, *, scale=None) -> float:
    """Fréchet distance between two sets of notes' MFCC statistics, each feature in units of its spread.

    :func:`musiclib.data.timbre_features` (mean and standard deviation of 20 MFCC over frames) of both sets,
    divided feature by feature by ``scale`` (default: the standard deviation of set ``b``'s features, the
    reference), then :func:`musiclib.metrics.frechet_distance`. Without the division c0 (loudness, in the hundreds)
    would outweigh every other coefficient.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    log_mel_a, log_mel_b : np.ndarray [shape=(n, n_mels, n_frames)]
        dB log-mel spectrograms, at least 2 notes each.
    scale : np.ndarray [shape=(40,)] or None
        Per-feature divisor (> 0).

    Returns
    -------
    float
        0 for identical statistics; a few tenths between two samples of the same notes (finite-sample bias).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(-30, 10, (200, 128, 32))
    >>> round(timbre_frechet_distance(x, x), 6), timbre_frechet_distance(x, x + 10) > 1
    (0.0, True)
    """
    from ..metrics import frechet_distance

    fa, fb = timbre_features(log_mel_a), timbre_features(log_mel_b)
    if scale is None:
        scale = fb.std(axis=0)
    scale = check_finite_array("scale", scale).astype(np.float64)
    if scale.shape != (fa.shape[1],) or np.any(scale <= 0):
        raise ValueError(f"scale must hold {fa.shape[1]} positive numbers, got shape {scale.shape}")
    return frechet_distance(fa / scale, fb / scale)


def in_tune_share(pitches, *, tolerance=0.25) -> float:
    """Share of notes whose measured pitch is within ``tolerance`` semitones of a whole MIDI note.

    The training notes are all tuned to the 12-tone equal-tempered grid, so a generator that learned pitch makes
    in-tune notes about as often as the real notes measure in tune (NaN, an unmeasurable note, counts as out of
    tune).

    Chapter: 11_audio_gan_on_features

    Examples
    --------
    >>> in_tune_share(np.array([60.0, 60.1, 60.5, np.nan]))
    0.5
    """
    pitches = np.asarray(pitches, dtype=np.float64).ravel()
    tolerance = check_in_range("tolerance", tolerance, 0.0, 0.5)
    if pitches.size == 0:
        raise ValueError("pitches must not be empty")
    with np.errstate(invalid="ignore"):
        ok = np.abs(pitches - np.round(pitches)) <= tolerance
    return float(np.mean(ok & np.isfinite(pitches)))


# --------------------------------------------------------------------------- monitoring


class TimbreMonitor(keras.callbacks.Callback):
    """After each epoch: generate a fixed latent batch, log the Fréchet distance of its MFCC statistics to real notes.

    ``fd_mfcc`` (:func:`timbre_frechet_distance` of the generated and the reference patches) and ``patch_std`` (the spread
    of the generated patches, near 0 when the generator collapses) land in the epoch's logs, so ``log.csv`` holds
    them next to the losses. Every ``every`` epochs a PNG shows four generated log-mel patches.

    Chapter: 11_audio_gan_on_features

    Parameters
    ----------
    latent : np.ndarray [shape=(n, latent_dim)]
        The fixed noise.
    reference : np.ndarray [shape=(m, n_frames, n_mels)]
        Real patches to compare with.
    every : int
        Save a PNG every ``every`` epochs.
    out_dir : str, Path or None
        Folder for ``epoch_NNNN.png``; None saves no pictures.
    labels : np.ndarray [shape=(n, n_labels)] or None
        The fixed labels of a conditional GAN (e.g. those of the reference notes), one row per latent vector.
    """

    def __init__(self, latent, reference, *, every=1, out_dir=None, labels=None):
        super().__init__()
        self.latent = check_finite_array("latent", latent, min_ndim=2).astype(np.float32)
        self.labels = None if labels is None else check_finite_array("labels", labels, min_ndim=2).astype(np.float32)
        if self.labels is not None and len(self.labels) != len(self.latent):
            raise ValueError(f"labels has {len(self.labels)} rows, latent {len(self.latent)}: one label row per latent vector")
        reference = check_finite_array("reference", reference, min_ndim=3)
        self.reference_log_mel = decode_patches(reference)
        self.scale = timbre_features(self.reference_log_mel).std(axis=0)
        self.every = check_positive_int("every", every)
        self.out_dir = None if out_dir is None else Path(out_dir)
        self.history = []

    def on_epoch_end(self, epoch, logs=None):
        patches = self.model.generate(latent=self.latent, labels=self.labels)
        stats = {
            "fd_mfcc": timbre_frechet_distance(decode_patches(patches), self.reference_log_mel, scale=self.scale),
            "patch_std": float(patches.std(axis=0).mean()),
        }
        self.history.append({"epoch": epoch + 1, **stats})
        if logs is not None:
            logs.update(stats)
        if self.out_dir is not None and (epoch + 1) % self.every == 0:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            _save_patch_png(patches[:4], self.out_dir / f"epoch_{epoch + 1:04d}.png", title=f"epoch {epoch + 1}")


def _save_patch_png(patches, path, *, title=None):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(patches), figsize=(2.6 * len(patches), 2.8), squeeze=False, sharey=True)
    for ax, patch in zip(axes[0], patches):
        ax.imshow(np.asarray(patch).T, origin="lower", aspect="auto", vmin=-1, vmax=1, cmap="magma")
        ax.set_xlabel("frame")
    axes[0][0].set_ylabel("mel band")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
