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
    memo: HashMap<(String, Vec<usize>), Option<V>>,
    /// Sums by node address and the values of the indices they use (`sum_m exp(s_m)` in a
    /// softmax is evaluated once per point, not once per entry).
    sums: HashMap<(usize, Vec<usize>), Option<V>>,
    /// The free index letters each sum node mentions, by node address.
    sum_letters: HashMap<usize, Vec<String>>,
}

/// An oracle value with a bound on its rounding error, kept as `log2` of the absolute error
/// (minus infinity when exact): running error analysis, so that a value made of rounding noise
/// (`1 - p` where `p` is 1 in exact arithmetic, or a softmax entry absorbed below the precision)
/// is known as such.
#[derive(Clone, Debug)]
pub struct V {
    /// The value.
    pub v: Big,
    /// `log2` of a bound on the absolute error of `v`.
    pub lg: f64,
}

impl V {
    fn exact(v: Big) -> V {
        V {
            v,
            lg: f64::NEG_INFINITY,
        }
    }

    /// `v` with the error of one rounding at the working precision on top of `err_lg`.
    fn rounded(v: Big, err_lg: f64) -> V {
        let lg = lse(err_lg, lg2(&v) - precision() as f64);
        V { v, lg }
    }

    /// The error bound as a big float (0 when exact).
    pub fn error(&self) -> Big {
        pow2(self.lg)
    }

    /// Indistinguishable from 0: the error bound reaches the value.
    fn unresolved(&self) -> bool {
        self.lg.is_finite() && lg2(&self.v) <= self.lg + 1.0
    }
}

/// `log2 |x|` (minus infinity for 0).
fn lg2(x: &Big) -> f64 {
    use dashu_float::ops::EstimatedLog2;
    if *x == Big::ZERO {
        f64::NEG_INFINITY
    } else {
        x.log2_est() as f64
    }
}

/// `log2(2^a + 2^b)`.
fn lse(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if lo == f64::NEG_INFINITY {
        hi
    } else {
        hi + (1.0 + (lo - hi).exp2()).log2()
    }
}

/// `2^lg` rounded up to a power of two, as a big float (0 for minus infinity).
pub fn pow2(lg: f64) -> Big {
    if lg == f64::NEG_INFINITY {
        big_int(0)
    } else {
        two_to(lg.ceil() as isize)
    }
}

