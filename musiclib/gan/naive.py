"""The article's naive GAN loop, repaired so that it really trains in Keras 3.

Chapter: 09_training_a_music_gan (the sketch, its faults, and the repaired loop that
``benchmarks/bench_train.py`` times against :class:`musiclib.gan.GAN`).

This is the loop a student writes from the Keras 2 tutorials, one Keras call per
piece of work::

    fake = generator.predict(z)                          # host round trip
    discriminator.train_on_batch(real, ones)             # D update 1 (real → 1)
    discriminator.train_on_batch(fake, zeros)            # D update 2 (fake → 0)
    combined.train_on_batch(z, ones)                     # G update through the frozen D

with binary cross-entropy on logits (``from_logits=True``) and the non-saturating
generator loss (label 1 for fakes in the combined model), i.e. the ``"nonsaturating"``
kind of :mod:`musiclib.gan.losses`; ``build_naive_gan(..., predict=...)`` swaps
``predict`` for a cheaper call or for a call in training mode. It differs from :meth:`musiclib.gan.GAN.train_step`
in two ways: D takes two optimizer steps per batch (one on the real half, one on the
fake half, as the article does) instead of one on their sum, and every call goes through
Python, NumPy and a separately compiled Keras function.

The Keras 3 ``trainable`` trap, measured (Keras 3.15.1, TensorFlow 2.21, see
``tests/test_gan_naive.py``): a model's ``trainable`` flags are read when its train
function is **traced**, i.e. on the first ``train_on_batch``/``fit`` after ``compile()``
and on any retrace (a new batch shape), not at ``compile()`` time and not on later calls.

- Keras 2 recipe (``D.trainable = False`` before compiling the combined model, never set
  back): D's step does not move D (only a warning: "The model does not have any trainable
  weights"); G's step moves G only.
- Flag set back to True once, before the first call: D's step moves D, but G's step moves
  D **too** (D is trained on fakes labelled real).
- Flag set right before each call (this module): D's step moves D only, G's step G only.

Flipping the flag after a model's first call changes nothing (the traced step keeps its
variable list) until something forces a retrace; a retrace that sees a different flag
than the optimizer was built with fails with "Unknown variable ... This optimizer can
only be called for the variables it was originally built with". Setting the flag right
before every call therefore needs no recompiling (two compiled views, D and the combined
model, are enough) and keeps every trace right. :func:`build_naive_gan` can also build
the broken Keras 2 recipe (``recipe="keras2"``) so that the chapter can show it.

:func:`snapshot_weights` and :func:`weights_moved` make the article's faults measurable:
"D's weights move, G's do not" (the article's ``train_gan``, which trains D on the fakes
and calls that G's loss) or "G's move, D's do not" (the Keras 2 recipe).
"""

from __future__ import annotations

import contextlib
import math
import warnings
from dataclasses import dataclass

import keras
import numpy as np

from .._validation import check_choice, check_finite_array, check_positive_int
from .losses import MAX_SEED, _check_seed

__all__ = [
    "NaiveGAN",
    "RECIPES",
    "PREDICT_CALLS",
    "build_naive_gan",
    "naive_discriminator_step",
    "naive_generator_step",
    "naive_train_step",
    "naive_train",
    "snapshot_weights",
    "weights_moved",
]

#: How :func:`build_naive_gan` handles the discriminator's ``trainable`` flag:
#: ``"flip"`` sets it right before each Keras call (works in Keras 3); ``"keras2"`` is the
#: Keras 2 recipe (frozen before compiling the combined model, never set back), with which
#: the discriminator never trains in Keras 3.
RECIPES = ("flip", "keras2")

#: How the naive loop makes the discriminator's fake batch: ``generator.predict(z)`` (the
#: article's call, as tutorials write it), ``generator.predict_on_batch(z)`` or
#: ``generator(z, training=True)`` ("training"). Keras 3's ``predict`` sets up a data iterator
#: and callbacks on every call: measured 190 ms per call against 1.7 ms for
#: ``predict_on_batch`` (a batch of 64 through a tiny MLP, 2 busy CPU cores), far more than the
#: forward pass itself. Both predict calls run G in inference mode, while the combined model
#: trains G in training mode: for a generator whose two modes differ (batch norm, dropout, the
#: straight-through :class:`~musiclib.gan.models.VoiceSoftmax`), D then learns on other fakes
#: than the ones G is trained through; "training" avoids that.
PREDICT_CALLS = ("predict", "predict_on_batch", "training")

