//! A normal form that decides whether two expressions are equal, used for `expect`.
//!
//! Definitions are substituted, then the expression is multiplied out into a sum of monomials
//! with exact rational coefficients: equal powers of a base merge (as rational functions, so
//! `x/x = 1`), small positive integer powers of sums expand, sums over a bound index split into
//! sums of monomials with the factors that do not mention the index outside, and the delta and
//! sum-to-one rules of the registry apply, and a delta of two free indices lets a monomial read
//! one index for the other ([`delta`]). Two expressions are [`equivalent`] when the normal form
//! of their difference is zero. The normal form is sound for that question; it is not complete
//! (the numeric checker covers what it misses).

use crate::rules::{definitions, sums, Ctx};
use crate::syntax::expr::{add, func, mul, pow, sub, sum, Binder, Expr, Func, Node};
use crate::syntax::index::{mentions_bound, shift};
use crate::syntax::problem::Problem;
use crate::syntax::rational::Rational;
use std::collections::BTreeMap;

mod delta;
mod logistic;

/// A product of powers: base → exponent.
type Monomial = BTreeMap<Expr, Expr>;
/// A monomial as a list of (base, exponent) pairs.
type Factors = Vec<(Expr, Expr)>;
/// A sum of monomials with coefficients.
type Poly = BTreeMap<Factors, Rational>;

/// The largest power of a sum that is multiplied out.
const MAX_EXPANDED_POWER: i64 = 6;

/// The most monomials a product may multiply out to. A larger product is kept as one opaque
/// factor (still equal to what it stands for, so the normal form stays sound), so that
/// `(a0 + b0) * ... * (a29 + b29)` costs linear time instead of `2^30` monomials.
pub const MAX_MONOMIALS: usize = 4096;

/// The normal form of `e` under `problem`'s definitions and facts.
pub fn normalize(e: &Expr, problem: &Problem) -> Expr {
    let unfolded = definitions::unfold_all(e, problem);
    let ctx = Ctx::new(problem);
    to_expr(&delta::substitute_deltas(nf(&unfolded, &ctx), &ctx))
}

/// `e` multiplied out into a sum of monomials like [`normalize`], but with the definitions left
/// folded (so `p_k` stays `p_k`).
pub fn expand(e: &Expr, problem: &Problem) -> Expr {
    to_expr(&nf(e, &Ctx::new(problem)))
}

/// Whether the result of `d` equals the problem's `expect` line after normalisation (`None`
/// without an `expect`): decided before rendering, so that printers only print it.
pub fn expect_holds(problem: &Problem, d: &crate::engine::trace::Derivation) -> Option<bool> {
    problem
        .expect
        .as_ref()
        .map(|(e, _)| equivalent(d.result(), e, problem))
}

/// True when `a` and `b` have the same normal form, i.e. `a - b` normalises to zero.
pub fn equivalent(a: &Expr, b: &Expr, problem: &Problem) -> bool {
    normalize(&sub(a.clone(), b.clone()), problem).is_zero()
}

fn constant(r: Rational) -> Poly {
    let mut p = Poly::new();
    if !r.is_zero() {
        p.insert(Vec::new(), r);
    }
    p
}

fn atom(e: Expr) -> Poly {
    let mut p = Poly::new();
    p.insert(vec![(e, Expr::one())], Rational::one());
    p
}

/// Adds the term `c * key` to `acc`. When the coefficients' exact sum would exceed
/// [`crate::syntax::rational::MAX_EXACT_BITS`], the number `c` goes into the monomial as a factor of its
/// own (coefficient 1): the term is kept exactly, only not merged with its like terms.
fn add_into(acc: &mut Poly, key: Vec<(Expr, Expr)>, c: Rational) {
    let entry = acc.entry(key.clone()).or_insert(Rational::zero());
    match entry.checked_add(&c) {
        Some(sum) => *entry = sum,
        None => {
            // Terminates: the new key's coefficients are sums of ±1, far below the bound.
            let (apart, sign) = number_apart(&c);
            return add_into(acc, mono_mul(&key, &apart), sign);
        }
    }
    if entry.is_zero() {
        acc.remove(&key);
    }
}

