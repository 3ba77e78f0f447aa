//! Numeric evaluation of expressions, including unevaluated derivative nodes.
//!
//! [`eval`] gives the value of an [`Expr`] at a sampled [`Instance`] and an assignment of the
//! free indices. It is the checker's only source of numbers and uses no symbolic rule:
//!
//! - A defined symbol is computed from its definition with the parameters bound (memoised per
//!   [`Evaluator`], as is each sum at given values of the indices it mentions from outside).
//! - `d(F)/d(x_i)` is the partial derivative of `F` with respect to the entry `x_i`, every other
//!   independent quantity held fixed. The symbol `x` is an *input* even when it is defined: in
//!   `d(L)/d(p_j)` every `p` entry is read at its ordinary value and `L` is differentiated through
//!   the definitions that lead to `p`. It is computed in forward mode with dual numbers
//!   ([`Dual`]): seed 1 at `x_i`, 0 elsewhere. [`central_difference`] is an independent
//!   cross-check.
//!
//! **Stability.** Every intermediate value is a [`LogNum`]: a sign and the natural logarithm of
//! the magnitude, the logarithm in double-double precision. Products, quotients and powers add
//! and scale logarithms, `exp` *is* the logarithm, and a sum is a signed log-sum-exp scaled by
//! its largest term, with terms close to the largest split into an exact integer part and an
//! `expm1` part. So `exp(s_j)` at `s_j = 1000`, `exp(s_j) / sum_m exp(s_m)`, and even
//! `1 - p_y` for a saturated `p_y = 1 - e^-49` are finite and accurate, and nothing is written
//! specially for softmax. A value overflows only if its logarithm exceeds `f64::MAX`, and a zero
//! is exact, so there is no `0 * inf`. Relative precision is about `1e-16` per operation.
//!
//! **Errors.** Logarithms of non-positive numbers, division by zero and square roots of negative
//! numbers are [`EvalError`]s (see [`EvalError::is_domain`]), never a NaN.

use crate::expr::{Binder, Expr, Func, Index, Symbol};
use crate::index::free_indices;
use crate::problem::{Definition, Kind, Problem, VarDecl};
use crate::rational::Rational;
use crate::sample::{Instance, VarValues};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

/// Values of the free indices, by name (1-based).
pub type Assignment = BTreeMap<String, usize>;

/// Why an expression has no value at an instance.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize)]
pub enum EvalError {
    /// The logarithm of zero or of a negative number.
    #[error("log of a non-positive number ({0:e})")]
    LogOfNonPositive(f64),
    /// A division by zero (a negative power of zero).
    #[error("division by zero")]
    DivisionByZero,
    /// The square root of a negative number.
    #[error("square root of a negative number ({0:e})")]
    SqrtOfNegative(f64),
    /// A non-integer or non-constant power of a negative number.
    #[error("power {exponent} of the negative number {base:e}")]
    PowerOfNegative {
        /// The base.
        base: f64,
        /// The exponent.
        exponent: f64,
    },
    /// The derivative of `sqrt` or of a fractional power at zero.
    #[error("derivative of a fractional power at zero")]
    InfiniteSlope,
    /// A value too large even for the logarithmic representation, or not representable as `f64`.
    #[error("numeric overflow")]
    Overflow,
    /// A symbol that is neither a variable, a definition nor a range upper end.
    #[error("unknown symbol `{0}`")]
    UnknownSymbol(String),
    /// A symbol used with the wrong number of indices.
    #[error("`{name}` takes {expected} indices, used with {found}")]
    Arity {
        /// The symbol.
        name: String,
        /// Its declared number of indices.
        expected: usize,
        /// The number it was used with.
        found: usize,
    },
    /// An index value outside the range of its position.
    #[error("index value {value} is out of range for `{name}`")]
    OutOfRange {
        /// The symbol.
        name: String,
        /// The offending index value.
        value: usize,
    },
    /// A free index with no value in the assignment.
    #[error("free index `{0}` has no value")]
    UnboundIndex(String),
    /// A bound index with no enclosing sum.
    #[error("bound index #{0} has no enclosing sum")]
    LooseBound(u32),
    /// A sum whose range upper end has no size in the instance.
    #[error("sum over an unknown range {0}")]
    UnknownRange(String),
    /// A definition that depends on itself.
    #[error("definition of `{0}` depends on itself")]
    Cycle(String),
    /// A derivative inside the function of another derivative (not supported in forward mode).
    #[error("derivative of an expression containing a derivative is not supported")]
    NestedDerivative,
    /// A derivative with respect to something that is not a variable or a definition.
    #[error("cannot differentiate with respect to `{0}`")]
    NotAnInput(String),
    /// A symbol with more indices than the evaluator holds (the parser's limit on declarations).
    #[error("`{name}` has more than {limit} indices")]
    TooManyIndices {
        /// The symbol.
        name: String,
        /// The most indices an entry may have.
        limit: usize,
    },
    /// The expression is nested too deeply to evaluate safely.
    #[error("expression nested too deeply")]
    TooDeep,
}

impl EvalError {
    /// True for a mathematical domain error (the expression is undefined at this instance), as
    /// opposed to an ill-formed expression or problem.
    pub fn is_domain(&self) -> bool {
        matches!(
            self,
            EvalError::LogOfNonPositive(_)
                | EvalError::DivisionByZero
                | EvalError::SqrtOfNegative(_)
                | EvalError::PowerOfNegative { .. }
                | EvalError::InfiniteSlope
                | EvalError::Overflow
        )
    }
}

/// A double-double number `hi + lo` (`|lo|` at most half an ulp of `hi`): about 32 digits.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
struct Dd {
    hi: f64,
    lo: f64,
}

impl Dd {
    const NEG_INFINITY: Dd = Dd {
        hi: f64::NEG_INFINITY,
        lo: 0.0,
    };

    fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    /// `hi + lo` renormalised (Knuth's two-sum of the parts).
    fn norm(hi: f64, lo: f64) -> Dd {
        let s = hi + lo;
        if !s.is_finite() {
            return Dd { hi: s, lo: 0.0 };
        }
        let bb = s - hi;
        Dd {
            hi: s,
            lo: (hi - (s - bb)) + (lo - bb),
        }
    }

    fn add(self, o: Dd) -> Dd {
        let s = self.hi + o.hi;
        if !s.is_finite() {
            return Dd { hi: s, lo: 0.0 };
        }
        let bb = s - self.hi;
        let err = (self.hi - (s - bb)) + (o.hi - bb);
        Dd::norm(s, err + self.lo + o.lo)
    }

    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    /// `r * self`, with the rounding error of the leading product kept (fused multiply-add).
    fn scale(self, r: f64) -> Dd {
        let p = r * self.hi;
        if !p.is_finite() {
            return Dd { hi: p, lo: 0.0 };
        }
        let err = r.mul_add(self.hi, -p);
        Dd::norm(p, err + r * self.lo)
    }

