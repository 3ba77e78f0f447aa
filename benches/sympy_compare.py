#!/usr/bin/env python3
"""Per-process time of `gradproof check` on the reference derivation against SymPy doing
`simplify(diff(L, s_1))` for the unrolled K = 10 softmax cross-entropy (issue #12, "Must show").

Both sides are timed as whole processes (interpreter start and `import sympy` included for
SymPy, like gradproof's own process start), alternately, N paired runs; the best of each is
compared.

    cargo build --release
    python3 benches/sympy_compare.py [--runs N] [--bin target/release/gradproof]
"""

import argparse
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The loss of derivations/softmax_cross_entropy.deriv, unrolled for K = 10.
SYMPY_PROGRAM = """
from sympy import symbols, exp, log, simplify, diff
K = 10
s = symbols('s_1:%d' % (K + 1))
q = symbols('q_1:%d' % (K + 1))
Z = sum(exp(s_m) for s_m in s)
L = -sum(q_j * log(exp(s_j) / Z) for q_j, s_j in zip(q, s))
print(simplify(diff(L, s[0])))
"""


def timed(argv):
    """Wall time of one process running `argv`; fails loudly if it fails."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{argv[0]} failed ({done.returncode}):\n{done.stderr.decode()}")
    return elapsed, done.stdout.decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="paired runs (default 5)")
    parser.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "gradproof"))
    parser.add_argument(
        "--deriv", default=os.path.join("derivations", "softmax_cross_entropy.deriv")
    )
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: run `cargo build --release` first")

    import sympy  # noqa: F401  (only to report its version)

    gradproof_times, sympy_times = [], []
    sympy_result = None
    for run in range(args.runs):
        g, _ = timed([args.bin, "check", args.deriv])
        s, sympy_result = timed([sys.executable, "-c", SYMPY_PROGRAM])
        gradproof_times.append(g)
        sympy_times.append(s)
        print(f"run {run + 1}: gradproof {g * 1e3:8.1f} ms   sympy {s * 1e3:9.1f} ms", flush=True)
    best_g, best_s = min(gradproof_times), min(sympy_times)
    print(f"SymPy {sympy.__version__}: simplify(diff(L, s_1)) for K = 10 gives")
    print(f"  {sympy_result.strip()}")
    print(f"best of {args.runs}: gradproof check {best_g * 1e3:.1f} ms, "
          f"SymPy {best_s * 1e3:.1f} ms, ratio {best_s / best_g:.0f}x")


if __name__ == "__main__":
    main()
