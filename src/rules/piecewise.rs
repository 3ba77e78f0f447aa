//! Rules and facts of Iverson brackets `[u REL 0]`, the one piecewise primitive (the piecewise
//! functions `relu`, `abs`, `max`, `min`, `clamp` and `if` are sugar over them, see
//! [`crate::syntax::piecewise`]).
//!
//! A bracket is flat away from its kink (where its argument is 0): there its derivative is 0. On
//! the kink the derivative is not defined, so every derivative these rules produce holds away
//! from the kinks only; the checker samples away from them ([`crate::check::kinks`]).

use super::facts::{depends_on, is_defined, is_positive};
use super::{Ctx, Rule};
use crate::syntax::expr::{add, mul, neg, Expr, Func};

/// The bracket's relation and argument, if `e` is a bracket.
fn as_bracket(e: &Expr) -> Option<(Func, &Expr)> {
    match e {
        Expr::Func(f, a) if f.is_bracket() => Some((*f, a)),
        _ => None,
    }
}

/// Are `a` and `b` brackets of a condition and its negation (`[u > 0]` and `[u <= 0]`, or
/// `[u > 0]` and `[-u >= 0]`)?
pub fn complementary(a: &Expr, b: &Expr) -> bool {
    let (Some((f, u)), Some((g, v))) = (as_bracket(a), as_bracket(b)) else {
        return false;
    };
    let same = f.complement() == Some(g) && same_terms(u, v);
    let mirrored =
        f.complement().and_then(Func::mirrored) == Some(g) && same_terms(&negated_terms(u), v);
    same || mirrored
}

/// `-u` with the sign taken into each term (`-(a - b)` is `-a + b`).
fn negated_terms(u: &Expr) -> Expr {
    add(u.terms().into_iter().map(neg).collect())
}

/// Are `a` and `b` the same sum up to the order of its terms?
fn same_terms(a: &Expr, b: &Expr) -> bool {
    let (mut x, mut y) = (a.terms(), b.terms());
    x.sort();
    y.sort();
    x == y
}

/// `d([u > 0])/d(x) = 0`: a bracket is flat away from its kink.
pub const D_BRACKET: Rule = Rule {
    name: "d-bracket",
    description: "d([u > 0])/d(x) = 0 away from the kink u = 0 (where the derivative is not \
                  defined); the same for >=, <, <=",
    apply: |e, ctx| {
        let Expr::Deriv(f, x) = e else { return None };
        let (_, u) = as_bracket(f)?;
        (depends_on(u, &x.name, ctx) && is_defined(u, ctx)).then(Expr::zero)
    },
};

/// A bracket of a number is 0 or 1.
pub const BRACKET_OF_NUMBER: Rule = Rule {
    name: "bracket-of-number",
    description: "[c > 0] = 1 or 0 for a number c (the same for >=, <, <=)",
    apply: |e, _| {
        let (f, u) = as_bracket(e)?;
        let sign = u.num()?.signum();
        let holds = f.holds_at_sign(sign)?;
        Some(if holds { Expr::one() } else { Expr::zero() })
    },
};

/// `[c]^n = [c]` for a positive integer `n`: a bracket is 0 or 1.
pub const BRACKET_POWER: Rule = Rule {
    name: "bracket-power",
    description: "[c]^n = [c] for a positive integer n (a bracket is 0 or 1)",
    apply: |e, _| {
        let Expr::Pow(b, n) = e else { return None };
        as_bracket(b)?;
        let n = n.num()?;
        (n.is_integer() && n.is_positive()).then(|| (**b).clone())
    },
};

/// `[c] * [not c] = 0`, where the rest of the product is defined.
pub const BRACKET_EXCLUSIVE: Rule = Rule {
    name: "bracket-exclusive",
    description: "[c] * [not c] = 0 (a condition and its negation never hold together)",
    apply: |e, ctx| {
        let Expr::Mul(factors) = e else { return None };
        let clash = factors
            .iter()
            .enumerate()
            .any(|(i, a)| factors[i + 1..].iter().any(|b| complementary(a, b)));
        (clash && is_defined(e, ctx)).then(Expr::zero)
    },
};

