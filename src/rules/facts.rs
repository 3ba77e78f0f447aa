//! What rules may assume: dependence, positivity and non-zeroness, read off the declared kinds
//! and the definitions. Side conditions are small named functions here, never assumptions.

use super::{Ctx, Fact};
use crate::expr::{Expr, Func, Index};

/// Does `e` depend on the symbol named `x`, directly or through definitions?
pub fn depends_on(e: &Expr, x: &str, ctx: &Ctx) -> bool {
    match e {
        Expr::Sym(s) if s.name == x => true,
        Expr::Sym(s) => {
            ctx.through_definition(Fact::DependsOn, &s.name, x, |d| depends_on(&d.body, x, ctx))
        }
        Expr::Deriv(f, _) => depends_on(f, x, ctx),
        _ => e.iter_children().any(|c| depends_on(c, x, ctx)),
    }
}

/// Is `e` provably strictly positive (from declared kinds, definitions, `exp`, sums of
/// positives)?
pub fn is_positive(e: &Expr, ctx: &Ctx) -> bool {
    match e {
        Expr::Num(r) => r.numer() > 0,
        Expr::Sym(s) => {
            ctx.var(&s.name).is_some_and(|v| v.kind.is_positive())
                || is_range_end(s, ctx)
                || ctx
                    .through_definition(Fact::Positive, &s.name, "", |d| is_positive(&d.body, ctx))
        }
        Expr::Func(Func::Exp, _) => true,
        Expr::Func(Func::Sqrt, a) => is_positive(a, ctx),
        // `1 - v` with `v` in (0, 1).
        Expr::Add(xs) if complement_of(xs).is_some_and(|v| is_in_unit_interval(v, ctx)) => true,
        Expr::Add(xs) | Expr::Mul(xs) => xs.iter().all(|x| is_positive(x, ctx)),
        Expr::Pow(b, _) => is_positive(b, ctx),
        // A sum over a non-empty range of positive terms.
        Expr::Sum(b, body) => b.upper.is_some() && is_positive(body, ctx),
        Expr::Delta(..) | Expr::Func(Func::Log, _) | Expr::Deriv(..) => false,
    }
}

/// Is `s` the upper end of an index range, a positive integer (at least 1)? The parser makes
/// sure such a name is nothing else (not a variable, a definition or an index letter).
fn is_range_end(s: &crate::expr::Symbol, ctx: &Ctx) -> bool {
    s.indices.is_empty() && ctx.problem.is_range_bound(&s.name)
}

/// Is `e` provably non-zero?
pub fn is_nonzero(e: &Expr, ctx: &Ctx) -> bool {
    match e {
        Expr::Num(r) => !r.is_zero(),
        Expr::Sym(s) => {
            ctx.var(&s.name).is_some_and(|v| v.kind.is_nonzero())
                || is_range_end(s, ctx)
                || ctx.through_definition(Fact::Nonzero, &s.name, "", |d| is_nonzero(&d.body, ctx))
        }
        Expr::Mul(xs) => xs.iter().all(|x| is_nonzero(x, ctx)),
        Expr::Pow(b, _) => is_nonzero(b, ctx),
        Expr::Delta(a, b) => a == b,
        _ => is_positive(e, ctx),
    }
}

/// The upper end of the range an index runs over at the current position, if known: a free
/// index's declared range, or the range of the enclosing sum that binds it.
pub fn range_of(i: &Index, ctx: &Ctx) -> Option<String> {
    match i {
        Index::Free(name) => ctx.problem.upper_of(name).map(str::to_string),
        Index::Bound(n) => {
            let n = usize::try_from(*n).ok()?;
            let at = ctx.binders.len().checked_sub(n + 1)?;
            ctx.binders[at].upper.clone()
        }
    }
}

/// For the terms of `1 - v`, the `v`.
fn complement_of(terms: &[Expr]) -> Option<&Expr> {
    match terms {
        [one, Expr::Mul(fs)] if one.is_one() => match fs.as_slice() {
            [minus_one, v] if minus_one.as_num() == Some(crate::rational::Rational::MINUS_ONE) => {
                Some(v)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Is `e` provably in the open interval (0, 1): a `unit` variable, or `1/(1 + u)` with `u`
/// positive (a logistic sigmoid, say), or a definition of that form?
pub fn is_in_unit_interval(e: &Expr, ctx: &Ctx) -> bool {
    match e {
        Expr::Sym(s) => {
            ctx.var(&s.name)
                .is_some_and(|v| v.kind == crate::problem::Kind::Unit)
                || ctx.through_definition(Fact::InUnitInterval, &s.name, "", |d| {
                    is_in_unit_interval(&d.body, ctx)
                })
        }
        Expr::Pow(b, n) => {
            let one_plus_positive = matches!(&**b, Expr::Add(ts)
                if ts.len() == 2 && ts[0].is_one() && is_positive(&ts[1], ctx));
            one_plus_positive && n.as_num().is_some_and(|r| r.is_negative())
        }
        _ => false,
    }
}
