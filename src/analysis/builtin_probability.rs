//! The probability of a loss written with the built-in logistic functions, where no `let`
//! names it (`log(sigmoid(z))`, `softplus(-y*h)`).
//!
//! The rule, which the README states for readers: every built-in spelling of a log-probability
//! is `log sigmoid(v)` for some logit `v`:
//! - `log(sigmoid(v))` is `log sigmoid(v)`;
//! - `log(1 − sigmoid(w))` is `log sigmoid(−w)` (the other class's probability);
//! - `softplus(w)` is `−log sigmoid(−w)`, so `softplus(−v)` is `−log sigmoid(v)`.
//!
//! The loss's probability is `sigmoid(v)` for the first such term met reading the
//! differentiated function (and then the definitions it mentions, in the order they are
//! mentioned), provided `v` depends on the variable and mentions no index bound by a sum
//! around the term. It is the true class's probability when the loss falls as it rises at the
//! report's fixed instance (the targets at class 1); where the loss rises with it, the term
//! spoke of the other class and the probability is `sigmoid(−v)` ([`oriented`]), so every
//! order and spelling of the same loss reports the same probability. For binary cross-entropy,
//! `−(y log(sigmoid(z)) + (1 − y) log(1 − sigmoid(z)))`, that is `sigmoid(z)`, the probability
//! of the class `y` = 1 marks; for the logistic loss `softplus(−y h)` it is `sigmoid(y h)`, the
//! probability of the label `y`. No symbol name is known here.

use crate::analysis::cancellation::{
    class_one, fixed_instance_with, value_at, Overrides, FIXED_RANGE_SIZE,
};
use crate::check::eval::Evaluator;
use crate::rules::{facts, Ctx};
use crate::syntax::expr::{func, neg, sub, Expr, Func};
use crate::syntax::index::has_loose_bound;
use crate::syntax::problem::Problem;

/// The loss's probability `sigmoid(v)` by the rule of this module, with its logit `v`.
#[derive(Clone, Debug, PartialEq)]
pub struct BuiltinProbability {
    /// `sigmoid(v)`.
    pub probability: Expr,
    /// `v`.
    pub logit: Expr,
}

/// The probability of the goal's loss by the rule of this module, if it has one.
pub fn builtin_probability(problem: &Problem) -> Option<BuiltinProbability> {
    let goal = problem.goal.as_ref()?;
    let ctx = Ctx::new(problem);
    let mut seen: Vec<String> = Vec::new();
    let logit = first_logit(problem, &goal.of, &mut seen, &|v: &Expr| {
        facts::depends_on(v, &goal.wrt.name, &ctx)
    })?;
    Some(BuiltinProbability {
        probability: func(Func::Sigmoid, logit.clone()),
        logit,
    })
}

/// `found`, or `sigmoid(−v)` where the loss rises with `sigmoid(v)`: at the report's fixed
/// instance (coupling +1 below the logits, the targets at class 1), the loss and the
/// probability are evaluated at the drives −1 and +1 (then ±10 where nothing moves); if both
/// move the same way, the true class is the other one. Undecided (nothing moves, a value
/// undefined): `found` as it is.
pub fn oriented(
    problem: &Problem,
    found: BuiltinProbability,
    overrides: &Overrides,
) -> BuiltinProbability {
    let flip = || {
        let goal = problem.goal.as_ref()?;
        let instance =
            fixed_instance_with(problem, FIXED_RANGE_SIZE, 1, 0.0, overrides, Some(1.0))?;
        let mut loss = Evaluator::new(problem, &instance, &class_one(&goal.of, problem))
            .brackets_by_definition();
        let mut prob = Evaluator::new(problem, &instance, &class_one(&found.probability, problem))
            .brackets_by_definition();
        [1.0, 10.0].iter().find_map(|&x: &f64| {
            let dl = value_at(&mut loss, problem, &goal.of, x)?
                - value_at(&mut loss, problem, &goal.of, -x)?;
            let dp = value_at(&mut prob, problem, &found.probability, x)?
                - value_at(&mut prob, problem, &found.probability, -x)?;
            (dl != 0.0 && dp != 0.0).then_some(dl * dp > 0.0)
        })
    };
    match flip() {
        Some(true) => {
            let logit = neg(found.logit.clone());
            BuiltinProbability {
                probability: func(Func::Sigmoid, logit.clone()),
                logit,
            }
        }
        _ => found,
    }
}

/// The logit `v` of the first term of `e` (reading it, then the definitions it mentions) that
/// is `±log sigmoid(v)` in a built-in spelling, with `v` accepted by `depends`.
fn first_logit(
    problem: &Problem,
    e: &Expr,
    seen: &mut Vec<String>,
    depends: &dyn Fn(&Expr) -> bool,
) -> Option<Expr> {
    if let Some(v) = log_sigmoid_logit(e).filter(|v| !has_loose_bound(v) && depends(v)) {
        return Some(v);
    }
    if let Expr::Sym(s) = e {
        if seen.iter().any(|n| *n == s.name) {
            return None;
        }
        seen.push(s.name.to_string());
        let def = problem.def(&s.name)?;
        return first_logit(problem, &def.body, seen, depends);
    }
    e.children()
        .into_iter()
        .find_map(|c| first_logit(problem, c, seen, depends))
}

/// `v` when `e` is `log(sigmoid(v))`, `log(1 − sigmoid(−v))` or `softplus(−v)`.
pub fn log_sigmoid_logit(e: &Expr) -> Option<Expr> {
    match e {
        Expr::Func(Func::Log, arg) => match &**arg {
            Expr::Func(Func::Sigmoid, v) => Some((**v).clone()),
            Expr::Add(terms) => terms.iter().find_map(|t| {
                let Expr::Mul(f) = t else { return None };
                let [minus_one, Expr::Func(Func::Sigmoid, w)] = f.as_slice() else {
                    return None;
                };
                let is_minus_one = minus_one
                    .as_num()
                    .is_some_and(|r| r.is_negative() && (-r).is_one());
                (is_minus_one && **arg == sub(Expr::one(), func(Func::Sigmoid, (**w).clone())))
                    .then(|| neg((**w).clone()))
            }),
            _ => None,
        },
        Expr::Func(Func::Softplus, w) => Some(neg((**w).clone())),
        _ => None,
    }
}
