//! Regrouping rules for the search of the final form (see [`crate::engine::search`]): each undoes a
//! move of the main phases (grouping undoes expansion, moving a factor into a sum undoes
//! factoring it out, merging sums undoes splitting them), so the search can walk both ways.
//!
//! A rule here may rewrite a subterm in several ways (group the terms sharing `a`, or those
//! sharing `b`): [`alternatives`] lists them all, the rule's `apply` gives the first, and replay
//! accepts any of them.

use super::{Ctx, Rule};
use crate::syntax::expr::{add, mul, pow, pow_of_defined, sum, Expr};
use crate::syntax::index::shift;
use crate::syntax::rational::Rational;

/// The base and numeric exponent of each non-numeric factor of a term.
fn numeric_powers(term: &Expr) -> Vec<(Expr, Option<Rational>)> {
    term.rest_factors()
        .iter()
        .map(|f| {
            let (b, x) = f.base_and_exponent();
            (b, x.as_num())
        })
        .collect()
}

/// `term` divided by `base^n`, taking the power from the first factor with that base, when that
/// factor's numeric exponent has the sign of `n` and at least its size.
fn divide_out(term: &Expr, base: &Expr, n: &Rational) -> Option<Expr> {
    let mut fs = term.factors();
    let at = fs.iter().position(|f| f.base_and_exponent().0 == *base)?;
    let (b, x) = fs[at].base_and_exponent();
    let x = x.as_num()?;
    let fits =
        x.is_negative() == n.is_negative() && if n.is_negative() { x <= *n } else { x >= *n };
    if !fits {
        return None;
    }
    // The factor stood in the term, so its remaining power is defined wherever the term is.
    fs[at] = pow_of_defined(b, Expr::Num(x.checked_sub(n)?));
    Some(mul(fs))
}

/// The exponent a term has `base` to, when numeric and not zero, from the term's
/// [`numeric_powers`] (computed once per term, not once per base).
fn exponent_in(powers: &[(Expr, Option<Rational>)], base: &Expr) -> Option<Rational> {
    powers
        .iter()
        .find(|(b, _)| b == base)
        .and_then(|(_, x)| x.clone())
        .filter(|x| !x.is_zero())
}

/// Every way of pulling one shared power out of some (at least two, not all) of the terms of a
/// sum: `a x + a y + z = a(x + y) + z`. The group's cofactor is written with a term that is not
/// negated first (`-a(x - y)` rather than `a(-x + y)`), so groups that differ only in sign
/// share a factor.
pub fn group_alternatives(e: &Expr) -> Vec<Expr> {
    let Expr::Add(terms) = e else {
        return Vec::new();
    };
    if terms.len() < 3 {
        return Vec::new();
    }
    let powers: Vec<Vec<(Expr, Option<Rational>)>> = terms.iter().map(numeric_powers).collect();
    let mut bases: Vec<&Expr> = Vec::new();
    for (b, x) in powers.iter().flatten() {
        if x.is_some() && !bases.contains(&b) {
            bases.push(b);
        }
    }
    let mut out = Vec::new();
    for base in bases {
        for positive in [true, false] {
            let members: Vec<(usize, Rational)> = powers
                .iter()
                .enumerate()
                .filter_map(|(i, p)| {
                    exponent_in(p, base)
                        .filter(|x| x.is_negative() != positive)
                        .map(|x| (i, x))
                })
                .collect();
            if members.len() < 2 || members.len() == terms.len() {
                continue;
            }
            let n = members.iter().map(|(_, x)| x.clone()).reduce(|a, b| {
                if positive {
                    a.min(b)
                } else {
                    a.max(b)
                }
            });
            let Some(n) = n else { continue };
            let cofactors: Option<Vec<Expr>> = members
                .iter()
                .map(|(i, _)| divide_out(&terms[*i], base, &n))
                .collect();
            let Some(cofactors) = cofactors else { continue };
            let cofactor = add(cofactors);
            let negated = cofactor.terms()[0].coefficient().is_negative();
            let factor = pow(base.clone(), Expr::Num(n));
            let grouped = if negated {
                let flipped = add(cofactor
                    .terms()
                    .into_iter()
                    .map(|t| mul(vec![Expr::Num(Rational::minus_one()), t]))
                    .collect());
                mul(vec![Expr::Num(Rational::minus_one()), factor, flipped])
            } else {
                mul(vec![factor, cofactor])
            };
            let first = members[0].0;
            let mut ts: Vec<Expr> = Vec::with_capacity(terms.len());
            for (i, t) in terms.iter().enumerate() {
                if i == first {
                    ts.push(grouped.clone());
                } else if !members.iter().any(|(m, _)| *m == i) {
                    ts.push(t.clone());
                }
            }
            out.push(add(ts));
        }
    }
    out
}

/// Some terms of a sum share a power: it comes out of those terms.
pub const GROUP_TERMS: Rule = Rule {
    name: "group-terms",
    description: "a*x + a*y + z = a*(x + y) + z: a power shared by some of the terms comes out",
    apply: |e, _| group_alternatives(e).into_iter().next(),
};

/// A factor of a product that holds one sum goes into that sum (the reverse of
/// `factor-out-of-sum`), so that sums can be merged.
pub const FACTOR_INTO_SUM: Rule = Rule {
    name: "factor-into-sum",
    description: "c * sum_j f_j = sum_j c * f_j",
    apply: |e, _| {
        let Expr::Mul(fs) = e else { return None };
        let mut sums = fs
            .iter()
            .enumerate()
            .filter(|(_, f)| matches!(f, Expr::Sum(..)));
        let (at, s) = sums.next()?;
        if sums.next().is_some() {
            return None;
        }
        let Expr::Sum(b, body) = s else { return None };
        let mut inner: Vec<Expr> = fs
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at)
            .map(|(_, f)| shift(f, 1))
            .collect();
        inner.push((**body).clone());
        Some(sum(b.clone(), mul(inner)))
    },
};

/// Every way of merging two sums over the same range among the terms of a sum.
pub fn merge_alternatives(e: &Expr) -> Vec<Expr> {
    let Expr::Add(terms) = e else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, a) in terms.iter().enumerate() {
        let Expr::Sum(ba, xa) = a else { continue };
        for (j, b) in terms.iter().enumerate().skip(i + 1) {
            let Expr::Sum(bb, xb) = b else { continue };
            if ba.upper != bb.upper || ba.upper.is_none() {
                continue;
            }
            let merged = sum(ba.clone(), add(vec![(**xa).clone(), (**xb).clone()]));
            let mut ts = terms.to_vec();
            ts[i] = merged;
            ts.remove(j);
            out.push(add(ts));
        }
    }
    out
}

/// Two sums over the same range merge into one (the reverse of `split-sum`).
pub const MERGE_SUMS: Rule = Rule {
    name: "merge-sums",
    description: "sum_j a_j + sum_j b_j = sum_j (a_j + b_j)",
    apply: |e, _| merge_alternatives(e).into_iter().next(),
};

/// Every rewrite `rule` may make at `e`: the alternatives of the rules above, or the rule's
/// single rewrite.
pub fn alternatives(rule: &Rule, e: &Expr, ctx: &Ctx) -> Vec<Expr> {
    if rule.name == GROUP_TERMS.name {
        group_alternatives(e)
    } else if rule.name == MERGE_SUMS.name {
        merge_alternatives(e)
    } else {
        (rule.apply)(e, ctx)
            .into_iter()
            .filter(|o| o != e)
            .collect()
    }
}
