//! The search for the final form (`gradproof::engine::search`): on the expression each file in
//! `derivations/` hands to it (the one before its "factor and regroup" step, or its result
//! when the search changed nothing), and on the results of the scaling inputs of
//! `benches/scaling.rs`. The whole derivation, search included, is `derive/` in the pipeline
//! bench.
//!
//! Run with `cargo bench --bench search`.

mod support;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gradproof::engine::search::{best_form, SearchLimits, FACTOR_ONLY_TITLE};
use gradproof::engine::{derive, Limits, FACTOR_PHASE};
use gradproof::parse::parse_problem;
use gradproof::rules::Ctx;
use gradproof::syntax::expr::Expr;
use gradproof::syntax::problem::Problem;
use std::hint::black_box;
use std::time::Duration;

/// The expression the search starts from in the derivation of `problem`.
fn search_input(problem: &Problem) -> Expr {
    let d = derive(problem, Limits::default()).expect("a derive line");
    let at = d
        .steps
        .iter()
        .position(|s| s.title == FACTOR_PHASE.title || s.title == FACTOR_ONLY_TITLE);
    match at {
        Some(0) => d.goal.clone(),
        Some(n) => d.steps[n - 1].expr.clone(),
        None => d.result().clone(),
    }
}

fn files() -> Vec<(String, Problem)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/derivations");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("derivations/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "deriv"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let name = p.file_stem()?.to_string_lossy().into_owned();
            let problem = parse_problem(&std::fs::read_to_string(&p).ok()?).ok()?;
            problem.goal.is_some().then_some((name, problem))
        })
        .collect()
}

fn group<'c>(
    c: &'c mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(1));
    group
}

fn derivations(c: &mut Criterion) {
    let mut g = group(c, "search");
    for (name, problem) in files() {
        let start = search_input(&problem);
        let ctx = Ctx::new(&problem);
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| best_form(black_box(&start), &ctx, SearchLimits::default()))
        });
    }
    g.finish();
}

fn scaling(c: &mut Criterion) {
    let mut g = group(c, "search-scaling");
    let inputs: Vec<(String, Problem)> = [10usize, 100, 1_000]
        .iter()
        .map(|n| {
            let p = parse_problem(&support::sum_of_terms(*n)).expect("parses");
            (format!("terms-{n}"), p)
        })
        .chain(
            [10usize, 100]
                .iter()
                .map(|d| (format!("depth-{d}"), support::deep_tree(*d))),
        )
        .collect();
    for (name, problem) in inputs {
        let start = search_input(&problem);
        let ctx = Ctx::new(&problem);
        g.bench_function(BenchmarkId::from_parameter(name), |b| {
            b.iter(|| best_form(black_box(&start), &ctx, SearchLimits::default()))
        });
    }
    g.finish();
}

criterion_group!(benches, derivations, scaling);
criterion_main!(benches);
