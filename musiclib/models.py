"""Small neural networks: a numpy two-layer net with hand-written backprop, Keras MLPs, a chord dataset.

Chapters: 06_neural_networks (everything here), 07_gan_theory (``build_mlp``
for small discriminators and critics).

The numpy net exists to be read: its forward and backward passes are the
chain rule written out, and chapter 06 checks them against
``tf.GradientTape``. Everything else is Keras 3.
"""

from __future__ import annotations

import numpy as np

from ._validation import (
    check_choice,
    check_sequence,
    check_finite_array,
    check_in_range,
    check_nonnegative,
    check_positive,
    check_positive_int,
    check_seed,
)

__all__ = [
    "ACTIVATIONS",
    "activation",
    "init_tiny_net",
    "tiny_net_forward",
    "tiny_net_backward",
    "tiny_net_loss_and_gradients",
    "tiny_net_gradients_tf",
    "train_tiny_net",
    "chord_chroma",
    "chord_dataset",
    "build_mlp",
    "build_mlp_classifier",
    "MAX_MLP_PARAMS",
]

#: Activation functions known to :func:`activation` (and to the tiny net).
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")

_LEAKY_SLOPE = 0.2

#: Most weights a tiny net may have (80 MB of float64): a larger one is almost surely a typo.
_MAX_TINY_NET_WEIGHTS = 10**7
#: Most parameters :func:`build_mlp` builds (400 MB of float32); the course's largest model has 4.6 million.
MAX_MLP_PARAMS = 10**8
#: Most gradient-descent steps :func:`train_tiny_net` takes (its loss history is kept in memory).
_MAX_STEPS = 10**7


# ---------------------------------------------------------------------------
# Activations
# ---------------------------------------------------------------------------


def activation(x, name: str = "relu"):
    """Return an activation function and its derivative, evaluated at ``x``.

    ============ ========================= ===========================
    name         value                     derivative
    ============ ========================= ===========================
    sigmoid      σ(x) = 1 / (1 + e^-x)     σ(x)(1 - σ(x))
    tanh         tanh x                    1 - tanh² x
    relu         max(0, x)                 1 if x > 0 else 0
    leaky_relu   x if x > 0 else 0.2x      1 if x > 0 else 0.2
    linear       x                         1
    ============ ========================= ===========================

    Chapter: 06_neural_networks

    Parameters
    ----------
    x : np.ndarray
        Pre-activations, any shape.
    name : str
        One of :data:`ACTIVATIONS`.

    Returns
    -------
    value, derivative : np.ndarray
        Both shaped like ``x``.

    Raises
    ------
    ValueError
        If ``name`` is unknown or ``x`` is not a finite numeric array.

    Examples
    --------
    >>> value, slope = activation(np.array([-1.0, 2.0]), "relu")
    >>> value.tolist(), slope.tolist()
    ([0.0, 2.0], [0.0, 1.0])
    """
    check_choice("name", name, ACTIVATIONS)
    x = check_finite_array("x", x, min_ndim=0).astype(float)
    if name == "sigmoid":
        # 0.5·(1 + tanh(x/2)) equals σ(x) without overflowing exp(-x) for large negative x.
        value = 0.5 * (1.0 + np.tanh(0.5 * x))
        return value, value * (1.0 - value)
    if name == "tanh":
        value = np.tanh(x)
        return value, 1.0 - value**2
    if name == "relu":
        return np.maximum(x, 0.0), (x > 0).astype(float)
    if name == "leaky_relu":
        return np.where(x > 0, x, _LEAKY_SLOPE * x), np.where(x > 0, 1.0, _LEAKY_SLOPE)
    return x.copy(), np.ones_like(x)


# ---------------------------------------------------------------------------
# A two-layer network in numpy, with backpropagation by hand
# ---------------------------------------------------------------------------


