"""Independent oracle for the true-class sweep on tests/fixtures/sweep/ (tests/cli_compare.rs).

The sweep's rule as the README (`compare`) states it, rebuilt here by hand for each fixture:
ranges of size 10, class 1 the true class, the target one-hot at class 1 (a `unit` target is 1
when the file has no distribution), every `real` input other than the variable sigma at its
class-1 entry and 0 elsewhere (plain ones: sigma), the variable 0 except its class-1 entry, the
drive. The sign sigma is +1 unless +1 cannot reach the smallest target and -1 brings the
probability lower; a target it cannot reach is taken with the other sign. The drive that gives each target probability is solved
for in closed form, and the gradient is the loss's central difference in mpmath (no symbolic
rule of gradproof). A target on the edge of the reach is taken from inside it (the live side of
a ReLU).
Run: python3 tests/oracles/sweep_oracle.py  (prints one line per fixture: the four gradients)
"""
import mpmath as mp

mp.mp.dps = 60
N = 10
TARGETS = [mp.mpf("0.5"), mp.mpf("0.1"), mp.mpf("0.01"), mp.mpf("0.001")]
H = mp.mpf("1e-30")
relu = lambda t: t if t > 0 else mp.mpf(0)
sig = lambda t: 1 / (1 + mp.e ** (-t))
softplus = lambda t: mp.log(1 + mp.e ** t)


def central(loss, d):
    return (loss(d + H) - loss(d - H)) / (2 * H)


def softmax_ce_first(scores):
    """-log softmax(scores)_1 (the target one-hot at class 1)."""
    return -(scores[0] - mp.log(mp.fsum(mp.e ** s for s in scores)))


# bce_letters.deriv and bce_softplus.deriv: s = sum_a u_a f_a, f_1 = sigma, u_1 = d, t = 1.
# p = sigmoid(sigma d) reaches (0, 1) with either sign: sigma = +1, d = logit(p).
def bce_log(d, sigma=1, t=1):
    s = sigma * d
    return -(t * mp.log(sig(s)) + (1 - t) * mp.log(1 - sig(s)))


def bce_softplus(d, sigma=1, t=1):
    s = sigma * d
    return t * softplus(-s) + (1 - t) * softplus(s)


def logit(p):
    return mp.log(p / (1 - p))


def score_for(p):
    """The true class's score that gives it probability p when the other nine scores are 0."""
    return mp.log((N - 1) * p / (1 - p))


# relu_input.deriv: the variable is the input v; g_11 = sigma, c_11 = sigma, v_1 = d:
# z_1 = sigma d, s_1 = sigma relu(sigma d), the other scores 0 (the other units' relu(0) = 0).
# sigma = +1 gives p in [1/10, 1), sigma = -1 gives (0, 1/10]: -1 falls lower, so it is tried
# first, and 0.5 is taken with +1.
def relu_input(d, sigma):
    return softmax_ce_first([sigma * relu(sigma * d)] + [0] * (N - 1))


def relu_input_drive(p):
    s = score_for(p)
    if s < 0:
        return -1, s  # sigma = -1: s_1 = -relu(-d) = d for d < 0
    if s == 0:
        return -1, mp.mpf("-1e-20")  # the edge: the live side, z_1 = -d > 0
    return 1, s  # sigma = +1: s_1 = relu(d) = d for d > 0


# relu_logits.deriv: r_m = relu(sum_j g_mj x_j), x_1 = sigma, g_11 = d: r_1 = relu(sigma d) >= 0
# with either sign (a tie: sigma = +1), so p >= 1/10: 0.01 and 0.001 are unreachable.
def relu_logits(d):
    return softmax_ce_first([relu(d)] + [0] * (N - 1))


def relu_logits_drive(p):
    s = score_for(p)
    if s < 0:
        return None  # unreachable
    return s if s > 0 else mp.mpf("1e-20")  # the edge from the live side


# weighted_logistic.deriv: m = sum_r g_r h_r + b, h_1 = sigma, b = sigma, g_1 = d, t = 1, c = 2
# (the unit target t is 1, the positive weight c takes the instance's value 2 that compare
# lists). p = sigmoid(m) reaches (0, 1) with sigma = +1: m = logit(p), d = m - 1.
def weighted_logistic(d, sigma=1, t=1, c=2):
    m = d * sigma + sigma
    return c * t * softplus(-m) + (1 - t) * softplus(m)


# The closed form `((1 - t) sigmoid(m) - c t sigmoid(-m)) h_j` against central differences at
# a few random points (ranges of size 3), independent of the sweep.
def weighted_closed_form_check():
    import random
    rng = random.Random(3)
    for _ in range(5):
        g = [mp.mpf(rng.uniform(-2, 2)) for _ in range(3)]
        h = [mp.mpf(rng.uniform(-2, 2)) for _ in range(3)]
        b, t, c = mp.mpf(rng.uniform(-1, 1)), mp.mpf(rng.uniform(0, 1)), mp.mpf(rng.uniform(0.1, 3))
        loss = lambda gs: (lambda m: c * t * softplus(-m) + (1 - t) * softplus(m))(
            mp.fsum(a * x for a, x in zip(gs, h)) + b)
        m = mp.fsum(a * x for a, x in zip(g, h)) + b
        for j in range(3):
            up, dn = list(g), list(g)
            up[j] += H
            dn[j] -= H
            numeric = (loss(up) - loss(dn)) / (2 * H)
            closed = ((1 - t) * sig(m) - c * t * sig(-m)) * h[j]
            assert abs(numeric - closed) < mp.mpf("1e-25"), (numeric, closed)


def show(name, values):
    print(name, " ".join("-" if v is None else mp.nstr(v, 10) for v in values))
    return values


bce = show("bce_letters", [central(bce_log, logit(p)) for p in TARGETS])
bce_sp = show("bce_softplus", [central(bce_softplus, logit(p)) for p in TARGETS])
ri = []
for p in TARGETS:
    sigma, d = relu_input_drive(p)
    ri.append(central(lambda x: relu_input(x, sigma), d))
ri = show("relu_input", ri)
rl = []
for p in TARGETS:
    d = relu_logits_drive(p)
    rl.append(None if d is None else central(relu_logits, d))
rl = show("relu_logits", rl)
weighted_closed_form_check()
wl = show("weighted_logistic", [central(weighted_logistic, logit(p) - 1) for p in TARGETS])

# The values tests/cli_compare.rs keeps (4 decimals, as compare prints them).
for got, want in [
    (bce, ["-0.5", "-0.9", "-0.99", "-0.999"]),
    (bce_sp, ["-0.5", "-0.9", "-0.99", "-0.999"]),
    (ri, ["-0.5", "-0.9", "-0.99", "-0.999"]),
    (rl, ["-0.5", "-0.9", None, None]),
    (wl, ["-1", "-1.8", "-1.98", "-1.998"]),
]:
    for g, w in zip(got, want):
        assert (g is None) == (w is None)
        if w is not None:
            assert abs(g - mp.mpf(w)) < mp.mpf("1e-15"), (g, w)
print("ok")
