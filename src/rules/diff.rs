//! One-step differentiation rules.
//!
//! Each rule rewrites one unevaluated derivative `d(F)/d(x)` by looking at the top of `F` only,
//! leaving new derivative nodes for the parts of `F` below: the engine applies them until no
//! derivative node is left. `x` is a symbol whose indices are seen at the derivative node, so a
//! derivative that moves under a sum shifts them.

use crate::rules::facts::{depends_on, is_defined};
use crate::rules::Rule;
use crate::syntax::expr::{add, deriv, func, mul, pow, recip, sub, sum, Expr, Func, Symbol};
use crate::syntax::index::shift;
use crate::syntax::rational::Rational;

fn as_deriv(e: &Expr) -> Option<(&Expr, &Symbol)> {
    match e {
        Expr::Deriv(f, x) => Some((f, x)),
        _ => None,
    }
}

/// `d(x_i)/d(x_k) = delta(i,k)` (one delta per subscript; `1` when the indices agree).
pub const D_VARIABLE: Rule = Rule {
    name: "d-variable",
    description: "d(x_i)/d(x_k) = delta(i,k), and d(x)/d(x) = 1",
    apply: |e, _| {
        let (f, x) = as_deriv(e)?;
        let Expr::Sym(y) = f else { return None };
        if y.name != x.name || y.indices.len() != x.indices.len() {
            return None;
        }
        let deltas: Vec<Expr> = y
            .indices
            .iter()
            .zip(&x.indices)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| Expr::Delta(a.clone(), b.clone()))
            .collect();
        Some(mul(deltas))
    },
};

/// The derivative of anything that does not depend on the variable is zero.
pub const D_CONSTANT: Rule = Rule {
    name: "d-constant",
    description: "d(c)/d(x) = 0 when c does not depend on x (and is defined)",
    apply: |e, ctx| {
        let (f, x) = as_deriv(e)?;
        // `0` has a value everywhere: only a constant that has one too may become it.
        (!depends_on(f, &x.name, ctx) && is_defined(f, ctx)).then(Expr::zero)
    },
};

/// Sum rule: the derivative of a sum of terms is the sum of their derivatives.
pub const D_SUM_RULE: Rule = Rule {
    name: "d-sum-rule",
    description: "d(a + b)/d(x) = d(a)/d(x) + d(b)/d(x)",
    apply: |e, ctx| {
        let (f, x) = as_deriv(e)?;
        let Expr::Add(terms) = f else { return None };
        // A constant term's derivative is 0 and is left out, unless the term may be
        // undefined (leaving it out would give the sum a value where it has none).
        Some(add(terms
            .iter()
            .filter(|t| depends_on(t, &x.name, ctx) || !is_defined(t, ctx))
            .map(|t| deriv(t.clone(), x.clone()))
            .collect()))
    },
};

/// Factors that do not depend on the variable come out of the derivative.
pub const D_CONSTANT_FACTOR: Rule = Rule {
    name: "d-constant-factor",
    description: "d(c*f)/d(x) = c * d(f)/d(x) when c does not depend on x",
    apply: |e, ctx| {
        let (f, x) = as_deriv(e)?;
        let Expr::Mul(factors) = f else { return None };
        let (dep, constant): (Vec<Expr>, Vec<Expr>) = factors
            .iter()
            .cloned()
            .partition(|t| depends_on(t, &x.name, ctx));
        if dep.is_empty() || constant.is_empty() {
            return None;
        }
        let mut out = constant;
        out.push(deriv(mul(dep), x.clone()));
        Some(mul(out))
    },
};

/// Splits a product into numerator factors and denominator bases (factors `b^(-n)`).
fn numerator_and_denominator(factors: &[Expr]) -> (Vec<Expr>, Vec<Expr>) {
    let mut num = Vec::new();
    let mut den = Vec::new();
    for f in factors {
        match f {
            Expr::Pow(b, e) if e.num().is_some_and(Rational::is_negative) => {
                let Expr::Num(n) = &**e else { continue };
                den.push(pow((**b).clone(), Expr::Num(-n)));
            }
            other => num.push(other.clone()),
        }
    }
    (num, den)
}

/// Quotient rule, for a product with both a numerator and a denominator depending on `x`.
pub const D_QUOTIENT: Rule = Rule {
    name: "d-quotient",
    description: "d(u/v)/d(x) = (d(u)/d(x) * v - u * d(v)/d(x)) / v^2",
    apply: |e, ctx| {
        let (f, x) = as_deriv(e)?;
        let Expr::Mul(factors) = f else { return None };
        if factors.iter().any(|t| !depends_on(t, &x.name, ctx)) {
            return None;
        }
        let (num, den) = numerator_and_denominator(factors);
        if num.is_empty() || den.is_empty() {
            return None;
        }
        let (u, v) = (mul(num), mul(den));
        let top = sub(
            mul(vec![deriv(u.clone(), x.clone()), v.clone()]),
            mul(vec![u, deriv(v.clone(), x.clone())]),
        );
        Some(mul(vec![top, pow(v, Expr::int(-2))]))
    },
};

