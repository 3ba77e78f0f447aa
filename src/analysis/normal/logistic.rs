//! The logistic function in the normal form. With `A(w) = (1 + exp(-w))^-1` for a `w` whose
//! leading coefficient is positive (the canonical atom):
//!
//! - `sigmoid(w)` is `A(w)`, and `sigmoid(-w)` is `1 - A(w)`;
//! - `(1 + exp(w))^-m` (that is `sigmoid(-w)^m`) is `(1 - A(w))^m`, for `m <= 6`;
//! - a monomial with `exp(-w) * A(w)` has it replaced by `1 - A(w)`, and one with
//!   `exp(w) * A(w)` by `exp(w) - A(w)` (both identities of `A(w) * (1 + exp(-w)) = 1`; each
//!   lowers the monomial's degree in `exp(±w)` and `A(w)`, so the reduction ends).
//!
//! So `sigmoid(x)`, `1/(1 + exp(-x))`, `1/(exp(-x) + 1)` and `exp(x)/(1 + exp(x))` share one
//! normal form, as do `sigmoid(-x)`, `1 - sigmoid(x)` and `exp(-x)/(1 + exp(-x))`. Every step
//! is an identity on all reals (`exp` is never zero, `1 + exp(v)` never zero), so the normal
//! form stays sound.

use super::{add_into, mono_mul, nf, to_expr, Factors, Poly, MAX_EXPANDED_POWER};
use crate::rules::Ctx;
use crate::syntax::expr::{add, func, neg, pow, sub, Expr, Func};
use crate::syntax::rational::Rational;

/// Is the leading coefficient of the normalised `v` (its first term's number) positive?
fn leads_positively(v: &Expr) -> bool {
    let first = match v {
        Expr::Add(ts) => ts.first(),
        other => Some(other),
    };
    match first {
        Some(Expr::Num(r)) => r.is_positive(),
        Some(Expr::Mul(fs)) => !fs
            .first()
            .and_then(Expr::num)
            .is_some_and(Rational::is_negative),
        _ => true,
    }
}

/// `1 + exp(v)` as an expression.
fn one_plus_exp(v: Expr) -> Expr {
    add(vec![Expr::one(), func(Func::Exp, v)])
}

/// The normal form of `sigmoid(u)`, `arg` being the normalised `u`.
pub(super) fn sigmoid(arg: &Expr, ctx: &Ctx) -> Poly {
    let atom = match leads_positively(arg) {
        // (1 + exp(-u))^-1.
        true => pow(one_plus_exp(neg(arg.clone())), Expr::int(-1)),
        // 1 - sigmoid(-u) = 1 - (1 + exp(u))^-1.
        false => sub(Expr::one(), pow(one_plus_exp(arg.clone()), Expr::int(-1))),
    };
    nf(&atom, ctx)
}

/// `base^exponent = (1 + exp(v))^-m` for a positively leading `v` and `1 <= m <= 6`, as
/// `(1 - A(v))^m`; `None` for any other power.
fn reoriented_factor(base: &Expr, exponent: &Expr, ctx: &Ctx) -> Option<Poly> {
    let m = -exponent.num()?.to_i64()?;
    let is_power = exponent.num()?.is_integer() && (1..=MAX_EXPANDED_POWER).contains(&m);
    let v = exp_of_one_plus(base)?;
    if !is_power || !leads_positively(v) {
        return None;
    }
    let a = pow(one_plus_exp(neg(v.clone())), Expr::int(-1));
    Some(nf(&pow(sub(Expr::one(), a), Expr::int(m.into())), ctx))
}

/// The `v` of `1 + exp(v)`.
fn exp_of_one_plus(e: &Expr) -> Option<&Expr> {
    let Expr::Add(ts) = e else { return None };
    match ts.as_slice() {
        [one, Expr::Func(Func::Exp, v)] | [Expr::Func(Func::Exp, v), one] if one.is_one() => {
            Some(v)
        }
        _ => None,
    }
}

/// A reduction of one monomial: the keys and coefficients (relative to its own) it becomes.
type Split = Vec<(Factors, Rational)>;

/// How the monomial `key` reduces, if it has `exp(±w)^k * A(w)^m` with `k, m >= 1`.
fn split(key: &Factors, ctx: &Ctx) -> Option<Split> {
    for (base, e) in key {
        // `(1 + exp(v))^-m` with a positively leading `v`: `(1 - A(v))^m`.
        if let Some(p) = reoriented_factor(base, e, ctx) {
            let rest = mono_mul(key, &[(base.clone(), neg(e.clone()))]);
            return Some(
                p.into_iter()
                    .map(|(k, c)| (mono_mul(&rest, &k), c))
                    .collect(),
            );
        }
        let Some(minus_w) = exp_of_one_plus(base) else {
            continue;
        };
        if !e.num().is_some_and(|r| r.is_integer() && r.is_negative()) || leads_positively(minus_w)
        {
            continue;
        }
        let w = to_expr(&nf(&neg(minus_w.clone()), ctx));
        let one_more_a = vec![(base.clone(), Expr::one())];
        for (other, k) in key {
            let Expr::Func(Func::Exp, u) = other else {
                continue;
            };
            if !k.num().is_some_and(|r| r.is_integer() && r.is_positive()) {
                continue;
            }
            let one_less_e = vec![(other.clone(), Expr::int(-1))];
            if **u == *minus_w {
                // exp(-w) * A = 1 - A.
                let rest = mono_mul(&mono_mul(key, &one_less_e), &one_more_a);
                return Some(vec![
                    (rest.clone(), Rational::one()),
                    (
                        mono_mul(&rest, &[(base.clone(), Expr::int(-1))]),
                        Rational::minus_one(),
                    ),
                ]);
            }
            if **u == w {
                // exp(w) * A = exp(w) - A.
                return Some(vec![
                    (mono_mul(key, &one_more_a), Rational::one()),
                    (mono_mul(key, &one_less_e), Rational::minus_one()),
                ]);
            }
        }
    }
    None
}

/// `p` with every monomial reduced (see the module's documentation).
pub(super) fn reduce(mut p: Poly, ctx: &Ctx) -> Poly {
    // Cheap test first: nothing to do without a power of some `1 + exp(v)`.
    let any = |p: &Poly| {
        p.keys()
            .any(|k| k.iter().any(|(b, _)| exp_of_one_plus(b).is_some()))
    };
    if !any(&p) {
        return p;
    }
    loop {
        let found = p
            .iter()
            .find_map(|(k, c)| split(k, ctx).map(|s| (k.clone(), c.clone(), s)));
        let Some((key, c, parts)) = found else {
            return p;
        };
        p.remove(&key);
        for (k, r) in parts {
            match r.checked_mul(&c) {
                Some(term) => add_into(&mut p, k, term),
                // Too large to merge: the number stays a factor of the monomial.
                None => add_into(
                    &mut p,
                    mono_mul(&k, &[(Expr::Num(r), Expr::one())]),
                    c.clone(),
                ),
            }
        }
    }
}