    fn to_f64(self) -> f64 {
        self.hi + self.lo
    }
}

/// A real number stored as a sign and the natural logarithm of its magnitude.
///
/// The logarithm is kept in double-double precision, so that `ln(e^50 + e^1)` keeps its
/// `5e-22` above 50: the softmax `p_y = e^50 / (e^50 + e^1)` then knows it is `1 - 5e-22`, and
/// `1 - p_y` is accurate (see [`LogNum::sum`]). Invariant: the logarithm is finite, or `-inf`
/// exactly when the number is zero (and then the sign is 0). Operations that would break it
/// return [`EvalError::Overflow`].
///
/// Each value also carries its **scale** ([`LogNum::scale_ln`]): the magnitude of the terms it
/// was computed from, before any cancellation, propagated through every operation (a first-order
/// running error bound). Evaluation can be wrong by a few thousand units in the last place of the
/// scale, not of the value: `e^100 · (p_1 + p_2 - 1)` has the value 0 but the scale `e^100`. The
/// checker's cancellation floor ([`crate::check::Tolerance::cancellation`]) is relative to it.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LogNum {
    sign: i8,
    ln: Dd,
    /// The natural logarithm of the scale (`-inf` for an exact zero from exact inputs).
    #[serde(skip)]
    scale: f64,
}

impl PartialEq for LogNum {
    /// Equal values (the scales, which describe how they were computed, are not compared).
    fn eq(&self, other: &LogNum) -> bool {
        self.sign == other.sign && self.ln == other.ln
    }
}

impl LogNum {
    /// Zero.
    pub const ZERO: LogNum = LogNum {
        sign: 0,
        ln: Dd::NEG_INFINITY,
        scale: f64::NEG_INFINITY,
    };
    /// One.
    pub const ONE: LogNum = LogNum {
        sign: 1,
        ln: Dd { hi: 0.0, lo: 0.0 },
        scale: 0.0,
    };

    /// Builds from a sign and a log-magnitude, enforcing the invariant.
    fn make(sign: i8, ln: Dd) -> Result<LogNum, EvalError> {
        if sign == 0 || ln.hi == f64::NEG_INFINITY {
            Ok(LogNum::ZERO)
        } else if ln.hi.is_finite() && ln.lo.is_finite() {
            Ok(LogNum {
                sign: sign.signum(),
                ln,
                scale: ln.hi,
            })
        } else {
            Err(EvalError::Overflow)
        }
    }

    /// The number `x`; infinities and NaN are [`EvalError::Overflow`].
    pub fn from_f64(x: f64) -> Result<LogNum, EvalError> {
        if !x.is_finite() {
            return Err(EvalError::Overflow);
        }
        let sign = if x > 0.0 {
            1
        } else if x < 0.0 {
            -1
        } else {
            0
        };
        LogNum::make(sign, Dd::from(x.abs().ln()))
    }

    /// The exact rational `r`, rounded. Any size works: numerator and denominator enter as
    /// logarithms, so `10^400` and `10^-400` stay in log space instead of becoming infinite or
    /// zero. [`EvalError::Overflow`] would mean a logarithm that is not finite, which
    /// [`Rational::ln_abs_parts`] never gives for a non-zero number.
    pub fn from_rational(r: &Rational) -> Result<LogNum, EvalError> {
        let (ln_n, ln_d) = r.ln_abs_parts();
        LogNum::make(r.signum(), Dd::from(ln_n).add(Dd::from(-ln_d)))
    }

    /// The nearest `f64` (infinite when the magnitude exceeds `f64::MAX`).
    pub fn to_f64(self) -> f64 {
        f64::from(self.sign) * self.ln.hi.exp() * (1.0 + self.ln.lo)
    }

    /// The sign: -1, 0 or 1.
    pub fn sign(self) -> i8 {
        self.sign
    }

    /// The natural logarithm of the magnitude (`-inf` for zero), rounded to `f64`.
    pub fn ln_abs(self) -> f64 {
        self.ln.to_f64()
    }

    /// True for zero.
    pub fn is_zero(self) -> bool {
        self.sign == 0
    }

    /// The natural logarithm of the value's scale: the magnitude of the terms it was computed
    /// from before cancellation (at least `|self|`; `-inf` only for an exact zero).
    pub fn scale_ln(self) -> f64 {
        self.scale.max(self.ln.hi)
    }

    /// `self` with its scale raised to at least `e^scale`.
    fn at_scale(self, scale: f64) -> LogNum {
        LogNum {
            scale: self.scale.max(scale),
            ..self
        }
    }

    /// `|self|`.
    pub fn abs(self) -> LogNum {
        LogNum {
            sign: self.sign.abs(),
            ..self
        }
    }

    /// `self * other`.
    pub fn checked_mul(self, other: LogNum) -> Result<LogNum, EvalError> {
        // The error of a product: |b|·δa + |a|·δb.
        let scale = (self.scale_ln() + other.ln.hi).max(self.ln.hi + other.scale_ln());
        if self.is_zero() || other.is_zero() {
            return Ok(LogNum::ZERO.at_scale(scale));
        }
        Ok(LogNum::make(self.sign * other.sign, self.ln.add(other.ln))?.at_scale(scale))
    }

    /// `1 / self`.
    pub fn recip(self) -> Result<LogNum, EvalError> {
        if self.is_zero() {
            return Err(EvalError::DivisionByZero);
        }
        // The relative error is kept: scale / |self|^2.
        let scale = self.scale_ln() - 2.0 * self.ln.hi;
        Ok(LogNum::make(self.sign, self.ln.neg())?.at_scale(scale))
    }

    /// `self / other`.
    pub fn checked_div(self, other: LogNum) -> Result<LogNum, EvalError> {
        self.checked_mul(other.recip()?)
    }

    /// The sum of `terms`: a signed log-sum-exp scaled by the largest term, which keeps
    /// near-cancellations such as `1 - p` for `p` close to 1 accurate.
    pub fn sum(terms: &[LogNum]) -> Result<LogNum, EvalError> {
        let mut acc = LogSum::EMPTY;
        terms.iter().for_each(|t| acc.push(*t));
        acc.finish()
    }

    /// `self - other`.
    pub fn checked_sub(self, other: LogNum) -> Result<LogNum, EvalError> {
        LogNum::sum(&[self, -other])
    }