/// A number too large to merge, as a monomial factor `|c|^1`, and its sign as a coefficient
/// (so that `c*m` and `-c*m` still cancel).
fn number_apart(c: &Rational) -> (Vec<(Expr, Expr)>, Rational) {
    let (magnitude, sign) = match c.is_negative() {
        true => (-c, Rational::minus_one()),
        false => (c.clone(), Rational::one()),
    };
    (vec![(Expr::Num(magnitude), Expr::one())], sign)
}

fn mono_mul(a: &[(Expr, Expr)], b: &[(Expr, Expr)]) -> Vec<(Expr, Expr)> {
    let mut m: Monomial = a.iter().cloned().collect();
    for (base, exp) in b {
        let merged = match m.remove(base) {
            Some(e) => add(vec![e, exp.clone()]),
            None => exp.clone(),
        };
        if !merged.is_zero() {
            m.insert(base.clone(), merged);
        }
    }
    m.into_iter().collect()
}

fn poly_mul(a: &Poly, b: &Poly) -> Poly {
    if a.len().saturating_mul(b.len()) > MAX_MONOMIALS {
        return atom(mul(vec![to_expr(a), to_expr(b)]));
    }
    let mut out = Poly::new();
    for (ka, ca) in a {
        for (kb, cb) in b {
            match ca.checked_mul(cb) {
                Some(c) => add_into(&mut out, mono_mul(ka, kb), c),
                // Too large to multiply out: the larger number stays a factor of the monomial.
                None => {
                    let (big, small) = if ca.bits() >= cb.bits() {
                        (ca, cb)
                    } else {
                        (cb, ca)
                    };
                    let (apart, sign) = number_apart(big);
                    let c = if sign.is_negative() {
                        -small
                    } else {
                        small.clone()
                    };
                    add_into(&mut out, mono_mul(&mono_mul(ka, kb), &apart), c);
                }
            }
        }
    }
    out
}

fn to_expr(p: &Poly) -> Expr {
    add(p
        .iter()
        .map(|(k, c)| {
            let mut fs = vec![Expr::Num(c.clone())];
            fs.extend(k.iter().map(|(b, e)| pow(b.clone(), e.clone())));
            mul(fs)
        })
        .collect())
}

fn nf(e: &Expr, ctx: &Ctx) -> Poly {
    match e {
        Expr::Num(r) => constant(r.clone()),
        Expr::Sym(_) => atom(e.clone()),
        Expr::Add(xs) => xs.iter().fold(Poly::new(), |mut acc, x| {
            for (k, c) in nf(x, ctx) {
                add_into(&mut acc, k, c);
            }
            acc
        }),
        Expr::Mul(xs) => logistic::reduce(nf_product(xs, ctx), ctx),
        Expr::Pow(b, x) => logistic::reduce(nf_pow(b, x, ctx), ctx),
        Expr::Func(f, a) if f.is_bracket() => nf_bracket(*f, a, ctx),
        Expr::Func(f, a) => {
            let arg = to_expr(&nf(a, ctx));
            match (f, &arg) {
                (Func::Exp, a) if a.is_zero() => constant(Rational::one()),
                (Func::Log, a) if a.is_one() => Poly::new(),
                (Func::Sigmoid, a) => logistic::sigmoid(a, ctx),
                _ => atom(func(*f, arg)),
            }
        }
        Expr::Delta(a, b) if a == b => constant(Rational::one()),
        Expr::Delta(a, b) => {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            atom(Expr::Delta(lo.clone(), hi.clone()))
        }
        Expr::Sum(b, body) => nf_sum(b, body, ctx),
        Expr::Deriv(f, x) => atom(Expr::Deriv(Node::new(to_expr(&nf(f, ctx))), x.clone())),
    }
}

/// An Iverson bracket in one form per condition: `[u < 0]` as `[-u > 0]`, `[u <= 0]` as
/// `[-u >= 0]`, and a bracket of a number as 0 or 1.
fn nf_bracket(f: Func, a: &Expr, ctx: &Ctx) -> Poly {
    let (f, arg) = match f {
        Func::IsNegative | Func::IsNonPositive => {
            let mirrored = f.mirrored().expect("a bracket has a mirror image");
            (
                mirrored,
                to_expr(&nf(&crate::syntax::expr::neg(a.clone()), ctx)),
            )
        }
        _ => (f, to_expr(&nf(a, ctx))),
    };
    match arg.num().and_then(|r| f.holds_at_sign(r.signum())) {
        Some(true) => constant(Rational::one()),
        Some(false) => Poly::new(),
        None => atom(func(f, arg)),
    }
}

