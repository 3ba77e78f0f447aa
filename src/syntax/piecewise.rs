//! Piecewise functions as sugar over Iverson brackets.
//!
//! gradproof has one piecewise primitive, the Iverson bracket `[u REL 0]` (the functions
//! [`Func::IsPositive`], [`Func::IsNonNegative`], [`Func::IsNegative`], [`Func::IsNonPositive`]):
//! 1 where the condition holds, 0 elsewhere. A condition `a REL b` is kept as `a - b REL 0`, so
//! `[x > y]` is the bracket `[x - y > 0]`. Every other piecewise function is *sugar*, rewritten
//! by the parser into brackets that are equal to it everywhere, kinks included:
//!
//! | written            | stands for                                                    |
//! |--------------------|---------------------------------------------------------------|
//! | `relu(x)`          | `x*[x > 0]`                                                   |
//! | `abs(x)`           | `x*[x > 0] - x*[x < 0]`                                       |
//! | `max(a, b)`        | `a*[a - b >= 0] + b*[b - a > 0]`                              |
//! | `min(a, b)`        | `a*[a - b <= 0] + b*[b - a < 0]`                              |
//! | `clamp(x, lo, hi)` | `lo*[x - lo < 0] + x*[x - lo >= 0]*[x - hi <= 0] + hi*[x - hi > 0]` (for `lo <= hi`) |
//! | `if(c, A, B)`      | `A*[c] + B*[not c]`                                           |
//!
//! So the derivative of every piecewise function comes from the rules of brackets
//! (`d([c])/d(x) = 0` away from the kink, where the sides of `c` differ) and the ordinary
//! product and sum rules: `d(relu(x))/d(x) = [x > 0]`. On a kink the derivative is not defined;
//! the checker draws its samples away from kinks (see [`crate::check::kinks`]).

use crate::syntax::expr::{add, func, mul, sub, Expr, Func};

/// A sample whose bracket argument is within this distance of 0 lies on a kink: the bracket's
/// value there is decided by rounding, and its derivative does not exist. It is far above the
/// rounding error of the evaluator (about `1e-16` relative per operation) and far below the
/// spread of sampled values.
pub const KINK_TOLERANCE: f64 = 1e-9;

/// The bracket `[a REL b]`, kept as `[a - b REL 0]`; `None` for an unknown relation.
pub fn compare(a: Expr, rel: &str, b: Expr) -> Option<Expr> {
    Some(func(Func::bracket(rel)?, sub(a, b)))
}

/// The bracket of the negated condition: `[u <= 0]` for `[u > 0]` and so on (`None` for
/// anything that is not a bracket).
pub fn negation(bracket: &Expr) -> Option<Expr> {
    match bracket {
        Expr::Func(f, a) => Some(func(f.complement()?, (**a).clone())),
        _ => None,
    }
}

/// `relu(x) = x*[x > 0]`.
pub fn relu(x: Expr) -> Expr {
    mul(vec![x.clone(), func(Func::IsPositive, x)])
}

/// `abs(x) = x*[x > 0] - x*[x < 0]`.
pub fn abs(x: Expr) -> Expr {
    sub(
        mul(vec![x.clone(), func(Func::IsPositive, x.clone())]),
        mul(vec![x.clone(), func(Func::IsNegative, x)]),
    )
}

/// `max(a, b) = a*[a - b >= 0] + b*[b - a > 0]`.
pub fn max(a: Expr, b: Expr) -> Expr {
    let ge = func(Func::IsNonNegative, sub(a.clone(), b.clone()));
    let gt = func(Func::IsPositive, sub(b.clone(), a.clone()));
    add(vec![mul(vec![a, ge]), mul(vec![b, gt])])
}

/// `min(a, b) = a*[a - b <= 0] + b*[b - a < 0]`.
pub fn min(a: Expr, b: Expr) -> Expr {
    let le = func(Func::IsNonPositive, sub(a.clone(), b.clone()));
    let lt = func(Func::IsNegative, sub(b.clone(), a.clone()));
    add(vec![mul(vec![a, le]), mul(vec![b, lt])])
}

/// `clamp(x, lo, hi) = lo*[x - lo < 0] + x*[x - lo >= 0]*[x - hi <= 0] + hi*[x - hi > 0]`,
/// which is `min(max(x, lo), hi)` wherever `lo <= hi`.
pub fn clamp(x: Expr, lo: Expr, hi: Expr) -> Expr {
    let below = func(Func::IsNegative, sub(x.clone(), lo.clone()));
    let from_lo = func(Func::IsNonNegative, sub(x.clone(), lo.clone()));
    let to_hi = func(Func::IsNonPositive, sub(x.clone(), hi.clone()));
    let above = func(Func::IsPositive, sub(x.clone(), hi.clone()));
    add(vec![
        mul(vec![lo, below]),
        mul(vec![x, from_lo, to_hi]),
        mul(vec![hi, above]),
    ])
}

/// `if(c, a, b) = a*[c] + b*[not c]`, for a bracket `c` (`None` otherwise).
pub fn if_then_else(condition: Expr, a: Expr, b: Expr) -> Option<Expr> {
    let not = negation(&condition)?;
    Some(add(vec![mul(vec![a, condition]), mul(vec![b, not])]))
}

/// True when `e` contains an Iverson bracket (so the checker must watch for kinks).
pub fn has_bracket(e: &Expr) -> bool {
    matches!(e, Expr::Func(f, _) if f.is_bracket()) || e.iter_children().any(has_bracket)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_expr;

    fn p(s: &str) -> Expr {
        parse_expr(s).unwrap()
    }

    #[test]
    fn sugar_is_the_documented_bracket_form() {
        assert_eq!(p("relu(x)"), p("x*[x > 0]"));
        assert_eq!(p("abs(x)"), p("x*[x > 0] - x*[x < 0]"));
        assert_eq!(p("max(0, u)"), p("u*[u > 0]"));
        assert_eq!(p("min(0, u)"), p("u*[u < 0]"));
        assert_eq!(p("if(x > y, a, b)"), p("a*[x - y > 0] + b*[x - y <= 0]"));
        assert_eq!(p("[x > y]"), p("[x - y > 0]"));
        assert_eq!(
            p("clamp(x, -h, h)"),
            p("-h*[x + h < 0] + x*[x + h >= 0]*[x - h <= 0] + h*[x - h > 0]")
        );
    }

    #[test]
    fn negation_flips_the_relation() {
        assert_eq!(negation(&p("[u > 0]")), Some(p("[u <= 0]")));
        assert_eq!(negation(&p("[u < 0]")), Some(p("[u >= 0]")));
        assert_eq!(negation(&p("u")), None);
    }
}