def init_tiny_net(n_inputs: int, n_hidden: int, n_outputs: int = 1, *, seed: int = 0) -> dict:
    """Initialise a two-layer network ``x → act(x W1 + b1) → h W2 + b2``.

    Weights are drawn from the Glorot-uniform distribution (Keras' default
    for ``Dense``), biases start at zero.

    Chapter: 06_neural_networks

    Parameters
    ----------
    n_inputs, n_hidden, n_outputs : int
        Layer widths; at most 10 million weights in all.
    seed : int
        Seed of the numpy generator, a non-negative integer.

    Returns
    -------
    dict
        ``W1`` (n_inputs, n_hidden), ``b1`` (n_hidden,), ``W2`` (n_hidden, n_outputs), ``b2`` (n_outputs,).

    Raises
    ------
    ValueError
        If a width is not a positive integer, the net would have more than
        10 million weights, or ``seed`` is not a non-negative integer.

    Examples
    --------
    >>> params = init_tiny_net(2, 4, 1, seed=0)
    >>> params["W1"].shape, params["b2"].shape
    ((2, 4), (1,))
    """
    n_inputs = check_positive_int("n_inputs", n_inputs)
    n_hidden = check_positive_int("n_hidden", n_hidden)
    n_outputs = check_positive_int("n_outputs", n_outputs)
    n_weights = n_hidden * (n_inputs + n_outputs)
    if n_weights > _MAX_TINY_NET_WEIGHTS:
        raise ValueError(
            f"n_inputs={n_inputs}, n_hidden={n_hidden}, n_outputs={n_outputs} give {n_weights} weights; "
            f"the tiny net allows at most {_MAX_TINY_NET_WEIGHTS}"
        )
    rng = np.random.default_rng(check_seed("seed", seed, allow_none=False))

    def glorot(fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=(fan_in, fan_out))

    return {
        "W1": glorot(n_inputs, n_hidden),
        "b1": np.zeros(n_hidden),
        "W2": glorot(n_hidden, n_outputs),
        "b2": np.zeros(n_outputs),
    }


def _check_params(params):
    """The tiny net's parameters: finite real arrays W1 (i, h), b1 (h,), W2 (h, o), b2 (o,)."""
    if not isinstance(params, dict) or set(params) != {"W1", "b1", "W2", "b2"}:
        raise ValueError("params must be a dict with keys W1, b1, W2, b2 (see init_tiny_net)")
    out = {k: check_finite_array(f"params[{k!r}]", v).astype(float) for k, v in params.items()}
    W1, b1, W2, b2 = (out[k] for k in ("W1", "b1", "W2", "b2"))
    if W1.ndim != 2 or W2.ndim != 2 or b1.shape != (W1.shape[1],) or W2.shape[0] != W1.shape[1] or b2.shape != (W2.shape[1],):
        raise ValueError(
            "params must have shapes W1 (n_inputs, n_hidden), b1 (n_hidden,), W2 (n_hidden, n_outputs), b2 (n_outputs,); "
            f"got {', '.join(f'{k} {v.shape}' for k, v in out.items())}"
        )
    return out


def tiny_net_forward(params: dict, x, *, hidden_activation: str = "tanh"):
    """Forward pass of the two-layer net; keeps what the backward pass needs.

    ``a = x W1 + b1``, ``h = act(a)``, ``logits = h W2 + b2``.

    Chapter: 06_neural_networks

    Parameters
    ----------
    params : dict
        From :func:`init_tiny_net`.
    x : np.ndarray [shape=(batch, n_inputs)]
        Inputs.
    hidden_activation : str
        One of :data:`ACTIVATIONS`.

    Returns
    -------
    logits : np.ndarray [shape=(batch, n_outputs)]
    cache : dict
        ``x``, ``a``, ``h`` and the activation's derivative ``dh_da``.

    Raises
    ------
    ValueError
        If ``params`` is malformed, ``x`` has the wrong shape, or the activation is unknown.
    """
    params = _check_params(params)
    check_choice("hidden_activation", hidden_activation, ACTIVATIONS)
    x = check_finite_array("x", x, min_ndim=2).astype(float)
    if x.ndim != 2 or x.shape[1] != params["W1"].shape[0]:
        raise ValueError(f"x must have shape (batch, {params['W1'].shape[0]}), got {x.shape}")
    a = x @ params["W1"] + params["b1"]
    h, dh_da = activation(a, hidden_activation)
    logits = h @ params["W2"] + params["b2"]
    return logits, {"x": x, "a": a, "h": h, "dh_da": dh_da}


