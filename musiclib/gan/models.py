"""Generator and discriminator builders, sized for a 2-core CPU.

Chapters: 08_toy_gans (MLP builders), 09_training_a_music_gan (convolutional builders for four-voice piano
rolls), under one naming scheme (``build_<architecture>_generator`` / ``build_<architecture>_discriminator``).

Every builder returns a plain ``keras.Model``; the MLP builders are
:func:`musiclib.models.build_mlp` (chapter 06) with GAN-friendly defaults. Discriminators end in a linear
unit and output **logits** (no sigmoid): the losses in
:mod:`musiclib.gan.losses` apply the sigmoid themselves through ``softplus``,
which stays finite where ``log(sigmoid(x))`` would underflow, and the
Wasserstein critic needs an unbounded output anyway.
"""

from __future__ import annotations

import itertools
import math

import keras
import numpy as np

from .._validation import check_bool, check_choice, check_in_range, check_positive_int, check_sequence
from ..models import build_mlp
from ..data import N_PITCHES, PITCH_OFFSET
from .losses import _check_seed

__all__ = [
    "build_mlp_generator",
    "build_mlp_discriminator",
    "count_parameters",
    "VoiceSoftmax",
    "ContourLogits",
    "VoiceCascade",
    "HarmonicIntervals",
    "ParallelMotion",
    "MetricPosition",
    "NoteOnsets",
    "HeldNotes",
    "TuttiRests",
    "GENERATOR_NORMS",
    "DISCRIMINATOR_NORMS",
    "build_conv_generator",
    "build_conv_discriminator",
]

_ACTIVATIONS = ("relu", "leaky_relu", "tanh", "elu", "gelu", "silu")

#: Largest layer size (input, hidden or output units) the MLP builders accept.
#: Chapter 09's largest input, a 64-step × 84-pitch × 4-voice roll, has 21,504.
MAX_UNITS = 2**20

#: Largest number of weights the MLP builders accept: 50 M float32 weights are
#: 200 MB (600 MB with Adam's two moments). The course's CPU-sized networks
#: have at most a few million; a typo such as ``hidden=(10**6, 10**6)`` would
#: otherwise try to allocate terabytes.
MAX_PARAMETERS = 50_000_000


def _check_size(name, value) -> int:
    value = check_positive_int(name, value)
    if value > MAX_UNITS:
        raise ValueError(f"{name}={value!r} must be an integer in [1, {MAX_UNITS}]")
    return value


def _check_hidden(hidden) -> tuple:
    sizes = check_sequence("hidden", hidden, "a sequence of positive integers")
    if not sizes:
        raise ValueError(f"hidden={hidden!r} must hold at least one layer size")
    return tuple(_check_size("hidden", size) for size in sizes)


def _check_parameter_count(input_dim, hidden, output_dim, what) -> None:
    sizes = (input_dim, *hidden, output_dim)
    n = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
    if n > MAX_PARAMETERS:
        raise ValueError(
            f"hidden={hidden!r} with {what} gives {n:,} weights; at most {MAX_PARAMETERS:,} are allowed "
            "(networks for a 2-core CPU have a few million)"
        )


def build_mlp_generator(latent_dim, output_dim, *, hidden=(64, 64), activation="relu", seed=None, name="mlp_generator"):
    """Build a fully connected generator ``G: R^latent_dim -> R^output_dim``.

    Dense layers with ``activation`` between them and a linear output, so
    samples can land anywhere on the real line (toy data are not bounded).

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector z (input shape ``(batch, latent_dim)``).
    output_dim : int
        Size of one generated sample (output shape ``(batch, output_dim)``).
    hidden : sequence of int, keyword-only
        Units of each hidden layer. The default (64, 64) has about 4.5 k
        weights for 2-D data: fast on a CPU.
    activation : str, keyword-only
        Hidden activation, one of "relu", "leaky_relu", "tanh", "elu", "gelu", "silu".
    seed : int or None, keyword-only
        Seed of the weight initialisers, in [0, 2**32 - 1]; equal seeds
        build equal networks.
    name : str, keyword-only
        Keras model name.

    Returns
    -------
    keras.Model
        Maps ``(batch, latent_dim)`` float32 noise to ``(batch, output_dim)`` samples.

    Raises
    ------
    ValueError
        If a size is not an integer in [1, :data:`MAX_UNITS`], the network
        would have more than :data:`MAX_PARAMETERS` weights, ``activation``
        is unknown or ``seed`` is out of range.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> g = build_mlp_generator(2, 1, hidden=(16,), seed=0)
    >>> g.output_shape
    (None, 1)
    """
    latent_dim = _check_size("latent_dim", latent_dim)
    output_dim = _check_size("output_dim", output_dim)
    hidden = _check_hidden(hidden)
    check_choice("activation", activation, _ACTIVATIONS)
    if seed is not None:
        seed = _check_seed("seed", seed)
    _check_parameter_count(latent_dim, hidden, output_dim, f"latent_dim={latent_dim} and output_dim={output_dim}")
    return build_mlp(latent_dim, hidden=hidden, output_dim=output_dim, activation=activation, seed=seed, name=name)


def build_mlp_discriminator(input_dim, *, hidden=(64, 64), activation="leaky_relu", seed=None, name="mlp_discriminator"):
    """Build a fully connected discriminator (or critic) ``D: R^input_dim -> R``.

    The output is one **logit** per sample, with no sigmoid: D's probability
    that x is real is ``sigmoid(logit)`` for the minimax and non-saturating
    losses, while the Wasserstein, hinge and least-squares losses use the raw
    value. Leaky ReLU by default, so D's gradient never vanishes on a dead
    unit (the generator learns only through that gradient).

    Parameters
    ----------
    input_dim : int
        Size of one sample (input shape ``(batch, input_dim)``).
    hidden : sequence of int, keyword-only
        Units of each hidden layer.
    activation : str, keyword-only
        Hidden activation, one of "relu", "leaky_relu", "tanh", "elu", "gelu", "silu".
    seed : int or None, keyword-only
        Seed of the weight initialisers, in [0, 2**32 - 1]; equal seeds
        build equal networks.
    name : str, keyword-only
        Keras model name.

    Returns
    -------
    keras.Model
        Maps ``(batch, input_dim)`` samples to ``(batch, 1)`` logits.

    Raises
    ------
    ValueError
        If a size is not an integer in [1, :data:`MAX_UNITS`], the network
        would have more than :data:`MAX_PARAMETERS` weights, ``activation``
        is unknown or ``seed`` is out of range.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> d = build_mlp_discriminator(2, hidden=(16,), seed=0)
    >>> d.output_shape
    (None, 1)
    """
    input_dim = _check_size("input_dim", input_dim)
    hidden = _check_hidden(hidden)
    check_choice("activation", activation, _ACTIVATIONS)
    if seed is not None:
        seed = _check_seed("seed", seed)
    _check_parameter_count(input_dim, hidden, 1, f"input_dim={input_dim}")
    return build_mlp(input_dim, hidden=hidden, output_dim=1, activation=activation, seed=seed, name=name)


