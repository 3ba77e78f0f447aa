"""Independent oracle for the logistic-family derivations (sigmoid, tanh, softplus).

Central differences in mpmath (50 digits) on the losses, compared with the closed forms that
the .deriv files under derivations/ and tests/fixtures/logistic/ state in `expect`.
Run: python3 tests/oracles/logistic_family.py  (prints the worst relative error per case).
"""
import random
from mpmath import mp, mpf, exp, log, tanh

mp.dps = 50
sig = lambda t: 1 / (1 + exp(-t))
softplus = lambda t: log(1 + exp(t))


def grad(f, w, k, h=mpf("1e-20")):
    wp, wm = list(w), list(w)
    wp[k] += h
    wm[k] -= h
    return (f(wp) - f(wm)) / (2 * h)


def check(name, loss, closed, draws=20, n=4):
    worst = 0
    rng = random.Random(7)
    for _ in range(draws):
        w = [mpf(rng.uniform(-2, 2)) for _ in range(n)]
        x = [mpf(rng.uniform(-2, 2)) for _ in range(n)]
        y = mpf(rng.choice([rng.uniform(0, 1), 1, -1]))
        for k in range(n):
            g = grad(lambda ww: loss(ww, x, y), w, k)
            c = closed(w, x, y, k)
            worst = max(worst, abs(g - c) / max(abs(c), mpf(1e-30)))
    print(f"{name}: worst relative error {mp.nstr(worst, 3)}")
    assert worst < mpf("1e-15"), name


dot = lambda w, x: sum(a * b for a, b in zip(w, x))
# derivations/sigmoid_bce_builtin.deriv: expect (sigmoid(z) - y)*x_k
check("sigmoid_bce_builtin",
      lambda w, x, y: -(y * log(sig(dot(w, x))) + (1 - y) * log(1 - sig(dot(w, x)))),
      lambda w, x, y, k: (sig(dot(w, x)) - y) * x[k])
# derivations/tanh_softplus.deriv: expect -y*sigmoid(-y*h)*(1 - h^2)*x_k, h = tanh(w.x)
check("tanh_softplus",
      lambda w, x, y: softplus(-y * tanh(dot(w, x))),
      lambda w, x, y, k: -y * sig(-y * tanh(dot(w, x))) * (1 - tanh(dot(w, x)) ** 2) * x[k])
# tests/fixtures/logistic/sigmoid_squared.deriv: L = (sigmoid(a) - b)^2 / 2 with a = w.x,
# expect (sigmoid(a) - b)*sigmoid(a)*sigmoid(-a)*x_k
check("sigmoid_squared",
      lambda w, x, y: (sig(dot(w, x)) - y) ** 2 / 2,
      lambda w, x, y, k: (sig(dot(w, x)) - y) * sig(dot(w, x)) * sig(-dot(w, x)) * x[k])
# tests/fixtures/logistic/softplus_margin.deriv: L = softplus(-y*w.x), expect -y*sigmoid(-y*w.x)*x_k
check("softplus_margin",
      lambda w, x, y: softplus(-y * dot(w, x)),
      lambda w, x, y, k: -y * sig(-y * dot(w, x)) * x[k])
# the false closed forms the tests feed must fail here too
for name, closed in [("wrong factor 2", lambda w, x, y, k: 2 * (sig(dot(w, x)) - y) * x[k])]:
    try:
        check(name, lambda w, x, y: -(y * log(sig(dot(w, x))) + (1 - y) * log(1 - sig(dot(w, x)))), closed)
    except AssertionError:
        print(f"{name}: rejected, as it should be")
    else:
        raise SystemExit(f"{name} was accepted")
