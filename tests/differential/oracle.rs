//! The independent oracle: evaluates parsed `Expr` trees in arbitrary-precision binary floating
//! point (`dashu-float`; 192 bits, and 768 or 3072 bits where that does not settle it), with
//! definitions substituted, and differentiates the goal by central differences with one
//! Richardson extrapolation step.
//!
//! It shares no code with gradproof's checker (`eval`, `check`, `sample`): it only walks the
//! public `Expr` type. Exact numbers are read through their printed form, so the oracle does not
//! depend on how `Rational` stores them.

use dashu_float::FBig;
use dashu_int::IBig;
use gradproof::{Expr, Func, Index, Problem, Symbol};
use std::cell::Cell;
use std::collections::HashMap;
use std::str::FromStr;

/// The oracle's number type: a binary float of the working precision.
pub type Big = FBig;

/// The working precisions, in bits: the first settles almost every point; the others are tried
/// where it does not (a value such as `1 - σ(500)` is absorbed below 2^-192).
pub const PRECISIONS: [usize; 3] = [192, 768, 3072];

thread_local! {
    static WORKING: Cell<usize> = const { Cell::new(PRECISIONS[0]) };
}

/// The working precision of this thread.
pub fn precision() -> usize {
    WORKING.with(Cell::get)
}

/// Runs `f` with `bits` as the working precision.
pub fn at_precision<T>(bits: usize, f: impl FnOnce() -> T) -> T {
    let before = WORKING.with(|w| w.replace(bits));
    let out = f();
    WORKING.with(|w| w.set(before));
    out
}

/// `x` rounded to the working precision.
fn working(x: Big) -> Big {
    x.with_precision(precision()).value()
}

/// `2^e`.
fn two_to(e: isize) -> Big {
    working(Big::from_parts(IBig::from(1), e))
}

/// `|x|`.
pub fn abs(x: &Big) -> Big {
    if *x < Big::ZERO {
        -x.clone()
    } else {
        x.clone()
    }
}

/// A sum smaller than `2^-(precision - 52)` times its largest term is rounding noise: values
/// carry about 2^-precision relative error, and 52 bits are left for a long chain of operations.
fn cancelled(largest: &Big) -> Big {
    largest.clone() * two_to(52 - precision() as isize)
}

/// A big float from an `f64` (exact: every `f64` is a dyadic rational).
pub fn big(x: f64) -> Big {
    working(Big::try_from(x).expect("a finite f64"))
}

/// A big float from an integer.
pub fn big_int(n: i64) -> Big {
    working(Big::from(IBig::from(n)))
}

/// The value of one oracle point: range sizes, free-index values and every variable entry.
#[derive(Clone, Debug)]
pub struct Point {
    /// Size of each range, by the name of its upper end (`K`).
    pub sizes: HashMap<String, usize>,
    /// Value (1-based) of each free index letter (`k`, `y`).
    pub free: HashMap<String, usize>,
    /// Every variable's entries, by name and 1-based index tuple.
    pub vars: HashMap<String, HashMap<Vec<usize>, Big>>,
}

/// Evaluates expressions of one problem at one point; definitions are memoised per point.
pub struct Evaluator<'p> {
    problem: &'p Problem,
    point: &'p Point,
    memo: HashMap<(String, Vec<usize>), Option<Big>>,
    /// Sums by node address and the values of the indices they use (`sum_m exp(s_m)` in a
    /// softmax is evaluated once per point, not once per entry).
    sums: HashMap<(usize, Vec<usize>), Option<Big>>,
    /// The free index letters each sum node mentions, by node address.
    sum_letters: HashMap<usize, Vec<String>>,
}

/// Why an expression has no oracle value.
pub type Value = Option<Big>;

impl<'p> Evaluator<'p> {
    /// An evaluator of `problem`'s expressions at `point`.
    pub fn new(problem: &'p Problem, point: &'p Point) -> Self {
        Evaluator {
            problem,
            point,
            memo: HashMap::new(),
            sums: HashMap::new(),
            sum_letters: HashMap::new(),
        }
    }

    /// The value of `e` with no bound indices; `None` where it is undefined (log of a
    /// non-positive number, division by zero, ...) or not supported (an unevaluated `d(..)/d(..)`).
    pub fn eval(&mut self, e: &'p Expr) -> Value {
        let free = self.point.free.clone();
        self.eval_in(e, &free, &mut Vec::new())
    }

    fn index_value(
        &self,
        i: &Index,
        free: &HashMap<String, usize>,
        bound: &[usize],
    ) -> Option<usize> {
        match i {
            Index::Free(name) => free.get(name).copied(),
            Index::Bound(b) => bound.len().checked_sub(1 + *b as usize).map(|at| bound[at]),
        }
    }

