//! Sampling away from the kinks of piecewise functions.
//!
//! An Iverson bracket `[u > 0]` (see [`crate::syntax::piecewise`]) jumps where its argument is 0, and a
//! derivative through it is not defined there. So before a line is checked, every instance at
//! which the checked function has a bracket argument within
//! [`KINK_TOLERANCE`](crate::syntax::piecewise::KINK_TOLERANCE) of 0 (the evaluator's
//! [`EvalError::Kink`]) is re-drawn from a fresh seed, up to [`MAX_REDRAWS`] times; the count is
//! in the report ([`KinkReport`]). An instance still on a kink after that (a bracket whose
//! argument is 0 everywhere, such as `relu(x - x)`) is kept: there the evaluator answers
//! [`EvalError::Kink`], the sample is skipped, and if no sample is left the goal is reported as
//! unchecked with [`ON_KINK_EVERYWHERE`] — never as a pass.

use crate::check::assignments::assignments;
use crate::check::eval::{EvalError, Evaluator};
use crate::check::sample::{draw, Instance};
use crate::syntax::expr::Expr;
use crate::syntax::piecewise::has_bracket;
use crate::syntax::problem::Problem;
use serde::Serialize;

/// How many times one instance is re-drawn before it is kept on its kink.
pub const MAX_REDRAWS: usize = 16;

/// The message of a goal that had no sample off a kink.
pub const ON_KINK_EVERYWHERE: &str = "every sample lies on a kink of a piecewise function (a \
     bracket's argument is 0 there), where the derivative is not defined";

/// What re-drawing away from kinks did, for the check report.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct KinkReport {
    /// Instances re-drawn because a bracket argument was within tolerance of 0.
    pub redrawn: usize,
    /// Instances still on a kink after [`MAX_REDRAWS`] re-draws (their samples are skipped).
    pub on_kink: usize,
}

impl KinkReport {
    /// True when nothing was re-drawn or left on a kink.
    pub fn is_empty(&self) -> bool {
        self.redrawn == 0 && self.on_kink == 0
    }
}

/// Does the problem's function at `start` (the function of a derivative) hit a kink at `inst`,
/// at any assignment of the free indices `ranges` (at most `max` of them)?
fn on_kink(
    problem: &Problem,
    start: &Expr,
    inst: &Instance,
    ranges: &[(String, String)],
    max: usize,
) -> bool {
    let f = match start {
        Expr::Deriv(f, _) => f,
        other => other,
    };
    let free = assignments(ranges, inst, max);
    let mut ev = Evaluator::new(problem, inst, &Default::default());
    free.iter().any(|a| {
        ev.set_free(a);
        matches!(ev.eval(f), Err(EvalError::Kink))
    })
}

/// Re-draws every instance at which `start` lies on a kink (see the module docs); `refit` is
/// applied to each new instance as to the original ones.
pub fn redraw(
    problem: &Problem,
    start: &Expr,
    instances: &mut [Instance],
    ranges: &[(String, String)],
    max_assignments: usize,
    refit: impl Fn(&mut Instance),
) -> KinkReport {
    let mut report = KinkReport::default();
    let piecewise = has_bracket(start) || problem.defs.iter().any(|d| has_bracket(&d.body));
    if !piecewise {
        return report;
    }
    for inst in instances.iter_mut() {
        let mut tries = 0;
        let mut seed = inst.seed;
        while on_kink(problem, start, inst, ranges, max_assignments) {
            if tries == MAX_REDRAWS {
                report.on_kink += 1;
                break;
            }
            tries += 1;
            seed = crate::check::sample::SplitMix64::new(seed).next_u64();
            let Ok(mut fresh) = draw(problem, &inst.sizes, seed, inst.regime, inst.extreme) else {
                break;
            };
            refit(&mut fresh);
            *inst = fresh;
            report.redrawn += 1;
        }
    }
    report
}

/// The goal's report, with an unchecked verdict explained when its instances were left on a
/// kink (see [`ON_KINK_EVERYWHERE`]).
pub fn explain(goal: crate::check::StepReport, kinks: &KinkReport) -> crate::check::StepReport {
    use crate::check::Status;
    match goal.status {
        Status::Unchecked { .. } if kinks.on_kink > 0 => crate::check::StepReport {
            status: Status::Unchecked {
                message: ON_KINK_EVERYWHERE.to_string(),
            },
            ..goal
        },
        _ => goal,
    }
}