#: Most epochs :func:`naive_train` accepts (a guard against typos such as ``epochs=10**9``).
MAX_EPOCHS = 100_000


@dataclass
class NaiveGAN:
    """What the naive loop needs, as built by :func:`build_naive_gan`.

    Attributes
    ----------
    generator : keras.Model
        ``(batch, latent_dim)`` → samples; trained through ``combined``.
    discriminator : keras.Model
        Samples → ``(batch, 1)`` logits; compiled with binary cross-entropy on logits.
    combined : keras.Model
        ``z → discriminator(generator(z))``, compiled with its own optimizer; trains G only.
    latent_dim : int
    recipe : str
        One of :data:`RECIPES`.
    predict : str
        One of :data:`PREDICT_CALLS`.

    Chapter: 09_training_a_music_gan
    """

    generator: keras.Model
    discriminator: keras.Model
    combined: keras.Model
    latent_dim: int
    recipe: str = "flip"
    predict: str = "predict"


def _model_shape(model, attr):
    try:
        shape = getattr(model, attr)
    except (AttributeError, ValueError, TypeError):
        return None
    return tuple(shape) if isinstance(shape, (tuple, list)) else None


#: Layers that compute differently in training and in inference mode.
_MODE_DEPENDENT = ("BatchNormalization", "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
                   "GaussianDropout", "GaussianNoise", "AlphaDropout")


def _mode_dependent_layers(model) -> list:
    """Names of the layers of ``model`` (nested ones included) whose output depends on ``training``."""
    found, stack = [], list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop(0)
        if type(layer).__name__ in _MODE_DEPENDENT or getattr(layer, "straight_through", False) is True:
            found.append(layer.name)
        stack.extend(getattr(layer, "layers", []))
    return found