/// `None` where an expression is undefined (the log of a non-positive number, a division by
/// zero), not supported (an unevaluated `d(..)/d(..)`), or too close to such a point for the
/// working precision to tell.
pub type Value = Option<V>;

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

    /// The value of `e` with no bound indices, with its error bound.
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
            Index::Free(name) => free.get(name.as_str()).copied(),
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
                let mut lg = f64::NEG_INFINITY;
                for t in terms {
                    let t = self.eval_in(t, free, bound)?;
                    lg = lse(lg, t.lg);
                    acc += t.v;
                }
                V::rounded(acc, lg)
            }
            Expr::Mul(factors) => {
                let values = factors
                    .iter()
                    .map(|f| self.eval_in(f, free, bound))
                    .collect::<Option<Vec<V>>>()?;
                let mut acc = big_int(1);
                for f in &values {
                    acc *= f.v.clone();
                }
                // d(prod) = sum_i err_i * prod_{j != i} |v_j|.
                let mut lg = f64::NEG_INFINITY;
                for (i, f) in values.iter().enumerate() {
                    let others: f64 = values
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, g)| lg2(&g.v))
                        .sum();
                    lg = lse(lg, f.lg + others);
                }
                V::rounded(acc, lg)
            }
            Expr::Pow(b, x) => {
                let base = self.eval_in(b, free, bound)?;
                let base = V {
                    v: working(base.v),
                    lg: base.lg,
                };
                self.power(base, x, free, bound)?
            }
            Expr::Func(f, a) => {
                let a = self.eval_in(a, free, bound)?;
                // Exact operands (a product with 0) may come back with unlimited precision,
                // which the transcendental functions refuse: pin it.
                let x = working(a.v.clone());
                match f {
                    // Far beyond any loss the generator writes: the oracle declines.
                    Func::Exp if magnitude(&x) > 1e5 => return None,
                    Func::Exp => {
                        let v = x.exp();
                        let lg = lg2(&v) + a.lg;
                        V::rounded(v, lg)
                    }
                    Func::Log if x > Big::ZERO && !a.unresolved() => {
                        let lg = a.lg - lg2(&x);
                        V::rounded(x.ln(), lg)
                    }
                    Func::Sqrt if x >= Big::ZERO && !a.unresolved() => {
                        use dashu_float::ops::SquareRoot;
                        let v = x.sqrt();
                        let lg = a.lg - lg2(&v) - 1.0;
                        V::rounded(v, lg)
                    }
                    // An Iverson bracket: declined on its kink (the argument's sign within
                    // its error bound).
                    f if f.is_bracket() && !a.unresolved() && x != Big::ZERO => {
                        let holds = f.holds_at_sign(if x > Big::ZERO { 1 } else { -1 })?;
                        V::exact(big_int(holds as i64))
                    }
                    _ => return None,
                }
            }
            Expr::Delta(a, b) => {
                let same = self.index_value(a, free, bound)? == self.index_value(b, free, bound)?;
                V::exact(big_int(same as i64))
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
        let upper = match &binder.upper {
            Some(u) => u.to_string(),
            None => self.problem.upper_of(&binder.hint.0)?.to_string(),
        };
        let n = *self.point.sizes.get(&upper)?;
        let mut acc = big_int(0);
        let mut lg = f64::NEG_INFINITY;
        for v in 1..=n {
            bound.push(v);
            let t = self.eval_in(body, free, bound);
            bound.pop();
            let t = t?;
            lg = lse(lg, t.lg);
            acc += t.v;
        }
        Some(V::rounded(acc, lg))
    }

    fn symbol(&mut self, s: &Symbol, free: &HashMap<String, usize>, bound: &[usize]) -> Value {
        let at = s
            .indices
            .iter()
            .map(|i| self.index_value(i, free, bound))
            .collect::<Option<Vec<usize>>>()?;
        if let Some(values) = self.point.vars.get(s.name.as_str()) {
            let v = working(values.get(&at)?.clone());
            return Some(V::rounded(v, f64::NEG_INFINITY));
        }
        if at.is_empty() {
            if let Some(n) = self.point.sizes.get(s.name.as_str()) {
                return Some(V::exact(big_int(*n as i64)));
            }
        }
        let key = (s.name.to_string(), at.clone());
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
            inner.insert(name.to_string(), *v);
        }
        let v = self.eval_in(&def.body, &inner, &mut Vec::new());
        self.memo.insert(key, v.clone());
        v
    }

    /// `base ^ x`: an integer exponent by repeated multiplication (any sign of base), any other
    /// exponent through `exp(x·ln base)` for a positive base only.
    fn power(
        &mut self,
        base: V,
        x: &'p Expr,
        free: &HashMap<String, usize>,
        bound: &mut Vec<usize>,
    ) -> Value {
        if let Expr::Num(r) = x {
            let text = r.to_string();
            if !text.contains('/') {
                let n = IBig::from_str(&text).ok()?;
                if n == IBig::ZERO {
                    return Some(V::exact(big_int(1)));
                }
                if base.v == Big::ZERO || base.unresolved() {
                    // 0^n for n > 0 is 0 within the error of the base; 0^-n is undefined.
                    return (n > IBig::ZERO && base.v == Big::ZERO && base.lg.is_infinite())
                        .then(|| V::exact(big_int(0)));
                }
                // powi with a negative exponent would divide at unlimited precision: invert
                // here.
                let magnitude_power = base.v.powi(if n < IBig::ZERO {
                    -n.clone()
                } else {
                    n.clone()
                });
                let v = working(if n < IBig::ZERO {
                    big_int(1) / magnitude_power
                } else {
                    magnitude_power
                });
                // Relative error |n| times the base's.
                let n_lg = lg2(&working(Big::from(n)));
                let lg = lg2(&v) + n_lg + base.lg - lg2(&base.v);
                return Some(V::rounded(v, lg));
            }
        }
        let x = self.eval_in(x, free, bound)?;
        if base.v > Big::ZERO && !base.unresolved() {
            let ln = base.v.ln();
            let v = (x.v.clone() * ln.clone()).exp();
            let lg = lg2(&v) + lse(lg2(&x.v) + base.lg - lg2(&base.v), lg2(&ln) + x.lg);
            Some(V::rounded(v, lg))
        } else {
            None
        }
    }
}

/// The free index letters `e` mentions, a derivative's variable's included (the oracle gives
/// each a value; a definition's body sees the point's free letters too).
pub fn free_letters(e: &Expr, out: &mut Vec<String>) {
    let mut note = |i: &Index| {
        if let Index::Free(n) = i {
            if !out.iter().any(|o| o == n) {
                out.push(n.to_string());
            }
        }
    };
    match e {
        Expr::Sym(s) => s.indices.iter().for_each(&mut note),
        Expr::Delta(a, b) => {
            note(a);
            note(b);
        }
        Expr::Deriv(f, x) => {
            x.indices.iter().for_each(&mut note);
            free_letters(f, out);
        }
        _ => e.iter_children().for_each(|c| free_letters(c, out)),
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
    if d == Big::ZERO {
        return None;
    }
    Some(if d == big_int(1) {
        V::exact(n)
    } else {
        V::rounded(n / d, f64::NEG_INFINITY)
    })
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
    /// error bounds (running error analysis) over the step `h`. Comparisons use it as their
    /// absolute floor.
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
    let at_offset = |k: i64| -> Result<V, NoDerivative> {
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
    // The difference quotients' error: the values' error bounds over the step (4 covers the
    // Richardson combination's weights).
    let lg = [&f2, &f1, &fm1, &fm2]
        .into_iter()
        .map(|f| f.lg)
        .fold(f64::NEG_INFINITY, f64::max);
    let noise = pow2(lg + 2.0) / h.clone();
    let (f2, f1, fm1, fm2) = (f2.v, f1.v, fm1.v, fm2.v);
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
