//! What rules may assume: dependence, positivity and non-zeroness, read off the declared kinds
//! and the definitions. Side conditions are small named functions here, never assumptions.

use super::{Ctx, Fact};
use crate::syntax::expr::{Expr, Func, Index};

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
        Expr::Num(r) => r.is_positive(),
        Expr::Sym(s) => {
            ctx.var(&s.name).is_some_and(|v| v.kind.is_positive())
                || is_range_end(s, ctx)
                || ctx
                    .through_definition(Fact::Positive, &s.name, "", |d| is_positive(&d.body, ctx))
        }
        Expr::Func(Func::Exp, _) => true,
        Expr::Func(Func::Sqrt, a) => is_positive(a, ctx),
        Expr::Func(Func::Sigmoid | Func::Softplus, _) => true,
        Expr::Func(Func::Tanh, a) => is_positive(a, ctx),
        // `1 - v` with `v` in (0, 1), or `v` a power of a tanh; `1 + tanh(u)`.
        Expr::Add(xs)
            if complement_of(xs)
                .is_some_and(|v| is_in_unit_interval(v, ctx) || is_tanh_power(v)) =>
        {
            true
        }
        Expr::Add(xs) if is_one_plus_tanh(xs) => true,
        Expr::Add(xs) | Expr::Mul(xs) => xs.iter().all(|x| is_positive(x, ctx)),
        Expr::Pow(b, _) => is_positive(b, ctx),
        // A sum over a non-empty range of positive terms.
        Expr::Sum(b, body) => b.upper.is_some() && is_positive(body, ctx),
        Expr::Delta(..) | Expr::Func(Func::Log, _) | Expr::Deriv(..) => false,
        // An Iverson bracket may be 0.
        Expr::Func(..) => false,
    }
}

/// Is `s` the upper end of an index range, a positive integer (at least 1)? The parser makes
/// sure such a name is nothing else (not a variable, a definition or an index letter).
fn is_range_end(s: &crate::syntax::expr::Symbol, ctx: &Ctx) -> bool {
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
        Expr::Func(Func::Tanh, a) => is_nonzero(a, ctx),
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
            ctx.binders[at].upper.map(String::from)
        }
    }
}

/// For the terms of `1 - v`, the `v`.
fn complement_of(terms: &[Expr]) -> Option<&Expr> {
    match terms {
        [one, Expr::Mul(fs)] if one.is_one() => match fs.as_slice() {
            [minus_one, v]
                if minus_one
                    .num()
                    .is_some_and(|m| *m == crate::syntax::rational::Rational::minus_one()) =>
            {
                Some(v)
            }
            _ => None,
        },
        _ => None,
    }
}

/// Is `e` provably in the open interval (0, 1): a `unit` variable, a `sigmoid`, `1/(1 + u)` or
/// `u/(1 + u)` with `u` positive (a logistic sigmoid, say), or a definition of that form?
pub fn is_in_unit_interval(e: &Expr, ctx: &Ctx) -> bool {
    match e {
        Expr::Sym(s) => {
            ctx.var(&s.name)
                .is_some_and(|v| v.kind == crate::syntax::problem::Kind::Unit)
                || ctx.through_definition(Fact::InUnitInterval, &s.name, "", |d| {
                    is_in_unit_interval(&d.body, ctx)
                })
        }
        Expr::Func(Func::Sigmoid, _) => true,
        Expr::Mul(fs) => is_u_over_one_plus_u(fs, ctx),
        Expr::Pow(b, n) => {
            let one_plus_positive = matches!(&**b, Expr::Add(ts)
                if ts.len() == 2 && ts[0].is_one() && is_positive(&ts[1], ctx));
            one_plus_positive && n.as_num().is_some_and(|r| r.is_negative())
        }
        _ => false,
    }
}

/// Are the factors `u * (1 + u)^-1` with `u` positive (`exp(x)/(1 + exp(x))`, say), a number in
/// (0, 1)?
fn is_u_over_one_plus_u(fs: &[Expr], ctx: &Ctx) -> bool {
    let [a, b] = fs else { return false };
    let over = |u: &Expr, p: &Expr| match p {
        Expr::Pow(base, n)
            if n.num()
                .is_some_and(|r| *r == crate::syntax::rational::Rational::minus_one()) =>
        {
            matches!(&**base, Expr::Add(ts) if ts.len() == 2
                && ts.iter().any(Expr::is_one)
                && ts.iter().any(|t| t == u))
        }
        _ => false,
    };
    (over(a, b) && is_positive(a, ctx)) || (over(b, a) && is_positive(b, ctx))
}

