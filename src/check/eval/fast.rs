//! [`FastNum`]: a plain `f64` with its scale, for the checker's fast path.
//!
//! The checker evaluates an instance in `FastNum` first and accepts the result only where it
//! is clearly decided (see `crate::check`); anything else is evaluated again in [`LogNum`].
//! So a `FastNum` never has to be right where `f64` is not: every operation whose result
//! overflows, underflows towards zero, or leaves the domain (a logarithm of a non-positive
//! number, a power of a negative or zero base that `f64` would get wrong or infinite) is an
//! error, and the checker falls back to the exact evaluation for that instance.

use super::dual::Dual;
use super::lognum::LogNum;
use super::number::{Number, NumberSum};
use super::EvalError;
use crate::syntax::rational::Rational;
use serde::Serialize;

/// Below this magnitude a non-zero result counts as an underflow: far above the subnormals,
/// where `f64` loses relative precision.
const TINY: f64 = 1e-250;

/// A real number as an `f64`, with its scale: the magnitude of the terms it was computed from
/// before any cancellation, propagated the way [`LogNum`] propagates its own (a first-order
/// running error bound: the value is good to a few thousand units in the last place of the
/// scale). Invariant: the value and the scale are finite, `scale >= |value|`, and a non-zero
/// value is at least `1e-250` in magnitude.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct FastNum {
    v: f64,
    scale: f64,
}

impl PartialEq for FastNum {
    /// Equal values (the scales, which describe how they were computed, are not compared).
    fn eq(&self, other: &FastNum) -> bool {
        self.v == other.v
    }
}

impl FastNum {
    /// The value.
    pub fn value(self) -> f64 {
        self.v
    }

    /// The scale: the magnitude of the terms the value was computed from before any
    /// cancellation (at least `|value|`; 0 only for an exact zero).
    pub fn scale(self) -> f64 {
        self.scale
    }

    /// The same number as a [`LogNum`], with its scale.
    pub fn to_lognum(self) -> Result<LogNum, EvalError> {
        Ok(LogNum::from_f64(self.v)?.at_scale(self.scale.ln()))
    }

    /// Builds from a value and a scale, enforcing the invariant.
    fn make(v: f64, scale: f64) -> Result<FastNum, EvalError> {
        if !v.is_finite() || !scale.is_finite() || (v != 0.0 && v.abs() < TINY) {
            return Err(EvalError::Overflow);
        }
        Ok(FastNum {
            v,
            scale: scale.max(v.abs()),
        })
    }

    /// Builds the result of an operation on non-zero operands: an exact zero would be an
    /// underflow.
    fn make_nonzero(v: f64, scale: f64) -> Result<FastNum, EvalError> {
        if v == 0.0 {
            return Err(EvalError::Overflow);
        }
        FastNum::make(v, scale)
    }

    /// `self` with a relative error of `rel · u` (or `u`, whichever is larger).
    fn with_relative_error(v: f64, rel: f64) -> Result<FastNum, EvalError> {
        FastNum::make_nonzero(v, v.abs() * rel.max(1.0))
    }

    /// `scale / |self|`: how much larger than `u` the relative error of `self` may be.
    fn relative_error(self) -> f64 {
        self.scale / self.v.abs()
    }

    /// `1 / self`.
    fn recip(self) -> Result<FastNum, EvalError> {
        if self.v == 0.0 {
            return Err(EvalError::DivisionByZero);
        }
        // The relative error is kept: scale / |self|^2.
        FastNum::make_nonzero(1.0 / self.v, self.relative_error() / self.v.abs())
    }
}

/// A running sum of [`FastNum`]s: the plain `f64` sum, with the sum of the terms' scales as its
/// scale (at least their largest, as [`LogNum`]'s sum keeps; the sum is the honest bound for
/// the rounding of many terms).
#[derive(Clone, Copy, Debug)]
pub struct FastSum {
    v: f64,
    scale: f64,
}

impl NumberSum<FastNum> for FastSum {
    const EMPTY: FastSum = FastSum { v: 0.0, scale: 0.0 };

    fn push(&mut self, t: FastNum) {
        self.v += t.v;
        self.scale += t.scale;
    }

    fn finish(self) -> Result<FastNum, EvalError> {
        FastNum::make(self.v, self.scale)
    }
}

impl Number for FastNum {
    type Sum = FastSum;
    const ZERO: FastNum = FastNum { v: 0.0, scale: 0.0 };
    const ONE: FastNum = FastNum { v: 1.0, scale: 1.0 };

    fn from_f64(x: f64) -> Result<FastNum, EvalError> {
        FastNum::make(x, x.abs())
    }