    fn eval_in(
        &mut self,
        e: &'p Expr,
        free: &HashMap<String, usize>,
        bound: &mut Vec<usize>,
    ) -> Value {
        Some(match e {
            Expr::Num(r) => rational(&r.to_string())?,
            Expr::Sym(s) => self.symbol(s, free, bound)?,
            Expr::Add(terms) => {
                let mut acc = big_int(0);
                let mut largest = big_int(0);
                for t in terms {
                    let t = self.eval_in(t, free, bound)?;
                    largest = largest.max(abs(&t));
                    acc += t;
                }
                // A sum that cancels to within rounding (`1 - p` where p is 1 in exact
                // arithmetic) is taken as the exact 0 it stands for, so that `log` or a division
                // of it is undefined rather than a number made of rounding noise.
                if abs(&acc) <= cancelled(&largest) {
                    big_int(0)
                } else {
                    acc
                }
            }
            Expr::Mul(factors) => {
                let mut acc = big_int(1);
                for f in factors {
                    acc *= self.eval_in(f, free, bound)?;
                }
                acc
            }
            Expr::Pow(b, x) => {
                let base = self
                    .eval_in(b, free, bound)?
                    .with_precision(precision())
                    .value();
                power(base, x, || self.eval_in(x, free, bound))?
            }
            Expr::Func(f, a) => {
                // Exact operands (a product with 0) may come back with unlimited precision,
                // which the transcendental functions refuse: pin it.
                let a = self
                    .eval_in(a, free, bound)?
                    .with_precision(precision())
                    .value();
                match f {
                    // Far beyond any loss the generator writes: the oracle declines.
                    Func::Exp if magnitude(&a) > 1e5 => return None,
                    Func::Exp => a.exp(),
                    Func::Log if a > Big::ZERO => a.ln(),
                    Func::Sqrt if a >= Big::ZERO => {
                        use dashu_float::ops::SquareRoot;
                        a.sqrt()
                    }
                    _ => return None,
                }
            }
            Expr::Delta(a, b) => {
                let same = self.index_value(a, free, bound)? == self.index_value(b, free, bound)?;
                big_int(same as i64)
            }
            Expr::Sum(..) => {
                let address = e as *const Expr as usize;
                let letters = self
                    .sum_letters
                    .entry(address)
                    .or_insert_with(|| {
                        let mut out = Vec::new();
                        free_letters(e, &mut out);
                        out
                    })
                    .clone();
                let mut key: Vec<usize> = bound.clone();
                for l in &letters {
                    key.push(*free.get(l)?);
                }
                if let Some(v) = self.sums.get(&(address, key.clone())) {
                    return v.clone();
                }
                let v = self.sum(e, free, bound);
                self.sums.insert((address, key), v.clone());
                v?
            }
            Expr::Deriv(..) => return None,
        })
    }

    fn sum(&mut self, e: &'p Expr, free: &HashMap<String, usize>, bound: &mut Vec<usize>) -> Value {
        let Expr::Sum(binder, body) = e else {
            return None;
        };
        Some({
            {
                let upper = match &binder.upper {
                    Some(u) => u.clone(),
                    None => self.problem.upper_of(&binder.hint.0)?.to_string(),
                };
                let n = *self.point.sizes.get(&upper)?;
                let mut acc = big_int(0);
                for v in 1..=n {
                    bound.push(v);
                    let t = self.eval_in(body, free, bound);
                    bound.pop();
                    acc += t?;
                }
                acc
            }
        })
    }

    fn symbol(&mut self, s: &Symbol, free: &HashMap<String, usize>, bound: &[usize]) -> Value {
        let at = s
            .indices
            .iter()
            .map(|i| self.index_value(i, free, bound))
            .collect::<Option<Vec<usize>>>()?;
        if let Some(values) = self.point.vars.get(&s.name) {
            return values.get(&at).cloned().map(working);
        }
        if at.is_empty() {
            if let Some(n) = self.point.sizes.get(&s.name) {
                return Some(big_int(*n as i64));
            }
        }
        let key = (s.name.clone(), at.clone());
        if let Some(v) = self.memo.get(&key) {
            return v.clone();
        }
        let problem = self.problem;
        let def = problem.def(&s.name)?;
        let mut inner = self.point.free.clone();
        for (param, v) in def.symbol.indices.iter().zip(&at) {
            let Index::Free(name) = param else {
                return None;
            };
            inner.insert(name.clone(), *v);
        }
        let v = self.eval_in(&def.body, &inner, &mut Vec::new());
        self.memo.insert(key, v.clone());
        v
    }
}

