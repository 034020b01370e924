"""Benchmark: GAN training steps per second, musiclib.gan.GAN.fit against the naive train_on_batch loop.

Run ``python benchmarks/bench_train.py`` (64 timed generator updates per path, best of 3);
``--quick`` times 16 updates once. Every path trains the same models (``build_conv_generator(64)``
and ``build_conv_discriminator()`` with their defaults, equal seeds, Adam(2e-4, beta_1=0.5) for each
network) with the non-saturating loss, batch size 64, on the same 512 random binary piano rolls
shaped (64, 64, 4). Each path is warmed up first (tracing), then timed ``--repeats`` times; the best
run counts (the least disturbed by other processes); the repeats go round all paths in turn, so
that a change in the machine's load affects every path alike. Paths:

- ``GAN.fit``: our compiled ``train_step`` (chapters 08/09), ``steps_per_execution=8`` and 1;
- two prototype subclasses of ``GAN``: "two D passes" (D runs separately on the real and the fake
  batch, as the trainer did before it concatenated them) and "one G forward" (the fakes D learns
  from are reused for G's update, as in PyTorch's DCGAN tutorial, instead of a second generator
  pass on fresh noise);
- the naive loop of chapter 09 (``musiclib.gan.naive``): ``generator.predict`` (as the article
  writes it) or ``predict_on_batch``, two ``discriminator.train_on_batch`` calls and
  ``combined.train_on_batch``.

The script checks that ``GAN`` and the two-D-pass prototype give the same losses from the same
weights and noise (within 1e-3; the discriminator is per-sample, so one pass over the concatenated
batch is the same computation) and exits non-zero otherwise. See benchmarks/README.md for numbers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

BATCH = 64
POOL = 512
TOLERANCE = 1e-3


def make_rolls(n: int, seed: int = 0) -> np.ndarray:
    """``n`` random four-voice binary rolls (64 steps × 64 pitches × 4 voices), one held pitch per voice and step."""
    rng = np.random.default_rng(seed)
    rolls = np.zeros((n, 64, 64, 4), dtype=np.float32)
    pitch = rng.integers(0, 64, size=(n, 64, 4))
    rest = rng.random((n, 64, 4)) < 0.1
    i, t, v = np.nonzero(~rest)
    rolls[i, t, pitch[i, t, v], v] = 1.0
    return rolls


def _models():
    from musiclib.gan.models import build_conv_discriminator, build_conv_generator

    return build_conv_generator(64, seed=0), build_conv_discriminator(seed=1)


def _adam():
    import keras

    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


def _prototype_classes():
    """Two variants of :class:`musiclib.gan.GAN` (``d_steps=1``, no gradient penalty), for comparison.

    ``TwoPassGAN``: the discriminator step runs D twice, on the real and on the fake batch (as the
    trainer did before it concatenated them). ``ReuseFakeGAN``: one generator forward pass per step;
    the fakes D has just learned from are also the ones G's update goes through (PyTorch's DCGAN
    tutorial does this), instead of a second forward pass on fresh noise.
    """
    import tensorflow as tf

    from musiclib.gan import GAN
    from musiclib.gan.losses import discriminator_loss, generator_loss

    def unpack(self, data):
        real = data[0] if isinstance(data, (tuple, list)) else data
        real = tf.cast(real, self.discriminator.compute_dtype)
        return real, tf.shape(real)[0], self.discriminator.trainable_weights, self.generator.trainable_weights

    def finish(self, d_loss, g_loss):
        self.loss_tracker.update_state(d_loss + g_loss)
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {m.name: m.result() for m in self._trackers}

    class TwoPassGAN(GAN):
        def train_step(self, data):
            real, n, d_vars, g_vars = unpack(self, data)
            fake = self.generator(self._noise(n), training=True)
            with tf.GradientTape() as d_tape:
                real_logits = self.discriminator(real, training=True)
                fake_logits = self.discriminator(fake, training=True)
                d_loss = discriminator_loss(real_logits, fake_logits, kind=self.loss_kind)
            self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
            with tf.GradientTape() as g_tape:
                fake_logits = self.discriminator(self.generator(self._noise(n), training=True), training=True)
                g_loss = generator_loss(fake_logits, kind=self.loss_kind)
            self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return finish(self, d_loss, g_loss)

    class ReuseFakeGAN(GAN):
        def train_step(self, data):
            real, n, d_vars, g_vars = unpack(self, data)
            with tf.GradientTape() as g_tape:
                fake = self.generator(self._noise(n), training=True)
                with g_tape.stop_recording(), tf.GradientTape() as d_tape:
                    logits = self.discriminator(tf.concat([real, tf.stop_gradient(fake)], axis=0), training=True)
                    d_loss = discriminator_loss(logits[:n], logits[n:], kind=self.loss_kind)
                with g_tape.stop_recording():
                    self.d_optimizer.apply_gradients(zip(d_tape.gradient(d_loss, d_vars), d_vars))
                # D's variables are read after its update (TensorFlow orders stateful ops in program order).
                g_loss = generator_loss(self.discriminator(fake, training=True), kind=self.loss_kind)
            self.g_optimizer.apply_gradients(zip(g_tape.gradient(g_loss, g_vars), g_vars))
            return finish(self, d_loss, g_loss)

    return TwoPassGAN, ReuseFakeGAN


def _fit_path(cls, pool, steps_per_execution):
    """A runner ``run(steps)`` that trains a fresh GAN of class ``cls`` with ``fit`` for ``steps`` batches."""
    import tensorflow as tf

    gan = cls(*_models(), seed=0)
    gan.compile(_adam(), _adam(), loss_kind="nonsaturating", steps_per_execution=steps_per_execution)
    dataset = tf.data.Dataset.from_tensor_slices(pool).batch(BATCH, drop_remainder=True).repeat().prefetch(2)

    def run(steps):
        return gan.fit(dataset, steps_per_epoch=steps, epochs=1, shuffle=False, verbose=0).history

    return run


def _naive_path(pool, predict):
    from musiclib.gan.naive import build_naive_gan, naive_train_step

    with warnings.catch_warnings():
        # Timed as the article writes it, even where the generator's training mode computes differently.
        warnings.filterwarnings("ignore", message="generator.predict", category=UserWarning)
        parts = build_naive_gan(*_models(), learning_rate=2e-4, beta_1=0.5, predict=predict)
    rng = np.random.default_rng(0)
    n_batches = len(pool) // BATCH
    state = {"i": 0}

    def run(steps):
        for _ in range(steps):
            b = state["i"] % n_batches
            state["i"] += 1
            logs = naive_train_step(parts, pool[b * BATCH : (b + 1) * BATCH], seed=rng)
        return logs

    return run


def _best_time(run, steps, repeats) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        run(steps)
        best = min(best, time.perf_counter() - start)
    return best


def check_one_pass_equals_two(pool) -> float:
    """Largest relative difference of the first step's losses, GAN against the two-D-pass prototype."""
    import tensorflow as tf

    from musiclib.gan import GAN

    losses = []
    for cls in (GAN, _prototype_classes()[0]):
        gan = cls(*_models(), seed=0)
        gan.compile(_adam(), _adam(), loss_kind="nonsaturating")
        history = gan.fit(tf.constant(pool[:BATCH]), batch_size=BATCH, epochs=1, shuffle=False, verbose=0).history
        losses.append(np.array([history["d_loss"][0], history["g_loss"][0]]))
    return float(np.max(np.abs(losses[0] - losses[1]) / np.abs(losses[0])))