def tiny_net_backward(params: dict, cache: dict, d_logits):
    """Backward pass: gradients of a loss with respect to every parameter, by the chain rule.

    Given ``∂L/∂logits`` (shape (batch, n_outputs)):

    - ``∂L/∂W2 = hᵀ · ∂L/∂logits``, ``∂L/∂b2 = Σ_batch ∂L/∂logits``
    - ``∂L/∂h = ∂L/∂logits · W2ᵀ``, ``∂L/∂a = ∂L/∂h ⊙ act'(a)``
    - ``∂L/∂W1 = xᵀ · ∂L/∂a``, ``∂L/∂b1 = Σ_batch ∂L/∂a``

    Chapter: 06_neural_networks

    Parameters
    ----------
    params : dict
        From :func:`init_tiny_net`.
    cache : dict
        From :func:`tiny_net_forward`.
    d_logits : np.ndarray [shape=(batch, n_outputs)]
        Gradient of the loss with respect to the logits.

    Returns
    -------
    dict
        ``W1``, ``b1``, ``W2``, ``b2``: gradients shaped like the parameters.

    Raises
    ------
    ValueError
        If ``params`` or ``cache`` is malformed, or ``d_logits`` does not
        match the forward pass.
    """
    params = _check_params(params)
    cache = _check_cache(cache, params)
    d_logits = check_finite_array("d_logits", d_logits, min_ndim=2).astype(float)
    expected = (cache["h"].shape[0], params["W2"].shape[1])
    if d_logits.shape != expected:
        raise ValueError(f"d_logits must have shape {expected}, got {d_logits.shape}")
    d_h = d_logits @ params["W2"].T
    d_a = d_h * cache["dh_da"]
    return {
        "W1": cache["x"].T @ d_a,
        "b1": d_a.sum(axis=0),
        "W2": cache["h"].T @ d_logits,
        "b2": d_logits.sum(axis=0),
    }


def _check_cache(cache, params):
    """The dict from :func:`tiny_net_forward` for these ``params``."""
    keys = {"x", "a", "h", "dh_da"}
    if not isinstance(cache, dict) or not keys <= set(cache):
        raise ValueError("cache must be the dict returned by tiny_net_forward (keys x, a, h, dh_da)")
    out = {k: check_finite_array(f"cache[{k!r}]", cache[k], min_ndim=2).astype(float) for k in keys}
    n_inputs, n_hidden = params["W1"].shape
    batch = out["x"].shape[0]
    if out["x"].shape != (batch, n_inputs) or any(out[k].shape != (batch, n_hidden) for k in ("a", "h", "dh_da")):
        raise ValueError(f"cache does not match params: expected x (batch, {n_inputs}) and a, h, dh_da (batch, {n_hidden})")
    return out


def _check_targets(y, shape):
    """Binary targets, one per logit, reshaped to ``shape`` (batch, n_outputs)."""
    y = check_finite_array("y", y, min_ndim=1).astype(float)
    if y.size != int(np.prod(shape)) or y.shape[0] != shape[0] or np.any((y != 0) & (y != 1)):
        raise ValueError(f"y must hold {shape[0]} binary targets (0 or 1) per output, shape {shape}; got shape {y.shape}")
    return y.reshape(shape)


def tiny_net_loss_and_gradients(params: dict, x, y, *, hidden_activation: str = "tanh"):
    """Mean binary cross-entropy of the tiny net on logits, and its gradients by hand.

    ``L = mean(softplus(z) - y·z)`` (the stable form of
    ``-y log σ(z) - (1 - y) log(1 - σ(z))``), so ``∂L/∂z = (σ(z) - y) / batch``.

    Chapter: 06_neural_networks

    Parameters
    ----------
    params : dict
        From :func:`init_tiny_net` (with ``n_outputs=1``).
    x : np.ndarray [shape=(batch, n_inputs)]
    y : np.ndarray [shape=(batch,) or (batch, 1)]
        Binary targets, 0 or 1.
    hidden_activation : str
        One of :data:`ACTIVATIONS`.

    Returns
    -------
    loss : float
    grads : dict
        Gradients shaped like ``params``.

    Raises
    ------
    ValueError
        If ``y`` is not binary or does not match ``x``.

    See Also
    --------
    tiny_net_gradients_tf : the same numbers from ``tf.GradientTape``.
    """
    logits, cache = tiny_net_forward(params, x, hidden_activation=hidden_activation)
    y = _check_targets(y, logits.shape)
    loss = float(np.mean(np.logaddexp(0.0, logits) - y * logits))
    sigma = 0.5 * (1.0 + np.tanh(0.5 * logits))
    d_logits = (sigma - y) / logits.size
    return loss, tiny_net_backward(params, cache, d_logits)


