//! Second derivatives without symbolic rules: a derivative taken inside another derivative
//! (`d(d(L)/d(s_k))/d(s_l)`, or `d(g_k)/d(s_l)` with `let g_k = d(L)/d(s_k)`) is evaluated in
//! nested forward mode, dual numbers of dual numbers.
//!
//! When the evaluator meets `d(F)/d(x_i)` while it is already seeded at an outer input `y_j`, it
//! evaluates `F` again in a fresh evaluator one number type up ([`Number::Lifted`]): there the
//! entry `y_j` *is* the dual number `(y_j, 1)` and the inner seed is `x_i`. The result's
//! derivative part is then itself a dual number: `∂F/∂x_i` and `∂²F/∂y_j∂x_i`, exactly the
//! value and outer derivative the enclosing evaluation needs. Every operation is the ordinary
//! [`Number`] arithmetic (log space for [`LogNum`](super::LogNum), with errors and scales kept),
//! so the exactness rules of first derivatives hold unchanged. A third nesting has no number
//! type (the lifted type lifts no further) and is [`EvalError::NestedDerivative`].

use super::dual::{Dual, DualSum};
use super::evaluator::{Env, Evaluator, Key, Resolved};
use super::number::{Number, NumberSum};
use super::EvalError;
use crate::syntax::expr::{Expr, Func, Symbol};
use crate::syntax::rational::Rational;

impl<N: Number> NumberSum<Dual<N>> for DualSum<N> {
    const EMPTY: DualSum<N> = DualSum {
        v: N::Sum::EMPTY,
        d: N::Sum::EMPTY,
    };

    fn push(&mut self, t: Dual<N>) {
        DualSum::push(self, t);
    }

    fn finish(self) -> Result<Dual<N>, EvalError> {
        DualSum::finish(self)
    }
}

/// A dual number is a number in its own right (the value and the derivative with respect to
/// one outer input), so that a derivative can be evaluated inside another. Comparisons (sign,
/// magnitude) read the value.
impl<N: Number> Number for Dual<N> {
    type Sum = DualSum<N>;
    const ZERO: Dual<N> = Dual {
        v: N::ZERO,
        d: N::ZERO,
    };
    const ONE: Dual<N> = Dual {
        v: N::ONE,
        d: N::ZERO,
    };

    fn from_f64(x: f64) -> Result<Dual<N>, EvalError> {
        Ok(Dual::constant(N::from_f64(x)?))
    }

    fn from_rational(r: &Rational) -> Result<Dual<N>, EvalError> {
        Ok(Dual::constant(N::from_rational(r)?))
    }

    fn to_f64(self) -> f64 {
        self.v.to_f64()
    }

    fn sign(self) -> i8 {
        self.v.sign()
    }

    fn is_zero(self) -> bool {
        self.v.is_zero() && self.d.is_zero()
    }

    fn ln_abs(self) -> f64 {
        self.v.ln_abs()
    }

    fn abs(self) -> Dual<N> {
        if self.v.sign() < 0 {
            self.neg()
        } else {
            self
        }
    }

    fn neg(self) -> Dual<N> {
        Dual {
            v: self.v.neg(),
            d: self.d.neg(),
        }
    }

    fn exceeds_in_magnitude(self, other: Dual<N>) -> bool {
        self.v.exceeds_in_magnitude(other.v)
    }

    fn checked_mul(self, other: Dual<N>) -> Result<Dual<N>, EvalError> {
        self.times(other)
    }

    /// The quotient rule, `(u/w)' = (u' − (u/w) w') / w`.
    fn checked_div(self, other: Dual<N>) -> Result<Dual<N>, EvalError> {
        let v = self.v.checked_div(other.v)?;
        if other.d.is_zero() {
            return Ok(Dual {
                v,
                d: self.d.checked_div(other.v)?,
            });
        }
        let mut top = N::Sum::EMPTY;
        top.push(self.d);
        top.push(v.checked_mul(other.d)?.neg());
        Ok(Dual {
            v,
            d: top.finish()?.checked_div(other.v)?,
        })
    }

    fn powf(self, r: f64) -> Result<Dual<N>, EvalError> {
        self.powc(r)
    }

    fn exp(self) -> Result<Dual<N>, EvalError> {
        self.func(Func::Exp)
    }

    fn ln(self) -> Result<Dual<N>, EvalError> {
        self.func(Func::Log)
    }

    fn sqrt(self) -> Result<Dual<N>, EvalError> {
        self.func(Func::Sqrt)
    }

    type Lifted = Dual<N>;

    fn lift(self) -> Option<Dual<N>> {
        None
    }

    fn unlift(_: Dual<N>) -> Option<Dual<Dual<N>>> {
        None
    }
}

impl<'a, N: Number> Evaluator<'a, N> {
    /// `d(f)/d(x)` met while seeded at `outer`: the inner derivative's value and its derivative
    /// with respect to `outer`, by nested forward mode (see the module documentation).
    pub(super) fn derivative_under_seed(
        &mut self,
        f: &'a Expr,
        x: &Symbol,
        env: &Env<'a>,
        outer: Key,
    ) -> Result<Dual<N>, EvalError> {
        // A perturbed entry (central differences) cannot be held alongside the outer seed.
        if self.perturb.is_some() {
            return Err(EvalError::NestedDerivative);
        }
        let Resolved::Entry(inner) = self.resolve_symbol(x, env)? else {
            return Err(EvalError::NotAnInput(x.name.to_string()));
        };
        let value = self.entry(&outer, &None)?.v;
        let seeded = value.lift().ok_or(EvalError::NestedDerivative)?;
        let mut lifted: Evaluator<'a, N::Lifted> = self.sibling(&self.free);
        lifted.perturb = Some((outer, seeded));
        lifted.depth = self.depth;
        let mut inner_env = Env {
            params: env.params.clone(),
            bound: env.bound.clone(),
            seed: Some(inner),
        };
        let out = lifted.node(f, &mut inner_env)?;
        N::unlift(out.d).ok_or(EvalError::NestedDerivative)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::eval::LogNum;

    fn dual(v: f64, d: f64) -> Dual<LogNum> {
        Dual {
            v: LogNum::from_f64(v).unwrap(),
            d: LogNum::from_f64(d).unwrap(),
        }
    }

    #[test]
    fn the_quotient_rule_holds_for_dual_numbers() {
        // (x / x²)' at x = 2 with x' = 1: d/dx (1/x) = -1/4.
        let x = dual(2.0, 1.0);
        let q = x.checked_div(x.checked_mul(x).unwrap()).unwrap();
        assert!((q.v.to_f64() - 0.5).abs() < 1e-15);
        assert!((q.d.to_f64() + 0.25).abs() < 1e-15);
    }

    #[test]
    fn a_dual_number_lifts_no_further() {
        assert!(dual(1.0, 1.0).lift().is_none());
        assert!(LogNum::ONE.lift().is_some());
    }
}