def main(argv=None) -> dict:
    """Run the benchmark, print a table and return the measured numbers as a dict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="16 timed generator updates, 1 repeat")
    parser.add_argument("--steps", type=int, default=None, help="timed generator updates per path and repeat "
                        "(a multiple of --steps-per-execution; default 64, 16 with --quick)")
    parser.add_argument("--repeats", type=int, default=None,
                        help="timed runs per path; the best counts (default 3, 1 with --quick)")
    parser.add_argument("--steps-per-execution", type=int, default=8, help="GAN.fit's steps_per_execution (default 8)")
    args = parser.parse_args(argv)
    steps = args.steps or (16 if args.quick else 64)
    repeats = args.repeats or (1 if args.quick else 3)
    spe = args.steps_per_execution
    if spe < 1 or steps < 1 or repeats < 1:
        parser.error("--steps, --repeats and --steps-per-execution must be positive integers")
    if steps % spe:
        parser.error(f"--steps={steps} must be a multiple of --steps-per-execution={spe}")

    import keras
    import tensorflow as tf

    from musiclib.gan import GAN
    from musiclib.gan.models import count_parameters

    load_start = os.getloadavg()
    pool = make_rolls(POOL)
    g, d = _models()
    print(f"python {platform.python_version()}, tensorflow {tf.__version__}, keras {keras.__version__}, "
          f"numpy {np.__version__}, {os.cpu_count()} CPUs")
    print(f"generator {count_parameters(g):,} weights, discriminator {count_parameters(d):,} weights; batch {BATCH}, "
          f"{steps} timed generator updates per path, best of {repeats}; load average {load_start[0]:.2f}")

    diff = check_one_pass_equals_two(pool)

    two_pass, reuse_fake = _prototype_classes()
    paths = {
        f"GAN.fit, steps_per_execution={spe}": lambda: _fit_path(GAN, pool, spe),
    }
    if spe != 1:
        paths["GAN.fit, steps_per_execution=1"] = lambda: _fit_path(GAN, pool, 1)
    paths[f"prototype: two D passes, spe={spe}"] = lambda: _fit_path(two_pass, pool, spe)
    paths[f"prototype: one G forward, spe={spe}"] = lambda: _fit_path(reuse_fake, pool, spe)
    paths["naive loop, predict_on_batch"] = lambda: _naive_path(pool, "predict_on_batch")
    paths["naive loop, predict (the article's)"] = lambda: _naive_path(pool, "predict")

    runs = {}
    for name, make in paths.items():
        runs[name] = make()
        runs[name](max(spe, 2))  # warm-up: traces the train functions, builds the optimizers
    # Round robin (every path once per repeat) so that a change in the machine's load hits all paths alike.
    best = dict.fromkeys(runs, np.inf)
    for r in range(repeats):
        for name, run in runs.items():
            best[name] = min(best[name], _best_time(run, steps, 1))
        so_far = ", ".join(f"{steps / best[n]:.2f}" for n in runs)
        print(f"  repeat {r + 1}/{repeats}: {so_far} steps/s (best so far), load {os.getloadavg()[0]:.2f}", flush=True)
    results = {name: {"steps_per_s": steps / seconds, "seconds": seconds} for name, seconds in best.items()}

    base = results["naive loop, predict (the article's)"]["steps_per_s"]
    print(f"{'path':40s} {'steps/s':>8s} {'x naive':>8s}")
    for name, r in results.items():
        r["ratio"] = r["steps_per_s"] / base
        print(f"{name:40s} {r['steps_per_s']:8.2f} {r['ratio']:8.2f}")
    ours = results[f"GAN.fit, steps_per_execution={spe}"]["ratio"]
    print(f"GAN.fit vs the naive loop: {ours:.2f}x (target >= 2x: {'met' if ours >= 2 else 'NOT met'})")
    ok = diff <= TOLERANCE
    print(f"GAN (one D pass) vs two D passes: first-step losses differ by {diff:.1e} relative "
          f"({'same' if ok else 'DIFFERENT'} within {TOLERANCE:g})")
    load_end = os.getloadavg()
    print(f"load average: {load_start[0]:.2f} at the start, {load_end[0]:.2f} at the end")
    results.update(equal=ok, max_rel_diff=diff, load=(load_start[0], load_end[0]))
    return results


if __name__ == "__main__":
    outcome = main()
    sys.exit(0 if outcome["equal"] else 1)