def tiny_net_gradients_tf(params: dict, x, y, *, hidden_activation: str = "tanh"):
    """The loss and gradients of :func:`tiny_net_loss_and_gradients`, computed by ``tf.GradientTape``.

    An independent check of the hand-written backward pass: TensorFlow
    differentiates the same forward computation automatically (float64).

    Chapter: 06_neural_networks

    Returns
    -------
    loss : float
    grads : dict
        ``W1``, ``b1``, ``W2``, ``b2`` as numpy arrays.

    Raises
    ------
    ValueError
        As :func:`tiny_net_loss_and_gradients`.
    """
    import tensorflow as tf

    params = _check_params(params)
    check_choice("hidden_activation", hidden_activation, ACTIVATIONS)
    x = check_finite_array("x", x, min_ndim=2).astype(float)
    if x.ndim != 2 or x.shape[1] != params["W1"].shape[0]:
        raise ValueError(f"x must have shape (batch, {params['W1'].shape[0]}), got {x.shape}")
    y = _check_targets(y, (x.shape[0], params["W2"].shape[1]))
    variables = {k: tf.Variable(v, dtype=tf.float64) for k, v in params.items()}
    act = {
        "sigmoid": tf.sigmoid,
        "tanh": tf.tanh,
        "relu": tf.nn.relu,
        "leaky_relu": lambda t: tf.maximum(t, _LEAKY_SLOPE * t),
        "linear": tf.identity,
    }[hidden_activation]
    with tf.GradientTape() as tape:
        h = act(tf.constant(x) @ variables["W1"] + variables["b1"])
        logits = h @ variables["W2"] + variables["b2"]
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=logits))
    grads = tape.gradient(loss, variables)
    return float(loss), {k: g.numpy() for k, g in grads.items()}


def train_tiny_net(x, y, *, n_hidden: int = 8, learning_rate: float = 0.5, steps: int = 2000,
                   hidden_activation: str = "tanh", seed: int = 0):
    """Train the tiny net by full-batch gradient descent with the hand-written gradients.

    Chapter: 06_neural_networks

    Parameters
    ----------
    x : np.ndarray [shape=(batch, n_inputs)]
    y : np.ndarray [shape=(batch,)]
        Binary targets.
    n_hidden : int
        Hidden units.
    learning_rate : float
        Step size of gradient descent.
    steps : int
        Number of updates, at most 10 million.
    hidden_activation : str
        One of :data:`ACTIVATIONS`.
    seed : int
        Initialisation seed.

    Returns
    -------
    params : dict
        Trained parameters.
    losses : np.ndarray [shape=(steps,)]
        Loss before each update.

    Raises
    ------
    ValueError
        If a parameter is out of range, ``x``/``y`` are malformed (as in
        :func:`tiny_net_loss_and_gradients`), or training diverges (the loss
        stops being finite: lower ``learning_rate``).

    Examples
    --------
    >>> xor_x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    >>> params, losses = train_tiny_net(xor_x, np.array([0, 1, 1, 0]), steps=3000)
    >>> bool(losses[-1] < 0.05)
    True
    """
    n_hidden = check_positive_int("n_hidden", n_hidden)
    learning_rate = check_positive("learning_rate", learning_rate)
    steps = check_positive_int("steps", steps, maximum=_MAX_STEPS)
    x = check_finite_array("x", x, min_ndim=2)
    if x.ndim != 2:
        raise ValueError(f"x must have shape (batch, n_inputs), got {x.shape}")
    params = init_tiny_net(x.shape[1], n_hidden, 1, seed=seed)
    losses = np.empty(steps)
    for step in range(steps):
        with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported just below
            losses[step], grads = tiny_net_loss_and_gradients(params, x, y, hidden_activation=hidden_activation)
            params = {k: params[k] - learning_rate * grads[k] for k in params}
        if not (np.isfinite(losses[step]) and all(np.all(np.isfinite(v)) for v in params.values())):
            raise ValueError(f"learning_rate={learning_rate!r}: training diverged at step {step} (non-finite loss or weights)")
    return params, losses


