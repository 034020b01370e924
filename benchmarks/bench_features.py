"""Benchmark: MFCC throughput of musiclib.features (NumPy, batched), its TensorFlow path and librosa.

Run ``python benchmarks/bench_features.py`` (or ``make bench``); ``--quick`` uses fewer, shorter clips.
All three paths see the same synthesised, seeded clips (chirps, chords and noise), are warmed up
before timing (librosa's first call compiles with numba) and are checked for equality: the largest
difference must stay within 1e-4 of the largest magnitude. librosa runs clip by clip, as its users
do; our paths take the whole batch in one call. Each path is timed ``--repeats`` times and the best
run counts (the least disturbed by other processes). See benchmarks/README.md for measured numbers.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import numpy as np

TOLERANCE = 1e-4


def make_clips(n_clips: int, seconds: float, sr: int, seed: int = 0) -> np.ndarray:
    """Synthesise ``n_clips`` seeded float32 clips of ``seconds`` s: chirps, harmonic chords and noise."""
    rng = np.random.default_rng(seed)
    n = int(round(seconds * sr))
    t = np.arange(n) / sr
    clips = np.empty((n_clips, n), dtype=np.float32)
    for i in range(n_clips):
        kind = i % 3
        if kind == 0:
            f0, f1 = rng.uniform(50, 500), rng.uniform(1000, sr / 2.5)
            clip = np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * seconds)))
        elif kind == 1:
            clip = np.zeros(n)
            for f in rng.uniform(110, 880, size=3):
                for h in range(1, 6):
                    clip += np.sin(2 * np.pi * f * h * t + rng.uniform(0, 2 * np.pi)) / h
            clip *= np.exp(-t % 1.0 * 3)
        else:
            clip = rng.standard_normal(n) * np.linspace(0.05, 1.0, n)
        clips[i] = 0.5 * clip / np.max(np.abs(clip))
    return clips


def _best_time(func, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def _max_rel_diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))) / np.max(np.abs(b)))


def main(argv=None) -> dict:
    """Run the benchmark, print a table and return the measured numbers as a dict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 clips of 2 s instead of 64 clips of 10 s")
    parser.add_argument("--clips", type=int, default=None, help="number of clips (overrides --quick)")
    parser.add_argument("--seconds", type=float, default=None, help="clip length in s (overrides --quick)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per path; the best counts")
    parser.add_argument("--sr", type=int, default=22050, help="sample rate in Hz")
    parser.add_argument("--no-tf", action="store_true", help="skip the TensorFlow path")
    args = parser.parse_args(argv)
    n_clips = args.clips or (8 if args.quick else 64)
    seconds = args.seconds or (2.0 if args.quick else 10.0)

    import librosa

    from musiclib import features

    params = dict(sr=args.sr, n_mfcc=20, n_fft=2048, hop_length=512, n_mels=128)
    clips = make_clips(n_clips, seconds, args.sr)
    print(f"{n_clips} clips of {seconds:g} s at {args.sr} Hz, float32; MFCC {params}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, librosa {librosa.__version__}, "
          f"{os.cpu_count()} CPUs, FFT workers {features.FFT_WORKERS}")

    def run_librosa():
        return np.stack([librosa.feature.mfcc(y=clip, **params) for clip in clips])

    def run_numpy():
        return features.mfcc(clips, **params)

    paths = {"librosa (clip by clip)": run_librosa, "musiclib numpy (batched)": run_numpy}
    if not args.no_tf:
        import tensorflow as tf

        clips_tf = tf.constant(clips)

        def run_tf():
            return features.mfcc_tf(clips_tf, **params).numpy()

        paths["musiclib tf.signal (batched)"] = run_tf

    results = {}
    reference = None
    for name, func in paths.items():
        out = func()  # warm-up: numba compilation, TF graph/kernels, FFT plans
        if reference is None:
            reference = out
        diff = _max_rel_diff(out, reference)
        seconds_taken = _best_time(func, args.repeats)
        results[name] = {"clips_per_s": n_clips / seconds_taken, "seconds": seconds_taken, "max_rel_diff": diff}

    base = results["librosa (clip by clip)"]["clips_per_s"]
    print(f"{'path':32s} {'clips/s':>9s} {'x librosa':>10s} {'max |diff| / max |librosa|':>28s}")
    for name, r in results.items():
        r["ratio"] = r["clips_per_s"] / base
        print(f"{name:32s} {r['clips_per_s']:9.1f} {r['ratio']:10.2f} {r['max_rel_diff']:28.2e}")
    worst = max(r["max_rel_diff"] for r in results.values())
    ok = worst <= TOLERANCE
    print(f"equality within {TOLERANCE:g} of the largest magnitude: {'yes' if ok else 'NO'} (worst {worst:.2e})")
    best_batched = max(r["ratio"] for name, r in results.items() if "batched" in name)
    print(f"best batched path: {best_batched:.2f}x librosa (target >= 2x)")
    results["equal"] = ok
    return results


if __name__ == "__main__":
    outcome = main()
    sys.exit(0 if outcome["equal"] else 1)
