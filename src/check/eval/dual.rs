//! Forward-mode dual numbers over a [`Number`] type, and their running sum.

use super::lognum::LogNum;
use super::number::{Number, NumberSum};
use super::EvalError;
use crate::syntax::expr::Func;
use serde::Serialize;

/// A running sum of dual numbers.
pub struct DualSum<N: Number> {
    pub(super) v: N::Sum,
    pub(super) d: N::Sum,
}

impl<N: Number> DualSum<N> {
    pub(super) fn new() -> DualSum<N> {
        DualSum {
            v: N::Sum::EMPTY,
            d: N::Sum::EMPTY,
        }
    }

    pub(super) fn push(&mut self, t: Dual<N>) {
        self.v.push(t.v);
        self.d.push(t.d);
    }

    pub(super) fn finish(self) -> Result<Dual<N>, EvalError> {
        Ok(Dual {
            v: self.v.finish()?,
            d: self.d.finish()?,
        })
    }
}

/// A forward-mode dual number: a value and its derivative with respect to the seeded input.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Dual<N: Number = LogNum> {
    /// The value.
    pub v: N,
    /// The derivative.
    pub d: N,
}

impl<N: Number> Dual<N> {
    /// A quantity that does not depend on the seeded input.
    pub fn constant(v: N) -> Dual<N> {
        Dual { v, d: N::ZERO }
    }

    /// The product rule for one more factor: `(u v)' = u' v + u v'` (nothing is divided out).
    pub(super) fn times(self, f: Dual<N>) -> Result<Dual<N>, EvalError> {
        if self.d.is_zero() && f.d.is_zero() {
            // Both terms of the product rule are exact zeros, which the sum would skip.
            return Ok(Dual::constant(self.v.checked_mul(f.v)?));
        }
        let mut d = N::Sum::EMPTY;
        d.push(self.d.checked_mul(f.v)?);
        d.push(self.v.checked_mul(f.d)?);
        Ok(Dual {
            v: self.v.checked_mul(f.v)?,
            d: d.finish()?,
        })
    }

    /// `self ^ r` for a constant exponent.
    pub(super) fn powc(self, r: f64) -> Result<Dual<N>, EvalError> {
        let v = self.v.powf(r)?;
        if self.d.is_zero() || r == 0.0 {
            return Ok(Dual::constant(v));
        }
        let slope = self.v.powf(r - 1.0).map_err(|e| match e {
            EvalError::DivisionByZero => EvalError::InfiniteSlope,
            other => other,
        })?;
        let d = N::from_f64(r)?.checked_mul(slope)?.checked_mul(self.d)?;
        Ok(Dual { v, d })
    }

    /// `self ^ e` for an exponent that may depend on the seeded input.
    pub(super) fn pow(self, e: Dual<N>) -> Result<Dual<N>, EvalError> {
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
        let mut inner = N::Sum::EMPTY;
        inner.push(e.d.checked_mul(ln_b)?);
        inner.push(e.v.checked_mul(self.d)?.checked_div(self.v)?);
        let inner = inner.finish()?;
        Ok(Dual {
            v,
            d: v.checked_mul(inner)?,
        })
    }

    /// `exp`, `log`, `sqrt`, `sigmoid`, `tanh` or `softplus`.
    pub(super) fn func(self, f: Func) -> Result<Dual<N>, EvalError> {
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
            // An Iverson bracket: 0 or 1, flat away from its kink, undefined on it.
            Func::IsPositive | Func::IsNonNegative | Func::IsNegative | Func::IsNonPositive => {
                if self.v.to_f64().abs() <= crate::syntax::piecewise::KINK_TOLERANCE {
                    return Err(EvalError::Kink);
                }
                let holds = f
                    .holds_at_sign(self.v.sign())
                    .expect("a bracket holds or not at every sign");
                Ok(Dual::constant(if holds { N::ONE } else { N::ZERO }))
            }
            Func::Sigmoid | Func::Tanh | Func::Softplus => super::logistic::logistic(self, f),
        }
    }
}