/// Is `v` a `tanh(u)` or a positive integer power of one (so `|v| < 1`)?
fn is_tanh_power(v: &Expr) -> bool {
    match v {
        Expr::Func(Func::Tanh, _) => true,
        Expr::Pow(b, n) => {
            matches!(&**b, Expr::Func(Func::Tanh, _))
                && n.num().is_some_and(|r| r.is_integer() && r.is_positive())
        }
        _ => false,
    }
}

/// Are the terms `1 + tanh(u)` (positive, as `tanh > -1`)?
fn is_one_plus_tanh(terms: &[Expr]) -> bool {
    matches!(terms, [one, Expr::Func(Func::Tanh, _)] if one.is_one())
}

/// What an expression needs of a subexpression to be defined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Need {
    /// `b != 0` (a negative integer power of `b`).
    Nonzero,
    /// `b >= 0` (a positive fractional power or the square root of `b`).
    NonNegative,
    /// `b > 0` (the logarithm, a negative fractional power or a symbolic power of `b`).
    Positive,
}

impl Need {
    /// True when meeting `self` also meets `other`.
    fn implies(self, other: Need) -> bool {
        self == other || self == Need::Positive
    }
}

/// The conditions, in the context of `ctx` (so bound indices mean the same on both sides of a
/// rewrite at one position), under which `e` is defined and that the facts do not prove.
fn conditions(e: &Expr, ctx: &Ctx, out: &mut Vec<(Expr, Need)>) {
    let mut need = |b: &Expr, n: Need| {
        let proved = match n {
            Need::Nonzero => is_nonzero(b, ctx),
            Need::NonNegative => super::piecewise::is_nonnegative(b, ctx),
            Need::Positive => is_positive(b, ctx),
        };
        if !proved {
            out.push((b.clone(), n));
        }
    };
    match e {
        Expr::Pow(b, x) => match x.num() {
            Some(n) if n.is_integer() && !n.is_negative() => {}
            Some(n) if n.is_integer() => need(b, Need::Nonzero),
            Some(n) if n.is_positive() => need(b, Need::NonNegative),
            _ => need(b, Need::Positive),
        },
        Expr::Func(Func::Log, a) => need(a, Need::Positive),
        Expr::Func(Func::Sqrt, a) => need(a, Need::NonNegative),
        _ => {}
    }
    let inner = ctx.enter(e);
    e.iter_children().for_each(|c| conditions(c, &inner, out));
}

/// Is `e` provably defined everywhere on the declared domain (definitions looked through)? Its
/// every denominator provably non-zero, every radicand, logarithm argument and base of a
/// fractional or symbolic power provably positive.
pub fn is_defined(e: &Expr, ctx: &Ctx) -> bool {
    let mut needs = Vec::new();
    conditions(
        &super::definitions::unfold_all(e, ctx.problem),
        ctx,
        &mut needs,
    );
    needs.is_empty()
}

/// Are `before` and `after` (a rewrite at the position of `ctx`) defined at the same points of
/// the declared domain? [`defined_where`] both ways: the rewrite neither loses a value nor gives
/// one where there was none.
pub fn same_domain(before: &Expr, after: &Expr, ctx: &Ctx) -> bool {
    defined_where(before, after, ctx) && defined_where(after, before, ctx)
}

/// Is `after` (the result of rewriting `before` at the position of `ctx`) defined wherever
/// `before` is, on the declared domain? Definitions are looked through on both sides; every
/// condition `after` needs (a non-zero denominator, a non-negative radicand, a positive
/// logarithm argument) must be proved by the facts or already needed by `before`. So folding
/// `x^2` into `r^4` with `let r = x^(1/2)` and `x` real is refused (it needs `x >= 0`), while
/// folding `exp(s_j)/sum_m exp(s_m)` into `p_j` is allowed.
pub fn defined_where(before: &Expr, after: &Expr, ctx: &Ctx) -> bool {
    let unfold = |e: &Expr| super::definitions::unfold_all(e, ctx.problem);
    let (mut had, mut needs) = (Vec::new(), Vec::new());
    conditions(&unfold(before), ctx, &mut had);
    conditions(&unfold(after), ctx, &mut needs);
    needs
        .iter()
        .all(|(b, n)| had.iter().any(|(a, m)| a == b && m.implies(*n)))
}