    /// `self ^ r` for a constant exponent; a negative base needs an integer exponent.
    pub fn powf(self, r: f64) -> Result<LogNum, EvalError> {
        if r == 0.0 {
            return Ok(LogNum::ONE);
        }
        if self.is_zero() {
            // A zero left by cancellation may be `u · scale` in truth; its power up to
            // `(u · scale)^r`, which is `u` times the scale returned.
            let scale = (r - 1.0) * UNIT_ROUNDOFF_LN + r * self.scale;
            return if r > 0.0 {
                Ok(LogNum::ZERO.at_scale(scale))
            } else {
                Err(EvalError::DivisionByZero)
            };
        }
        // An exponent computed in log space (say the range size `K`) carries rounding noise; a
        // negative base only has powers at integers, so snap to one that is that close.
        let r = if self.sign < 0 && (r - r.round()).abs() <= 1e-9 * r.abs().max(1.0) {
            r.round()
        } else {
            r
        };
        let integer = r.fract() == 0.0 && r.abs() < 9.0e15;
        if self.sign < 0 && !integer {
            return Err(EvalError::PowerOfNegative {
                base: self.to_f64(),
                exponent: r,
            });
        }
        let odd = integer && (r % 2.0).abs() == 1.0;
        let sign = if self.sign < 0 && odd { -1 } else { 1 };
        let v = LogNum::make(sign, self.ln.scale(r))?;
        Ok(v.with_relative_error(r.abs().ln() + self.relative_error_ln()))
    }

    /// The natural logarithm of `scale / |self|`: how much larger than `u` the relative error
    /// of `self` may be.
    fn relative_error_ln(self) -> f64 {
        self.scale_ln() - self.ln.hi
    }

    /// `self` with a relative error of `e^rel · u` (or `u`, whichever is larger).
    fn with_relative_error(self, rel: f64) -> LogNum {
        self.at_scale(self.ln.hi + rel.max(0.0))
    }

    /// `exp(self)`.
    pub fn exp(self) -> Result<LogNum, EvalError> {
        let x = self.to_f64();
        if x.is_nan() || x == f64::INFINITY {
            return Err(EvalError::Overflow);
        }
        // An absolute error `u · scale` in the argument is a relative error of the result.
        Ok(LogNum::make(1, Dd::from(x))?.with_relative_error(self.scale_ln()))
    }

    /// `log(self)`; needs a positive argument.
    pub fn ln(self) -> Result<LogNum, EvalError> {
        if self.sign <= 0 {
            return Err(EvalError::LogOfNonPositive(self.to_f64()));
        }
        // A relative error of the argument is an absolute error of the result.
        Ok(LogNum::from_f64(self.ln.to_f64())?.at_scale(self.relative_error_ln()))
    }

    /// `sqrt(self)`; needs a non-negative argument.
    pub fn sqrt(self) -> Result<LogNum, EvalError> {
        if self.sign < 0 {
            return Err(EvalError::SqrtOfNegative(self.to_f64()));
        }
        if self.is_zero() {
            return self.powf(0.5);
        }
        let v = LogNum::make(self.sign, self.ln.scale(0.5))?;
        Ok(v.with_relative_error(0.5f64.ln() + self.relative_error_ln()))
    }
}

impl std::ops::Neg for LogNum {
    type Output = LogNum;

    /// `-self` (exact).
    fn neg(self) -> LogNum {
        LogNum {
            sign: -self.sign,
            ..self
        }
    }
}

/// A running signed log-sum-exp: the terms so far, scaled by the largest of them.
///
/// The scaled sum is kept in two parts so that near-cancellation stays accurate: a term within
/// [`NEAR`] of the largest contributes `±1` to the exact integer part `int` and `±expm1(d)` to
/// `frac`; a smaller one contributes `±exp(d)` to `frac`. With the double-double logarithms,
/// `1 - e^50 / (e^50 + e^1)` is `e^-49` to full precision instead of 0, and `log(1 - sigma)` at
/// a logit of 50 is finite.
#[derive(Clone, Copy, Debug)]
struct LogSum {
    max: Dd,
    int: f64,
    frac: f64,
    /// The largest scale of a term (see [`LogNum::scale_ln`]).
    scale: f64,
}

/// The natural logarithm of the unit roundoff of `f64` (`2^-52`).
const UNIT_ROUNDOFF_LN: f64 = -36.04365338911715;

/// How far below the largest term (in log units) a term still counts as "near" it.
const NEAR: f64 = 0.5;

impl LogSum {
    const EMPTY: LogSum = LogSum {
        max: Dd::NEG_INFINITY,
        int: 0.0,
        frac: 0.0,
        scale: f64::NEG_INFINITY,
    };

    fn push(&mut self, t: LogNum) {
        self.scale = self.scale.max(t.scale_ln());
        if t.is_zero() {
            return;
        }
        if t.ln > self.max {
            self.rescale(t.ln);
        }
        let sign = f64::from(t.sign);
        let d = t.ln.add(self.max.neg()).to_f64();
        if d > -NEAR {
            self.int += sign;
            self.frac += sign * d.exp_m1();
        } else {
            self.frac += sign * d.exp();
        }
    }

    /// Re-expresses the sum so far relative to a larger maximum.
    fn rescale(&mut self, max: Dd) {
        if self.max.hi == f64::NEG_INFINITY {
            self.int = 0.0;
            self.frac = 0.0;
        } else {
            let d = self.max.add(max.neg()).to_f64();
            if d > -NEAR {
                // (int + frac) * e^d = int + (frac + (int + frac) * expm1(d)).
                self.frac += (self.int + self.frac) * d.exp_m1();
            } else {
                self.frac = (self.int + self.frac) * d.exp();
                self.int = 0.0;
            }
        }
        self.max = max;
    }

    fn finish(self) -> Result<LogNum, EvalError> {
        Ok(self.value()?.at_scale(self.scale))
    }

    fn value(self) -> Result<LogNum, EvalError> {
        if self.max.hi == f64::NEG_INFINITY {
            return Ok(LogNum::ZERO);
        }
        if self.int != 0.0 && self.frac.abs() < self.int.abs() {
            // ln|int + frac| = ln|int| + log1p(frac / int): keeps a tiny frac next to int = 1.
            let ln = Dd::from(self.int.abs().ln()).add(Dd::from((self.frac / self.int).ln_1p()));
            return LogNum::make(self.int.signum() as i8, self.max.add(ln));
        }
        let total = self.int + self.frac;
        if total == 0.0 {
            return Ok(LogNum::ZERO);
        }
        let sign = if total > 0.0 { 1 } else { -1 };
        LogNum::make(sign, self.max.add(Dd::from(total.abs().ln())))
    }
}

/// A running sum of dual numbers.
struct DualSum {
    v: LogSum,
    d: LogSum,
}

impl DualSum {
    fn new() -> DualSum {
        DualSum {
            v: LogSum::EMPTY,
            d: LogSum::EMPTY,
        }
    }

    fn push(&mut self, t: Dual) {
        self.v.push(t.v);
        self.d.push(t.d);
    }

    fn finish(self) -> Result<Dual, EvalError> {
        Ok(Dual {
            v: self.v.finish()?,
            d: self.d.finish()?,
        })
    }
}

/// A forward-mode dual number: a value and its derivative with respect to the seeded input.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Dual {
    /// The value.
    pub v: LogNum,
    /// The derivative.
    pub d: LogNum,
}

