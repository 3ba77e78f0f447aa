"""Independent oracle for the second-derivative derivations (issue #16).

Plain mpmath, no symbolic rules: the loss is evaluated directly, its mixed second derivative
d2L/ds_k ds_l by a central difference at 60 digits, and compared with the closed forms written
in derivations/softmax_cross_entropy_hessian.deriv and squared_error_hessian.deriv at random
scores and targets, for every k, l. Run: python3 tests/oracles/hessian.py
"""
import random
from mpmath import mp, mpf, exp, log

mp.dps = 60
H = mpf(10) ** -18


def softmax(s):
    z = sum(exp(x) for x in s)
    return [exp(x) / z for x in s]


def cross_entropy(s, q):
    return -sum(qj * log(pj) for qj, pj in zip(q, softmax(s)))


def squared_error(s, q):
    return sum((pj - qj) ** 2 for pj, qj in zip(softmax(s), q)) / 2


def hessian(f, s, q, k, l):
    def at(dk, dl):
        t = list(s)
        t[k] += dk
        t[l] += dl
        return f(t, q)
    return (at(H, H) - at(H, -H) - at(-H, H) + at(-H, -H)) / (4 * H * H)


def ce_closed(p, q, k, l):
    d = 1 if k == l else 0
    return p[k] * (d - p[l])


def se_closed(p, q, k, l):
    d = 1 if k == l else 0
    spp = sum(x * x for x in p)
    sqp = sum(a * b for a, b in zip(q, p))
    return p[k] * (d * (2 * p[k] - q[k] - spp + sqp) - 2 * p[k] * p[l] - 2 * p[l] ** 2
                   + 3 * p[l] * spp + q[l] * p[l] - 2 * p[l] * sqp + q[k] * p[l])


def main():
    rng = random.Random(16)
    worst = {"ce": 0, "se": 0}
    for K in (1, 2, 3, 5, 8):
        for _ in range(4):
            s = [mpf(rng.uniform(-4, 4)) for _ in range(K)]
            w = [rng.random() for _ in range(K)]
            total = sum(mpf(x) for x in w)
            q = [mpf(x) / total for x in w]
            p = softmax(s)
            for k in range(K):
                for l in range(K):
                    for name, f, closed in (("ce", cross_entropy, ce_closed),
                                            ("se", squared_error, se_closed)):
                        num = hessian(f, s, q, k, l)
                        err = abs(num - closed(p, q, k, l))
                        worst[name] = max(worst[name], err)
    for name, err in worst.items():
        print(name, "max abs error", mp.nstr(err, 3))
        assert err < mpf(10) ** -20, name


main()