def count_parameters(model) -> int:
    """Return the number of trainable weights (scalars) of a Keras model.

    Parameters
    ----------
    model : keras.Model
        A built model.

    Returns
    -------
    int
        Sum of the sizes of ``model.trainable_weights``.

    Chapter: 08_toy_gans

    Examples
    --------
    >>> count_parameters(build_mlp_discriminator(2, hidden=(4,)))  # 2*4+4 + 4*1+1
    17
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model={type(model).__name__} must be a keras.Model")
    return int(sum(math.prod(w.shape) for w in model.trainable_weights))


# --------------------------------------------------------------------------- piano-roll GANs (chapter 09)

#: Normalisations the convolutional builders offer. Generator: "batch" (DCGAN), "layer" or "none".
#: Discriminator: "layer" (per-sample, so the gradient penalty's per-sample gradients stay meaningful; the
#: WGAN-GP paper's advice against batch norm in the critic), "spectral" (spectral normalisation of every
#: weight, Miyato et al. 2018) or "none".
GENERATOR_NORMS = ("batch", "layer", "none")
DISCRIMINATOR_NORMS = ("layer", "spectral", "none")

#: Largest width (channels of the widest layer) the convolutional builders accept.
MAX_WIDTH = 4096


def _voice_logit_mask(pitch_offset, n_pitches) -> np.ndarray:
    """``(n_pitches + 1, 4)`` float32 added to pitch-and-rest logits: 0 where a voice may sing (or rest), else -1e9.

    A large negative number instead of -inf: exp underflows to exactly 0 and no NaN can appear in gradients.
    """
    from ..voices import voice_pitch_mask

    allowed = np.concatenate([voice_pitch_mask(pitch_offset=pitch_offset, n_pitches=n_pitches),
                              np.ones((1, 4), dtype=bool)])
    return np.where(allowed, 0.0, -1e9).astype("float32")


def _straight_through_choice(probs, axis):
    """Forward: the one-hot argmax of ``probs`` along ``axis``; backward: the gradient of ``probs`` itself.

    ``axis`` must be counted from the front: TensorFlow's ``one_hot`` takes no negative axis below -1.
    """
    hard = keras.ops.one_hot(keras.ops.argmax(probs, axis=axis), probs.shape[axis], axis=axis, dtype=probs.dtype)
    return probs + keras.ops.stop_gradient(hard - probs)


def _hard_gate(logits):
    """Forward: ``[sigmoid(logits) > 0.5]`` as 0 or 1; backward: the sigmoid's gradient (straight-through)."""
    soft = keras.ops.sigmoid(logits)
    return soft + keras.ops.stop_gradient(keras.ops.cast(soft > 0.5, soft.dtype) - soft)


def _voice_probabilities(logits, mask, straight_through):
    """Masked softmax over axis 2 of ``(batch, steps, n_pitches + 1, 4)`` logits; with ``straight_through``, its
    one-hot choice in the forward pass and the softmax's gradient in the backward pass."""
    probs = keras.ops.softmax(logits + keras.ops.convert_to_tensor(mask, dtype=logits.dtype), axis=2)
    # Forward: the one-hot choice (exactly what decoding keeps, shaped like real data); backward: the softmax's
    # gradient (a straight-through estimator, as BinaryMuseGAN's deterministic binary neurons).
    return _straight_through_choice(probs, axis=2) if straight_through else probs


@keras.saving.register_keras_serializable(package="musiclib")
class VoiceSoftmax(keras.layers.Layer):
    """Per-voice softmax over the pitches of the voice's range plus a rest; the rest column is dropped.

    Input: logits ``(batch, time_steps, n_pitches + 1, 4)``, the last pitch row being the rest. Logits of pitches
    outside a voice's :data:`musiclib.data.VOICE_RANGES` range are masked out before the softmax, so every voice
    puts all its probability on in-range pitches and the rest. Output: ``(batch, time_steps, n_pitches, 4)``, the
    pitch probabilities alone, shaped like the data; the rest probability is what they leave,
    ``1 - sum(p)``, which :func:`musiclib.voices.decode_voices` uses. A registered layer (not a ``Lambda``), so
    a saved generator loads in Keras safe mode.

    Chapter: 09_training_a_music_gan
    """

    def __init__(self, pitch_offset=PITCH_OFFSET, n_pitches=N_PITCHES, straight_through=False, **kwargs):
        super().__init__(**kwargs)
        self.pitch_offset = int(pitch_offset)
        self.n_pitches = int(n_pitches)
        self.straight_through = bool(straight_through)
        self._mask = _voice_logit_mask(pitch_offset, n_pitches)

    def call(self, logits, training=None):
        probs = _voice_probabilities(logits, self._mask, self.straight_through and bool(training))
        return probs[..., : self.n_pitches, :]

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-2], self.n_pitches, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "pitch_offset": self.pitch_offset, "n_pitches": self.n_pitches,
                "straight_through": self.straight_through}


@keras.saving.register_keras_serializable(package="musiclib")
class ContourLogits(keras.layers.Layer):
    """Pitch logits that prefer the pitches near a moving contour: ``-(p - c_v(t))² / (2 σ_v²)`` plus free logits.

    Inputs ``[centre, logits]``: ``centre`` ``(batch, steps, 4)``, one unbounded number per voice and step, mapped into
    the voice's range (``c = low + (high - low) · sigmoid(centre)``, in pitch columns); ``logits`` ``(batch, steps,
    4 · (n_pitches + 1))``, free pitch-and-rest logits per voice (the rest last). Output: the logits with the contour
    term added to every pitch (not to the rest). ``σ_v`` (semitones) is learned per voice, starting at ``sigma``.

    Why: a voice that picks its pitch afresh at every step, from features that change smoothly, can still flip
    between distant pitches whose logits are close (measured in chapter 10: the first shipped generator's soprano
    leapt more than a fifth at 30 % of its moves, Bach's at 0.7 %). With a contour a leap needs the contour itself to
    jump, so stepwise motion is the easy default; the free logits still choose the scale degree near it.

    Chapter: 09_training_a_music_gan
    """

    def __init__(self, pitch_offset=PITCH_OFFSET, n_pitches=N_PITCHES, sigma=3.0, **kwargs):
        super().__init__(**kwargs)
        from ..voices import voice_pitch_mask

        self.pitch_offset = int(pitch_offset)
        self.n_pitches = int(n_pitches)
        self.sigma = float(check_in_range("sigma", sigma, 0.25, 48.0))
        mask = voice_pitch_mask(pitch_offset=pitch_offset, n_pitches=n_pitches)
        columns = np.arange(n_pitches)[:, None]
        self._low = np.where(mask, columns, n_pitches).min(axis=0).astype("float32")
        self._high = np.where(mask, columns, -1).max(axis=0).astype("float32")

    def build(self, input_shape):
        self.log_sigma = self.add_weight(shape=(4,), initializer=keras.initializers.Constant(math.log(self.sigma)),
                                         name="log_sigma")

    def call(self, inputs):
        ops = keras.ops
        centre, logits = inputs
        low = ops.convert_to_tensor(self._low, dtype=centre.dtype)
        high = ops.convert_to_tensor(self._high, dtype=centre.dtype)
        centre = low + (high - low) * ops.sigmoid(centre)  # (batch, steps, 4), in pitch columns
        pitches = ops.arange(self.n_pitches, dtype=centre.dtype)
        distance = (pitches[None, None, None, :] - centre[..., None]) / ops.exp(self.log_sigma)[:, None]
        contour = ops.pad(-0.5 * distance**2, [[0, 0], [0, 0], [0, 0], [0, 1]])  # the rest gets no contour term
        steps = ops.shape(logits)[1]
        out = ops.reshape(logits, (-1, steps, 4, self.n_pitches + 1)) + contour
        return ops.reshape(out, (-1, steps, 4 * (self.n_pitches + 1)))

    def compute_output_shape(self, input_shape):
        return input_shape[1]

    def get_config(self):
        return {**super().get_config(), "pitch_offset": self.pitch_offset, "n_pitches": self.n_pitches,
                "sigma": self.sigma}


