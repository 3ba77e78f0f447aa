"""Independent oracle for tests/fixtures/formats/two_ranges.deriv.

E = sum_b (h_b - t_b)^2 / 2 with h_a = sum_r w_r c_{a,r}; the claimed gradient is
dE/dw_u = sum_a (h_a - t_a) c_{a,u}. Central differences in mpmath at random sizes N != D.
Run: python3 tests/oracles/two_ranges.py  (prints the largest relative error; exits 1 if > 1e-20)
"""
import random
import sys

import mpmath

mpmath.mp.dps = 50
random.seed(7)
worst = mpmath.mpf(0)
for trial in range(20):
    N, D = random.randint(1, 7), random.randint(1, 7)
    t = [mpmath.mpf(random.uniform(-2, 2)) for _ in range(N)]
    w = [mpmath.mpf(random.uniform(-2, 2)) for _ in range(D)]
    c = [[mpmath.mpf(random.uniform(-2, 2)) for _ in range(D)] for _ in range(N)]

    def loss(w):
        h = [sum(w[r] * c[a][r] for r in range(D)) for a in range(N)]
        return sum((h[b] - t[b]) ** 2 for b in range(N)) / 2

    h = [sum(w[r] * c[a][r] for r in range(D)) for a in range(N)]
    for u in range(D):
        eps = mpmath.mpf(10) ** -20
        up = list(w); up[u] += eps
        down = list(w); down[u] -= eps
        numeric = (loss(up) - loss(down)) / (2 * eps)
        closed = sum((h[a] - t[a]) * c[a][u] for a in range(N))
        worst = max(worst, abs(numeric - closed) / max(abs(closed), mpmath.mpf(1)))
print("max relative error", mpmath.nstr(worst, 3))
sys.exit(0 if worst < mpmath.mpf(10) ** -20 else 1)