impl Dual {
    /// A quantity that does not depend on the seeded input.
    pub fn constant(v: LogNum) -> Dual {
        Dual { v, d: LogNum::ZERO }
    }

    /// The product rule for one more factor: `(u v)' = u' v + u v'` (nothing is divided out).
    fn times(self, f: Dual) -> Result<Dual, EvalError> {
        if self.d.is_zero() && f.d.is_zero() {
            // Both terms of the product rule are exact zeros, which the sum would skip.
            return Ok(Dual::constant(self.v.checked_mul(f.v)?));
        }
        let mut d = LogSum::EMPTY;
        d.push(self.d.checked_mul(f.v)?);
        d.push(self.v.checked_mul(f.d)?);
        Ok(Dual {
            v: self.v.checked_mul(f.v)?,
            d: d.finish()?,
        })
    }

    /// `self ^ r` for a constant exponent.
    fn powc(self, r: f64) -> Result<Dual, EvalError> {
        let v = self.v.powf(r)?;
        if self.d.is_zero() || r == 0.0 {
            return Ok(Dual::constant(v));
        }
        let slope = self.v.powf(r - 1.0).map_err(|e| match e {
            EvalError::DivisionByZero => EvalError::InfiniteSlope,
            other => other,
        })?;
        let d = LogNum::from_f64(r)?
            .checked_mul(slope)?
            .checked_mul(self.d)?;
        Ok(Dual { v, d })
    }

    /// `self ^ e` for an exponent that may depend on the seeded input.
    fn pow(self, e: Dual) -> Result<Dual, EvalError> {
        if e.d.is_zero() {
            return self.powc(e.v.to_f64());
        }
        if self.v.sign() <= 0 {
            return Err(EvalError::PowerOfNegative {
                base: self.v.to_f64(),
                exponent: e.v.to_f64(),
            });
        }
        let ln_b = self.v.ln()?;
        let v = e.v.checked_mul(ln_b)?.exp()?;
        let inner = LogNum::sum(&[
            e.d.checked_mul(ln_b)?,
            e.v.checked_mul(self.d)?.checked_div(self.v)?,
        ])?;
        Ok(Dual {
            v,
            d: v.checked_mul(inner)?,
        })
    }

    /// `exp`, `log` or `sqrt`.
    fn func(self, f: Func) -> Result<Dual, EvalError> {
        match f {
            Func::Exp => {
                let v = self.v.exp()?;
                Ok(Dual {
                    v,
                    d: v.checked_mul(self.d)?,
                })
            }
            Func::Log => Ok(Dual {
                v: self.v.ln()?,
                d: self.d.checked_div(self.v)?,
            }),
            Func::Sqrt => {
                self.v.sqrt()?;
                self.powc(0.5)
            }
        }
    }
}

/// What a symbol occurrence denotes at the place it is evaluated.
enum Resolved {
    /// An entry of a variable or a defined symbol.
    Entry(Key),
    /// A range upper end (`K`): its size.
    Size(LogNum),
}

/// An entry resolved against the problem: the symbol's position (variables first, then
/// definitions) and its 1-based index values.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    id: usize,
    idx: Tuple,
}

/// Index values kept inline (no allocation per symbol occurrence): at most
/// [`MAX_SUBSCRIPTS`](crate::parse::MAX_SUBSCRIPTS), the parser's limit on declarations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Tuple {
    len: u8,
    values: [usize; crate::parse::MAX_SUBSCRIPTS],
}

impl Tuple {
    fn as_slice(&self) -> &[usize] {
        &self.values[..usize::from(self.len)]
    }
}

/// The deepest expression nesting (plus definition chain) the evaluator accepts.
const MAX_DEPTH: usize = 400;

/// Where an expression is being evaluated.
struct Env<'a> {
    /// The parameters of the definition being evaluated (they shadow the free indices).
    params: Vec<(&'a str, usize)>,
    /// The values of the enclosing sums' indices, innermost last.
    bound: Vec<usize>,
    /// The input seeded with derivative 1, if a derivative is being taken.
    seed: Option<Key>,
}

impl Env<'_> {
    fn top() -> Env<'static> {
        Env {
            params: Vec::new(),
            bound: Vec::new(),
            seed: None,
        }
    }
}

/// A fast non-cryptographic hasher for the memo tables (the Fx hash of rustc): the keys are
/// small integers, and SipHash dominated the evaluator's profile.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Eight bytes at a time: index tuples are hashed as one byte slice.
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut b = [0; 8];
            b.copy_from_slice(word);
            self.write_u64(u64::from_le_bytes(b));
        }
        words
            .remainder()
            .iter()
            .for_each(|b| self.write_u64(u64::from(*b)));
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`FxHasher`].
type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A declared symbol as the evaluator looks it up.
struct SymbolEntry<'a> {
    name: &'a str,
    /// Its declared number of indices.
    arity: usize,
    /// A variable's values at the instance (`None` for a definition).
    values: Option<&'a VarValues>,
}

/// Values memoised under one seed.
#[derive(Default)]
struct Memo {
    /// Entries of defined symbols.
    entries: FxMap<Key, Dual>,
    /// Sums, by node address and context (see [`Evaluator::dense_sum`]).
    sums: FxMap<(usize, Context), Dual>,
}

/// Evaluates expressions at one instance and one free-index assignment, memoising definitions.
///
/// Reuse one evaluator for every line and assignment at the same instance: each entry of a
/// defined symbol, and each sum at given values of its indices (the `sum_m exp(s_m)` of a
/// softmax, wherever it occurs: in a definition, in every line, inside another sum), is
/// computed once per seeded input.
pub struct Evaluator<'a> {
    problem: &'a Problem,
    instance: &'a Instance,
    free: Assignment,
    /// Values that do not depend on the assignment of the free indices, by seed.
    memo: FxMap<Option<Key>, Memo>,
    /// Values that do (through a definition that mentions a free index of its own, such as
    /// `let L = -log(p_y)`), by seed; cleared by [`Evaluator::set_free`].
    per_assignment: FxMap<Option<Key>, Memo>,
    /// What is known of each sum node met (by address; see [`outer_indices`]).
    outer: FxMap<usize, Option<SumInfo<'a>>>,
    /// The variables then the definitions, by position ([`Key::id`]).
    symbols: Vec<SymbolEntry<'a>>,
    /// Which symbol positions depend on which through definitions.
    depends: FxMap<(usize, usize), bool>,
    perturb: Option<(Key, LogNum)>,
    active: Vec<usize>,
    depth: usize,
    /// Per symbol position: does its value depend on the assignment of the free indices? True
    /// for a definition that mentions a free index other than its parameters, or a symbol for
    /// which it is true.
    per_free: Vec<bool>,
    /// The largest magnitude of an argument of `exp` evaluated so far (memoised values count
    /// once): how extreme the scores and logits the loss sees are.
    largest_exp_argument: LogNum,
}