@keras.saving.register_keras_serializable(package="musiclib")
class VoiceCascade(keras.layers.Layer):
    """Each lower voice's logits corrected by the pitches the voices above it chose, soprano first.

    Input and output: pitch-and-rest logits per voice ``(batch, steps, n_pitches + 1, 4)`` (the rest last), as
    :class:`VoiceSoftmax` takes them. The soprano's logits pass unchanged. For voice ``v = 1, 2, 3`` (A, T, B) the
    one-hot choices of the voices above it (the argmax of their masked softmax, as decoding picks them) at the steps
    ``t - 1``, ``t`` and ``t + 1`` go through a width-3 convolution over time (``3 · v · (n_pitches + 1)`` inputs,
    ``n_pitches + 1`` outputs, zeros at the start, so a new cascade changes nothing) that is added to voice ``v``'s
    logits at ``t``. The choices are made in training and inference alike; in training their gradient passes through
    the softmax (a straight-through estimator).

    Why: a convolutional generator picks every voice's pitch at once from shared features, so two voices can only
    avoid a parallel fifth if the features happen to separate them; measured in chapter 10, the shipped generator's
    voices keep a perfect fifth or octave in 25 % of the moves that leave one (Bach: 1 %). With the cascade the alto,
    tenor and bass see the exact pitches above them, so "not a fifth below the soprano again" is one convolution away.
    Not in the presets: trained with the shipped config, the lower voices followed the upper ones more closely and the
    parallels doubled (the experiment is reported in ``data/pretrained/chorale_gan/README.md``).

    Chapter: 10_evaluating_generated_music
    """

    def __init__(self, pitch_offset=PITCH_OFFSET, n_pitches=N_PITCHES, **kwargs):
        super().__init__(**kwargs)
        self.pitch_offset = int(pitch_offset)
        self.n_pitches = int(n_pitches)
        self._mask = _voice_logit_mask(pitch_offset, n_pitches)

    def build(self, input_shape):
        k = self.n_pitches + 1
        self.kernels = [self.add_weight(shape=(3, v * k, k), initializer="zeros", name=f"cascade_{v}") for v in (1, 2, 3)]

    def call(self, logits):
        ops = keras.ops
        mask = ops.convert_to_tensor(self._mask, dtype=logits.dtype)
        out, chosen = [], []
        for v in range(4):
            lv = logits[..., v]  # (batch, steps, k)
            if v:
                context = ops.concatenate(chosen, axis=-1)  # (batch, steps, v * k)
                lv = lv + ops.conv(context, self.kernels[v - 1], strides=1, padding="same")
            probs = ops.softmax(lv + mask[:, v], axis=-1)
            chosen.append(_straight_through_choice(probs, axis=len(probs.shape) - 1))
            out.append(lv)
        return ops.stack(out, axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "pitch_offset": self.pitch_offset, "n_pitches": self.n_pitches}


@keras.saving.register_keras_serializable(package="musiclib")
class MetricPosition(keras.layers.Layer):
    """Append each step's position in the bar, one-hot, to a sequence of feature vectors.

    Input ``(batch, steps, channels)`` whose first step starts a bar; output ``(batch, steps, channels +
    steps_per_bar)``, the extra channel ``k`` being 1 at the steps ``t`` with ``t mod steps_per_bar == k``. A
    convolution over time treats every step alike, so without this a network sees a note start on the beat and
    one step later as the same pattern shifted; with it, where the beat falls is an input (as DeepBach feeds each
    step's subdivision of the beat). Constant in the batch and the weights: no gradient flows into it.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    steps_per_bar : int
        Steps in one bar at this sequence's resolution, in [1, 4096] (16 for sixteenth notes in 4/4, 8 for eighths).
    """

    def __init__(self, steps_per_bar, **kwargs):
        super().__init__(**kwargs)
        self.steps_per_bar = check_positive_int("steps_per_bar", steps_per_bar, maximum=4096)

    def build(self, input_shape):
        if len(input_shape) != 3 or input_shape[1] is None:
            raise ValueError(f"input_shape={tuple(input_shape)} must be (batch, steps, channels) with a known number of "
                             "steps")

    def call(self, x):
        ops = keras.ops
        n_steps = x.shape[1]
        position = np.eye(self.steps_per_bar, dtype="float32")[np.arange(n_steps) % self.steps_per_bar]
        position = ops.broadcast_to(ops.convert_to_tensor(position, dtype=x.dtype)[None],
                                    (ops.shape(x)[0], n_steps, self.steps_per_bar))
        return ops.concatenate([x, position], axis=-1)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (input_shape[-1] + self.steps_per_bar,)

    def get_config(self):
        return {**super().get_config(), "steps_per_bar": self.steps_per_bar}


