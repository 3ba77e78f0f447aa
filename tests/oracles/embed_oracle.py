"""Independent oracle for the closed forms of the embedding / layer derivations (#14).

Plain mpmath, no gradproof: each loss is written out numerically, its derivative taken by
central differences at 50 digits, and compared with the closed form the .deriv file expects.
Run: python3 tests/oracles/embed_oracle.py  (prints one line per case, exits 1 on a mismatch)."""
import random, sys
from mpmath import mp, mpf, exp, log

mp.dps = 50
H = mpf(10) ** -20
rnd = random.Random(14)

def r():
    return mpf(rnd.uniform(-2, 2))

def softmax(s):
    z = sum(exp(x) for x in s)
    return [exp(x) / z for x in s]

def dist(n):
    w = [mpf(rnd.uniform(0.1, 1)) for _ in range(n)]
    t = sum(w)
    return [x / t for x in w]

def sig(x):
    return 1 / (1 + exp(-x))

def cd(f, get, put):
    x0 = get()
    put(x0 + H); a = f()
    put(x0 - H); b = f()
    put(x0)
    return (a - b) / (2 * H)

fails = 0
def check(name, num, closed):
    global fails
    err = abs(num - closed) / max(abs(closed), mpf(10) ** -30)
    ok = err < mpf(10) ** -15
    fails += not ok
    print(f"{name}: numeric {mp.nstr(num, 12)} closed {mp.nstr(closed, 12)} {'ok' if ok else 'MISMATCH'}")

for K, D in [(3, 2), (5, 4), (1, 3)]:
    w = [r() for _ in range(D)]
    c = [[r() for _ in range(D)] for _ in range(K)]
    q = dist(K)
    def scores():
        return [sum(w[d] * c[k][d] for d in range(D)) for k in range(K)]
    def L():
        p = softmax(scores())
        return -sum(q[j] * log(p[j]) for j in range(K))
    p = softmax(scores())
    for d in range(D):
        def put(v, d=d): w.__setitem__(d, v)
        num = cd(L, lambda d=d: w[d], put)
        check(f"centre K={K} D={D} d={d}", num, sum((p[k] - q[k]) * c[k][d] for k in range(K)))
    for k in range(K):
        for d in range(D):
            def put(v, k=k, d=d): c[k].__setitem__(d, v)
            num = cd(L, lambda k=k, d=d: c[k][d], put)
            check(f"context K={K} D={D} k={k} d={d}", num, (p[k] - q[k]) * w[d])

# Two-layer network, first layer: h_d = sum_e a_de x_e, s_k = sum_d b_kd h_d.
for K, D, E in [(3, 2, 4), (2, 3, 1)]:
    x = [r() for _ in range(E)]
    a = [[r() for _ in range(E)] for _ in range(D)]
    b = [[r() for _ in range(D)] for _ in range(K)]
    q = dist(K)
    def L():
        h = [sum(a[d][e] * x[e] for e in range(E)) for d in range(D)]
        p = softmax([sum(b[k][d] * h[d] for d in range(D)) for k in range(K)])
        return -sum(q[j] * log(p[j]) for j in range(K))
    h = [sum(a[d][e] * x[e] for e in range(E)) for d in range(D)]
    p = softmax([sum(b[k][d] * h[d] for d in range(D)) for k in range(K)])
    for d in range(D):
        for e in range(E):
            def put(v, d=d, e=e): a[d].__setitem__(e, v)
            num = cd(L, lambda d=d, e=e: a[d][e], put)
            check(f"layer K={K} D={D} E={E}", num, sum((p[k] - q[k]) * b[k][d] for k in range(K)) * x[e])

# Attention: a = softmax(t), o_d = sum_j a_j v_jd, L = sum_d g_d o_d.
for T, D in [(4, 3), (2, 1)]:
    t = [r() for _ in range(T)]
    v = [[r() for _ in range(D)] for _ in range(T)]
    g = [r() for _ in range(D)]
    def L():
        a = softmax(t)
        return sum(g[d] * sum(a[j] * v[j][d] for j in range(T)) for d in range(D))
    a = softmax(t)
    u = [sum(g[d] * v[j][d] for d in range(D)) for j in range(T)]
    for k in range(T):
        def put(val, k=k): t.__setitem__(k, val)
        num = cd(L, lambda k=k: t[k], put)
        check(f"attention T={T} D={D} k={k}", num, a[k] * (u[k] - sum(a[j] * u[j] for j in range(T))))

