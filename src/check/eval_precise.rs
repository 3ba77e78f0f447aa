//! A slow, arbitrary-precision evaluation of one sample, for the comparisons that `f64` and
//! double-double logarithms cannot decide.
//!
//! [`crate::check::eval`] is fast and keeps every value finite, but its results carry rounding noise
//! relative to the terms that cancelled (see [`crate::check::eval::LogNum::scale_ln`]). Before the
//! checker calls a line false it re-evaluates the line and what it should equal here, with
//! binary floating point of [`PRECISE_BITS`] and then twice as many bits ([`agree_precisely`]).
//! Two values agree when they are within the relative tolerance at the higher precision, or
//! when their difference shrinks with the precision (it is rounding noise around an exact 0).
//!
//! The semantics are those of [`crate::check::eval`] (definitions unfolded with their parameters bound,
//! `d(F)/d(x_i)` by forward-mode dual numbers with `x` held as an input), written again plainly:
//! no log space, and memo tables only for definitions and sums (a sum by its node's address,
//! which the evaluator's borrow of the expressions keeps valid). Anything it cannot evaluate (a domain error, a derivative
//! inside a derivative, a size it cannot find) leaves the fast verdict standing.

use crate::check::eval::Assignment;
use crate::check::sample::Instance;
use crate::syntax::expr::{Expr, Func, Index, Name, Symbol};
use crate::syntax::problem::Problem;
use dashu_float::FBig;

mod nested;
use std::collections::HashMap;

mod logistic;

/// The bits of the first precise evaluation; the second has twice as many.
pub const PRECISE_BITS: usize = 192;

type Big = FBig;

/// The largest magnitude of an argument of `exp` evaluated here.
const MAX_EXP_ARGUMENT: f64 = 1e12;

/// The largest integer exponent taken by repeated multiplication (larger ones go through `exp`
/// and `ln`, for a positive base).
const MAX_INTEGER_POWER: f64 = 1e6;

/// A value and its derivative with respect to the seeded entry.
#[derive(Clone)]
struct Dual {
    v: Big,
    d: Big,
}

/// Whether `a` and `b` are equal at `free` on `instance`, decided in arbitrary precision:
/// `Some(true)` when their relative difference is at most `rel` at `2 * PRECISE_BITS` bits, or
/// when the difference shrinks by at least `2^(PRECISE_BITS / 2)` from `PRECISE_BITS` to twice
/// as many bits (rounding noise around an exact 0); `Some(false)` otherwise; `None` when either
/// cannot be evaluated here.
pub fn agree_precisely(
    problem: &Problem,
    instance: &Instance,
    free: &Assignment,
    a: &Expr,
    b: &Expr,
    rel: f64,
) -> Option<bool> {
    // The arithmetic checks its domains before every operation; should the float library still
    // give up on some input, the fast verdict stands rather than the process stopping.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        decide(problem, instance, free, a, b, rel)
    }))
    .ok()
    .flatten()
}

fn decide(
    problem: &Problem,
    instance: &Instance,
    free: &Assignment,
    a: &Expr,
    b: &Expr,
    rel: f64,
) -> Option<bool> {
    let diff_at = |bits: usize| -> Option<(Big, Big)> {
        let mut ev = Precise::new(problem, instance, free, bits);
        let x = ev.value(a)?;
        let y = ev.value(b)?;
        let scale = if abs(&x) >= abs(&y) { abs(&x) } else { abs(&y) };
        Some((abs(&(x - y)), scale))
    };
    let (d1, _) = diff_at(PRECISE_BITS)?;
    let (d2, scale) = diff_at(2 * PRECISE_BITS)?;
    if d2 == Big::ZERO {
        return Some(true);
    }
    let rel = Big::try_from(rel).ok()?;
    if d2 <= rel * scale {
        return Some(true);
    }
    // A difference that is rounding noise falls with the precision; a real one does not.
    let shrink = Big::from(2).powi((PRECISE_BITS / 2).into());
    Some(d2 * shrink <= d1)
}

fn abs(x: &Big) -> Big {
    if *x < Big::ZERO {
        -x.clone()
    } else {
        x.clone()
    }
}