impl<'a> Evaluator<'a> {
    /// An evaluator for `instance` with the free indices at `free`.
    pub fn new(problem: &'a Problem, instance: &'a Instance, free: &Assignment) -> Evaluator<'a> {
        let mut ev = Evaluator {
            problem,
            instance,
            free: free.clone(),
            memo: FxMap::default(),
            per_assignment: FxMap::default(),
            outer: FxMap::default(),
            symbols: problem
                .vars
                .iter()
                .map(|v| SymbolEntry {
                    name: &v.symbol.name,
                    arity: v.symbol.indices.len(),
                    values: instance.values.get(&v.symbol.name),
                })
                .chain(problem.defs.iter().map(|d| SymbolEntry {
                    name: &d.symbol.name,
                    arity: d.symbol.indices.len(),
                    values: None,
                }))
                .collect(),
            depends: FxMap::default(),
            perturb: None,
            active: Vec::new(),
            depth: 0,
            per_free: Vec::new(),
            largest_exp_argument: LogNum::ZERO,
        };
        ev.per_free = ev.symbols_per_free();
        ev
    }

    /// [`Evaluator::per_free`] for every symbol position: the definitions that mention a free
    /// index of their own, then, until nothing changes, those that mention such a symbol.
    fn symbols_per_free(&self) -> Vec<bool> {
        let problem = self.problem;
        let own = problem.defs.iter().map(|d| {
            free_indices(&d.body)
                .iter()
                .any(|i| !d.symbol.indices.contains(&Index::Free(i.clone())))
        });
        let mut per_free: Vec<bool> = problem.vars.iter().map(|_| false).chain(own).collect();
        let names: Vec<Vec<&str>> = problem
            .defs
            .iter()
            .map(|d| {
                let mut names = Vec::new();
                d.body.symbol_names(&mut names);
                names
            })
            .collect();
        let mut changed = true;
        while changed {
            changed = false;
            for (i, names) in names.iter().enumerate() {
                let id = problem.vars.len() + i;
                if !per_free[id] && self.mentions(names, &per_free) {
                    per_free[id] = true;
                    changed = true;
                }
            }
        }
        per_free
    }

    /// Does one of `names` denote a symbol flagged in `flags` (by position)?
    fn mentions(&self, names: &[&str], flags: &[bool]) -> bool {
        names
            .iter()
            .any(|n| self.symbol_id(n).is_some_and(|id| flags[id]))
    }

    /// Moves to another assignment of the free indices, keeping the memoised values that cannot
    /// depend on it (all but those of definitions that mention a free index of their own).
    pub fn set_free(&mut self, free: &Assignment) {
        if self.free == *free {
            return;
        }
        self.per_assignment.clear();
        self.free = free.clone();
    }

    /// From now on, evaluates as if the entry of the variable `name` at the 1-based `idx` had
    /// the value `value` (other entries keep the instance's values), forgetting every memoised
    /// value. Errors when there is no such variable or entry.
    pub fn set_entry(&mut self, name: &str, idx: &[usize], value: f64) -> Result<(), EvalError> {
        let id = self
            .symbol_id(name)
            .filter(|&id| id < self.problem.vars.len())
            .ok_or_else(|| EvalError::UnknownSymbol(name.to_string()))?;
        let out_of_range = || EvalError::OutOfRange {
            name: name.to_string(),
            value: idx.iter().copied().max().unwrap_or(0),
        };
        let entry = self.symbols[id].values.and_then(|v| v.get(idx));
        entry.ok_or_else(out_of_range)?;
        let mut values = [0; crate::parse::MAX_SUBSCRIPTS];
        if idx.len() > values.len() {
            return Err(out_of_range());
        }
        values[..idx.len()].copy_from_slice(idx);
        let key = Key {
            id,
            idx: Tuple {
                len: idx.len() as u8,
                values,
            },
        };
        self.perturb = Some((key, LogNum::from_f64(value)?));
        self.memo.clear();
        self.per_assignment.clear();
        Ok(())
    }

    /// The memo for values that depend on the assignment (`per_free`) or not.
    fn memo(&self, per_free: bool) -> &FxMap<Option<Key>, Memo> {
        if per_free {
            &self.per_assignment
        } else {
            &self.memo
        }
    }

    /// The memo under `seed` for values that depend on the assignment or not, made if missing.
    fn memo_mut(&mut self, per_free: bool, seed: &Option<Key>) -> &mut Memo {
        let memo = if per_free {
            &mut self.per_assignment
        } else {
            &mut self.memo
        };
        memo.entry(seed.clone()).or_default()
    }

    /// The value of `e`.
    pub fn eval(&mut self, e: &'a Expr) -> Result<LogNum, EvalError> {
        Ok(self.node(e, &mut Env::top())?.v)
    }

    /// The largest magnitude of an argument of `exp` met by this evaluator so far (each
    /// memoised value once).
    pub fn largest_exp_argument(&self) -> LogNum {
        self.largest_exp_argument
    }

    /// Evaluates one node, guarding the recursion depth.
    fn node(&mut self, e: &'a Expr, env: &mut Env<'a>) -> Result<Dual, EvalError> {
        if self.depth >= MAX_DEPTH {
            return Err(EvalError::TooDeep);
        }
        self.depth += 1;
        let out = self.node_inner(e, env);
        self.depth -= 1;
        out
    }

    fn node_inner(&mut self, e: &'a Expr, env: &mut Env<'a>) -> Result<Dual, EvalError> {
        match e {
            Expr::Num(r) => Ok(Dual::constant(LogNum::from_rational(r)?)),
            Expr::Sym(s) => match self.resolve_symbol(s, env)? {
                Resolved::Entry(key) => self.entry(&key, &env.seed),
                Resolved::Size(n) => Ok(Dual::constant(n)),
            },
            Expr::Add(xs) => {
                let mut total = DualSum::new();
                for x in xs {
                    total.push(self.node(x, env)?);
                }
                total.finish()
            }
            Expr::Mul(xs) => {
                let mut product = Dual::constant(LogNum::ONE);
                for x in xs {
                    product = product.times(self.node(x, env)?)?;
                }
                Ok(product)
            }
            Expr::Pow(b, x) => self.power(b, x, env),
            Expr::Func(f, a) => {
                let arg = self.node(a, env)?;
                if *f == Func::Exp && arg.v.ln_abs() > self.largest_exp_argument.ln_abs() {
                    self.largest_exp_argument = arg.v.abs();
                }
                arg.func(*f)
            }
            Expr::Delta(a, b) => {
                let same = self.resolve(a, env)? == self.resolve(b, env)?;
                Ok(Dual::constant(if same {
                    LogNum::ONE
                } else {
                    LogNum::ZERO
                }))
            }
            Expr::Sum(binder, body) if env.seed.is_some() => match self.sparse_term(body, env) {
                Some(term) => self.sparse_sum(e, binder, body, term, env),
                None => self.dense_sum(e, binder, body, env),
            },
            Expr::Sum(binder, body) => self.dense_sum(e, binder, body, env),
            Expr::Deriv(f, x) => self.derivative(f, x, env),
        }
    }

    /// A sum evaluated term by term, or taken from the memo: by its node and the values of the
    /// indices it mentions from outside (see [`outer_indices`]), under the current seed. So a
    /// sum inside another sum, in a definition, or at another assignment that leaves its indices
    /// alone is computed once.
    fn dense_sum(
        &mut self,
        e: &'a Expr,
        binder: &Binder,
        body: &'a Expr,
        env: &mut Env<'a>,
    ) -> Result<Dual, EvalError> {
        let Some((context, per_free)) = self.context(e, env) else {
            return self.sum(binder, body, env);
        };
        // `e` is borrowed for the evaluator's lifetime, so its address names it.
        let key = (e as *const Expr as usize, context);
        let memo = self.memo(per_free).get(&env.seed);
        if let Some(v) = memo.and_then(|m| m.sums.get(&key)) {
            return Ok(*v);
        }
        let v = self.sum(binder, body, env)?;
        self.memo_mut(per_free, &env.seed).sums.insert(key, v);
        Ok(v)
    }

    /// The values here of the indices `e` mentions from outside itself, and whether its value
    /// depends on the assignment otherwise (through a definition); `None` when there are too
    /// many indices (see [`outer_indices`]) or one has no value here.
    fn context(&mut self, e: &'a Expr, env: &Env<'a>) -> Option<(Context, bool)> {
        let addr = e as *const Expr as usize;
        let info = match self.outer.get(&addr) {
            Some(known) => *known,
            None => {
                let found = outer_indices(e).map(|outers| {
                    let mut names = Vec::new();
                    e.symbol_names(&mut names);
                    SumInfo {
                        outers,
                        per_free: self.mentions(&names, &self.per_free),
                    }
                });
                self.outer.insert(addr, found);
                found
            }
        }?;
        let outer = info.outers;
        let mut context = Context {
            len: outer.len,
            values: [0; CONTEXT],
        };
        for (slot, index) in context.values.iter_mut().zip(outer.as_slice()) {
            *slot = match *index {
                Outer::Free(name) => self.resolve_free(name, env).ok()?,
                Outer::Bound(n) => self.resolve(&Index::Bound(n), env).ok()?,
            };
        }
        Some((context, info.per_free))
    }

    /// Under a seed, a sum whose terms can depend on the seeded entry only at one value of the
    /// bound index (`sum_i q_i*log(p_i)` seeded at `p_j`: only `i = j`): its value is the sum's
    /// value without the seed (memoised like any sum), its derivative that one
    /// term's. Every other term's derivative is an exact zero, so the result is the same as
    /// summing them all, in `O(1)` terms instead of `O(K)` for each seed.
    fn sparse_sum(
        &mut self,
        e: &'a Expr,
        binder: &Binder,
        body: &'a Expr,
        term: Option<usize>,
        env: &mut Env<'a>,
    ) -> Result<Dual, EvalError> {
        let seed = env.seed.take();
        let value = self.dense_sum(e, binder, body, env);
        env.seed = seed;
        let v = value?.v;
        let n = self.range_size(binder)?;
        let d = match term.filter(|i| (1..=n).contains(i)) {
            Some(i) => {
                env.bound.push(i);
                let t = self.node(body, env);
                env.bound.pop();
                t?.d
            }
            None => LogNum::ZERO,
        };
        Ok(Dual { v, d })
    }

    /// For a sum's `body` under the current seed: `Some(Some(i))` when only the term at index
    /// value `i` can depend on the seeded entry, `Some(None)` when no term can, `None` when that
    /// cannot be told from the symbols (a definition that depends on the seeded symbol, an
    /// occurrence not indexed by the sum's index, a nested derivative).
    fn sparse_term(&mut self, body: &Expr, env: &Env<'a>) -> Option<Option<usize>> {
        let seed = env.seed.clone()?;
        let mut term: Option<usize> = None;
        let ok = self.sparse_walk(body, 0, &seed, &mut term);
        ok.then_some(term)
    }

    fn sparse_walk(&mut self, e: &Expr, depth: u32, seed: &Key, term: &mut Option<usize>) -> bool {
        match e {
            Expr::Sym(s) => {
                let Some(id) = self.symbol_id(&s.name) else {
                    return true;
                };
                if id == seed.id {
                    let at = s.indices.iter().position(|i| *i == Index::Bound(depth));
                    let Some(i) = at.and_then(|p| seed.idx.as_slice().get(p).copied()) else {
                        return false;
                    };
                    match term {
                        Some(t) if *t != i => false,
                        _ => {
                            *term = Some(i);
                            true
                        }
                    }
                } else {
                    !self.depends_on_id(id, seed.id)
                }
            }
            Expr::Deriv(..) => false,
            Expr::Sum(_, b) => self.sparse_walk(b, depth + 1, seed, term),
            _ => e
                .iter_children()
                .all(|c| self.sparse_walk(c, depth, seed, term)),
        }
    }

    /// The position of a variable (then definition) named `name`, as in [`Key::id`].
    fn symbol_id(&self, name: &str) -> Option<usize> {
        let bytes = name.as_bytes();
        // The first byte and the length rule out most names without a call to `memcmp`.
        self.symbols.iter().position(|s| {
            let b = s.name.as_bytes();
            b.len() == bytes.len() && b.first() == bytes.first() && b == bytes
        })
    }

    /// Does the symbol at position `id` depend on the one at `target` through definitions?
    /// (Memoised; a cycle answers true, the safe answer.)
    fn depends_on_id(&mut self, id: usize, target: usize) -> bool {
        if id == target {
            return true;
        }
        if let Some(&known) = self.depends.get(&(id, target)) {
            return known;
        }
        let Some(Target::Def(def)) = self.target(id) else {
            return false;
        };
        self.depends.insert((id, target), true);
        let mut names = Vec::new();
        def.body.symbol_names(&mut names);
        let answer = names.into_iter().any(|n| {
            self.symbol_id(n)
                .is_some_and(|other| self.depends_on_id(other, target))
        });
        self.depends.insert((id, target), answer);
        answer
    }

    /// `sum body` over `1..=upper`.
    fn sum(
        &mut self,
        binder: &Binder,
        body: &'a Expr,
        env: &mut Env<'a>,
    ) -> Result<Dual, EvalError> {
        let n = self.range_size(binder)?;
        let mut total = DualSum::new();
        for i in 1..=n {
            env.bound.push(i);
            let t = self.node(body, env);
            env.bound.pop();
            total.push(t?);
        }
        total.finish()
    }

    /// The size of a sum's range: its upper end, or else the declared range of its letter (an
    /// expression parsed on its own does not know its ranges).
    fn range_size(&self, binder: &Binder) -> Result<usize, EvalError> {
        let problem = self.problem;
        let upper = match binder.upper.as_deref() {
            Some(u) => u,
            None => problem
                .upper_of(&binder.hint.0)
                .ok_or_else(|| EvalError::UnknownRange(format!("of `{}`", binder.hint.0)))?,
        };
        self.instance
            .size(upper)
            .ok_or_else(|| EvalError::UnknownRange(format!("`{upper}`")))
    }

    /// `b ^ x`, keeping rational exponents exact so that negative bases work with integers.
    fn power(&mut self, b: &'a Expr, x: &'a Expr, env: &mut Env<'a>) -> Result<Dual, EvalError> {
        let base = self.node(b, env)?;
        match x {
            Expr::Num(r) => base.powc(r.to_f64()),
            _ => {
                let exponent = self.node(x, env)?;
                base.pow(exponent)
            }
        }
    }

    /// `d(f)/d(x)`: forward mode with the seed at the entry `x` names here.
    fn derivative(
        &mut self,
        f: &'a Expr,
        x: &Symbol,
        env: &mut Env<'a>,
    ) -> Result<Dual, EvalError> {
        if env.seed.is_some() {
            return Err(EvalError::NestedDerivative);
        }
        let Resolved::Entry(key) = self.resolve_symbol(x, env)? else {
            return Err(EvalError::NotAnInput(x.name.clone()));
        };
        env.seed = Some(key);
        let out = self.node(f, env);
        env.seed = None;
        Ok(Dual::constant(out?.d))
    }

    /// The variable or definition at position `id`.
    fn target(&self, id: usize) -> Option<Target<'a>> {
        let problem = self.problem;
        match problem.vars.get(id) {
            Some(v) => Some(Target::Var(v)),
            None => problem.defs.get(id - problem.vars.len()).map(Target::Def),
        }
    }

    /// What a symbol denotes here; checks its number of indices.
    fn resolve_symbol(&self, s: &Symbol, env: &Env<'a>) -> Result<Resolved, EvalError> {
        let found = self
            .symbol_id(&s.name)
            .map(|id| (id, self.symbols[id].arity));
        let Some((id, declared)) = found else {
            return match self.instance.size(&s.name) {
                Some(n) if s.indices.is_empty() => Ok(Resolved::Size(LogNum::from_f64(n as f64)?)),
                _ => Err(EvalError::UnknownSymbol(s.name.clone())),
            };
        };
        if s.indices.len() != declared {
            return Err(EvalError::Arity {
                name: s.name.clone(),
                expected: declared,
                found: s.indices.len(),
            });
        }
        let mut values = [0; crate::parse::MAX_SUBSCRIPTS];
        if s.indices.len() > values.len() {
            return Err(EvalError::TooManyIndices {
                name: s.name.clone(),
                limit: values.len(),
            });
        }
        for (slot, i) in values.iter_mut().zip(&s.indices) {
            *slot = self.resolve(i, env)?;
        }
        let idx = Tuple {
            len: s.indices.len() as u8,
            values,
        };
        Ok(Resolved::Entry(Key { id, idx }))
    }

    /// The value of an index here.
    fn resolve(&self, i: &Index, env: &Env<'a>) -> Result<usize, EvalError> {
        match i {
            Index::Free(name) => self.resolve_free(name, env),
            Index::Bound(n) => usize::try_from(*n)
                .ok()
                .and_then(|n| env.bound.len().checked_sub(n + 1))
                .and_then(|at| env.bound.get(at).copied())
                .ok_or(EvalError::LooseBound(*n)),
        }
    }

    /// The value of the free index `name` here: a definition's parameter, or else the
    /// assignment's.
    fn resolve_free(&self, name: &str, env: &Env<'a>) -> Result<usize, EvalError> {
        env.params
            .iter()
            .rev()
            .find(|(p, _)| *p == name)
            .map(|(_, v)| *v)
            .or_else(|| self.free.get(name).copied())
            .ok_or_else(|| EvalError::UnboundIndex(name.to_string()))
    }

    /// The value (and derivative, under a seed) of one entry.
    fn entry(&mut self, key: &Key, seed: &Option<Key>) -> Result<Dual, EvalError> {
        // The seed first: an entry overridden by `perturb` (or `set_entry`) is still the input a
        // derivative is taken with respect to; only its value is overridden.
        if let Some(s) = seed {
            if s.id == key.id {
                let v = self.entry(key, &None)?.v;
                let d = if s.idx == key.idx {
                    LogNum::ONE
                } else {
                    LogNum::ZERO
                };
                return Ok(Dual { v, d });
            }
        }
        if let Some((at, value)) = &self.perturb {
            if at == key {
                return Ok(Dual::constant(*value));
            }
        }
        match self.target(key.id) {
            Some(Target::Var(var)) => {
                let x = self.symbols[key.id]
                    .values
                    .and_then(|v| v.get(key.idx.as_slice()))
                    .ok_or_else(|| EvalError::OutOfRange {
                        name: var.symbol.name.clone(),
                        value: key.idx.as_slice().iter().copied().max().unwrap_or(0),
                    })?;
                Ok(Dual::constant(LogNum::from_f64(x)?))
            }
            Some(Target::Def(def)) => self.defined(def, key, seed),
            None => Err(EvalError::UnknownSymbol(format!("#{}", key.id))),
        }
    }

    /// A defined symbol's entry, from its definition with the parameters bound (memoised).
    fn defined(
        &mut self,
        def: &'a Definition,
        key: &Key,
        seed: &Option<Key>,
    ) -> Result<Dual, EvalError> {
        let per_free = self.per_free.get(key.id).copied().unwrap_or(true);
        if let Some(v) = self
            .memo(per_free)
            .get(seed)
            .and_then(|m| m.entries.get(key))
        {
            return Ok(*v);
        }
        if self.active.contains(&key.id) {
            return Err(EvalError::Cycle(def.symbol.name.clone()));
        }
        let mut params = Vec::with_capacity(key.idx.as_slice().len());
        for (param, value) in def.symbol.indices.iter().zip(key.idx.as_slice()) {
            match param {
                Index::Free(name) => params.push((name.as_str(), *value)),
                Index::Bound(_) => return Err(EvalError::UnknownSymbol(def.symbol.name.clone())),
            }
        }
        let mut env = Env {
            params,
            bound: Vec::new(),
            seed: seed.clone(),
        };
        self.active.push(key.id);
        let out = self.node(&def.body, &mut env);
        self.active.pop();
        let out = out?;
        self.memo_mut(per_free, seed)
            .entries
            .insert(key.clone(), out);
        Ok(out)
    }
}

