"""Independent oracle for the closed forms of tests/closed_forms.rs (issue #15).

Each case is a loss written directly in Python (definitions substituted by hand) and the closed
form a person writes for its gradient. The gradient is taken by central differences in mpmath
at 50 digits, at random points and every free index, and compared with the closed form. Run:
    python3 tests/oracles/closed_forms.py
It prints one line per case and exits 1 when a closed form disagrees.
"""
import random
import sys

import mpmath as mp

mp.mp.dps = 50
random.seed(15)


def softmax(s):
    z = [mp.e ** x for x in s]
    t = sum(z)
    return [x / t for x in z]


def grad(f, s, k, h=mp.mpf("1e-20")):
    up = list(s)
    dn = list(s)
    up[k] += h
    dn[k] -= h
    return (f(up) - f(dn)) / (2 * h)


def dist(K):
    w = [mp.mpf(random.uniform(0.1, 1)) for _ in range(K)]
    t = sum(w)
    return [x / t for x in w]


def cases():
    # Reverse KL: sum_j p_j log(p_j/q_j).
    def reverse_kl(K):
        q = dist(K)
        loss = lambda s: sum(pj * mp.log(pj / qj) for pj, qj in zip(softmax(s), q))
        def closed(s, k):
            p = softmax(s)
            return p[k] * (mp.log(p[k] / q[k]) - sum(pj * mp.log(pj / qj) for pj, qj in zip(p, q)))
        return loss, closed

    # Entropy-regularised cross-entropy: -sum_j q_j log p_j + beta sum_j p_j log p_j.
    def entropy_ce(K):
        q = dist(K)
        beta = mp.mpf(random.uniform(0.1, 2))
        loss = lambda s: -sum(qj * mp.log(pj) for pj, qj in zip(softmax(s), q)) + beta * sum(
            pj * mp.log(pj) for pj in softmax(s))
        def closed(s, k):
            p = softmax(s)
            return p[k] - q[k] + beta * p[k] * (mp.log(p[k]) - sum(pj * mp.log(pj) for pj in p))
        return loss, closed

    # Poly-1: -log p_y + eps (1 - p_y)  =>  (p_k - delta_yk)(1 + eps p_y).
    def poly1(K):
        y = random.randrange(K)
        eps = mp.mpf(random.uniform(0.1, 2))
        loss = lambda s: -mp.log(softmax(s)[y]) + eps * (1 - softmax(s)[y])
        def closed(s, k):
            p = softmax(s)
            return (p[k] - (1 if k == y else 0)) * (1 + eps * p[y])
        return loss, closed

    # Focal: -(1 - p_y)^gamma log p_y  =>  (p_k - delta_yk)((1-p_y)^gamma - gamma p_y (1-p_y)^(gamma-1) log p_y).
    def focal(K):
        y = random.randrange(K)
        g = mp.mpf(random.uniform(0.5, 3))
        loss = lambda s: -(1 - softmax(s)[y]) ** g * mp.log(softmax(s)[y])
        def closed(s, k):
            p = softmax(s)
            py = p[y]
            w = (1 - py) ** g - g * py * (1 - py) ** (g - 1) * mp.log(py)
            return (p[k] - (1 if k == y else 0)) * w
        return loss, closed

    # Label smoothing: -sum_j ((1-eps) q_j + eps/K) log p_j  =>  p_k - ((1-eps) q_k + eps/K).
    def label_smoothing(K):
        q = dist(K)
        eps = mp.mpf(random.uniform(0.05, 0.95))
        loss = lambda s: -sum(((1 - eps) * qj + eps / K) * mp.log(pj) for pj, qj in zip(softmax(s), q))
        closed = lambda s, k: softmax(s)[k] - ((1 - eps) * q[k] + eps / K)
        return loss, closed

    # Squared error: 1/2 sum_j (p_j - q_j)^2  =>  p_k (p_k - q_k - sum_j p_j (p_j - q_j)).
    def squared_error(K):
        q = dist(K)
        loss = lambda s: sum((pj - qj) ** 2 for pj, qj in zip(softmax(s), q)) / 2
        def closed(s, k):
            p = softmax(s)
            return p[k] * (p[k] - q[k] - sum(pj * (pj - qj) for pj, qj in zip(p, q)))
        return loss, closed

    # Temperature: -sum_j q_j log softmax(s/T)_j  =>  (p_k - q_k)/T.
    def temperature(K):
        q = dist(K)
        T = mp.mpf(random.uniform(0.2, 3))
        loss = lambda s: -sum(qj * mp.log(pj) for pj, qj in zip(softmax([x / T for x in s]), q))
        closed = lambda s, k: (softmax([x / T for x in s])[k] - q[k]) / T
        return loss, closed

    return [reverse_kl, entropy_ce, poly1, focal, label_smoothing, squared_error, temperature]


