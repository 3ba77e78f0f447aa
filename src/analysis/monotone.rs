//! Whether the true-class sweep may bisect: the probability must move one way with the drive.

use crate::analysis::cancellation::{class_one, value_at};
use crate::check::eval::Evaluator;
use crate::check::sample::Instance;
use crate::syntax::expr::Expr;
use crate::syntax::problem::Problem;

/// The drives at which [`moves_one_way`] looks at the probability: both ends of the drive's
/// range, 0, and a doubling-ish grid between.
const MONOTONE_GRID: [f64; 21] = [
    -200.0, -100.0, -50.0, -20.0, -10.0, -5.0, -2.0, -1.0, -0.5, -0.2, 0.0, 0.2, 0.5, 1.0, 2.0,
    5.0, 10.0, 20.0, 50.0, 100.0, 200.0,
];

/// False when the probability `prob`, evaluated on [`MONOTONE_GRID`], both rises and falls
/// with the drive: the sweep's bisection and its reach assume it moves one way, so such an
/// instance gives no numbers. True where it moves one way, is flat, or is undefined somewhere
/// (the sweep then decides per target).
pub fn moves_one_way(problem: &Problem, instance: &Instance, prob: &Expr) -> bool {
    let mut ev =
        Evaluator::new(problem, instance, &class_one(prob, problem)).brackets_by_definition();
    let Some(values) = MONOTONE_GRID
        .iter()
        .map(|&x| value_at(&mut ev, problem, prob, x))
        .collect::<Option<Vec<f64>>>()
    else {
        return true;
    };
    let slack = |a: f64, b: f64| 1e-12 * a.abs().max(b.abs());
    let rises = values.windows(2).any(|w| w[1] > w[0] + slack(w[0], w[1]));
    let falls = values.windows(2).any(|w| w[1] < w[0] - slack(w[0], w[1]));
    !(rises && falls)
}