/// The most distinct outer indices a memoised sum may mention.
const CONTEXT: usize = 6;

/// An index a node mentions from outside itself: a free index, or the index of an enclosing sum
/// (0 for the innermost).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outer<'a> {
    Free(&'a str),
    Bound(u32),
}

/// The distinct outer indices of a node, in the order they first occur.
#[derive(Clone, Copy, Debug)]
struct Outers<'a> {
    len: u8,
    at: [Outer<'a>; CONTEXT],
}

impl<'a> Outers<'a> {
    fn as_slice(&self) -> &[Outer<'a>] {
        &self.at[..usize::from(self.len)]
    }
}

/// What the evaluator knows of a sum node.
#[derive(Clone, Copy, Debug)]
struct SumInfo<'a> {
    outers: Outers<'a>,
    /// It mentions a symbol whose value depends on the assignment of the free indices.
    per_free: bool,
}

/// The values of a node's [`Outers`] at one place it is evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Context {
    len: u8,
    values: [usize; CONTEXT],
}

/// The outer indices of `e`: with the node itself (and the instance, the seed and the free
/// indices that definitions mention) their values fix its value. `None` when there are more
/// than [`CONTEXT`] of them.
fn outer_indices(e: &Expr) -> Option<Outers<'_>> {
    let mut found = Outers {
        len: 0,
        at: [Outer::Bound(0); CONTEXT],
    };
    let fits = crate::index::all_indices(e, &mut |i, depth| {
        let outer = match i {
            Index::Bound(n) if *n < depth => return true,
            Index::Bound(n) => Outer::Bound(n - depth),
            Index::Free(name) => Outer::Free(name),
        };
        if found.as_slice().contains(&outer) {
            return true;
        }
        match found.at.get_mut(usize::from(found.len)) {
            Some(slot) => {
                *slot = outer;
                found.len += 1;
                true
            }
            None => false,
        }
    });
    fits.then_some(found)
}

