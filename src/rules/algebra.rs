//! Algebra: cancellation, distribution, powers, like terms, common factors and term order.
//!
//! Flattening and folding of numbers happen in the smart constructors of [`crate::syntax::expr`], so
//! every rule's output is already flat.

use super::facts::{is_nonzero, same_domain};
use super::{Ctx, Rule};
use crate::syntax::expr::{add, mul, pow, pow_of_defined, Expr};
use crate::syntax::rational::Rational;
use std::collections::hash_map::{Entry, HashMap};

/// The product `factors` with the sum at `at` multiplied out.
pub fn distribute_over(factors: &[Expr], at: usize) -> Expr {
    let terms = factors[at].terms();
    add(terms
        .into_iter()
        .map(|t| {
            let mut fs = factors.to_vec();
            fs[at] = t;
            mul(fs)
        })
        .collect())
}

/// The base and numeric exponent of a factor (`x` is `x^1`), borrowed, if it has one.
fn numeric_power(f: &Expr) -> Option<(&Expr, Rational)> {
    match f {
        Expr::Pow(b, e) => Some((b, e.as_num()?)),
        other => Some((other, Rational::one())),
    }
}

/// Finds two factors with equal bases whose numeric exponents satisfy `pair_ok`, and merges them.
/// With a fractional exponent the merged power must be defined exactly where the pair is
/// (`x^(1/2) * x^(1/2) = x` holds only for `x >= 0`: it would give a value where there is none).
fn merge_pair(
    factors: &[Expr],
    ctx: &Ctx,
    pair_ok: &dyn Fn(&Expr, &Rational, &Rational) -> bool,
) -> Option<Expr> {
    let powers: Vec<Option<(&Expr, Rational)>> = factors.iter().map(numeric_power).collect();
    for (i, pi) in powers.iter().enumerate() {
        let Some((bi, ei)) = pi else {
            continue;
        };
        for (j, pj) in powers.iter().enumerate().skip(i + 1) {
            let Some((bj, ej)) = pj else {
                continue;
            };
            if bi == bj && pair_ok(bi, ei, ej) {
                let Some(sum) = ei.checked_add(ej) else {
                    continue;
                };
                // Both factors stood in the input product: `x^0` there is 1.
                let merged = pow_of_defined((*bi).clone(), Expr::Num(sum));
                let fractional = !ei.is_integer() || !ej.is_integer();
                let pair = || Expr::Mul(vec![factors[i].clone(), factors[j].clone()].into());
                if fractional && !same_domain(&pair(), &merged, ctx) {
                    continue;
                }
                let mut fs = factors.to_vec();
                fs[i] = merged;
                fs.remove(j);
                return Some(mul(fs));
            }
        }
    }
    None
}

/// `x^a * x^(-b)` with `x` provably non-zero: the powers cancel.
pub const CANCEL: Rule = Rule {
    name: "cancel",
    description: "x^a * x^(-b) = x^(a-b) when x is known to be non-zero (so x/x = 1)",
    apply: |e, ctx| {
        let Expr::Mul(factors) = e else { return None };
        merge_pair(factors, ctx, &|base: &Expr, a: &Rational, b: &Rational| {
            a.is_negative() != b.is_negative() && is_nonzero(base, ctx)
        })
    },
};

/// `x^a * x^b = x^(a+b)` for exponents of the same sign (no division involved).
pub const MERGE_POWERS: Rule = Rule {
    name: "merge-powers",
    description: "x^a * x^b = x^(a+b) when a and b have the same sign",
    apply: |e, ctx| {
        let Expr::Mul(factors) = e else { return None };
        merge_pair(factors, ctx, &|_: &Expr, a: &Rational, b: &Rational| {
            a.is_negative() == b.is_negative()
        })
    },
};

/// The first factor that is a sum of terms and that the product does not also divide by (a sum
/// that is about to cancel is left whole). Distribution that would build more than [`super::MAX_RULE_OUTPUT`] nodes is not offered.
pub fn distributable(factors: &[Expr], also: impl Fn(&Expr) -> bool) -> Option<usize> {
    let size = || factors.iter().map(Expr::size).sum::<usize>();
    factors.iter().position(|f| {
        matches!(f, Expr::Add(xs) if super::within_output_limit(xs.len(), size()))
            && also(f)
            && !factors.iter().any(|g| match g {
                Expr::Pow(b, n) => **b == *f && n.as_num().is_some_and(|r| r.is_negative()),
                _ => false,
            })
    })
}

/// A product is multiplied out over a sum of terms (unless it also divides by that sum).
pub const DISTRIBUTE: Rule = Rule {
    name: "distribute",
    description: "a*(b + c) = a*b + a*c, unless the product also divides by b + c",
    apply: |e, _| {
        let Expr::Mul(factors) = e else { return None };
        let at = distributable(factors, |_| true)?;
        Some(distribute_over(factors, at))
    },
};

/// The non-numeric factors of a term, sorted, so that `x*y` and `y*x` compare equal.
fn sorted_rest(term: &Expr) -> Vec<&Expr> {
    let mut rest: Vec<&Expr> = term.rest_factors().iter().collect();
    rest.sort();
    rest
}

/// The first pair of like terms `(i, j)`, `i < j`: the smallest `i` that has a like term after
/// it, and its first such `j`. Terms are grouped by their sorted factors in one pass, instead of
/// comparing every pair.
fn first_like_pair(terms: &[Expr]) -> Option<(usize, usize)> {
    let mut first_of: HashMap<Vec<&Expr>, usize> = HashMap::with_capacity(terms.len());
    let mut partner: Vec<Option<usize>> = vec![None; terms.len()];
    for (j, t) in terms.iter().enumerate() {
        match first_of.entry(sorted_rest(t)) {
            Entry::Occupied(o) => {
                let i = *o.get();
                partner[i].get_or_insert(j);
            }
            Entry::Vacant(v) => {
                v.insert(j);
            }
        }
    }
    partner
        .iter()
        .enumerate()
        .find_map(|(i, p)| p.map(|j| (i, j)))
}

