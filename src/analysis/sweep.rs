//! The true-class sweep's instances and points: which coupling signs it tries (only those whose
//! probability moves one way with the drive), and the gradient at each target probability.
//! The rules are the README's (`compare`); the report ([`crate::analysis::cancellation`]) and
//! the compare plot both sweep through here.

use crate::analysis::cancellation::{
    class_one, drive_for, fixed_instance_with, reach, value_at, Overrides, TrueClass,
    FIXED_RANGE_SIZE, TRUE_CLASS_PROBABILITIES,
};
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

/// One instance of the sweep: the instance, the probabilities it reaches, its coupling sign.
pub(crate) type Sweep = (Instance, Option<(f64, f64)>, Option<f64>);

/// The sweep's instances, first to last choice. Without `below`, the one fixed instance. Below
/// the logits, the instances with coupling sign +1 and −1 ([`fixed_instance_with`]), the one
/// with +1 first unless +1 cannot reach the smallest target and −1 brings the probability lower
/// (a ReLU passes one sign of its input only): each target is reached with the first instance
/// that reaches it.
pub(crate) fn sweep_instances(
    problem: &Problem,
    prob: &Expr,
    overrides: &Overrides,
    below: bool,
    bent: &mut bool,
) -> Vec<Sweep> {
    let signs: &[Option<f64>] = match below {
        true => &[Some(1.0), Some(-1.0)],
        false => &[None],
    };
    let mut instances: Vec<Sweep> = signs
        .iter()
        .filter_map(|&sign| {
            let inst = fixed_instance_with(problem, FIXED_RANGE_SIZE, 1, 0.0, overrides, sign)?;
            if !moves_one_way(problem, &inst, prob) {
                *bent = true;
                return None;
            }
            let r = reach(problem, &inst, prob);
            Some((inst, r, sign))
        })
        .collect();
    // −1 goes first only where +1 cannot bring the probability down to the smallest target and
    // −1 brings it lower: where both reach every target, the reported numbers keep the sign of
    // the loss's own row (σ = +1), not whichever sweep's floor is lower by rounding.
    let lowest = |r: &Option<(f64, f64)>| r.map_or(f64::INFINITY, |(lo, _)| lo);
    let smallest = TRUE_CLASS_PROBABILITIES[TRUE_CLASS_PROBABILITIES.len() - 1];
    if instances.len() == 2
        && lowest(&instances[0].1) > smallest
        && lowest(&instances[1].1) < lowest(&instances[0].1)
    {
        instances.swap(0, 1);
    }
    instances
}

/// The gradient `result` at each probability of `targets`, each reached with the first
/// instance that reaches it (`None` where none does or the gradient has no value there).
pub(crate) fn points(
    problem: &Problem,
    result: &Expr,
    prob: &Expr,
    instances: &[Sweep],
    targets: &[f64],
) -> Vec<(f64, Option<f64>)> {
    // Each instance is drawn once; each evaluation sets the driven entry.
    let mut evs: Vec<Evaluator> = instances
        .iter()
        .map(|(inst, _, _)| {
            Evaluator::new(problem, inst, &class_one(result, problem)).brackets_by_definition()
        })
        .collect();
    targets
        .iter()
        .map(|&p| {
            let g = instances
                .iter()
                .zip(evs.iter_mut())
                .find_map(|((inst, _, _), ev)| {
                    let x = drive_for(problem, inst, prob, p)?;
                    Some(value_at(ev, problem, result, x))
                });
            (p, g.flatten())
        })
        .collect()
}

/// The report's sweep `tc` of the gradient `result` again, at the probabilities `targets` (the
/// compare plot's dense grid): the same probability, instances and rules as the report's
/// numbers. Every point is `None` when the report swept nothing.
pub fn points_along(
    problem: &Problem,
    result: &Expr,
    tc: &TrueClass,
    overrides: &Overrides,
    targets: &[f64],
) -> Vec<(f64, Option<f64>)> {
    let Some((prob, below)) = &tc.swept else {
        return targets.iter().map(|&p| (p, None)).collect();
    };
    let mut bent = false;
    let instances = sweep_instances(problem, prob, overrides, *below, &mut bent);
    points(problem, result, prob, &instances, targets)
}