/// What a symbol name is declared as.
#[derive(Clone, Copy)]
enum Target<'a> {
    Var(&'a VarDecl),
    Def(&'a Definition),
}

/// The value of `e` at `instance` with the free indices at `free`, as an `f64`.
///
/// A finite mathematical value beyond `f64::MAX` is [`EvalError::Overflow`]; use
/// [`eval_lognum`] to get it anyway.
pub fn eval(
    e: &Expr,
    problem: &Problem,
    instance: &Instance,
    free: &Assignment,
) -> Result<f64, EvalError> {
    let x = eval_lognum(e, problem, instance, free)?.to_f64();
    if x.is_finite() {
        Ok(x)
    } else {
        Err(EvalError::Overflow)
    }
}

/// The value of `e` in the logarithmic representation (no overflow below `exp(f64::MAX)`).
pub fn eval_lognum(
    e: &Expr,
    problem: &Problem,
    instance: &Instance,
    free: &Assignment,
) -> Result<LogNum, EvalError> {
    Evaluator::new(problem, instance, free).eval(e)
}

/// The relative step of [`central_difference`].
const CENTRAL_STEP: f64 = 1e-5;

/// `d(f)/d(x)` by central differences, as an independent cross-check of the forward mode.
///
/// `x` must have free indices only (with values in `free`). The step is relative to the entry's
/// size; for anything but a `real` variable it is kept small enough not to cross zero, so that
/// positive quantities stay positive. Expect about 8 correct digits, fewer at extreme inputs.
/// To difference many functions or assignments at one instance, use [`CentralDifferences`].
pub fn central_difference(
    f: &Expr,
    x: &Symbol,
    problem: &Problem,
    instance: &Instance,
    free: &Assignment,
) -> Result<f64, EvalError> {
    CentralDifferences::new(problem, instance).at(f, x, free)
}

/// [`central_difference`] at one instance, for many functions and free-index assignments.
///
/// The evaluation at each perturbed point keeps its memoised values, so that `d(p_j)/d(s_k)`
/// for every `j` at one `k` computes the perturbed softmax denominator twice, not twice per `j`.
/// The results are the same as [`central_difference`]'s, bit for bit.
pub struct CentralDifferences<'a> {
    /// Unperturbed values (the entry being perturbed and its size), at the problem and instance.
    base: Evaluator<'a>,
    /// An evaluator per perturbed point: the entry and the bits of its perturbed value.
    points: FxMap<(Key, u64), Evaluator<'a>>,
}