# Logistic regression: z = sum_d w_d x_d, BCE with target y in (0,1).
for D in [3, 1]:
    w = [r() for _ in range(D)]
    x = [r() for _ in range(D)]
    y = mpf(rnd.uniform(0.05, 0.95))
    def L():
        s = sig(sum(w[d] * x[d] for d in range(D)))
        return -(y * log(s) + (1 - y) * log(1 - s))
    s = sig(sum(w[d] * x[d] for d in range(D)))
    for d in range(D):
        def put(val, d=d): w.__setitem__(d, val)
        check(f"logreg D={D} d={d}", cd(L, lambda d=d: w[d], put), (s - y) * x[d])

# Skip-gram with negative sampling: contexts n = 1..N, the true one y, b_n = sum_d r_nd v_d.
for N, D, Y in [(4, 3, 2), (1, 2, 0)]:
    v = [r() for _ in range(D)]
    rr = [[r() for _ in range(D)] for _ in range(N)]
    def L():
        b = [sum(rr[n][d] * v[d] for d in range(D)) for n in range(N)]
        return -sum(log(sig(b[n])) if n == Y else log(1 - sig(b[n])) for n in range(N))
    b = [sum(rr[n][d] * v[d] for d in range(D)) for n in range(N)]
    for d in range(D):
        def put(val, d=d): v.__setitem__(d, val)
        closed = sum((sig(b[n]) - (1 if n == Y else 0)) * rr[n][d] for n in range(N))
        check(f"sgns N={N} D={D} d={d}", cd(L, lambda d=d: v[d], put), closed)
    for n in range(N):
        for d in range(D):
            def put(val, n=n, d=d): rr[n].__setitem__(d, val)
            closed = (sig(b[n]) - (1 if n == Y else 0)) * v[d]
            check(f"sgns context N={N} n={n}", cd(L, lambda n=n, d=d: rr[n][d], put), closed)

# Three layers under softmax + cross-entropy (no fixture: it nests more sums than the checker
# allows; kept as a check of the nested form): dL/dA_de = sum_f (sum_k (p_k - q_k) C_kf) B_fd x_e.
K, F, D, E = 3, 2, 3, 2
x = [r() for _ in range(E)]
A = [[r() for _ in range(E)] for _ in range(D)]
B = [[r() for _ in range(D)] for _ in range(F)]
C = [[r() for _ in range(F)] for _ in range(K)]
q = dist(K)
def fwd():
    h1 = [sum(A[d][e] * x[e] for e in range(E)) for d in range(D)]
    h2 = [sum(B[f][d] * h1[d] for d in range(D)) for f in range(F)]
    return softmax([sum(C[k][f] * h2[f] for f in range(F)) for k in range(K)])
def L():
    p = fwd()
    return -sum(q[j] * log(p[j]) for j in range(K))
p = fwd()
for d in range(D):
    for e in range(E):
        def put(val, d=d, e=e): A[d].__setitem__(e, val)
        closed = sum(sum((p[k] - q[k]) * C[k][f] for k in range(K)) * B[f][d] for f in range(F)) * x[e]
        check(f"three layers d={d} e={e}", cd(L, lambda d=d, e=e: A[d][e], put), closed)

# Three layers with a linear loss sum_k u_k s_k: dL/dA_de = sum_f (sum_k u_k C_kf) B_fd x_e.
u = [r() for _ in range(K)]
def L():
    h1 = [sum(A[d][e] * x[e] for e in range(E)) for d in range(D)]
    h2 = [sum(B[f][d] * h1[d] for d in range(D)) for f in range(F)]
    return sum(u[k] * sum(C[k][f] * h2[f] for f in range(F)) for k in range(K))
for d in range(D):
    for e in range(E):
        def put(val, d=d, e=e): A[d].__setitem__(e, val)
        closed = sum(sum(u[k] * C[k][f] for k in range(K)) * B[f][d] for f in range(F)) * x[e]
        check(f"three layers, linear d={d} e={e}", cd(L, lambda d=d, e=e: A[d][e], put), closed)

sys.exit(1 if fails else 0)