/// One evaluation at one precision.
struct Precise<'a> {
    problem: &'a Problem,
    instance: &'a Instance,
    free: &'a Assignment,
    bits: usize,
    /// The entry a derivative is taken with respect to.
    seed: Option<(String, Vec<usize>)>,
    /// Entries of definitions, under the current seed.
    memo: HashMap<(Name, Vec<usize>), Dual>,
    /// An entry read with an offset added to its value (the outer input of a derivative
    /// inside a derivative, see [`nested`]).
    offset: Option<((String, Vec<usize>), Big)>,
    /// Sums, by node address and the values of the indices they use from outside, under the
    /// current seed (the `Σ_m exp(s_m)` of a softmax once, not once per entry).
    sums: HashMap<(usize, Vec<usize>), Dual>,
    /// Per sum node: the free index names and the outer bound levels its body uses.
    outside: HashMap<usize, (Vec<String>, Vec<u32>)>,
}

/// The free index names and the bound levels (relative to the sum) that `body` uses from
/// outside a sum whose body it is.
fn used_outside(body: &Expr) -> (Vec<String>, Vec<u32>) {
    fn walk(e: &Expr, depth: u32, names: &mut Vec<String>, levels: &mut Vec<u32>) {
        let mut index = |i: &Index| match i {
            Index::Free(n) => {
                if !names.iter().any(|m| m == n) {
                    names.push(n.to_string());
                }
            }
            Index::Bound(n) if *n > depth => {
                if !levels.contains(&(n - depth - 1)) {
                    levels.push(n - depth - 1);
                }
            }
            Index::Bound(_) => {}
        };
        match e {
            Expr::Sym(s) => s.indices.iter().for_each(&mut index),
            Expr::Delta(a, b) => {
                index(a);
                index(b);
            }
            Expr::Deriv(f, x) => {
                x.indices.iter().for_each(&mut index);
                walk(f, depth, names, levels);
            }
            Expr::Sum(_, b) => walk(b, depth + 1, names, levels),
            _ => e
                .iter_children()
                .for_each(|c| walk(c, depth, names, levels)),
        }
    }
    let (mut names, mut levels) = (Vec::new(), Vec::new());
    walk(body, 0, &mut names, &mut levels);
    (names, levels)
}

/// The bound index values (innermost last) and the parameters of the definition being
/// evaluated.
#[derive(Clone, Default)]
struct Env {
    bound: Vec<usize>,
    params: Vec<(String, usize)>,
}