@keras.saving.register_keras_serializable(package="musiclib")
class NoteOnsets(keras.layers.Layer):
    """Where each voice of a four-voice roll starts a note: ``1`` at a note's first step, ``0`` elsewhere.

    Input: a roll ``(batch, time_steps, n_pitches, 4)``; output ``(batch, time_steps, 4)``,

    ``onset[t, v] = Σ_p roll[t, p, v] - Σ_p roll[t, p, v] · roll[t-1, p, v]``  (``roll[-1] = 0``):

    the voice sounds at ``t`` and not the same pitch at ``t - 1``. For a one-hot roll that is exactly the note starts
    of :func:`musiclib.metrics.note_runs`; for probabilities, the chance of a new note under independent steps.
    Whether a pitch is held is a product of two steps' entries, which one linear convolution over one-hot pitches
    cannot compute; handed this feature (and :class:`MetricPosition`), a critic can compare where notes start in
    real and generated windows. Products of the roll's entries, so gradients reach every entry.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    sounding : bool
        Also output whether each voice sounds (``Σ_p roll[t, p, v]``; 0 in a rest), as 4 more channels after the
        onsets: with onsets alone a rest looks like a held note.
    """

    def __init__(self, sounding=False, **kwargs):
        super().__init__(**kwargs)
        self.sounding = check_bool("sounding", sounding)

    def build(self, input_shape):
        if len(input_shape) != 4 or input_shape[-1] != 4:
            raise ValueError(f"input_shape={tuple(input_shape)} must be (batch, time_steps, n_pitches, 4 voices)")

    def call(self, roll):
        ops = keras.ops
        before = ops.pad(roll[:, :-1], ((0, 0), (1, 0), (0, 0), (0, 0)))
        sounding = ops.sum(roll, axis=2)
        onsets = sounding - ops.sum(roll * before, axis=2)
        return ops.concatenate([onsets, sounding], axis=-1) if self.sounding else onsets

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], input_shape[3] * (2 if self.sounding else 1))

    def get_config(self):
        return {**super().get_config(), "sounding": self.sounding}


@keras.saving.register_keras_serializable(package="musiclib")
class HeldNotes(keras.layers.Layer):
    """Per voice and eighth note, a new-note gate beside the pitch choice: start a note there, or hold the one before.

    Inputs ``[logits, gates]``: pitch-and-rest logits ``(batch, eighths, n_pitches + 1, 4)`` (the rest last, as
    :class:`VoiceSoftmax` takes them) and new-note logits ``(batch, eighths, 4)``. Output: pitch probabilities
    ``(batch, eighths · hold, n_pitches, 4)``, each eighth held for ``hold`` steps, the rest column dropped.

    With ``p_e`` a voice's masked softmax at eighth ``e`` and ``g_e = [sigmoid(gate_e) > 0.5]`` (``g_0 = 1``),

    ``out_0 = p_0``,  ``out_e = g_e · p_e + (1 - g_e) · out_{e-1}``:

    where the gate is closed the voice keeps the previous eighth's distribution, so its decoded pitch (or rest) is
    held. In training with ``straight_through``, ``p_e`` is replaced by its one-hot choice, as in
    :class:`VoiceSoftmax`; the gate is always 0 or 1 in the forward pass, and its gradient is the sigmoid's
    (a straight-through estimator, as BinaryMuseGAN's binary neurons), which reaches the gate through
    ``p_e - out_{e-1}``.

    Why: in a generator that picks each eighth's pitch afresh, a note ends wherever two logits cross, which can be
    at any eighth; measured in chapter 10, the shipped one starts 56 % of its notes on a beat (held-out Bach 78 %)
    and a classifier tells its rhythm alone from Bach's 98 % of the time. Here when a note starts is a separate
    decision, one logit per voice and eighth, which a generator that knows the position in the bar
    (:class:`MetricPosition`) can tie to the beat.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    pitch_offset, n_pitches : int
        The roll's layout (MIDI pitch of column 0, pitch columns).
    hold : int
        Steps each eighth lasts in the output, in [1, 16] (2: sixteenth-note steps).
    straight_through : bool
        In training, output one-hot choices (see above); in inference, always probabilities.
    """

    def __init__(self, pitch_offset=PITCH_OFFSET, n_pitches=N_PITCHES, hold=2, straight_through=True, **kwargs):
        super().__init__(**kwargs)
        self.pitch_offset = int(pitch_offset)
        self.n_pitches = int(n_pitches)
        self.hold = check_positive_int("hold", hold, maximum=16)
        self.straight_through = check_bool("straight_through", straight_through)
        self._mask = _voice_logit_mask(pitch_offset, n_pitches)

    def build(self, input_shape):
        logits_shape, gates_shape = input_shape
        k = self.n_pitches + 1
        if (len(logits_shape) != 4 or tuple(logits_shape[2:]) != (k, 4) or logits_shape[1] is None
                or tuple(gates_shape[1:]) != (logits_shape[1], 4)):
            raise ValueError(f"input_shape={tuple(map(tuple, input_shape))} must be [(batch, eighths, {k}, 4), "
                             "(batch, eighths, 4)] with a known number of eighths")

    def call(self, inputs, training=None):
        ops = keras.ops
        logits, gates = inputs
        probs = _voice_probabilities(logits, self._mask, self.straight_through and bool(training))
        gate = _hard_gate(gates)  # (batch, eighths, 4)
        out = [probs[:, 0]]
        for e in range(1, probs.shape[1]):
            g = gate[:, e][:, None, :]
            out.append(g * probs[:, e] + (1.0 - g) * out[-1])
        out = ops.stack(out, axis=1)[:, :, : self.n_pitches]
        return ops.repeat(out, self.hold, axis=1)

    def compute_output_shape(self, input_shape):
        logits_shape = input_shape[0]
        steps = None if logits_shape[1] is None else logits_shape[1] * self.hold
        return (logits_shape[0], steps, self.n_pitches, 4)

    def get_config(self):
        return {**super().get_config(), "pitch_offset": self.pitch_offset, "n_pitches": self.n_pitches,
                "hold": self.hold, "straight_through": self.straight_through}


@keras.saving.register_keras_serializable(package="musiclib")
class TuttiRests(keras.layers.Layer):
    """Pitch probabilities per voice with one rest gate for all four voices: they sound together or rest together.

    Inputs ``[logits, gate]``: pitch-and-rest logits ``(batch, time_steps, n_pitches + 1, 4)`` (the rest last, as
    :class:`VoiceSoftmax` takes them; the rest column is ignored) and one sound logit per step
    ``(batch, time_steps, 1)``. Output: ``(batch, time_steps, n_pitches, 4)``,

    ``out[t, :, v] = s_t · softmax_v(pitch logits)[t]``,  ``s_t = [sigmoid(gate_t) > 0.5]``:

    where the gate is closed all four voices rest, and otherwise each voice sings one of its in-range pitches.
    The gate is 0 or 1 in the forward pass, in training and in inference (so the rest probability a decoder sees
    is exactly 0 or 1), and its gradient is the sigmoid's (a straight-through estimator, as in
    :class:`HeldNotes`). In training with ``straight_through`` the pitch softmax is replaced by its one-hot choice.

    Why: in the chorales a rest is a breath of the whole choir. Of the voice-steps that rest in the training
    windows, 92 % fall on steps where all four voices rest; in the shipped generator's windows none do, because
    four independent categorical choices almost never pick the rest at the same step.

    Chapter: 10_evaluating_generated_music

    Parameters
    ----------
    pitch_offset, n_pitches : int
        The roll's layout (MIDI pitch of column 0, pitch columns).
    straight_through : bool
        In training, output the pitch choices one-hot (see above); in inference, probabilities.
    """

    def __init__(self, pitch_offset=PITCH_OFFSET, n_pitches=N_PITCHES, straight_through=True, **kwargs):
        super().__init__(**kwargs)
        self.pitch_offset = int(pitch_offset)
        self.n_pitches = int(n_pitches)
        self.straight_through = check_bool("straight_through", straight_through)
        mask = _voice_logit_mask(pitch_offset, n_pitches)
        mask[-1] = -1e9  # no voice rests on its own: the gate decides for all four
        self._mask = mask

    def build(self, input_shape):
        logits_shape, gate_shape = input_shape
        k = self.n_pitches + 1
        if len(logits_shape) != 4 or tuple(logits_shape[2:]) != (k, 4) or tuple(gate_shape[1:]) != (logits_shape[1], 1):
            raise ValueError(f"input_shape={tuple(map(tuple, input_shape))} must be [(batch, time_steps, {k}, 4), "
                             "(batch, time_steps, 1)]")

    def call(self, inputs, training=None):
        logits, gate = inputs
        probs = _voice_probabilities(logits, self._mask, self.straight_through and bool(training))
        sound = _hard_gate(gate)  # (batch, time_steps, 1)
        return probs[:, :, : self.n_pitches] * sound[:, :, :, None]

    def compute_output_shape(self, input_shape):
        logits_shape = input_shape[0]
        return (*logits_shape[:2], self.n_pitches, 4)

    def get_config(self):
        return {**super().get_config(), "pitch_offset": self.pitch_offset, "n_pitches": self.n_pitches,
                "straight_through": self.straight_through}