def lse_embed():
    # log sum_m exp(sum_e x_e c_me), by x_d  =>  sum_m p_m c_md.
    N, D = random.randint(1, 6), random.randint(1, 4)
    c = [[mp.mpf(random.uniform(-2, 2)) for _ in range(D)] for _ in range(N)]
    x = [mp.mpf(random.uniform(-2, 2)) for _ in range(D)]
    scores = lambda x: [sum(xe * c[m][e] for e, xe in enumerate(x)) for m in range(N)]
    loss = lambda x: mp.log(sum(mp.e ** s for s in scores(x)))
    worst = mp.mpf(0)
    p = softmax(scores(x))
    for d in range(D):
        num = grad(loss, x, d)
        cf = sum(p[m] * c[m][d] for m in range(N))
        worst = max(worst, abs(num - cf) / max(abs(cf), mp.mpf("1e-30")))
    return worst


def logistic_batch():
    # -sum_n (y_n log s(w x_n) + (1 - y_n) log(1 - s(w x_n))), by w  =>  sum_n (s_n - y_n) x_n.
    N = random.randint(1, 6)
    x = [mp.mpf(random.uniform(-2, 2)) for _ in range(N)]
    y = [mp.mpf(random.uniform(0.05, 0.95)) for _ in range(N)]
    sig = lambda a: 1 / (1 + mp.e ** (-a))
    loss = lambda w: -sum(yn * mp.log(sig(w[0] * xn)) + (1 - yn) * mp.log(1 - sig(w[0] * xn))
                          for xn, yn in zip(x, y))
    w = [mp.mpf(random.uniform(-2, 2))]
    num = grad(loss, w, 0)
    cf = sum((sig(w[0] * xn) - yn) * xn for xn, yn in zip(x, y))
    return abs(num - cf) / max(abs(cf), mp.mpf("1e-30"))


def main():
    bad = False
    for case in cases():
        worst = mp.mpf(0)
        for _ in range(6):
            K = random.randint(1, 7)
            loss, closed = case(K)
            s = [mp.mpf(random.uniform(-3, 3)) for _ in range(K)]
            for k in range(K):
                num = grad(loss, s, k)
                cf = closed(s, k)
                worst = max(worst, abs(num - cf) / max(abs(cf), mp.mpf("1e-30")))
        ok = worst < mp.mpf("1e-15")
        bad |= not ok
        print(f"{case.__name__:16} {'ok' if ok else 'WRONG'} worst rel err {mp.nstr(worst, 3)}")
    worst = max(lse_embed() for _ in range(6))
    ok = worst < mp.mpf("1e-15")
    bad |= not ok
    print(f"{'lse_embed':16} {'ok' if ok else 'WRONG'} worst rel err {mp.nstr(worst, 3)}")
    worst = max(logistic_batch() for _ in range(6))
    ok = worst < mp.mpf("1e-15")
    bad |= not ok
    print(f"{'logistic_batch':16} {'ok' if ok else 'WRONG'} worst rel err {mp.nstr(worst, 3)}")
    sys.exit(1 if bad else 0)


main()
