//! Fitting a drawn instance to its regime where the loss sees it: the arguments of `exp`.
//!
//! [`crate::check::sample`] draws every `real` entry on its own, but a loss sees them through its
//! definitions: a dot product `z = Σ_d w_d x_d` of entries up to ±50 reaches thousands, where
//! `1 − σ(z) = e^-z / (1 + e^-z)` is far below anything a double-double logarithm can tell from
//! 0. That is a regime no model is trained in, and it makes correct lines "undefined".
//!
//! So after drawing, the `real` variables that feed an argument of `exp` (in a definition, the
//! goal or a `show` start, through definitions) are scaled down together until the largest
//! argument of `exp` met while evaluating every definition is at most the regime's bound:
//! [`ORDINARY_SCORE`] in the ordinary regime, the extreme magnitude `E` in the extreme and peaked
//! ones. A plain logit drawn at ±E is left as it is; a dot product is brought to ±E. Nothing
//! here knows a symbol's name: the walk is over the problem's definitions.

use crate::check::assignments::{assignments, fixed_indices, ranges};
use crate::check::eval::{Assignment, Evaluator};
use crate::check::sample::{Instance, Regime};
use crate::syntax::expr::{Expr, Func, Index};
use crate::syntax::problem::{Kind, Problem};
use std::collections::BTreeSet;

/// The largest score (argument of `exp`) of an ordinary instance.
pub const ORDINARY_SCORE: f64 = 10.0;

/// At most this many assignments of a definition's indices are evaluated to measure it.
const MEASURED_ASSIGNMENTS: usize = 64;

/// Scales the `real` variables of `instance` that feed an argument of `exp` so that the largest
/// such argument is within the regime's bound (see the module documentation). Does nothing when
/// no `real` variable feeds one, or when the arguments are already within it.
pub fn fit(problem: &Problem, instance: &mut Instance) {
    let feeding = feeding_reals(problem);
    if feeding.is_empty() {
        return;
    }
    let bound = match instance.regime {
        Regime::Ordinary => ORDINARY_SCORE,
        Regime::Extreme | Regime::Peaked => instance.extreme,
    };
    let ln_bound = bound.ln();
    // Close enough below the bound once scaled (a dot product is of degree 2 in the entries,
    // so the first step overshoots and the degree is estimated from it).
    let ln_low = ln_bound - 0.5f64.ln().abs();
    let mut degree = 1.0;
    let mut previous: Option<(f64, f64)> = None;
    for _ in 0..8 {
        let ln_m = largest_score(problem, instance);
        if !ln_m.is_finite() && ln_m < 0.0 {
            return;
        }
        let within = ln_m <= ln_bound + 1e-12;
        if within && (previous.is_none() || ln_m >= ln_low) {
            return;
        }
        if let Some((ln_before, ln_c)) = previous {
            let d = (ln_m - ln_before) / ln_c;
            if d.is_finite() && d > 0.1 {
                degree = d;
            }
        }
        // Aim a little below the bound, so that rounding never leaves it just above.
        let ln_c = (ln_bound - 1e-9 - ln_m) / degree;
        scale(instance, &feeding, ln_c.exp());
        previous = Some((ln_m, ln_c));
    }
}

/// The natural logarithm of the largest argument of `exp` met while evaluating every
/// definition (at up to [`MEASURED_ASSIGNMENTS`] values of its indices), the goal's function
/// and the `show` start.
fn largest_score(problem: &Problem, instance: &Instance) -> f64 {
    let symbols: Vec<Expr> = problem
        .defs
        .iter()
        .map(|d| Expr::Sym(d.symbol.clone()))
        .collect();
    let mut roots: Vec<&Expr> = symbols.iter().collect();
    roots.extend(problem.goal.as_ref().map(|g| &g.of));
    roots.extend(problem.show.as_ref().map(|s| &s.start));
    let mut ev = Evaluator::new(problem, instance, &Assignment::new());
    for root in roots {
        let mut names: BTreeSet<String> = crate::syntax::index::free_indices(root);
        names.extend(fixed_indices(problem, &[root]));
        let Ok(ranges) = ranges(problem, &names) else {
            continue;
        };
        for free in assignments(&ranges, instance, MEASURED_ASSIGNMENTS) {
            ev.set_free(&free);
            // A domain error here is the checker's to report; only the scores matter.
            let _ = ev.eval(root);
        }
    }
    ev.largest_exp_argument().ln_abs()
}

/// Multiplies every entry of the variables `names` by `c`.
fn scale(instance: &mut Instance, names: &BTreeSet<String>, c: f64) {
    for name in names {
        if let Some(values) = instance.values.get_mut(name) {
            values.data.iter_mut().for_each(|x| *x *= c);
        }
    }
}

/// The `real` variables that an argument of `exp` depends on, through definitions, anywhere in
/// the problem's definitions, goal or `show` start.
fn feeding_reals(problem: &Problem) -> BTreeSet<String> {
    let mut roots: Vec<&Expr> = problem.defs.iter().map(|d| &d.body).collect();
    roots.extend(problem.goal.as_ref().map(|g| &g.of));
    roots.extend(problem.show.as_ref().map(|s| &s.start));
    let mut arguments: Vec<&Expr> = Vec::new();
    roots.iter().for_each(|r| exp_arguments(r, &mut arguments));
    let mut names: Vec<&str> = Vec::new();
    arguments.iter().for_each(|a| a.symbol_names(&mut names));
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    while let Some(name) = names.pop() {
        if seen.insert(name) {
            if let Some(def) = problem.def(name) {
                def.body.symbol_names(&mut names);
            }
        }
    }
    problem
        .vars
        .iter()
        .filter(|v| v.kind == Kind::Real && seen.contains(v.symbol.name.as_str()))
        .filter(|v| v.symbol.indices.iter().all(|i| matches!(i, Index::Free(_))))
        .map(|v| v.symbol.name.to_string())
        .collect()
}

/// Pushes the argument of every `exp` in `e`.
fn exp_arguments<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    if let Expr::Func(Func::Exp, a) = e {
        out.push(a);
    }
    e.iter_children().for_each(|c| exp_arguments(c, out));
}