/// The free index letters `e` mentions, and every letter a definition it mentions may read
/// (a definition's body sees the point's free letters too).
fn free_letters(e: &Expr, out: &mut Vec<String>) {
    let mut note = |i: &Index| {
        if let Index::Free(n) = i {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
    };
    match e {
        Expr::Sym(s) => s.indices.iter().for_each(&mut note),
        Expr::Delta(a, b) => {
            note(a);
            note(b);
        }
        _ => e.iter_children().for_each(|c| free_letters(c, out)),
    }
}

/// `base ^ x`: an integer exponent by repeated multiplication (any sign of base), any other
/// exponent through `exp(x·ln base)` for a positive base only.
fn power(base: Big, x: &Expr, exponent: impl FnOnce() -> Value) -> Value {
    if let Expr::Num(r) = x {
        let text = r.to_string();
        if !text.contains('/') {
            let n = IBig::from_str(&text).ok()?;
            if base == Big::ZERO {
                return (n > IBig::ZERO)
                    .then(|| big_int(0))
                    .or_else(|| (n == IBig::ZERO).then(|| big_int(1)));
            }
            // powi with a negative exponent would divide at unlimited precision: invert here.
            let magnitude_power = base.powi(if n < IBig::ZERO {
                -n.clone()
            } else {
                n.clone()
            });
            let value = if n < IBig::ZERO {
                big_int(1) / magnitude_power
            } else {
                magnitude_power
            };
            return Some(value.with_precision(precision()).value());
        }
    }
    let x = exponent()?;
    if base > Big::ZERO {
        Some((x * base.ln()).exp())
    } else if base == Big::ZERO && x > Big::ZERO {
        Some(big_int(0))
    } else {
        None
    }
}

/// A big float from a printed rational `n` or `n/d`.
fn rational(text: &str) -> Value {
    let (n, d) = match text.split_once('/') {
        Some((n, d)) => (n, d),
        None => (text, "1"),
    };
    let n = Big::from(IBig::from_str(n.trim()).ok()?)
        .with_precision(precision())
        .value();
    let d = Big::from(IBig::from_str(d.trim()).ok()?)
        .with_precision(precision())
        .value();
    (d != Big::ZERO).then(|| n / d)
}

/// `|a - b| <= rel · max(|a|, |b|) + floor`.
pub fn close(a: &Big, b: &Big, rel: f64, floor: &Big) -> bool {
    let diff = abs(&(a.clone() - b.clone()));
    let scale = abs(a).max(abs(b));
    diff <= big(rel) * scale + floor.clone()
}

/// `|x|` as an f64, for messages (0 or infinity beyond the f64 range).
pub fn magnitude(x: &Big) -> f64 {
    x.to_f64().value().abs()
}

/// A derivative found by the oracle, with the size of what it cannot resolve.
#[derive(Clone, Debug)]
pub struct Derivative {
    /// The value.
    pub value: Big,
    /// Below this magnitude the value is indistinguishable from rounding noise: the loss's
    /// values carry about 2^-(precision - 42) relative error, divided by the step `h`.
    /// Comparisons use it as their absolute floor.
    pub noise: Big,
}

/// Why the oracle has no derivative at a point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoDerivative {
    /// The loss is undefined at or next to the point (the log of a non-positive number).
    Undefined,
    /// `D(h)` and `D(2h)` disagree: not smooth there, or not enough precision.
    Unsettled,
}

/// The goal's derivative `d(of)/d(wrt)` at `point` in the working precision, where `wrt` is
/// the variable entry `(name, at)`: central differences `D(h)` and `D(2h)` combined by
/// Richardson extrapolation (`(4 D(h) - D(2h)) / 3`).
pub fn derivative(
    problem: &Problem,
    point: &Point,
    of: &Expr,
    name: &str,
    at: &[usize],
) -> Result<Derivative, NoDerivative> {
    use NoDerivative::*;
    let x0 = working(
        point
            .vars
            .get(name)
            .and_then(|v| v.get(at))
            .ok_or(Undefined)?
            .clone(),
    );
    // h relative to the entry's size, never reaching a domain boundary such as 0 for a
    // positive entry: 2^-40 of max(|x|, 2^-20).
    let h = abs(&x0).max(two_to(-20)) * two_to(-40);
    let at_offset = |k: i64| -> Result<Big, NoDerivative> {
        let mut p = point.clone();
        let entry = p
            .vars
            .get_mut(name)
            .and_then(|v| v.get_mut(at))
            .ok_or(Undefined)?;
        *entry = x0.clone() + h.clone() * big_int(k);
        Evaluator::new(problem, &p).eval(of).ok_or(Undefined)
    };
    let (f2, f1, fm1, fm2) = (at_offset(2)?, at_offset(1)?, at_offset(-1)?, at_offset(-2)?);
    let largest = [&f2, &f1, &fm1, &fm2]
        .into_iter()
        .map(abs)
        .fold(big_int(0), Big::max);
    let noise = largest * two_to(42 - precision() as isize) / h.clone();
    let d_h = (f1 - fm1) / (big_int(2) * h.clone());
    let d_2h = (f2 - fm2) / (big_int(4) * h);
    let richardson = (big_int(4) * d_h.clone() - d_2h.clone()) / big_int(3);
    // D(h) - D(2h) is about h²f'''/2: a tiny relative gap says the difference quotients converge.
    if close(&d_h, &d_2h, 1e-18, &noise) {
        Ok(Derivative {
            value: richardson,
            noise,
        })
    } else {
        Err(Unsettled)
    }
}