    fn from_rational(r: &Rational) -> Result<FastNum, EvalError> {
        if r.is_zero() {
            return Ok(FastNum::ZERO);
        }
        // An integer that `f64` holds exactly needs no big-rational conversion.
        let x = match r.to_i64() {
            Some(n) if n.unsigned_abs() < 1 << 53 => n as f64,
            _ => r.to_f64(),
        };
        FastNum::make_nonzero(x, x.abs())
    }

    fn to_f64(self) -> f64 {
        self.v
    }

    fn sign(self) -> i8 {
        if self.v > 0.0 {
            1
        } else if self.v < 0.0 {
            -1
        } else {
            0
        }
    }

    fn is_zero(self) -> bool {
        self.v == 0.0
    }

    fn ln_abs(self) -> f64 {
        self.v.abs().ln()
    }

    fn abs(self) -> FastNum {
        FastNum {
            v: self.v.abs(),
            ..self
        }
    }

    fn neg(self) -> FastNum {
        FastNum { v: -self.v, ..self }
    }

    fn exceeds_in_magnitude(self, other: FastNum) -> bool {
        self.v.abs() > other.v.abs()
    }

    fn checked_mul(self, other: FastNum) -> Result<FastNum, EvalError> {
        // The error of a product: |b|·δa + |a|·δb.
        let scale = (self.scale * other.v.abs()).max(self.v.abs() * other.scale);
        if self.v == 0.0 || other.v == 0.0 {
            return FastNum::make(0.0, scale);
        }
        FastNum::make_nonzero(self.v * other.v, scale)
    }

    fn checked_div(self, other: FastNum) -> Result<FastNum, EvalError> {
        self.checked_mul(other.recip()?)
    }

    fn powf(self, r: f64) -> Result<FastNum, EvalError> {
        if r == 0.0 {
            return Ok(FastNum::ONE);
        }
        // A zero base (perhaps the noise of a cancellation) and a negative base with anything
        // but an exact integer exponent are left to the exact evaluation.
        if self.v == 0.0 || (self.v < 0.0 && r.fract() != 0.0) {
            return Err(EvalError::Overflow);
        }
        let v = match r {
            1.0 => self.v,
            -1.0 => 1.0 / self.v,
            2.0 => self.v * self.v,
            _ => self.v.powf(r),
        };
        FastNum::with_relative_error(v, r.abs() * self.relative_error())
    }

    fn exp(self) -> Result<FastNum, EvalError> {
        // An absolute error `u · scale` in the argument is a relative error of the result.
        FastNum::with_relative_error(self.v.exp(), self.scale)
    }

    fn ln(self) -> Result<FastNum, EvalError> {
        if self.v <= 0.0 {
            return Err(EvalError::LogOfNonPositive(self.v));
        }
        // A relative error of the argument is an absolute error of the result.
        FastNum::make(self.v.ln(), self.relative_error())
    }

    fn sqrt(self) -> Result<FastNum, EvalError> {
        if self.v <= 0.0 {
            return Err(EvalError::SqrtOfNegative(self.v));
        }
        FastNum::with_relative_error(self.v.sqrt(), 0.5 * self.relative_error())
    }

    type Lifted = Dual<FastNum>;

    fn lift(self) -> Option<Dual<FastNum>> {
        Some(Dual {
            v: self,
            d: FastNum::ONE,
        })
    }

    fn unlift(x: Dual<FastNum>) -> Option<Dual<FastNum>> {
        Some(x)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(x: f64) -> FastNum {
        FastNum::from_f64(x).unwrap()
    }

    #[test]
    fn overflow_and_underflow_are_errors() {
        assert!(num(800.0).exp().is_err());
        assert!(num(-800.0).exp().is_err());
        assert!(num(1e-200).checked_mul(num(1e-200)).is_err());
        assert!(num(1e200).checked_mul(num(1e200)).is_err());
        assert!(num(1e300).recip().is_err());
        assert!(FastNum::from_f64(f64::NAN).is_err());
    }

    #[test]
    fn a_cancellation_keeps_its_scale() {
        let mut s = FastSum::EMPTY;
        s.push(num(1e10));
        s.push(num(1.0));
        s.push(num(-1e10));
        let total = s.finish().unwrap();
        assert_eq!(total.value(), 1.0);
        assert!(total.scale() >= 2e10);
        // Exact zeros stay exact: a product with one has no scale.
        let zero = num(3.0).checked_mul(FastNum::ZERO).unwrap();
        assert_eq!((zero.value(), zero.scale()), (0.0, 0.0));
    }

    #[test]
    fn domain_errors_are_errors() {
        assert!(num(-1.0).ln().is_err());
        assert!(num(0.0).ln().is_err());
        assert!(num(-1.0).sqrt().is_err());
        assert!(num(-2.0).powf(0.5).is_err());
        assert!(num(0.0).powf(2.0).is_err());
        assert_eq!(num(-2.0).powf(3.0).unwrap().value(), -8.0);
    }
}
