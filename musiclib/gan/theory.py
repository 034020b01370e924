"""GAN theory made numeric: optimal discriminator, divergences, Wasserstein-1, small trained D and critics.

Chapter: 07_gan_theory (every function here; the chapter checks each claim of
the theory with these helpers and pytest checks them again in
``tests/test_gan_theory.py``).

Densities are sampled on a grid ``x`` (1-D, increasing) and integrated with the
trapezoid rule; divergences are in nats (natural logarithm). Samples are
numpy arrays of shape ``(n,)`` or ``(n, 1)``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import xlogy

from .._validation import check_choice, check_finite_array, check_nonnegative, check_positive, check_positive_int
from .losses import LOSS_KINDS, discriminator_loss, gradient_penalty

__all__ = [
    "CRITIC_CONSTRAINTS",
    "optimal_discriminator",
    "optimal_discriminator_symbolic",
    "value_function",
    "generator_criterion",
    "kl_divergence",
    "js_divergence",
    "wasserstein1_samples",
    "wasserstein1_densities",
    "generator_logit_gradient",
    "train_discriminator",
    "train_critic",
    "critic_estimate",
    "input_gradient_norms",
]

#: Ways of keeping a Wasserstein critic (roughly) 1-Lipschitz, for :func:`train_critic`.
CRITIC_CONSTRAINTS = ("gradient_penalty", "clip", "none")


def _check_grid(x):
    x = check_finite_array("x", x, min_ndim=1)
    if x.ndim != 1 or x.size < 2 or np.any(np.diff(x) <= 0):
        raise ValueError(f"x must be a strictly increasing 1-D grid of at least 2 points, got shape {x.shape}")
    return x.astype(float)


def _check_density(name, p, x):
    p = check_finite_array(name, p, min_ndim=1).astype(float)
    if p.shape != x.shape:
        raise ValueError(f"{name} must have the shape of the grid x {x.shape}, got {p.shape}")
    if np.any(p < 0):
        raise ValueError(f"{name} must be non-negative (a density)")
    return p


def _integrate(values, x):
    return float(np.trapezoid(values, x))


def optimal_discriminator(p, q):
    """The optimal discriminator ``D*(x) = p(x) / (p(x) + q(x))`` for a fixed generator.

    ``p`` is the data density, ``q`` the generator's density at the same
    points. Where both are zero, no example ever lands and any D is optimal;
    we return 1/2 there.

    Chapter: 07_gan_theory

    Parameters
    ----------
    p, q : np.ndarray
        Non-negative densities at the same points, same shape.

    Returns
    -------
    np.ndarray
        ``D*`` in [0, 1], shaped like ``p``.

    Raises
    ------
    ValueError
        If the inputs differ in shape, are negative, empty or not finite.

    Examples
    --------
    >>> optimal_discriminator(np.array([3.0, 1.0, 0.0]), np.array([1.0, 1.0, 0.0])).tolist()
    [0.75, 0.5, 0.5]
    """
    p = check_finite_array("p", p, min_ndim=0, allow_empty=False).astype(float)
    q = check_finite_array("q", q, min_ndim=0, allow_empty=False).astype(float)
    if p.shape != q.shape:
        raise ValueError(f"p and q must have the same shape, got {p.shape} and {q.shape}")
    if np.any(p < 0) or np.any(q < 0):
        raise ValueError("p and q must be non-negative (densities)")
    total = p + q
    return np.divide(p, total, out=np.full_like(total, 0.5), where=total > 0)


def optimal_discriminator_symbolic():
    """Derive ``D* = p / (p + q)`` with sympy by maximising ``p log D + q log(1 - D)`` over D.

    For fixed ``x`` the integrand of the value function is
    ``f(D) = p log D + q log(1 - D)`` with ``p, q > 0``; it is concave in D
    (``f'' < 0``), so its single stationary point ``f'(D) = 0`` is the maximum.

    Chapter: 07_gan_theory

    Returns
    -------
    dict
        sympy objects: ``symbols`` (D, p, q), ``objective`` f(D),
        ``derivative`` f'(D), ``solutions`` (list of roots of f'),
        ``d_star`` (the root), ``second_derivative`` f''(D) and
        ``value_at_optimum`` f(D*).

    Examples
    --------
    >>> import sympy as sp
    >>> steps = optimal_discriminator_symbolic()
    >>> D, p, q = steps["symbols"]
    >>> sp.simplify(steps["d_star"] - p / (p + q))
    0
    """
    import sympy as sp

    D = sp.Symbol("D", positive=True)
    p, q = sp.symbols("p q", positive=True)
    objective = p * sp.log(D) + q * sp.log(1 - D)
    derivative = sp.diff(objective, D)
    solutions = sp.solve(sp.Eq(derivative, 0), D)
    d_star = sp.simplify(solutions[0])
    second = sp.simplify(sp.diff(objective, D, 2))
    return {
        "symbols": (D, p, q),
        "objective": objective,
        "derivative": derivative,
        "solutions": solutions,
        "d_star": d_star,
        "second_derivative": second,
        "value_at_optimum": sp.simplify(objective.subs(D, d_star)),
    }


def value_function(d, p, q, x):
    """The GAN value function ``V(D, G) = ∫ p log D + q log(1 - D) dx`` on a grid.

    ``V = E_{x~p}[log D(x)] + E_{x~q}[log(1 - D(x))]``, with ``q`` the density of
    ``G(z)``. The discriminator maximises V, the generator minimises it. Terms
    with zero density count as 0 (``0 · log 0 = 0``).

    Chapter: 07_gan_theory

    Parameters
    ----------
    d : np.ndarray [shape=(n,)]
        Discriminator outputs D(x) in [0, 1] at the grid points.
    p, q : np.ndarray [shape=(n,)]
        Data and generator densities at the grid points.
    x : np.ndarray [shape=(n,)]
        Strictly increasing grid.

    Returns
    -------
    float
        V(D, G) in nats (-inf if D puts 0 where p > 0, or 1 where q > 0).

    Raises
    ------
    ValueError
        If shapes differ, ``d`` leaves [0, 1], or a density is negative.

    Examples
    --------
    >>> from scipy.stats import norm
    >>> x = np.linspace(-10, 10, 2001)
    >>> p = norm.pdf(x)
    >>> round(value_function(np.full_like(x, 0.5), p, p, x), 4)  # D = 1/2: 2 log(1/2) = -log 4
    -1.3863
    """
    x = _check_grid(x)
    p, q = _check_density("p", p, x), _check_density("q", q, x)
    d = _check_density("d", d, x)
    if np.any(d > 1):
        raise ValueError("d must lie in [0, 1] (discriminator probabilities)")
    with np.errstate(divide="ignore"):
        integrand = xlogy(p, d) + xlogy(q, 1.0 - d)
    return _integrate(integrand, x)


def generator_criterion(p, q, x):
    """``C(G) = max_D V(D, G) = V(D*, G)``, the generator's objective once D is optimal.

    Goodfellow et al. (2014, Theorem 1) show ``C(G) = -log 4 + 2·JSD(p ‖ q)``,
    minimal (``-log 4``) exactly when ``q = p``.

    Chapter: 07_gan_theory

    Parameters
    ----------
    p, q : np.ndarray [shape=(n,)]
        Data and generator densities on the grid.
    x : np.ndarray [shape=(n,)]
        Strictly increasing grid.

    Returns
    -------
    float
        C(G) in nats.

    See Also
    --------
    js_divergence, value_function

    Examples
    --------
    >>> from scipy.stats import norm
    >>> x = np.linspace(-10, 10, 2001)
    >>> round(generator_criterion(norm.pdf(x), norm.pdf(x), x), 4)  # q = p: the minimum -log 4
    -1.3863
    """
    x = _check_grid(x)
    p, q = _check_density("p", p, x), _check_density("q", q, x)
    # p log D* + q log(1 - D*) with 1 - D* written as q/(p + q): forming D* first
    # rounds it to exactly 1 where q << p, and log(1 - 1) = -inf although q > 0.
    total = p + q
    safe = np.where(total > 0, total, 1.0)
    return _integrate(xlogy(p, p / safe) + xlogy(q, q / safe), x)


def kl_divergence(p, q, x):
    """Kullback–Leibler divergence ``KL(p ‖ q) = ∫ p log(p / q) dx`` on a grid, in nats.

    Chapter: 07_gan_theory

    Parameters
    ----------
    p, q : np.ndarray [shape=(n,)]
        Densities on the grid (not renormalised).
    x : np.ndarray [shape=(n,)]
        Strictly increasing grid.

    Returns
    -------
    float
        ``inf`` when ``q = 0`` somewhere ``p > 0``.

    Raises
    ------
    ValueError
        If the grid is not strictly increasing or a density is negative,
        not finite or shaped unlike the grid.

    Examples
    --------
    >>> from scipy.stats import norm
    >>> x = np.linspace(-12, 12, 4801)
    >>> round(kl_divergence(norm.pdf(x, 0, 1), norm.pdf(x, 1, 1), x), 4)  # (μ1 - μ2)² / 2
    0.5
    """
    x = _check_grid(x)
    p, q = _check_density("p", p, x), _check_density("q", q, x)
    if np.any((q == 0) & (p > 0)):
        return float("inf")
    with np.errstate(divide="ignore", invalid="ignore"):
        integrand = xlogy(p, p) - xlogy(p, q)
    return _integrate(integrand, x)


def js_divergence(p, q, x):
    """Jensen–Shannon divergence ``½KL(p ‖ m) + ½KL(q ‖ m)``, ``m = (p + q)/2``, in nats.

    Symmetric, always finite, between 0 (``p = q``) and ``log 2`` (disjoint
    supports). Note that ``scipy.spatial.distance.jensenshannon`` returns the
    square root of this (a distance) for probability vectors.

    Chapter: 07_gan_theory

    Parameters
    ----------
    p, q : np.ndarray [shape=(n,)]
        Densities on the grid.
    x : np.ndarray [shape=(n,)]
        Strictly increasing grid.

    Returns
    -------
    float

    Examples
    --------
    >>> from scipy.stats import norm
    >>> x = np.linspace(-10, 10, 2001)
    >>> p, q = norm.pdf(x, -5, 0.5), norm.pdf(x, 5, 0.5)  # (numerically) disjoint supports
    >>> round(js_divergence(p, q, x), 3)  # log 2
    0.693
    """
    x = _check_grid(x)
    p, q = _check_density("p", p, x), _check_density("q", q, x)
    m = 0.5 * (p + q)
    return 0.5 * kl_divergence(p, m, x) + 0.5 * kl_divergence(q, m, x)


def wasserstein1_samples(u, v):
    """Wasserstein-1 (earth mover's) distance between two 1-D samples, in closed form.

    In 1-D, ``W1 = ∫ |F_u(t) - F_v(t)| dt`` (F = empirical CDF). For equal
    sample sizes this is the mean distance between matched sorted samples,
    ``mean |sort(u) - sort(v)|``: the optimal transport plan moves the i-th
    smallest point of one sample to the i-th smallest of the other.

    Chapter: 07_gan_theory

    Parameters
    ----------
    u, v : np.ndarray [shape=(n,) or (n, 1)]
        Samples (sizes may differ).

    Returns
    -------
    float
        W1, in the units of the samples.

    Raises
    ------
    ValueError
        If a sample is empty, not finite or not one-dimensional.

    See Also
    --------
    scipy.stats.wasserstein_distance : the same quantity.

    Examples
    --------
    >>> wasserstein1_samples(np.array([0.0, 1.0]), np.array([3.0, 2.0]))
    2.0
    """
    u, v = (check_finite_array(name, s, min_ndim=1).astype(float) for name, s in (("u", u), ("v", v)))
    for name, s in (("u", u), ("v", v)):
        if s.ndim > 2 or (s.ndim == 2 and s.shape[1] != 1):
            raise ValueError(f"{name} must be a 1-D sample of shape (n,) or (n, 1), got {s.shape}")
    u, v = np.sort(u.ravel()), np.sort(v.ravel())
    if u.size == v.size:
        return float(np.mean(np.abs(u - v)))
    # Unequal sizes: integrate |F_u - F_v| between consecutive points of the merged sample.
    t = np.sort(np.concatenate([u, v]))
    cdf_u = np.searchsorted(u, t[:-1], side="right") / u.size
    cdf_v = np.searchsorted(v, t[:-1], side="right") / v.size
    return float(np.sum(np.abs(cdf_u - cdf_v) * np.diff(t)))


def wasserstein1_densities(p, q, x):
    """Wasserstein-1 distance between two 1-D densities on a grid, ``∫ |F_p - F_q| dx``.

    The densities are normalised to integrate to 1 on the grid first.

    Chapter: 07_gan_theory

    Parameters
    ----------
    p, q : np.ndarray [shape=(n,)]
        Densities on the grid (each with positive mass).
    x : np.ndarray [shape=(n,)]
        Strictly increasing grid.

    Returns
    -------
    float

    Examples
    --------
    >>> x = np.linspace(-10, 13, 4601)
    >>> p = np.exp(-x**2 / 2); q = np.exp(-(x - 3)**2 / 2)  # a shift by 3
    >>> round(wasserstein1_densities(p, q, x), 3)
    3.0
    """
    x = _check_grid(x)
    p, q = _check_density("p", p, x), _check_density("q", q, x)

    def cdf(density, name):
        steps = 0.5 * (density[1:] + density[:-1]) * np.diff(x)
        total = steps.sum()
        if total <= 0:
            raise ValueError(f"{name} must have positive mass on the grid")
        return np.concatenate([[0.0], np.cumsum(steps)]) / total

    return _integrate(np.abs(cdf(p, "p") - cdf(q, "q")), x)


def generator_logit_gradient(fake_logits, kind: str = "nonsaturating"):
    """Derivative of the generator's per-example loss with respect to its logit, derived by hand.

    With ``f`` the discriminator's logit on a fake and ``σ`` the sigmoid:

    ============== ====================== ================================
    kind           per-example loss       d loss / d f
    ============== ====================== ================================
    minimax        log(1 - σ(f))          -σ(f)            (→ 0 as D → 0)
    nonsaturating  -log σ(f)              -(1 - σ(f))      (→ -1 as D → 0)
    wasserstein    -f                     -1
    hinge          -f                     -1
    least_squares  ½(f - 1)²              f - 1
    ============== ====================== ================================

    The generator's parameters θ receive ``d loss/d f · d f/d θ`` (chain
    rule), so a vanishing factor here starves the generator.

    Chapter: 07_gan_theory

    Parameters
    ----------
    fake_logits : np.ndarray
        Logits ``f``, any shape.
    kind : str
        One of ``musiclib.gan.losses.LOSS_KINDS``.

    Returns
    -------
    np.ndarray
        The derivative, shaped like ``fake_logits``.

    Examples
    --------
    >>> generator_logit_gradient(np.array([0.0]), "minimax").tolist()
    [-0.5]
    """
    check_choice("kind", kind, LOSS_KINDS)
    f = check_finite_array("fake_logits", fake_logits, min_ndim=0).astype(float)
    sigma = 0.5 * (1.0 + np.tanh(0.5 * f))
    if kind == "minimax":
        return -sigma
    if kind == "nonsaturating":
        return -(1.0 - sigma)
    if kind == "least_squares":
        return f - 1.0
    return -np.ones_like(f)


# ---------------------------------------------------------------------------
# Small trained discriminators and critics (TensorFlow)
# ---------------------------------------------------------------------------


def _as_column(name, sample):
    arr = check_finite_array(name, sample, min_ndim=1).astype(np.float32)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (n,) or (n, dim), got {arr.shape}")
    return arr


def _check_pair(real, fake):
    real, fake = _as_column("real", real), _as_column("fake", fake)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"real and fake must have the same number of features, got {real.shape} and {fake.shape}")
    return real, fake


def _batches(real, fake, batch_size, seed):
    """Infinite stream of (real, fake) minibatches drawn with replacement, as a tf function of a step."""
    import tensorflow as tf

    real_t, fake_t = tf.constant(real), tf.constant(fake)
    if batch_size is None:
        return lambda: (real_t, fake_t)
    generator = tf.random.Generator.from_seed(seed)

    def draw():
        i = generator.uniform([batch_size], maxval=real.shape[0], dtype=tf.int32)
        j = generator.uniform([batch_size], maxval=fake.shape[0], dtype=tf.int32)
        return tf.gather(real_t, i), tf.gather(fake_t, j)

    return draw


def train_discriminator(real, fake, *, hidden=(32, 32), steps: int = 800, learning_rate: float = 1e-2,
                        batch_size=None, seed: int = 0):
    """Train a small MLP discriminator with binary cross-entropy on two fixed samples.

    Minimises ``discriminator_loss(kind="minimax")``, i.e. maximises the value
    function V(D, G) for a *fixed* generator. With enough capacity and data,
    ``sigmoid(model(x))`` approaches ``D*(x) = p(x) / (p(x) + q(x))``.

    Chapter: 07_gan_theory

    Parameters
    ----------
    real, fake : np.ndarray [shape=(n,) or (n, dim)]
        Samples of the data and of the generator.
    hidden : sequence of int
        Hidden widths of the MLP (tanh activations, smooth outputs).
    steps : int
        Adam updates.
    learning_rate : float
        Adam step size.
    batch_size : int or None
        Minibatch size (drawn with replacement), or None for full batches.
    seed : int
        Seed of the initialisation and of the minibatches.

    Returns
    -------
    model : keras.Model
        Outputs logits; ``D(x) = sigmoid(model(x))``.
    losses : np.ndarray [shape=(steps,)]
        Loss per step (``log 4 - loss`` estimates ``log 4 + V``; the loss is
        ``-V`` at the sample).
    """
    return _train(real, fake, objective="discriminator", hidden=hidden, steps=steps, learning_rate=learning_rate,
                  batch_size=batch_size, seed=seed, constraint="none", gp_weight=0.0, clip_value=1.0)[:2]


def train_critic(real, fake, *, constraint: str = "gradient_penalty", hidden=(32, 32), steps: int = 800,
                 learning_rate: float = 1e-3, batch_size=None, gp_weight: float = 10.0, clip_value: float = 0.05,
                 seed: int = 0):
    """Train a Wasserstein critic on two fixed samples; its estimate approaches W1 when it is 1-Lipschitz.

    Minimises ``E[c(fake)] - E[c(real)]`` (``discriminator_loss(kind="wasserstein")``)
    plus, depending on ``constraint``:

    - ``"gradient_penalty"``: ``gradient_penalty(critic, real, fake, gp_weight)``
      (WGAN-GP). The penalty is soft, so the critic's slope settles a little
      above 1 and the estimate ``E[c(real)] - E[c(fake)]`` slightly *above*
      W1: about ``(1 + W1 / (2·gp_weight))·W1`` in chapter 07's one-parameter
      model (1.13·W1 measured there for W1 ≈ 2.5, λ = 10).
    - ``"clip"``: every weight clipped to ``[-clip_value, clip_value]`` after
      each step (the original WGAN). The critic is then K-Lipschitz for some
      unknown K, so its estimate is ``≈ K·W1`` at best, not W1.
    - ``"none"``: no constraint. The supremum is infinite, so the estimate
      keeps growing: it measures nothing.

    Chapter: 07_gan_theory

    Parameters
    ----------
    real, fake : np.ndarray [shape=(n,) or (n, dim)]
        Samples of the data and of the generator.
    constraint : str
        One of :data:`CRITIC_CONSTRAINTS`.
    hidden : sequence of int
        Hidden widths of the MLP (tanh activations).
    steps : int
        Adam updates.
    learning_rate : float
        Adam step size.
    batch_size : int or None
        Minibatch size, or None for full batches.
    gp_weight : float
        Penalty weight λ (``constraint="gradient_penalty"``).
    clip_value : float
        Clipping bound c (``constraint="clip"``).
    seed : int
        Seed of the initialisation, minibatches and penalty draws.

    Returns
    -------
    critic : keras.Model
        Outputs unbounded scores.
    history : dict of np.ndarray [shape=(steps,)]
        ``"loss"`` (including the penalty) and ``"estimate"``
        (``E[c(real)] - E[c(fake)]`` on the batch, before each update).

    Raises
    ------
    ValueError
        If ``constraint`` is unknown or a parameter is out of range.
    """
    check_choice("constraint", constraint, CRITIC_CONSTRAINTS)
    model, losses, estimates = _train(real, fake, objective="critic", hidden=hidden, steps=steps,
                                      learning_rate=learning_rate, batch_size=batch_size, seed=seed,
                                      constraint=constraint, gp_weight=gp_weight, clip_value=clip_value)
    return model, {"loss": losses, "estimate": estimates}


def _train(real, fake, *, objective, hidden, steps, learning_rate, batch_size, seed, constraint, gp_weight,
           clip_value):
    import keras
    import tensorflow as tf

    from ..models import build_mlp

    real, fake = _check_pair(real, fake)
    steps = check_positive_int("steps", steps)
    learning_rate = check_positive("learning_rate", learning_rate)
    if batch_size is not None:
        batch_size = check_positive_int("batch_size", batch_size)
    gp_weight = check_nonnegative("gp_weight", gp_weight)
    clip_value = check_positive("clip_value", clip_value)
    model = build_mlp(real.shape[1], hidden=hidden, output_dim=1, activation="tanh", seed=seed, name=objective)
    optimizer = keras.optimizers.Adam(learning_rate)
    draw = _batches(real, fake, batch_size, seed)
    penalty_seed = keras.random.SeedGenerator(seed)
    variables = model.trainable_variables

    @tf.function
    def step():
        r, f = draw()
        with tf.GradientTape() as tape:
            real_out, fake_out = model(r, training=True), model(f, training=True)
            if objective == "discriminator":
                loss = discriminator_loss(real_out, fake_out, kind="minimax")
            else:
                loss = discriminator_loss(real_out, fake_out, kind="wasserstein")
                if constraint == "gradient_penalty":
                    loss += gradient_penalty(model, r, f, weight=gp_weight, seed=penalty_seed)
        grads = tape.gradient(loss, variables)
        optimizer.apply_gradients(zip(grads, variables))
        if constraint == "clip":
            for v in variables:
                v.assign(tf.clip_by_value(v, -clip_value, clip_value))
        return loss, tf.reduce_mean(real_out) - tf.reduce_mean(fake_out)

    if constraint == "clip":
        # Start inside the clipping box too.
        for v in variables:
            v.assign(keras.ops.clip(v.value, -clip_value, clip_value))
    losses, estimates = np.empty(steps), np.empty(steps)
    for i in range(steps):
        loss, estimate = step()
        losses[i], estimates[i] = float(loss), float(estimate)
    return model, losses, estimates


def critic_estimate(critic, real, fake) -> float:
    """The Kantorovich–Rubinstein estimate ``E[c(real)] - E[c(fake)]`` of a critic on two samples.

    Equals W1 when ``c`` is the optimal 1-Lipschitz critic; any 1-Lipschitz
    ``c`` gives a lower bound.

    Chapter: 07_gan_theory

    Parameters
    ----------
    critic : callable
        Maps an array of shape (n, dim) to scores (n, 1), e.g. from :func:`train_critic`.
    real, fake : np.ndarray [shape=(n,) or (n, dim)]
        Samples.

    Returns
    -------
    float
    """
    import keras

    real, fake = _check_pair(real, fake)
    score = lambda s: float(np.mean(keras.ops.convert_to_numpy(critic(s))))  # noqa: E731
    return score(real) - score(fake)


def input_gradient_norms(model, x):
    """``‖∇ₓ model(x)‖`` at each point: the local slope the Lipschitz constraint is about.

    Chapter: 07_gan_theory

    Parameters
    ----------
    model : callable
        Maps (n, dim) to (n, 1) scores.
    x : np.ndarray [shape=(n,) or (n, dim)]
        Points.

    Returns
    -------
    np.ndarray [shape=(n,)]
    """
    import tensorflow as tf

    x = tf.constant(_as_column("x", x))
    with tf.GradientTape() as tape:
        tape.watch(x)
        out = model(x)
    grads = tape.gradient(out, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    return np.sqrt(np.sum(grads.numpy() ** 2, axis=1))
