//! [`Number`]: what the evaluator needs of its number type. [`LogNum`] is the exact one (log
//! space, no overflow); [`super::fast::FastNum`] is plain `f64` for the checker's fast path.

use super::dual::Dual;
use super::lognum::{LogNum, LogSum};
use super::EvalError;
use crate::syntax::rational::Rational;
use serde::Serialize;

/// A real number type the [`super::Evaluator`] computes in, carrying its scale: the magnitude of
/// the terms it was computed from before any cancellation (see [`LogNum::scale_ln`]).
pub trait Number: Copy + std::fmt::Debug + PartialEq + Serialize {
    /// The running sum of this number type.
    type Sum: NumberSum<Self>;
    /// Zero (exact).
    const ZERO: Self;
    /// One (exact).
    const ONE: Self;
    /// The number `x`; infinities and NaN are errors.
    fn from_f64(x: f64) -> Result<Self, EvalError>;
    /// The exact rational `r`, rounded.
    fn from_rational(r: &Rational) -> Result<Self, EvalError>;
    /// The nearest `f64`.
    fn to_f64(self) -> f64;
    /// The sign: -1, 0 or 1.
    fn sign(self) -> i8;
    /// True for zero.
    fn is_zero(self) -> bool;
    /// The natural logarithm of the magnitude (`-inf` for zero).
    fn ln_abs(self) -> f64;
    /// `|self|`.
    fn abs(self) -> Self;
    /// `-self` (exact).
    fn neg(self) -> Self;
    /// `|self| > |other|`.
    fn exceeds_in_magnitude(self, other: Self) -> bool {
        self.ln_abs() > other.ln_abs()
    }
    /// `self * other`.
    fn checked_mul(self, other: Self) -> Result<Self, EvalError>;
    /// `self / other`.
    fn checked_div(self, other: Self) -> Result<Self, EvalError>;
    /// `self ^ r` for a constant exponent.
    fn powf(self, r: f64) -> Result<Self, EvalError>;
    /// `exp(self)`.
    fn exp(self) -> Result<Self, EvalError>;
    /// `log(self)`.
    fn ln(self) -> Result<Self, EvalError>;
    /// `sqrt(self)`.
    fn sqrt(self) -> Result<Self, EvalError>;
    /// The number type one derivative order up (a [`Dual`] of this one), in which a derivative
    /// taken inside another derivative is evaluated; `Self` when no further order is supported.
    type Lifted: Number;
    /// `self` as an input of the outer derivative: value `self`, derivative 1. `None` when no
    /// further order is supported (a third derivative).
    fn lift(self) -> Option<Self::Lifted>;
    /// The inverse reading of [`Number::lift`]: the value and outer derivative of a lifted number.
    fn unlift(x: Self::Lifted) -> Option<Dual<Self>>;
}

/// A running sum of [`Number`]s.
pub trait NumberSum<N>: Sized {
    /// The empty sum.
    const EMPTY: Self;
    /// Adds a term.
    fn push(&mut self, t: N);
    /// The total.
    fn finish(self) -> Result<N, EvalError>;
}

impl NumberSum<LogNum> for LogSum {
    const EMPTY: LogSum = LogSum::EMPTY;

    fn push(&mut self, t: LogNum) {
        LogSum::push(self, t);
    }

    fn finish(self) -> Result<LogNum, EvalError> {
        LogSum::finish(self)
    }
}

impl Number for LogNum {
    type Sum = LogSum;
    const ZERO: LogNum = LogNum::ZERO;
    const ONE: LogNum = LogNum::ONE;

    fn from_f64(x: f64) -> Result<LogNum, EvalError> {
        LogNum::from_f64(x)
    }

    fn from_rational(r: &Rational) -> Result<LogNum, EvalError> {
        LogNum::from_rational(r)
    }

    fn to_f64(self) -> f64 {
        LogNum::to_f64(self)
    }

    fn sign(self) -> i8 {
        LogNum::sign(self)
    }

    fn is_zero(self) -> bool {
        LogNum::is_zero(self)
    }

    fn ln_abs(self) -> f64 {
        LogNum::ln_abs(self)
    }

    fn abs(self) -> LogNum {
        LogNum::abs(self)
    }

    fn neg(self) -> LogNum {
        -self
    }

    fn checked_mul(self, other: LogNum) -> Result<LogNum, EvalError> {
        LogNum::checked_mul(self, other)
    }

    fn checked_div(self, other: LogNum) -> Result<LogNum, EvalError> {
        LogNum::checked_div(self, other)
    }

    fn powf(self, r: f64) -> Result<LogNum, EvalError> {
        LogNum::powf(self, r)
    }

    fn exp(self) -> Result<LogNum, EvalError> {
        LogNum::exp(self)
    }

    fn ln(self) -> Result<LogNum, EvalError> {
        LogNum::ln(self)
    }

    fn sqrt(self) -> Result<LogNum, EvalError> {
        LogNum::sqrt(self)
    }

    type Lifted = Dual<LogNum>;

    fn lift(self) -> Option<Dual<LogNum>> {
        Some(Dual {
            v: self,
            d: LogNum::ONE,
        })
    }

    fn unlift(x: Dual<LogNum>) -> Option<Dual<LogNum>> {
        Some(x)
    }
}
