//! Rules for the logistic family: the derivatives of `sigmoid`, `tanh` and `softplus`, and the
//! symmetry `sigmoid(-u) = 1 - sigmoid(u)`.

use super::Rule;
use crate::syntax::expr::{deriv, func, mul, neg, pow, sub, Expr, Func};
use crate::syntax::rational::Rational;

/// `d(F)/d(x)` with `F = f(u)` for the function `f`: `(u, x)`.
fn derivative_of(e: &Expr, f: Func) -> Option<(&Expr, &crate::syntax::expr::Symbol)> {
    match e {
        Expr::Deriv(inner, x) => match &**inner {
            Expr::Func(g, u) if *g == f => Some((u, x)),
            _ => None,
        },
        _ => None,
    }
}

/// `d(sigmoid(u))/d(x) = sigmoid(u) * (1 - sigmoid(u)) * d(u)/d(x)`.
pub const D_SIGMOID: Rule = Rule {
    name: "d-sigmoid",
    description: "d(sigmoid(u))/d(x) = sigmoid(u) * (1 - sigmoid(u)) * d(u)/d(x)",
    apply: |e, _| {
        let (u, x) = derivative_of(e, Func::Sigmoid)?;
        let s = func(Func::Sigmoid, u.clone());
        Some(mul(vec![
            s.clone(),
            sub(Expr::one(), s),
            deriv(u.clone(), x.clone()),
        ]))
    },
};

/// `d(tanh(u))/d(x) = (1 - tanh(u)^2) * d(u)/d(x)`.
pub const D_TANH: Rule = Rule {
    name: "d-tanh",
    description: "d(tanh(u))/d(x) = (1 - tanh(u)^2) * d(u)/d(x)",
    apply: |e, _| {
        let (u, x) = derivative_of(e, Func::Tanh)?;
        let t = func(Func::Tanh, u.clone());
        Some(mul(vec![
            sub(Expr::one(), pow(t, Expr::int(2))),
            deriv(u.clone(), x.clone()),
        ]))
    },
};

/// `d(softplus(u))/d(x) = sigmoid(u) * d(u)/d(x)`.
pub const D_SOFTPLUS: Rule = Rule {
    name: "d-softplus",
    description: "d(softplus(u))/d(x) = sigmoid(u) * d(u)/d(x)",
    apply: |e, _| {
        let (u, x) = derivative_of(e, Func::Softplus)?;
        Some(mul(vec![
            func(Func::Sigmoid, u.clone()),
            deriv(u.clone(), x.clone()),
        ]))
    },
};

/// `1 - sigmoid(u) = sigmoid(-u)`: two terms become one, so it cannot fire forever, and no
/// other rule makes `1 - sigmoid(u)` from `sigmoid(-u)`. Both sides are defined wherever `u`
/// is. (Tried last, after like terms are collected, so that `sigma - y` from a cross-entropy is
/// reached first; a `sigmoid(u) * (1 - sigmoid(u))` left over becomes `sigmoid(u) * sigmoid(-u)`,
/// which evaluates without cancellation.)
pub const SIGMOID_COMPLEMENT: Rule = Rule {
    name: "sigmoid-complement",
    description: "1 - sigmoid(u) = sigmoid(-u)",
    apply: |e, _| {
        let Expr::Add(ts) = e else { return None };
        let [one, Expr::Mul(fs)] = ts.as_slice() else {
            return None;
        };
        let [minus_one, Expr::Func(Func::Sigmoid, u)] = fs.as_slice() else {
            return None;
        };
        let is_minus_one = minus_one.num().is_some_and(|r| *r == Rational::minus_one());
        (one.is_one() && is_minus_one).then(|| func(Func::Sigmoid, neg((**u).clone())))
    },
};