@keras.saving.register_keras_serializable(package="musiclib")
class HarmonicIntervals(keras.layers.Layer):
    """The harmonic interval classes between the voices of a four-voice roll, at every step.

    Input: a roll ``(batch, time_steps, n_pitches, 4)`` (soprano, alto, tenor, bass). Output ``(batch, time_steps,
    6 * 12)``: for each of the 6 voice pairs (upper ``a``, lower ``b``: SA, ST, SB, AT, AB, TB) and each interval class
    ``c`` (0–11 semitones from ``b`` up to ``a``, octaves folded),

    ``H[t, (a, b), c] = Σ_{p, q : q - p ≡ c (mod 12)} roll[t, p, b] · roll[t, q, a]``.

    For a one-hot roll (one pitch or a rest per voice and step) it is 1 at the interval class that sounds and 0
    elsewhere; for probabilities, the class's probability under independent voices. A fifth between two voices is
    then one feature, the same at every pitch, instead of a pattern a convolution over the flattened roll has to
    learn at each pitch separately; parallel fifths are that feature at two consecutive sonorities. The sum is a
    circular correlation over pitch with period 12, computed by the correlation theorem as a few matrix products
    (one shifted product per class made a gradient-penalty step several times slower, measured on 2 CPU cores).
    Products of the roll's entries, so gradients reach every entry (and a gradient penalty is defined).

    Chapter: 09_training_a_music_gan
    """

    #: The voice pairs, (upper, lower) indices into soprano, alto, tenor, bass.
    PAIRS = tuple(itertools.combinations(range(4), 2))

    def build(self, input_shape):
        if len(input_shape) != 4 or int(input_shape[-1]) != 4:
            raise ValueError(f"input_shape={tuple(input_shape)} must be (batch, time_steps, n_pitches, 4 voices)")
        n_pitches = int(input_shape[-2])
        classes = np.arange(12)
        freqs = np.arange(7)  # a real DFT of period 12: frequencies 0..6
        angle = 2 * np.pi * np.outer(np.arange(n_pitches), freqs) / 12
        self._forward = np.concatenate([np.cos(angle), np.sin(angle)], axis=1).astype("float32")
        weight = np.where((freqs == 0) | (freqs == 6), 1.0, 2.0) / 12  # the spectrum's mirrored half counted twice
        angle = 2 * np.pi * np.outer(freqs, classes) / 12
        self._cos_back = (weight[:, None] * np.cos(angle)).astype("float32")
        self._sin_back = (-weight[:, None] * np.sin(angle)).astype("float32")

    def call(self, roll):
        ops = keras.ops
        n_steps, n_pitches = roll.shape[1], roll.shape[2]
        voices = ops.reshape(ops.transpose(roll, (0, 1, 3, 2)), (-1, n_pitches))  # one row per (batch, step, voice)
        spectra = ops.reshape(ops.matmul(voices, ops.convert_to_tensor(self._forward, dtype=roll.dtype)),
                              (-1, n_steps, 4, 14))
        upper = ops.stack([spectra[:, :, a] for a, _ in self.PAIRS], axis=2)  # (batch, steps, pair, 14)
        lower = ops.stack([spectra[:, :, b] for _, b in self.PAIRS], axis=2)
        cl, sl, cu, su = lower[..., :7], lower[..., 7:], upper[..., :7], upper[..., 7:]
        real = ops.reshape(cl * cu + sl * su, (-1, 7))
        imag = ops.reshape(sl * cu - cl * su, (-1, 7))
        out = ops.matmul(real, ops.convert_to_tensor(self._cos_back, dtype=roll.dtype)) + ops.matmul(
            imag, ops.convert_to_tensor(self._sin_back, dtype=roll.dtype))
        return ops.reshape(out, (-1, n_steps, 6 * 12))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], 6 * 12)