# ---------------------------------------------------------------------------
# Course data: chroma vectors of chords
# ---------------------------------------------------------------------------


def chord_chroma(midi_pitches, *, n_harmonics: int = 6, rolloff: float = 1.0):
    """Chroma vector (12 pitch-class energies) of notes sounding together, overtones included.

    Each note of MIDI pitch ``m`` contributes ``1 / k**rolloff`` of energy at
    each harmonic ``k = 1 … n_harmonics``, whose pitch class is
    ``round(m + 12·log2 k) mod 12``: harmonic 3 adds a fifth, harmonic 5 a
    major third. So a real chroma is never just the chord's pitch classes,
    which is what makes telling major from minor a learning problem. The
    vector is scaled to sum to 1.

    Chapter: 06_neural_networks

    Parameters
    ----------
    midi_pitches : sequence of int [shape=(n,)]
        MIDI numbers of the notes (repeats and octave doublings count).
    n_harmonics : int
        Harmonics per note (1 = pure pitch classes), at most 10,000.
    rolloff : float
        Harmonic ``k`` has weight ``1/k**rolloff``.

    Returns
    -------
    np.ndarray [shape=(12,)]
        Energies per pitch class (C = 0 … B = 11), summing to 1.

    Raises
    ------
    ValueError
        If the pitches are empty or outside MIDI 0-127, or a parameter is out of range.

    Examples
    --------
    >>> chroma = chord_chroma([60, 64, 67], n_harmonics=1)  # C major, no overtones
    >>> np.flatnonzero(chroma).tolist()
    [0, 4, 7]
    """
    pitches = check_finite_array("midi_pitches", midi_pitches, min_ndim=1)
    if pitches.ndim != 1:
        raise ValueError(f"midi_pitches must be one-dimensional, got shape {pitches.shape}")
    if np.any(pitches < 0) or np.any(pitches > 127):
        raise ValueError("midi_pitches must lie in MIDI 0-127")
    n_harmonics = check_positive_int("n_harmonics", n_harmonics, maximum=10_000)
    rolloff = check_nonnegative("rolloff", rolloff)
    k = np.arange(1, n_harmonics + 1)
    classes = np.round(pitches[:, None] + 12.0 * np.log2(k)[None, :]).astype(int) % 12
    weights = np.broadcast_to(1.0 / k**rolloff, classes.shape)
    chroma = np.bincount(classes.ravel(), weights=weights.ravel(), minlength=12)
    return chroma / chroma.sum()


