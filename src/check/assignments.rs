//! Which free-index values a line is checked at.
//!
//! A line's free indices are those it shows and those its definitions use without binding them
//! (a fixed class `y` in `let L = -log(p_y)`, see [`fixed_indices`]). At an instance every
//! assignment of them is checked, up to a maximum; beyond it (large range sizes) the first and
//! the last value of every index and random ones ([`assignments`]).

use crate::check::eval::Assignment;
use crate::check::sample::{Instance, SplitMix64};
use crate::syntax::expr::{Expr, Index};
use crate::syntax::index::free_indices;
use crate::syntax::problem::Problem;
use std::collections::BTreeSet;

/// The indices that definitions used by `exprs` mention without binding them: fixed classes such
/// as the `y` of `let L = -log(p_y)`. They are free in every line that uses the definition, even
/// when the line does not show them, so the checker gives them every value as well.
pub fn fixed_indices(problem: &Problem, exprs: &[&Expr]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut names: Vec<&str> = Vec::new();
    exprs.iter().for_each(|e| e.symbol_names(&mut names));
    while let Some(name) = names.pop() {
        if !seen.insert(name) {
            continue;
        }
        let Some(def) = problem.def(name) else {
            continue;
        };
        let params: BTreeSet<&str> = def
            .symbol
            .indices
            .iter()
            .filter_map(|i| match i {
                Index::Free(n) => Some(n.as_str()),
                Index::Bound(_) => None,
            })
            .collect();
        out.extend(
            free_indices(&def.body)
                .into_iter()
                .filter(|i| !params.contains(i.as_str())),
        );
        def.body.symbol_names(&mut names);
    }
    out
}

/// The range upper end of each free index, or why one is missing.
pub fn ranges(
    problem: &Problem,
    names: &BTreeSet<String>,
) -> Result<Vec<(String, String)>, String> {
    names
        .iter()
        .map(|n| match problem.upper_of(n) {
            Some(u) => Ok((n.clone(), u.to_string())),
            None => Err(format!("free index `{n}` has no `index` declaration")),
        })
        .collect()
}

/// Every assignment of the free indices at `instance`, or `max` random ones if there are more.
pub fn assignments(
    ranges: &[(String, String)],
    instance: &Instance,
    max: usize,
) -> Vec<Assignment> {
    let sizes: Vec<usize> = ranges
        .iter()
        .map(|(_, u)| {
            instance
                .size(u)
                .expect("an instance has a size for every declared range")
        })
        .collect();
    let total = sizes.iter().try_fold(1usize, |acc, &n| acc.checked_mul(n));
    let make = |values: &[usize]| -> Assignment {
        ranges
            .iter()
            .map(|(n, _)| n.clone())
            .zip(values.iter().copied())
            .collect()
    };
    match total {
        Some(t) if t <= max => {
            let mut out = Vec::with_capacity(t);
            let mut values = vec![1usize; sizes.len()];
            for _ in 0..t {
                out.push(make(&values));
                for (v, &n) in values.iter_mut().zip(&sizes).rev() {
                    if *v < n {
                        *v += 1;
                        break;
                    }
                    *v = 1;
                }
            }
            out
        }
        _ => {
            // The first and the last value of every index (all of them first, all last), then
            // random ones.
            let mut rng = SplitMix64::new(instance.seed ^ 0xA55A_A55A_A55A_A55A);
            let first = vec![1usize; sizes.len()];
            let last: Vec<usize> = sizes.iter().map(|&n| n.max(1)).collect();
            let random = (2..max.max(2))
                .map(|_| -> Vec<usize> { sizes.iter().map(|&n| rng.below(n) + 1).collect() });
            let all: Vec<Vec<usize>> = [first, last].into_iter().chain(random).collect();
            all.iter().map(|v| make(v)).collect()
        }
    }
}