/// Like terms combine: `a*x + b*x = (a+b)*x` for numbers `a`, `b`.
pub const COLLECT: Rule = Rule {
    name: "collect-like-terms",
    description: "a*x + b*x = (a+b)*x for numbers a, b",
    apply: |e, _| {
        let Expr::Add(terms) = e else { return None };
        let (i, j) = first_like_pair(terms)?;
        let mut ts = terms.to_vec();
        let sum = terms[i]
            .coefficient()
            .checked_add(&terms[j].coefficient())?;
        let mut combined = vec![Expr::Num(sum)];
        combined.extend(terms[i].rest_factors().iter().cloned());
        ts[i] = mul(combined);
        ts.remove(j);
        Some(add(ts))
    },
};

/// The powers of a term as `(base, exponent)`, numbers left out.
fn powers(term: &Expr) -> Vec<(Expr, Expr)> {
    term.rest_factors()
        .iter()
        .map(Expr::base_and_exponent)
        .collect()
}

/// The exponent `base` has in `powers` if it has the same sign as `like`, else `None`.
fn same_sign_power(powers: &[(Expr, Expr)], base: &Expr, like: &Rational) -> Option<Rational> {
    powers
        .iter()
        .find(|(b, _)| b == base)
        .and_then(|(_, e)| e.as_num())
        .filter(|e| e.is_negative() == like.is_negative())
}

/// A power shared by every term of a sum comes out: `a^2*x + a*y = a*(a*x + y)`.
pub const FACTOR_COMMON: Rule = Rule {
    name: "factor-common",
    description: "a*x + a*y = a*(x + y) for a power of a shared by every term",
    apply: |e, _| {
        let Expr::Add(terms) = e else { return None };
        let all: Vec<Vec<(Expr, Expr)>> = terms.iter().map(powers).collect();
        let mut common: Vec<(Expr, Rational)> = Vec::new();
        for (base, exp) in &all[0] {
            // Only the first factor with a given base counts (`x*x` is not merged yet).
            if common.iter().any(|(c, _)| c == base) {
                continue;
            }
            let Some(first) = exp.as_num() else { continue };
            let mut smallest = first.clone();
            for other in &all[1..] {
                match same_sign_power(other, base, &first) {
                    Some(x) if x.is_negative() => smallest = smallest.max(x),
                    Some(x) => smallest = smallest.min(x),
                    None => {
                        smallest = Rational::zero();
                        break;
                    }
                }
            }
            if !smallest.is_zero() {
                common.push((base.clone(), smallest));
            }
        }
        if common.is_empty() {
            return None;
        }
        let remaining: Vec<Expr> = terms
            .iter()
            .map(|t| {
                // Each common power comes out of the first factor with its base, once: the
                // same factor `same_sign_power` measured.
                let mut fs = t.factors();
                for (c, n) in &common {
                    let Some(at) = fs.iter().position(|f| f.base_and_exponent().0 == *c) else {
                        continue;
                    };
                    let (b, x) = fs[at].base_and_exponent();
                    let left = x.as_num()?.checked_sub(n)?;
                    fs[at] = pow_of_defined(b, Expr::Num(left));
                }
                Some(mul(fs))
            })
            .collect::<Option<_>>()?;
        let mut out: Vec<Expr> = common
            .into_iter()
            .map(|(b, x)| pow(b, Expr::Num(x)))
            .collect();
        out.push(add(remaining));
        Some(mul(out))
    },
};

/// A sum is written with a positive term first: `-a + b` becomes `b - a`.
pub const ORDER_TERMS: Rule = Rule {
    name: "order-terms",
    description: "-a + b = b - a: a sum starts with a term that is not negated",
    apply: |e, _| {
        let Expr::Add(terms) = e else { return None };
        let negated = |t: &Expr| t.coefficient().is_negative();
        if !negated(&terms[0]) {
            return None;
        }
        let first_positive = terms.iter().position(|t| !negated(t))?;
        let mut ts = terms.to_vec();
        let moved = ts.remove(first_positive);
        ts.insert(0, moved);
        Some(Expr::Add(ts.into()))
    },
};

/// An integer power of a product is the product of the powers: `(a*b)^n = a^n * b^n`.
pub const POWER_OF_PRODUCT: Rule = Rule {
    name: "power-of-product",
    description: "(a*b)^n = a^n * b^n for an integer n",
    apply: |e, ctx| {
        let Expr::Pow(base, n) = e else { return None };
        let Expr::Mul(factors) = &**base else {
            return None;
        };
        let n = n.as_num().filter(|r| r.is_integer())?;
        let out = mul(factors
            .iter()
            .map(|f| {
                let (b, x) = f.base_and_exponent();
                match x.num().and_then(|x| x.checked_mul(&n)) {
                    Some(m) => pow(b, Expr::Num(m)),
                    None => pow(f.clone(), Expr::Num(n.clone())),
                }
            })
            .collect());
        // An inner fractional power may turn into an integer one (`(x^(1/2)*y)^2 = x*y^2`,
        // only for `x >= 0`): then the result must be defined exactly where the input is.
        let fractional = factors.iter().any(|f| {
            f.base_and_exponent()
                .1
                .num()
                .is_some_and(|x| !x.is_integer())
        });
        (!fractional || same_domain(e, &out, ctx)).then_some(out)
    },
};