impl<'a> Precise<'a> {
    fn new(
        problem: &'a Problem,
        instance: &'a Instance,
        free: &'a Assignment,
        bits: usize,
    ) -> Precise<'a> {
        Precise {
            problem,
            instance,
            free,
            bits,
            seed: None,
            offset: None,
            memo: HashMap::new(),
            sums: HashMap::new(),
            outside: HashMap::new(),
        }
    }

    /// The value of `e`, borrowed for the evaluator's life: the sum memo names a sum by its
    /// node's address, which stays that sum's only while the borrow holds.
    fn value(&mut self, e: &'a Expr) -> Option<Big> {
        Some(self.node(e, &Env::default())?.v)
    }

    fn num(&self, x: Big) -> Big {
        x.with_precision(self.bits).value()
    }

    fn constant(&self, v: Big) -> Dual {
        Dual {
            v,
            d: self.num(Big::ZERO),
        }
    }

    fn of_f64(&self, x: f64) -> Option<Big> {
        Some(self.num(Big::try_from(x).ok()?))
    }

    fn node(&mut self, e: &Expr, env: &Env) -> Option<Dual> {
        match e {
            Expr::Num(r) => {
                let text = r.to_string();
                let (n, d) = text.split_once('/').unwrap_or((text.as_str(), "1"));
                let n: dashu_int::IBig = n.parse().ok()?;
                let d: dashu_int::IBig = d.parse().ok()?;
                let v = self.num(Big::from(n)) / self.num(Big::from(d));
                Some(self.constant(v))
            }
            Expr::Sym(s) => self.symbol(s, env),
            Expr::Add(xs) => {
                let mut acc = self.constant(self.num(Big::ZERO));
                for x in xs {
                    let t = self.node(x, env)?;
                    acc = Dual {
                        v: acc.v + t.v,
                        d: acc.d + t.d,
                    };
                }
                Some(acc)
            }
            Expr::Mul(xs) => {
                let mut acc = self.constant(self.num(Big::ONE));
                for x in xs {
                    let t = self.node(x, env)?;
                    acc = Dual {
                        d: acc.d * t.v.clone() + acc.v.clone() * t.d,
                        v: acc.v * t.v,
                    };
                }
                Some(acc)
            }
            Expr::Pow(b, x) => {
                let b = self.node(b, env)?;
                let x = self.node(x, env)?;
                self.power(b, x)
            }
            Expr::Func(f, a) => {
                let a = self.node(a, env)?;
                match f {
                    Func::Exp => {
                        // Beyond this the exponent of the result would not fit the float's.
                        if a.v.to_f64().value().abs() > MAX_EXP_ARGUMENT {
                            return None;
                        }
                        let v = a.v.exp();
                        Some(Dual {
                            d: v.clone() * a.d,
                            v,
                        })
                    }
                    Func::Log => {
                        if a.v <= Big::ZERO {
                            return None;
                        }
                        Some(Dual {
                            d: a.d / a.v.clone(),
                            v: a.v.ln(),
                        })
                    }
                    Func::Sqrt => {
                        let half = self.num(Big::ONE) / self.num(Big::from(2));
                        self.power(a, self.constant(half))
                    }
                    Func::Sigmoid | Func::Tanh | Func::Softplus => self.logistic(*f, a),
                    // Iverson brackets: decided by the sign, undecided on a kink.
                    _ => {
                        let sign = match a.v.to_f64().value() {
                            x if x.abs() <= crate::syntax::piecewise::KINK_TOLERANCE => {
                                return None
                            }
                            x if x > 0.0 => 1,
                            _ => -1,
                        };
                        let holds = f.holds_at_sign(sign)?;
                        let v = if holds { Big::ONE } else { Big::ZERO };
                        Some(self.constant(self.num(v)))
                    }
                }
            }
            Expr::Delta(a, b) => {
                let same = self.index(a, env)? == self.index(b, env)?;
                let v = if same { Big::ONE } else { Big::ZERO };
                Some(self.constant(self.num(v)))
            }
            Expr::Sum(binder, body) => {
                let address = e as *const Expr as usize;
                let (names, levels) = self
                    .outside
                    .entry(address)
                    .or_insert_with(|| used_outside(body))
                    .clone();
                let mut key = Vec::with_capacity(names.len() + levels.len());
                for n in &names {
                    key.push(self.index(&Index::Free(n.into()), env)?);
                }
                for l in levels {
                    key.push(self.index(&Index::Bound(l), env)?);
                }
                let key = (address, key);
                if let Some(d) = self.sums.get(&key) {
                    return Some(d.clone());
                }
                let out = self.sum(binder, body, env)?;
                self.sums.insert(key, out.clone());
                Some(out)
            }
            Expr::Deriv(f, x) => {
                if self.seed.is_some() {
                    return self.derivative_under_seed(f, x, env);
                }
                let d = self.first_derivative(f, x, env)?;
                Some(self.constant(d))
            }
        }
    }

    /// `d(f)/d(x)` by forward mode with the seed at the entry `x` names here (no outer seed).
    fn first_derivative(&mut self, f: &Expr, x: &Symbol, env: &Env) -> Option<Big> {
        let idx = x
            .indices
            .iter()
            .map(|i| self.index(i, env))
            .collect::<Option<Vec<usize>>>()?;
        let saved = std::mem::take(&mut self.memo);
        let saved_sums = std::mem::take(&mut self.sums);
        self.seed = Some((x.name.to_string(), idx));
        let out = self.node(f, env);
        self.seed = None;
        self.memo = saved;
        self.sums = saved_sums;
        Some(out?.d)
    }

    /// `Σ body` over the binder's range.
    fn sum(
        &mut self,
        binder: &crate::syntax::expr::Binder,
        body: &Expr,
        env: &Env,
    ) -> Option<Dual> {
        let upper = match binder.upper.as_deref() {
            Some(u) => u,
            None => self.problem.upper_of(&binder.hint.0)?,
        };
        let n = self.instance.size(upper)?;
        let mut acc = self.constant(self.num(Big::ZERO));
        let mut inner = env.clone();
        for i in 1..=n {
            inner.bound.push(i);
            let t = self.node(body, &inner)?;
            inner.bound.pop();
            acc = Dual {
                v: acc.v + t.v,
                d: acc.d + t.d,
            };
        }
        Some(acc)
    }

    /// `b ^ x`: an integer power of any base, a real power of a positive one.
    fn power(&mut self, b: Dual, x: Dual) -> Option<Dual> {
        let zero = self.num(Big::ZERO);
        if x.d == zero {
            let r = x.v.to_f64().value();
            if r.fract() == 0.0 && r.abs() <= MAX_INTEGER_POWER {
                let n = r as i64;
                if b.v == zero && n < 0 {
                    return None;
                }
                if n == 0 {
                    return Some(self.constant(self.num(Big::ONE)));
                }
                let v = b.v.powi(n.into());
                let slope = if n == 1 {
                    self.num(Big::ONE)
                } else if b.v == zero {
                    zero.clone()
                } else {
                    b.v.powi((n - 1).into())
                };
                return Some(Dual {
                    d: self.num(Big::from(n)) * slope * b.d,
                    v,
                });
            }
        }
        if b.v <= zero {
            return None;
        }
        let ln_b = b.v.ln();
        let v = (x.v.clone() * ln_b.clone()).exp();
        let d = v.clone() * (x.d * ln_b + x.v * b.d / b.v);
        Some(Dual { v, d })
    }

    fn index(&self, i: &Index, env: &Env) -> Option<usize> {
        match i {
            Index::Free(name) => env
                .params
                .iter()
                .rev()
                .find(|(p, _)| p == name)
                .map(|(_, v)| *v)
                .or_else(|| self.free.get(name.as_str()).copied()),
            Index::Bound(n) => {
                let at = env.bound.len().checked_sub(usize::try_from(*n).ok()? + 1)?;
                env.bound.get(at).copied()
            }
        }
    }

    fn symbol(&mut self, s: &Symbol, env: &Env) -> Option<Dual> {
        let known = self.problem.var(&s.name).is_some() || self.problem.def(&s.name).is_some();
        if !known {
            let n = self
                .instance
                .size(&s.name)
                .filter(|_| s.indices.is_empty())?;
            let v = self.of_f64(n as f64)?;
            return Some(self.constant(v));
        }
        let idx = s
            .indices
            .iter()
            .map(|i| self.index(i, env))
            .collect::<Option<Vec<usize>>>()?;
        let seeded = self.seed.as_ref().is_some_and(|(name, _)| *name == s.name);
        if seeded {
            // The symbol differentiated by is an input: every entry at its ordinary value, the
            // seeded one with slope 1.
            let hit = self.seed.as_ref().is_some_and(|(_, at)| *at == idx);
            let seed = self.seed.take();
            let saved = std::mem::take(&mut self.memo);
            let saved_sums = std::mem::take(&mut self.sums);
            let v = self.entry(s.name, &idx);
            self.memo = saved;
            self.sums = saved_sums;
            self.seed = seed;
            let v = v?.v;
            let d = self.num(if hit { Big::ONE } else { Big::ZERO });
            return Some(Dual { v, d });
        }
        self.entry(s.name, &idx)
    }

    fn entry(&mut self, name: Name, idx: &[usize]) -> Option<Dual> {
        if let Some(offset) = self.offset_at(name, idx) {
            return Some(offset);
        }
        if self.problem.var(&name).is_some() {
            let x = self.instance.value(&name, idx)?;
            let v = self.of_f64(x)?;
            return Some(self.constant(v));
        }
        let key = (name, idx.to_vec());
        if let Some(d) = self.memo.get(&key) {
            return Some(d.clone());
        }
        let def = self.problem.def(&name)?;
        if def.symbol.indices.len() != idx.len() {
            return None;
        }
        let mut params = Vec::with_capacity(idx.len());
        for (p, &v) in def.symbol.indices.iter().zip(idx) {
            let Index::Free(p) = p else { return None };
            params.push((p.to_string(), v));
        }
        let env = Env {
            bound: Vec::new(),
            params,
        };
        let out = self.node(&def.body, &env)?;
        self.memo.insert(key, out.clone());
        Some(out)
    }
}