/// Product rule, for a product of factors that all depend on `x` and has no denominator (and
/// whose expansion stays within [`crate::rules::MAX_RULE_OUTPUT`]).
pub const D_PRODUCT: Rule = Rule {
    name: "d-product",
    description: "d(u*v)/d(x) = d(u)/d(x) * v + u * d(v)/d(x)",
    apply: |e, ctx| {
        let (f, x) = as_deriv(e)?;
        let Expr::Mul(factors) = f else { return None };
        if factors.iter().any(|t| !depends_on(t, &x.name, ctx)) {
            return None;
        }
        let (num, den) = numerator_and_denominator(factors);
        if !num.is_empty() && !den.is_empty() {
            return None;
        }
        if !crate::rules::within_output_limit(factors.len(), f.size()) {
            return None;
        }
        let terms = (0..factors.len())
            .map(|i| {
                let mut fs = factors.to_vec();
                fs[i] = deriv(factors[i].clone(), x.clone());
                mul(fs)
            })
            .collect();
        Some(add(terms))
    },
};

/// Power rule: a constant exponent, or the general `u^v` through `exp(v log u)`.
pub const D_POWER: Rule = Rule {
    name: "d-power",
    description: "d(u^n)/d(x) = n * u^(n-1) * d(u)/d(x); d(u^v)/d(x) = u^v * d(v*log(u))/d(x)",
    apply: |e, ctx| {
        let (f, x) = as_deriv(e)?;
        let Expr::Pow(u, n) = f else { return None };
        if depends_on(n, &x.name, ctx) {
            let inner = mul(vec![(**n).clone(), func(Func::Log, (**u).clone())]);
            return Some(mul(vec![f.clone(), deriv(inner, x.clone())]));
        }
        let lowered = match n.as_num() {
            Some(r) => Expr::Num(r.checked_add(&Rational::minus_one())?),
            None => add(vec![(**n).clone(), Expr::int(-1)]),
        };
        Some(mul(vec![
            (**n).clone(),
            pow((**u).clone(), lowered),
            deriv((**u).clone(), x.clone()),
        ]))
    },
};

/// Exponential with the chain rule.
pub const D_EXP: Rule = Rule {
    name: "d-exp",
    description: "d(exp(u))/d(x) = exp(u) * d(u)/d(x)",
    apply: |e, _| {
        let (f, x) = as_deriv(e)?;
        let Expr::Func(Func::Exp, u) = f else {
            return None;
        };
        Some(mul(vec![f.clone(), deriv((**u).clone(), x.clone())]))
    },
};

/// Logarithm with the chain rule.
pub const D_LOG: Rule = Rule {
    name: "d-log",
    description: "d(log(u))/d(x) = d(u)/d(x) / u",
    apply: |e, _| {
        let (f, x) = as_deriv(e)?;
        let Expr::Func(Func::Log, u) = f else {
            return None;
        };
        Some(mul(vec![
            deriv((**u).clone(), x.clone()),
            recip((**u).clone()),
        ]))
    },
};

/// Square root with the chain rule.
pub const D_SQRT: Rule = Rule {
    name: "d-sqrt",
    description: "d(sqrt(u))/d(x) = d(u)/d(x) / (2*sqrt(u))",
    apply: |e, _| {
        let (f, x) = as_deriv(e)?;
        let Expr::Func(Func::Sqrt, u) = f else {
            return None;
        };
        Some(mul(vec![
            deriv((**u).clone(), x.clone()),
            recip(mul(vec![Expr::int(2), f.clone()])),
        ]))
    },
};

/// The derivative goes inside a sum over a bound index.
pub const D_INDEXED_SUM: Rule = Rule {
    name: "d-indexed-sum",
    description: "d(sum_j f_j)/d(x) = sum_j d(f_j)/d(x)",
    apply: |e, _| {
        let (f, x) = as_deriv(e)?;
        let Expr::Sum(b, body) = f else { return None };
        let x_inside = match shift(&Expr::Sym(x.clone()), 1) {
            Expr::Sym(s) => s,
            _ => return None,
        };
        Some(sum(b.clone(), deriv((**body).clone(), x_inside)))
    },
};