@keras.saving.register_keras_serializable(package="musiclib")
class ParallelMotion(keras.layers.Layer):
    """Parallel fifths, parallel octaves and moves of every voice pair, at every step of a four-voice roll.

    Input: a roll ``(batch, time_steps, n_pitches, 4)`` (soprano, alto, tenor, bass). Output ``(batch, time_steps,
    6 * 3)``: for each of the 6 voice pairs (upper ``u``, lower ``l``: SA, ST, SB, AT, AB, TB, as
    :class:`HarmonicIntervals`) and the transition from step ``t - 1`` to step ``t``,

    - parallel fifths: the interval class ``(u - l) mod 12`` is 7 at both steps and both voices change pitch;
    - parallel octaves: the same for class 0 (octaves, and unisons too);
    - moves: both voices sound at both steps and at least one changes pitch.

    For a one-hot roll these are counts; for probabilities, their expectations with every voice's pitch drawn
    independently from its column. Step 0 has no transition and holds zeros. The counts differ from
    :func:`musiclib.metrics.voice_leading`'s (music21's rules) in two rare cases: parallel unisons count as octaves,
    and crossed voices are classed by ``(u - l) mod 12`` (a fifth with the lower voice on top is class 5).

    Why a critic needs it: :class:`HarmonicIntervals` shows which interval sounds, but a parallel is a relation
    between two steps *and* two voices' motion, which a convolution over the flattened roll has to assemble at every
    pitch. Handed this feature the critic can compare how often parallels happen in real and generated rolls, and the
    generator's gradient asks for as many as real chorales have, not for none (unlike a penalty in the loss).

    How: a parallel needs the class at both steps and both voices moving, ``[a≠c][b≠d] = 1 - [a=c] - [b=d] +
    [a=c][b=d]`` (as in :func:`musiclib.gan.losses.expected_parallel_motion`). Every term depends on the pitches only
    through their pitch classes, so each voice's column, and each voice's "holds its pitch" product ``v_t · v_{t+1}``,
    is folded into 12 pitch classes first and the rest are products of 12-vectors: a few cheap operations, also under
    the gradient penalty's second derivative (a per-pitch version made a penalty step 3.5 times slower than the critic
    without it, measured on 2 CPU cores). Differentiable in every entry.

    Not in the presets: a critic with it gave fewer parallels but more voice crossing
    (``data/pretrained/chorale_gan/README.md``, "A critic that sees parallels"); kept for that experiment and for
    students who want to go on from it.

    Examples
    --------
    >>> x = np.zeros((1, 2, 64, 4), "float32")
    >>> x[0, 0, [44, 32, 25, 13], [0, 1, 2, 3]] = 1   # S A T B: C5 C4 F3 F2
    >>> x[0, 1, [46, 34, 27, 15], [0, 1, 2, 3]] = 1   # all up a tone: D5 D4 G3 G2
    >>> m = keras.ops.convert_to_numpy(ParallelMotion()(x))[0, 1].reshape(6, 3)
    >>> m[:, 0].tolist(), m[:, 1].tolist(), m[:, 2].tolist()   # fifths, octaves, moves of SA ST SB AT AB TB
    ([0.0, 1.0, 1.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    """

    #: The interval classes of the two kinds of parallel: fifths, octaves (and unisons).
    CLASSES = (7, 0)

    def build(self, input_shape):
        if len(input_shape) != 4 or int(input_shape[-1]) != 4:
            raise ValueError(f"input_shape={tuple(input_shape)} must be (batch, time_steps, n_pitches, 4 voices)")
        if input_shape[1] is None or int(input_shape[1]) < 2:
            raise ValueError(f"input_shape={tuple(input_shape)} needs at least 2 time steps")
        n_pitches = int(input_shape[-2])
        self._fold = (np.arange(n_pitches)[:, None] % 12 == np.arange(12)[None, :]).astype("float32")

    @staticmethod
    def _below(pitch_classes, c):
        """``x[..., (k - c) mod 12]`` at ``k``: the lower voice's class that lies interval class ``c`` below ``k``."""
        if not c:
            return pitch_classes
        return keras.ops.concatenate([pitch_classes[..., 12 - c :], pitch_classes[..., : 12 - c]], axis=-1)

    def call(self, roll):
        ops = keras.ops
        n_steps = roll.shape[1]
        n_pitches = roll.shape[2]
        fold = ops.convert_to_tensor(self._fold, dtype=roll.dtype)
        cells = ops.transpose(roll, (0, 1, 3, 2))  # (batch, steps, voice, pitch)
        classes = ops.reshape(ops.matmul(ops.reshape(cells, (-1, n_pitches)), fold), (-1, n_steps, 4, 12))
        holds = ops.reshape(ops.matmul(ops.reshape(cells[:, :-1] * cells[:, 1:], (-1, n_pitches)), fold),
                            (-1, n_steps - 1, 4, 12))  # the voice keeps its pitch, per pitch class
        up, up_hold = (ops.stack([x[:, :, a] for a, _ in HarmonicIntervals.PAIRS], axis=2) for x in (classes, holds))
        low, low_hold = (ops.stack([x[:, :, b] for _, b in HarmonicIntervals.PAIRS], axis=2) for x in (classes, holds))
        features = []
        for c in self.CLASSES:
            low_c, low_hold_c = self._below(low, c), self._below(low_hold, c)
            sounds = ops.sum(up * low_c, axis=-1)  # P(class c between the pair), (batch, steps, pair)
            features.append(sounds[:, :-1] * sounds[:, 1:]
                            - ops.sum(up_hold * low_c[:, :-1] * low_c[:, 1:], axis=-1)
                            - ops.sum(low_hold_c * up[:, :-1] * up[:, 1:], axis=-1)
                            + ops.sum(up_hold * low_hold_c, axis=-1))
        s_up, s_low = ops.sum(up, axis=-1), ops.sum(low, axis=-1)
        features.append(s_up[:, :-1] * s_up[:, 1:] * s_low[:, :-1] * s_low[:, 1:]
                        - ops.sum(up_hold, axis=-1) * ops.sum(low_hold, axis=-1))
        motion = ops.reshape(ops.stack(features, axis=-1), (-1, n_steps - 1, 6 * 3))  # (pair, kind) per step
        return ops.concatenate([ops.zeros_like(motion[:, :1]), motion], axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[1], 6 * 3)


def _initializers(seed):
    """A factory of Glorot-uniform initialisers seeded seed, seed + 1, ... (None: unseeded)."""
    if seed is not None:
        seed = _check_seed("seed", seed)
    counter = itertools.count()
    return lambda: keras.initializers.GlorotUniform(seed=None if seed is None else seed + next(counter))


def _norm_layer(kind, name):
    if kind == "batch":
        return keras.layers.BatchNormalization(name=name)
    if kind == "layer":
        return keras.layers.LayerNormalization(name=name)
    return None


def _check_roll_shape(time_steps, n_pitches, pitch_offset):
    time_steps = check_positive_int("time_steps", time_steps, maximum=4096)
    if time_steps % 16:
        raise ValueError(f"time_steps={time_steps} must be a multiple of 16 (four stride-2 layers halve it)")
    n_pitches = check_positive_int("n_pitches", n_pitches, maximum=128)
    from ..voices import voice_pitch_mask

    voice_pitch_mask(pitch_offset=pitch_offset, n_pitches=n_pitches)  # checks the voice ranges fit
    return time_steps, n_pitches


