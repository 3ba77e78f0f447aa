"""Independent oracle for the piecewise derivations (issue #21): each loss is written here
directly in Python (no gradproof code), differentiated by mpmath central differences at random
points away from the kinks, and compared with the closed form the .deriv file expects.
Run: python3 tests/oracles/piecewise.py  (prints the largest relative error per case; exits 1
on a disagreement)."""
import random
from mpmath import mp, mpf, diff, exp, log

mp.dps = 40
rng = random.Random(21)
ind = lambda c: mpf(1) if c else mpf(0)
worst = {}


def check(name, f, x0, grad):
    """Compare every partial derivative of f at x0 (a list) with grad(x0)."""
    g = grad(x0)
    for k in range(len(x0)):
        def fk(t, k=k):
            x = list(x0)
            x[k] = t
            return f(x)
        num = diff(fk, x0[k], h=mpf("1e-12"))
        err = abs(num - g[k]) / max(1, abs(g[k]))
        worst[name] = max(worst.get(name, 0), err)


# Multiclass hinge: L = sum_j (1 - [j == y]) max(0, s_j - s_y + 1);
# expect [s_k - s_y + 1 > 0] - delta(k,y) sum_j [s_j - s_y + 1 > 0].
for _ in range(50):
    K = rng.randint(1, 6)
    y = rng.randrange(K)
    s = [mpf(rng.uniform(-2, 2)) for _ in range(K)]
    hinge = lambda s: sum(max(0, s[j] - s[y] + 1) for j in range(K) if j != y)
    active = lambda s, j: ind(s[j] - s[y] + 1 > 0)
    closed = lambda s: [active(s, k) - ind(k == y) * sum(active(s, j) for j in range(K))
                        for k in range(K)]
    if all(abs(s[j] - s[y] + 1) > 1e-3 for j in range(K)):
        check("multiclass_hinge", hinge, s, closed)

# Huber with threshold h; expect clamp(a_k - b_k, -h, h).
for _ in range(50):
    N = rng.randint(1, 6)
    h = mpf(rng.uniform(0.1, 2))
    b = [mpf(rng.uniform(-3, 3)) for _ in range(N)]
    a = [mpf(rng.uniform(-3, 3)) for _ in range(N)]

    def huber(a):
        total = mpf(0)
        for j in range(N):
            r = a[j] - b[j]
            total += r * r / 2 if abs(r) <= h else h * (abs(r) - h / 2)
        return total
    closed = lambda a: [min(max(a[k] - b[k], -h), h) for k in range(N)]
    if all(abs(abs(a[j] - b[j]) - h) > 1e-3 for j in range(N)):
        check("huber", huber, a, closed)

# ReLU layer under softmax cross-entropy, by the first layer a_{d,e};
# expect sum_k (p_k - q_k) b_{k,d} [z_d > 0] x_e.
for _ in range(20):
    K, D, E = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 4)
    x = [mpf(rng.uniform(-2, 2)) for _ in range(E)]
    B = [[mpf(rng.uniform(-2, 2)) for _ in range(D)] for _ in range(K)]
    w = [mpf(rng.uniform(0.1, 1)) for _ in range(K)]
    q = [wi / sum(w) for wi in w]

    def forward(A):
        z = [sum(A[d * E + e] * x[e] for e in range(E)) for d in range(D)]
        h = [max(0, zd) for zd in z]
        s = [sum(B[k][d] * h[d] for d in range(D)) for k in range(K)]
        m = max(s)
        lse = m + log(sum(exp(sk - m) for sk in s))
        return z, [exp(sk - lse) for sk in s], -sum(q[k] * (s[k] - lse) for k in range(K))

    A0 = [mpf(rng.uniform(-2, 2)) for _ in range(D * E)]

    def closed(A):
        z, p, _ = forward(A)
        return [sum((p[k] - q[k]) * B[k][d] for k in range(K)) * ind(z[d] > 0) * x[e]
                for d in range(D) for e in range(E)]
    if all(abs(zd) > 1e-3 for zd in forward(A0)[0]):
        check("relu_layer", lambda A: forward(A)[2], A0, closed)

bad = False
for name, err in sorted(worst.items()):
    print(f"{name}: max relative error {float(err):.1e}")
    bad |= err > 1e-8
raise SystemExit(1 if bad or len(worst) < 3 else 0)
