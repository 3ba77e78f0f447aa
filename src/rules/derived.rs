//! Facts derived from the shape of a definition rather than from a declared kind.
//!
//! A definition `p_j = f_j / Σ_m f_m` with every `f_m` provably positive (a softmax, a
//! normalised positive weight) is a distribution over `j`: positive (already seen by
//! [`super::facts::is_positive`] through the definition) and summing to one over the range of
//! `j`. [`NORMALISED_SUMS_TO_ONE`] uses that the way [`super::sums::SUM_TO_ONE`] uses a declared
//! `distribution`. Nothing here knows a symbol name: the shape of the body decides.

use super::facts::is_positive;
use super::{Ctx, Rule};
use crate::syntax::expr::{mul, Expr, Index};
use crate::syntax::index::{mentions_bound, open};
use crate::syntax::problem::Definition;

/// The position `t` of the parameter over which `def` is normalised, when its body is
/// `f(j) / Σ_m f(m)` (`j` the `t`-th parameter, `f` provably positive, the sum over `j`'s
/// range): then `Σ_j def(.., j, ..) = 1` for any values of the other parameters.
pub fn normalised_over(def: &Definition, ctx: &Ctx) -> Option<usize> {
    let Expr::Mul(factors) = &def.body else {
        return None;
    };
    // Exactly one factor is the reciprocal of a sum over an index range.
    let mut divisor = None;
    for (i, f) in factors.iter().enumerate() {
        if let Expr::Pow(b, n) = f {
            if matches!(&**b, Expr::Sum(..)) && n.num().is_some_and(|r| *r == minus_one()) {
                if divisor.is_some() {
                    return None;
                }
                divisor = Some(i);
            }
        }
    }
    let at = divisor?;
    let Expr::Pow(b, _) = &factors[at] else {
        return None;
    };
    let Expr::Sum(binder, body) = &**b else {
        return None;
    };
    if !mentions_bound(body, 0) {
        return None;
    }
    let mut rest = factors.to_vec();
    rest.remove(at);
    let numerator = mul(rest);
    def.symbol.indices.iter().enumerate().find_map(|(t, p)| {
        let Index::Free(letter) = p else { return None };
        let same_range = ctx.problem.upper_of(letter).is_some()
            && ctx.problem.upper_of(letter) == binder.upper.as_deref();
        let term = open(body, p);
        (same_range && term == numerator && is_positive(&term, ctx)).then_some(t)
    })
}

fn minus_one() -> crate::syntax::rational::Rational {
    crate::syntax::rational::Rational::minus_one()
}

/// `Σ_j p_{.., j, ..} = 1` when `p` is defined as `f_j / Σ_m f_m` with `f` positive, the sum
/// runs over `j`'s range and the other subscripts do not mention `j`.
pub const NORMALISED_SUMS_TO_ONE: Rule = Rule {
    name: "normalised-sums-to-one",
    description: "sum_j p_j = 1 when p_j = f_j / sum_m f_m with f positive (a softmax, say)",
    apply: |e, ctx| {
        let Expr::Sum(b, body) = e else { return None };
        let Expr::Sym(s) = &**body else { return None };
        let def = ctx.def(&s.name)?;
        let t = normalised_over(def, ctx)?;
        let ok = s.indices.iter().enumerate().all(|(i, x)| {
            if i == t {
                *x == Index::Bound(0)
            } else {
                !matches!(x, Index::Bound(0))
            }
        });
        let Index::Free(letter) = def.symbol.indices.get(t)? else {
            return None;
        };
        let same_range = ctx.problem.upper_of(letter) == b.upper.as_deref();
        (ok && same_range).then(Expr::one)
    },
};