def build_conv_generator(
    latent_dim=64,
    *,
    time_steps=64,
    n_pitches=N_PITCHES,
    pitch_offset=PITCH_OFFSET,
    width=128,
    norm="layer",
    straight_through=True,
    sixteenths=False,
    contour=False,
    cascade=False,
    meter=False,
    held_notes=False,
    tutti_rests=False,
    seed=None,
    name="conv_generator",
):
    """Build a DCGAN-style generator of four-voice piano rolls, convolving over time.

    ``z → Dense → (time_steps/16, width) → 3 × [norm → ReLU → UpSampling1D(2) → Conv1D(5)]`` gives one feature
    vector per eighth note; pitch-and-rest logits per voice come from them, each held for two sixteenth steps
    (so the shortest note is an eighth), then :class:`VoiceSoftmax`. With ``sixteenths=True`` a
    sixteenth-level correction, zero at the start, is added to the logits. Pitch and voice are channels,
    time is the convolved axis: a 2-D convolution over time × pitch costs about ``n_pitches`` times more
    arithmetic, too much for a CPU. Nearest-neighbour upsampling followed by a convolution, instead of a
    strided transposed convolution, avoids the checkerboard pattern of uneven kernel overlap (Odena et al.,
    2016); in a piano roll that pattern is a voice flickering between two pitches every other step. Each voice gets a categorical distribution over its own range plus a rest at every step (as
    Coconet does), so a decoded voice can never hold two notes at once or leave its range.

    Parameters
    ----------
    latent_dim : int
        Size of the noise vector z, in [1, 4096].
    time_steps : int
        Steps per segment, a multiple of 16 (64 = four bars of sixteenths).
    n_pitches, pitch_offset : int
        Pitch columns of the roll and the MIDI pitch of column 0 (the data's layout).
    width : int
        Channels of the first convolution; later ones taper to ``width / 2``. 128 gives about 0.2 M weights.
    norm : {"layer", "batch", "none"}
        Normalisation after each hidden layer.
    straight_through : bool
        True (default): in training, output the decoded one-hot choice per voice and step (a rest is all
        zeros), so the discriminator sees rolls exactly like real ones, while gradients flow through the
        softmax (straight-through estimator); in inference, output the probabilities (their argmax decoding is
        that same choice). False: always output the probabilities.
    contour : bool
        Add :class:`ContourLogits`: each voice's pitch logits prefer the pitches near a contour the network moves
        (stepwise motion is the default, a leap needs the contour to jump).
    cascade : bool
        Add :class:`VoiceCascade`: alto, tenor and bass see the pitches chosen by the voices above them (at the
        eighth notes before, at and after each one). Not with ``sixteenths``.
    meter : bool
        Each upsampling convolution also sees its steps' position in the bar (:class:`MetricPosition`: half notes,
        then quarters, then eighths), so the network can tie note changes to the beat.
    held_notes : bool
        Add :class:`HeldNotes`: per voice and eighth note, a separate new-note gate decides whether a note starts
        there or the previous one is held. Not with ``sixteenths`` or ``cascade``.
    tutti_rests : bool
        Add :class:`TuttiRests`: one rest gate per eighth note for all four voices, so they rest together (as
        Bach's do: 92 % of the training windows' resting voice-steps are steps where all four rest). Not with
        ``held_notes``.
    sixteenths : bool
        Add the sixteenth-level correction. Off by default: in a 40-epoch WGAN-GP run on the chorales it
        raised the share of one-step notes from 0.01 to 0.41 (Bach: 0.02), fragmenting the voices.
    seed : int or None
        Seed of the weight initialisers, in [0, 2**32 - 1].
    name : str

    Returns
    -------
    keras.Model
        ``(batch, latent_dim)`` → ``(batch, time_steps, n_pitches, 4)`` pitch probabilities in [0, 1] summing
        to at most 1 over each voice's pitches (in training with ``straight_through``: their one-hot choice).

    Raises
    ------
    ValueError
        If a size or option is out of range.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> g = build_conv_generator(16, width=32, seed=0)
    >>> g.output_shape
    (None, 64, 64, 4)
    """
    latent_dim = check_positive_int("latent_dim", latent_dim, maximum=4096)
    time_steps, n_pitches = _check_roll_shape(time_steps, n_pitches, pitch_offset)
    width = check_positive_int("width", width, maximum=MAX_WIDTH)
    if width < 2:
        raise ValueError(f"width={width} must be at least 2")
    norm = check_choice("norm", norm, GENERATOR_NORMS)
    meter = check_bool("meter", meter)
    if check_bool("cascade", cascade) and check_bool("sixteenths", sixteenths):
        raise ValueError("cascade=True needs sixteenths=False (the cascade sees the eighth-note choices)")
    if check_bool("held_notes", held_notes) and (sixteenths or cascade):
        raise ValueError("held_notes=True needs sixteenths=False and cascade=False (notes start on eighths, one voice "
                         "at a time)")
    if check_bool("tutti_rests", tutti_rests) and held_notes:
        raise ValueError("tutti_rests=True needs held_notes=False (a held note would carry a rest past the gate)")
    straight_through = check_bool("straight_through", straight_through)
    init = _initializers(seed)
    z = keras.Input((latent_dim,), name="z")
    x = keras.layers.Dense(time_steps // 16 * width, kernel_initializer=init(), name="project")(z)
    x = keras.layers.Reshape((time_steps // 16, width), name="to_time")(x)
    for i, channels in enumerate([width, max(width * 3 // 4, 1), max(width // 2, 1)]):
        layer = _norm_layer(norm, f"norm{i}")
        if layer is not None:
            x = layer(x)
        x = keras.layers.ReLU(name=f"relu{i}")(x)
        x = keras.layers.UpSampling1D(2, name=f"upsample{i}")(x)
        if meter:
            x = MetricPosition(2 ** (i + 1), name=f"meter{i}")(x)  # a bar is 2, 4, then 8 steps long here
        x = keras.layers.Conv1D(channels, 5, padding="same", kernel_initializer=init(), name=f"conv{i}")(x)
    layer = _norm_layer(norm, "norm3")
    if layer is not None:
        x = layer(x)
    eighths = keras.layers.ReLU(name="relu3")(x)  # (time_steps / 2, channels): one vector per eighth note
    n_logits = 4 * (n_pitches + 1)
    # Coarse logits per eighth note, each held for two sixteenth steps ...
    coarse = keras.layers.Conv1D(n_logits, 1, kernel_initializer=init(), name="eighth_logits")(eighths)
    if contour:
        centre = keras.layers.Conv1D(4, 1, kernel_initializer=init(), name="contour")(eighths)
        coarse = ContourLogits(pitch_offset, n_pitches, name="contour_logits")([centre, coarse])
    if held_notes or cascade:  # both work per voice on the eighth-note logits: (eighths, n_pitches + 1, 4)
        coarse = keras.layers.Reshape((time_steps // 2, 4, n_pitches + 1), name="eighth_per_voice")(coarse)
        coarse = keras.layers.Permute((1, 3, 2), name="eighth_pitch_axis")(coarse)
    if held_notes:
        gates = keras.layers.Conv1D(4, 1, kernel_initializer=init(), name="new_note")(eighths)
        out = HeldNotes(pitch_offset, n_pitches, hold=2, straight_through=straight_through,
                        name="held_notes")([coarse, gates])
        return keras.Model(z, out, name=name)
    if cascade:
        coarse = VoiceCascade(pitch_offset, n_pitches, name="voice_cascade")(coarse)
        coarse = keras.layers.Permute((1, 3, 2), name="eighth_voice_axis")(coarse)
        coarse = keras.layers.Reshape((time_steps // 2, n_logits), name="eighth_logits_flat")(coarse)
    coarse = keras.layers.UpSampling1D(2, name="hold")(coarse)
    x = coarse
    if sixteenths:
        # ... plus a sixteenth-level correction that starts at exactly zero, so training begins without one-step
        # notes and adds them where the critic does not object (measured in chapter 09: it objects too little).
        fine = keras.layers.UpSampling1D(2, name="upsample3")(eighths)
        fine = keras.layers.Conv1D(max(width // 2, 1), 5, padding="same", kernel_initializer=init(), name="conv3")(fine)
        layer = _norm_layer(norm, "norm_out")
        if layer is not None:
            fine = layer(fine)
        fine = keras.layers.ReLU(name="relu_out")(fine)
        fine = keras.layers.Conv1D(n_logits, 1, kernel_initializer="zeros", name="sixteenth_logits")(fine)
        x = keras.layers.Add(name="logits")([coarse, fine])
    x = keras.layers.Reshape((time_steps, 4, n_pitches + 1), name="per_voice")(x)
    x = keras.layers.Permute((1, 3, 2), name="pitch_axis")(x)
    if tutti_rests:
        # Starts open (bias 3: sigmoid 0.95), as nearly every step of the data sounds; one gate per eighth note.
        gate = keras.layers.Conv1D(1, 1, kernel_initializer=init(), bias_initializer=keras.initializers.Constant(3.0),
                                   name="sound_gate")(eighths)
        gate = keras.layers.UpSampling1D(2, name="hold_gate")(gate)
        out = TuttiRests(pitch_offset, n_pitches, straight_through=straight_through, name="tutti_rests")([x, gate])
        return keras.Model(z, out, name=name)
    out = VoiceSoftmax(pitch_offset, n_pitches, straight_through=straight_through, name="voice_softmax")(x)
    return keras.Model(z, out, name=name)


def _strided_critic(x, channels, *, norm, init, prefix=""):
    """``[Conv1D(4, stride 2) → norm (not the first) → LeakyReLU(0.2)]`` per entry of ``channels``, then one logit."""
    for i, c in enumerate(channels):
        conv = keras.layers.Conv1D(c, 4, strides=2, padding="same", kernel_initializer=init(), name=f"{prefix}down{i}")
        if norm == "spectral":
            conv = keras.layers.SpectralNormalization(conv, name=f"sn_{prefix}down{i}")
        x = conv(x)
        if norm == "layer" and i > 0:
            x = keras.layers.LayerNormalization(name=f"{prefix}norm{i}")(x)
        x = keras.layers.LeakyReLU(0.2, name=f"{prefix}lrelu{i}")(x)
    x = keras.layers.Flatten(name=f"{prefix}flatten")(x)
    dense = keras.layers.Dense(1, kernel_initializer=init(), name=f"{prefix}logit")
    if norm == "spectral":
        dense = keras.layers.SpectralNormalization(dense, name=f"sn_{prefix}logit")
    return dense(x)


def build_conv_discriminator(
    *,
    time_steps=64,
    n_pitches=N_PITCHES,
    width=64,
    norm="layer",
    intervals=False,
    motion=False,
    meter=False,
    onsets=False,
    rhythm_head=False,
    seed=None,
    name="conv_discriminator",
):
    """Build a DCGAN-style discriminator (critic) of four-voice piano rolls; it outputs one logit per roll.

    ``(time_steps, n_pitches, 4) → (time_steps, 4·n_pitches) → 4 × [Conv1D(stride 2) → norm → LeakyReLU(0.2)] →
    Dense(1)``. No sigmoid: the losses in :mod:`musiclib.gan.losses` take logits, and a Wasserstein critic is
    unbounded.

    Parameters
    ----------
    time_steps, n_pitches : int
        The roll's layout (``time_steps`` a multiple of 16).
    width : int
        Channels of the first convolution, doubled after it. 64 gives about 0.23 M weights.
    norm : {"layer", "spectral", "none"}
        ``"layer"``: layer normalisation (works with a gradient penalty, unlike batch norm, which mixes samples);
        ``"spectral"``: spectral normalisation of every kernel (a Lipschitz bound without a penalty).
    intervals : bool
        True: the first convolution also sees :class:`HarmonicIntervals` (the interval class between every two
        voices at every step) beside the flattened roll, so that a fifth looks the same at every pitch.
    motion : bool
        True: the first convolution also sees :class:`ParallelMotion` (parallel fifths, octaves and moves of every
        voice pair at every step), so that the critic can count parallels.
    meter : bool
        True: the first convolution also sees each step's position in the bar (:class:`MetricPosition`, 16
        sixteenth-note positions), so that the critic can tell a note starting on the beat from one starting off it.
    onsets : bool
        True: the first convolution also sees :class:`NoteOnsets`, where each voice starts a note (with ``meter``:
        where in the bar).
    rhythm_head : bool
        True: a second, small critic that sees nothing but the rhythm (:class:`NoteOnsets` with ``sounding``, and
        :class:`MetricPosition`: where each voice starts a note or rests, and where in the bar) adds its logit to the
        main one, so the rhythm has a pathway of its own instead of a few of the hundreds of channels the first
        convolution sees.
    seed : int or None
        Seed of the weight initialisers.
    name : str

    Returns
    -------
    keras.Model
        ``(batch, time_steps, n_pitches, 4)`` → ``(batch, 1)`` logits.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> d = build_conv_discriminator(width=16, seed=0)
    >>> d.output_shape
    (None, 1)
    """
    time_steps = check_positive_int("time_steps", time_steps, maximum=4096)
    if time_steps % 16:
        raise ValueError(f"time_steps={time_steps} must be a multiple of 16 (four stride-2 layers halve it)")
    n_pitches = check_positive_int("n_pitches", n_pitches, maximum=128)
    width = check_positive_int("width", width, maximum=MAX_WIDTH)
    norm = check_choice("norm", norm, DISCRIMINATOR_NORMS)
    intervals = check_bool("intervals", intervals)
    motion = check_bool("motion", motion)
    meter = check_bool("meter", meter)
    onsets = check_bool("onsets", onsets)
    rhythm_head = check_bool("rhythm_head", rhythm_head)
    init = _initializers(seed)
    roll = keras.Input((time_steps, n_pitches, 4), name="roll")
    x = keras.layers.Reshape((time_steps, n_pitches * 4), name="to_time")(roll)
    if intervals:
        x = keras.layers.Concatenate(name="with_intervals")([x, HarmonicIntervals(name="intervals")(roll)])
    if motion:
        x = keras.layers.Concatenate(name="with_motion")([x, ParallelMotion(name="motion")(roll)])
    if onsets:
        x = keras.layers.Concatenate(name="with_onsets")([x, NoteOnsets(name="onsets")(roll)])
    if meter:
        x = MetricPosition(16, name="meter")(x)
    logit = _strided_critic(x, [width, 2 * width, 2 * width, 2 * width], norm=norm, init=init)
    if rhythm_head:
        r = NoteOnsets(sounding=True, name="head_onsets")(roll)
        r = MetricPosition(16, name="head_meter")(r)
        head = _strided_critic(r, [max(width // 2, 1)] * 3, norm=norm, init=init, prefix="rhythm_")
        logit = keras.layers.Add(name="logits")([logit, head])
    return keras.Model(roll, logit, name=name)