def _check_unit_interval(name, value, *, low_closed, high_closed):
    """Return ``float(value)`` if it is a finite number in the interval between 0 and 1."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
    if ok:
        value = float(value)
        ok = (value >= 0.0 if low_closed else value > 0.0) and (value <= 1.0 if high_closed else value < 1.0)
    if not ok:
        interval = f"{'[' if low_closed else '('}0, 1{']' if high_closed else ')'}"
        raise ValueError(f"{name}={value!r} must be a number in {interval}")
    return value


def build_naive_gan(
    generator, discriminator, *, learning_rate=2e-4, beta_1=0.5, recipe="flip", predict="predict"
) -> NaiveGAN:
    """Compile the discriminator and a combined ``z → D(G(z))`` model for the naive loop.

    Both get ``Adam(learning_rate, beta_1)`` (DCGAN's settings by default) and
    ``BinaryCrossentropy(from_logits=True)``. The discriminator is compiled in place:
    it gets an optimizer and its ``trainable`` flag is handled as ``recipe`` says.

    Parameters
    ----------
    generator : keras.Model
        Maps ``(batch, latent_dim)`` noise to samples, e.g.
        :func:`musiclib.gan.models.build_conv_generator`.
    discriminator : keras.Model
        Maps samples shaped like the generator's output to **one logit** each,
        ``(batch, 1)`` (no sigmoid), e.g. :func:`musiclib.gan.models.build_conv_discriminator`.
    learning_rate : float, keyword-only
        Adam's step size for both networks, in (0, 1].
    beta_1 : float, keyword-only
        Adam's first-moment decay, in [0, 1); 0.5 as in DCGAN.
    recipe : {"flip", "keras2"}, keyword-only
        ``"flip"`` (the repair): D's ``trainable`` flag is set to True before each D
        call and to False before each combined call, and left True afterwards.
        ``"keras2"`` (the broken recipe, for the chapter): compile D, set
        ``D.trainable = False``, compile the combined model, never set it back; in
        Keras 3, D then never trains.
    predict : {"predict", "predict_on_batch", "training"}, keyword-only
        The call that makes D's fake batch (see :data:`PREDICT_CALLS`): the
        article's ``generator.predict(z)``, the much cheaper
        ``generator.predict_on_batch(z)`` (both in inference mode), or
        ``generator(z, training=True)``, the mode the combined model trains G in.

    Returns
    -------
    NaiveGAN

    Warns
    -----
    UserWarning
        With ``predict="predict"`` or ``"predict_on_batch"`` when the generator has
        layers that compute differently in training mode (batch norm, dropout, a
        straight-through :class:`~musiclib.gan.models.VoiceSoftmax`): D would learn
        from other fakes than those G is trained through; pass ``predict="training"``.

    Raises
    ------
    ValueError
        If a network is not a ``keras.Model``, both are the same object, the
        discriminator does not output one logit per sample (the article's
        ``Conv2D(..., activation="sigmoid")`` + ``Flatten`` head outputs 24,576), the
        generator's output and the discriminator's input differ in shape, or
        ``learning_rate``, ``beta_1``, ``recipe`` or ``predict`` is out of range.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_generator, build_mlp_discriminator
    >>> parts = build_naive_gan(build_mlp_generator(4, 2, seed=0), build_mlp_discriminator(2, seed=1))
    >>> parts.latent_dim, parts.discriminator.trainable
    (4, True)
    """
    for name, net in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(net, keras.Model):
            raise ValueError(f"{name}={type(net).__name__} must be a keras.Model")
    if generator is discriminator:
        raise ValueError("generator and discriminator must be two different models")
    learning_rate = _check_unit_interval("learning_rate", learning_rate, low_closed=False, high_closed=True)
    beta_1 = _check_unit_interval("beta_1", beta_1, low_closed=True, high_closed=False)
    recipe = check_choice("recipe", recipe, RECIPES)
    predict = check_choice("predict", predict, PREDICT_CALLS)

    g_in, g_out = _model_shape(generator, "input_shape"), _model_shape(generator, "output_shape")
    d_in, d_out = _model_shape(discriminator, "input_shape"), _model_shape(discriminator, "output_shape")
    if g_in is None or len(g_in) != 2 or not isinstance(g_in[-1], int):
        raise ValueError(f"generator must take (batch, latent_dim) noise, got input shape {g_in}")
    if d_out is not None and d_out[1:] != (1,):
        n_out = math.prod(d for d in d_out[1:] if isinstance(d, int)) if d_out[1:] else 1
        extra = f" ({n_out} outputs per sample)" if n_out != 1 else ""
        raise ValueError(f"discriminator must output one logit per sample, shape (batch, 1), got {d_out}{extra}")
    if g_out is not None and d_in is not None and g_out[1:] != d_in[1:]:
        raise ValueError(f"the generator's output shape {g_out} must equal the discriminator's input shape {d_in}")
    latent_dim = int(g_in[-1])
    if predict != "training":
        layers = _mode_dependent_layers(generator)
        if layers:
            warnings.warn(
                f"generator.{predict} runs the generator in inference mode, but its layers {layers} compute "
                "differently in training mode (the mode the combined model trains it in): the discriminator would "
                "learn from other fakes than those the generator is trained through; pass predict='training'",
                UserWarning,
                stacklevel=2,
            )

    def adam():
        return keras.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1)

    # The Keras 2 order: compile D while trainable, freeze it, compile the stacked model.
    discriminator.trainable = True
    discriminator.compile(optimizer=adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    discriminator.trainable = False
    z = keras.Input((latent_dim,), name="z")
    combined = keras.Model(z, discriminator(generator(z)), name="combined")
    combined.compile(optimizer=adam(), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    if recipe == "flip":
        # Keras 3 reads the flag at the first call (trace), not here: set it back so
        # that D is an ordinary trainable model between steps.
        discriminator.trainable = True
    return NaiveGAN(generator, discriminator, combined, latent_dim, recipe, predict)


@contextlib.contextmanager
def _discriminator_trainable(parts, flag):
    """Set D's flag for one Keras call (recipe "flip"); leave it True afterwards."""
    if parts.recipe != "flip":
        yield
        return
    parts.discriminator.trainable = flag
    try:
        yield
    finally:
        parts.discriminator.trainable = True


def _check_parts(parts) -> NaiveGAN:
    if not isinstance(parts, NaiveGAN):
        raise ValueError(f"parts={type(parts).__name__} must be a NaiveGAN from build_naive_gan(...)")
    return parts


def _rng(seed):
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed={seed!r} must be an integer in [0, {MAX_SEED}] or a numpy Generator")
    return np.random.default_rng(_check_seed("seed", seed))


def _check_batch(parts, real_batch, name="real_batch") -> np.ndarray:
    arr = np.asarray(real_batch)
    if np.issubdtype(arr.dtype, np.bool_):
        arr = arr.astype(np.float32)  # binary piano rolls
    arr = check_finite_array(name, arr)
    expected = _model_shape(parts.discriminator, "input_shape")
    if expected is not None and all(isinstance(d, int) for d in expected[1:]) and tuple(arr.shape[1:]) != expected[1:]:
        shape = ", ".join(map(str, expected[1:]))
        raise ValueError(f"{name} must have shape (n, {shape}) like the discriminator's input, got {arr.shape}")
    return arr.astype(np.float32, copy=False)


def _noise(parts, rng, n) -> np.ndarray:
    return rng.standard_normal((n, parts.latent_dim)).astype(np.float32)


def naive_discriminator_step(parts, real_batch, *, seed=0):
    """One discriminator step of the naive loop: two ``train_on_batch`` calls.

    Draws ``z`` (``len(real_batch)`` standard-normal vectors), makes
    ``fake = generator.predict(z)`` (or another call, see
    :func:`build_naive_gan`), then
    ``discriminator.train_on_batch(real_batch, ones)`` and
    ``discriminator.train_on_batch(fake, zeros)``, with D's ``trainable`` flag True.
    The generator's weights do not change.

    Parameters
    ----------
    parts : NaiveGAN
        From :func:`build_naive_gan`.
    real_batch : np.ndarray [shape=(n, ...) like the discriminator's input]
        Real, finite samples (a boolean piano roll is converted to float32).
    seed : int or np.random.Generator, keyword-only
        Source of ``z``: an integer in [0, 2**32 - 1] seeds a fresh
        ``np.random.default_rng``; a Generator is drawn from (and advanced).

    Returns
    -------
    (float, float)
        The binary cross-entropies ``E[softplus(-D(real))]`` and
        ``E[softplus(D(fake))]``, each computed before its own update.

    Raises
    ------
    ValueError
        If ``parts`` is not a :class:`NaiveGAN`, ``real_batch`` is empty, not
        finite or misshapen, or ``seed`` is out of range.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_generator, build_mlp_discriminator
    >>> parts = build_naive_gan(build_mlp_generator(4, 2, seed=0), build_mlp_discriminator(2, seed=1))
    >>> d_real, d_fake = naive_discriminator_step(parts, np.ones((8, 2), "float32"), seed=0)
    """
    parts = _check_parts(parts)
    real = _check_batch(parts, real_batch)
    return _discriminator_step(parts, real, _rng(seed))


def _discriminator_step(parts, real, rng):
    n = len(real)
    z = _noise(parts, rng, n)
    if parts.predict == "predict":
        fake = parts.generator.predict(z, batch_size=n, verbose=0)
    elif parts.predict == "predict_on_batch":
        fake = parts.generator.predict_on_batch(z)
    else:
        fake = keras.ops.convert_to_numpy(parts.generator(z, training=True))
    with _discriminator_trainable(parts, True):
        d_real = parts.discriminator.train_on_batch(real, np.ones((n, 1), np.float32))
        d_fake = parts.discriminator.train_on_batch(fake, np.zeros((n, 1), np.float32))
    return float(d_real), float(d_fake)


def naive_generator_step(parts, batch_size, *, seed=0) -> float:
    """One generator step of the naive loop: ``combined.train_on_batch(z, ones)``.

    With D's ``trainable`` flag False during the call, so only G's weights change:
    the non-saturating generator loss ``E[softplus(-D(G(z)))]``.

    Parameters
    ----------
    parts : NaiveGAN
        From :func:`build_naive_gan`.
    batch_size : int
        Number of latent vectors, in [1, 2**20].
    seed : int or np.random.Generator, keyword-only
        Source of ``z``, as in :func:`naive_discriminator_step`.

    Returns
    -------
    float
        The generator's loss, computed before its update.

    Raises
    ------
    ValueError
        If ``parts`` is not a :class:`NaiveGAN` or ``batch_size`` or ``seed``
        is out of range.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_generator, build_mlp_discriminator
    >>> parts = build_naive_gan(build_mlp_generator(4, 2, seed=0), build_mlp_discriminator(2, seed=1))
    >>> g_loss = naive_generator_step(parts, 8, seed=0)
    """
    parts = _check_parts(parts)
    batch_size = check_positive_int("batch_size", batch_size, maximum=2**20)
    return _generator_step(parts, batch_size, _rng(seed))


def _generator_step(parts, n, rng):
    z = _noise(parts, rng, n)
    with _discriminator_trainable(parts, False):
        g_loss = parts.combined.train_on_batch(z, np.ones((n, 1), np.float32))
    return float(g_loss)


def naive_train_step(parts, real_batch, *, seed=0) -> dict:
    """One step of the naive loop: :func:`naive_discriminator_step`, then :func:`naive_generator_step`.

    The noise comes from one stream: ``z`` for the discriminator step is drawn
    first, a fresh ``z`` of the same size for the generator step second.

    Parameters
    ----------
    parts : NaiveGAN
        From :func:`build_naive_gan`.
    real_batch : np.ndarray [shape=(n, ...) like the discriminator's input]
        Real, finite samples.
    seed : int or np.random.Generator, keyword-only
        Source of both noise batches (see :func:`naive_discriminator_step`).

    Returns
    -------
    dict
        ``d_loss_real``, ``d_loss_fake``, ``d_loss`` (their sum, the
        ``"nonsaturating"`` :func:`~musiclib.gan.losses.discriminator_loss`) and
        ``g_loss`` (the ``"nonsaturating"`` :func:`~musiclib.gan.losses.generator_loss`),
        as floats, each computed before its own update.

    Raises
    ------
    ValueError
        As :func:`naive_discriminator_step`.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_generator, build_mlp_discriminator
    >>> parts = build_naive_gan(build_mlp_generator(4, 2, seed=0), build_mlp_discriminator(2, seed=1))
    >>> sorted(naive_train_step(parts, np.ones((8, 2), "float32"), seed=0))
    ['d_loss', 'd_loss_fake', 'd_loss_real', 'g_loss']
    """
    parts = _check_parts(parts)
    real = _check_batch(parts, real_batch)
    return _train_step(parts, real, _rng(seed))


def _train_step(parts, real, rng) -> dict:
    d_real, d_fake = _discriminator_step(parts, real, rng)
    g_loss = _generator_step(parts, len(real), rng)
    return {"d_loss_real": d_real, "d_loss_fake": d_fake, "d_loss": d_real + d_fake, "g_loss": g_loss}


def naive_train(parts, x, *, epochs=1, batch_size=64, seed=0) -> dict:
    """Train with the naive loop for whole epochs of shuffled batches.

    Each epoch shuffles ``x`` (with ``np.random.default_rng(seed)``, which also
    draws the noise) and runs :func:`naive_train_step` on every full batch; the
    last ``len(x) % batch_size`` samples of the shuffled order are left out
    (a smaller batch would make Keras retrace every step function).

    Parameters
    ----------
    parts : NaiveGAN
        From :func:`build_naive_gan`.
    x : np.ndarray [shape=(n, ...) like the discriminator's input]
        Real, finite training samples, at least ``batch_size`` of them.
    epochs : int, keyword-only
        Passes over ``x``, in [1, 100000].
    batch_size : int, keyword-only
        Samples per step, in [1, len(x)].
    seed : int, keyword-only
        In [0, 2**32 - 1].

    Returns
    -------
    dict
        ``{"d_loss": [...], "g_loss": [...], "d_loss_real": [...], "d_loss_fake": [...]}``,
        one mean per epoch (like ``keras.Model.fit``'s ``history.history``).

    Raises
    ------
    ValueError
        If an argument is out of range or ``x`` is not shaped like the discriminator's input.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_generator, build_mlp_discriminator
    >>> parts = build_naive_gan(build_mlp_generator(4, 2, seed=0), build_mlp_discriminator(2, seed=1))
    >>> history = naive_train(parts, np.ones((32, 2), "float32"), epochs=2, batch_size=16)
    >>> len(history["g_loss"])
    2
    """
    parts = _check_parts(parts)
    x = _check_batch(parts, x, name="x")
    epochs = check_positive_int("epochs", epochs, maximum=MAX_EPOCHS)
    batch_size = check_positive_int("batch_size", batch_size)
    if batch_size > len(x):
        raise ValueError(f"batch_size={batch_size} must be an integer in [1, {len(x)}] (len(x))")
    rng = np.random.default_rng(_check_seed("seed", seed))
    keys = ("d_loss", "g_loss", "d_loss_real", "d_loss_fake")
    history = {key: [] for key in keys}
    n_batches = len(x) // batch_size
    for _ in range(epochs):
        order = rng.permutation(len(x))
        sums = dict.fromkeys(keys, 0.0)
        for b in range(n_batches):
            logs = _train_step(parts, x[order[b * batch_size : (b + 1) * batch_size]], rng)
            for key in keys:
                sums[key] += logs[key]
        for key in keys:
            history[key].append(sums[key] / n_batches)
    return history


def snapshot_weights(model) -> list:
    """Copy every weight of ``model`` (trainable or not) to NumPy, for :func:`weights_moved`.

    Parameters
    ----------
    model : keras.Model or keras.layers.Layer

    Returns
    -------
    list of np.ndarray
        One array per entry of ``model.weights``, in that order.

    Raises
    ------
    ValueError
        If ``model`` is not a Keras layer or model.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_discriminator
    >>> len(snapshot_weights(build_mlp_discriminator(2, hidden=(4,))))  # two kernels, two biases
    4
    """
    if not isinstance(model, keras.layers.Layer):
        raise ValueError(f"model={type(model).__name__} must be a keras.Model or layer")
    return [np.array(w.numpy(), copy=True) for w in model.weights]


def weights_moved(model, before) -> float:
    """Largest absolute change of any weight of ``model`` since :func:`snapshot_weights`.

    0.0 means no weight changed at all, e.g. the discriminator under the Keras 2
    ``trainable`` recipe, or the generator under the article's ``train_gan``.

    Parameters
    ----------
    model : keras.Model or keras.layers.Layer
    before : list of np.ndarray
        ``snapshot_weights(model)`` taken earlier.

    Returns
    -------
    float
        ``max |w_now - w_before|`` over all weights (0.0 for a model without weights).

    Raises
    ------
    ValueError
        If ``model`` is not a Keras layer or model, or ``before`` does not match
        its weights in number or shapes.

    Chapter: 09_training_a_music_gan

    Examples
    --------
    >>> from musiclib.gan.models import build_mlp_discriminator
    >>> d = build_mlp_discriminator(2, hidden=(4,), seed=0)
    >>> before = snapshot_weights(d)
    >>> d.weights[-1].assign(d.weights[-1] + 0.5)  # doctest: +ELLIPSIS
    <...>
    >>> weights_moved(d, before)
    0.5
    """
    now = snapshot_weights(model)
    if isinstance(before, np.ndarray) or not isinstance(before, (list, tuple)) or len(before) != len(now):
        n = len(before) if isinstance(before, (list, tuple)) else type(before).__name__
        raise ValueError(f"before must be snapshot_weights(model): a list of {len(now)} arrays, got {n}")
    moved = 0.0
    for i, (w, b) in enumerate(zip(now, before)):
        b = np.asarray(b)
        if b.shape != w.shape:
            raise ValueError(f"before[{i}] has shape {b.shape}, model weight {i} has shape {w.shape}")
        if w.size:
            moved = max(moved, float(np.max(np.abs(w.astype(np.float64) - b.astype(np.float64)))))
    return moved
