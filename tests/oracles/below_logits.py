"""Independent oracle for the true-class sweep below the logits (tests/cancellation_below.rs).

The fixed instance (README, `compare`): ranges of size 10, the target one-hot at class 1, the
context x 1 at (1, 1) and 0 elsewhere, the variable v 0 except v_1 = the drive. The loss
R(v) = -sum_a t_a log softmax(z)_a with z_a = sum_e v_e x_ae is differentiated by central
differences in mpmath (no symbolic rule), at the drive where softmax(z)_1 = p.
Run: python3 tests/oracles/below_logits.py  (prints one line per p: p, dR/dv_1)
"""
import mpmath as mp

mp.mp.dps = 40
N = E = 10


def loss(v):
    x = [[1 if (a == 0 and e == 0) else 0 for e in range(E)] for a in range(N)]
    z = [mp.fsum(v[e] * x[a][e] for e in range(E)) for a in range(N)]
    lse = mp.log(mp.fsum(mp.e ** za for za in z))
    return -(z[0] - lse)  # t one-hot at class 1


for p in [0.5, 0.1, 0.01, 0.001]:
    # softmax(z)_1 = e^d / (e^d + 9) = p  =>  d = log(9p / (1 - p))
    d = mp.log(9 * mp.mpf(p) / (1 - mp.mpf(p)))
    h = mp.mpf("1e-12")
    up = [d + h] + [0] * (E - 1)
    dn = [d - h] + [0] * (E - 1)
    g = (loss(up) - loss(dn)) / (2 * h)
    print(p, mp.nstr(g, 8))

# The closed form of the fixtures: dR/dv_e = sum_a (r_a - t_a) x_ae, at a random instance with
# a soft target, against central differences of R (context_weights.deriv, embedding.deriv).
import random

random.seed(7)
n, m = 4, 3
x = [[mp.mpf(random.uniform(-2, 2)) for _ in range(m)] for _ in range(n)]
w = [mp.mpf(random.uniform(0.1, 1)) for _ in range(n)]
t = [wi / mp.fsum(w) for wi in w]
v = [mp.mpf(random.uniform(-1, 1)) for _ in range(m)]


def loss_soft(v):
    z = [mp.fsum(v[e] * x[a][e] for e in range(m)) for a in range(n)]
    lse = mp.log(mp.fsum(mp.e ** za for za in z))
    return -mp.fsum(t[a] * (z[a] - lse) for a in range(n))


z = [mp.fsum(v[e] * x[a][e] for e in range(m)) for a in range(n)]
r = [mp.e ** za / mp.fsum(mp.e ** zb for zb in z) for za in z]
worst = 0
for e in range(m):
    h = mp.mpf("1e-15")
    up = list(v); up[e] += h
    dn = list(v); dn[e] -= h
    numeric = (loss_soft(up) - loss_soft(dn)) / (2 * h)
    closed = mp.fsum((r[a] - t[a]) * x[a][e] for a in range(n))
    worst = max(worst, abs(numeric - closed))
print("closed form max abs error", mp.nstr(worst, 3))
assert worst < 1e-20