/// A product multiplied out while it stays within [`MAX_MONOMIALS`]; the factors that would take
/// it over are kept together as one opaque factor, so the result stays linear in the input.
fn nf_product(xs: &[Expr], ctx: &Ctx) -> Poly {
    let mut acc = constant(Rational::one());
    let mut opaque = Vec::new();
    for x in xs {
        let p = nf(x, ctx);
        if acc.len().saturating_mul(p.len()) > MAX_MONOMIALS {
            opaque.push(to_expr(&p));
        } else {
            acc = poly_mul(&acc, &p);
        }
    }
    match opaque.is_empty() {
        true => acc,
        false => poly_mul(&acc, &atom(mul(opaque))),
    }
}

fn nf_pow(b: &Expr, x: &Expr, ctx: &Ctx) -> Poly {
    let exponent = to_expr(&nf(x, ctx));
    // A negative integer power of a product is the product of its factors' powers, exact
    // wherever either side is defined (both need every factor non-zero). Taken before the base
    // is multiplied out, so `1/((p - 1)*(2*(1 + p)/3))` and `1/(2*(p - 1)*(1 + p)/3)` have one
    // normal form: a product of sums would otherwise become one polynomial atom.
    if let (Expr::Mul(factors), Some(n)) = (b, exponent.num()) {
        if n.is_integer() && n.is_negative() {
            return factors.iter().fold(constant(Rational::one()), |acc, f| {
                poly_mul(&acc, &nf_pow(f, x, ctx))
            });
        }
    }
    let base = nf(b, ctx);
    let n = exponent.num().filter(|r| r.is_integer());
    let small = |n: &&Rational| {
        let Some(n) = n.to_i64() else { return false };
        let terms = u32::try_from(n)
            .ok()
            .and_then(|n| base.len().checked_pow(n));
        (1..=MAX_EXPANDED_POWER).contains(&n) && terms.is_some_and(|t| t <= MAX_MONOMIALS)
    };
    if let Some(n) = n.filter(small).and_then(Rational::to_i64) {
        return (0..n).fold(constant(Rational::one()), |acc, _| poly_mul(&acc, &base));
    }
    // A single monomial: distribute the exponent over its factors (exact for integer powers).
    if let (Some(n), true) = (n, base.len() == 1) {
        if let Some((k, c)) = base.iter().next() {
            if let Some(c) = c.checked_pow(n) {
                let factors: Vec<(Expr, Expr)> = k
                    .iter()
                    .map(|(fb, fe)| {
                        (
                            fb.clone(),
                            to_expr(&nf(&mul(vec![fe.clone(), Expr::Num(n.clone())]), ctx)),
                        )
                    })
                    .collect();
                let mut p = Poly::new();
                p.insert(mono_mul(&[], &factors), c);
                return p;
            }
        }
    }
    if let Some(p) = pow_of_primitive(&base, &exponent, ctx) {
        return p;
    }
    let mut p = Poly::new();
    p.insert(vec![(to_expr(&base), exponent)], Rational::one());
    p
}

