//! Central differences: an independent cross-check of the forward-mode derivatives.

use super::evaluator::{Env, Evaluator, Key, Resolved};
use super::lognum::LogNum;
use super::number::{Number, NumberSum};
use super::{Assignment, EvalError};
use crate::check::sample::Instance;
use crate::syntax::expr::{Expr, Symbol};
use crate::syntax::problem::{Kind, Problem};
use rustc_hash::FxHashMap as FxMap;

/// The relative step of [`central_difference`].
pub(super) const CENTRAL_STEP: f64 = 1e-5;

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
/// The results are the same as [`central_difference`]'s, bit for bit. It computes in
/// [`LogNum`] by default, or in another [`Number`] type ([`CentralDifferences::with_numbers`]).
pub struct CentralDifferences<'a, N: Number = LogNum> {
    /// Unperturbed values (the entry being perturbed and its size), at the problem and instance.
    pub(super) base: Evaluator<'a, N>,
    /// An evaluator per perturbed point: the entry and the bits of its perturbed value.
    pub(super) points: FxMap<(Key, u64), Evaluator<'a, N>>,
}

impl<'a> CentralDifferences<'a> {
    /// Central differences at `instance`, in [`LogNum`].
    pub fn new(problem: &'a Problem, instance: &'a Instance) -> CentralDifferences<'a> {
        CentralDifferences::with_numbers(problem, instance)
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
        self.at_number(f, x, free)
    }
}

impl<'a, N: Number> CentralDifferences<'a, N> {
    /// Central differences at `instance`, computing in `N`.
    pub fn with_numbers(problem: &'a Problem, instance: &'a Instance) -> CentralDifferences<'a, N> {
        CentralDifferences::from_evaluator(Evaluator::with_numbers(
            problem,
            instance,
            &Assignment::new(),
        ))
    }

    /// Central differences at the problem and instance of `base` (a fresh evaluator, as
    /// [`Evaluator::sibling`] makes).
    pub fn from_evaluator(base: Evaluator<'a, N>) -> CentralDifferences<'a, N> {
        CentralDifferences {
            base,
            points: FxMap::default(),
        }
    }

    /// [`CentralDifferences::at_lognum`] in `N` (with its scale `|f| / h`).
    pub fn at_number(
        &mut self,
        f: &'a Expr,
        x: &Symbol,
        free: &Assignment,
    ) -> Result<N, EvalError> {
        self.base.set_free(free);
        let Resolved::Entry(key) = self.base.resolve_symbol(x, &Env::top())? else {
            return Err(EvalError::NotAnInput(x.name.to_string()));
        };
        let x0 = self.base.entry(&key, &None)?.v.to_f64();
        let real = self.base.problem.var(&x.name).map(|v| v.kind) == Some(Kind::Real);
        let mut h = CENTRAL_STEP * x0.abs().max(1.0);
        if !real && x0 != 0.0 && h > 0.5 * x0.abs() {
            h = CENTRAL_STEP * x0.abs();
        }
        let (up, down) = (x0 + h, x0 - h);
        let mut diff = N::Sum::EMPTY;
        diff.push(self.value(f, &key, up, free)?);
        diff.push(self.value(f, &key, down, free)?.neg());
        diff.finish()?.checked_div(N::from_f64(up - down)?)
    }

    /// `f` with the entry `key` set to `value`.
    pub(super) fn value(
        &mut self,
        f: &'a Expr,
        key: &Key,
        value: f64,
        free: &Assignment,
    ) -> Result<N, EvalError> {
        let perturb = (key.clone(), N::from_f64(value)?);
        let base = &self.base;
        let ev = self
            .points
            .entry((key.clone(), value.to_bits()))
            .or_insert_with(|| {
                let mut ev = base.sibling::<N>(free);
                ev.perturb = Some(perturb);
                ev
            });
        ev.set_free(free);
        ev.eval(f)
    }
}