def chord_dataset(n_examples: int, *, qualities=("maj", "min"), noise: float = 0.05, n_harmonics: int = 6,
                  extra_note_prob: float = 0.3, seed: int = 0):
    """Random voicings of chords as chroma vectors, labelled by chord quality.

    Each example draws a quality from ``qualities`` (balanced), a root
    (MIDI 48-59, any of the 12 pitch classes), an inversion, up to two
    octave doublings of chord tones, with probability ``extra_note_prob`` one
    random extra note in C4-B4 (usually a non-chord tone, like a passing note), then computes :func:`chord_chroma` and
    adds Gaussian noise of standard deviation ``noise`` (clipped at 0,
    rescaled to sum 1).

    Chapter: 06_neural_networks

    Parameters
    ----------
    n_examples : int
        Number of chords, at most 1,000,000.
    qualities : sequence of str
        Keys of ``musiclib.theory.CHORD_QUALITIES``; the label is the index in this sequence.
    noise : float
        Standard deviation of the added noise, in [0, 1] (chroma entries average 1/12 ≈ 0.083).
    n_harmonics : int
        Overtones per note, see :func:`chord_chroma`.
    extra_note_prob : float
        Probability of one added non-chord tone, in [0, 1].
    seed : int
        Seed of the numpy generator, a non-negative integer.

    Returns
    -------
    x : np.ndarray [shape=(n_examples, 12), dtype=float32]
        Chroma vectors.
    y : np.ndarray [shape=(n_examples,), dtype=int64]
        Quality labels (indices into ``qualities``).
    qualities : tuple of str
        The class names.

    Raises
    ------
    ValueError
        If a quality is unknown or repeated, or a parameter is out of range.

    Examples
    --------
    >>> x, y, names = chord_dataset(8, seed=1)
    >>> x.shape, names
    ((8, 12), ('maj', 'min'))
    """
    from . import theory

    n_examples = check_positive_int("n_examples", n_examples, maximum=1_000_000)
    qualities = check_sequence("qualities", qualities, "a sequence of chord qualities, e.g. ('maj', 'min')")
    for quality in qualities:
        check_choice("qualities", quality, tuple(theory.CHORD_QUALITIES))
    if len(qualities) < 2 or len(set(qualities)) != len(qualities):
        raise ValueError(f"qualities={qualities!r} must hold at least two distinct chord qualities")
    noise = check_nonnegative("noise", noise, maximum=1.0)
    n_harmonics = check_positive_int("n_harmonics", n_harmonics, maximum=10_000)
    extra_note_prob = check_in_range("extra_note_prob", extra_note_prob, 0.0, 1.0)
    rng = np.random.default_rng(check_seed("seed", seed, allow_none=False))
    labels = rng.permutation(np.arange(n_examples) % len(qualities))
    x = np.empty((n_examples, 12))
    for i, label in enumerate(labels):
        quality = qualities[label]
        n_notes = len(theory.CHORD_QUALITIES[quality])
        notes = theory.chord(int(rng.integers(48, 60)), quality, inversion=int(rng.integers(n_notes)))
        doubled = rng.choice(notes, size=int(rng.integers(0, 3)), replace=False)
        notes = list(notes) + [int(p) + 12 * int(rng.choice([-1, 1])) for p in doubled]
        if rng.random() < extra_note_prob:
            notes.append(int(rng.integers(60, 72)))
        chroma = chord_chroma(notes, n_harmonics=n_harmonics) + rng.normal(0.0, noise, size=12)
        chroma = np.clip(chroma, 0.0, None)
        x[i] = chroma / max(chroma.sum(), 1e-12)
    return x.astype(np.float32), labels.astype(np.int64), qualities


# ---------------------------------------------------------------------------
# Keras builders
# ---------------------------------------------------------------------------


def _check_keras_activation(name: str, value) -> None:
    """A name (or callable) that ``keras.activations.get`` understands."""
    import keras

    if not (isinstance(value, str) or callable(value)):
        raise ValueError(f"{name}={value!r} must be a Keras activation name such as 'relu', or a callable")
    try:
        keras.activations.get(value)
    except (ValueError, TypeError):
        raise ValueError(f"{name}={value!r} is not a Keras activation (e.g. 'relu', 'tanh', 'sigmoid', 'leaky_relu')") from None


