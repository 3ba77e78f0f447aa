//! How the engine's time grows with the input: a loss that is a sum of `N` terms, and an
//! expression nested `D` levels deep (built with the smart constructors, and as a chain of
//! definitions derived through the chain rule). See `benches/support/mod.rs` for the inputs.
//!
//! Run with `cargo bench --bench scaling`.

mod support;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use gradproof::engine::{derive, Limits};
use gradproof::parse::parse_problem;
use std::hint::black_box;
use std::time::Duration;

/// Limits far above what the generated inputs need, so every run saturates.
const LIMITS: Limits = Limits {
    max_firings: 1_000_000,
    max_size: 10_000_000,
};

fn config<'c>(
    c: &'c mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(2));
    group
}

fn terms(c: &mut Criterion) {
    let mut group = config(c, "derive-terms-N");
    for n in [10usize, 100, 1_000] {
        let problem = parse_problem(&support::sum_of_terms(n)).expect("parses");
        group.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter(|| derive(black_box(&problem), LIMITS))
        });
    }
    group.finish();
}

fn depth(c: &mut Criterion) {
    let mut group = config(c, "derive-depth-D");
    for d in [10usize, 100, 1_000] {
        let problem = support::deep_tree(d);
        group.bench_function(BenchmarkId::from_parameter(d), |b| {
            b.iter(|| derive(black_box(&problem), LIMITS))
        });
    }
    group.finish();
    // Definitions may nest at most `parse::MAX_UNFOLDED_DEPTH` (100) levels once substituted,
    // which a chain of about 50 `let a*f + b` lines reaches.
    let mut group = config(c, "derive-definitions-D");
    for d in [10usize, 25, 49] {
        let problem = parse_problem(&support::definition_chain(d)).expect("parses");
        group.bench_function(BenchmarkId::from_parameter(d), |b| {
            b.iter(|| derive(black_box(&problem), LIMITS))
        });
    }
    group.finish();
}

criterion_group!(benches, terms, depth);
criterion_main!(benches);