/// `base^n` for an integer `n`, `base` a sum of several monomials, with the content of `base`
/// taken out: `base = r·m·P` where `m` is the product of the powers common to every term, `r`
/// is a number and `P` is primitive (its first term in the normal form's order has coefficient
/// 1), and `(r·m·P)^n = r^n·m^n·P^n` (exact for an integer `n` wherever either side is
/// defined). So `1/(c*(1 + e))`, `1/(c + c*e)`, `1/((1 + e)*c)` and `1/c * 1/(1 + e)` share one
/// normal form. `None` when there is no content to take out.
fn pow_of_primitive(base: &Poly, exponent: &Expr, ctx: &Ctx) -> Option<Poly> {
    // Written with `Expr` arithmetic and `Rational::int` only, so that it reads the same over
    // any exact number type.
    let integer = exponent
        .as_num()
        .is_some_and(|r| r.is_integer() && !r.is_zero());
    if base.len() < 2 || !integer {
        return None;
    }
    // The power of each base common to every term: the least exponent (0 where it is absent),
    // over bases whose exponents are all numbers.
    let mut common: BTreeMap<&Expr, Rational> = BTreeMap::new();
    let mut symbolic: Vec<&Expr> = Vec::new();
    for k in base.keys() {
        for (b, e) in k {
            match (e.as_num(), common.get_mut(b)) {
                (Some(r), Some(least)) if r < *least => *least = r,
                (Some(_), Some(_)) => {}
                (Some(r), None) => {
                    common.insert(b, r);
                }
                (None, _) => symbolic.push(b),
            }
        }
    }
    // Absent from a term, a base has power 0 there: `c + c*x` has content `c`, `c + x` none, and
    // `1/c + x` has `c^-1` (it is `c^-1 * (1 + c*x)`).
    for (b, least) in common.iter_mut() {
        let everywhere = base.keys().all(|k| k.iter().any(|(kb, _)| kb == *b));
        let zero = Rational::int(0);
        if !everywhere && zero < *least {
            *least = zero;
        }
    }
    let content: Factors = common
        .into_iter()
        .filter(|(b, least)| !least.is_zero() && !symbolic.contains(b))
        .map(|(b, least)| (b.clone(), Expr::Num(least)))
        .collect();
    let scaled = |factors: &Factors, by: &Expr| -> Factors {
        factors
            .iter()
            .map(|(b, e)| {
                (
                    b.clone(),
                    to_expr(&nf(&mul(vec![e.clone(), by.clone()]), ctx)),
                )
            })
            .collect()
    };
    let without_content = poly_mul(
        base,
        &monomial(scaled(&content, &Expr::int(-1)), Rational::int(1)),
    );
    let lead = Expr::Num(without_content.values().next()?.to_owned());
    if content.is_empty() && lead.is_one() {
        return None;
    }
    let recip = pow(lead.clone(), Expr::int(-1)).as_num()?;
    let primitive = poly_mul(&without_content, &constant(recip));
    let coefficient = pow(lead, exponent.clone()).as_num()?;
    let outside = monomial(scaled(&content, exponent), coefficient);
    let mut inside = Poly::new();
    inside.insert(
        vec![(to_expr(&primitive), exponent.clone())],
        Rational::int(1),
    );
    Some(poly_mul(&outside, &inside))
}

/// The single monomial `c * factors`.
fn monomial(factors: Factors, c: Rational) -> Poly {
    let mut p = Poly::new();
    if !c.is_zero() {
        p.insert(mono_mul(&[], &factors), c);
    }
    p
}

fn nf_sum(b: &Binder, body: &Expr, ctx: &Ctx) -> Poly {
    let inner_ctx = ctx.enter(&sum(b.clone(), Expr::zero()));
    let mut out = Poly::new();
    for (k, c) in nf(body, &inner_ctx) {
        let (inside, outside): (Factors, Factors) = k
            .into_iter()
            .partition(|(base, exp)| mentions_bound(base, 0) || mentions_bound(exp, 0));
        let outside: Vec<Expr> = outside
            .iter()
            .map(|(base, exp)| pow(shift(base, -1), shift(exp, -1)))
            .collect();
        let inside_expr = mul(inside
            .iter()
            .map(|(base, exp)| pow(base.clone(), exp.clone()))
            .collect());
        let s = sum(b.clone(), inside_expr);
        let reduced = [
            sums::DELTA_SELECT,
            sums::SUM_TO_ONE,
            sums::SUM_OF_CONSTANT,
            crate::rules::derived::NORMALISED_SUMS_TO_ONE,
        ]
        .iter()
        .find_map(|r| (r.apply)(&s, ctx));
        let summed = match reduced {
            Some(r) => nf(&r, ctx),
            None => atom(s),
        };
        let mut term = constant(c);
        for f in &outside {
            term = poly_mul(&term, &nf(f, ctx));
        }
        for (k, c) in poly_mul(&term, &summed) {
            add_into(&mut out, k, c);
        }
    }
    out
}