def build_mlp(input_dim: int, *, hidden=(64,), output_dim: int = 1, activation: str = "relu",
              output_activation=None, dropout: float = 0.0, l2: float = 0.0, seed=None, name: str = "mlp"):
    """Build a fully connected network (uncompiled ``keras.Sequential``).

    ``Dense → activation → [Dropout]`` per hidden layer, then a ``Dense``
    output layer with ``output_activation`` (None = linear, i.e. logits).

    Chapter: 06_neural_networks (also the small discriminators of 07_gan_theory)

    Parameters
    ----------
    input_dim : int
        Number of input features.
    hidden : sequence of int
        Widths of the hidden layers (may be empty: a linear model).
    output_dim : int
        Output units.
    activation : str
        Keras activation of the hidden layers.
    output_activation : str or None
        Keras activation of the output layer.
    dropout : float
        Dropout rate after each hidden layer, in [0, 1).
    l2 : float
        L2 weight-decay factor on every kernel (0 = none).
    seed : int >= 0 or None
        Seed of the weight initialisers and dropout (reproducible models).
    name : str
        Model name.

    Returns
    -------
    keras.Sequential

    Raises
    ------
    ValueError
        If a size is not a positive integer, the network would have more than
        :data:`MAX_MLP_PARAMS` (100 million) parameters, ``dropout``/``l2``
        are out of range, ``seed`` is not a non-negative integer or None, an
        activation is unknown to Keras, or ``name`` is not a string.

    Examples
    --------
    >>> model = build_mlp(12, hidden=(32, 32), output_dim=2, seed=0)
    >>> model.output_shape
    (None, 2)
    """
    import keras

    input_dim = check_positive_int("input_dim", input_dim)
    output_dim = check_positive_int("output_dim", output_dim)
    try:
        hidden = tuple(hidden)
    except TypeError:
        raise ValueError(f"hidden={hidden!r} must be a sequence of positive integers") from None
    hidden = tuple(check_positive_int("hidden", units) for units in hidden)
    widths = (input_dim, *hidden, output_dim)
    n_params = sum((a + 1) * b for a, b in zip(widths[:-1], widths[1:]))
    if n_params > MAX_MLP_PARAMS:
        raise ValueError(
            f"input_dim={input_dim}, hidden={hidden}, output_dim={output_dim} give {n_params} parameters; "
            f"build_mlp allows at most {MAX_MLP_PARAMS}"
        )
    dropout = check_in_range("dropout", dropout, 0.0, 0.999)
    l2 = check_nonnegative("l2", l2)
    seed = check_seed("seed", seed)
    _check_keras_activation("activation", activation)
    if output_activation is not None:
        _check_keras_activation("output_activation", output_activation)
    if not isinstance(name, str) or not name:
        raise ValueError(f"name={name!r} must be a non-empty string")
    regularizer = keras.regularizers.L2(l2) if l2 > 0 else None

    def init(i):
        return keras.initializers.GlorotUniform(seed=None if seed is None else seed + i)

    layers = [keras.Input((input_dim,))]
    for i, units in enumerate(hidden):
        layers.append(keras.layers.Dense(units, activation=activation, kernel_initializer=init(i),
                                         kernel_regularizer=regularizer))
        if dropout > 0:
            layers.append(keras.layers.Dropout(dropout, seed=None if seed is None else seed + 1000 + i))
    layers.append(keras.layers.Dense(output_dim, activation=output_activation, kernel_initializer=init(len(hidden)),
                                     kernel_regularizer=regularizer))
    return keras.Sequential(layers, name=name)


def build_mlp_classifier(input_dim: int, n_classes: int, *, hidden=(64,), activation: str = "relu",
                         dropout: float = 0.0, l2: float = 0.0, learning_rate: float = 1e-3, seed=None,
                         name: str = "mlp_classifier"):
    """Build and compile an MLP classifier (softmax output, sparse categorical cross-entropy, Adam).

    Chapter: 06_neural_networks

    Parameters
    ----------
    input_dim : int
        Number of input features.
    n_classes : int
        Number of classes, at least 2 (and at most :data:`MAX_MLP_PARAMS`);
        labels are integers ``0 … n_classes-1``.
    hidden, activation, dropout, l2, seed, name
        As in :func:`build_mlp`.
    learning_rate : float
        Adam step size.

    Returns
    -------
    keras.Sequential
        Compiled with ``metrics=["accuracy"]``; train with ``model.fit(x, y, verbose=0)``.

    Raises
    ------
    ValueError
        If ``n_classes < 2`` or another parameter is out of range.

    Examples
    --------
    >>> model = build_mlp_classifier(12, 2, hidden=(16,), seed=0)
    >>> model.output_shape
    (None, 2)
    """
    import keras

    n_classes = check_positive_int("n_classes", n_classes, maximum=MAX_MLP_PARAMS)
    if n_classes < 2:
        raise ValueError(f"n_classes={n_classes!r} must be an integer >= 2")
    learning_rate = check_positive("learning_rate", learning_rate)
    model = build_mlp(input_dim, hidden=hidden, output_dim=n_classes, activation=activation,
                      output_activation="softmax", dropout=dropout, l2=l2, seed=seed, name=name)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
