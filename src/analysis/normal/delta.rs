//! Kronecker-delta substitution in the normal form: in a monomial containing `δ(a, b)`, where
//! `a` and `b` are free indices over the same range, every other factor may read `a` for `b`
//! (`p_l δ_kl = p_k δ_kl`: where `a ≠ b` both sides are 0, where `a = b` they are the same
//! product). The later index in the normal form's order is replaced by the earlier, so the
//! choice is canonical, and a positive integer power of a delta is the delta itself (it is 0
//! or 1). With it `p_k(δ_kl − p_l)` and `p_l(δ_kl − p_k)` have one normal form.

use super::{add_into, atom, constant, nf, poly_mul, Poly};
use crate::rules::Ctx;
use crate::syntax::expr::{mul, pow, Expr, Index};
use crate::syntax::index::rename_free;
use crate::syntax::rational::Rational;

/// `p` with the delta substitution applied to every monomial (see the module documentation).
pub(super) fn substitute_deltas(p: Poly, ctx: &Ctx) -> Poly {
    let mut out = Poly::new();
    for (k, c) in p {
        let scaled: Option<Vec<_>> = monomial(k.clone(), ctx)
            .into_iter()
            .map(|(k2, c2)| Some((k2, c.checked_mul(&c2)?)))
            .collect();
        match scaled {
            Some(terms) => terms
                .into_iter()
                .for_each(|(k2, c2)| add_into(&mut out, k2, c2)),
            // A coefficient too large to multiply exactly: the term stays as it was (equal).
            None => add_into(&mut out, k, c),
        }
    }
    out
}

/// One monomial (coefficient 1) with its deltas applied, as a polynomial.
fn monomial(mut factors: Vec<(Expr, Expr)>, ctx: &Ctx) -> Poly {
    // Each pass removes one free index from the factors other than the deltas, so this ends.
    let mut deltas: Vec<Expr> = Vec::new();
    loop {
        let at = factors.iter().position(|(b, e)| pair(b, e, ctx).is_some());
        let Some(at) = at else { break };
        let (delta, _) = factors.remove(at);
        let Some((keep, gone)) = pair(&delta, &Expr::one(), ctx) else {
            break;
        };
        factors = factors
            .into_iter()
            .map(|(b, e)| {
                (
                    rename_free(&b, &gone, &Index::Free(keep.as_str().into())),
                    rename_free(&e, &gone, &Index::Free(keep.as_str().into())),
                )
            })
            .collect();
        deltas.push(delta);
    }
    if deltas.is_empty() {
        let mut p = Poly::new();
        p.insert(factors, Rational::one());
        return p;
    }
    let rest = mul(factors.into_iter().map(|(b, e)| pow(b, e)).collect());
    let mut p = nf(&rest, ctx);
    for d in deltas {
        p = poly_mul(&p, &atom(d));
    }
    if p.is_empty() {
        return constant(Rational::zero());
    }
    p
}

/// For `δ(a, b)^n` (`n` a positive integer) with `a < b` free indices over one declared range:
/// `(a, b)`, the index kept and the one replaced.
fn pair(base: &Expr, exponent: &Expr, ctx: &Ctx) -> Option<(String, String)> {
    let Expr::Delta(Index::Free(a), Index::Free(b)) = base else {
        return None;
    };
    let n = exponent.as_num()?;
    if !n.is_integer() || n.is_negative() || n.is_zero() || a == b {
        return None;
    }
    let problem = ctx.problem;
    let (ra, rb) = (problem.upper_of(a)?, problem.upper_of(b)?);
    if ra != rb {
        return None;
    }
    Some(if a < b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    })
}