/// `X*[c] + X*[not c] = X`: the two brackets sum to 1 (where the condition is defined: the
/// rewrite must not give a value where the brackets have none).
pub const BRACKET_COMPLEMENT: Rule = Rule {
    name: "bracket-complement",
    description: "X*[c] + X*[not c] = X (a condition or its negation always holds)",
    apply: |e, ctx| {
        let Expr::Add(terms) = e else { return None };
        // Only a term with a bracket factor can be half of a pair: test pairs of those alone,
        // so a long sum without brackets costs one pass instead of a pass per pair.
        let bracketed: Vec<bool> = terms
            .iter()
            .map(|t| t.rest_factors().iter().any(|x| as_bracket(x).is_some()))
            .collect();
        for (i, a) in terms.iter().enumerate().filter(|(i, _)| bracketed[*i]) {
            for (j, b) in terms.iter().enumerate().skip(i + 1) {
                if !bracketed[j] {
                    continue;
                }
                let Some(rest) = complement_pair(a, b, ctx) else {
                    continue;
                };
                let mut out: Vec<Expr> = terms
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| *k != i && *k != j)
                    .map(|(_, t)| t.clone())
                    .collect();
                out.insert(i, rest);
                return Some(add(out));
            }
        }
        None
    },
};

/// For terms `X*[c]` and `X*[not c]`, the `X`.
fn complement_pair(a: &Expr, b: &Expr, ctx: &Ctx) -> Option<Expr> {
    let (ca, fa) = a.coefficient_and_rest();
    let (cb, fb) = b.coefficient_and_rest();
    if ca != cb || fa.len() != fb.len() {
        return None;
    }
    for (p, x) in fa.iter().enumerate() {
        match as_bracket(x) {
            Some((_, u)) if is_defined(u, ctx) => {}
            _ => continue,
        }
        for (q, y) in fb.iter().enumerate() {
            if !complementary(x, y) {
                continue;
            }
            let mut ra = fa.clone();
            ra.remove(p);
            let mut rb = fb.clone();
            rb.remove(q);
            if mul(ra.clone()) == mul(rb) {
                ra.insert(0, Expr::Num(ca.clone()));
                return Some(mul(ra));
            }
        }
    }
    None
}

/// Is `e` an indicator, worth 0 or 1 wherever it is defined: a bracket, a delta, 0, 1, or a
/// product or positive integer power of indicators?
pub fn is_indicator(e: &Expr) -> bool {
    match e {
        Expr::Num(r) => r.is_zero() || r.is_one(),
        Expr::Delta(..) => true,
        Expr::Func(f, _) => f.is_bracket(),
        Expr::Mul(xs) => xs.iter().all(is_indicator),
        Expr::Pow(b, n) => is_indicator(b) && n.num().is_some_and(|n| n.is_positive()),
        _ => false,
    }
}

/// Is `e` provably `>= 0`: positive, an indicator, an even power, a sum of such, or a product
/// whose factors are such or are matched by a bracket on their own sign (`x*[x > 0]`, which is
/// `relu(x)`; `-x*[x < 0]`)?
pub fn is_nonnegative(e: &Expr, ctx: &Ctx) -> bool {
    match e {
        Expr::Num(r) => !r.is_negative(),
        Expr::Add(xs) => xs.iter().all(|x| is_nonnegative(x, ctx)),
        Expr::Mul(_) => product_sign(e, ctx).is_some_and(|s| s >= 0),
        Expr::Pow(_, n) if n.num().is_some_and(is_even) => true,
        Expr::Sum(_, body) => is_nonnegative(body, ctx),
        _ => is_positive(e, ctx) || is_indicator(e),
    }
}

/// Is `n` an even integer?
fn is_even(n: &crate::syntax::rational::Rational) -> bool {
    let half = crate::syntax::rational::Rational::new(1, 2);
    half.and_then(|h| n.checked_mul(&h))
        .is_some_and(|m| m.is_integer())
}

/// The sign a product is known to have (1: `>= 0`, -1: `<= 0`), if known.
fn product_sign(e: &Expr, ctx: &Ctx) -> Option<i8> {
    let (c, factors) = e.coefficient_and_rest();
    let mut sign: i8 = if c.is_negative() { -1 } else { 1 };
    for (k, f) in factors.iter().enumerate() {
        if is_nonnegative(f, ctx) {
            continue;
        }
        // A factor `u` next to a bracket on the sign of `u` itself.
        let others = factors.iter().enumerate().filter(|(m, _)| *m != k);
        let known = others
            .filter_map(|(_, g)| as_bracket(g))
            .find_map(|(rel, u)| (u == f).then_some(rel))?;
        if matches!(known, Func::IsNegative | Func::IsNonPositive) {
            sign = -sign;
        }
    }
    Some(sign)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::expr::func;

    #[test]
    fn complement_of_a_bracket() {
        let u = Expr::plain("u");
        let gt = func(Func::IsPositive, u.clone());
        let le = func(Func::IsNonPositive, u.clone());
        let ge_neg = func(Func::IsNonNegative, neg(u.clone()));
        assert!(complementary(&gt, &le));
        assert!(complementary(&gt, &ge_neg));
        assert!(!complementary(&gt, &gt));
        assert!(!complementary(&gt, &func(Func::IsNegative, u)));
    }
}
