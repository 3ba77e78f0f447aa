//! [`LogNum`]: a sign and a double-double logarithm of the magnitude, with its scale; and
//! [`LogSum`], the running signed log-sum-exp that adds them.

use super::EvalError;
use crate::syntax::rational::Rational;
use serde::Serialize;

/// A double-double number `hi + lo` (`|lo|` at most half an ulp of `hi`): about 32 digits.
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd, Serialize)]
pub(super) struct Dd {
    pub(super) hi: f64,
    pub(super) lo: f64,
}

impl Dd {
    pub(super) const NEG_INFINITY: Dd = Dd {
        hi: f64::NEG_INFINITY,
        lo: 0.0,
    };

    pub(super) fn from(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    /// `hi + lo` renormalised (Knuth's two-sum of the parts).
    pub(super) fn norm(hi: f64, lo: f64) -> Dd {
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

    pub(super) fn add(self, o: Dd) -> Dd {
        let s = self.hi + o.hi;
        if !s.is_finite() {
            return Dd { hi: s, lo: 0.0 };
        }
        let bb = s - self.hi;
        let err = (self.hi - (s - bb)) + (o.hi - bb);
        Dd::norm(s, err + self.lo + o.lo)
    }

    pub(super) fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }

    /// `r * self`, with the rounding error of the leading product kept (fused multiply-add).
    pub(super) fn scale(self, r: f64) -> Dd {
        let p = r * self.hi;
        if !p.is_finite() {
            return Dd { hi: p, lo: 0.0 };
        }
        let err = r.mul_add(self.hi, -p);
        Dd::norm(p, err + r * self.lo)
    }

    pub(super) fn to_f64(self) -> f64 {
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
    pub(super) sign: i8,
    pub(super) ln: Dd,
    /// The natural logarithm of the scale (`-inf` for an exact zero from exact inputs).
    #[serde(skip)]
    pub(super) scale: f64,
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
    pub(super) fn make(sign: i8, ln: Dd) -> Result<LogNum, EvalError> {
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
    pub(super) fn at_scale(self, scale: f64) -> LogNum {
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
    pub(super) fn relative_error_ln(self) -> f64 {
        self.scale_ln() - self.ln.hi
    }

    /// `self` with a relative error of `e^rel · u` (or `u`, whichever is larger).
    pub(super) fn with_relative_error(self, rel: f64) -> LogNum {
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
/// `NEAR` (half a log unit) of the largest contributes `±1` to the exact integer part `int` and
/// `±expm1(d)` to `frac`; a smaller one contributes `±exp(d)` to `frac`. With the double-double logarithms,
/// `1 - e^50 / (e^50 + e^1)` is `e^-49` to full precision instead of 0, and `log(1 - sigma)` at
/// a logit of 50 is finite.
#[derive(Clone, Copy, Debug)]
pub struct LogSum {
    pub(super) max: Dd,
    pub(super) int: f64,
    pub(super) frac: f64,
    /// The largest scale of a term (see [`LogNum::scale_ln`]).
    pub(super) scale: f64,
}

/// The natural logarithm of the unit roundoff of `f64` (`2^-52`).
pub(super) const UNIT_ROUNDOFF_LN: f64 = -36.04365338911715;

/// How far below the largest term (in log units) a term still counts as "near" it.
pub(super) const NEAR: f64 = 0.5;

impl LogSum {
    pub(super) const EMPTY: LogSum = LogSum {
        max: Dd::NEG_INFINITY,
        int: 0.0,
        frac: 0.0,
        scale: f64::NEG_INFINITY,
    };

    pub(super) fn push(&mut self, t: LogNum) {
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
    pub(super) fn rescale(&mut self, max: Dd) {
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

    pub(super) fn finish(self) -> Result<LogNum, EvalError> {
        Ok(self.value()?.at_scale(self.scale))
    }

    pub(super) fn value(self) -> Result<LogNum, EvalError> {
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