impl<'a> CentralDifferences<'a> {
    /// Central differences at `instance`.
    pub fn new(problem: &'a Problem, instance: &'a Instance) -> CentralDifferences<'a> {
        CentralDifferences {
            base: Evaluator::new(problem, instance, &Assignment::new()),
            points: FxMap::default(),
        }
    }

    /// `d(f)/d(x)` with the free indices at `free` (see [`central_difference`]).
    pub fn at(&mut self, f: &'a Expr, x: &Symbol, free: &Assignment) -> Result<f64, EvalError> {
        let x = self.at_lognum(f, x, free)?.to_f64();
        if x.is_finite() {
            Ok(x)
        } else {
            Err(EvalError::Overflow)
        }
    }

    /// [`CentralDifferences::at`] as a [`LogNum`], whose scale is `|f| / h`: the difference
    /// quotient's rounding error is relative to it.
    pub fn at_lognum(
        &mut self,
        f: &'a Expr,
        x: &Symbol,
        free: &Assignment,
    ) -> Result<LogNum, EvalError> {
        self.base.set_free(free);
        let Resolved::Entry(key) = self.base.resolve_symbol(x, &Env::top())? else {
            return Err(EvalError::NotAnInput(x.name.clone()));
        };
        let x0 = self.base.entry(&key, &None)?.v.to_f64();
        let real = self.base.problem.var(&x.name).map(|v| v.kind) == Some(Kind::Real);
        let mut h = CENTRAL_STEP * x0.abs().max(1.0);
        if !real && x0 != 0.0 && h > 0.5 * x0.abs() {
            h = CENTRAL_STEP * x0.abs();
        }
        let (up, down) = (x0 + h, x0 - h);
        let diff = self
            .value(f, &key, up, free)?
            .checked_sub(self.value(f, &key, down, free)?)?;
        diff.checked_div(LogNum::from_f64(up - down)?)
    }

    /// `f` with the entry `key` set to `value`.
    fn value(
        &mut self,
        f: &'a Expr,
        key: &Key,
        value: f64,
        free: &Assignment,
    ) -> Result<LogNum, EvalError> {
        let (problem, instance) = (self.base.problem, self.base.instance);
        let perturb = (key.clone(), LogNum::from_f64(value)?);
        let ev = self
            .points
            .entry((key.clone(), value.to_bits()))
            .or_insert_with(|| {
                let mut ev = Evaluator::new(problem, instance, free);
                ev.perturb = Some(perturb);
                ev
            });
        ev.set_free(free);
        ev.eval(f)
    }
}
