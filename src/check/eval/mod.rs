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

mod central;
mod dual;
mod evaluator;
mod fast;
mod logistic;
mod lognum;
mod nested;
mod number;
mod sums;

pub use central::{central_difference, CentralDifferences};
pub use dual::{Dual, DualSum};
pub use evaluator::Evaluator;
pub use fast::{FastNum, FastSum};
pub use lognum::{LogNum, LogSum};
pub use number::{Number, NumberSum};

use crate::check::sample::Instance;
use crate::syntax::expr::Expr;
use crate::syntax::problem::Problem;
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// The argument of an Iverson bracket is within [`crate::syntax::piecewise::KINK_TOLERANCE`] of 0:
    /// the sample lies on a kink of a piecewise function, where its derivative is not defined.
    #[error("on a kink of a piecewise function (a bracket's argument is 0 there)")]
    Kink,
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
                | EvalError::Kink
        )
    }
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
